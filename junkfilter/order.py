"""Paragraph spans -> reading order: side-by-side columns are read one column after the other.

Layout-aware converters (inscriptis, ``lynx -dump``, ``w3m -dump``) render a table row's cells
side by side, so a page laid out as a table interleaves the article's lines with sidebar and menu
lines. :mod:`junkfilter.segment` cuts such lines at their column gaps; this module puts the
pieces back in reading order, so that the classifier's context (neighbours, the second stage,
decoding) sees the article as one run instead of prose alternating with navigation.

Only the order in which paragraphs are *classified* changes. Spans, output and every reported
index stay in text order.

When a cell's lines share no line with the cell beside it, inscriptis puts them on lines of
their own, indented to the cell's column: an article at a 39-character indent takes turns with
menu items at 2. A line indented more than :data:`junkfilter.segment.INDENT_JUMP` characters
past the line before it is therefore *cut* too, at its start (nested lists and comment replies
step by 2 to 4 characters and are not).

A **region** is a run of lines from the first to the last cut line, where consecutive cut lines
are at most :data:`REACH` lines apart. Inside a region, a piece's column is the number of column
starts (offsets within their line of pieces that follow a gap or an indentation jump, those
within :data:`MERGE` characters of each other counted once) at or left of its own offset; the
region's pieces are read column by column, each column top to bottom. Pieces outside regions
keep their place.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import numpy as np

from junkfilter.segment import INDENT_JUMP, line_breaks

REACH = 8
"""Cut lines at most this many lines apart belong to one region."""
MERGE = 16
"""Column starts at most this many characters apart start the same column (a nested table or
an indented list inside a column)."""


def _lines_and_offsets(text: str, starts: Sequence[int]) -> tuple[list[int], list[int]]:
    """Each piece's line number and its offset from the start of its line."""
    lines, offsets = [], []
    line, line_start, pos = 0, 0, 0
    for s in starts:
        gap = text[pos:s]
        breaks = line_breaks(gap)
        if breaks:
            line += breaks
            line_start = pos + max(gap.rfind("\n"), gap.rfind("\r")) + 1
        lines.append(line)
        offsets.append(s - line_start)
        pos = s
    return lines, offsets


def _regions(cut_lines: list[int]) -> list[tuple[int, int]]:
    """First and last line of each region, from the sorted numbers of cut lines."""
    regions = [[cut_lines[0], cut_lines[0]]]
    for line in cut_lines[1:]:
        if line - regions[-1][1] <= REACH:
            regions[-1][1] = line
        else:
            regions.append([line, line])
    return [(a, b) for a, b in regions]


def _column_starts(offsets: set[int]) -> list[int]:
    """The sorted offsets that start a column: each one more than MERGE past the one before."""
    ordered = sorted(offsets)
    return [b for a, b in zip([-MERGE - 1, *ordered], ordered, strict=False) if b - a > MERGE]


def _column_starts_at(lines: list[int], offsets: list[int]) -> list[bool]:
    """Per piece: does it start a column (it follows a column gap on its line, or it opens a line
    indented more than INDENT_JUMP past the line before)?"""
    starts = [False] * len(lines)
    first = offsets[0] if offsets else 0  # offset of the first piece of the current line
    for i in range(1, len(lines)):
        if lines[i] == lines[i - 1]:
            starts[i] = True
        else:
            starts[i] = offsets[i] - first > INDENT_JUMP
            first = offsets[i]
    return starts


def reading_order(text: str, starts: Sequence[int]) -> list[int] | None:
    """Paragraph indices in reading order, or ``None`` when that is the text order.

    ``starts`` are the paragraphs' start offsets in ``text``, in order (as
    :func:`junkfilter.segment.span_iter` gives them)."""
    lines, offsets = _lines_and_offsets(text, starts)
    column_start = _column_starts_at(lines, offsets)
    cut = sorted({lines[i] for i, f in enumerate(column_start) if f})
    if not cut:
        return None
    order: list[int] = []
    i, n = 0, len(lines)
    for first, last in _regions(cut):
        while i < n and lines[i] < first:
            order.append(i)
            i += 1
        j = i
        while j < n and lines[j] <= last:
            j += 1
        bounds = _column_starts({offsets[k] for k in range(i, j) if column_start[k]})
        column = {k: bisect_right(bounds, offsets[k]) for k in range(i, j)}
        order += sorted(range(i, j), key=column.__getitem__)
        i = j
    order += range(i, n)
    return order


def order_many(
    texts: Sequence[str], starts: np.ndarray, sizes: np.ndarray, columns: np.ndarray
) -> np.ndarray | None:
    """Reading order of the paragraphs of several documents (rows as :func:`spans_many` gives
    them), as row indices; ``None`` when it is the text order. ``columns`` flags the documents
    that have column gaps (the only ones looked at)."""
    if not columns.any():
        return None
    bounds = np.r_[0, np.cumsum(sizes)]
    perm = np.arange(bounds[-1])
    changed = False
    for i in np.flatnonzero(columns).tolist():
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        order = reading_order(texts[i], starts[lo:hi].tolist())
        if order is not None:
            perm[lo:hi] = lo + np.asarray(order)
            changed = True
    return perm if changed else None
