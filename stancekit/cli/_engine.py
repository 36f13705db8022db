"""The ``--engine`` and ``--scheduler`` options of the commands that run in chunks."""

from __future__ import annotations

import typer

ENGINE = typer.Option(
    metavar="[local|dask]",
    help="Where the chunks run: local processes (--workers), or Dask (a local cluster of "
         "--workers processes, or the --scheduler's workers).")
SCHEDULER = typer.Option(
    metavar="ADDRESS",
    help="Dask scheduler to run on, such as tcp://host:8786 [default: a local cluster].")
