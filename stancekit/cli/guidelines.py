"""The `stancekit guidelines` command."""

from __future__ import annotations

from typing import Annotated

import typer

from stancekit.cli._app import app


@app.command("guidelines")
def guidelines(
    write: Annotated[
        bool, typer.Option("--write", help="Refresh the tables in GUIDELINES.md.")
    ] = False,
) -> None:
    """Print the annotation guidelines with label tables generated from the schema."""
    from stancekit.files import write_text
    from stancekit.labeling.guidelines import GUIDELINES, guidelines_text

    text = guidelines_text()
    if write:
        write_text(GUIDELINES, text)
        typer.echo(f"wrote {GUIDELINES}")
    else:
        typer.echo(text, nl=False)
