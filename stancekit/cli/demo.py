"""The `stancekit demo` command: the whole pipeline on the bundled real-news corpus."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from stancekit.bundled import DATASHEET, MANIFESTS, REAL, SYNTHETIC
from stancekit.cli._app import app


@app.command("demo")
def demo(
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for every output.")] = (
        Path("out")),
    corpus: Annotated[Path, typer.Option(
        help="Annotated real-news corpus folder (documents, selection, annotation passes).")] = (
        REAL),
    export: Annotated[Path | None, typer.Option(
        help="Label Studio export with the annotators' work [default: built from --corpus]."
    )] = None,
    manifest: Annotated[Path, typer.Option(
        help="Frozen split manifest; new documents are added, old ones never move.")] = (
        MANIFESTS / "real.json"),
    synthetic: Annotated[bool, typer.Option(
        help="Run on the small corpus written by the project instead (its own export and "
             "manifest).")] = False,
    lead: Annotated[int, typer.Option(help="Annotator id whose label breaks ties.")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the baselines.")] = 13,
    quick: Annotated[bool, typer.Option(
        help="Small hyperparameter grids and 3 folds for the baselines, and no model that "
             "needs an optional extra.")] = False,
    force: Annotated[bool, typer.Option(help="Rerun stages whose inputs have not changed.")] = (
        False),
) -> None:
    """Run corpus → segment → tasks → agreement → adjudicate → split → build → baselines."""
    from stancekit import schema
    from stancekit.baselines.stance import MODELS, OPTIONAL
    from stancekit.cli.adjudicate import adjudicate
    from stancekit.cli.agreement import agreement
    from stancekit.cli.baselines import train_cmd
    from stancekit.cli.build import build
    from stancekit.cli.corpus import gold_cmd
    from stancekit.cli.events import events
    from stancekit.cli.segment import segment
    from stancekit.cli.split import split
    from stancekit.cli.tasks import tasks
    from stancekit.files import read_text, write_text
    from stancekit.labeling.config import label_config
    from stancekit.labeling.guidelines import GUIDELINES
    from stancekit.labeling.realnews.corpus import DOCUMENTS
    from stancekit.stages import Stages

    out = output
    stages = Stages(out, force=force)
    if synthetic:
        articles, export = SYNTHETIC / "articles.jsonl", SYNTHETIC / "gold.json"
        manifest, about = MANIFESTS / "synthetic.json", SYNTHETIC / "CARD.md"
    else:
        articles, about = corpus / DOCUMENTS, corpus / "CARD.md"
    sentences, task_file = out / "sentences.jsonl", out / "tasks.json"
    gold, queue, splits = out / "gold.jsonl", out / "queue.json", out / "splits.json"
    dataset, baselines = out / "dataset", out / "baselines"
    datasheet = out / "DATASHEET.md"

    def step(name: str, inputs: list[Path], outputs: list[Path], params: dict, fn) -> None:
        typer.secho(f"\n== {name}", bold=True)
        if not stages.run(name, inputs, outputs, params, fn):
            typer.echo("up to date (inputs and options unchanged)")

    def copy_manifest() -> None:
        out.mkdir(parents=True, exist_ok=True)
        if manifest.is_file():
            shutil.copyfile(manifest, splits)

    def build_dataset() -> None:
        write_text(datasheet, read_text(DATASHEET))
        build(export, splits=splits, output=dataset, lead=lead, datasheet=datasheet,
              about=about if about.is_file() else None, documents=articles)

    if export is None:
        export = out / "export.json"
        step("corpus", [corpus], [export], {}, lambda: gold_cmd(corpus, output=export))
    step("segment", [articles], [sentences], {}, lambda: segment(articles, output=sentences))
    step("tasks", [sentences], [task_file], {}, lambda: tasks(sentences, output=task_file))

    def write_config() -> None:
        write_text(out / "label_config.xml", label_config())
        typer.echo(f"Label Studio config generated from the schema -> {out / 'label_config.xml'}")

    step("config", [Path(schema.__file__), schema.active_file().path, GUIDELINES],
         [out / "label_config.xml"], {},
         write_config)
    step("agreement", [export], [out / "agreement.md"], {},
         lambda: agreement(export, output=out / "agreement.json", markdown=out / "agreement.md",
                           plot=out / "agreement.png"))
    step("adjudicate", [export], [gold, queue], {"lead": lead},
         lambda: adjudicate(export, output=gold, queue=queue, lead=lead))
    frozen = [manifest] if manifest.is_file() else []
    step("split", [export, *frozen], [splits], {"lead": lead}, lambda: (
        copy_manifest(), split(export, output=splits, lead=lead, test=0.2, validation=0.1)))
    step("build", [export, splits, articles], [dataset], {"lead": lead}, build_dataset)
    step("events", [dataset], [out / "events.csv", out / "events.png"], {},
         lambda: events(dataset, output=out / "events.csv", plot=out / "events.png"))
    step("baselines", [dataset], [baselines / "results.md"], {"seed": seed, "quick": quick},
         lambda: train_cmd(dataset, output=baselines, seed=seed, quick=quick,
                           folds=3 if quick else 5,
                           model=[m for m in MODELS if m not in OPTIONAL] if quick else None))
    typer.secho("\n== results", bold=True)
    typer.echo(read_text(baselines / "results.md"))
