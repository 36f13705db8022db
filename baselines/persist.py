"""Saving and loading models with skops: no pickle, and only the types the baselines use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import skops.io as sio

from stancekit.files import InputError, atomic_open

# Types to load beyond those skops trusts by default: the cue estimators of the baselines.
TRUSTED: frozenset[str] = frozenset({"stancekit.baselines.cue_features.CueFeatures",
                                     "stancekit.baselines.cue_features.CuePrelabeler"})


def save_model(model: Any, path: Path | str) -> None:
    """Write *model* to a ``.skops`` file atomically."""
    with atomic_open(path, "wb") as f:
        f.write(sio.dumps(model))


def load_model(path: Path | str, trusted: frozenset[str] = TRUSTED) -> Any:
    """Load a ``.skops`` file, refusing it if it holds any type outside *trusted*."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such model file")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as e:
        raise InputError(path, f"not a skops model file: {e}") from None
    unexpected = sorted(set(untrusted) - trusted)
    if unexpected:
        raise InputError(path, "refusing to load untrusted types: " + ", ".join(unexpected))
    return sio.load(path, trusted=untrusted)
