#!/usr/bin/env bash
# Installs what eventc needs to build and test on Debian (12 or later). Safe to re-run.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang libclang-rt-dev clang-format valgrind
  libyaml-dev libjson-c-dev libcjson-dev libyajl-dev libsimdjson-dev libsqlite3-dev libssl-dev
  librdkafka-dev
  libcurl4-openssl-dev libmicrohttpd-dev curl
  libpq-dev postgresql
  nodejs npm python3 python3-jsonschema chromium locales
  nats-server libnats-dev
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A Node.js installed from elsewhere counts too.
if command -v node >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs}")
fi
# Some Node.js builds bring npm along (and conflict with Debian's npm package).
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all dependencies present"
else
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A decimal-comma locale for the test that numbers do not follow LC_NUMERIC (unit.test_locale).
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
  echo "setup: generating the locale de_DE.UTF-8"
  $sudo sed -i 's/^# *de_DE.UTF-8/de_DE.UTF-8/' /etc/locale.gen
  $sudo locale-gen >/dev/null
fi
