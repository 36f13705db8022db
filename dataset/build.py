"""Building the dataset from gold records and a split assignment, and writing its folder."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Dataset, DatasetDict, DatasetInfo
from datasets.table import InMemoryTable

from stancekit.dataset.features import CONFIGS, config_features
from stancekit.dataset.rows import document_row, entities_row, stance_row
from stancekit.events.table import events_rows
from stancekit.files import InputError, Outputs
from stancekit.splits import SPLIT_NAMES

ROWS = {"stance": stance_row, "entities": entities_row, "events": events_rows}
PARQUET = {"compression": "zstd", "compression_level": 9, "row_group_size": 10_000,
           "use_dictionary": True, "write_statistics": True, "version": "2.6",
           "data_page_version": "1.0"}

SCHEMA_FILE = "schema.yaml"
"""The copy of the schema file in a dataset folder."""


def build_dataset(gold: list[dict], assignment: Mapping[str, str], path: Path | str = "gold",
                  documents: Mapping[str, dict] | None = None) -> dict[str, DatasetDict]:
    """One DatasetDict per config; every gold sentence and its document land in exactly one
    split. *documents* gives the ``documents`` config each document's text and origin."""
    names = [n for n in SPLIT_NAMES if n in set(assignment.values())]
    by_split: dict[str, list[dict]] = {name: [] for name in names}
    for record in gold:
        split = assignment.get(record["doc_id"])
        if split is None:
            raise InputError(path, f"document {record['doc_id']} has no split",
                             record=f"sentence {record['sentence_id']}", field="doc_id")
        by_split[split].append(record)
    for records in by_split.values():
        records.sort(key=lambda r: (r["doc_id"], r["index"], r["sentence_id"]))
    out = {}
    for config in CONFIGS:
        features = config_features(config)
        schema = features.arrow_schema
        splits = {}
        for name, records in by_split.items():
            if config == "documents":
                rows = [document_row(list(group), documents)
                        for _, group in itertools.groupby(records, key=lambda r: r["doc_id"])]
            else:
                rows = []
                for r in records:
                    made = ROWS[config](r, path)
                    rows.extend(made if isinstance(made, list) else [made])
            table = InMemoryTable(pa.Table.from_pylist(rows, schema=schema))
            splits[name] = Dataset(table, info=DatasetInfo(features=features, config_name=config),
                                   split=name)
        out[config] = DatasetDict(splits)
    return out


def data_file(config: str, split: str) -> str:
    """The parquet file of a config's split, relative to the dataset folder."""
    return f"{config}/{split}.parquet"


def write_dataset(datasets: Mapping[str, DatasetDict], out_dir: Path | str,
                  files: Mapping[str, str], outputs: Outputs | None = None) -> None:
    """Write parquet per config and split plus text *files* into *out_dir*, replaced as a whole
    (together with the other *outputs*, if given)."""
    with contextlib.nullcontext(outputs) if outputs else Outputs() as staged:
        folder = staged.folder(out_dir)
        for config, splits in datasets.items():
            (folder / config).mkdir()
            for split, ds in splits.items():
                pq.write_table(ds.data.table, folder / data_file(config, split), **PARQUET)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
