"""A seeded, documented selection of sentences from imported real news.

Three strata, disjoint by sentence:

- ``random``: per source, a simple random sample of political and diplomatic documents (the
  frame), then a random sample of up to *k* sentences from each (more from a source whose
  frame is small); the sampling weight is the inverse of the sentence's inclusion
  probability, so weighted counts estimate the frame.
- ``enrichment``: from the frame's sentences outside the random stratum, sentences the cue
  pre-labeller marks as a stance, drawn per source and stance (denials first, as they are
  rarest); the weight is the pool's size over the number drawn.
- ``supplement:denial``: denials stay rare after enrichment, so a last stratum draws, per
  source and from all its documents (inside the frame or not), sentences outside the other
  strata that match a broad list of rejection terms (:data:`DENIAL_TERMS`); the weight is the
  pool's size over the number drawn. It is drawn last, so the other strata do not depend on it.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from stancekit.labeling.corpus import from_record
from stancekit.labeling.cues import cue_tagger
from stancekit.labeling.segment import segment_document
from stancekit.schema import BUNDLED

POLITICAL_SECTIONS = frozenset({
    "armed conflicts and attacks", "attacks and armed conflicts", "international relations",
    "politics and elections", "law and crime"})
POLITICAL_TERMS = re.compile(
    r"\b(government|minister|ministry|president|parliament|election|senat\w*|congress|"
    r"military|army|troops|police|court|protest\w*|sanction\w*|embass\w*|diplomat\w*|treaty|"
    r"war|party|opposition|rebels?|ceasefire|united nations|nato|accus\w*|den(?:y|ied|ies)|"
    r"official|secretary|prime minister|security|terror\w*|human rights|legislat\w*)\b", re.I)
DENIAL_TERMS = re.compile(
    r"\b(den(?:y|ies|ied|ying|ial)|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|refut\w+|"
    r"rebuff\w*|deflect\w*|false(?:ly)?|baseless|unfounded|fabricat\w+|groundless|"
    r"no evidence|not involved|disput(?:e|es|ed|ing))\b", re.I)
MIN_WORDS, MAX_CHARS = 5, 600
_, ACCUSATION, DENIAL, APPEAL = BUNDLED.schema.stance_names


@dataclass(frozen=True)
class Plan:
    """How many documents and sentences each stratum takes."""

    random_sentences: int = 900
    per_document: int = 4
    enrichment: dict[str, int] = field(default_factory=lambda: {
        DENIAL: 110, ACCUSATION: 50, APPEAL: 45})
    per_enriched_document: int = 2
    min_terms: int = 3
    supplement: int = 150


def in_frame(doc: dict, plan: Plan) -> bool:
    """Whether a document is political or diplomatic news."""
    if "section" in doc:
        return doc["section"].casefold() in POLITICAL_SECTIONS
    terms = {m.group(1).lower() for m in POLITICAL_TERMS.finditer(f"{doc['title']}\n{doc['text']}")}
    return len(terms) >= plan.min_terms


def eligible(record: dict) -> bool:
    """Whether a sentence is news prose of a length annotators can judge."""
    text = record["text"]
    return len(text.split()) >= MIN_WORDS and len(text) <= MAX_CHARS and text[-1] in ".!?\"”’'"


def seeded_rng(seed: int, *keys: str) -> random.Random:
    """A random generator seeded by *seed* and *keys* (the same keys give the same draws)."""
    digest = hashlib.sha256("\x1f".join((str(seed), *keys)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def eligible_sentences(doc: dict) -> list[dict]:
    """The sentence records of *doc* that annotators can judge (see `eligible`)."""
    document = from_record("imported documents", f"document {doc['id']}", doc)
    return [r for r in segment_document(document) if eligible(r)]


def _draw(pool: list[dict], rng: random.Random, want: int, used: Counter[str],
          per_document: int) -> list[dict]:
    """Shuffle *pool*, then take up to *want* records as `take_in_order` does."""
    rng.shuffle(pool)
    return take_in_order(pool, want, used, per_document)


def take_in_order(pool: Iterable[dict], want: int, used: Counter[str], per_document: int
                  ) -> list[dict]:
    """The first *want* records of *pool*, at most *per_document* a document (counting those
    in *used*, which is updated)."""
    drawn = []
    for record in pool:
        if len(drawn) >= want:
            break
        if used[record["doc_id"]] >= per_document:
            continue
        used[record["doc_id"]] += 1
        drawn.append(record)
    return drawn


def _supplement(docs: list[dict], taken: set[str], used: Counter[str], seed: int, source: str,
                plan: Plan) -> dict:
    """The ``supplement:denial`` draw of one source, after every other stratum."""
    pool = [r for doc in sorted(docs, key=lambda d: d["id"]) for r in eligible_sentences(doc)
            if r["sentence_id"] not in taken and DENIAL_TERMS.search(r["text"])]
    drawn = _draw(pool, seeded_rng(seed, source, "supplement", DENIAL), plan.supplement, used,
                  plan.per_enriched_document)
    weight = round(len(pool) / max(len(drawn), 1), 4)
    return {"pool": len(pool),
            "sentences": [{**r, "stratum": f"supplement:{DENIAL}", "weight": weight}
                          for r in drawn]}


def select(documents: Iterable[dict], seed: int = 13, plan: Plan | None = None
           ) -> tuple[list[dict], dict]:
    """Selected sentences (with ``stratum`` and ``weight``) and a summary of the draw."""
    plan = plan or Plan()
    by_source: dict[str, list[dict]] = {}
    everything: dict[str, list[dict]] = {}
    for doc in documents:
        everything.setdefault(doc["source"], []).append(doc)
        if in_frame(doc, plan):
            by_source.setdefault(doc["source"], []).append(doc)
    predict = cue_tagger().predict
    chosen: list[dict] = []
    summary: dict = {"seed": seed, "plan": plan.__dict__, "sources": {}}
    for source in sorted(by_source):
        frame = sorted(by_source[source], key=lambda d: d["id"])
        docs = frame[:]
        seeded_rng(seed, source, "documents").shuffle(docs)
        per_document = max(plan.per_document, -(-plan.random_sentences // len(frame)))
        sampled, taken, visited = [], 0, 0
        for doc in docs:
            if taken >= plan.random_sentences:
                break
            visited += 1
            sentences = eligible_sentences(doc)
            if not sentences:
                continue
            k = min(per_document, len(sentences), plan.random_sentences - taken)
            picked = seeded_rng(seed, doc["id"], "sentences").sample(sentences, k)
            sampled.append(doc["id"])
            for record in sorted(picked, key=lambda r: r["index"]):
                chosen.append({**record, "stratum": "random",
                               "weight_parts": (len(sentences), k)})
            taken += k
        # Documents drawn without an eligible sentence count as drawn: they were sampled.
        doc_weight = len(frame) / max(visited, 1)
        for record in chosen:
            if record.get("source") == source and "weight_parts" in record:
                n, k = record.pop("weight_parts")
                record["weight"] = round(doc_weight * n / k, 4)
        taken_ids = {r["sentence_id"] for r in chosen}
        pools: dict[str, list[dict]] = {s: [] for s in plan.enrichment}
        for doc in frame:
            for record in eligible_sentences(doc):
                stance, _ = predict(record["text"])
                if stance in pools and record["sentence_id"] not in taken_ids:
                    pools[stance].append(record)
        used: Counter[str] = Counter()
        enriched: dict[str, int] = {}
        for stance, want in plan.enrichment.items():
            pool = pools[stance]
            drawn = _draw(pool, seeded_rng(seed, source, "enrichment", stance), want, used,
                          plan.per_enriched_document)
            weight = round(len(pool) / max(len(drawn), 1), 4)
            chosen += [{**r, "stratum": f"enrichment:{stance}", "weight": weight} for r in drawn]
            enriched[stance] = len(drawn)
        supplement = _supplement(everything[source], {r["sentence_id"] for r in chosen},
                                 used, seed, source, plan)
        chosen += supplement["sentences"]
        summary["sources"][source] = {
            "frame_documents": len(frame), "random_documents": len(sampled),
            "random_sentences": taken,
            "enrichment_pools": {s: len(p) for s, p in pools.items()},
            "enrichment_sentences": enriched,
            "supplement_pool": supplement["pool"],
            "supplement_sentences": len(supplement["sentences"])}
    chosen.sort(key=lambda r: (r["source"], r["doc_id"], r["index"]))
    summary["strata"] = dict(sorted(Counter(r["stratum"] for r in chosen).items()))
    seen: set[str] = set()
    unique = [r for r in chosen if not (r["sentence_id"] in seen or seen.add(r["sentence_id"]))]
    summary["sentences"] = len(unique)
    summary["documents"] = len({r["doc_id"] for r in unique})
    return unique, summary
