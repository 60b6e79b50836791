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
ATTRIBUTION_VERBS = ("said", "says", "wrote", "writes", "replied", "commented")
_ATTRIBUTION = re.compile(
    rf"\b(?:{'|'.join(ATTRIBUTION_VERBS)})\s*(?:[,:]|\.\.\.|…)?$", re.IGNORECASE
)
"""A commenter line's end: "Progress Trap said," / "dragoncar says:" / "Marlene wrote:"."""


ATTRIBUTION_WORDS = (2, 8)
"""Fewest and most words of a commenter line."""


def ends_attributed(text: str) -> bool:
    """Whether ``text`` ends like a commenter line (:data:`_ATTRIBUTION`, on its last 24
    characters); the ``attribution`` feature also asks for :data:`ATTRIBUTION_WORDS` words."""
    return _ATTRIBUTION.search(text[-24:]) is not None


def attribution_line(text: str, n_words: int) -> bool:
    """A commenter line: :data:`ATTRIBUTION_WORDS` words ending in said/says/wrote/..."""
    lo, hi = ATTRIBUTION_WORDS
    return lo <= n_words <= hi and ends_attributed(text)


_BULLET = re.compile(r"(?:[-*+•·▪►»>|#]|\d{1,3}[.)])\s")
_SEPARATORS = "|»·•›/>–—"
_TERMINAL = ".!?…:\"'”’)»。！？"


STOPWORD_LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "nl", "sv", "da", "no", "pl", "cs",
                      "ro", "tr")  # fmt: skip
"""Languages whose ``stopwordsiso`` lists make up :func:`stopwords`."""


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """A multilingual stopword set from ``stopwordsiso`` (shipped offline with the package).

    Its JSON file is read with orjson without importing the package (whose import reads the same
    file with the standard library and looks up its own version: 20-30 ms of every cold start);
    if the file is not where this version of the package keeps it, the package is imported.
    """
    from importlib.util import find_spec

    spec = find_spec("stopwordsiso")
    if spec is None:  # a hard dependency: features without it would silently differ
        raise ImportError(
            "junkfilter needs the stopwordsiso package for its stopword features "
            "(pip install stopwordsiso); without them the model's verdicts would be wrong"
        )
    import orjson

    for folder in spec.submodule_search_locations or ():
        try:
            with open(f"{folder}/stopwords-iso.json", "rb") as fh:
                table = orjson.loads(fh.read())
            return frozenset(w for lang in STOPWORD_LANGUAGES for w in table.get(lang, ()))
        except (OSError, ValueError, AttributeError):
            continue
    import stopwordsiso  # pragma: no cover - another layout of the package

    return frozenset(stopwordsiso.stopwords(STOPWORD_LANGUAGES))  # pragma: no cover


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

    def is_attribution(self) -> bool:
        """A commenter line (:func:`attribution_line`): "Progress Trap said,"."""
        return attribution_line(self.text, len(self.words()))

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
            float(attribution_line(self.text, n_words)),
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
