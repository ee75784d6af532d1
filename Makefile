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
FUZZ_SECONDS ?= 60
FUZZ_CORPUS ?= ../shared/corpus
FUZZ_TARGETS := tokenize model_file shared_passages
APT_PACKAGES := libicu-dev libeigen3-dev libgtest-dev nlohmann-json3-dev pkg-config chromium fonts-dejavu-core
FUZZ_APT_PACKAGES := clang libclang-rt-14-dev
BUILD_TOOLS := "scikit-build-core>=0.10" "pybind11>=2.12" cmake ninja
PACKAGE_SOURCES := CMakeLists.txt pyproject.toml $(shell find cmake cpp python -type f -not -name '*.pyc' 2>/dev/null)
INSTALLED := $(VENV)/.khabar-installed

.PHONY: help demo test cpp-test cpp-test-sanitized py-test bench lint format apt fuzz-apt fuzz clean

help:
	@echo "make demo   analyze $(CORPUS) and print the report"
	@echo "make test   GoogleTest + consumer project + pytest + notebooks"
	@echo "make bench  benchmarks against scikit-learn on ../shared/corpus"
	@echo "make lint   clang-format, ruff and mypy checks"
	@echo "make fuzz   each libFuzzer target for FUZZ_SECONDS (default $(FUZZ_SECONDS)) seconds"

# apt packages are checked on every run (cheap) and installed only when missing.
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing apt packages:" $$missing; \
	  if [ "$$(id -u)" != 0 ]; then echo "run as root (or install: $$missing)"; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
endef

apt:
	$(call apt_install,$(APT_PACKAGES))

# clang only for `make fuzz`: libFuzzer needs clang, `make test` does not (g++ builds the
# tests). libFuzzer's runtime (libclang_rt.fuzzer-x86_64.a, with the clang ASan/UBSan
# runtimes) is in libclang-rt-14-dev on bookworm, which clang only pulls in as a Recommends
# of libclang-common-14-dev, so it is named explicitly.
fuzz-apt: apt
	$(call apt_install,$(FUZZ_APT_PACKAGES))

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

# The stemming evaluation installs its peer stemmers itself (pip, into .venv) and times the
# stem step with a C++ tool from the Release build.
bench: apt $(INSTALLED)
	$(VENV)/bin/cmake -S . -B $(BUILD)/cpp -G Ninja -DCMAKE_BUILD_TYPE=Release -DKHABAR_BUILD_TESTS=ON >/dev/null
	$(VENV)/bin/cmake --build $(BUILD)/cpp --target khabar_stem_speed
	cd bench && ../$(PY) stemming_eval.py --markdown ../$(BUILD)/stemming_eval.md
	cd bench && ../$(PY) bench_tokenize.py && ../$(PY) bench_tfidf.py && ../$(PY) bench_similarity.py \
	  && ../$(PY) bench_dask.py

lint: $(VENV)/.build-tools $(INSTALLED)
	$(PY) -m pip install -q ruff clang-format
	$(PY) -m mypy python/khabar
	$(VENV)/bin/ruff check python tests bench
	$(VENV)/bin/ruff format --check python tests bench
	$(VENV)/bin/clang-format --dry-run --Werror $$(find cpp tests python fuzz -name '*.cpp' -o -name '*.hpp')

format: $(VENV)/.build-tools
	$(PY) -m pip install -q ruff clang-format
	$(VENV)/bin/ruff format python tests bench
	$(VENV)/bin/ruff check --fix python tests bench
	$(VENV)/bin/clang-format -i $$(find cpp tests python fuzz -name '*.cpp' -o -name '*.hpp')

# libFuzzer targets (fuzz/) built by clang with ASan + UBSan in build/fuzz, run one after the
# other (one process each), each for FUZZ_SECONDS. Seeds are written from $(FUZZ_CORPUS) into
# build/fuzz/seeds/<target>; inputs libFuzzer finds interesting accumulate in
# build/fuzz/corpus-<target> across runs; crashes are saved as build/fuzz/crash-<target>-*.
# The memory limits make an allocation sized by a length read from a model file fail loudly.
FUZZ := $(BUILD)/fuzz
FUZZ_FLAGS := -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -max_len=4096 \
  -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=30

fuzz: fuzz-apt $(VENV)/.build-tools
	CC=clang CXX=clang++ $(VENV)/bin/cmake -S . -B $(FUZZ) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DKHABAR_BUILD_FUZZERS=ON -DKHABAR_BUILD_TESTS=OFF -DKHABAR_INSTALL=OFF >/dev/null
	$(VENV)/bin/cmake --build $(FUZZ)
	rm -rf $(FUZZ)/seeds && $(FUZZ)/fuzz/khabar_fuzz_seeds $(FUZZ_CORPUS) $(FUZZ)/seeds
	@set -o pipefail; for target in $(FUZZ_TARGETS); do \
	  echo "== fuzz_$$target for $(FUZZ_SECONDS) s (log: $(FUZZ)/fuzz_$$target.log)"; \
	  mkdir -p $(FUZZ)/corpus-$$target; \
	  $(FUZZ)/fuzz/fuzz_$$target $(FUZZ_FLAGS) -artifact_prefix=$(FUZZ)/crash-$$target- \
	    $(FUZZ)/corpus-$$target $(FUZZ)/seeds/$$target tests/cpp/fuzz_regressions/$$target \
	    > $(FUZZ)/fuzz_$$target.log 2>&1 \
	    || { tail -n 40 $(FUZZ)/fuzz_$$target.log; exit 1; }; \
	  grep -E '^#[0-9]+ +DONE' $(FUZZ)/fuzz_$$target.log; \
	  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
	    $(FUZZ)/fuzz_$$target.log; \
	  echo "corpus-$$target: $$(ls $(FUZZ)/corpus-$$target | wc -l) files"; \
	done

clean:
	rm -rf $(BUILD) $(VENV)
