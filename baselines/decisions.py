"""Per-class weights on calibrated probabilities, chosen for macro-F1 by cross-validation.

The argmax of calibrated probabilities favours the frequent ``none``, which costs macro-F1 on
the rare stances. A `WeightedDecision` predicts the class whose probability times its weight
is largest; its probabilities stay the calibrated ones. Hand-written because scikit-learn's
``TunedThresholdClassifierCV`` tunes the decision of binary classifiers only.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import f1_score
from sklearn.model_selection import cross_val_predict

WEIGHTS = (1.0, 1.5, 2.0, 3.0)
"""The weights tried for each class but the most frequent one, whose weight is 1."""
EXHAUSTIVE = 5
"""Classes up to which every combination of `WEIGHTS` is tried (4^(classes − 1): 64 for four
stances, about 0.2 s on 4,451 sentences); above, coordinate ascent from all 1."""
Folds = Sequence[tuple[np.ndarray, np.ndarray]]
"""Train and test row indices of each cross-validation fold."""


class _Scores(ClassifierMixin, BaseEstimator):
    """A classifier whose decision function is its input: precomputed scores to calibrate."""

    def fit(self, scores: np.ndarray, y: np.ndarray) -> _Scores:
        """Remember the classes."""
        self.classes_ = np.unique(y)
        return self

    def decision_function(self, scores: np.ndarray) -> np.ndarray:
        """The scores themselves (one column for two classes)."""
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, scores: np.ndarray) -> np.ndarray:
        """The class of the largest score."""
        if scores.shape[1] == 1:
            return self.classes_[(scores[:, 0] > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]


def out_of_fold_probabilities(estimator: object, x: object, y: np.ndarray, folds: Folds,
                              n_jobs: int | None = None) -> np.ndarray:
    """Each row's calibrated probabilities from the fold that held it out.

    They are what ``CalibratedClassifierCV(estimator, method="sigmoid", cv=folds,
    ensemble=False)`` fits its calibrators to, in ``np.unique(y)`` order.
    """
    method = "decision_function" if hasattr(estimator, "decision_function") else "predict_proba"
    scores = cross_val_predict(estimator, x, y, cv=list(folds), method=method, n_jobs=n_jobs)
    if method == "predict_proba" and scores.shape[1] == 2:
        scores = scores[:, 1:]  # as CalibratedClassifierCV: the positive class's column
    scores = scores.reshape(len(y), -1)
    frozen = FrozenEstimator(_Scores().fit(scores, y))
    # A frozen estimator gives the same scores in every fold: the calibrators are fit on all.
    return CalibratedClassifierCV(frozen, method="sigmoid", cv=list(folds), ensemble=False).fit(
        scores, y).predict_proba(scores)


def choose_weights(proba: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The class weights of best macro-F1, that macro-F1 and the plain argmax's.

    The columns of *proba* are the classes ``np.unique(y)``; the weights stay all 1 unless
    another choice does strictly better.
    """
    classes = np.unique(y)
    frequent = int(np.argmax([np.sum(y == c) for c in classes]))
    others = [k for k in range(len(classes)) if k != frequent]

    def score(weights: np.ndarray) -> float:
        return float(f1_score(y, classes[np.argmax(proba * weights, axis=1)], average="macro"))

    best = np.ones(len(classes))
    plain = best_f1 = score(best)
    if len(classes) <= EXHAUSTIVE:
        for rest in itertools.product(WEIGHTS, repeat=len(others)):
            weights = np.insert(np.asarray(rest), frequent, 1.0)
            f1 = score(weights)
            if f1 > best_f1:
                best, best_f1 = weights, f1
        return best, best_f1, plain
    improved = True
    while improved:
        improved = False
        for k, w in itertools.product(others, WEIGHTS):
            trial = best.copy()
            trial[k] = w
            f1 = score(trial)
            if f1 > best_f1:
                best, best_f1, improved = trial, f1, True
    return best, best_f1, plain


class WeightedDecision(ClassifierMixin, BaseEstimator):
    """Predicts the class of largest probability times its weight (in ``classes_`` order)."""

    def __init__(self, estimator: object = None, weights: Sequence[float] | None = None) -> None:
        self.estimator = estimator
        self.weights = weights

    def fit(self, x: object, y: np.ndarray) -> WeightedDecision:
        """Fit a clone of *estimator*."""
        self.estimator_ = clone(self.estimator).fit(x, y)
        self.classes_ = self.estimator_.classes_
        if len(self.weights) != len(self.classes_):
            raise ValueError(f"{len(self.weights)} weights for {len(self.classes_)} classes")
        return self

    def predict_proba(self, x: object) -> np.ndarray:
        """The estimator's probabilities."""
        return self.estimator_.predict_proba(x)

    def predict(self, x: object) -> np.ndarray:
        """The class of largest weighted probability."""
        return self.classes_[np.argmax(self.predict_proba(x) * self.weights, axis=1)]
