"""HTML -> plain text, the way scrapers do it: three renderers in :data:`RENDERERS`.

Users feed junkfilter the output of *some* scraper or converter, so the training corpus renders
each page several ways:

``blocks``
    Our own lxml renderer. Drops script/style/noscript/template/head/svg/iframe/etc. and comments,
    starts a new line at every block-level element (and ``<br>``), joins inline text as a browser
    does and collapses whitespace inside a line. Lines are separated by a blank line (one
    paragraph each), except that a *short* line (< :data:`TIGHT_MAX` chars) inside a list, table,
    menu or ``<select>`` is followed by a single ``"\\n"`` -- the "one link per line" look of menus
    and lists in typical scraper output. Because every line but the last of such a block is short,
    :func:`junkfilter.segment.segment` never mistakes it for hard-wrapped prose: each line stays
    its own paragraph. ``<pre>`` keeps its line breaks.
``inscriptis``
    ``inscriptis.get_text`` (layout-aware, indented, no blank lines), trailing spaces stripped.
``html2text``
    html2text's markdown with ``body_width=0`` (no re-wrapping), images ignored and links *kept*
    as ``[text](url)`` -- html2text's default and what a typical "HTML to markdown for an LLM"
    scraper run emits. Held out: no training data uses it; it measures generalisation to an
    unseen converter.

Each renderer reads the page as a browser parses it (html5lib, the WHATWG algorithm: see
:func:`_parse`); inscriptis and html2text get that tree serialised again.

Every renderer accepts already-decoded HTML (``str``), never raises (parser errors fall back to a
simpler rendering, ultimately a regex tag stripper) and returns text with ``"\\n"`` line ends.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable

LOSS_RATIO = 0.5
"""A rendering shorter than this share of a simpler rendering lost part of the page."""

SUSPECT_RATIO = 0.1
"""A block rendering shorter than this share of the HTML is checked against :func:`strip_tags`."""

TIGHT_MAX = 40
"""Lines shorter than this inside lists/tables/menus are separated by one newline, not two."""

# fmt: off
DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed",
    "canvas", "math", "map", "area", "audio", "video", "source", "track", "title", "meta", "link",
    "base",
})
"""Elements whose whole subtree is invisible text for a scraper."""

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frame",
    "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
    "li", "listing", "main", "menu", "nav", "noframes", "ol", "optgroup", "option", "p",
    "plaintext", "pre", "section", "select", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul", "xmp", "caption", "label", "button", "textarea",
})
"""Elements that start (and end) a line."""

TIGHT_TAGS = frozenset({
    "li", "td", "th", "tr", "option", "optgroup", "dt", "dd", "menu", "nav", "select", "caption",
})
# fmt: on
"""Elements whose short lines are joined by single newlines (lists, tables, menus)."""

_WS = re.compile(r"\s+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_TITLE_OPEN = re.compile(r"<title\b[^>]{0,500}>", re.IGNORECASE)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.IGNORECASE)
_BODY_OPEN = re.compile(r"<body\b", re.IGNORECASE)
_STRAY_FRAME = re.compile(r"</?(?:html|head|body)\b[^>]{0,500}>", re.IGNORECASE)
TITLE_REACH = 2000
"""A ``<title>`` not closed within this many characters is broken and removed."""


def _clean_input(html: str) -> str:
    """Drop NULs/controls, an XML declaration (lxml rejects both in str input), and an unclosed
    ``<title>`` tag (parsers would swallow the whole page into the title). ``<html>``, ``<head>``
    and ``<body>`` tags after the first ``<body>`` (pasted-in ad documents) are removed: libxml2
    and inscriptis lose the rest of the page after them."""
    html = _CONTROL.sub(" ", _XML_DECL.sub("", html or "", count=1))
    body = _BODY_OPEN.search(html)
    if body:
        cut = html.find(">", body.end()) + 1 or body.end()
        html = html[:cut] + _STRAY_FRAME.sub(" ", html[cut:])
    opened = _TITLE_OPEN.search(html)
    if opened and not _TITLE_CLOSE.search(html, opened.end(), opened.end() + TITLE_REACH):
        html = html[: opened.start()] + html[opened.end() :]
    return html


def _serialised(root) -> str:
    """An lxml document element as HTML again (``""`` for ``None``)."""
    import lxml.html

    return "" if root is None else lxml.html.tostring(root, encoding="unicode")


def _repaired(html: str) -> str:
    """The HTML as libxml2 repairs it (nested ``<html>``/``<head>`` etc. fixed), or ``""``."""
    return _serialised(_parse_libxml2(_clean_input(html)))


_SCRIPT_BLOCK = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>")


def _scriptless(html: str) -> str:
    """``html`` with every ``<script>``/``<style>`` element cut out by a regex, before parsing."""
    return _clean_input(_SCRIPT_BLOCK.sub(" ", html))


def _with_repair(convert: Callable[[str], str], html: str) -> str:
    """``convert`` the page as a browser parses it; when that lost text, also convert the page
    itself (the library's own parser), libxml2's repaired HTML and the HTML with its scripts cut
    out, and keep the longest. Python's html.parser (html2text) stops at a
    ``document.write('<script ...')`` in serialised HTML, and a ``<script src="...`` attribute
    left unclosed makes every parser read the rest of the page as script; a scraper that
    pre-cleans HTML gets the page."""
    root = _parse(html)  # parsed once (html5lib is slow): serialised for the library, walked here
    text = convert(_serialised(root))
    enough = LOSS_RATIO * len(_blocks_of(root, html))  # shorter: the rendering lost text
    for repair in (_clean_input, _repaired, _scriptless):
        if len(text) >= enough:
            break
        fixed = convert(repair(html))
        if len(fixed) > len(text):
            text = fixed
    return text


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _parse(html: str):
    """Parse decoded HTML as a browser does into an lxml document element without comments
    (``None`` if nothing parses).

    html5lib implements the WHATWG parsing algorithm; libxml2 (lxml's parser, the fallback) does
    not, and differs on broken pages: a table that sits directly in another table's row, not in a
    cell, stays there under libxml2 (inscriptis then runs both tables' text into one line) where a
    browser closes the outer table first. The gold texts were marked on pages as browsers show
    them.
    """
    html = _clean_input(html)
    if not html.strip():
        return None
    try:
        return _parse_html5(html)
    except Exception:  # noqa: BLE001 - html5lib missing, or failing on junk input
        return _parse_libxml2(html)


def _parse_html5(html: str):
    import warnings

    import html5lib
    from lxml import etree

    with warnings.catch_warnings():  # attribute names that are not XML names are coerced
        warnings.simplefilter("ignore")
        tree = html5lib.parse(html, treebuilder="lxml", namespaceHTMLElements=False)
    root = tree.getroot()
    etree.strip_tags(root, etree.Comment, etree.ProcessingInstruction)  # keeps their tails
    return root


def _parse_libxml2(html: str):
    import lxml.html

    parser = lxml.html.HTMLParser(
        encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True
    )
    data = html.encode("utf-8", "replace")
    if not data.strip():
        return None
    try:
        return lxml.html.document_fromstring(data, parser=parser)
    except Exception:  # noqa: BLE001 - lxml raises several unrelated types on junk input
        return None


class _LineWriter:
    """Accumulates inline text into lines and lines into the rendered text."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, bool]] = []  # (line, tight)
        self.buf: list[str] = []

    def text(self, chunk: str | None, pre: bool) -> None:
        if not chunk:
            return
        if not pre:
            self.buf.append(chunk)
            return
        parts = chunk.split("\n")
        for i, part in enumerate(parts):
            if i:
                self.flush(True)
            self.buf.append(part)

    def flush(self, tight: bool) -> None:
        line = _WS.sub(" ", "".join(self.buf)).strip()
        self.buf = []
        if line:
            self.lines.append((line, tight))

    def render(self) -> str:
        out: list[str] = []
        for i, (line, tight) in enumerate(self.lines):
            if i:
                prev, prev_tight = self.lines[i - 1]
                short = len(prev) < TIGHT_MAX
                out.append("\n" if prev_tight and tight and short else "\n\n")
            out.append(line)
        return "".join(out) + ("\n" if out else "")


def _walk_blocks(root) -> str:
    """Iterative walk (deep pages would overflow recursion) emitting lines at block edges."""
    from lxml import etree

    writer = _LineWriter()
    tight_depth = pre_depth = 0
    skip_until = None
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if skip_until is not None:
            if event == "end" and el is skip_until:
                skip_until = None
                writer.text(el.tail, pre_depth > 0)
            continue
        if event == "start":
            if tag in DROP_TAGS or not tag:  # ``not tag``: comment/PI nodes (tails kept)
                skip_until = el
                continue
            if tag in BLOCK_TAGS:
                writer.flush(tight_depth > 0 or pre_depth > 0)
            tight_depth += tag in TIGHT_TAGS
            pre_depth += tag in ("pre", "textarea", "xmp", "listing", "plaintext")
            writer.text(el.text, pre_depth > 0)
        else:
            if tag in BLOCK_TAGS:
                writer.flush(tight_depth > 0 or pre_depth > 0)
            tight_depth -= tag in TIGHT_TAGS
            pre_depth -= tag in ("pre", "textarea", "xmp", "listing", "plaintext")
            writer.text(el.tail, pre_depth > 0)
    writer.flush(tight_depth > 0 or pre_depth > 0)
    return writer.render()


def strip_tags(html: str) -> str:
    """Last-resort rendering: regex tag stripper with block tags turned into blank lines."""
    text = re.sub(r"(?is)<(script|style|noscript|template|head)\b.*?</\1\s*>", " ", html or "")
    text = re.sub(r"(?s)<!--.*?-->", " ", text)
    blocks = "|".join(sorted(BLOCK_TAGS))
    text = re.sub(rf"(?i)</?(?:{blocks})\b[^>]*>", "\n\n", text)
    text = htmllib.unescape(re.sub(r"(?s)<[^>]*>", " ", text))
    lines = (_WS.sub(" ", line).strip() for line in _normalise_newlines(text).split("\n\n"))
    body = "\n\n".join(line for line in lines if line)
    return body + "\n" if body else ""


def render_blocks(html: str) -> str:
    """Our lxml block renderer (see the module docs)."""
    try:
        root = _parse(html)
    except Exception:  # noqa: BLE001 - never raise on a page
        return strip_tags(html)
    return _blocks_of(root, html)


def _blocks_of(root, html: str) -> str:
    """:func:`render_blocks` of ``html`` from its parsed tree ``root``."""
    try:
        text = "" if root is None else _walk_blocks(root)
    except Exception:  # noqa: BLE001 - never raise on a page
        return strip_tags(html)
    if len(text) < SUSPECT_RATIO * len(html):  # libxml2 sometimes gives up on a broken page
        fallback = strip_tags(html)
        if len(text) < LOSS_RATIO * len(fallback):
            return fallback
    return text


def _strip_trailing(text: str) -> str:
    text = _normalise_newlines(text)
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
    return text + "\n" if text else ""


def _inscriptis(markup: str) -> str:
    from inscriptis import get_text

    return _strip_trailing(get_text(markup)) if markup.strip() else ""


def render_inscriptis(html: str) -> str:
    """inscriptis' layout-aware text, trailing spaces stripped per line."""
    try:
        return _with_repair(_inscriptis, html)
    except Exception:  # noqa: BLE001
        return render_blocks(html)


def _html2text(markup: str) -> str:
    import html2text

    conv = html2text.HTML2Text()
    conv.body_width = 0
    conv.ignore_images = True
    conv.ignore_links = False
    return _strip_trailing(conv.handle(markup))


def render_html2text(html: str) -> str:
    """html2text markdown: ``body_width=0``, images ignored, links kept as ``[text](url)``."""
    try:
        return _with_repair(_html2text, html)
    except Exception:  # noqa: BLE001
        return render_blocks(html)


RENDERERS: dict[str, Callable[[str], str]] = {
    "blocks": render_blocks,
    "inscriptis": render_inscriptis,
    "html2text": render_html2text,
}
"""Renderer name -> function(html) -> text."""

HELD_OUT_RENDERERS: frozenset[str] = frozenset({"html2text"})
"""Renderers no training data may use (generalisation check only)."""


def render(html: str, renderer: str = "blocks") -> str:
    """Render ``html`` with the named renderer (``KeyError`` lists the known names)."""
    try:
        func = RENDERERS[renderer]
    except KeyError:
        raise KeyError(f"unknown renderer {renderer!r}; known: {', '.join(RENDERERS)}") from None
    return func(html)
