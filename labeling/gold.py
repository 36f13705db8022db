"""Adjudication: one gold stance, entities and dyads per sentence from several annotations."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from stancekit.files import InputError, Outputs, atomic_open
from stancekit.labeling.export import (
    Export,
    Task,
    Units,
    iter_units,
    no_gc,
    read_export,
    span_key,
    supersede,
)
from stancekit.labeling.results import annotation_result
from stancekit.schema import SCHEMA

MIN_AGREEMENT = 0.67
RESOLUTIONS = ("single", "unanimous", "majority", "ground_truth", "lead")
REVIEW = "review"
"""The resolution of a sentence whose gold a reviewer decided."""


@dataclass
class Resolution:
    """Gold records, sentences left without gold, the review queue and unused annotations."""

    gold: list[dict]
    excluded: list[dict]
    queue: list[dict]
    skipped: list[dict]
    stats: dict


def resolve_export(path: Path | str, lead: int | None = None,
                   min_agreement: float = MIN_AGREEMENT) -> Resolution:
    """Read a Label Studio export and resolve it to gold records."""
    with no_gc():
        return resolve(read_export(path), lead=lead, min_agreement=min_agreement)


class _Resolver:
    """Resolves one sentence at a time and counts how."""

    def __init__(self, lead: int | None, min_agreement: float) -> None:
        self.lead, self.min_agreement = lead, min_agreement
        self.resolutions: Counter = Counter()
        self.excluded: Counter = Counter()
        self.queued: Counter = Counter()
        self.sentences = 0

    def resolve(self, task: dict, votes: dict[int, dict], unusable: Iterable[str]
                ) -> tuple[dict | None, dict | None, dict | None]:
        """The gold record, exclusion and queue item (each None if there is none) of the
        sentence of *task*, from its usable *votes* and the reasons of its unusable ones."""
        self.sentences += 1
        data, sid = task["data"], task["data"]["sentence_id"]
        if not votes:
            reasons = sorted(set(unusable))
            reason = (f"{reasons[0]} only" if len(reasons) == 1
                      else "no usable annotation" if reasons else "no annotation")
            self.excluded[reason] += 1
            return None, _excluded(task, reason), None
        stance, resolution, review = _vote(votes, self.lead, self.min_agreement)
        why = " and ".join(filter(None, (review, _span_disagreement(votes))))
        queued = None
        if why:
            self.queued[why] += 1
            queued = {"sentence_id": sid, "task_id": task["id"], "reason": why,
                      "stance": stance, "data": data,
                      "annotations": [votes[a] for a in sorted(votes)]}
        if stance is None:
            self.excluded[review] += 1
            return None, _excluded(task, review), queued
        winner = _winner(votes, stance, self.lead)
        agreeing = sum(r["stance"] == stance for r in votes.values())
        self.resolutions[resolution] += 1
        return ({**data, "stance": stance, "entities": winner["entities"],
                 "dyads": winner["dyads"], "n_annotations": len(votes),
                 "agreement": round(agreeing / len(votes), 4),
                 "annotators": sorted(votes), "resolution": resolution}, None, queued)

    def stats(self, tasks: int, annotations: int, annotators: Iterable[int],
              skipped: Counter, collapsed: Counter, drafts: int, predictions: int) -> dict:
        """The counts of a resolution, with those of the export it read."""
        return {
            "tasks": tasks,
            "sentences": self.sentences,
            "annotations": annotations,
            "annotators": sorted(annotators),
            "gold": sum(self.resolutions.values()),
            "resolution": {r: self.resolutions[r] for r in (*RESOLUTIONS, REVIEW)
                           if self.resolutions[r]},
            "excluded": dict(sorted(self.excluded.items())),
            "queued": dict(sorted(self.queued.items())),
            "skipped": dict(sorted(skipped.items())),
            "collapsed": dict(sorted(collapsed.items())),
            "drafts": drafts,
            "predictions": predictions,
        }


def resolve(export: Export, lead: int | None = None,
            min_agreement: float = MIN_AGREEMENT) -> Resolution:
    """Resolve each sentence: ground truth, else strict majority, else the lead annotator."""
    unusable: dict[str, list[str]] = {}
    for item in export.skipped:
        unusable.setdefault(item["sentence_id"], []).append(item["reason"])
    resolver = _Resolver(lead, min_agreement)
    gold, excluded, queue = [], [], []
    for task, votes in iter_units(export):
        outcome = resolver.resolve(task, votes, unusable.get(task["data"]["sentence_id"], ()))
        for items, item in zip((gold, excluded, queue), outcome, strict=True):
            if item is not None:
                items.append(item)
    gold.sort(key=_order)
    excluded.sort(key=lambda e: _order(e["data"]))
    queue.sort(key=lambda q: _order(q["data"]))
    for e in excluded:
        del e["data"]
    stats = resolver.stats(len(export.tasks), len(export.records), export.annotators,
                           Counter(s["reason"] for s in export.skipped), export.collapsed,
                           export.drafts, export.predictions)
    return Resolution(gold, excluded, queue, export.skipped, stats)


def adjudicate_export(path: Path | str, gold: Path | str, queue: Path | str | None = None,
                      lead: int | None = None, min_agreement: float = MIN_AGREEMENT,
                      review: Path | str | None = None, outputs: Outputs | None = None
                      ) -> dict:
    """Resolve a Label Studio export sentence by sentence, writing the gold records as JSONL
    and the review queue as a Label Studio import file as they come, in gold order (with
    *review*, the review project's decisions replace their sentences' gold); return the
    stats. An export in gold order is read once; any other is read again and sorted on disk.
    """
    from stancekit.labeling.review import decisions, review_summary

    export = Units(path, _order)
    reviews = read_export(review) if review else None
    decided = decisions(reviews) if reviews else {}
    with contextlib.nullcontext(outputs) if outputs else Outputs() as staged, \
            contextlib.ExitStack() as files:
        out = files.enter_context(atomic_open(gold, outputs=staged))
        items = files.enter_context(atomic_open(queue, outputs=staged)) if queue else None
        done = _Adjudication(lead, min_agreement, decided, out, items)
        done.all(export.in_order())
        if not export.ordered:
            for f in filter(None, (out, items)):
                f.seek(0)
                f.truncate()
            done = _Adjudication(lead, min_agreement, decided, out, items)
            done.all(export.units())
        if lead is not None and lead not in export.annotators:
            names = ", ".join(map(str, sorted(export.annotators))) or "no one"
            raise InputError(path, f"--lead {lead} has no usable annotation in this export; "
                             f"annotators: {names}")
    stats = done.resolver.stats(export.tasks, done.annotations, export.annotators,
                                export.skipped + done.superseded, done.collapsed,
                                export.drafts, export.predictions)
    if reviews:
        stats["review"] = review_summary(decided, done.applied, reviews)
    return stats


class _Adjudication:
    """Units resolved one at a time, their gold records and queue items written as they come."""

    def __init__(self, lead: int | None, min_agreement: float, decided: dict[str, dict],
                 gold: TextIO, queue: TextIO | None) -> None:
        from stancekit.labeling.review import reviewed

        self.reviewed = reviewed
        self.resolver = _Resolver(lead, min_agreement)
        self.decided, self.gold, self.queue = decided, gold, _ArrayWriter(queue)
        self.superseded: Counter = Counter()
        self.collapsed: Counter = Counter()
        self.annotations = self.applied = 0

    def all(self, units: Iterable[list[Task]]) -> None:
        """Resolve and write every unit, then close the queue's list."""
        for tasks in units:
            self.add(tasks)
        self.queue.close()

    def add(self, tasks: list[Task]) -> None:
        """Resolve one unit (the tasks of one sentence id) and write what it gives."""
        kept, superseded = supersede([u for t in tasks for u in t[2]])
        if superseded:
            self.superseded.update(s["reason"] for s in superseded)
        for _, collapsed in kept:
            if collapsed:
                self.collapsed.update(collapsed)
        self.annotations += len(kept)
        votes = {r["annotator"]: r for r, _ in kept}
        task_id, data = tasks[0][:2]
        if data["sentence_id"] in self.decided:
            record = self.reviewed(tasks[-1][1], self.decided[data["sentence_id"]], votes)
            queued = None
            self.resolver.sentences += 1
            self.resolver.resolutions[REVIEW] += 1
            self.applied += 1
        else:
            record, _, queued = self.resolver.resolve({"id": task_id, "data": data}, votes,
                                                      [r for t in tasks for r in t[3]])
        if record is not None:
            self.gold.write(json.dumps(record, ensure_ascii=False) + "\n")
        if queued is not None:
            self.queue.add(review_task(queued))


