# Thin wrapper over CMake presets; every target installs missing system packages first.
JOBS ?= $(shell nproc)
XPUSIM := build/release/xpusim

.PHONY: deps build run test test-asan bench fuzz clean
deps:
	@./scripts/install-deps.sh

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

run: build
	$(XPUSIM) run configs/quickstart.yaml --out results/quickstart

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

# libFuzzer targets (scenario loader, every trace reader), FUZZ_SECONDS each (docs/errors.md).
FUZZ_SECONDS ?= 60
fuzz: deps
	@./scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf build
