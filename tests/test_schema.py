"""One schema: every label name is typed once, and everything else derives from it."""

from __future__ import annotations

import ast
from pathlib import Path

from stancekit.labeling.guidelines import GUIDELINES, render, schema_blocks
from stancekit.schema import SCHEMA

ROOT = Path(__file__).resolve().parents[1]
CODE = ["stancekit", "labeling", "splits", "dataset", "baselines"]


def test_stance_order_is_fixed() -> None:
    assert SCHEMA.stance_names == ["none", "accusation", "denial", "appeal"]
    assert SCHEMA.entity_names == ["PERSON", "ORG", "GPE", "NORP"]
    assert [r.name for r in SCHEMA.roles] == ["source", "target"]


def test_hotkeys_are_unique_across_controls() -> None:
    keys = [x.hotkey for x in (*SCHEMA.stances, *SCHEMA.entity_types)]
    assert len(keys) == len(set(keys))


def test_precedence_covers_every_stance_but_the_default() -> None:
    assert set(SCHEMA.precedence) | {SCHEMA.default_stance} == set(SCHEMA.stance_names)
    assert SCHEMA.resolve({"appeal", "denial"}) == "denial"
    assert SCHEMA.resolve(set()) == SCHEMA.default_stance


def test_guideline_tables_are_generated_from_the_schema() -> None:
    text = GUIDELINES.read_text(encoding="utf-8")
    assert render(text) == text, "run `stancekit guidelines --write`"
    for block in schema_blocks().values():
        assert block in text


def test_bio_tags_follow_entity_order() -> None:
    assert SCHEMA.bio_tags[0] == "O"
    assert SCHEMA.bio_tags[1:3] == ["B-PERSON", "I-PERSON"]


def test_no_label_name_is_typed_outside_the_schema() -> None:
    names = set(SCHEMA.stance_names) | set(SCHEMA.entity_names) | {SCHEMA.relation}
    offenders = []
    for folder in CODE:
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "schema.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value in names:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert not offenders, offenders
