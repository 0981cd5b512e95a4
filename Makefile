# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv and install the
# pinned dependencies (requirements.lock) first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_OUT := examples/out

.PHONY: install demo test lint format release clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -r requirements.lock
	# byte-compile on every core (pip does it on one): 2 min 38 s of install become about 2 min
	-$(BIN)/python -m compileall -q -j 0 $(VENV)/lib >/dev/null 2>&1
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/grade all examples/submissions --out $(DEMO_OUT)
	$(BIN)/grade similarity $(DEMO_OUT)
	@echo "Open $(DEMO_OUT)/report/index.html in a browser."

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install lint
	$(BIN)/python -m pytest

release: install
	$(BIN)/grade release

clean:
	rm -rf $(VENV) $(DEMO_OUT)
