"""The root ``stancekit`` Typer app that every command module registers on."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    help="Turn news articles into a sentence-level stance-and-entity dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

REPO = Path(__file__).resolve().parents[2]
SYNTHETIC = REPO / "corpus" / "synthetic"
REAL = REPO / "corpus" / "real"


def fail(message: str) -> None:
    """Print an error for the user and exit with status 2."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)
