# Alur: two commands do everything on a fresh machine — `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The English catalog, and click's words in Indonesian for the alur command, compiled
# from their .po (the .mo files are built here, never committed).
LOCALES := web/translations
MO := $(LOCALES)/en/LC_MESSAGES/messages.mo
CLICK_LOCALE := web/cli/locale
CLICK_MO := $(CLICK_LOCALE)/id/LC_MESSAGES/click.mo

.PHONY: install run test bench screenshots clean messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

$(MO): $(LOCALES)/en/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -d $(LOCALES)

$(CLICK_MO): $(CLICK_LOCALE)/id/LC_MESSAGES/click.po $(STAMP)
	$(BIN)/pybabel compile -D click -d $(CLICK_LOCALE)

install: $(STAMP) $(MO) $(CLICK_MO)

# After changing a user-facing text: extract the messages again, merge them into the .po,
# translate what is new or marked fuzzy there (tests/web/test_i18n.py checks both).
messages: $(STAMP)
	$(BIN)/pybabel extract -F web/babel.cfg -o $(LOCALES)/messages.pot \
		--project=Alur --copyright-holder=Alur --msgid-bugs-address=- web
	$(BIN)/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) --previous --ignore-obsolete

# A DEMO: migrate the SQLite database, deploy bpmn/, create the demo users (one shared
# password, ALUR_DEMO_PASSWORD, here "alur-demo" unless set), serve on :5000.
# An office installs with `alur setup` (no demo users; see README, "Akun").
run: export ALUR_DEMO = 1
run: export ALUR_DEMO_PASSWORD ?= alur-demo
run: install $(MO)
	$(BIN)/alur setup
	$(BIN)/alur demo-history
	$(BIN)/alur serve

# The layer contracts (import-linter, pyproject.toml) first, then the suite, one pytest
# process per core (pytest-xdist; every test has its own database, folder and ports).
test: install $(MO)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -n auto

# Issue 13's table through the real server, each figure next to its goal (tests/bench/table.py);
# needs the machine's PostgreSQL for the timers (a database of its own, dropped at the end).
bench: install $(MO)
	$(BIN)/python -m tests.bench

# Retake the README's screenshots (docs/screenshots/) from a real server in Chromium.
screenshots: install
	$(BIN)/python -m tests.screenshots

clean:
	rm -rf $(VENV) instance *.egg-info
