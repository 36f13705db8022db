"""Tasks as they are pushed: the context view added, the predicted stance optionally hidden."""

from __future__ import annotations

from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.labeling.config import CONTEXT_HTML
from stancekit.labeling.results import annotation_result
from stancekit.labeling.studio import with_view, without_stance
from stancekit.schema import SCHEMA

TEXT = "Russia accused Ukraine."
SPANS = [{"start": 0, "end": 6, "text": "Russia", "label": SCHEMA.entity_names[2]},
         {"start": 15, "end": 22, "text": "Ukraine", "label": SCHEMA.entity_names[2]}]


def _task() -> dict:
    return {"data": {"sentence_id": "s1", "text": TEXT, "context": f"Before. {TEXT}"},
            "predictions": [{"model_version": "cues", "result": annotation_result(
                SCHEMA.stance_names[1], SPANS, [(0, 1)])}]}


def test_with_view_marks_the_sentence_in_its_context_once():
    task = with_view(_task())
    assert task["data"][CONTEXT_HTML].endswith(f"Before. <mark>{TEXT}</mark></p>")
    assert with_view(task) is task
    assert CONTEXT_HTML not in _task()["data"]


def test_without_stance_keeps_entities_and_dyads():
    (prediction,) = without_stance([_task()])[0]["predictions"]
    kinds = [item["type"] for item in prediction["result"]]
    assert kinds == ["labels", "labels", "relation"]
    assert without_stance([{"data": {"sentence_id": "s2"}}]) == [{"data": {"sentence_id": "s2"}}]


def test_push_has_a_hide_stance_option():
    result = CliRunner().invoke(app, ["studio", "push", "--help"])
    assert "--hide-stance" in result.output and "--overlap-percent" in result.output
