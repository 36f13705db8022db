"""Adjudication of annotations into gold records and the `stancekit adjudicate` command."""

from __future__ import annotations

import json
import subprocess
import sys

from test_export import (
    ACCUSATION,
    APPEAL,
    DENIAL,
    NONE,
    RUSSIA,
    TEXT,
    UKRAINE,
    annotation,
    task,
    write_export,
)
from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.labeling.export import read_export
from stancekit.labeling.gold import resolve, resolve_export
from stancekit.labeling.results import annotation_result


def _by_sentence(records):
    return {r["sentence_id"]: r for r in records}


def test_single_unanimous_majority(tmp_path):
    path = write_export(tmp_path, [
        task(1, annotation(10, 1)),
        task(2, annotation(20, 1, DENIAL), annotation(21, 2, DENIAL)),
        task(3, annotation(30, 1, DENIAL), annotation(31, 2, DENIAL),
             annotation(32, 3, ACCUSATION)),
        task(4, *(annotation(40 + u, u, APPEAL if u < 4 else NONE) for u in range(1, 5))),
    ])
    res = resolve_export(path)
    gold = _by_sentence(res.gold)
    assert [gold[s]["resolution"] for s in ("s001", "s002", "s003", "s004")] == [
        "single", "unanimous", "majority", "majority"]
    assert gold["s003"]["stance"] == DENIAL and gold["s003"]["agreement"] == 0.6667
    assert gold["s003"]["annotators"] == [1, 2, 3] and gold["s003"]["n_annotations"] == 3
    assert gold["s001"]["text"] == TEXT and gold["s001"]["entities"] == [RUSSIA, UKRAINE]
    assert gold["s001"]["dyads"] == [{"source": RUSSIA, "target": UKRAINE}]
    # 2 of 3 is below the default 0.67; 3 of 4 is not
    assert [(q["sentence_id"], q["reason"]) for q in res.queue] == [("s003", "low agreement")]
    assert res.stats["resolution"] == {"single": 1, "unanimous": 1, "majority": 2}
    assert resolve(read_export(path), min_agreement=0.5).queue == []


def test_ground_truth_wins(tmp_path):
    path = write_export(tmp_path, [task(1, annotation(10, 1, DENIAL), annotation(11, 2, DENIAL),
                                        annotation(12, 3, APPEAL, ground_truth=True,
                                                   entities=(UKRAINE,), dyads=()))])
    (gold,) = resolve_export(path).gold
    assert (gold["stance"], gold["resolution"]) == (APPEAL, "ground_truth")
    assert gold["entities"] == [UKRAINE] and gold["dyads"] == []
    assert gold["agreement"] == 0.3333


def test_tie_without_lead_is_excluded_and_queued(tmp_path):
    path = write_export(tmp_path, [task(1, annotation(10, 1, DENIAL), annotation(11, 2))])
    res = resolve_export(path)
    assert res.gold == []
    assert res.excluded == [{"sentence_id": "s001", "task_id": 1, "reason": "tie"}]
    (item,) = res.queue
    assert item["reason"] == "tie" and item["stance"] is None
    assert [a["annotator"] for a in item["annotations"]] == [1, 2]


def test_tie_with_lead(tmp_path):
    path = write_export(tmp_path, [
        task(1, annotation(10, 1, DENIAL, entities=(UKRAINE,), dyads=()), annotation(11, 2)),
        task(2, annotation(20, 1), annotation(21, 3, APPEAL)),
    ])
    res = resolve_export(path, lead=2)
    (gold,) = res.gold
    assert (gold["sentence_id"], gold["stance"], gold["resolution"]) == ("s001", ACCUSATION,
                                                                       "lead")
    assert gold["entities"] == [RUSSIA, UKRAINE] and gold["agreement"] == 0.5
    assert res.excluded == [{"sentence_id": "s002", "task_id": 2, "reason": "tie"}]
    assert [q["reason"] for q in res.queue] == ["tie and entity disagreement", "tie"]


def test_winning_annotation_is_the_lowest_id_agreeing_annotator(tmp_path):
    path = write_export(tmp_path, [task(1, annotation(10, 3, DENIAL, entities=(UKRAINE,),
                                                      dyads=()),
                                        annotation(11, 2, DENIAL), annotation(12, 1, NONE))])
    (gold,) = resolve_export(path, lead=1).gold
    assert gold["entities"] == [RUSSIA, UKRAINE] and gold["resolution"] == "majority"


def test_unusable_sentences_are_excluded_with_reason(tmp_path):
    path = write_export(tmp_path, [
        task(1, annotation(10, 1, was_cancelled=True, result=[])),
        task(2),
        task(3, annotation(30, 1, result=[]), annotation(31, 2, was_cancelled=True, result=[])),
        task(4, annotation(40, 1), annotation(41, 2, was_cancelled=True, result=[])),
    ])
    res = resolve_export(path)
    assert [(e["sentence_id"], e["reason"]) for e in res.excluded] == [
        ("s001", "cancelled only"), ("s002", "no annotation"), ("s003", "no usable annotation")]
    assert res.gold[0]["n_annotations"] == 1
    assert res.stats["excluded"] == {"cancelled only": 1, "no annotation": 1,
                                     "no usable annotation": 1}
    assert res.stats["skipped"] == {"cancelled": 3, "empty result": 1}


