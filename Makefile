# The doors a newcomer uses: `make demo` and `make test` (see README.md). Each sets up what it
# needs on a fresh Debian machine (apt packages when missing, a .venv with the package) and keeps
# its build directories, so a second run only rebuilds what changed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUILD := build
CORPUS ?= ../shared/corpus/sochi-2017
APT_PACKAGES := libicu-dev libeigen3-dev libgtest-dev nlohmann-json3-dev pkg-config chromium fonts-dejavu-core
BUILD_TOOLS := "scikit-build-core>=0.10" "pybind11>=2.12" cmake ninja
PACKAGE_SOURCES := CMakeLists.txt pyproject.toml $(shell find cmake cpp python -type f -not -name '*.pyc' 2>/dev/null)
INSTALLED := $(VENV)/.khabar-installed

.PHONY: help demo test cpp-test cpp-test-sanitized py-test bench lint format apt clean

help:
	@echo "make demo   analyze $(CORPUS) and print the report"
	@echo "make test   GoogleTest + consumer project + pytest + notebooks"
	@echo "make bench  benchmarks against scikit-learn on ../shared/corpus"
	@echo "make lint   clang-format and ruff checks"

# apt packages are checked on every run (cheap) and installed only when missing.
apt:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing apt packages:" $$missing; \
	  if [ "$$(id -u)" != 0 ]; then echo "run as root (or install: $$missing)"; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(VENV)/.build-tools: | apt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(BUILD_TOOLS)
	touch $@

# Dependencies are (re)installed when pyproject.toml changes; the package itself is rebuilt
# incrementally in build/python (scikit-build-core's persistent build-dir, hence
# --no-build-isolation) when a source changes.
$(VENV)/.dependencies: $(VENV)/.build-tools pyproject.toml
	$(PY) -m pip install -q --no-build-isolation ".[test,bench,dask]"
	touch $@

$(INSTALLED): $(VENV)/.dependencies $(PACKAGE_SOURCES)
	$(PY) -m pip install -q --no-build-isolation --no-deps .
	touch $@

demo: apt $(INSTALLED)
	$(VENV)/bin/khabar analyze $(CORPUS) --out $(BUILD)/demo/report.html

cpp-test: apt $(VENV)/.build-tools
	$(VENV)/bin/cmake -S . -B $(BUILD)/cpp -G Ninja -DCMAKE_BUILD_TYPE=Release -DKHABAR_BUILD_TESTS=ON >/dev/null
	$(VENV)/bin/cmake --build $(BUILD)/cpp
	cd $(BUILD)/cpp && $(abspath $(VENV))/bin/ctest --output-on-failure -j2

# The GoogleTest suite again under AddressSanitizer + UndefinedBehaviorSanitizer, in its own
# build directory (the consumer project is not installed there).
cpp-test-sanitized: apt $(VENV)/.build-tools
	$(VENV)/bin/cmake -S . -B $(BUILD)/sanitized -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DKHABAR_SANITIZE=ON -DKHABAR_INSTALL=OFF -DKHABAR_BUILD_TESTS=ON >/dev/null
	$(VENV)/bin/cmake --build $(BUILD)/sanitized
	cd $(BUILD)/sanitized && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(abspath $(VENV))/bin/ctest --output-on-failure -j2

py-test: apt $(INSTALLED)
	$(PY) -m pytest

test: cpp-test cpp-test-sanitized py-test

bench: apt $(INSTALLED)
	cd bench && ../$(PY) bench_tokenize.py && ../$(PY) bench_tfidf.py && ../$(PY) bench_similarity.py \
	  && ../$(PY) bench_dask.py

lint: $(VENV)/.build-tools
	$(PY) -m pip install -q ruff clang-format
	$(VENV)/bin/ruff check python tests bench
	$(VENV)/bin/ruff format --check python tests bench
	$(VENV)/bin/clang-format --dry-run --Werror $$(find cpp tests python -name '*.cpp' -o -name '*.hpp')

format: $(VENV)/.build-tools
	$(PY) -m pip install -q ruff clang-format
	$(VENV)/bin/ruff format python tests bench
	$(VENV)/bin/ruff check --fix python tests bench
	$(VENV)/bin/clang-format -i $$(find cpp tests python -name '*.cpp' -o -name '*.hpp')

clean:
	rm -rf $(BUILD) $(VENV)
