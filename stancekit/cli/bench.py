"""The `stancekit bench` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._app import app


@app.command("bench")
def bench(
    sizes: Annotated[str | None, typer.Option(
        help="Corpus sizes in sentences, comma-separated [default: 10000,100000,1000000; "
             "--quick: 2000,10000].")] = None,
    quick: Annotated[bool, typer.Option(
        "--quick", help="Small sizes, no Label Studio server: under a minute.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the table as JSON.")] = False,
    workers: Annotated[int, typer.Option(min=1, help="Processes for the parallel stages.")] = 2,
    push_tasks: Annotated[int | None, typer.Option(
        help="Tasks pushed to a local Label Studio (0 skips) [default: 10000; --quick: 0].")]
    = None,
    train_max: Annotated[int | None, typer.Option(
        help="Largest corpus on which the baselines are trained [default: 100000; "
             "--quick: 0].")] = None,
    work_dir: Annotated[Path | None, typer.Option(
        help="Keep the generated corpora and outputs here [default: a temporary folder].")]
    = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated corpora.")] = 13,
) -> None:
    """Measure throughput and peak memory of every stage, each against a peer tool."""
    from stancekit import bench as b

    if sizes:
        try:
            size_list = tuple(int(s.replace("_", "")) for s in sizes.split(","))
        except ValueError:
            raise typer.BadParameter(f"expected comma-separated integers, got {sizes!r}",
                                     param_hint="--sizes") from None
    else:
        size_list = b.QUICK_SIZES if quick else b.SIZES
    if push_tasks is None:
        push_tasks = b.QUICK_PUSH_TASKS if quick else b.PUSH_TASKS
    if train_max is None:
        train_max = b.QUICK_TRAIN_MAX if quick else b.TRAIN_MAX
    log = (lambda _: None) if as_json else (lambda msg: typer.echo(msg, err=True))
    rows = b.run(size_list, work_dir, workers, push_tasks, train_max, seed, log)
    if as_json:
        typer.echo(json.dumps({"environment": b.environment(), "stages": rows}, indent=2))
    else:
        typer.echo(b.table(rows))
