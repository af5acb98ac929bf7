#!/usr/bin/env python3
"""Checks the layout rules of docs/design.md ("Layout and dependencies") on the source tree.

Over the `#include` lines of every C file (`"..."`, and `<eventc/...>` for the public headers):

- every C file lives in a declared folder (FOLDERS below);
- a folder includes only from itself and from the folders it may use (USES below), so that
  dependencies point one way: an include that goes up or sideways fails;
- the private sources of a library (PRIVATE below) are included only from inside it;
- no include cycle between files (a file and its header count as one unit, `x.c` + `x.h`) or
  between folders;
- no hand-written C file is longer than MAX_LINES.

With `--archives LIB.a...` (the ctest passes the built libraries) it also reads the symbols with
`nm` and fails when the object files of one library call each other in a cycle: calls that go
through a header shared by several files are invisible to the include check.

Usage: check_layout.py [--root DIR] [--nm NM] [--archives LIB.a ...]
Exits 0 when every rule holds, 1 with one line per violation otherwise.
"""

import os
import re
import subprocess
import sys

# ---- the rules: one table, mirrored in docs/design.md ------------------------------------------

# Folder -> the folders its files may include from (besides its own). A name stands for itself and
# every folder below it ("runtime" is every part of the runtime). A folder is the longest declared
# name that prefixes a file's path; "*" matches one path segment.
USES = {
    # libeventc: the runtime, dependency-light (no threads, no I/O).
    "runtime/src/core": [],
    "runtime/src/json": ["runtime/src/core"],
    "runtime/src/codec": ["runtime/src/json", "runtime/src/core"],
    "runtime/src/cloudevents": ["runtime/src/codec", "runtime/src/json", "runtime/src/core"],
    "runtime/src/lifecycle": ["runtime/src/codec", "runtime/src/json", "runtime/src/core"],
    "runtime/include": ["runtime/src"],  # the umbrella header eventc/eventc.h
    # The generator, one folder per stage of the pipeline.
    "generator/base": ["runtime"],
    "generator/model": ["generator/base", "runtime"],
    "generator/names": ["generator/model", "generator/base", "runtime"],
    "generator/front": ["generator/names", "generator/model", "generator/base", "runtime"],
    "generator/views": ["generator/names", "generator/model", "generator/base", "runtime"],
    "generator/render": ["generator/base"],
    "generator/io": ["generator/model", "generator/base", "runtime"],
    "generator/backends": [
        "generator/views", "generator/render", "generator/io", "generator/names",
        "generator/model", "generator/base", "runtime",
    ],
    "generator/compat": [
        "generator/front", "generator/io", "generator/names", "generator/model",
        "generator/base", "runtime",
    ],
    "generator/cli": ["generator", "runtime", "messaging/src/cesql"],
    # The delivery libraries. The CESQL engine is a library of its own inside messaging/ (no
    # threads), which `eventc ce eval` uses too.
    "messaging/src/cesql": ["runtime"],
    # Internal components of the messaging library that adapters share (not installed).
    "messaging/src/shared": [],
    "messaging": ["messaging/src/cesql", "messaging/src/shared", "runtime"],
    "adapters/*": ["messaging", "runtime"],
    "store": ["messaging", "runtime"],
    # Users of everything.
    "tools": ["generator", "runtime", "messaging", "adapters", "store"],
    "tests": ["generator", "runtime", "messaging", "adapters", "store", "tools"],
    "fuzz": ["generator", "runtime", "messaging", "adapters", "store"],
    "bench": ["generator", "runtime", "messaging", "adapters", "store"],
    "examples": ["runtime", "messaging", "adapters", "store"],
}

# The public headers of the runtime (runtime/include/eventc/) belong to the part that implements
# them, so that an include of <eventc/codec.h> counts as a use of runtime/src/codec.
PUBLIC = {
    "eventc/common.h": "runtime/src/core",
    "eventc/arena.h": "runtime/src/core",
    "eventc/buf.h": "runtime/src/core",
    "eventc/utf8.h": "runtime/src/core",
    "eventc/time.h": "runtime/src/core",
    "eventc/id.h": "runtime/src/core",
    "eventc/stamp.h": "runtime/src/core",
    "eventc/regex.h": "runtime/src/core",
    "eventc/codec.h": "runtime/src/codec",
    "eventc/cloudevents.h": "runtime/src/cloudevents",
    "eventc/ce_domain.h": "runtime/src/cloudevents",
    "eventc/lifecycle.h": "runtime/src/lifecycle",
    "eventc/eventc.h": "runtime/include",
}

