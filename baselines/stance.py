"""Stance baselines: scikit-learn pipelines on sentence text, chosen by grouped cross-validation."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import ParameterGrid, StratifiedGroupKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from stancekit.baselines.cue_features import CueFeatures, CuePrelabeler
from stancekit.schema import SCHEMA

Grid = dict[str, list]
Folds = list[tuple[np.ndarray, np.ndarray]]


def majority(seed: int) -> Pipeline:
    """Always the most frequent training label."""
    return Pipeline([("clf", DummyClassifier(strategy="most_frequent", random_state=seed))])


def tfidf_logreg(seed: int) -> Pipeline:
    """TF-IDF word n-grams and class-balanced logistic regression."""
    return Pipeline([
        ("tfidf", TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1)),
        ("clf", LogisticRegression(class_weight="balanced", solver="saga", max_iter=2000,
                                   random_state=seed)),
    ])


def tfidf_svm(seed: int) -> Pipeline:
    """TF-IDF word and character n-grams and a class-balanced linear SVM."""
    return Pipeline([
        ("features", FeatureUnion([
            ("word", TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))),
            ("char", TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 5),
                                     min_df=2)),
        ])),
        ("clf", LinearSVC(class_weight="balanced", random_state=seed)),
    ])


def cue_prelabeler(seed: int) -> Pipeline:
    """The cue pre-labeller of `stancekit tasks`, as a row of the results (*seed* unused)."""
    return Pipeline([("clf", CuePrelabeler())])


def cues_tfidf_svm(seed: int) -> Pipeline:
    """Cue counts and the pre-label next to word and character TF-IDF, class-balanced SVM."""
    return Pipeline([
        ("features", FeatureUnion([
            ("word", TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))),
            ("char", TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 5),
                                     min_df=2)),
            ("cues", CueFeatures()),
        ])),
        ("clf", LinearSVC(class_weight="balanced", random_state=seed)),
    ])


def complement_nb(seed: int) -> Pipeline:
    """TF-IDF word n-grams and complement naive Bayes (no randomness; *seed* is unused)."""
    return Pipeline([
        ("tfidf", TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))),
        ("clf", ComplementNB()),
    ])


MODELS: dict[str, Callable[[int], Pipeline]] = {
    "majority": majority,
    "tfidf_logreg": tfidf_logreg,
    "tfidf_svm": tfidf_svm,
    "complement_nb": complement_nb,
    "cue_prelabeler": cue_prelabeler,
    "cues_tfidf_svm": cues_tfidf_svm,
}
GRIDS: dict[str, Grid] = {
    "majority": {},
    "tfidf_logreg": {"tfidf__ngram_range": [(1, 1), (1, 2)], "clf__C": [1.0, 3.0, 10.0]},
    "tfidf_svm": {"clf__C": [0.1, 0.3, 1.0]},
    "complement_nb": {"tfidf__ngram_range": [(1, 1), (1, 2)], "clf__alpha": [0.1, 0.3, 1.0]},
    "cue_prelabeler": {},
    "cues_tfidf_svm": {"features__cues__scale": [0.3, 1.0], "clf__C": [0.1, 0.3, 1.0]},
}
TINY_GRIDS: dict[str, Grid] = {
    "majority": {},
    "tfidf_logreg": {"clf__C": [1.0, 10.0]},
    "tfidf_svm": {"clf__C": [0.3]},
    "complement_nb": {"clf__alpha": [0.3]},
    "cue_prelabeler": {},
    "cues_tfidf_svm": {"features__cues__scale": [1.0], "clf__C": [0.3]},
}


def label_ids(rows: Sequence[dict]) -> np.ndarray:
    """Stance names as class ids in schema order."""
    index = {name: i for i, name in enumerate(SCHEMA.stance_names)}
    return np.array([index[r["stance"]] for r in rows], dtype=np.int64)


def grouped_folds(y: np.ndarray, groups: Sequence[str], n_splits: int, seed: int) -> Folds:
    """Stratified folds that keep each document in one fold (fewer folds if few documents)."""
    n_splits = min(n_splits, len(set(groups)))
    if n_splits < 2:
        return []
    cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(cv.split(np.zeros(len(y)), y, np.asarray(groups)))


def _jsonable(params: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def _tuples(params: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


def select(name: str, texts: Sequence[str], y: np.ndarray, folds: Folds, grid: Grid,
           seed: int) -> dict:
    """Cross-validated macro-F1 of every grid point; the best one by mean (ties: first)."""
    base = MODELS[name](seed)
    texts = np.asarray(texts, dtype=object)
    candidates = []
    for params in ParameterGrid(grid):
        scores = []
        for train, test in folds:
            model = clone(base).set_params(**params).fit(texts[train], y[train])
            scores.append(f1_score(y[test], model.predict(texts[test]), average="macro"))
        candidates.append({"params": _jsonable(params),
                           "mean": round(float(np.mean(scores)), 6) if scores else None,
                           "std": round(float(np.std(scores)), 6) if scores else None,
                           "folds": [round(float(s), 6) for s in scores]})
    best = max(candidates, key=lambda c: -1 if c["mean"] is None else c["mean"])
    return {"grid": {k: [_jsonable({k: v})[k] for v in vs] for k, vs in grid.items()},
            "best_params": best["params"], "cv_macro_f1": best["mean"],
            "cv_macro_f1_std": best["std"], "cv_folds": best["folds"],
            "candidates": candidates}


def fit(name: str, params: dict, texts: Sequence[str], y: np.ndarray, seed: int) -> Pipeline:
    """The pipeline *name* with *params*, fit on all of *texts*."""
    return MODELS[name](seed).set_params(**_tuples(params)).fit(list(texts), y)


def scores(model: Pipeline, texts: Sequence[str]) -> np.ndarray:
    """Per-label scores in schema order: probabilities, else a softmax of decision values."""
    clf = model[-1]
    if hasattr(clf, "predict_proba"):
        raw = model.predict_proba(list(texts))
    else:
        decision = model.decision_function(list(texts))
        if decision.ndim == 1:
            decision = np.stack([-decision, decision], axis=1)
        z = np.exp(decision - decision.max(axis=1, keepdims=True))
        raw = z / z.sum(axis=1, keepdims=True)
    out = np.zeros((len(texts), len(SCHEMA.stance_names)))
    out[:, clf.classes_.astype(np.int64)] = raw
    return out
