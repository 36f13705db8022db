"""Shared fixtures: a real Label Studio server from a once-migrated data dir, PostgreSQL."""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

from stancekit.labeling.server import (
    LabelStudioServer,
    ServerError,
    executable,
    free_port,
    migrate,
)

ANNOTATORS = ("annotator1@stancekit.test", "annotator2@stancekit.test")


@dataclass
class Studio:
    """A running Label Studio: its URL, admin API key and client, and two annotators' ids."""

    server: LabelStudioServer
    client: Any
    annotators: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The server's base URL."""
        return self.server.url

    @property
    def api_key(self) -> str:
        """The admin's API token."""
        return self.server.token


@pytest.fixture(scope="session")
def studio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Label Studio data dir with a migrated database and no users, made once per session."""
    try:
        executable()
    except ServerError as e:
        pytest.skip(str(e))
    # A guard against a hung process, not a duration check: on a loaded machine the first
    # migration of a fresh venv has taken over 300 s.
    return migrate(tmp_path_factory.mktemp("studio-template"), timeout=1200)


@pytest.fixture
def studio_data_dir(studio_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the migrated data dir, for a server a test starts itself."""
    return Path(shutil.copytree(studio_template, tmp_path / "studio-data"))


@pytest.fixture(scope="module")
def studio(studio_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A server for one test module, with an admin and two annotator users."""
    from stancekit.labeling.studio import connect

    data_dir = tmp_path_factory.mktemp("studio") / "data"
    server = LabelStudioServer(data_dir, template_dir=studio_template).start()
    try:
        client = connect(server.url, server.token)
        ids = [client.users.create(username=email.split("@")[0], email=email).id
               for email in ANNOTATORS]
        yield Studio(server, client, ids)
    finally:
        server.stop()


def require_system(what: str, reason: str, install: str = "bash scripts/system-deps.sh"
                   ) -> NoReturn:
    """Skip a test whose system dependency is missing; fail it instead when ``CI`` is set."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI is set, so the {what} tests must run ({install} installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """The Debian Chromium binary, with Playwright importable to drive it."""
    executable = shutil.which("chromium")
    if executable is None:
        require_system("browser", "Chromium is not installed (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        require_system("browser", "Playwright is not installed (pip install playwright)")
    return executable


@dataclass
class Postgres:
    """A running throwaway PostgreSQL server with one empty database."""

    host: str
    port: int
    user: str
    password: str
    name: str

    @property
    def url(self) -> str:
        """The database URL, password included (keep it out of output)."""
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{self.name}"


def postgres_bin() -> Path | None:
    """The bin dir of the newest installed PostgreSQL server, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL cluster on 127.0.0.1 in a temporary dir, removed afterwards.

    As root the server runs as the ``postgres`` system user, which PostgreSQL requires.
    """
    bin_dir = postgres_bin()
    if bin_dir is None or not (bin_dir / "pg_ctl").exists():
        require_system("PostgreSQL", "PostgreSQL (initdb, pg_ctl) is not installed")
    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            require_system("PostgreSQL", "running as root needs a 'postgres' system user")
        as_user = ["runuser", "-u", "postgres", "--"]
    # Not under pytest's tmp dir: that is private to root, and the server may not be.
    root = Path(tempfile.mkdtemp(prefix="stancekit-pg-"))
    db = Postgres("127.0.0.1", free_port(), "stancekit", secrets.token_hex(16), "stancekit_test")
    password_file = root / "password"
    password_file.write_text(db.password + "\n", encoding="utf-8")
    if owner:
        for path in (root, password_file):
            os.chown(path, owner.pw_uid, owner.pw_gid)

    def run(*cmd: str | Path) -> None:
        proc = subprocess.run([*as_user, *map(str, cmd)], capture_output=True, text=True,
                              env=dict(os.environ, PGPASSWORD=db.password), check=False,
                              timeout=120)
        if proc.returncode:
            pytest.fail(f"{Path(cmd[0]).name} failed:\n{proc.stdout}{proc.stderr}")

    data = root / "data"
    try:
        run(bin_dir / "initdb", "-D", data, "-U", db.user, "--pwfile", password_file,
            "--auth", "scram-sha-256", "--no-locale", "--encoding", "UTF8", "--no-sync")
        run(bin_dir / "pg_ctl", "-D", data, "-l", root / "server.log", "-w", "-t", "60", "-o",
            f"-h {db.host} -p {db.port} -k {root} -c fsync=off", "start")
        run(bin_dir / "createdb", "-h", db.host, "-p", str(db.port), "-U", db.user, db.name)
        yield db
    finally:
        if (data / "postmaster.pid").exists():
            run(bin_dir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def seed_tasks() -> list[dict]:
    """Tasks with cue and gazetteer pre-annotations for the first sentences of a seed article."""
    from stancekit.labeling.corpus import read_corpus
    from stancekit.labeling.segment import segment_document
    from stancekit.labeling.tasks import build_tasks

    article = next(read_corpus(Path(__file__).parents[1] / "corpus" / "synthetic" /
                               "articles.jsonl"))
    return list(build_tasks(itertools.islice(segment_document(article), 2)))


@dataclass
class UpProcess:
    """A running `stancekit studio up`: the process, what it printed until ready, and after."""

    proc: subprocess.Popen
    output: str = ""
    rest: str = ""


@contextlib.contextmanager
def studio_up(*args: str) -> Iterator[UpProcess]:
    """Run `stancekit studio up ARGS` until it serves; stop it with Ctrl-C when the block ends."""
    stancekit = Path(sys.executable).parent / "stancekit"
    proc = subprocess.Popen([str(stancekit), "studio", "up", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    up = UpProcess(proc)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "Ctrl-C" in line:
                break
        up.output = "".join(lines)
        yield up
        os.kill(proc.pid, signal.SIGINT)
        up.rest, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
