"""The label taxonomy is public, complete and parsed strictly."""

import pytest

from junkfilter.labels import DEFAULT_KEEP, DESCRIPTIONS, LABELS, Label, parse_labels


def test_taxonomy():
    assert [str(lab) for lab in LABELS] == [
        "content", "title", "metadata", "comment", "spam", "bio", "boilerplate"
    ]
    assert {Label.CONTENT, Label.TITLE} == DEFAULT_KEEP
    assert set(DESCRIPTIONS) == set(LABELS)
    assert Label.CONTENT == "content"


def test_parse_labels():
    assert parse_labels("content, Comment") == {Label.CONTENT, Label.COMMENT}
    with pytest.raises(ValueError, match="unknown label 'comments'"):
        parse_labels("content,comments")
    with pytest.raises(ValueError):
        parse_labels("")
