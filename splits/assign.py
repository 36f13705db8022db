"""Assigning whole documents to splits so that each split's stance distribution meets its target."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from pathlib import Path

from stancekit.files import InputError
from stancekit.schema import SCHEMA, active_file

SPLIT_NAMES = ("train", "validation", "test")
METHOD = "document-grouped greedy stance stratification"


def split_fractions(test: float = 0.2, validation: float = 0.0) -> dict[str, float]:
    """The fraction of sentences per split; train takes the rest, empty splits are left out."""
    if not 0 < test < 1:
        raise ValueError(f"the test fraction must be between 0 and 1, not {test}")
    if not 0 <= validation < 1:
        raise ValueError(f"the validation fraction must be between 0 and 1, not {validation}")
    train = round(1 - test - validation, 10)
    if train <= 0:
        raise ValueError(f"test {test} + validation {validation} leave nothing for train")
    values = {"train": train, "validation": validation, "test": test}
    return {name: values[name] for name in SPLIT_NAMES if values[name] > 0}


def document_labels(gold: Iterable[dict], path: Path | str = "gold") -> dict[str, list[int]]:
    """Stance counts per document, in SCHEMA order."""
    index = {name: i for i, name in enumerate(SCHEMA.stance_names)}
    counts: dict[str, list[int]] = {}
    for record in gold:
        stance = record.get("stance")
        if stance not in index:
            raise InputError(path, f"unknown stance {stance!r}: not in the schema "
                             f"{active_file().path.name}",
                             record=f"sentence {record.get('sentence_id')}", field="stance")
        counts.setdefault(record["doc_id"], [0] * len(index))[index[stance]] += 1
    return counts


def assign_documents(gold: Iterable[dict], fractions: Mapping[str, float], seed: int,
                     previous: Mapping[str, str] | None = None,
                     path: Path | str = "gold", new_split: str | None = None) -> dict[str, str]:
    """Map each document to a split; documents in *previous* keep theirs.

    New documents go to *new_split* if given (so the other splits stay as they were);
    otherwise they are visited in a seeded order, and each goes to the split where it
    most reduces the squared shortfall from the target stance counts (weighted by the
    inverse label frequency, so rare stances count as much as frequent ones).
    """
    if new_split is not None and new_split not in fractions:
        raise ValueError(f"split {new_split!r} for new documents has no fraction")
    labels = document_labels(gold, path)
    names = list(fractions)
    totals = [sum(column) for column in zip(*labels.values(), strict=True)] if labels else []
    weights = [1 / t if t else 0.0 for t in totals]
    counts = {name: [0] * len(totals) for name in names}
    assignment: dict[str, str] = {}
    for doc_id, split in sorted((previous or {}).items()):
        if doc_id not in labels:
            continue
        if split not in counts:
            raise ValueError(f"document {doc_id} is in split {split!r}, which has no fraction")
        assignment[doc_id] = split
        counts[split] = [c + v for c, v in zip(counts[split], labels[doc_id], strict=True)]
    new = sorted(set(labels) - set(assignment))
    if len(labels) < len(names) and new:
        raise InputError(path, f"{len(labels)} documents cannot fill {len(names)} splits")
    random.Random(seed).shuffle(new)

    def cost(name: str, vector: list[int]) -> float:
        target = fractions[name]
        return sum(w * v * (2 * (c - target * t) + v) for w, v, c, t
                   in zip(weights, vector, counts[name], totals, strict=True))

    for doc_id in new:
        vector = labels[doc_id]
        best = new_split or min(names, key=lambda name: cost(name, vector))
        assignment[doc_id] = best
        counts[best] = [c + v for c, v in zip(counts[best], vector, strict=True)]
    return dict(sorted(assignment.items()))
