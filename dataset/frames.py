"""A pandas view of a dataset split, with label names in place of ClassLabel ids."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datasets import ClassLabel, List

if TYPE_CHECKING:
    import pandas as pd
    from datasets import Dataset


def label_names(value: Any, feature: Any) -> Any:
    """*value* with every ClassLabel id of *feature*, however nested, replaced by its name."""
    if value is None:
        return None
    if isinstance(feature, ClassLabel):
        return feature.int2str(value)
    if isinstance(feature, List):
        return [label_names(v, feature.feature) for v in value]
    if isinstance(feature, dict):
        return {k: label_names(value[k], f) for k, f in feature.items()}
    return value


def to_pandas(dataset: Dataset) -> pd.DataFrame:
    """A DataFrame of a dataset split whose label columns hold names ('accusation', 'B-GPE')."""
    import pandas as pd

    features = dataset.features
    return pd.DataFrame({name: [label_names(v, feature) for v in dataset[name]]
                         for name, feature in features.items()}, columns=list(features))
