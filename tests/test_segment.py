"""Segmentation: exact spans that tile the input, front matter, line modes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junkfilter.segment import gaps, paragraphs_of, segment, span_iter, spans_many

from . import reference_segment


def tiles(text):
    paras = segment(text)
    rebuilt = []
    for (gs, ge), p in zip(gaps(text, paras), paras):
        assert text[gs:ge].strip() == ""
        assert text[p.start : p.end] == p.text
        rebuilt += [text[gs:ge], p.text]
    gs, ge = gaps(text, paras)[-1]
    rebuilt.append(text[gs:ge])
    assert "".join(rebuilt) == text
    return [p.text for p in paras]


def test_blank_line_blocks():
    assert tiles("One.\n\nTwo.\n\n\nThree.") == ["One.", "Two.", "Three."]


def test_one_block_per_line():
    assert tiles("Home\nNews\nA sentence here.\n") == ["Home", "News", "A sentence here."]


@pytest.mark.parametrize("nl", ["\r\n", "\r", "\n"])
def test_line_endings(nl):
    assert tiles(f"a b{nl}{nl}c d{nl}e{nl}") == ["a b", "c d", "e"]


def test_tabs_and_whitespace_lines_are_blank():
    assert tiles("\tfirst\n \t \nsecond\t\n") == ["first", "second"]


def test_front_matter_is_one_paragraph():
    text = "---\ntitle: Hello\ndate: 2020-01-01\n---\n\nBody text here.\n"
    assert tiles(text) == ["---\ntitle: Hello\ndate: 2020-01-01\n---", "Body text here."]


def test_unclosed_front_matter_is_not_special():
    assert tiles("---\ntitle: x\n\nBody")[:2] == ["---", "title: x"]


def test_hard_wrapped_block_stays_one_paragraph():
    line = "word " * 14
    text = f"{line}\n{line}\n{line}\nend."
    assert len(tiles(text)) == 1


def test_list_block_splits_into_items():
    text = "- first item of the list that is long enough to look wrapped\n- second item\n"
    assert tiles(text) == ["- first item of the list that is long enough to look wrapped",
                           "- second item"]


def test_empty_and_whitespace():
    assert tiles("") == []
    assert tiles(" \n\t\r\n") == []


def test_column_gaps_split_a_line():
    text = "Article sentence one.     Sidebar link\nMore article.\tAd\nTwo  spaces stay."
    assert tiles(text) == ["Article sentence one.", "Sidebar link", "More article.", "Ad",
                           "Two  spaces stay."]  # fmt: skip


def test_markers_before_a_gap_are_no_column():
    assert tiles("  *   *   * [Ask](//x.org)\n-   item") == ["*   *   * [Ask](//x.org)", "-   item"]


def test_data_rows_stay_whole():
    row = "\t".join(f"cell{i}" for i in range(8))  # 7 gaps: cut
    wide = "\t".join(f"cell{i}" for i in range(9))  # 8 gaps: a row of data, whole
    assert len(tiles(row)) == 8
    assert tiles(wide) == [wide]
    assert tiles("x\t" * 1_000_000) == ["\t".join(["x"] * 1_000_000)]


def test_column_gap_block_is_never_hard_wrapped():
    line = "w" * 50
    text = f"{line}     side\n{line}\n{line}"
    assert tiles(text) == [line, "side", line, line]


def test_long_line():
    text = "x" * 1_000_000 + "\n\nend"
    assert [len(t) for t in tiles(text)] == [1_000_000, 3]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "Bb c", " ", "\t", "\n", "\r", "\r\n", "\x0b", "\x1c",
                                 "\u2028", "\x85", "---", "...", "- x", "word " * 12, "é",
                                 "   ", "\xa0\xa0", "*   "]),
                max_size=40).map("".join))
def test_single_scan_equals_reference(text):
    assert list(span_iter(text)) == list(reference_segment.span_iter(text))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_single_scan_equals_reference_any_text(text):
    assert list(span_iter(text)) == list(reference_segment.span_iter(text))


def assert_batch_equals_scalar(texts):
    starts, ends, sizes, _ = spans_many(texts)
    want = [list(span_iter(t)) for t in texts]
    assert sizes.tolist() == [len(w) for w in want]
    assert list(zip(starts.tolist(), ends.tolist())) == [s for w in want for s in w]
    assert paragraphs_of(texts, starts, ends, sizes) == [segment(t) for t in texts]


PIECES = ["a", "Bb c", " ", "\t", "\n", "\r", "\r\n", "\x0b", "\u2028", "\x85", "---", "...",
          "- x", "1. y", "word " * 12, "w" * 45 + "\n", "\ufeff", "é", "😀", "", "   ", "\u3000",
          " \t"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), max_size=6))
def test_batch_scan_equals_scalar(texts):
    assert_batch_equals_scalar(texts)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), max_size=4))
def test_batch_scan_equals_scalar_any_text(texts):
    assert_batch_equals_scalar(texts)


def test_batch_scan_special_texts():
    wrapped = "\n".join(["x" * 60, "y" * 70, "z" * 20])
    assert_batch_equals_scalar([wrapped, "---\ntitle: a\n---\nbody", "plain\n\nlines\nhere", ""])


PIECES = ["Word", "word", " ", "  ", "\n", ". ", "! ", "?", '" ', "” ", "» ", "| ", " | ", "·",
          " • ", "(A", "“B", "9", "é", "É", "\t", ".»", "..", "a.", " J. ", "x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=60).map("".join))
def test_sentence_cuts_equal_reference(body):
    import junkfilter.sentences as seg

    text = "Start " + body + " end"
    old = seg.LONG_PARAGRAPH, reference_segment.LONG_PARAGRAPH
    seg.LONG_PARAGRAPH = reference_segment.LONG_PARAGRAPH = 10
    try:
        assert list(span_iter(text)) == list(reference_segment.span_iter(text))
        assert_batch_equals_scalar([text, "short", text])
    finally:
        seg.LONG_PARAGRAPH, reference_segment.LONG_PARAGRAPH = old


def test_flattened_page_is_cut_into_sentences():
    article = " ".join(f"The council met on day {i} and voted on the budget." for i in range(60))
    text = "Home | News | Sport | Contact " + article + " Share this: Facebook Twitter"
    pieces = [text[s:e] for s, e in span_iter(text)]
    assert pieces[:4] == ["Home |", "News |", "Sport |", "Contact The council met on day 0 and "
                          "voted on the budget."]  # fmt: skip
    assert len(pieces) == 64 and pieces[-1] == "Share this: Facebook Twitter"
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
    short = article[:1900].strip()
    assert list(span_iter(short)) == [(0, len(short))]  # short enough: one paragraph
