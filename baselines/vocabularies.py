"""Vectorisers whose fitted vocabulary is saved as two arrays: skops writes a dict or a list of
strings one schema node per entry, which made most of the time of saving and loading a model."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer

PACKED = ("vocabulary_utf8_", "vocabulary_ends_")
"""The saved state's arrays: the UTF-8 bytes of the terms in column order, and where each
term ends."""


def pack(vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """A term → column dict as its terms' UTF-8 bytes, in column order, and their end offsets."""
    encoded = [term.encode() for term in sorted(vocabulary, key=vocabulary.__getitem__)]
    return (np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(),
            np.cumsum([len(e) for e in encoded], dtype=np.int64))


def unpack(utf8: np.ndarray, ends: np.ndarray) -> dict[str, int]:
    """The term → column dict that `pack` stored."""
    blob, start, out = utf8.tobytes(), 0, {}
    for column, end in enumerate(ends.tolist()):
        out[blob[start:end].decode()] = column
        start = end
    return out


class CompactVocabulary:
    """Mixin: ``vocabulary_`` (and ``feature_names_``, which follows from it) saved packed when
    every term is a string."""

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())  # type: ignore[misc]
        vocabulary = state.get("vocabulary_")
        if vocabulary is not None and all(isinstance(term, str) for term in vocabulary):
            del state["vocabulary_"]
            state.pop("feature_names_", None)
            state.update(zip(PACKED, pack(vocabulary), strict=True))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        if PACKED[0] in state:
            vocabulary = unpack(*(state.pop(k) for k in PACKED))
            state["vocabulary_"] = vocabulary
            if isinstance(self, DictVectorizer):
                state["feature_names_"] = list(vocabulary)
        super().__setstate__(state)  # type: ignore[misc]


class CompactTfidfVectorizer(CompactVocabulary, TfidfVectorizer):
    """``TfidfVectorizer`` saved with a packed vocabulary."""


class CompactDictVectorizer(CompactVocabulary, DictVectorizer):
    """``DictVectorizer`` saved with a packed vocabulary."""
