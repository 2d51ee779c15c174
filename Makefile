# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e ".[test]"
	touch $@

run: $(VENV)/.installed
	$(BIN)/eligo import --bundled
	$(BIN)/eligo serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test
	./scripts/ensure-chromium.sh
	$(MAKE) lint typecheck
	ELIGO_TEST_DATABASE_URL="$$(./scripts/ensure-postgres.sh)" ELIGO_REQUIRE_POSTGRES=1 $(MAKE) pytest

lint:
	$(BIN)/ruff check src tests benchmarks

typecheck:
	$(BIN)/mypy src

pytest:
	$(BIN)/pytest -n 2 -q

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
