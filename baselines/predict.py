"""Stance predictions of the best saved model, as JSONL and as Label Studio pre-annotations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stancekit.baselines import stance
from stancekit.baselines.evaluate import (
    DYAD_MODEL,
    ENTITY_MODEL,
    load_stance_model,
    model_path,
    read_results,
)
from stancekit.baselines.persist import load_fitted
from stancekit.files import InputError, iter_jsonl, read_json
from stancekit.labeling.results import entity_item, stance_item
from stancekit.labeling.tasks import dyad_predictor, relation_lists
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
    """``id``, ``stance``, ``scores`` (schema order) and weighted ``margin`` of each record.

    The scores are the calibrated probabilities; the stance and the margin come from the
    probabilities times the model's decision weights (`stance.weighted`).
    """
    if not records:
        return []
    probs = stance.scores(model, [r["text"] for r in records])
    names = SCHEMA.stance_names
    return [{"id": r["id"], "stance": names[int(np.argmax(w))],
             "scores": {n: round(float(x), 6) for n, x in zip(names, p, strict=True)},
             "margin": margin(w)}
            for r, p, w in zip(records, probs, stance.weighted(model, probs), strict=True)]


def margin(scores: Sequence[float]) -> float:
    """Top score minus runner-up: small means the model is unsure."""
    top = sorted(scores, reverse=True)
    return round(float(top[0] - (top[1] if len(top) > 1 else 0.0)), 6)


def model_version(name: str, results: dict) -> str:
    """The Label Studio model version of a baselines model: its name and training data."""
    return f"baseline-{name}-{results['dataset']['sha256'][:12]}"


def entity_spans(out_dir: Path | str, records: list[dict]) -> dict[str, list[dict]] | None:
    """Entity spans of each record (by id) from the baselines folder's entity tagger, or None
    when the folder has no entity tagger."""
    from stancekit.dataset.rows import entities_row

    path = model_path(out_dir, ENTITY_MODEL)
    if not path.is_file():
        return None
    rows = [entities_row({"sentence_id": r["id"], "doc_id": "", "text": r["text"],
                          "entities": []}, path) for r in records]
    if not rows:
        return {}
    found = load_fitted(path, lambda model: model.predict(rows[:1]), "entity tagger").predict(rows)
    return {str(r["id"]): [{"start": a, "end": b, "text": r["text"][a:b], "label": label}
                           for a, b, label in sorted(spans)]
            for r, spans in zip(records, found, strict=True)}


def model_regions(out_dir: Path | str, records: list[dict], predictions: list[dict]
                  ) -> dict[str, list[dict]] | None:
    """Result items of each record (by id): the entity tagger's spans and, for a predicted
    stance other than the default, relations for the dyads of the folder's dyad model (else
    the heuristic); None when the folder has no entity tagger."""
    spans = entity_spans(out_dir, records)
    if spans is None:
        return None
    path = model_path(out_dir, DYAD_MODEL)
    predictor = dyad_predictor(str(path) if path.is_file() else None)
    stances = {str(p["id"]): p["stance"] for p in predictions}
    rows = [{"text": r["text"], "stance": stances[str(r["id"])], "entities": spans[str(r["id"])]}
            for r in records]
    ids = [[f"m{i}" for i in range(len(r["entities"]))] for r in rows]
    return {str(r["id"]): [entity_item(i, e["start"], e["end"], e["text"], e["label"],
                                       origin="prediction")
                           for i, e in zip(row_ids, row["entities"], strict=True)] + relations
            for r, row, row_ids, relations in zip(records, rows, ids,
                                                  relation_lists(rows, ids, predictor),
                                                  strict=True)}


def _pre_annotations(existing: list[Any], version: str) -> dict[int, list[dict]]:
    """The entity and relation items of each task's latest prediction of another version
    that holds entity spans."""
    out = {}
    for p in sorted(existing, key=lambda p: p.id):
        items = p.result or []
        if p.model_version != version and any(i.get("type") == "labels" for i in items):
            out[p.task] = [i for i in items if i.get("type") in ("labels", "relation")]
    return out


def push_predictions(client: LabelStudio, project: Any, predictions: list[dict], version: str,
                     regions: dict[str, list[dict]] | None = None,
                     batch_size: int = 500) -> dict[str, int]:
    """Add one pre-annotation per task matched by ``data.sentence_id``: the predicted stance
    with the task's entity spans.

    The entity spans and dyads come from the task's existing pre-annotation (e.g. cues and
    gazetteer), else from *regions* (result items by sentence id, from :func:`model_regions`).
    Each prediction's ``score`` is its stance ``margin``, the project's model version becomes
    *version* (annotators see only that version's predictions, which is why the entities
    travel with the stance) and its sampling uncertainty sampling, so the next unlabeled task
    an annotator gets is the one the model is least sure about. Tasks that already hold a
    prediction of *version* are left as they are.
    """
    from label_studio_sdk import PredictionRequest

    from stancekit.labeling.studio import api, task_ids

    tasks = task_ids(client, project.id)
    with api(f"cannot list the predictions of project {project.id}"):
        existing = list(client.predictions.list(project=project.id))
    done = {p.task for p in existing if p.model_version == version}
    pre = _pre_annotations(existing, version)
    by_id = {str(p["id"]): p for p in predictions}
    matched = [(tasks[sid], sid, p) for sid, p in by_id.items() if sid in tasks]
    new, sources = [], Counter()
    for task, sid, p in matched:
        if task in done:
            continue
        spans = pre.get(task)
        sources["entities_from_pre_annotation" if spans is not None else
                "entities_from_model" if regions is not None else "no_entities"] += 1
        if spans is None:
            spans = (regions or {}).get(sid, [])
        new.append(PredictionRequest(task=task, model_version=version, score=p["margin"],
                                     result=[stance_item(p["stance"], origin="prediction"),
                                             *spans]))
    for i in range(0, len(new), batch_size):
        with api(f"import of predictions {i + 1}-{i + len(new[i:i + batch_size])} refused"):
            client.projects.import_predictions(project.id, request=new[i:i + batch_size])
    with api(f"cannot set uncertainty sampling on project {project.id}"):
        client.projects.update(project.id, model_version=version,
                               sampling=UNCERTAINTY_SAMPLING, show_collab_predictions=True)
    return {"predictions": len(predictions), "matched_tasks": len(matched),
            "imported": len(new), "already_predicted": len(matched) - len(new),
            "unmatched": len(predictions) - len(matched), **sources}
