"""The `stancekit agreement` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._app import app


@app.command("agreement")
def agreement(
    export: Annotated[Path, typer.Argument(help="Label Studio JSON export.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the report as JSON [default: not written].")] = None,
    markdown: Annotated[Path | None, typer.Option(
        help="Write the report as markdown [default: not written].")] = None,
    plot: Annotated[Path | None, typer.Option(
        help="Write a heatmap of the stance confusion between annotators (.png) "
             "[default: not drawn].")] = None,
) -> None:
    """Measure inter-annotator agreement on stance, entities and dyads; print a report."""
    from stancekit.files import Outputs, write_json, write_text
    from stancekit.labeling.agreement import agreement_report, markdown_report, plot_confusion
    from stancekit.labeling.export import read_export

    report = agreement_report(read_export(export))
    text = markdown_report(report)
    with Outputs([export]) as outputs:
        if output:
            write_json(output, report, outputs=outputs)
        if markdown:
            write_text(markdown, text, outputs)
        if plot:
            plot_confusion(report, plot, outputs)
    typer.echo(text, nl=False)
