#!/usr/bin/env python3
"""Every acknowledgment `claimlint ack` writes must be valid X12 for ANY input (issue 12/13).
Mutates the rule fixtures and samples deterministically (a fixed seed: segments inserted,
deleted, duplicated; segment ids and element values garbled; envelope values that a 999 echoes
replaced; files cut short), runs `claimlint ack` on the mutants, and has pyx12's x12valid
validate every 999 and TA1 it wrote. Fails on an invalid acknowledgment, on a crash, and on an
input that got neither an acknowledgment nor a "not acknowledged" line. Run by .ci/run.

  scripts/check_999_mutations.py --bin target/release/claimlint --x12valid VENV/bin/x12valid
      [--count 300] [--seed 12] [--keep DIR]
"""
import argparse, os, random, re, shutil, subprocess, sys, tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

# Segment ids a mutant may carry: real ones out of place, and ones no 999 may echo as they are.
IDS = ["7", "X", "7X", "ZZZZ", "", "lx", "N9", "SV1", "CLM", "ST", "SE", "GS", "GE", "IEA",
       "ISA", "HL", "LX", "NM1", "!!", "A B", "CLMX", "1234567", "é", "\t"]
# Values a mutant may put in an element: empty, too long, of the wrong type, odd characters.
VALUES = ["", "X", "Y", "0", "-1", "1.5", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 3,
          "12345678901234567890", "005010X222A1XYZ", "HC1", "H", "999", "é", "a b", " ",
          "00000000000", "\x01", "20261399", "2500", "X" * 120, "1:2", "A^B",
          "CLAIM-ID-OF-THIRTY-EIGHT-CHARACTERS-01"]
# Envelope elements a 999 echoes (AK1, AK2, IK5/AK9 counts, ISA13, GS02/03).
ENVELOPE = [("GS", 1), ("GS", 2), ("GS", 3), ("GS", 6), ("GS", 8), ("ST", 1), ("ST", 2),
            ("ST", 3), ("SE", 1), ("SE", 2), ("GE", 1), ("GE", 2), ("IEA", 1), ("IEA", 2)]


def inputs(tops):
    found = []
    for top in tops:
        for d, _, files in os.walk(os.path.join(ROOT, top)):
            found += [os.path.join(d, f) for f in files
                      if f.endswith((".x12", ".837", ".837i", ".txt", ".edi", ".dat"))]
    return sorted(found)


def delimiters(text):
    if text.startswith("ISA") and len(text) > 105:
        return text[3], text[104], text[105]
    return "*", ":", "~"


def mutate_once(rng, segs, el, comp):
    op = rng.randrange(11)
    i = rng.randrange(len(segs)) if segs else 0
    if op == 0 or not segs:  # insert a segment
        n = rng.randrange(4)
        seg = el.join([rng.choice(IDS)] + [rng.choice(VALUES[:12]) for _ in range(n)])
        segs.insert(max(1, i), "\n" + seg)
    elif op == 1 and i > 0:  # delete one
        del segs[i]
    elif op == 2:  # duplicate one
        segs.insert(i, segs[i])
    elif op == 3 and i > 0:  # garble a segment id
        lead = segs[i][: len(segs[i]) - len(segs[i].lstrip())]
        rest = segs[i].lstrip().split(el, 1)
        segs[i] = lead + el.join([rng.choice(IDS)] + rest[1:])
    elif op in (4, 5):  # garble an element value
        parts = segs[i].split(el)
        if len(parts) > 1 and i > 0:
            parts[rng.randrange(1, len(parts))] = rng.choice(VALUES).replace(":", comp)
            segs[i] = el.join(parts)
    elif op == 6:  # garble an envelope value a 999 echoes
        seg_id, n = rng.choice(ENVELOPE)
        hits = [j for j, s in enumerate(segs) if s.strip().split(el, 1)[0] == seg_id]
        if hits:
            j = rng.choice(hits)
            parts = segs[j].split(el)
            parts += [""] * max(0, n + 1 - len(parts))
            parts[n] = rng.choice(VALUES)
            segs[j] = el.join(parts)
    elif op == 7:  # too many or too few elements
        segs[i] = segs[i] + el * rng.randrange(1, 130) + "X" if rng.random() < 0.5 else \
            segs[i].split(el, 1)[0]
    elif op == 10:  # a whole transaction set or group again
        head, tail = rng.choice([("ST", "SE"), ("GS", "GE")])
        ids = [s.strip().split(el, 1)[0] for s in segs]
        if head in ids and tail in ids[ids.index(head):]:
            a = ids.index(head)
            b = ids.index(tail, a)
            segs[b + 1:b + 1] = segs[a:b + 1]
    elif op == 9 and segs and segs[0].startswith("ISA"):  # an ISA value, its width kept
        parts = segs[0].split(el)
        if len(parts) == 17:
            k = rng.choice([5, 6, 7, 8, 9, 10, 13, 15])
            parts[k] = "".join(rng.choice("09AZaz :^é!") for _ in parts[k])
            segs[0] = el.join(parts)
    else:  # a component separator inside an element
        parts = segs[i].split(el)
        if len(parts) > 1 and i > 0:
            k = rng.randrange(1, len(parts))
            parts[k] = parts[k] + comp + rng.choice(VALUES[:6])
            segs[i] = el.join(parts)


