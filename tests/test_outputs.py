"""Outputs: staged, replaced together or not at all, never over an input or a foreign folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from stancekit.files import MARKER, InputError, Outputs, write_text

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "corpus" / "synthetic"
STANCEKIT = Path(sys.executable).parent / "stancekit"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under *folder* (hidden ones too) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def stancekit(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(STANCEKIT), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, check=False, timeout=300)


def test_outputs_are_replaced_together_or_not_at_all(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "sub" / "b.txt"
    write_text(a, "old a\n")
    with pytest.raises(RuntimeError), Outputs() as outputs:
        write_text(a, "new a\n", outputs)
        write_text(b, "new b\n", outputs)
        raise RuntimeError("the command fails after writing both")
    assert snapshot(tmp_path) == {"a.txt": b"old a\n"}
    with Outputs() as outputs:
        write_text(a, "new a\n", outputs)
        write_text(b, "new b\n", outputs)
    assert snapshot(tmp_path) == {"a.txt": b"new a\n", "sub/b.txt": b"new b\n"}


def test_a_failed_commit_restores_the_targets_already_replaced(tmp_path, monkeypatch):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    write_text(a, "old a\n")
    write_text(b, "old b\n")
    real_replace, failed = os.replace, []

    def replace(src, dst):
        if Path(dst) == b and not failed:
            failed.append(dst)
            raise OSError(5, "Input/output error", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError), Outputs() as outputs:
        write_text(a, "new a\n", outputs)
        write_text(b, "new b\n", outputs)
    monkeypatch.undo()
    assert snapshot(tmp_path) == {"a.txt": b"old a\n", "b.txt": b"old b\n"}


def test_a_folder_is_replaced_only_when_stancekit_wrote_everything_in_it(tmp_path):
    out = tmp_path / "out"
    with Outputs() as outputs:
        (outputs.folder(out) / "data.txt").write_text("1\n")
    assert (out / MARKER).read_text() == "data.txt\n"
    with Outputs() as outputs:
        (outputs.folder(out) / "data.txt").write_text("2\n")
    assert (out / "data.txt").read_text() == "2\n"
    (out / "notes.md").write_text("mine\n")
    before = snapshot(out)
    with pytest.raises(InputError, match="did not write there .notes.md"), Outputs() as outputs:
        outputs.folder(out)
    assert snapshot(out) == before


@pytest.mark.parametrize("setup, target, message", [
    (lambda d: (d / "in.txt").write_text("input\n"), "in.txt", "is also an input"),
    (lambda d: (d / "in.txt").mkdir(), "in.txt", "is a folder; give a file path"),
    (lambda d: (d / "f").write_text("x\n"), "f/out.txt", "f is a file, not a folder"),
])
def test_outputs_refuse_targets_before_writing(tmp_path, setup, target, message):
    setup(tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(InputError, match=message), Outputs([tmp_path / "in.txt"]) as outputs:
        outputs.file(tmp_path / target)
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in tmp_path.iterdir() if not p.name.endswith(".tmp"))


def put(folder: Path, files: dict[str, str], mode: int = 0o644) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
        (folder / name).chmod(mode)


def test_sigterm_during_segment_leaves_no_temporary_file(tmp_path):
    corpus = tmp_path / "big.jsonl"
    line = '{"id": "d%d", "text": "%s"}\n'
    corpus.write_text("".join(line % (i, "The minister said the talks failed. " * 200)
                              for i in range(3000)))
    proc = subprocess.Popen([str(STANCEKIT), "segment", str(corpus), "-o", "out.jsonl"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    while proc.poll() is None and not list(tmp_path.glob(".out.jsonl.*.tmp")):
        pass
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert "no output was replaced" in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl"]


def test_skops_files_are_byte_identical_across_processes(tmp_path):
    script = (
        "import sys\n"
        "from sklearn.feature_extraction.text import TfidfVectorizer\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.pipeline import make_pipeline\n"
        "from stancekit.baselines.persist import save_model\n"
        "texts = ['aa bb cc', 'bb cc dd', 'xx yy zz', 'yy zz ww'] * 5\n"
        "model = make_pipeline(TfidfVectorizer(), LogisticRegression(random_state=0))\n"
        "save_model(model.fit(texts, [0, 0, 1, 1] * 5), sys.argv[1])\n")
    for name in ("a.skops", "b.skops"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / name)], check=True)
    assert (tmp_path / "a.skops").read_bytes() == (tmp_path / "b.skops").read_bytes()


def test_a_failed_training_run_leaves_the_previous_results(tmp_path, monkeypatch):
    from test_baselines import make_dataset

    from stancekit.baselines import train as training

    out = tmp_path / "baselines"
    put(out, {"results.json": "{}\n"})
    (out / MARKER).write_text("results.json\n")
    before = snapshot(tmp_path / "baselines")
    dataset = make_dataset(tmp_path / "ds")
    saved, save = [], training.save_model

    def save_then_fail(model, path, *level):
        save(model, path, *level)
        saved.append(path)
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(training, "save_model", save_then_fail)
    with pytest.raises(OSError):
        training.train(dataset, out, folds=3, tiny=True, resamples=10, progress=False)
    assert saved and not saved[0].exists()
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["baselines", "ds"]
