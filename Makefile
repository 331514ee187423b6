# Two commands for a fresh machine: `make run` (the portal on an embedded AWS emulator) and `make test`.
# Each creates .venv and installs the pinned requirements when they are missing, and the Debian packages it needs.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
PORT ?= 5000
MOTO_PORT ?= 5055
export PORT MOTO_PORT

.PHONY: run test bench soak screenshots package debian-deps clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

# Debian's chromium drives the browser tests (never a downloaded browser); node/npm bring axe-core.
debian-deps:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

run: $(STAMP)
	$(PY) -m portal.local

# One worker per core (pytest-xdist); each worker starts its own emulator, and a test module (or class) stays on one.
test: $(STAMP) debian-deps node_modules/.installed
	$(PY) -m pytest -n auto --dist loadscope

bench: $(STAMP) debian-deps node_modules/.installed
	$(PY) bench/run.py

# Full-page PNGs of the main pages at 375 and 1280 px in build/screenshots/, for review: the portal as `make run`
# starts it (free ports, demo data), Debian's chromium through Playwright; the portal is stopped afterwards.
screenshots: $(STAMP) debian-deps node_modules/.installed
	$(PY) bench/screenshots.py

# 200 applicants (SOAK_USERS) and a few recruiters for 60 s (SOAK_SECONDS) on gunicorn and moto, with locust; then
# checks every accepted submission is stored and queued exactly once, and merges its figures into bench/results.json.
soak: $(STAMP) debian-deps
	$(PY) bench/soak.py

# The Lambda zip for STAGE (default dev), from a lean venv of the runtime requirements only; prints its size.
STAGE ?= dev
package: $(STAMP)
	@infra/package.sh $(STAGE)

clean:
	rm -rf $(VENV) node_modules .pytest_cache bench/results.json build
