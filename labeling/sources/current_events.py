"""Wikipedia "Current events" daily summaries (CC BY-SA 4.0), with their entity links.

A post holds a day's items under ``#### Section`` headings, as nested bullets: topic bullets
made only of links, and news items that end in citations such as ``[(Reuters)](…)``. One
document is one day's items of one section; each item is a paragraph. The items' Wikipedia
links are kept with their offsets and the linked article's title as the Wikipedia id.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from urllib.parse import quote, unquote

from stancekit.files import InputError
from stancekit.labeling.sources.documents import document
from stancekit.labeling.sources.git import Repository

SOURCE = "Wikipedia Current events"
LICENSE = "CC BY-SA 4.0"
ATTRIBUTION = ("Wikipedia contributors, Portal:Current events, CC BY-SA 4.0 "
               "(https://creativecommons.org/licenses/by-sa/4.0/); link markup and citations "
               "removed, links kept as entity pre-annotations.")
POSTS = "docs/_posts"
PORTAL = "https://en.wikipedia.org/wiki/Portal:Current_events/"
_LINK = re.compile(r'\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)'
                   r'(?:\s+"((?:[^"\\]|\\.)*)")?\)')
_BULLET = re.compile(r"^(\s*)\* (.*)$")
# Items in "+" or "-" bullets are counted and left out: reading them would change the
# documents, and so the seeded selection, of the bundled corpus.
_OTHER_BULLET = re.compile(r"^\s*[+-] .*\[\(")
_FRONT = re.compile(r"^---\n(.*?)\n---\n", re.S)
# Interlanguage links ("[[es](…)]") and maintenance tags ("[*[citation needed](…)*]").
_BRACKETED = re.compile(r'\s*\[\*?\[[^\[\]]*\]\([^()\s]*(?:\s+"[^"]*")?\)\*?\]')


def strip_links(markdown: str) -> tuple[str, list[dict]]:
    """Plain text of an item and its Wikipedia links; citations in parentheses are dropped."""
    out: list[str] = []
    links: list[dict] = []
    pos = 0
    markdown = _BRACKETED.sub("", markdown)
    for m in _LINK.finditer(markdown):
        out.append(markdown[pos:m.start()].replace("*", ""))
        label = m.group(1).replace("*", "")
        pos = m.end()
        if label.startswith("(") and label.endswith(")"):
            continue
        start = sum(map(len, out))
        out.append(label)
        if "wikipedia.org/wiki/" in m.group(2) and label.strip():
            title = (m.group(3).replace('\\"', '"') if m.group(3) else
                     unquote(m.group(2).rsplit("/wiki/", 1)[1]).replace("_", " "))
            title = title.removesuffix(" (page does not exist)")
            links.append({"start": start, "end": start + len(label), "wikipedia": title})
    out.append(markdown[pos:].replace("*", ""))
    raw = "".join(out)
    # Fold spaces and keep the link offsets pointing at the same characters.
    text, shift, mapping = [], 0, []
    for i, ch in enumerate(raw):
        mapping.append(i - shift)
        if ch.isspace() and (not text or text[-1] == " "):
            shift += 1
            continue
        text.append(" " if ch.isspace() else ch)
    mapping.append(len(raw) - shift)
    plain = "".join(text)
    stripped = plain.rstrip()
    links = [{**link, "start": mapping[link["start"]], "end": mapping[link["end"]]}
             for link in links if mapping[link["end"]] <= len(stripped)]
    return stripped, links


def _front_matter(text: str, where: str) -> dict[str, str]:
    m = _FRONT.match(text)
    if not m:
        raise InputError(where, "no front matter between '---' lines", record="line 1")
    return dict(line.split(":", 1) for line in m.group(1).splitlines() if ":" in line)


def parse_post(text: str, where: str) -> Iterator[tuple[str, list[tuple[str, list[dict]]]]]:
    """(section, items) of one post, each item as (plain text, links)."""
    section, items = None, []
    for lineno, line in enumerate(text.splitlines(), 1):
        if line.startswith("#### "):
            if section and items:
                yield section, items
            section, items = line[5:].strip(), []
            continue
        m = _BULLET.match(line)
        if not m or section is None:
            continue
        content = m.group(2)
        if "[(" not in content:
            continue
        plain, links = strip_links(content)
        if not plain or "](" in plain:
            raise InputError(where, "malformed link markup in a news item",
                             record=f"line {lineno}")
        items.append((plain, links))
    if section and items:
        yield section, items


def read(repo: Repository, commit: str) -> Iterator[dict]:
    """Documents, one per day and section, of every post at *commit*."""
    paths = [p for p in repo.files(commit, POSTS) if p.endswith(".md")]
    if not paths:
        raise InputError(repo.path, f"no posts under {POSTS}/")
    for path in paths:
        where = f"{repo.name}@{commit[:12]}:{path}"
        text = repo.read(commit, path)
        front = _front_matter(text, where)
        date = front.get("date", "").strip()
        title = front.get("title", "").strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            raise InputError(where, f"not a YYYY-MM-DD date: {date!r}", record="front matter",
                             field="date")
        day = datetime.date.fromisoformat(date)
        url = PORTAL + f"{day.year}_{day:%B}_{day.day}"
        for line in text.splitlines():
            if _OTHER_BULLET.match(line):
                yield {"id": path, "excluded": "news item in a '+' or '-' bullet (not read)"}
        for section, items in parse_post(text, where):
            body, links = [], []
            offset = 0
            for plain, item_links in items:
                links += [{**k, "start": k["start"] + offset, "end": k["end"] + offset}
                          for k in item_links]
                body.append(plain)
                offset += len(plain) + 1
            slug = re.sub(r"[^a-z]+", "-", section.lower()).strip("-")
            yield document(f"current-events-{date}-{slug}", title=f"{title}: {section}",
                           date=date, url=f"{url}#{quote(section.replace(' ', '_'))}",
                           source=SOURCE, license=LICENSE, repo=repo, commit=commit, path=path,
                           text="\n".join(body), section=section, links=links)
