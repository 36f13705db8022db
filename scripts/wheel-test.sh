#!/usr/bin/env bash
# Build the wheel, install it (not editable) in a fresh venv with the CI constraints, and run
# the CLI from a folder outside the repository: the bundled corpora must come from the wheel.
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
if ! "$stancekit" demo --quick -o out > demo.log 2>&1; then
    tail -n 40 demo.log
    exit 1
fi
for file in export.json sentences.jsonl tasks.json label_config.xml agreement.md gold.jsonl \
            splits.json DATASHEET.md dataset/README.md dataset/stance/train.parquet \
            events.csv events.png baselines/results.json baselines/results.md; do
    [ -s "out/$file" ] || { echo "wheel test: out/$file missing or empty" >&2; exit 1; }
done
grep -q "| model |" demo.log
echo "demo --quick from the wheel done at ${SECONDS} s"
echo "wheel test passed: stancekit installed from the wheel ran --help, --version and demo"
