"""Reading a Label Studio JSON export into one normalized record per usable annotation."""

from __future__ import annotations

import contextlib
import gc
import io
import itertools
import pickle
import tempfile
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import ijson

from stancekit.files import InputError, read_json, require_file
from stancekit.labeling.config import COMMENT_CONTROL, CONTEXT_HTML, UNSURE, UNSURE_CONTROL
from stancekit.schema import SCHEMA, active_file

_DIRECTIONS = (None, "right", "left", "bi")


@dataclass
class Export:
    """The tasks of an export, its usable annotations as records, and what was left out;
    ``collapsed`` counts, by kind, what the usable records hold less of than was drawn."""

    path: str
    tasks: list[dict] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    drafts: int = 0
    predictions: int = 0
    collapsed: Counter = field(default_factory=Counter)

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
    with no_gc():
        return parse_tasks(iter_tasks(path), path)


def iter_tasks(path: Path | str) -> Iterator:
    """The items of a JSON list of tasks, read one at a time (by ijson's C backend where
    installed); a file that is no JSON list is an error naming it (and, for invalid JSON, the
    line and column)."""
    path = require_file(path)
    done = 0
    try:
        with open(path, "rb") as f:
            if _first_char(f) == b"[":
                for task in ijson.items(f, "item", use_float=True):
                    yield task
                    done += 1
                return
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror}") from None
    except (ijson.JSONError, ValueError):
        pass
    # Not a list, or JSON that ijson refuses: the json module accepts it or locates the error.
    tasks = read_json(path)
    if not isinstance(tasks, list):
        raise InputError(path, f"expected a JSON list of tasks, got a JSON "
                         f"{type(tasks).__name__}")
    yield from itertools.islice(tasks, done, None)


def _first_char(f: BinaryIO) -> bytes:
    """The first byte after leading JSON whitespace, with *f* left at it."""
    while True:
        char = f.read(1)
        if char not in _WHITESPACE:
            f.seek(-len(char), io.SEEK_CUR)
            return char


