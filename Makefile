# Toto: two commands from a fresh clone.
#   make run    install what is missing, migrate, load demo data, serve web (:8000) + ML (:8001)
#   make test   install what the tests need, then run the whole suite (unit, API, WebSocket, browser)

SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv pip install --python $(BIN)/python --quiet
RUN_PACKAGES := espeak-ng apertium apertium-eng-spa apertium-fr-es apertium-lex-tools libmagic1 sox ffmpeg \
	gettext
TEST_PACKAGES := $(RUN_PACKAGES) postgresql redis-server chromium fonts-noto-core docker-compose caddy \
	clamav clamav-daemon

.PHONY: help run test test-unit test-reliability test-e2e install install-test lint format migrate demo frontend messages catalogues \
	system-packages system-packages-test clean benchmarks

help:
	@echo "make run    - install, migrate, load demo data, start web on :8000 and ML on :8001"
	@echo "make test   - install test dependencies and run the whole suite"
	@echo "make lint   - ruff, strict mypy on the platform apps and realtime/, dependency audit"

# --- System packages (Debian). Installed only when missing; needs root or sudo. ------------
system-packages:
	@scripts/apt-ensure $(RUN_PACKAGES)

system-packages-test:
	@scripts/apt-ensure $(TEST_PACKAGES)

# --- Python environment. Rebuilt only when a requirements file changes. ---------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt ml/requirements.txt ml/requirements-argos.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(UV) -r requirements-dev.txt
	$(UV) --no-deps -r ml/requirements-argos.txt
	@# platform/ is a source root (not a package): put it and the repository root on sys.path.
	@printf '%s\n%s\n' "$(CURDIR)/platform" "$(CURDIR)" > \
		"$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/toto-source-roots.pth"
	@touch $@

# --- Front end (npm). Rebuilt only when the lock file, a stylesheet source, a template or the
# build script changed: Tailwind scans the templates for the classes they use. --------------
FRONTEND_SOURCES := package-lock.json scripts/build-frontend.mjs $(shell find frontend \
	templates platform cms -name '*.css' -o -name '*.html' -o -name 'icons.txt' 2>/dev/null) \
	$(wildcard static/js/*/*.js) $(wildcard frontend/*/*.js)

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "The front end needs Node.js 20+ and npm (e.g. apt-get install nodejs npm)." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/dist/.built: node_modules/.installed $(FRONTEND_SOURCES)
	node scripts/build-frontend.mjs
	@touch $@

frontend: static/dist/.built

# --- Interface translations: each catalogue (locale/<lang>/LC_MESSAGES/*.po, committed) is
# compiled to its .mo (not committed) by GNU gettext's msgfmt, only when the .po is newer.
# --check fails the install on a broken placeholder or plural form instead of at run time.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

%.mo: %.po
	msgfmt --check -o $@ $<

messages: $(MO_FILES)

# After adding interface strings: extract them into the catalogues (then translate with
# scripts/i18n-todo and `make messages`); tests/test_interface_catalogues.py fails until done.
MAKEMESSAGES_IGNORE := -i node_modules -i static/dist -i tests -i ml -i benchmarks -i var \
	-i frontend -i deploy -i .venv
catalogues: install-test
	$(BIN)/python manage.py makemessages -l es -l ar $(MAKEMESSAGES_IGNORE)
	$(BIN)/python manage.py makemessages -d djangojs -l es -l ar $(MAKEMESSAGES_IGNORE)
	$(BIN)/python scripts/i18n-todo stats

install: system-packages $(VENV)/.installed frontend messages

install-test: system-packages-test $(VENV)/.installed frontend messages

# --- Running --------------------------------------------------------------------------------
migrate: install
	$(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	$(BIN)/python manage.py load_demo_data

# The web process migrates (only when a migration is unapplied), loads the demo (only when it
# or the database changed), lists the logins and serves (scripts/run): one Django start.
run: install
	@scripts/run

# --- Tests ----------------------------------------------------------------------------------
# The unit, API and WebSocket suite runs in one process per core (pytest-xdist; each worker
# starts its own PostgreSQL and Redis, core/testing/services.py). `--dist load`, not loadfile:
# it hands each worker its tests in collection order, which pytest-django sorts so that the
# transactional tests (whose flush leaves the database empty until the next one restores it)
# come after the others; by file, a plain test would run on a flushed database.
# The browser suite stays in one process: its pages, daphne and Chromium already fill the cores.
PYTEST_WORKERS ?= 2
UNIT_PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist load

test: install-test
	$(BIN)/ruff check .
	$(UNIT_PYTEST)
	$(BIN)/python -m pytest tests/e2e -p no:asyncio -p no:cacheprovider -o addopts="-ra -p core.testing.services"

test-unit: install-test
	$(UNIT_PYTEST)

# Restarts the session's PostgreSQL and Redis and kills the ML service under live traffic
# (docs/reliability.md). Dependable (5 runs in a row passed) but kept out of `make test`: the
# run takes over 3 minutes on the shared 2-core machine, mostly creating its own test database.
test-reliability: install-test
	$(BIN)/python -m pytest tests/reliability -o addopts="-ra -p no:cacheprovider -p core.testing.services"

test-e2e: install-test
	$(BIN)/python -m pytest tests/e2e -p no:asyncio -p no:cacheprovider -o addopts="-ra -p core.testing.services"

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python scripts/audit-dependencies

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

benchmarks: install-test
	$(BIN)/python -m benchmarks $(ONLY)

clean:
	rm -rf $(VENV) var node_modules static/dist
