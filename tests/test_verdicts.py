"""The array path (:meth:`JunkFilter.verdicts`) gives what the paragraph path gives."""

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from junkfilter import Config
from junkfilter.clean import verdict_counts
from junkfilter.segment import segment
from junkfilter.verdicts import assemble_spans, decide
from tests.conftest import training_texts


def reference_separator(gap, region):
    """A column gap after dropped pieces becomes the line breaks of the last whitespace run
    with line breaks in the dropped text."""
    if "\n" in gap or "\r" in gap:
        return gap
    runs = [r for r in re.findall(r"\s+", region) if "\n" in r or "\r" in r]
    if not runs:
        return gap
    return re.sub(r"[^\r\n]", "", runs[-1])


def reference_assemble(text, paragraphs, keep):
    """The kept paragraphs one by one, each after the gap before it (the original loop)."""
    out, prev_end = [], None
    for i, (p, k) in enumerate(zip(paragraphs, keep, strict=True)):
        if not k:
            continue
        if out:
            gap = text[paragraphs[i - 1].end : p.start]
            dropped = i > 0 and not keep[i - 1]
            out.append(reference_separator(gap, text[prev_end : paragraphs[i - 1].end])
                       if dropped else gap)  # fmt: skip
        out.append(p.text)
        prev_end = p.end
    if prev_end is not None:
        tail = text[prev_end:]
        nl = tail.find("\n")
        if nl >= 0:
            out.append("\r\n" if tail[:nl].endswith("\r") else "\n")
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab   \t\r\n", max_size=80), st.lists(st.booleans(), max_size=40))
def test_assemble_spans_matches_the_paragraph_loop(text, flags):
    paras = segment(text)
    keep = (flags + [True] * len(paras))[: len(paras)]
    starts, ends = [p.start for p in paras], [p.end for p in paras]
    assert assemble_spans(text, starts, ends, keep) == reference_assemble(text, paras, keep)


def test_kept_column_pieces_keep_their_lines():
    text = "Article one.     Sidebar\nSidebar two     Article two.\n"
    paras = segment(text)
    keep = [p.text.startswith("Article") for p in paras]
    starts, ends = [p.start for p in paras], [p.end for p in paras]
    assert assemble_spans(text, starts, ends, keep) == "Article one.\nArticle two.\n"


def test_verdicts_equal_classify_many(small_filter):
    columns = "Article line one.     Menu\n\t\tAd\nArticle line two.    Login"
    texts = training_texts()[:40] + ["", "   \n\n", "one line only", "a\r\n\r\nb\r\nc", columns]
    v = small_filter.verdicts(texts)
    docs = small_filter.classify_many(texts)
    assert len(v) == len(texts)
    for i, (text, paras) in enumerate(zip(texts, docs, strict=True)):
        assert v.n_paragraphs(i) == len(paras)
        assert v.cleaned(i) == reference_assemble(text, paras, [p.keep for p in paras])
        assert v.counts()[i] == verdict_counts(paras)


def test_decide_rescues_empty_documents():
    labels = ["content", "comment"]
    proba = np.array([[0.3, 0.7], [0.12, 0.88], [0.9, 0.1]])
    best, keep, why = decide(proba, labels, [2, 1], Config(rescue=0.5))
    assert best.tolist() == [1, 1, 0] and why.tolist() == [1, 1, 1]
    # doc 0 had nothing kept: paragraphs >= 0.5 x its best (0.3) are rescued, 0.12 is not
    assert keep.tolist() == [True, False, True]
    _, keep, _ = decide(proba, labels, [2, 1], Config(rescue=0))
    assert keep.tolist() == [False, False, True]


def test_decide_keeps_each_documents_most_likely_headline():
    from junkfilter.labels import Label

    labels = [Label.BOILERPLATE, Label.CONTENT, Label.TITLE]
    proba = np.array([
        [0.70, 0.05, 0.25],  # doc 0: a related story's title
        [0.62, 0.03, 0.35],  # doc 0: the headline, most likely, below the threshold
        [0.05, 0.95, 0.00],  # doc 0: the article
        [0.85, 0.00, 0.15],  # doc 1: its best title chance is below `headline`
        [0.10, 0.90, 0.00],
        [0.55, 0.10, 0.35],  # doc 2: a tie on P(title): the first row wins
        [0.55, 0.10, 0.35],
    ])  # fmt: skip
    sizes = [3, 0, 2, 2]
    _, keep, _ = decide(proba, labels, sizes, Config(rescue=0, headline=0.2))
    assert keep.tolist() == [False, True, True, False, True, True, False]
    _, off, _ = decide(proba, labels, sizes, Config(rescue=0, headline=1.0))
    assert off.tolist() == [False, False, True, False, True, False, False]
    # a headline is kept only while titles are: --keep content,comment drops it
    _, no_title, _ = decide(proba, labels, sizes, Config(rescue=0, keep="content"))
    assert no_title.tolist() == off.tolist()
