#!/usr/bin/env bash
# messaging-events publish and consume with nats://, every party a process of its own, on the
# nats-server that tests/support/with_nats_server.sh started (NATS_URL).
#
#   with_nats_server.sh test_cli.sh BIN_DIR SOURCE_DIR WORK_DIR
#
# Checks: the catalog's examples published and consumed (each aggregate's events in order, all of
# them once); nothing left for the group afterwards (exit 3 at the timeout); the same files
# published again dropped by the server (Nats-Msg-Id), so a new group gets each event once; two
# consumers of one group, one after the other, share the events; structured mode on a topic of
# its own; an invalid event among valid ones (exit 1, one line naming it); usage errors.
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
work=$3
rm -rf "$work"
mkdir -p "$work"
cd "$work"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

[ -n "${NATS_URL:-}" ] || fail "no NATS_URL (run through with_nats_server.sh)"
url=$NATS_URL
me="$bin/messaging-events"

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

# Everything was acknowledged: nothing is left for the group.
rc=0
"$me" consume --from "$url" --group one --max 1 --timeout 3 >left.out 2>left.err || rc=$?
[ "$rc" -eq 3 ] || fail "an empty group's consume exited $rc, not 3"
[ ! -s left.out ] || fail "events left in group one: $(cat left.out)"

# The same events published again, in the other mode: the server drops every copy (same
# Nats-Msg-Id within the duplicate window), so a new group finds each event once. Two consumers
# of that group, one after the other, share them.
"$me" publish --to "$url" --mode structured "${examples[@]}" || fail "republish exited $?"
"$me" consume --from "$url" --group two --max 8 --timeout 60 >two-a.out || fail "two-a exited $?"
"$me" consume --from "$url" --group two --max $((n - 8)) --timeout 60 >two-b.out ||
  fail "two-b exited $?"
[ "$(wc -l <two-a.out)" -eq 8 ] || fail "two-a printed $(wc -l <two-a.out)"
cat two-a.out two-b.out | sort | diff expected.txt - || fail "group two: lost or duplicated"
rc=0
"$me" consume --from "$url" --group two --max 1 --timeout 3 >two-c.out 2>/dev/null || rc=$?
[ "$rc" -eq 3 ] && [ ! -s two-c.out ] || fail "group two got a duplicate ($rc)"

# An invalid event among valid ones, structured, on a topic of its own: a line names it, exit 1;
# the valid ones were published.
{
  printf '{"event_name":"CustomerCreated"}\n'
  "$me" normalize "$src/catalog/examples/customer_updated.example.json"
} >mixed.ndjson
rc=0
"$me" publish --to "$url" --topic lone --mode structured mixed.ndjson \
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

# Usage errors: a URL without a port, a list with an empty entry.
for bad in "nats://no-port" "nats://127.0.0.1:4222,,127.0.0.1:4223"; do
  rc=0
  "$me" publish --to "$bad" "${examples[0]}" >usage.out 2>&1 || rc=$?
  [ "$rc" -eq 2 ] || fail "$bad exited $rc"
done
echo "cli: all checks passed"
