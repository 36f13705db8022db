"""`stancekit demo` runs the pipeline on the bundled real-news corpus, resumes, is deterministic.

With ``STANCEKIT_BIN`` set to an installed ``stancekit`` executable (``scripts/wheel-test.sh``
sets it to the wheel's, in a fresh venv), the demos run that executable outside the repository.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

INSTALLED = os.environ.get("STANCEKIT_BIN")
STANCEKIT = [INSTALLED] if INSTALLED else [sys.executable, "-c",
                                           "from stancekit.cli import run; run()"]
REPO = Path(__file__).resolve().parents[1]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _start(out: Path) -> subprocess.Popen:
    return subprocess.Popen([*STANCEKIT, "demo", "-o", str(out), "--quick"], cwd=out.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> str:
    stdout, stderr = proc.communicate()
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, proc.args, stdout, stderr)
    return stdout


def _demo(out: Path) -> str:
    return _finish(_start(out))


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """Two demos into two folders, run side by side; the second checks determinism."""
    out, again = tmp_path_factory.mktemp("demo"), tmp_path_factory.mktemp("demo-again")
    first, second = _start(out), _start(again)
    stdout = _finish(first)
    _finish(second)
    return out, stdout, again


@pytest.fixture(scope="module")
def demo_out(demo_runs: tuple[Path, str, Path]) -> tuple[Path, str]:
    return demo_runs[:2]


def test_demo_writes_every_stage(demo_out: tuple[Path, str]) -> None:
    out, stdout = demo_out
    for name in ("export.json", "sentences.jsonl", "tasks.json", "label_config.xml", "agreement.md",
                 "gold.jsonl", "queue.json", "splits.json", "DATASHEET.md", "dataset/README.md",
                 "dataset/stance/train.parquet", "events.csv", "events.png",
                 "baselines/results.json", "baselines/results.md"):
        assert (out / name).stat().st_size, name
    assert "| model |" in stdout
    results = json.loads((out / "baselines" / "results.json").read_text())
    assert results["stance"]["best_model"]


def test_demo_resumes_without_rerunning(demo_out: tuple[Path, str]) -> None:
    out, _ = demo_out
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    stdout = _demo(out)
    assert stdout.count("up to date") == 10
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_demo_is_deterministic(demo_runs: tuple[Path, str, Path]) -> None:
    out, _, again = demo_runs
    for name in ("sentences.jsonl", "tasks.json", "gold.jsonl", "splits.json",
                 "dataset/stance/train.parquet", "dataset/README.md", "events.csv", "events.png",
                 "baselines/results.json",
                 *(str(p.relative_to(out)) for p in (out / "baselines").rglob("*.skops"))):
        # Digests, not bytes: pytest's diff of two large byte strings takes minutes.
        assert _digest(again / name) == _digest(out / name), name


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


@pytest.mark.skipif(not INSTALLED, reason="needs STANCEKIT_BIN, an installed stancekit")
def test_installed_demo_reads_its_own_package_data(demo_out: tuple[Path, str]) -> None:
    _, stdout = demo_out
    assert "actors from " in stdout and str(REPO) not in stdout
