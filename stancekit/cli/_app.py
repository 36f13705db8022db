"""The root ``stancekit`` Typer app that every command module registers on."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from stancekit import __version__
from stancekit.schema import ENV, use_schema

log = logging.getLogger("stancekit")

# Plain help text (no Rich markup) keeps every "[default: ...]" visible.
HELP = {"rich_markup_mode": None, "context_settings": {"help_option_names": ["-h", "--help"]}}

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    **HELP,
)


def subcommands(help: str) -> typer.Typer:
    """A group of commands (``stancekit NAME ...``) with the root app's help settings."""
    return typer.Typer(help=help, no_args_is_help=True, **HELP)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stancekit {__version__}")
        raise typer.Exit()


def setup_logging(level: int) -> None:
    """Send the ``stancekit`` logger's messages to stderr at *level*."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Also log debug messages.")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Log only warnings and errors.")] = False,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
    schema: Annotated[Path | None, typer.Option(
        envvar=ENV, exists=True, dir_okay=False,
        help="Annotation schema (YAML) every command of this run uses "
             "[default: the bundled schema.yaml].")] = None,
) -> None:
    """Turn news articles into a sentence-level stance-and-entity dataset."""
    if verbose and quiet:
        raise typer.BadParameter("--verbose and --quiet exclude each other")
    setup_logging(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    use_schema(schema)


def fail(message: str) -> None:
    """Print an error for the user and exit with status 2."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)
