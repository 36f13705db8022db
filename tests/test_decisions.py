"""Decision weights: chosen for macro-F1 on out-of-fold calibrated probabilities, saved with
the model, and used by every prediction."""

from __future__ import annotations

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import ComplementNB

from stancekit.baselines import decisions, stance
from stancekit.baselines.persist import load_model, save_model


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.choice(4, size=400, p=[0.7, 0.2, 0.05, 0.05])
    x = rng.normal(size=(400, 5)) + np.eye(4, 5)[y] * 1.2
    return x, y


def test_out_of_fold_probabilities_are_the_calibration_of_the_held_out_scores():
    x, y = _data()
    folds = list(StratifiedKFold(4, shuffle=True, random_state=0).split(x, y))
    estimator = LogisticRegression(max_iter=500)
    proba = decisions.out_of_fold_probabilities(estimator, x, y, folds)
    scores = np.zeros((len(y), 4))
    for train, test in folds:
        scores[test] = estimator.fit(x[train], y[train]).decision_function(x[test])
    calibrators = CalibratedClassifierCV(estimator, method="sigmoid", cv=folds, ensemble=False
                                         ).fit(x, y).calibrated_classifiers_[0].calibrators
    expected = np.column_stack([c.predict(scores[:, k]) for k, c in enumerate(calibrators)])
    np.testing.assert_allclose(proba, expected / expected.sum(1, keepdims=True), atol=1e-9)


def test_weights_stay_one_unless_another_choice_does_strictly_better():
    y = np.array([0, 0, 0, 1, 1, 2])
    right = np.eye(3)[y] * 0.6 + 0.1
    weights, weighted, plain = decisions.choose_weights(right, y)
    assert weights.tolist() == [1, 1, 1] and weighted == plain == 1.0
    shy = np.array([[0.9, 0.05, 0.05]] * 3 + [[0.55, 0.4, 0.05]] * 2 + [[0.5, 0.1, 0.4]])
    weights, weighted, plain = decisions.choose_weights(shy, y)
    assert weights[0] == 1 and weights[1] > 1.3 and weights[2] > 1.2
    assert (np.argmax(shy * weights, axis=1) == y).all() and weighted == 1.0 > plain


def test_many_classes_are_weighted_by_coordinate_ascent():
    rng = np.random.default_rng(3)
    n_classes = decisions.EXHAUSTIVE + 2
    y = rng.choice(n_classes, size=600, p=[0.55] + [0.45 / (n_classes - 1)] * (n_classes - 1))
    proba = rng.dirichlet(np.ones(n_classes), size=600) + np.eye(n_classes)[y] * 0.3
    proba[:, 0] += 0.4
    weights, weighted, plain = decisions.choose_weights(proba, y)
    assert weights[0] == 1 and len(weights) == n_classes and weighted > plain
    assert set(weights) <= set(decisions.WEIGHTS)


def test_two_classes_scored_by_probabilities_are_calibrated_on_the_positive_column():
    x, y = _data(2)
    x, y = np.abs(x[y < 2]), y[y < 2]
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(x, y))
    proba = decisions.out_of_fold_probabilities(ComplementNB(), x, y, folds)
    calibrated = CalibratedClassifierCV(ComplementNB(), method="sigmoid", cv=folds,
                                        ensemble=False).fit(x, y)
    positive = np.zeros(len(y))
    for train, test in folds:
        positive[test] = ComplementNB().fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    expected = calibrated.calibrated_classifiers_[0].calibrators[0].predict(positive)
    np.testing.assert_allclose(proba[:, 1], expected, atol=1e-9)


def test_a_weighted_model_predicts_its_weighted_argmax_and_saves_the_weights(tmp_path):
    x, y = _data(1)
    model = decisions.WeightedDecision(LogisticRegression(max_iter=500), [1, 1, 3, 3]).fit(x, y)
    proba = model.predict_proba(x)
    assert (model.predict(x) == np.argmax(proba * [1, 1, 3, 3], axis=1)).all()
    assert (model.predict(x) != np.argmax(proba, axis=1)).any()
    assert (np.argmax(stance.weighted(model, proba), axis=1) == model.predict(x)).all()
    save_model(model, tmp_path / "m.skops")
    loaded = load_model(tmp_path / "m.skops")
    assert loaded.weights == [1, 1, 3, 3]
    assert (loaded.predict(x) == model.predict(x)).all()
