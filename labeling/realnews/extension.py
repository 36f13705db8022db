"""Extending the real-news corpus with the sentences a trained model is least sure of.

An extension round draws from in-frame documents that the corpus does not hold yet: every
eligible sentence is scored by the best stance model of a ``stancekit baselines train``
folder, and per source the sentences with the smallest margin between the model's two top
weighted stance probabilities (`baselines.predict.predict`) are taken (at most a few per
document), so annotation goes where the model is weakest
(uncertainty sampling). Their stratum is ``uncertain``; a sentence repeating the text of one
already selected is skipped. The weight is the source's pool over the number drawn, which is
not an inclusion probability: prevalence is estimated from the ``random`` stratum.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from stancekit.baselines.predict import best_model, model_version, predict
from stancekit.files import InputError, dumps, iter_jsonl, read_json, write_together
from stancekit.labeling.realnews.corpus import (
    DOCUMENTS,
    SELECTION,
    SUMMARY,
    jsonl_text,
    read_imported,
    selected_sentences,
    selection_rows,
)
from stancekit.labeling.realnews.selection import (
    Plan,
    eligible_sentences,
    in_frame,
    seeded_rng,
    take_in_order,
)
from stancekit.labeling.sources.registry import FORMATS

UNCERTAIN = "uncertain"


def uncertain_sentences(documents: list[dict], held: set[str], known_texts: set[str],
                        models_dir: Path | str, per_source: int, per_document: int,
                        seed: int) -> tuple[list[dict], dict]:
    """Per source, the *per_source* least certain eligible sentences of the in-frame documents
    not in *held*, at most *per_document* each, and a summary of the draw."""
    name, model, results = best_model(models_dir)
    plan, known = Plan(), set(known_texts)
    pools: dict[str, list[dict]] = {}
    for doc in sorted(documents, key=lambda d: d["id"]):
        if doc["id"] in held or not in_frame(doc, plan):
            continue
        for record in eligible_sentences(doc):
            if record["text"] not in known:
                known.add(record["text"])
                pools.setdefault(doc["source"], []).append(record)
    chosen: list[dict] = []
    summary: dict = {"stratum": UNCERTAIN, "seed": seed, "model": model_version(name, results),
                     "per_source": per_source, "per_document": per_document, "sources": {}}
    for source in sorted(pools):
        pool = pools[source]
        scored = predict(model, [{"id": r["sentence_id"], "text": r["text"]} for r in pool])
        margins = {p["id"]: p["margin"] for p in scored}
        order = pool[:]
        seeded_rng(seed, source, UNCERTAIN).shuffle(order)
        order.sort(key=lambda r: margins[r["sentence_id"]])
        used: Counter[str] = Counter()
        drawn = take_in_order(order, per_source, used, per_document)
        widest = margins[drawn[-1]["sentence_id"]] if drawn else None
        weight = round(len(pool) / max(len(drawn), 1), 4)
        chosen += [{**r, "stratum": UNCERTAIN, "weight": weight} for r in drawn]
        summary["sources"][source] = {
            "pool_sentences": len(pool), "pool_documents": len({r["doc_id"] for r in pool}),
            "sentences": len(drawn), "documents": len(used), "largest_margin": widest}
    summary["sentences"] = len(chosen)
    summary["documents"] = len({r["doc_id"] for r in chosen})
    return chosen, summary


def extend_corpus(imported: Iterable[Path], corpus_dir: Path | str, models_dir: Path | str,
                  per_source: int = 400, per_document: int = 2, seed: int = 13) -> dict:
    """Add an ``uncertain`` round to a corpus folder: the new documents (in files of their own,
    ``documents/<format>.round<N>.jsonl``), their selection rows and the round's summary."""
    imported, corpus_dir = list(imported), Path(corpus_dir)
    selected = selected_sentences(corpus_dir)
    documents = read_imported(imported)
    chosen, summary = uncertain_sentences(
        documents, {r["doc_id"] for r in selected.values()},
        {r["text"] for r in selected.values()}, models_dir, per_source, per_document, seed)
    if not chosen:
        raise InputError(imported[0], "no in-frame document outside the corpus has an eligible "
                         "sentence to add")
    old_summary = read_json(corpus_dir / SUMMARY)
    summary["round"] = len(old_summary.get("extensions", ())) + 2
    kept = {r["doc_id"] for r in chosen}
    by_path: dict[Path, list[dict]] = {}
    for doc in sorted(documents, key=lambda d: d["id"]):
        if doc["id"] in kept:
            name = f"{FORMATS.get(doc['source'], 'other')}.round{summary['round']}.jsonl"
            by_path.setdefault(corpus_dir / DOCUMENTS / name, []).append(doc)
    outputs = {path: jsonl_text(docs) for path, docs in by_path.items()}
    old_rows = [obj for _, obj in iter_jsonl(corpus_dir / SELECTION)]
    outputs[corpus_dir / SELECTION] = jsonl_text([*old_rows, *selection_rows(
        sorted(chosen, key=lambda r: (r["source"], r["doc_id"], r["index"])))])
    outputs[corpus_dir / SUMMARY] = dumps({**old_summary, "extensions": [
        *old_summary.get("extensions", ()), summary]})
    write_together(outputs, inputs=[*imported, models_dir])
    return summary
