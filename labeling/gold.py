"""Adjudication: one gold stance, entities and dyads per sentence from several annotations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from stancekit.labeling.export import Export, iter_units, no_gc, read_export, span_key
from stancekit.labeling.results import annotation_result
from stancekit.schema import SCHEMA

MIN_AGREEMENT = 0.67
RESOLUTIONS = ("single", "unanimous", "majority", "ground_truth", "lead")


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


def resolve(export: Export, lead: int | None = None,
            min_agreement: float = MIN_AGREEMENT) -> Resolution:
    """Resolve each sentence: ground truth, else strict majority, else the lead annotator."""
    unusable: dict[str, list[str]] = {}
    for item in export.skipped:
        unusable.setdefault(item["sentence_id"], []).append(item["reason"])
    gold, excluded, queue = [], [], []
    resolutions: Counter = Counter()
    for task, votes in iter_units(export):
        data, sid = task["data"], task["data"]["sentence_id"]
        if not votes:
            reasons = sorted(set(unusable.get(sid, ())))
            reason = (f"{reasons[0]} only" if len(reasons) == 1
                      else "no usable annotation" if reasons else "no annotation")
            excluded.append(_excluded(task, reason))
            continue
        stance, resolution, review = _vote(votes, lead, min_agreement)
        why = " and ".join(filter(None, (review, _span_disagreement(votes))))
        if why:
            queue.append({"sentence_id": sid, "task_id": task["id"], "reason": why,
                          "stance": stance, "data": data,
                          "annotations": [votes[a] for a in sorted(votes)]})
        if stance is None:
            excluded.append(_excluded(task, review))
            continue
        winner = _winner(votes, stance, lead)
        agreeing = sum(r["stance"] == stance for r in votes.values())
        resolutions[resolution] += 1
        gold.append({**data, "stance": stance, "entities": winner["entities"],
                     "dyads": winner["dyads"], "n_annotations": len(votes),
                     "agreement": round(agreeing / len(votes), 4),
                     "annotators": sorted(votes), "resolution": resolution})
    gold.sort(key=_order)
    excluded.sort(key=lambda e: _order(e["data"]))
    queue.sort(key=lambda q: _order(q["data"]))
    for e in excluded:
        del e["data"]
    stats = {
        "tasks": len(export.tasks),
        "sentences": len(gold) + len(excluded),
        "annotations": len(export.records),
        "annotators": export.annotators,
        "gold": len(gold),
        "resolution": {r: resolutions[r] for r in RESOLUTIONS if resolutions[r]},
        "excluded": _tally(e["reason"] for e in excluded),
        "queued": _tally(q["reason"] for q in queue),
        "skipped": _tally(s["reason"] for s in export.skipped),
        "collapsed": dict(sorted(export.collapsed.items())),
        "drafts": export.drafts,
        "predictions": export.predictions,
    }
    return Resolution(gold, excluded, queue, export.skipped, stats)


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
    return [{"data": item["data"],
             "predictions": [_prediction(r) for r in item["annotations"]],
             "meta": {"reason": item["reason"], "task_id": item["task_id"],
                      "stance": item["stance"]}}
            for item in queue]


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
