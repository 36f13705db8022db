"""Tokens with character offsets, split at entity boundaries, and their BIO tags."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

_TOKEN = re.compile(r"\w+|[^\w\s]")


def tokenize(text: str, boundaries: Iterable[int] = ()) -> list[tuple[int, int]]:
    """(start, end) of each word or punctuation token, also split at each boundary offset."""
    spans = [m.span() for m in _TOKEN.finditer(text)]
    starts = [start for start, _ in spans]
    for cut in sorted(set(boundaries), reverse=True):
        i = bisect_right(starts, cut) - 1
        if i >= 0 and spans[i][0] < cut < spans[i][1]:
            spans[i:i + 1] = [(spans[i][0], cut), (cut, spans[i][1])]
            starts[i + 1:i + 1] = [cut]
    return spans


class SpanError(ValueError):
    """An entity span that cannot be tagged: no tokens, or tokens shared with another span."""


def bio_tags(text: str, entities: list[dict]) -> tuple[list[tuple[int, int]], list[str]]:
    """Token spans of *text* and their BIO tag names; every entity maps to exactly its tokens."""
    spans = tokenize(text, (x for e in entities for x in (e["start"], e["end"])))
    tags = ["O"] * len(spans)
    starts = [s for s, _ in spans]
    for e in sorted(entities, key=lambda e: (e["start"], e["end"])):
        inside, i = [], bisect_left(starts, e["start"])
        while i < len(spans) and spans[i][1] <= e["end"]:
            inside.append(i)
            i += 1
        if not inside:
            raise SpanError(f"entity {e['text']!r} at {e['start']}-{e['end']} covers no token")
        if any(tags[i] != "O" for i in inside):
            raise SpanError(f"entity {e['text']!r} at {e['start']}-{e['end']} overlaps another")
        tags[inside[0]] = f"B-{e['label']}"
        for i in inside[1:]:
            tags[i] = f"I-{e['label']}"
    return spans, tags
