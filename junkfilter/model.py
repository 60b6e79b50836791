"""The classifier: a two-stage stacked model over paragraph rows of documents.

Stage 1 scores each paragraph from its own features (text n-grams, shape, neighbours' shape).
Stage 2 (stacked sequential learning, Cohen & Carvalho 2005) re-scores it from the stage-1
probabilities of itself and its neighbours, windowed means, and how far a class has already
"started" earlier in the document (running maxima and means), the page's text mass (the same
weighted by characters, and the document's best block of each class: :mod:`junkfilter.context`),
together with the paragraph's own shape columns, so that a comment section, once it begins, is
recognised as one. Stage 2 is a
one-hidden-layer network: the interactions it needs ("prose-like, but the lines around it are
commenter names and timestamps") are products a linear stage 2 cannot express (validation
shingle F1 0.895 -> 0.920 on blocks, 0.868 -> 0.905 on inscriptis, with the ensemble and
blend of :class:`Stack`). It is trained with log-loss
on out-of-fold stage-1 probabilities (documents never score themselves), so it learns how much
to trust stage 1 on unseen pages and its probabilities stay calibrated (the model card reports
the expected calibration error).

This module is numpy only: :class:`Stack` holds the learned arrays and predicts, so loading
and running a model does not import scikit-learn or scipy. Fitting lives in
:mod:`junkfilter.estimator`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from junkfilter.context import stage2_inputs, trailing_dense
from junkfilter.decode import smooth

_BLEND_EPS = 1e-4  # floor of the probabilities in the stage-1/stage-2 blend
SURE_RADIUS = 3
"""Neighbours on each side that must agree before stage 2 is skipped (:func:`sure_rows`)."""
SURE_NEIGHBOURS = 0.99
"""The stage-1 probability those neighbours must give the paragraph's label (:func:`sure_rows`)."""


def _row_max(z: np.ndarray) -> np.ndarray:
    """``z.max(axis=1)``, a column at a time (many times faster for a few columns)."""
    m = z[:, 0].copy()
    for j in range(1, z.shape[1]):
        np.maximum(m, z[:, j], out=m)
    return m


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - _row_max(z)[:, None]
    np.exp(z, out=z)
    z /= (z @ np.ones(z.shape[1]))[:, None]
    return z


