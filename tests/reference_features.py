"""FROZEN reference feature implementation (copied from junkfilter/paragraph.py and
junkfilter/features.py before the speed work of issue 3). Used only by tests/test_features.py
to check that the optimised featurizer gives identical output. Do not edit.

Names: ``reference_featurize`` (features.featurize), ``ReferenceParagraph`` (Paragraph),
``reference_shape(text)`` (Paragraph(text).shape()).
"""
# ruff: noqa

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from junkfilter.labels import Label

WINDOW = 600
"""Characters of a paragraph (head) that pattern features and n-grams look at."""

_WORD = re.compile(r"\w+")
_URL = re.compile(r"(?:https?://|www\.)\S{1,200}|\b[\w-]{1,60}\.(?:com|net|org|ru|info|biz|co\.uk)\b")
_EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{2,63}\b")
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s?(?:[ap]\.?m\.?)?", re.IGNORECASE)
_AGO = re.compile(
    r"\b\d{1,4}\s+(?:second|minute|min|hour|hr|day|week|month|year)s?\s+ago\b", re.IGNORECASE
)
_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\b"
    r"|\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b",
    re.IGNORECASE,
)
_COUNTER = re.compile(
    r"\b\d[\d,.]{0,8}\s*(?:comments?|articles?|posts?|replies|responses|shares?|views|likes|"
    r"followers|reviews|votes)\b",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|wrote|writes|replied|commented)\s*(?:[,:]|\.\.\.|…)?$", re.IGNORECASE
)
_BULLET = re.compile(r"(?:[-*+•·▪►»>|#]|\d{1,3}[.)])\s")
_SEPARATORS = "|»·•›/>–—"
_TERMINAL = ".!?…:\"'”’)»。！？"


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """A multilingual stopword set from ``stopwordsiso`` (shipped offline with the package)."""
    try:
        import stopwordsiso
    except ImportError:  # pragma: no cover - it is a hard dependency
        return frozenset()
    langs = ("en", "de", "fr", "es", "pt", "it", "nl", "sv", "da", "no", "pl", "cs", "ro", "tr")
    return frozenset(stopwordsiso.stopwords(langs))


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


@dataclass(slots=True)
class ReferenceParagraph:
    """One paragraph of the input: ``text == source[start:end]``.

    ``label``, ``probability`` (of the label) and ``keep`` are set by classification; ``reason`` is
    the junk label that made a dropped paragraph go (``None`` when kept).
    """

    text: str
    start: int
    end: int
    index: int = 0
    label: Label | None = None
    probability: float = 0.0
    keep: bool | None = None
    reason: str | None = None
    probabilities: dict[str, float] | None = field(default=None, repr=False)

    def head(self) -> str:
        """The first :data:`WINDOW` characters, which pattern features read."""
        return self.text[:WINDOW]

    def words(self) -> list[str]:
        return _WORD.findall(self.head())

    def n_chars(self) -> int:
        return len(self.text)

    def n_lines(self) -> int:
        return self.text.count("\n") + 1

    def stopword_ratio(self) -> float:
        words = self.words()
        stop = stopwords()
        return _ratio(sum(w.lower() in stop for w in words), len(words))

    def capitalised_ratio(self) -> float:
        words = self.words()
        return _ratio(sum(w[:1].isupper() for w in words), len(words))

    def upper_ratio(self) -> float:
        head = self.head()
        letters = sum(c.isalpha() for c in head)
        return _ratio(sum(c.isupper() for c in head), letters)

    def digit_ratio(self) -> float:
        head = self.head()
        return _ratio(sum(c.isdigit() for c in head), len(head))

    def punct_ratio(self) -> float:
        head = self.head()
        return _ratio(sum(not c.isalnum() and not c.isspace() for c in head), len(head))

    def ends_terminal(self) -> bool:
        return self.text.rstrip()[-1:] in _TERMINAL if self.text else False

    def n_sentences(self) -> int:
        head = self.head()
        return sum(head.count(c) for c in ".!?。！？")

    def n_urls(self) -> int:
        return len(_URL.findall(self.head()))

    def has_email(self) -> bool:
        return _EMAIL.search(self.head()) is not None

    def has_clock(self) -> bool:
        return _CLOCK.search(self.head()) is not None

    def has_ago(self) -> bool:
        return _AGO.search(self.head()) is not None

    def has_date(self) -> bool:
        return _DATE.search(self.head()) is not None

    def has_counter(self) -> bool:
        return _COUNTER.search(self.head()) is not None

    def starts_bullet(self) -> bool:
        return _BULLET.match(self.text[:8]) is not None

    def separator_count(self) -> int:
        head = self.head()
        return sum(head.count(c) for c in _SEPARATORS)

    def shape(self) -> list[float]:
        """All shape features, scaled to roughly [0, 1], in :data:`SHAPE_NAMES` order.

        Equal to combining the single-feature methods above, computed in one pass over the head.
        """
        head = self.text[:WINDOW]
        words = _WORD.findall(head)
        n_words = len(words)
        stop = stopwords()
        mean_word = _ratio(sum(map(len, words)), n_words)
        letters, upper, digits, punct = char_counts(head)
        n_head = len(head)
        return [
            math.log1p(len(self.text)) / 10.0,
            math.log1p(n_words) / 7.0,
            min(mean_word, 20.0) / 10.0,
            _ratio(sum(w.lower() in stop for w in words), n_words),
            _ratio(sum(w[:1].isupper() for w in words), n_words),
            _ratio(upper, letters),
            _ratio(digits, n_head),
            _ratio(punct, n_head),
            float(self.ends_terminal()),
            math.log1p(sum(head.count(c) for c in ".!?。！？")) / 3.0,
            math.log1p(self.text.count("\n") + 1) / 3.0,
            math.log1p(len(_URL.findall(head))),
            float(_EMAIL.search(head) is not None),
            float(_CLOCK.search(head) is not None),
            float(_AGO.search(head) is not None),
            float(_DATE.search(head) is not None),
            float(_COUNTER.search(head) is not None),
            float(_BULLET.match(self.text[:8]) is not None),
            math.log1p(sum(head.count(c) for c in _SEPARATORS)) / 3.0,
            float("©" in head or "(c)" in head.lower()),
            float(n_words <= 3),
            float(self.text[:1].isupper()),
            float(2 <= n_words <= 8 and _ATTRIBUTION.search(self.text[-24:]) is not None),
        ]


