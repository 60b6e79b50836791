"""Paragraphs -> feature rows, with numpy only (no scikit-learn or scipy import at run time).

Each paragraph becomes one row of two blocks:

* **hashed text features** (:data:`N_HASH` columns): lower-cased, digit-folded word unigrams and
  bigrams of the paragraph's head (and tail, for long paragraphs), first/last-word markers and
  character 3-grams of its first :data:`PREFIX_CHARS` characters. Keys are hashed with CRC-32
  (stable across processes, unlike ``hash()``); a bounded memo makes repeated tokens cheap.
  Counts are scaled by ``1/sqrt(tokens)``.
* **dense features** (:data:`DENSE_NAMES`): the paragraph's shape (:meth:`Paragraph.shape`), the
  shape of its neighbours, and its place in the document.

Rows of a batch are stored CSR-style (:class:`Rows`) so a linear model scores them with one
gather and one cumulative sum; training converts them to a scipy matrix (:meth:`Rows.to_scipy`).
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from junkfilter.paragraph import SHAPE_NAMES, WINDOW, Paragraph

N_HASH = 1 << 18
"""Hashed text columns (a power of two)."""
PREFIX_CHARS = 40
"""Characters at the start of a paragraph whose character 3-grams are features."""
TAIL_CHARS = 160
"""Characters at the end of a long paragraph whose words are features too."""

_MASK = N_HASH - 1
_TOKEN = re.compile(r"\w+|[^\w\s]")
_DIGITS = str.maketrans("0123456789", "0000000000")
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


def _normalise(text: str) -> str:
    if len(text) > WINDOW + TAIL_CHARS:
        text = text[:WINDOW] + " \u2026 " + text[-TAIL_CHARS:]
    return text.lower().translate(_DIGITS)


def text_hashes(text: str) -> tuple[list[int], int]:
    """32-bit hashes of a paragraph's unigram and marker keys, and how many unigrams lead them.

    The first ``n_words`` hashes are the word/punctuation unigrams in order (bigrams are made
    from them in numpy); the rest are markers and character 3-grams.
    """
    norm = _normalise(text)
    words = _TOKEN.findall(norm)
    hashes = [_hash(w) for w in words]
    n_words = len(hashes)
    if words:
        hashes.append(_hash("^" + words[0]))
        hashes.append(_hash(words[-1] + "$"))
    else:
        hashes.append(_hash("^$"))
    prefix = "^" + norm[:PREFIX_CHARS]
    hashes.extend(_hash("c:" + prefix[i : i + 3]) for i in range(max(len(prefix) - 2, 0)))
    return hashes, n_words


@dataclass(slots=True)
class Rows:
    """A batch of feature rows: CSR-style hashed text block plus a dense block."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    dense: np.ndarray

    @property
    def n_rows(self) -> int:
        return self.dense.shape[0]

    def text_dot(self, weights: np.ndarray) -> np.ndarray:
        """``text_block @ weights`` for a ``(N_HASH, k)`` weight matrix, without scipy."""
        contrib = weights[self.indices].astype(np.float64) * self.data[:, None]
        cum = np.zeros((len(self.indices) + 1, weights.shape[1]), dtype=np.float64)
        np.cumsum(contrib, axis=0, out=cum[1:])
        return cum[self.indptr[1:]] - cum[self.indptr[:-1]]

    def to_scipy(self):
        """The whole row block as a ``scipy.sparse.csr_matrix`` (training only)."""
        import scipy.sparse as sp

        text = sp.csr_matrix(
            (self.data, self.indices, self.indptr), shape=(self.n_rows, N_HASH), dtype=np.float64
        )
        text.sum_duplicates()
        return sp.hstack([text, sp.csr_matrix(self.dense)], format="csr")


def _hashed_block(paragraphs: Sequence[Paragraph]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """indptr, column indices and values of the hashed text block."""
    chunks, lengths = [], []
    for p in paragraphs:
        hashes, n_words = text_hashes(p.text)
        uni = np.asarray(hashes, dtype=np.uint64)
        if n_words > 1:
            w = uni[:n_words]
            bigrams = (w[:-1] * np.uint64(0x9E3779B1) + (w[1:] ^ np.uint64(0x5BD1E995))) >> 3
            uni = np.concatenate([uni, bigrams])
        chunks.append(uni)
        lengths.append(len(uni))
    lengths_arr = np.asarray(lengths, dtype=np.int64)
    indptr = np.zeros(len(paragraphs) + 1, dtype=np.int64)
    np.cumsum(lengths_arr, out=indptr[1:])
    if chunks:
        indices = (np.concatenate(chunks) & np.uint64(_MASK)).astype(np.int64)
    else:
        indices = np.zeros(0, dtype=np.int64)
    scale = 1.0 / np.sqrt(np.maximum(lengths_arr, 1))
    data = np.repeat(scale, lengths_arr)
    return indptr, indices, data


def _context(shape: np.ndarray) -> np.ndarray:
    """Neighbour shapes and position features for one document's ``(n, n_shape)`` shape block."""
    n = shape.shape[0]
    prev = np.zeros_like(shape)
    nxt = np.zeros_like(shape)
    prev[1:] = shape[:-1]
    nxt[:-1] = shape[1:]
    pos = np.arange(n, dtype=np.float64)
    log_chars = shape[:, 0]
    ctx = np.column_stack(
        [
            pos / max(n - 1, 1),
            pos == 0,
            pos == n - 1,
            np.full(n, math.log1p(n) / 6.0),
            np.log1p(n - 1 - pos) / 6.0,
            log_chars - (log_chars.max() if n else 0.0),
        ]
    )
    return np.hstack([shape, prev, nxt, ctx])


def featurize(documents: Sequence[Sequence[Paragraph]]) -> Rows:
    """Feature rows for the paragraphs of several documents, in order."""
    flat = [p for doc in documents for p in doc]
    indptr, indices, data = _hashed_block(flat)
    blocks = []
    for doc in documents:
        if doc:
            shape = np.asarray([p.shape() for p in doc], dtype=np.float64)
            blocks.append(_context(shape))
    dense = np.vstack(blocks) if blocks else np.zeros((0, N_DENSE))
    return Rows(indptr=indptr, indices=indices, data=data, dense=dense)


def group_ids(documents: Sequence[Sequence[Paragraph]]) -> np.ndarray:
    """Document number of each row of :func:`featurize` (rows of a document are contiguous)."""
    return np.repeat(np.arange(len(documents)), [len(d) for d in documents])
