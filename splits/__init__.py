"""Splits: document-grouped, stance-stratified manifests and leakage checks."""

from stancekit.splits.assign import METHOD, SPLIT_NAMES, assign_documents, split_fractions
from stancekit.splits.leakage import Duplicate, LeakageReport, check_leakage
from stancekit.splits.manifest import (
    gold_hash,
    make_manifest,
    manifest_assignment,
    match_gold,
    read_manifest,
    split_documents,
)

__all__ = [
    "METHOD",
    "SPLIT_NAMES",
    "Duplicate",
    "LeakageReport",
    "assign_documents",
    "check_leakage",
    "gold_hash",
    "make_manifest",
    "manifest_assignment",
    "match_gold",
    "read_manifest",
    "split_documents",
    "split_fractions",
]
