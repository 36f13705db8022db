"""The Dask engine: `stancekit segment` and `stancekit tasks` on a 2-worker cluster write the
bytes one local process writes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from test_bad_input import run as stancekit
from typer.testing import CliRunner

from stancekit.cli import app

pytest.importorskip("distributed")

runner = CliRunner()
BUNDLED = Path(__file__).resolve().parents[1] / "corpus" / "synthetic" / "articles.jsonl"


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> Path:
    """The bundled synthetic corpus split into three JSONL shards."""
    folder = tmp_path_factory.mktemp("shards")
    lines = BUNDLED.read_text(encoding="utf-8").splitlines(keepends=True)
    for i in range(3):
        part = lines[i * len(lines) // 3:(i + 1) * len(lines) // 3]
        (folder / f"part-{i}.jsonl").write_text("".join(part), encoding="utf-8")
    return folder


def test_dask_writes_the_local_bytes(shards, tmp_path):
    from distributed import LocalCluster

    local_s, local_t = tmp_path / "s.jsonl", tmp_path / "t.json"
    run("segment", str(shards), "-o", str(local_s))
    run("tasks", str(local_s), "-o", str(local_t))

    dask_s, dask_t = tmp_path / "ds.jsonl", tmp_path / "dt.json"
    said = run("segment", str(shards), "-o", str(dask_s), "--engine", "dask", "--workers", "2")
    assert said.startswith("113 documents, 1971 sentences")
    assert dask_s.read_bytes() == local_s.read_bytes()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        run("tasks", str(dask_s), "-o", str(dask_t), "--engine", "dask",
            "--scheduler", cluster.scheduler_address)
    assert dask_t.read_bytes() == local_t.read_bytes()


@pytest.mark.parametrize(("args", "message"), [
    (["--engine", "spark"], "--engine spark: unknown engine; use one of local, dask"),
    (["--scheduler", "tcp://localhost:8786"], "--scheduler tcp://localhost:8786: needs "
                                              "--engine dask"),
])
def test_bad_engine_options_exit_2(shards, tmp_path, args, message):
    code, _, err = stancekit(["segment", str(shards), "-o", str(tmp_path / "s.jsonl"), *args])
    assert (code, err) == (2, f"error: {message}\n")


def test_missing_dask_exits_2(shards, tmp_path, monkeypatch):
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "distributed" else find_spec(name, *a))
    code, _, err = stancekit(["segment", str(shards), "-o", str(tmp_path / "s.jsonl"),
                              "--engine", "dask"])
    assert (code, err) == (2, "error: --engine dask needs Dask: pip install 'stancekit[dask]'\n")
    assert not (tmp_path / "s.jsonl").exists()


def test_parquet_shards_by_glob_give_the_jsonl_bytes(shards, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    for i, part in enumerate(sorted(shards.glob("*.jsonl"))):
        rows = [json.loads(line) for line in part.read_text(encoding="utf-8").splitlines()]
        pq.write_table(pa.Table.from_pylist(rows), tmp_path / f"part-{i}.parquet")
    run("segment", str(shards), "-o", str(tmp_path / "j.jsonl"))
    run("segment", str(tmp_path / "part-*.parquet"), "-o", str(tmp_path / "p.jsonl"))
    assert (tmp_path / "p.jsonl").read_bytes() == (tmp_path / "j.jsonl").read_bytes()
    (tmp_path / "part-9.parquet").write_text("not parquet", encoding="utf-8")
    code, _, err = stancekit(["segment", str(tmp_path / "part-*.parquet"), "-o",
                              str(tmp_path / "q.jsonl")])
    assert code == 2 and err.startswith(f"error: {tmp_path / 'part-9.parquet'}: not a readable "
                                        "parquet file")
