# The two commands of the README:
#   make reproduce   set up, then run the main job
#   make test        set up, then run every test
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup reproduce test test-min lock

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,dask]'
	touch $@

reproduce: setup
	$(VENV)/bin/openness report

# on every core (pytest-xdist); --dist loadscope keeps a notebook's cells, and a test module's
# fixtures, on one worker
test: setup
	$(PY) -m pytest -n auto --dist loadscope

# every dependency at its declared floor, in .venv-min, then the fast tests (scripts/min_versions.py)
test-min:
	$(PYTHON) scripts/min_versions.py

# the newest versions pip finds for pyproject.toml, pinned into constraints.txt (then rebuild
# the tables and run `make reproduce`: the charts' bytes follow these versions)
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[dev,dask]'
	head -3 constraints.txt > constraints.txt.new
	.venv-lock/bin/python -m pip freeze --exclude-editable >> constraints.txt.new
	mv constraints.txt.new constraints.txt && rm -rf .venv-lock
