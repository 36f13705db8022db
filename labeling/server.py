"""A local Label Studio server run as a child process, started without prompts."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from stancekit.files import StageError

TOKEN_FILE = "api-token"
PASSWORD_FILE = "admin-password"
LOG_FILE = "server.log"
URL_FILE = "server-url"
DATABASE_FILE = "label_studio.sqlite3"
# Files in the data dir that hold secrets or data: readable by their owner only.
PRIVATE_FILES = (DATABASE_FILE, *(f"{DATABASE_FILE}-{end}" for end in ("journal", "wal", "shm")),
                 ".env", LOG_FILE, TOKEN_FILE, PASSWORD_FILE)
DEFAULT_USERNAME = "admin@stancekit.local"
# Plain names Label Studio also reads; they would override the LABEL_STUDIO_ forms we set.
_PLAIN_ENV = ("USERNAME", "PASSWORD", "HOST", "PORT", "USER_TOKEN", "BASE_DATA_DIR")
DATABASE_SCHEMES = ("postgresql", "postgres")
DEFAULT_DATABASE_PORT = 5432


class ServerError(StageError):
    """Label Studio did not start or stop as expected."""


def executable() -> str:
    """The path of the ``label-studio`` executable, beside this Python first."""
    beside = Path(sys.executable).parent / "label-studio"
    found = str(beside) if beside.exists() else shutil.which("label-studio")
    if not found:
        raise ServerError("the label-studio executable is not installed "
                          "(pip install 'stancekit[studio]')")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on *host* right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on *host*:*port*."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex((host, port)) == 0


def read_secret(path: Path) -> str | None:
    """The stripped content of a secret file, or None when it does not exist."""
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


def write_secret(path: Path, value: str) -> None:
    """Write a secret to a file only its owner can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(value + "\n")
    os.chmod(path, 0o600)


def restrict(data_dir: Path) -> None:
    """Make the data dir 0700 and its database, secret and log files 0600."""
    os.chmod(data_dir, 0o700)
    for name in PRIVATE_FILES:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(data_dir / name, 0o600)


