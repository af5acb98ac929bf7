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
# Both modes then run eventc_bench_delivery (bench/delivery.c): the delivery layer against the
# bare CloudEvents codec on the same events, in time or in instructions, and put its table into
# docs/benchmarks.md between `<!-- delivery-time:begin -->` / `<!-- delivery-instructions:begin -->`
# and the matching `:end -->` markers. Results: $build/bench/delivery.json (time) and
# $build/bench-instructions/delivery.json.
#
#   scripts/bench.sh --nats [eventc_bench_nats options]
#       typed events through the NATS JetStream adapter against the bare NATS C client on the same
#       nats-server, started for the run (tests/support/with_nats_server.sh; needs nats-server and
#       libnats-dev). Puts its table into docs/benchmarks.md between `<!-- nats-time:begin -->`
#       and `<!-- nats-time:end -->`. Results: $build/bench/nats.json.
#   scripts/bench.sh --kafka [harness options]
#       only the Kafka benchmark (bench/kafka_bench.c, needs librdkafka-dev): typed publish and
#       consume through eventc::kafka against the bare librdkafka client on the same records and
#       broker (librdkafka's mock cluster in the process, or --brokers), and puts its table into
#       docs/benchmarks.md between `<!-- kafka:begin -->` and `<!-- kafka:end -->`. Results:
#       $build/bench/kafka.md. `--smoke` runs a few thousand events once, writing nothing.
#
# Warnings are not made errors here: the test builds guard them, and a benchmark should not stop
# on a diagnostic that only a higher optimisation level brings out.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BENCH_BUILD_DIR:-build-bench}
instructions=0
generator=0
nats=0
kafka=0
args=()
for a in "$@"; do
  if [ "$a" = "--instructions" ]; then
    instructions=1
  elif [ "$a" = "--nats" ]; then
    nats=1
  elif [ "$a" = "--generator" ]; then
    generator=1
  elif [ "$a" = "--kafka" ]; then
    kafka=1
  else
    args+=("$a")
  fi
done

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DEVENTC_WERROR=OFF -DEVENTC_BUILD_BENCH=ON \
  >/dev/null
if [ "$nats" -eq 0 ] && [ "$kafka" -eq 0 ]; then
  cmake --build "$build" -j"$(nproc)" --target eventc_bench eventc_bench_delivery
fi

doc=docs/benchmarks.md
# Replaces the lines between `<!-- NAME:begin -->` and `<!-- NAME:end -->` of the doc with FILE.
splice() {
  grep -q "<!-- $1:begin -->" "$doc" || return 0
  awk -v table="$2" -v b="<!-- $1:begin -->" -v e="<!-- $1:end -->" '
    $0 == b { print; while ((getline line < table) > 0) print line; skip = 1; next }
    $0 == e { skip = 0 }
    !skip { print }' "$doc" >"$doc.tmp"
  mv "$doc.tmp" "$doc"
  echo "bench: $1 table written to $doc"
}
smoke=0
case " ${args[*]} " in *" --smoke "*) smoke=1 ;; esac
delivery_args=()
[ "$smoke" -eq 1 ] && delivery_args+=(--smoke)

#   scripts/bench.sh --generator [SIZES...]
#       the generator on large catalogs instead (scripts/bench_generator.sh): time and peak memory
#       of check and generate at 1,000, 2,000 and 5,000 events.
if [ "$generator" -eq 1 ]; then
  cmake --build "$build" -j"$(nproc)" --target eventc
  exec bash scripts/bench_generator.sh "$build/bin/eventc" "${args[@]}"
fi

if [ "$nats" -eq 1 ]; then
  cmake --build "$build" -j"$(nproc)" --target eventc_bench_nats
  mkdir -p "$build/bench"
  bash tests/support/with_nats_server.sh "$build/bin/eventc_bench_nats" --examples catalog/examples \
    --json "$build/bench/nats.json" "${args[@]}" | tee "$build/bench/nats.out"
  grep '^|' "$build/bench/nats.out" >"$build/bench/nats.md" || true
  [ "$smoke" -eq 1 ] || [ ! -s "$build/bench/nats.md" ] || splice nats-time "$build/bench/nats.md"
  exit 0
fi

if [ "$kafka" -eq 1 ]; then
  cmake --build "$build" -j"$(nproc)" --target eventc_kafka_bench ||
    { echo "bench: --kafka needs librdkafka (librdkafka-dev)" >&2; exit 1; }
  mkdir -p "$build/bench"
  rm -f "$build/bench/kafka.md"
  "$build/bin/eventc_kafka_bench" --examples catalog/examples --markdown "$build/bench/kafka.md" \
    "${args[@]}"
  [ "$smoke" -eq 1 ] || splice kafka "$build/bench/kafka.md"
  exit 0
fi

if [ "$instructions" -eq 0 ]; then
  "$build/bin/eventc_bench" --examples catalog/examples --out "$build/bench" "${args[@]}"
  "$build/bin/eventc_bench_delivery" --examples catalog/examples --out "$build/bench" \
    "${delivery_args[@]}"
  [ "$smoke" -eq 1 ] || splice delivery-time "$build/bench/delivery.md"
  exit 0
fi

command -v valgrind >/dev/null || { echo "bench: --instructions needs valgrind" >&2; exit 1; }
out="$build/bench-instructions"
mkdir -p "$out"
rm -f "$out"/callgrind.out*
valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out/callgrind.out" \
  "$build/bin/eventc_bench" --examples catalog/examples --out "$out" \
  --instructions "$out/callgrind.out" "${args[@]}"
rm -f "$out"/callgrind.out*

valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out/callgrind.out" \
  "$build/bin/eventc_bench_delivery" --examples catalog/examples --out "$out" --events 21000 \
  --instructions "$out/callgrind.out" "${delivery_args[@]}"
rm -f "$out"/callgrind.out*

[ "$smoke" -eq 1 ] && exit 0
splice instructions "$out/instructions.md"
splice delivery-instructions "$out/delivery.md"
