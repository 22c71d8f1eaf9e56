# The two commands of the README:
#   make reproduce   set up, then run the main job
#   make test        set up, then run every test
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup reproduce test test-min

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,dask]'
	touch $@

reproduce: setup
	$(VENV)/bin/openness report

test: setup
	$(PY) -m pytest

# every dependency at its declared floor, in .venv-min, then the fast tests (scripts/min_versions.py)
test-min:
	$(PYTHON) scripts/min_versions.py
