"""Stance baselines: scikit-learn pipelines chosen by grouped `GridSearchCV`, then calibrated.

Every learned model is searched with ``GridSearchCV`` (``StratifiedGroupKFold`` over
documents, ``scoring="f1_macro"``) and its best setting is wrapped in
``CalibratedClassifierCV`` on the same grouped folds, so ``predict_proba`` gives calibrated
probabilities: they are the scores of the pre-annotations. ``predict`` takes the largest
probability times a per-stance weight chosen for macro-F1 on the out-of-fold probabilities
(`decisions.WeightedDecision`); the weighted probabilities give the uncertainty order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from tempfile import TemporaryDirectory

import numpy as np
from joblib import effective_n_jobs
from scipy import sparse
from sklearn.base import BaseEstimator, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import (
    HashingVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC
from sklearn.utils.parallel import Parallel, delayed

from stancekit.baselines import decisions, embeddings, parses
from stancekit.baselines.cue_features import CueFeatures, CuePrelabeler
from stancekit.baselines.decisions import Folds
from stancekit.baselines.embeddings import SentenceEmbeddings
from stancekit.baselines.parses import ParseClues
from stancekit.baselines.vocabularies import CompactTfidfVectorizer
from stancekit.files import InputError
from stancekit.schema import SCHEMA

Grid = dict[str, list]


def _words() -> TfidfVectorizer:
    return CompactTfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)


def _chars() -> Pipeline:
    # Hashed: a character n-gram vocabulary would make the saved model large and slow to save.
    return Pipeline([
        ("hash", HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=2**18,
                                   alternate_sign=False, norm=None)),
        ("tfidf", TfidfTransformer(sublinear_tf=True)),
    ])


def majority(seed: int) -> Pipeline:
    """Always the most frequent training label."""
    return Pipeline([("clf", DummyClassifier(strategy="most_frequent", random_state=seed))])


def tfidf_logreg(seed: int) -> Pipeline:
    """TF-IDF word n-grams and class-balanced logistic regression."""
    return Pipeline([
        ("tfidf", _words()),
        ("clf", LogisticRegression(class_weight="balanced", max_iter=2000, random_state=seed)),
    ])


def tfidf_svm(seed: int) -> Pipeline:
    """TF-IDF word and character n-grams and a class-balanced linear SVM."""
    return Pipeline([
        ("features", FeatureUnion([("word", _words()), ("char", _chars())])),
        ("clf", LinearSVC(class_weight="balanced", random_state=seed)),
    ])


def complement_nb(seed: int) -> Pipeline:
    """TF-IDF word n-grams and complement naive Bayes (no randomness; *seed* is unused)."""
    return Pipeline([("tfidf", _words()), ("clf", ComplementNB())])


def cue_prelabeler(seed: int) -> Pipeline:
    """The cue pre-labeller of `stancekit tasks`, judged like a model (*seed* unused)."""
    return Pipeline([("clf", CuePrelabeler())])


def _cues_words_svm(seed: int, *extra: tuple[str, object]) -> Pipeline:
    return Pipeline([
        ("features", FeatureUnion([("word", _words()), ("cues", CueFeatures()), *extra])),
        ("clf", LinearSVC(class_weight="balanced", random_state=seed)),
    ])


def cues_tfidf_svm(seed: int) -> Pipeline:
    """Cue counts and the pre-label next to word TF-IDF, class-balanced linear SVM (character
    n-grams added nothing in grouped CV on the real corpus's train split)."""
    return _cues_words_svm(seed)


def _clues(kind: str) -> Pipeline:
    return Pipeline([
        ("clues", ParseClues(kind)),
        ("tfidf", CompactTfidfVectorizer(token_pattern=r"\S+", lowercase=False,
                                         sublinear_tf=True, min_df=2)),
    ])


def cues_parse_svm(seed: int) -> Pipeline:
    """`cues_tfidf_svm` plus TF-IDF of the sentence's lemmas and of its verbs' and nouns'
    dependency relations (optional parse extra), class-balanced linear SVM."""
    return _cues_words_svm(seed, ("lemmas", _clues("lemmas")), ("relations", _clues("relations")))


def minilm_logreg(seed: int) -> Pipeline:
    """MiniLM sentence embeddings (optional extra) and class-balanced logistic regression."""
    return Pipeline([
        ("embed", SentenceEmbeddings()),
        ("clf", LogisticRegression(class_weight="balanced", max_iter=2000, random_state=seed)),
    ])


MODELS: dict[str, Callable[[int], Pipeline]] = {
    "majority": majority,
    "tfidf_logreg": tfidf_logreg,
    "tfidf_svm": tfidf_svm,
    "complement_nb": complement_nb,
    "cue_prelabeler": cue_prelabeler,
    "cues_tfidf_svm": cues_tfidf_svm,
    "cues_parse_svm": cues_parse_svm,
    "minilm_logreg": minilm_logreg,
}
FIXED = ("majority", "cue_prelabeler")
"""Models that learn no weights: they are scored, not searched or calibrated."""
OPTIONAL: dict[str, tuple[Callable[[], bool], str]] = {
    "cues_parse_svm": (parses.available, parses.MISSING),
    "minilm_logreg": (embeddings.available, embeddings.MISSING)}
"""Models that need an optional extra: (is it installed, what to install)."""


def missing_extra(name: str) -> str | None:
    """What to install for the model *name*, or None when it can run."""
    installed, message = OPTIONAL.get(name, (lambda: True, ""))
    return None if installed() else message
SEQUENTIAL = ("cues_parse_svm", "minilm_logreg")
"""Models searched in one process, so that each sentence is parsed or embedded once (not in
threads: liblinear's random generator is shared by the threads of a process, so the fits would
differ from run to run)."""
PARSED = ("cues_parse_svm",)
"""Models that read the parse of each sentence."""
GRIDS: dict[str, Grid] = {
    "majority": {},
    "tfidf_logreg": {"clf__C": [1.0, 3.0, 10.0]},
    "tfidf_svm": {"clf__C": [0.1, 0.3, 1.0]},
    "complement_nb": {"clf__alpha": [0.1, 0.3, 1.0]},
    "cue_prelabeler": {},
    "cues_tfidf_svm": {"features__cues__scale": [0.3, 1.0], "clf__C": [0.3, 1.0, 3.0]},
    "minilm_logreg": {"clf__C": [0.3, 1.0, 3.0]},
}
TINY_GRIDS: dict[str, Grid] = {
    "majority": {},
    "tfidf_logreg": {"clf__C": [3.0]},
    "tfidf_svm": {"clf__C": [0.3]},
    "complement_nb": {"clf__alpha": [0.3]},
    "cue_prelabeler": {},
    "cues_tfidf_svm": {"features__cues__scale": [1.0], "clf__C": [1.0]},
    "minilm_logreg": {"clf__C": [1.0]},
}
GRIDS["cues_parse_svm"] = GRIDS["cues_tfidf_svm"]
TINY_GRIDS["cues_parse_svm"] = TINY_GRIDS["cues_tfidf_svm"]
"""`cues_parse_svm` adds features to `cues_tfidf_svm` and is searched over the same grid."""


LARGE = 5_000
"""Training sentences above which the search is sized to the data: each stateless feature set
(hashed word n-grams, cue features) is computed once for all folds, candidates and models, at
most `LARGE_FOLDS` folds, the `LARGE_GRIDS`, no character n-grams (their hashing costs more
than every fit together) and no optional extras."""
LARGE_FOLDS = 3
HASHED = 2**18
"""Hashed word n-gram features above `LARGE`: a vocabulary would grow with the data."""


def _hashed_words() -> HashingVectorizer:
    return HashingVectorizer(ngram_range=(1, 2), n_features=HASHED, alternate_sign=False,
                             norm=None)


FEATURES: dict[str, Callable[[], object]] = {"words": _hashed_words, "cues": CueFeatures}
"""The stateless features of the large search, by name."""


def _tfidf_head(clf: object) -> Pipeline:
    return Pipeline([("tfidf", TfidfTransformer(sublinear_tf=True)), ("clf", clf)])


def _sgd(loss: str, seed: int) -> SGDClassifier:
    return SGDClassifier(loss=loss, class_weight="balanced", random_state=seed)


LARGE_MODELS: dict[str, tuple[tuple[str, ...], Callable[[int], Pipeline]]] = {
    "tfidf_logreg": (("words",), lambda seed: _tfidf_head(_sgd("log_loss", seed))),
    "tfidf_svm": (("words",), lambda seed: _tfidf_head(_sgd("hinge", seed))),
    "complement_nb": (("words",), lambda seed: _tfidf_head(ComplementNB())),
    "cues_tfidf_svm": (("words", "cues"), lambda seed: _tfidf_head(_sgd("hinge", seed))),
}
"""Above `LARGE`: the features each learned model reads, and the model on them (linear models
fit by SGD, whose cost is a few passes over the data; the cue features are weighted by the same
TF-IDF as the words)."""
LARGE_GRIDS: dict[str, Grid] = {
    "tfidf_logreg": {"clf__alpha": [3e-6, 1e-5, 3e-5]},
    "tfidf_svm": {"clf__alpha": [1e-5, 3e-5, 1e-4]},
    "complement_nb": {"clf__alpha": [0.1, 0.3, 1.0]},
    "cues_tfidf_svm": {"clf__alpha": [1e-5, 3e-5, 1e-4]},
}


def _transform(name: str, texts: Sequence[str]) -> sparse.csr_matrix:
    return sparse.csr_matrix(FEATURES[name]().fit(texts).transform(texts))


class Features:
    """The large search's stateless features of each named text set, computed once (in
    *n_jobs* processes, each over a share of the texts)."""

    def __init__(self, texts: dict[str, Sequence[str]], n_jobs: int | None = None) -> None:
        self.texts = texts
        self.n_jobs = n_jobs
        self._done: dict[tuple[str, str], sparse.csr_matrix] = {}

    def get(self, names: Sequence[str], split: str) -> sparse.csr_matrix:
        """The named features of the texts of *split*, side by side."""
        texts = self.texts[split]
        shares = np.array_split(np.arange(len(texts)), effective_n_jobs(self.n_jobs))
        for name in names:
            if (name, split) not in self._done:
                parts = Parallel(n_jobs=self.n_jobs)(
                    delayed(_transform)(name, [texts[i] for i in share]) for share in shares)
                self._done[name, split] = sparse.vstack(parts, format="csr")
        return sparse.hstack([self._done[n, split] for n in names], format="csr")


def skip_reason(name: str, chosen: Sequence[str] | None, large: bool = False) -> str | None:
    """Why the stance model *name* is not trained in this run, or None."""
    if chosen is not None and name not in chosen:
        return "not among the models asked for"
    if large and name in OPTIONAL:
        return f"left out above {LARGE:,} training sentences"
    return missing_extra(name)


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


def _jsonable(value: object) -> object:
    if isinstance(value, tuple):
        return list(value)
    return value.item() if isinstance(value, np.generic) else value


def search(name: str, texts: Sequence[str], y: np.ndarray, folds: Folds, grid: Grid, seed: int,
           n_jobs: int | None = None, features: Features | None = None
           ) -> tuple[BaseEstimator, dict]:
    """The model *name* searched over *grid* by grouped CV, calibrated, given its decision
    weights and fit on all *texts*.

    With *features* (above `LARGE`), a model of `LARGE_MODELS` is searched on the precomputed
    features of the ``train`` texts and returned behind the same stateless feature steps, so
    it still takes texts.
    """
    if features is None or name not in LARGE_MODELS:
        n_jobs = None if name in SEQUENTIAL else n_jobs
        with TemporaryDirectory() as cache:
            return _search(name, MODELS[name](seed).set_params(memory=cache),
                           np.asarray(texts, dtype=object), y, folds, grid, n_jobs)
    names, head = LARGE_MODELS[name]
    model, summary = _search(name, head(seed), features.get(names, "train"), y, folds, grid,
                             n_jobs)
    steps = [(n, FEATURES[n]()) for n in names]
    prefix = steps[0][1] if len(steps) == 1 else FeatureUnion(steps)
    return Pipeline([("features", prefix.fit(texts[:1])), ("model", model)]), summary


def _uncached(model: object) -> object:
    """*model* with the feature cache of its pipelines unset; return *model*."""
    if isinstance(model, Pipeline):
        model.memory = None
    for part in (getattr(model, "estimator", None), getattr(model, "estimator_", None),
                 *(c.estimator for c in getattr(model, "calibrated_classifiers_", []))):
        if part is not None:
            _uncached(part)
    return model


def _search(name: str, base: Pipeline, x: object, y: np.ndarray, folds: Folds, grid: Grid,
            n_jobs: int | None) -> tuple[BaseEstimator, dict]:
    """*base* (whose ``memory``, if set, caches each fold's fitted features for all candidates
    and the calibration) searched over *grid*, calibrated, given its decision weights and fit
    on all of *x*."""
    if not folds:
        return _uncached(base.fit(x, y)), {
            "grid": grid, "best_params": {}, "cv_macro_f1": None, "cv_macro_f1_std": None,
            "cv_folds": [], "candidates": [], "calibration": None, "decision": None}
    gs = GridSearchCV(base, grid or {}, scoring="f1_macro", cv=folds, n_jobs=n_jobs,
                      refit=name in FIXED, error_score="raise").fit(x, y)
    results = gs.cv_results_
    n = len(folds)
    candidates = [{"params": {k: _jsonable(v) for k, v in params.items()},
                   "mean": round(float(results["mean_test_score"][i]), 6),
                   "std": round(float(results["std_test_score"][i]), 6),
                   "folds": [round(float(results[f"split{k}_test_score"][i]), 6)
                             for k in range(n)]}
                  for i, params in enumerate(results["params"])]
    best = candidates[gs.best_index_]
    summary = {"grid": {k: [_jsonable(v) for v in vs] for k, vs in grid.items()},
               "best_params": best["params"], "cv_macro_f1": best["mean"],
               "cv_macro_f1_std": best["std"], "cv_folds": best["folds"],
               "candidates": candidates, "calibration": None, "decision": None}
    if name in FIXED:
        return _uncached(gs.best_estimator_), summary
    tuned = clone(base).set_params(**gs.best_params_)
    proba = decisions.out_of_fold_probabilities(tuned, x, y, folds, n_jobs)
    weights, best_f1, plain_f1 = decisions.choose_weights(proba, y)
    model = decisions.WeightedDecision(
        CalibratedClassifierCV(tuned, method="sigmoid", cv=folds, ensemble=False, n_jobs=n_jobs),
        [float(w) for w in weights]).fit(x, y)
    summary["calibration"] = {"method": "sigmoid", "cv": "the same grouped folds",
                              "ensemble": False}
    summary["decision"] = {
        "weights": {SCHEMA.stance_names[c]: float(w)
                    for c, w in zip(np.unique(y), weights, strict=True)},
        "chosen_by": "macro-F1 of the out-of-fold calibrated probabilities on train",
        "out_of_fold_macro_f1": {"argmax": round(plain_f1, 6), "weighted": round(best_f1, 6)}}
    return _uncached(model), summary


def predict(model: Pipeline, name: str, texts: Sequence[str], split: str,
            features: Features | None = None) -> np.ndarray:
    """Class ids of *texts* (the *split* texts of *features*, whose precomputed features a
    model of the large search reads instead of computing them again)."""
    if features is None or name not in LARGE_MODELS:
        return model.predict(list(texts))
    return model.named_steps["model"].predict(features.get(LARGE_MODELS[name][0], split))


def scores(model: object, texts: Sequence[str]) -> np.ndarray:
    """Per-label probabilities in schema order (columns of labels never seen are 0)."""
    if not hasattr(model, "predict_proba"):
        raise InputError("model", "has no calibrated probabilities (it was trained on fewer "
                         "than two documents, or by an older stancekit): train it again")
    with parses.remembered():  # each text parsed once for all the parse features
        raw = model.predict_proba(list(texts))
    out = np.zeros((len(texts), len(SCHEMA.stance_names)))
    out[:, np.asarray(model.classes_, dtype=np.int64)] = raw
    return out


def weighted(model: object, probs: np.ndarray) -> np.ndarray:
    """*probs* (`scores` of *model*) times its decision weights: their argmax is its stance.

    A model without `decisions.WeightedDecision` has weights of 1.
    """
    final = model[-1] if isinstance(model, Pipeline) else model
    weights = np.ones(probs.shape[1])
    if isinstance(final, decisions.WeightedDecision):
        weights[np.asarray(final.classes_, dtype=np.int64)] = final.weights
    return probs * weights
