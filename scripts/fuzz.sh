#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan, UBSan) and runs each for a while:
#   scripts/fuzz.sh [SECONDS_PER_FUZZER]   (default 600)
# Corpora grow in build-fuzz/fuzz/corpus/<name>; a crash leaves its input in build-fuzz/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
bash scripts/setup.sh
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DEVENTC_FUZZ=ON -DEVENTC_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEVENTC_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_decode fuzz_yaml fuzz_regex fuzz_cloudevents
cd build-fuzz && ctest -L fuzz --output-on-failure --timeout $((seconds + 120))
