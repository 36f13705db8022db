"""Dyads in the tasks' pre-annotations: relations between the predicted entity regions, read
back by the export parser, from the heuristic or a learned dyad model."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stancekit.baselines import dyad_model
from stancekit.baselines.persist import save_model
from stancekit.cli import app
from stancekit.files import InputError
from stancekit.labeling.export import parse_task
from stancekit.labeling.tasks import build_tasks
from stancekit.schema import SCHEMA

NONE, ACCUSATION, DENIAL, APPEAL = SCHEMA.stance_names
PERSON, ORG, GPE, NORP = SCHEMA.entity_names
SOURCE, TARGET = SCHEMA.dyad_keys
runner = CliRunner()
ARTICLE = ("Poland accused Russia of shelling Kharkiv. Ukraine was accused by Hungary of "
           "blocking the talks. The weather in Paris was fine.")
PEOPLE = ["Maria Lopez", "John Smith", "Ana Petrova", "Omar Haddad"]
COUNTRIES = ["Russia", "Ukraine", "Georgia", "Serbia", "Kosovo", "Chad", "Mali", "Hungary"]
# (template, stance, source slot, target slot): the source comes first in some, last in others.
TEMPLATES = [
    ("{a} accused {b} of shelling {c}.", ACCUSATION, "a", "b"),
    ("{b} was accused by {a} of shelling {c}.", ACCUSATION, "a", "b"),
    ("In {c}, {a} urged {b} to release the sailors.", APPEAL, "a", "b"),
    ("{b} must stop, {a} said in {c}.", APPEAL, "a", "b"),
    ("{a} denied that {b} had crossed into {c}.", DENIAL, "a", "b"),
    ("Talks between {a}, {b} and {c} resumed.", NONE, None, None),
]


def _entity(text: str, name: str, label: str) -> dict:
    start = text.index(name)
    return {"start": start, "end": start + len(name), "text": name, "label": label}


def rows(n_docs: int = 12) -> list[dict]:
    """Sentences from the templates, three entities each, whose dyad order varies."""
    out = []
    for d in range(n_docs):
        for i, (template, stance, s, t) in enumerate(TEMPLATES):
            names = {"a": PEOPLE[(d + i) % 4], "b": COUNTRIES[(d + 2 * i) % 8],
                     "c": COUNTRIES[(d + 2 * i + 1) % 8]}
            text = template.format(**names)
            kinds = {"a": PERSON, "b": GPE, "c": GPE}
            ents = {k: _entity(text, v, kinds[k]) for k, v in names.items()}
            out.append({"doc_id": f"d{d}", "text": text, "stance": stance,
                        "entities": sorted(ents.values(), key=lambda e: e["start"]),
                        "dyads": [{SOURCE: ents[s], TARGET: ents[t]}] if s else []})
    return out


@pytest.fixture(scope="module")
def trained() -> dyad_model.DyadModel:
    model, _ = dyad_model.search(rows(), 3, dyad_model.TINY_GRID, seed=13)
    return model


@pytest.fixture()
def sentences(tmp_path: Path) -> Path:
    src, out = tmp_path / "c.jsonl", tmp_path / "s.jsonl"
    src.write_text(json.dumps({"id": "d1", "text": ARTICLE}) + "\n", encoding="utf-8")
    assert runner.invoke(app, ["segment", str(src), "-o", str(out)]).exit_code == 0
    return out


def _record(text: str) -> dict:
    return {"sentence_id": "s1", "doc_id": "d1", "index": 0, "start": 0, "end": len(text),
            "text": text, "context": text}


def test_relations_join_the_predicted_entity_regions_and_read_back_as_dyads():
    text = "Poland accused Russia of shelling Kharkiv."
    [task] = build_tasks([_record(text)])
    [pred] = task["predictions"]
    regions = {r["id"]: r["value"]["text"] for r in pred["result"] if r["type"] == "labels"}
    relations = [r for r in pred["result"] if r["type"] == "relation"]
    assert relations == [{"from_id": "p0", "to_id": "p1", "type": "relation",
                          "direction": "right", "labels": [SCHEMA.relation]}]
    assert (regions["p0"], regions["p1"]) == ("Poland", "Russia")
    # The prediction as an annotator would accept it, read by the export parser.
    accepted = {**task, "id": 1, "annotations": [{"id": 1, "completed_by": 1,
                                                  "result": pred["result"]}]}
    _, [(_, record, _)], _, _ = parse_task(accepted, "tasks.json")
    assert [(d[SOURCE]["text"], d[TARGET]["text"]) for d in record["dyads"]] == [
        ("Poland", "Russia")]


def test_no_relations_without_a_stance_or_a_second_entity():
    for text in ("The weather in Paris was fine.", "Maria Lopez accused the court."):
        [task] = build_tasks([_record(text)])
        assert not [r for r in task["predictions"][0]["result"] if r["type"] == "relation"]


def test_learned_model_beats_first_to_second_entity(trained):
    test = rows(4)
    first_second = [[((r["entities"][0]["start"], r["entities"][0]["end"]),
                      (r["entities"][1]["start"], r["entities"][1]["end"]))]
                    if dyad_model.candidates(r) else [] for r in test]
    from stancekit.baselines import dyads

    trivial = dyads.score(test, first_second, resamples=50)["micro"]["f1"]
    learned = dyad_model.evaluate(trained, test, resamples=50)["micro"]["f1"]
    assert learned > trivial and learned >= 0.9


def test_decoding_is_deterministic_and_keeps_one_direction():
    pairs = [((0, 1), (2, 3)), ((2, 3), (0, 1)), ((0, 1), (4, 5))]
    assert dyad_model.decode(pairs, [0.9, 0.95, 0.9], 0.5, 2, False) == [
        ((2, 3), (0, 1)), ((0, 1), (4, 5))]
    assert dyad_model.decode(pairs, [0.3, 0.3, 0.3], 0.5, 1, True) == [((0, 1), (2, 3))]
    assert dyad_model.decode(pairs, [0.3, 0.3, 0.3], 0.5, 1, False) == []


def test_tasks_with_a_saved_dyad_model(trained, sentences, tmp_path):
    path = tmp_path / "dyads.skops"
    save_model(trained, path)
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    for out in outs:
        result = runner.invoke(app, ["tasks", str(sentences), "-o", str(out),
                                     "--dyad-model", str(path)])
        assert result.exit_code == 0, result.output
    assert outs[0].read_bytes() == outs[1].read_bytes()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    found = []
    for task in json.loads(outs[0].read_text(encoding="utf-8")):
        # Label Studio shows the predictions of one model_version: the learned model has its own.
        assert task["predictions"][0]["model_version"].endswith(f"+dyads-{digest}")
        result = task["predictions"][0]["result"]
        regions = {r["id"]: r["value"]["text"] for r in result if r["type"] == "labels"}
        found += [(regions[r["from_id"]], regions[r["to_id"]]) for r in result
                  if r["type"] == "relation"]
    assert found and {end for pair in found for end in pair} <= {"Poland", "Russia", "Kharkiv",
                                                                "Ukraine", "Hungary"}


def test_a_file_that_is_not_a_dyad_model_is_refused(sentences, tmp_path):
    bad = tmp_path / "bad.skops"
    bad.write_text("not a model", encoding="utf-8")
    result = runner.invoke(app, ["tasks", str(sentences), "-o", str(tmp_path / "t.json"),
                                 "--dyad-model", str(bad)])
    assert isinstance(result.exception, InputError) and "bad.skops" in str(result.exception)
    assert not (tmp_path / "t.json").exists()
