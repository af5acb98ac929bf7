#!/usr/bin/env python3
"""jsonschema referee: every generated schema passes check_schema (Debian's python3-jsonschema),
every pattern compiles with Python's re, every example embedded in an event schema validates
against that schema and catalog.schema.json, and the timestamp rule of the schemas gives, on every
string of a corpus judged by the C timestamp parser, the C parser's verdict (strings ending in a
line feed excepted: Python's `$` also matches before a final newline, a documented difference).

usage: python3 referee.py SCHEMA_DIR [TIMESTAMP_CORPUS.jsonl]
"""
import json
import os
import re
import sys

try:
    import jsonschema
except ImportError:
    print("SKIPPED: the jsonschema module is missing (apt-get install python3-jsonschema)")
    sys.exit(77)

failures = 0
checks = 0


def fail(msg):
    global failures
    failures += 1
    print(msg, file=sys.stderr)


def validator_class(schema):
    if "2020-12" in schema.get("$schema", ""):
        return jsonschema.Draft202012Validator
    return jsonschema.Draft7Validator


def make_validator(schema, store):
    cls = validator_class(schema)
    try:
        # jsonschema >= 4.18 resolves references through the `referencing` package.
        from referencing import Registry, Resource
        from referencing.jsonschema import specification_with

        spec = specification_with(schema["$schema"])
        reg = Registry().with_resources(
            (uri, Resource(contents=s, specification=spec)) for uri, s in store.items())
        return cls(schema, registry=reg)
    except ImportError:
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        return cls(schema, resolver=resolver)


def walk_patterns(node, where):
    global checks
    if isinstance(node, list):
        for i, n in enumerate(node):
            walk_patterns(n, "%s[%d]" % (where, i))
    elif isinstance(node, dict):
        for k, v in node.items():
            if k == "pattern" and isinstance(v, str):
                checks += 1
                try:
                    re.compile(v)
                except re.error as e:
                    fail("%s: pattern %r does not compile in Python: %s" % (where, v, e))
            elif k != "examples":
                walk_patterns(v, where + "." + k)


def main(argv):
    global checks
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = argv[1]
    schemas = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".schema.json"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                schemas[name] = json.load(f)
    if not schemas:
        fail("no *.schema.json in " + folder)
        return 1
    store = {s["$id"]: s for s in schemas.values()}
    for name, schema in schemas.items():
        checks += 1
        try:
            validator_class(schema).check_schema(schema)
        except jsonschema.SchemaError as e:
            fail("%s: check_schema: %s" % (name, e.message))
        walk_patterns(schema, name)

    catalog = next(s for s in schemas.values() if s["$id"].endswith("/catalog.schema.json"))
    vcat = make_validator(catalog, store)
    for name, schema in schemas.items():
        if "properties" not in schema:
            continue
        v = make_validator(schema, store)
        for i, ex in enumerate(schema.get("examples", [])):
            checks += 2
            for err in v.iter_errors(ex):
                fail("%s: example %d is invalid: %s" % (name, i, err.message))
            for err in vcat.iter_errors(ex):
                fail("%s: example %d is invalid against catalog.schema.json: %s" %
                     (name, i, err.message))

    if len(argv) > 2:
        envelope = next(s for s in schemas.values() if s["$id"].endswith("/envelope.schema.json"))
        ts = next(p for p in envelope["properties"].values() if p.get("format") == "date-time")
        vts = validator_class(envelope)(ts)
        n = 0
        with open(argv[2], encoding="utf-8") as f:
            for line in f:
                want, s = json.loads(line)
                got = 1 if vts.is_valid(s) else 0
                n += 1
                checks += 1
                if got != want and not (s.endswith("\n") and got == 1):
                    fail("timestamp %r: jsonschema says %d, the C parser %d" % (s, got, want))
        print("timestamps: %d strings compared" % n)

    print("jsonschema %s referee: %d schemas, %d passed, %d failed" %
          (version(), len(schemas),
           checks - failures, failures))
    return 1 if failures else 0


def version():
    try:
        from importlib.metadata import version as v
        return v("jsonschema")
    except Exception:  # pragma: no cover - very old Pythons
        return "?"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
