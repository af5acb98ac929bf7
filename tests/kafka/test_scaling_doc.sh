#!/usr/bin/env bash
# Runs the worked example of docs/scaling.md as written (the shell block between the
# `<!-- example:begin -->` and `<!-- example:end -->` markers) and checks what it says: all 180
# events handled once by the group's three consumers (which share a deduplicator), each consumer
# printing a customer's events in order.
#
#   test_scaling_doc.sh BIN_DIR SOURCE_DIR WORK_DIR
#
# The example runs in its own process group, stopped by its id when the test ends, also on
# failure; it gets 300 s.
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
work=$3
rm -rf "$work"
mkdir -p "$work/repo/build" "$work/tmp"
ln -s "$bin" "$work/repo/build/bin"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

sed -n '/<!-- example:begin -->/,/<!-- example:end -->/p' "$src/docs/scaling.md" |
  sed -e '1,/^```sh$/d' -e '/^```$/,$d' >"$work/example.sh"
[ -s "$work/example.sh" ] || fail "no example in docs/scaling.md"

cd "$work/repo"
TMPDIR="$work/tmp" setsid bash -e "$work/example.sh" >"$work/example.out" 2>&1 &
group=$!
trap 'kill -TERM -- "-$group" 2>/dev/null || true' EXIT
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
# Each consumer printed a customer's events in publish order (a rebalance while they flow may
# hand the rest of them to another consumer: each file then holds a part, in order).
split=0
for i in $(seq 10 69); do
  files=$(grep -l "\"aggregate_id\":\"cust_$i\"" "$out"/consumer-*.txt)
  [ "$(echo "$files" | wc -l)" -eq 1 ] || split=$((split + 1))
  for f in $files; do
    order=$(grep -h "\"aggregate_id\":\"cust_$i\"" "$f" |
      sed 's/^{"event_name":"Customer\([A-Za-z]*\)".*/\1/' | tr '\n' ' ')
    case "$order" in
      "Created Updated Disabled " | "Created Updated " | "Updated Disabled " | "Created " | \
        "Updated " | "Disabled " | "Created Disabled ") ;;
      *) fail "cust_$i in the order $order in $(basename "$f")" ;;
    esac
  done
done
echo "customers whose events more than one consumer printed (after a rebalance): $split"
grep -q '^0$' "$work/example.out" || fail "the example's duplicate count is not 0"
echo "scaling example: all checks passed"
