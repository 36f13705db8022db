"""`stancekit demo` runs the pipeline on the bundled real-news corpus, resumes, is deterministic."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

STANCEKIT = [sys.executable, "-c", "from stancekit.cli import run; run()"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _demo(out: Path) -> str:
    proc = subprocess.run([*STANCEKIT, "demo", "-o", str(out), "--quick"], capture_output=True,
                          text=True, check=True)
    return proc.stdout


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo")
    return out, _demo(out)


def test_demo_writes_every_stage(demo_out: tuple[Path, str]) -> None:
    out, stdout = demo_out
    for name in ("export.json", "sentences.jsonl", "tasks.json", "label_config.xml", "agreement.md",
                 "gold.jsonl", "queue.json", "splits.json", "dataset/README.md", "events.csv",
                 "events.png", "baselines/results.json", "baselines/results.md"):
        assert (out / name).exists(), name
    assert "| model |" in stdout
    results = json.loads((out / "baselines" / "results.json").read_text())
    assert results["stance"]["best_model"]


def test_demo_resumes_without_rerunning(demo_out: tuple[Path, str]) -> None:
    out, _ = demo_out
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    stdout = _demo(out)
    assert stdout.count("up to date") == 10
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_demo_is_deterministic(demo_out: tuple[Path, str], tmp_path: Path) -> None:
    out, _ = demo_out
    _demo(tmp_path)
    for name in ("sentences.jsonl", "tasks.json", "gold.jsonl", "splits.json",
                 "dataset/stance/train.parquet", "dataset/README.md", "events.csv", "events.png",
                 "baselines/results.json",
                 *(str(p.relative_to(out)) for p in (out / "baselines").rglob("*.skops"))):
        # Digests, not bytes: pytest's diff of two large byte strings takes minutes.
        assert _digest(tmp_path / name) == _digest(out / name), name


def test_demo_card_and_rows_carry_the_real_sources(demo_out: tuple[Path, str]) -> None:
    import pyarrow.parquet as pq

    out, _ = demo_out
    card = (out / "dataset" / "README.md").read_text(encoding="utf-8")
    assert "license: cc-by-sa-4.0" in card and "The text is real news" in card
    rows = pq.read_table(out / "dataset" / "stance" / "test.parquet").to_pylist()
    assert {r["license"] for r in rows} == {"CC BY 2.5", "CC BY-SA 4.0",
                                            "Public domain (17 U.S.C. 105)"}
    assert all(r["source"] and r["url"] and r["stratum"] and r["weight"] > 0 for r in rows)
    assert set(json.loads((out / "splits.json").read_text())["documents"]) == {
        "train", "validation", "test"}
