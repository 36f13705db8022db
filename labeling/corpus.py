"""Reading a corpus of articles: a folder of .txt files, JSONL or parquet files (one file, a
folder of shards or a glob pattern), or a CSV file."""

from __future__ import annotations

import csv
import glob
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stancekit.files import InputError, iter_jsonl, read_text, require_file

METADATA = ("title", "source", "date", "url", "license")


@dataclass(frozen=True)
class Document:
    """One article: its id, its text (the body that offsets point into) and metadata."""

    doc_id: str
    text: str
    title: str | None = None
    source: str | None = None
    date: str | None = None
    url: str | None = None
    license: str | None = None
    links: tuple[dict, ...] = ()

    def metadata(self) -> dict[str, str]:
        """The metadata fields that are known."""
        return {k: v for k in METADATA if (v := getattr(self, k))}


def read_corpus(path: Path | str, title_line: bool = True) -> Iterator[Document]:
    """Yield the documents of a folder, glob pattern, or JSONL, parquet or CSV file, in order.

    A folder holds .txt files, or .jsonl and .parquet shards.
    """
    path = Path(path)
    seen: dict[str, str] = {}
    for file, where, doc in _matching(path, title_line):
        here = f"{file}, {where}" if where else str(file)
        first = seen.setdefault(doc.doc_id, here)
        if first != here:
            raise InputError(file, f"document id {doc.doc_id!r} is also the id at {first}",
                             record=where, field="id")
        yield doc
    if not seen:
        raise InputError(path, "no documents")


def _matching(path: Path, title_line: bool) -> Iterator[tuple[Path, str | None, Document]]:
    """The documents of *path*, or of each file its glob pattern matches, in name order."""
    if path.exists() or not glob.has_magic(str(path)):
        yield from _documents(path, title_line)
        return
    files = sorted(Path(f) for f in glob.glob(str(path)))
    if not files:
        raise InputError(path, "no files match this pattern")
    for file in files:
        yield from _documents(file, title_line)


def _documents(path: Path, title_line: bool) -> Iterator[tuple[Path, str | None, Document]]:
    """(file, record, document) of each document under *path*."""
    if not path.exists():
        raise InputError(path, "no such file or folder")
    if path.is_dir():
        files = sorted(path.glob("*.txt"))
        shards = sorted([*path.glob("*.jsonl"), *path.glob("*.parquet")])
        if not files and not shards:
            raise InputError(path, "no .txt, .jsonl or .parquet files in this folder")
        if files and shards:
            raise InputError(path, "holds both .txt and .jsonl/.parquet files; keep one kind")
        for file in files:
            yield file, None, _read_txt(file, title_line)
        for shard in shards:
            yield from _read_parquet(shard) if shard.suffix == ".parquet" else _read_jsonl(shard)
    elif path.suffix == ".jsonl":
        yield from _read_jsonl(path)
    elif path.suffix == ".parquet":
        yield from _read_parquet(path)
    elif path.suffix == ".csv":
        yield from _read_csv(path)
    else:
        raise InputError(path, "expected a folder of .txt files, a .jsonl, .parquet or .csv file, "
                         "or a glob pattern")


def _read_jsonl(path: Path) -> Iterator[tuple[Path, str, Document]]:
    for lineno, obj in iter_jsonl(path):
        yield path, f"line {lineno}", from_record(path, f"line {lineno}", obj)


def _read_parquet(path: Path) -> Iterator[tuple[Path, str, Document]]:
    """The rows of a parquet file (columns ``id``, ``text``, metadata, ``links``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    require_file(path)
    try:
        table = pq.ParquetFile(path)
        row = 0
        for batch in table.iter_batches(batch_size=1024):
            for obj in batch.to_pylist():
                row += 1
                yield path, f"row {row}", from_record(path, f"row {row}", obj)
    except pa.ArrowException as e:
        raise InputError(path, f"not a readable parquet file: {e}") from None


def _read_csv(path: Path) -> Iterator[tuple[Path, str, Document]]:
    """The rows of a CSV file with a header line (a UTF-8 byte order mark is allowed)."""
    rows = csv.reader(io.StringIO(read_text(path).removeprefix("\ufeff"), newline=""),
                      strict=True)
    try:
        header = next(rows, None)
        if header is None:
            raise InputError(path, "no header line (id,text,...)", record="line 1")
        repeated = next((name for i, name in enumerate(header) if name in header[:i]), None)
        if repeated is not None:
            raise InputError(path, "column named twice in the header", record="line 1",
                             field=repeated)
        for row in rows:
            where = f"line {rows.line_num}"
            if not row:
                continue
            if len(row) != len(header):
                raise InputError(path, f"{len(row)} fields, but the header has {len(header)} "
                                 "columns", record=where)
            yield path, where, from_record(path, where, dict(zip(header, row, strict=True)))
    except csv.Error as e:
        raise InputError(path, f"malformed CSV quoting: {e}", record=f"line {rows.line_num}"
                         ) from None


def _read_txt(file: Path, title_line: bool) -> Document:
    raw = read_text(file)
    if not raw.strip():
        raise InputError(file, "empty file")
    title, body = raw.split("\n", 1) if title_line and "\n" in raw else (None, raw)
    if title_line and title is None:
        raise InputError(file, "only a title line, no article text", record="line 2")
    if not body.strip():
        raise InputError(file, "no article text after the title line", record="line 2")
    return Document(file.stem, body, title=(title or "").strip() or None)


def from_record(path: Path | str, where: str, obj: dict) -> Document:
    """A document from a JSON or CSV record (``id``, ``text``, metadata, ``links``), checked."""
    for field in ("id", "text"):
        value = obj.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InputError(path, "missing or empty", record=where, field=field)
    if not isinstance(obj["text"], str):
        raise InputError(path, "must be a string", record=where, field="text")
    if type(obj["id"]) not in (str, int):
        raise InputError(path, f"must be a string or an integer, not {obj['id']!r}",
                         record=where, field="id")
    meta = {}
    for k in METADATA:
        value = obj.get(k)
        if value in (None, ""):
            continue
        if type(value) not in (str, int, float):
            raise InputError(path, f"must be a string or a number, not {value!r}", record=where,
                             field=k)
        meta[k] = str(value)
    return Document(str(obj["id"]), obj["text"], links=read_links(path, where, obj), **meta)


def read_links(path: Path | str, where: str, obj: dict) -> tuple[dict, ...]:
    """The entity links (``start``, ``end``, ``wikipedia``) of a record into its text, checked."""
    links = obj.get("links") or []
    text = obj["text"]
    if not isinstance(links, list):
        raise InputError(path, "must be a list", record=where, field="links")
    for i, link in enumerate(links):
        start, end = (link.get("start"), link.get("end")) if isinstance(link, dict) else (0, 0)
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
                and isinstance(link.get("wikipedia"), str)):
            raise InputError(path, f"link {i} needs start < end inside the text and a "
                             "'wikipedia' title", record=where, field="links")
    return tuple(links)
