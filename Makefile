# Alur: two commands do everything on a fresh machine — `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Migrate the SQLite database, deploy bpmn/, create the demo users, serve on :5000.
run: install
	$(BIN)/alur setup
	$(BIN)/alur serve

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m tests.bench.complete_task
	$(BIN)/python -m tests.bench.inbox
	$(BIN)/python -m tests.bench.timers_postgres

clean:
	rm -rf $(VENV) instance *.egg-info
