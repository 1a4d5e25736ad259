# Two commands matter: `make demo` (set up + run the main job on the demo data)
# and `make test` (set up + run every test). Both create .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint workshop clean setup

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

setup: $(STAMP)

# Every demo organisation's report for the latest period, the overview, the fifteen dimension
# deep dives, summary.csv/.xlsx and an index; the last line printed is the index's path.
demo: $(STAMP)
	$(BIN)/engagecycle batch --period latest --dimensions all

test: lint
	$(BIN)/python -m pytest --nbval-lax tests notebooks

# The edit loop: every test that starts no browser and runs no notebook (about a minute;
# README "Tests"). `make test` before pushing.
test-fast: lint
	$(BIN)/python -m pytest -q -m "not browser and not notebook" tests

# What `make test` checks before it runs a test (and .pre-commit-config.yaml runs the same):
# lint and format, and the type checker on the pure core (the files in pyproject's [tool.mypy]).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

workshop: $(STAMP)
	$(BIN)/engagecycle workshop $(ORG) $(PERIOD)

clean:
	rm -rf outputs/* .pytest_cache
	@touch outputs/.gitkeep
