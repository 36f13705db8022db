"""The `stancekit baselines` commands: train, evaluate and predict with the baseline models."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._app import app, fail, subcommands
from stancekit.cli.studio import DEFAULT_DATA_DIR, DataDirOpt, KeyFileOpt, UrlOpt, _client

baselines_app = subcommands("Stance, entity and dyad baselines: train, evaluate, predict.")
app.add_typer(baselines_app, name="baselines")


N_JOBS_HELP = "Parallel jobs of the search and calibration (-1: all cores)."
ModelOpt = Annotated[list[str] | None, typer.Option(
    "--model", help="A stance model, as named in results.md (repeat for several) "
                    "[default: all].")]


def _models(model: list[str] | None) -> list[str] | None:
    """The stance models asked for, refused as a bad --model if unknown or none."""
    from stancekit.baselines.train import model_problem

    problem = model_problem(model)
    if problem:
        raise typer.BadParameter(problem, param_hint="--model")
    return model


@baselines_app.command("train")
def train_cmd(
    dataset_dir: Annotated[str, typer.Argument(
        help="Dataset folder from `stancekit build`, or anything `load_dataset` accepts.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for models and results.")],
    seed: Annotated[int, typer.Option(help="Seed of folds, models and the bootstrap.")] = 13,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds on train.")] = 5,
    quick: Annotated[bool, typer.Option(help="One or two grid points per model.")] = False,
    n_jobs: Annotated[int, typer.Option("--n-jobs", help=N_JOBS_HELP)] = -1,
    model: ModelOpt = None,
) -> None:
    """Search hyperparameters on train by grouped CV, calibrate, save with skops, evaluate."""
    from stancekit.baselines.train import train

    models = _models(model)
    started = time.perf_counter()
    results = train(dataset_dir, output, seed=seed, folds=folds, tiny=quick, n_jobs=n_jobs,
                    models=models)
    best = results["stance"]["best_model"]
    for name, trained in results["stance"]["models"].items():
        scores = ", ".join(f"{split} macro-F1 {s['macro_f1']:.3f}"
                           for split, s in trained["scores"].items())
        mark = " (best)" if name == best else ""
        typer.echo(f"{name}{mark}: CV macro-F1 {trained['cv_macro_f1'] or 0:.3f}"
                   + (f", {scores}" if scores else ""))
    learned = results["dyads"]["learned"]
    typer.echo("dyads: pair classifier " + ("with parse features" if learned["parse_features"]
                                            else "without parse features")
               + "".join(f", {split} F1 {s['micro']['f1']:.3f}"
                         for split, s in learned["scores"].items()))
    typer.echo(f"wrote {output}/results.json, results.md, results.tex, models/ and model cards "
               f"in {time.perf_counter() - started:.1f} s")


@baselines_app.command("evaluate")
def evaluate_cmd(
    models_dir: Annotated[Path, typer.Argument(help="Folder written by `baselines train`.")],
    dataset_dir: Annotated[Path, typer.Argument(help="Dataset folder to evaluate on.")],
    split: Annotated[str, typer.Option(help="Split to evaluate.")] = "test",
) -> None:
    """Print metrics JSON of the saved models on a split of any dataset folder."""
    from stancekit.baselines.evaluate import evaluate_saved

    typer.echo(json.dumps(evaluate_saved(models_dir, dataset_dir, split), indent=2))


@baselines_app.command("predict")
def predict_cmd(
    models_dir: Annotated[Path, typer.Argument(help="Folder written by `baselines train`.")],
    input: Annotated[Path, typer.Argument(
        help="Sentences (JSONL with id or sentence_id, and text) or tasks (JSON or JSONL).")],
    output: Annotated[Path | None, typer.Option(
        "-o", "--output",
        help="JSONL of id, stance, per-label scores and margin [default: not written].")] = None,
    to_studio: Annotated[bool, typer.Option(
        "--to-studio", help="Push the predictions to Label Studio as pre-annotations, with the "
        "entity spans and dyads of each task's pre-annotation or of the entity tagger and dyad "
        "model, and order unlabeled tasks by uncertainty.")] = False,
    project: Annotated[str, typer.Option(help="Label Studio project title.")] = "stancekit",
    url: UrlOpt = None,
    api_key_file: KeyFileOpt = None,
    data_dir: DataDirOpt = DEFAULT_DATA_DIR,
) -> None:
    """Predict stances with the best model; write JSONL and/or push to Label Studio."""
    from stancekit.baselines.predict import (
        best_model,
        model_regions,
        model_version,
        predict,
        push_predictions,
        read_inputs,
    )
    from stancekit.files import Outputs, write_jsonl

    if output is None and not to_studio:
        fail("nothing to do: give -o OUT.jsonl and/or --to-studio")
    records = read_inputs(input)
    name, model, results = best_model(models_dir)
    predictions = predict(model, records)
    if output is not None:
        with Outputs([input, models_dir]) as outputs:
            write_jsonl(output, predictions, outputs)
        typer.echo(f"wrote {len(predictions)} predictions of {name} to {output}")
    if to_studio:
        from stancekit.labeling.studio import StudioError, get_project

        version = model_version(name, results)
        client = _client(url, api_key_file, data_dir)
        try:
            counts = push_predictions(client, get_project(client, project), predictions,
                                      version, model_regions(models_dir, records, predictions))
        except StudioError as e:
            fail(str(e))
        typer.echo(f"{version}: " + ", ".join(f"{k}: {v}" for k, v in counts.items()))


@baselines_app.command("cross-source")
def cross_source_cmd(
    dataset_dir: Annotated[str, typer.Argument(
        help="Dataset folder from `stancekit build`, or anything `load_dataset` accepts.")],
    output: Annotated[Path, typer.Option("-o", "--output",
                                         help="Folder for cross_source.json and .md.")],
    seed: Annotated[int, typer.Option(help="Seed of folds, models and the bootstrap.")] = 13,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds on train.")] = 5,
    quick: Annotated[bool, typer.Option(help="One or two grid points per model.")] = False,
    n_jobs: Annotated[int, typer.Option("--n-jobs", help=N_JOBS_HELP)] = -1,
    select_by: Annotated[str, typer.Option(
        "--select-by", metavar="[document|source]",
        help="Folds of the search and calibration: --folds grouped by document, or one per "
             "training source (held out in turn).")] = "document",
    model: ModelOpt = None,
) -> None:
    """Train on all sources but one and test on that one, for each source in turn."""
    from stancekit.baselines.sources import SELECTIONS, cross_source, cross_source_markdown
    from stancekit.files import dumps, write_together

    if select_by not in SELECTIONS:
        raise typer.BadParameter(f"use one of {', '.join(SELECTIONS)}", param_hint="--select-by")
    results = cross_source(dataset_dir, seed=seed, folds=folds, tiny=quick, n_jobs=n_jobs,
                           select_by=select_by, models=_models(model))
    report = cross_source_markdown(results)
    write_together({output / "cross_source.json": dumps(results),
                    output / "cross_source.md": report})
    typer.echo(report)
