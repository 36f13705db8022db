"""The Hugging Face dataset: stance and entity configs, parquet files and the dataset card."""

from stancekit.dataset.build import build_dataset, write_dataset
from stancekit.dataset.features import CONFIGS, entities_features, stance_features
from stancekit.dataset.tokens import bio_tags, tokenize

__all__ = [
    "CONFIGS",
    "bio_tags",
    "build_dataset",
    "entities_features",
    "stance_features",
    "tokenize",
    "write_dataset",
]
