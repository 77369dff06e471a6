# Thin wrapper over CMake presets; every target installs missing system packages first.
JOBS ?= $(shell nproc)
XPUSIM := build/release/xpusim
# The Debian python (pandas and matplotlib come from system packages, not a virtualenv).
PYTHON ?= /usr/bin/python3

.PHONY: deps build run test test-asan bench fuzz clean figures regress validate python
deps:
	@./scripts/install-deps.sh

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

# Builds only the simulator (not the tests), then runs the quickstart into results/quickstart
# (--force: `make run` again replaces the previous results).
run: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS) --target xpusim
	$(XPUSIM) run configs/quickstart.yaml --out results/quickstart --force

# The Python module in the build tree (docs/python.md): build/release/python/xpusim.
python: deps
	@./scripts/install-deps.sh python
	@cmake --preset release -DPython3_EXECUTABLE=$(PYTHON) >/dev/null
	@cmake --build build/release -j $(JOBS) --target xpusim_python xpusim
	@echo "import it with: PYTHONPATH=$(CURDIR)/build/release/python $(PYTHON)"

test: build
	@cd build/release && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@cd build/asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

bench: deps
	@cmake --preset bench >/dev/null
	@cmake --build --preset bench -j $(JOBS)
	@./scripts/run-bench.sh build/bench

# Runs every reproduction sweep (configs/sweeps/NAME.yaml) at its reduced size into
# results/sweeps/NAME/ and redraws docs/figures/NAME.png with scripts/figures/NAME.py; then the
# timeline picture. A sweep with a failed point stops here: a figure with holes would mislead.
figures: build
	@./scripts/install-deps.sh figures
	@set -e; for sweep in configs/sweeps/*.yaml; do \
	  name=$$(basename $$sweep .yaml); \
	  echo "figures: $$name"; \
	  $(XPUSIM) -q sweep $$sweep --reduced -j $(JOBS) -o results/sweeps/$$name; \
	  $(PYTHON) scripts/figures/$$name.py results/sweeps/$$name/results.csv docs/figures/$$name.png; \
	done
	@$(XPUSIM) -q run configs/quickstart.yaml --set workload.num_requests=12 --set cluster.instances=2 \
	  --timeline -o results/timeline --force
	@$(PYTHON) scripts/figures/timeline.py results/timeline/timeline.json docs/figures/timeline.png

# Replays the real vLLM runs in ../shared/validation/ and rewrites section 4 of
# docs/validation.md (the test suite checks that it is current).
validate: build
	$(PYTHON) scripts/validate_runs.py --xpusim $(XPUSIM) --write docs/validation.md

# Checks the committed expectations in tests/regression/ (ctest runs the same check).
regress: build
	$(XPUSIM) regress tests/regression

# libFuzzer targets (scenario loader, every trace reader), FUZZ_SECONDS each (docs/errors.md).
FUZZ_SECONDS ?= 60
fuzz: deps
	@./scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf build
