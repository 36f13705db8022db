"""Paths of the data shipped with stancekit, in the repository or an installed wheel."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_folder(package: str) -> Path:
    """The folder holding a package's data files (a real folder: wheels install unzipped)."""
    return Path(str(files(package)))


CORPUS = package_folder("stancekit.corpus")
REAL = CORPUS / "real"
SYNTHETIC = CORPUS / "synthetic"
DATASHEET = CORPUS / "DATASHEET.md"
MANIFESTS = package_folder("stancekit.splits")
