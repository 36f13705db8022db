"""Hugging Face features of the configs, derived from the schema."""

from __future__ import annotations

from datasets import ClassLabel, Features, List, Value

from stancekit.events.table import END, SENTENCE
from stancekit.labeling.corpus import METADATA
from stancekit.schema import SCHEMA

CONFIGS = ("stance", "entities", "documents", "events")


def entity_feature() -> dict:
    """One entity span: character offsets into the sentence, its text and type."""
    return {"start": Value("int32"), "end": Value("int32"), "text": Value("string"),
            "label": ClassLabel(names=SCHEMA.entity_names)}


def annotation_feature() -> dict:
    """One annotator's stance of a sentence; ``ground_truth`` marks an adjudication."""
    return {"annotator": Value("int64"), "stance": ClassLabel(names=SCHEMA.stance_names),
            "ground_truth": Value("bool")}


def stance_features() -> Features:
    """Features of the ``stance`` config: one row per sentence."""
    source, target = (role.name for role in SCHEMA.roles)
    return Features({
        "id": Value("string"),
        "doc_id": Value("string"),
        "sentence_index": Value("int32"),
        "start": Value("int32"),
        "end": Value("int32"),
        "text": Value("string"),
        "context": Value("string"),
        "stance": ClassLabel(names=SCHEMA.stance_names),
        "entities": List(entity_feature()),
        "dyads": List({source: entity_feature(), target: entity_feature()}),
        "annotations": List(annotation_feature()),
        "n_annotations": Value("int32"),
        "agreement": Value("float64"),
        **{name: Value("string") for name in METADATA},
        "stratum": Value("string"),
        "weight": Value("float64"),
    })


def entities_features() -> Features:
    """Features of the ``entities`` config: tokens with BIO tags and character offsets."""
    return Features({
        "id": Value("string"),
        "doc_id": Value("string"),
        "text": Value("string"),
        "tokens": List(Value("string")),
        "ner_tags": List(ClassLabel(names=SCHEMA.bio_tags)),
        "token_starts": List(Value("int32")),
        "token_ends": List(Value("int32")),
    })


def documents_features() -> Features:
    """Features of the ``documents`` config: one row per document."""
    return Features({
        "doc_id": Value("string"),
        **{name: Value("string") for name in METADATA},
        "n_sentences": Value("int32"),
        "sentence_ids": List(Value("string")),
        "text": Value("string"),
        "origin": {"repository": Value("string"), "commit": Value("string"),
                   "path": Value("string")},
    })


def events_features() -> Features:
    """Features of the ``events`` config: one row per dyad, each end a canonical actor."""
    typed = {"stance": ClassLabel(names=SCHEMA.stance_names),
             "type": ClassLabel(names=SCHEMA.entity_names), "start": Value("int32"),
             "end": Value("int32")}
    return Features({
        **{name: typed.get(name, Value("string")) for name in SENTENCE},
        **{f"{role}_{name}": typed.get(name, Value("string"))
           for role in SCHEMA.dyad_keys for name in END},
    })


def config_features(config: str) -> Features:
    """The features of a config by name."""
    return {"stance": stance_features, "entities": entities_features,
            "documents": documents_features, "events": events_features}[config]()