def mutant(rng, text):
    el, comp, term = delimiters(text)
    segs = text.split(term)
    tail = segs.pop() if segs and not segs[-1].strip() else ""
    for _ in range(rng.randrange(1, 4)):
        mutate_once(rng, segs, el, comp)
    out = term.join(segs) + term + tail
    if rng.random() < 0.08:  # cut short
        out = out[: rng.randrange(len(out) + 1)]
    return out


def validate(x12valid, files):
    """(valid, invalid): the files x12valid accepts and the logs of those it rejects. A file
    x12valid crashes on stops its run: it is rejected, and the files after it run again."""
    ok, bad = [], {}
    todo = list(files)
    while todo:
        chunk, todo = todo[:100], todo[100:]
        r = subprocess.run([x12valid] + chunk, capture_output=True, text=True, errors="replace")
        log = []
        for line in (r.stdout + r.stderr).splitlines():
            m = re.match(r"^(.*): (OK|Failure)$", line)
            if m and m.group(1) in chunk:
                (ok.append(m.group(1)) if m.group(2) == "OK" else
                 bad.__setitem__(m.group(1), "\n".join(log)))
                log = []
            else:
                log.append(line)
        rest = [f for f in chunk if f not in ok and f not in bad]
        if rest:
            bad[rest[0]] = "x12valid stopped:\n" + "\n".join(log)
            todo = rest[1:] + todo
    return ok, bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "claimlint"))
    ap.add_argument("--x12valid", required=True)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--keep", help="keep the mutants and acknowledgments in this folder")
    ap.add_argument("--from", dest="tops", action="append",
                    help="mutate the files under this folder (default: the rule fixtures and "
                         "samples)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    sources = inputs(a.tops or ["fixtures/rules", "fixtures/samples"])
    work = a.keep or tempfile.mkdtemp(prefix="claimlint-mutants.")
    src, out = os.path.join(work, "in"), os.path.join(work, "out")
    for d in (src, out):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    for n in range(a.count):
        path = rng.choice(sources)
        with open(path, encoding="latin-1", newline="") as f:
            text = mutant(rng, f.read())
        with open(os.path.join(src, "m%04d.x12" % n), "w", encoding="latin-1", newline="") as f:
            f.write(text)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1768912440")
    r = subprocess.run([a.bin, "ack", "--no-config", "-o", out, src], capture_output=True,
                       text=True, errors="replace", env=env)
    failures = []
    if r.returncode not in (0, 1):
        failures.append("claimlint ack exited %s:\n%s" % (r.returncode, r.stderr[-2000:]))
    answered = set(re.findall(r"(m\d{4})\.", r.stdout))
    silent = ["m%04d" % n for n in range(a.count) if "m%04d" % n not in answered]
    failures += ["%s: neither acknowledged nor 'not acknowledged'" % m for m in silent]
    acks = sorted(os.path.join(out, f) for f in os.listdir(out) if f.endswith((".999", ".ta1")))
    ok, bad = validate(a.x12valid, acks)
    for f, log in sorted(bad.items()):
        failures.append("x12valid rejects %s:\n%s\n%s" % (os.path.basename(f), log[-1500:],
                                                          open(f, errors="replace").read()))
    print("mutants: %d; acknowledgments: %d written, %d valid, %d invalid"
          % (a.count, len(acks), len(ok), len(bad)))
    for f in failures:
        print(f)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures or not ok else 0


if __name__ == "__main__":
    sys.exit(main())
