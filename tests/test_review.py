"""The review loop: reviewers' decisions replace the gold of the sentences they reviewed."""

from __future__ import annotations

import json

from test_export import ACCUSATION, APPEAL, DENIAL, RUSSIA, annotation, task, write_export
from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.labeling.export import read_export
from stancekit.labeling.gold import resolve
from stancekit.labeling.review import apply_review


def _exports(tmp_path, more_docs: int = 0):
    others = [task(3 + d, annotation(30 + d, 1), doc_id=f"doc{d}") for d in range(more_docs)]
    main = write_export(tmp_path, [task(1, annotation(10, 1), annotation(11, 2, DENIAL)),
                                   task(2, annotation(12, 1), annotation(13, 2)), *others])
    # The review project has its own task ids; sentences match by sentence_id.
    reviewed = task(1, annotation(20, 9, APPEAL, entities=(RUSSIA,), dyads=()))
    reviewed["id"] = 77
    return main, write_export(tmp_path, [reviewed], name="review.json")


def test_review_decides_a_tie_and_keeps_the_annotators(tmp_path):
    main, review = _exports(tmp_path)
    export = read_export(main)
    before = resolve(export)
    assert [q["reason"] for q in before.queue] == ["tie"]
    after = apply_review(before, export, read_export(review))
    gold = {g["sentence_id"]: g for g in after.gold}
    assert gold["s001"]["stance"] == APPEAL and gold["s001"]["resolution"] == "review"
    assert gold["s001"]["entities"] == [RUSSIA] and gold["s001"]["dyads"] == []
    assert (gold["s001"]["annotators"], gold["s001"]["reviewers"]) == ([1, 2], [9])
    assert gold["s001"]["agreement"] == 0.0
    assert gold["s002"]["stance"] == ACCUSATION
    assert after.excluded == [] and after.queue == []
    assert after.stats["resolution"] == {"unanimous": 1, "review": 1}
    assert after.stats["review"] == {"decisions": 1, "applied": 1, "not_in_export": 0,
                                     "skipped": {}}


def test_cli_adjudicate_review(tmp_path):
    main, review = _exports(tmp_path)
    out = tmp_path / "gold.jsonl"
    result = CliRunner().invoke(app, ["adjudicate", str(main), "-o", str(out), "--review",
                                      str(review)])
    assert result.exit_code == 0, result.output
    assert "review: 1 decisions applied" in result.output
    assert [json.loads(line)["stance"] for line in out.open()] == [APPEAL, ACCUSATION]


def test_cli_build_from_the_reviewed_gold(tmp_path):
    main, review = _exports(tmp_path, more_docs=5)
    runner = CliRunner()
    splits = tmp_path / "splits.json"
    assert runner.invoke(app, ["split", str(main), "-o", str(splits)]).exit_code == 0
    args = ["build", str(main), "--splits", str(splits)]
    without = runner.invoke(app, [*args, "-o", str(tmp_path / "plain")])
    built = runner.invoke(app, [*args, "--review", str(review), "-o", str(tmp_path / "ds")])
    assert built.exit_code == 0, built.output
    assert "review: 1 decisions applied" in built.output
    assert "(7 of 7 sentences)" in built.output
    assert "(6 of 7 sentences)" in without.output
