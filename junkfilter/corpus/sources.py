"""Readers for the labelled page sets in ``shared/data`` -> :class:`Page` records.

A page is ``Page(id, html, gold, extra)``: the HTML to render as a scraper would, the gold text as
an ordered list of ``(label, text)`` segments (in page order; the aligner relies on it), and extra
document metadata. Text of a page that no gold segment covers is boilerplate.

========== ================================================================================
source     gold
========== ================================================================================
dragnet    ``gold_content`` -> content (its headline line -> title, see :func:`_title_index`),
           then ``gold_comments`` -> comment
l3s-gn1    spans of ``html_annotated`` (innermost wins): sel1 title, sel2 content, sel3 metadata,
           sel4 (related content) / sel0 / no span -> boilerplate, sel5 comment
cleaneval  ``gold_cleaneval`` minus its ``URL:`` line, split at ``<p>``/``<h>``/``<l>`` -> content
           (CleanEval counts comments as content: use it for content vs junk only)
msv-news   ``gold_content`` -> content, headline line -> title
readability ``expected_html`` (Mozilla Readability's output: *silver*) -> content, the record's
           ``title`` -> title when it matches a heading; documents get ``"silver": true``
========== ================================================================================

Validation split (fixed, documented, per page): a page is in ``valid`` when
``zlib.crc32(page_id.encode()) % 5 == 0`` (about 20 % of every source), else in ``train``; see
:func:`split_of`. ``comments.jsonl.gz`` has no pages: :func:`read_comments` reads it.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from junkfilter.corpus.align import cp1252_byte, tokenize
from junkfilter.corpus.render import BLOCK_TAGS, DROP_TAGS, render_blocks
from junkfilter.labels import Label

TITLE_MAX = 200
"""A headline line is shorter than this."""

TITLE_OVERLAP = 0.6
"""Share of a candidate line's tokens that must occur in the page's <title>/<h1-3> texts."""


class Page(NamedTuple):
    """One labelled page: ``(id, html, gold_segments, extra)``."""

    id: str
    html: str
    gold: list[tuple[Label, str]]
    extra: dict


def split_of(page_id: str) -> str:
    """``"valid"`` when ``zlib.crc32(page_id.encode()) % 5 == 0`` (~20 %), else ``"train"``."""
    return "valid" if zlib.crc32(page_id.encode("utf-8")) % 5 == 0 else "train"


def data_dir(shared_dir: str | Path) -> Path:
    """``shared_dir/data`` if it exists, else ``shared_dir`` itself."""
    shared_dir = Path(shared_dir)
    return shared_dir / "data" if (shared_dir / "data").is_dir() else shared_dir


def _records(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def fix_utf16(text: str) -> str:
    """Repair a gold text that is UTF-16 bytes decoded as a one-byte code page ("ÿþP\x00a\x00")."""
    if not text.startswith(("\u00ff\u00fe", "\u00fe\u00ff")) and text.count("\x00") < len(text) / 4:
        return text
    try:
        data = bytes(cp1252_byte(c) for c in text)
        return data.decode("utf-16").lstrip("\ufeff")
    except (UnicodeError, ValueError):
        return text.replace("\x00", "")


def _lines(text: str | None) -> list[str]:
    """Non-empty whitespace-collapsed lines of a gold text."""
    text = fix_utf16(text or "")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


_HEADING = re.compile(r"(?is)<(title|h[1-3])\b[^>]*>(.{0,3000}?)</\1\s*>")


def _heading_tokens(html: str) -> set[str]:
    """Tokens of the page's ``<title>`` and ``<h1>``-``<h3>`` texts (headline candidates)."""
    out: set[str] = set()
    for _tag, inner in _HEADING.findall(html):
        out.update(tokenize(re.sub(r"<[^>]*>", " ", inner)))
    return out


def _title_index(lines: list[str], html: str, look: int = 3) -> int | None:
    """Index of the headline among the first ``look`` gold lines, or ``None``.

    A gold line is the headline when it is short (< :data:`TITLE_MAX` chars) and at least
    :data:`TITLE_OVERLAP` of its tokens occur in the page's <title> or <h1>-<h3> texts -- the
    position-and-heading evidence that the line is the page's title, not a dateline or kicker.
    """
    heads = None
    for k, line in enumerate(lines[:look]):
        toks = tokenize(line)
        if not toks or len(line) >= TITLE_MAX:
            continue
        heads = _heading_tokens(html) if heads is None else heads
        if sum(t in heads for t in toks) >= TITLE_OVERLAP * len(toks) and len(toks) >= 2:
            return k
    return None


def _article_segments(html: str, content: str | None) -> list[tuple[Label, str]]:
    lines = _lines(content)
    title = _title_index(lines, html)
    return [(Label.TITLE if k == title else Label.CONTENT, line) for k, line in enumerate(lines)]


def read_dragnet(path: Path) -> Iterator[Page]:
    """Dragnet: article lines (headline -> title), then comment lines."""
    for rec in _records(path):
        gold = _article_segments(rec["html"], rec.get("gold_content"))
        gold += [(Label.COMMENT, line) for line in _lines(rec.get("gold_comments"))]
        yield Page(rec["id"], rec["html"], gold, {})


def read_msv(path: Path) -> Iterator[Page]:
    """MSV news: article lines, headline -> title."""
    for rec in _records(path):
        yield Page(rec["id"], rec["html"], _article_segments(rec["html"], rec["gold_content"]), {})


_CLEANEVAL_MARK = re.compile(r"<\s*[phlPHL]\s*>")


