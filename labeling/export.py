"""Reading a Label Studio JSON export into one normalized record per usable annotation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from stancekit.files import InputError, read_json
from stancekit.schema import SCHEMA

_STANCES = frozenset(SCHEMA.stance_names)
_ENTITY_TYPES = frozenset(SCHEMA.entity_names)
_CONTROL_TYPES = {SCHEMA.stance_control: "choices", SCHEMA.entity_control: "labels"}
_RELATION_LABELS = frozenset({SCHEMA.relation})


@dataclass
class Export:
    """The tasks of an export, its usable annotations as records, and what was left out."""

    path: str
    tasks: list[dict] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    drafts: int = 0
    predictions: int = 0

    @property
    def annotators(self) -> list[int]:
        """Sorted ids of the annotators with at least one usable annotation."""
        return sorted({r["annotator"] for r in self.records})

    def by_sentence(self) -> dict[str, dict[int, dict]]:
        """Usable records grouped by sentence id, then by annotator id."""
        out: dict[str, dict[int, dict]] = {}
        for r in self.records:
            out.setdefault(r["sentence_id"], {})[r["annotator"]] = r
        return out


def read_export(path: Path | str) -> Export:
    """Parse and validate a Label Studio JSON export (or a tasks file with predictions)."""
    tasks = read_json(path)
    if not isinstance(tasks, list):
        raise InputError(path, f"expected a JSON list of tasks, got a JSON {type(tasks).__name__}")
    return parse_tasks(tasks, path)


def parse_tasks(tasks: Iterable[dict], path: Path | str) -> Export:
    """Normalize tasks one at a time; a later annotation of an annotator supersedes theirs."""
    export = Export(str(path))
    latest: dict[tuple[str, int], tuple[tuple, dict]] = {}
    usable: list[tuple[tuple, dict]] = []
    for position, task in enumerate(tasks):
        data, parsed, n_drafts, n_predictions = parse_task(task, path, position)
        export.tasks.append({"id": task.get("id"), "data": data})
        export.drafts += n_drafts
        export.predictions += n_predictions
        for order, outcome in parsed:
            if "reason" in outcome:
                export.skipped.append(outcome)
                continue
            key = (outcome["sentence_id"], outcome["annotator"])
            usable.append((order, outcome))
            if key not in latest or order > latest[key][0]:
                latest[key] = (order, outcome)
    for _, record in usable:
        winner = latest[record["sentence_id"], record["annotator"]][1]
        if winner is record:
            export.records.append(record)
        else:
            export.skipped.append(_skip(record["task_id"], record["annotation_id"], "superseded",
                                        record["sentence_id"], winner["annotation_id"]))
    return export


def parse_task(task: dict, path: Path | str, position: int = 0
               ) -> tuple[dict, list[tuple[tuple, dict]], int, int]:
    """Validate one task; return its data, (order key, record or skip) per annotation, counts."""
    if not isinstance(task, dict):
        raise InputError(path, "expected a task object", record=f"task at position {position}")
    task_id = task.get("id")
    data = task.get("data")
    where = f"task {task_id}" if task_id is not None else f"task at position {position}"
    if not isinstance(data, dict):
        raise InputError(path, "task has no 'data' object", record=where, field="data")
    for key in ("sentence_id", "text"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise InputError(path, f"task data has no {key!r}", record=where, field=f"data.{key}")
    sentence_id, text = data["sentence_id"], data["text"]
    where += f" (sentence_id {sentence_id})"
    parsed = []
    for annotation in task.get("annotations") or ():
        parsed.append(_parse_annotation(annotation, task_id, sentence_id, text, path, where))
    return data, parsed, len(task.get("drafts") or ()), len(task.get("predictions") or ())


def _parse_annotation(annotation: dict, task_id: int | None, sentence_id: str, text: str,
                      path: Path | str, where: str) -> tuple[tuple, dict]:
    if not isinstance(annotation, dict):
        raise InputError(path, "expected an annotation object", record=where)
    ann_id = annotation.get("id")
    where = f"{where}, annotation {ann_id}"
    annotator = annotation.get("completed_by")
    if isinstance(annotator, dict):
        annotator = annotator.get("id")
    if not isinstance(annotator, int) or isinstance(annotator, bool):
        raise InputError(path, "annotation has no annotator user id", record=where,
                         field="completed_by")
    order = (annotation.get("updated_at") or annotation.get("created_at") or "",
             ann_id if isinstance(ann_id, int) else 0)
    result = annotation.get("result") or []
    if not isinstance(result, list):
        raise InputError(path, "expected a list of result items", record=where, field="result")
    stance, entities, dyads = _parse_result(result, text, path, where)
    if annotation.get("was_cancelled"):
        return order, _skip(task_id, ann_id, "cancelled", sentence_id)
    if not result:
        return order, _skip(task_id, ann_id, "empty result", sentence_id)
    if stance is None:
        return order, _skip(task_id, ann_id, "no stance choice", sentence_id)
    return order, {
        "task_id": task_id,
        "sentence_id": sentence_id,
        "annotator": annotator,
        "annotation_id": ann_id,
        "stance": stance,
        "entities": entities,
        "dyads": dyads,
        "lead_time": annotation.get("lead_time"),
        "ground_truth": bool(annotation.get("ground_truth")),
    }


def _parse_result(result: list, text: str, path: Path | str, where: str
                  ) -> tuple[str | None, list[dict], list[dict]]:
    """Read the stance, entity spans and source→target dyads of one result list."""
    stances: set[str] = set()
    entities: list[dict] = []
    regions: dict[str, dict] = {}
    relations = []
    for i, item in enumerate(result):
        at = f"result[{i}]"
        if not isinstance(item, dict):
            raise InputError(path, "expected a result item object", record=where, field=at)
        kind = item.get("type")
        if kind == "relation":
            relations.append((at, item))
            continue
        from_name, to_name = item.get("from_name"), item.get("to_name")
        if from_name not in _CONTROL_TYPES or to_name != SCHEMA.text_control:
            raise InputError(
                path, f"from_name/to_name {from_name!r}/{to_name!r} are not the schema's "
                f"controls ({' or '.join(_CONTROL_TYPES)} on {SCHEMA.text_control!r}); "
                "was the export made with another label config?", record=where, field=at)
        if kind != _CONTROL_TYPES[from_name]:
            raise InputError(path, f"control {from_name!r} gives {_CONTROL_TYPES[from_name]!r} "
                             f"items, not {kind!r}", record=where, field=f"{at}.type")
        value = item.get("value")
        if not isinstance(value, dict):
            raise InputError(path, "result item has no 'value' object", record=where,
                             field=f"{at}.value")
        if kind == "choices":
            choices = value.get("choices") or []
            unknown = [c for c in choices if c not in _STANCES]
            if unknown:
                raise InputError(path, f"unknown stance {unknown[0]!r}; expected one of "
                                 f"{', '.join(SCHEMA.stance_names)}", record=where,
                                 field=f"{at}.value.choices")
            stances.update(choices)
        else:
            entity = _entity(value, text, path, where, at)
            entities.append(entity)
            if item.get("id") is not None:
                regions[item["id"]] = entity
    entities.sort(key=lambda e: (e["start"], e["end"], e["label"]))
    dyads, seen = [], set()
    for at, item in relations:
        ends = []
        for key in ("from_id", "to_id"):
            if item.get(key) not in regions:
                raise InputError(path, f"relation {key} {item.get(key)!r} is not an entity "
                                 "region of this annotation", record=where, field=f"{at}.{key}")
            ends.append(regions[item[key]])
        labels = item.get("labels") or []
        if not _RELATION_LABELS.issuperset(labels):
            raise InputError(path, f"unknown relation label(s) {labels!r}; expected "
                             f"{SCHEMA.relation!r}", record=where, field=f"{at}.labels")
        source, target = ends[::-1] if item.get("direction") == "left" else ends
        pair = (source["start"], source["end"], target["start"], target["end"])
        if pair not in seen:
            seen.add(pair)
            dyads.append({"source": source, "target": target})
    return (SCHEMA.resolve(stances) if stances else None), entities, dyads


def _entity(value: dict, text: str, path: Path | str, where: str, at: str) -> dict:
    start, end, labels = value.get("start"), value.get("end"), value.get("labels") or []
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise InputError(path, f"span {start!r}..{end!r} is outside the sentence text "
                         f"(length {len(text)})", record=where, field=f"{at}.value")
    span = text[start:end]
    if "text" in value and value["text"] != span:
        raise InputError(path, f"span {start}..{end} says {value['text']!r} but the sentence "
                         f"has {span!r} there (offset drift)", record=where,
                         field=f"{at}.value.text")
    if len(labels) != 1 or labels[0] not in _ENTITY_TYPES:
        raise InputError(path, f"entity label(s) {labels!r}: expected one of "
                         f"{', '.join(SCHEMA.entity_names)}", record=where,
                         field=f"{at}.value.labels")
    return {"start": start, "end": end, "text": span, "label": labels[0]}


def _skip(task_id: int | None, annotation_id: int | None, reason: str, sentence_id: str,
          superseded_by: int | None = None) -> dict:
    item = {"task_id": task_id, "sentence_id": sentence_id, "annotation_id": annotation_id,
            "reason": reason}
    if superseded_by is not None:
        item["superseded_by"] = superseded_by
    return item


def iter_units(export: Export) -> Iterator[tuple[dict, dict[int, dict]]]:
    """Yield (task, records by annotator) per distinct sentence, in task order."""
    grouped = export.by_sentence()
    seen: set[str] = set()
    for task in export.tasks:
        sid = task["data"]["sentence_id"]
        if sid not in seen:
            seen.add(sid)
            yield task, grouped.get(sid, {})
