"""The synthetic corpus written by the project: counts, the seed, byte-for-byte rebuilds."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from stancekit.files import InputError
from stancekit.labeling.markup import build_export, parse_line, parse_source

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "synthetic"
SEED = "000_76eab12f858254bd"


@pytest.fixture(scope="module")
def export() -> list[dict]:
    return json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))


def _first_stance(task: dict) -> str:
    result = task["annotations"][0]["result"]
    return next(r["value"]["choices"][0] for r in result if r["type"] == "choices")


def test_corpus_meets_the_size_targets(export: list[dict]) -> None:
    docs = {t["data"]["doc_id"] for t in export}
    stances = Counter(_first_stance(t) for t in export)
    assert len(docs) >= 60
    assert len(export) >= 1000
    for name in ("accusation", "denial", "appeal"):
        assert stances[name] >= 120, stances


def test_at_least_15_percent_have_a_second_independent_annotation(export: list[dict]) -> None:
    doubled = [t for t in export if len({a["completed_by"] for a in t["annotations"]}) >= 2]
    assert len(doubled) / len(export) >= 0.15


def test_seed_article_is_bundled_verbatim() -> None:
    seed = Path(__file__).resolve().parents[2] / "shared" / "seed" / f"{SEED}.txt"
    body = parse_source(CORPUS / "src" / f"{SEED}.txt").body()
    if seed.exists():
        assert body == seed.read_text(encoding="utf-8")
    articles = {json.loads(line)["id"]: json.loads(line) for line in
                (CORPUS / "articles.jsonl").read_text(encoding="utf-8").splitlines()}
    assert articles[SEED]["text"] == body


def test_build_reproduces_committed_files(tmp_path: Path) -> None:
    second = CORPUS / "second_pass.tsv"
    build_export(CORPUS / "src", tmp_path / "articles.jsonl", tmp_path / "gold.json",
                 second if second.exists() else None)
    for name in ("gold.json", "articles.jsonl"):
        assert (tmp_path / name).read_bytes() == (CORPUS / name).read_bytes(), name


def test_every_span_in_the_export_matches_its_text(export: list[dict]) -> None:
    for task in export:
        text = task["data"]["text"]
        for ann in task["annotations"]:
            for item in ann["result"]:
                if item["type"] == "labels":
                    v = item["value"]
                    assert text[v["start"]:v["end"]] == v["text"], (task["id"], v)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("maybe | text |", "unknown stance"),
        ("none | {Paris|CITY} |", "unknown entity type"),
        ("appeal | {Paris|GPE} urged {Rome|GPE} | Paris > Berlin", "not a marked entity"),
        ("none | {Paris|GPE |", "malformed"),
        ("none text", "expected"),
    ],
)
def test_markup_errors_name_file_and_line(line: str, message: str) -> None:
    with pytest.raises(InputError, match=rf"src\.txt, line 7[,:] .*{message}"):
        parse_line(line, "src.txt", 7)
