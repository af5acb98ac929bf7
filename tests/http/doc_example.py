#!/usr/bin/env python3
"""Runs the curl transcript of docs/messaging.md (between `<!-- http-example:begin -->` and
`<!-- http-example:end -->`) as written, on a free port instead of 8080, and compares the output
of every command with the lines the page shows after it.

    doc_example.py BIN_DIR SOURCE_DIR WORK_DIR

A command is a `$ ` line and its continuations (a line ending in a backslash, or an open quote).
All commands run in one bash process in WORK_DIR, in their own process group, which is stopped
when the test ends, also on failure; after a command ending in `&` the test waits until the port
accepts connections. The whole transcript gets 120 s, a failure guard only.
"""
import os
import signal
import socket
import subprocess
import sys
import time

BEGIN, END = "<!-- http-example:begin -->", "<!-- http-example:end -->"


def transcript(doc):
    text = open(doc, encoding="utf-8").read()
    if BEGIN not in text or END not in text:
        sys.exit("FAIL: no http example in " + doc)
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    lines = block.strip().splitlines()
    if lines[0].startswith("```"):
        lines = lines[1:]
    if lines and lines[-1].startswith("```"):
        lines = lines[:-1]
    steps, i = [], 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            sys.exit("FAIL: output without a command: " + lines[i])
        cmd = lines[i][2:]
        i += 1
        while cmd.endswith("\\") or cmd.count("'") % 2 == 1:
            cmd += "\n" + lines[i]
            i += 1
        out = []
        while i < len(lines) and not lines[i].startswith("$ "):
            out.append(lines[i])
            i += 1
        steps.append((cmd, out))
    return steps


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    bin_dir, src, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    for f in os.listdir(work):
        os.remove(os.path.join(work, f))
    port = free_port()
    wait_port = (
        "for _ in $(seq 1 600); do (exec 3<>/dev/tcp/127.0.0.1/%d) 2>/dev/null && break; "
        "sleep 0.1; done\n" % port
    )
    script = ""
    steps = transcript(os.path.join(src, "docs", "messaging.md"))
    for n, (cmd, _) in enumerate(steps):
        script += "echo '@@ %d'\n%s\n" % (n, cmd.replace("8080", str(port)))
        if cmd.rstrip().endswith("&"):
            script += wait_port
    open(os.path.join(work, "example.sh"), "w").write(script)
    env = dict(os.environ, PATH=os.path.abspath(bin_dir) + os.pathsep + os.environ["PATH"])
    err = open(os.path.join(work, "stderr.txt"), "w")
    p = subprocess.Popen(["bash", "example.sh"], cwd=work, env=env, stdout=subprocess.PIPE,
                         stderr=err, start_new_session=True, text=True)
    try:
        out, _ = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        sys.exit("FAIL: the transcript did not finish in 120 s")
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)  # anything left in the background
        except ProcessLookupError:
            pass
    got, n = {}, None
    for line in out.splitlines():
        if line.startswith("@@ "):
            n = int(line[3:])
            got[n] = []
        elif n is not None:
            got[n].append(line.rstrip("\r"))
    failed = 0
    for n, (cmd, want) in enumerate(steps):
        have = got.get(n, [])
        if have != want:
            failed += 1
            print("FAIL: $ %s\n  want: %r\n  got:  %r" % (cmd, want, have))
    print(open(os.path.join(work, "stderr.txt")).read(), end="")
    if failed or p.returncode != 0:
        sys.exit("FAIL: %d of %d commands differ (exit %s)" % (failed, len(steps), p.returncode))
    print("http example: %d commands as documented" % len(steps))


if __name__ == "__main__":
    main()
