"""Reading a dataset folder built by ``stancekit build``: rows per split, with label names."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import ClassLabel, Features, List

from stancekit.dataset.build import SCHEMA_FILE
from stancekit.files import InputError, read_json
from stancekit.schema import SCHEMA, active_file

MANIFEST = "splits.json"
STANCE_COLUMNS = ("id", "doc_id", "text", "stance", "entities", "dyads")
ENTITY_COLUMNS = ("id", "doc_id", "text", "tokens", "ner_tags", "token_starts", "token_ends")
COLUMNS = {"stance": STANCE_COLUMNS, "entities": ENTITY_COLUMNS}
OPTIONAL_COLUMNS = ("source",)
"""Columns the baselines read when a dataset has them (scores per news source)."""


@dataclass
class DatasetFolder:
    """The rows of each config and split of a dataset folder, and the hashes that identify it."""

    path: Path
    configs: dict[str, dict[str, Sequence[dict]]]
    sha256: str
    files: dict[str, str] = field(default_factory=dict)
    manifest_sha256: str | None = None
    manifest_input_sha256: str | None = None

    def split(self, config: str, name: str) -> Sequence[dict]:
        """The rows of one split of one config, or an error naming the splits there are."""
        splits = self.configs[config]
        if name not in splits:
            raise InputError(self.path, f"no split {name!r} in config {config!r} "
                             f"(there are: {', '.join(splits)})")
        return splits[name]

    def provenance(self) -> dict:
        """Hashes and sizes for a results file: what exactly was trained and evaluated on."""
        stance = self.configs.get("stance", {})
        return {
            "sha256": self.sha256,
            "files": self.files,
            "split_manifest_sha256": self.manifest_sha256,
            "gold_sha256": self.manifest_input_sha256,
            "splits": {name: {"sentences": len(rows),
                              "documents": len({r["doc_id"] for r in rows}),
                              "labels": {s: sum(r["stance"] == s for r in rows)
                                         for s in SCHEMA.stance_names}}
                       for name, rows in stance.items()},
        }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _split_name(file: Path) -> str:
    """``train.parquet`` and Hub shards like ``train-00000-of-00002.parquet`` are ``train``."""
    return file.stem.split("-")[0]


def _check_names(path: Path, column: str, feature: object, names: list[str]) -> None:
    if isinstance(feature, List):
        feature = feature.feature
    if isinstance(feature, ClassLabel) and feature.names != names:
        raise InputError(path, f"labels {feature.names} differ from the schema "
                         f"{active_file().path.name}'s {names}; give the schema the dataset "
                         f"was built with (stancekit --schema {path / SCHEMA_FILE})",
                         field=column)


class Rows(Sequence):
    """The rows of one split of a parquet config, turned into dicts on first use; `column` and
    `take` read one column or a few rows without turning every row into a dict."""

    def __init__(self, where: Path, config: str, table: pa.Table) -> None:
        self.where, self.config, self.table = where, config, table
        self._rows: list[dict] | None = None

    def _all(self) -> list[dict]:
        if self._rows is None:
            self._rows = _names(self.config, self.table.to_pylist())
        return self._rows

    def __len__(self) -> int:
        return self.table.num_rows

    def __getitem__(self, index: int | slice) -> dict | list[dict]:  # type: ignore[override]
        return self._all()[index]

    def __iter__(self) -> Iterator[dict]:
        return iter(self._all())

    def column(self, name: str) -> list:
        """The values of one column, in row order."""
        return self.table.column(name).to_pylist()

    def take(self, indices: Sequence[int]) -> list[dict]:
        """The rows at *indices*, in that order."""
        if self._rows is not None:
            return [self._rows[i] for i in indices]
        return _names(self.config, self.table.take(pa.array(indices, type=pa.int64())).to_pylist())


def column(rows: Sequence[dict], name: str) -> list:
    """The values of one column of *rows* (read from the table of `Rows`)."""
    return rows.column(name) if isinstance(rows, Rows) else [r[name] for r in rows]


def take(rows: Sequence[dict], indices: Sequence[int]) -> list[dict]:
    """The rows at *indices* (only those turned into dicts from the table of `Rows`)."""
    return rows.take(indices) if isinstance(rows, Rows) else [rows[i] for i in indices]


def _read_config(path: Path, config: str) -> dict[str, Rows]:
    files = sorted((path / config).glob("*.parquet"))
    if not files:
        raise InputError(path, f"no parquet files for config {config!r} (expected "
                         f"{config}/<split>.parquet); build it with `stancekit build`")
    tables: dict[str, list[pa.Table]] = {}
    wanted = (*COLUMNS[config], *OPTIONAL_COLUMNS)
    for file in files:
        present = set(pq.read_schema(file).names)
        table = pq.read_table(file, columns=[c for c in wanted if c in present])
        _check_columns(file, config, Features.from_arrow_schema(table.schema))
        tables.setdefault(_split_name(file), []).append(table)
    return {split: Rows(path / config, config, pa.concat_tables(parts))
            for split, parts in tables.items()}


def _check_columns(where: Path | str, config: str, features: Features) -> None:
    """Refuse a config's table without the columns the baselines read or with other labels."""
    missing = [c for c in COLUMNS[config] if c not in features]
    if missing:
        raise InputError(where, f"missing column {missing[0]!r}", field=missing[0])
    if config == "stance":
        _check_names(Path(where), "stance", features["stance"], SCHEMA.stance_names)
    else:
        _check_names(Path(where), "ner_tags", features["ner_tags"], SCHEMA.bio_tags)


