"""Tests of the real-news importers, the corpus import CLI, the selection and the passes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from stancekit.files import InputError
from stancekit.labeling.realnews.corpus import selected_sentences, write_selection
from stancekit.labeling.realnews.passes import read_pass
from stancekit.labeling.realnews.selection import Plan, select
from stancekit.labeling.sources import current_events, state_department, wikinews
from stancekit.labeling.sources.documents import (
    FIELDS,
    ImportReport,
    deduplicated,
    import_documents,
)
from stancekit.labeling.sources.git import Repository, open_repository

CLI = [sys.executable, "-c", "from stancekit.cli import run; run()"]
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}


# --- real git repositories in tmp dirs ---------------------------------------------------------

def git(repo: Path, *args: str) -> str:
    """Run git in *repo* with a fixed identity and no user or system configuration."""
    done = subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t",
                           "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, **GIT_ENV})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def commit(repo: Path, files: dict[str, str | bytes | None], message: str = "update") -> str:
    """Write (or, for None, delete) *files* in *repo*, commit them and return the commit id."""
    if not (repo / ".git").exists():
        repo.mkdir(parents=True, exist_ok=True)
        git(repo, "init", "-q")
    for name, content in files.items():
        path = repo / name
        if content is None:
            git(repo, "rm", "-q", name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="\n")
        git(repo, "add", name)
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def read_jsonl(path: Path) -> list[dict]:
    """The objects of a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run_cli(*args: str | Path) -> subprocess.CompletedProcess:
    """Run the ``stancekit`` command line as a subprocess."""
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, check=False,
                          timeout=120, env={**os.environ, **GIT_ENV})


# --- Wikinews ----------------------------------------------------------------------------------

WIKINEWS_2019 = (
    'url,date,title,text\n'
    'https://en.wikinews.org//wiki/Minister_denies_report,2019-01-04,Minister denies report,'
    '"Friday, January 4, 2019The foreign minister denied the report on Thursday.\n\n\n'
    'The  government said it would respond to the opposition. \n"\n'
    '"https://en.wikinews.org/wiki/Parliament_passes_budget,_opposition_protests",2019-01-05,'
    '"Parliament passes budget, opposition protests","Saturday, January 5, 2019 \n\n\n'
    'Parliament passed the budget on Friday.\n\n""We will fight it,"" the opposition said."\n'
    'https://en.wikinews.org/wiki/Minister_denies_report,2019-01-06,Minister denies report,'
    '"Sunday, January 6, 2019 A later copy of the same article."\n'
    'https://en.wikinews.org//wiki/TEST_PAGE:Self-publish,2019-01-07,Test page,'
    '"Monday, January 7, 2019\u00a0\n\n\n"\n'
)
WIKINEWS_2020 = (
    'url,date,title,text\n'
    'https://en.wikinews.org//wiki/US_kills_Soleimani,2020-01-05,US kills Soleimani,'
    '"Thursday, United States military forces killed Qasem Soleimani in an airstrike."\n'
)


