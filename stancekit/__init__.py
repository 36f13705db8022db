"""stancekit: news articles to a sentence-level stance-and-entity dataset.

Each pipeline stage is a function of this package, imported on first use so that
``import stancekit`` stays fast (no datasets or scikit-learn until a stage needs them).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Public name -> (module, function): the library functions behind the pipeline stages.
_API = {
    "read_corpus": ("stancekit.labeling.corpus", "read_corpus"),
    "segment": ("stancekit.labeling.segment", "segment_document"),
    "make_tasks": ("stancekit.labeling.tasks", "build_tasks"),
    "write_tasks": ("stancekit.labeling.tasks", "write_tasks"),
    "read_export": ("stancekit.labeling.export", "read_export"),
    "agreement": ("stancekit.labeling.agreement", "agreement_report"),
    "resolve": ("stancekit.labeling.gold", "resolve"),
    "adjudicate": ("stancekit.cli.adjudicate", "adjudicate"),
    "split": ("stancekit.cli.split", "split"),
    "build": ("stancekit.cli.build", "build"),
    "to_pandas": ("stancekit.dataset.frames", "to_pandas"),
    "train": ("stancekit.baselines.train", "train"),
    "best_model": ("stancekit.baselines.predict", "best_model"),
    "predict": ("stancekit.baselines.predict", "predict"),
    "publish": ("stancekit.dataset.publish", "publish"),
    "load_actors": ("stancekit.events.dictionary", "load_actors"),
    "normalise": ("stancekit.events.normalise", "normalise"),
    "events_table": ("stancekit.events.table", "events_table"),
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    """Import a stage's function on first use."""
    if name not in _API:
        raise AttributeError(f"module 'stancekit' has no attribute {name!r}")
    module, attr = _API[name]
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the lazily imported stages included."""
    return sorted({*globals(), *_API})
