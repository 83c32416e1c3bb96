# Two commands for a new machine: `make run` and `make test`. Everything else is a step
# of those two, safe to run again (each installs only what is missing).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export PATH := $(CURDIR)/$(BIN):$(PATH)
# Litestream reads these from litestream.yml; only the running processes need them.
MOTCUA_DATABASE ?= $(CURDIR)/var/motcua.db
MOTCUA_REPLICA_URL ?= file://$(CURDIR)/var/replica/motcua
MOTCUA_HUEY_DATABASE ?= $(CURDIR)/var/huey.db
MOTCUA_HUEY_REPLICA_URL ?= file://$(CURDIR)/var/replica/huey
MOTCUA_FILES_REPLICA_DIR ?= $(CURDIR)/var/replica/files
# The demo pays through the sandbox gateway; a deployment sets its real gateway (or empty).
MOTCUA_PAYMENT_GATEWAY ?= sandbox
# Registrations are checked against the sandbox population registry (its people: the demo
# citizens and app/demo/data/population.json); a deployment sets `http` and its address.
MOTCUA_POPULATION_REGISTRY ?= sandbox
# National integrations (#19): the demo talks to the sandbox national portal, identity
# provider (VNeID), document system and Zalo OA; a deployment sets `http` and their settings.
MOTCUA_DVCQG ?= sandbox
MOTCUA_VNEID ?= sandbox
MOTCUA_IOFFICE ?= sandbox
MOTCUA_ZALO_OA ?= sandbox
# Signatures (ký số) are trusted when they chain to this PEM bundle. The demo trusts its own
# CA, made by `seed --demo` in var/demo-signing/; a deployment names its real roots (and
# behind HTTPS a demo root is refused anyway).
MOTCUA_SIGNING_TRUST_ROOTS ?= $(CURDIR)/var/demo-signing/ca.pem
# `make restore`: where the copy goes, and an optional point in time (RFC 3339, UTC).
RESTORE_DIR ?= $(CURDIR)/var/restore
TIMESTAMP ?=

# Packages the app needs at run time: fonts and pango for PDF forms with Vietnamese text
# (WeasyPrint; the Condensed DejaVu faces of fonts-dejavu-extra fit the letterhead), Tesseract with Vietnamese data and poppler (pdftoppm) for OCR of scans,
# Ghostscript (OCRmyPDF's last-resort PDF/A conversion) and qpdf (checks archival PDFs).
RUN_DEBIAN := fonts-dejavu-core fonts-dejavu-extra tesseract-ocr tesseract-ocr-vie poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 ghostscript qpdf
# Packages the test suite needs in addition: Chromium for Playwright; faketime for the
# date-sensitive tests at awkward moments (scripts/faketime-check.sh); PostgreSQL 15 and
# Redis for the engine run (started by the tests on loopback, never as services);
# pgBackRest for the PostgreSQL backup and point-in-time restore drill.
TEST_DEBIAN := chromium faketime postgresql redis-server pgbackrest

.PHONY: run test test-sqlite test-postgres install install-test migrate demo serve lint bench clean-var restore

run: install migrate demo serve

install: $(BIN)/.synced static/vendor/htmx.min.js
	@scripts/install-debian.sh $(RUN_DEBIAN)

$(BIN)/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null || python3 -m pip install --quiet uv
	uv sync --frozen --quiet
	@touch $@

static/vendor/htmx.min.js:
	@scripts/install-htmx.sh

migrate: install
	$(PY) -m app migrate

demo: migrate
	$(PY) -m app seed --demo --if-empty

