"""Labels with probabilities -> verdicts: keep flags, labels and drop reasons, as arrays.

:func:`decide` is the one place where a probability table becomes verdicts (the threshold on
P(kept labels), the rescue of documents left empty, the drop reason). :class:`Verdicts` holds
them for a batch of documents as arrays, with the paragraphs as spans only: the cheap path of
batch runs, which need the kept text and counters but not a :class:`Paragraph` object per
paragraph. :func:`assemble_spans` builds kept text from spans; :func:`junkfilter.clean.assemble`
is the same on paragraphs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from junkfilter import inline as inline_tags
from junkfilter.config import Config
from junkfilter.labels import Label

RESCUE_FLOOR = 0.1
"""A rescued paragraph still needs this P(kept labels): a page the model finds all junk stays
empty (on the validation pages a floor of 0 to 0.1 changes shingle F1 by less than 0.001)."""


def _doc_starts(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First row of each non-empty document and the row counts of those documents."""
    nonempty = sizes > 0
    return np.r_[0, np.cumsum(sizes)[:-1]][nonempty], sizes[nonempty]


def rescue(p_keep: np.ndarray, keep: np.ndarray, sizes: Sequence[int], share: float) -> np.ndarray:
    """Keep flags after rescuing the documents in which no paragraph was kept.

    ``sizes`` are the documents' paragraph counts (rows in order). In a document with nothing
    kept, the paragraphs with ``p_keep >= share * (the document's best p_keep)`` and at least
    :data:`RESCUE_FLOOR` are kept.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    if not share or not len(keep):
        return keep
    starts, lengths = _doc_starts(sizes)
    empty = ~np.logical_or.reduceat(keep, starts)
    if not empty.any():
        return keep
    best = np.maximum.reduceat(p_keep, starts)
    floor = np.where(empty, np.maximum(share * best, RESCUE_FLOOR), np.inf)
    return keep | (p_keep >= np.repeat(floor, lengths))


def headlines(p_title: np.ndarray, sizes: Sequence[int], level: float) -> np.ndarray:
    """Rows that are their document's most likely headline (the first row with its document's
    highest ``p_title``) with ``p_title >= level``; ``sizes`` are the documents' row counts."""
    out = np.zeros(len(p_title), dtype=bool)
    sizes = np.asarray(sizes, dtype=np.int64)
    if level >= 1.0 or not len(p_title):
        return out
    starts, lengths = _doc_starts(sizes)
    top = np.repeat(np.maximum.reduceat(p_title, starts), lengths)
    rows = np.arange(len(p_title))
    first = np.minimum.reduceat(np.where(p_title >= top, rows, len(p_title)), starts)
    out[first] = p_title[first] >= level
    return out


def decide(proba: np.ndarray, labels: Sequence[Label], sizes: Sequence[int], config: Config):
    """``(best, keep, why)`` per row: the most likely label's column, the keep flag, and the
    column of the drop reason (the most likely label not kept; meaningless where kept)."""
    keep_cols = np.array([lab in config.keep for lab in labels])
    p_keep = proba[:, keep_cols] @ np.ones(int(keep_cols.sum()))
    best = proba.argmax(axis=1)
    keep = rescue(p_keep, p_keep >= config.threshold, sizes, config.rescue)
    if Label.TITLE in config.keep and Label.TITLE in labels:
        keep |= headlines(proba[:, list(labels).index(Label.TITLE)], sizes, config.headline)
    why = best if keep_cols.all() else np.where(keep_cols[None, :], -1.0, proba).argmax(axis=1)
    return best, keep, why


