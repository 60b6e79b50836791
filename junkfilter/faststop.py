"""Exact, vectorised stopword lookup for the words of a joined text (shape features).

:func:`stopword_flags` answers ``word.lower() in stopwords()`` for every word span of a text at
once, without a Python call per word; :mod:`junkfilter.fastshape` counts the answers per
paragraph.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from junkfilter import paragraph as para

_HASH_MUL = np.uint64(0x9E3779B97F4A7C15)
_SLOT_BITS = 18


def _hash_cols(cols: list[np.ndarray]) -> np.ndarray:
    h = np.zeros(len(cols[0]), dtype=np.uint64)
    for c in cols:
        h = (h ^ c) * _HASH_MUL
    return h


def _spans_as_uint64(cp: np.ndarray, starts: np.ndarray, lens: np.ndarray, masks: np.ndarray):
    """The code points ``cp[s:s + n]`` of each span, zero-padded to a fixed width, as a few
    uint64 columns: unaligned 8-byte reads at ``s``, ``s + 8`` ... bytes, then masked.

    Column ``j`` is read only for the spans that reach it (most words fit in the first eight
    bytes); the others get zeros, as the mask would give them."""
    per = 8 // cp.itemsize
    m = masks.shape[1]
    padded = np.concatenate([cp, np.zeros(per * m, dtype=cp.dtype)])
    n = len(cp) + per * (m - 1)  # the last read ends inside the padding
    words = np.ndarray(buffer=padded, dtype=np.uint64, shape=(n,), strides=(cp.itemsize,))
    cols = [np.take(words, starts) & masks[lens, 0]]  # take: 1.5x [ ]
    for j in range(1, m):
        col = np.zeros(len(starts), dtype=np.uint64)
        far = np.flatnonzero(lens > per * j)
        col[far] = np.take(words, starts[far] + per * j) & masks[lens[far], j]
        cols.append(col)
    return cols


class _Stopwords:
    """Exact, vectorised ``word.lower() in stopwords()`` for many words of a joined text.

    Text is looked at one byte a character: ASCII as it is, the few other characters that occur
    in stopwords (48 in the 14 lists) as the codes 128 and up, and every other character as
    :data:`OTHER`, which no stopword contains (so the mapping never makes two different words
    equal). A word is its codes padded with zeros to the longest stopword: two uint64 read
    straight from the buffer. A hash of those picks a slot of a table holding the one stopword
    hashed there (a sorted search for the rare slots holding several), and comparing the uint64
    confirms it, so a hash collision never gives a wrong answer. The tables are built on first
    use.
    """

    OTHER = 255

    def __init__(self) -> None:
        self.words = sorted(w for w in para.stopwords() if para._WORD.fullmatch(w))
        self.width = -(-max(map(len, self.words), default=1) // 8) * 8
        extra = sorted({c for w in self.words for c in w if ord(c) >= 128})
        if len(extra) > self.OTHER - 128:  # pragma: no cover - the shipped lists use 48
            raise RuntimeError("stopwords use too many non-ASCII characters for one byte each")
        self.code = np.full(0x10000, self.OTHER, dtype=np.uint8)  # BMP code point -> byte
        self.code[:128] = np.arange(128)
        for i, c in enumerate(extra):
            self.code[ord(c)] = 128 + i
        self.table: tuple | None = None

    def _bytes(self, lcp: np.ndarray) -> np.ndarray:
        """One byte a code point (see the class)."""
        if lcp.dtype == np.uint8:  # ASCII
            return lcp
        if lcp.dtype == np.uint16:
            return np.take(self.code, lcp)
        return np.where(lcp < 0x10000, np.take(self.code, np.minimum(lcp, 0xFFFF)), self.OTHER)

    def _table(self) -> tuple:
        """(length masks, sorted hashes, their uint64 columns, slot -> index)."""
        width = self.width
        codes = [self.code[[ord(c) for c in w]].tobytes().ljust(width, b"\0") for w in self.words]
        rows = np.frombuffer(b"".join(codes), dtype=np.uint8).reshape(len(codes), width)
        keep = np.arange(width)[None, :] < np.arange(width + 1)[:, None]
        masks = np.where(keep, 0xFF, 0).astype(np.uint8).view(np.uint64)
        cols = rows.view(np.uint64)
        h = _hash_cols(list(cols.T))
        order = np.argsort(h, kind="stable")
        h, cols = h[order], cols[order]
        if np.any(h[1:] == h[:-1]):  # pragma: no cover - never seen (np.unique: +10 ms to start)
            raise RuntimeError("two stopwords share a hash; change _HASH_MUL")
        slots = np.full(1 << _SLOT_BITS, -1, dtype=np.int16)
        s = (h >> np.uint64(64 - _SLOT_BITS)).astype(np.int64)
        shared = np.bincount(s, minlength=len(slots)) > 1
        slots[s] = np.arange(len(h), dtype=np.int16)
        slots[shared] = -2
        return masks, h, cols, slots

    def flags(self, lcp: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """True where the span ``lcp[start:start + len]`` (lower-cased code points) is a
        stopword."""
        out = np.zeros(len(starts), dtype=bool)
        if self.table is None:
            self.table = self._table()
        masks, keys, table, slots = self.table
        cand = np.flatnonzero(lens <= self.width)
        if not len(cand) or not len(keys):
            return out
        cols = _spans_as_uint64(self._bytes(lcp), starts[cand], lens[cand], masks)
        h = _hash_cols(cols)
        at = slots[(h >> np.uint64(64 - _SLOT_BITS)).astype(np.int64)].astype(np.int64)
        many = np.flatnonzero(at == -2)
        at[many] = np.minimum(np.searchsorted(keys, h[many]), len(keys) - 1)
        hit = np.flatnonzero(at >= 0)
        at = at[hit]
        same = keys[at] == h[hit]
        for j, c in enumerate(cols):
            same &= c[hit] == table[at, j]
        out[cand[hit[same]]] = True
        return out


@lru_cache(maxsize=1)
def _lookup() -> _Stopwords:
    return _Stopwords()


def stopword_flags(lcp: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """True where the span ``lcp[start:start + len]`` of lower-cased code points (uint8, uint16
    or uint32) is a stopword; the tables are built on first use."""
    return _lookup().flags(lcp, starts, lens)