# Public headers of other libraries that belong to one part of their library.
PUBLIC_PATHS = {"messaging/include/eventc/cesql.h": "messaging/src/cesql"}

# Private sources: folder -> the only tree allowed to include from it.
PRIVATE = {"runtime/src": "runtime"}
# Files outside a library that may include its private headers, each with its reason.
PRIVATE_USERS = {
    "fuzz/fuzz_simd.c": "white-box differential harness: runs the reader, decoder and encoder at "
                        "each vector level and compares them with the scalar code",
    "tests/simd/test_simd_scan.c": "white-box test of the vector scanners against the scalar one, "
                                   "natively and, for NEON, built for arm64 and run under emulation",
}

# Include roots besides the including file's own folder, in search order (relative to the root).
# Each library's include/ folder (runtime/include, messaging/include, adapters/x/include, ...) is
# added as found.
INCLUDE_ROOTS = ["runtime/src", "generator", "messaging/src/shared"]

# Hand-written files stay under about 1,200 lines; the check fails above MAX_LINES. Generated files
# and tables that may be longer are listed in LONG_FILES_ALLOWED.
MAX_LINES = 1300
LONG_FILES_ALLOWED = {}  # path -> reason

# Never scanned: build trees (build/, build-*/), dependencies, hidden folders, and generated outputs
# kept as expectations.
SKIP_DIRS = {".git", "node_modules"}
SKIP_PREFIXES = ("tests/golden/",)

# ---- the check ------------------------------------------------------------------------------


def check_table():
    """The table itself must be a one-way street: no folder may reach itself."""
    problems = []
    names = list(USES)

    def expands(target):
        return [n for n in names if n == target or n.startswith(target + "/")]

    graph = {n: set() for n in names}
    for n, uses in USES.items():
        for u in uses:
            if not expands(u) and u not in ("adapters", "store", "messaging"):
                problems.append(f"USES[{n!r}] names {u!r}, which is not a declared folder")
            graph[n].update(x for x in expands(u) if x != n)
    for scc in sccs(graph):
        if len(scc) > 1:
            problems.append("the USES table has a cycle: " + " -> ".join(sorted(scc)))
    return problems


