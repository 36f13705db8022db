"""Classification metrics with a document-level bootstrap; confusion matrices as tables, PNGs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from stancekit.files import atomic_open

DIGITS = 6


def _round(x: float) -> float:
    return round(float(x), DIGITS)


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    """Precision, recall and F1 from counts of true positives, predictions and gold items."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": _round(p), "recall": _round(r), "f1": _round(f), "support": n_gold,
            "predicted": n_pred}


def confusion(y_true: Sequence[int], y_pred: Sequence[int], n: int) -> np.ndarray:
    """Counts of (true, predicted) label ids, rows true."""
    m = np.zeros((n, n), dtype=np.int64)
    np.add.at(m, (np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)), 1)
    return m


def _macro_f1(matrices: np.ndarray) -> np.ndarray:
    """Macro-F1 of each confusion matrix in a stack, over labels that are true or predicted."""
    tp = np.diagonal(matrices, axis1=-2, axis2=-1).astype(float)
    rows, cols = matrices.sum(axis=-1), matrices.sum(axis=-2)
    present = (rows + cols) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(present, 2 * tp / (rows + cols), 0.0)
    return f1.sum(axis=-1) / np.maximum(present.sum(axis=-1), 1)


def bootstrap_macro_f1(y_true: Sequence[int], y_pred: Sequence[int], groups: Sequence[str],
                       n_labels: int, seed: int, resamples: int = 1000,
                       confidence: float = 0.95) -> list[float]:
    """Percentile interval of macro-F1 over documents resampled with replacement."""
    names, index = np.unique(np.asarray(groups), return_inverse=True)
    per_group = np.zeros((len(names), n_labels * n_labels), dtype=np.int64)
    cells = np.asarray(y_true, dtype=np.int64) * n_labels + np.asarray(y_pred, dtype=np.int64)
    np.add.at(per_group, (index, cells), 1)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(names), size=(resamples, len(names)))
    weights = np.stack([np.bincount(d, minlength=len(names)) for d in draws])
    matrices = (weights @ per_group).reshape(resamples, n_labels, n_labels)
    scores = _macro_f1(matrices)
    alpha = (1 - confidence) / 2
    return [_round(np.quantile(scores, alpha)), _round(np.quantile(scores, 1 - alpha))]


def classification_metrics(y_true: Sequence[int], y_pred: Sequence[int], groups: Sequence[str],
                           labels: Sequence[str], seed: int, resamples: int = 1000) -> dict:
    """Accuracy, macro-F1 with a bootstrap CI, per-label precision/recall/F1/support, confusion."""
    n = len(labels)
    m = confusion(y_true, y_pred, n)
    tp = np.diagonal(m).astype(float)
    support, predicted = m.sum(axis=1), m.sum(axis=0)
    per_label = {name: prf(int(tp[i]), int(predicted[i]), int(support[i]))
                 for i, name in enumerate(labels)}
    total = int(m.sum())
    return {
        "n": total,
        "accuracy": _round(tp.sum() / total) if total else 0.0,
        "macro_f1": _round(_macro_f1(m)),
        "macro_f1_ci95": (bootstrap_macro_f1(y_true, y_pred, groups, n, seed, resamples)
                          if total else [0.0, 0.0]),
        "per_label": per_label,
        "confusion": m.tolist(),
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
    """Save a confusion matrix heat map with counts as a PNG (no timestamp in the file)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    m = np.asarray(matrix)
    fig = Figure(figsize=(1.2 * len(labels) + 2, 1.1 * len(labels) + 1.5), dpi=100)
    ax = fig.add_subplot()
    ax.imshow(m, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    high = m.max() / 2 if m.size else 0
    for (i, j), v in np.ndenumerate(m):
        ax.text(j, i, str(v), ha="center", va="center", color="white" if v > high else "black")
    fig.tight_layout()
    with atomic_open(path, "wb") as f:
        fig.savefig(f, format="png", metadata={"Software": None})
