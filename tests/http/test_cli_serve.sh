#!/usr/bin/env bash
# messaging-events serve: the exit statuses (3 when the timeout passes before N events, 0 after
# N, 2 for usage errors, 1 when the address cannot be bound), what it prints, and a batch
# delivery (curl) printed event by event, in order; messaging-events publish to http:// in batch
# and binary mode with a bearer token (and refused without it).
#
#   test_cli_serve.sh MESSAGING_EVENTS SOURCE_DIR WORK_DIR
#
# Every server it starts is stopped by its id when the test ends, also on failure.
set -euo pipefail
me=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
status() {
  local rc=0
  "$@" >"$work/out" 2>"$work/err" || rc=$?
  echo "$rc"
}

# usage errors
[ "$(status "$me" serve)" = 2 ] || fail "serve without --listen"
grep -q "missing --listen" "$work/err" || fail "no word about --listen"
[ "$(status "$me" serve --listen nowhere)" = 2 ] || fail "--listen without a port"
[ "$(status "$me" serve --listen 127.0.0.1:0 --max 0)" = 2 ] || fail "--max 0"
[ "$(status "$me" serve --listen 127.0.0.1:0 --timeout soon)" = 2 ] || fail "--timeout soon"
[ "$(status "$me" serve --listen 127.0.0.1:0 --path events)" = 2 ] || fail "a relative path"
[ "$(status "$me" serve --help)" = 0 ] || fail "--help"

# the timeout passes first: 3, and a line saying so
[ "$(status "$me" serve --listen 127.0.0.1:0 --max 1 --timeout 0.2)" = 3 ] || fail "timeout"
grep -q "0 of 1 events" "$work/err" || fail "no count on the timeout: $(cat "$work/err")"
# without --max, the timeout ends a normal run
[ "$(status "$me" serve --listen 127.0.0.1:0 --timeout 0.2)" = 0 ] || fail "timeout without --max"

# a batch of three events: printed in order, then exit 0
"$me" serve --listen 127.0.0.1:0 --max 3 --timeout 120 >"$work/batch.out" 2>"$work/batch.err" &
pids+=($!)
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/events|\1|p' "$work/batch.err")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || fail "serve did not say where it listens"

# the address is taken: 1
[ "$(status "$me" serve --listen "127.0.0.1:$port")" = 1 ] || fail "a port in use"
grep -q "cannot listen" "$work/err" || fail "no reason for the port in use: $(cat "$work/err")"

batch="["
sep=""
for f in customer_created customer_updated customer_disabled; do
  "$me" to-cloudevent --binding json "$src/catalog/examples/$f.example.json" >"$work/$f.json"
  batch="$batch$sep$(cat "$work/$f.json")"
  sep=","
  "$me" normalize "$src/catalog/examples/$f.example.json" >>"$work/want.out"
done
batch="$batch]"
code=$(curl -s -o "$work/curl.out" -w '%{http_code}' "http://127.0.0.1:$port/events" \
  -H 'Content-Type: application/cloudevents-batch+json' --data-binary "$batch")
[ "$code" = 204 ] || fail "the batch was answered $code: $(cat "$work/curl.out")"
rc=0
wait "${pids[0]}" || rc=$?
[ "$rc" = 0 ] || fail "serve exited $rc after 3 events"
diff -u "$work/want.out" "$work/batch.out" || fail "the batch's events, as printed"

# messaging-events publish to http://: batch then binary mode, with a bearer token
"$me" serve --listen 127.0.0.1:0 --token s3cret --max 6 --timeout 120 >"$work/pub.out" \
  2>"$work/pub.err" &
pids+=($!)
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/events|\1|p' "$work/pub.err")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || fail "the second serve did not say where it listens"
files=()
for f in customer_created customer_updated customer_disabled; do
  files+=("$src/catalog/examples/$f.example.json")
done
[ "$(status "$me" publish --to "http://127.0.0.1:$port/events" "${files[@]}")" = 1 ] ||
  fail "publish without the token"
grep -q "HTTP 401" "$work/out" || fail "no 401 named: $(cat "$work/out")"
for mode in batch binary; do
  [ "$(status "$me" publish --to "http://127.0.0.1:$port/events" --mode "$mode" \
    --token s3cret "${files[@]}")" = 0 ] || fail "publish --mode $mode: $(cat "$work/out")"
done
rc=0
wait "${pids[1]}" || rc=$?
[ "$rc" = 0 ] || fail "serve exited $rc after 6 events"
cat "$work/want.out" "$work/want.out" | diff -u - "$work/pub.out" || fail "published events"
[ "$(status "$me" publish --to "kafka://127.0.0.1:1" --mode batch "${files[@]}")" = 2 ] ||
  fail "--mode batch to kafka://"
echo "serve: all checks passed"
