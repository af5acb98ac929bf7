#!/usr/bin/env bash
# Runs a command next to a real `nats-server -js` of its own, for shell tests, benchmarks and
# examples (the C tests use nats_server.h, which also kills and restarts the server).
#
#   with_nats_server.sh [--dir DIR] COMMAND [ARGS...]
#
# The server listens on 127.0.0.1 on a port the kernel picks (`-p -1`) and keeps its JetStream
# store in DIR/js (DIR: a new temporary folder, removed at the end, unless --dir names one). Its
# log is DIR/server.log. COMMAND runs with NATS_URL=nats://127.0.0.1:PORT, NATS_PORT=PORT and
# NATS_SERVER_PID in its environment; its exit status is the script's. The server is stopped
# (SIGTERM, then SIGKILL) when the command ends, and also when the script is interrupted.
#
# Without nats-server on PATH (or $EVENTC_NATS_SERVER), prints "SKIPPED: no nats-server" and
# exits 0 without running COMMAND.
set -euo pipefail

dir=
if [ "${1:-}" = "--dir" ]; then
  dir=$2
  shift 2
fi
if [ $# -eq 0 ]; then
  echo "usage: with_nats_server.sh [--dir DIR] COMMAND [ARGS...]" >&2
  exit 2
fi
server=${EVENTC_NATS_SERVER:-nats-server}
if ! command -v "$server" >/dev/null 2>&1; then
  echo "SKIPPED: no nats-server"
  exit 0
fi

own_dir=0
if [ -z "$dir" ]; then
  dir=$(mktemp -d "${TMPDIR:-/tmp}/eventc-nats.XXXXXX")
  own_dir=1
fi
mkdir -p "$dir"
log=$dir/server.log
: >"$log"

pid=
stop() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
  fi
  if [ "$own_dir" -eq 1 ]; then
    rm -rf "$dir"
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM

"$server" -a 127.0.0.1 -p -1 -js -sd "$dir/js" -l "$log" &
pid=$!
port=
for _ in $(seq 1 200); do
  port=$(sed -n 's/.*Listening for client connections on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
  [ -n "$port" ] && grep -q "Server is ready" "$log" && break
  kill -0 "$pid" 2>/dev/null || break
  port=
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "with_nats_server.sh: nats-server did not start; its log:" >&2
  cat "$log" >&2
  exit 1
fi

rc=0
NATS_URL="nats://127.0.0.1:$port" NATS_PORT=$port NATS_SERVER_PID=$pid "$@" || rc=$?
exit "$rc"
