"""Text -> paragraphs with exact character spans.

The paragraphs returned by :func:`segment` and the whitespace gaps between them tile the input:
``text[p.start:p.end] == p.text`` for every paragraph, paragraphs are in order and do not overlap,
and everything outside them is whitespace. Nothing is normalised; the input is never copied
beyond the paragraph strings themselves.

Rules, in order:

1. A leading front-matter block (``---`` on the first line, closed by ``---`` or ``...``) is one
   paragraph.
2. Blank lines (only spaces/tabs/other whitespace) separate blocks. ``\\r\\n``, ``\\n`` and a lone
   ``\\r`` all end a line.
3. Within a line, a column gap -- COLUMN_GAP or more whitespace characters, or any tab -- ends a
   paragraph: layout-aware converters (inscriptis, ``lynx -dump``) put table cells side by side,
   so an article line and a sidebar headline can share one line of text. Not after a piece
   without a letter or digit: markdown's nested list markers (``*   *   * item``) are no column.
4. A block of several lines is split into one paragraph per line (or per column piece), unless it
   looks hard-wrapped (every line but the last of similar, prose-like length, none starting with
   a list marker, no column gap), in which case it stays one paragraph.
5. A paragraph longer than ``LONG_PARAGRAPH`` characters is cut into sentences
   (:mod:`junkfilter.sentences`): after each sentence end that an upper-case letter, a digit or
   an opening quote follows, and after an inline separator (``|·•»›`` between spaces). A page
   flattened onto one line (whitespace collapsed by a scraper; inscriptis on some table layouts)
   is then judged sentence by sentence instead of all or nothing. Front matter is never cut.

All scanning is linear in the input; no regular expression here can backtrack.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from junkfilter.fastshape import codepoints
from junkfilter.paragraph import Paragraph
from junkfilter.sentences import cut_long, sentence_pieces

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+•·>|#]|\d{1,3}[.)])[ \t]")
_FRONT_MATTER_OPEN = ("---",)
_FRONT_MATTER_CLOSE = ("---", "...")
_MAX_FRONT_MATTER_LINES = 200

COLUMN_GAP = 3
"""Whitespace runs this long inside a line (or holding a tab) separate paragraphs; two spaces do
not (prose puts two after a full stop)."""
INDENT_JUMP = 16
"""A line indented more than this many characters past the line before starts a column (see
:mod:`junkfilter.order`; nested lists and replies step by 2 to 4)."""
COLUMN_MAX = 8
"""A line with this many column gaps or more is a row of data (a TSV line, a wide table), not a
page layout, and stays whole: this also bounds the paragraphs one line can make."""

WRAP_MIN, WRAP_MAX, WRAP_SPREAD = 40, 120, 30
"""A block is hard-wrapped when all its lines but the last are WRAP_MIN..WRAP_MAX characters long
and differ by at most WRAP_SPREAD characters."""


def iter_lines(text: str, pos: int = 0):
    """Yield ``(start, end)`` of each line (without its line break) from ``pos``."""
    n = len(text)
    while pos <= n:
        m = _LINE_BREAK.search(text, pos)
        if m is None:
            if pos < n:
                yield pos, n
            return
        yield pos, m.start()
        pos = m.end()


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` to exclude leading and trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _front_matter_end(text: str) -> int:
    """End offset of a leading ``---`` front-matter block, or 0 if there is none."""
    lines = iter_lines(text)
    first = next(lines, None)
    if first is None or text[first[0] : first[1]].strip("\ufeff \t") not in _FRONT_MATTER_OPEN:
        return 0
    for count, (s, e) in enumerate(lines):
        if count >= _MAX_FRONT_MATTER_LINES:
            return 0
        if text[s:e].strip() in _FRONT_MATTER_CLOSE:
            return e
    return 0


def _is_hard_wrapped(lengths: list[int], starts_with_marker: bool) -> bool:
    if len(lengths) < 2 or starts_with_marker:
        return False
    body = lengths[:-1]
    lo, hi = min(body), max(body)
    return lo >= WRAP_MIN and hi <= WRAP_MAX and hi - lo <= WRAP_SPREAD


_LINE_CONTENT = re.compile(r"\S(?:[^\r\n]*\S)?")
"""A line's content without its leading and trailing whitespace (never spans a line break)."""
_GAP = re.compile(rf"[^\S\r\n]{{{COLUMN_GAP},}}|\t")
"""Finds column gaps inside a line: a run of COLUMN_GAP whitespace characters, or a tab (whose
whitespace run is then widened to its ends)."""
_ALNUM = re.compile(r"[^\W_]")


