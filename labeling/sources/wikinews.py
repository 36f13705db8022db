"""Wikinews articles (CC BY 2.5) from the yearly CSV files of a scraped archive."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from stancekit.files import InputError
from stancekit.labeling.sources.documents import clean_paragraphs, document, short_id
from stancekit.labeling.sources.git import Repository

SOURCE = "Wikinews"
LICENSE = "CC BY 2.5"
ATTRIBUTION = ("Wikinews contributors, https://en.wikinews.org, CC BY 2.5 "
               "(https://creativecommons.org/licenses/by/2.5/); split into sentences, the "
               "dateline removed.")
COLUMNS = ("url", "date", "title", "text")
_DATELINE = re.compile(
    r"^\s*(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s+[A-Z][a-z]+\s+\d{1,2},"
    r"\s+\d{4}\s*")


def split_dateline(text: str) -> str:
    """The article body without the leading "Friday, January 4, 2019" dateline."""
    return _DATELINE.sub("", text, count=1)


def read(repo: Repository, commit: str) -> Iterator[dict]:
    """Documents of every ``data/wikinews_*.csv`` file at *commit*."""
    paths = [p for p in repo.files(commit, "data") if re.fullmatch(r"data/wikinews_\d+\.csv", p)]
    if not paths:
        raise InputError(repo.path, "no data/wikinews_YYYY.csv files")
    for path in paths:
        where = f"{repo.name}@{commit[:12]}:{path}"
        reader = csv.DictReader(io.StringIO(repo.read(commit, path), newline=""))
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(where, f"missing column {missing[0]!r}", record="line 1")
        for row in reader:
            line = f"line {reader.line_num}"
            if None in row or any(row[c] is None for c in COLUMNS):
                raise InputError(where, "wrong number of fields", record=line)
            for c in COLUMNS:
                if not row[c].strip():
                    raise InputError(where, "empty", record=line, field=c)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"]):
                raise InputError(where, f"not a YYYY-MM-DD date: {row['date']!r}", record=line,
                                 field="date")
            url = row["url"].replace("wikinews.org//wiki/", "wikinews.org/wiki/")
            text = clean_paragraphs(split_dateline(row["text"]).splitlines())
            record = document(short_id("wikinews", url), title=row["title"].strip(),
                           date=row["date"], url=url, source=SOURCE, license=LICENSE, repo=repo,
                           commit=commit, path=path, text=text)
            if not text:
                record["excluded"] = "no article text after the dateline"
            yield record
