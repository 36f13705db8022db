"""Saving and loading models with skops: no pickle, and only the types the baselines use."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import skops.io as sio

from stancekit.files import InputError, atomic_open

# Types to load beyond those skops trusts by default: the baselines' own estimators and the
# private parts of a fitted CalibratedClassifierCV.
TRUSTED: frozenset[str] = frozenset({"stancekit.baselines.cue_features.CueFeatures",
                                     "stancekit.baselines.cue_features.CuePrelabeler",
                                     "stancekit.baselines.decisions.WeightedDecision",
                                     "stancekit.baselines.entities.SpanTagger",
                                     "stancekit.baselines.entities.HashedSpanTagger",
                                     "stancekit.baselines.entities.SeenColumns",
                                     "stancekit.baselines.dyad_model.DyadModel",
                                     "stancekit.baselines.embeddings.SentenceEmbeddings",
                                     "stancekit.baselines.parses.ParseClues",
                                     "stancekit.baselines.vocabularies.CompactTfidfVectorizer",
                                     "stancekit.baselines.vocabularies.CompactDictVectorizer",
                                     "sklearn.calibration._CalibratedClassifier",
                                     "sklearn.calibration._SigmoidCalibration"})


def slim(model: Any) -> Any:
    """Drop what a fitted model keeps only for introspection (TF-IDF ``stop_words_``, the terms
    pruned by ``min_df``/``max_features``, often most of the file) or that differs between
    processes; return *model*."""
    if hasattr(model, "stop_words_"):
        model.stop_words_ = None
    if hasattr(model, "_stop_words_id"):
        del model._stop_words_id  # an id() kept to skip a check: differs in every process
    parts = [s for _, s in getattr(model, "steps", [])]
    parts += [t for _, t in getattr(model, "transformer_list", [])]
    parts += [c.estimator for c in getattr(model, "calibrated_classifiers_", [])]
    parts += [model.estimator_] if hasattr(model, "estimator_") else []
    for part in parts:
        slim(part)
    return model


# What skops writes from Python object ids: the ``__id__`` of each object and the names of
# its array files.
_OBJECT_ID = re.compile(r'("__id__": |"file": ")(\d+)')
_EPOCH = (1980, 1, 1, 0, 0, 0)
COMPRESSLEVEL = 9
"""Deflate level of a saved model."""
FAST = 1
"""Deflate level for the large models of a training set above `stance.LARGE`: level 9 takes
about 10× the time of level 1 on their arrays for files a tenth smaller."""


def canonical(data: bytes, compresslevel: int = COMPRESSLEVEL) -> bytes:
    """The same skops archive with object ids numbered in order and fixed timestamps, so that
    one model gives the same bytes in every process (skops offers no option for either)."""
    ids: dict[str, str] = {}

    def number(m: re.Match) -> str:
        return m.group(1) + ids.setdefault(m.group(2), str(len(ids) + 1))

    src = zipfile.ZipFile(io.BytesIO(data))
    schema = _OBJECT_ID.sub(number, src.read("schema.json").decode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        members = {"schema.json": schema.encode()}
        for info in src.infolist():
            if info.filename != "schema.json":
                stem, dot, ext = info.filename.partition(".")
                members[ids.get(stem, stem) + dot + ext] = src.read(info)
        for name in sorted(members):
            entry = zipfile.ZipInfo(name, date_time=_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, members[name], compresslevel=compresslevel)
    return out.getvalue()


def save_model(model: Any, path: Path | str, compresslevel: int = COMPRESSLEVEL) -> None:
    """Write *model* (slimmed) to a ``.skops`` file atomically, byte-identical across runs."""
    with atomic_open(path, "wb") as f:
        f.write(canonical(sio.dumps(slim(model)), compresslevel))


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
    try:
        return sio.load(path, trusted=untrusted)
    except Exception as e:
        raise InputError(path, f"cannot load the model: {e}") from None


def load_fitted(path: Path | str, probe: Callable[[Any], object], what: str) -> Any:
    """Load a model with :func:`load_model` and refuse it unless *probe* runs on it."""
    model = load_model(path)
    try:
        probe(model)
    except ImportError as e:
        raise InputError(path, str(e)) from None
    except Exception as e:
        raise InputError(path, f"holds a {type(model).__name__} that is not a fitted {what}: "
                         f"{e}") from None
    return model
