#!/usr/bin/env bash
# messaging-events store append|load and outbox relay on a SQLite store in a temporary folder:
# the lines and exit statuses the docs promise (docs/store.md, "Command line").
# Usage: cli.sh TOOL SOURCE_DIR
set -u
tool=$1
examples=$2/catalog/examples
dir=$(mktemp -d "${TMPDIR:-/tmp}/eventc-store-cli-XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail=0
expect() { # name, want, got
  if [ "$2" != "$3" ]; then
    printf '%s:\n--- want\n%s\n--- got\n%s\n' "$1" "$2" "$3"
    fail=1
  fi
}
db="sqlite:$dir/store.db"
cd "$examples"
got=$("$tool" store append --db "$db" customer_created.example.json \
  customer_disabled.example.json customer_enabled.example.json customer_enabled.example.json \
  customer_updated.example.json)
expect "append status" 1 $?
expect append "customer_created.example.json: appended Customer/cust_123@1
customer_disabled.example.json: appended Customer/cust_123@2
customer_enabled.example.json: appended Customer/cust_123@3
customer_enabled.example.json: error: CustomerEnabled is not allowed in state enabled (allowed in: disabled) [state]
customer_updated.example.json: appended Customer/cust_123@4" "$got"

got=$("$tool" store load --db "$db" Customer cust_123)
expect "load status" 0 $?
expect "load lines" 5 "$(printf '%s\n' "$got" | wc -l)"
expect "load first" "$("$tool" normalize customer_created.example.json)" \
  "$(printf '%s\n' "$got" | head -1)"
expect "load last" '{"state": "enabled", "version": 4}' "$(printf '%s\n' "$got" | tail -1)"
got=$("$tool" store load --db "$db" Customer nobody)
expect "load missing" '{"state": "none", "version": 0}' "$got"

"$tool" outbox relay --db "$db" --to "file:$dir/out.jsonl" --once
expect "relay status" 0 $?
expect "relayed" 4 "$(wc -l <"$dir/out.jsonl")"
expect "relayed first" '{"topic":"com.example.messaging.customer","key":"cust_123","event":{"specversion":"1.0","id":"01HZYX3X9Q2F7J5V7KX9A1B2C3"' \
  "$(head -1 "$dir/out.jsonl" | cut -c1-121)"
"$tool" outbox relay --db "$db" --to "file:$dir/out.jsonl" --once
expect "relay again" 4 "$(wc -l <"$dir/out.jsonl")"

"$tool" store load --db "mysql://x" A b 2>/dev/null
expect "bad url status" 2 $?
"$tool" outbox relay --db "$db" --to "nowhere:x" --once 2>/dev/null
expect "bad destination status" 2 $?
exit $fail
