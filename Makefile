# 融合 — the two commands a newcomer needs: `make demo` and `make test`.
# Python 3.11–3.13: the newest found on PATH, or PYTHON=/path/to/python3.x.
# (An interpreter counts when it runs: a pyenv shim for a version not selected does not.)
# pyenv's installed versions count too (their shims run only the selected one).
PYTHON ?= $(or $(shell for v in 3.13 3.12 3.11; do \
  for p in python$$v $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$v*/bin/python$$v 2>/dev/null | sort -V | tail -1); do \
    $$p -c '' >/dev/null 2>&1 && { echo $$p; exit 0; }; done; done),python3.11)
VENV ?= .venv
PY := $(VENV)/bin/python
RONGHE := $(VENV)/bin/ronghe
VENDOR := src/ronghe/static/vendor
HOST ?= 127.0.0.1:8000
SIZE ?= 10000
# Offline install (an intranet without internet): `make wheelhouse` on a machine with internet, the same
# OS and Python; copy the folder over; then `make demo OFFLINE=1` / `make test OFFLINE=1` install from it.
WHEELHOUSE ?= wheelhouse
WH := $(abspath $(WHEELHOUSE))
ifeq ($(OFFLINE),1)
PIP_FROM := --no-index --find-links $(WH)/python
NPM_FROM := --offline --cache $(WH)/npm
else
PIP_FROM :=
NPM_FROM :=
endif

.PHONY: demo test lint assets setup serve bench clean browser wheelhouse print-python

print-python:
	@echo $(PYTHON)

$(VENV)/.installed: pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "找不到 $(PYTHON)：请先安装 Python 3.11、3.12 或 3.13（Debian: apt-get install python3.11 python3.11-venv），或用 make PYTHON=/path/to/python3.x 指定。" >&2; exit 1; }
	@test "$(OFFLINE)" != 1 || test -d $(WH)/python || { echo "离线安装：找不到 $(WH)/python，请先在能联网的机器上 make wheelhouse 并复制过来（或用 WHEELHOUSE= 指定）。" >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q $(PIP_FROM) --upgrade pip
	$(PY) -m pip install -q $(PIP_FROM) -c constraints.txt -e ".[dev]"
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci $(NPM_FROM) --no-audit --no-fund --loglevel=error
	touch $@

# Every wheel for this OS and Python (the dependencies pinned in constraints.txt, the dev tools, pip and
# the build backend) and npm's cache of the front-end packages in package-lock.json.
wheelhouse:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "找不到 $(PYTHON)" >&2; exit 1; }
	mkdir -p $(WH)/python $(WH)/npm
	$(PYTHON) -m pip download -q --only-binary=:all: -d $(WH)/python -c constraints.txt pip setuptools wheel
	$(PYTHON) -m pip wheel -q -c constraints.txt -w $(WH)/python ".[dev]"
	rm -f $(WH)/python/ronghe-*.whl  # the project itself installs from the source tree
	rm -rf $(WH)/.npm-tmp && mkdir -p $(WH)/.npm-tmp && cp frontend/package.json frontend/package-lock.json $(WH)/.npm-tmp/
	cd $(WH)/.npm-tmp && npm ci --cache $(WH)/npm --no-audit --no-fund --loglevel=error --ignore-scripts
	rm -rf $(WH)/.npm-tmp
	$(PYTHON) -c 'import platform, sys; print(f"Python {sys.version.split()[0]} {platform.machine()} {platform.system()}")' > $(WH)/BUILT-FOR.txt
	@echo "已生成 $(WH)（$$(ls $(WH)/python | wc -l) 个 wheel，$$(cat $(WH)/BUILT-FOR.txt)）：复制到内网机器后 make demo OFFLINE=1 WHEELHOUSE=…"

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
	DEBUG=$${DEBUG:-0} $(RONGHE) serve $(HOST)

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
	RONGHE_REQUIRE_AXE=1 RONGHE_AXE_JS=$(CURDIR)/$(AXE) $(PY) -m pytest -n auto --dist worksteal -q $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check src tests $(wildcard bench)
	$(VENV)/bin/ruff format --check src tests $(wildcard bench)
	$(VENV)/bin/mypy

bench: setup
	$(PY) bench/run.py --size $(SIZE)

clean:
	rm -rf $(VENV) frontend/node_modules $(VENDOR)
