"""The ``stancekit`` command line: one module per command, as in spaCy's CLI."""

from __future__ import annotations

import importlib
import sys

import typer

from stancekit.cli._app import app
from stancekit.files import InputError

# Importing a module registers its command; `--help` lists them in pipeline order.
COMMANDS = ("segment", "tasks", "studio", "agreement", "adjudicate", "split", "build",
            "baselines", "publish", "demo", "bench", "guidelines", "corpus")
for _name in COMMANDS:
    importlib.import_module(f"stancekit.cli.{_name}")


def run() -> None:
    """Entry point that turns input errors into clear messages and exit status 2."""
    try:
        app(standalone_mode=True)
    except InputError as e:
        typer.secho(f"error: {e}", fg=typer.colors.RED, err=True)
        sys.exit(2)
