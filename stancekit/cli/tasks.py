"""The `stancekit tasks` command."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._app import app


@app.command("tasks")
def tasks(
    sentences: Annotated[Path, typer.Argument(help="Sentence records from `stancekit segment`.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Label Studio tasks to write.")] = (
        Path("tasks.json")),
    ner_model: Annotated[str | None, typer.Option(
        help="Installed spaCy pipeline for entity pre-annotation (default: built-in gazetteer)."
    )] = None,
    predictions: Annotated[bool, typer.Option(
        "--predictions/--no-predictions", help="Add stance and entity pre-annotations.")] = True,
) -> None:
    """Turn sentence records into a Label Studio import file with pre-annotations."""
    from tqdm import tqdm

    from stancekit.labeling.tasks import build_tasks, read_sentences, spacy_entities, write_tasks

    recognizer = spacy_entities(ner_model) if ner_model and predictions else None
    stances: Counter[str] = Counter()

    def counted(items):
        for task in items:
            for p in task.get("predictions", []):
                stances[p["result"][0]["value"]["choices"][0]] += 1
            yield task

    records = tqdm(read_sentences(sentences), desc="tasks", unit="sentence", disable=None)
    n = write_tasks(output, counted(build_tasks(records, recognizer, predictions)))
    summary = f"{n} tasks -> {output}"
    if stances:
        summary += "; pre-labelled stances: " + ", ".join(f"{k}={v}" for k, v in stances.items())
    typer.echo(summary)
