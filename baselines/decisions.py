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
Folds = Sequence[tuple[np.ndarray, np.ndarray]]


class _Scores(ClassifierMixin, BaseEstimator):
    """Its input is its decision function: fits a calibration to precomputed scores."""

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
    """What ``CalibratedClassifierCV(estimator, method="sigmoid", cv=folds, ensemble=False)``
    gives each training row from the fold that held it out, in ``np.unique(y)`` order."""
    method = "decision_function" if hasattr(estimator, "decision_function") else "predict_proba"
    scores = cross_val_predict(estimator, x, y, cv=list(folds), method=method, n_jobs=n_jobs)
    scores = scores.reshape(len(y), -1)
    frozen = FrozenEstimator(_Scores().fit(scores, y))
    # A frozen estimator gives the same scores in every fold: the calibrators are fit on all.
    return CalibratedClassifierCV(frozen, method="sigmoid", cv=list(folds), ensemble=False).fit(
        scores, y).predict_proba(scores)


def choose_weights(proba: np.ndarray, y: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """The weights of *classes* (the columns of *proba*) whose weighted argmax has the best
    macro-F1 against *y*; all 1 unless another choice does strictly better."""
    frequent = int(np.argmax([np.sum(y == c) for c in classes]))
    best, best_f1 = np.ones(len(classes)), -1.0
    for rest in itertools.product(WEIGHTS, repeat=len(classes) - 1):
        weights = np.insert(np.asarray(rest), frequent, 1.0)
        f1 = f1_score(y, classes[np.argmax(proba * weights, axis=1)], average="macro")
        if f1 > best_f1:
            best, best_f1 = weights, f1
    return best


class WeightedDecision(ClassifierMixin, BaseEstimator):
    """A probabilistic classifier whose prediction is the class of largest probability times
    its weight (`weights`, in the order of ``classes_``)."""

    def __init__(self, estimator: object = None, weights: Sequence[float] | None = None) -> None:
        self.estimator = estimator
        self.weights = weights

    def fit(self, x: object, y: np.ndarray) -> WeightedDecision:
        """Fit a clone of *estimator*."""
        self.estimator_ = clone(self.estimator).fit(x, y)
        self.classes_ = self.estimator_.classes_
        return self

    def predict_proba(self, x: object) -> np.ndarray:
        """The estimator's probabilities."""
        return self.estimator_.predict_proba(x)

    def predict(self, x: object) -> np.ndarray:
        """The class of largest weighted probability."""
        return self.decide(self.predict_proba(x))

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """The class of largest weighted probability of each row of *proba*."""
        return self.classes_[np.argmax(proba * np.asarray(self.weights), axis=1)]
