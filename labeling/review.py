"""The review loop: a reviewer's decisions on queued sentences replace their gold."""

from __future__ import annotations

from collections import Counter

from stancekit.labeling.export import Export
from stancekit.labeling.gold import RESOLUTIONS, REVIEW, Resolution, _order, _tally, resolve


def apply_review(result: Resolution, export: Export, review: Export) -> Resolution:
    """*result* (the resolution of *export*) with the review project's decisions applied.

    A sentence the reviewers resolved (one reviewer, or a majority of several) gets their
    stance, entities and dyads and the resolution ``review``; it leaves the excluded list and
    the queue. ``n_annotations``, ``agreement`` and ``annotators`` still describe the
    annotators' own annotations; ``reviewers`` names the reviewers.
    """
    decided = decisions(review)
    data = {t["data"]["sentence_id"]: t["data"] for t in export.tasks}
    votes = export.by_sentence()
    applied = {sid for sid in decided if sid in data}
    gold = [g for g in result.gold if g["sentence_id"] not in applied]
    gold += [reviewed(data[sid], decided[sid], votes.get(sid, {})) for sid in applied]
    gold.sort(key=_order)
    excluded = [e for e in result.excluded if e["sentence_id"] not in applied]
    queue = [q for q in result.queue if q["sentence_id"] not in applied]
    resolutions = Counter(g["resolution"] for g in gold)
    stats = {**result.stats, "gold": len(gold),
             "resolution": {r: resolutions[r] for r in (*RESOLUTIONS, REVIEW) if resolutions[r]},
             "excluded": _tally(e["reason"] for e in excluded),
             "queued": _tally(q["reason"] for q in queue),
             "review": review_summary(decided, len(applied), review)}
    return Resolution(gold, excluded, queue, result.skipped, stats)


def decisions(review: Export) -> dict[str, dict]:
    """The review project's gold records by sentence id."""
    return {g["sentence_id"]: g for g in resolve(review).gold}


def reviewed(data: dict, decision: dict, votes: dict[int, dict]) -> dict:
    """The gold record of a sentence the reviewers decided; its annotators' *votes* give
    ``n_annotations``, ``agreement`` and ``annotators``."""
    agreeing = sum(r["stance"] == decision["stance"] for r in votes.values())
    return {**data, "stance": decision["stance"], "entities": decision["entities"],
            "dyads": decision["dyads"], "n_annotations": len(votes),
            "agreement": round(agreeing / len(votes), 4) if votes else 1.0,
            "annotators": sorted(votes), "resolution": REVIEW,
            "reviewers": decision["annotators"]}


def review_summary(decided: dict[str, dict], applied: int, review: Export) -> dict:
    """How many review decisions there were and were applied, and which review annotations
    were not used."""
    return {"decisions": len(decided), "applied": applied, "not_in_export": len(decided) - applied,
            "skipped": _tally(s["reason"] for s in review.skipped)}
