"""Leakage between splits: shared documents, exact and near-duplicate sentences.

Near duplicates are pairs of sentences whose word 5-gram shingle sets have a Jaccard
similarity of at least the threshold. Candidates come from an inverted index over the
rarest shingles of each set (prefix filtering): two sets with Jaccard >= t must share
one of their first ``|x| - ceil(t * |x|) + 1`` shingles in a global rarity order, so the
search is exact without comparing all pairs.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_WORD = re.compile(r"\w+")
SHINGLE = 5
THRESHOLD = 0.8


def normalize(text: str) -> str:
    """Case-folded text with runs of whitespace collapsed to one space."""
    return " ".join(text.casefold().split())


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    """Word n-grams of the normalized text; a shorter text is one shingle."""
    words = _WORD.findall(normalize(text))
    if len(words) < size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i:i + size]) for i in range(len(words) - size + 1))


@dataclass(frozen=True)
class Duplicate:
    """Sentences of two or more splits with the same (exact) or nearly the same (near) text."""

    kind: str
    jaccard: float
    sentences: tuple[tuple[str, str, str], ...]

    @property
    def splits(self) -> list[str]:
        """The splits the sentences are in."""
        return sorted({split for split, _, _ in self.sentences})


@dataclass
class LeakageReport:
    """What leaks between splits."""

    shared_documents: dict[str, list[str]] = field(default_factory=dict)
    duplicates: list[Duplicate] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.shared_documents or self.duplicates)

    def summary(self) -> dict[str, int]:
        """Counts of findings and of the sentences they involve."""
        out = {"shared_documents": len(self.shared_documents)}
        for kind in ("exact", "near"):
            found = [d for d in self.duplicates if d.kind == kind]
            out[f"{kind}_duplicates"] = len(found)
            out[f"{kind}_duplicate_sentences"] = len({s[1] for d in found for s in d.sentences})
        return out

    def describe(self, examples: int = 3) -> list[str]:
        """Human-readable lines: the counts, then a few examples of each kind."""
        counts = self.summary()
        lines = [
            f"documents in more than one split: {counts['shared_documents']}",
            f"exact duplicate sentences across splits: {counts['exact_duplicates']} texts, "
            f"{counts['exact_duplicate_sentences']} sentences",
            f"near-duplicate sentences across splits (Jaccard >= {THRESHOLD}): "
            f"{counts['near_duplicates']} pairs, {counts['near_duplicate_sentences']} sentences",
        ]
        for doc_id, splits in list(self.shared_documents.items())[:examples]:
            lines.append(f"  document {doc_id} is in {', '.join(splits)}")
        for kind in ("exact", "near"):
            for dup in [d for d in self.duplicates if d.kind == kind][:examples]:
                # one sentence of each split first, so the example shows the leak
                firsts = list({s[0]: s for s in reversed(dup.sentences)}.values())[::-1]
                shown = " | ".join(f"{split}:{sid} {text[:80]!r}"
                                   for split, sid, text in firsts[:3])
                more = len(dup.sentences) - 3
                lines.append(f"  {kind} (J={dup.jaccard:.2f}): {shown}"
                             + (f" (+{more} more)" if more > 0 else ""))
        return lines


def check_leakage(gold: Iterable[dict], documents: Mapping[str, Iterable[str]],
                  threshold: float = THRESHOLD) -> LeakageReport:
    """Find documents in several splits and duplicate sentences across splits."""
    split_of: dict[str, str] = {}
    shared: dict[str, set[str]] = defaultdict(set)
    for split, doc_ids in documents.items():
        for doc_id in doc_ids:
            if doc_id in split_of and split_of[doc_id] != split:
                shared[doc_id].update((split_of[doc_id], split))
            split_of.setdefault(doc_id, split)
    sentences = [(split_of[r["doc_id"]], r["sentence_id"], r["text"]) for r in gold
                 if r["doc_id"] in split_of]
    report = LeakageReport({d: sorted(s) for d, s in sorted(shared.items())})
    report.duplicates = _exact(sentences) + _near(sentences, threshold)
    return report


def _exact(sentences: list[tuple[str, str, str]]) -> list[Duplicate]:
    groups: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for sentence in sentences:
        groups[normalize(sentence[2])].append(sentence)
    return sorted((Duplicate("exact", 1.0, tuple(sorted(members)))
                   for members in groups.values() if len({m[0] for m in members}) > 1),
                  key=lambda d: d.sentences)


def _near(sentences: list[tuple[str, str, str]], threshold: float) -> list[Duplicate]:
    by_set: dict[frozenset[str], list[tuple[str, str, str]]] = defaultdict(list)
    for sentence in sentences:
        key = shingles(sentence[2])
        if key:
            by_set[key].append(sentence)
    found = []
    for members in by_set.values():
        # same shingles, different normalized text (e.g. punctuation): Jaccard 1
        texts: dict[str, list] = defaultdict(list)
        for m in members:
            texts[normalize(m[2])].append(m)
        groups = list(texts.values())
        for i, a in enumerate(groups):
            found += [_pair(a, b, 1.0) for b in groups[i + 1:] if _crosses(a, b)]
    sets = sorted(by_set, key=len)
    split_sets = [frozenset(m[0] for m in by_set[s]) for s in sets]
    rarity = Counter(token for s in sets for token in s)
    index: dict[str, list[int]] = defaultdict(list)
    for i, x in enumerate(sets):
        ordered = sorted(x, key=lambda token: (rarity[token], token))
        prefix = ordered[:len(x) - math.ceil(threshold * len(x) - 1e-9) + 1]
        candidates = {j for token in prefix for j in index[token]}
        for j in sorted(candidates):
            y = sets[j]
            if len(y) < threshold * len(x) or (len(split_sets[i]) == 1
                                                and split_sets[i] == split_sets[j]):
                continue
            jaccard = len(x & y) / len(x | y)
            if jaccard >= threshold:
                found.append(_pair(by_set[y], by_set[x], jaccard))
        for token in prefix:
            index[token].append(i)
    return sorted(found, key=lambda d: (-d.jaccard, d.sentences))


def _crosses(a: list[tuple], b: list[tuple]) -> bool:
    return any(m[0] != n[0] for m in a for n in b)


def _pair(a: list[tuple], b: list[tuple], jaccard: float) -> Duplicate:
    return Duplicate("near", round(jaccard, 4), tuple(sorted(a + b)))
