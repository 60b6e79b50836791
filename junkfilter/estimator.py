"""Fitting the two-stage model with scikit-learn (see :mod:`junkfilter.model` for the design).

:class:`StackedClassifier` is a scikit-learn classifier (keyword-only hyper-parameters stored
untouched, learned state ending in ``_``); it is checked with ``parametrize_with_checks``. Its
learned state is plain arrays, which :meth:`StackedClassifier.stack` hands to the numpy-only
:class:`~junkfilter.model.LinearStack` used at run time.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GroupKFold, KFold
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from junkfilter.context import CONTEXT_VERSION, stage2_inputs, trailing_dense
from junkfilter.decode import transition_counts
from junkfilter.model import Stack, _as_columns, _softmax, dense_groups


class StackedClassifier(ClassifierMixin, BaseEstimator):
    """Two-stage stacked paragraph classifier.

    Parameters
    ----------
    alpha : float
        L2 strength of the stage-1 linear model (``SGDClassifier`` with log-loss).
    max_iter : int
        Epochs of stage-1 SGD.
    cv : int
        Folds, grouped by document, for the out-of-fold stage-1 probabilities.
    class_weight : dict, "balanced" or None
        Class weights for both stages.
    random_state : int
        Seed; training is deterministic for a given seed and data.
    stage1_weight : float
        Final probabilities are the weighted geometric mean ``stage1 ** w * stage2 ** (1 - w)``,
        renormalised (:func:`junkfilter.model.blend`). It keeps stage 2 from overruling a
        confident stage 1 on its neighbours' word alone (the last article paragraph before a
        comment section) and keeps the model steadier on a renderer it never saw.
    hidden : int
        Hidden units of stage 2 (ReLU); 0 makes stage 2 a multinomial logistic regression.
    min_rows_hidden : int
        Below this many training rows stage 2 is a logistic regression whatever ``hidden`` says:
        a network overfits a few thousand paragraphs (trained on ``training_data/`` alone it
        learns to drop the article paragraph before a comment form).
    n_networks : int
        Stage-2 networks trained with different seeds and averaged (a small ensemble is steadier
        than one network: validation shingle F1 +0.005; five of 80 units instead of three of 128
        cost the same and held the unseen html2text renderer at 0.817 instead of 0.791).
    epochs : int
        Passes of stage-2 training (Adam, mini-batches of 256) when ``hidden > 0``.
    c_stage2 : float
        Inverse L2 strength of stage 2: ``C`` of the logistic regression, ``alpha = 1e-4 /
        c_stage2`` of the network.
    n_dense : int
        The last ``n_dense`` columns of ``X`` are dense shape features that stage 2 reads too
        (standardised) when it is a network; junkfilter passes its 72 dense columns, 0 gives
        stage 2 only the stage-1 probabilities.
    decode_strength, decode_gamma, decode_mix : float
        The HMM smoothing of :func:`junkfilter.decode.smooth`: label-bigram transitions counted
        on the training documents, raised to ``decode_strength``; emissions divided by the
        label prior to the power ``decode_gamma``; the posterior weighs ``decode_mix`` against
        the probabilities (0 turns decoding off). Chosen on one half of the validation pages
        and checked on the other (shingle F1 +0.006 on the mean of three renderers on both).
    """

    def __init__(
        self,
        *,
        alpha=2e-6,
        max_iter=15,
        c_stage2=1.0,
        cv=3,
        class_weight=None,
        random_state=0,
        stage1_weight=0.15,
        hidden=80,
        min_rows_hidden=20_000,
        n_networks=5,
        epochs=20,
        n_dense=0,
        decode_strength=0.5,
        decode_gamma=0.25,
        decode_mix=0.6,
    ):
        self.alpha = alpha
        self.max_iter = max_iter
        self.c_stage2 = c_stage2
        self.cv = cv
        self.class_weight = class_weight
        self.random_state = random_state
        self.stage1_weight = stage1_weight
        self.hidden = hidden
        self.min_rows_hidden = min_rows_hidden
        self.n_networks = n_networks
        self.epochs = epochs
        self.n_dense = n_dense
        self.decode_strength = decode_strength
        self.decode_gamma = decode_gamma
        self.decode_mix = decode_mix

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _stage1(self) -> SGDClassifier:
        return SGDClassifier(
            loss="log_loss",
            alpha=self.alpha,
            max_iter=self.max_iter,
            tol=None,
            class_weight=self.class_weight,
            random_state=self.random_state,
            average=True,
        )

    def _fold_columns(self, model) -> tuple[np.ndarray, np.ndarray]:
        """A fold model's coefficients as ``(classes_, features)`` and intercepts over classes_."""
        coef, intercept = _as_columns(model.coef_, model.intercept_)
        W = np.zeros((len(self.classes_), coef.shape[0]))
        b = np.full(len(self.classes_), -20.0)  # a class the fold never saw
        cols = np.searchsorted(self.classes_, model.classes_)
        W[cols] = coef.T
        b[cols] = intercept
        return W, b

    def _oof_proba(self, X, y, cv_groups, sample_weight):
        """Out-of-fold stage-1 probabilities, and the fold models' mean coefficients.

        Each row is scored by a model that did not see its page. Stage 1 at run time averages the
        fold models' coefficients, so its scores look like the out-of-fold scores stage 2 was
        trained on (a model refitted on all data is more confident than any of them).
        """
        n_groups = len(np.unique(cv_groups))
        if n_groups >= 2:
            folds = GroupKFold(n_splits=min(self.cv, n_groups)).split(X, y, cv_groups)
        else:
            folds = KFold(n_splits=max(2, min(self.cv, len(y)))).split(X)
        oof = np.full((len(y), len(self.classes_)), 1.0 / len(self.classes_))
        coefs, intercepts = [], []
        for train, test in folds:
            if len(np.unique(y[train])) < 2:
                continue
            model = self._stage1()
            sw = None if sample_weight is None else sample_weight[train]
            model.fit(X[train], y[train], sample_weight=sw)
            W, b = self._fold_columns(model)
            oof[test] = _softmax(np.asarray(X[test] @ W.T) + b)
            coefs.append(W)
            intercepts.append(b)
        if not coefs:  # every fold lacked a class: fall back to one model on everything
            model = self._stage1().fit(X, y, sample_weight=sample_weight)
            W, b = self._fold_columns(model)
            coefs, intercepts = [W], [b]
        return oof, np.mean(coefs, axis=0), np.mean(intercepts, axis=0)

    def fit(self, X, y, groups=None, sample_weight=None, cv_groups=None, stage2_weight=None):
        """Fit both stages.

        ``groups`` names each row's document (a document's rows are contiguous); ``cv_groups``
        (default: ``groups``) names what must not be split across folds — the page, when the same
        page appears rendered several ways, so that no page scores itself out of fold.
        ``stage2_weight`` (default: ``sample_weight``) weighs rows in stage 2 only.
        """
        X, y = validate_data(self, X, y, accept_sparse="csr")
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(
                f"StackedClassifier needs samples of at least 2 classes in the data, "
                f"but the data contains only one class: {self.classes_[0]!r}"
            )
        groups = np.zeros(len(y), dtype=np.int64) if groups is None else dense_groups(groups)
        sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)

        cv_groups = groups if cv_groups is None else np.asarray(cv_groups)
        oof, coef1, self.intercept1_ = self._oof_proba(X, y, cv_groups, sw)
        self.coef1_ = np.ascontiguousarray(coef1, dtype=np.float32)
        self.n_iter_ = self.max_iter

        network = bool(self.hidden) and len(y) >= self.min_rows_hidden
        # a linear stage 2 reads probabilities only: on a few thousand rows the 72 shape columns
        # let it overfit (trained on training_data/ alone it called plain news prose metadata)
        n_dense = min(self.n_dense, X.shape[1]) if network else 0
        self.context_ = CONTEXT_VERSION
        inputs = stage2_inputs(oof, groups, trailing_dense(X, n_dense), version=self.context_)
        sw2 = sw if stage2_weight is None else np.asarray(stage2_weight, dtype=np.float64)
        self.networks2_ = self._fit_stage2(inputs, y, sw2, n_dense, network)
        self.n_dense_ = n_dense
        self.transitions_ = transition_counts(y, groups, self.classes_)
        self.label_prior_ = np.bincount(np.searchsorted(self.classes_, y),
                                        minlength=len(self.classes_)) / len(y)  # fmt: skip
        return self

    def _fit_stage2(self, inputs, y, sample_weight, n_dense, network):
        """Stage-2 networks, each a tuple of ``(weights, bias)`` layers over unscaled inputs."""
        mean, scale = np.zeros(inputs.shape[1]), np.ones(inputs.shape[1])
        if n_dense:  # standardise the dense block; folded back into the first layer below
            dense = inputs[:, -n_dense:]
            mean[-n_dense:], scale[-n_dense:] = dense.mean(axis=0), dense.std(axis=0) + 1e-6
        scaled = (inputs - mean) / scale
        if network:
            nets = [self._fit_network(scaled, y, sample_weight, self.random_state + i)
                    for i in range(max(1, self.n_networks))]  # fmt: skip
        else:
            model = LogisticRegression(C=self.c_stage2, max_iter=2000,
                                       class_weight=self.class_weight)  # fmt: skip
            model.fit(scaled, y, sample_weight=sample_weight)
            nets = [[_as_columns(model.coef_, model.intercept_)]]
        for layers in nets:
            W, b = layers[0]
            layers[0] = (W / scale[:, None], b - (mean / scale) @ W)
        return tuple(tuple(layers) for layers in nets)

    def _fit_network(self, X, y, sample_weight, seed):
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier

        if self.class_weight is not None:
            from sklearn.utils.class_weight import compute_sample_weight

            cw = compute_sample_weight(self.class_weight, y)
            sample_weight = cw if sample_weight is None else sample_weight * cw
        if sample_weight is not None:  # mean 1: Adam's steps do not depend on the weights' scale
            sample_weight = sample_weight * (len(sample_weight) / sample_weight.sum())
        net = MLPClassifier(hidden_layer_sizes=(self.hidden,), alpha=1e-4 / self.c_stage2,
                            batch_size=min(256, len(y)), max_iter=self.epochs, shuffle=True,
                            random_state=seed)  # fmt: skip
        with warnings.catch_warnings():  # a fixed number of epochs is the design
            warnings.simplefilter("ignore", ConvergenceWarning)
            net.fit(X, y, sample_weight=sample_weight)
        (W0, W1), (b0, b1) = net.coefs_, net.intercepts_
        out_W, out_b = _as_columns(W1.T, b1)  # binary: one logistic unit -> two softmax columns
        cols = np.searchsorted(self.classes_, net.classes_)
        W = np.zeros((W1.shape[0], len(self.classes_)))
        b = np.full(len(self.classes_), -20.0)
        W[:, cols], b[cols] = out_W, out_b
        return [(W0.astype(np.float64), b0.astype(np.float64)), (W, b)]

    def stack(self) -> Stack:
        """The learned arrays as a numpy-only predictor."""
        check_is_fitted(self, "coef1_")
        return Stack(
            classes=self.classes_,
            coef1=self.coef1_,
            intercept1=self.intercept1_,
            networks2=self.networks2_,
            stage1_weight=float(self.stage1_weight),
            n_dense=int(self.n_dense_),
            context=int(getattr(self, "context_", 1)),  # 1: fitted before version 2 existed
            **self._decoding(),
        )

    def _decoding(self) -> dict:
        """The decoding arrays and settings for :class:`Stack` (none for a model fitted before
        decoding existed, or with ``decode_mix=0``)."""
        mix = getattr(self, "decode_mix", 0.0)
        if not mix or getattr(self, "transitions_", None) is None:
            return {}
        return {"transitions": self.transitions_, "label_prior": self.label_prior_,
                "decode": (float(self.decode_strength), float(self.decode_gamma), float(mix))}

    def predict_proba(self, X, groups=None) -> np.ndarray:
        """Calibrated class probabilities, columns in ``classes_`` order."""
        check_is_fitted(self, "coef1_")
        if not hasattr(X, "text_dot"):
            X = validate_data(self, X, accept_sparse="csr", reset=False)
        return self.stack().predict_proba(X, groups)

    def predict(self, X, groups=None):
        check_is_fitted(self, "coef1_")
        return self.classes_[np.argmax(self.predict_proba(X, groups), axis=1)]
