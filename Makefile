# Quick start: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB := $(CURDIR)/demo/irocli-demo.db
STAMP := $(VENV)/.installed

.PHONY: demo test venv lint bench clean docs

# migrations/ ships as irocli.migrations from outside src/, so setuptools installs the editable
# package with a meta path finder and announces it: nothing there for a user to act on.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	rm -rf demo && mkdir -p demo
	$(BIN)/irocli --db $(DEMO_DB) init --profile blackpool
	$(BIN)/irocli --db $(DEMO_DB) import native sample_data --shift-to today
	$(BIN)/irocli --db $(CURDIR)/demo/irocli-903.db init --profile england
	$(BIN)/irocli --db $(CURDIR)/demo/irocli-903.db import ssda903 sample_data/ssda903
	COLUMNS=$${COLUMNS:-120} $(BIN)/irocli --db $(DEMO_DB) due

# The tests start a throwaway PostgreSQL cluster themselves (tests/pgcluster.py) from Debian's
# postgresql package, installed here when missing; IROCLI_TEST_PG=require makes its absence a failure.
test: $(STAMP)
	command -v chromium >/dev/null || (command -v apt-get >/dev/null && (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1) || true
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null || (command -v apt-get >/dev/null && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1) || true
	IROCLI_TEST_PG=require $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

# docs/cli.md is Typer's own reference of the app (tests/test_docs.py fails when it is stale).
docs: $(STAMP)
	$(BIN)/typer irocli.cli.root utils docs --name irocli --output docs/cli.md

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) demo bench-data
