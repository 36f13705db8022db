"""The documents behind a dataset: text and origin by id, and the sentences checked against them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from stancekit.files import InputError, iter_jsonl
from stancekit.labeling.corpus import read_corpus

ORIGIN = ("repository", "commit", "path")


def read_documents(path: Path | str) -> dict[str, dict]:
    """Each document's ``text`` and ``origin`` (None when not recorded) by id, from a corpus
    as `stancekit segment` reads it."""
    path = Path(path)
    origins = {}
    shards = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    for shard in (s for s in shards if s.suffix == ".jsonl"):
        for lineno, obj in iter_jsonl(shard):
            origin = obj.get("origin")
            if origin is None:
                continue
            if not (isinstance(origin, dict)
                    and all(isinstance(origin.get(k), str) for k in ORIGIN)):
                raise InputError(shard, f"needs {', '.join(ORIGIN)} as strings",
                                 record=f"line {lineno}", field="origin")
            origins[str(obj.get("id"))] = {k: origin[k] for k in ORIGIN}
    return {doc.doc_id: {"text": doc.text, "origin": origins.get(doc.doc_id)}
            for doc in read_corpus(path)}


def check_offsets(gold: Iterable[dict], documents: dict[str, dict], path: Path | str,
                  export: Path | str) -> None:
    """Every gold sentence is in *documents* and its ``start``-``end`` slice is its text."""
    for r in gold:
        doc = documents.get(r["doc_id"])
        where = f"sentence {r['sentence_id']}"
        if doc is None:
            raise InputError(path, f"has no document {r['doc_id']!r}, which the export's "
                             f"{where} comes from", field="id")
        start, end = r.get("start"), r.get("end")
        if not (isinstance(start, int) and isinstance(end, int)
                and doc["text"][start:end] == r["text"]):
            raise InputError(export, f"offsets {start}-{end} do not give the sentence's text in "
                             f"document {r['doc_id']} of {path}", record=where, field="start")
