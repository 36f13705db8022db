"""Building the dataset from gold records and a split assignment, and writing its folder."""

from __future__ import annotations

import contextlib
import pickle
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Dataset, DatasetDict, DatasetInfo
from datasets.table import InMemoryTable

from stancekit.dataset.features import CONFIGS, config_features
from stancekit.dataset.rows import ROWS, document_row
from stancekit.dataset.sizes import TableSize
from stancekit.files import InputError, Outputs
from stancekit.splits import SPLIT_NAMES

PARQUET = {"compression": "zstd", "compression_level": 9, "row_group_size": 10_000,
           "use_dictionary": True, "write_statistics": True, "version": "2.6",
           "data_page_version": "1.0"}

SCHEMA_FILE = "schema.yaml"
"""The copy of the schema file in a dataset folder."""

NumBytes = dict[str, dict[str, int]]
"""Per config and split, the size of its Arrow table in memory (the card's ``num_bytes``)."""


def build_dataset(gold: Iterable[dict], assignment: Mapping[str, str], path: Path | str = "gold",
                  documents: Mapping[str, dict] | None = None) -> dict[str, DatasetDict]:
    """One DatasetDict per config; every gold sentence and its document land in exactly one
    split. *documents* gives the ``documents`` config each document's text and origin."""
    rows: dict[str, dict[str, list[dict]]] = {config: {} for config in CONFIGS}
    with _SplitSpool(gold, assignment, path) as spool:
        for split, records in spool.splits():
            for config in CONFIGS:
                rows[config][split] = []
            for config, config_rows in split_rows(records, path, documents):
                rows[config][split] += config_rows
    out = {}
    for config, splits in rows.items():
        features = config_features(config)
        out[config] = DatasetDict({
            split: Dataset(InMemoryTable(pa.Table.from_pylist(items,
                                                              schema=features.arrow_schema)),
                           info=DatasetInfo(features=features, config_name=config), split=split)
            for split, items in splits.items()})
    return out


def split_rows(records: Iterable[dict], path: Path | str,
               documents: Mapping[str, dict] | None) -> Iterator[tuple[str, list[dict]]]:
    """(config, rows) of one split's records in dataset order: each record's rows of every
    per-sentence config, and a ``documents`` row when a document's records end."""
    sentence_configs = [(config, ROWS[config]) for config in CONFIGS if config != "documents"]
    document: list[dict] = []
    for record in records:
        for config, rows_of in sentence_configs:
            yield config, rows_of(record, path)
        if document and document[0]["doc_id"] != record["doc_id"]:
            yield "documents", [document_row(document, documents)]
            document = []
        document.append(record)
    if document:
        yield "documents", [document_row(document, documents)]


def sort_key(record: dict) -> tuple:
    """The order of the records within a split."""
    return record["doc_id"], record["index"], record["sentence_id"]


class _SplitSpool:
    """Gold records pickled to a temporary file as they come, each checked to have a split;
    read back split by split in dataset order. Only file offsets stay in memory, and the sort
    keys too for a split whose records did not come in order."""

    def __init__(self, gold: Iterable[dict], assignment: Mapping[str, str], path: Path | str,
                 each: Callable[[dict], None] | None = None) -> None:
        names = [n for n in SPLIT_NAMES if n in set(assignment.values())]
        self._file = tempfile.TemporaryFile(buffering=1 << 16)  # noqa: SIM115 (see __exit__)
        self._offsets = {name: array("q") for name in names}
        last: dict[str, tuple] = {}
        self._unsorted: set[str] = set()
        try:
            for record in gold:
                split = assignment.get(record["doc_id"])
                if split is None:
                    raise InputError(path, f"document {record['doc_id']} has no split",
                                     record=f"sentence {record['sentence_id']}", field="doc_id")
                if each is not None:
                    each(record)
                key = sort_key(record)
                if split in last and key < last[split]:
                    self._unsorted.add(split)
                last[split] = key
                self._offsets[split].append(self._file.tell())
                pickle.dump(record, self._file, pickle.HIGHEST_PROTOCOL)
        except BaseException:
            self._file.close()
            raise

    def splits(self) -> Iterator[tuple[str, Iterator[dict]]]:
        """Each split's name and its records in dataset order (read one split at a time)."""
        for split, offsets in self._offsets.items():
            if split in self._unsorted:
                keys = sorted((sort_key(self._load(o)), o) for o in offsets)
                offsets = array("q", (o for _, o in keys))
            yield split, map(self._load, offsets)

    def _load(self, offset: int) -> dict:
        if self._file.tell() != offset:  # a seek drops the read buffer
            self._file.seek(offset)
        return pickle.load(self._file)

    def __enter__(self) -> _SplitSpool:
        return self

    def __exit__(self, *_: object) -> None:
        self._file.close()


class _ParquetSplit:
    """One config's split written to parquet a row group at a time, its in-memory size
    counted as if it were one table."""

    def __init__(self, where: Path, schema: pa.Schema) -> None:
        options = {k: v for k, v in PARQUET.items() if k != "row_group_size"}
        self.writer = pq.ParquetWriter(where, schema, **options)
        self.schema, self.rows, self.size, self.written = schema, [], TableSize(), False

    def add(self, rows: list[dict]) -> None:
        self.rows += rows
        if len(self.rows) >= PARQUET["row_group_size"]:
            self._write(self.rows[:PARQUET["row_group_size"]])
            del self.rows[:PARQUET["row_group_size"]]

    def _write(self, rows: list[dict]) -> None:
        table = pa.Table.from_pylist(rows, schema=self.schema)
        self.size.add(table)
        self.writer.write_table(table, row_group_size=PARQUET["row_group_size"])
        self.written = True

    def finish(self) -> int:
        """Write the last rows; return the table's size."""
        if self.rows or not self.written:
            self._write(self.rows)
        return self.size.nbytes()


def write_streaming(gold: Iterable[dict], assignment: Mapping[str, str], out_dir: Path | str,
                    files: Callable[[NumBytes], Mapping[str, str]], path: Path | str = "gold",
                    documents: Mapping[str, dict] | None = None, outputs: Outputs | None = None,
                    each: Callable[[dict], None] | None = None) -> NumBytes:
    """Build the dataset as `build_dataset` does and write it as `write_dataset` does, a row
    group at a time: parquet per config and split, then the text *files* made from the
    tables' sizes. *each* sees every gold record, in the order given. Return the sizes."""
    num_bytes: NumBytes = {config: {} for config in CONFIGS}
    schemas = {config: config_features(config).arrow_schema for config in CONFIGS}
    with contextlib.nullcontext(outputs) if outputs else Outputs() as staged, \
            _SplitSpool(gold, assignment, path, each) as spool:
        folder = staged.folder(out_dir)
        for config in CONFIGS:
            (folder / config).mkdir()
        for split, records in spool.splits():
            writers = {config: _ParquetSplit(folder / data_file(config, split), schema)
                       for config, schema in schemas.items()}
            with contextlib.ExitStack() as files_open:
                for writer in writers.values():
                    files_open.callback(writer.writer.close)
                for config, rows in split_rows(records, path, documents):
                    writers[config].add(rows)
                for config, writer in writers.items():
                    num_bytes[config][split] = writer.finish()
        _write_texts(folder, files(num_bytes))
    return num_bytes


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
        _write_texts(folder, files)


def _write_texts(folder: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
