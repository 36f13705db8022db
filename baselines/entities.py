"""Entity baseline: per-token feature dicts, a linear tagger, BIO repair and span scoring."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import ParameterGrid
from sklearn.pipeline import Pipeline

from stancekit.baselines.metrics import prf
from stancekit.labeling.gazetteer import gazetteer
from stancekit.schema import SCHEMA

GRID = {"clf__C": [1.0, 3.0]}
TINY_GRID = {"clf__C": [1.0]}
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


def token_features(row: dict) -> list[dict[str, object]]:
    """One feature dict per token: the word, its shape, affixes, neighbours and gazetteer type."""
    tokens = row["tokens"]
    gaz = _gazetteer_types(row)
    words = [t.lower() for t in tokens]
    feats = []
    for i, token in enumerate(tokens):
        f: dict[str, object] = {
            "bias": 1.0, "w": words[i], "shape": _shape(token), "pre3": words[i][:3],
            "suf3": words[i][-3:], "suf2": words[i][-2:], "title": token.istitle(),
            "upper": token.isupper(), "digit": token.isdigit(), "gaz": gaz[i] or "-",
            "first": i == 0,
        }
        for k in (-2, -1, 1, 2):
            j = i + k
            if 0 <= j < len(tokens):
                f[f"w{k:+d}"] = words[j]
                f[f"shape{k:+d}"] = _shape(tokens[j])
                f[f"gaz{k:+d}"] = gaz[j] or "-"
            else:
                f[f"w{k:+d}"] = "<s>" if j < 0 else "</s>"
        feats.append(f)
    return feats


def tagger(seed: int) -> Pipeline:
    """Feature dicts → one-hot features → multinomial logistic regression over BIO tags."""
    return Pipeline([
        ("vec", DictVectorizer()),
        ("clf", LogisticRegression(tol=1e-3, max_iter=300, random_state=seed)),
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


def featurize(rows: Sequence[dict]) -> list[list[dict]]:
    """Feature dicts of every token of every sentence."""
    return [token_features(r) for r in rows]


def predict_spans(model: Pipeline, rows: Sequence[dict], feats: Sequence[list[dict]]
                  ) -> list[set]:
    """Predicted entity spans of each sentence, after BIO repair."""
    flat = [f for sent in feats for f in sent]
    tags = list(model.predict(flat)) if flat else []
    out, at = [], 0
    for row, sent in zip(rows, feats, strict=True):
        out.append(set(spans(row, repair(tags[at:at + len(sent)]))))
        at += len(sent)
    return out


def gold_spans(rows: Sequence[dict]) -> list[set]:
    """Gold entity spans of each sentence, from its BIO tags."""
    return [set(spans(r, r["ner_tags"])) for r in rows]


def _fit(model: Pipeline, feats: Sequence[list[dict]], rows: Sequence[dict]) -> Pipeline:
    x = [f for sent in feats for f in sent]
    y = [t for r in rows for t in r["ner_tags"]]
    return model.fit(x, y)


def select(rows: Sequence[dict], feats: Sequence[list[dict]],
           folds: list[tuple[np.ndarray, np.ndarray]], grid: dict, seed: int) -> dict:
    """Cross-validated micro entity F1 of every grid point; the best one by mean."""
    candidates = []
    for params in ParameterGrid(grid):
        scores = []
        for train, test in folds:
            model = _fit(tagger(seed).set_params(**params), [feats[i] for i in train],
                         [rows[i] for i in train])
            test_rows = [rows[i] for i in test]
            pred = predict_spans(model, test_rows, [feats[i] for i in test])
            scores.append(span_scores(gold_spans(test_rows), pred)["micro"]["f1"])
        candidates.append({"params": dict(params),
                           "mean": round(float(np.mean(scores)), 6) if scores else None,
                           "folds": scores})
    best = max(candidates, key=lambda c: -1 if c["mean"] is None else c["mean"])
    return {"grid": grid, "best_params": best["params"], "cv_micro_f1": best["mean"],
            "cv_folds": best["folds"], "candidates": candidates}


def fit(params: dict, rows: Sequence[dict], feats: Sequence[list[dict]], seed: int) -> Pipeline:
    """The tagger with *params*, fit on all tokens of *rows*."""
    return _fit(tagger(seed).set_params(**params), feats, rows)


def evaluate(model: Pipeline, rows: Sequence[dict]) -> dict:
    """Entity-level scores of the tagger on *rows*."""
    return span_scores(gold_spans(rows), predict_spans(model, rows, featurize(rows)))
