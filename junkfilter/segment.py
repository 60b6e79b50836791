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
3. A block of several lines is split into one paragraph per line, unless it looks hard-wrapped
   (every line but the last of similar, prose-like length and none starting with a list marker),
   in which case it stays one paragraph.

All scanning is linear in the input; no regular expression here can backtrack.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from junkfilter.fastshape import RSPACE, char_flags, codepoints
from junkfilter.paragraph import Paragraph

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+•·>|#]|\d{1,3}[.)])[ \t]")
_FRONT_MATTER_OPEN = ("---",)
_FRONT_MATTER_CLOSE = ("---", "...")
_MAX_FRONT_MATTER_LINES = 200

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


def _starts_block(text: str, prev_end: int, start: int) -> bool:
    """Whether the whitespace gap ``text[prev_end:start]`` holds a blank line (2+ line breaks)."""
    width = start - prev_end
    if width == 1:
        return False
    gap = text[prev_end:start]
    if width == 2:
        return gap[0] in "\r\n" and gap[1] in "\r\n" and gap != "\r\n"
    return gap.count("\n") + gap.count("\r") - gap.count("\r\n") >= 2


def _blocks(text: str, pos: int) -> list[list[tuple[int, int]]]:
    """Non-blank line spans, grouped into blank-line-separated blocks."""
    blocks: list[list[tuple[int, int]]] = []
    block: list[tuple[int, int]] = []
    prev_end = pos
    for m in _LINE_CONTENT.finditer(text, pos):
        s, e = m.span()
        if block and _starts_block(text, prev_end, s):
            blocks.append(block)
            block = []
        block.append((s, e))
        prev_end = e
    if block:
        blocks.append(block)
    return blocks


def span_iter(text: str):
    """Yield ``(start, end)`` spans of paragraphs (see module docs for the rules)."""
    pos = _front_matter_end(text)
    if pos:
        s, e = _strip_span(text, 0, pos)
        yield s, e
    for block in _blocks(text, pos):
        if len(block) == 1:
            yield block[0]
            continue
        lengths = [e - s for s, e in block]
        if _is_hard_wrapped(lengths, False) and not any(
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


def segment_many(texts: Sequence[str]) -> list[list[Paragraph]]:
    """:func:`segment` of each text, computed for all of them at once (:func:`spans_many`)."""
    starts, ends, sizes = spans_many(texts)
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


def _line_spans(joined: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start and end of every line's content in ``joined`` (what ``_LINE_CONTENT`` finds), and
    whether a blank line (two line breaks, ``\r\n`` counting once) comes before it.

    Only the line breaks are located in numpy; the few lines with whitespace at an end are
    stripped one by one.
    """
    cp = codepoints(joined)
    size = len(cp)
    nl = np.flatnonzero((cp == 10) | (cp == 13))
    starts, ends = np.r_[0, nl + 1], np.r_[nl, size]
    filled = ends > starts
    starts, ends = starts[filled], ends[filled]
    loose = (char_flags(np.take(cp, starts)) | char_flags(np.take(cp, ends - 1))) & RSPACE
    for i in np.flatnonzero(loose).tolist():
        s, e = int(starts[i]), int(ends[i])
        line = joined[s:e]
        body = line.lstrip()
        starts[i] = s + len(line) - len(body)
        ends[i] = starts[i] + len(body.rstrip())
    filled = ends > starts
    starts, ends = starts[filled], ends[filled]
    if not len(starts):
        return starts, ends, np.zeros(0, dtype=bool)
    after = np.take(cp, np.minimum(nl + 1, size - 1))
    crlf = nl[(np.take(cp, nl) == 13) & (after == 10) & (nl + 1 < size)]
    gap = np.searchsorted(nl, starts[1:]) - np.searchsorted(nl, ends[:-1])
    gap -= np.searchsorted(crlf, starts[1:]) - np.searchsorted(crlf, ends[:-1])
    return starts, ends, np.r_[True, gap >= 2]


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


def spans_many(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`span_iter` of many texts at once: the paragraphs' starts and ends (offsets into
    their own text) and each text's number of paragraphs.

    The texts are joined with a blank line, which always separates blocks, and scanned with
    numpy (:func:`_line_spans`); a text that opens with front matter or holds a block that may
    be hard-wrapped goes through :func:`span_iter` instead.
    """
    n = len(texts)
    offsets = np.r_[0, np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=n) + 2)]
    starts, ends, new_block = _line_spans("\n\n".join(texts))
    doc = np.searchsorted(offsets, starts, side="right") - 1
    special = np.zeros(n, dtype=bool)
    special[doc[_maybe_wrapped(starts, ends, new_block)]] = True
    special |= np.array([t[:1] in "-\ufeff \t" and _front_matter_end(t) > 0 for t in texts],
                        dtype=bool)  # fmt: skip
    sizes = np.bincount(doc, minlength=n)
    if not special.any():
        return starts - offsets[doc], ends - offsets[doc], sizes
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
    return np.concatenate(parts_s), np.concatenate(parts_e), out_sizes
