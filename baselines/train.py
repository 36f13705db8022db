"""Training all baselines on a dataset folder: model selection on train, one evaluation per split.

Run as ``stancekit baselines train DATASET_DIR -o DIR`` or ``python -m stancekit.baselines.train``.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold
from tqdm import tqdm

from stancekit.baselines import dyads, entities, stance
from stancekit.baselines.data import load_folder
from stancekit.baselines.evaluate import (
    BOOTSTRAP_UNIT,
    ENTITY_MODEL,
    MODELS_DIR,
    RESULTS,
    model_path,
    stance_metrics,
)
from stancekit.baselines.metrics import plot_confusion
from stancekit.baselines.persist import save_model
from stancekit.baselines.report import results_markdown
from stancekit.baselines.sources import per_source
from stancekit.files import write_json, write_text
from stancekit.schema import SCHEMA
from stancekit.versions import package_versions

PACKAGES = ("stancekit", "scikit-learn", "datasets", "numpy", "scipy", "skops")
FIGURES = "figures"
TRAIN = "train"


def _entity_folds(rows: list[dict], n_splits: int, seed: int) -> list:
    groups = np.asarray([r["doc_id"] for r in rows])
    n_splits = min(n_splits, len(set(groups)))
    if n_splits < 2:
        return []
    cv = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(cv.split(np.zeros(len(rows)), groups=groups))


def train(dataset_dir: Path | str, out_dir: Path | str, seed: int = 13, folds: int = 5,
          tiny: bool = False, resamples: int = 1000, progress: bool | None = None) -> dict:
    """Select, fit, save and evaluate every baseline; write results.json, results.md, figures."""
    out_dir = Path(out_dir)
    disable = (not os.isatty(2)) if progress is None else not progress
    data = load_folder(dataset_dir)
    rows = data.split("stance", TRAIN)
    texts, y = [r["text"] for r in rows], stance.label_ids(rows)
    cv_folds = stance.grouped_folds(y, [r["doc_id"] for r in rows], folds, seed)
    grids = stance.TINY_GRIDS if tiny else stance.GRIDS
    eval_splits = [s for s in data.configs["stance"] if s != TRAIN]

    models = {}
    for name in tqdm(stance.MODELS, desc="stance models", disable=disable):
        selection = stance.select(name, texts, y, cv_folds, grids[name], seed)
        model = stance.fit(name, selection["best_params"], texts, y, seed)
        save_model(model, model_path(out_dir, name))
        scores = {split: stance_metrics(model, data.split("stance", split), seed, resamples)
                  for split in eval_splits}
        score = functools.partial(stance_metrics, model, seed=seed, resamples=resamples)
        sources = {split: per_source(score, data.split("stance", split)) for split in eval_splits}
        for split, metrics in scores.items():
            plot_confusion(metrics["confusion"], SCHEMA.stance_names, f"{name} ({split})",
                           out_dir / FIGURES / f"confusion_{name}_{split}.png")
        models[name] = {**selection, "file": f"{MODELS_DIR}/{name}.skops", "scores": scores,
                        "scores_by_source": sources}
    best = max(models, key=lambda n: -1 if models[n]["cv_macro_f1"] is None
               else models[n]["cv_macro_f1"])

    entity_rows = data.split("entities", TRAIN)
    feats = entities.featurize(entity_rows)
    selection = entities.select(entity_rows, feats, _entity_folds(entity_rows, folds, seed),
                                entities.TINY_GRID if tiny else entities.GRID, seed)
    tagger = entities.fit(selection["best_params"], entity_rows, feats, seed)
    save_model(tagger, model_path(out_dir, ENTITY_MODEL))

    packages = package_versions(PACKAGES)
    results = {
        "stancekit_version": packages["stancekit"],
        "packages": packages,
        "dataset": data.provenance(),
        "seed": seed,
        "labels": SCHEMA.stance_names,
        "model_selection": {"method": "StratifiedGroupKFold", "groups": "doc_id",
                            "folds": len(cv_folds), "scoring": "macro-F1",
                            "data": TRAIN, "grids": "tiny" if tiny else "default"},
        "bootstrap": {"unit": BOOTSTRAP_UNIT, "resamples": resamples, "confidence": 0.95,
                      "seed": seed},
        "stance": {"best_model": best, "best_by": "cross-validated macro-F1 on train",
                   "models": models},
        "entities": {**selection, "model": "DictVectorizer + LogisticRegression",
                     "file": f"{MODELS_DIR}/{ENTITY_MODEL}.skops",
                     "scores": {split: entities.evaluate(tagger, data.split("entities", split))
                                for split in eval_splits}},
        "dyads": {"method": "heuristic on gold stance and gold entities",
                  "scores": {split: dyads.evaluate(data.split("stance", split))
                             for split in [TRAIN, *eval_splits]}},
    }
    write_json(out_dir / RESULTS, results)
    write_text(out_dir / "results.md", results_markdown(results))
    return results


def main() -> None:
    """``python -m stancekit.baselines.train``: the same as ``stancekit baselines train``."""
    import sys

    import typer

    from stancekit.cli.baselines import train_cmd
    from stancekit.files import InputError

    try:
        typer.run(train_cmd)
    except InputError as e:
        typer.secho(f"error: {e}", fg=typer.colors.RED, err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
