"""The bundled real-news corpus: size, sources, provenance, strata, passes and its gold export."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from stancekit.files import iter_jsonl
from stancekit.labeling.gold import resolve_export
from stancekit.labeling.realnews.corpus import (
    DOCUMENTS,
    SELECTION,
    build_export,
    in_blind_pass,
)
from stancekit.labeling.sources.registry import ATTRIBUTIONS
from stancekit.schema import SCHEMA

REAL = Path(__file__).resolve().parents[1] / "corpus" / "real"
LICENSES = {"CC BY 2.5", "CC BY-SA 4.0", "Public domain (17 U.S.C. 105)"}


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("real") / "export.json"
    build_export(REAL, path)
    return path


@pytest.fixture(scope="module")
def tasks(export: Path) -> list[dict]:
    return json.loads(export.read_text(encoding="utf-8"))


def test_every_document_has_provenance_and_a_checked_licence() -> None:
    docs = [obj for shard in sorted((REAL / DOCUMENTS).glob("*.jsonl"))
            for _, obj in iter_jsonl(shard)]
    assert len(docs) >= 250
    for doc in docs:
        assert doc["source"] in ATTRIBUTIONS
        assert doc["license"] in LICENSES
        assert doc["url"].startswith("https://")
        origin = doc["origin"]
        assert origin["repository"].count("/") == 1 and origin["path"]
        assert re.fullmatch(r"[0-9a-f]{40}", origin["commit"])


def test_files_stay_under_5_mb() -> None:
    for path in REAL.rglob("*"):
        if path.is_file():
            assert path.stat().st_size < 5 * 2**20, path


def test_size_sources_and_strata(tasks: list[dict]) -> None:
    assert len(tasks) >= 3000
    assert len({t["data"]["doc_id"] for t in tasks}) >= 250
    sources = Counter(t["data"]["source"] for t in tasks)
    assert set(sources) == set(ATTRIBUTIONS)
    assert max(sources.values()) <= 0.6 * len(tasks)
    strata = Counter(t["data"]["stratum"].split(":")[0] for t in tasks)
    assert strata["random"] > strata["enrichment"] > 0
    assert all(t["data"]["weight"] > 0 for t in tasks)


def test_every_sentence_is_annotated_and_the_blind_pass_is_chosen_by_hash(
        tasks: list[dict]) -> None:
    first = {t["data"]["sentence_id"] for t in tasks
             if any(a["completed_by"] == 1 for a in t["annotations"])}
    second = {t["data"]["sentence_id"] for t in tasks
              if any(a["completed_by"] == 2 for a in t["annotations"])}
    assert len(first) == len(tasks)
    assert second == {t["data"]["sentence_id"] for t in tasks
                      if in_blind_pass(t["data"]["sentence_id"])}
    assert len(second) >= 0.2 * len(tasks)


def test_gold_has_every_stance_at_least_150_times(export: Path) -> None:
    resolution = resolve_export(export, lead=1)
    assert not resolution.excluded
    counts = Counter(g["stance"] for g in resolution.gold)
    for name in SCHEMA.stance_names:
        assert counts[name] >= 150, counts


def test_export_is_rebuilt_byte_for_byte(export: Path, tmp_path: Path) -> None:
    build_export(REAL, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == export.read_bytes()


def test_selection_lists_each_sentence_once() -> None:
    ids = [obj["sentence_id"] for _, obj in iter_jsonl(REAL / SELECTION)]
    assert len(ids) == len(set(ids))


def test_adjudicate_and_build_give_the_recorded_bytes(export: Path, tmp_path: Path) -> None:
    """The gold, queue and dataset of the bundled corpus are the bytes recorded in
    real_build.sha256 (written by the in-memory build before gold and dataset were streamed;
    after an intended change, regenerate it with `sha256sum` of these files)."""
    import hashlib
    import shutil

    from typer.testing import CliRunner

    from stancekit.cli import app

    root = REAL.parents[1]
    shutil.copyfile(root / "DATASHEET.md", tmp_path / "DATASHEET.md")
    runner = CliRunner()
    for args in (["adjudicate", str(export), "-o", str(tmp_path / "gold.jsonl"), "--queue",
                  str(tmp_path / "queue.json"), "--lead", "1"],
                 ["build", str(export), "--splits", str(root / "splits" / "real.json"), "-o",
                  str(tmp_path / "dataset"), "--lead", "1", "--about", str(REAL / "CARD.md"),
                  "--documents", str(REAL / DOCUMENTS), "--datasheet",
                  str(tmp_path / "DATASHEET.md")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    recorded = dict(line.split()[::-1] for line in
                    (Path(__file__).with_name("real_build.sha256")).read_text().splitlines())
    made = {str(p.relative_to(tmp_path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(tmp_path.rglob("*")) if p.is_file() and (p.parent != tmp_path
            or p.name in ("gold.jsonl", "queue.json"))}
    assert made == recorded
