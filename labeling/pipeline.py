"""Segmentation and pre-annotation as batched column functions, for any executor.

``annotate_batch`` takes a batch of documents as columns (``id``, ``text`` and optionally
``title``, ``source``, ``date``, ``url``) and returns one row per sentence: the sentence record
fields plus the cue stance, its score and the gazetteer entities. The same function serves
``stancekit segment``/``tasks`` with ``--workers``, ``datasets.Dataset.map(annotate_batch,
batched=True, num_proc=N, remove_columns=...)``, Dask ``map_partitions`` and Spark
``mapInPandas``: it only reads its argument and keeps no state between calls.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from stancekit.labeling.corpus import METADATA, Document
from stancekit.labeling.cues import cue_tagger
from stancekit.labeling.gazetteer import gazetteer
from stancekit.labeling.segment import check_language, segment_document
from stancekit.labeling.tasks import TASK_FIELDS
from stancekit.schema import active_file, use_schema

if TYPE_CHECKING:
    from multiprocessing.pool import Pool

SENTENCE_COLUMNS = (*TASK_FIELDS, *METADATA)
PREDICTION_COLUMNS = ("stance", "stance_score", "entities")
COLUMNS = SENTENCE_COLUMNS + PREDICTION_COLUMNS

T = TypeVar("T")
R = TypeVar("R")


def documents(batch: dict[str, list]) -> Iterator[Document]:
    """The documents of a column batch (``id``, ``text``, optional metadata columns)."""
    meta = [k for k in METADATA if k in batch]
    for i, (doc_id, text) in enumerate(zip(batch["id"], batch["text"], strict=True)):
        yield Document(str(doc_id), text,
                       **{k: str(batch[k][i]) for k in meta if batch[k][i] not in (None, "")})


def predict_document(records: list[dict]) -> list[tuple[str, float, list[dict]]]:
    """(stance, score, entities) of each sentence record of one document, in order."""
    predict = cue_tagger().predict
    return [(*predict(r["text"]), entities) for r, entities
            in zip(records, _entities(records, gazetteer().find), strict=True)]


def _entities(records: list[dict], find: Callable[..., list[dict]]) -> list[list[dict]]:
    """The gazetteer entities of one document's sentences, names seen before remembered."""
    people: set[str] = set()
    return [find(r["text"], people) for r in records]


def annotate_batch(batch: dict[str, list], language: str = "en") -> dict[str, list]:
    """Sentence rows with cue stance and gazetteer entities for a batch of documents."""
    by_doc = [segment_document(doc, language) for doc in documents(batch)]
    rows = [record for records in by_doc for record in records]
    out = {k: [row.get(k) for row in rows] for k in SENTENCE_COLUMNS}
    # One tagger over the whole batch, then the other: faster than taking turns per sentence.
    predict, find = cue_tagger().predict, gazetteer().find
    stances = [predict(row["text"]) for row in rows]
    out["stance"] = [stance for stance, _ in stances]
    out["stance_score"] = [score for _, score in stances]
    out["entities"] = [entities for records in by_doc for entities in _entities(records, find)]
    return out


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of *size* items (the last one shorter)."""
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def by_document(records: Iterable[dict], size: int) -> Iterator[list[dict]]:
    """Chunks of about *size* sentence records that never split a document."""
    chunk: list[dict] = []
    for _, group in itertools.groupby(records, key=lambda r: r["doc_id"]):
        chunk.extend(group)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def n_workers(workers: int) -> int:
    """*workers* processes, or all cores for 0."""
    return workers if workers > 0 else os.cpu_count() or 1


def warm(schema: Path | None = None) -> None:
    """Use the schema file *schema*, and compile the gazetteer and cue patterns and load the
    language table now rather than on the first sentence."""
    if schema is not None:
        use_schema(schema)
    gazetteer(), cue_tagger(), check_language("en")


def pool(workers: int) -> Pool:
    """A pool of *workers* spawned processes with the active schema and the patterns compiled."""
    return multiprocessing.get_context("spawn").Pool(workers, initializer=warm,
                                                     initargs=(active_file().path,))


def parallel_map(fn: Callable[[T], R], chunks: Iterable[T], workers: int = 1,
                 processes: Pool | None = None) -> Iterator[R]:
    """``fn`` over *chunks* in order, in *workers* processes (inline when 1) or *processes*."""
    if processes is not None:
        yield from processes.imap(fn, chunks)
    elif workers <= 1:
        yield from map(fn, chunks)
    else:
        with pool(workers) as processes:
            yield from processes.imap(fn, chunks)
