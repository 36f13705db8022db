#!/usr/bin/env bash
# Build the wheel, install it (not editable) in a fresh venv with the CI constraints, and run
# the CLI from a folder outside the repository: the bundled corpora must come from the wheel.
# The demo tests (tests/test_demo.py) run here, with the wheel's stancekit, not in editable mode.
# Usage: scripts/wheel-test.sh [PYTHON]   (builds the wheel and the venv; default python3)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${1:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

rm -rf "$repo/build"  # setuptools would reuse stale files left in build/lib
"$python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$repo"
wheel=("$work"/dist/stancekit-*.whl)
echo "wheel: $(basename "${wheel[0]}") ($(du -k "${wheel[0]}" | cut -f1) KB)"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --no-compile -c "$repo/constraints.txt" "${wheel[0]}"
echo "installed in a fresh venv in ${SECONDS} s"

cd "$work"
stancekit="$work/venv/bin/stancekit"
"$stancekit" --help > help.txt
grep -q "^  demo " help.txt
"$stancekit" --version | grep -qx "stancekit [0-9.]*"
"$stancekit" demo --help > /dev/null
# The demo tests (two demos side by side, a resume and a determinism check) run the wheel's CLI.
cd "$repo"
STANCEKIT_BIN="$stancekit" "$python" -m pytest -q -p no:cacheprovider tests/test_demo.py
echo "demo tests with the wheel's stancekit done at ${SECONDS} s"
echo "wheel test passed: stancekit installed from the wheel ran --help, --version and the demo tests"
