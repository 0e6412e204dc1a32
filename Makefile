# Two entry points for a fresh machine with Python 3.11 and pip: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATASET := pyongyang-summit-2024
LANGS := pt,es
SOURCES := $(shell find core align glossary -name '*.py' -o -name 'py.typed' -o -name '*.json' -o -name '*.npz' -o -name '*.css' -o -name '*.js') pyproject.toml constraints.txt

# Nothing reaches a model hub at run time.
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: build test lint install clean

build: $(VENV)/.installed
	$(BIN)/alinea build seeds --out datasets --name $(DATASET) --langs $(LANGS)

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy -p alinea
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy -p alinea

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"

# A regular (not editable) install: tests and mypy see exactly what users install.
# torch first, pinned: the CPU build on this disk (anything else would pull a CUDA build)
$(VENV)/.installed: $(BIN)/python $(SOURCES)
	$(BIN)/python -m pip install -q "torch==2.13.0"
	$(BIN)/python -m pip install -q -c constraints.txt .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python $(SOURCES)
	$(BIN)/python -m pip install -q "torch==2.13.0"
	$(BIN)/python -m pip install -q -c constraints.txt ".[dev,ray]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed-dev

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
