# Two commands a newcomer needs: `make run` (install and open the desk) and
# `make test` (install and run the tests).  Each makes its own virtual environment.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint install demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

run: install
	$(BIN)/deskclerk

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

test: $(VENV)/.test-deps
	$(BIN)/ruff check src tests
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -n 2 -q

lint: $(VENV)/.test-deps
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/python -m mypy

demo: install
	$(BIN)/deskclerk demo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
