"""Dyad baseline: a source→target heuristic on gold stance and gold entities, and its scores."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stancekit.baselines.metrics import bootstrap_span_f1, prf
from stancekit.labeling.cues import cue_tagger
from stancekit.schema import BUNDLED, SCHEMA

# Rules written for the bundled schema's entity types.
PERSON, ORG, GPE, NORP = BUNDLED.schema.entity_names
SOURCE_PREFERENCE = (PERSON, ORG, GPE, NORP)
Dyad = tuple[tuple[int, int], tuple[int, int]]


def cue(text: str, stance: str) -> tuple[int, int] | None:
    """The first un-negated cue of the gold stance, else the first cue of any stance."""
    cues = [c for c in cue_tagger().cues(text) if not c.negated]
    for c in cues:
        if c.stance == stance:
            return c.start, c.end
    return (cues[0].start, cues[0].end) if cues else None


def _distance(entity: dict, start: int, end: int) -> int:
    if entity["end"] <= start:
        return start - entity["end"]
    if entity["start"] >= end:
        return entity["start"] - end
    return 0


def predict(row: dict) -> list[Dyad]:
    """At most one dyad: the preferred-type entity nearest the cue, and the next entity after it.

    Without a cue the source is the first entity of the most preferred type present; the target
    is the nearest other entity after the cue (else before it). Sentences with the default stance
    or fewer than two entities get none.
    """
    entities = sorted(row["entities"], key=lambda e: (e["start"], e["end"]))
    if row["stance"] == SCHEMA.default_stance or len(entities) < 2:
        return []
    found = cue(row["text"], row["stance"])
    start, end = found or (0, 0)
    source = None
    for label in SOURCE_PREFERENCE:
        typed = [e for e in entities if e["label"] == label]
        if typed:
            source = min(typed, key=lambda e: _distance(e, start, end)) if found else typed[0]
            break
    others = [e for e in entities if e is not source]
    anchor = end if found else source["end"]
    after = [e for e in others if e["start"] >= anchor]
    target = after[0] if after else min(others, key=lambda e: _distance(e, start, end))
    return [((source["start"], source["end"]), (target["start"], target["end"]))]


def gold(row: dict) -> list[Dyad]:
    """The gold dyads of a sentence as (source span, target span)."""
    source, target = SCHEMA.dyad_keys
    return [((d[source]["start"], d[source]["end"]), (d[target]["start"], d[target]["end"]))
            for d in row["dyads"]]


def score(rows: Sequence[dict], predicted: Sequence[Sequence[Dyad]], seed: int = 13,
          resamples: int = 1000) -> dict:
    """Exact-span precision/recall/F1 of *predicted* against gold dyads, in all and by stance,
    with a CI of the micro-F1 over resampled documents."""
    counts = {name: [0, 0, 0] for name in SCHEMA.stance_names}
    per_row = []
    for row, found in zip(rows, predicted, strict=True):
        g, p = set(gold(row)), set(found)
        per_row.append((len(g & p), len(p), len(g)))
        c = counts[row["stance"]]
        for i, v in enumerate(per_row[-1]):
            c[i] += v
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    out = {"micro": prf(*total),
           "per_stance": {name: prf(*c) for name, c in counts.items()
                          if name != SCHEMA.default_stance}}
    if per_row:
        out["micro_f1_ci95"] = bootstrap_span_f1(np.array(per_row),
                                                 [r["doc_id"] for r in rows], seed, resamples)
    return out


def evaluate(rows: Sequence[dict], seed: int = 13, resamples: int = 1000) -> dict:
    """Exact-span scores of the heuristic against gold dyads (see :func:`score`)."""
    rows = list(rows)
    return score(rows, [predict(r) for r in rows], seed, resamples)
