# Build, test and serve "Why backpropagation is efficient".
#
# `make help` lists the targets with the text after `##` on their own lines below, so
# the list cannot drift from the targets. Variables: BUILD_DIR=/tmp/b builds into
# /tmp/b/_build (parallel builds), PORT=8000 for serve, ARGS=--quick for bench.
#
# Every target sets up .venv from constraints.txt by itself; that step re-runs only
# when constraints.txt or pyproject.toml change.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON    ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV      := .venv
VPY       := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
EXTRAS    := test,book,bench,browser

BUILD_DIR ?= .
OUT       := $(BUILD_DIR)/_build
HTML      := $(OUT)/html
PORT      ?= 8000
HOST      ?= 127.0.0.1

# MathJax for typesetting the math at build time (book/_ext/lean_pages.py): the npm
# package pinned in book/_ext/mathjax/package-lock.json, installed into .venv/node.
NODE_DIR  := $(VENV)/node
NODE_STAMP := $(NODE_DIR)/.installed
# ESLint for the explorer's script (tests/test_explorer.py), pinned in book/_ext/explorer.
ESLINT_DIR := $(VENV)/eslint
ESLINT_STAMP := $(ESLINT_DIR)/.installed

# Keep these flags in sync with tests/test_book.py.
JB_FLAGS  := -W -n --keep-going

.PHONY: help venv lint check book pdf test bench serve clean distclean

help: ## list the targets and what they do
	@awk -F ':.*## ' '/^[a-z]+:.*## / { printf "  make %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

$(STAMP): constraints.txt pyproject.toml
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -c constraints.txt -e ".[$(EXTRAS)]"
	touch $@

$(NODE_STAMP): book/_ext/mathjax/package.json book/_ext/mathjax/package-lock.json | $(STAMP)
	@command -v npm >/dev/null || { echo "npm is missing (Debian: apt-get install nodejs npm)"; exit 1; }
	mkdir -p $(NODE_DIR)
	cp book/_ext/mathjax/package.json book/_ext/mathjax/package-lock.json $(NODE_DIR)/
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

$(ESLINT_STAMP): book/_ext/explorer/package.json book/_ext/explorer/package-lock.json book/_ext/explorer/eslint.config.js | $(STAMP)
	@command -v npm >/dev/null || { echo "npm is missing (Debian: apt-get install nodejs npm)"; exit 1; }
	mkdir -p $(ESLINT_DIR)
	cp $^ $(ESLINT_DIR)/
	cd $(ESLINT_DIR) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

venv: $(STAMP) $(NODE_STAMP) ## set up .venv (Python packages from constraints.txt, MathJax)

# The execution cache keys on cell source only, so a change in bp/ (or in the
# pinned stack) would leave stale outputs. Hash them; when the hash differs from
# the one stored at the last build, drop the execution cache and the doctrees so
# every chapter is read and executed again.
# (bp/ in full, helper modules beside the chapters, the committed benchmark results that
# the appendix and Part II read, and the pinned versions; not the Sphinx extension in
# book/_ext, which changes no cell's output.)
SRC_HASH = $$( { find bp book -type f ! -path 'book/_vendor/*' ! -path 'book/_ext/*' ! -path '*/__pycache__/*' \
                   \( -path 'bp/*' -o -name '*.py' \) ! -name '*.pyc' -print0 \
                 | LC_ALL=C sort -z | xargs -0 sha256sum; sha256sum constraints.txt benchmarks/results/*.json; } \
               | sha256sum | cut -d' ' -f1 )

book: $(STAMP) $(NODE_STAMP) ## build the book into _build/html (BUILD_DIR=/tmp/b: into /tmp/b/_build/html)
	@mkdir -p "$(OUT)"; \
	new=$(SRC_HASH); old=$$(cat "$(OUT)/.bp-hash" 2>/dev/null || true); \
	if [ "$$new" != "$$old" ]; then \
	  if [ -n "$$old" ]; then echo "bp/, results or pins changed since the last build: clearing the execution cache"; fi; \
	  rm -rf "$(OUT)/.jupyter_cache" "$(OUT)/.doctrees" "$(OUT)/jupyter_execute"; \
	fi; \
	echo "$$new" > "$(OUT)/.bp-hash"; \
	$(VENV)/bin/jupyter-book build . --path-output "$(BUILD_DIR)" $(JB_FLAGS) \
	  && echo "Book: $(abspath $(HTML))/index.html"

# The PDF: the book built as one page (singlehtml, reusing the execution cache of `make
# book`), printed by Chromium with the book's print stylesheet (book/_ext/make_pdf.py),
# then copied beside the pages and offered in every page's download menu.
pdf: book ## the whole book as one PDF: _build/pdf/book.pdf
	$(VENV)/bin/jupyter-book build . --path-output "$(BUILD_DIR)" --builder singlehtml $(JB_FLAGS)
	$(VPY) book/_ext/make_pdf.py "$(OUT)/singlehtml" "$(OUT)/pdf/book.pdf"
	cp "$(OUT)/pdf/book.pdf" "$(HTML)/book.pdf"
	$(VPY) book/_ext/lean_pages.py --pdf-link "$(HTML)"

lint: $(STAMP) ## ruff check and ruff format --check on the whole repository, mypy on bp/
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

check: lint ## fast: lint, doctests and the package tests, without the book (under a minute)
	$(VPY) -m pytest -q -m "not book"

test: lint $(NODE_STAMP) $(ESLINT_STAMP) ## everything: lint, package tests, a from-scratch build, browser test
	$(VPY) -m pytest

bench: $(STAMP) ## run the benchmarks (ARGS=--quick for a short run)
	@test -f benchmarks/run.py || { echo "benchmarks/run.py does not exist yet"; exit 1; }
	$(VPY) benchmarks/run.py $(ARGS)

serve: ## preview _build/html at http://127.0.0.1:8000/ (PORT=8001 for another port)
	@test -f "$(HTML)/index.html" || { echo "No $(HTML)/index.html: run 'make book' first"; exit 1; }
	@echo "Serving $(HTML) at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@python3 -m http.server "$(PORT)" --bind "$(HOST)" --directory "$(HTML)"

clean: ## remove build outputs (keeps .venv)
	rm -rf _build .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## remove build outputs and .venv
	rm -rf $(VENV) *.egg-info
