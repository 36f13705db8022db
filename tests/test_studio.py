"""Push, pull and annotate against a real Label Studio server."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import pytest
from conftest import studio_up
from label_studio_sdk.core.api_error import ApiError
from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.files import InputError, write_json, write_jsonl
from stancekit.labeling.config import CONTEXT_HTML, context_html, label_config
from stancekit.labeling.corpus import Document
from stancekit.labeling.export import parse_task
from stancekit.labeling.results import annotation_result
from stancekit.labeling.segment import segment_document
from stancekit.labeling.server import port_in_use
from stancekit.labeling.studio import (
    ensure_project,
    find_project,
    pull,
    push,
    read_tasks,
)
from stancekit.labeling.tasks import build_tasks, task_data
from stancekit.schema import SCHEMA

pytestmark = pytest.mark.studio

_titles = itertools.count()
ACCUSER, ACCUSED = "Russia", "Ukraine"
STANCE = SCHEMA.stances[1].name
ENTITY = SCHEMA.entity_types[2].name


def make_tasks(n: int, first: int = 0) -> list[dict]:
    """Tasks for *n* sentences of one-sentence-per-line articles, each with a prediction."""
    sentences = [f"{ACCUSER} accused {ACCUSED} of shelling village {i}." for i in
                 range(first, first + n)]
    doc = Document(f"doc{first}", "\n".join(sentences), title="Shelling", source="Wire")
    tasks = []
    for record in segment_document(doc):
        text = record["text"]
        entities = [{"start": text.index(name), "end": text.index(name) + len(name),
                     "text": name, "label": ENTITY} for name in (ACCUSER, ACCUSED)]
        result = annotation_result(STANCE, entities, [(0, 1)], prefix="p")
        tasks.append({"data": task_data(record),
                      "predictions": [{"model_version": "cues", "score": 0.5,
                                       "result": result}]})
    return tasks


@pytest.fixture
def project(studio):
    """A fresh project with the generated config."""
    return ensure_project(studio.client, f"test {next(_titles)}")


def _by_sentence(export: list[dict]) -> dict[str, dict]:
    return {t["data"]["sentence_id"]: t for t in export}


def test_server_accepts_generated_config(studio, project):
    client = studio.client
    assert client.projects.get(project.id).label_config.strip() == label_config().strip()
    client.projects.validate_label_config(project.id, label_config=label_config())
    broken = label_config().replace(f'toName="{SCHEMA.text_control}"', 'toName="nowhere"', 1)
    with pytest.raises(ApiError):
        client.projects.validate_label_config(project.id, label_config=broken)


def test_ensure_project_is_idempotent(studio, project):
    again = ensure_project(studio.client, project.title)
    assert again.id == project.id
    assert again.show_instruction
    assert "<h1>" in again.expert_instruction
    assert find_project(studio.client, project.title).id == project.id


def test_push_pull_round_trip_keeps_text_offsets_predictions(studio, project, tmp_path):
    # The tasks command's own pre-annotations too: stance, entities and a predicted dyad.
    doc = Document("pre", "Poland accused Russia of shelling Kharkiv.\nThe talks resumed.")
    built = list(build_tasks(segment_document(doc)))
    assert any(r["type"] == "relation" for r in built[0]["predictions"][0]["result"])
    tasks = make_tasks(5) + built
    assert push(studio.client, project, tasks)["imported"] == 7
    out = tmp_path / "export.json"
    pull(studio.client, project, out)
    exported = _by_sentence(json.loads(out.read_text(encoding="utf-8")))
    assert set(exported) == {t["data"]["sentence_id"] for t in tasks}
    for task in tasks:
        got = exported[task["data"]["sentence_id"]]
        assert got["data"] == {**task["data"], CONTEXT_HTML: context_html(task["data"])}
        assert [p["result"] for p in got["predictions"]] == [task["predictions"][0]["result"]]
        assert got["predictions"][0]["model_version"] == task["predictions"][0]["model_version"]
    # A prediction accepted as it is reads back as its dyad.
    got = exported[built[0]["data"]["sentence_id"]]
    accepted = {**got, "annotations": [{"id": 1, "completed_by": 1,
                                        "result": got["predictions"][0]["result"]}]}
    _, [(_, record, _)], _, _ = parse_task(accepted, out)
    assert [tuple(d[k]["text"] for k in SCHEMA.dyad_keys) for d in record["dyads"]] == [
        ("Poland", "Russia")]


def test_push_twice_adds_nothing_and_new_sentences_once(studio, project):
    tasks = make_tasks(20)
    first = push(studio.client, project, tasks, batch_size=7)
    assert first["imported"] == 20
    again = push(studio.client, project, tasks)
    assert again["imported"] == 0
    assert again["skipped"] == 20
    more = push(studio.client, project, tasks + make_tasks(10, first=20) + tasks[:3])
    assert more["imported"] == 10
    assert more["project_tasks"] == 30
    assert studio.client.projects.get(project.id).task_number == 30


def test_annotations_of_two_annotators_keep_relations(studio, project, tmp_path):
    tasks = make_tasks(2)
    push(studio.client, project, tasks)
    exported = _by_sentence(_pull(studio, project, tmp_path))
    task = exported[tasks[0]["data"]["sentence_id"]]
    text = task["data"]["text"]
    spans = [{"start": text.index(n), "end": text.index(n) + len(n), "text": n,
              "label": ENTITY} for n in (ACCUSER, ACCUSED)]
    results = {
        studio.annotators[0]: annotation_result(STANCE, spans, [(0, 1)], prefix="a"),
        studio.annotators[1]: annotation_result(STANCE, spans, [(1, 0)], prefix="b"),
    }
    for user, result in results.items():
        studio.client.annotations.create(id=task["id"], result=result, completed_by=user,
                                         lead_time=12.5)
    annotated = _by_sentence(_pull(studio, project, tmp_path))[task["data"]["sentence_id"]]
    got = {a["completed_by"]: a["result"] for a in annotated["annotations"]}
    assert got == results
    relations = [r for result in got.values() for r in result if r["type"] == "relation"]
    assert {(r["from_id"], r["to_id"], tuple(r["labels"])) for r in relations} == {
        ("a0", "a1", (SCHEMA.relation,)), ("b1", "b0", (SCHEMA.relation,))}


def test_bench_push_stage_imports_the_same_tasks_on_both_sides(studio):
    from stancekit.bench import time_push

    tasks = make_tasks(12, first=500)
    ours, peer, startup = time_push(studio.client, tasks)
    assert ours > 0 and peer > 0 and startup > 0
    counts = {p.title: p.task_number for p in studio.client.projects.list()
              if p.title.startswith("bench ")}
    assert counts == {"bench warm-up": 10, "bench push": 12, "bench raw": 12}


def _pull(studio, project, tmp_path: Path) -> list[dict]:
    out = tmp_path / "pulled.json"
    pull(studio.client, project, out)
    return json.loads(out.read_text(encoding="utf-8"))


def test_read_tasks_accepts_sentence_records_and_names_bad_records(tmp_path):
    records = [dict(t["data"], extra="dropped") for t in make_tasks(2)]
    write_jsonl(tmp_path / "s.jsonl", records)
    assert [t["data"] for t in read_tasks(tmp_path / "s.jsonl")] == [
        task_data(r) for r in records]
    write_json(tmp_path / "bad.json", [{"data": {"text": "no id"}}])
    with pytest.raises(InputError, match=r"bad\.json, task 1, field 'data\.sentence_id'"):
        read_tasks(tmp_path / "bad.json")


def test_cli_push_and_pull(studio, tmp_path):
    tasks_file = tmp_path / "tasks.json"
    write_json(tasks_file, make_tasks(4))
    auth = ["--url", studio.url, "--api-key-file", str(studio.server.token_file),
            "--project", "cli"]
    runner = CliRunner()
    first = runner.invoke(app, ["studio", "push", str(tasks_file), *auth])
    assert first.exit_code == 0, first.output
    assert "imported: 4" in first.output
    again = runner.invoke(app, ["studio", "push", str(tasks_file), *auth])
    assert "imported: 0" in again.output
    out = tmp_path / "out.json"
    pulled = runner.invoke(app, ["studio", "pull", "-o", str(out), *auth])
    assert pulled.exit_code == 0, pulled.output
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 4
    assert studio.api_key not in first.output + again.output + pulled.output


def test_cli_refuses_a_wrong_key(studio, tmp_path):
    key = tmp_path / "key"
    key.write_text("not-a-token\n")
    result = CliRunner().invoke(app, ["studio", "pull", "-o", str(tmp_path / "x.json"),
                                      "--url", studio.url, "--api-key-file", str(key)])
    assert result.exit_code == 2
    assert "API key was refused" in result.output


def test_cli_up_serves_project_hides_secrets_and_stops_on_interrupt(studio_data_dir, tmp_path):
    data_dir = studio_data_dir
    tasks_file = tmp_path / "tasks.json"
    write_json(tasks_file, make_tasks(3))
    with studio_up("--data-dir", str(data_dir), "--tasks", str(tasks_file), "--overlap", "3",
                   "--overlap-percent", "40") as up:
        output = up.output
        assert "imported: 3" in output, output
        assert "overlap:      3 annotators on 40% of tasks, shown first" in output
        assert data_dir.stat().st_mode & 0o777 == 0o700
        url = (data_dir / "server-url").read_text().strip()
        assert f"LABEL_STUDIO_URL={url}" in output
        assert str(data_dir / "api-token") in output
        for secret in ("api-token", "admin-password"):
            assert (data_dir / secret).stat().st_mode & 0o777 == 0o600
            assert (data_dir / secret).read_text().strip() not in output
            assert (data_dir / secret).read_text().strip() not in (data_dir / "server.log"
                                                                   ).read_text()
        for private in ("label_studio.sqlite3", ".env", "server.log"):
            assert (data_dir / private).stat().st_mode & 0o777 == 0o600
        pushed = CliRunner().invoke(app, ["studio", "push", str(tasks_file), "--data-dir",
                                          str(data_dir)], env={"LABEL_STUDIO_URL": None,
                                                               "LABEL_STUDIO_API_KEY": None,
                                                               "LABEL_STUDIO_API_KEY_FILE": None})
        assert "imported: 0" in pushed.output, pushed.output
    assert up.proc.returncode == 0, up.rest
    assert "stopped" in up.rest
    assert (data_dir / "api-token").read_text().strip() not in up.rest
    port = int(url.rsplit(":", 1)[1])
    deadline = time.monotonic() + 10
    while port_in_use("127.0.0.1", port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not port_in_use("127.0.0.1", port)


def test_a_failed_pull_deletes_its_export_snapshot(studio, project, tmp_path):
    (tmp_path / "out.json").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        pull(studio.client, project, tmp_path / "out.json")
    assert list(studio.client.projects.exports.list(project.id)) == []


def test_custom_schema_end_to_end(studio, tmp_path):
    """Five stances and three entity types: the server takes the config, and the annotations
    come back as a dataset and baselines labelled as the schema says."""
    from test_schema_file import custom_schema

    from stancekit.dataset.build import SCHEMA_FILE
    from stancekit.schema import BUNDLED, load_schema

    schema = custom_schema(tmp_path)
    stances = ["none", "accusation", "denial", "appeal", "threat"]
    templates = ["Rain fell in {c} as {p} travelled home.", "{p} accused {c} of shelling.",
                 "{p} denied that {c} had crossed the line.", "{p} urged {c} to talk.",
                 "{p} threatened {c} with strikes."]
    people, countries = ["Ivan Petrov", "Ana Silva", "Omar Haddad"], ["Kenya", "Peru", "Chad"]
    plan = [[(d + i) % 5 for i in range(5)] for d in range(10)]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"doc{d}", "title": f"T{d}", "text": " ".join(
        templates[s].format(p=people[(d + i) % 3], c=countries[(d + i) % 3])
        for i, s in enumerate(row))}) + "\n" for d, row in enumerate(plan)), encoding="utf-8")
    runner, opt = CliRunner(), ["--schema", str(schema)]
    auth = ["--url", studio.url, "--api-key-file", str(studio.server.token_file),
            "--project", "custom schema"]

    def run(*args: str) -> str:
        result = runner.invoke(app, [*opt, *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("segment", str(corpus), "-o", str(tmp_path / "s.jsonl"))
    run("tasks", str(tmp_path / "s.jsonl"), "-o", str(tmp_path / "tasks.json"))
    assert "imported: 50" in run("studio", "push", str(tmp_path / "tasks.json"), *auth)
    run("studio", "pull", "-o", str(tmp_path / "before.json"), *auth)
    config = studio.client.projects.get(find_project(studio.client, "custom schema").id)
    assert 'value="threat"' in config.label_config and "NORP" not in config.label_config
    for task in json.loads((tmp_path / "before.json").read_text(encoding="utf-8")):
        d, i = int(task["data"]["doc_id"][3:]), task["data"]["index"]
        text, p, c = task["data"]["text"], people[(d + i) % 3], countries[(d + i) % 3]
        ents = sorted(({"start": text.index(n), "end": text.index(n) + len(n), "text": n,
                        "label": label} for n, label in ((p, "PERSON"), (c, "GPE"))),
                      key=lambda e: e["start"])
        stance = stances[plan[d][i]]
        studio.client.annotations.create(
            id=task["id"], completed_by=studio.annotators[0],
            result=annotation_result(stance, ents, [] if stance == "none" else [(0, 1)]))
    export, ds = tmp_path / "export.json", tmp_path / "ds"
    run("studio", "pull", "-o", str(export), *auth)
    run("split", str(export), "-o", str(tmp_path / "splits.json"))
    run("build", str(export), "--splits", str(tmp_path / "splits.json"), "-o", str(ds))
    assert (ds / SCHEMA_FILE).read_text(encoding="utf-8") == schema.read_text(encoding="utf-8")
    card = (ds / "README.md").read_text(encoding="utf-8")
    assert "`threat`" in card and BUNDLED.sha256 not in card
    assert load_schema(schema).sha256 in card
    from datasets import load_dataset

    assert load_dataset(str(ds), "stance", split="train").features["stance"].names == stances
    out = run("baselines", "train", str(ds), "-o", str(tmp_path / "b"), "--quick", "--folds",
              "2", "--n-jobs", "1")
    assert "(best)" in out
    results = json.loads((tmp_path / "b" / "results.json").read_text(encoding="utf-8"))
    assert results["labels"] == stances
    bundled = runner.invoke(app, ["baselines", "train", str(ds), "-o", str(tmp_path / "c")])
    assert bundled.exit_code != 0 and "threat" in str(bundled.exception)
