"""Split manifests: which documents are in which split, with the counts and input hash."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

from stancekit import __version__
from stancekit.files import InputError, read_json
from stancekit.schema import SCHEMA
from stancekit.splits.assign import METHOD, SPLIT_NAMES, document_labels
from stancekit.splits.leakage import LeakageReport


def gold_hash(gold: Iterable[dict]) -> str:
    """SHA-256 of the gold records as canonical JSON lines, ordered by sentence id."""
    digest = hashlib.sha256()
    for record in sorted(gold, key=lambda r: r["sentence_id"]):
        line = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def split_documents(assignment: Mapping[str, str], names: Iterable[str]) -> dict[str, list[str]]:
    """The sorted document ids of each split, from a document → split assignment."""
    documents: dict[str, list[str]] = {name: [] for name in names}
    for doc_id, split in sorted(assignment.items()):
        documents[split].append(doc_id)
    return documents


def make_manifest(gold: list[dict], assignment: Mapping[str, str], fractions: Mapping[str, float],
                  seed: int, leakage: LeakageReport) -> dict:
    """The manifest of a document assignment: everything needed to rebuild and audit it."""
    labels = document_labels(gold)
    names = list(fractions)
    documents = split_documents(assignment, names)
    per_label = {name: dict.fromkeys(SCHEMA.stance_names, 0) for name in names}
    for doc_id, split in assignment.items():
        for stance, n in zip(SCHEMA.stance_names, labels[doc_id], strict=True):
            per_label[split][stance] += n
    return {
        "stancekit_version": __version__,
        "method": METHOD,
        "seed": seed,
        "fractions": dict(fractions),
        "input_sha256": gold_hash(gold),
        "documents_per_split": {name: len(documents[name]) for name in names},
        "sentences": {name: sum(per_label[name].values()) for name in names},
        "labels": per_label,
        "leakage": leakage.summary(),
        "documents": documents,
    }


def read_manifest(path: Path | str) -> dict:
    """Read a split manifest, checking its shape."""
    manifest = read_json(path)
    if not isinstance(manifest, dict):
        raise InputError(path, "a split manifest is a JSON object")
    documents = manifest.get("documents")
    if not isinstance(documents, dict) or not documents:
        raise InputError(path, "expected an object of split name to document ids",
                         field="documents")
    for split, doc_ids in documents.items():
        if split not in SPLIT_NAMES:
            raise InputError(path, f"unknown split {split!r}", field="documents")
        if not isinstance(doc_ids, list) or not all(isinstance(d, str) for d in doc_ids):
            raise InputError(path, f"split {split!r} must list document ids", field="documents")
    seed = manifest.get("seed")
    if seed is not None and type(seed) is not int:
        raise InputError(path, f"the seed must be an integer, not {seed!r}", field="seed")
    if "fractions" in manifest:
        _check_fractions(manifest["fractions"], path)
    return manifest


def _check_fractions(fractions: object, path: Path | str) -> None:
    """Split name to a number between 0 and 1, the splits' fractions adding up to 1."""
    if not isinstance(fractions, dict) or not fractions:
        raise InputError(path, "expected an object of split name to fraction, such as "
                         '{"train": 0.8, "test": 0.2}', field="fractions")
    for split, fraction in fractions.items():
        field = f"fractions.{split}"
        if split not in SPLIT_NAMES:
            raise InputError(path, f"unknown split {split!r}; expected one of "
                             f"{', '.join(SPLIT_NAMES)}", field=field)
        if type(fraction) not in (int, float) or not 0 <= fraction <= 1:
            raise InputError(path, f"a fraction is a number from 0 to 1, not {fraction!r}",
                             field=field)
    if not math.isclose(sum(fractions.values()), 1, abs_tol=1e-6):
        raise InputError(path, f"the fractions add up to {sum(fractions.values())}, not 1",
                         field="fractions")


def manifest_assignment(manifest: dict, path: Path | str) -> dict[str, str]:
    """Document id to split; a document listed in two splits is an error."""
    assignment: dict[str, str] = {}
    for split, doc_ids in manifest["documents"].items():
        for doc_id in doc_ids:
            if assignment.get(doc_id, split) != split:
                raise InputError(path, f"document {doc_id} is in both {assignment[doc_id]!r} "
                                 f"and {split!r}", field="documents")
            assignment[doc_id] = split
    return assignment


def match_gold(manifest: dict, gold: list[dict], path: Path | str) -> list[str]:
    """Check the manifest covers exactly the gold documents; return warnings."""
    listed = set(manifest_assignment(manifest, path))
    present = {r["doc_id"] for r in gold}
    missing, unknown = sorted(listed - present), sorted(present - listed)
    problems = []
    if missing:
        problems.append(f"{len(missing)} documents of the manifest have no gold sentences in "
                        f"the export: {_some(missing)}")
    if unknown:
        problems.append(f"{len(unknown)} documents of the export are not in the manifest: "
                        f"{_some(unknown)} (run `stancekit split --previous {path}` to add them)")
    if problems:
        raise InputError(path, "; ".join(problems))
    if manifest.get("input_sha256") not in (None, gold_hash(gold)):
        return ["the gold labels changed since the split was made (same documents, "
                "different input hash); the split still applies"]
    return []


def _some(ids: list[str], n: int = 10) -> str:
    return ", ".join(ids[:n]) + (f" and {len(ids) - n} more" if len(ids) > n else "")