def assemble_spans(text: str, starts, ends, keep, inline: bool = True) -> str:
    """The kept spans of ``text``, each preceded by the input's own separator before it (the gap
    after the previous span; see :func:`_separator` for column pieces), and one line break at the
    end if the input had one after the last kept span; with ``inline``, without the inline tags
    of :mod:`junkfilter.inline`. The result is a subsequence of ``text``."""
    kept = np.flatnonzero(keep)
    if not len(kept):
        return ""
    # a run of consecutive kept spans is one slice: spans and the gaps between them
    breaks = np.flatnonzero(np.diff(kept) > 1)
    first = kept[np.concatenate(([0], breaks + 1))].tolist()  # (np.r_ costs 3x more a call)
    last = kept[np.append(breaks, len(kept) - 1)].tolist()
    out = [text[starts[first[0]] : ends[last[0]]]]
    for prev, a, b in zip(last, first[1:], last[1:], strict=False):
        out += [_separator(text, int(ends[prev]), int(ends[a - 1]), int(starts[a])),
                text[starts[a] : ends[b]]]  # fmt: skip
    tail_start = int(ends[last[-1]])
    nl = text.find("\n", tail_start)
    if nl >= 0:
        out.append("\r\n" if nl > tail_start and text[nl - 1] == "\r" else "\n")
    return inline_tags.remove("".join(out)) if inline else "".join(out)


def _separator(text: str, kept_end: int, gap_start: int, start: int) -> str:
    """What goes before a kept span at ``start`` that follows dropped spans: the gap before it,
    unless that gap is a column gap inside a line while a line break lies between the last kept
    span (ending at ``kept_end``) and the dropped ones -- then the line breaks of the last gap
    that has any (where the kept span's line begins), so pieces of different lines stay apart."""
    gap = text[gap_start:start]
    if "\n" in gap or "\r" in gap:
        return gap
    region = text[kept_end:gap_start]
    last = max(region.rfind("\n"), region.rfind("\r"))
    if last < 0:
        return gap
    first = last
    while first > 0 and region[first - 1].isspace():
        first -= 1
    return "".join(c for c in region[first : last + 1] if c in "\r\n")


@dataclass(slots=True)
class Verdicts:
    """Verdicts on a batch of documents: paragraph spans and per-paragraph arrays.

    Document ``i`` owns rows ``bounds[i]:bounds[i + 1]``; ``label``/``reason`` are class columns
    of ``names`` (``reason`` only matters where ``keep`` is false).
    """

    texts: Sequence[str]
    bounds: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    label: np.ndarray
    keep: np.ndarray
    reason: np.ndarray
    names: tuple[str, ...]
    inline: bool = True  # remove inline tags from kept text (Config.inline)

    def __len__(self) -> int:
        return len(self.texts)

    def n_paragraphs(self, i: int) -> int:
        return int(self.bounds[i + 1] - self.bounds[i])

    def cleaned(self, i: int) -> str:
        """Document ``i``'s kept text (as :func:`junkfilter.clean.assemble` gives it)."""
        lo, hi = self.bounds[i], self.bounds[i + 1]
        return assemble_spans(self.texts[i], self.starts[lo:hi], self.ends[lo:hi],
                              self.keep[lo:hi], self.inline)  # fmt: skip

    def inline_count(self, i: int) -> int:
        """The inline tags removed from document ``i``'s kept text (a tag holds no line break or
        column gap, so it lies inside one kept span)."""
        text = self.texts[i]
        if not self.inline or inline_tags.CUE not in text:
            return 0
        lo, hi = self.bounds[i], self.bounds[i + 1]
        kept = np.flatnonzero(self.keep[lo:hi]) + lo
        spans = zip(self.starts[kept].tolist(), self.ends[kept].tolist(), strict=True)
        return sum(inline_tags.count(text[s:e]) for s, e in spans)

    def counts(self) -> list[tuple[dict[str, int], dict[str, int]]]:
        """Per document: kept paragraphs by label and drops by reason (paragraphs by label, and
        removed inline tags as ``inline``)."""
        k = len(self.names)
        doc = np.repeat(np.arange(len(self.texts)), np.diff(self.bounds))
        col = np.where(self.keep, self.label, self.reason)
        table = np.bincount((doc * 2 + ~self.keep) * k + col, minlength=len(self.texts) * 2 * k)
        out = []
        for i, (kept, dropped) in enumerate(table.reshape(len(self.texts), 2, k).tolist()):
            drops = {self.names[j]: c for j, c in enumerate(dropped) if c}
            if tags := self.inline_count(i):
                drops[inline_tags.REASON] = tags
            out.append(({self.names[j]: c for j, c in enumerate(kept) if c}, drops))
        return out
