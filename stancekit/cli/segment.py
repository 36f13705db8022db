"""The `stancekit segment` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._app import app
from stancekit.cli._engine import ENGINE, SCHEDULER

CHUNK_DOCS = 64


@app.command("segment")
def segment(
    corpus: Annotated[Path, typer.Argument(
        help="Folder of .txt articles or of .jsonl/.parquet shards, a .jsonl, .parquet or .csv "
             "file, or a quoted glob pattern such as 'shards/*.parquet'.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Sentence records to write.")] = (
        Path("sentences.jsonl")),
    language: Annotated[str, typer.Option(help="Language code for sentence splitting.")] = "en",
    title_line: Annotated[bool, typer.Option(
        "--title-line/--no-title-line",
        help="Whether the first line of each .txt file is the title.")] = True,
    workers: Annotated[int, typer.Option(
        min=0, help="Processes segmenting documents (0: all cores).")] = 1,
    engine: Annotated[str, ENGINE] = "local",
    scheduler: Annotated[str | None, SCHEDULER] = None,
) -> None:
    """Split a corpus of articles into sentence records with offsets and context (JSONL)."""
    from functools import partial

    from tqdm import tqdm

    from stancekit.engines import check_engine, ordered_map
    from stancekit.files import Outputs, write_lines
    from stancekit.labeling.corpus import read_corpus
    from stancekit.labeling.pipeline import chunked
    from stancekit.labeling.segment import encode_documents

    check_engine(engine, scheduler)

    counts = {"documents": 0}

    def documents():
        for doc in tqdm(read_corpus(corpus, title_line=title_line), desc="segment", unit="doc",
                        disable=None):
            counts["documents"] += 1
            yield doc

    parts = ordered_map(partial(encode_documents, language=language),
                        chunked(documents(), CHUNK_DOCS), engine, workers, scheduler)
    with Outputs([corpus]) as outputs:
        n = write_lines(output, (line for part in parts for line in part), outputs)
    typer.echo(f"{counts['documents']} documents, {n} sentences -> {output}")