def _as_columns(coef: np.ndarray, intercept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A linear model's ``coef_``/``intercept_`` as softmax columns (binary -> two columns)."""
    coef = np.asarray(coef, dtype=np.float64)
    intercept = np.asarray(intercept, dtype=np.float64)
    if coef.shape[0] == 1:
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.r_[0.0, intercept]
    return coef.T, intercept


def _network_proba(layers, x64: np.ndarray, x32: np.ndarray) -> np.ndarray:
    """Softmax output of one network; hidden layers run in float32 (ample for ReLU units)."""
    if len(layers) == 1:
        W, b = layers[0]
        return _softmax(x64 @ W + b)
    h = x32
    for W, b in layers[:-1]:
        h = h @ W.astype(np.float32, copy=False) + b.astype(np.float32, copy=False)
        np.maximum(h, 0.0, out=h)
    W, b = layers[-1]
    return _softmax(h.astype(np.float64) @ W + b)


def _fuse(networks) -> tuple:
    """One-hidden-layer networks as one float32 hidden layer and each network's output layer,
    ``(W0, b0, outputs)`` with ``outputs`` a ``(first unit, last unit, weights, bias)`` per
    network; output columns are padded to 8 (a product with 8 columns runs 30 % faster than
    with 7, and far faster than one block-diagonal product over all networks' units).

    ``()`` when the networks are not all of that shape (they are then run one by one).
    """
    if not networks or any(len(net) != 2 for net in networks):
        return ()
    W0 = np.hstack([net[0][0] for net in networks]).astype(np.float32)
    b0 = np.concatenate([net[0][1] for net in networks]).astype(np.float32)
    outputs, lo = [], 0
    for _, (w1, b1) in networks:
        k = w1.shape[1]
        W1 = np.zeros((w1.shape[0], -(-k // 8) * 8), dtype=np.float32)
        W1[:, :k] = w1
        outputs.append((lo, lo + w1.shape[0], W1, b1.astype(np.float32)))
        lo += w1.shape[0]
    return W0, b0, tuple(outputs)


@dataclass(slots=True)
class Stack:
    """The learned arrays of a fitted two-stage model, and numpy-only prediction with them.

    Stage 1 is linear (``coef1``, ``intercept1``). Stage 2 averages the probabilities of a few
    small feed-forward networks over :func:`stage2_inputs`: each network in ``networks2`` is a
    tuple of ``(weights, bias)`` layers with a ReLU between them and a softmax after the last (one
    layer: a multinomial logistic regression).
    """

    classes: np.ndarray
    coef1: np.ndarray  # (classes, features), float32
    intercept1: np.ndarray
    networks2: tuple[tuple[tuple[np.ndarray, np.ndarray], ...], ...]
    stage1_weight: float = 0.0
    n_dense: int = 0  # trailing columns of X (the dense block) that stage 2 also reads
    transitions: np.ndarray | None = None  # label bigram counts (decode.py); None: no decoding
    label_prior: np.ndarray | None = None
    decode: tuple[float, float, float] = (0.5, 0.25, 0.6)  # strength, gamma, mix (decode.smooth)
    context: int = 1  # version of the stage-2 inputs (junkfilter.context); 1 before text mass
    _fused: tuple | None = field(default=None, init=False, repr=False, compare=False)
    _table: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    def stage1_proba(self, X) -> np.ndarray:
        """Stage-1 probabilities for a dense matrix, a scipy sparse matrix or :class:`Rows`."""
        if hasattr(X, "text_dot"):
            n_hash = self.coef1.shape[1] - X.dense.shape[1]
            k = self.coef1.shape[0]
            z = X.text_dot(self.text_table(n_hash))[:, :k] + X.dense @ self.coef1[:, n_hash:].T
        else:
            z = np.asarray(X @ self.coef1.T, dtype=np.float64)
        return _softmax(z + self.intercept1)

    def stage2_proba(self, inputs: np.ndarray) -> np.ndarray:
        """Stage-2 probabilities from :func:`stage2_inputs`: the networks' mean."""
        fused = self.fused()
        x32 = inputs.astype(np.float32, copy=False)
        if not fused:
            x64 = inputs.astype(np.float64, copy=False)
            out = sum(_network_proba(net, x64, x32) for net in self.networks2)
            return out / len(self.networks2)
        W0, b0, outputs = fused  # all hidden layers in one matrix product
        h = x32 @ W0
        h += b0
        np.maximum(h, 0.0, out=h)
        k = len(self.classes)
        out = np.zeros((len(h), k), dtype=np.float64)
        for lo, hi, W1, b1 in outputs:
            z = (h[:, lo:hi] @ W1)[:, :k]
            z += b1
            out += _softmax(z)  # float32, as the logits
        return out / len(outputs)

    def text_table(self, n_hash: int) -> np.ndarray:
        """The stage-1 weights of the first ``n_hash`` (hashed text) columns as an ``(n_hash,
        8)`` float32 table, a row per key, classes padded to 8 columns; built on first use."""
        if self._table is None or len(self._table) != n_hash:
            k = self.coef1.shape[0]
            table = np.zeros((n_hash, -(-k // 8) * 8), dtype=np.float32)
            table[:, :k] = self.coef1[:, :n_hash].T
            self._table = table
        return self._table

    def __getstate__(self) -> dict:
        """The learned arrays only: the caches built from them are rebuilt where unpickled."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.init}

    def __setstate__(self, state: dict) -> None:
        """Arrays pickled by an older junkfilter lack the newer fields: those take their
        defaults (``context`` 1, the inputs such a model was fitted on)."""
        for f in fields(self):
            value = state.get(f.name, f.default) if f.init else None
            object.__setattr__(self, f.name, value)

    def fused(self) -> tuple:
        """The fused network arrays (:func:`_fuse`), built on first use."""
        if self._fused is None:
            self._fused = _fuse(self.networks2)
        return self._fused

    def predict_proba(self, X, groups=None, *, shortcut: float = 1.0) -> np.ndarray:
        """Calibrated class probabilities (columns in ``classes`` order): stage 1, then
        :meth:`context_proba`, then :meth:`decoded`."""
        p1 = self.stage1_proba(X)
        groups = np.zeros(p1.shape[0], dtype=np.int64) if groups is None else dense_groups(groups)
        return self.decoded(self.context_proba(p1, X, groups, shortcut), groups)

    def context_proba(self, p1: np.ndarray, X, groups: np.ndarray, shortcut: float = 1.0):
        """Stage 2 on the stage-1 probabilities ``p1`` of the rows ``X`` of documents ``groups``
        (non-decreasing), blended with stage 1. With ``shortcut`` below 1, stage 2 is skipped
        for the rows :func:`sure_rows` finds (its probabilities there are taken to be stage
        1's); 1 runs it on every row."""
        dtype = np.float32 if self.fused() else np.float64
        dense = trailing_dense(X, self.n_dense)
        inputs = stage2_inputs(p1, groups, dense, dtype, self.context)
        sure = sure_rows(p1, groups, shortcut) if shortcut < 1.0 else None
        if sure is None or not sure.any():
            p2 = self.stage2_proba(inputs)
        else:
            p2 = p1.copy()
            unsure = ~sure
            if unsure.any():
                p2[unsure] = self.stage2_proba(inputs[unsure])
        return blend(p1, p2, self.stage1_weight) if self.stage1_weight else p2

    def decoded(self, proba: np.ndarray, groups: np.ndarray) -> np.ndarray:
        """``proba`` smoothed along each document by HMM decoding (as is without transitions)."""
        if self.transitions is None:
            return proba
        strength, gamma, mix = self.decode
        return smooth(proba, groups, self.transitions, self.label_prior, strength=strength,
                      gamma=gamma, mix=mix)  # fmt: skip


def blend(p1: np.ndarray, p2: np.ndarray, weight: float) -> np.ndarray:
    """Weighted geometric mean of two probability tables, renormalised (a product of experts).

    Unlike an average, a stage that is sure a class is impossible keeps much of its say: a
    paragraph stage 1 calls content at 0.999 is not flipped by stage 2 alone just because
    it sits right before a comment thread.
    """
    z = weight * np.log(p1 + _BLEND_EPS) + (1.0 - weight) * np.log(p2 + _BLEND_EPS)
    return _softmax(z)


def sure_rows(proba: np.ndarray, groups: np.ndarray, level: float) -> np.ndarray:
    """Rows whose stage-2 verdict is not in doubt: stage 1 gives the row's label a probability
    of at least ``level``, and the :data:`SURE_RADIUS` rows on each side exist in its document
    (``groups``, non-decreasing) and get the same label at :data:`SURE_NEIGHBOURS` or more.

    Stage 2 exists to overrule stage 1 from the context; inside a run of seven paragraphs stage
    1 is sure of, it almost never does (validation pages, ``level`` 0.999: 49 % of the rows
    skipped, 0.03 % of the characters change verdict, shingle F1 within 0.0006 of running it
    everywhere). What it can miss: a thread of short comment lines that stage 1 is sure are
    boilerplate stays boilerplate (dropped either way, but not kept by ``--keep comment``). A
    row near a document's edge always goes to stage 2: a one-line page has no neighbours to vouch
    for it, and stage 2 is what rescues its article.
    """
    n = len(proba)
    best = proba.argmax(axis=1)
    top = proba[np.arange(n), best]
    agree = top >= SURE_NEIGHBOURS
    # a run: consecutive agreeing rows of one document and one label
    brk = np.ones(n, dtype=bool)
    brk[1:] = (groups[1:] != groups[:-1]) | (best[1:] != best[:-1]) | ~agree[:-1]
    brk |= ~agree
    first = np.flatnonzero(brk)
    run = np.cumsum(brk) - 1
    length = np.diff(np.r_[first, n])
    pos = np.arange(n) - first[run]
    inside = (pos >= SURE_RADIUS) & (length[run] - 1 - pos >= SURE_RADIUS)
    return inside & agree & (top >= level)


def dense_groups(groups) -> np.ndarray:
    """Group labels -> non-decreasing integers 0..k-1 in order of appearance of each run."""
    groups = np.asarray(groups)
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.r_[False, groups[1:] != groups[:-1]]
    return np.cumsum(change).astype(np.int64)
