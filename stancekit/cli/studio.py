"""The `stancekit studio` commands: run Label Studio, push tasks, pull exports."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Annotated

import typer

from stancekit.cli._app import app, fail, subcommands

studio_app = subcommands("Label sentences in Label Studio: config, local server, push, pull.")
app.add_typer(studio_app, name="studio")

DEFAULT_DATA_DIR = Path("studio-data")
DEFAULT_PROJECT = "stancekit"

ProjectOpt = Annotated[str, typer.Option("--project", help="Project title.")]
DataDirOpt = Annotated[Path, typer.Option(
    "--data-dir", help="Data dir of a server started by `studio up` (URL and token files).")]
UrlOpt = Annotated[str | None, typer.Option(
    "--url", help="Label Studio URL [default: $LABEL_STUDIO_URL, else the server in "
    "--data-dir].")]
OverlapOpt = Annotated[int | None, typer.Option(
    "--overlap", min=1, help="Annotators per overlapping task (project's maximum_annotations) "
    "[default: 2 for a new project, else unchanged].", show_default=False)]
OverlapPercentOpt = Annotated[int | None, typer.Option(
    "--overlap-percent", min=0, max=100, help="Share of tasks labeled by --overlap annotators, "
    "shown first [default: 20 for a new project, else unchanged].", show_default=False)]
KeyFileOpt = Annotated[Path | None, typer.Option(
    "--api-key-file", help="File holding the API key [default: $LABEL_STUDIO_API_KEY, "
    "$LABEL_STUDIO_API_KEY_FILE, or the token in --data-dir].")]


def _client(url: str | None, api_key_file: Path | None, data_dir: Path):
    """Connect with explicit options, else the environment, else a local `studio up` server."""
    from stancekit.labeling.server import TOKEN_FILE, URL_FILE, read_secret
    from stancekit.labeling.studio import StudioError, api_key_from_env, connect

    if api_key_file and not api_key_file.is_file():
        fail(f"{api_key_file}: no such file")
    try:
        key = read_secret(api_key_file) if api_key_file else api_key_from_env()
        url = url or os.environ.get("LABEL_STUDIO_URL")
        if not (key or url):
            if not (data_dir / URL_FILE).is_file():
                fail(f"no Label Studio to talk to: no server is running in {data_dir} (start "
                     "one with `stancekit studio up`), and neither --url nor LABEL_STUDIO_URL "
                     "is set")
            url, key = read_secret(data_dir / URL_FILE), read_secret(data_dir / TOKEN_FILE)
        return connect(url, key)
    except StudioError as e:
        fail(str(e))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@studio_app.command("config")
def config() -> None:
    """Print the Label Studio labeling config generated from the schema."""
    from stancekit.labeling.config import label_config

    typer.echo(label_config(), nl=False)


@studio_app.command("up")
def up(
    data_dir: Annotated[Path, typer.Option(help="Where the server keeps its SQLite database "
                                           "(unless --database), password and token.")]
    = DEFAULT_DATA_DIR,
    port: Annotated[int | None, typer.Option(help="Port on 127.0.0.1 [default: a free one].")]
    = None,
    project: ProjectOpt = DEFAULT_PROJECT,
    tasks: Annotated[Path | None, typer.Option(
        help="Tasks (JSON or JSONL) to import [default: none].")] = None,
    username: Annotated[str, typer.Option(help="Admin user's email.")] = "admin@stancekit.local",
    database: Annotated[str | None, typer.Option(
        help="PostgreSQL database, postgresql://user:password@host:port/name, instead of "
        "SQLite; or set DJANGO_DB=default and POSTGRE_HOST/PORT/USER/PASSWORD/NAME "
        "[default: SQLite in --data-dir].")] = None,
    overlap: OverlapOpt = None,
    overlap_percent: OverlapPercentOpt = None,
) -> None:
    """Start a local Label Studio with the stancekit project and wait; Ctrl-C stops it."""
    from stancekit.labeling.server import LabelStudioServer, ServerError, database_env
    from stancekit.labeling.studio import (
        StudioError,
        connect,
        ensure_project,
        overlap_summary,
        push,
        read_tasks,
    )

    task_list = read_tasks(tasks) if tasks else None
    try:
        extra_env = database_env(database) if database else None
    except ValueError as e:
        fail(f"--database: {e}")
    server = LabelStudioServer(data_dir, port=port, username=username, extra_env=extra_env)
    signal.signal(signal.SIGTERM, _interrupt)
    typer.echo(f"starting Label Studio in {server.data_dir} (the first start takes a while)")
    typer.echo(f"database:     {server.database}")
    try:
        with server:
            client = connect(server.url, server.token)
            proj = ensure_project(client, project, overlap, overlap_percent)
            if task_list is not None:
                counts = push(client, proj, task_list)
                typer.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))
            typer.echo(f"\nLabel Studio: {server.url}/projects/{proj.id}/data")
            typer.echo(f"overlap:      {overlap_summary(proj)}")
            typer.echo(f"username:     {server.username}")
            typer.echo(f"password:     in {server.password_file}")
            typer.echo(f"API token:    in {server.token_file}")
            typer.echo(f"log:          {server.log_file}")
            typer.echo(f"\nother shells: export LABEL_STUDIO_URL={server.url} "
                       f"LABEL_STUDIO_API_KEY_FILE={server.token_file}")
            typer.echo("press Ctrl-C to stop")
            while server.running:
                time.sleep(1)
            fail("Label Studio stopped unexpectedly:\n" + server.log_tail())
    except KeyboardInterrupt:
        typer.echo("\nLabel Studio stopped")
    except (ServerError, StudioError) as e:
        fail(str(e))


@studio_app.command("push")
def push_cmd(
    tasks: Annotated[Path, typer.Argument(help="Tasks (JSON list or JSONL) to import.")],
    project: ProjectOpt = DEFAULT_PROJECT,
    batch_size: Annotated[int, typer.Option(min=1, help="Tasks per import request.")] = 500,
    hide_stance: Annotated[bool, typer.Option(
        "--hide-stance", help="Leave the predicted stance out of the pre-annotations (entity "
        "spans and dyads stay), so annotators choose it unprompted.")] = False,
    overlap: OverlapOpt = None,
    overlap_percent: OverlapPercentOpt = None,
    url: UrlOpt = None,
    api_key_file: KeyFileOpt = None,
    data_dir: DataDirOpt = DEFAULT_DATA_DIR,
) -> None:
    """Import tasks whose sentence is not in the project yet (creates the project if needed)."""
    from stancekit.labeling.studio import (
        StudioError,
        ensure_project,
        overlap_summary,
        push,
        read_tasks,
        without_stance,
    )

    task_list = read_tasks(tasks)
    if hide_stance:
        task_list = without_stance(task_list)
    client = _client(url, api_key_file, data_dir)
    try:
        proj = ensure_project(client, project, overlap, overlap_percent)
        counts = push(client, proj, task_list, batch_size=batch_size)
    except StudioError as e:
        fail(str(e))
    typer.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))
    typer.echo(f"overlap: {overlap_summary(proj)}")


@studio_app.command("pull")
def pull_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="Export JSON file to write.")],
    project: ProjectOpt = DEFAULT_PROJECT,
    url: UrlOpt = None,
    api_key_file: KeyFileOpt = None,
    data_dir: DataDirOpt = DEFAULT_DATA_DIR,
) -> None:
    """Write a full JSON export of the project (annotations, predictions, relations)."""
    from stancekit.labeling.studio import StudioError, get_project, pull

    client = _client(url, api_key_file, data_dir)
    try:
        size = pull(client, get_project(client, project), output)
    except StudioError as e:
        fail(str(e))
    typer.echo(f"wrote {output} ({size / 1e6:.1f} MB)")


annotators_app = typer.Typer(help="Annotator accounts.", no_args_is_help=True)
studio_app.add_typer(annotators_app, name="annotators")


@annotators_app.command("add")
def annotators_add(
    emails: Annotated[list[str], typer.Argument(help="Email of each annotator.")],
    url: UrlOpt = None,
    api_key_file: KeyFileOpt = None,
    data_dir: DataDirOpt = DEFAULT_DATA_DIR,
) -> None:
    """Create annotator accounts; each gets a password and API token in DATA_DIR/annotators/."""
    from stancekit.files import Outputs
    from stancekit.labeling.annotators import (
        CREDENTIALS_DIR,
        ensure_users,
        set_credentials,
        write_credentials,
    )
    from stancekit.labeling.server import URL_FILE, read_secret

    client = _client(url, api_key_file, data_dir)
    users = ensure_users(client, emails)
    for email, (user_id, created) in users.items():
        typer.echo(f"{email}: user {user_id} ({'created' if created else 'already there'})")
    if not (data_dir / URL_FILE).is_file():
        fail(f"no server runs in {data_dir}, so the annotators have no password yet: give the "
             "--data-dir of `stancekit studio up`, or on the server run `label-studio "
             "reset_password --username EMAIL` for each")
    server_url = url or os.environ.get("LABEL_STUDIO_URL") or read_secret(data_dir / URL_FILE)
    credentials = set_credentials(data_dir, emails)
    with Outputs() as outputs:
        paths = {email: write_credentials(data_dir / CREDENTIALS_DIR, email, server_url, user_id,
                                          credentials[email], outputs)
                 for email, (user_id, _) in users.items()}
    for email, path in paths.items():
        typer.echo(f"{email}: log in at {server_url} with this email and the password in "
                   f"{path}; the API token for scripts is in the same file (owner-only)")
