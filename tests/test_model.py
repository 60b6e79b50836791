"""The run-time model (junkfilter.model): the stage-2 shortcut for rows stage 1 is sure of."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import junkfilter
from junkfilter.features import featurize_texts
from junkfilter.model import SURE_NEIGHBOURS, SURE_RADIUS, sure_rows
from junkfilter.segment import spans_many


def reference_sure(proba, groups, level):
    """sure_rows as the docstring states it, one row at a time."""
    n = len(proba)
    out = np.zeros(n, dtype=bool)
    for i in range(n):
        label, top = proba[i].argmax(), proba[i].max()
        if top < level or top < SURE_NEIGHBOURS:
            continue
        ok = True
        for j in range(i - SURE_RADIUS, i + SURE_RADIUS + 1):
            outside = j < 0 or j >= n or groups[j] != groups[i]
            if outside or proba[j].argmax() != label or proba[j].max() < SURE_NEIGHBOURS:
                ok = False
        out[i] = ok
    return out


@st.composite
def scored_rows(draw):
    """Rows of a few documents with stage-1 tables that are often very sure of one label."""
    sizes = draw(st.lists(st.integers(1, 12), min_size=1, max_size=5))
    n = sum(sizes)
    labels = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    tops = draw(st.lists(st.sampled_from([0.5, 0.98, 0.99, 0.995, 0.999, 1.0]), min_size=n,
                         max_size=n))  # fmt: skip
    proba = np.full((n, 3), 0.0)
    for i, (lab, top) in enumerate(zip(labels, tops, strict=True)):
        proba[i] = (1.0 - top) / 2
        proba[i, lab] = top
    return proba, np.repeat(np.arange(len(sizes)), sizes)


@settings(max_examples=300, deadline=None)
@given(scored_rows(), st.sampled_from([0.9, 0.99, 0.999, 1.0]))
def test_sure_rows_matches_the_stated_rule(rows, level):
    proba, groups = rows
    assert np.array_equal(sure_rows(proba, groups, level), reference_sure(proba, groups, level))


def test_sure_rows_needs_neighbours_inside_the_document():
    proba = np.tile([[0.0005, 0.9995]], (7, 1))
    assert sure_rows(proba, np.zeros(7, dtype=np.int64), 0.999).tolist() == [0, 0, 0, 1, 0, 0, 0]
    # the same rows split into two documents: no row has three neighbours on each side
    assert not sure_rows(proba, np.r_[np.zeros(4), np.ones(3)].astype(np.int64), 0.999).any()
    assert not sure_rows(proba[:1], np.zeros(1, dtype=np.int64), 0.999).any()  # a one-line page
    assert sure_rows(proba[:0], np.zeros(0, dtype=np.int64), 0.999).shape == (0,)


NAV = ("Home", "News", "Sport", "Weather", "Opinion", "Culture", "Travel", "Jobs")
TOPICS = ("bridge", "library", "school", "road", "harbour", "park", "market", "station", "tunnel")
PAGE = "\n\n".join(
    [f"Menu item {w}" for w in NAV]
    + [
        f"The council said on Tuesday that the {w} project would cost more than planned, and "
        f"that residents would be asked for their views before any work began this spring."
        for w in TOPICS
    ]
    + ["Leave a Reply", "Your email address will not be published."]
    + ["Mike T.", "21 hours ago", "Great article, thanks for sharing!", "Reply"] * 3
)
"""A page with navigation, an article, a comment form and a comment thread."""


@pytest.fixture(scope="module")
def page_rows():
    starts, ends, sizes, _ = spans_many([PAGE])
    paras = [PAGE[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    return featurize_texts(paras, sizes), np.zeros(len(paras), dtype=np.int64)


def test_shortcut_one_is_the_full_model(page_rows):
    model = junkfilter.load().model
    rows, groups = page_rows
    assert np.array_equal(model.predict_proba(rows, groups, shortcut=1.0),
                          model.predict_proba(rows, groups))  # fmt: skip


def test_shortcut_skips_sure_rows_only(page_rows):
    model = junkfilter.load().model
    rows, groups = page_rows
    sure = sure_rows(model.stage1_proba(rows), groups, 0.999)
    assert sure.any() and not sure.all()  # the test page has both kinds of row
    fast = model.predict_proba(rows, groups, shortcut=0.999)
    full = model.predict_proba(rows, groups, shortcut=1.0)
    assert not np.allclose(fast[sure], full[sure])  # stage 2 really was left out there


def test_shortcut_keeps_what_the_full_model_keeps():
    jf = junkfilter.load()
    assert jf.clean(PAGE) == junkfilter.load(config=junkfilter.Config(shortcut=1.0)).clean(PAGE)
    assert "council" in jf.clean(PAGE) and "Reply" not in jf.clean(PAGE)


def test_config_rejects_a_shortcut_outside_0_1():
    with pytest.raises(ValueError, match="shortcut"):
        junkfilter.Config(shortcut=1.5)
