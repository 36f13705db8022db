"""`stancekit bench --quick --json` output shape, and annotate_batch under datasets.map."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from stancekit.bench import BUNDLED, STAGES, table
from stancekit.labeling.pipeline import COLUMNS, annotate_batch, documents, predict_document
from stancekit.labeling.segment import segment_document


def test_quick_json_shape(tmp_path):
    cli = [sys.executable, "-c", "from stancekit.cli import run; run()"]
    out = subprocess.run([*cli, "bench", "--quick", "--json", "--sizes", "300",
                          "--workers", "1", "--work-dir", str(tmp_path)],
                         capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    assert {"cpus", "spacy", "label-studio-sdk"} <= set(report["environment"])
    rows = report["stages"]
    assert [r["stage"] for r in rows] == list(STAGES)
    for row in rows:
        assert {"size", "stage", "sentences", "seconds", "throughput", "peak_rss_mb"} <= set(row)
        if row["seconds"] is None:
            assert row["note"].startswith("skipped")
            continue
        assert row["sentences"] > 0 and row["throughput"] > 0 and row["peak_rss_mb"] > 0
        if "peer" in row:
            assert row["peer_throughput"] > 0 and row["ratio"] > 0
            assert row["startup_s"] >= 0 and row["peer_startup_s"] >= 0
    assert "| startup s |" in table(rows)


def test_annotate_batch_matches_segment_and_tasks():
    batch = {"id": ["a", "b"], "text": [
        "Foreign Minister Sergei Lavrov accused NATO of aggression. Lavrov said so.",
        "Iran denied the claims.\nThe UN urged restraint."], "title": ["T", None]}
    out = annotate_batch(batch)
    assert set(out) == set(COLUMNS)
    records = [r for d in documents(batch) for r in segment_document(d)]
    assert out["sentence_id"] == [r["sentence_id"] for r in records]
    assert out["title"] == ["T", "T", None, None]
    expected = predict_document(records[:2]) + predict_document(records[2:])
    assert list(zip(out["stance"], out["stance_score"], out["entities"], strict=True)) == expected
    assert out["stance"] == ["accusation", "none", "denial", "appeal"]


def test_annotate_batch_with_datasets_map_num_proc():
    datasets = pytest.importorskip("datasets")
    with open(BUNDLED / "articles.jsonl", encoding="utf-8") as f:
        articles = [json.loads(line) for line in f][:12]
    ds = datasets.Dataset.from_list([{"id": a["id"], "text": a["text"], "title": a.get("title")}
                                     for a in articles])
    mapped = ds.map(annotate_batch, batched=True, batch_size=3, num_proc=2,
                    remove_columns=ds.column_names)
    inline = annotate_batch(ds[:])
    assert mapped.num_rows == len(inline["sentence_id"])
    assert mapped["sentence_id"] == inline["sentence_id"]
    assert mapped["stance"] == inline["stance"]
    assert [[(e["start"], e["end"], e["label"]) for e in row] for row in mapped["entities"]] == [
        [(e["start"], e["end"], e["label"]) for e in row] for row in inline["entities"]]
