"""The ``stancekit`` command line: one module per command, as in spaCy's CLI."""

from __future__ import annotations

import contextlib
import importlib
import signal
import sys
from collections.abc import Iterator

import typer

from stancekit.cli._app import app
from stancekit.files import InputError, StageError

# Importing a module registers its command; `--help` lists them in pipeline order.
COMMANDS = ("segment", "tasks", "studio", "agreement", "adjudicate", "split", "build",
            "events", "actors", "baselines", "publish", "demo", "bench", "guidelines", "corpus")
for _name in COMMANDS:
    importlib.import_module(f"stancekit.cli.{_name}")


@contextlib.contextmanager
def errors_to_exit() -> Iterator[None]:
    """Turn bad input, I/O and network errors into one line on stderr and exit status 2."""
    try:
        yield
    except (InputError, StageError) as e:
        _exit(str(e), 2)
    except OSError as e:
        where = " -> ".join(str(f) for f in (e.filename, e.filename2) if f is not None)
        _exit(f"{where}: {e.strerror or e}" if where else str(e), 2)
    except Exception as e:
        httpx = sys.modules.get("httpx")
        if httpx is None or not isinstance(e, httpx.HTTPError):
            raise
        url = e.request.url if isinstance(e, httpx.RequestError) else ""
        _exit(f"cannot reach the server {url}: {e or type(e).__name__}", 2)


def _exit(message: str, status: int) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    sys.exit(status)


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so temporary outputs are removed on the way out."""
    typer.secho("error: terminated; no output was replaced", fg=typer.colors.RED, err=True)
    raise KeyboardInterrupt


def run() -> None:
    """Entry point: run the command inside the error boundary; SIGTERM unwinds cleanly."""
    signal.signal(signal.SIGTERM, _terminate)
    with errors_to_exit():
        app(standalone_mode=True)
