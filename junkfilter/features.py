"""Paragraphs -> feature rows, with numpy only (no scikit-learn or scipy import at run time).

Each paragraph becomes one row of two blocks:

* **hashed text features** (:data:`N_HASH` columns): lower-cased, digit-folded word unigrams and
  bigrams of the paragraph's head (and tail, for long paragraphs), first/last-word markers and
  character 3-grams of its first :data:`PREFIX_CHARS` characters. Keys are hashed with CRC-32
  (stable across processes, unlike ``hash()``); a bounded memo makes repeated tokens cheap.
  Counts are scaled by ``1/sqrt(tokens)``.
* **dense features** (:data:`DENSE_NAMES`): the paragraph's shape (:meth:`Paragraph.shape`), the
  shape of its neighbours, and its place in the document.

Rows of a batch are stored CSR-style (:class:`Rows`), one per distinct text, so a linear model
scores them with one gather of every entry's class weights and one segment sum; training
converts them to a scipy matrix (:meth:`Rows.to_scipy`).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from junkfilter.fasthash import crc32_append, crc32_spans, utf8_offsets
from junkfilter.fastshape import RSPACE, WORD, char_flags, shape_matrix
from junkfilter.paragraph import SHAPE_NAMES, WINDOW, Paragraph

N_HASH = 1 << 18
"""Hashed text columns (a power of two)."""
PREFIX_CHARS = 40
"""Characters at the start of a paragraph whose character 3-grams are features."""
TAIL_CHARS = 160
"""Characters at the end of a long paragraph whose words are features too."""

_MASK = N_HASH - 1
_BYTE_DIGITS = bytes.maketrans(b"0123456789", b"0000000000")
_MEMO_LIMIT = 1 << 20
_memo: dict[str, int] = {}

CONTEXT_NAMES = ("rel_pos", "is_first", "is_last", "log_n_paras", "log_from_end", "rel_length")
DENSE_NAMES: tuple[str, ...] = (
    *SHAPE_NAMES,
    *(f"prev_{n}" for n in SHAPE_NAMES),
    *(f"next_{n}" for n in SHAPE_NAMES),
    *CONTEXT_NAMES,
)
N_DENSE = len(DENSE_NAMES)
N_FEATURES = N_HASH + N_DENSE


def _hash(key: str) -> int:
    """Stable 32-bit hash of a feature key, memoised."""
    h = _memo.get(key)
    if h is None:
        if len(_memo) >= _MEMO_LIMIT:
            _memo.clear()
        h = _memo[key] = zlib.crc32(key.encode("utf-8", "surrogatepass"))
    return h


def _window(text: str) -> str:
    """A paragraph's head, plus its tail when it is long: the text n-gram features read."""
    if len(text) > WINDOW + TAIL_CHARS:
        return text[:WINDOW] + " \u2026 " + text[-TAIL_CHARS:]
    return text


