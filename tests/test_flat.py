"""Flattened corpus documents: one line, cut into sentences, pieces labelled by their words."""

from junkfilter.corpus.flat import flatten
from junkfilter.documents import Document
from junkfilter.labels import Label

ARTICLE = [f"The council met on day {i} and voted on the new budget for the town."
           for i in range(40)]  # fmt: skip


def _doc(extra_label=Label.BOILERPLATE) -> Document:
    texts = ["Home | News | Sport", *ARTICLE, "Share this story with friends now"]
    labels = [Label.BOILERPLATE, *[Label.CONTENT] * len(ARTICLE), extra_label]
    return Document(id="page-1", texts=texts, labels=labels, meta={"source": "test"})


def test_flat_document_is_the_page_on_one_line_cut_into_labelled_pieces():
    doc = _doc()
    flat = flatten(doc)
    assert flat is not None and flat.joiner == " " and "\n" not in flat.text
    assert flat.text == " ".join(doc.text.split())
    assert flat.texts[:3] == ["Home |", "News |", "Sport The council met on day 0 and voted on the "
                              "new budget for the town."]  # fmt: skip
    assert flat.labels[:3] == [Label.BOILERPLATE, Label.BOILERPLATE, Label.CONTENT]
    assert flat.labels.count(Label.CONTENT) == len(ARTICLE)
    assert flat.meta == {"source": "test", "renderer": "flat"}


def test_pages_with_comment_pieces_or_not_cut_are_left_out():
    long_comment = "I really enjoyed reading this and I agree with most of it, thanks. " * 20
    doc = _doc()
    doc.texts.append(long_comment)
    doc.labels.append(Label.COMMENT)
    assert flatten(doc) is None
    short = Document(id="p", texts=["A short page."], labels=[Label.CONTENT])
    assert flatten(short) is None