_A_UPPER = bytes(range(65, 91))
_A_LOWER = bytes(range(97, 123))
_A_DIGIT = b"0123456789"
_A_SPACE = bytes(c for c in range(128) if chr(c).isspace())


def char_counts(head: str) -> tuple[int, int, int, int]:
    """(letters, upper-case letters, digits, punctuation/symbols) of ``head``.

    ASCII text is counted with ``bytes.translate`` (C speed); other text character by character.
    Both give exactly ``str.isalpha``/``isupper``/``isdigit`` and ``not isalnum/isspace`` counts.
    """
    n = len(head)
    if head.isascii():
        b = head.encode("ascii")
        upper = n - len(b.translate(None, _A_UPPER))
        letters = upper + n - len(b.translate(None, _A_LOWER))
        digits = n - len(b.translate(None, _A_DIGIT))
        space = n - len(b.translate(None, _A_SPACE))
        return letters, upper, digits, n - letters - digits - space
    letters = sum(map(str.isalpha, head))
    upper = sum(map(str.isupper, head))
    digits = sum(map(str.isdigit, head))
    alnum = sum(map(str.isalnum, head))
    space = sum(map(str.isspace, head))
    return letters, upper, digits, n - alnum - space


SHAPE_NAMES: tuple[str, ...] = (
    "log_chars", "log_words", "mean_word_len", "stopword_ratio", "capitalised_ratio",
    "upper_ratio", "digit_ratio", "punct_ratio", "ends_terminal", "log_sentences", "log_lines",
    "log_urls", "has_email", "has_clock", "has_ago", "has_date", "has_counter", "starts_bullet",
    "log_separators", "has_copyright", "short", "starts_upper", "attribution",
)  # fmt: skip


# ---- features.py ----

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


def _hash_list(keys: list[str]) -> np.ndarray:
    """Hashes of many keys: memo lookups at C speed, misses filled in Python."""
    hashes = list(map(_memo.get, keys))
    if None in hashes:
        for i, h in enumerate(hashes):
            if h is None:
                hashes[i] = _hash(keys[i])
    return np.fromiter(hashes, dtype=np.uint64, count=len(hashes))


def _normalise(text: str) -> str:
    if len(text) > WINDOW + TAIL_CHARS:
        text = text[:WINDOW] + " \u2026 " + text[-TAIL_CHARS:]
    return text.lower().translate(_DIGITS)


