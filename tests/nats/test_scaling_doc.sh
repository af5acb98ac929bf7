#!/usr/bin/env bash
# Runs the NATS worked example of docs/scaling.md as written (the shell block between the
# `<!-- nats-example:begin -->` and `<!-- nats-example:end -->` markers; it starts and stops its
# own nats-server) and checks what it says: the 180 events handled once by the group's three
# consumers, the events published twice dropped by the server, and the second group's single
# consumer getting every customer's three events in order.
#
#   test_scaling_doc.sh BIN_DIR SOURCE_DIR WORK_DIR
#
# The example runs in a process group of its own, stopped by its id when the test ends, also on
# failure; it gets 300 s. Prints SKIPPED without nats-server.
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
work=$3
if ! command -v nats-server >/dev/null 2>&1; then
  echo "SKIPPED: no nats-server"
  exit 0
fi
rm -rf "$work"
mkdir -p "$work/repo/build" "$work/tmp"
ln -s "$bin" "$work/repo/build/bin"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

sed -n '/<!-- nats-example:begin -->/,/<!-- nats-example:end -->/p' "$src/docs/scaling.md" |
  sed -e '1,/^```sh$/d' -e '/^```$/,$d' >"$work/example.sh"
[ -s "$work/example.sh" ] || fail "no NATS example in docs/scaling.md"

cd "$work/repo"
TMPDIR="$work/tmp" setsid bash -e "$work/example.sh" >"$work/example.out" 2>&1 &
group=$!
trap 'kill -KILL -- "-$group" 2>/dev/null || true' EXIT
for _ in $(seq 1 3000); do
  kill -0 "$group" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$group" 2>/dev/null && fail "the example did not finish in 300 s"
rc=0
wait "$group" || rc=$?
cat "$work/example.out"
[ "$rc" -eq 0 ] || fail "the example exited $rc"

out=$(ls -d "$work"/tmp/*/)
cat "$out"/consumer-*.txt >"$work/all.txt"
[ "$(wc -l <"$work/all.txt")" -eq 180 ] || fail "$(wc -l <"$work/all.txt") events handled"
[ "$(sort -u "$work/all.txt" | wc -l)" -eq 180 ] || fail "an event handled twice"
# The stream holds each event once: the second publish was dropped by the server.
sort -u "$work/all.txt" | diff - <(sort "$out/audit.txt") || fail "audit got other events"
for i in $(seq 10 69); do
  order=$(grep -h "\"aggregate_id\":\"cust_$i\"" "$out/audit.txt" |
    sed 's/^{"event_name":"\([A-Za-z]*\)".*/\1/' | tr '\n' ' ')
  [ "$order" = "CustomerCreated CustomerUpdated CustomerDisabled " ] ||
    fail "cust_$i in the order $order"
done
grep -q '^0$' "$work/example.out" || fail "the example's duplicate count is not 0"
echo "scaling example: all checks passed"
