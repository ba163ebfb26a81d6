# 融合 — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
RONGHE := $(VENV)/bin/ronghe
VENDOR := src/ronghe/static/vendor
HOST ?= 127.0.0.1:8000
SIZE ?= 10000

.PHONY: demo test lint assets setup serve bench clean browser

$(VENV)/.installed: pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "找不到 $(PYTHON)：请先安装 Python 3.11（Debian: apt-get install python3.11 python3.11-venv），或用 make PYTHON=/path/to/python3.11 指定。" >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e ".[dev]"
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/.copied: frontend/node_modules/.installed
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/htmx $(VENDOR)/echarts
	cp frontend/node_modules/bootstrap/dist/css/bootstrap.min.css $(VENDOR)/bootstrap/
	cp frontend/node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/bootstrap/
	cp frontend/node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp frontend/node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	touch $@

setup: $(VENV)/.installed assets
assets: $(VENDOR)/.copied

demo: setup
	$(RONGHE) migrate --noinput -v 0
	$(RONGHE) demo --if-empty
	@echo "打开 http://$(HOST)/ ，用上面任一演示账户登录（Ctrl+C 停止）。"
	DEBUG=$${DEBUG:-0} $(RONGHE) runserver --insecure $(HOST)

# The browser journeys drive Debian's chromium; as root, install it when it is missing.
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk; \
	  else echo "提示：没有 /usr/bin/chromium，浏览器测试将跳过（apt-get install chromium fonts-noto-cjk）。" >&2; fi; }

# The accessibility gate (tests/browser/test_accessibility.py) evaluates axe-core from frontend/node_modules in
# the test browser: a dev dependency installed by `npm ci`, never copied into static/vendor (never served).
AXE := frontend/node_modules/axe-core/axe.min.js

test: setup browser
	RONGHE_REQUIRE_AXE=1 RONGHE_AXE_JS=$(CURDIR)/$(AXE) $(PY) -m pytest -n auto -q $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check src tests $(wildcard bench)
	$(VENV)/bin/mypy

bench: setup
	$(PY) bench/run.py --size $(SIZE)

clean:
	rm -rf $(VENV) frontend/node_modules $(VENDOR)
