"""Classification metrics from `sklearn.metrics`, document-level bootstrap CIs, confusion plots."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import (
    ConfusionMatrixDisplay,
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from stancekit.files import save_figure
from stancekit.labeling.agreement import match_f1

DIGITS = 6


def _round(x: float) -> float:
    return round(float(x), DIGITS)


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    """Precision, recall and F1 of matched span sets (sklearn scores labels, not span matches)."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = match_f1(tp, n_pred, n_gold) or 0.0
    return {"precision": _round(p), "recall": _round(r), "f1": _round(f), "support": n_gold,
            "predicted": n_pred}


def _draws(groups: Sequence[str], seed: int, resamples: int) -> tuple[np.ndarray, np.ndarray]:
    """Each item's group index, and how often each group is drawn in each resample."""
    return _cached_draws(tuple(groups), seed, resamples)


@functools.lru_cache(maxsize=1024)
def _cached_draws(groups: tuple[str, ...], seed: int, resamples: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    # Every model is scored on the same rows (a split, a source): the draws are made once,
    # for more row sets than a split has news sources.
    names, index = np.unique(np.asarray(groups), return_inverse=True)
    n = len(names)
    draws = np.random.default_rng(seed).integers(0, n, size=(resamples, n))
    draws += np.arange(resamples)[:, None] * n  # one bincount for all resamples
    weights = np.bincount(draws.ravel(), minlength=resamples * n).reshape(resamples, n)
    index.flags.writeable = weights.flags.writeable = False
    return index, weights


def _macro_f1(matrices: np.ndarray) -> np.ndarray:
    """Macro-F1 of each confusion matrix in a stack, over labels that are true or predicted
    (as `f1_score(average="macro")`), vectorised over the resamples."""
    tp = np.diagonal(matrices, axis1=-2, axis2=-1).astype(float)
    rows, cols = matrices.sum(axis=-1), matrices.sum(axis=-2)
    present = (rows + cols) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(present, 2 * tp / (rows + cols), 0.0)
    return f1.sum(axis=-1) / np.maximum(present.sum(axis=-1), 1)


def _resampled_macro_f1(y_true: Sequence[int], y_pred: Sequence[int], index: np.ndarray,
                        weights: np.ndarray, n_labels: int) -> np.ndarray:
    # A resample's confusion matrix is a weighted sum of per-document matrices, which is far
    # faster than scoring each resample with sklearn.
    cells = n_labels * n_labels
    flat = (index * cells + np.asarray(y_true, dtype=np.int64) * n_labels
            + np.asarray(y_pred, dtype=np.int64))
    per_group = np.bincount(flat, minlength=weights.shape[1] * cells).reshape(-1, cells)
    # Counts are small integers, exact in float64, where the product runs in BLAS.
    matrices = weights.astype(float) @ per_group.astype(float)
    return _macro_f1(matrices.reshape(len(weights), n_labels, n_labels))


def _interval(values: np.ndarray, confidence: float = 0.95) -> list[float]:
    alpha = (1 - confidence) / 2
    return [_round(np.quantile(values, alpha)), _round(np.quantile(values, 1 - alpha))]


def bootstrap_macro_f1(y_true: Sequence[int], y_pred: Sequence[int], groups: Sequence[str],
                       n_labels: int, seed: int, resamples: int = 1000,
                       confidence: float = 0.95) -> list[float]:
    """Percentile interval of macro-F1 over documents resampled with replacement."""
    index, weights = _draws(groups, seed, resamples)
    scores = _resampled_macro_f1(y_true, y_pred, index, weights, n_labels)
    return _interval(scores, confidence)


def paired_bootstrap(y_true: Sequence[int], pred_a: Sequence[int], pred_b: Sequence[int],
                     groups: Sequence[str], n_labels: int, seed: int,
                     resamples: int = 1000) -> dict:
    """Macro-F1 difference A − B on the same resampled documents: its CI and the share of
    resamples where A does not beat B (a one-sided p-value)."""
    index, weights = _draws(groups, seed, resamples)
    diff = (_resampled_macro_f1(y_true, pred_a, index, weights, n_labels)
            - _resampled_macro_f1(y_true, pred_b, index, weights, n_labels))
    observed = (f1_score(y_true, pred_a, average="macro", zero_division=0)
                - f1_score(y_true, pred_b, average="macro", zero_division=0))
    return {"difference": _round(observed), "ci95": _interval(diff),
            "p_value": _round(float(np.mean(diff <= 0))), "resamples": resamples}


def bootstrap_span_f1(counts: np.ndarray, groups: Sequence[str], seed: int,
                      resamples: int = 1000) -> list[float]:
    """Percentile interval of micro-F1 from per-item (matched, predicted, gold) counts, over
    documents resampled with replacement."""
    index, weights = _draws(groups, seed, resamples)
    per_group = np.zeros((weights.shape[1], 3))
    np.add.at(per_group, index, np.asarray(counts, dtype=float).reshape(-1, 3))
    tp, pred, gold = (weights @ per_group).T
    f1 = np.where(pred + gold > 0, 2 * tp / np.maximum(pred + gold, 1), 0.0)
    return _interval(f1)


def summary_metrics(y_true: Sequence[int], y_pred: Sequence[int], groups: Sequence[str],
                    n_labels: int, seed: int, resamples: int = 1000) -> dict:
    """Size, accuracy and macro-F1 with a bootstrap CI over documents."""
    if not len(y_true):
        return {"n": 0, "accuracy": 0.0, "macro_f1": 0.0, "macro_f1_ci95": [0.0, 0.0]}
    return {
        "n": len(y_true),
        "accuracy": _round(accuracy_score(y_true, y_pred)),
        "macro_f1": _round(f1_score(y_true, y_pred, average="macro", zero_division=0)),
        "macro_f1_ci95": bootstrap_macro_f1(y_true, y_pred, groups, n_labels, seed, resamples),
    }


def classification_metrics(y_true: Sequence[int], y_pred: Sequence[int], groups: Sequence[str],
                           labels: Sequence[str], seed: int, resamples: int = 1000) -> dict:
    """`summary_metrics`, per-label precision/recall/F1/support and the confusion matrix."""
    ids = list(range(len(labels)))
    summary = summary_metrics(y_true, y_pred, groups, len(ids), seed, resamples)
    if not summary["n"]:
        return {**summary, "per_label": {name: prf(0, 0, 0) for name in labels},
                "confusion": [[0] * len(ids) for _ in ids]}
    p, r, f, support = precision_recall_fscore_support(y_true, y_pred, labels=ids,
                                                       zero_division=0)
    matrix = confusion_matrix(y_true, y_pred, labels=ids)
    return {
        **summary,
        "per_label": {name: {"precision": _round(p[i]), "recall": _round(r[i]),
                             "f1": _round(f[i]), "support": int(support[i]),
                             "predicted": int(matrix[:, i].sum())}
                      for i, name in enumerate(labels)},
        "confusion": matrix.tolist(),
    }


def confusion_markdown(matrix: Sequence[Sequence[int]], labels: Sequence[str]) -> str:
    """A markdown table of a confusion matrix: rows gold, columns predicted."""
    lines = ["| gold \\ predicted | " + " | ".join(labels) + " |",
             "|---|" + "---:|" * len(labels)]
    lines += [f"| {name} | " + " | ".join(str(v) for v in row) + " |"
              for name, row in zip(labels, matrix, strict=True)]
    return "\n".join(lines) + "\n"


def plot_confusion(matrix: Sequence[Sequence[int]], labels: Sequence[str], title: str,
                   path: Path | str) -> None:
    """Save a row-normalised confusion matrix (recall per gold label) as a print-quality PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    m = np.asarray(matrix, dtype=float)
    rows = m.sum(axis=1, keepdims=True)
    normalised = np.divide(m, rows, out=np.zeros_like(m), where=rows > 0)
    fig = Figure(figsize=(1.1 * len(labels) + 2.6, 1.0 * len(labels) + 2.0), dpi=200,
                 layout="constrained")
    ax = fig.add_subplot()
    ConfusionMatrixDisplay(normalised, display_labels=list(labels)).plot(
        ax=ax, cmap="Blues", values_format=".2f", colorbar=False, xticks_rotation=30)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold (rows sum to 1)")
    ax.set_title(title, fontsize=10, wrap=True)
    save_figure(fig, path)