def _private_log(path: Path) -> BinaryIO:
    """Open the server log for appending, created readable by its owner only."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab")


def database_env(url: str) -> dict[str, str]:
    """Label Studio's PostgreSQL settings for ``postgresql://user:password@host:port/name``.

    Errors never quote the URL, so the password stays out of messages.
    """
    parts = urlsplit(url)
    if parts.scheme not in DATABASE_SCHEMES:
        raise ValueError("the database URL must start with postgresql://")
    try:
        port = parts.port or DEFAULT_DATABASE_PORT
    except ValueError:
        raise ValueError("the database URL has a port that is not a number") from None
    name = unquote(parts.path.lstrip("/"))
    if not (parts.username and parts.hostname and name) or "/" in name:
        raise ValueError("the database URL must look like "
                         "postgresql://user:password@host:port/name")
    if parts.query or parts.fragment:
        raise ValueError("the database URL takes no ?options; set libpq variables "
                         "such as PGSSLMODE in the environment instead")
    return {
        "DJANGO_DB": "default",
        "POSTGRE_HOST": parts.hostname,
        "POSTGRE_PORT": str(port),
        "POSTGRE_USER": unquote(parts.username),
        "POSTGRE_PASSWORD": unquote(parts.password or ""),
        "POSTGRE_NAME": name,
    }


def migrate(data_dir: Path | str, extra_env: dict[str, str] | None = None,
            timeout: float = 300.0) -> Path:
    """Create a data dir with a migrated database and no users, to copy as a template."""
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    restrict(data_dir)
    env = base_env(data_dir, extra_env)
    log = data_dir / LOG_FILE
    with _private_log(log) as out:
        # Every label-studio command applies pending migrations first; `version` does nothing else.
        proc = subprocess.run([executable(), "version"], env=env, stdout=out,
                              stderr=subprocess.STDOUT, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise ServerError(f"label-studio migrations failed (exit {proc.returncode}):\n"
                          + _tail(log, hide=_env_secrets(env)))
    restrict(data_dir)
    return data_dir


def base_env(data_dir: Path, extra_env: dict[str, str] | None) -> dict[str, str]:
    """The environment of a label-studio command on the data dir *data_dir*."""
    env = {k: v for k, v in os.environ.items() if k not in _PLAIN_ENV}
    env.update(
        LABEL_STUDIO_BASE_DATA_DIR=str(data_dir),
        LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true",
        LABEL_STUDIO_LATEST_VERSION_CHECK="false",
        LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK="true",
        COLLECT_ANALYTICS="false",
        # Empty DSNs turn off the error reports Label Studio sends to its makers' Sentry.
        LABEL_STUDIO_SENTRY_DSN="",
        LABEL_STUDIO_FRONTEND_SENTRY_DSN="",
    )
    env.update(extra_env or {})
    return env


def _env_secrets(env: dict[str, str]) -> tuple[str, ...]:
    """The database passwords in a server environment, to mask in logs."""
    return tuple(v for k, v in env.items() if k.endswith("_PASSWORD") and v)


def _tail(path: Path, lines: int = 30, hide: tuple[str, ...] = (), offset: int = 0) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            text = f.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return "(no server log)"
    for secret in filter(None, hide):
        text = text.replace(secret, "***")
    return "\n".join(text.splitlines()[-lines:])


class LabelStudioServer:
    """Start Label Studio on 127.0.0.1 with an admin user and API token; stop it on exit.

    The token and password are kept in 0600 files in the data dir (``api-token``,
    ``admin-password``) and reused on the next start; they are never printed. The data dir is
    0700, its database, ``.env`` (Django's secret key) and log 0600, and the error reports Label
    Studio would send to Sentry are turned off. Label Studio
    applies them only when it creates the admin, so a data dir keeps its first credentials.
    """

    def __init__(
        self,
        data_dir: Path | str,
        port: int | None = None,
        username: str = DEFAULT_USERNAME,
        password: str | None = None,
        token: str | None = None,
        host: str = "127.0.0.1",
        extra_env: dict[str, str] | None = None,
        template_dir: Path | str | None = None,
        timeout: float = 180.0,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.host = host
        self.username = username
        self.extra_env = dict(extra_env or {})
        self.template_dir = Path(template_dir) if template_dir else None
        self.timeout = timeout
        self._password = password
        self._token = token
        self.process: subprocess.Popen | None = None
        self._log_offset = 0

    @property
    def url(self) -> str:
        """The base URL of the running server."""
        return f"http://{self.host}:{self.port}"

    @property
    def token_file(self) -> Path:
        """The 0600 file holding the admin's API token."""
        return self.data_dir / TOKEN_FILE

    @property
    def password_file(self) -> Path:
        """The 0600 file holding the admin's password."""
        return self.data_dir / PASSWORD_FILE

    @property
    def log_file(self) -> Path:
        """The server's combined stdout and stderr."""
        return self.data_dir / LOG_FILE

    @property
    def url_file(self) -> Path:
        """The file holding the URL while the server runs, for clients on the same machine."""
        return self.data_dir / URL_FILE

    @property
    def database(self) -> str:
        """Where the server keeps its data, as Label Studio will read it; never a password."""
        env = base_env(self.data_dir, self.extra_env)

        def setting(name: str, default: str) -> str:
            return env.get(f"LABEL_STUDIO_{name}", env.get(name, default))

        kind = setting("DJANGO_DB", "sqlite")
        if kind == "sqlite":
            return str(Path(setting("DATABASE_NAME", str(self.data_dir / DATABASE_FILE))))
        if kind not in ("default", "postgresql"):
            return kind
        return (f"postgresql://{setting('POSTGRE_USER', 'postgres')}"
                f"@{setting('POSTGRE_HOST', 'localhost')}:"
                f"{setting('POSTGRE_PORT', str(DEFAULT_DATABASE_PORT))}"
                f"/{setting('POSTGRE_NAME', 'postgres')}")

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self.process is not None and self.process.poll() is None

    @property
    def token(self) -> str:
        """The admin's API token (keep it out of logs and output)."""
        if self._token is None:
            raise ServerError("the server has not been started")
        return self._token

    def _prepare(self) -> None:
        if self.template_dir and not (self.data_dir / DATABASE_FILE).exists():
            shutil.copytree(self.template_dir, self.data_dir, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(LOG_FILE, URL_FILE, TOKEN_FILE,
                                                          PASSWORD_FILE))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        restrict(self.data_dir)
        for attr, path in (("_token", self.token_file), ("_password", self.password_file)):
            stored = read_secret(path)
            value = getattr(self, attr) or stored or secrets.token_hex(20)
            setattr(self, attr, value)
            if stored != value:
                write_secret(path, value)

    def start(self) -> LabelStudioServer:
        """Start the server and wait until ``/health`` answers on its port."""
        if self.process is not None:
            raise ServerError("the server is already running")
        self._prepare()
        if self.port is None:
            self.port = free_port(self.host)
        elif port_in_use(self.host, self.port):
            raise ServerError(f"port {self.port} on {self.host} is already in use")
        env = base_env(self.data_dir, self.extra_env)
        env.update(
            LABEL_STUDIO_USERNAME=self.username,
            LABEL_STUDIO_PASSWORD=self._password,
            LABEL_STUDIO_USER_TOKEN=self._token,
        )
        cmd = [executable(), "start", "--no-browser", "--internal-host", self.host,
               "--port", str(self.port)]
        with _private_log(self.log_file) as log:
            self._log_offset = log.tell()
            self.process = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        restrict(self.data_dir)
        self.url_file.write_text(self.url + "\n", encoding="utf-8")
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                raise ServerError(f"label-studio exited with status {code} while starting:\n"
                                  + self.log_tail())
            tail = self.log_tail()
            if "is in use" in tail:
                raise ServerError(f"port {self.port} was taken while label-studio started:\n"
                                  + tail)
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise ServerError(f"label-studio did not answer on {self.url}/health within "
                          f"{self.timeout:.0f} s:\n" + self.log_tail())

    def log_tail(self, lines: int = 30) -> str:
        """The last lines this run wrote to the server log, with the secrets masked."""
        hide = (self._token or "", self._password or "",
                *_env_secrets(base_env(self.data_dir, self.extra_env)))
        return _tail(self.log_file, lines, hide=hide, offset=self._log_offset)

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the server's process group: SIGTERM, then SIGKILL after *timeout* seconds."""
        proc, self.process = self.process, None
        if proc is None:
            return
        self.url_file.unlink(missing_ok=True)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout)
                break
            except subprocess.TimeoutExpired:
                continue
        # Children that ignored SIGTERM after the leader exited.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    def __enter__(self) -> LabelStudioServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