def _line_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The line content ``[start, end)`` cut at its column gaps, except after a piece without a
    letter or digit (list markers such as ``*   *   * item``); whole if it has COLUMN_MAX gaps."""
    gaps: list[tuple[int, int]] = []
    for m in _GAP.finditer(text, start, end):
        a, b = m.span()
        if gaps and a < gaps[-1][1]:
            continue  # inside the run of the previous gap
        while text[a - 1].isspace():  # never past ``start``: the line content starts solid
            a -= 1
        while text[b].isspace():
            b += 1
        gaps.append((a, b))
        if len(gaps) >= COLUMN_MAX:
            return [(start, end)]
    pieces, s = [], start
    for a, b in gaps:
        if _ALNUM.search(text, s, a):
            pieces.append((s, a))
            s = b
    pieces.append((s, end))
    return pieces


def line_breaks(text: str) -> int:
    """Line breaks in ``text``: ``\r\n``, ``\n`` and a lone ``\r`` count one each."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _starts_block(text: str, prev_end: int, start: int) -> bool:
    """Whether the whitespace gap ``text[prev_end:start]`` holds a blank line (2+ line breaks)."""
    width = start - prev_end
    if width == 1:
        return False
    gap = text[prev_end:start]
    if width == 2:
        return gap[0] in "\r\n" and gap[1] in "\r\n" and gap != "\r\n"
    return line_breaks(gap) >= 2


def _blocks(text: str, pos: int) -> list[tuple[list[tuple[int, int]], bool]]:
    """Line pieces (:func:`_line_pieces`), grouped into blank-line-separated blocks, each with
    whether a column gap cuts one of its lines."""
    blocks: list[tuple[list[tuple[int, int]], bool]] = []
    block: list[tuple[int, int]] = []
    columns, prev_end = False, pos
    for m in _LINE_CONTENT.finditer(text, pos):
        s, e = m.span()
        if block and _starts_block(text, prev_end, s):
            blocks.append((block, columns))
            block, columns = [], False
        pieces = _line_pieces(text, s, e)
        columns |= len(pieces) > 1
        block += pieces
        prev_end = e
    if block:
        blocks.append((block, columns))
    return blocks


def span_iter(text: str):
    """Yield ``(start, end)`` spans of paragraphs (see module docs for the rules)."""
    pos = _front_matter_end(text)
    if pos:
        s, e = _strip_span(text, 0, pos)
        yield s, e
    for s, e in _block_spans(text, pos):
        yield from sentence_pieces(text, s, e)


def _block_spans(text: str, pos: int):
    """Rules 2 to 4 from ``pos`` on."""
    for block, columns in _blocks(text, pos):
        if len(block) == 1:
            yield block[0]
            continue
        lengths = [e - s for s, e in block]
        if not columns and _is_hard_wrapped(lengths, False) and not any(
            _LIST_MARKER.match(text, s, min(e, s + 8)) for s, e in block
        ):
            yield block[0][0], block[-1][1]
        else:
            yield from block


def segment(text: str) -> list[Paragraph]:
    """Split ``text`` into :class:`Paragraph` objects with exact spans."""
    return [
        Paragraph(text=text[s:e], start=s, end=e, index=i)
        for i, (s, e) in enumerate(span_iter(text))
    ]


def paragraphs_of(texts: Sequence[str], starts, ends, sizes) -> list[list[Paragraph]]:
    """:class:`Paragraph` lists from the spans :func:`spans_many` found in ``texts`` (what
    :func:`segment` gives for each)."""
    out, pos = [], 0
    starts, ends = starts.tolist(), ends.tolist()
    for text, size in zip(texts, sizes.tolist(), strict=True):
        spans = zip(starts[pos : pos + size], ends[pos : pos + size], strict=True)
        out.append([Paragraph(text[s:e], s, e, i) for i, (s, e) in enumerate(spans)])
        pos += size
    return out


def gaps(text: str, paragraphs: list[Paragraph]) -> list[tuple[int, int]]:
    """The spans between paragraphs (including before the first and after the last)."""
    out, pos = [], 0
    for p in paragraphs:
        out.append((pos, p.start))
        pos = p.end
    out.append((pos, len(text)))
    return out


def _line_spans(joined: str) -> tuple[np.ndarray, ...]:
    """Start and end of every line's content in ``joined`` (leading and trailing whitespace
    stripped), whether a blank line (two line breaks, ``\r\n`` counting once) comes before it,
    whether a column gap (:data:`COLUMN_GAP`) splits it and whether it is indented more than
    :data:`INDENT_JUMP` characters.

    Only the line breaks are located in numpy; the few lines with whitespace at an end are
    stripped one by one.
    """
    cp = codepoints(joined)
    size = len(cp)
    nl = np.flatnonzero((cp == 10) | (cp == 13))
    starts, ends = np.r_[0, nl + 1], np.r_[nl, size]
    filled = ends > starts
    starts, ends = starts[filled], ends[filled]
    raw = starts.copy()
    loose = _whitespace(np.take(cp, starts)) | _whitespace(np.take(cp, ends - 1))
    for i in np.flatnonzero(loose).tolist():
        s, e = int(starts[i]), int(ends[i])
        line = joined[s:e]
        body = line.lstrip()
        starts[i] = s + len(line) - len(body)
        ends[i] = starts[i] + len(body.rstrip())
    filled = ends > starts
    starts, ends, raw = starts[filled], ends[filled], raw[filled]
    if not len(starts):
        return starts, ends, *(np.zeros(0, dtype=bool),) * 3
    deep = starts - raw > INDENT_JUMP  # may open an indentation jump (order.py decides)
    after = np.take(cp, np.minimum(nl + 1, size - 1))
    crlf = nl[(np.take(cp, nl) == 13) & (after == 10) & (nl + 1 < size)]
    gap = np.searchsorted(nl, starts[1:]) - np.searchsorted(nl, ends[:-1])
    gap -= np.searchsorted(crlf, starts[1:]) - np.searchsorted(crlf, ends[:-1])
    return starts, ends, np.r_[True, gap >= 2], _column_lines(cp, starts, ends), deep


