# Developer and CI entry points. Only python3.11 is needed for `make run`;
# `make test` installs its system packages (PostgreSQL, Redis, Chromium...) through scripts/test-services.sh.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
RUN_ADDR ?= 127.0.0.1:8000
STAMP := $(VENV)/.installed-pyproject
NODE_STAMP := node_modules/.installed-package-lock
DEMO_USERS := cpip.meaux siae.ares disp.paris dreets.idf national admin cpip.metz siae.efic disp.strasbourg
# `make test PYTEST_ARGS="-k foo"` reaches the script through the environment.
export PYTEST_ARGS

.PHONY: venv install deps run test lint

venv install: $(STAMP) node

$(PY):
	@$(PYTHON) -m venv $(VENV) || { echo "Impossible de créer $(VENV) : installer $(PYTHON) (et python3.11-venv sous Debian)." >&2; exit 1; }

# Re-installed only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e ".[dev]"
	touch $@

# axe-core for the accessibility tests; skipped with a warning when npm is absent (not needed by `make run`).
.PHONY: node
node: $(NODE_STAMP)
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund && touch $@; \
	else \
		echo "Avertissement : npm absent, axe-core non installé (requis par les tests d'accessibilité)." >&2; \
	fi

# System packages (needs root, or prints the apt-get command).
deps:
	scripts/test-services.sh --deps-only

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput
	@echo
	@echo "Application : http://127.0.0.1:8000/"
	@echo "Comptes de démonstration : $(DEMO_USERS)"
	@$(PY) manage.py shell -c "from django.conf import settings; print('Mot de passe commun :', settings.DEMO_PASSWORD)"
	@$(PY) manage.py shell -c "import base64; from django.conf import settings; print('Double authentification (cpip.*, siae.*, admin) : code affiché par « $(PY) manage.py demo_code <identifiant> », ou clé à saisir dans une application :', base64.b32encode(bytes.fromhex(settings.DEMO_TOTP_KEY)).decode())"
	@echo
	@redis=""; worker=""; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null; kill -TERM $$redis 2>/dev/null; wait $$redis 2>/dev/null' EXIT; \
	if [ -z "$$REDIS_URL" ]; then \
		$(PY) scripts/embedded_redis.py & redis=$$!; \
		$(PY) scripts/embedded_redis.py --wait || exit 1; \
	fi; \
	$(VENV)/bin/celery -A iae_detention worker --beat -l info --concurrency 1 --schedule $${IAE_VAR_DIR:-var}/celerybeat-schedule & worker=$$!; \
	$(PY) manage.py runserver $(RUN_ADDR)

# Issue 14, item 10: `make run` itself (SQLite, the embedded Redis, its worker and beat) in a throwaway folder on a
# free port; 30 document requests at the same instant, then 30 spread over 15 s while 4 colleagues read the
# caseload, each client polling its page as the browser does. Exits 1 unless every document is READY, the worker
# never logged "Unrecoverable error" and is the same process at the end, and Ctrl-C leaves nothing running (the
# Redis included). About 2 min once installed.
.PHONY: run-burst
run-burst: install
	$(PY) scripts/run_burst.py $(RUN_BURST_ARGS)

# Two pytest-xdist processes (the machine has two cores); the browser and Celery worker tests run in one of them
# (tests/conftest.py). `make test PYTEST_WORKERS=0` runs everything in one process. The clock of the tests is fixed
# (tests/clock.py, IAE_TEST_NOW).
PYTEST_WORKERS ?= 2
test: deps install
	scripts/test-services.sh -n $(PYTEST_WORKERS) --dist loadgroup --durations=25

