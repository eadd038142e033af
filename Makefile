# thaadsim: `make demo` and `make test` do everything on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
OUT ?= demo-out

.PHONY: demo test bench lint typecheck venv clean clean-cache docs browser serve vendor-leaflet

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

test: $(STAMP) browser
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/lint-imports
	$(BIN)/mypy src/thaadsim
	$(BIN)/python -m pytest -q
	$(MAKE) --no-print-directory docs

docs: $(STAMP)
	rm -rf docs/_build/api
	$(BIN)/python -W error -m pdoc --docformat numpy --no-math --no-mermaid -o docs/_build/api thaadsim '!thaadsim.core._us1976_upper'

# The browser tests drive Debian's Chromium with Playwright (its own browser download is not
# reachable offline). Installed here when missing and we may (root, apt-get); otherwise the
# browser tests fail with a message saying how, unless THAADSIM_ALLOW_NO_BROWSER=1 skips them.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-headless-shell >/dev/null 2>&1 \
	  || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	         echo "installing Debian's chromium for the browser tests"; \
	         apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	       else echo "browser tests: no chromium; install it (apt-get install chromium) or set THAADSIM_ALLOW_NO_BROWSER=1"; fi; }

serve: $(STAMP)
	$(BIN)/thaadsim serve --open

# Leaflet is vendored into the package (no CDN); this refreshes it from the npm registry.
vendor-leaflet:
	tools/vendor_leaflet.sh

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache

clean-cache:
	find src -name '*.nbi' -delete; find src -name '*.nbc' -delete
	rm -rf "$${THAADSIM_CACHE_DIR:-$${XDG_CACHE_HOME:-$$HOME/.cache}/thaadsim}"
