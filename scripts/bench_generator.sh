#!/usr/bin/env bash
# The generator on large catalogs: time and peak memory of `eventc check` and of `eventc generate`
# (every target, then the schema target alone) for catalogs of 1,000, 2,000 and 5,000 events, to
# show that both grow linearly (docs/benchmarks-generator.md).
#
#   scripts/bench_generator.sh [EVENTC] [SIZES...]
#
# EVENTC defaults to build-bench/bin/eventc (scripts/bench.sh builds it in Release). The catalogs
# are written by this script: N events over N/10 aggregates with lifecycles, an envelope with a
# pattern on event_id and a role-free field, an enum and an object type every event uses, and
# three own fields per event. Output: one Markdown table on stdout. Needs GNU time
# (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
eventc=${1:-build-bench/bin/eventc}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 2000 5000)
[ -x "$eventc" ] || { echo "bench_generator: no eventc at $eventc" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_generator: needs /usr/bin/time (package time)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

write_catalog() { # N FILE
  awk -v n="$1" 'BEGIN {
    print "catalog: big\nversion: 1"
    print "envelope:\n  fields:"
    print "    event_name: { type: string, role: event_name }"
    print "    event_id: { type: string, pattern: '\''^[0-7][0-9A-HJKMNP-TV-Z]{25}$'\'', role: event_id }"
    print "    aggregate_type: { type: string, role: aggregate_type }"
    print "    aggregate_id: { type: string, min_length: 1, role: aggregate_id }"
    print "    occurred_at: { type: timestamp, role: occurred_at }"
    print "    version: { type: integer, minimum: 1, role: version }"
    print "    actor: { type: string, optional: true, description: Who did it. }"
    print "types:"
    print "  Status: { enum: [open, closed, archived] }"
    print "  Money: { fields: { amount: { type: integer, minimum: 0 }, currency: { type: string, pattern: '\''^[A-Z]{3}$'\'' } } }"
    print "aggregates:"
    per = 10
    for (a = 0; a < n / per; a++) {
      printf "  Thing%d:\n    description: Aggregate %d.\n    id: thing_id\n", a, a
      printf "    lifecycle:\n      states: [open, closed]\n      transitions:\n"
      printf "        Thing%dEvent0: { to: open }\n        Thing%dEvent1: { from: open, to: closed }\n", a, a
      print "    events:"
      for (e = 0; e < per; e++) {
        printf "      Thing%dEvent%d:\n        summary: Event %d of aggregate %d.\n", a, e, e, a
        print  "        fields:"
        print  "          thing_id: { type: string, min_length: 1 }"
        print  "          status: { type: Status, optional: true }"
        print  "          price: { type: Money, optional: true }"
        printf "          note%d: { type: string, max_length: 200, pattern: '\''^[a-z ]*$'\'' }\n", e
      }
    }
  }' > "$2"
}

measure() { # LABEL COMMAND...: prints "seconds peak_kb"
  local label=$1
  shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/err" || {
    echo "bench_generator: $label failed:" >&2
    cat "$work/err" >&2
    exit 1
  }
  cat "$work/time"
}

echo "| events | check: s | check: peak MB | generate (all): s | generate (all): peak MB | files | generate (schema): s |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  write_catalog "$n" "$work/big.yaml"
  read -r cs ck < <(measure check "$eventc" check "$work/big.yaml")
  rm -rf "$work/out"
  read -r gs gk < <(measure generate "$eventc" generate "$work/big.yaml" -o "$work/out")
  files=$(find "$work/out" -type f | wc -l)
  rm -rf "$work/out"
  read -r ss _ < <(measure schema "$eventc" generate "$work/big.yaml" -o "$work/out" --target schema)
  printf '| %s | %s | %.1f | %s | %.1f | %s | %s |\n' "$n" "$cs" "$(awk -v k="$ck" 'BEGIN { print k / 1024 }')" \
    "$gs" "$(awk -v k="$gk" 'BEGIN { print k / 1024 }')" "$files" "$ss"
done
