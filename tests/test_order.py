"""Reading order: pieces of side-by-side columns are read column by column."""

import numpy as np
import pytest

from junkfilter.order import REACH, order_many, reading_order
from junkfilter.segment import segment, spans_many

PAGE = "\n".join(
    [
        "Site title",
        "First article line.          Menu: Home",
        "                             Menu: Sports",
        "Second article line.         Menu: Weather",
        "Third article line.",
        "Footer",
    ]
)


def texts_in_order(text):
    paras = segment(text)
    order = reading_order(text, [p.start for p in paras])
    return [paras[i].text for i in (order or range(len(paras)))]


def test_columns_are_read_one_after_the_other():
    # the region ends at the last cut line: the left column's tail stays after it
    assert texts_in_order(PAGE) == [
        "Site title", "First article line.", "Second article line.",
        "Menu: Home", "Menu: Sports", "Menu: Weather", "Third article line.", "Footer",
    ]  # fmt: skip


def test_text_without_column_gaps_keeps_its_order():
    text = "One line.\nTwo  spaces here.\n\n   Indented line."
    assert reading_order(text, [p.start for p in segment(text)]) is None


def test_lines_far_from_cut_lines_stay_in_place():
    far = [f"Prose line {i}." for i in range(REACH + 2)]
    text = "\n".join(["Left a      Right a", *far, "Left b      Right b"])
    got = texts_in_order(text)
    assert got == ["Left a", "Right a", *far, "Left b", "Right b"]


def test_crlf_line_breaks():
    text = PAGE.replace("\n", "\r\n")
    assert texts_in_order(text) == texts_in_order(PAGE)


def test_order_many_matches_reading_order():
    texts = [PAGE, "plain\ntext", "", PAGE.replace("Menu", "Nav")]
    starts, ends, sizes, columns = spans_many(texts)
    assert columns.tolist() == [True, False, False, True]
    perm = order_many(texts, starts, sizes, columns)
    bounds = np.r_[0, np.cumsum(sizes)]
    for i, text in enumerate(texts):
        lo, hi = bounds[i], bounds[i + 1]
        want = reading_order(text, starts[lo:hi].tolist()) or list(range(hi - lo))
        assert (perm[lo:hi] - lo).tolist() == want
    starts, _, sizes, columns = spans_many(texts[1:3])
    assert order_many(texts[1:3], starts, sizes, columns) is None


@pytest.mark.parametrize("page", ["PAGE", "STAGGERED"])
def test_raw_columns_score_as_their_reading_order_document(small_filter, page):
    """The filter scores a column page as the corpus stores it: pieces in reading order, one
    per block (what training saw)."""
    page = globals()[page]
    paras = segment(page)
    order = reading_order(page, [p.start for p in paras])
    stored = "\n\n".join(paras[i].text for i in order)
    raw = small_filter.classify_many([page], probabilities=True)[0]
    flat = small_filter.classify_many([stored], probabilities=True)[0]
    assert [p.index for p in raw] == list(range(len(raw)))  # reported in text order
    for k, i in enumerate(order):
        assert raw[i].text == flat[k].text
        assert raw[i].probabilities == flat[k].probabilities


STAGGERED = "\n".join(
    [
        "  Site title",
        "  Property",
        "                                       First article paragraph.",
        "  Careers",
        "                                       Second article paragraph.",
        "                                       Third article paragraph.",
        "  Motoring",
        "  Footer",
    ]
)
"""A table row as inscriptis renders it when the cells share no line: the article cell's lines
are indented to its column (39), the menu cell's sit at 2."""


def test_indentation_jump_starts_a_column():
    # the region spans the cut lines (the two jumps): "Careers" is read before the article,
    # which is then one run; lines after the region keep their place
    assert texts_in_order(STAGGERED) == [
        "Site title", "Property", "Careers",
        "First article paragraph.", "Second article paragraph.", "Third article paragraph.",
        "Motoring", "Footer",
    ]  # fmt: skip


def test_nested_replies_are_no_columns():
    # comment replies indented 2 to 4 characters deeper at each level keep their order
    lines = [" " * (2 + 4 * depth) + f"Reply at depth {depth}." for depth in range(8)]
    text = "\n".join(lines + lines[::-1])
    assert reading_order(text, [p.start for p in segment(text)]) is None


def test_deep_indentation_marks_the_document_for_reading_order():
    texts = [STAGGERED, "plain\ntext", "  a nested\n      list item"]
    starts, _, sizes, columns = spans_many(texts)
    assert columns.tolist() == [True, False, False]
    perm = order_many(texts, starts, sizes, columns)
    first = reading_order(STAGGERED, starts[: sizes[0]].tolist())
    assert perm[: sizes[0]].tolist() == first
