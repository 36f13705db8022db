"""The `stancekit segment` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._app import app


@app.command("segment")
def segment(
    corpus: Annotated[Path, typer.Argument(help="Folder of .txt articles, or a .jsonl/.csv file.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Sentence records to write.")] = (
        Path("sentences.jsonl")),
    language: Annotated[str, typer.Option(help="Language code for sentence splitting.")] = "en",
    title_line: Annotated[bool, typer.Option(
        "--title-line/--no-title-line",
        help="Whether the first line of each .txt file is the title.")] = True,
) -> None:
    """Split a corpus of articles into sentence records with offsets and context (JSONL)."""
    from tqdm import tqdm

    from stancekit.files import write_jsonl
    from stancekit.labeling.corpus import read_corpus
    from stancekit.labeling.segment import segment_document

    counts = {"documents": 0, "sentences": 0}

    def records():
        docs = tqdm(read_corpus(corpus, title_line=title_line), desc="segment", unit="doc",
                    disable=None)
        for doc in docs:
            counts["documents"] += 1
            yield from segment_document(doc, language)

    counts["sentences"] = write_jsonl(output, records())
    typer.echo(f"{counts['documents']} documents, {counts['sentences']} sentences -> {output}")
