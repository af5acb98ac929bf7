#!/usr/bin/env bash
# Builds eventc in Release and runs the full benchmark (docs/benchmarks.md). Arguments are passed
# to the harness, e.g. `scripts/bench.sh --reps 11`. Results: build-bench/bench/results.json.
#
# Warnings are not made errors here: the test builds guard them, and a benchmark should not stop
# on a diagnostic that only a higher optimisation level brings out.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BENCH_BUILD_DIR:-build-bench}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DEVENTC_WERROR=OFF -DEVENTC_BUILD_BENCH=ON \
  >/dev/null
cmake --build "$build" -j"$(nproc)" --target eventc_bench
exec "$build/bin/eventc_bench" --examples catalog/examples --out "$build/bench" "$@"
