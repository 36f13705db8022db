"""Every command answers -h and --help, and every option's help shows its default."""

from __future__ import annotations

import logging

import pytest
import typer
from typer.testing import CliRunner

from stancekit import __version__
from stancekit.cli import app

ROOT = typer.main.get_command(app)


def commands(group=ROOT, path: tuple[str, ...] = ()):
    """Every command and group under the root, as (argv path, click command)."""
    yield path, group
    for name, command in getattr(group, "commands", {}).items():
        yield from commands(command, (*path, name))


def takes_a_default(param) -> bool:
    """Options with a value or an on/off pair; a lone flag's default is simply "not given"."""
    if param.param_type_name != "option" or param.required or param.hidden:
        return False
    return not (param.is_flag and not param.secondary_opts)


ALL = list(commands())


@pytest.mark.parametrize(("path", "command"), ALL, ids=[" ".join(p) or "stancekit" for p, _ in ALL])
def test_help_shows_every_default(path: tuple[str, ...], command) -> None:
    runner = CliRunner()
    for flag in ("-h", "--help"):
        result = runner.invoke(app, [*path, flag], prog_name="stancekit")
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"Usage: {' '.join(('stancekit', *path))} ")
    ctx = typer.Context(command, info_name=path[-1] if path else "stancekit")
    with_default = list(filter(takes_a_default, command.params))
    for param in with_default:
        _, text = param.get_help_record(ctx)
        assert "[default: " in text, f"{' '.join(path)} {param.opts[0]}: {text}"
    assert result.output.count("[default:") >= len(with_default), result.output


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output == f"stancekit {__version__}\n"


@pytest.mark.parametrize(("flags", "level"), [((), logging.INFO), (("-v",), logging.DEBUG),
                                              (("--quiet",), logging.WARNING)])
def test_verbose_and_quiet_set_the_log_level(flags: tuple[str, ...], level: int) -> None:
    result = CliRunner().invoke(app, [*flags, "studio", "config"])
    assert result.exit_code == 0, result.output
    assert logging.getLogger("stancekit").level == level
    assert CliRunner().invoke(app, ["-v", "-q", "studio", "config"]).exit_code == 2
