# The two commands a newcomer needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PORT ?= 8000

.PHONY: venv run test lint migrate demo clean

venv: $(STAMP) $(NODE_STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "bcsync needs Python 3.11, found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

# Front-end libraries (grids), pinned by package-lock.json and served as static files.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

migrate: venv
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py demo_catalog && $(BIN)/python manage.py demo_sales

run: migrate
	@test -f var/.demo-loaded || ($(BIN)/python manage.py demo_catalog && $(BIN)/python manage.py demo_sales && touch var/.demo-loaded)
	BCSYNC_PUBLIC_URL=$${BCSYNC_PUBLIC_URL:-http://127.0.0.1:$(PORT)} \
	  $(BIN)/python manage.py run_all --port $(PORT)

# Two pytest-xdist workers, whole files each (a module's tests stay together and in order,
# and share its module-scoped emulator). Each worker has its own var folder, test database
# and Redis database (tests/own_var.py). `make test PYTEST_XDIST=` runs in one process.
PYTEST_XDIST ?= -n 2 --dist loadfile

test: venv
	$(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) node_modules var/broker
