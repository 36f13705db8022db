"""Shared fixtures: a real Label Studio server started from a once-migrated data dir."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from stancekit.labeling.server import LabelStudioServer, ServerError, executable, migrate

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
    return migrate(tmp_path_factory.mktemp("studio-template"))


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
