"""US State Department press releases (public domain) from the history of an RSS feed.

Every commit of ``data.rss`` is a snapshot of the feed; a release is read from the first
snapshot that holds it. Joint statements with foreign governments and reporters' ``QUESTION:``
turns are left out: they are not works of the US government.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

from stancekit.labeling.sources.documents import clean_paragraphs, document, short_id
from stancekit.labeling.sources.git import Repository

SOURCE = "U.S. Department of State"
LICENSE = "Public domain (17 U.S.C. 105)"
ATTRIBUTION = ("U.S. Department of State press releases, https://www.state.gov; works of the "
               "US government, not subject to copyright (17 U.S.C. 105); joint statements and "
               "reporters' questions left out.")
FEED = "data.rss"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_JOINT_TITLE = re.compile(r"\bjoint\b|ministers?['’] statement|leaders?['’] statement|"
                          r"communiqu|declaration\b", re.I)
_JOINT_BODY = re.compile(r"released by the (governments|foreign ministers|members) of|"
                         r"joint statement", re.I)
_SPEAKER = re.compile(r"^([A-Z][A-Z.'’ -]{0,40}):\s")
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "div", "br", "tr"}


class _Paragraphs(HTMLParser):
    """Text of block elements, without scripts, styles and figure captions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "figcaption", "noscript"):
            self._skip += 1
        elif tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "figcaption", "noscript"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.paragraphs.append(text)
        self._current = []

    def close(self) -> None:
        super().close()
        self._flush()


def html_paragraphs(html: str) -> list[str]:
    """The text paragraphs of an HTML fragment."""
    parser = _Paragraphs()
    parser.feed(html)
    parser.close()
    return parser.paragraphs


def without_questions(paragraphs: list[str]) -> list[str]:
    """Paragraphs with every ``QUESTION:`` turn (up to the next speaker) left out."""
    kept, asking = [], False
    for p in paragraphs:
        m = _SPEAKER.match(p)
        if m:
            asking = m.group(1).strip() in ("QUESTION", "Q")
        if not asking:
            kept.append(p)
    return kept


def release(item: ET.Element, repo: Repository, commit: str) -> dict | None:
    """One release as a document record, or None when the item has no text."""
    title = " ".join((item.findtext("title") or "").split())
    url = (item.findtext("link") or "").strip()
    html = item.findtext(CONTENT) or item.findtext("description") or ""
    if not title or not url:
        return None
    try:
        date = parsedate_to_datetime(item.findtext("pubDate") or "").date().isoformat()
    except (TypeError, ValueError):
        date = ""
    paragraphs = html_paragraphs(html)
    joint = bool(_JOINT_TITLE.search(title)) or any(_JOINT_BODY.search(p)
                                                   for p in paragraphs[:3])
    record = document(short_id("state", url), title=title, date=date, url=url, source=SOURCE,
                      license=LICENSE, repo=repo, commit=commit, path=FEED,
                      text=clean_paragraphs(without_questions(paragraphs)))
    if joint:
        record["excluded"] = "joint statement with foreign governments"
    elif not record["text"]:
        record["excluded"] = "no text"
    return record


def read(repo: Repository, commit: str) -> Iterator[dict]:
    """Releases of every snapshot of the feed up to *commit*, in order of first appearance."""
    seen: set[str] = set()
    for snapshot, content in repo.history(FEED, commit):
        try:
            root = ET.fromstring(content)
        except ET.ParseError:
            yield {"excluded": "feed snapshot that is not well-formed XML", "id": snapshot}
            continue
        for item in root.iter("item"):
            key = (item.findtext("guid") or item.findtext("link") or "").strip()
            if key in seen:
                continue
            seen.add(key)
            record = release(item, repo, snapshot)
            if record is None:
                yield {"excluded": "item without title or link", "id": key}
            else:
                yield record