_WS = np.array([chr(c).isspace() for c in range(0x3002)], dtype=bool)
"""``str.isspace`` of each code point up to U+3000 (the last whitespace), then one False."""


def _whitespace(cp: np.ndarray) -> np.ndarray:
    return np.take(_WS, cp if cp.dtype == np.uint8 else np.minimum(cp, len(_WS) - 1))


def _column_lines(cp: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Per line: does a column gap (COLUMN_GAP whitespace characters or a tab) split it?

    Runs of COLUMN_GAP characters that are outside ``!``..U+0084 (a superset of whitespace that
    costs two array passes) are found first, then checked exactly."""
    maybe = (cp - cp.dtype.type(33)) > 0x84 - 33
    run = maybe[: len(cp) - COLUMN_GAP + 1].copy()
    for k in range(1, COLUMN_GAP):
        run &= maybe[k : len(cp) - COLUMN_GAP + 1 + k]
    pos = np.flatnonzero(run)
    for k in range(COLUMN_GAP):
        pos = pos[_whitespace(np.take(cp, pos + k))]
    pos = np.r_[pos, np.flatnonzero(cp == 9)]
    line = np.searchsorted(starts, pos, side="right") - 1
    inside = (line >= 0) & (pos < np.take(ends, np.maximum(line, 0)))
    out = np.zeros(len(starts), dtype=bool)
    out[line[inside]] = True
    return out


def _maybe_wrapped(starts: np.ndarray, ends: np.ndarray, new_block: np.ndarray) -> np.ndarray:
    """Per line: does its block have several lines whose lengths (but the last's) allow the
    hard-wrap rule? Such blocks go through the scalar rules."""
    first = np.flatnonzero(new_block)
    size = np.diff(np.r_[first, len(starts)])
    length = ends - starts
    last = np.r_[new_block[1:], True]
    lo = np.minimum.reduceat(np.where(last, WRAP_MAX, length), first)
    hi = np.maximum.reduceat(np.where(last, WRAP_MIN, length), first)
    ok = (size >= 2) & (lo >= WRAP_MIN) & (hi <= WRAP_MAX) & (hi - lo <= WRAP_SPREAD)
    return np.repeat(ok, size)


def spans_many(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`span_iter` of many texts at once: the paragraphs' starts and ends (offsets into
    their own text), each text's number of paragraphs, and whether it may hold side-by-side
    columns (a column gap, or a line indented past INDENT_JUMP: see :mod:`junkfilter.order`).

    The texts are joined with a blank line, which always separates blocks, and scanned with
    numpy (:func:`_line_spans`); a text that opens with front matter, holds a block that may
    be hard-wrapped or a line with a column gap goes through :func:`span_iter` instead.
    """
    n = len(texts)
    offsets = np.r_[0, np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=n) + 2)]
    starts, ends, new_block, columns, deep = _line_spans("\n\n".join(texts))
    doc = np.searchsorted(offsets, starts, side="right") - 1
    has_columns = np.zeros(n, dtype=bool)
    has_columns[doc[columns]] = True
    special = has_columns.copy()
    has_columns[doc[deep]] = True  # same spans; only the reading order looks at indented lines
    special[doc[_maybe_wrapped(starts, ends, new_block)]] = True
    special |= np.array([t[:1] in "-\ufeff \t" and _front_matter_end(t) > 0 for t in texts],
                        dtype=bool)  # fmt: skip
    sizes = np.bincount(doc, minlength=n)
    if not special.any():
        starts, ends = starts - offsets[doc], ends - offsets[doc]
        return (*cut_long(texts, starts, ends, sizes, special), has_columns)
    parts_s, parts_e, out_sizes = [], [], sizes.copy()
    bounds = np.r_[0, np.cumsum(sizes)]
    for i in range(n):
        if special[i]:
            spans = np.array(list(span_iter(texts[i])), dtype=np.int64).reshape(-1, 2)
            parts_s.append(spans[:, 0])
            parts_e.append(spans[:, 1])
            out_sizes[i] = len(spans)
        else:
            lo, hi = bounds[i], bounds[i + 1]
            parts_s.append(starts[lo:hi] - offsets[i])
            parts_e.append(ends[lo:hi] - offsets[i])
    starts, ends = np.concatenate(parts_s), np.concatenate(parts_e)
    return (*cut_long(texts, starts, ends, out_sizes, special), has_columns)
