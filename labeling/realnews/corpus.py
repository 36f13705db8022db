"""The real-news corpus folder: selected documents, the selection and the annotation passes.

``corpus/real/`` holds ``documents/*.jsonl`` (only the selected documents, with provenance),
``selection.jsonl`` (sentence id, stratum, weight), ``selection.json`` (how the draw went)
and the passes: ``pass1.tsv`` (every sentence), ``pass2.tsv`` (the blind second pass) and
``adjudication.tsv`` (decisions on the sentences where the passes disagree). The Label Studio
export that the rest of the pipeline reads is derived from these by :func:`build_export`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from stancekit.files import InputError, dumps, iter_jsonl, write_jsonl, write_together
from stancekit.labeling.corpus import read_corpus
from stancekit.labeling.markup import (
    MarkedSentence,
    annotation_record,
    export_task,
    render_line,
)
from stancekit.labeling.realnews.passes import read_pass
from stancekit.labeling.realnews.selection import Plan, select
from stancekit.labeling.segment import segment_document
from stancekit.labeling.sources.registry import FORMATS
from stancekit.labeling.tasks import task_data, write_tasks

DOCUMENTS, SELECTION, SUMMARY = "documents", "selection.jsonl", "selection.json"
FIRST, SECOND, ADJUDICATION = "pass1.tsv", "pass2.tsv", "adjudication.tsv"
PASSES = {FIRST: (1, False), SECOND: (2, False), ADJUDICATION: (3, True)}
"""Pass file → (annotator id, whether its labels are ground truth)."""
BLIND_PERCENT = 22
REQUIRED = ("id", "title", "url", "source", "license", "text")
"""Fields every imported document needs for the selection and its provenance."""


def write_selection(imported: Iterable[Path], out_dir: Path, seed: int = 13,
                    plan: Plan | None = None) -> dict:
    """Select sentences from imported documents; write the corpus folder's selection files."""
    imported = list(imported)
    documents = read_imported(imported)
    chosen, summary = select(documents, seed, plan)
    kept = {r["doc_id"] for r in chosen}
    by_format: dict[str, list[dict]] = {}
    for doc in sorted(documents, key=lambda d: d["id"]):
        if doc["id"] in kept:
            by_format.setdefault(FORMATS.get(doc["source"], "other"), []).append(doc)
    outputs = {out_dir / DOCUMENTS / f"{name}.jsonl": jsonl_text(docs)
               for name, docs in by_format.items()}
    outputs[out_dir / SELECTION] = jsonl_text(selection_rows(chosen))
    outputs[out_dir / SUMMARY] = dumps(summary)
    write_together(outputs, inputs=imported)
    return summary


def read_imported(paths: Iterable[Path]) -> list[dict]:
    """The documents of imported JSONL files, each checked for the fields the corpus needs."""
    documents = []
    for path in paths:
        for lineno, obj in iter_jsonl(path):
            for field in REQUIRED:
                if not isinstance(obj.get(field), str) or not obj[field].strip():
                    raise InputError(path, "missing or not a non-empty string",
                                     record=f"line {lineno}", field=field)
            documents.append(obj)
    return documents


def selection_rows(chosen: Iterable[dict]) -> list[dict]:
    """The rows of ``selection.jsonl`` for selected sentence records."""
    return [{k: r[k] for k in ("sentence_id", "doc_id", "source", "stratum", "weight")}
            for r in chosen]


