"""Evaluating fitted baselines on a split: stance metrics, entity spans and dyads."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stancekit.baselines import dyad_model, dyads, entities, stance
from stancekit.baselines.data import load_data
from stancekit.baselines.metrics import classification_metrics
from stancekit.baselines.persist import load_fitted, load_model
from stancekit.files import InputError, read_json
from stancekit.schema import SCHEMA, active_file

RESULTS = "results.json"
MODELS_DIR = "models"
ENTITY_MODEL = "entity_tagger"
DYAD_MODEL = "dyads"
BOOTSTRAP_UNIT = "document"
PROBE = "The minister denied the report."


def model_path(out_dir: Path | str, name: str) -> Path:
    """Where the model *name* is saved in a baselines folder."""
    return Path(out_dir) / MODELS_DIR / f"{name}.skops"


def scored(rows: Sequence[dict], predicted: Sequence[int], seed: int, resamples: int = 1000
           ) -> dict:
    """Stance metrics of predicted class ids for *rows*, the CI from resampled documents."""
    return classification_metrics(stance.label_ids(rows), predicted, [r["doc_id"] for r in rows],
                                  SCHEMA.stance_names, seed, resamples)


def stance_metrics(model: Any, rows: Sequence[dict], seed: int, resamples: int = 1000) -> dict:
    """Stance metrics of a fitted pipeline on *rows*, the CI from resampled documents."""
    return scored(rows, model.predict([r["text"] for r in rows]), seed, resamples)


def read_results(out_dir: Path | str) -> dict:
    """The results.json of a baselines folder, checked where it names models and settings."""
    path = Path(out_dir) / RESULTS
    if not path.exists():
        raise InputError(out_dir, f"no {RESULTS}; train with `stancekit baselines train` first")
    results = read_json(path)
    if not isinstance(results, dict):
        raise InputError(path, "expected a JSON object")
    _field(results, path, "stance", dict)
    best = _field(results, path, "stance.best_model", str)
    models = _field(results, path, "stance.models", dict)
    for name in (best, *models):
        if not name or name in (".", "..") or Path(name).name != name or "\\" in name:
            raise InputError(path, f"model name {name!r} is not a file name in {MODELS_DIR}/",
                             field="stance.best_model" if name == best else "stance.models")
    if best not in models:
        raise InputError(path, f"best model {best!r} is not one of the models "
                         f"({', '.join(models) or 'no models'})", field="stance.best_model")
    _field(results, path, "seed", int)
    _field(results, path, "bootstrap.resamples", int)
    _field(results, path, "dataset.sha256", str)
    labels = _field(results, path, "labels", list)
    if labels != SCHEMA.stance_names:
        raise InputError(path, f"the models predict {labels}, the schema "
                         f"{active_file().path.name} has {SCHEMA.stance_names}; give the schema "
                         "they were trained with (stancekit --schema FILE)", field="labels")
    return results


def _field(obj: dict, path: Path, dotted: str, kind: type) -> Any:
    """The value at the *dotted* key path of *obj*, which must be a *kind*."""
    value: Any = obj
    for key in dotted.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError(path, f"expected a JSON {_JSON_TYPES[kind]}, not {value!r}",
                         field=dotted)
    return value


_JSON_TYPES = {dict: "object", str: "string", int: "integer"}


def load_stance_model(path: Path | str) -> Any:
    """A saved stance model, refused unless it scores a sentence."""
    return load_fitted(path, lambda model: stance.scores(model, [PROBE]), "stance model")


def evaluate_saved(out_dir: Path | str, dataset_dir: Path | str, split: str = "test") -> dict:
    """Metrics of every saved model of a baselines folder on one split of a dataset folder."""
    results = read_results(out_dir)
    seed, resamples = results["seed"], results["bootstrap"]["resamples"]
    data = load_data(dataset_dir)
    rows = data.split("stance", split)
    models = {name: stance_metrics(load_stance_model(model_path(out_dir, name)), rows, seed,
                                   resamples)
              for name in results["stance"]["models"]}
    tagger = load_model(model_path(out_dir, ENTITY_MODEL))
    dyad_file = model_path(out_dir, DYAD_MODEL)
    return {
        "dataset_sha256": data.sha256,
        "trained_on_sha256": results["dataset"]["sha256"],
        "split": split,
        "stance": {"best_model": results["stance"]["best_model"], "models": models},
        "entities": entities.evaluate(tagger, data.split("entities", split)),
        "dyads": dyads.evaluate(rows),
        **({"dyads_learned": dyad_model.evaluate(dyad_model.load_saved(dyad_file), rows, seed,
                                                 resamples)} if dyad_file.is_file() else {}),
    }