@pytest.fixture(scope="module")
def wikinews_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A Wikinews archive repository with two yearly CSV files and a file that is not one."""
    repo = tmp_path_factory.mktemp("wikinews") / "repo"
    head = commit(repo, {"data/wikinews_2019.csv": WIKINEWS_2019,
                         "data/wikinews_2020.csv": WIKINEWS_2020,
                         "data/notes.csv": "not,a,wikinews,file\n",
                         "README.md": "# wikinews\n"})
    return repo, head


def test_wikinews_documents_have_provenance_licence_and_no_dateline(
        wikinews_repo: tuple[Path, str], tmp_path: Path) -> None:
    repo_path, head = wikinews_repo
    repo = open_repository(repo_path, "vanatteveldt/wikinews")
    report = import_documents(wikinews.read, repo, "HEAD", tmp_path / "out.jsonl")
    docs = read_jsonl(tmp_path / "out.jsonl")

    assert [d["title"] for d in docs] == ["Minister denies report",
                                         "Parliament passes budget, opposition protests",
                                         "US kills Soleimani"]
    first, second, third = docs
    assert list(first) == list(FIELDS)
    assert first["text"] == ("The foreign minister denied the report on Thursday.\n"
                             "The government said it would respond to the opposition.")
    assert second["text"] == ('Parliament passed the budget on Friday.\n'
                              '"We will fight it," the opposition said.')
    # A body that starts with a weekday but no date keeps it.
    assert third["text"].startswith("Thursday, United States military forces")
    assert first["url"] == "https://en.wikinews.org/wiki/Minister_denies_report"
    assert first["id"].startswith("wikinews-")
    for doc, path in zip(docs, ["data/wikinews_2019.csv"] * 2 + ["data/wikinews_2020.csv"],
                         strict=True):
        assert doc["origin"] == {"repository": "vanatteveldt/wikinews", "commit": head,
                                 "path": path}
        assert doc["license"] == "CC BY 2.5" == wikinews.LICENSE
        assert doc["source"] == "Wikinews"
    assert first["date"] == "2019-01-04"

    assert report.kept == 3
    assert report.duplicates == [
        f"{first['id']} (https://en.wikinews.org/wiki/Minister_denies_report)"]
    assert report.excluded == {"no article text after the dateline": 1}
    lines = report.lines()
    assert lines[0] == "kept 3 documents"
    assert "duplicates (same url or same text, kept once): 1" in lines
    assert "left out, no article text after the dateline: 1" in lines


@pytest.mark.parametrize("text", [
    "Friday, January 4, 2019The minister spoke.",
    "Friday, January 4, 2019 \n\n\nThe minister spoke.",
    "\n\n\nFriday, January 4, 2019\u00a0\nThe minister spoke.",
])
def test_split_dateline(text: str) -> None:
    assert wikinews.split_dateline(text).strip() == "The minister spoke."


def test_split_dateline_keeps_a_body_without_one() -> None:
    body = "On Friday, January 4, 2019 the minister spoke."
    assert wikinews.split_dateline(body) == body


@pytest.mark.parametrize(("row", "record", "message"), [
    ("https://en.wikinews.org/wiki/X,2019-01-08,X\n", "line 3", "wrong number of fields"),
    ("https://en.wikinews.org/wiki/X,2019-01-08,X,Body,extra\n", "line 3",
     "wrong number of fields"),
    ("https://en.wikinews.org/wiki/X,08/01/2019,X,Body\n", "line 3", "not a YYYY-MM-DD date"),
    (',2019-01-08,X,"Body"\n', "line 3", "field 'url': empty"),
])
def test_wikinews_bad_rows_are_located(tmp_path: Path, row: str, record: str,
                                       message: str) -> None:
    csv_text = ('url,date,title,text\n'
                'https://en.wikinews.org/wiki/A,2019-01-04,A,"Friday, January 4, 2019 Body."\n'
                + row)
    repo = tmp_path / "repo"
    head = commit(repo, {"data/wikinews_2019.csv": csv_text})
    with pytest.raises(InputError) as e:
        list(wikinews.read(Repository(repo, "o/n"), head))
    assert e.value.path == f"o/n@{head[:12]}:data/wikinews_2019.csv"
    assert e.value.record == record
    assert message in str(e.value)


def test_wikinews_line_numbers_count_physical_lines(tmp_path: Path) -> None:
    csv_text = ('url,date,title,text\n'
                'https://en.wikinews.org/wiki/A,2019-01-04,A,"Friday, January 4, 2019\n\nBody."\n'
                'https://en.wikinews.org/wiki/B,2019-01-05,B\n')
    repo = tmp_path / "repo"
    head = commit(repo, {"data/wikinews_2019.csv": csv_text})
    with pytest.raises(InputError, match=r"wikinews_2019\.csv, line 5: wrong number of fields"):
        list(wikinews.read(Repository(repo, "o/n"), head))


def test_wikinews_missing_column_and_no_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    head = commit(repo, {"data/wikinews_2019.csv": "url,date,title\nu,2019-01-01,t\n"})
    with pytest.raises(InputError, match=r"line 1: missing column 'text'"):
        list(wikinews.read(Repository(repo, "o/n"), head))
    head = commit(repo, {"data/wikinews_2019.csv": None, "other.txt": "x\n"})
    with pytest.raises(InputError, match="no data/wikinews_YYYY.csv files"):
        list(wikinews.read(Repository(repo, "o/n"), head))


# --- Wikipedia Current events ------------------------------------------------------------------

POST = """---
layout: post
title: 2025 January 14
date: 2025-01-14
published: true
---


#### Armed conflicts and attacks

