# starchart: every target builds the environment from requirements.lock when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.starchart-installed
UV_VERSION := 0.13.8

.PHONY: demo test lint bench env clean-env

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

env: $(STAMP)

## demo: simulate a streaming world, build its charts, show them and serve the site
demo: $(STAMP)
	$(BIN)/starchart demo

## test: the whole suite (DuckDB, Spark, browser); tests needing Java or Chromium say why they skip
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean-env:
	rm -rf $(VENV)