def jsonl_text(records: Iterable[dict]) -> str:
    """Records as JSON lines, non-ASCII characters kept."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def selected_sentences(corpus_dir: Path) -> dict[str, dict]:
    """The selected sentence records, with stratum and weight, by sentence id."""
    wanted = {obj["sentence_id"]: obj for _, obj in iter_jsonl(corpus_dir / SELECTION)}
    out: dict[str, dict] = {}
    for doc in read_corpus(corpus_dir / DOCUMENTS):
        for record in segment_document(doc):
            sel = wanted.get(record["sentence_id"])
            if sel is not None:
                out[record["sentence_id"]] = {**record, "stratum": sel["stratum"],
                                              "weight": sel["weight"]}
    missing = sorted(set(wanted) - set(out))
    if missing:
        raise InputError(corpus_dir / SELECTION, f"{len(missing)} selected sentences are not "
                         f"in the documents, e.g. {missing[0]}")
    return out


def build_export(corpus_dir: Path | str, output: Path | str) -> dict[str, int]:
    """Write the corpus folder's Label Studio JSON export, one task per selected sentence."""
    corpus_dir = Path(corpus_dir)
    sentences = selected_sentences(corpus_dir)
    passes = {user: (read_pass(corpus_dir / name, sentences), truth)
              for name, (user, truth) in PASSES.items() if (corpus_dir / name).exists()}
    if 1 not in passes:
        raise InputError(corpus_dir / FIRST, "no first annotation pass")
    tasks, ann_id = [], 0
    order = sorted(sentences.values(), key=lambda r: (r["doc_id"], r["index"]))
    for record in order:
        annotations = []
        for user, (annotated, truth) in passes.items():
            marked = annotated.get(record["sentence_id"])
            if marked is not None:
                ann_id += 1
                annotations.append(annotation_record(ann_id, len(tasks) + 1, user, marked,
                                                     0.0, ground_truth=truth))
        tasks.append(export_task(len(tasks) + 1, task_data(record), annotations))
    write_tasks(output, tasks)
    return {"tasks": len(tasks), "annotations": ann_id,
            **{f"annotator {user}": len(a) for user, (a, _) in passes.items()}}


def annotated(corpus_dir: Path | str, sentences: dict[str, dict], name: str) -> set[str]:
    """The ids of the sentences that pass file *name* annotates (none if it does not exist)."""
    path = Path(corpus_dir) / name
    return set(read_pass(path, sentences)) if path.exists() else set()


def in_blind_pass(sentence_id: str, percent: int = BLIND_PERCENT) -> bool:
    """Whether a sentence is in the blind second pass: a hash, fixed before anyone looks."""
    digest = hashlib.sha256(f"stancekit-blind-pass\x1f{sentence_id}".encode()).hexdigest()
    return int(digest, 16) % 100 < percent


def _key(marked: MarkedSentence) -> tuple:
    spans = [(e["start"], e["end"], e["label"]) for e in marked.entities]
    return (marked.stance, frozenset(spans),
            frozenset((spans[s][:2], spans[t][:2]) for s, t in marked.dyads))


def disagreements(corpus_dir: Path | str, sentences: dict[str, dict]) -> dict[str, list[str]]:
    """Sentences whose two passes differ in stance, spans or dyads, with both annotations as
    markup lines in a seeded order per sentence (the adjudicator does not know which is which)."""
    corpus_dir = Path(corpus_dir)
    first = read_pass(corpus_dir / FIRST, sentences)
    second = read_pass(corpus_dir / SECOND, sentences)
    out = {}
    for sid in sorted(second):
        a, b = first.get(sid), second[sid]
        if a is not None and _key(a) != _key(b):
            pair = [render_line(a), render_line(b)]
            if hashlib.sha256(sid.encode()).digest()[0] & 1:
                pair.reverse()
            out[sid] = pair
    return out


def sentences_file(sentences: dict[str, dict], output: Path | str, ids: Iterable[str],
                   annotations: dict[str, list[str]] | None = None) -> int:
    """Write the selected sentences *ids* (sentence id, context, text, and the annotations to
    adjudicate, if any) as input for an annotation pass."""
    return write_jsonl(output, (
        {"sentence_id": sid, "context": sentences[sid]["context"],
         "text": sentences[sid]["text"],
         **({"annotations": annotations[sid]} if annotations else {})} for sid in ids))
