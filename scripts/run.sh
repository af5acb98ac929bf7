#!/usr/bin/env bash
# The main job: set up, build, check the messaging catalog, generate its C bindings, JSON Schemas
# and docs, and show them at work on the catalog's example events.
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
