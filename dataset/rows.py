"""Gold records to dataset rows, with every label checked against the schema."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from stancekit.dataset.features import METADATA
from stancekit.dataset.tokens import SpanError, bio_tags
from stancekit.events.table import events_rows
from stancekit.files import InputError
from stancekit.schema import SCHEMA


def _ids(names: list[str]) -> dict[str, int]:
    """Each of the active schema's *names* with its ClassLabel id."""
    return {name: i for i, name in enumerate(names)}


def _where(record: dict) -> str:
    return f"sentence {record.get('sentence_id')}"


def _entity(record: dict, entity: dict, path: Path | str) -> dict:
    types = _ids(SCHEMA.entity_names)
    if entity.get("label") not in types:
        raise InputError(path, f"unknown entity type {entity.get('label')!r}",
                         record=_where(record), field="entities")
    start, end = entity.get("start"), entity.get("end")
    text = record["text"]
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
            and text[start:end] == entity.get("text")):
        raise InputError(path, f"entity {entity.get('text')!r} at {start}-{end} does not match "
                         "the sentence text", record=_where(record), field="entities")
    return {"start": start, "end": end, "text": entity["text"], "label": types[entity["label"]]}


def _annotation(record: dict, annotation: dict, path: Path | str) -> dict:
    if annotation.get("stance") not in _ids(SCHEMA.stance_names):
        raise InputError(path, f"unknown stance {annotation.get('stance')!r} by annotator "
                         f"{annotation.get('annotator')}", record=_where(record),
                         field="annotations")
    return {"annotator": annotation["annotator"],
            "stance": _ids(SCHEMA.stance_names)[annotation["stance"]],
            "ground_truth": bool(annotation.get("ground_truth"))}


def stance_row(record: dict, path: Path | str = "gold") -> dict:
    """The ``stance`` config row of one gold record."""
    stances, (source, target) = _ids(SCHEMA.stance_names), SCHEMA.dyad_keys
    if record.get("stance") not in stances:
        raise InputError(path, f"unknown stance {record.get('stance')!r}", record=_where(record),
                         field="stance")
    return {
        "id": record["sentence_id"],
        "doc_id": record["doc_id"],
        "sentence_index": record["index"],
        "start": record.get("start"),
        "end": record.get("end"),
        "text": record["text"],
        "context": record.get("context") or record["text"],
        "stance": stances[record["stance"]],
        "entities": [_entity(record, e, path) for e in record.get("entities", [])],
        "dyads": [{source: _entity(record, d[source], path),
                   target: _entity(record, d[target], path)} for d in record.get("dyads", [])],
        "annotations": [_annotation(record, a, path) for a in record.get("annotations", [])],
        "n_annotations": record.get("n_annotations", 1),
        "agreement": record.get("agreement", 1.0),
        **{name: record.get(name) or None for name in METADATA},
        "stratum": record.get("stratum"),
        "weight": record.get("weight"),
    }


def entities_row(record: dict, path: Path | str = "gold") -> dict:
    """The ``entities`` config row of one gold record: tokens, BIO tags, offsets."""
    entities = record.get("entities", [])
    for e in entities:
        _entity(record, e, path)
    try:
        spans, tags = bio_tags(record["text"], entities)
    except SpanError as e:
        raise InputError(path, str(e), record=_where(record), field="entities") from None
    text, tag_ids = record["text"], _ids(SCHEMA.bio_tags)
    return {
        "id": record["sentence_id"],
        "doc_id": record["doc_id"],
        "text": text,
        "tokens": [text[a:b] for a, b in spans],
        "ner_tags": [tag_ids[t] for t in tags],
        "token_starts": [a for a, _ in spans],
        "token_ends": [b for _, b in spans],
    }


def document_row(records: list[dict], documents: Mapping[str, dict] | None = None) -> dict:
    """The ``documents`` config row of one document's gold records (in sentence order), with
    its text and origin when *documents* has them."""
    first = records[0]
    doc = (documents or {}).get(first["doc_id"], {})
    return {
        "doc_id": first["doc_id"],
        **{name: first.get(name) or None for name in METADATA},
        "n_sentences": len(records),
        "sentence_ids": [r["sentence_id"] for r in records],
        "text": doc.get("text"),
        "origin": doc.get("origin"),
    }


ROWS: dict[str, Callable[[dict, Path | str], list[dict]]] = {
    "stance": lambda record, path: [stance_row(record, path)],
    "entities": lambda record, path: [entities_row(record, path)],
    "events": events_rows,
}
"""Each per-sentence config's rows of one gold record (``documents`` rows group records)."""