serve:
	@echo "Một Cửa: http://$${HOST:-127.0.0.1}:$${PORT:-8000}  (Ctrl-C để dừng)"
	MOTCUA_DATABASE="$(MOTCUA_DATABASE)" MOTCUA_REPLICA_URL="$(MOTCUA_REPLICA_URL)" \
	MOTCUA_HUEY_DATABASE="$(MOTCUA_HUEY_DATABASE)" MOTCUA_HUEY_REPLICA_URL="$(MOTCUA_HUEY_REPLICA_URL)" \
	MOTCUA_PAYMENT_GATEWAY="$(MOTCUA_PAYMENT_GATEWAY)" \
	MOTCUA_POPULATION_REGISTRY="$(MOTCUA_POPULATION_REGISTRY)" \
	MOTCUA_DVCQG="$(MOTCUA_DVCQG)" MOTCUA_VNEID="$(MOTCUA_VNEID)" MOTCUA_IOFFICE="$(MOTCUA_IOFFICE)" MOTCUA_ZALO_OA="$(MOTCUA_ZALO_OA)" \
	MOTCUA_SIGNING_TRUST_ROOTS="$(MOTCUA_SIGNING_TRUST_ROOTS)" \
		$(BIN)/honcho start --port $${PORT:-8000}

# Restore the replicas (latest, or TIMESTAMP=2026-12-03T10:00:00Z) into RESTORE_DIR and check
# the copy: SQLite integrity, the audit chain, every file's SHA-256. Nothing running is
# touched; README says how to put the copy in service.
LITESTREAM_ENV = env -u AWS_CA_BUNDLE MOTCUA_DATABASE="$(MOTCUA_DATABASE)" \
	MOTCUA_REPLICA_URL="$(MOTCUA_REPLICA_URL)" MOTCUA_HUEY_DATABASE="$(MOTCUA_HUEY_DATABASE)" \
	MOTCUA_HUEY_REPLICA_URL="$(MOTCUA_HUEY_REPLICA_URL)"
restore:
	@test ! -e "$(RESTORE_DIR)/motcua.db" || { echo "$(RESTORE_DIR)/motcua.db đã tồn tại: chọn RESTORE_DIR khác."; exit 2; }
	@mkdir -p "$(RESTORE_DIR)"
	$(LITESTREAM_ENV) $(BIN)/litestream restore -config litestream.yml \
		$(if $(TIMESTAMP),-timestamp $(TIMESTAMP)) -o "$(RESTORE_DIR)/motcua.db" "$(MOTCUA_DATABASE)"
	$(LITESTREAM_ENV) $(BIN)/litestream restore -config litestream.yml -if-replica-exists \
		$(if $(TIMESTAMP),-timestamp $(TIMESTAMP)) -o "$(RESTORE_DIR)/huey.db" "$(MOTCUA_HUEY_DATABASE)"
	MOTCUA_VAR_DIR="$(RESTORE_DIR)" MOTCUA_DATABASE="$(RESTORE_DIR)/motcua.db" \
	MOTCUA_HUEY_DATABASE="$(RESTORE_DIR)/huey.db" MOTCUA_FILES_DIR="$(RESTORE_DIR)/files" \
	MOTCUA_FILES_REPLICA_DIR="$(MOTCUA_FILES_REPLICA_DIR)" $(PY) -m app restore-check

install-test: install
	@scripts/install-debian.sh $(TEST_DEBIAN)

# Test processes in parallel (pytest-xdist): 2 on this 2-core machine overlaps the browser
# and subprocess waits; TEST_WORKERS=0 runs in one process (easier to debug).
TEST_WORKERS ?= 2

# The whole suite on SQLite, then again on PostgreSQL 15 + Redis with files in an S3
# stand-in (moto), all started on loopback by the tests (README "Several machines"), then
# the date-sensitive tests under faketime.
test: install-test
	$(PY) -m pytest -n $(TEST_WORKERS)
	TEST_ENGINE=postgres $(PY) -m pytest -n $(TEST_WORKERS) -q
	PY=$(PY) scripts/faketime-check.sh

# One engine's whole suite alone.
test-sqlite: install-test
	$(PY) -m pytest -n $(TEST_WORKERS)

test-postgres: install-test
	TEST_ENGINE=postgres $(PY) -m pytest -n $(TEST_WORKERS)

lint: install
	$(BIN)/ruff check app tests bench

bench: install
	$(PY) bench/db_page.py
