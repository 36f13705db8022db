"""The cue pre-labeller as scikit-learn estimators: a classifier, and features for a pipeline."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin

from stancekit.labeling.cues import cue_tagger
from stancekit.schema import SCHEMA


class CueFeatures(TransformerMixin, BaseEstimator):
    """Per stance: cues found, cues under negation, and the pre-label (one-hot), scaled."""

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale

    def fit(self, texts: Sequence[str], y: object = None) -> CueFeatures:
        """Nothing to learn; present for the pipeline."""
        self.n_features_out_ = 3 * len(SCHEMA.stance_names)
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """A sparse row of cue counts and the pre-label for each text."""
        tagger, n = cue_tagger(), len(SCHEMA.stance_names)
        index = {name: i for i, name in enumerate(SCHEMA.stance_names)}
        out = np.zeros((len(texts), 3 * n))
        for row, text in enumerate(texts):
            for cue in tagger.cues(text):
                out[row, index[cue.stance] + (n if cue.negated else 0)] += 1
            out[row, 2 * n + index[tagger.predict(text)[0]]] = 1
        return sparse.csr_matrix(out * self.scale)


class CuePrelabeler(ClassifierMixin, BaseEstimator):
    """The cue pre-labeller judged like a model: it learns nothing from the data."""

    def fit(self, texts: Sequence[str], y: Sequence[int]) -> CuePrelabeler:
        """Record the label ids; the cues are fixed."""
        self.classes_ = np.arange(len(SCHEMA.stance_names))
        return self

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The pre-label of each text as a class id in schema order."""
        index = {name: i for i, name in enumerate(SCHEMA.stance_names)}
        predict = cue_tagger().predict
        return np.array([index[predict(t)[0]] for t in texts], dtype=np.int64)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Its stated confidence on the pre-label, the rest shared by the other labels."""
        predict, n = cue_tagger().predict, len(SCHEMA.stance_names)
        index = {name: i for i, name in enumerate(SCHEMA.stance_names)}
        out = np.zeros((len(texts), n))
        for row, text in enumerate(texts):
            stance, score = predict(text)
            out[row] = (1 - score) / (n - 1)
            out[row, index[stance]] = score
        return out