_WHITESPACE = (b" ", b"\t", b"\n", b"\r")


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector, which only slows down building many small dicts."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Seen:
    """The state of the checks across tasks, small per key: the task ids, and per sentence id
    its unit number, first task's position and a hash of its text. The file is read again
    only to name the first task in an error."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.ids: set[int] = set()
        self.units: dict[str, int] = {}
        self.first = array("q")
        self.texts = array("q")

    def add(self, task_id: int | None, position: int, data: dict) -> tuple[int, bool]:
        """The task's unit (one per distinct sentence id) and whether it is new; two tasks
        with one id, or with one sentence id and different texts, are an error."""
        if task_id is not None:
            if task_id in self.ids:
                first = next(i for i, t in enumerate(iter_tasks(self.path))
                             if isinstance(t, dict) and type(t.get("id")) is int
                             and t["id"] == task_id)
                raise InputError(self.path, f"the task at position {first} has the same id",
                                 record=f"task {task_id} at position {position}", field="id")
            self.ids.add(task_id)
        sid, text = data["sentence_id"], data["text"]
        unit = self.units.setdefault(sid, len(self.units))
        if unit == len(self.first):
            self.first.append(position)
            self.texts.append(hash(text))
            return unit, True
        if self.texts[unit] != hash(text):
            first = next(itertools.islice(iter_tasks(self.path), self.first[unit], None))
            where = _Where(self.path, task_id, position)
            where.sentence_id = sid
            raise where.error(f"{_Where(self.path, first.get('id'), self.first[unit]).task()} "
                              f"has the same sentence_id with a different text "
                              f"({first['data']['text']!r}, here {text!r})", "data.text")
        return unit, False


def parse_tasks(tasks: Iterable[dict], path: Path | str) -> Export:
    """Normalize tasks one at a time; a later annotation of an annotator supersedes theirs.

    Two tasks with one id, or with one sentence id and different texts, are an error.
    """
    export = Export(str(path))
    seen = _Seen(path)
    usable: list[tuple[tuple, dict, Counter]] = []
    for position, task in enumerate(tasks):
        data, parsed, n_drafts, n_predictions = parse_task(task, path, position)
        seen.add(task.get("id"), position, data)
        export.tasks.append({"id": task.get("id"), "data": data})
        export.drafts += n_drafts
        export.predictions += n_predictions
        for item in parsed:
            if "reason" in item[1]:
                export.skipped.append(item[1])
            else:
                usable.append(item)
    kept, superseded = supersede(usable)
    for record, collapsed in kept:
        export.records.append(record)
        export.collapsed.update(collapsed)
    export.skipped += superseded
    return export


def supersede(usable: list[tuple[tuple, dict, Counter]]
              ) -> tuple[list[tuple[dict, Counter]], list[dict]]:
    """Of (order key, record, what collapsed) in export order: the records that stay, each
    with what collapsed in it, and a skip for each record an annotator's later annotation of
    the same sentence supersedes."""
    latest: dict[tuple[str, int], tuple[tuple, dict]] = {}
    for order, record, _ in usable:
        key = (record["sentence_id"], record["annotator"])
        if key not in latest or order > latest[key][0]:
            latest[key] = (order, record)
    kept, superseded = [], []
    for _, record, collapsed in usable:
        winner = latest[record["sentence_id"], record["annotator"]][1]
        if winner is record:
            kept.append((record, collapsed))
        else:
            superseded.append(_skip(record["task_id"], record["annotation_id"], "superseded",
                                    record["sentence_id"], winner["annotation_id"]))
    return kept, superseded


Task = tuple[int | None, dict, list, list[str]]
"""A parsed task: its id, data, usable annotations as (order key, record, what collapsed), and
the reasons its other annotations are skipped."""


class Units:
    """An export's units (the tasks of one sentence id) in the order of *key*, read task by
    task with only small state in memory.

    `in_order` reads the export once and yields each task as a unit of its own for as long as
    every task is a new sentence id that follows the one before; `units` stores the parsed
    tasks in a temporary file and reads them back grouped and sorted, holding only the keys
    and file offsets. Either pass also counts the tasks, drafts, predictions, skip reasons
    and annotators.
    """

    def __init__(self, path: Path | str, key: Callable[[dict], tuple]) -> None:
        self.path, self.key = str(path), key
        self.ordered = True

    def in_order(self) -> Iterator[list[Task]]:
        """Each task as a unit while the export is in order; `ordered` then says whether all
        of it was."""
        last = None
        for task, new, key, _ in self._tasks():
            if not (new and (last is None or key > last)):
                self.ordered = False
                return
            last = key
            yield [task]

    def units(self) -> Iterator[list[Task]]:
        """Every unit, in the order of the key, each one's tasks in export order."""
        with tempfile.TemporaryFile(buffering=1 << 16) as f:
            keys: list[tuple] = []
            offsets = array("q")
            more: dict[int, list[int]] = {}
            shared: dict = {}
            for task, new, key, unit in self._tasks():
                if new:
                    keys.append((*(shared.setdefault(k, k) for k in key), unit))
                    offsets.append(f.tell())
                else:
                    more.setdefault(unit, []).append(f.tell())
                pickle.dump(task, f, pickle.HIGHEST_PROTOCOL)
            keys.sort()
            with no_gc():
                for *_, unit in keys:
                    tasks = []
                    for offset in (offsets[unit], *more.get(unit, ())):
                        if f.tell() != offset:  # a seek drops the read buffer
                            f.seek(offset)
                        tasks.append(pickle.load(f))
                    yield tasks

    def _tasks(self) -> Iterator[tuple[Task, bool, tuple, int]]:
        """Each task parsed and checked, whether its sentence id is new, its key and unit."""
        self.tasks = self.drafts = self.predictions = 0
        self.skipped: Counter = Counter()
        self.annotators: set[int] = set()
        seen = _Seen(self.path)
        with no_gc():
            for position, task in enumerate(iter_tasks(self.path)):
                data, parsed, n_drafts, n_predictions = parse_task(task, self.path, position)
                task_id = task.get("id")
                unit, new = seen.add(task_id, position, data)
                usable = [item for item in parsed if "reason" not in item[1]]
                reasons = [item[1]["reason"] for item in parsed if "reason" in item[1]]
                if reasons:
                    self.skipped.update(reasons)
                for item in usable:
                    self.annotators.add(item[1]["annotator"])
                self.tasks += 1
                self.drafts += n_drafts
                self.predictions += n_predictions
                yield (task_id, data, usable, reasons), new, self.key(data), unit


