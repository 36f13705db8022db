"""Splits: document grouping, stratification, stable additions, manifests and leakage checks."""

from __future__ import annotations

import json
import random
from collections import Counter
from itertools import combinations

import pytest
from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.files import InputError, write_json
from stancekit.labeling.results import annotation_result
from stancekit.schema import SCHEMA
from stancekit.splits import (
    assign_documents,
    check_leakage,
    gold_hash,
    manifest_assignment,
    split_fractions,
)
from stancekit.splits.leakage import shingles

WORDS = (
    "minister", "port", "border", "council", "court", "envoy", "talks", "vote", "army",
    "drone", "report", "ship", "gas", "ceasefire", "sanctions", "journalist", "election",
    "pipeline", "convoy", "summit", "treaty", "militia", "embassy", "grid", "strike",
    "protest", "tribunal", "agency", "cable", "fishermen",
)


def make_gold(n_docs: int = 40, seed: int = 0, prefix: str = "doc") -> list[dict]:
    """Gold records of distinct random sentences, several per document, all stances."""
    rng = random.Random(seed)
    gold = []
    for d in range(n_docs):
        for i in range(rng.randint(3, 12)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
            text = f"Gabon {' '.join(words)} {prefix}{d}x{i}."
            gold.append({
                "sentence_id": f"{prefix}{d:03d}s{i:02d}", "doc_id": f"{prefix}{d:03d}",
                "index": i, "start": 0, "end": len(text), "text": text, "context": text,
                "stance": rng.choice(SCHEMA.stance_names),
                "entities": [{"start": 0, "end": 5, "text": "Gabon", "label": "GPE"}],
                "dyads": [], "n_annotations": 1, "agreement": 1.0, "annotators": [1],
                "resolution": "single",
            })
    return gold


def make_export(gold: list[dict], votes: dict[str, list[tuple[int, str]]] | None = None) -> list:
    """A Label Studio export of *gold*: one annotation by user 1, or the given (user, stance)."""
    tasks = []
    for task_id, r in enumerate(gold, 1):
        data = {k: r[k] for k in ("sentence_id", "doc_id", "index", "start", "end", "text",
                                  "context")}
        index = {(e["start"], e["end"]): i for i, e in enumerate(r["entities"])}
        dyads = [(index[d["source"]["start"], d["source"]["end"]],
                  index[d["target"]["start"], d["target"]["end"]]) for d in r["dyads"]]
        annotations = [{"id": task_id * 10 + j, "completed_by": user, "was_cancelled": False,
                        "ground_truth": False, "lead_time": 1.0,
                        "result": annotation_result(stance, r["entities"], dyads,
                                                    prefix=f"t{task_id}u{user}e")}
                       for j, (user, stance) in enumerate(
                           (votes or {}).get(r["sentence_id"], [(1, r["stance"])]))]
        tasks.append({"id": task_id, "data": data, "annotations": annotations})
    return tasks


def split_of(manifest: dict) -> dict[str, str]:
    return {d: s for s, docs in manifest["documents"].items() for d in docs}


def test_fractions():
    assert split_fractions() == {"train": 0.8, "test": 0.2}
    assert split_fractions(0.1, 0.1) == {"train": 0.8, "validation": 0.1, "test": 0.1}
    for bad in ((0, 0), (1.2, 0), (0.5, 0.5), (0.2, -0.1)):
        with pytest.raises(ValueError):
            split_fractions(*bad)


def test_documents_grouped_stratified_and_seeded():
    gold = make_gold(200)
    fractions = split_fractions(0.2, 0.1)
    assignment = assign_documents(gold, fractions, seed=13)
    assert set(assignment) == {r["doc_id"] for r in gold}
    assert assignment == assign_documents(list(reversed(gold)), fractions, seed=13)
    assert assignment != assign_documents(gold, fractions, seed=14)
    sizes = Counter(assignment[r["doc_id"]] for r in gold)
    totals = Counter(r["stance"] for r in gold)
    for split, fraction in fractions.items():
        assert abs(sizes[split] / len(gold) - fraction) < 0.02
        labels = Counter(r["stance"] for r in gold if assignment[r["doc_id"]] == split)
        for stance, total in totals.items():
            assert abs(labels[stance] / total - fraction) < 0.05, (split, stance)


def test_added_documents_do_not_move_old_ones():
    old_gold = make_gold(50)
    fractions = split_fractions()
    old = assign_documents(old_gold, fractions, seed=13)
    new_gold = old_gold + make_gold(30, seed=1, prefix="new")
    for seed in (13, 99):
        new = assign_documents(new_gold, fractions, seed=seed, previous=old)
        assert {d: new[d] for d in old} == old
        assert {s for d, s in new.items() if d not in old} == {"train", "test"}
    to_train = assign_documents(new_gold, fractions, seed=13, previous=old, new_split="train")
    assert {d: to_train[d] for d in old} == old
    assert {s for d, s in to_train.items() if d not in old} == {"train"}


def test_split_command_manifest_is_stable(tmp_path):
    runner = CliRunner()
    gold = make_gold(60)
    write_json(tmp_path / "a.json", make_export(gold))
    out = tmp_path / "splits.json"
    result = runner.invoke(app, ["split", str(tmp_path / "a.json"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    first = out.read_bytes()
    manifest = json.loads(first)
    assert manifest["seed"] == 13 and manifest["fractions"] == {"train": 0.8, "test": 0.2}
    assert manifest["input_sha256"] == gold_hash(
        __import__("stancekit.labeling.gold", fromlist=["x"]).resolve_export(
            tmp_path / "a.json").gold)
    assert sum(manifest["sentences"].values()) == len(gold)
    for docs in manifest["documents"].values():
        assert docs == sorted(docs)
    # re-run in place, and from scratch elsewhere: the same bytes
    assert runner.invoke(app, ["split", str(tmp_path / "a.json"), "-o", str(out)]).exit_code == 0
    assert out.read_bytes() == first
    other = tmp_path / "other.json"
    assert runner.invoke(app, ["split", str(tmp_path / "a.json"), "-o", str(other)]).exit_code == 0
    assert other.read_bytes() == first
    # add documents: old ones keep their split, with --previous and in place
    write_json(tmp_path / "b.json", make_export(gold + make_gold(20, seed=5, prefix="add")))
    grown = tmp_path / "grown.json"
    result = runner.invoke(app, ["split", str(tmp_path / "b.json"), "-o", str(grown),
                                 "--previous", str(out), "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["split", str(tmp_path / "b.json"), "-o", str(out)]).exit_code == 0
    for path in (grown, out):
        after = split_of(json.loads(path.read_text()))
        assert {d: after[d] for d in split_of(manifest)} == split_of(manifest)
        assert len(after) == len(split_of(manifest)) + 20
    trained = tmp_path / "trained.json"
    result = runner.invoke(app, ["split", str(tmp_path / "b.json"), "-o", str(trained),
                                 "--previous", str(other), "--new-split", "train"])
    assert result.exit_code == 0, result.output
    after = split_of(json.loads(trained.read_text()))
    assert {d: s for d, s in after.items() if d not in split_of(manifest)} == {
        f"add{i:03d}": "train" for i in range(20)}
    bad = runner.invoke(app, ["split", str(tmp_path / "b.json"), "-o", str(tmp_path / "x.json"),
                              "--previous", str(out), "--new-split", "dev"])
    assert bad.exit_code == 2 and "'dev' is not one of the splits" in bad.output
    assert not (tmp_path / "x.json").exists()


def test_manifest_with_a_document_in_two_splits(tmp_path):
    manifest = {"documents": {"train": ["a", "b"], "test": ["b"]}}
    with pytest.raises(InputError, match="document b is in both"):
        manifest_assignment(manifest, tmp_path / "m.json")
    report = check_leakage([], manifest["documents"])
    assert report.shared_documents == {"b": ["test", "train"]}


def planted(gold: list[dict]) -> tuple[list[dict], dict[str, list[str]]]:
    """Plant an exact and a near duplicate of a training sentence into the test set."""
    documents = {"train": sorted({r["doc_id"] for r in gold[:-20]}),
                 "test": sorted({r["doc_id"] for r in gold[-20:]} - {gold[-21]["doc_id"]})}
    test_doc = documents["test"][0]
    long = "said on Tuesday that the convoy had been stopped at the border crossing by the army"
    gold = [dict(r) for r in gold]
    train = next(r for r in gold if r["doc_id"] == documents["train"][0])
    exact, near = [r for r in gold if r["doc_id"] == test_doc][:2]
    for record, text in ((train, f"Gabon {long}."),
                         (exact, "Gabon  " + long.upper().replace(" ", "   \t") + "."),
                         (near, f"Gabon {long} on Tuesday.")):
        record.update(text=text, context=text, end=len(text))
    return gold, documents


def test_leakage_finds_planted_duplicates():
    gold, documents = planted(make_gold(40))
    report = check_leakage(gold, documents)
    counts = report.summary()
    assert counts["shared_documents"] == 0
    assert counts["exact_duplicates"] == 1 and counts["exact_duplicate_sentences"] == 2
    # one finding: the near duplicate with the original and its exact copy
    assert counts["near_duplicates"] == 1 and counts["near_duplicate_sentences"] == 3
    assert all(d.jaccard >= 0.8 for d in report.duplicates)
    assert any("near" in line for line in report.describe())
    # the same texts inside one split are no leak
    assert not check_leakage(gold, {"train": documents["train"] + documents["test"]})


def test_near_duplicates_match_brute_force():
    rng = random.Random(3)
    base = [[rng.choice(WORDS) for _ in range(rng.randint(5, 60))] for _ in range(80)]
    variants = []
    for words in base[:60]:
        words = list(words)
        i = rng.randrange(len(words))
        if rng.random() < 0.5:
            words[i] = "drone"
        else:
            del words[i]
        variants.append(words)
    texts = [" ".join(w) for w in base + variants]
    gold = [{"sentence_id": f"s{i:03d}", "doc_id": f"d{i:03d}", "text": t}
            for i, t in enumerate(texts)]
    documents = {"train": [f"d{i:03d}" for i in range(len(texts)) if i % 3],
                 "test": [f"d{i:03d}" for i in range(len(texts)) if not i % 3]}
    split = {d: s for s, docs in documents.items() for d in docs}
    expected = set()
    for a, b in combinations(gold, 2):
        x, y = shingles(a["text"]), shingles(b["text"])
        if (split[a["doc_id"]] != split[b["doc_id"]] and len(x & y) / len(x | y) >= 0.8
                and " ".join(a["text"].lower().split()) != " ".join(b["text"].lower().split())):
            expected.add(frozenset((a["sentence_id"], b["sentence_id"])))
    found = set()
    for dup in check_leakage(gold, documents).duplicates:
        if dup.kind == "near":
            ids = [(s, sid) for s, sid, _ in dup.sentences]
            found |= {frozenset((p[1], q[1])) for p, q in combinations(ids, 2) if p[0] != q[0]}
    assert expected and found >= expected


def test_strict_split_writes_nothing(tmp_path):
    gold, documents = planted(make_gold(40))
    write_json(tmp_path / "a.json", make_export(gold))
    runner = CliRunner()
    previous = tmp_path / "prev.json"
    write_json(previous, {"documents": documents})
    out = tmp_path / "splits.json"
    args = ["split", str(tmp_path / "a.json"), "-o", str(out), "--previous", str(previous)]
    result = runner.invoke(app, [*args, "--strict"])
    assert result.exit_code == 1
    assert "exact duplicate sentences across splits: 1 texts" in result.output
    assert not out.exists()
    assert runner.invoke(app, args).exit_code == 0
    assert json.loads(out.read_text())["leakage"]["exact_duplicates"] == 1