* [Gaza war](https://en.wikipedia.org/wiki/Gaza_war "Gaza war")
  * [Hamas](https://en.wikipedia.org/wiki/Hamas "Hamas") officials say that they have \
accepted a [draft agreement](https://en.wikipedia.org/wiki/January_2025_Gaza_war_ceasefire \
"January 2025 Gaza war ceasefire") for a ceasefire. [(AP)](https://apnews.com/article/a1)
* [Red Sea crisis](https://en.wikipedia.org/wiki/Red_Sea_crisis "Red Sea crisis")
  * [Yemen](https://en.wikipedia.org/wiki/Yemen "Yemen")'s **Houthi** forces fire a missile \
at [Israel](https://en.wikipedia.org/wiki/Israel "Israel"). \
[(Xinhua)](https://english.news.cn/c.html) [(*Kyiv Independent*)](https://kyivindependent.com/x/)

#### Sports

* [2025 Dakar Rally](https://en.wikipedia.org/wiki/2025_Dakar_Rally "2025 Dakar Rally")

#### Law and crime

* A court charges the regional minister [Salomé Pradas](https://en.wikipedia.org/wiki/\
Salom%C3%A9_Pradas?action=edit&redlink=1 "Salomé Pradas (page does not exist)") \
[[es](https://es.wikipedia.org/wiki/Salom%C3%A9%20Pradas "es:Salomé Pradas")] over the \
flood warnings. [(*El País*)](https://english.elpais.com/x.html)
* [Valery Gerasimov](https://en.wikipedia.org/wiki/Valery_Gerasimov) says that Ukrainian \
forces are [entirely  surrounded](https://en.wikipedia.org/wiki/Encirclement "Encirclement") \
near [Kursk](https://en.wikipedia.org/wiki/Kursk_(city)). \
[(*Proto Thema*)](https://en.protothema.gr/x/)[*[unreliable source?](https://en.wikipedia.org/\
wiki/Wikipedia%3AReliable_sources "Wikipedia:Reliable sources")*]
"""
POST_PATH = "docs/_posts/2025-01-14-index.md"


@pytest.fixture(scope="module")
def current_events_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A Jekyll site repository with one daily post and a page that is not a post."""
    repo = tmp_path_factory.mktemp("current-events") / "repo"
    head = commit(repo, {POST_PATH: POST, "docs/_posts/README.txt": "not a post\n",
                         "docs/index.md": "---\ntitle: home\n---\n"})
    git(repo, "remote", "add", "origin", "git@github.com:fordred/wikinews.git")
    return repo, head


def test_current_events_one_document_per_day_and_section(
        current_events_repo: tuple[Path, str], tmp_path: Path) -> None:
    repo_path, head = current_events_repo
    repo = open_repository(repo_path)
    assert repo.name == "fordred/wikinews"
    report = import_documents(current_events.read, repo, "HEAD", tmp_path / "out.jsonl")
    docs = read_jsonl(tmp_path / "out.jsonl")

    assert report.kept == 2 and not report.duplicates and not report.excluded
    assert [d["section"] for d in docs] == ["Armed conflicts and attacks", "Law and crime"]
    conflict, crime = docs
    assert conflict["id"] == "current-events-2025-01-14-armed-conflicts-and-attacks"
    assert conflict["title"] == "2025 January 14: Armed conflicts and attacks"
    assert conflict["url"] == ("https://en.wikipedia.org/wiki/Portal:Current_events/"
                               "2025_January_14#Armed_conflicts_and_attacks")
    assert conflict["date"] == "2025-01-14"
    for doc in docs:
        assert doc["origin"] == {"repository": "fordred/wikinews", "commit": head,
                                 "path": POST_PATH}
        assert doc["license"] == "CC BY-SA 4.0"
        assert doc["source"] == "Wikipedia Current events"
    # Topic bullets are left out; citations, bold marks and the tags are dropped.
    assert conflict["text"] == (
        "Hamas officials say that they have accepted a draft agreement for a ceasefire.\n"
        "Yemen's Houthi forces fire a missile at Israel.")
    assert crime["text"] == (
        "A court charges the regional minister Salomé Pradas over the flood warnings.\n"
        "Valery Gerasimov says that Ukrainian forces are entirely surrounded near Kursk.")
    for doc in docs:
        assert "[" not in doc["text"] and "(" not in doc["text"] and "*" not in doc["text"]


def test_current_events_link_offsets_point_at_the_linked_text(
        current_events_repo: tuple[Path, str]) -> None:
    repo_path, head = current_events_repo
    docs = list(current_events.read(Repository(repo_path, "fordred/wikinews"), head))
    found = [[(d["text"][k["start"]:k["end"]], k["wikipedia"]) for k in d["links"]]
             for d in docs]
    assert found == [
        [("Hamas", "Hamas"), ("draft agreement", "January 2025 Gaza war ceasefire"),
         ("Yemen", "Yemen"), ("Israel", "Israel")],
        [("Salomé Pradas", "Salomé Pradas"), ("Valery Gerasimov", "Valery Gerasimov"),
         ("entirely surrounded", "Encirclement"), ("Kursk", "Kursk (city)")],
    ]
    # No link to another language's Wikipedia or to a maintenance page survives.
    assert all("es:" not in k["wikipedia"] and "Wikipedia:" not in k["wikipedia"]
               for d in docs for k in d["links"])


def test_strip_links() -> None:
    text, links = current_events.strip_links(
        '  The [United  Nations](https://en.wikipedia.org/wiki/United_Nations) and '
        '[*NATO*](https://en.wikipedia.org/wiki/NATO "NATO") meet in '
        '[Ankara](https://www.example.com/ankara). [(BBC)](https://bbc.co.uk/x)  ')
    assert text == "The United Nations and NATO meet in Ankara."
    assert [(text[k["start"]:k["end"]], k["wikipedia"]) for k in links] == [
        ("United Nations", "United Nations"), ("NATO", "NATO")]


@pytest.mark.parametrize(("post", "message"), [
    ("---\ntitle: 2025 January 15\ndate: 2025-01-15\n\n#### Law and crime\n",
     "line 1: no front matter between '---' lines"),
    ("#### Law and crime\n* A thing happens. [(AP)](https://ap.org/x)\n",
     "line 1: no front matter between '---' lines"),
    ("---\ntitle: 2025 January 15\ndate: 15 January 2025\n---\n",
     "front matter, field 'date': not a YYYY-MM-DD date"),
])
def test_current_events_bad_front_matter(tmp_path: Path, post: str, message: str) -> None:
    repo = tmp_path / "repo"
    head = commit(repo, {"docs/_posts/2025-01-15-index.md": post})
    with pytest.raises(InputError) as e:
        list(current_events.read(Repository(repo, "o/n"), head))
    assert e.value.path == f"o/n@{head[:12]}:docs/_posts/2025-01-15-index.md"
    assert message in str(e.value)


def test_current_events_malformed_link_names_the_line(tmp_path: Path) -> None:
    post = ("---\ntitle: 2025 January 15\ndate: 2025-01-15\n---\n\n#### Law and crime\n\n"
            "* Fine. [(AP)](https://ap.org/x)\n"
            "* A [broken link](https://en.wikipedia.org/wiki/A b) here. [(AP)](https://ap.org/y)\n")
    repo = tmp_path / "repo"
    head = commit(repo, {"docs/_posts/2025-01-15-index.md": post})
    with pytest.raises(InputError, match=r"2025-01-15-index\.md, line 9: malformed link"):
        list(current_events.read(Repository(repo, "o/n"), head))


FRONT = "---\ntitle: 2025 August 06\ndate: 2025-08-06\n---\n\n"


def test_current_events_repeated_section_is_counted_as_a_duplicate(tmp_path: Path) -> None:
    post = (FRONT + "#### Armed conflicts and attacks\n\n* A thing happens. [(AP)](https://a/1)\n"
            "\n#### Armed conflicts and attacks\n\n* Another thing happens. [(AP)](https://a/2)\n")
    repo = tmp_path / "repo"
    commit(repo, {"docs/_posts/2025-08-06-index.md": post})
    report = import_documents(current_events.read, Repository(repo, "o/n"), "HEAD",
                              tmp_path / "out.jsonl")
    assert [d["text"] for d in read_jsonl(tmp_path / "out.jsonl")] == ["A thing happens."]
    assert len(report.duplicates) == 1


def test_current_events_plus_and_minus_bullets_are_counted(tmp_path: Path) -> None:
    post = (FRONT + "#### Armed conflicts and attacks\n\n"
            "* [Gaza war](https://en.wikipedia.org/wiki/Gaza_war)\n"
            "        + The army conducts airstrikes. [(AP)](https://a/1)\n"
            "        - Talks resume in Cairo. [(AP)](https://a/2)\n")
    repo = tmp_path / "repo"
    commit(repo, {"docs/_posts/2025-08-06-index.md": post})
    report = import_documents(current_events.read, Repository(repo, "o/n"), "HEAD",
                              tmp_path / "out.jsonl")
    assert report.excluded == {"news item in a '+' or '-' bullet (not read)": 2}


def test_current_events_without_posts(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    head = commit(repo, {"docs/index.md": "hello\n"})
    with pytest.raises(InputError, match="no posts under docs/_posts/"):
        list(current_events.read(Repository(repo, "o/n"), head))


# --- US State Department -----------------------------------------------------------------------

def rss(*items: str) -> str:
    """An RSS 2.0 feed of *items*, as the State Department's WordPress site writes it."""
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
            '<title>Press Releases &#8211; United States Department of State</title>\n'
            '<link>https://www.state.gov/rss-feed/press-releases/</link>\n'
            + "".join(items) + "</channel>\n</rss>\n")


def item(title: str, slug: str, html: str, *, date: str = "Wed, 03 Aug 2022 19:49:23 +0000",
         tag: str = "description") -> str:
    """One feed item whose HTML body is in *tag* (description or content:encoded)."""
    return (f"<item>\n<title>{title}</title>\n<link>https://www.state.gov/{slug}/</link>\n"
            f"<dc:creator><![CDATA[Office of the Spokesperson]]></dc:creator>\n"
            f"<pubDate>{date}</pubDate>\n"
            f'<guid isPermaLink="false">https://www.state.gov/?p={slug}</guid>\n'
            f"<{tag}><![CDATA[{html}]]></{tag}>\n</item>\n")


CALL = item(
    "Secretary Blinken&#8217;s Call with Ukrainian Foreign Minister Kuleba", "call-kuleba",
    '<script type="text/javascript">jQuery(".watermark");</script>'
    "<p>The below is attributable to Spokesperson Ned Price:</p>"
    "<p>Secretary Blinken spoke with Ukrainian Foreign Minister Dmytro Kuleba today.</p>"
    "<figure><img src='x.jpg'/><figcaption>Photo of the call</figcaption></figure>"
    "<p>The Secretary  condemned Russia&#8217;s attacks on civilians.</p>"
    '<p><input type="hidden" data-filter="111001000111" /></p>',
    tag="content:encoded")
CALL_EDITED = CALL.replace("today.", "on Tuesday, an edit made later.")
JOINT = item("Joint Statement on the Situation in Ukraine", "joint-ukraine",
             "<p>The foreign ministers condemn the attack.</p>")
JOINT_BODY = item("Statement on Grain Exports", "grain",
                  "<p>The following statement was released by the Governments of the United "
                  "States and Japan.</p><p>We call for the free passage of grain.</p>",
                  date="Thu, 04 Aug 2022 10:00:00 -0400")
BRIEFING = item(
    "Secretary Antony J. Blinken at a Press Availability", "press-availability",
    "<p><strong>SECRETARY BLINKEN:</strong>  Good afternoon. We condemn the attack.</p>"
    "<p><strong>MR PRICE:  </strong>Reuters, go ahead.</p>"
    "<p><strong>QUESTION:  </strong>Thank you, Mr. Secretary. Did Russia attack it?</p>"
    "<p>And a follow-up on the grain deal, if I may.</p>"
    "<p><strong>SECRETARY BLINKEN:</strong>  Russia is using the plant as a shield.</p>"
    "<p>Thank you.</p>",
    date="Thu, 04 Aug 2022 23:30:00 -0400")
UNTITLED = item("", "untitled", "<p>Text without a title.</p>")


@pytest.fixture(scope="module")
def state_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A feed-history repository: two snapshots of data.rss, then a commit of another file."""
    repo = tmp_path_factory.mktemp("state") / "repo"
    first = commit(repo, {"data.rss": rss(CALL, JOINT)}, "snapshot 1")
    second = commit(repo, {"data.rss": rss(BRIEFING, JOINT_BODY, UNTITLED, CALL_EDITED, JOINT)},
                    "snapshot 2")
    third = commit(repo, {"README.md": "Flat data\n"}, "readme")
    return repo, [first, second, third]


def test_state_department_reads_each_release_from_its_first_snapshot(
        state_repo: tuple[Path, list[str]], tmp_path: Path) -> None:
    repo_path, (first, second, third) = state_repo
    repo = open_repository(repo_path, "markschaver/State-Department-PR")
    assert repo.head() == third
    report = import_documents(state_department.read, repo, "HEAD", tmp_path / "out.jsonl")
    docs = read_jsonl(tmp_path / "out.jsonl")

    assert [d["url"] for d in docs] == ["https://www.state.gov/call-kuleba/",
                                        "https://www.state.gov/press-availability/"]
    call, briefing = docs
    assert call["origin"] == {"repository": "markschaver/State-Department-PR",
                              "commit": first, "path": "data.rss"}
    assert briefing["origin"]["commit"] == second
    assert call["title"] == "Secretary Blinken’s Call with Ukrainian Foreign Minister Kuleba"
    assert call["date"] == "2022-08-03" and briefing["date"] == "2022-08-04"
    assert call["license"] == "Public domain (17 U.S.C. 105)"
    assert call["source"] == "U.S. Department of State"
    # HTML to paragraphs: no script, caption or entity left; the first snapshot's text.
    assert call["text"] == (
        "The below is attributable to Spokesperson Ned Price:\n"
        "Secretary Blinken spoke with Ukrainian Foreign Minister Dmytro Kuleba today.\n"
        "The Secretary condemned Russia’s attacks on civilians.")
    # The reporter's turn is gone up to the next speaker's label.
    assert briefing["text"] == (
        "SECRETARY BLINKEN: Good afternoon. We condemn the attack.\n"
        "MR PRICE: Reuters, go ahead.\n"
        "SECRETARY BLINKEN: Russia is using the plant as a shield.\n"
        "Thank you.")
    assert "QUESTION" not in briefing["text"] and "follow-up" not in briefing["text"]

    assert report.kept == 2 and report.duplicates == []
    assert report.excluded == {"joint statement with foreign governments": 2,
                               "item without title or link": 1}


def test_state_department_rev_reads_the_history_up_to_it(
        state_repo: tuple[Path, list[str]], tmp_path: Path) -> None:
    repo_path, (first, _, _) = state_repo
    repo = Repository(repo_path, "o/n")
    report = import_documents(state_department.read, repo, first, tmp_path / "out.jsonl")
    assert [d["origin"]["commit"] for d in read_jsonl(tmp_path / "out.jsonl")] == [first]
    assert report.excluded == {"joint statement with foreign governments": 1}


def test_state_department_skips_a_broken_snapshot(tmp_path: Path) -> None:
    repo_path = tmp_path / "repo"
    commit(repo_path, {"data.rss": "<rss><channel><item>"})
    good = commit(repo_path, {"data.rss": rss(CALL)})
    report = ImportReport()
    docs = list(deduplicated(state_department.read(Repository(repo_path, "o/n"), good), report))
    assert [d["origin"]["commit"] for d in docs] == [good]
    assert report.excluded == {"feed snapshot that is not well-formed XML": 1}


def test_without_questions() -> None:
    paragraphs = ["MR PRICE: Good afternoon.", "QUESTION: Is it true?", "Follow-up.",
                  "MR PRICE: No.", "QUESTION: Another?", "MS PORTER: Yes."]
    assert state_department.without_questions(paragraphs) == [
        "MR PRICE: Good afternoon.", "MR PRICE: No.", "MS PORTER: Yes."]


def test_without_questions_short_q_label() -> None:
    assert state_department.without_questions(["MR PRICE: Go ahead.", "Q: Is it true?",
                                               "MR PRICE: No."]) == ["MR PRICE: Go ahead.",
                                                                     "MR PRICE: No."]


def test_html_paragraphs() -> None:
    html = ("<div><p>One <b>bold</b>\n word.</p><style>p {}</style><ul><li>Two</li>"
            "<li>Three &amp; four</li></ul>Five<br>Six</div>")
    assert state_department.html_paragraphs(html) == ["One bold word.", "Two",
                                                      "Three & four", "Five", "Six"]


# --- git ---------------------------------------------------------------------------------------

def test_history_lists_versions_oldest_first_and_skips_deletions(tmp_path: Path) -> None:
    repo_path = tmp_path / "repo"
    one = commit(repo_path, {"feed.xml": "one"})
    commit(repo_path, {"other.txt": "x"})
    commit(repo_path, {"feed.xml": None})
    three = commit(repo_path, {"feed.xml": "three\n"})
    repo = Repository(repo_path, "o/n")
    assert list(repo.history("feed.xml")) == [(one, b"one"), (three, b"three\n")]
    assert list(repo.history("feed.xml", one)) == [(one, b"one")]
    with pytest.raises(InputError, match="'missing.xml' has no history"):
        list(repo.history("missing.xml"))


def test_repository_reads_files_and_reports_git_errors(tmp_path: Path) -> None:
    repo_path = tmp_path / "repo"
    head = commit(repo_path, {"a/x.txt": "é\n", "a/b/y.txt": "y", "z.txt": "z",
                              "bad.txt": b"caf\xe9\n"})
    repo = Repository(repo_path, "o/n")
    assert repo.files(head, "a") == ["a/b/y.txt", "a/x.txt"]
    assert repo.files(head) == ["a/b/y.txt", "a/x.txt", "bad.txt", "z.txt"]
    assert repo.read(head, "a/x.txt") == "é\n"
    with pytest.raises(InputError, match=rf"o/n@{head[:12]}:bad.txt: not UTF-8 \(byte 3\)"):
        repo.read(head, "bad.txt")
    with pytest.raises(InputError, match="git rev-parse"):
        repo.head("no-such-branch")


@pytest.mark.parametrize("url", [
    "git@github.com:owner/name.git", "https://github.com/owner/name.git",
    "https://github.com/owner/name", "ssh://git@github.com:22/owner/name.git",
    "https://github.com/owner/name/"])
def test_open_repository_names_it_after_the_origin_remote(tmp_path: Path, url: str) -> None:
    repo_path = tmp_path / "repo"
    commit(repo_path, {"x": "x"})
    git(repo_path, "remote", "add", "origin", url)
    assert open_repository(repo_path).name == "owner/name"
    assert open_repository(repo_path, "other/repo").name == "other/repo"


def test_open_repository_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such git repository"):
        open_repository(tmp_path / "missing")
    (tmp_path / "plain").mkdir()
    with pytest.raises(InputError, match="not a git repository"):
        open_repository(tmp_path / "plain", "o/n")
    commit(tmp_path / "repo", {"x": "x"})
    with pytest.raises(InputError, match="no origin remote: pass --repository OWNER/NAME"):
        open_repository(tmp_path / "repo")


def test_a_bare_clone_gives_the_same_documents(state_repo: tuple[Path, list[str]],
                                                tmp_path: Path) -> None:
    repo_path, _ = state_repo
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo_path), str(bare))
    for path, out in ((repo_path, "work.jsonl"), (bare, "bare.jsonl")):
        import_documents(state_department.read, open_repository(path, "o/n"), "HEAD",
                         tmp_path / out)
    assert (tmp_path / "work.jsonl").read_bytes() == (tmp_path / "bare.jsonl").read_bytes()


# --- documents ---------------------------------------------------------------------------------

def test_deduplicated_keeps_the_first_of_a_url_or_a_text() -> None:
    records = [{"id": "a", "url": "u1", "text": "one"}, {"id": "b", "url": "u1", "text": "two"},
               {"id": "c", "url": "u2", "text": "one"}, {"excluded": "why", "id": "d"},
               {"id": "e", "url": "u3", "text": "three"}]
    report = ImportReport()
    assert [r["id"] for r in deduplicated(records, report)] == ["a", "e"]
    assert report.kept == 2
    assert report.duplicates == ["b (u1)", "c (u2)"]
    assert report.excluded == {"why": 1}


def test_report_lines_shorten_long_lists() -> None:
    report = ImportReport(kept=1, duplicates=[f"d{i} (u)" for i in range(12)],
                          excluded={"b": 2, "a": 1})
    lines = report.lines()
    assert lines[2:12] == [f"  d{i} (u)" for i in range(10)]
    assert lines[12:] == ["  ... and 2 more", "left out, a: 1", "left out, b: 2"]


# --- the command line --------------------------------------------------------------------------

@pytest.mark.parametrize(("fixture", "fmt", "kept"), [
    ("wikinews_repo", "wikinews", 3), ("current_events_repo", "current-events", 2),
    ("state_repo", "state-department", 2)])
def test_cli_import_is_byte_identical_when_run_twice(
        request: pytest.FixtureRequest, tmp_path: Path, fixture: str, fmt: str,
        kept: int) -> None:
    repo_path = request.getfixturevalue(fixture)[0]
    outputs = []
    for n in (1, 2):
        out = tmp_path / f"run{n}" / "docs.jsonl"
        done = run_cli("corpus", "import", repo_path, "--format", fmt, "-o", out,
                       "--repository", "owner/name")
        assert done.returncode == 0, done.stderr
        assert f"kept {kept} documents" in done.stdout
        assert f"-> {out}" in done.stdout
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    docs = [json.loads(line) for line in outputs[0].decode().splitlines()]
    assert len(docs) == kept
    assert {d["origin"]["repository"] for d in docs} == {"owner/name"}


def assert_input_error(done: subprocess.CompletedProcess, *expected: str) -> None:
    """The command failed with exit status 2 and a located message, not a traceback."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ")
    for text in expected:
        assert text in done.stderr


def test_cli_csv_row_with_a_missing_field(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    head = commit(repo, {"data/wikinews_2019.csv": WIKINEWS_2019
                         + "https://en.wikinews.org/wiki/Short,2019-01-08,Short\n"})
    out = tmp_path / "out.jsonl"
    done = run_cli("corpus", "import", repo, "--format", "wikinews", "-o", out,
                   "--repository", "o/n")
    assert_input_error(done, f"o/n@{head[:12]}:data/wikinews_2019.csv, line 18: "
                       "wrong number of fields")
    assert not out.exists()


def test_cli_malformed_front_matter(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    head = commit(repo, {POST_PATH: POST,
                         "docs/_posts/2025-01-15-index.md": "---\ndate: 2025-01-15\n\n* x\n"})
    done = run_cli("corpus", "import", repo, "--format", "current-events", "-o",
                   tmp_path / "out.jsonl", "--repository", "o/n")
    assert_input_error(done, f"o/n@{head[:12]}:docs/_posts/2025-01-15-index.md, line 1: "
                       "no front matter")


def test_cli_repository_errors(tmp_path: Path) -> None:
    commit(tmp_path / "repo", {"x": "x"})
    done = run_cli("corpus", "import", tmp_path / "repo", "--format", "wikinews", "-o",
                   tmp_path / "out.jsonl")
    assert_input_error(done, "no origin remote")
    done = run_cli("corpus", "import", tmp_path / "repo", "--format", "rss", "-o",
                   tmp_path / "out.jsonl", "--repository", "o/n")
    assert_input_error(done, "unknown --format 'rss'")
    done = run_cli("corpus", "import", tmp_path / "repo", "--format", "wikinews", "-o",
                   tmp_path / "out.jsonl", "--repository", "o/n")
    assert_input_error(done, "no data/wikinews_YYYY.csv files")


# --- selection ---------------------------------------------------------------------------------

SENTENCES = [
    "The ministry denied that its troops crossed the border on Monday.",
    "The president accused the opposition of organising the protests.",
    "The government urged both parties to return to the talks.",
    "Officials said the election would be held in the spring.",
    "The minister rejected the claims as false and politically motivated.",
    "Police said three people were detained after the clashes.",
    "The opposition party called on the court to annul the result.",
    "Diplomats said the embassy would reopen next month.",
]


def corpus_documents() -> Iterator[dict]:
    """Political documents of two sources and a few outside the frame."""
    for i in range(14):
        picked = [SENTENCES[(i + j) % len(SENTENCES)] for j in range(5)]
        yield {"id": f"wikinews-{i:03d}", "title": f"Government and parliament news {i}",
               "text": " ".join(picked[:3]) + "\n" + " ".join(picked[3:]),
               "source": "Wikinews", "date": "2019-01-04", "url": f"https://w/{i}",
               "license": "CC BY 2.5"}
    for i in range(6):
        yield {"id": f"current-events-{i:03d}", "title": f"Day {i}",
               "section": "International relations" if i % 3 else "Sports",
               "text": "\n".join(SENTENCES[i:i + 4]), "source": "Wikipedia Current events",
               "date": "2025-01-14", "url": f"https://c/{i}", "license": "CC BY-SA 4.0"}
    yield {"id": "wikinews-sport", "title": "Football final", "source": "Wikinews",
           "text": "The home team won the final on Sunday. Fans celebrated in the streets.",
           "date": "2019-01-05", "url": "https://w/sport", "license": "CC BY 2.5"}


PLAN = Plan(random_sentences=12, per_document=2,
            enrichment={"denial": 3, "accusation": 3, "appeal": 2}, per_enriched_document=1)


def test_select_is_seeded_and_deterministic() -> None:
    docs = list(corpus_documents())
    chosen, summary = select(docs, seed=13, plan=PLAN)
    again, summary_again = select(list(corpus_documents()), seed=13, plan=PLAN)
    assert chosen == again and summary == summary_again
    other, _ = select(docs, seed=14, plan=PLAN)
    assert [r["sentence_id"] for r in other] != [r["sentence_id"] for r in chosen]
    assert summary["seed"] == 13
    assert summary["sentences"] == len(chosen)
    assert summary["documents"] == len({r["doc_id"] for r in chosen})


def test_selected_sentences_have_a_stratum_and_a_weight() -> None:
    docs = list(corpus_documents())
    chosen, summary = select(docs, seed=13, plan=PLAN)
    assert chosen
    ids = [r["sentence_id"] for r in chosen]
    assert len(ids) == len(set(ids))
    strata = {r["stratum"] for r in chosen}
    assert "random" in strata
    assert strata <= {"random", "enrichment:denial", "enrichment:accusation",
                      "enrichment:appeal", "supplement:denial"}
    assert any(s.startswith("enrichment:") for s in strata)
    assert all(r["weight"] > 0 for r in chosen)
    # Out of frame: a sports section and a non-political article are never drawn, except by
    # the denial supplement, which reads every document.
    drawn = {r["doc_id"] for r in chosen if r["stratum"] != "supplement:denial"}
    assert not drawn & {"current-events-000", "current-events-003", "wikinews-sport"}
    for source, s in summary["sources"].items():
        random = [r for r in chosen if r["source"] == source and r["stratum"] == "random"]
        assert len(random) == s["random_sentences"] <= PLAN.random_sentences
        for stance, n in s["enrichment_sentences"].items():
            enriched = [r for r in chosen
                        if r["source"] == source and r["stratum"] == f"enrichment:{stance}"]
            assert len(enriched) == n <= PLAN.enrichment[stance]
            assert len({r["doc_id"] for r in enriched}) == n  # per_enriched_document=1
    assert summary["sources"]["Wikipedia Current events"]["frame_documents"] == 4
    assert summary["sources"]["Wikinews"]["frame_documents"] == 14
    assert chosen == sorted(chosen, key=lambda r: (r["source"], r["doc_id"], r["index"]))


# --- annotation passes -------------------------------------------------------------------------

PASS_SENTENCES = {
    "s1": {"text": "Russia accused Ukraine of shelling the plant."},
    "s2": {"text": "The talks will resume on Monday."},
}


def write_pass(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "pass1.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_read_pass(tmp_path: Path) -> None:
    path = write_pass(tmp_path,
                      "s1\taccusation | {Russia|GPE} accused {Ukraine|GPE} of shelling the "
                      "plant. | Russia > Ukraine", "",
                      "s2\tnone | The talks will resume on Monday. |")
    marked = read_pass(path, PASS_SENTENCES)
    assert list(marked) == ["s1", "s2"]
    assert marked["s1"].stance == "accusation"
    assert [e["text"] for e in marked["s1"].entities] == ["Russia", "Ukraine"]
    assert marked["s1"].dyads == [(0, 1)]
    assert marked["s2"].stance == "none" and marked["s2"].lineno == 3


@pytest.mark.parametrize(("line", "field", "message"), [
    ("s1\taccusation | {Russia|GPE} accused {Ukraine|GPE} of shelling a plant. | Russia > "
     "Ukraine", "text", "text without markup differs from the sentence: at character 35"),
    ("s9\tnone | The talks will resume on Monday. |", "sentence_id", "not in the selection"),
    ("s2\tnone | The talks will resume on Monday. |", "sentence_id", "annotated twice"),
    ("s2 none | The talks will resume on Monday. |", None, "expected 'sentence_id<TAB>"),
    ("s1\tnone | {Russia|GPE} accused {Ukraine|GPE} of shelling the plant. | Russia > Ukraine",
     "dyads", "'none' sentence has dyads"),
])
def test_read_pass_errors_name_file_and_line(tmp_path: Path, line: str, field: str | None,
                                             message: str) -> None:
    path = write_pass(tmp_path, "s2\tnone | The talks will resume on Monday. |", line)
    with pytest.raises(InputError) as e:
        read_pass(path, PASS_SENTENCES)
    assert e.value.path == str(path)
    assert e.value.record == "line 2"
    assert e.value.field == field
    assert message in e.value.message
    assert str(e.value).startswith(f"{path}, line 2")


def test_imported_documents_through_selection_and_a_pass(
        wikinews_repo: tuple[Path, str], current_events_repo: tuple[Path, str],
        tmp_path: Path) -> None:
    imported = []
    for (repo_path, _), reader in ((wikinews_repo, wikinews.read),
                                   (current_events_repo, current_events.read)):
        out = tmp_path / f"{reader.__module__.rsplit('.', 1)[1]}.jsonl"
        import_documents(reader, Repository(repo_path, "o/n"), "HEAD", out)
        imported.append(out)
    corpus = tmp_path / "real"
    summary = write_selection(imported, corpus, seed=13)
    sentences = selected_sentences(corpus)
    assert len(sentences) == summary["sentences"] > 0
    first, second = sorted(sentences)[:2]
    lines = [f"{sid}\tnone | {sentences[sid]['text']} |" for sid in (first, second)]
    (corpus / "pass1.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_cli("corpus", "gold", corpus, "-o", tmp_path / "gold.json")
    assert done.returncode == 0, done.stderr
    assert f"tasks: {len(sentences)}, annotations: 2" in done.stdout

    lines[1] = f"{second}\tnone | {sentences[second]['text']} Extra. |"
    (corpus / "pass1.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_cli("corpus", "gold", corpus, "-o", tmp_path / "gold.json")
    assert_input_error(done, f"{corpus / 'pass1.tsv'}, line 2, field 'text': text without "
                       "markup differs from the sentence")
