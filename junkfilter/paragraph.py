"""The paragraph: a span of the input, its shape features, and (once classified) its verdict.

Shape features are methods, so they can be read one by one when debugging
(``p.stopword_ratio()``) and are computed together by :meth:`Paragraph.shape`. Pattern-based
features look at a bounded window of the paragraph (:data:`WINDOW`), so a 50 MB paragraph costs
no more regex time than a 2 KB one; counts such as length use the whole text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

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
class Paragraph:
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
        """All shape features, scaled to roughly [0, 1], in :data:`SHAPE_NAMES` order."""
        words = self.words()
        n_words = len(words)
        mean_word = _ratio(sum(len(w) for w in words), n_words)
        return [
            math.log1p(self.n_chars()) / 10.0,
            math.log1p(n_words) / 7.0,
            min(mean_word, 20.0) / 10.0,
            self.stopword_ratio(),
            self.capitalised_ratio(),
            self.upper_ratio(),
            self.digit_ratio(),
            self.punct_ratio(),
            float(self.ends_terminal()),
            math.log1p(self.n_sentences()) / 3.0,
            math.log1p(self.n_lines()) / 3.0,
            math.log1p(self.n_urls()),
            float(self.has_email()),
            float(self.has_clock()),
            float(self.has_ago()),
            float(self.has_date()),
            float(self.has_counter()),
            float(self.starts_bullet()),
            math.log1p(self.separator_count()) / 3.0,
            float("©" in self.head() or "(c)" in self.head().lower()),
            float(n_words <= 3),
            float(self.text[:1].isupper()),
        ]


SHAPE_NAMES: tuple[str, ...] = (
    "log_chars", "log_words", "mean_word_len", "stopword_ratio", "capitalised_ratio",
    "upper_ratio", "digit_ratio", "punct_ratio", "ends_terminal", "log_sentences", "log_lines",
    "log_urls", "has_email", "has_clock", "has_ago", "has_date", "has_counter", "starts_bullet",
    "log_separators", "has_copyright", "short", "starts_upper",
)  # fmt: skip