class _ArrayWriter:
    """Writes a JSON list item by item, in the bytes of ``dumps(items)`` (nowhere without a
    file)."""

    def __init__(self, f: TextIO | None) -> None:
        self.f, self.empty = f, True

    def add(self, item: object) -> None:
        if self.f is None:
            return
        self.f.write(("[\n  " if self.empty else ",\n  ")
                     + json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  "))
        self.empty = False

    def close(self) -> None:
        if self.f is not None:
            self.f.write("[]\n" if self.empty else "\n]\n")


def _vote(votes: dict[int, dict], lead: int | None,
          min_agreement: float) -> tuple[str | None, str, str | None]:
    """The gold stance (None on an unresolved tie), how it was reached, and why to review."""
    if len(votes) == 1:
        (only,) = votes.values()
        return only["stance"], "ground_truth" if only["ground_truth"] else "single", None
    truth = [r for r in votes.values() if r["ground_truth"]]
    if truth:
        return _latest(truth)["stance"], "ground_truth", None
    n = len(votes)
    stance, top = Counter(r["stance"] for r in votes.values()).most_common(1)[0]
    if 2 * top > n:
        resolution = "unanimous" if top == n else "majority"
        low = resolution == "majority" and n >= 3 and top / n < min_agreement
        return stance, resolution, "low agreement" if low else None
    if lead in votes:
        return votes[lead]["stance"], "lead", "tie"
    return None, "tie", "tie"


def _span_disagreement(votes: dict[int, dict]) -> str | None:
    """Why independent annotators' entities or dyads differ, or None when they agree."""
    if len(votes) < 2 or any(r["ground_truth"] for r in votes.values()):
        return None
    if len({tuple(sorted(map(span_key, r["entities"]))) for r in votes.values()}) > 1:
        return "entity disagreement"
    source, target = SCHEMA.dyad_keys
    if len({frozenset((span_key(d[source]), span_key(d[target])) for d in r["dyads"])
            for r in votes.values()}) > 1:
        return "dyad disagreement"
    return None


def _winner(votes: dict[int, dict], stance: str, lead: int | None) -> dict:
    """The annotation whose entities and dyads become gold."""
    if len(votes) == 1:
        return next(iter(votes.values()))
    truth = [r for r in votes.values() if r["ground_truth"]]
    if truth:
        return _latest(truth)
    if lead in votes and votes[lead]["stance"] == stance:
        return votes[lead]
    return votes[min(a for a, r in votes.items() if r["stance"] == stance)]


def _latest(records: list[dict]) -> dict:
    return max(records, key=lambda r: r["annotation_id"] or 0)


def _excluded(task: dict, reason: str) -> dict:
    return {"sentence_id": task["data"]["sentence_id"], "task_id": task["id"], "reason": reason,
            "data": task["data"]}


def _order(data: dict) -> tuple:
    index = data.get("index")
    return (str(data.get("doc_id", "")), index if isinstance(index, int) else -1,
            data["sentence_id"])


def _tally(reasons: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(reasons).items()))


