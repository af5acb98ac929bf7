#!/bin/sh
# Installs the referees' npm packages into DEST/node_modules exactly as the lockfile pins them
# (npm ci), from npm's local cache when it has them. Skipped when DEST already holds this very
# lockfile's install.
# usage: npm-install.sh SOURCE_DIR DEST_DIR
set -eu
src=$1
dest=$2
mkdir -p "$dest"
if [ -f "$dest/node_modules/.eventc-lock" ] && cmp -s "$src/package-lock.json" "$dest/node_modules/.eventc-lock"; then
  echo "npm packages already installed in $dest"
  exit 0
fi
cp "$src/package.json" "$src/package-lock.json" "$dest/"
cd "$dest"
npm ci --prefer-offline --no-audit --no-fund --loglevel=error
cp package-lock.json node_modules/.eventc-lock
echo "npm packages installed in $dest"
