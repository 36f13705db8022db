"""Plain-file input and output: atomic writes and JSON/JSONL reading with located errors."""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import os
import shutil
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


class StageError(RuntimeError):
    """A stage cannot go on: a service is unreachable or refuses, or a resource is missing."""


MARKER = ".stancekit-output"


class Outputs:
    """The files and folders one command writes: checked first, then replaced all together.

    Each target is written under a temporary name beside it; leaving the ``with`` block
    without an error replaces every target at once, and an error (or a signal turned into
    one) removes the temporary files and leaves every target as it was. A target that is an
    input, a read-only file, or a folder that stancekit did not write is refused up front.
    """

    def __init__(self, inputs: Iterable[Path | str] = ()) -> None:
        self.inputs = {_identity(Path(p)) for p in inputs if Path(p).exists()}
        self.staged: list[tuple[Path, Path]] = []
        self.created: list[Path] = []

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, kind: type | None, *_: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def file(self, path: Path | str) -> Path:
        """A temporary path to write *path* to; it replaces *path* on commit."""
        path = Path(path)
        if path.is_dir():
            raise InputError(path, "is a folder; give a file path")
        self._check(path)
        with _writable(path):
            fd, name = tempfile.mkstemp(dir=self._parent(path), prefix=f".{path.name}.",
                                        suffix=".tmp")
        os.close(fd)
        tmp = Path(name)
        self.staged.append((path, tmp))
        tmp.chmod(0o666 & ~UMASK)
        return tmp

    def folder(self, path: Path | str) -> Path:
        """A temporary folder to fill in place of *path*, which must be new, empty or ours."""
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise InputError(path, "exists and is not a folder")
        if path.is_dir():
            if _identity(path) in {_identity(p) for p in (Path.cwd(), *Path.cwd().parents)}:
                raise InputError(path, "is the current folder or holds it; give a new folder")
            foreign = _foreign(path)
            if foreign:
                raise InputError(path, "exists and holds files stancekit did not write there ("
                                 + ", ".join(foreign[:3]) + "); refusing to replace it")
        self._check(path)
        with _writable(path):
            tmp = Path(tempfile.mkdtemp(dir=self._parent(path), prefix=f".{path.name}.",
                                        suffix=".tmp"))
        self.staged.append((path, tmp))
        tmp.chmod(0o777 & ~UMASK)
        return tmp

    def _check(self, path: Path) -> None:
        if path.exists() and _identity(path) in self.inputs:
            raise InputError(path, "is also an input of this command; refusing to overwrite it")
        if any(path == target for target, _ in self.staged):
            raise InputError(path, "is given as two outputs")
        if path.is_file() and not (os.access(path, os.W_OK) and path.stat().st_mode & 0o222):
            raise InputError(path, "is read-only; refusing to replace it")

    def _parent(self, path: Path) -> Path:
        """The target's folder, created (and recorded for removal) where missing."""
        missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
        for folder in reversed(missing):
            if folder.parent.exists() and not folder.parent.is_dir():
                raise InputError(path, f"{folder.parent} is a file, not a folder")
            with _writable(path):
                folder.mkdir()
            self.created.append(folder)
        if not path.parent.is_dir():
            raise InputError(path, f"{path.parent} is a file, not a folder")
        return path.parent

    def commit(self) -> None:
        """Replace every target by its temporary copy; on any failure, restore them all."""
        for _, tmp in self.staged:
            if tmp.is_dir():
                names = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
                (tmp / MARKER).write_text("".join(f"{n}\n" for n in names), encoding="utf-8")
            else:
                with open(tmp, "rb+") as f:
                    os.fsync(f.fileno())
        moved: list[tuple[Path, Path | None]] = []
        try:
            for target, tmp in self.staged:
                old = tmp.with_name(tmp.name + ".old") if target.exists() else None
                if old is not None and target.is_dir():
                    os.replace(target, old)
                elif old is not None:
                    os.link(target, old)
                moved.append((target, old))
                os.replace(tmp, target)
        except BaseException:
            for target, old in reversed(moved):
                with contextlib.suppress(OSError):
                    if old is None:
                        _remove(target)
                    elif old.is_dir():
                        _remove(target)
                        os.replace(old, target)
                    else:
                        os.replace(old, target)
                        old.unlink(missing_ok=True)  # a no-op rename leaves the link behind
            self.discard()
            raise
        for _, old in moved:
            if old is not None:
                _remove(old)
        self.staged.clear()

    def discard(self) -> None:
        """Remove the temporary copies and the folders made for them."""
        for _, tmp in self.staged:
            with contextlib.suppress(OSError):
                _remove(tmp)
        self.staged.clear()
        for folder in reversed(self.created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self.created.clear()


@contextlib.contextmanager
def _writable(path: Path) -> Iterator[None]:
    """Report a folder that cannot be written to as an error about the output *path*."""
    try:
        yield
    except OSError as e:
        raise InputError(path, f"cannot write here: {e.strerror}") from None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _identity(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_dev, stat.st_ino


def _foreign(folder: Path) -> list[str]:
    """What *folder* holds beyond the files listed in its stancekit marker."""
    marker = folder / MARKER
    ours = set(marker.read_text(encoding="utf-8").splitlines()) if marker.is_file() else set()
    ours.add(MARKER)
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if (p.is_file() or p.is_symlink()) and str(p.relative_to(folder)) not in ours)


@contextlib.contextmanager
def atomic_open(path: Path | str, mode: str = "w",
                outputs: Outputs | None = None) -> Iterator[Any]:
    """Open a temporary file beside *path* that replaces it only if the block succeeds (or,
    given *outputs*, when they commit)."""
    with contextlib.nullcontext(outputs) if outputs else Outputs() as staged:
        tmp = staged.file(path)
        encoding = None if "b" in mode else "utf-8"
        with open(tmp, mode, encoding=encoding, newline=None if "b" in mode else "\n") as f:
            yield f


def write_together(outputs: Mapping[Path, str], inputs: Iterable[Path | str] = ()) -> None:
    """Write several text files so that none is replaced unless all were written."""
    with Outputs(inputs) as staged:
        for path, text in outputs.items():
            write_text(path, text, staged)


def save_figure(fig: Any, path: Path | str, outputs: Outputs | None = None,
                dpi: float | None = None) -> None:
    """Write a matplotlib figure in the format of *path*'s suffix (PNG by default), without the
    software stamp, so the same figure gives the same bytes."""
    path = Path(path)
    kind = path.suffix.lstrip(".") or "png"
    with atomic_open(path, "wb", outputs) as f:
        fig.savefig(f, format=kind, dpi=dpi if dpi is not None else "figure",
                    metadata={"Software": None} if kind == "png" else None)


def write_text(path: Path | str, text: str, outputs: Outputs | None = None) -> None:
    """Write *text* to *path* atomically."""
    with atomic_open(path, outputs=outputs) as f:
        f.write(text)


def dumps(obj: Any, indent: int | None = 2) -> str:
    """Serialise *obj* as stable JSON (human-readable unless *indent* is None)."""
    return json.dumps(obj, ensure_ascii=False, indent=indent) + "\n"


def write_json(path: Path | str, obj: Any, indent: int | None = 2,
               outputs: Outputs | None = None) -> None:
    """Write *obj* as JSON to *path* atomically."""
    write_text(path, dumps(obj, indent), outputs)


def write_jsonl(path: Path | str, records: Iterable[dict], outputs: Outputs | None = None) -> int:
    """Write one JSON object per line to *path* atomically; return the count."""
    return write_lines(path, (json.dumps(record, ensure_ascii=False) for record in records),
                       outputs)


def write_lines(path: Path | str, lines: Iterable[str], outputs: Outputs | None = None) -> int:
    """Write each of *lines* (without its newline) to *path* atomically; return the count."""
    n = 0
    with atomic_open(path, outputs=outputs) as f:
        for line in lines:
            f.write(line + "\n")
            n += 1
    return n


def tree_sha256(path: Path) -> str:
    """SHA-256 over a file, or over the files under a folder: each one's relative path (a
    file's name) and the digest of its content."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        name = file.relative_to(path).as_posix() if path.is_dir() else file.name
        digest.update(name.encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


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
