"""HMM decoding: the windowed forward-backward equals the exact one, stays inside documents."""

import numpy as np
import pytest

from junkfilter.decode import WINDOW, smooth, transition_counts


def exact_posterior(p, counts, prior, strength, gamma):
    """Textbook forward-backward over one document."""
    A = counts**strength
    A /= A.sum(1, keepdims=True)
    e = p / prior**gamma
    n, k = p.shape
    alpha, beta = np.zeros((n, k)), np.ones((n, k))
    a = prior * e[0]
    alpha[0] = a / a.sum()
    for t in range(1, n):
        a = (alpha[t - 1] @ A) * e[t]
        alpha[t] = a / a.sum()
    for t in range(n - 2, -1, -1):
        b = A @ (e[t + 1] * beta[t + 1])
        beta[t] = b / b.sum()
    post = alpha * beta
    return post / post.sum(1, keepdims=True)


@pytest.fixture
def hmm():
    rng = np.random.default_rng(0)
    counts = rng.random((4, 4)) * 10 + 1 + np.eye(4) * 60  # every label mostly stays
    return rng, counts, rng.dirichlet(np.ones(4))


@pytest.mark.parametrize("sizes", [[1], [5], [1, 3, WINDOW + 1], [2, 2, 2]])
def test_equals_exact_forward_backward_on_short_documents(hmm, sizes):
    rng, counts, prior = hmm
    groups = np.repeat(np.arange(len(sizes)), sizes)
    p = rng.dirichlet(np.ones(4), size=len(groups))
    got = smooth(p, groups, counts, prior, strength=0.7, gamma=0.5, mix=1.0)
    bounds = np.r_[0, np.cumsum(sizes)]
    want = np.vstack([exact_posterior(p[a:b], counts, prior, 0.7, 0.5)
                      for a, b in zip(bounds[:-1], bounds[1:])])  # fmt: skip
    np.testing.assert_allclose(got, want, atol=1e-12)


def test_close_to_exact_on_a_long_document(hmm):
    rng, counts, prior = hmm
    p = rng.dirichlet(np.ones(4) * 0.3, size=200)
    got = smooth(p, np.zeros(200, dtype=np.int64), counts, prior, strength=0.5, gamma=0.25,
                 mix=1.0)  # fmt: skip
    assert np.abs(got - exact_posterior(p, counts, prior, 0.5, 0.25)).max() < 1e-3


def test_documents_do_not_leak_and_mix_zero_is_identity(hmm):
    rng, counts, prior = hmm
    groups = np.repeat([0, 1], [6, 6])
    p = rng.dirichlet(np.ones(4), size=12)
    q = p.copy()
    q[6:] = rng.dirichlet(np.ones(4), size=6)  # change the second document only
    a = smooth(p, groups, counts, prior, strength=1.0, gamma=0.0, mix=0.6)
    b = smooth(q, groups, counts, prior, strength=1.0, gamma=0.0, mix=0.6)
    np.testing.assert_array_equal(a[:6], b[:6])
    np.testing.assert_allclose(a.sum(1), 1.0)
    assert smooth(p, groups, counts, prior, strength=1.0, gamma=0.0, mix=0.0) is p


def test_transitions_are_counted_within_documents():
    classes = np.array(["a", "b"])
    y = np.array(["a", "a", "b", "b", "a"])
    groups = np.array([0, 0, 0, 1, 1])
    counts = transition_counts(y, groups, classes)
    assert counts.tolist() == [[2.0, 2.0], [2.0, 1.0]]  # a->a, a->b, b->a (doc 1) + 1 each


def test_labels_that_come_singly_keep_the_model_probability(hmm):
    rng, counts, prior = hmm
    counts = counts.copy()
    counts[2] = [30.0, 30.0, 1.0, 30.0]  # label 2 is rarely followed by itself: a headline
    p = rng.dirichlet(np.ones(4), size=10)
    out = smooth(p, np.zeros(10, dtype=np.int64), counts, prior, strength=1.0, gamma=0.0,
                 mix=1.0)  # fmt: skip
    np.testing.assert_allclose(out[:, 2], p[:, 2])
    np.testing.assert_allclose(out.sum(1), 1.0)
    assert not np.allclose(out[:, 0], p[:, 0])  # the others are smoothed
