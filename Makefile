# Commsplan: `make run` starts the app with demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STATIC := commsplan/static
GOVUK := frontend/node_modules/govuk-frontend/dist/govuk
HOST ?= 127.0.0.1
PORT ?= 5000
# The address people open the app at: feed addresses, event links and emails are built from it, so
# `make run` gives it to the web app and the scheduler alike (set it to override, e.g. behind a proxy).
COMMSPLAN_BASE_URL ?= http://$(HOST):$(PORT)
POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# pytest processes (pytest-xdist); each has its own SQLite file or PostgreSQL schema. 0 runs in-process.
TEST_WORKERS ?= 2

.PHONY: run test setup database lint test-python test-postgres chromium java bench clean

# The web app and the scheduler run side by side; Ctrl-C (or either one ending) stops both.
run: setup database
	@echo
	@echo "Commsplan is starting at http://$(HOST):$(PORT)/  (Ctrl-C stops it and the scheduler)"
	@$(FLASK) demo accounts
	@echo
	@trap 'kill $$(jobs -p) 2>/dev/null; wait' INT TERM EXIT; \
	  COMMSPLAN_BASE_URL='$(COMMSPLAN_BASE_URL)' $(FLASK) scheduler run & \
	  COMMSPLAN_BASE_URL='$(COMMSPLAN_BASE_URL)' $(FLASK) run --host $(HOST) --port $(PORT) & \
	  wait -n

test: setup chromium java lint test-python

setup: $(VENV)/.installed $(STATIC)/govuk-frontend.min.css

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

$(STATIC)/govuk-frontend.min.css: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	cp -r $(GOVUK)/assets/. $(STATIC)/
	cp $(GOVUK)/govuk-frontend.min.css $(GOVUK)/govuk-frontend.min.css.map \
	   $(GOVUK)/govuk-frontend.min.js $(GOVUK)/govuk-frontend.min.js.map $(STATIC)/
	touch $@

database: setup
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty --commit

chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's Chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

# The Nu HTML Checker (npm vnu-jar) that tests/core/test_valid_html.py runs needs a Java runtime.
java:
	@command -v java >/dev/null || { \
	  echo "Installing Debian's Java runtime for the HTML checker"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }

lint: setup
	$(BIN)/ruff check commsplan tests bench wsgi.py
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(FLASK) playbooks check

test-python: setup
	$(BIN)/pytest -n $(TEST_WORKERS)

test-postgres: setup chromium java
	COMMSPLAN_TEST_DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -n $(TEST_WORKERS)

bench: setup
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) frontend/node_modules $(STATIC)/fonts $(STATIC)/images $(STATIC)/manifest.json \
	  $(STATIC)/govuk-frontend.min.*
