"""The `stancekit tasks` command."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._app import app, log
from stancekit.cli._engine import ENGINE, SCHEDULER

CHUNK_SENTENCES = 1024


@app.command("tasks")
def tasks(
    sentences: Annotated[Path, typer.Argument(help="Sentence records from `stancekit segment`.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Label Studio tasks to write.")] = (
        Path("tasks.json")),
    ner_model: Annotated[str | None, typer.Option(
        help="Installed spaCy pipeline for entity pre-annotation [default: the built-in gazetteer]."
    )] = None,
    predictions: Annotated[bool, typer.Option(
        "--predictions/--no-predictions", help="Add stance and entity pre-annotations.")] = True,
    dyad_model: Annotated[Path | None, typer.Option(
        help="Learned dyad model (models/dyads.skops of `baselines train`) for the source → "
             "target pre-annotations [default: the nearest-entity heuristic].")] = None,
    workers: Annotated[int, typer.Option(
        min=0, help="Processes pre-annotating and encoding tasks (0: all cores).")] = 1,
    engine: Annotated[str, ENGINE] = "local",
    scheduler: Annotated[str | None, SCHEDULER] = None,
) -> None:
    """Turn sentence records into a Label Studio import file with pre-annotations."""
    from functools import partial

    from tqdm import tqdm

    from stancekit.engines import check_engine, ordered_map
    from stancekit.files import Outputs
    from stancekit.labeling.cues import uncued
    from stancekit.labeling.pipeline import by_document
    from stancekit.labeling.tasks import (
        dyad_predictor,
        encode_tasks,
        read_sentences,
        recognizer,
        write_task_lines,
    )
    from stancekit.schema import active

    check_engine(engine, scheduler)
    ner_model = ner_model if predictions else None
    recognizer(ner_model)  # a missing spaCy pipeline fails here, before any work
    dyads = str(dyad_model) if predictions and dyad_model else None
    dyad_predictor(dyads)
    missing = uncued(active()) if predictions else []
    if missing:
        log.warning("no cues for the stance%s %s in the pre-labeller's lexicon: never "
                    "pre-labelled", "s" * (len(missing) > 1), ", ".join(map(repr, missing)))
    stances: Counter[str] = Counter()

    def lines():
        records = tqdm(read_sentences(sentences), desc="tasks", unit="sentence", disable=None)
        encode = partial(encode_tasks, predictions=predictions, ner_model=ner_model,
                         dyad_model=dyads)
        for part, counts in ordered_map(encode, by_document(records, CHUNK_SENTENCES), engine,
                                        workers, scheduler):
            stances.update(counts)
            yield from part

    with Outputs([sentences]) as outputs:
        n = write_task_lines(output, lines(), outputs)
    summary = f"{n} tasks -> {output}"
    if stances:
        summary += "; pre-labelled stances: " + ", ".join(f"{k}={v}" for k, v in stances.items())
    typer.echo(summary)
