"""The review loop: a reviewer's decisions on queued sentences replace their gold."""

from __future__ import annotations

from collections import Counter

from stancekit.labeling.export import Export
from stancekit.labeling.gold import RESOLUTIONS, Resolution, _order, _tally, resolve

REVIEW = "review"


def apply_review(result: Resolution, export: Export, review: Export) -> Resolution:
    """*result* (the resolution of *export*) with the review project's decisions applied.

    A sentence the reviewers resolved (one reviewer, or a majority of several) gets their
    stance, entities and dyads and the resolution ``review``; it leaves the excluded list and
    the queue. ``n_annotations``, ``agreement`` and ``annotators`` still describe the
    annotators' own annotations; ``reviewers`` names the reviewers.
    """
    decided = {g["sentence_id"]: g for g in resolve(review).gold}
    data = {t["data"]["sentence_id"]: t["data"] for t in export.tasks}
    votes = export.by_sentence()
    applied = {sid for sid in decided if sid in data}
    gold = [g for g in result.gold if g["sentence_id"] not in applied]
    for sid in applied:
        decision, mine = decided[sid], votes.get(sid, {})
        agreeing = sum(r["stance"] == decision["stance"] for r in mine.values())
        gold.append({**data[sid], "stance": decision["stance"],
                     "entities": decision["entities"], "dyads": decision["dyads"],
                     "n_annotations": len(mine),
                     "agreement": round(agreeing / len(mine), 4) if mine else 1.0,
                     "annotators": sorted(mine), "resolution": REVIEW,
                     "reviewers": decision["annotators"]})
    gold.sort(key=_order)
    excluded = [e for e in result.excluded if e["sentence_id"] not in applied]
    queue = [q for q in result.queue if q["sentence_id"] not in applied]
    resolutions = Counter(g["resolution"] for g in gold)
    stats = {**result.stats, "gold": len(gold),
             "resolution": {r: resolutions[r] for r in (*RESOLUTIONS, REVIEW) if resolutions[r]},
             "excluded": _tally(e["reason"] for e in excluded),
             "queued": _tally(q["reason"] for q in queue),
             "review": {"decisions": len(decided), "applied": len(applied),
                        "not_in_export": len(decided) - len(applied),
                        "skipped": _tally(s["reason"] for s in review.skipped)}}
    return Resolution(gold, excluded, queue, result.skipped, stats)
