# LR Atlas: `make serve` to read and edit the site, `make test` to verify all of it.
# Both create .venv on first use and reinstall whenever a requirements file changes
# (requirements.txt includes requirements/gpu.txt, the part the GPU job installs alone).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000

# Material 9.8 prints an end-of-life banner on every build; it is noise here.
export NO_MKDOCS_2_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: serve test lint build figures bench lighthouse clean test-page update-outputs new-guide new-scheduler

$(VENV)/installed: requirements.txt $(wildcard requirements/*.txt)
	@$(PYTHON) -c 'import sys; sys.exit("LR Atlas needs Python 3.11 or newer, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing requirements.txt into $(VENV) (torch is large: a few minutes the first time)"
	$(PY) -m pip install --progress-bar on -r requirements.txt
	touch $@

figures: $(VENV)/installed
	$(PY) -m runner

serve: figures
	$(VENV)/bin/mkdocs serve --dirty --dev-addr $(ADDR)

test: lint
	$(PY) -m pytest --codeblocks tests docs README.md CONTRIBUTING.md

lint: $(VENV)/installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/codespell

build: figures
	$(VENV)/bin/mkdocs build --strict --site-dir site

bench: figures
	$(PY) scripts/bench.py

# Lighthouse (Node, not a Python requirement) on the heaviest pages of a fresh build, with the
# system Chromium; an idle machine gives the honest mobile numbers.
lighthouse: build
	test -x .lighthouse/node_modules/.bin/lighthouse || npm install --prefix .lighthouse --no-save --no-audit --no-fund -E lighthouse@12.2.3
	$(PY) scripts/lighthouse.py site

# One page's checks and a strict build: make test-page PAGE=docs/guides/warm-up-then-decay.md
test-page: figures
	@test -n "$(PAGE)" || { echo "usage: make test-page PAGE=docs/<section>/<page>.md"; exit 2; }
	$(PY) scripts/test_page.py $(PAGE)

# Rewrite expected-output blocks from real runs and show the diff (all pages, or PAGE=...).
update-outputs: $(VENV)/installed
	$(PY) scripts/update_outputs.py $(PAGE)

# Scaffold a page, its snippet and its test: make new-guide NAME=warm-up-stable-decay
new-guide: $(VENV)/installed
	@test -n "$(NAME)" || { echo "usage: make new-guide NAME=<file-name-without-.md>"; exit 2; }
	$(PY) scripts/new_page.py guide $(NAME)

new-scheduler: $(VENV)/installed
	@test -n "$(NAME)" || { echo "usage: make new-scheduler NAME=<ClassName>"; exit 2; }
	$(PY) scripts/new_page.py scheduler $(NAME)

clean:
	rm -rf generated site .pytest_cache
