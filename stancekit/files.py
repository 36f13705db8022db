"""Plain-file input and output: atomic writes and JSON/JSONL reading with located errors."""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

UMASK = os.umask(0)
os.umask(UMASK)


class InputError(ValueError):
    """Bad input, located by file, record and field."""

    def __init__(self, path: Path | str, message: str, record: str | None = None,
                 field: str | None = None) -> None:
        where = str(path)
        if record is not None:
            where += f", {record}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")
        self.path, self.message, self.record, self.field = str(path), message, record, field

    def __reduce__(self) -> tuple:
        return type(self), (self.path, self.message, self.record, self.field)


@contextlib.contextmanager
def atomic_open(path: Path | str, mode: str = "w") -> Iterator[Any]:
    """Open a temporary file beside *path* that replaces it only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~UMASK)
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding, newline=None if "b" in mode else "\n") as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_together(outputs: Mapping[Path, str]) -> None:
    """Write several text files so that none is replaced unless all were written."""
    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(atomic_open(path)) for path in outputs]
        for f, text in zip(files, outputs.values(), strict=True):
            f.write(text)
        for f in files:
            f.flush()
            os.fsync(f.fileno())


def write_text(path: Path | str, text: str) -> None:
    """Write *text* to *path* atomically."""
    with atomic_open(path) as f:
        f.write(text)


def dumps(obj: Any, indent: int | None = 2) -> str:
    """Serialise *obj* as stable JSON (human-readable unless *indent* is None)."""
    return json.dumps(obj, ensure_ascii=False, indent=indent) + "\n"


def write_json(path: Path | str, obj: Any, indent: int | None = 2) -> None:
    """Write *obj* as JSON to *path* atomically."""
    write_text(path, dumps(obj, indent))


def write_jsonl(path: Path | str, records: Iterable[dict]) -> int:
    """Write one JSON object per line to *path* atomically; return the count."""
    return write_lines(path, (json.dumps(record, ensure_ascii=False) for record in records))


def write_lines(path: Path | str, lines: Iterable[str]) -> int:
    """Write each of *lines* (without its newline) to *path* atomically; return the count."""
    n = 0
    with atomic_open(path) as f:
        for line in lines:
            f.write(line + "\n")
            n += 1
    return n


def require_file(path: Path | str) -> Path:
    """*path* as a Path, if it is a file; else an error that says what is there instead."""
    path = Path(path)
    if path.is_dir():
        raise InputError(path, "is a folder, not a file")
    if not path.is_file():
        raise InputError(path, "no such file")
    return path


def read_bytes(path: Path | str) -> bytes:
    """Read a file, with an error that names it when it is missing, a folder or unreadable."""
    path = require_file(path)
    try:
        return path.read_bytes()
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror}") from None


def read_text(path: Path | str) -> str:
    """Read a UTF-8 file, with an error that names it when it is not UTF-8."""
    return _utf8(path, read_bytes(path))


def _utf8(path: Path | str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(path, f"not UTF-8 (byte {e.start})") from None


def read_json(path: Path | str) -> Any:
    """Read one JSON document, with an error that names file, line and column."""
    raw = read_bytes(path)
    # orjson is stricter than json (no NaN, no lone surrogates, 64-bit integers): anything it
    # refuses goes through json, which accepts it or raises the located error.
    with contextlib.suppress(orjson.JSONDecodeError):
        return orjson.loads(raw)
    try:
        return json.loads(_utf8(path, raw))
    except json.JSONDecodeError as e:
        where = f"line {e.lineno} column {e.colno}"
        raise InputError(path, f"invalid JSON: {e.msg}", record=where) from None


def iter_jsonl(path: Path | str) -> Iterator[tuple[int, dict]]:
    """Yield (line number, object) for each non-blank line of a JSONL file (a UTF-8 byte order
    mark is allowed)."""
    path = require_file(path)
    try:
        f = open(path, "rb")  # noqa: SIM115 (closed below; opening is what may fail)
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror}") from None
    with f:
        for lineno, raw in enumerate(f, 1):
            if lineno == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            try:
                obj = orjson.loads(raw)
            except orjson.JSONDecodeError:
                obj = _json_line(path, lineno, raw)
                if obj is _BLANK:
                    continue
            if not isinstance(obj, dict):
                raise InputError(path, "expected a JSON object", record=f"line {lineno}")
            yield lineno, obj


_BLANK = object()


def _json_line(path: Path, lineno: int, raw: bytes) -> Any:
    """One JSONL line read by json: what orjson refuses is either accepted or located here."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(path, f"not UTF-8 (byte {e.start})", record=f"line {lineno}") from None
    if not line.strip():
        return _BLANK
    try:
        return json.loads(line)
    except json.JSONDecodeError as e:
        raise InputError(path, f"invalid JSON: {e.msg}", record=f"line {lineno}") from None
