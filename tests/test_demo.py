"""`stancekit demo` runs the whole pipeline on the bundled corpus, resumes, and is deterministic."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

STANCEKIT = [sys.executable, "-c", "from stancekit.cli import run; run()"]


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
    for name in ("sentences.jsonl", "tasks.json", "label_config.xml", "agreement.md",
                 "gold.jsonl", "queue.json", "splits.json", "dataset/README.md",
                 "baselines/results.json", "baselines/results.md"):
        assert (out / name).exists(), name
    assert "| model |" in stdout
    results = json.loads((out / "baselines" / "results.json").read_text())
    assert results["stance"]["best_model"]


def test_demo_resumes_without_rerunning(demo_out: tuple[Path, str]) -> None:
    out, _ = demo_out
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    stdout = _demo(out)
    assert stdout.count("up to date") == 8
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_demo_is_deterministic(demo_out: tuple[Path, str], tmp_path: Path) -> None:
    out, _ = demo_out
    _demo(tmp_path)
    for name in ("sentences.jsonl", "tasks.json", "gold.jsonl", "splits.json",
                 "dataset/stance/train.parquet", "dataset/README.md", "baselines/results.json"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name
