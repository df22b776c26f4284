# The commands CI runs (.ci/run installs a fresh .venv, then runs `make check`).
#   make check    everything CI checks: the suite, then the linters
#   make test     the suite (the README's test command)
#   make lint     ruff (lint and format check), mypy, the import contracts
#   make format   apply ruff format
VENV ?= .venv
BIN := $(VENV)/bin
PATHS := fleettui tests bench scripts

.PHONY: check test lint format

check: test lint

test:
	$(BIN)/python -m pytest -n 2

lint:
	$(BIN)/ruff check $(PATHS)
	$(BIN)/ruff format --check $(PATHS)
	$(BIN)/mypy
	$(BIN)/lint-imports

format:
	$(BIN)/ruff format $(PATHS)
