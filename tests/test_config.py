"""The Label Studio config and instructions are generated from the schema."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.labeling.config import (
    COMMENT_CONTROL,
    CONTEXT_HTML,
    UNSURE,
    UNSURE_CONTROL,
    context_html,
    instructions,
    label_config,
)
from stancekit.schema import SCHEMA


def _view() -> ET.Element:
    return ET.fromstring(label_config())


def test_text_controls_read_task_fields():
    texts = {t.get("name"): t.get("value") for t in _view().iter("Text")}
    assert texts == {SCHEMA.text_control: f"${SCHEMA.text_control}"}
    (context,) = _view().iter("HyperText")
    assert context.get("name") == SCHEMA.context_control
    assert context.get("value") == f"${CONTEXT_HTML}"


def test_context_is_under_its_header_above_the_sentence():
    children = list(_view())
    names = [c.get("name") for c in children]
    context = names.index(SCHEMA.context_control)
    assert children[context - 1].tag == "Header"
    assert children[context - 1].get("value") == "Context"
    assert context < names.index(SCHEMA.text_control)


def test_context_html_marks_the_sentence_and_shows_title_source_date():
    record = {"text": "B <b>.", "context": "A & x.\nB <b>. C.", "title": "Talks",
              "source": "Wire", "date": "2024-05-01"}
    page = context_html(record)
    assert "<mark>B &lt;b&gt;.</mark>" in page
    assert page.index("A &amp; x.") < page.index("<mark>") < page.index(" C.")
    assert "<h4>Talks</h4>" in page and "Wire · 2024-05-01" in page
    assert context_html({"text": "Only.", "context": "Only."}).endswith("<mark>Only.</mark></p>")


def test_entity_spans_snap_to_words():
    (labels,) = _view().iter("Labels")
    assert labels.get("granularity") == "word"


def test_optional_unsure_flag_and_comment():
    controls = {c.get("name"): c for c in _view() if c.get("name")}
    unsure = controls[UNSURE_CONTROL]
    assert unsure.tag == "Choices" and unsure.get("required") is None
    assert [c.get("value") for c in unsure] == [UNSURE]
    comment = controls[COMMENT_CONTROL]
    assert comment.tag == "TextArea" and comment.get("required") is None


def test_one_label_per_entity_type():
    (labels,) = _view().iter("Labels")
    assert labels.get("name") == SCHEMA.entity_control
    assert labels.get("toName") == SCHEMA.text_control
    got = [(x.get("value"), x.get("background"), x.get("hotkey")) for x in labels]
    assert got == [(t.name, t.color, t.hotkey) for t in SCHEMA.entity_types]


def test_one_choice_per_stance_in_schema_order():
    (choices,) = [c for c in _view().iter("Choices") if c.get("name") == SCHEMA.stance_control]
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
