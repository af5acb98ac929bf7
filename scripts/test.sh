#!/usr/bin/env bash
# Sets up, builds and runs every test: gcc and clang builds, Release builds with both, a sanitizer
# build, valgrind, a ThreadSanitizer build of the messaging tests, a scalar build (no SIMD), the
# referees, and the layout and formatting checks. Every build treats warnings as errors
# (EVENTC_WERROR, off by default for users). Exits non-zero on the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)

stage() { printf '\n=== %s ===\n' "$*"; }

stage "gcc build and all tests"
cmake -S . -B build -DEVENTC_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest -j"$jobs" --output-on-failure)

stage "catalog compatibility: catalog/messaging.yaml against its last release (eventc compat)"
(cd build && ctest --output-on-failure -V -R '^compat[.]guard$' | sed -n 's/^[0-9]*: //p')

stage "clang build and unit + error tests"
cmake -S . -B build-clang -DEVENTC_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang >/dev/null
cmake --build build-clang -j"$jobs"
(cd build-clang && ctest -j"$jobs" --output-on-failure -L 'unit|errors')

# Optimisation changes what the compilers warn about (gcc's -Wmaybe-uninitialized above all).
stage "Release builds: gcc with the tests that need no referee, clang with unit + error tests"
cmake -S . -B build-release -DEVENTC_WERROR=ON -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=gcc \
  >/dev/null
cmake --build build-release -j"$jobs"
# The Kafka tests (label kafka) run on a mock broker and do not depend on optimisation or on the
# vector code: the gcc, sanitizer and ThreadSanitizer stages run them, not this one nor the scalar.
(cd build-release && ctest -j"$jobs" --output-on-failure -LE 'memcheck|referee|work|kafka|nats')
cmake -S . -B build-release-clang -DEVENTC_WERROR=ON -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang >/dev/null
cmake --build build-release-clang -j"$jobs"
(cd build-release-clang && ctest -j"$jobs" --output-on-failure -L 'unit|errors')

stage "AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DEVENTC_WERROR=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DEVENTC_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ctest -j"$jobs" --output-on-failure -LE 'memcheck|referee')

stage "ThreadSanitizer (messaging: bus, router, middleware, stores, conformance suites)"
cmake -S . -B build-tsan -DEVENTC_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DEVENTC_TSAN=ON \
  -DEVENTC_BUILD_BENCH=OFF >/dev/null
# Every program a test labelled "messaging" runs: from ctest's list of commands, or, for a
# program not built yet (ctest then knows no command), the target named like the test's last
# part (unit.test_x: test_x) when there is one.
mapfile -t tsan_targets < <(cd build-tsan && cmake --build . --target help |
  sed -n 's/^\.\.\. \([A-Za-z0-9_]*\).*/\1/p' >tsan-targets.txt &&
  ctest -N -L messaging --show-only=json-v1 | python3 -c 'import json, os, sys
known = set(open("tsan-targets.txt").read().split())
names = set()
for t in json.load(sys.stdin)["tests"]:
    cmd = t.get("command")
    name = os.path.basename(cmd[0]) if cmd else t["name"].rsplit(".", 1)[-1]
    if name in known:
        names.add(name)
print("\n".join(sorted(names)))')
cmake --build build-tsan -j"$jobs" --target eventc_messaging_tests "${tsan_targets[@]}"
(cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  ctest -j"$jobs" --output-on-failure -L messaging)

stage "scalar build (EVENTC_SCALAR=ON): the tests on the portable code paths, no SIMD"
cmake -S . -B build-scalar -DEVENTC_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc \
  -DEVENTC_SCALAR=ON >/dev/null
cmake --build build-scalar -j"$jobs"
(cd build-scalar && ctest -j"$jobs" --output-on-failure -LE 'memcheck|referee|kafka|nats')

stage "fuzzing smoke (libFuzzer: decoder, catalog loader, pattern engine, CloudEvents readers, generator, CESQL, vector vs scalar paths)"
cmake -S . -B build-fuzz -DEVENTC_WERROR=ON -DCMAKE_C_COMPILER=clang -DEVENTC_FUZZ=ON -DEVENTC_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEVENTC_FUZZ_SECONDS=15 >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_decode fuzz_yaml fuzz_regex fuzz_cloudevents fuzz_catalog \
  fuzz_cesql fuzz_simd
(cd build-fuzz && ctest --output-on-failure -L fuzz)

stage "layout: include directions, cycles, file sizes (scripts/check_layout.py)"
python3 scripts/check_layout.py

stage "clang-format"
bash scripts/format.sh --check

stage "all stages passed"
