"""The `stancekit corpus` commands: check and build the bundled corpus from its markup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._app import BUNDLED, app

corpus_app = typer.Typer(help="Maintain the bundled corpus written in stancekit markup.",
                         no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")


@corpus_app.command("check")
def check(
    files: Annotated[list[Path], typer.Argument(help="Source files in stancekit markup.")],
) -> None:
    """Check markup and sentence boundaries of corpus source files; print stance counts."""
    from stancekit.labeling.markup import check_sources

    problems, counts = check_sources(files)
    for name, tally in counts.items():
        typer.echo(f"{name}: " + ", ".join(f"{k}={v}" for k, v in tally.items()))
    if len(counts) > 1:
        totals = {k: sum(t[k] for t in counts.values()) for k in next(iter(counts.values()))}
        typer.echo("total: " + ", ".join(f"{k}={v}" for k, v in totals.items()))
    for p in problems:
        typer.secho(p, fg=typer.colors.YELLOW, err=True)
    if problems:
        raise typer.Exit(1)


@corpus_app.command("build")
def build(
    src: Annotated[Path, typer.Option(help="Folder of markup source files.")] = BUNDLED / "src",
    articles: Annotated[Path, typer.Option(help="Plain articles (JSONL) to write.")] = (
        BUNDLED / "articles.jsonl"),
    gold: Annotated[Path, typer.Option(help="Label Studio export to write.")] = (
        BUNDLED / "gold.json"),
    second_pass: Annotated[Path, typer.Option(help="Second, blind annotation pass.")] = (
        BUNDLED / "second_pass.tsv"),
) -> None:
    """Build the plain articles and the gold Label Studio export from markup sources."""
    from stancekit.labeling.markup import build_export

    stats = build_export(src, articles, gold, second_pass if second_pass.exists() else None)
    typer.echo(", ".join(f"{k}: {v}" for k, v in stats.items()))
