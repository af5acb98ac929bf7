#!/usr/bin/env bash
# Builds eventc in Release and runs the benchmark (docs/benchmarks.md). Arguments are passed to
# the harness, e.g. `scripts/bench.sh --reps 11`. Results: build-bench/bench/results.json.
#
#   scripts/bench.sh --instructions [harness options]
#       runs the harness under callgrind, counting the instructions of the measured loops only
#       (the harness toggles collection around each loop and reads callgrind's dump after it):
#       the stable figure on a shared machine. Writes build-bench/bench-instructions/results.json
#       and instructions.md, and puts that table into docs/benchmarks.md between the
#       `<!-- instructions:begin -->` and `<!-- instructions:end -->` markers.
#
# Warnings are not made errors here: the test builds guard them, and a benchmark should not stop
# on a diagnostic that only a higher optimisation level brings out.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BENCH_BUILD_DIR:-build-bench}
instructions=0
generator=0
args=()
for a in "$@"; do
  if [ "$a" = "--instructions" ]; then
    instructions=1
  elif [ "$a" = "--generator" ]; then
    generator=1
  else
    args+=("$a")
  fi
done

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DEVENTC_WERROR=OFF -DEVENTC_BUILD_BENCH=ON \
  >/dev/null
cmake --build "$build" -j"$(nproc)" --target eventc_bench

#   scripts/bench.sh --generator [SIZES...]
#       the generator on large catalogs instead (scripts/bench_generator.sh): time and peak memory
#       of check and generate at 1,000, 2,000 and 5,000 events.
if [ "$generator" -eq 1 ]; then
  cmake --build "$build" -j"$(nproc)" --target eventc
  exec bash scripts/bench_generator.sh "$build/bin/eventc" "${args[@]}"
fi

if [ "$instructions" -eq 0 ]; then
  exec "$build/bin/eventc_bench" --examples catalog/examples --out "$build/bench" "${args[@]}"
fi

command -v valgrind >/dev/null || { echo "bench: --instructions needs valgrind" >&2; exit 1; }
out="$build/bench-instructions"
mkdir -p "$out"
rm -f "$out"/callgrind.out*
valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out/callgrind.out" \
  "$build/bin/eventc_bench" --examples catalog/examples --out "$out" \
  --instructions "$out/callgrind.out" "${args[@]}"
rm -f "$out"/callgrind.out*

case " ${args[*]} " in *" --smoke "*) exit 0 ;; esac
doc=docs/benchmarks.md
if grep -q '<!-- instructions:begin -->' "$doc"; then
  awk -v table="$out/instructions.md" '
    /<!-- instructions:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /<!-- instructions:end -->/ { skip = 0 }
    !skip { print }' "$doc" >"$doc.tmp"
  mv "$doc.tmp" "$doc"
  echo "bench: instruction table written to $doc"
fi
