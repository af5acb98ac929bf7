#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan, UBSan) and runs them.
#
#   scripts/fuzz.sh [SECONDS_PER_FUZZER]
#       each harness for a while (default 600 s), through ctest (-L fuzz)
#   scripts/fuzz.sh --runs N [--jobs J] [HARNESS...]
#       each harness (default: all of them) until it has executed N inputs (10 million for the
#       figures in docs/fuzzing.md), at the lowest priority (nice 19); HARNESS is decode, yaml,
#       regex, cloudevents, catalog, cesql or simd (the vector code paths against the scalar
#       ones). Each run prints libFuzzer's final statistics; the summary (executions, seconds,
#       executions per second, outcome) goes to build-fuzz/fuzz/runs/summary.txt, one line per
#       run, and each run's log next to it.
#       --jobs J runs J harnesses at a time (default 1); --max-time S stops each run after S
#       seconds even short of N (the summary then says how far it got).
#
# Corpora grow in build-fuzz/fuzz/corpus/<name>; a finding leaves its input in build-fuzz/fuzz/
# and makes the script exit 1.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=0
jobs=1
max_time=0
seconds=600
harnesses=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --max-time) max_time=$2; shift 2 ;;
    [0-9]*) seconds=$1; shift ;;
    *) harnesses+=("$1"); shift ;;
  esac
done
[ ${#harnesses[@]} -gt 0 ] || harnesses=(decode yaml regex cloudevents catalog cesql simd)

[ "${EVENTC_FUZZ_NO_SETUP:-0}" = 1 ] || bash scripts/setup.sh
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DEVENTC_FUZZ=ON -DEVENTC_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEVENTC_FUZZ_SECONDS="$seconds" >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"

if [ "$runs" -eq 0 ]; then
  cd build-fuzz && exec ctest -L fuzz --output-on-failure --timeout $((seconds + 120))
fi

# Seeds, as the smoke tests use them (fuzz/CMakeLists.txt).
seeds() {
  case "$1" in
    decode) echo catalog/examples ;;
    yaml) echo catalog tests/errors ;;
    regex) echo ;;
    cloudevents) echo build-fuzz/fuzz/seeds/cloudevents ;;
    catalog) echo build-fuzz/fuzz/seeds/catalog tests/errors ;;
    cesql) echo fuzz/seeds/cesql ;;
    simd) echo catalog/examples tests/cloudevents/events ;;
  esac
}

out=build-fuzz/fuzz/runs
mkdir -p "$out"
# The commit the harnesses were built from (with "+" when the work tree had changes then).
commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- 2>/dev/null || commit="$commit+"
one() {
  local h=$1 corpus=build-fuzz/fuzz/corpus/$1 log=$out/$1.log
  mkdir -p "$corpus"
  local start end status=found
  start=$(date +%s)
  # shellcheck disable=SC2046
  if ASAN_OPTIONS=detect_leaks=1 nice -n 19 "build-fuzz/bin/fuzz_$h" -runs="$runs" \
      -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -max_total_time="$max_time" \
      -artifact_prefix=build-fuzz/fuzz/ "$corpus" $(seeds "$h") >"$log" 2>&1; then
    status=clean
  fi
  end=$(date +%s)
  local execs eps
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ "$status" = clean ] && [ "${execs:-0}" -lt "$runs" ]; then
    status="clean, stopped short of $runs by --max-time"
  fi
  printf '%s %s execs in %s s (%s exec/s): %s, commit %s\n' "$h" "${execs:-?}" \
    $((end - start)) "${eps:-?}" "$status" "$commit" | tee -a "$out/summary.txt"
  [ "$status" = clean ]
}
export -f one seeds
export runs out max_time commit
failed=0
if [ "$jobs" -le 1 ]; then
  for h in "${harnesses[@]}"; do one "$h" || failed=1; done
else
  printf '%s\n' "${harnesses[@]}" | xargs -P "$jobs" -I{} bash -c 'one {}' || failed=1
fi
exit $failed