def test_gold_is_ordered_by_document_and_index(tmp_path):
    tasks = [task(1, annotation(10, 1), doc_id="b", index=0),
             task(2, annotation(20, 1), doc_id="a", index=1),
             task(3, annotation(30, 1), doc_id="a", index=0)]
    gold = resolve_export(write_export(tmp_path, tasks)).gold
    assert [g["sentence_id"] for g in gold] == ["s003", "s002", "s001"]


def _cli_export(tmp_path):
    return write_export(tmp_path, [
        task(1, annotation(10, 1)),
        task(2, annotation(20, 1, DENIAL), annotation(21, 2, ACCUSATION, dyads=((1, 0),))),
        task(3, annotation(30, 1, was_cancelled=True, result=[])),
    ])


def test_cli_writes_gold_and_review_queue(tmp_path):
    gold_path, queue_path = tmp_path / "out" / "gold.jsonl", tmp_path / "out" / "queue.json"
    args = ["adjudicate", str(_cli_export(tmp_path)), "-o", str(gold_path),
            "--queue", str(queue_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "gold: 1 (single 1)" in result.output
    assert "excluded: 2 (cancelled only 1, tie 1)" in result.output
    assert "queued for review: 1 (tie and dyad disagreement 1)" in result.output
    assert "skipped annotations: 1 (cancelled 1)" in result.output
    gold = [json.loads(line) for line in gold_path.read_text().splitlines()]
    assert [g["sentence_id"] for g in gold] == ["s001"]
    (review,) = json.loads(queue_path.read_text())
    assert review["data"] == task(2)["data"]
    assert review["meta"]["reason"] == "tie and dyad disagreement"
    assert [p["model_version"] for p in review["predictions"]] == ["annotator-1", "annotator-2"]
    assert review["predictions"][1]["result"] == annotation_result(
        ACCUSATION, [RUSSIA, UKRAINE], [(1, 0)], prefix="u2e")
    first = gold_path.read_bytes()
    assert CliRunner().invoke(app, args).exit_code == 0
    assert gold_path.read_bytes() == first


def test_cli_with_lead(tmp_path):
    gold_path = tmp_path / "gold.jsonl"
    result = CliRunner().invoke(app, ["adjudicate", str(_cli_export(tmp_path)), "-o",
                                      str(gold_path), "--lead", "2"])
    assert result.exit_code == 0, result.output
    assert "gold: 2 (single 1, lead 1)" in result.output


def test_cli_writes_nothing_on_error(tmp_path):
    ann = annotation(10, 1)
    ann["result"][1]["to_name"] = "context"
    bad = write_export(tmp_path, [task(1, annotation(5, 1)), task(2, ann)])
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-c", "from stancekit.cli import run; run()", "adjudicate", str(bad),
         "-o", str(out / "gold.jsonl"), "--queue", str(out / "queue.json")],
        capture_output=True, text=True)
    assert result.returncode != 0
    assert "error:" in result.stderr and "task 2 (sentence_id s002), annotation 10" in result.stderr
    assert not out.exists()
    unknown_lead = CliRunner().invoke(app, ["adjudicate", str(_cli_export(tmp_path)), "-o",
                                            str(out / "gold.jsonl"), "--lead", "9"])
    assert "--lead 9" in str(unknown_lead.exception)
    assert not out.exists()


def test_streamed_adjudication_matches_the_in_memory_one(tmp_path):
    """Gold, queue and stats written sentence by sentence are those of `resolve`, for an
    export in gold order (read once) and one out of order with a sentence in two tasks (spooled
    and sorted)."""
    import random

    from stancekit.files import dumps
    from stancekit.labeling.gold import adjudicate_export, review_tasks

    rng = random.Random(5)
    stances = (NONE, ACCUSATION, DENIAL, APPEAL)
    tasks = [task(i, *(annotation(10 * i + u, u, rng.choice(stances))
                       for u in range(1, rng.randint(2, 4)))) for i in range(1, 40)]
    tasks.append(task(99, annotation(990, 4, APPEAL), annotation(991, 1, NONE), index=7))
    tasks[-1]["data"]["sentence_id"] = "s007"
    for name, items in (("ordered", tasks[:-1]), ("shuffled", rng.sample(tasks, len(tasks)))):
        (tmp_path / name).mkdir()
        path = write_export(tmp_path / name, items)
        expected = resolve(read_export(path), lead=1)
        stats = adjudicate_export(path, tmp_path / name / "gold.jsonl",
                                  tmp_path / name / "queue.json", lead=1)
        assert stats == expected.stats
        assert (tmp_path / name / "gold.jsonl").read_text() == "".join(
            json.dumps(g, ensure_ascii=False) + "\n" for g in expected.gold)
        assert (tmp_path / name / "queue.json").read_text() == dumps(
            review_tasks(expected.queue))
        assert expected.queue and len(expected.gold) > 30
