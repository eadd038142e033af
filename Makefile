# thaadsim: `make demo` and `make test` do everything on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
OUT ?= demo-out

.PHONY: demo test bench lint typecheck venv clean clean-cache docs

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/thaadsim demo --out $(OUT)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy src/thaadsim

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/lint-imports
	$(BIN)/mypy src/thaadsim
	$(BIN)/python -m pytest -q
	$(MAKE) --no-print-directory docs

docs: $(STAMP)
	rm -rf docs/_build/api
	$(BIN)/python -W error -m pdoc --docformat numpy --no-math --no-mermaid -o docs/_build/api thaadsim '!thaadsim.core._us1976_upper'

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache

clean-cache:
	find src -name '*.nbi' -delete; find src -name '*.nbc' -delete
	rm -rf "$${THAADSIM_CACHE_DIR:-$${XDG_CACHE_HOME:-$$HOME/.cache}/thaadsim}"
