#!/usr/bin/env python3
"""Python side of the agreement test: validates every line of INSTANCES.jsonl (one JSON text per
line) against catalog.schema.json of SCHEMA_DIR with jsonschema and prints one verdict per line:
`1` valid, `0` invalid, `x` not parsable by Python's json module.

usage: python3 agree.py SCHEMA_DIR INSTANCES.jsonl
"""
import json
import os
import sys

try:
    import jsonschema  # noqa: F401
except ImportError:
    print("SKIPPED: the jsonschema module is missing", file=sys.stderr)
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from referee import make_validator  # noqa: E402


def main(argv):
    folder, path = argv[1], argv[2]
    store = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".schema.json"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                s = json.load(f)
            store[s["$id"]] = s
    catalog = next(s for s in store.values() if s["$id"].endswith("/catalog.schema.json"))
    v = make_validator(catalog, store)
    out = []
    with open(path, encoding="utf-8", errors="surrogatepass") as f:
        for line in f:
            try:
                value = json.loads(line)
            except ValueError:
                out.append("x")
                continue
            out.append("1" if v.is_valid(value) else "0")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
