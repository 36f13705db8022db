"""The `stancekit events` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._app import app

Dictionary = Annotated[Path | None, typer.Option(
    "--dictionary", exists=True, dir_okay=False,
    help="Actor dictionary (YAML) [default: the bundled events/actors.yaml].")]
Records = Annotated[Path, typer.Argument(
    exists=True, help="Dataset folder (its stance and events configs), gold JSONL "
                      "(`stancekit adjudicate`) or Label Studio export.")]


@app.command("events")
def events(
    dataset: Records,
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Events table (.csv), one row per dyad.")],
    plot: Annotated[Path | None, typer.Option(
        help="Write a figure of the events per month and the top country pairs (.png) "
             "[default: not drawn].")] = None,
    dictionary: Dictionary = None,
) -> None:
    """Turn the dyads into a dyadic events table with canonical actors (country, role)."""
    from stancekit.events.dictionary import load_actors
    from stancekit.events.plot import plot_events
    from stancekit.events.table import events_table
    from stancekit.files import Outputs, write_text
    from stancekit.schema import SCHEMA

    actors = load_actors(dictionary)
    frame = events_table(dataset, actors)
    with Outputs([dataset, *([dictionary] if dictionary else [])]) as outputs:
        write_text(output, frame.to_csv(index=False, lineterminator="\n"), outputs)
        if plot:
            plot_events(frame, plot, outputs)
    source, target = SCHEMA.dyad_keys
    both = int((frame[f"{source}_country"].notna() & frame[f"{target}_country"].notna()).sum())
    typer.echo(f"{len(frame)} events, {both} between two countries, actors from "
               f"{actors.path} (version {actors.version}) -> {output}")