@dataclass(slots=True)
class Rows:
    """A batch of feature rows: a hashed text block in compressed-row form plus a dense block.

    The text block holds one row per *distinct* paragraph text: text row ``i``'s hashed columns
    are ``cols[indptr[i]:indptr[i + 1]]``, each with the value ``scale[i]`` (``1/sqrt`` of the
    row's key count); ``inverse`` maps each feature row to its text row (``None``: one text row
    per feature row). Repeated texts ("Reply", "Share", a menu line on every page of a batch: a
    quarter of the paragraphs of a batch of web pages) are hashed and scored once.
    """

    indptr: np.ndarray
    cols: np.ndarray
    scale: np.ndarray
    dense: np.ndarray
    inverse: np.ndarray | None = None

    @property
    def n_rows(self) -> int:
        return self.dense.shape[0]

    @property
    def n_text_rows(self) -> int:
        return len(self.indptr) - 1

    @property
    def rows(self) -> np.ndarray:
        """The text row of each entry (coordinate form)."""
        return np.repeat(np.arange(self.n_text_rows), np.diff(self.indptr))

    @property
    def data(self) -> np.ndarray:
        """The value of each entry (coordinate form)."""
        return np.repeat(self.scale, np.diff(self.indptr))

    def text_dot(self, table: np.ndarray) -> np.ndarray:
        """``text_block @ table`` for a ``(N_HASH, m)`` float32 table of weights (a row per
        hashed key), without scipy.

        Each entry's row of weights is gathered at once (with ``m`` padded to 8, one aligned
        32-byte read per entry rather than one read per class), each text row's entries are
        summed in float32 with one ``reduceat`` and the sums are multiplied by the row's value.
        The float32 columns are summed two at a time as complex64 (:func:`_as_pairs`).
        """
        n_text = self.n_text_rows
        out = np.zeros((n_text, table.shape[1]), dtype=np.float64)
        filled = np.flatnonzero(self.indptr[1:] > self.indptr[:-1])
        if len(filled):
            gathered = np.take(_as_pairs(table), self.cols, axis=0)
            sums = np.add.reduceat(gathered, self.indptr[filled], axis=0)
            sums = sums.view(table.dtype).astype(np.float64)
            sums *= self.scale[filled, None]
            if len(filled) == n_text:
                out = sums
            else:
                out[filled] = sums
        return out if self.inverse is None else out[self.inverse]

    def to_scipy(self):
        """The whole row block as a ``scipy.sparse.csr_matrix`` (training only)."""
        import scipy.sparse as sp

        text = sp.csr_matrix((self.data.astype(np.float64), self.cols, self.indptr),
                             shape=(self.n_text_rows, N_HASH))  # fmt: skip
        if self.inverse is not None:
            text = text[self.inverse]
        return sp.hstack([text, sp.csr_matrix(self.dense)], format="csr")


def _as_pairs(table: np.ndarray) -> np.ndarray:
    """A C-contiguous float32 table with an even number of columns viewed as complex64: adding
    complex numbers adds the float32 columns in pairs, and numpy's ``reduceat`` over 4 complex
    columns runs 30 % faster than over 8 float columns (the sums agree to float32 rounding; the
    order of the additions differs)."""
    if table.dtype == np.float32 and table.shape[1] % 2 == 0 and table.flags.c_contiguous:
        return table.view(np.complex64)
    return table


def distinct(texts: Sequence[str]) -> tuple[list[str], np.ndarray | None]:
    """The distinct texts in order of first appearance, and each text's index among them
    (``None`` when all are distinct)."""
    first = dict.fromkeys(texts)
    if len(first) == len(texts):
        return list(texts), None
    index = dict(zip(first, range(len(first))))
    inverse = np.fromiter(map(index.__getitem__, texts), dtype=np.int64, count=len(texts))
    return list(first), inverse


def _normalised_joined(texts: Sequence[str]) -> tuple[bytes, np.ndarray, np.ndarray]:
    """The windows of ``texts`` lower-cased, digits folded to ``0``, joined by line breaks:
    its UTF-8 bytes, its code points and each part's start.

    Lower-casing the joined text equals joining the lower-cased parts (the line break ends the
    context of a final sigma); when it changed a length (e.g. ``İ``), parts are lowered one by one.
    ASCII digits are folded to ``0`` on the bytes and on the code points (``str.translate`` is
    slow); in UTF-8 they are single bytes that no multi-byte character contains.
    """
    long = WINDOW + TAIL_CHARS
    pre = [t if len(t) <= long else _window(t) for t in texts]
    joined = "\n".join(pre)
    lowered = joined.lower()
    if len(lowered) != len(joined):
        pre = [p.lower() for p in pre]
        lowered = "\n".join(pre)
    lens = np.fromiter(map(len, pre), dtype=np.int64, count=len(pre))
    starts = np.zeros(len(pre), dtype=np.int64)
    starts[1:] = np.cumsum(lens + 1)[:-1]
    if lowered.isascii():
        raw = lowered.encode("ascii").translate(_BYTE_DIGITS)
        return raw, np.frombuffer(raw, dtype=np.uint8), starts
    raw = lowered.encode("utf-8", "surrogatepass").translate(_BYTE_DIGITS)
    cp = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    cp[(cp >= 48) & (cp <= 57)] = 48
    return raw, cp, starts


