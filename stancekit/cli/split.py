"""The `stancekit split` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._app import app, log


@app.command("split")
def split(
    export: Annotated[Path, typer.Argument(help="Label Studio JSON export.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Manifest to write.")],
    seed: Annotated[int | None, typer.Option(help="Random seed [default: 13, or the "
                                                  "previous manifest's].")] = None,
    test: Annotated[float | None, typer.Option(help="Test fraction [default: 0.2, or the "
                                                    "previous manifest's].")] = None,
    validation: Annotated[float | None, typer.Option(help="Validation fraction [default: 0, "
                                                          "or the previous manifest's].")] = None,
    lead: Annotated[int | None, typer.Option(
        help="Annotator id whose label breaks ties [default: none, ties are excluded].")] = None,
    strict: Annotated[bool, typer.Option(help="Exit 1 and write nothing on any leakage.")] = False,
    previous: Annotated[Path | None, typer.Option(
        help="Earlier manifest whose documents keep their split [default: the output if it "
             "exists].")] = None,
    new_split: Annotated[str | None, typer.Option(
        help="Put every document that the previous manifest lacks in this split (e.g. train, "
             "so validation and test stay as they were) [default: balance them].")] = None,
) -> None:
    """Split gold sentences into document-grouped, stance-stratified train/test sets."""
    from stancekit.files import InputError, write_json
    from stancekit.labeling.gold import resolve_export
    from stancekit.splits import (
        assign_documents,
        check_leakage,
        make_manifest,
        manifest_assignment,
        read_manifest,
        split_documents,
        split_fractions,
    )

    previous = previous or (output if output.exists() else None)
    old = read_manifest(previous) if previous else {}
    old_fractions = old.get("fractions", {})
    seed = seed if seed is not None else old.get("seed", 13)
    test = test if test is not None else old_fractions.get("test", 0.2)
    validation = validation if validation is not None else old_fractions.get("validation", 0.0)
    try:
        fractions = split_fractions(test, validation)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None
    if new_split is not None and new_split not in fractions:
        raise typer.BadParameter(f"{new_split!r} is not one of the splits: "
                                 f"{', '.join(fractions)}", param_hint="--new-split")
    gold = resolve_export(export, lead=lead).gold
    if not gold:
        raise InputError(export, "no sentence has a gold label")
    kept = manifest_assignment(old, previous) if previous else {}
    try:
        assignment = assign_documents(gold, fractions, seed, kept, path=export,
                                      new_split=new_split)
    except ValueError as e:
        if isinstance(e, InputError):
            raise
        raise InputError(previous, str(e)) from None
    dropped = sorted(set(kept) - set(assignment))
    if previous:
        log.info("kept the split of %d documents from %s; assigned %d new documents",
                 len(kept) - len(dropped), previous, len(assignment) - len(kept) + len(dropped))
    if dropped:
        log.warning("warning: %d documents of %s are not in the export and are left out: %s",
                    len(dropped), previous, ", ".join(dropped[:10]))
    leakage = check_leakage(gold, split_documents(assignment, fractions))
    manifest = make_manifest(gold, assignment, fractions, seed, leakage)
    for name in fractions:
        labels = ", ".join(f"{k}={v}" for k, v in manifest["labels"][name].items())
        typer.echo(f"{name}: {manifest['documents_per_split'][name]} documents, "
                   f"{manifest['sentences'][name]} sentences ({labels})")
    for line in leakage.describe():
        typer.echo(f"leakage: {line}")
    if strict and leakage:
        typer.secho("leakage found (--strict): nothing written", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    write_json(output, manifest)
    typer.echo(f"wrote {output}")
