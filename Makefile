# Two commands for a newcomer: `make demo` and `make test`. Everything else builds on `make install`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
# The labeled sets live in data/ (copied from the shared data so a bare clone measures itself).
LABELED_DATA ?= $(abspath data)
export HF_HUB_OFFLINE := 1
export LABELED_DATA
TRANSLATION_DIRS := $(wildcard web/translations web/planner/translations)

.PHONY: install system-deps services translations db demo demo-data test test-sqlite test-postgres bench lint format clean

install: $(STAMP) translations

# requirements.lock pins every package; torch==2.13.0 is the machine's local CPU wheel.
$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -U pip setuptools wheel
	$(BIN)/pip install -q --disable-pip-version-check -c requirements.lock torch==2.13.0
	$(BIN)/pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

translations: $(STAMP)
	@for d in $(TRANSLATION_DIRS); do $(BIN)/pybabel -q compile -f -d $$d || exit 1; done

# Debian's Chromium and ChromeDriver for the browser tests (never a browser download).
system-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  echo "installing chromium + chromium-driver (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null; \
	fi

# PostgreSQL and Redis are started if they are not running (same commands as the machine's).
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start && sleep 2; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { mkdir -p /var/lib/redis /var/log/redis; redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log; sleep 1; }

db: install
	$(BIN)/flask --app web db upgrade

demo-data: db
	$(BIN)/flask --app web demo load
	$(BIN)/flask --app web matching run-all

demo: demo-data
	@echo "Demo on http://$(HOST):$(PORT)/ — accounts in README.md"
	$(BIN)/flask --app web run --host $(HOST) --port $(PORT)

test: install system-deps services lint test-sqlite test-postgres

test-sqlite:
	$(BIN)/pytest -q -p no:cacheprovider --nbmake tests notebooks

test-postgres:
	TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -p no:cacheprovider -m "not browser" tests

bench: install services
	@command -v wrk >/dev/null || { echo "installing wrk (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m benchmarks

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache .mypy_cache
