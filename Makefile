# Build, test and run the safeguarding duties knowledge graph.
#   make run    install into .venv if needed, build the store, serve on 127.0.0.1:5000
#   make test   install, build the store, run the tests
#   make build  install, build the store
#   make lint   ruff check (and ruff format --check)
#   make assets npm ci, then copy the web UI's front-end assets into webui/static/vendor/
#   make screenshots  refresh the README screenshots of the web UI (docs/img/)
#   make bench  SPARQL endpoint benchmark on generated national-scale data (minutes)
#   make analyst  the analyst queries (bench/analyst/) on pyoxigraph, kg serve and Virtuoso,
#               real build, 100k and 1M quads (about half an hour; ANALYST_TREE=../other
#               runs the kg serve of another checkout, for before and after)
#   make scale  build, cold start, area pages and queries, before and after the geography (minutes)
#   make coldstart  kg serve to its first answer and to full speed, before and after (minutes)
#   make load   load test: 50 clients for 30 s + 60 s, then a 40 s flood of 60 clients
#               looping runaway queries, against kg serve (about three minutes)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run build test lint format clean install assets screenshots bench analyst scale coldstart load docs

# (Re)install only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(BIN)/kg build

# The ontology (pyLODE OntPub) and its concept schemes (VocPub) as static HTML in build/docs;
# the served /ontology page needs neither
docs: build
	$(BIN)/python -m kg.ontology_docs build/docs

# Front-end assets (GOV.UK Frontend, YASGUI, Cytoscape.js and its ELK layout, axe-core), pinned in
# package-lock.json, installed with `npm ci` and copied into webui/static/vendor/
# (git-ignored, never committed). Rebuilt when the lock file or our Sass changes.
VENDOR := webui/static/vendor
VENDOR_STAMP := $(VENDOR)/.stamp
NODE_MODULES := node_modules

$(VENDOR_STAMP): package.json package-lock.json webui/scss/app.scss
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/govuk $(VENDOR)/yasgui $(VENDOR)/cytoscape $(VENDOR)/cytoscape-elk $(VENDOR)/axe-core
	cp $(NODE_MODULES)/govuk-frontend/dist/govuk/govuk-frontend.min.js $(VENDOR)/govuk/
	cp -R $(NODE_MODULES)/govuk-frontend/dist/govuk/assets $(VENDOR)/govuk/assets
	cp $(NODE_MODULES)/@zazuko/yasgui/build/yasgui.min.js $(NODE_MODULES)/@zazuko/yasgui/build/yasgui.min.css $(VENDOR)/yasgui/
	cp $(NODE_MODULES)/cytoscape/dist/cytoscape.min.js $(VENDOR)/cytoscape/
	cp $(NODE_MODULES)/elkjs/lib/elk.bundled.js $(NODE_MODULES)/cytoscape-elk/dist/cytoscape-elk.js $(VENDOR)/cytoscape-elk/
	cp $(NODE_MODULES)/axe-core/axe.min.js $(VENDOR)/axe-core/
	$(NODE_MODULES)/.bin/sass --no-source-map --style=compressed \
		--load-path=$(NODE_MODULES)/govuk-frontend/dist webui/scss/app.scss $(VENDOR)/app.css
	touch $(VENDOR_STAMP)

assets: $(VENDOR_STAMP)

# README screenshots of the web UI (docs/img/*.png), with Debian's headless Chromium.
screenshots: build assets
	$(BIN)/python scripts/screenshots.py

run: build assets
	$(BIN)/kg serve --host $(HOST) --port $(PORT)

test: build assets
	$(BIN)/pytest -q

# SPARQL endpoint benchmark (bench/endpoint_bench.py; docs/endpoint.md): generates
# about 10k, 100k and 1M triples from the build, compares in-process, HTTP and, when
# installed, Virtuoso. Not part of `make test`.
bench: build
	$(BIN)/python bench/endpoint_bench.py --out build/bench/report.md

# Analyst-query benchmark (bench/analyst_bench.py; docs/endpoint.md "Analyst queries"):
# the naive queries of bench/analyst/ interleaved on in-process pyoxigraph, kg serve over
# HTTP and Virtuoso over HTTP, at the real build, 100k and 1M quads; targets: kg serve
# faster than Virtuoso on every query, none over 1 s at 1M. Not part of `make test`.
ANALYST_TREE ?= .
ANALYST_ARGS ?= --sizes real,100k,1m --repeat 5

analyst: build
	$(BIN)/python bench/analyst_bench.py $(ANALYST_ARGS) --tree $(ANALYST_TREE) \
		--out build/bench/analyst.md

# Scale benchmark (bench/scale_bench.py; docs/performance.md): this working tree against
# the commit before the geography and derived arrangements (SCALE_BEFORE, checked out
# once as a git worktree in build/scale-before), side by side. Not part of `make test`.
SCALE_BEFORE ?= 4e97909
SCALE_BEFORE_DIR := build/scale-before

scale: $(STAMP)
	test -d $(SCALE_BEFORE_DIR) || git worktree add --detach $(SCALE_BEFORE_DIR) $(SCALE_BEFORE)
	$(BIN)/python bench/scale_bench.py --before $(SCALE_BEFORE_DIR) --out build/bench/scale.md

# Cold start (bench/coldstart_bench.py; docs/endpoint.md): kg serve to its first answer
# and to full speed (served from memory) on the real build, 100k and 1M generated
# triples, with the breakdown, against COLDSTART_BEFORE (the commit before the build
# wrote the dump for memory, checked out once in build/coldstart-before) side by side.
# Not part of `make test`.
COLDSTART_BEFORE ?= 9bfd9da
COLDSTART_BEFORE_DIR := build/coldstart-before

coldstart: build
	test -d $(COLDSTART_BEFORE_DIR) || git worktree add --detach $(COLDSTART_BEFORE_DIR) $(COLDSTART_BEFORE)
	mkdir -p build/bench
	$(BIN)/python bench/coldstart_bench.py --before $(COLDSTART_BEFORE_DIR) | tee build/bench/coldstart.md

# Load test (bench/load.py): kg serve on loopback, Locust with 50 clients, page views 70%,
# shipped SPARQL 20%, validations 5%, runaway queries 5%; then the flood (bench/flood.py:
# 60 clients looping runaway queries; page and trivial-ASK p99 under 1 s); prints p50/p99
# per type and memory, exit 1 if a target is missed. Not part of `make test`.
LOAD_STAMP := $(VENV)/.installed-load

$(LOAD_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,load]'
	touch $(LOAD_STAMP)

load: build assets $(LOAD_STAMP)
	$(BIN)/python bench/load.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf build .pytest_cache .ruff_cache $(VENDOR) $(NODE_MODULES)