def _char_trigrams(prefixes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hashes and row numbers of the character 3-grams of each prefix, in numpy."""
    lengths = np.fromiter(map(len, prefixes), dtype=np.int64, count=len(prefixes))
    joined = "".join(prefixes).encode("utf-32-le", "surrogatepass")
    cp = np.frombuffer(joined, dtype=np.uint32).astype(np.uint64)
    row = np.repeat(np.arange(len(prefixes)), lengths)
    if len(cp) < 3:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    ok = row[:-2] == row[2:]
    h = (cp[:-2] * np.uint64(1_000_003) + cp[1:-1]) * np.uint64(1_000_003) + cp[2:]
    h = (h * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(29)
    return h[ok], row[:-2][ok]


@dataclass(slots=True)
class Rows:
    """A batch of feature rows: a hashed text block in coordinate form plus a dense block."""

    rows: np.ndarray
    cols: np.ndarray
    data: np.ndarray
    dense: np.ndarray

    @property
    def n_rows(self) -> int:
        return self.dense.shape[0]

    def text_dot(self, weights_t: np.ndarray) -> np.ndarray:
        """``text_block @ weights_t.T`` for a ``(k, N_HASH)`` weight matrix, without scipy."""
        out = np.empty((self.n_rows, weights_t.shape[0]), dtype=np.float64)
        for j, w in enumerate(weights_t):
            out[:, j] = np.bincount(self.rows, weights=w[self.cols] * self.data,
                                    minlength=self.n_rows)  # fmt: skip
        return out

    def to_scipy(self):
        """The whole row block as a ``scipy.sparse.csr_matrix`` (training only)."""
        import scipy.sparse as sp

        text = sp.csr_matrix(
            (self.data.astype(np.float64), (self.rows, self.cols)), shape=(self.n_rows, N_HASH)
        )
        return sp.hstack([text, sp.csr_matrix(self.dense)], format="csr")


def _hashed_block(paragraphs: Sequence[ReferenceParagraph]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row numbers, column indices and values of the hashed text block.

    Per paragraph: word unigrams and bigrams, a first-word and a last-word marker, and character
    3-grams of its first :data:`PREFIX_CHARS` characters; values are ``1/sqrt(keys)``.
    """
    n = len(paragraphs)
    words: list[str] = []
    markers: list[str] = []
    prefixes: list[str] = []
    n_words = np.zeros(n, dtype=np.int64)
    for i, p in enumerate(paragraphs):
        norm = _normalise(p.text)
        toks = _TOKEN.findall(norm)
        words += toks
        n_words[i] = len(toks)
        markers += ("^" + toks[0], toks[-1] + "$") if toks else ("^", "$")
        prefixes.append("^" + norm[:PREFIX_CHARS])
    wh = _hash_list(words)
    word_row = np.repeat(np.arange(n), n_words)
    same = word_row[1:] == word_row[:-1]
    bigrams = ((wh[:-1] * np.uint64(0x9E3779B1) + (wh[1:] ^ np.uint64(0x5BD1E995))) >> np.uint64(3))
    tri, tri_row = _char_trigrams(prefixes)
    rows = np.concatenate([word_row, np.repeat(np.arange(n), 2), word_row[1:][same], tri_row])
    cols = np.concatenate([wh, _hash_list(markers), bigrams[same], tri])
    cols = (cols & np.uint64(_MASK)).astype(np.int64)
    counts = np.bincount(rows, minlength=n)
    data = (1.0 / np.sqrt(np.maximum(counts, 1)))[rows]
    return rows, cols, data


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


def reference_featurize(documents: Sequence[Sequence[ReferenceParagraph]]) -> Rows:
    """Feature rows for the paragraphs of several documents, in order."""
    flat = [p for doc in documents for p in doc]
    rows, cols, data = _hashed_block(flat)
    blocks = []
    for doc in documents:
        if doc:
            shape = np.asarray([p.shape() for p in doc], dtype=np.float64)
            blocks.append(_context(shape))
    dense = np.vstack(blocks) if blocks else np.zeros((0, N_DENSE))
    return Rows(rows=rows, cols=cols, data=data, dense=dense)


def group_ids(documents: Sequence[Sequence[ReferenceParagraph]]) -> np.ndarray:
    """Document number of each row of :func:`featurize` (rows of a document are contiguous)."""
    return np.repeat(np.arange(len(documents)), [len(d) for d in documents])


def reference_shape(text: str) -> list[float]:
    return ReferenceParagraph(text, 0, len(text)).shape()
