#!/bin/sh
# The compatibility guard of the messaging catalog: catalog/messaging.yaml must stay backward
# compatible with its last released version, read from git: the newest release tag (v*) that the
# current commit contains, or, before the first release, the first commit that has the file.
# Skipped (exit 77, with the reason) when there is no history to read: not a git work tree, no git,
# or a shallow clone without a release tag.
#
# usage: guard.sh EVENTC SOURCE_DIR
set -u
eventc=$1
cd "$2" || exit 1
file=catalog/messaging.yaml
if ! command -v git >/dev/null 2>&1; then
  echo "SKIPPED: git is not installed, so the released catalog cannot be read"
  exit 77
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "SKIPPED: $(pwd) is not a git work tree, so the released catalog cannot be read"
  exit 77
fi
base=$(git describe --tags --abbrev=0 --match 'v[0-9]*' HEAD 2>/dev/null || true)
if [ -n "$base" ]; then
  what="the last release, $base"
else
  if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
    echo "SKIPPED: a shallow clone without a release tag: the first commit of $file is not in it (git fetch --unshallow)"
    exit 77
  fi
  base=$(git log --diff-filter=A --format=%H -- "$file" | tail -n 1)
  if [ -z "$base" ]; then
    echo "SKIPPED: $file was never committed, so there is no released version to compare with"
    exit 77
  fi
  what="its first commit, $(git log -1 --format='%h %s' "$base")"
fi
echo "compat guard: $file against $what"
exec "$eventc" compat "git:$base:$file" "$file" --mode backward
