"""Reading files and their history from a git repository (work tree or bare)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stancekit.files import InputError


@dataclass(frozen=True)
class Repository:
    """A local git repository and the public name its documents cite as their origin."""

    path: Path
    name: str

    def git(self, *args: str, data: bytes | None = None) -> bytes:
        """Run ``git`` in the repository; a failure is an input error naming the repository."""
        try:
            done = subprocess.run(["git", "-C", str(self.path), *args], input=data,
                                  capture_output=True, check=False)
        except FileNotFoundError:
            raise InputError(self.path, "the git command is not installed") from None
        if done.returncode:
            message = done.stderr.decode(errors="replace").strip().splitlines()
            raise InputError(self.path, f"git {args[0]}: {message[-1] if message else 'failed'}")
        return done.stdout

    def head(self, rev: str = "HEAD") -> str:
        """The full commit id of *rev*."""
        return self.git("rev-parse", "--verify", f"{rev}^{{commit}}").decode().strip()

    def files(self, commit: str, prefix: str = "") -> list[str]:
        """Paths of the files under *prefix* at *commit*, sorted."""
        out = self.git("ls-tree", "-r", "--name-only", commit, "--", prefix or ".")
        return sorted(out.decode().splitlines())

    def read(self, commit: str, path: str) -> str:
        """The text of *path* at *commit*."""
        raw = self.git("show", f"{commit}:{path}")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InputError(f"{self.name}@{commit[:12]}:{path}", f"not UTF-8 (byte {e.start})"
                             ) from None

    def history(self, path: str, rev: str = "HEAD") -> Iterator[tuple[str, bytes]]:
        """(commit, content) of every version of *path*, oldest first."""
        commits = self.git("log", "--format=%H", "--reverse", rev, "--", path).decode().split()
        if not commits:
            raise InputError(self.path, f"{path!r} has no history at {rev}")
        request = "".join(f"{c}:{path}\n" for c in commits).encode()
        out = self.git("cat-file", "--batch", data=request)
        pos = 0
        for commit in commits:
            header_end = out.index(b"\n", pos)
            header = out[pos:header_end].split()
            if header[-1] == b"missing":
                pos = header_end + 1
                continue
            size = int(header[2])
            yield commit, out[header_end + 1:header_end + 1 + size]
            pos = header_end + 1 + size + 1


def open_repository(path: Path | str, name: str | None = None) -> Repository:
    """The repository at *path*, named *name* or after its ``origin`` remote."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such git repository")
    repo = Repository(path, name or "")
    if not (path / ".git").exists() and not (path / "HEAD").is_file():
        raise InputError(path, "not a git repository (the importers read a source's repository)")
    if name:
        return repo
    try:
        url = repo.git("config", "--get", "remote.origin.url").decode().strip()
    except InputError:
        url = ""
    if not url:
        raise InputError(path, "the repository has no origin remote: pass --repository OWNER/NAME")
    owner_name = url.rstrip("/").removesuffix(".git").replace(":", "/").split("/")[-2:]
    return Repository(path, "/".join(owner_name))
