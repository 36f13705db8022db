"""The schema file: the bundled default, a custom schema, and every validation error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.dataset.features import stance_features
from stancekit.files import InputError
from stancekit.labeling.config import config_for, label_config
from stancekit.labeling.cues import cue_tagger
from stancekit.schema import (
    BUNDLED,
    BUNDLED_FILE,
    RESERVED_HOTKEYS,
    SCHEMA,
    Label,
    Role,
    Schema,
    load_schema,
    parse_schema,
    use_schema,
)

runner = CliRunner()

# The schema as it was typed in Python before it moved to schema.yaml.
PYTHON_SCHEMA = Schema(
    stances=(
        Label("none", "No accusation, denial or appeal: facts, background, plans, or cue words "
              "used in another sense.", "n", "#9e9e9e"),
        Label("accusation", "A source asserts, alleges or reports that a target did something "
              "wrong, illegal or hostile.", "a", "#d32f2f"),
        Label("denial", "A source rejects, refutes or dismisses an accusation or claim, or says "
              "the alleged thing did not happen.", "d", "#1976d2"),
        Label("appeal", "A source calls on, urges, asks or demands that a target do or stop "
              "doing something.", "p", "#388e3c"),
    ),
    entity_types=(
        Label("PERSON", "A named person, without title.", "1", "#ffb74d"),
        Label("ORG", "A named organisation: ministry, army, party, company, agency, court, NGO, "
              "armed group, outlet.", "2", "#ba68c8"),
        Label("GPE", "A country, city or region with a government, also used for its "
              "government.", "3", "#4fc3f7"),
        Label("NORP", "A nationality, religious or political group (Russian, Kurds, Sunni).",
              "4", "#aed581"),
    ),
    roles=(Role("source", "Who makes the accusation, denial or appeal."),
           Role("target", "Who is accused, whose claim is denied, or who is appealed to.")),
    relation="dyad",
    precedence=("denial", "accusation", "appeal"),
)
THREAT = {"name": "threat", "definition": "A source threatens a target with harm.",
          "hotkey": "t", "color": "#ff6f00"}


def custom_schema(folder: Path) -> Path:
    """A schema file with a fifth stance, ``threat``, and no NORP entity type."""
    data = yaml.safe_load(BUNDLED.text)
    data["stances"].append(THREAT)
    data["precedence"].insert(0, THREAT["name"])
    data["entity_types"] = [t for t in data["entity_types"] if t["name"] != "NORP"]
    path = folder / "schema.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _bundled():
    yield
    use_schema(None)


def test_bundled_yaml_is_the_python_schema() -> None:
    assert BUNDLED.schema == PYTHON_SCHEMA
    assert BUNDLED.path == BUNDLED_FILE
    assert config_for(PYTHON_SCHEMA) == label_config()


def test_custom_schema_drives_config_features_and_cues(tmp_path) -> None:
    use_schema(custom_schema(tmp_path))
    assert SCHEMA.stance_names == ["none", "accusation", "denial", "appeal", "threat"]
    assert SCHEMA.entity_names == ["PERSON", "ORG", "GPE"]
    assert 'value="threat" hotkey="t"' in label_config()
    assert "NORP" not in label_config()
    assert stance_features()["stance"].names == SCHEMA.stance_names
    assert cue_tagger().predict("Russia denied the claims.")[0] == "denial"
    use_schema(None)
    assert "threat" not in label_config()


def test_tasks_warns_once_for_a_stance_without_cues(tmp_path) -> None:
    src, sentences, tasks = tmp_path / "c.jsonl", tmp_path / "s.jsonl", tmp_path / "t.json"
    src.write_text(json.dumps({"id": "d1", "text": "Kurds in Russia accused Ukraine. "
                               "Kurds in Russia denied it.", "title": "T"}) + "\n",
                   encoding="utf-8")
    schema = ["--schema", str(custom_schema(tmp_path))]
    assert runner.invoke(app, [*schema, "segment", str(src), "-o", str(sentences)]).exit_code == 0
    result = runner.invoke(app, [*schema, "tasks", str(sentences), "-o", str(tasks)])
    assert result.exit_code == 0, result.output
    assert result.output.count("no cues for the stance 'threat'") == 1
    labels = {item["value"].get("labels", [None])[0] for task in json.loads(tasks.read_text())
              for item in task["predictions"][0]["result"] if "value" in item}
    assert "NORP" not in labels and "GPE" in labels


def _broken(edit) -> str:
    data = yaml.safe_load(BUNDLED.text)
    edit(data)
    return yaml.safe_dump(data)


@pytest.mark.parametrize(("edit", "field", "message"), [
    (lambda d: d["stances"].append(dict(d["stances"][1], hotkey="x")), "stances[4].name",
     "duplicate name 'accusation'"),
    (lambda d: d["entity_types"][0].update(hotkey="A"), "entity_types[0].hotkey",
     "duplicate hotkey 'A'"),
    (lambda d: d["stances"][1].update(hotkey="u"), "stances[1].hotkey",
     "Label Studio's own shortcuts"),
    (lambda d: d["entity_types"][3].update(hotkey="ctrl+z"), "entity_types[3].hotkey",
     "Label Studio's own shortcuts"),
    (lambda d: d["precedence"].append("threat"), "precedence[3]", "'threat' is not a stance"),
    (lambda d: d["precedence"].pop(), "precedence", "leaves out the stance 'appeal'"),
    (lambda d: d.update(stances=[]), "stances", "non-empty list"),
    (lambda d: d.update(entity_types=[]), "entity_types", "non-empty list"),
    (lambda d: d["stances"][0].update(name="neutral"), "stances", "no 'none' stance"),
    (lambda d: d["roles"].pop(), "roles", "two roles"),
    (lambda d: d["stances"][2].pop("color"), "stances[2]", "exactly the keys"),
])
def test_bad_schema_names_file_and_field(edit, field, message) -> None:
    with pytest.raises(InputError) as e:
        parse_schema(_broken(edit), Path("my.yaml"))
    assert e.value.field == field
    assert message in str(e.value) and "my.yaml" in str(e.value)


def test_unreadable_schema_file_is_one_line_error(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("stances: [\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.yaml: not valid YAML at line 2, column 1"):
        load_schema(bad)
    bad.write_bytes(b"\xff")
    with pytest.raises(InputError, match="not UTF-8"):
        load_schema(bad)


def test_reserved_hotkeys_include_the_editors_own() -> None:
    assert {"u", "ctrl+enter", "ctrl+z", "alt+r", "escape"} <= RESERVED_HOTKEYS


def test_bad_schema_on_the_command_line_exits_2(tmp_path, monkeypatch) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(_broken(lambda d: d["precedence"].pop()), encoding="utf-8")
    result = runner.invoke(app, ["--schema", str(bad), "studio", "config"])
    assert isinstance(result.exception, InputError) and "precedence" in str(result.exception)
    monkeypatch.setenv("STANCEKIT_SCHEMA", str(custom_schema(tmp_path)))
    result = runner.invoke(app, ["studio", "config"])
    assert result.exit_code == 0 and 'value="threat"' in result.output


def test_load_schema_hashes_the_file(tmp_path) -> None:
    loaded = load_schema(custom_schema(tmp_path))
    assert len(loaded.sha256) == 64 and loaded.sha256 != BUNDLED.sha256


def test_split_and_build_refuse_a_stance_the_schema_lacks(tmp_path) -> None:
    from test_export import annotation, task, write_export

    export = write_export(tmp_path, [task(i, annotation(10 + i, 1, "threat"), doc_id=f"d{i}")
                                     for i in range(1, 5)])
    schema = ["--schema", str(custom_schema(tmp_path))]
    assert runner.invoke(app, [*schema, "split", str(export), "-o", str(tmp_path / "m.json"),
                               "--test", "0.5"]).exit_code == 0
    for command in (["split", str(export), "-o", str(tmp_path / "m.json")],
                    ["build", str(export), "--splits", str(tmp_path / "m.json"), "-o",
                     str(tmp_path / "ds")]):
        result = runner.invoke(app, command)
        assert isinstance(result.exception, InputError), result.output
        assert "task 1" in str(result.exception) and "'threat'" in str(result.exception)


def test_renamed_roles_key_the_dyads(tmp_path) -> None:
    from test_export import annotation, task, write_export

    from stancekit.labeling.export import read_export

    data = yaml.safe_load(BUNDLED.text)
    data["roles"][0]["name"], data["roles"][1]["name"] = "speaker", "addressee"
    (tmp_path / "roles.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    use_schema(tmp_path / "roles.yaml")
    (record,) = read_export(write_export(tmp_path, [task(1, annotation(10, 1))])).records
    assert [set(d) for d in record["dyads"]] == [{"speaker", "addressee"}]
    assert stance_features()["dyads"].feature.keys() == {"speaker", "addressee"}
