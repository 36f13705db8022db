"""Stance predictions of the best saved model, as JSONL and as Label Studio pre-annotations."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stancekit.baselines import stance
from stancekit.baselines.evaluate import load_stance_model, model_path, read_results
from stancekit.files import InputError, iter_jsonl, read_json
from stancekit.labeling.results import stance_item
from stancekit.schema import SCHEMA

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio

UNCERTAINTY_SAMPLING = "Uncertainty sampling"


def read_inputs(path: Path | str) -> list[dict]:
    """``id`` and ``text`` of each record of a JSONL file or a JSON list (tasks or sentences).

    A record is a sentence (``id`` or ``sentence_id``, ``text``) or a Label Studio task whose
    ``data`` is one. Any bad record is an error that names it; nothing is returned then.
    """
    path = Path(path)
    if path.suffix == ".json":
        loaded = read_json(path)
        if not isinstance(loaded, list):
            raise InputError(path, "expected a JSON list of tasks or sentences")
        items: Iterable[tuple[str, Any]] = ((f"record {i}", o) for i, o in enumerate(loaded, 1))
    else:
        items = ((f"line {n}", o) for n, o in iter_jsonl(path))
    out, seen = [], set()
    for where, obj in items:
        if not isinstance(obj, dict):
            raise InputError(path, "expected a JSON object", record=where)
        record = obj["data"] if isinstance(obj.get("data"), dict) else obj
        ident = record.get("id", record.get("sentence_id"))
        if isinstance(ident, bool) or not isinstance(ident, str | int) or ident == "":
            raise InputError(path, "needs an id (or sentence_id): a non-empty string or integer",
                             record=where, field="id")
        if ident in seen:
            raise InputError(path, f"duplicate id {ident!r}", record=where, field="id")
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError(path, "needs a non-empty string", record=where, field="text")
        seen.add(ident)
        out.append({"id": ident, "text": text})
    return out


def best_model(out_dir: Path | str) -> tuple[str, Any, dict]:
    """The name, loaded pipeline and results of the best stance model of a baselines folder."""
    results = read_results(out_dir)
    name = results["stance"]["best_model"]
    return name, load_stance_model(model_path(out_dir, name)), results


def predict(model: Any, records: list[dict]) -> list[dict]:
    """``id``, ``stance`` and per-label ``scores`` (schema order) of each record."""
    if not records:
        return []
    probs = stance.scores(model, [r["text"] for r in records])
    names = SCHEMA.stance_names
    return [{"id": r["id"], "stance": names[int(np.argmax(p))],
             "scores": {n: round(float(x), 6) for n, x in zip(names, p, strict=True)}}
            for r, p in zip(records, probs, strict=True)]


def margin(prediction: dict) -> float:
    """Top score minus runner-up: small means the model is unsure."""
    top = sorted(prediction["scores"].values(), reverse=True)
    return round(top[0] - (top[1] if len(top) > 1 else 0.0), 6)


def model_version(name: str, results: dict) -> str:
    """The Label Studio model version of a baselines model: its name and training data."""
    return f"baseline-{name}-{results['dataset']['sha256'][:12]}"


def push_predictions(client: LabelStudio, project: Any, predictions: list[dict], version: str,
                     batch_size: int = 500) -> dict[str, int]:
    """Add stance pre-annotations to the project's tasks matched by ``data.sentence_id``.

    Each prediction's ``score`` is its margin, the project's model version becomes *version*
    and its sampling uncertainty sampling, so the next unlabeled task an annotator gets is the
    one the model is least sure about. Tasks that already hold a prediction of *version* are
    left as they are.
    """
    from label_studio_sdk import PredictionRequest

    from stancekit.labeling.studio import api, task_ids

    tasks = task_ids(client, project.id)
    with api(f"cannot list the predictions of project {project.id}"):
        done = {p.task for p in client.predictions.list(project=project.id)
                if p.model_version == version}
    by_id = {str(p["id"]): p for p in predictions}
    matched = [(tasks[sid], p) for sid, p in by_id.items() if sid in tasks]
    new = [PredictionRequest(task=task, model_version=version, score=margin(p),
                             result=[stance_item(p["stance"], origin="prediction")])
           for task, p in matched if task not in done]
    for i in range(0, len(new), batch_size):
        with api(f"import of predictions {i + 1}-{i + len(new[i:i + batch_size])} refused"):
            client.projects.import_predictions(project.id, request=new[i:i + batch_size])
    with api(f"cannot set uncertainty sampling on project {project.id}"):
        client.projects.update(project.id, model_version=version,
                               sampling=UNCERTAINTY_SAMPLING, show_collab_predictions=True)
    return {"predictions": len(predictions), "matched_tasks": len(matched),
            "imported": len(new), "already_predicted": len(matched) - len(new),
            "unmatched": len(predictions) - len(matched)}
