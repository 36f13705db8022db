"""The `stancekit build` command."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stancekit.cli._app import app

if TYPE_CHECKING:
    from stancekit.labeling.export import Export


@app.command("build")
def build(
    export: Annotated[Path, typer.Argument(help="Label Studio JSON export.")],
    splits: Annotated[Path, typer.Option(help="Split manifest from `stancekit split`.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Dataset folder to write.")],
    lead: Annotated[int | None, typer.Option(help="Annotator id whose label breaks ties.")] = None,
    strict: Annotated[bool, typer.Option(help="Exit 1 and write nothing on any leakage.")] = False,
    datasheet: Annotated[Path | None, typer.Option(
        help="Datasheet whose statistics block is filled in, in place and in the copy "
             "written to the dataset folder.")] = None,
    pretty_name: Annotated[str | None, typer.Option(help="Name on the dataset card.")] = None,
    license: Annotated[str | None, typer.Option(
        help="License id on the dataset card [default: what the sources' licences require]."
    )] = None,
    about: Annotated[Path | None, typer.Option(
        help="Markdown placed in the card: where the text came from, who annotated it and how, "
             "known limits.")] = None,
) -> None:
    """Build a Hugging Face dataset folder (stance and entities configs) from an export."""
    from stancekit.dataset import build_dataset, write_dataset
    from stancekit.dataset.card import PRETTY_NAME, dataset_card, fill_stats, mixed_license
    from stancekit.dataset.stats import dataset_stats
    from stancekit.files import InputError, dumps, read_text, write_text
    from stancekit.labeling.export import read_export
    from stancekit.labeling.gold import resolve
    from stancekit.splits import check_leakage, manifest_assignment, match_gold, read_manifest

    manifest = read_manifest(splits)
    data = read_export(export)
    resolution = resolve(data, lead=lead)
    gold = resolution.gold
    for reason, n in resolution.stats["excluded"].items():
        typer.echo(f"excluded {n} sentences without a gold label: {reason}")
    for reason, n in resolution.stats["skipped"].items():
        typer.echo(f"skipped {n} annotations: {reason}")
    for what, n in resolution.stats["collapsed"].items():
        typer.echo(f"collapsed {n}: {what}")
    if not gold:
        raise InputError(export, "no sentence has a gold label; nothing to build")
    for warning in match_gold(manifest, gold, splits):
        typer.secho(f"warning: {warning}", fg=typer.colors.YELLOW, err=True)
    assignment = manifest_assignment(manifest, splits)
    leakage = check_leakage(gold, manifest["documents"])
    for line in leakage.describe():
        typer.echo(f"leakage: {line}")
    if strict and leakage:
        typer.secho("leakage found (--strict): nothing written", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    datasets = build_dataset(gold, assignment, path=export)
    stats = dataset_stats(gold, assignment, resolution.stats, alpha=_alpha(data),
                          leakage=leakage.summary())
    num_bytes = {config: {split: ds.data.nbytes for split, ds in dd.items()}
                 for config, dd in datasets.items()}
    files = {"README.md": dataset_card(stats, manifest, num_bytes, pretty_name or PRETTY_NAME,
                                       license or mixed_license(stats["licenses"]),
                                       read_text(about) if about else ""),
             "splits.json": dumps(manifest)}
    if datasheet:
        files["DATASHEET.md"] = fill_stats(read_text(datasheet), stats, datasheet)
    write_dataset(datasets, output, files)
    if datasheet:
        write_text(datasheet, files["DATASHEET.md"])
    for name, s in stats["splits"].items():
        labels = ", ".join(f"{k}={v}" for k, v in s["labels"].items())
        typer.echo(f"{name}: {s['documents']} documents, {s['sentences']} sentences ({labels})")
    typer.echo(f"wrote {output} ({stats['sentences']} of {resolution.stats['sentences']} "
               f"sentences)")


def _alpha(export: Export) -> float | None:
    """Krippendorff's alpha of the stance over the sentences annotated more than once."""
    from stancekit.labeling.agreement import independent, stance_alpha
    from stancekit.labeling.export import iter_units

    return stance_alpha(independent(votes) for _, votes in iter_units(export))
