#!/usr/bin/env bash
# The main job: set up, build, check the messaging catalog, generate its C bindings, JSON Schemas,
# AsyncAPI document and docs, show them at work on the catalog's example events, then deliver
# those events: through the in-memory router, an event store with its outbox, and a Kafka mock.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

run() {
  printf '\n$ %s\n' "$*"
  "$@"
}

run build/bin/eventc check catalog/messaging.yaml
run build/bin/eventc generate catalog/messaging.yaml -o out/messaging
find out/messaging -type f | sort | head -n 40
run build/bin/messaging-events validate catalog/examples/*.json
run build/bin/messaging-events normalize catalog/examples/channel_mapped.example.json

# The delivery half (docs/messaging.md, docs/store.md): the same events through the in-memory bus
# and router, into an event store with its transactional outbox, and through a Kafka mock cluster.
demo=out/demo
rm -rf "$demo"
mkdir -p "$demo"
run build/bin/messaging-events pipe --dead-letter "$demo/dead.ndjson" \
  catalog/examples/customer_created.example.json catalog/examples/customer_disabled.example.json \
  catalog/examples/customer_enabled.example.json
customer=$(build/bin/messaging-events normalize catalog/examples/customer_created.example.json |
  sed -n 's/.*"customer_id":"\([^"]*\)".*/\1/p')
run build/bin/messaging-events store append --db "sqlite:$demo/store.db" \
  catalog/examples/customer_created.example.json catalog/examples/customer_disabled.example.json
run build/bin/messaging-events store load --db "sqlite:$demo/store.db" Customer "$customer"

if [ ! -x build/bin/eventc-kafka-mock ]; then
  run build/bin/messaging-events outbox relay --db "sqlite:$demo/store.db" --to stdout: --once
  exit 0
fi
# A mock Kafka cluster in a process of its own, stopped when this script ends.
build/bin/eventc-kafka-mock >"$demo/mock.txt" &
mock=$!
trap 'kill "$mock" 2>/dev/null; wait "$mock" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ -s "$demo/mock.txt" ] && break
  sleep 0.1
done
url="kafka://$(head -n 1 "$demo/mock.txt")?session.timeout.ms=3000"
run build/bin/messaging-events outbox relay --db "sqlite:$demo/store.db" --to "$url" --once
run build/bin/messaging-events publish --to "$url" catalog/examples/*.json
run build/bin/messaging-events consume --from "$url" --group demo --max 23 --timeout 60