def _names(config: str, rows: list[dict]) -> list[dict]:
    """*rows* of a config with class ids replaced by schema names, in place."""
    if config == "stance":
        _stance_names(rows)
    else:
        tags = SCHEMA.bio_tags
        for row in rows:
            row["ner_tags"] = [tags[t] for t in row["ner_tags"]]
    return rows


def _named_rows(where: Path | str, config: str, features: Features, rows: list[dict]
                ) -> list[dict]:
    """*rows* of a config with its columns checked and class ids replaced by schema names."""
    _check_columns(where, config, features)
    return _names(config, rows)


def _stance_names(rows: list[dict]) -> None:
    """Replace class ids by names in place: stance, entity labels, dyad ends."""
    stances, types = SCHEMA.stance_names, SCHEMA.entity_names
    for row in rows:
        row["stance"] = stances[row["stance"]]
        for e in row["entities"]:
            e["label"] = types[e["label"]]
        for dyad in row["dyads"]:
            for end in dyad.values():
                end["label"] = types[end["label"]]


def load_folder(path: Path | str, configs: tuple[str, ...] = ("stance", "entities")
                ) -> DatasetFolder:
    """Read the parquet files of a dataset folder and hash them (and its split manifest)."""
    path = Path(path)
    if not path.is_dir():
        raise InputError(path, "no such dataset folder")
    data = {config: _read_config(path, config) for config in configs}
    files = {p.relative_to(path).as_posix(): _sha256(p)
             for p in sorted(path.rglob("*.parquet"))}
    digest = hashlib.sha256()
    for name, sha in files.items():
        digest.update(f"{name}\0{sha}\n".encode())
    folder = DatasetFolder(path, data, digest.hexdigest(), files)
    manifest = path / MANIFEST
    if manifest.is_file():
        folder.manifest_sha256 = _sha256(manifest)
        content = read_json(manifest)
        if isinstance(content, dict):
            folder.manifest_input_sha256 = content.get("input_sha256")
    return folder


def from_datasets(configs: dict[str, object], name: str = "datasets") -> DatasetFolder:
    """Rows of ``DatasetDict``s by config name (``stance``, optionally ``entities``)."""
    if "stance" not in configs:
        raise InputError(name, "needs a 'stance' config")
    data = {config: {split: _named_rows(f"{name} ({config}/{split})", config, ds.features,
                                        ds.to_list())
                     for split, ds in dd.items()} for config, dd in configs.items()}
    digest = hashlib.sha256()
    files = {}
    for config, dd in configs.items():
        for split, ds in dd.items():
            files[f"{config}/{split}"] = ds._fingerprint
            digest.update(f"{config}/{split}\0{ds._fingerprint}\n".encode())
    return DatasetFolder(Path(name), data, digest.hexdigest(), files)


def load_data(source: object) -> DatasetFolder:
    """A dataset folder from ``stancekit build``, a ``DatasetDict`` (the ``stance`` config), a
    mapping of config name to ``DatasetDict``, or anything ``load_dataset`` accepts."""
    from datasets import DatasetDict, load_dataset

    if isinstance(source, DatasetDict):
        return from_datasets({"stance": source})
    if isinstance(source, dict):
        return from_datasets(source)
    path = Path(str(source))
    if path.is_dir() and (path / "stance").is_dir():
        return load_folder(path)
    configs = {}
    for config in ("stance", "entities"):
        try:
            configs[config] = load_dataset(str(source), config)
        except (FileNotFoundError, ValueError) as e:
            if config == "stance":
                raise InputError(source, f"cannot load its 'stance' config: {e}") from None
    return from_datasets(configs, str(source))
