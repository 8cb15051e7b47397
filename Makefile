# Two commands on a fresh clone:  make run  |  make test
# Everything installs itself into .venv from pinned requirements.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_BOOT ?= python3.11
VENV        ?= .venv
PY          := $(VENV)/bin/python
DBT         := $(VENV)/bin/dbt
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := False

# demo landing (make run)
DEMO_ACCOUNTS ?= 20000
DEMO_SEED     ?= 42
WAREHOUSE     ?= warehouse/plg.duckdb
READERS_WAREHOUSE ?= warehouse/plg_marts.duckdb
REPORT        ?= reports/plg_report.html
# test landing (make test)
TEST_ACCOUNTS  ?= 12000
TEST_SEED      ?= 7
TEST_WAREHOUSE ?= warehouse/test.duckdb
# pytest workers (pytest-xdist): each test file runs whole on one worker, so its module fixtures build once
PYTEST_WORKERS ?= 2
# benchmark sizes (events)
SIZES ?= 1000000 10000000 100000000

.PHONY: help install system-deps run publish report report-quiet test test-dbt lint pytest test-postgres spark bench clean

help:
	@echo "make run    - install, generate the demo landing, dbt build, print the KPI scorecard"
	@echo "make test   - install, dbt build on a test landing, sqlfluff, pytest (everything)"
	@echo "make bench  - benchmark (SIZES='1000000 10000000 100000000')"
	@echo "make test-postgres - the PostgreSQL build + comparison + grants test alone"
	@echo "make spark  - build on a local Spark session and compare the marts with DuckDB"

$(VENV)/.installed: requirements.txt
	@echo "Creating $(VENV) and installing requirements.txt (dbt, MetricFlow, DuckDB; a few minutes the first time)..."
	$(PYTHON_BOOT) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(VENV)/.installed

# System setup the tests need, done here and nowhere in the Python code: as root (CI on a fresh machine)
# the unprivileged user the PostgreSQL test server runs as (PostgreSQL refuses root), and the Debian
# packages postgresql-15 (when no pg_ctl) and chromium (the report test) when missing. A non-root user
# gets a note for what is missing instead.
PG_SYSTEM_USER ?= plgpg
system-deps:
	@missing=""; \
	command -v pg_ctl >/dev/null || [ -x /usr/lib/postgresql/15/bin/pg_ctl ] || missing="$$missing postgresql-15"; \
	command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-browser ] \
		|| [ -x /usr/bin/google-chrome ] || missing="$$missing chromium"; \
	if [ "$$(id -u)" -ne 0 ]; then \
		[ -z "$$missing" ] || echo "system-deps: missing$$missing (install as root, or run make system-deps as root)"; \
		exit 0; \
	fi; \
	id -u $(PG_SYSTEM_USER) >/dev/null 2>&1 \
		|| useradd --system --no-create-home --shell /usr/sbin/nologin $(PG_SYSTEM_USER); \
	if [ -n "$$missing" ]; then \
		echo "system-deps: apt-get install$$missing ..."; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	fi

run: install
	mkdir -p warehouse/tmp reports
	$(PY) -m plg.generate --accounts $(DEMO_ACCOUNTS) --seed $(DEMO_SEED) --warehouse $(WAREHOUSE)
	@# the scheduled job: models + data tests; unit tests (fixed fixtures, not data) run in `make test`
	@echo "dbt build --full-refresh (the first run parses the whole project before it prints anything: up to a minute)..."
	@# the generator has just replaced the landing: a full refresh (the incremental models would otherwise
	@# keep the old landing's rows; the project's run-start check refuses an incremental run on it)
	@# --no-partial-parse: dbt 1.11's partial parsing can keep a unit test that was renamed or moved in a YAML
	@# file (seen here: the build then fails on a node it cannot find); a full parse costs ~3 s more
	PLG_DUCKDB_PATH=$(WAREHOUSE) $(DBT) build --no-partial-parse --exclude-resource-type unit_test --full-refresh --target-path target/run
	@# target/semantic_manifest.json for `mf query` (MetricFlow reads target/ of the project)
	@echo "dbt parse: writing target/semantic_manifest.json for mf query..."
	PLG_DUCKDB_PATH=$(WAREHOUSE) $(DBT) parse --no-partial-parse --quiet
	$(MAKE) --no-print-directory publish report-quiet
	$(PY) -m plg.summary --warehouse $(WAREHOUSE) --run-results target/run/run_results.json
	@echo "Readers' file (BI tools connect here, read-only): $(abspath $(READERS_WAREHOUSE))"
	@echo "KPI report: $(abspath $(REPORT))"

publish: install
	$(PY) -m plg.publish --from $(WAREHOUSE) --to $(READERS_WAREHOUSE) --build-dir target/run

report: install
	$(PY) -m plg.report --warehouse $(READERS_WAREHOUSE) --out $(REPORT)

report-quiet: install
	$(PY) -m plg.report --warehouse $(READERS_WAREHOUSE) --out $(REPORT) > /dev/null

test: install system-deps test-dbt lint pytest

test-dbt: install
	mkdir -p warehouse/tmp
	$(PY) -m plg.generate --accounts $(TEST_ACCOUNTS) --seed $(TEST_SEED) --warehouse $(TEST_WAREHOUSE)
	@# full refresh: the generator has just replaced the landing (see make run)
	PLG_DUCKDB_PATH=$(TEST_WAREHOUSE) $(DBT) build --no-partial-parse --full-refresh --target-path target/test
	PLG_DUCKDB_PATH=$(TEST_WAREHOUSE) $(DBT) docs generate --target-path target/test --quiet

lint: install
	$(VENV)/bin/ruff check plg pytests
	$(VENV)/bin/ruff format --check plg pytests
	@# DBT_PARTIAL_PARSE=false: the dbt templater would otherwise reuse target/ (see make run: stale unit tests)
	DBT_PARTIAL_PARSE=false PLG_DUCKDB_PATH=$(TEST_WAREHOUSE) $(VENV)/bin/sqlfluff lint models macros analyses tests
	@# the macros' output: sqlfluff over the models test-dbt compiled (the dbt templater skips macros/*.sql)
	@if [ -f target/test/manifest.json ]; then $(PY) -m plg.checks.compiled_lint --target-path target/test; \
	else echo "lint: no target/test (make test-dbt): the compiled-macro lint is skipped"; fi

pytest: install
	PLG_TEST_WAREHOUSE=$(TEST_WAREHOUSE) $(PY) -m pytest -q --durations=30 -n $(PYTEST_WORKERS) --dist loadfile pytests

test-postgres: install system-deps
	$(PY) -m pytest -q -m postgres pytests/test_postgres.py

# Spark (dbt-spark session + local PySpark) lives in its own venv: too slow for CI, run by hand
$(VENV)-spark/.installed: requirements-spark.txt
	@echo "Creating $(VENV)-spark and installing requirements-spark.txt (PySpark, dbt-spark; several minutes the first time)..."
	$(PYTHON_BOOT) -m venv $(VENV)-spark
	$(VENV)-spark/bin/pip install --quiet --disable-pip-version-check -r requirements-spark.txt
	touch $@

spark: install $(VENV)-spark/.installed
	mkdir -p reports
	$(VENV)-spark/bin/python -m plg.spark --accounts 1500 --seed 11 --report reports/spark_last_run.json

bench: install
	$(PY) -m plg.bench --sizes $(SIZES) --workdir bench_results/scratch --out bench_results

clean:
	rm -rf target logs warehouse reports
