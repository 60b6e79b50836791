"""Stage-2 context features (junkfilter.context) against plain per-row loops."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junkfilter.context import (
    best_blocks,
    context_features,
    n_context,
    stage2_inputs,
)


def reference_blocks(proba, weights, groups):
    """The maximum-subarray block per document and class, by trying every run of rows (ends in
    order, then starts: the earliest end wins a tie, then the earliest start)."""
    n, k = proba.shape
    inside = np.zeros((n, k))
    before = np.zeros((n, k), dtype=np.int64)
    after = np.zeros((n, k), dtype=np.int64)
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        for c in range(k):
            score = (proba[rows, c] - 0.5) * weights[rows]
            best, span = -np.inf, (0, 0)
            for j in range(len(rows)):
                for i in range(j + 1):
                    total = score[i : j + 1].sum()
                    if total > best:
                        best, span = total, (i, j)
            i, j = span
            for r, row in enumerate(rows):
                inside[row, c] = i <= r <= j
                before[row, c] = max(i - r, 0)
                after[row, c] = max(r - j, 0)
    return inside, before, after


# probabilities on a quarter grid and whole-number weights: every sum is exact, so ties are ties
documents = st.lists(st.integers(1, 7), min_size=1, max_size=4).flatmap(
    lambda sizes: st.tuples(
        st.just(sizes),
        st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), min_size=sum(sizes),
                 max_size=sum(sizes)),
        st.lists(st.integers(1, 3000), min_size=sum(sizes), max_size=sum(sizes)),
    )
)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_best_blocks_equal_exhaustive_search(doc):
    sizes, values, lengths = doc
    p = np.asarray(values)
    proba = np.column_stack([p, 1.0 - p])
    weights = np.asarray(lengths, dtype=np.float64)
    groups = np.repeat(np.arange(len(sizes)), sizes)
    for got, want in zip(best_blocks(proba, weights, groups),
                         reference_blocks(proba, weights, groups)):
        np.testing.assert_array_equal(got, want)


def test_article_between_menus_is_the_content_block():
    # menu lines, a headline, three long article paragraphs with a short caption, a footer
    lengths = np.array([12, 15, 9, 60, 900, 40, 1100, 700, 20, 14])
    content = np.array([0.05, 0.1, 0.05, 0.4, 0.95, 0.2, 0.97, 0.9, 0.1, 0.05])
    proba = np.column_stack([content, 1 - content])
    inside, before, after = best_blocks(proba, lengths.astype(float), np.zeros(10, np.int64))
    assert inside[:, 0].tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 0, 0]  # the caption stays inside
    assert before[:4, 0].tolist() == [4, 3, 2, 1] and after[8:, 0].tolist() == [1, 2]


@pytest.mark.parametrize("version", [1, 2])
def test_columns_and_unit_weights(version):
    rng = np.random.default_rng(0)
    proba = rng.dirichlet(np.ones(3), size=9)
    groups = np.array([0, 0, 0, 0, 1, 1, 2, 2, 2])
    out = context_features(proba, groups, version=version)
    assert out.shape == (9, n_context(3, version)) and np.isfinite(out).all()
    v1 = context_features(proba, groups, version=1)
    np.testing.assert_array_equal(out[:, : v1.shape[1]], v1)  # version 2 only adds columns
    if version == 2:  # unit weights: the weighted windows equal the plain ones
        k = 3
        np.testing.assert_allclose(out[:, 14 * k + 2 : 15 * k + 2], v1[:, 8 * k + 2 : 9 * k + 2])


def test_weights_come_from_the_length_column():
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]])
    groups = np.zeros(3, dtype=np.int64)
    chars = np.array([1000.0, 10.0, 10.0])
    dense = np.column_stack([np.log1p(chars) / 10.0, np.ones(3)])
    got = stage2_inputs(proba, groups, dense, version=2)
    want = context_features(proba, groups, weights=chars, version=2)
    np.testing.assert_allclose(got[:, : want.shape[1]], want)
    np.testing.assert_array_equal(got[:, want.shape[1] :], dense)
    # the long paragraph dominates the weighted window around the short ones
    k = 2
    assert got[2, 14 * k + 2] > 0.85 > context_features(proba, groups, version=1)[2, 8 * k + 2]