# The tests that read the clock (directly, or through load_demo, whose dates follow the day it runs) at another
# moment: 29 February 2028 by default (CI), `make test-dates TEST_NOW=2028-12-31` for another. The whole suite passed
# on 1 January, 29 February and 31 December 2028 (README).
TEST_NOW ?= 2028-02-29
DATE_SENSITIVE = $(shell grep -rlE 'localdate\(\)|timezone\.now\(\)|date\.today\(\)|load_demo|demo_for_module' tests \
	--include='test_*.py' | sort) tests/browser/test_dashboards_journey.py tests/accounts/test_alerts.py tests/accounts/test_home.py \
	tests/dashboards/test_periods.py tests/audit/test_retention.py tests/participants/test_retention.py
.PHONY: test-dates
test-dates: deps install
	IAE_TEST_NOW=$(TEST_NOW) scripts/test-services.sh -n $(PYTEST_WORKERS) --dist loadgroup -q $(sort $(DATE_SENSITIVE))

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

# Rows per second and peak memory of the pathway import (10,000 rows) on a throwaway database: a temporary
# SQLite file, or a test database beside DATABASE_URL's PostgreSQL. Prints figures, asserts nothing.
.PHONY: bench-import
bench-import: install
	$(PY) scripts/bench_import.py --rows 10000

# What the document pipeline adds to WeasyPrint (median request → READY through the broker and one worker, against
# the renderer alone) and one worker's documents per minute on a batch of 200, on a throwaway database and
# private storage; the broker is Redis when REDIS_URL is set, otherwise the embedded one of `make run`. Prints figures,
# asserts nothing.
.PHONY: bench-documents
bench-documents: install
	$(PY) scripts/bench_documents.py --batch 200

# The dashboards at national scale: server time and query count of the national, one DISP and one programme
# dashboard against the same figures in hand-written SQL, on synthetic data (generate_synthetic --scale national,
# about 250,000 pathways, generated the first time and reused). PostgreSQL only: DATABASE_URL's server (a database
# <name>_bench_dashboards) or a cluster of its own in var/bench-dashboards/. Prints figures, asserts nothing.
.PHONY: bench-dashboards
bench-dashboards: install
	$(PY) scripts/bench_dashboards.py

# Faults on real servers (security.md R-4 Redis stopped, R-5 Redis hung, R-6 worker killed, R-7 PostgreSQL restarted,
# R-11 backup/restore); the load (R-1, R-3) is `make load`. Throwaway PostgreSQL + Redis + gunicorn + Celery on loopback, in
# var/resilience/ (removed at exit). Prints figures; exits 1 when a goal is missed. docs/resilience.md.
.PHONY: resilience load backup restore
RESILIENCE_ARGS ?= --only r4,r5,r6,r7,r11
resilience: deps install
	$(PY) scripts/resilience/run.py $(RESILIENCE_ARGS)

# R-1 and R-3: locust, three personas, 10 users for 30 s against gunicorn (4 workers) and 20,000 participants.
# Exits 1 while the goals are missed (docs/security.md says by how much and why).
load: deps install
	$(PY) scripts/resilience/run.py --only r1 $(LOAD_ARGS)

# pg_dump -Fc of DATABASE_URL into var/backups/<timestamp>.dump (BACKUP_DIR), prints the path.
backup:
	@$(PY) scripts/resilience/backup.py backup

# make restore FILE=var/backups/….dump into RESTORE_DATABASE_URL (created when missing; a non-empty one only with FORCE=1).
restore:
	@test -n "$(FILE)" || { echo "Usage : make restore FILE=var/backups/AAAAMMJJ-HHMMSS.dump (base : RESTORE_DATABASE_URL)" >&2; exit 2; }
	@$(PY) scripts/resilience/backup.py restore "$(FILE)" $(if $(filter 1,$(FORCE)),--force,)

# S-12: hypothesis on every form a user can post (tests/security/forms_catalogue.py), FUZZ_EXAMPLES per form (300 by
# default; the normal suite runs 3), then R-15's round trips. Prints "FUZZ <form>: <n> examples" for each form.
FUZZ_EXAMPLES ?= 300
.PHONY: fuzz
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/security/test_form_fuzzing.py tests/security/test_form_round_trip.py -q -s -p no:cacheprovider $(PYTEST_ARGS)
