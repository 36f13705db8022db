"""The `stancekit agreement` command."""

from stancekit.cli._app import app  # noqa: F401
