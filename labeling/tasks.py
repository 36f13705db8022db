"""Label Studio tasks: sentence records as task data, with pre-annotations as predictions."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from stancekit.files import InputError, Outputs, atomic_open, iter_jsonl
from stancekit.labeling.corpus import METADATA, read_links
from stancekit.labeling.cues import VERSION as CUES_VERSION
from stancekit.labeling.cues import cue_tagger
from stancekit.labeling.gazetteer import VERSION as GAZETTEER_VERSION
from stancekit.labeling.gazetteer import gazetteer
from stancekit.labeling.results import entity_item, relation_item, stance_item
from stancekit.schema import SCHEMA

TASK_FIELDS = ("sentence_id", "doc_id", "index", "start", "end", "text", "context")
SAMPLING = ("stratum", "weight")
OPTIONAL = (*METADATA, *SAMPLING, "links")

Recognizer = Callable[[Iterable[dict]], Iterator[list[dict]]]
"""Takes sentence records in document order; yields each sentence's entity spans."""
Span = tuple[int, int]
BATCH = 256
"""Sentences whose dyads are predicted together."""
DyadPredictor = Callable[[list[dict]], list[list[tuple[Span, Span]]]]
"""Takes rows (``text``, ``stance``, ``entities``); gives each row's (source, target) spans."""


def task_data(record: dict) -> dict:
    """The task ``data`` of one sentence record: the public contract fields."""
    data = {k: record[k] for k in TASK_FIELDS}
    data.update({k: record[k] for k in OPTIONAL if record.get(k)})
    return data


def gazetteer_entities(records: Iterable[dict]) -> Iterator[list[dict]]:
    """Entity spans from the gazetteer, remembering each document's people by name."""
    find = gazetteer().find
    doc_id, people = None, set()
    for record in records:
        if record["doc_id"] != doc_id:
            doc_id, people = record["doc_id"], set()
        yield find(record["text"], people)


gazetteer_entities.version = GAZETTEER_VERSION


def spacy_entities(name: str) -> Recognizer:
    """A recognizer backed by the installed spaCy pipeline *name* (PERSON, ORG, GPE, NORP)."""
    where = f"--ner-model {name}"
    try:
        import spacy
    except ImportError:
        raise InputError(where, f"spaCy is not installed, so the pipeline {name!r} cannot be "
                         "loaded: pip install spacy and the pipeline, or leave out --ner-model "
                         "to use the built-in gazetteer") from None
    try:
        nlp = spacy.load(name, exclude=["parser", "lemmatizer", "textcat"])
    except OSError:
        raise InputError(where, f"spaCy pipeline {name!r} is not installed "
                         f"(python -m spacy download {name}, or give an installed pipeline)"
                         ) from None
    keep = set(SCHEMA.entity_names)

    def recognize(records: Iterable[dict]) -> Iterator[list[dict]]:
        texts = (r["text"] for r in records)
        for doc in nlp.pipe(texts, batch_size=256):
            yield [{"start": e.start_char, "end": e.end_char, "text": e.text, "label": e.label_}
                   for e in doc.ents if e.label_ in keep]

    recognize.version = f"spacy-{name}-{nlp.meta.get('version', '0')}"
    return recognize


def linked(record: dict, entities: list[dict]) -> list[dict]:
    """*entities* with the sentence's Wikipedia links: a link that overlaps a recognised span
    gives that span its exact bounds (the ids stay in the task's ``links``); other links are
    left out, and so is a span that would overlap one kept before it."""
    links = record.get("links")
    if not links:
        return entities
    text, out, used = record["text"], [], set()
    for e in entities:
        i = next((i for i, k in enumerate(links) if i not in used
                  and k["start"] < e["end"] and e["start"] < k["end"]), None)
        if i is None:
            out.append(e)
            continue
        used.add(i)
        start, end = links[i]["start"], links[i]["end"]
        out.append({"start": start, "end": end, "text": text[start:end], "label": e["label"]})
    kept: list[dict] = []
    for e in sorted(out, key=lambda e: e["start"]):
        if not kept or e["start"] >= kept[-1]["end"]:
            kept.append(e)
    return kept


