"""Reading Label Studio exports into normalized annotation records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stancekit.files import InputError
from stancekit.labeling.export import read_export
from stancekit.labeling.results import annotation_result, entity_item, relation_item, stance_item
from stancekit.schema import SCHEMA

NONE, ACCUSATION, DENIAL, APPEAL = SCHEMA.stance_names
PERSON, ORG, GPE, NORP = SCHEMA.entity_names
TEXT = "Russia accused Ukraine of shelling the plant."
RUSSIA = {"start": 0, "end": 6, "text": "Russia", "label": GPE}
UKRAINE = {"start": 15, "end": 22, "text": "Ukraine", "label": GPE}
TIME = "2026-01-01T00:00:00.000000Z"


def annotation(ann_id: int, user: int | dict, stance: str | None = ACCUSATION,
               entities: tuple = (RUSSIA, UKRAINE), dyads: tuple = ((0, 1),), **extra) -> dict:
    """An annotation as Label Studio exports it."""
    result = annotation_result(stance, list(entities), list(dyads), prefix=f"a{ann_id}e")
    return {"id": ann_id, "completed_by": user, "result": result, "was_cancelled": False,
            "ground_truth": False, "lead_time": 4.5, "created_at": TIME, "updated_at": TIME,
            **extra}


def task(task_id: int, *annotations: dict, text: str = TEXT, doc_id: str = "doc",
         index: int | None = None, **extra) -> dict:
    """A task of one sentence as Label Studio exports it."""
    data = {"sentence_id": f"s{task_id:03d}", "doc_id": doc_id,
            "index": task_id if index is None else index, "start": 0, "end": len(text),
            "text": text, "context": text}
    return {"id": task_id, "data": data, "annotations": list(annotations), "drafts": [],
            "predictions": [], **extra}


def write_export(folder: Path, tasks: list, name: str = "export.json") -> Path:
    """Write tasks as an export file the way Label Studio does."""
    path = folder / name
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_records_are_normalized(tmp_path):
    path = write_export(tmp_path, [task(1, annotation(10, 1), annotation(11, 2, DENIAL))])
    export = read_export(path)
    assert export.annotators == [1, 2]
    first, second = export.records
    assert first == {"task_id": 1, "sentence_id": "s001", "annotator": 1, "annotation_id": 10,
                     "stance": ACCUSATION, "entities": [RUSSIA, UKRAINE],
                     "dyads": [{"source": RUSSIA, "target": UKRAINE}], "lead_time": 4.5,
                     "ground_truth": False}
    assert second["stance"] == DENIAL
    assert export.skipped == []
    assert export.tasks[0]["data"]["text"] == TEXT


def test_cancelled_empty_and_stanceless_annotations_are_skipped_with_reasons(tmp_path):
    no_stance = annotation(12, 3)
    no_stance["result"] = no_stance["result"][1:]
    path = write_export(tmp_path, [task(1, annotation(10, 1, was_cancelled=True, result=[]),
                                        annotation(11, 2, result=[]), no_stance,
                                        annotation(13, 4))])
    export = read_export(path)
    assert [r["annotator"] for r in export.records] == [4]
    assert [(s["annotation_id"], s["reason"]) for s in export.skipped] == [
        (10, "cancelled"), (11, "empty result"), (12, "no stance choice")]
    assert export.skipped[0]["task_id"] == 1


def test_drafts_and_predictions_are_counted_but_never_annotations(tmp_path):
    draft = {"id": 5, "user": "a@b.c", "result": annotation_result(DENIAL, [], [])}
    prediction = {"id": 7, "model_version": "keywords", "score": 0.4,
                  "result": annotation_result(APPEAL, [], [])}
    path = write_export(tmp_path, [task(1, annotation(10, 1), drafts=[draft],
                                        predictions=[prediction, prediction]),
                                   task(2, predictions=[prediction])])
    export = read_export(path)
    assert (export.drafts, export.predictions) == (1, 3)
    assert [r["stance"] for r in export.records] == [ACCUSATION]


def test_tasks_file_with_predictions_only(tmp_path):
    prediction = {"model_version": "keywords", "result": annotation_result(APPEAL, [], [])}
    tasks = [{"data": task(i)["data"], "predictions": [prediction]} for i in (1, 2)]
    export = read_export(write_export(tmp_path, tasks))
    assert export.records == [] and export.predictions == 2 and len(export.tasks) == 2


def test_later_annotation_of_the_same_annotator_supersedes(tmp_path):
    later = "2026-01-02T00:00:00.000000Z"
    path = write_export(tmp_path, [task(1, annotation(30, 1, NONE, updated_at=later),
                                        annotation(20, 1, DENIAL), annotation(21, 2))])
    export = read_export(path)
    assert [(r["annotator"], r["stance"]) for r in export.records] == [(1, NONE), (2, ACCUSATION)]
    assert export.skipped == [{"task_id": 1, "sentence_id": "s001", "annotation_id": 20,
                               "reason": "superseded", "superseded_by": 30}]


def test_completed_by_as_dict(tmp_path):
    path = write_export(tmp_path, [task(1, annotation(10, {"id": 7, "email": "x@example.org"}))])
    assert read_export(path).records[0]["annotator"] == 7


def test_relation_directions(tmp_path):
    items = [stance_item(ACCUSATION), entity_item("r", 0, 6, "Russia", GPE),
             entity_item("u", 15, 22, "Ukraine", GPE)]
    left = {**relation_item("r", "u"), "direction": "left"}
    both = {**relation_item("u", "r"), "direction": "bi"}
    path = write_export(tmp_path, [task(1, annotation(10, 1, result=[*items, left])),
                                   task(2, annotation(11, 1, result=[*items, both]))])
    first, second = read_export(path).records
    assert first["dyads"] == [{"source": UKRAINE, "target": RUSSIA}]
    assert second["dyads"] == [{"source": UKRAINE, "target": RUSSIA}]


def test_several_stance_choices_resolve_by_precedence(tmp_path):
    ann = annotation(10, 1, entities=(), dyads=())
    ann["result"][0]["value"]["choices"] = [APPEAL, DENIAL]
    record = read_export(write_export(tmp_path, [task(1, ann)])).records[0]
    assert record["stance"] == SCHEMA.resolve({APPEAL, DENIAL})


def _error(tmp_path: Path, tasks_or_text) -> str:
    if isinstance(tasks_or_text, str):
        path = tmp_path / "export.json"
        path.write_text(tasks_or_text, encoding="utf-8")
    else:
        path = write_export(tmp_path, tasks_or_text)
    with pytest.raises(InputError) as info:
        read_export(path)
    assert str(path) in str(info.value)
    return str(info.value)


def test_truncated_json_names_line_and_column(tmp_path):
    text = json.dumps([task(1, annotation(10, 1))], indent=2)
    message = _error(tmp_path, text[: len(text) // 2])
    assert "invalid JSON" in message and "line " in message and "column " in message


def test_not_a_list_and_missing_data(tmp_path):
    assert "expected a JSON list" in _error(tmp_path, '{"tasks": []}')
    bad = task(4)
    del bad["data"]["sentence_id"]
    message = _error(tmp_path, [task(1), bad])
    assert "task 4" in message and "data.sentence_id" in message


def test_wrong_control_names(tmp_path):
    ann = annotation(10, 1)
    ann["result"][1]["from_name"] = "label"
    message = _error(tmp_path, [task(3, ann)])
    assert "task 3 (sentence_id s003), annotation 10" in message
    assert "'label'" in message and "result[1]" in message


def test_unknown_labels(tmp_path):
    ann = annotation(10, 1)
    ann["result"][0]["value"]["choices"] = ["threat"]
    assert "unknown stance 'threat'" in _error(tmp_path, [task(1, ann)])
    ann = annotation(10, 1)
    ann["result"][2]["value"]["labels"] = ["LOC"]
    assert "result[2].value.labels" in _error(tmp_path, [task(1, ann)])


def test_span_outside_text(tmp_path):
    ann = annotation(10, 1, entities=({**UKRAINE, "end": len(TEXT) + 3},), dyads=())
    message = _error(tmp_path, [task(1, ann)])
    assert "outside the sentence text" in message and "result[1].value" in message


def test_span_text_drift(tmp_path):
    ann = annotation(10, 1, entities=({**UKRAINE, "start": 14, "end": 21},), dyads=())
    message = _error(tmp_path, [task(1, ann)])
    assert "offset drift" in message and "'Ukraine'" in message and "' Ukrain'" in message


def test_relation_to_missing_region(tmp_path):
    ann = annotation(10, 1)
    ann["result"][-1]["to_id"] = "gone"
    assert "to_id 'gone'" in _error(tmp_path, [task(1, ann)])


def test_unsure_flag_and_comment_are_recorded_not_labels(tmp_path):
    from stancekit.labeling.config import COMMENT_CONTROL, UNSURE, UNSURE_CONTROL

    noted = annotation(10, 1)
    noted["result"] += [
        {"id": "u", "type": "choices", "from_name": UNSURE_CONTROL,
         "to_name": SCHEMA.text_control, "value": {"choices": [UNSURE]}},
        {"id": "c", "type": "textarea", "from_name": COMMENT_CONTROL,
         "to_name": SCHEMA.text_control, "value": {"text": ["Is Russia the source?"]}}]
    only_flag = annotation(11, 2, DENIAL)
    only_flag["result"].append({"id": "u", "type": "choices", "from_name": UNSURE_CONTROL,
                                "to_name": SCHEMA.text_control, "value": {"choices": []}})
    export = read_export(write_export(tmp_path, [task(1, noted, only_flag)]))
    first, second = export.records
    assert first["unsure"] is True and first["comment"] == "Is Russia the source?"
    assert first["stance"] == ACCUSATION and len(first["entities"]) == 2
    assert "unsure" not in second and "comment" not in second
    assert export.skipped == []
