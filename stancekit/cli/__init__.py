"""The ``stancekit`` command line: one module per command, as in spaCy's CLI."""

from __future__ import annotations

import sys

import typer

from stancekit.cli import (  # noqa: F401  (importing registers the commands)
    adjudicate,
    agreement,
    baselines,
    bench,
    build,
    corpus,
    demo,
    guidelines,
    segment,
    split,
    studio,
    tasks,
)
from stancekit.cli._app import app
from stancekit.files import InputError


def run() -> None:
    """Entry point that turns input errors into clear messages and exit status 2."""
    try:
        app(standalone_mode=True)
    except InputError as e:
        typer.secho(f"error: {e}", fg=typer.colors.RED, err=True)
        sys.exit(2)
