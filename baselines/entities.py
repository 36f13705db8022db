"""Entity baseline: hashed per-token features, a linear tagger, BIO repair and span scoring."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import Pipeline

from stancekit.baselines.metrics import bootstrap_span_f1, prf
from stancekit.labeling.gazetteer import gazetteer
from stancekit.schema import SCHEMA

GRID = {"C": [1.0, 3.0]}
"""C = 10 scored lowest in grouped CV on the real corpus's train split (span micro-F1 0.801
against 0.804 and 0.805) and took the longest fits, so it left the grid."""
TINY_GRID = {"C": [3.0]}
MAX_FOLDS = 3
"""Folds of the tagger's search: each fit takes seconds, so fewer than the stance models'."""
HASHED = 2**31 - 1
"""Columns the token features are hashed into (`hashed_features`): so many that few features
share one; the taggers keep only the columns seen in training (`SeenColumns`)."""
EPOCHS = 5
"""SGD passes over the training tokens of `hashed_tagger`."""
Span = tuple[int, int, str]


def _shape(word: str) -> str:
    out = []
    for ch in word:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _gazetteer_types(row: dict) -> list[str | None]:
    """The gazetteer entity type covering each token, if any."""
    found = gazetteer().find(row["text"])
    types: list[str | None] = [None] * len(row["tokens"])
    for i, (start, end) in enumerate(zip(row["token_starts"], row["token_ends"], strict=True)):
        for span in found:
            if span["start"] <= start and end <= span["end"]:
                types[i] = span["label"]
                break
    return types


class SeenColumns(TransformerMixin, BaseEstimator):
    """Keeps the columns of a sparse matrix that have a value in fitting, renumbered in order:
    a compact model over hashed features, which stores their ids instead of a vocabulary."""

    def fit(self, x: sparse.spmatrix, y: object = None) -> SeenColumns:
        """Remember the sorted ids of the columns *x* uses."""
        self.columns_ = np.unique(sparse.csr_matrix(x).indices).astype(np.int64)
        return self

    def transform(self, x: sparse.spmatrix) -> sparse.csr_matrix:
        """*x* with only the seen columns, numbered by their rank among them."""
        x = sparse.csr_matrix(x)
        seen = np.isin(x.indices, self.columns_)
        indptr = np.concatenate(([0], np.cumsum(seen)))[x.indptr]
        return sparse.csr_matrix((x.data[seen], np.searchsorted(self.columns_, x.indices[seen]),
                                  indptr), shape=(x.shape[0], len(self.columns_)))


def tagger(seed: int | None) -> Pipeline:
    """Hashed token features → the columns seen in training → multinomial logistic regression
    over BIO tags."""
    return Pipeline([
        ("columns", SeenColumns()),
        ("clf", LogisticRegression(tol=1e-3, max_iter=300, random_state=seed)),
    ])


def hashed_tagger(seed: int | None, c: float, n_tokens: int) -> Pipeline:
    """Hashed token features → the columns seen in training → one-vs-rest logistic regression
    by SGD, for large training sets: a fixed number of passes over the tokens.

    The L2 penalty ``alpha = 1 / (C · tokens)`` is that of `tagger` with the same *c*."""
    return Pipeline([
        ("columns", SeenColumns()),
        ("clf", SGDClassifier(loss="log_loss", alpha=1.0 / (c * max(n_tokens, 1)),
                              max_iter=EPOCHS, tol=None, random_state=seed)),
    ])


def repair(tags: Sequence[str]) -> list[str]:
    """Make a BIO sequence valid: an ``I-X`` that does not continue an ``X`` entity begins one."""
    out = []
    for i, tag in enumerate(tags):
        if tag.startswith("I-") and (i == 0 or out[i - 1][2:] != tag[2:] or out[i - 1] == "O"):
            tag = "B-" + tag[2:]
        out.append(tag)
    return out


def spans(row: dict, tags: Sequence[str]) -> list[Span]:
    """Character spans (start, end, type) of the entities in a valid BIO sequence."""
    found: list[Span] = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-"):
            found.append((row["token_starts"][i], row["token_ends"][i], tag[2:]))
        elif tag.startswith("I-"):
            start, _, label = found[-1]
            found[-1] = (start, row["token_ends"][i], label)
    return found


def span_scores(gold: Sequence[set], predicted: Sequence[set]) -> dict:
    """Exact-match precision/recall/F1 per entity type and micro-averaged."""
    out = {}
    for label in SCHEMA.entity_names:
        g = [{s for s in x if s[-1] == label} for x in gold]
        p = [{s for s in x if s[-1] == label} for x in predicted]
        out[label] = prf(sum(len(a & b) for a, b in zip(g, p, strict=True)),
                          sum(map(len, p)), sum(map(len, g)))
    tp = sum(len(a & b) for a, b in zip(gold, predicted, strict=True))
    return {"micro": prf(tp, sum(map(len, predicted)), sum(map(len, gold))),
            "per_type": out}


def _hash(names: Sequence[str]) -> np.ndarray:
    """The column a FeatureHasher of `HASHED` columns gives each feature name (of value 1)."""
    hasher = FeatureHasher(n_features=HASHED, alternate_sign=False, input_type="string")
    return hasher.transform([[name] for name in names]).indices


def hashed_features(rows: Sequence[dict]) -> sparse.csr_matrix:
    """The hashed features of every token of every sentence (bias, word, shape, affixes,
    casing, gazetteer type and sentence start, and the word, shape and gazetteer type of the
    two tokens on each side), as a FeatureHasher of `HASHED` columns makes of one feature dict
    per token, each name hashed once per distinct token or value."""
    index: dict[str, int] = {}
    ids = np.array([index.setdefault(t, len(index)) for r in rows for t in r["tokens"]],
                   dtype=np.int64)
    n = len(ids)
    if not n:
        return sparse.csr_matrix((0, HASHED))
    gaz_index: dict[str, int] = {}
    gaz = np.array([gaz_index.setdefault(g or "-", len(gaz_index))
                    for r in rows for g in _gazetteer_types(r)], dtype=np.int64)
    lengths = np.array([len(r["tokens"]) for r in rows], dtype=np.int64)
    at = np.arange(n)
    position = at - np.repeat(np.cumsum(lengths) - lengths, lengths)
    length = np.repeat(lengths, lengths)
    tokens = list(index)
    words = [t.lower() for t in tokens]
    shapes = [_shape(t) for t in tokens]
    gazes = list(gaz_index)

    def one(name: str, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return where, np.repeat(_hash([name]), len(where))

    def token(template: str, values: list[str], of: np.ndarray, where: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
        return where, _hash([f"{template}={v}" for v in values])[of]

    cells = [one("bias", at), token("w", words, ids, at), token("shape", shapes, ids, at),
             token("pre3", [w[:3] for w in words], ids, at),
             token("suf3", [w[-3:] for w in words], ids, at),
             token("suf2", [w[-2:] for w in words], ids, at),
             *(one(name, np.flatnonzero(np.array([flag(t) for t in tokens], dtype=bool)[ids]))
               for name, flag in (("title", str.istitle), ("upper", str.isupper),
                                  ("digit", str.isdigit))),
             token("gaz", gazes, gaz, at), one("first", np.flatnonzero(position == 0))]
    for k in (-2, -1, 1, 2):
        inside = (position + k >= 0) & (position + k < length)
        near = at[inside] + k
        cells += [token(f"w{k:+d}", words, ids[near], at[inside]),
                  token(f"shape{k:+d}", shapes, ids[near], at[inside]),
                  token(f"gaz{k:+d}", gazes, gaz[near], at[inside]),
                  one(f"w{k:+d}=" + ("<s>" if k < 0 else "</s>"), at[~inside])]
    row = np.concatenate([r for r, _ in cells])
    out = sparse.csr_matrix((np.ones(len(row)), (row, np.concatenate([c for _, c in cells]))),
                            shape=(n, HASHED))
    out.sum_duplicates()
    return out


def gold_spans(rows: Sequence[dict]) -> list[set]:
    """Gold entity spans of each sentence, from its BIO tags."""
    return [set(spans(r, r["ner_tags"])) for r in rows]


class Featurised:
    """Sentences with the hashed features of their tokens (`hashed_features`) computed once,
    indexed like an array of rows (as ``GridSearchCV`` splits its data), so that a search
    featurises each sentence once instead of once per fold and candidate."""

    def __init__(self, rows: Sequence[dict], matrix: sparse.csr_matrix | None = None) -> None:
        self.rows = list(rows)
        self.matrix = hashed_features(self.rows) if matrix is None else matrix
        self.shape = (len(self.rows),)
        self.lengths = np.array([len(r["tokens"]) for r in self.rows], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict]:
        return iter(self.rows)

    def __getitem__(self, key: object) -> Featurised:
        """The sentences at the indices *key* (or ``key[0]``, as ``_safe_indexing`` asks)."""
        at = np.asarray(key[0] if isinstance(key, tuple) else key)
        lengths = self.lengths
        starts = np.cumsum(lengths) - lengths
        kept = np.repeat(starts[at] - np.cumsum(lengths[at]) + lengths[at], lengths[at])
        tokens = kept + np.arange(len(kept))
        return Featurised([self.rows[i] for i in at], self.matrix[tokens])


def _token_features(rows: Sequence[dict]) -> sparse.csr_matrix:
    return rows.matrix if isinstance(rows, Featurised) else hashed_features(rows)


class SpanTagger(BaseEstimator):
    """A token tagger over whole sentences: fit on rows with BIO tags, predict entity spans,
    score by exact-span micro-F1, so that ``GridSearchCV`` can search it over documents."""

    def __init__(self, C: float = 1.0, random_state: int | None = None) -> None:
        self.C = C
        self.random_state = random_state

    def _model(self, n_tokens: int) -> Pipeline:
        return tagger(self.random_state).set_params(clf__C=self.C)

    def fit(self, rows: Sequence[dict], y: object = None) -> SpanTagger:
        """Fit the token classifier on every token of *rows*."""
        x, rows = _token_features(rows), list(rows)
        tags = [t for r in rows for t in r["ner_tags"]]
        self.pipeline_ = self._model(len(tags)).fit(x, tags)
        return self

    def predict(self, rows: Sequence[dict]) -> list[set]:
        """The entity spans of each row, after BIO repair."""
        x, rows = _token_features(rows), list(rows)
        tags = list(self.pipeline_.predict(x)) if any(r["tokens"] for r in rows) else []
        out, at = [], 0
        for row in rows:
            n = len(row["tokens"])
            out.append(set(spans(row, repair(tags[at:at + n]))))
            at += n
        return out

    def score(self, rows: Sequence[dict], y: object = None) -> float:
        """Exact-span micro-F1 on *rows*."""
        return span_scores(gold_spans(rows), self.predict(rows))["micro"]["f1"]


class HashedSpanTagger(SpanTagger):
    """A `SpanTagger` fit by SGD (`hashed_tagger`), for large training sets."""

    def _model(self, n_tokens: int) -> Pipeline:
        return hashed_tagger(self.random_state, self.C, n_tokens)


def search(rows: Sequence[dict], groups: Sequence[str], n_splits: int, grid: dict, seed: int,
           n_jobs: int | None = None, hashed: bool = False) -> tuple[SpanTagger, dict]:
    """The tagger (hashed features and SGD if *hashed*) searched over *grid* by ``GroupKFold``
    over documents, refit on all rows."""
    rows = Featurised(rows)
    base = (HashedSpanTagger if hashed else SpanTagger)(random_state=seed)
    n_splits = min(n_splits, MAX_FOLDS, len(set(groups)))
    if n_splits < 2:
        return base.fit(rows), {"grid": grid, "best_params": {}, "cv_micro_f1": None,
                                "candidates": []}
    cv = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    gs = GridSearchCV(base, grid, cv=cv, n_jobs=n_jobs,
                      error_score="raise").fit(rows, groups=np.asarray(groups))
    results = gs.cv_results_
    candidates = [{"params": params, "mean": round(float(results["mean_test_score"][i]), 6),
                   "std": round(float(results["std_test_score"][i]), 6)}
                  for i, params in enumerate(results["params"])]
    return gs.best_estimator_, {"grid": grid, "best_params": gs.best_params_,
                                "cv_micro_f1": candidates[gs.best_index_]["mean"],
                                "candidates": candidates}


def evaluate(model: SpanTagger, rows: Sequence[dict], seed: int = 13,
             resamples: int = 1000) -> dict:
    """Entity-level scores of the tagger on *rows*, with a CI over resampled documents."""
    rows = list(rows)
    gold, predicted = gold_spans(rows), model.predict(rows)
    scores = span_scores(gold, predicted)
    if rows:
        counts = np.array([(len(g & p), len(p), len(g)) for g, p in
                           zip(gold, predicted, strict=True)])
        scores["micro_f1_ci95"] = bootstrap_span_f1(counts, [r["doc_id"] for r in rows], seed,
                                                    resamples)
    return scores
