"""The three HTML-to-text renderers on small hand-written pages."""

from __future__ import annotations

import pytest

from junkfilter.corpus.render import RENDERERS, render, render_blocks, strip_tags
from junkfilter.segment import segment

PAGE = """<html><head><title>Head title</title><style>p { color: red }</style>
<script>var hidden = "script text";</script></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<h1>The   headline</h1>
<p>First paragraph with <b>bold</b> and <a href="http://x.org/">a link</a>.</p>
<!-- a comment that must vanish -->
<div>Second block<br>after a break</div>
<noscript>enable javascript</noscript>
<table><tr><td>cell one</td><td>cell two</td></tr></table>
<pre>line 1
line 2</pre>
</body></html>"""


def test_blocks_breaks_and_drops():
    text = render_blocks(PAGE)
    paras = [p.text for p in segment(text)]
    assert "The headline" in paras
    assert "First paragraph with bold and a link." in paras
    assert "Second block" in paras and "after a break" in paras
    assert "Home" in paras and "News" in paras
    for hidden in ("script text", "color: red", "a comment", "enable javascript", "Head title"):
        assert hidden not in text


def test_blocks_paragraph_and_list_separators():
    text = render_blocks(PAGE)
    assert "Home\nNews" in text  # short menu lines: one newline
    assert "The headline\n\nFirst paragraph" in text  # prose: blank line
    assert "line 1\nline 2" in text  # <pre> keeps its lines


def test_blocks_inline_elements_join_without_spaces():
    assert render_blocks("<p>un<b>believ</b>able</p>") == "unbelievable\n"


def test_long_list_items_are_separate_paragraphs():
    item = "A list item that is long enough to look like a wrapped prose line"
    html = "<ul>" + f"<li>{item} one</li><li>{item} two</li>" + "</ul>"
    paras = [p.text for p in segment(render_blocks(html))]
    assert paras == [f"{item} one", f"{item} two"]


@pytest.mark.parametrize("name", sorted(RENDERERS))
@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "plain text, no tags",
        "<p>unclosed <b>bold <div>block</p></td></tr>",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>xml declared</p></body></html>",
        "\x00<p>nul byte</p>\x01",
        "<<<>>> <p <div",
        "<html><head><title>never closed<body><p>body text</p></body></html>",
        "<script>document.write('<script src=x>')</script><p>after script</p>",
        "<table>" + "<tr><td>x</td>" * 500,
        "<div>" * 3000 + "deep" + "</div>" * 3000,
    ],
)
def test_renderers_never_raise(name, html):
    text = RENDERERS[name](html)
    assert isinstance(text, str)
    assert "\r" not in text


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_renderers_keep_the_text(name):
    text = render(PAGE, name)
    assert "First paragraph" in text
    assert "script text" not in text
    assert not any(line != line.rstrip() for line in text.split("\n"))


def test_unclosed_title_does_not_swallow_the_page():
    html = "<html><head><title>Broken title\n<script>x()</script></head><body><p>Body</p></body>"
    assert "Body" in render_blocks(html)


def test_nested_html_documents_do_not_hide_the_rest():
    ad = "<html><head><title>ad</title></head><body>ad text</body></html>"
    html = f"<html><body><table><tr><td>{ad}</td></tr></table><p>Article text</p></body></html>"
    for name in RENDERERS:
        assert "Article text" in render(html, name)


def test_unclosed_script_attribute_does_not_hide_the_page():
    # A ``<script src="...`` whose quote closes only inside a later script: libxml2 then reads
    # the rest of the page as script text, so inscriptis (parsed or repaired) rendered nothing.
    prose = "The article paragraph that the reader came for, long enough to count. " * 8
    html = (
        '<html><head><script type="text/javascript" src="/te.x=\'y\';\n}\n</script>\n'
        '<script>var tabs = ["tab1","tab2"];</script></head><body><table><tr><td>Menu</td></tr>'
        f"<tr><td><p>{prose}</p></td></tr></table></body></html>"
    )
    for name in RENDERERS:
        assert "the reader came for" in render(html, name), name


def test_pages_are_parsed_as_browsers_parse_them():
    # A table directly in another table's row (no cell): a browser closes the outer table
    # first; libxml2 leaves it inside, and inscriptis then laid its text out before the row above.
    prose = "The article paragraph that the reader came for, long enough to count. " * 3
    html = (
        "<html><body><table><tr><td>Story tools</td></tr><tr>"
        f"<table><tr><td><p>{prose}</p></td></tr></table></tr></table></body></html>"
    )
    for name in RENDERERS:
        text = render(html, name)
        assert text.index("Story tools") < text.index("the reader came for"), name


def test_comments_go_but_the_text_after_them_stays():
    html = '<p>revenue, <!--link-->Sprint Nextel (<a href="/">News</a>)<?pi x?> today</p>'
    for name in RENDERERS:
        assert "revenue, Sprint Nextel (" in render(html, name), name


def test_html2text_is_markdown_with_links():
    text = render(
        '<h2>Sub</h2><p>See <a href="http://x.org/">this</a></p><img src="a.png">', "html2text"
    )
    assert "## Sub" in text
    assert "[this](http://x.org/)" in text
    assert "a.png" not in text


def test_crlf_input_gives_lf_output():
    for name in RENDERERS:
        assert "\r" not in render("<pre>a\r\nb\r\n</pre><p>c\r\nd</p>", name)


def test_strip_tags_fallback():
    assert strip_tags("<p>a</p><script>x</script><p>b &amp; c</p>") == "a\n\nb & c\n"


def test_unknown_renderer():
    with pytest.raises(KeyError, match="known"):
        render("<p>x</p>", "nope")
