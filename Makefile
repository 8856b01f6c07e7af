# Two entry points: `make run` (demo dashboard) and `make test` (everything CI runs).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB ?= $(or $(FOLLOWTHROUGH_DB),data/followthrough.duckdb)
PORT ?= 8501
# Loopback unless sign-in is set up (README, "Opening it to others"): it shows names and incidents.
ADDRESS ?= 127.0.0.1

.PHONY: run test demo bench browser-deps clean

run: $(VENV)/.runtime
	@test -f "$(DB)" || $(PY) -m etl demo
	$(VENV)/bin/streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT)

demo: $(VENV)/.runtime
	$(PY) -m etl demo

test: $(VENV)/.dev browser-deps
	$(PY) -m pytest

bench: $(VENV)/.dev
	$(PY) -m bench

# Browser tests drive Debian's Chromium: Playwright cannot download its own browser here.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "error: browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.runtime $@

clean:
	rm -rf $(VENV) .pytest_cache
