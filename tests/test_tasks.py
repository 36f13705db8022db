"""Label Studio task files with gazetteer and cue pre-annotations."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.files import InputError
from stancekit.labeling.cues import cue_tagger
from stancekit.labeling.gazetteer import gazetteer
from stancekit.labeling.tasks import TASK_FIELDS, build_tasks, spacy_entities
from stancekit.schema import SCHEMA

NONE, ACCUSATION, DENIAL, APPEAL = SCHEMA.stance_names
PERSON, ORG, GPE, NORP = SCHEMA.entity_names
runner = CliRunner()
ARTICLE = (
    "The US calls on Russia and Turkey to stop their actions in Libya, Pentagon spokesperson "
    "Jonathan Hoffman told a briefing. Russia has repeatedly rejected accusations of "
    "participation, calling the claims baseless.\n"
    "Hoffman said the Russians were not alone. The weather was fine."
)


@pytest.fixture()
def sentences(tmp_path):
    src = tmp_path / "c.jsonl"
    src.write_text(json.dumps({"id": "d1", "text": ARTICLE, "title": "T"}) + "\n",
                   encoding="utf-8")
    out = tmp_path / "s.jsonl"
    assert runner.invoke(app, ["segment", str(src), "-o", str(out)]).exit_code == 0
    return out


def test_tasks_file_shape(tmp_path, sentences):
    out = tmp_path / "tasks.json"
    result = runner.invoke(app, ["tasks", str(sentences), "-o", str(out)])
    assert result.exit_code == 0, result.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert len(tasks) == 4
    for task in tasks:
        data = task["data"]
        assert set(TASK_FIELDS) <= set(data) and data["title"] == "T"
        assert ARTICLE[data["start"]:data["end"]] == data["text"]
        [pred] = task["predictions"]
        assert pred["model_version"] and 0 <= pred["score"] <= 1
        stance = [r for r in pred["result"] if r.get("from_name") == SCHEMA.stance_control]
        assert len(stance) == 1 and stance[0]["value"]["choices"][0] in SCHEMA.stance_names
        for r in pred["result"]:
            if r["type"] == "relation":
                continue
            assert r["origin"] == "prediction" and r["to_name"] == SCHEMA.text_control
            if r["from_name"] == SCHEMA.entity_control:
                v = r["value"]
                assert data["text"][v["start"]:v["end"]] == v["text"]
                assert v["labels"][0] in SCHEMA.entity_names
    stances = [t["predictions"][0]["result"][0]["value"]["choices"][0] for t in tasks]
    assert stances == [APPEAL, DENIAL, NONE, NONE]
    first = {(r["value"]["text"], r["value"]["labels"][0])
             for r in tasks[0]["predictions"][0]["result"][1:] if r["type"] == "labels"}
    assert first == {("US", GPE), ("Russia", GPE), ("Turkey", GPE), ("Libya", GPE),
                     ("Pentagon", ORG), ("Jonathan Hoffman", PERSON)}
    later = {r["value"]["text"] for r in tasks[2]["predictions"][0]["result"][1:]
             if r["type"] == "labels"}
    assert later == {"Hoffman", "Russians"}


def test_no_predictions(tmp_path, sentences):
    out = tmp_path / "tasks.json"
    assert runner.invoke(app, ["tasks", str(sentences), "-o", str(out),
                               "--no-predictions"]).exit_code == 0
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert all(set(t) == {"data"} for t in tasks)


def test_same_input_same_bytes(tmp_path, sentences):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for out in (a, b):
        assert runner.invoke(app, ["tasks", str(sentences), "-o", str(out)]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_sentence_record_without_text_writes_nothing(tmp_path):
    bad = tmp_path / "s.jsonl"
    bad.write_text(json.dumps({"sentence_id": "x", "doc_id": "d", "index": 0, "start": 0,
                               "end": 1, "context": "x"}) + "\n", encoding="utf-8")
    out = tmp_path / "tasks.json"
    result = runner.invoke(app, ["tasks", str(bad), "-o", str(out)])
    assert isinstance(result.exception, InputError)
    assert "line 1" in str(result.exception) and "'text'" in str(result.exception)
    assert not out.exists()


def test_missing_spacy_pipeline_names_it():
    with pytest.raises(InputError, match="no_such_pipeline_sm"):
        spacy_entities("no_such_pipeline_sm")


def test_missing_spacy_pipeline_from_the_command_line(tmp_path, sentences):
    out = tmp_path / "tasks.json"
    proc = subprocess.run(
        [sys.executable, "-c", "from stancekit.cli import run; run()", "tasks",
         str(sentences), "-o", str(out), "--ner-model", "no_such_pipeline_sm"],
        capture_output=True, text=True)
    assert proc.returncode != 0
    assert "error: --ner-model no_such_pipeline_sm" in proc.stderr
    assert not out.exists()


@pytest.mark.parametrize("text, stance", [
    ("The United States urged Beijing to cease its pressure campaign.", APPEAL),
    ("Japan called on both sides to exercise restraint.", APPEAL),
    ("Moscow denied any involvement in the attack.", DENIAL),
    ("Russia rejected the accusations as baseless.", DENIAL),
    ("Taiwan accused China of staging a rehearsal for a blockade.", ACCUSATION),
    ("Beijing blamed Taipei for the deaths.", ACCUSATION),
    ("The ministry did not deny that the ships had entered the zone.", NONE),
    ("The spokesman stopped short of accusing Moscow directly.", NONE),
    ("Officials would neither confirm nor deny the report.", NONE),
    ("The appeal court upheld the sentence on Tuesday.", NONE),
    ("The hackers launched a denial-of-service attack on the portal.", NONE),
    ("The charity launched a fundraising appeal for the victims.", NONE),
    ("Insurers received a handful of claims from freight operators.", NONE),
    ("Kyiv rejected the claims and accused Moscow of lying.", DENIAL),
    ("Paris urged calm, saying the militia had blamed the army for the shelling.", ACCUSATION),
])
def test_cue_stances(text, stance):
    assert cue_tagger().predict(text)[0] == stance


def test_gazetteer_spans_match_text_and_do_not_overlap():
    text = ("Russian Foreign Minister Sergei Lavrov met UN Secretary-General António Guterres "
            "and officials of the Chinese Foreign Ministry, the EU and al-Shabaab's rivals in "
            "Mogadishu, while Gen. Khalifa Haftar's Libyan National Army and the Ministry of "
            "Foreign Affairs of Iran said U.S. troops and the Houthis were in Sanaa.")
    spans = gazetteer().find(text)
    found = {(s["text"], s["label"]) for s in spans}
    assert {("Russian", NORP), ("Sergei Lavrov", PERSON), ("UN", ORG),
            ("António Guterres", PERSON), ("Chinese Foreign Ministry", ORG), ("EU", ORG),
            ("al-Shabaab", ORG), ("Mogadishu", GPE), ("Khalifa Haftar", PERSON),
            ("Libyan National Army", ORG), ("Ministry of Foreign Affairs", ORG), ("Iran", GPE),
            ("U.S.", GPE), ("Houthis", ORG), ("Sanaa", GPE)} <= found
    assert all(text[s["start"]:s["end"]] == s["text"] for s in spans)
    assert all(a["end"] <= b["start"] for a, b in zip(spans, spans[1:], strict=False))


def test_build_tasks_on_records_without_predictions_keeps_data():
    record = {"sentence_id": "s", "doc_id": "d", "index": 0, "start": 0, "end": 5,
              "text": "Hello", "context": "Hello", "source": "Wire"}
    [task] = build_tasks([record], predictions=False)
    assert task == {"data": record}


def test_workers_give_the_same_bytes(tmp_path):
    """Segment and tasks with 2 worker processes write what one process writes."""
    bundled = (Path(__file__).resolve().parents[1] / "corpus" / "synthetic" /
               "articles.jsonl").read_text(
        encoding="utf-8").splitlines()
    src = tmp_path / "c.jsonl"
    src.write_text("".join(json.dumps({**json.loads(line), "id": f"{copy}-{i}"}) + "\n"
                           for copy in range(2) for i, line in enumerate(bundled)),
                   encoding="utf-8")
    outputs = {}
    for workers in ("1", "2"):
        sentences, tasks = tmp_path / f"s{workers}.jsonl", tmp_path / f"t{workers}.json"
        segmented = runner.invoke(app, ["segment", str(src), "-o", str(sentences),
                                        "--workers", workers])
        assert segmented.exit_code == 0, segmented.output
        made = runner.invoke(app, ["tasks", str(sentences), "-o", str(tasks),
                                   "--workers", workers])
        assert made.exit_code == 0, made.output
        outputs[workers] = (sentences.read_bytes(), tasks.read_bytes(), segmented.output,
                            made.output.replace(str(tasks), "TASKS"))
    assert outputs["1"][:2] == outputs["2"][:2]
    assert outputs["1"][3] == outputs["2"][3]
    stances = Counter(t["predictions"][0]["result"][0]["value"]["choices"][0]
                      for t in json.loads(outputs["2"][1]))
    assert outputs["2"][3].endswith("pre-labelled stances: " + ", ".join(
        f"{k}={v}" for k, v in stances.items()) + "\n")
    assert f"{2 * len(bundled)} documents" in outputs["2"][2]


def test_links_fix_entity_bounds_without_overlaps():
    from stancekit.labeling.tasks import linked

    record = {"text": "abcdefghijklmnop",
              "links": [{"start": 0, "end": 10, "wikipedia": "A"}]}
    entities = [{"start": s, "end": e, "text": record["text"][s:e], "label": "GPE"}
                for s, e in ((0, 3), (4, 6), (8, 12))]
    spans = [(e["start"], e["end"]) for e in linked(record, entities)]
    assert spans == [(0, 10)]
