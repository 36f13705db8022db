"""The `stancekit adjudicate` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._app import app


def _counts(tally: dict[str, int]) -> str:
    total = sum(tally.values())
    return f"{total}" + (" (" + ", ".join(f"{k} {v}" for k, v in tally.items()) + ")"
                         if tally else "")


@app.command("adjudicate")
def adjudicate(
    export: Annotated[Path, typer.Argument(help="Label Studio JSON export.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Gold JSONL to write.")],
    queue: Annotated[Path | None, typer.Option(
        help="Write sentences to review as a Label Studio import file [default: not "
             "written].")] = None,
    lead: Annotated[int | None, typer.Option(
        help="User id of the lead annotator, who breaks ties [default: none, ties are "
             "excluded].")] = None,
    min_agreement: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="Queue majority decisions of 3+ annotators below this share.")
    ] = 0.67,
    review: Annotated[Path | None, typer.Option(
        help="Export of the review project (the queue pushed to Label Studio and labeled by a "
        "reviewer): its decisions replace the gold of those sentences [default: none].")] = None,
) -> None:
    """Resolve annotations to one gold label per sentence and queue disagreements for review."""
    from stancekit.files import Outputs
    from stancekit.labeling.gold import adjudicate_export

    with Outputs([export, *([review] if review else [])]) as outputs:
        stats = adjudicate_export(export, output, queue, lead=lead, min_agreement=min_agreement,
                                  review=review, outputs=outputs)
    typer.echo(f"gold: {_counts(stats['resolution'])} -> {output}")
    typer.echo(f"excluded: {_counts(stats['excluded'])}")
    typer.echo(f"queued for review: {_counts(stats['queued'])}"
               + (f" -> {queue}" if queue else ""))
    typer.echo(f"skipped annotations: {_counts(stats['skipped'])}")
    if review:
        done = stats["review"]
        typer.echo(f"review: {done['applied']} decisions applied from {review}"
                   + (f", {done['not_in_export']} on sentences not in {export}"
                      if done["not_in_export"] else "")
                   + f"; skipped review annotations: {_counts(done['skipped'])}")
    typer.echo(f"relations and choices collapsed: {_counts(stats['collapsed'])}")
    typer.echo(f"drafts and predictions seen (not annotations): "
               f"{stats['drafts']} drafts, {stats['predictions']} predictions")