def sccs(graph):
    """Tarjan's strongly connected components, iteratively; returns a list of sets."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = set()
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.add(w)
                    if w == node:
                        break
                out.append(comp)
    return out


def cycle_path(graph, comp):
    """The shortest cycle through the smallest member of a strongly connected component."""
    start = min(comp)
    prev, queue = {start: None}, [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(n for n in graph.get(node, ()) if n in comp):
            if nxt == start:
                path = [node]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return sorted(comp)


def folder_of(path):
    """The declared folder of a repository path, or None."""
    parts = path.split("/")
    best = None
    for name in USES:
        np = name.split("/")
        if len(np) > len(parts) - 1:
            continue
        if all(a == "*" or a == b for a, b in zip(np, parts)):
            if best is None or len(np) > len(best.split("/")):
                best = name
    if best and "*" in best:
        np = best.split("/")
        best = "/".join(parts[: len(np)])
    return best


def allowed(src, dst):
    if src == dst:
        return True
    pattern = src
    if pattern not in USES:  # an expanded wildcard such as adapters/kafka
        pattern = next(n for n in USES if "*" in n and folder_of(src + "/x") == src)
    for u in USES[pattern]:
        if dst == u or dst.startswith(u + "/"):
            return True
    return False


def source_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/")
        keep = []
        for d in sorted(dirnames):
            rel = f"{rel_dir}/{d}" if rel_dir else d
            if (d in SKIP_DIRS or d.startswith(".") or rel.startswith(SKIP_PREFIXES)
                    or (not rel_dir and (d == "build" or d.startswith("build-")))):
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in sorted(filenames):
            if f.endswith((".c", ".h")):
                yield f"{rel_dir}/{f}" if rel_dir else f


INCLUDE_RE = re.compile(r'^\s*#\s*include\s*(?:"([^"]+)"|<(eventc/[^>]+)>)')


def main(argv):
    root = "."
    archives = []
    nm = "nm"
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--root" and args:
            root = args.pop(0)
        elif a == "--nm" and args:
            nm = args.pop(0)
        elif a == "--archives":
            archives, args = args, []
        else:
            print(__doc__.split("\n\n")[-2], file=sys.stderr)
            return 2
    root = os.path.abspath(root)
    problems = check_table()

    files = list(source_files(root))
    roots = list(INCLUDE_ROOTS)
    for f in files:
        m = re.match(r"^(.*/)?include/", f)
        if m and m.group(0).rstrip("/") not in roots:
            roots.append(m.group(0).rstrip("/"))
    fileset = set(files)

    def resolve(including, name):
        here = os.path.dirname(including)
        candidates = [os.path.normpath(os.path.join(here, name))] if not name.startswith("<") else []
        candidates += [f"{r}/{name.lstrip('<')}" for r in roots]
        for c in candidates:
            c = c.replace(os.sep, "/")
            if c in fileset:
                return c
        return None

    def unit(path):
        return os.path.splitext(path)[0]

    def folder(path):
        if path in PUBLIC_PATHS:
            return PUBLIC_PATHS[path]
        if path.startswith("runtime/include/"):
            key = path[len("runtime/include/"):]
            if key not in PUBLIC:
                return None
            return PUBLIC[key]
        return folder_of(path)

    unit_graph, folder_graph = {}, {}
    for f in files:
        src_folder = folder(f)
        if src_folder is None:
            if f.startswith("runtime/include/"):
                problems.append(f"{f}: a public header not in PUBLIC of scripts/check_layout.py "
                                "(name the runtime part it belongs to)")
            else:
                problems.append(f"{f}: not in a declared folder (USES in scripts/check_layout.py)")
            continue
        unit_graph.setdefault(unit(f), set())
        folder_graph.setdefault(src_folder, set())
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
            lines = fh.read().split("\n")
        if len(lines) - 1 > MAX_LINES and f not in LONG_FILES_ALLOWED:
            problems.append(f"{f}: {len(lines) - 1} lines, more than {MAX_LINES}: split it "
                            "along what it holds")
        for no, line in enumerate(lines, 1):
            m = INCLUDE_RE.match(line)
            if not m:
                continue
            name = m.group(1) or "<" + m.group(2)
            target = resolve(f, name)
            if target is None:
                continue  # a system header or a generated one
            dst_folder = folder(target)
            if dst_folder is None:
                continue  # reported on its own
            for priv, owner in PRIVATE.items():
                if (target.startswith(priv + "/") and not
                        (f.startswith(owner + "/")) and f not in PRIVATE_USERS):
                    problems.append(f"{f}:{no}: includes {target}, private to {owner}/")
            if not allowed(src_folder, dst_folder):
                problems.append(f"{f}:{no}: includes {target}: {src_folder}/ may not use "
                                f"{dst_folder}/ (allowed: {', '.join(USES.get(src_folder, [])) or 'nothing'})")
            if unit(target) != unit(f):
                unit_graph[unit(f)].add(unit(target))
            if dst_folder != src_folder:
                folder_graph[src_folder].add(dst_folder)

    for comp in sccs(unit_graph):
        if len(comp) > 1:
            problems.append("include cycle between files: " +
                            " -> ".join(cycle_path(unit_graph, comp)))
    for comp in sccs(folder_graph):
        if len(comp) > 1:
            problems.append("include cycle between folders: " +
                            " -> ".join(cycle_path(folder_graph, comp)))

    for lib in archives:
        problems += check_archive(lib, nm)

    for p in problems:
        print(p)
    if problems:
        print(f"check_layout: {len(problems)} problem(s); the rules are in docs/design.md")
        return 1
    print(f"check_layout: {len(files)} files, {len(folder_graph)} folders, "
          f"{len(archives)} libraries: dependencies point one way")
    return 0


def check_archive(lib, nm):
    """Fails on a cycle of calls between the object files of one static library."""
    out = subprocess.run([nm, "-A", lib], capture_output=True, text=True)
    if out.returncode != 0:
        return [f"{lib}: nm failed: {out.stderr.strip()}"]
    defs, uses = {}, {}
    for line in out.stdout.splitlines():
        m = re.match(r"^[^:]*:([^:]+):\s*(?:[0-9a-fA-F]+)?\s+([A-Za-z])\s+(\S+)$", line)
        if not m:
            continue
        member, kind, sym = m.groups()
        uses.setdefault(member, set())
        if kind == "U":
            uses[member].add(sym)
        elif kind in "TDBRV":
            defs[sym] = member
    graph = {m: {defs[s] for s in syms if s in defs and defs[s] != m} for m, syms in uses.items()}
    problems = []
    for comp in sccs(graph):
        if len(comp) > 1:
            problems.append(f"{os.path.basename(lib)}: call cycle between object files: " +
                            " -> ".join(cycle_path(graph, comp)))
    return problems


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
