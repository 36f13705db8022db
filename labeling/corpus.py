"""Reading a corpus of articles: a folder of .txt files, a JSONL file or a CSV file."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stancekit.files import InputError, iter_jsonl, read_text

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
    """Yield the documents of a folder (.txt or .jsonl files), a JSONL or CSV file, in order."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such file or folder")
    if path.is_dir():
        files = sorted(path.glob("*.txt"))
        shards = sorted(path.glob("*.jsonl"))
        if not files and not shards:
            raise InputError(path, "no .txt or .jsonl files in this folder")
        if files and shards:
            raise InputError(path, "holds both .txt and .jsonl files; keep one kind")
        for file in files:
            yield _read_txt(file, title_line)
        for shard in shards:
            yield from read_corpus(shard)
    elif path.suffix == ".jsonl":
        for lineno, obj in iter_jsonl(path):
            yield from_record(path, f"line {lineno}", obj)
    elif path.suffix == ".csv":
        read_text(path)
        with open(path, encoding="utf-8", newline="") as f:
            for rowno, row in enumerate(csv.DictReader(f), 2):
                yield from_record(path, f"line {rowno}", row)
    else:
        raise InputError(path, "expected a folder of .txt files, a .jsonl or a .csv file")


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
    meta = {k: str(obj[k]) for k in METADATA if obj.get(k) not in (None, "")}
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
