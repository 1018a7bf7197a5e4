# Khronika: set-up, demo, tests, benchmark.
#   make demo    venv + install + ingest the sample corpus + print the case timelines
#   make test    venv + install with test extras + pytest (SQLite, then every test that opens a store again on PostgreSQL)
#   make test-sqlite / make test-postgres   one half of it
#   make bench   extraction benchmark (bench/extract.py; BENCH_ARGS="--quick" for a smoke run)
#   make clean   remove generated files (databases, caches, build output); keeps .venv
#   make distclean   clean, and remove .venv too
#
# PYTHON picks the interpreter the venv is made from (default python3, >= 3.11).
# Installation is recorded in stamp files inside .venv: a re-run installs nothing
# unless pyproject.toml changed (or .venv was removed).

PYTHON ?= python3
VENV   ?= .venv
DB     ?= khronika.db
CORPUS ?= corpus/
BENCH_ARGS ?=

BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --no-input
STAMP_BASE := $(VENV)/.khronika-installed
STAMP_TEST := $(VENV)/.khronika-installed-test

.PHONY: all demo test test-sqlite test-postgres bench venv install install-test clean distclean

all: test

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

venv: $(BIN)/python

$(STAMP_BASE): pyproject.toml | $(BIN)/python
	$(PIP) install -q -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(PIP) install -q -e '.[test]'
	touch $@ $(STAMP_BASE)

install: $(STAMP_BASE)

install-test: $(STAMP_TEST)

demo: $(STAMP_BASE)
	$(BIN)/khronika ingest $(CORPUS) --db $(DB)
	$(BIN)/khronika timeline --db $(DB)

# The tests that open a store, run a second time with every store on a
# throwaway PostgreSQL server (tests/conftest.py, tests/pgserver.py).
PG_TESTS ?= tests/test_store.py tests/test_search.py tests/test_casework_store.py tests/test_web_api.py \
	tests/test_publish.py tests/test_alerts.py tests/test_watch.py tests/test_place_country.py \
	tests/test_demo_timeline.py tests/test_cli.py tests/test_delivery_once.py tests/test_resolve_index.py \
	tests/test_withholding.py tests/test_settings_store.py tests/test_pagination.py \
	tests/test_casefile_encryption.py tests/test_review_store.py tests/test_review_api.py \
	tests/test_web_browser.py tests/test_review_browser.py tests/test_publish_browser.py \
	tests/test_publish_citations.py tests/test_page_language.py tests/test_bombs.py tests/test_readers_hostile.py

test: $(STAMP_TEST)
	@status=0; \
	$(BIN)/python -m pytest -q || status=$$?; \
	echo "== the store tests again on PostgreSQL (KHRONIKA_TEST_DB=postgresql)"; \
	KHRONIKA_TEST_DB=postgresql $(BIN)/python -m pytest -q $(PG_TESTS) || status=$$?; \
	exit $$status

test-sqlite: $(STAMP_TEST)
	$(BIN)/python -m pytest -q

test-postgres: $(STAMP_TEST)
	KHRONIKA_TEST_DB=postgresql $(BIN)/python -m pytest -q $(PG_TESTS)

bench: $(STAMP_BASE)
	$(BIN)/python bench/extract.py $(BENCH_ARGS)

clean:
	rm -rf build/ dist/ *.egg-info .pytest_cache .ruff_cache out.json bench/results/ test-artifacts/
	rm -f $(DB) $(DB)-* *.db *.db-*
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
