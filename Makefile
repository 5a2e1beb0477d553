# Convenience wrapper around CMake and ctest. The two set-up commands of the
# README are `make run` and `make test`; both install what they need first.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps build run demo test asan fuzz bench clean

all: build

deps:
	sh scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DVT_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

# The main job: the case service on the embedded SQLite database.
run: build
	sh scripts/run.sh $(BUILD)/vulntrack

# The semantics and scanner commands at work on a few real inputs.
demo: build
	sh scripts/demo.sh $(BUILD)/vulntrack

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Every test again with AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	cmake -S . -B $(ASAN_BUILD) -DVT_WERROR=ON -DVT_SANITIZE=ON -DVT_BUILD_BENCH=OFF \
	    -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j $(JOBS)

# libFuzzer with clang: each target runs FUZZ_SECONDS on its seed corpus.
fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DVT_FUZZ=ON -DVT_SANITIZE=ON \
	    -DVT_BUILD_TESTS=OFF -DVT_BUILD_BENCH=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	sh scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	sh bench/run.sh $(BUILD)

# The case service on loopback (bench/run_intake.sh): durable intakes and
# case reads per second, latency at half the highest rate, idle RSS.
.PHONY: bench-intake
bench-intake: build
	sh bench/run_intake.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
