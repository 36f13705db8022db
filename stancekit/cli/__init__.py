"""The ``stancekit`` command line: one module per command, as in spaCy's CLI."""

from __future__ import annotations

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
from stancekit.cli._app import app, fail
from stancekit.files import InputError


def run() -> None:
    """Entry point that turns input errors into clear messages."""
    try:
        app()
    except InputError as e:
        fail(str(e))
