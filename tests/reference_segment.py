"""Reference copy of segment.py before the single-regex line scan, plus a plain-loop version of
the column-gap rule (used by tests only).

Text -> paragraphs with exact character spans.

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
4. A paragraph longer than LONG_PARAGRAPH is cut into sentences (:func:`sentence_pieces`).

All scanning is linear in the input; no regular expression here can backtrack.
"""

from __future__ import annotations

import re

from junkfilter.paragraph import Paragraph  # noqa: F401

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


def _pieces(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Split the stripped line ``[s, e)`` at runs of 3+ whitespace characters or with a tab,
    each after a piece with a letter or digit; the whole line if it has 8 or more such runs."""
    runs, i = [], s
    while i < e:
        if not text[i].isspace():
            i += 1
            continue
        j = i
        while text[j].isspace():
            j += 1
        if j - i >= 3 or "\t" in text[i:j]:
            runs.append((i, j))
        i = j
    if len(runs) >= 8:
        return [(s, e)]
    out, start = [], s
    for i, j in runs:
        if any(c.isalnum() for c in text[start:i]):
            out.append((start, i))
            start = j
    out.append((start, e))
    return out


def _blocks(text: str, pos: int):
    """Yield (pieces, has column gap), one per blank-line-separated block."""
    block: list[tuple[int, int]] = []
    columns = False
    for s, e in iter_lines(text, pos):
        s, e = _strip_span(text, s, e)
        if s == e:
            if block:
                yield block, columns
                block, columns = [], False
        else:
            pieces = _pieces(text, s, e)
            columns |= len(pieces) > 1
            block.extend(pieces)
    if block:
        yield block, columns


def span_iter(text: str):
    """Yield ``(start, end)`` spans of paragraphs (see module docs for the rules)."""
    pos = _front_matter_end(text)
    if pos:
        s, e = _strip_span(text, 0, pos)
        yield s, e
    for block, columns in _blocks(text, pos):
        lengths = [e - s for s, e in block]
        marker = any(_LIST_MARKER.match(text, s, min(e, s + 8)) for s, e in block)
        if len(block) > 1 and not columns and _is_hard_wrapped(lengths, marker):
            block = [(block[0][0], block[-1][1])]
        for s, e in block:
            yield from sentence_pieces(text, s, e)


def segment(text: str) -> list[Paragraph]:
    """Split ``text`` into :class:`Paragraph` objects with exact spans."""
    return [
        Paragraph(text=text[s:e], start=s, end=e, index=i)
        for i, (s, e) in enumerate(span_iter(text))
    ]


def gaps(text: str, paragraphs: list[Paragraph]) -> list[tuple[int, int]]:
    """The spans between paragraphs (including before the first and after the last)."""
    out, pos = [], 0
    for p in paragraphs:
        out.append((pos, p.start))
        pos = p.end
    out.append((pos, len(text)))
    return out


LONG_PARAGRAPH = 2000
_CLOSERS = "\"'\u201d\u2019\u00bb)]"
_SEPARATORS = "|\u00b7\u2022\u00bb\u203a"
_OPENERS = "\"\u201c\u2018\u00ab(["


def sentence_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Rule 5 as a plain character loop: cut a paragraph longer than LONG_PARAGRAPH after a
    sentence end (.!? not after a lone letter, closers, whitespace, then an upper-case letter or
    digit, possibly after an opening quote) or after a separator that follows whitespace inside
    the paragraph."""
    if end - start <= LONG_PARAGRAPH:
        return [(start, end)]
    pieces, s, i = [], start, start
    while i < end:
        c, j = text[i], None
        if c in ".!?":
            j = i + 1
            while j < end and text[j] in _CLOSERS:
                j += 1
        elif c in _SEPARATORS and i > start and text[i - 1].isspace():
            j = i + 1
        if j is not None and j < end and text[j].isspace():
            k = j
            while k < end and text[k].isspace():
                k += 1
            initial = c in ".!?" and i > start and text[i - 1].isalpha() and (
                i - 1 == start or not text[i - 2].isalnum()
            )
            if k < end and not initial:
                first = text[k + 1] if text[k] in _OPENERS and k + 1 < end else text[k]
                if c not in ".!?" or first.isupper() or first.isdigit():
                    pieces.append((s, j))
                    s = i = k
                    continue
        i += 1
    pieces.append((s, end))
    return pieces
