"""The `stancekit actors` commands: extend the actor dictionary and measure its coverage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._app import app, subcommands
from stancekit.cli.events import Dictionary, Records

actors_app = subcommands("Curate the actor dictionary that `stancekit events` normalises "
                         "entity mentions with.")
app.add_typer(actors_app, name="actors")


@actors_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The mention as it appears in text.")],
    dictionary: Annotated[Path, typer.Option(
        "--dictionary", dir_okay=False,
        help="Dictionary file to extend; a new file extends the bundled dictionary.")],
    country: Annotated[str | None, typer.Option(
        help="ISO 3166-1 alpha-3 code [default: none].")] = None,
    role: Annotated[str | None, typer.Option(
        help="Role code (GOV, MIL, LEG, JUD, OPP, REB, POL, MED, BUS, NGO, IGO) "
             "[default: none].")] = None,
    code: Annotated[str | None, typer.Option(
        help="An international organisation's own actor code (UN, NATO) [default: none].")
    ] = None,
    wikipedia: Annotated[str | None, typer.Option(
        help="Wikipedia page title [default: none].")] = None,
    type: Annotated[str | None, typer.Option(
        "--type", help="Entity type (PERSON, ORG, GPE, NORP) [default: none].")] = None,
) -> None:
    """Add a name with its country and role to a user copy of the actor dictionary."""
    from stancekit.events.curate import add_actor

    entry, actors = add_actor(dictionary, name, country=country, role=role, code=code,
                              wikipedia=wikipedia, entity_type=type)
    what = ", ".join(f"{k} {v}" for k, v in entry.items() if k != "names")
    typer.echo(f"{name}: {what} -> {dictionary} (version {actors.version})")


@actors_app.command("coverage")
def coverage(
    dataset: Records,
    dictionary: Dictionary = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the report as JSON [default: not written].")] = None,
    markdown: Annotated[Path | None, typer.Option(
        help="Write the report as markdown [default: not written].")] = None,
    top: Annotated[int, typer.Option(
        min=0, help="How many unnormalised mentions to list.")] = 25,
) -> None:
    """Share of entity mentions normalised per entity type; the top unnormalised mentions."""
    from stancekit.events.coverage import coverage as measure
    from stancekit.events.coverage import coverage_markdown
    from stancekit.events.dictionary import load_actors
    from stancekit.events.table import read_records
    from stancekit.files import Outputs, write_json, write_text

    report = measure(read_records(dataset), load_actors(dictionary), top=top, path=dataset)
    text = coverage_markdown(report)
    with Outputs([dataset, *([dictionary] if dictionary else [])]) as outputs:
        if output:
            write_json(output, report, outputs=outputs)
        if markdown:
            write_text(markdown, text, outputs)
    typer.echo(text, nl=False)
