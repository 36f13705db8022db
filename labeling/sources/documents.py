"""Imported documents with provenance, deduplication and the importer registry."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from stancekit.files import write_jsonl
from stancekit.labeling.sources.git import Repository

Reader = Callable[[Repository, str], Iterator[dict]]
"""Takes a repository and a commit; yields document records in a stable order."""

FIELDS = ("id", "title", "date", "url", "source", "license", "origin", "text")
"""The fields of every imported document record, in this order (see :func:`document`)."""
_SPACE = re.compile(r"[ \t\u00a0]+")


def document(doc_id: str, *, title: str, date: str, url: str, source: str, license: str,
             repo: Repository, commit: str, path: str, text: str, **extra) -> dict:
    """One document record with its provenance (repository, commit and path)."""
    return {"id": doc_id, "title": title, "date": date, "url": url, "source": source,
            "license": license,
            "origin": {"repository": repo.name, "commit": commit, "path": path},
            "text": text, **extra}


def clean_paragraphs(paragraphs: Iterable[str]) -> str:
    """Paragraphs with runs of spaces folded, one a line, blank ones dropped."""
    return "\n".join(p for p in (_SPACE.sub(" ", p).strip() for p in paragraphs) if p)


def short_id(prefix: str, key: str) -> str:
    """A stable document id: *prefix* and a hash of *key* (a URL)."""
    return f"{prefix}-{hashlib.sha1(key.encode()).hexdigest()[:12]}"


@dataclass
class ImportReport:
    """What an import read, kept and left out, with the reasons."""

    kept: int = 0
    duplicates: list[str] = field(default_factory=list)
    excluded: dict[str, int] = field(default_factory=dict)

    def exclude(self, reason: str) -> None:
        """Count one document left out for *reason*."""
        self.excluded[reason] = self.excluded.get(reason, 0) + 1

    def lines(self) -> list[str]:
        """The report as lines for the terminal."""
        out = [f"kept {self.kept} documents",
               f"duplicates (same url or same text, kept once): {len(self.duplicates)}"]
        out += [f"  {d}" for d in self.duplicates[:10]]
        if len(self.duplicates) > 10:
            out.append(f"  ... and {len(self.duplicates) - 10} more")
        out += [f"left out, {reason}: {n}" for reason, n in sorted(self.excluded.items())]
        return out


def deduplicated(records: Iterable[dict], report: ImportReport) -> Iterator[dict]:
    """*records* with later copies of a url or a text left out and counted."""
    urls: set[str] = set()
    texts: set[str] = set()
    for record in records:
        if record.get("excluded"):
            report.exclude(record["excluded"])
            continue
        digest = hashlib.sha1(record["text"].encode()).hexdigest()
        if record["url"] in urls or digest in texts:
            report.duplicates.append(f"{record['id']} ({record['url']})")
            continue
        urls.add(record["url"])
        texts.add(digest)
        report.kept += 1
        yield record


def import_documents(reader: Reader, repo: Repository, rev: str, output: Path | str
                     ) -> ImportReport:
    """Read a source with *reader* at *rev* and write its documents as JSONL."""
    report = ImportReport()
    commit = repo.head(rev)
    write_jsonl(output, deduplicated(reader(repo, commit), report))
    return report