def heuristic_dyads(rows: list[dict]) -> list[list[tuple[Span, Span]]]:
    """The dyads of the baselines' nearest-entity heuristic."""
    from stancekit.baselines import dyads

    return [dyads.predict(r) for r in rows]


@functools.cache
def dyad_predictor(path: str | None = None) -> DyadPredictor:
    """The learned dyad model saved at *path* (``baselines train``), or the heuristic; loaded
    once a process. The learned one's ``version`` names the model file by its digest."""
    if path is None:
        return heuristic_dyads
    from stancekit.baselines.dyad_model import load_saved

    model = load_saved(path)

    def learned(rows: list[dict]) -> list[list[tuple[Span, Span]]]:
        return model.predict(rows)

    learned.version = f"dyads-{hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]}"
    return learned


def relation_lists(rows: list[dict], ids: list[list[str]], predictor: DyadPredictor
                   ) -> list[list[dict]]:
    """Relation items of each row (``text``, ``stance``, ``entities``) between its entity
    regions *ids*, for the dyads *predictor* gives the rows whose stance is not the default."""
    wanted = [i for i, r in enumerate(rows)
              if r["stance"] != SCHEMA.default_stance and len(r["entities"]) >= 2]
    found = dict(zip(wanted, predictor([rows[i] for i in wanted]) if wanted else [],
                     strict=True))
    out = []
    for i, (row, row_ids) in enumerate(zip(rows, ids, strict=True)):
        region: dict[Span, str] = {}
        for item_id, e in zip(row_ids, row["entities"], strict=True):
            region.setdefault((e["start"], e["end"]), item_id)
        out.append([relation_item(region[s], region[t]) for s, t in found.get(i, ())])
    return out


def predictions_of(sentences: list[tuple[str, list[dict]]], model_version: str,
                   dyads: DyadPredictor = heuristic_dyads) -> list[dict]:
    """One Label Studio prediction per (text, entities) of a batch: the cue stance, the entity
    spans whose type the schema has, and the dyads between them that *dyads* predicts."""
    predict = cue_tagger().predict
    rows, scores = [], []
    for text, entities in sentences:
        stance, score = predict(text)
        rows.append({"text": text, "stance": stance,
                     "entities": [e for e in entities if e["label"] in SCHEMA.entity_names]})
        scores.append(score)
    ids = [[f"p{i}" for i in range(len(r["entities"]))] for r in rows]
    out = []
    for row, score, row_ids, relations in zip(rows, scores, ids,
                                              relation_lists(rows, ids, dyads), strict=True):
        result = [stance_item(row["stance"], origin="prediction")]
        result += [entity_item(i, e["start"], e["end"], e["text"], e["label"],
                               origin="prediction")
                   for i, e in zip(row_ids, row["entities"], strict=True)]
        out.append({"model_version": model_version, "score": score,
                    "result": result + relations})
    return out


def build_tasks(records: Iterable[dict], recognizer: Recognizer | None = None,
                predictions: bool = True, dyads: DyadPredictor | None = None) -> Iterator[dict]:
    """Label Studio import tasks for sentence records, with pre-annotations unless disabled.

    The dyads come from *dyads* (see :func:`dyad_predictor`), else the heuristic; they are
    predicted for batches of sentences.
    """
    if not predictions:
        for record in records:
            yield {"data": task_data(record)}
        return
    recognizer = recognizer or gazetteer_entities
    version = f"{CUES_VERSION}+{getattr(recognizer, 'version', 'ner')}"
    if hasattr(dyads, "version"):
        version += f"+{dyads.version}"
    records, feed = itertools.tee(records)
    found = zip(records, recognizer(feed), strict=True)
    while batch := list(itertools.islice(found, BATCH)):
        made = predictions_of([(r["text"], linked(r, e)) for r, e in batch], version,
                              dyads or heuristic_dyads)
        for (record, _), prediction in zip(batch, made, strict=True):
            yield {"data": task_data(record), "predictions": [prediction]}


