"""Property-based tests of the readers: random valid exports and corpora are read with nothing
lost, and random corruptions of a corpus file give exit 2 or success, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import event, given, settings
from hypothesis import strategies as st
from test_bad_input import run

from stancekit.labeling.corpus import read_corpus
from stancekit.labeling.export import read_export
from stancekit.labeling.gold import resolve
from stancekit.labeling.results import annotation_result
from stancekit.labeling.segment import segment_document
from stancekit.schema import SCHEMA

# Deterministic and quick: the same examples on every run, no example database, no deadline.
FAST = settings(max_examples=40, deadline=None, derandomize=True, database=None)

WORDS = ("Kyiv", "Moscow", "denied", "the", "report", "Ana", "Petrova", "urged", "talks",
         "Quito", "Zürich", "ministère", "«non»", "naïve", "O'Neil", "3,000", "U.S.", "—", "“yes”")
word = st.sampled_from(WORDS)


def _sentence(words: list[str], end: str) -> str:
    return " ".join(words) + end


sentence = st.builds(_sentence, st.lists(word, min_size=1, max_size=8),
                     st.sampled_from([".", "!", "?", ".\"", ""]))


# ---------------------------------------------------------------------------------------------
# Label Studio exports: random valid tasks and annotations survive read_export and resolve.


@st.composite
def annotation_of(draw: st.DrawFn, words: list[str], ann_id: int, user: int) -> dict:
    """A valid annotation of the sentence ``" ".join(words)``: one stance, entity spans on word
    boundaries, distinct source → target dyads between them."""
    starts = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]
    chosen = draw(st.lists(st.integers(0, len(words) - 1), unique=True, max_size=4))
    entities = sorted(({"start": starts[i], "end": starts[i] + len(words[i]), "text": words[i],
                        "label": draw(st.sampled_from(SCHEMA.entity_names))} for i in chosen),
                      key=lambda e: e["start"])
    pairs = [(s, t) for s in range(len(entities)) for t in range(len(entities)) if s != t]
    dyads = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3)) if pairs else []
    stance = draw(st.sampled_from(SCHEMA.stance_names))
    return {"id": ann_id, "completed_by": user, "was_cancelled": False,
            "ground_truth": draw(st.booleans()), "lead_time": 1.0,
            "created_at": f"2026-01-01T00:00:{ann_id % 60:02d}.000000Z",
            "result": annotation_result(stance, entities, dyads, prefix=f"a{ann_id}e"),
            "expected": {"stance": stance, "entities": entities, "dyads": dyads}}


@st.composite
def exports(draw: st.DrawFn) -> list[dict]:
    """A list of tasks with distinct ids and sentence ids, each annotated at most once per
    annotator."""
    tasks = []
    n_tasks = draw(st.integers(1, 6))
    for task_id in range(1, n_tasks + 1):
        words = draw(st.lists(word, min_size=1, max_size=8))
        text = " ".join(words)
        users = draw(st.lists(st.integers(1, 4), unique=True, max_size=3))
        annotations = [draw(annotation_of(words, task_id * 10 + i, user))
                       for i, user in enumerate(users)]
        data = {"sentence_id": f"s{task_id}", "doc_id": f"d{task_id % 2}", "index": task_id,
                "start": 0, "end": len(text), "text": text, "context": text}
        tasks.append({"id": task_id, "data": data, "annotations": annotations})
    return tasks


@FAST
@given(exports())
def test_valid_exports_are_read_and_resolved_with_nothing_lost(tasks: list[dict]) -> None:
    expected = {(t["data"]["sentence_id"], a["completed_by"]): a.pop("expected")
                for t in tasks for a in t["annotations"]}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.json"
        path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
        export = read_export(path)
    assert export.skipped == [] and not export.collapsed
    assert [t["data"] for t in export.tasks] == [t["data"] for t in tasks]
    assert len(export.records) == len(expected)
    for record in export.records:
        want = expected[record["sentence_id"], record["annotator"]]
        assert record["stance"] == want["stance"] and record["entities"] == want["entities"]
        ents = want["entities"]
        assert record["dyads"] == [{"source": ents[s], "target": ents[t]}
                                   for s, t in want["dyads"]]
    result = resolve(export)
    assert result.stats["sentences"] == len(tasks)
    assert sorted([g["sentence_id"] for g in result.gold]
                  + [e["sentence_id"] for e in result.excluded]) == sorted(
        t["data"]["sentence_id"] for t in tasks)
    assert {e["sentence_id"] for e in result.excluded if e["reason"] == "no annotation"} == {
        t["data"]["sentence_id"] for t in tasks if not t["annotations"]}
    for gold in result.gold:
        for entity in gold["entities"]:
            assert gold["text"][entity["start"]:entity["end"]] == entity["text"]
        versions = [expected[gold["sentence_id"], a] for a in gold["annotators"]]
        assert (gold["stance"], gold["entities"]) in [(v["stance"], v["entities"])
                                                      for v in versions]


# ---------------------------------------------------------------------------------------------
# Corpora: random valid documents in each format segment with offsets that slice back.

paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
body = st.lists(paragraph, min_size=1, max_size=3).map("\n".join)
doc_id = st.one_of(st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True),
                   st.integers(0, 10_000).map(str))
documents = st.lists(st.tuples(doc_id, st.sampled_from(WORDS), body), min_size=1, max_size=4,
                     unique_by=lambda d: d[0])
FORMATS = ("jsonl", "csv", "txt")


def write_corpus(folder: Path, fmt: str, docs: list[tuple[str, str, str]]) -> Path:
    """*docs* (id, title, text) as a corpus of format *fmt* under *folder*; its path."""
    if fmt == "txt":
        corpus = folder / "docs"
        corpus.mkdir()
        for i, title, text in docs:
            (corpus / f"{i}.txt").write_text(f"{title}\n{text}\n", encoding="utf-8")
        return corpus
    corpus = folder / f"corpus.{fmt}"
    rows = [{"id": i, "title": title, "text": text} for i, title, text in docs]
    if fmt == "jsonl":
        corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                          encoding="utf-8")
    else:
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, ["id", "title", "text"])
        writer.writeheader()
        writer.writerows(rows)
        corpus.write_text(out.getvalue(), encoding="utf-8", newline="")
    return corpus


@FAST
@given(st.sampled_from(FORMATS), documents)
def test_valid_corpora_segment_with_offsets_that_slice_back(fmt: str, docs: list) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        read = list(read_corpus(write_corpus(Path(tmp), fmt, docs)))
    order = sorted(docs) if fmt == "txt" else docs
    assert [(d.doc_id, d.title) for d in read] == [(i, title) for i, title, _ in order]
    for doc, (_, _, text) in zip(read, order, strict=True):
        assert doc.text.rstrip("\n") == text
        records = segment_document(doc)
        assert records and [r["index"] for r in records] == list(range(len(records)))
        for r in records:
            assert doc.text[r["start"]:r["end"]] == r["text"] and r["text"] == r["text"].strip()
            assert r["text"] in r["context"]
        assert len({r["sentence_id"] for r in records}) == len(records)


EDITS = st.lists(st.tuples(st.sampled_from(["insert", "delete", "replace"]),
                           st.integers(0, 10_000),
                           st.sampled_from([b'"', b",", b"\n", b"{", b"}", b"\\", b"\x00",
                                            b"\xff", b"\xe4", b"\xef\xbb\xbf", b"\r", b" ",
                                            b"[", b":", b"1", b"-", b"null"])),
                 min_size=1, max_size=3)
"""Byte edits: (kind, position modulo the length, bytes)."""


def corrupt(data: bytes, edits: list[tuple[str, int, bytes]]) -> bytes:
    """*data* with each edit applied at its position (modulo the length)."""
    for kind, at, piece in edits:
        at %= len(data) + 1
        if kind == "insert":
            data = data[:at] + piece + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + len(piece):]
        else:
            data = data[:at] + piece + data[at + len(piece):]
    return data


def exit_2_or_success(argv: list[str], output: Path, label: str) -> list[dict]:
    """Run ``stancekit ARGV``: exit 2 with an error and no *output*, or exit 0; the records of
    *output* (a JSON list or JSONL) on success."""
    code, stdout, stderr = run(argv)
    event(f"{label}: exit {code}")
    assert code in (0, 2), stdout + stderr
    if code == 2:
        assert stderr.startswith("error: ") and not output.exists(), stderr
        return []
    text = output.read_text(encoding="utf-8")
    return json.loads(text) if output.suffix == ".json" else list(map(json.loads,
                                                                       text.splitlines()))


@FAST
@given(st.sampled_from(FORMATS), documents, EDITS)
def test_corrupted_corpora_exit_2_or_succeed_never_a_traceback(fmt: str, docs: list,
                                                               edits: list) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(Path(tmp), fmt, docs)
        target = sorted(corpus.glob("*.txt"))[0] if fmt == "txt" else corpus
        target.write_bytes(corrupt(target.read_bytes(), edits))
        out = Path(tmp) / "s.jsonl"
        for record in exit_2_or_success(["segment", str(corpus), "-o", str(out)], out, fmt):
            assert record["end"] - record["start"] == len(record["text"]) > 0
            assert record["text"] in record["context"]


@FAST
@given(documents, EDITS)
def test_corrupted_sentences_exit_2_or_succeed_never_a_traceback(docs: list,
                                                                 edits: list) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sentences = Path(tmp) / "s.jsonl"
        records = [r for doc in read_corpus(write_corpus(Path(tmp), "jsonl", docs))
                   for r in segment_document(doc)]
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        sentences.write_bytes(corrupt(lines.encode(), edits))
        out = Path(tmp) / "t.json"
        for task in exit_2_or_success(["tasks", str(sentences), "-o", str(out),
                                       "--no-predictions"], out, "sentences"):
            data = task["data"]
            assert data["end"] - data["start"] == len(data["text"]) > 0


@FAST
@given(exports(), EDITS)
def test_corrupted_exports_exit_2_or_succeed_never_a_traceback(tasks: list[dict],
                                                               edits: list) -> None:
    for t in tasks:
        for a in t["annotations"]:
            del a["expected"]
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export.json"
        export.write_bytes(corrupt(json.dumps(tasks, ensure_ascii=False).encode(), edits))
        out = Path(tmp) / "gold.jsonl"
        for gold in exit_2_or_success(["adjudicate", str(export), "-o", str(out)], out,
                                      "export"):
            for entity in gold["entities"]:
                assert gold["text"][entity["start"]:entity["end"]] == entity["text"]
