# One entry point for a fresh machine: `make serve` runs the service, `make test` runs the tests.
# Both create the virtual environment in .venv first, from pyproject.toml alone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: venv test lint serve tck bench clean

$(BIN)/tablerx: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/tablerx

venv: $(BIN)/tablerx

test: venv
	scripts/run-tests.sh

serve: venv
	$(BIN)/tablerx serve --drafts

tck: venv
	$(BIN)/tablerx tck ../shared/tck

bench: venv
	$(BIN)/python benchmarks/engine_latency.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
