#!/usr/bin/env bash
# The main job: set up, build, and check the messaging catalog.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "\$ build/bin/eventc check catalog/messaging.yaml"
build/bin/eventc check catalog/messaging.yaml
