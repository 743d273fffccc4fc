# The two commands of the README: `make run` and `make test`. Without DATABASE_URL both use the embedded
# PostgreSQL server (caseapp/embedded_db.py), data in .pgdata/; `make stop-db` stops it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint typecheck messages worker bench stop-db screens

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed .env

# A development .env with a fresh random key; never used in production.
.env:
	@printf 'DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=dev-%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')" > .env
	@echo "Wrote .env for development (DJANGO_DEBUG=1)."

run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py demo_data
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# ruff (imports inside functions included) and the apps' layers (pyproject.toml [tool.importlinter]).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Services, selectors and reporting are typed (house style).
typecheck: install
	$(BIN)/mypy $(filter-out reporting/%,$(wildcard */services.py */selectors.py)) reporting

test: install lint typecheck
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

messages: install
	$(BIN)/python manage.py makemessages -l lv -l en --ignore=.venv --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

worker: install
	$(BIN)/celery -A caseapp worker -l info

# The embedded server stops when the last process using it exits; this stops it whoever uses it.
stop-db: install
	$(BIN)/python -m caseapp.embedded_db stop

# The national-scale benchmark (issue 8): drops and re-creates the named database and <name>_small.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/caseapp_bench
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run.py $(BENCH_ARGS)

# Screenshots of every page of every role, 1366 and 390 px, lv and en, into docs/screens/ (scripts/screens.py).
# Drops and re-creates its own scratch database: SCREENS_DATABASE_URL (its name must contain "screens"), or
# "caseapp_screens" on the embedded server when unset; the developer's database and media are never touched.
SCREENS_DATABASE_URL ?=
screens: install
	SCREENS_DATABASE_URL=$(SCREENS_DATABASE_URL) $(BIN)/python scripts/screens.py $(SCREENS_ARGS)
