"""The Python API: docs/api.md runs as written, and `import stancekit` stays light."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import stancekit

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)


def test_the_walkthrough_runs_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture) -> None:
    for name, value in {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
                        "HF_HOME": str(tmp_path / "hf")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("datasets.config.HF_DATASETS_CACHE", tmp_path / "hf" / "datasets")
    monkeypatch.chdir(tmp_path)
    assert len(BLOCKS) >= 7
    namespace: dict = {}
    for i, code in enumerate(BLOCKS):
        exec(compile(code, f"{DOC.name} block {i + 1}", "exec"), namespace)
    out = capsys.readouterr().out
    assert (tmp_path / "tasks.json").is_file() and (tmp_path / "dataset" / "README.md").is_file()
    assert "['none', 'accusation', 'denial', 'appeal']" in out
    assert namespace["frame"]["stance"].isin(["none", "accusation", "denial", "appeal"]).all()
    assert len(namespace["plan"].files) >= 7


def test_every_stage_is_a_typed_documented_function() -> None:
    for name in stancekit.__all__:
        if name == "__version__":
            continue
        fn = getattr(stancekit, name)
        assert callable(fn) and name in dir(stancekit), name
        doc = inspect.getdoc(fn)
        assert doc and "\n" not in doc.split("\n\n")[0], name  # a one-line summary first
        assert inspect.signature(fn).return_annotation is not inspect.Signature.empty, name
    with pytest.raises(AttributeError):
        stancekit.no_such_stage  # noqa: B018


def test_import_stancekit_is_light() -> None:
    code = "import sys, stancekit; print(sorted({'datasets', 'sklearn', 'pandas', 'typer'} & " \
           "set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
