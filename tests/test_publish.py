"""`stancekit publish`: the card checked locally, --dry-run lists files, the token kept secret."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from test_dataset import built  # noqa: F401  (the fixture: a dataset built from test exports)

STANCEKIT = [sys.executable, "-c", "from stancekit.cli import run; run()"]
TOKEN = "hf_stancekitTestTokenNeverPrinted"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def publish(tmp_path: Path, *args: str, token: str | None = TOKEN
            ) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_HOME=str(tmp_path / "hf-home"), HF_ENDPOINT=f"http://127.0.0.1:{closed_port()}")
    if token:
        env["HF_TOKEN"] = token
    return subprocess.run([*STANCEKIT, "publish", *args], env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def dataset(built) -> Path:  # noqa: F811
    return built[0] / "ds"


def test_dry_run_lists_the_files_and_their_sizes(dataset: Path, tmp_path: Path) -> None:
    done = publish(tmp_path, str(dataset), "--repo-id", "org/stance", "--dry-run")
    assert done.returncode == 0, done.stderr
    files = sorted(p.relative_to(dataset).as_posix() for p in dataset.rglob("*")
                   if p.is_file() and not p.name.startswith("."))
    assert "stance/train.parquet" in files and "README.md" in files
    for name in files:
        assert f"  {name}\n" in done.stdout
    assert f"{len(files)} files -> public dataset org/stance" in done.stdout
    assert "nothing uploaded" in done.stdout
    assert TOKEN not in done.stdout + done.stderr


@pytest.mark.parametrize(("edit", "message"), [
    (lambda card: card.replace("license: ", "licence: ", 1), "field 'license': no license set"),
    (lambda card: card.replace("stance/test.parquet", "stance/missing.parquet", 1),
     "config stance, field 'data_files': test: stance/missing.parquet matches no file"),
    (lambda card: card.replace("configs:", "configs: [", 1), "field 'YAML front matter'"),
])
def test_a_bad_card_exits_2_before_any_upload(dataset: Path, tmp_path: Path, edit, message
                                              ) -> None:
    card = dataset / "README.md"
    card.write_text(edit(card.read_text(encoding="utf-8")), encoding="utf-8")
    done = publish(tmp_path, str(dataset), "--repo-id", "org/stance")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "README.md" in done.stderr and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and TOKEN not in done.stdout + done.stderr


def test_a_missing_token_exits_2_without_the_network(dataset: Path, tmp_path: Path) -> None:
    done = publish(tmp_path, str(dataset), "--repo-id", "org/stance", token=None)
    assert done.returncode == 2
    assert "no Hugging Face token: set HF_TOKEN or run `hf auth login`" in done.stderr
    assert "uploading" not in done.stderr and done.stdout == ""


def test_an_unreachable_hub_exits_2_and_never_shows_the_token(dataset: Path, tmp_path: Path
                                                              ) -> None:
    done = publish(tmp_path, str(dataset), "--repo-id", "org/stance", "--private")
    assert done.returncode == 2
    assert "could not reach the Hub to upload to org/stance" in done.stderr
    assert "-> private dataset org/stance" in done.stdout
    assert TOKEN not in done.stdout + done.stderr and "Traceback" not in done.stderr


def test_bad_repo_ids_are_input_errors(dataset: Path, tmp_path: Path) -> None:
    for repo_id in ("no-org", "org/bad name"):
        done = publish(tmp_path, str(dataset), "--repo-id", repo_id, "--dry-run")
        assert done.returncode == 2 and "--repo-id" in done.stderr, done.stderr
