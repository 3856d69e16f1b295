#!/usr/bin/env python3
"""Time `claimlint lsp` re-checking a ~5 MB 837 (issue 18: under 200 ms, release build).

Builds the file from a rule fixture's transaction set repeated with distinct ST02s inside one
ISA/GS (every set has one finding, so each check publishes thousands of diagnostics), opens it
over stdio, then times each change from the moment it is sent to its publishDiagnostics, as an
editor would see it (this client's own JSON work included): the same text sent again in full,
a one-character edit in the middle transaction set, and a line inserted near the top, which
moves every transaction set after it. Usage: scripts/lsp_recheck_time.py [BIN] [MB]
"""
import json, subprocess, sys, time

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/claimlint"
MB = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
SRC = "fixtures/rules/NDC001/trip/no-lin.x12"


def build(mb):
    segs = [s.strip() for s in open(SRC).read().split("~") if s.strip()]
    st = next(i for i, s in enumerate(segs) if s.startswith("ST*"))
    se = next(i for i, s in enumerate(segs) if s.startswith("SE*"))
    head, body, tail = segs[:st], segs[st:se + 1], segs[se + 1:]
    out, n, size = list(head), 0, 0
    while size < mb * 1e6:
        n += 1
        for s in body:
            if s.startswith("ST*") or s.startswith("SE*"):
                p = s.split("*"); p[2 if s.startswith("ST") else 2] = "%04d%05d" % (0, n); s = "*".join(p)
            out.append(s); size += len(s) + 2
    tail = ["GE*%d*%s" % (n, t.split("*")[2]) if t.startswith("GE*") else t for t in tail]
    return "~\n".join(out + tail) + "~\n", n


def main():
    text, sets = build(MB)
    p = subprocess.Popen([BIN, "lsp", "--no-config"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(m):
        b = json.dumps(m).encode()
        p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b); p.stdin.flush()

    def recv():
        n = 0
        while True:
            line = p.stdout.readline().strip()
            if not line:
                break
            if line.startswith(b"Content-Length:"):
                n = int(line.split(b":")[1])
        return json.loads(p.stdout.read(n))

    def until_published():
        while True:
            m = recv()
            if m.get("method") == "textDocument/publishDiagnostics":
                return m

    uri = "file:///tmp/claimlint-5mb.x12"
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}); recv()
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    t = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "x12", "version": 1, "text": text}}})
    d = until_published()
    print("%.1f MB, %d transaction sets, %d diagnostics; open: %.0f ms" % (
        len(text) / 1e6, sets, len(d["params"]["diagnostics"]), (time.perf_counter() - t) * 1e3))
    times = {}
    lines = text.split("\n")
    middle = next(i for i in range(len(lines) // 2, len(lines)) if lines[i].startswith("CLM*"))
    top = next(i for i, l in enumerate(lines) if l.startswith("CLM*"))
    at = lambda line, ch: {"line": line, "character": ch}
    edits = [
        ("same text in full", {"text": text}),
        ("one character in the middle set", {"range": {"start": at(middle, 4), "end": at(middle, 5)}, "text": "Z"}),
        ("the middle set back", {"range": {"start": at(middle, 4), "end": at(middle, 5)}, "text": lines[middle][4]}),
        ("a line inserted near the top", {"range": {"start": at(top, 0), "end": at(top, 0)}, "text": "NTE*ADD*MOVED EVERYTHING~\n"}),
    ]
    v = 1
    for _ in range(3):
        for name, change in edits:
            v += 1
            t = time.perf_counter()
            send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": v}, "contentChanges": [change]}})
            until_published()
            times.setdefault(name, []).append((time.perf_counter() - t) * 1e3)
        # Back to the text as opened, for the next round.
        v += 1
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": text}]}})
        until_published()
    for name, ms in times.items():
        print("re-check, %s: %s ms" % (name, ", ".join("%.0f" % x for x in ms)))
    send({"jsonrpc": "2.0", "id": 9, "method": "shutdown", "params": None}); recv()
    send({"jsonrpc": "2.0", "method": "exit"}); p.wait(10)


main()
