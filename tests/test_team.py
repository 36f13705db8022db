"""Labeling as a team on a real Label Studio: private files, overlap, concurrent pushes,
annotator accounts and the review loop."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import httpx
import pytest
from test_studio import ACCUSED, ACCUSER, ENTITY, STANCE, make_tasks
from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.files import write_json
from stancekit.labeling.results import annotation_result
from stancekit.labeling.server import DATABASE_FILE, TOKEN_FILE
from stancekit.labeling.studio import connect, ensure_project, get_project, list_tasks, push
from stancekit.schema import SCHEMA

pytestmark = pytest.mark.studio

OTHER = SCHEMA.stances[2].name
NO_ENV = {"LABEL_STUDIO_URL": None, "LABEL_STUDIO_API_KEY": None,
          "LABEL_STUDIO_API_KEY_FILE": None}


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env=NO_ENV)
    assert result.exit_code == 0, result.output
    return result.output


def _auth(studio, project: str) -> list[str]:
    return ["--url", studio.url, "--api-key-file", str(studio.server.token_file),
            "--project", project]


def _spans(text: str) -> list[dict]:
    return [{"start": text.index(n), "end": text.index(n) + len(n), "text": n, "label": ENTITY}
            for n in (ACCUSER, ACCUSED)]


def test_server_keeps_its_files_private(studio):
    data_dir = studio.server.data_dir
    assert data_dir.stat().st_mode & 0o777 == 0o700
    for name in (DATABASE_FILE, ".env", "server.log", "api-token", "admin-password"):
        assert (data_dir / name).stat().st_mode & 0o777 == 0o600, name
    token = studio.api_key.encode()
    holding = {p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*")
               if p.is_file() and token in p.read_bytes()}
    # Label Studio keeps legacy API tokens in its database, which only the owner can read.
    assert holding <= {TOKEN_FILE, DATABASE_FILE}, holding


def test_overlap_defaults_and_options_are_read_back(studio, tmp_path):
    tasks = tmp_path / "tasks.json"
    write_json(tasks, make_tasks(10))
    first = _cli("studio", "push", str(tasks), *_auth(studio, "overlap"))
    assert "overlap: 2 annotators on 20% of tasks, shown first" in first
    again = _cli("studio", "push", str(tasks), "--overlap", "3", "--overlap-percent", "50",
                 *_auth(studio, "overlap"))
    assert "imported: 0" in again and "overlap: 3 annotators on 50% of tasks" in again
    project = studio.client.projects.get(get_project(studio.client, "overlap").id)
    assert (project.maximum_annotations, project.overlap_cohort_percentage,
            project.show_overlap_first) == (3, 50, True)
    tasks_overlap = [t.overlap for t in studio.client.tasks.list(project=project.id,
                                                                 fields="all")]
    assert sorted(tasks_overlap).count(3) == 5


def test_concurrent_pushes_import_each_sentence_once(studio):
    project = ensure_project(studio.client, "concurrent")
    tasks = make_tasks(200)
    counts = {}

    def run(n: int) -> None:
        counts[n] = push(connect(studio.url, studio.api_key), project, tasks, batch_size=50)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(counts) == 2, "a push failed"
    left = list_tasks(studio.client, project.id)
    assert len(left) == 200 == studio.client.projects.get(project.id).task_number
    assert len({t.data["sentence_id"] for t in left}) == 200
    assert sum(c["imported"] for c in counts.values()) == 200
    assert max(c["project_tasks"] for c in counts.values()) == 200
    # Deleting the copies re-drew the overlap cohort: 2 annotators on 20% of the tasks.
    overlaps = [t.overlap for t in studio.client.tasks.list(project=project.id, fields="all",
                                                            page_size=1000)]
    assert sorted(overlaps).count(2) == 40


def test_annotators_log_in_with_their_own_credentials(studio, tmp_path):
    emails = ["reader1@stancekit.test", "reader2@stancekit.test"]
    data_dir = studio.server.data_dir
    output = _cli("studio", "annotators", "add", *emails, "--data-dir", str(data_dir))
    creds = [json.loads((data_dir / "annotators" / f"{e}.json").read_text()) for e in emails]
    for cred in creds:
        path = data_dir / "annotators" / f"{cred['email']}.json"
        assert path.stat().st_mode & 0o777 == 0o600
        assert str(path) in output
        assert cred["token"] not in output and cred["password"] not in output
        assert cred["token"] != studio.api_key
    assert studio.api_key not in output

    # The web login works with the password, and the page sends no error reports.
    with httpx.Client(base_url=studio.url, follow_redirects=True, timeout=60) as web:
        web.get("/user/login/")
        web.post("/user/login/", data={"email": emails[0], "password": creds[0]["password"],
                                       "csrfmiddlewaretoken": web.cookies["csrftoken"]},
                 headers={"Referer": f"{studio.url}/user/login/"})
        page = web.get("/projects/").text
    assert emails[0] in page
    assert re.findall(r"sentry_dsn: *([^,\s]*)", page) == ["null"]

    tasks = tmp_path / "tasks.json"
    write_json(tasks, make_tasks(4))
    _cli("studio", "push", str(tasks), *_auth(studio, "team"))
    project = get_project(studio.client, "team")
    for n, cred in enumerate(creds):
        annotator = connect(studio.url, cred["token"])
        assert annotator.users.whoami().email == cred["email"]
        for task in list_tasks(annotator, project.id)[:3]:
            stance = STANCE if n == 0 or task.id % 2 else OTHER
            annotator.annotations.create(id=task.id, result=annotation_result(
                stance, _spans(task.data["text"]), [(0, 1)], prefix=f"r{n}"))
    export = tmp_path / "export.json"
    _cli("studio", "pull", "-o", str(export), *_auth(studio, "team"))
    _cli("agreement", str(export), "-o", str(tmp_path / "agreement.json"))
    report = json.loads((tmp_path / "agreement.json").read_text())
    assert report["annotators"] == sorted(c["user_id"] for c in creds)


def test_review_decisions_replace_the_gold(studio, tmp_path):
    tasks = tmp_path / "tasks.json"
    write_json(tasks, make_tasks(3, first=500))
    _cli("studio", "push", str(tasks), *_auth(studio, "to review"))
    project = get_project(studio.client, "to review")
    listed = sorted(list_tasks(studio.client, project.id), key=lambda t: t.id)
    # Two annotators disagree on the first sentence: a tie, queued for review.
    for user, stance in zip(studio.annotators, (STANCE, OTHER), strict=True):
        for task in listed:
            studio.client.annotations.create(
                id=task.id, completed_by=user, result=annotation_result(
                    stance if task.id == listed[0].id else STANCE,
                    _spans(task.data["text"]), [(0, 1)]))
    export, queue, gold = tmp_path / "export.json", tmp_path / "queue.json", tmp_path / "g.jsonl"
    _cli("studio", "pull", "-o", str(export), *_auth(studio, "to review"))
    queued = _cli("adjudicate", str(export), "-o", str(gold), "--queue", str(queue))
    assert "queued for review: 1 (tie 1)" in queued
    tied = listed[0].data["sentence_id"]
    assert tied not in {json.loads(line)["sentence_id"] for line in gold.open()}

    _cli("studio", "push", str(queue), *_auth(studio, "review"))
    review_project = get_project(studio.client, "review")
    (review_task,) = list_tasks(studio.client, review_project.id)
    decision = SCHEMA.stances[3].name
    studio.client.annotations.create(id=review_task.id, result=annotation_result(
        decision, _spans(review_task.data["text"])[:1], []))
    review = tmp_path / "review.json"
    _cli("studio", "pull", "-o", str(review), *_auth(studio, "review"))
    reviewed = _cli("adjudicate", str(export), "-o", str(gold), "--review", str(review),
                    "--queue", str(queue))
    assert "review: 1 decisions applied" in reviewed
    assert "queued for review: 0" in reviewed
    records = {r["sentence_id"]: r for r in map(json.loads, gold.open())}
    assert len(records) == 3
    assert records[tied]["stance"] == decision
    assert records[tied]["resolution"] == "review"
    assert [e["text"] for e in records[tied]["entities"]] == [ACCUSER]
    assert records[tied]["annotators"] == sorted(studio.annotators)
    assert json.loads(Path(queue).read_text()) == []
