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

# Packages the app needs at run time: fonts and pango for PDF forms with Vietnamese text
# (WeasyPrint), Tesseract with Vietnamese data and poppler (pdftoppm) for OCR of scans.
RUN_DEBIAN := fonts-dejavu-core tesseract-ocr tesseract-ocr-vie poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# Packages the test suite needs in addition: Chromium for Playwright.
TEST_DEBIAN := chromium

.PHONY: run test install install-test migrate demo serve lint bench clean-var

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
		$(BIN)/honcho start --port $${PORT:-8000}

install-test: install
	@scripts/install-debian.sh $(TEST_DEBIAN)

test: install-test
	$(PY) -m pytest

lint: install
	$(BIN)/ruff check app tests bench

bench: install
	$(PY) bench/db_page.py
