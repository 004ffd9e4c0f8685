# 百社百景 portal — developer entry points (README.md).
#
#   make run         venv + packages + .env + migrate + demo data, then serve on HOST:PORT
#   make test        the whole test suite (PYTEST_ARGS="-k foo -x" to narrow it)
#   make lint        ruff check + ruff format --check
#   make smoke-prod  production shape natively: gunicorn + celery worker + beat on PostgreSQL/Redis
#   make bench       the key pages under load at demo scale 10 (PostgreSQL, Redis, gunicorn, wrk)
#   make clean       remove generated files (keeps .venv, node_modules, .env and db.sqlite3)

SHELL := /bin/bash
.DEFAULT_GOAL := help

HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist: one worker per CPU (PYTEST_WORKERS=0 runs in one process, as when debugging).
PYTEST_WORKERS ?= auto
PYTHON ?=

VENV := .venv
PY := $(VENV)/bin/python
PIP_STAMP := $(VENV)/.requirements.stamp
NPM_STAMP := node_modules/.package-lock.stamp

.PHONY: help install run test lint smoke-prod bench clean

help:
	@echo "make run         install, migrate, load the demo district and serve on HOST:PORT ($(HOST):$(PORT))"
	@echo "make test        run the whole test suite (PYTEST_ARGS='-x -k name' to narrow it)"
	@echo "make lint        ruff check + ruff format --check"
	@echo "make smoke-prod  gunicorn + celery worker + beat against local PostgreSQL and Redis"
	@echo "make bench       the key pages under load at demo scale 10 (docs/performance.md)"
	@echo "make clean       remove generated files (keeps .venv, node_modules, .env, db.sqlite3)"

# --- Python -------------------------------------------------------------------------------------
# The venv is built once with Python >= 3.12 (scripts/find_python.sh explains what it looks for).
$(PY):
	@interpreter="$$(PYTHON='$(PYTHON)' bash scripts/find_python.sh)" || exit 1; \
	echo "==> creating $(VENV) with $$interpreter"; \
	"$$interpreter" -m venv $(VENV)

# Re-installed only when a requirements file changes.
$(PIP_STAMP): requirements.txt requirements-dev.txt | $(PY)
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
	  echo "error: $(VENV) was made with $$($(PY) --version); Python >= 3.12 is needed." >&2; \
	  echo "       Remove it (rm -rf $(VENV)) and run make again." >&2; exit 1; }
	@echo "==> installing requirements-dev.txt into $(VENV)"
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# --- front-end packages (served by the portal itself via STATICFILES_DIRS; never a CDN) -------------
$(NPM_STAMP): package-lock.json package.json
	@command -v npm >/dev/null || { echo "error: Node.js >= 20 with npm is required (front-end packages)." >&2; exit 1; }
	@node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' || { \
	  echo "error: Node.js >= 20 is required, found $$(node --version)." >&2; exit 1; }
	@echo "==> npm ci"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(PIP_STAMP) $(NPM_STAMP)

# --- embedded default: SQLite, tasks in-process, mail to the console ------------------------------
# Created once, so later `manage.py` commands in this checkout use the same settings and database.
.env: | $(PY)
	@echo "==> creating .env (DEBUG=True, random SECRET_KEY and FIELD_ENCRYPTION_KEY; see .env.example)"
	@umask 077; { \
	  echo "# Written by 'make run' for the embedded default. Every setting: .env.example"; \
	  echo "DEBUG=True"; \
	  echo "SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	  echo "FIELD_ENCRYPTION_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')"; \
	} > $@

run: install .env
	@echo "==> migrating the database"
	@$(PY) manage.py migrate --noinput
	@echo "==> loading the demo district (only into an empty database)"
	@$(PY) manage.py seed_demo
	@pw="$${DEMO_PASSWORD:-$$(sed -n 's/^DEMO_PASSWORD=//p' .env | tail -n 1)}"; pw="$${pw:-demo-pass-2024}"; \
	printf '\n  百社百景 is starting at http://%s:%s/  (residents: http://%s:%s/p/)\n' '$(HOST)' '$(PORT)' '$(HOST)' '$(PORT)'; \
	printf '  Demo logins (password: %s):\n' "$$pw"; \
	printf '    %-11s %s\n' \
	  district   '区级工作人员 district staff: whole district' \
	  street     '街道领导小组组长 street leader: the street of 国奥社区' \
	  expert     '专家顾问 expert adviser: the same street, comments only' \
	  secretary  '社区书记 community secretary: 国奥社区' \
	  secretary2 '社区书记 community secretary: 悦海社区 (another street)' \
	  auditor    '审计员 auditor: reads the audit log' \
	  sysadmin   '系统管理员 system admin: accounts and configuration' \
	  secadmin   '安全管理员 security admin: roles and unlocks' \
	  partner    '幸福家园合伙人 partner: own profile' \
	  resident   '居民 resident: 国奥社区'; \
	printf '  Tasks run in-process, the daily schedule too; e-mail is printed on this console. Stop with Ctrl-C.\n\n'
	@$(PY) manage.py run_schedule & sched=$$!; \
	trap 'kill $$sched 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# --- checks ---------------------------------------------------------------------------------------
# Tests use baiseshejing.settings_test (pyproject.toml), which needs no .env. Without
# DATABASE_URL/REDIS_URL/chromium the tests that need them are skipped with the reason printed;
# with CI=true those skips are failures.
test: install
	@echo "==> pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)"
	@$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(PIP_STAMP)
	@echo "==> ruff check ."
	@$(VENV)/bin/ruff check .
	@echo "==> ruff format --check ."
	@$(VENV)/bin/ruff format --check .

smoke-prod: install
	@bash scripts/smoke_prod.sh

# Not part of the tests: about 12 minutes. BENCH_PAGES='regex' narrows it (scripts/bench.py).
bench: install
	@$(PY) scripts/bench.py

clean:
	rm -rf staticfiles .test-media .pytest_cache .ruff_cache
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -exec rm -rf {} +
