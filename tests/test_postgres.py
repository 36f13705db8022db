"""Label Studio on PostgreSQL: `studio up --database`, push, annotate, pull."""

from __future__ import annotations

import json

import pytest
from conftest import studio_up
from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.files import write_json
from stancekit.labeling.results import annotation_result
from stancekit.labeling.server import (
    DATABASE_FILE,
    TOKEN_FILE,
    LabelStudioServer,
    ServerError,
    database_env,
    executable,
    migrate,
)
from stancekit.schema import SCHEMA

NO_CLIENT_ENV = {"LABEL_STUDIO_URL": None, "LABEL_STUDIO_API_KEY": None,
                 "LABEL_STUDIO_API_KEY_FILE": None}


def test_database_url_becomes_label_studio_env():
    env = database_env("postgresql://ann%40lab:p%3Ass%2Fw0rd@db.example.org:6543/stance")
    assert env == {"DJANGO_DB": "default", "POSTGRE_HOST": "db.example.org",
                   "POSTGRE_PORT": "6543", "POSTGRE_USER": "ann@lab",
                   "POSTGRE_PASSWORD": "p:ss/w0rd", "POSTGRE_NAME": "stance"}
    assert database_env("postgres://u:pw@localhost/ls")["POSTGRE_PORT"] == "5432"


def test_server_names_its_database_and_masks_the_password(monkeypatch, tmp_path):
    assert LabelStudioServer(tmp_path).database == str(tmp_path / DATABASE_FILE)
    for name, value in {"DJANGO_DB": "default", "POSTGRE_HOST": "db", "POSTGRE_USER": "ls",
                        "POSTGRE_PASSWORD": "s3cret", "POSTGRE_NAME": "stance"}.items():
        monkeypatch.setenv(name, value)
    from_env = LabelStudioServer(tmp_path)
    assert from_env.database == "postgresql://ls@db:5432/stance"
    from_env.log_file.write_text("FATAL: password s3cret refused\n", encoding="utf-8")
    assert from_env.log_tail() == "FATAL: password *** refused"
    from_url = LabelStudioServer(tmp_path, extra_env=database_env("postgresql://u:0ther@h/db"))
    assert from_url.database == "postgresql://u@h:5432/db"
    from_url.log_file.write_text("FATAL: password 0ther refused\n", encoding="utf-8")
    assert from_url.log_tail() == "FATAL: password *** refused"


@pytest.mark.parametrize("url", ["mysql://u:s3cret@h/db", "postgresql://u:s3cret@h:port/db",
                                 "postgresql://u:s3cret@h:5432/", "postgresql://h/db",
                                 "postgresql://u:s3cret@h/db?sslmode=require"])
def test_cli_refuses_a_bad_database_url_without_showing_the_password(url, tmp_path):
    result = CliRunner().invoke(app, ["studio", "up", "--data-dir", str(tmp_path),
                                      "--database", url])
    assert result.exit_code == 2
    assert "--database" in result.output
    assert "s3cret" not in result.output


@pytest.mark.postgres
@pytest.mark.studio
def test_round_trip_on_postgresql(postgres, seed_tasks, tmp_path):
    try:
        executable()
    except ServerError as e:
        pytest.skip(str(e))
    data_dir = tmp_path / "studio-data"
    # `studio up` would migrate too, but within its start timeout; migrating first is quicker
    # to fail with the migration's own log when PostgreSQL refuses.
    migrate(data_dir, database_env(postgres.url))
    tasks_file = tmp_path / "tasks.json"
    write_json(tasks_file, seed_tasks)
    with studio_up("--data-dir", str(data_dir), "--database", postgres.url,
                   "--tasks", str(tasks_file)) as up:
        output = up.output
        assert f"imported: {len(seed_tasks)}" in output, output
        assert (f"database:     postgresql://{postgres.user}@{postgres.host}:{postgres.port}"
                f"/{postgres.name}") in output
        assert postgres.password not in output
        assert not (data_dir / DATABASE_FILE).exists()

        runner = CliRunner()
        auth = ["--data-dir", str(data_dir)]
        exported = tmp_path / "before.json"
        pulled = runner.invoke(app, ["studio", "pull", "-o", str(exported), *auth],
                               env=NO_CLIENT_ENV)
        assert pulled.exit_code == 0, pulled.output
        task = json.loads(exported.read_text(encoding="utf-8"))[0]
        text = task["data"]["text"]
        entities = [{k: r["value"][k] for k in ("start", "end", "text")}
                    | {"label": r["value"]["labels"][0]}
                    for r in task["predictions"][0]["result"] if r["type"] == "labels"][:2]
        result = annotation_result(SCHEMA.stances[1].name, entities, [(0, 1)], prefix="a")

        from stancekit.labeling.studio import connect

        url = (data_dir / "server-url").read_text(encoding="utf-8").strip()
        client = connect(url, (data_dir / TOKEN_FILE).read_text(encoding="utf-8").strip())
        user = client.users.create(username="annotator", email="annotator@stancekit.test").id
        client.annotations.create(id=task["id"], result=result, completed_by=user, lead_time=3.0)

        after = tmp_path / "after.json"
        pulled = runner.invoke(app, ["studio", "pull", "-o", str(after), *auth],
                               env=NO_CLIENT_ENV)
        assert pulled.exit_code == 0, pulled.output
        by_id = {t["id"]: t for t in json.loads(after.read_text(encoding="utf-8"))}
        assert len(by_id) == len(seed_tasks)
        [annotation] = by_id[task["id"]]["annotations"]
        assert annotation["completed_by"] == user
        assert annotation["result"] == result
        for item in annotation["result"]:
            if item["type"] == "labels":
                assert text[item["value"]["start"]:item["value"]["end"]] == item["value"]["text"]
        assert _count(postgres, "task_completion") == 1
    assert up.proc.returncode == 0, up.rest
    assert postgres.password not in up.rest


def _count(postgres, table: str) -> int:
    """Rows in a table of the PostgreSQL database, read directly, not through Label Studio."""
    import psycopg

    with psycopg.connect(postgres.url) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
