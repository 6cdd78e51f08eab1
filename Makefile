# The few commands people type. CMake does the building (build/ by default).
#
#   make demo     install what is missing, build, start the demo district at http://127.0.0.1:8080
#   make test     install what is missing, build, run every test (unit, API, browser)
#   make build    build/zhida
#   make asan     build-asan/ with AddressSanitizer + UBSan, run the unit tests there
#   make fuzz     libFuzzer targets (clang) for FUZZ_SECONDS each
#   make bench    1,000,000 firms x 200 policies: zhida against the anchors, same run
#   make bench-scale   10,000,000 firms: zhida and DuckDB
#   make check-large   100,000-firm workloads, seeds 1-3, checked against DuckDB

SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?=

.PHONY: all setup setup-web build web test test-unit test-api test-web asan fuzz bench bench-scale bench-apply \
        bench-micro check-large demo format clean

all: build

setup:
	@scripts/setup.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

web:
	@scripts/build-web.sh

test: setup build web
	@scripts/test.sh $(BUILD)

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: setup
	cmake -S . -B build-asan -G Ninja -DZHIDA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

fuzz: setup
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DZHIDA_FUZZ=ON -DZHIDA_TESTS=OFF \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)
	cmake --build build-fuzz -j $(JOBS) --target rules_fuzz csv_fuzz
	scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

bench: setup build
	scripts/bench.sh --n 1000000

bench-scale: setup build
	scripts/bench.sh --n 10000000 --engines duckdb

bench-apply: setup build
	scripts/bench-apply.sh

bench-micro: setup
	cmake -S . -B build-bench -G Ninja -DZHIDA_BENCH=ON -DZHIDA_TESTS=OFF -DCMAKE_BUILD_TYPE=Release
	cmake --build build-bench -j $(JOBS)
	build-bench/bench/micro/zhida_micro --benchmark_min_time=0.2

check-large: setup build
	scripts/check-workload.sh --n 100000 --seeds "1 2 3"

demo: setup build web
	$(BUILD)/zhida demo

format:
	find src fuzz bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-bench
