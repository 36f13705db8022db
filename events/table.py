"""Dyadic events: one row per source → target dyad of a gold sentence, both ends normalised to
canonical actors; read from gold JSONL, a Label Studio export or a built dataset folder."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from stancekit.events.dictionary import Actors, load_actors
from stancekit.events.normalise import normalise
from stancekit.files import InputError, iter_jsonl
from stancekit.schema import SCHEMA

if TYPE_CHECKING:
    import pandas as pd

EVENTS = "events"
SENTENCE = ("sentence_id", "doc_id", "date", "stance")
END = ("text", "type", "start", "end", "actor", "country", "role", "wikipedia")
"""The columns of each end of a dyad, prefixed with its role's name ("source_country")."""


def event_columns() -> list[str]:
    """The events table's columns, the dyad ends named by the active schema's roles."""
    return [*SENTENCE, *(f"{role}_{name}" for role in SCHEMA.dyad_keys for name in END)]


def _where(record: dict) -> str:
    return f"sentence {record.get('sentence_id')}"


def checked_span(record: dict, span: object, path: Path | str, field: str) -> dict:
    """*span* if it is an entity span of the record's sentence, else an InputError."""
    text = record.get("text") or ""
    if not (isinstance(span, dict) and isinstance(span.get("start"), int)
            and isinstance(span.get("end"), int) and span.get("label") in SCHEMA.entity_names
            and span.get("text") and text[span["start"]:span["end"]] == span["text"]):
        raise InputError(path, "expected an entity span of the sentence (start, end, text, "
                         f"label of {', '.join(SCHEMA.entity_names)})", record=_where(record),
                         field=field)
    return span


def link_of(links: Iterable[dict], start: int, end: int) -> str | None:
    """The Wikipedia page of the link at exactly start-end, else of one that contains it."""
    links = list(links or [])
    exact = [k for k in links if (k.get("start"), k.get("end")) == (start, end)]
    inside = [k for k in links if k.get("start", end) <= start and end <= k.get("end", start)]
    best = (exact or sorted(inside, key=lambda k: k["end"] - k["start"]))[:1]
    return best[0].get("wikipedia") if best else None


def record_events(record: dict, path: Path | str = "gold",
                  actors: Actors | None = None) -> list[dict]:
    """The events of one gold record, one per dyad, stance and entity types as names."""
    actors = actors or load_actors()
    if record.get("stance") not in SCHEMA.stance_names:
        raise InputError(path, f"unknown stance {record.get('stance')!r}", record=_where(record),
                         field="stance")
    dyads = record.get("dyads") or []
    if not isinstance(dyads, list):
        raise InputError(path, "expected a list of dyads", record=_where(record), field="dyads")
    rows = []
    for i, dyad in enumerate(dyads):
        row = {"sentence_id": record.get("sentence_id"), "doc_id": record.get("doc_id"),
               "date": record.get("date") or None, "stance": record["stance"]}
        for role in SCHEMA.dyad_keys:
            end = checked_span(record, dyad.get(role) if isinstance(dyad, dict) else None,
                               path, f"dyads[{i}].{role}")
            actor = normalise(end["text"], end["label"], record["text"], end["start"],
                              link_of(record.get("links"), end["start"], end["end"]), actors)
            row.update({f"{role}_text": end["text"], f"{role}_type": end["label"],
                        f"{role}_start": end["start"], f"{role}_end": end["end"],
                        f"{role}_actor": actor.code, f"{role}_country": actor.country,
                        f"{role}_role": actor.role, f"{role}_wikipedia": actor.wikipedia})
        rows.append(row)
    return rows


def events_rows(record: dict, path: Path | str = "gold") -> list[dict]:
    """The ``events`` config rows of one gold record: its dyads with ClassLabel ids."""
    stances = {name: i for i, name in enumerate(SCHEMA.stance_names)}
    types = {name: i for i, name in enumerate(SCHEMA.entity_names)}
    rows = record_events(record, path)
    for row in rows:
        row["stance"] = stances[row["stance"]]
        for role in SCHEMA.dyad_keys:
            row[f"{role}_type"] = types[row[f"{role}_type"]]
    return rows


def _dataset_records(folder: Path) -> Iterator[dict]:
    """Gold-like records of a dataset folder's ``stance`` config, label names restored and the
    Wikipedia pages of its ``events`` config put back as links."""
    import pyarrow.parquet as pq
    from datasets import Features

    from stancekit.dataset.frames import label_names

    links: dict[str, list[dict]] = {}
    for part in sorted((folder / EVENTS).glob("*.parquet")):
        for row in pq.read_table(part).to_pylist():
            for role in SCHEMA.dyad_keys:
                if row.get(f"{role}_wikipedia"):
                    links.setdefault(row["sentence_id"], []).append(
                        {"start": row[f"{role}_start"], "end": row[f"{role}_end"],
                         "wikipedia": row[f"{role}_wikipedia"]})
    parts = sorted((folder / "stance").glob("*.parquet"))
    if not parts:
        raise InputError(folder, "is not a dataset folder: no stance/*.parquet")
    for part in parts:
        table = pq.read_table(part)
        features = Features.from_arrow_schema(table.schema)
        for row in table.to_pylist():
            named = {k: label_names(v, features[k]) for k, v in row.items()}
            yield {**named, "sentence_id": named["id"], "links": links.get(named["id"], [])}


def read_records(path: Path | str) -> Iterator[dict]:
    """Gold records from a dataset folder, a gold JSONL file or a Label Studio export."""
    path = Path(path)
    if path.is_dir():
        yield from _dataset_records(path)
    elif path.suffix == ".jsonl":
        yield from (record for _, record in iter_jsonl(path))
    else:
        from stancekit.labeling.gold import resolve_export

        yield from resolve_export(path).gold


def events_table(dataset: Path | str | Iterable[dict], actors: Actors | Path | str | None = None
                 ) -> pd.DataFrame:
    """The dyadic events of a dataset, one row per dyad, both ends as canonical actors.

    *dataset* is a dataset folder, gold JSONL, a Label Studio export or gold records; *actors*
    a loaded dictionary or its file (None: the bundled one)."""
    import pandas as pd

    if not isinstance(actors, Actors):
        actors = load_actors(actors)
    path = dataset if isinstance(dataset, Path | str) else "gold"
    records = read_records(dataset) if isinstance(dataset, Path | str) else dataset
    rows = [row for record in records for row in record_events(record, path, actors)]
    frame = pd.DataFrame(rows, columns=event_columns())
    return frame.sort_values(["date", "doc_id", "sentence_id"], kind="stable",
                             na_position="last", ignore_index=True)
