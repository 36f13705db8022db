"""Annotations made in a real Label Studio come back as agreement figures and gold labels."""

from __future__ import annotations

import json

import pytest
from sklearn.metrics import cohen_kappa_score

from stancekit.labeling.agreement import agreement_report
from stancekit.labeling.corpus import Document
from stancekit.labeling.export import read_export
from stancekit.labeling.gold import resolve
from stancekit.labeling.results import annotation_result
from stancekit.labeling.segment import segment_document
from stancekit.labeling.studio import ensure_project, pull, push
from stancekit.labeling.tasks import build_tasks
from stancekit.schema import SCHEMA

pytestmark = pytest.mark.studio

NONE, ACCUSATION, DENIAL, APPEAL = SCHEMA.stance_names
ARTICLE = (
    "Kenya accused Somalia of arming the militia.\n"
    "Somalia rejected the accusations as baseless.\n"
    "The African Union urged both governments to talk.\n"
    "Talks are planned for next month in Addis Ababa.\n"
    "Nairobi said Mogadishu had violated the ceasefire twice."
)
# Annotator A and B agree on sentences 0-2 and disagree on 3 and 4.
LABELS_A = [ACCUSATION, DENIAL, APPEAL, NONE, ACCUSATION]
LABELS_B = [ACCUSATION, DENIAL, APPEAL, APPEAL, NONE]


@pytest.fixture(scope="module")
def annotated_export(studio, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("gold")
    project = ensure_project(studio.client, "gold round trip")
    records = segment_document(Document("horn", ARTICLE, title="Horn of Africa"))
    push(studio.client, project, list(build_tasks(records)))
    pulled = tmp_path / "before.json"
    pull(studio.client, project, pulled)
    tasks = sorted(json.loads(pulled.read_text(encoding="utf-8")),
                   key=lambda t: t["data"]["index"])
    a, b = studio.annotators
    for task, stance_a, stance_b in zip(tasks, LABELS_A, LABELS_B, strict=True):
        studio.client.annotations.create(id=task["id"], result=annotation_result(stance_a, [], []),
                                         completed_by=a)
        studio.client.annotations.create(id=task["id"], result=annotation_result(stance_b, [], []),
                                         completed_by=b)
    # A third opinion on the last sentence that was cancelled must be counted, not used.
    admin = studio.client.users.whoami().id
    studio.client.annotations.create(id=tasks[-1]["id"], result=[], completed_by=admin,
                                     was_cancelled=True)
    out = tmp_path / "export.json"
    pull(studio.client, project, out)
    return out, (a, b)


def test_agreement_of_two_annotators_through_the_api(annotated_export):
    path, (a, b) = annotated_export
    report = agreement_report(read_export(path))
    pair = report["pairs"][0]
    assert {pair["a"], pair["b"]} == {a, b}
    assert pair["shared"] == 5
    assert pair["observed"] == pytest.approx(3 / 5)
    assert pair["kappa"] == pytest.approx(cohen_kappa_score(LABELS_A, LABELS_B), abs=1e-4)


def test_cancelled_annotation_is_counted_not_used(annotated_export):
    path, (a, b) = annotated_export
    export = read_export(path)
    result = resolve(export, lead=a)
    assert result.stats["skipped"] == {"cancelled": 1}
    assert [s["reason"] for s in result.skipped] == ["cancelled"]
    gold = {g["index"]: g for g in result.gold}
    assert [gold[i]["stance"] for i in range(5)] == LABELS_A  # ties go to the lead
    assert {g["index"] for g in result.gold if g["resolution"] == "lead"} == {3, 4}
    assert all(g["n_annotations"] == 2 for g in result.gold)
    assert len(result.queue) == 2


def test_predictions_are_never_counted_as_annotations(annotated_export):
    path, _ = annotated_export
    report = agreement_report(read_export(path))
    assert report["predictions"] == 5
    assert report["annotations"] == 10
