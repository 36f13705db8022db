"""The `stancekit build` command."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stancekit.cli._app import app, log

if TYPE_CHECKING:
    from stancekit.labeling.export import Export


@app.command("build")
def build(
    export: Annotated[Path, typer.Argument(help="Label Studio JSON export.")],
    splits: Annotated[Path, typer.Option(help="Split manifest from `stancekit split`.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Dataset folder to write.")],
    lead: Annotated[int | None, typer.Option(
        help="Annotator id whose label breaks ties [default: none, ties are excluded].")] = None,
    review: Annotated[Path | None, typer.Option(
        help="Export of the review project, whose decisions replace the gold of the reviewed "
        "sentences (as in `stancekit adjudicate --review`) [default: none].")] = None,
    strict: Annotated[bool, typer.Option(help="Exit 1 and write nothing on any leakage.")] = False,
    datasheet: Annotated[Path | None, typer.Option(
        help="Datasheet whose statistics block is filled in, in place and in the copy "
             "written to the dataset folder [default: none].")] = None,
    pretty_name: Annotated[str | None, typer.Option(
        help="Name on the dataset card [default: stancekit stance and entity dataset].")] = None,
    license: Annotated[str | None, typer.Option(
        help="License id on the dataset card [default: what the sources' licences require]."
    )] = None,
    about: Annotated[Path | None, typer.Option(
        help="Markdown placed in the card: where the text came from, who annotated it and how, "
             "known limits; its YAML front matter may set the card's language_creators "
             "(found), annotations_creators (expert-generated) and source_datasets (the "
             "documents' repositories, else original) [default: none].")] = None,
    documents: Annotated[Path | None, typer.Option(
        help="The corpus the export's sentences were segmented from (as `stancekit segment` "
             "reads it): gives the documents config each document's text and origin, and the "
             "card its source repositories; every sentence's offsets are checked against it "
             "[default: none]."
    )] = None,
    language: Annotated[str, typer.Option(
        help="Language code on the card when the records carry no `language` (the language "
             "given to `stancekit segment --language`).")] = "en",
) -> None:
    """Build a Hugging Face dataset folder (stance, entities and documents configs)."""
    from stancekit.dataset.build import SCHEMA_FILE, write_streaming
    from stancekit.dataset.card import PRETTY_NAME, dataset_card, fill_stats, mixed_license
    from stancekit.dataset.documents import check_offsets, read_documents
    from stancekit.dataset.stats import DatasetStats
    from stancekit.files import InputError, Outputs, dumps, read_text, write_text
    from stancekit.labeling.export import read_export
    from stancekit.labeling.gold import annotator_stances, resolve
    from stancekit.schema import active_file
    from stancekit.splits import check_leakage, manifest_assignment, match_gold, read_manifest

    manifest = read_manifest(splits)
    data = read_export(export)
    resolution = resolve(data, lead=lead)
    if review:
        from stancekit.labeling.review import apply_review

        resolution = apply_review(resolution, data, read_export(review))
        typer.echo(f"review: {resolution.stats['review']['applied']} decisions applied")
    gold = resolution.gold
    for reason, n in resolution.stats["excluded"].items():
        log.info("excluded %d sentences without a gold label: %s", n, reason)
    for reason, n in resolution.stats["skipped"].items():
        log.info("skipped %d annotations: %s", n, reason)
    for what, n in resolution.stats["collapsed"].items():
        log.info("collapsed %d: %s", n, what)
    if not gold:
        raise InputError(export, "no sentence has a gold label; nothing to build")
    for warning in match_gold(manifest, gold, splits):
        log.warning("warning: %s", warning)
    assignment = manifest_assignment(manifest, splits)
    leakage = check_leakage(gold, manifest["documents"])
    for line in leakage.describe():
        typer.echo(f"leakage: {line}")
    if strict and leakage:
        typer.secho("leakage found (--strict): nothing written", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    docs = read_documents(documents) if documents else None
    if docs is not None:
        check_offsets(gold, docs, documents, export)
    stances = annotator_stances(data)
    rows = ({**r, "annotations": stances[r["sentence_id"]]} for r in gold)
    counts = DatasetStats(assignment, docs)
    stats: dict = {}
    files: dict[str, str] = {}

    def texts(num_bytes: dict[str, dict[str, int]]) -> dict[str, str]:
        stats.update(counts.result(resolution.stats, alpha=_alpha(data),
                                   leakage=leakage.summary()))
        files.update({"README.md": dataset_card(stats, manifest, num_bytes,
                                                pretty_name or PRETTY_NAME,
                                                license or mixed_license(stats["licenses"]),
                                                read_text(about) if about else "", language,
                                                about_path=about or "about"),
                      "splits.json": dumps(manifest), SCHEMA_FILE: active_file().text})
        if datasheet:
            files["DATASHEET.md"] = fill_stats(read_text(datasheet), stats, datasheet)
        return files

    with Outputs([export, splits, *(p for p in (documents, review) if p)]) as outputs:
        write_streaming(rows, assignment, output, texts, path=export, documents=docs,
                        outputs=outputs, each=counts.add)
        if datasheet:
            write_text(datasheet, files["DATASHEET.md"], outputs)
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
