"""The Label Studio config and instructions are generated from the schema."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.labeling.config import instructions, label_config
from stancekit.schema import SCHEMA


def _view() -> ET.Element:
    return ET.fromstring(label_config())


def test_text_controls_read_task_fields():
    texts = {t.get("name"): t.get("value") for t in _view().iter("Text")}
    assert texts == {SCHEMA.text_control: f"${SCHEMA.text_control}",
                     SCHEMA.context_control: f"${SCHEMA.context_control}"}


def test_context_is_under_its_header():
    children = list(_view())
    context = next(i for i, c in enumerate(children) if c.get("name") == SCHEMA.context_control)
    assert children[context - 1].tag == "Header"
    assert children[context - 1].get("value") == "Context"


def test_one_label_per_entity_type():
    (labels,) = _view().iter("Labels")
    assert labels.get("name") == SCHEMA.entity_control
    assert labels.get("toName") == SCHEMA.text_control
    got = [(x.get("value"), x.get("background"), x.get("hotkey")) for x in labels]
    assert got == [(t.name, t.color, t.hotkey) for t in SCHEMA.entity_types]


def test_one_choice_per_stance_in_schema_order():
    (choices,) = _view().iter("Choices")
    assert choices.get("name") == SCHEMA.stance_control
    assert choices.get("toName") == SCHEMA.text_control
    assert choices.get("choice") == "single-radio"
    assert choices.get("required") == "true"
    got = [(x.get("value"), x.get("hotkey"), x.get("hint")) for x in choices]
    assert got == [(s.name, s.hotkey, s.definition) for s in SCHEMA.stances]


def test_single_dyad_relation():
    assert [r.get("value") for r in _view().iter("Relation")] == [SCHEMA.relation]


def test_hotkeys_are_unique():
    keys = [x.get("hotkey") for x in _view().iter() if x.get("hotkey")]
    assert len(keys) == len(set(keys)) == len(SCHEMA.stances) + len(SCHEMA.entity_types)


def test_instructions_are_html_with_every_label():
    html = instructions()
    assert html.lstrip().startswith("<h1>")
    assert "<table>" in html
    for name in SCHEMA.stance_names + SCHEMA.entity_names:
        assert f"<code>{name}</code>" in html


def test_cli_prints_config():
    result = CliRunner().invoke(app, ["studio", "config"])
    assert result.exit_code == 0
    assert result.output == label_config()