def parse_task(task: dict, path: Path | str, position: int = 0
               ) -> tuple[dict, list[tuple[tuple, dict, Counter]], int, int]:
    """Validate one task; return its data, (order key, record or skip, what collapsed) per
    annotation, and its numbers of drafts and predictions."""
    if not isinstance(task, dict):
        raise InputError(path, "expected a task object", record=f"task at position {position}")
    task_id = task.get("id")
    if task_id is not None and type(task_id) is not int:
        raise InputError(path, f"task id {task_id!r} is not an integer",
                         record=f"task at position {position}", field="id")
    data = task.get("data")
    where = _Where(path, task_id, position)
    if not isinstance(data, dict):
        raise where.error("task has no 'data' object", "data")
    for key in ("sentence_id", "text"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise where.error(f"task data has no {key!r}", f"data.{key}")
    where.sentence_id = data["sentence_id"]
    if CONTEXT_HTML in data:
        # Derived from the other fields for the labeling view only.
        data = {k: v for k, v in data.items() if k != CONTEXT_HTML}
    lists = {key: task.get(key) or [] for key in ("annotations", "drafts", "predictions")}
    for key, items in lists.items():
        if not isinstance(items, list):
            raise where.error(f"expected a list of {key}", key)
    parsed = [_parse_annotation(a, task_id, data, where) for a in lists["annotations"]]
    return data, parsed, len(lists["drafts"]), len(lists["predictions"])


class _Where:
    """Where in the export a check fails; the message is only built for an error."""

    __slots__ = ("path", "task_id", "position", "sentence_id", "annotation_id")

    def __init__(self, path: Path | str, task_id: int | None, position: int) -> None:
        self.path, self.task_id, self.position = path, task_id, position
        self.sentence_id = self.annotation_id = None

    def task(self) -> str:
        """The task, by id or else by position."""
        return (f"task {self.task_id}" if self.task_id is not None
                else f"task at position {self.position}")

    def error(self, message: str, field: str | None = None) -> InputError:
        where = self.task()
        if self.sentence_id is not None:
            where += f" (sentence_id {self.sentence_id})"
        if self.annotation_id is not None:
            where += f", annotation {self.annotation_id}"
        return InputError(self.path, message, record=where, field=field)


def _parse_annotation(annotation: dict, task_id: int | None, data: dict,
                      where: _Where) -> tuple[tuple, dict, Counter]:
    if not isinstance(annotation, dict):
        raise where.error("expected an annotation object", "annotations")
    ann_id = where.annotation_id = annotation.get("id")
    annotator = annotation.get("completed_by")
    if isinstance(annotator, dict):
        annotator = annotator.get("id")
    if not isinstance(annotator, int) or isinstance(annotator, bool):
        raise where.error("annotation has no annotator user id", "completed_by")
    order = (annotation.get("updated_at") or annotation.get("created_at") or "",
             ann_id if isinstance(ann_id, int) else 0)
    result = annotation.get("result") or []
    if not isinstance(result, list):
        raise where.error("expected a list of result items", "result")
    notes = _notes(result)
    collapsed: Counter = Counter()
    stance, entities, dyads = _parse_result(notes["labels"], data["text"], where, collapsed)
    sentence_id = data["sentence_id"]
    if annotation.get("was_cancelled"):
        return order, _skip(task_id, ann_id, "cancelled", sentence_id), collapsed
    if not result:
        return order, _skip(task_id, ann_id, "empty result", sentence_id), collapsed
    if stance is None:
        return order, _skip(task_id, ann_id, "no stance choice", sentence_id), collapsed
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
        **notes["record"],
    }, collapsed


def _notes(result: list) -> dict:
    """The unsure flag and comment of a result (kept in the record only when given), and the
    result's other items, which carry the labels."""
    labels, record = [], {}
    for item in result:
        if not isinstance(item, dict):
            labels.append(item)
            continue
        value = item.get("value") if isinstance(item.get("value"), dict) else {}
        if item.get("from_name") == UNSURE_CONTROL and item.get("type") == "choices":
            if UNSURE in (value.get("choices") or ()):
                record["unsure"] = True
        elif item.get("from_name") == COMMENT_CONTROL and item.get("type") == "textarea":
            text = "\n".join(t for t in value.get("text") or () if isinstance(t, str)).strip()
            if text:
                record["comment"] = text
        else:
            labels.append(item)
    return {"labels": labels, "record": record}