def review_tasks(queue: list[dict]) -> list[dict]:
    """Label Studio import tasks for the queue: each annotator's version as a prediction."""
    return [review_task(item) for item in queue]


def review_task(item: dict) -> dict:
    """The Label Studio import task of one queue item."""
    return {"data": item["data"],
            "predictions": [_prediction(r) for r in item["annotations"]],
            "meta": {"reason": item["reason"], "task_id": item["task_id"],
                     "stance": item["stance"]}}


def _prediction(record: dict) -> dict:
    index = {(e["start"], e["end"], e["label"]): i for i, e in enumerate(record["entities"])}

    def at(entity: dict) -> int:
        return index[entity["start"], entity["end"], entity["label"]]

    source, target = SCHEMA.dyad_keys
    dyads = [(at(d[source]), at(d[target])) for d in record["dyads"]]
    prefix = f"u{record['annotator']}e"
    return {"model_version": f"annotator-{record['annotator']}",
            "result": annotation_result(record["stance"], record["entities"], dyads, prefix)}


def annotator_stances(export: Export) -> dict[str, list[dict]]:
    """Each annotated sentence's stance from every usable annotation, by annotator id."""
    return {task["data"]["sentence_id"]: [{"annotator": a, "stance": votes[a]["stance"],
                                           "ground_truth": votes[a]["ground_truth"]}
                                          for a in sorted(votes)]
            for task, votes in iter_units(export) if votes}
