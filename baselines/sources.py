"""Scores per news source, and the cross-source evaluation: train on the others, test on one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from joblib import effective_n_jobs
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.utils.parallel import Parallel, delayed

from stancekit.baselines import parses, stance
from stancekit.baselines.data import load_data
from stancekit.baselines.metrics import summary_metrics
from stancekit.files import InputError
from stancekit.schema import SCHEMA

SUMMARY = ("n", "accuracy", "macro_f1", "macro_f1_ci95")
SELECTIONS = {"document": "StratifiedGroupKFold over documents",
              "source": "leave-one-source-out CV over the training sources"}
"""How the cross-source evaluation selects hyperparameters and calibrates: folds grouped by
document (the default), or folds that each hold out one training source."""


def by_source(rows: Sequence[dict]) -> dict[str, list[dict]]:
    """The rows of each recorded source, sources sorted by name."""
    out: dict[str, list[dict]] = {}
    for r in rows:
        if r.get("source"):
            out.setdefault(r["source"], []).append(r)
    return dict(sorted(out.items()))


def _summaries(groups: list[tuple[np.ndarray, np.ndarray, list[str]]], seed: int,
               resamples: int) -> list[dict]:
    return [summary_metrics(y, predicted, docs, len(SCHEMA.stance_names), seed, resamples)
            for y, predicted, docs in groups]


def per_source(rows: Sequence[dict], predicted: np.ndarray, seed: int, resamples: int = 1000,
               n_jobs: int | None = None) -> dict:
    """Summary metrics of each source's rows (empty with fewer than two sources), the sources
    shared among *n_jobs* processes."""
    at: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        if r.get("source"):
            at.setdefault(r["source"], []).append(i)
    if len(at) < 2:
        return {}
    y, predicted = stance.label_ids(rows), np.asarray(predicted)
    names = sorted(at)
    groups = [(y[at[name]], predicted[at[name]], [rows[i]["doc_id"] for i in at[name]])
              for name in names]
    k = effective_n_jobs(n_jobs)
    shares = Parallel(n_jobs=n_jobs)(delayed(_summaries)(groups[j::k], seed, resamples)
                                     for j in range(k))
    return {name: shares[i % k][i // k] for i, name in enumerate(names)}


def source_folds(rows: Sequence[dict]) -> stance.Folds:
    """Folds that each hold out the rows of one source."""
    return list(LeaveOneGroupOut().split(np.zeros(len(rows)),
                                         groups=[r["source"] for r in rows]))


def cross_source(dataset: Any, seed: int = 13, folds: int = 5, tiny: bool = False,
                 resamples: int = 1000, n_jobs: int | None = None,
                 select_by: str = "document", models: Sequence[str] | None = None) -> dict:
    """For each source, every stance model (or those named in *models*) selected and fit on
    the others, scored on it.

    *select_by* names the folds of the selection and calibration (`SELECTIONS`); *folds*
    applies to ``"document"`` only."""
    from stancekit.baselines.evaluate import stance_metrics

    data = load_data(dataset)
    rows = [r for split in data.configs["stance"].values() for r in split]
    groups = by_source(rows)
    if len(groups) < 2:
        raise InputError(str(dataset), "the cross-source evaluation needs rows of at least two "
                         f"sources in the 'source' column (found {len(groups)})")
    if select_by not in SELECTIONS:
        raise ValueError(f"select_by must be one of {', '.join(SELECTIONS)}, not {select_by!r}")
    grids = stance.TINY_GRIDS if tiny else stance.GRIDS
    held_out: dict[str, dict] = {}
    with parses.remembered():
        for held, test in groups.items():
            train = [r for name, subset in groups.items() if name != held for r in subset]
            texts, y = [r["text"] for r in train], stance.label_ids(train)
            cv = (source_folds(train) if select_by == "source"
                  else stance.grouped_folds(y, [r["doc_id"] for r in train], folds, seed))
            trained = {}
            for name in stance.MODELS:
                if stance.skip_reason(name, models):
                    continue
                model, selection = stance.search(name, texts, y, cv, grids[name], seed, n_jobs)
                scores = stance_metrics(model, test, seed, resamples)
                trained[name] = {"cv_macro_f1": selection["cv_macro_f1"],
                                  "best_params": selection["best_params"],
                                  **{k: scores[k] for k in SUMMARY}}
            held_out[held] = {"train_sentences": len(train), "test_sentences": len(test),
                              "models": trained}
    return {"dataset": data.provenance(), "seed": seed,
            "folds": len(groups) - 1 if select_by == "source" else folds,
            "selection": SELECTIONS[select_by], "grids": "tiny" if tiny else "default",
            "held_out": held_out}


def cross_source_markdown(results: dict) -> str:
    """The cross-source evaluation as a markdown table: one row per model, one column a source."""
    held = list(results["held_out"])
    models = list(next(iter(results["held_out"].values()))["models"])
    lines = ["# Cross-source evaluation", "",
             "Each column: models selected and calibrated by "
             f"{results.get('selection', SELECTIONS['document'])}, trained on the other sources "
             f"and tested on this one; macro-F1 with its 95% CI over documents; seed "
             f"{results['seed']}.", "",
             "| model | " + " | ".join(held) + " | mean |", "|---|" + "---:|" * (len(held) + 1)]
    for name in models:
        cells, values = [], []
        for source in held:
            m = results["held_out"][source]["models"][name]
            lo, hi = m["macro_f1_ci95"]
            cells.append(f"{m['macro_f1']:.3f} ({lo:.3f}–{hi:.3f})")
            values.append(m["macro_f1"])
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {sum(values) / len(values):.3f} |")
    sizes = ", ".join(f"{s}: train {h['train_sentences']}, test {h['test_sentences']}"
                      for s, h in results["held_out"].items())
    return "\n".join([*lines, "", f"Sentences: {sizes}.", ""])
