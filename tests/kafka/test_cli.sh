#!/usr/bin/env bash
# messaging-events publish and consume against eventc-kafka-mock, every party a process of its
# own: the mock cluster, publishers, and consumers that come and go in one group.
#
#   test_cli.sh BIN_DIR SOURCE_DIR WORK_DIR
#
# Checks: the catalog's examples published and consumed (each aggregate's events in order, all
# of them once); a second consumer of the group finds nothing left (exit 3 at its timeout); two
# consumers of one group, one after the other, share the events without a duplicate; republished
# duplicates printed once through --dedupe sqlite:PATH, also across a restart; a file with an
# invalid event (exit 1 and a line naming it, the valid events still published); usage errors; the
# mock's clean exit on SIGTERM. Every process started here is stopped by its id on exit.
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
work=$3
rm -rf "$work"
mkdir -p "$work"
cd "$work"

pids=()
cleanup() {
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

me="$bin/messaging-events"
# The mock's group rebalances wait for the session timeout: keep it short here.
props="session.timeout.ms=3000&linger.ms=0&max.in.flight=1"

"$bin/eventc-kafka-mock" --brokers 3 >mock.out 2>mock.err &
mock=$!
pids+=("$mock")
for _ in $(seq 1 600); do
  [ -s mock.out ] && break
  sleep 0.1
done
brokers=$(head -n 1 mock.out)
[[ $brokers =~ ^127\.0\.0\.1:[0-9]+(,127\.0\.0\.1:[0-9]+){2}$ ]] || fail "bootstrap line '$brokers'"
url="kafka://$brokers?$props"

examples=("$src"/catalog/examples/*.example.json)
n=${#examples[@]}
for f in "${examples[@]}"; do
  "$me" normalize "$f"
done | sort >expected.txt

# Publish every example; consume them all in one group.
"$me" publish --to "$url" "${examples[@]}" >publish.out || fail "publish exited $?"
[ ! -s publish.out ] || fail "publish printed: $(cat publish.out)"
"$me" consume --from "$url" --group one --max "$n" --timeout 60 >one.out ||
  fail "consume exited $?"
sort one.out | diff expected.txt - || fail "consume printed other events"
# Each aggregate's events arrive in the order they were published (the files' order).
for agg in $(sed -n 's/.*"aggregate_id":"\([^"]*\)".*/\1/p' one.out | sort -u); do
  want=$(for f in "${examples[@]}"; do "$me" normalize "$f"; done |
    grep "\"aggregate_id\":\"$agg\"" | sed -n 's/.*"event_id":"\([^"]*\)".*/\1/p')
  got=$(grep "\"aggregate_id\":\"$agg\"" one.out | sed -n 's/.*"event_id":"\([^"]*\)".*/\1/p')
  [ "$want" = "$got" ] || fail "aggregate $agg out of order"
done

# The group's offsets were committed: nothing is left for it.
rc=0
"$me" consume --from "$url" --group one --max 1 --timeout 5 >left.out 2>left.err || rc=$?
[ "$rc" -eq 3 ] || fail "an empty group's consume exited $rc, not 3"
[ ! -s left.out ] || fail "events left in group one: $(cat left.out)"
grep -q "0 of 1 events" left.err || fail "no timeout message: $(cat left.err)"

# Two consumers of one group, one after the other: the first stops after 8 events (what it held
# beyond them goes back to the group), the second gets the rest. Together: all, once.
"$me" consume --from "$url" --group two --max 8 --timeout 60 >two-a.out || fail "two-a exited $?"
"$me" consume --from "$url" --group two --max $((n - 8)) --timeout 60 >two-b.out ||
  fail "two-b exited $?"
[ "$(wc -l <two-a.out)" -eq 8 ] || fail "two-a printed $(wc -l <two-a.out)"
cat two-a.out two-b.out | sort | diff expected.txt - || fail "group two: lost or duplicated"

# Publish the examples again: the topics now hold each event twice. Through the deduplicator a
# new group prints each once, also when a second process takes over the same SQLite file.
"$me" publish --to "$url" --mode structured "${examples[@]}" || fail "republish exited $?"
"$me" consume --from "$url" --group three --max 10 --timeout 60 --dedupe sqlite:dedupe.db \
  >three-a.out || fail "three-a exited $?"
"$me" consume --from "$url" --group three --max $((n - 10)) --timeout 60 \
  --dedupe sqlite:dedupe.db >three-b.out || fail "three-b exited $?"
cat three-a.out three-b.out | sort | diff expected.txt - || fail "group three: not once each"
rc=0
"$me" consume --from "$url" --group three --max 1 --timeout 5 --dedupe sqlite:dedupe.db \
  >three-c.out 2>/dev/null || rc=$?
[ "$rc" -eq 3 ] && [ ! -s three-c.out ] || fail "group three printed a duplicate ($rc)"

# An invalid event among valid ones: a line names it, exit 1; the valid ones were published.
{
  printf '{"event_name":"CustomerCreated"}\n'
  "$me" normalize "$src/catalog/examples/customer_updated.example.json"
} >mixed.ndjson
rc=0
"$me" publish --to "$url" --topic lone mixed.ndjson \
  "$src/catalog/examples/customer_created.example.json" >invalid.out || rc=$?
[ "$rc" -eq 1 ] || fail "publish of an invalid event exited $rc"
grep -q '^mixed.ndjson:1: error: $.event_id: required member is missing' invalid.out ||
  fail "no line for the invalid event: $(cat invalid.out)"
[ "$(wc -l <invalid.out)" -eq 1 ] || fail "more than one failure line"
"$me" consume --from "$url" --group lone --topic lone --max 2 --timeout 60 >lone.out ||
  fail "lone consume exited $?"
for f in customer_updated customer_created; do
  "$me" normalize "$src/catalog/examples/$f.example.json"
done | sort | diff - <(sort lone.out) || fail "the valid events of the files"

# Usage errors.
rc=0
"$me" publish --to amqp://127.0.0.1:1 "${examples[0]}" 2>usage.err || rc=$?
[ "$rc" -eq 2 ] || fail "an unknown scheme exited $rc"
rc=0
"$me" consume --from "$url" --max 1 2>usage.err || rc=$?
[ "$rc" -eq 2 ] && grep -q "missing --group" usage.err || fail "consume without --group"
rc=0
"$me" publish --to "kafka://no-port" "${examples[0]}" >usage.out 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "a URL without a port exited $rc"

# The mock stops cleanly on SIGTERM.
kill -TERM "$mock"
rc=0
wait "$mock" || rc=$?
pids=()
[ "$rc" -eq 0 ] || fail "eventc-kafka-mock exited $rc on SIGTERM"
echo "cli: all checks passed"
