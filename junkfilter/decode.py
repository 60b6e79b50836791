"""Sequence decoding: label probabilities smoothed along each document by an HMM.

The classifier's probabilities already look at neighbours (stage 2), but each row is still
decided on its own. :func:`smooth` treats a document as a hidden Markov chain over the labels:
transitions between consecutive paragraphs' labels are counted on the training documents
(:func:`transition_counts`), the model's probabilities are the emissions (divided by the label
prior to the power ``gamma``, so a frequent label is not counted twice), and the
forward-backward posterior of each paragraph is mixed back with the model's own probability.
Labels that come singly (:data:`MIN_STAY`) are left as the model scored them.
A comment section, a block of navigation or a run of article paragraphs then lends its label to
an uncertain paragraph inside it.

Messages are computed over a window of :data:`WINDOW` paragraphs on either side of each row,
for all rows of a batch at once (one small matrix product per step); transitions raised to
``strength`` < 1 forget fast enough that this equals the exact recursion to four decimals of
shingle F1 on the validation pages. The mix keeps the probabilities calibrated enough for the
threshold and the rescue rule.
"""

from __future__ import annotations

import numpy as np

WINDOW = 8
"""Paragraphs on each side of a row that its forward and backward messages read."""
MIN_STAY = 0.5
"""Labels whose paragraphs are followed by one of the same label less often than this in the
training documents (a headline, a byline, a bio: they come singly) keep the model's own
probability; the chain would smooth a lone headline between a menu and the article away
(validation title F1 0.41 smoothed, 0.49 kept as is)."""


def transition_counts(y: np.ndarray, groups: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """``(k, k)`` counts of label ``a`` followed by label ``b`` within a document, plus one."""
    idx = np.searchsorted(classes, y)
    same = groups[1:] == groups[:-1]
    counts = np.ones((len(classes), len(classes)))
    np.add.at(counts, (idx[:-1][same], idx[1:][same]), 1.0)
    return counts


def _normalised(a: np.ndarray) -> np.ndarray:
    return a / (a @ np.ones(a.shape[1]))[:, None]


def smooth(proba: np.ndarray, groups: np.ndarray, counts: np.ndarray, prior: np.ndarray, *,
           strength: float, gamma: float, mix: float) -> np.ndarray:  # fmt: skip
    """``mix`` x the HMM posterior + ``(1 - mix)`` x ``proba``, for rows grouped by document
    (``groups`` non-decreasing); ``counts`` from :func:`transition_counts`, ``prior`` the
    labels' training frequencies."""
    n, k = proba.shape
    if not mix or not n:
        return proba
    A = _normalised(counts**strength)
    emit = _normalised(proba / prior**gamma)
    starts = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    sizes = np.diff(np.r_[starts, n])
    pos = np.arange(n) - np.repeat(starts, sizes)  # rows before this one in its document
    rest = np.repeat(sizes, sizes) - 1 - pos  # rows after it
    pad = np.zeros((WINDOW, k))
    shifted = np.vstack([pad, emit, pad])  # shifted[WINDOW + i] = emit[i]
    # messages are left unnormalised (at most 2 x WINDOW factors; each row is rescaled at the
    # end, and a row's scale does not change its posterior)
    # (rows too close to their document's start or end for step j keep their message: few
    # rows, found once as index arrays and copied back rather than masking every row per step)
    head = np.flatnonzero(pos <= WINDOW)
    tail = np.flatnonzero(rest < WINDOW)
    head_pos, tail_rest = pos[head], rest[tail]
    fwd = np.tile(prior, (n, 1))  # the message after row i - j, for every row i
    for j in range(WINDOW, 0, -1):
        step = fwd @ A
        step[head[head_pos == j]] = prior  # row i - j starts the document
        step *= shifted[WINDOW - j : WINDOW - j + n]
        near = head[head_pos < j]
        step[near] = fwd[near]
        fwd = step
    alpha = fwd @ A
    alpha[head[head_pos == 0]] = prior
    alpha *= emit
    bwd = np.ones((n, k))
    At = np.ascontiguousarray(A.T)
    for j in range(WINDOW, 0, -1):
        step = shifted[WINDOW + j : WINDOW + j + n] * bwd
        step = step @ At
        near = tail[tail_rest < j]
        step[near] = bwd[near]
        bwd = step
    out = mix * _normalised(alpha * bwd) + (1.0 - mix) * proba
    single = np.diag(_normalised(counts)) < MIN_STAY
    if single.any():  # the single labels as the model said; the rest share what is left
        rest = out[:, ~single]
        rest *= ((1.0 - proba[:, single].sum(1)) / np.maximum(rest.sum(1), 1e-300))[:, None]
        out[:, ~single], out[:, single] = rest, proba[:, single]
    return out
