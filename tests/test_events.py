"""Canonical actors and the dyadic events table: normalisation, the events config, the
`events` and `actors` commands, coverage of the real corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from test_bad_input import run
from test_splits import make_export
from typer.testing import CliRunner

from stancekit.bundled import REAL
from stancekit.cli import app
from stancekit.events import coverage, events_table, load_actors, normalise, record_events
from stancekit.files import InputError, write_json, write_jsonl
from stancekit.labeling.gold import resolve_export
from stancekit.labeling.realnews.corpus import build_export
from stancekit.schema import SCHEMA

SOURCE, TARGET = SCHEMA.dyad_keys


def span(text: str, mention: str, label: str) -> dict:
    """The entity span of the first *mention* in *text*."""
    start = text.index(mention)
    return {"start": start, "end": start + len(mention), "text": mention, "label": label}


def record(sentence_id: str, text: str, stance: str, entities: list[tuple[str, str]],
           dyads: list[tuple[int, int]], date: str = "2020-05-01", **extra: object) -> dict:
    """A gold record of *text* with its entities and (source index, target index) dyads."""
    spans = [span(text, mention, label) for mention, label in entities]
    return {"sentence_id": sentence_id, "doc_id": f"doc-{sentence_id}", "index": 0, "start": 0,
            "end": len(text), "text": text, "context": text, "stance": stance, "date": date,
            "entities": spans, "dyads": [{SOURCE: spans[s], TARGET: spans[t]} for s, t in dyads],
            "n_annotations": 1, "agreement": 1.0, "annotators": [1], "resolution": "single",
            **extra}


LIBYA = record("libya", "The US calls on Russia and Turkey to stop their actions in Libya.",
               "appeal", [("US", "GPE"), ("Russia", "GPE"), ("Turkey", "GPE"), ("Libya", "GPE")],
               [(0, 1), (0, 2)])
MOSCOW = record("moscow", "Moscow rejects the accusations of Ukraine.", "denial",
                [("Moscow", "GPE"), ("Ukraine", "GPE")], [(0, 1)], date="2022-03-02")
LAVROV = record("lavrov", "Russian Foreign Minister Sergei Lavrov accuses the Pentagon of lying.",
                "accusation", [("Russian", "NORP"), ("Sergei Lavrov", "PERSON"),
                               ("Pentagon", "ORG")], [(1, 2)], date="2022-04-10",
                links=[{"start": 25, "end": 38, "wikipedia": "Sergey Lavrov"}])
GOLD = [LIBYA, MOSCOW, LAVROV]


def test_appeal_of_the_us_gives_two_country_events() -> None:
    events = record_events(LIBYA)
    assert [(e["stance"], e[f"{SOURCE}_actor"], e[f"{TARGET}_actor"]) for e in events] == [
        ("appeal", "USA", "RUS"), ("appeal", "USA", "TUR")]
    assert record_events(MOSCOW)[0][f"{SOURCE}_country"] == "RUS"


@pytest.mark.parametrize(("mention", "entity_type", "country", "role", "code"), [
    ("U.S.", "GPE", "USA", None, "USA"),
    ("the United Kingdom", "GPE", "GBR", None, "GBR"),
    ("Britain", "GPE", "GBR", None, "GBR"),
    ("Americans", "NORP", "USA", None, "USA"),
    ("Turkish", "NORP", "TUR", None, "TUR"),
    ("Kiev", "GPE", "UKR", None, "UKR"),
    ("Washington", "GPE", "USA", None, "USA"),
    ("Texas", "GPE", "USA", None, "USA"),
    ("the Pentagon", "ORG", "USA", "MIL", "USAMIL"),
    ("Kremlin", "ORG", "RUS", "GOV", "RUSGOV"),
    ("State Department", "ORG", "USA", "GOV", "USAGOV"),
    ("AFRICOM", "ORG", "USA", "MIL", "USAMIL"),
    ("Hamas", "ORG", "PSE", "REB", "PSEREB"),
    ("United Nations", "ORG", None, "IGO", "UN"),
    ("UN Human Rights Office", "ORG", None, "IGO", "UN"),
    ("Russian Foreign Ministry", "ORG", "RUS", "GOV", "RUSGOV"),
    ("Supreme Court of Pakistan", "ORG", "PAK", "JUD", "PAKJUD"),
])
def test_normalise(mention: str, entity_type: str, country: str | None, role: str | None,
                   code: str) -> None:
    actor = normalise(mention, entity_type)
    assert (actor.country, actor.role, actor.code) == (country, role, code)


def test_title_words_and_links_name_a_person_or_organisation() -> None:
    text = LAVROV["text"]
    lavrov = normalise("Sergei Lavrov", "PERSON", text, text.index("Sergei"))
    assert (lavrov.country, lavrov.role) == ("RUS", "GOV")
    mayor = "Speaking in Kyiv, the mayor of the city, Vitali Klitschko, said so."
    assert normalise("Vitali Klitschko", "PERSON", mayor, mayor.index("Vitali")).code is None
    # a capital is its country's government only as a GPE, not inside a person's name
    assert normalise("Victoria", "GPE").country == "AUS"
    assert normalise("Victoria Smith", "PERSON").country is None
    event = record_events(LAVROV)[0]
    assert event[f"{SOURCE}_wikipedia"] == "Sergey Lavrov"
    assert (event[f"{SOURCE}_actor"], event[f"{TARGET}_actor"]) == ("RUSGOV", "USAMIL")


def test_bad_dyads_name_the_record_and_field() -> None:
    broken = {**LIBYA, "dyads": [{SOURCE: {**LIBYA["entities"][0], "end": 3}, TARGET: {}}]}
    with pytest.raises(InputError) as caught:
        record_events(broken, "gold.jsonl")
    assert "gold.jsonl" in str(caught.value) and "sentence libya" in str(caught.value)
    assert f"dyads[0].{SOURCE}" in str(caught.value)
    with pytest.raises(InputError, match=r"entities\[1\]"):
        coverage([{**LIBYA, "entities": [LIBYA["entities"][0], {"text": "Russia"}]}],
                 load_actors(), path="gold.jsonl")


def test_user_dictionary_extends_the_bundled_one(tmp_path: Path) -> None:
    mine = tmp_path / "actors.yaml"
    runner = CliRunner()
    result = runner.invoke(app, ["actors", "add", "Freedonia", "--country", "USA", "--type",
                                 "GPE", "--dictionary", str(mine)])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(mine.read_text())
    assert data["extends"] == "bundled" and data["version"]
    actors = load_actors(mine)
    assert normalise("Freedonia", "GPE", actors=actors).country == "USA"
    assert normalise("Russia", "GPE", actors=actors).country == "RUS"
    assert normalise("Freedonia", "GPE").country is None
    code, _, err = run(["actors", "add", "Sylvania", "--country", "ZZZ", "--dictionary",
                        str(mine)])
    assert code == 2 and "actors[1].country" in err and "Traceback" not in err
    assert "Sylvania" not in mine.read_text()


def test_events_config_loads_offline_and_the_command_writes_csv_and_plot(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_json(tmp_path / "export.json", make_export(GOLD))
    manifest = {"seed": 1, "method": "fixed", "fractions": {"train": 0.67, "test": 0.33},
                "documents": {"train": ["doc-libya", "doc-lavrov"], "test": ["doc-moscow"]}}
    write_json(tmp_path / "splits.json", manifest)
    runner = CliRunner()
    result = runner.invoke(app, ["build", str(tmp_path / "export.json"), "--splits",
                                 str(tmp_path / "splits.json"), "-o", str(tmp_path / "ds")])
    assert result.exit_code == 0, result.output
    card = (tmp_path / "ds" / "README.md").read_text()
    meta = yaml.safe_load(card.split("---\n")[1])
    assert "events" in [c["config_name"] for c in meta["configs"]]
    sizes = {c["config_name"]: {s["name"]: s["num_examples"] for s in c["splits"]}
             for c in meta["dataset_info"]}
    assert sizes["events"] == {"train": 3, "test": 1} and "`events`" in card
    for name, value in {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
                        "HF_HOME": str(tmp_path / "hf")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("datasets.config.HF_DATASETS_CACHE", tmp_path / "hf" / "datasets")
    from datasets import load_dataset

    loaded = load_dataset(str(tmp_path / "ds"), "events")
    assert loaded["train"].features["stance"].names == SCHEMA.stance_names
    assert sorted((r[f"{SOURCE}_actor"], r[f"{TARGET}_actor"]) for split in loaded.values()
                  for r in split) == [
        ("RUS", "UKR"), ("RUSGOV", "USAMIL"), ("USA", "RUS"), ("USA", "TUR")]

    out, plot = tmp_path / "events.csv", tmp_path / "events.png"
    result = runner.invoke(app, ["events", str(tmp_path / "ds"), "-o", str(out),
                                 "--plot", str(plot)])
    assert result.exit_code == 0, result.output
    assert "4 events" in result.output
    assert out.read_text().splitlines()[0].startswith("sentence_id,doc_id,date,stance,")
    assert plot.read_bytes().startswith(b"\x89PNG")
    frame = events_table(tmp_path / "ds")
    assert list(frame[f"{SOURCE}_actor"]) == ["RUSGOV", "USA", "USA", "RUS"]  # by document

    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**LIBYA, "stance": "praise"}) + "\n")
    code, _, err = run(["events", str(bad), "-o", str(tmp_path / "bad.csv")])
    assert code == 2 and "bad.jsonl" in err and "sentence libya" in err
    assert "field 'stance'" in err and not (tmp_path / "bad.csv").exists()


def test_real_corpus_places_are_normalised_to_countries(tmp_path: Path) -> None:
    build_export(REAL, tmp_path / "export.json")
    write_jsonl(tmp_path / "gold.jsonl", resolve_export(tmp_path / "export.json", lead=1).gold)
    result = CliRunner().invoke(app, ["actors", "coverage", str(tmp_path / "gold.jsonl"), "-o",
                                      str(tmp_path / "coverage.json"), "--top", "10"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "coverage.json").read_text())
    assert report["places_country_share"] >= 0.90, report["by_type"]
    for entity_type in ("GPE", "NORP"):
        assert report["by_type"][entity_type]["country_share"] >= 0.88
    assert len(report["unnormalised"]) == 10 and "| GPE |" in result.output


def test_coverage_counts_every_mention_by_type() -> None:
    report = coverage(GOLD, load_actors())
    assert report["by_type"]["GPE"] == {"mentions": 6, "country_share": 1.0, "role_share": 0.0,
                                        "actor_share": 1.0}
    assert report["places_country_share"] == 1.0 and report["unnormalised"] == []