def read_cleaneval(path: Path) -> Iterator[Page]:
    """CleanEval: ``<p>``/``<h>``/``<l>`` segments of the gold (its URL line dropped)."""
    for rec in _records(path):
        gold = fix_utf16(rec.get("gold_cleaneval") or "")
        if gold.lstrip().startswith("URL:"):
            gold = gold.lstrip().split("\n", 1)[1] if "\n" in gold.lstrip() else ""
        parts = (" ".join(part.split()) for part in _CLEANEVAL_MARK.split(gold))
        segs = [(Label.CONTENT, part) for part in parts if part]
        yield Page(rec["id"], rec["html"], segs, {})


_SEL = re.compile(r"\bx-nc-sel(\d)\b")
_SEL_LABEL = {
    "0": Label.BOILERPLATE, "1": Label.TITLE, "2": Label.CONTENT, "3": Label.METADATA,
    "4": Label.BOILERPLATE, "5": Label.COMMENT,
}  # fmt: skip


def l3s_segments(annotated: str) -> list[tuple[Label, str]]:
    """Gold segments of an L3S-GN1 annotated page, in document order (innermost span wins)."""
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(
        encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True
    )
    root = lxml.html.document_fromstring(annotated.encode("utf-8", "replace"), parser=parser)
    chunks: list[tuple[Label, str] | None] = []  # None = block boundary
    stack: list[Label] = [Label.BOILERPLATE]
    skip = None
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if skip is not None:
            if event == "end" and el is skip:
                skip = None
                chunks.append((stack[-1], el.tail or ""))
            continue
        sel = _SEL.search(el.get("class") or "")
        if event == "start":
            if tag in DROP_TAGS:
                skip = el
                continue
            stack.append(_SEL_LABEL[sel.group(1)] if sel else stack[-1])
            chunks.extend(
                [None, (stack[-1], el.text or "")]
                if tag in BLOCK_TAGS
                else [(stack[-1], el.text or "")]
            )
        else:
            stack.pop()
            chunks.extend(
                [None, (stack[-1], el.tail or "")]
                if tag in BLOCK_TAGS
                else [(stack[-1], el.tail or "")]
            )
    return _merge_chunks(chunks)


def _merge_chunks(chunks: list[tuple[Label, str] | None]) -> list[tuple[Label, str]]:
    """Join consecutive same-label chunks; split at block boundaries and label changes."""
    out: list[tuple[Label, str]] = []
    label, buf = None, []

    def flush() -> None:
        text = " ".join("".join(buf).split())
        if text:
            out.append((label, text))
        buf.clear()

    for chunk in chunks:
        if chunk is None or chunk[0] != label:
            flush()
            label = None if chunk is None else chunk[0]
        if chunk is not None:
            buf.append(chunk[1])
    flush()
    return out


def read_l3s(path: Path) -> Iterator[Page]:
    """L3S-GN1: render ``html``; gold segments come from ``html_annotated``."""
    for rec in _records(path):
        try:
            gold = l3s_segments(rec["html_annotated"])
        except Exception:  # noqa: BLE001 - an unparsable annotation: skip the page
            continue
        yield Page(rec["id"], rec["html"], gold, {"url": rec.get("url")})


def _readability_title(title: str, lines: list[str], html: str) -> tuple[int | None, str | None]:
    """Where the record's title is: (index of a matching expected line, or a page heading)."""
    want = set(tokenize(title or ""))
    if not want:
        return None, None

    def matches(text: str) -> bool:
        toks = tokenize(text)
        return (
            len(text) < TITLE_MAX
            and bool(toks)
            and (sum(t in want for t in toks) >= TITLE_OVERLAP * len(toks))
        )

    for k, line in enumerate(lines[:3]):
        if matches(line):
            return k, None
    for tag, inner in _HEADING.findall(html):
        text = " ".join(re.sub(r"<[^>]*>", " ", inner).split())
        if tag.lower() != "title" and matches(text):
            return None, text
    return None, None


def read_readability(path: Path) -> Iterator[Page]:
    """Readability test pages: silver content from ``expected_html``, title when it matches."""
    for rec in _records(path):
        lines = _lines(render_blocks(rec.get("expected_html") or ""))
        k, heading = _readability_title(rec.get("title") or "", lines, rec["html"])
        gold = [(Label.TITLE if i == k else Label.CONTENT, line) for i, line in enumerate(lines)]
        if heading:
            gold.insert(0, (Label.TITLE, heading))
        yield Page(rec["id"], rec["html"], gold, {"silver": True, "lang": rec.get("lang")})


SOURCES: dict[str, tuple[str, Callable[[Path], Iterator[Page]]]] = {
    "dragnet": ("dragnet-train.jsonl.gz", read_dragnet),
    "l3s-gn1": ("l3s-gn1.jsonl.gz", read_l3s),
    "cleaneval": ("cleaneval.jsonl.gz", read_cleaneval),
    "msv-news": ("msv-news.jsonl.gz", read_msv),
    "readability": ("readability.jsonl.gz", read_readability),
}
"""Source name -> (file in ``shared/data``, reader)."""


def read_source(shared_dir: str | Path, source: str, limit: int | None = None) -> Iterator[Page]:
    """The pages of one source (at most ``limit``)."""
    filename, reader = SOURCES[source]
    for n, page in enumerate(reader(data_dir(shared_dir) / filename)):
        if limit is not None and n >= limit:
            return
        yield page


def read_comments(shared_dir: str | Path) -> list[tuple[str, str, bool]]:
    """``(id, text, is_spam)`` of every comment in ``comments.jsonl.gz`` (no page around them)."""
    path = data_dir(shared_dir) / "comments.jsonl.gz"
    return [(str(r["id"]), r["text"], bool(r.get("spam"))) for r in _records(path)]
