"""Package list for setuptools: every package under each folder that package-dir maps.

`packages.find` in pyproject.toml can't prefix what it finds (`labeling/realnews` must become
`stancekit.labeling.realnews`), so each mapped root is searched here. Namespace discovery also
lists the corpus's data folders, which ship as package data.
"""

import tomllib
from pathlib import Path

from setuptools import find_namespace_packages, setup

ROOT = Path(__file__).resolve().parent
PACKAGE_DIR = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
    "tool"]["setuptools"]["package-dir"]
NOT_PACKAGES = ["__pycache__", "*.__pycache__"]

setup(packages=[f"{name}.{sub}" if sub else name for name, folder in PACKAGE_DIR.items()
                for sub in ["", *find_namespace_packages(ROOT / folder, exclude=NOT_PACKAGES)]])