def _parse_result(result: list, text: str, where: _Where, collapsed: Counter
                  ) -> tuple[str | None, list[dict], list[dict]]:
    """Read the stance, entity spans and source→target dyads of one result list, counting in
    *collapsed* the relations and choices that are read as fewer than were drawn."""
    stances: set[str] = set()
    entities: list[dict] = []
    regions: dict[str, dict] = {}
    relations = []
    controls, known, text_control = _control_types(), set(SCHEMA.stance_names), SCHEMA.text_control
    for i, item in enumerate(result):
        if not isinstance(item, dict):
            raise where.error("expected a result item object", f"result[{i}]")
        kind = item.get("type")
        if kind == "relation":
            relations.append((i, item))
            continue
        from_name = item.get("from_name")
        if controls.get(from_name) != kind or item.get("to_name") != text_control:
            raise where.error(_control_problem(item), f"result[{i}]")
        value = item.get("value")
        if not isinstance(value, dict):
            raise where.error("result item has no 'value' object", f"result[{i}].value")
        if kind == "choices":
            choices = value.get("choices") or []
            if not isinstance(choices, list):
                raise where.error("expected a list of choices", f"result[{i}].value.choices")
            unknown = [c for c in choices if c not in known]
            if unknown:
                raise where.error(f"unknown stance {unknown[0]!r}: not in the schema "
                                  f"{active_file().path.name}; expected one of "
                                  f"{', '.join(SCHEMA.stance_names)}", f"result[{i}].value.choices")
            stances.update(choices)
        else:
            entity = _entity(value, text, where, i)
            entities.append(entity)
            if item.get("id") is not None:
                regions[item["id"]] = entity
    if len(entities) > 1:
        entities.sort(key=span_key)
    if len(stances) > 1:
        collapsed["several stance choices"] += 1
    dyads: list[dict] = []
    seen: dict[tuple[int, int, int, int], bool] = {}
    for i, item in relations:
        source, target = regions.get(item.get("from_id")), regions.get(item.get("to_id"))
        for key, end in (("from_id", source), ("to_id", target)):
            if end is None:
                raise where.error(f"relation {key} {item.get(key)!r} is not an entity region "
                                  "of this annotation", f"result[{i}].{key}")
        labels = item.get("labels") or []
        if not isinstance(labels, list) or any(label != SCHEMA.relation for label in labels):
            raise where.error(f"unknown relation label(s) {labels!r}; expected "
                              f"[{SCHEMA.relation!r}]", f"result[{i}].labels")
        direction = item.get("direction")
        if direction not in _DIRECTIONS:
            raise where.error(f"unknown relation direction {direction!r}; expected one of "
                              "'right', 'left', 'bi'", f"result[{i}].direction")
        if direction == "bi":
            collapsed["bidirectional relation read one way"] += 1
        reversed_ = direction == "left"
        if reversed_:
            source, target = target, source
        pair = (source["start"], source["end"], target["start"], target["end"])
        if pair in seen:
            collapsed["reversed duplicate relation" if seen[pair] != reversed_
                      else "duplicate relation"] += 1
            continue
        seen[pair] = reversed_
        dyads.append(dict(zip(SCHEMA.dyad_keys, (source, target), strict=True)))
    return (SCHEMA.resolve(stances) if stances else None), entities, dyads


def _control_types() -> dict[str, str]:
    """The result item type each of the schema's controls gives."""
    return {SCHEMA.stance_control: "choices", SCHEMA.entity_control: "labels"}


def span_key(entity: dict) -> tuple[int, int, str]:
    return entity["start"], entity["end"], entity["label"]


def _control_problem(item: dict) -> str:
    from_name, to_name, kind = item.get("from_name"), item.get("to_name"), item.get("type")
    controls = _control_types()
    if from_name in controls and to_name == SCHEMA.text_control:
        return f"control {from_name!r} gives {controls[from_name]!r} items, not {kind!r}"
    return (f"from_name/to_name {from_name!r}/{to_name!r} are not the schema's controls "
            f"({' or '.join(controls)} on {SCHEMA.text_control!r}); was the export "
            "made with another label config?")


def _entity(value: dict, text: str, where: _Where, i: int) -> dict:
    start, end, labels = value.get("start"), value.get("end"), value.get("labels")
    if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
        raise where.error(f"span {start!r}..{end!r} is outside the sentence text "
                          f"(length {len(text)})", f"result[{i}].value")
    span = text[start:end]
    if value.get("text", span) != span:
        raise where.error(f"span {start}..{end} says {value['text']!r} but the sentence has "
                          f"{span!r} there (offset drift)", f"result[{i}].value.text")
    if not labels or len(labels) != 1 or labels[0] not in SCHEMA.entity_names:
        raise where.error(f"entity label(s) {labels!r}: expected one of "
                          f"{', '.join(SCHEMA.entity_names)}", f"result[{i}].value.labels")
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