def read_sentences(path: Path | str) -> Iterator[dict]:
    """Sentence records from a ``stancekit segment`` JSONL file, checked field by field: unique
    sentence ids, each document's sentences together, and at least one sentence."""
    lines: dict[str, int] = {}
    documents: set[str] = set()
    doc_id = None
    for lineno, record in iter_jsonl(path):
        where = f"line {lineno}"
        check_sentence(path, where, record)
        first = lines.setdefault(record["sentence_id"], lineno)
        if first != lineno:
            raise InputError(path, f"sentence_id {record['sentence_id']!r} is also on line "
                             f"{first}", record=where, field="sentence_id")
        if record["doc_id"] != doc_id:
            doc_id = record["doc_id"]
            if doc_id in documents:
                raise InputError(path, f"document {doc_id!r} has sentences before other "
                                 "documents; keep a document's sentences together",
                                 record=where, field="doc_id")
            documents.add(doc_id)
        yield record
    if not lines:
        raise InputError(path, "no sentence records")


def check_sentence(path: Path | str, where: str, record: dict) -> None:
    """Check the type and range of each field of one sentence record."""

    def problem(field: str, message: str) -> InputError:
        return InputError(path, f"{message}, not {record.get(field)!r}", record=where,
                          field=field)

    for field in TASK_FIELDS:
        if field not in record:
            raise InputError(path, "missing", record=where, field=field)
    for field in ("sentence_id", "doc_id", "text"):
        if not isinstance(record[field], str) or not record[field].strip():
            raise problem(field, "must be a non-empty string")
    for field in ("index", "start"):
        if type(record[field]) is not int or record[field] < 0:
            raise problem(field, "must be an integer from 0")
    end = record["start"] + len(record["text"])
    if type(record["end"]) is not int or record["end"] != end:
        raise problem("end", f"must be start + the length of the text, {end}")
    if not isinstance(record["context"], str) or record["text"] not in record["context"]:
        raise problem("context", "must be a string that holds the text")
    for field in (*METADATA, "stratum"):
        if record.get(field) is not None and not isinstance(record[field], str):
            raise problem(field, "must be a string")
    weight = record.get("weight")
    if weight is not None and (type(weight) not in (int, float) or not weight >= 0):
        raise problem("weight", "must be a number from 0")
    if "links" in record:
        read_links(path, where, record)


@functools.cache
def recognizer(ner_model: str | None = None) -> Recognizer:
    """The spaCy pipeline *ner_model* as a recognizer, or the gazetteer; loaded once a process."""
    return spacy_entities(ner_model) if ner_model else gazetteer_entities


def encode_tasks(records: list[dict], predictions: bool = True, ner_model: str | None = None,
                 dyad_model: str | None = None) -> tuple[list[str], Counter[str]]:
    """Whole documents' import tasks as JSON strings and their pre-labelled stances."""
    lines, stances = [], Counter()
    for task in build_tasks(records, recognizer(ner_model) if predictions else None, predictions,
                            dyad_predictor(dyad_model) if predictions else None):
        for p in task.get("predictions", ()):
            stances[p["result"][0]["value"]["choices"][0]] += 1
        lines.append(json.dumps(task, ensure_ascii=False))
    return lines, stances


def write_tasks(path: Path | str, tasks: Iterable[dict]) -> int:
    """Write tasks as a Label Studio JSON import file (one task a line), atomically."""
    return write_task_lines(path, (json.dumps(task, ensure_ascii=False) for task in tasks))


def write_task_lines(path: Path | str, lines: Iterable[str],
                     outputs: Outputs | None = None) -> int:
    """Write tasks already encoded as JSON strings as a Label Studio import file."""
    n = 0
    with atomic_open(path, outputs=outputs) as f:
        f.write("[")
        for line in lines:
            f.write(",\n" if n else "\n")
            f.write(line)
            n += 1
        f.write("\n]\n" if n else "]\n")
    return n