def _token_spans(cp: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start and end positions of the ``\\w+|[^\\w\\s]`` tokens of the joined text, and the
    number of tokens of each part (tokens never span the line break between parts)."""
    f = char_flags(cp)
    word = (f & WORD) != 0
    punct = ~word & ((f & RSPACE) == 0)
    begin = punct.copy()
    begin[1:] |= word[1:] & ~word[:-1]
    begin[:1] |= word[:1]
    end = punct
    end[:-1] |= word[:-1] & ~word[1:]
    end[-1:] |= word[-1:]
    tok_start = np.flatnonzero(begin)
    tok_end = np.flatnonzero(end) + 1
    bounds = np.searchsorted(tok_start, np.r_[starts, len(cp)])
    return tok_start, tok_end, np.diff(bounds)


def _token_hashes(raw: bytes, cp: np.ndarray, tok_start, tok_end, n_words):
    """CRC-32 of each token's UTF-8 bytes, and of ``"^" + first`` and ``last + "$"`` per part
    (the constant ``"^"``/``"$"`` keys for parts without tokens)."""
    if cp.dtype != np.uint8:
        tok_start, tok_end = utf8_offsets(cp, tok_start), utf8_offsets(cp, tok_end)
    lens = tok_end - tok_start
    wh = crc32_spans(raw, tok_start, lens)
    n = len(n_words)
    ends = np.cumsum(n_words)
    has = n_words > 0
    first = (ends - n_words)[has]
    markers = np.full(2 * n, _hash("^"), dtype=np.uint64)
    markers[1::2] = _hash("$")
    markers[0::2][has] = crc32_spans(raw, tok_start[first], lens[first], _hash("^"))
    markers[1::2][has] = crc32_append(wh[ends[has] - 1], ord("$"))
    return wh, markers


def _hashed_block(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The hashed text block: row pointers, column indices, and each row's value.

    Per paragraph: word unigrams and bigrams, a first-word and a last-word marker, and character
    3-grams of its first :data:`PREFIX_CHARS` characters; values are ``1/sqrt(keys)``. All
    paragraphs are normalised and tokenised as one text; a token never spans the line break
    between two of them, and each paragraph's token count comes from its characters.
    """
    n = len(texts)
    if not n:
        return np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
    raw, cp, starts = _normalised_joined(texts)
    tok_start, tok_end, n_words = _token_spans(cp, starts)
    wh, markers = _token_hashes(raw, cp, tok_start, tok_end, n_words)
    first_word = np.zeros(len(wh) + 1, dtype=bool)
    first_word[np.cumsum(n_words) - n_words] = True
    same = ~first_word[1:-1]  # token i and token i + 1 are in one part
    bigrams = (wh[:-1] * np.uint64(0x9E3779B1) + (wh[1:] ^ np.uint64(0x5BD1E995))) >> np.uint64(3)
    tri, n_tri = _prefix_trigrams(cp, starts, np.r_[starts[1:] - 1, len(cp)] - starts)
    parts = ((n_words, wh), (np.full(n, 2), markers),
             (np.maximum(n_words - 1, 0), bigrams[same]), (n_tri, tri))  # fmt: skip
    cols, indptr = _by_row(parts, n)
    return indptr, cols, 1.0 / np.sqrt(np.maximum(np.diff(indptr), 1))


def _by_row(parts, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The keys of ``parts`` (pairs of per-row key counts and the uint64 keys, row by row) as
    hashed column indices grouped by row, each row's keys in the order of ``parts``, and the
    rows' pointers into them (``indptr``).

    What a stable argsort of the concatenated keys by row would give, with each key's place
    computed instead: its row's first place, plus the row's keys in the parts before, plus its
    rank among its row's keys in its own part.
    """
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(sum(c for c, _ in parts), out=indptr[1:])
    out = np.empty(int(indptr[-1]), dtype=np.int64)
    before = indptr[:-1].copy()  # where each row's keys of the next part go
    for c, keys in parts:
        shift = before - (np.cumsum(c) - c)  # a row's place in ``out`` minus its place in keys
        out[np.arange(len(keys)) + np.repeat(shift, c)] = keys & np.uint64(_MASK)
        before += c
    return out, indptr


def _prefix_trigrams(cp, starts, lens) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the character 3-grams of ``"^" + part[:PREFIX_CHARS]``, and their count per
    part."""
    take = np.minimum(lens, PREFIX_CHARS) + 1
    row = np.repeat(np.arange(len(starts)), take)
    first = np.r_[0, np.cumsum(take)[:-1]]
    k = np.arange(len(row)) - first[row]
    src = np.where(k > 0, starts[row] + k - 1, 0)
    codes = np.where(k > 0, cp[src] if len(cp) else 0, ord("^")).astype(np.uint64)
    counts = np.maximum(take - 2, 0)
    if len(codes) < 3:
        return np.zeros(0, dtype=np.uint64), counts
    ok = row[:-2] == row[2:]
    h = (codes[:-2] * np.uint64(1_000_003) + codes[1:-1]) * np.uint64(1_000_003) + codes[2:]
    h = (h * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(29)
    return h[ok], counts


def _context(shape: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Neighbour shapes and position features for consecutive documents of ``sizes`` rows
    (no empty ones) whose shape blocks are stacked in ``shape``."""
    n = shape.shape[0]
    first = np.repeat(np.cumsum(sizes) - sizes, sizes)
    size = np.repeat(sizes, sizes)
    pos = (np.arange(n) - first).astype(np.float64)
    prev = np.zeros_like(shape)
    nxt = np.zeros_like(shape)
    prev[1:] = shape[:-1]
    nxt[:-1] = shape[1:]
    prev[pos == 0] = 0.0
    nxt[pos == size - 1] = 0.0
    log_chars = shape[:, 0]
    doc_max = np.maximum.reduceat(log_chars, np.cumsum(sizes) - sizes) if n else log_chars
    log_n = np.array([math.log1p(k) / 6.0 for k in sizes.tolist()])  # one per document
    ctx = np.column_stack(
        [
            pos / np.maximum(size - 1, 1),
            pos == 0,
            pos == size - 1,
            np.repeat(log_n, sizes),
            np.log1p(size - 1 - pos) / 6.0,
            log_chars - np.repeat(doc_max, sizes),
        ]
    )
    return np.hstack([shape, prev, nxt, ctx])


def featurize(documents: Sequence[Sequence[Paragraph]]) -> Rows:
    """Feature rows for the paragraphs of several documents, in order."""
    sizes = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
    return featurize_texts([p.text for doc in documents for p in doc], sizes)


def featurize_texts(texts: Sequence[str], sizes: np.ndarray) -> Rows:
    """Feature rows for paragraph texts of consecutive documents of ``sizes`` paragraphs."""
    unique, inverse = distinct(texts)
    indptr, cols, scale = _hashed_block(unique)
    shapes = shape_matrix(unique)
    if inverse is not None:
        shapes = shapes[inverse]
    dense = _context(shapes, sizes[sizes > 0]) if len(texts) else np.zeros((0, N_DENSE))
    return Rows(indptr=indptr, cols=cols, scale=scale, dense=dense, inverse=inverse)


def group_ids(documents: Sequence[Sequence[Paragraph]]) -> np.ndarray:
    """Document number of each row of :func:`featurize` (rows of a document are contiguous)."""
    return np.repeat(np.arange(len(documents)), [len(d) for d in documents])
