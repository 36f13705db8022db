"""The parse features (the ``parse`` extra): what the parser reads in the seed sentence for the
dyad model and for the stance model ``cues_parse_svm``, models trained with them round-tripped
through skops and used by ``tasks``, and a clear refusal where the extra is missing."""

from __future__ import annotations

import json

import pytest
from test_task_dyads import rows
from typer.testing import CliRunner

from stancekit.baselines import dyad_model, parses, stance
from stancekit.baselines.persist import load_model, save_model
from stancekit.cli import app
from stancekit.files import InputError
from stancekit.schema import SCHEMA

NONE, ACCUSATION, DENIAL, APPEAL = SCHEMA.stance_names
GPE = SCHEMA.entity_names[2]
SEED = "The US calls on Russia and Turkey to stop their actions in Libya."
runner = CliRunner()


def _entity(text: str, name: str) -> dict:
    start = text.index(name)
    return {"start": start, "end": start + len(name), "text": name, "label": GPE}


@pytest.fixture(autouse=True, scope="module")
def _parser() -> None:
    """Skip without the extra; with ``CI`` set, fail instead."""
    from conftest import require_system

    if not parses.available():
        require_system("parse", parses.MISSING, "make parse")


@pytest.fixture(scope="module")
def trained() -> dyad_model.DyadModel:
    model, _ = dyad_model.search(rows(), 3, dyad_model.TINY_GRID, seed=13, parse=True)
    return model


def test_seed_sentence_reads_the_caller_as_subject_and_the_called_as_object_of_on():
    row = {"text": SEED, "stance": APPEAL,
           "entities": [_entity(SEED, n) for n in ("US", "Russia", "Turkey", "Libya")]}
    sentence = dyad_model.Sentence(row, parses.parse([SEED])[SEED])
    us, russia, turkey, _ = sentence.entities
    assert sentence.parsed[id(us)]["dep"] == "nsubj"
    assert sentence.parsed[id(russia)]["pobj"] == "on|call"
    assert sentence.parsed[id(turkey)]["gov_pobj"] == "on|call"
    features = sentence.features(us, russia)
    assert features["p.lca"] == "call" and features["p.lca_speaks"]
    assert features["p.path"] == "nsubj^/VERB/vprep/vpobj"
    assert features["p.verbs"] == "False|False|nsubj|pobj"  # one clause verb: "calls"


def test_a_parse_model_round_trips_and_predicts_what_it_did(trained, tmp_path):
    assert trained.parse
    path = tmp_path / "dyads.skops"
    save_model(trained, path)
    loaded = load_model(path)
    test = rows(4)
    assert loaded.predict(test) == trained.predict(test)
    assert dyad_model.evaluate(loaded, test, resamples=20)["micro"]["f1"] >= 0.9


def test_tasks_refuse_a_parse_model_without_the_extra(trained, tmp_path, monkeypatch):
    path, sentences = tmp_path / "dyads.skops", tmp_path / "s.jsonl"
    save_model(trained, path)
    sentences.write_text(json.dumps({
        "sentence_id": "s1", "doc_id": "d1", "index": 0, "start": 0, "end": len(SEED),
        "text": SEED, "context": SEED}) + "\n", encoding="utf-8")
    monkeypatch.setattr(parses, "available", lambda: False)
    out = tmp_path / "t.json"
    result = runner.invoke(app, ["tasks", str(sentences), "-o", str(out),
                                 "--dyad-model", str(path)])
    assert isinstance(result.exception, InputError)
    assert "stancekit[parse]" in str(result.exception) and "dyads.skops" in str(result.exception)
    assert not out.exists()


def test_another_build_of_the_pipeline_is_refused(monkeypatch):
    parses.pipeline.cache_clear()
    monkeypatch.setattr(parses, "PIPELINE_SHA256", "0" * 64)
    try:
        with pytest.raises(InputError, match="not the checked en_core_web_sm 3.8.0 pipeline"):
            parses.pipeline()
    finally:
        parses.pipeline.cache_clear()


def test_parse_features_leave_the_surface_features_as_they_were():
    row = {"text": SEED, "stance": APPEAL,
           "entities": [_entity(SEED, n) for n in ("US", "Russia", "Turkey", "Libya")]}
    plain, parsed = dyad_model.Sentence(row), dyad_model.Sentence(row, parses.parse([SEED])[SEED])
    for s, t in plain.pairs():
        surface = plain.features(s, t)
        a, b = (next(e for e in parsed.entities if e == x) for x in (s, t))
        with_parse = parsed.features(a, b)
        assert {k: v for k, v in with_parse.items() if not k.startswith("p.")} == surface


def test_sentence_clues_name_the_verbs_relations_and_negation():
    relations = parses.sentence_clues(parses.parse([SEED])[SEED], "relations").split()
    assert {"ROOT_call", "call_nsubj_", "call_prep_on"} <= set(relations)
    denial = "Moscow did not deny the accusations."
    relations = parses.sentence_clues(parses.parse([denial])[denial], "relations").split()
    assert {"NEG_deny", "deny_dobj_accusation"} <= set(relations)
    lemmas = parses.sentence_clues(parses.parse([denial])[denial], "lemmas").split()
    assert lemmas[:4] == ["moscow", "do", "not", "deny"]


def test_within_remembered_each_text_is_parsed_once():
    with parses.remembered():
        first = parses.parse([SEED])[SEED]
        assert parses.parse([SEED, SEED])[SEED] is first
    assert parses.parse([SEED])[SEED] is not first


def test_parse_clues_refuse_an_unknown_kind():
    with pytest.raises(ValueError, match="lemmas, relations"):
        parses.ParseClues("words").fit([SEED])


def test_the_parse_stance_model_round_trips_and_predicts_what_it_did(tmp_path):
    texts = [SEED, "Moscow rejects the accusations.", "The ministry accused Turkey of "
             "shelling.", "Talks resumed in Geneva."] * 3
    y = [3, 2, 1, 0] * 3
    folds = [([i for i in range(12) if i // 4 != k], list(range(4 * k, 4 * k + 4)))
             for k in range(3)]
    model, _ = stance.search("cues_parse_svm", texts, y, folds,
                             stance.TINY_GRIDS["cues_parse_svm"], seed=13)
    save_model(model, tmp_path / "m.skops")
    loaded = load_model(tmp_path / "m.skops")
    assert (loaded.predict_proba(texts) == model.predict_proba(texts)).all()
