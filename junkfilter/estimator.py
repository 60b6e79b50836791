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

from junkfilter.model import (
    LinearStack,
    _as_columns,
    _softmax,
    context_features,
    dense_groups,
)


class StackedClassifier(ClassifierMixin, BaseEstimator):
    """Two-stage stacked paragraph classifier.

    Parameters
    ----------
    alpha : float
        L2 strength of the stage-1 linear model (``SGDClassifier`` with log-loss).
    max_iter : int
        Epochs of stage-1 SGD.
    c_stage2 : float
        Inverse L2 strength of the stage-2 multinomial logistic regression.
    cv : int
        Folds, grouped by document, for the out-of-fold stage-1 probabilities.
    class_weight : dict, "balanced" or None
        Class weights for both stages.
    random_state : int
        Seed; training is deterministic for a given seed and data.
    stage1_weight : float
        Final probabilities are ``w * stage1 + (1 - w) * stage2``. Blending keeps stage 2 from
        overruling a confident stage 1 on its neighbours' word alone (the last article paragraph
        before a comment section); on the validation pages 0.5 beats both stages alone.
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
        stage1_weight=0.5,
    ):
        self.alpha = alpha
        self.max_iter = max_iter
        self.c_stage2 = c_stage2
        self.cv = cv
        self.class_weight = class_weight
        self.random_state = random_state
        self.stage1_weight = stage1_weight

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

        stage2 = LogisticRegression(C=self.c_stage2, max_iter=2000, class_weight=self.class_weight)
        sw2 = sw if stage2_weight is None else np.asarray(stage2_weight, dtype=np.float64)
        stage2.fit(context_features(oof, groups), y, sample_weight=sw2)
        self.coef2_, self.intercept2_ = _as_columns(stage2.coef_, stage2.intercept_)
        return self

    def stack(self) -> LinearStack:
        """The learned arrays as a numpy-only predictor."""
        check_is_fitted(self, "coef1_")
        return LinearStack(
            classes=self.classes_,
            coef1=self.coef1_,
            intercept1=self.intercept1_,
            coef2=self.coef2_,
            intercept2=self.intercept2_,
            stage1_weight=float(self.stage1_weight),
        )

    def predict_proba(self, X, groups=None) -> np.ndarray:
        """Calibrated class probabilities, columns in ``classes_`` order."""
        check_is_fitted(self, "coef1_")
        if not hasattr(X, "text_dot"):
            X = validate_data(self, X, accept_sparse="csr", reset=False)
        return self.stack().predict_proba(X, groups)

    def predict(self, X, groups=None):
        check_is_fitted(self, "coef1_")
        return self.classes_[np.argmax(self.predict_proba(X, groups), axis=1)]
