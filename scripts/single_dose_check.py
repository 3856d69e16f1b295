#!/usr/bin/env python3
"""Checks data/single_dose.tsv (issue 14), standard library only.

    python3 scripts/single_dose_check.py [FILE ...]

With no FILE, checks data/single_dose.tsv. Each FILE is a single-dose table in the
committed format (comment lines starting with `#`, then the header
`hcpcs ndc11 drug package single_dose verified source`, tab-separated), so research files
can be checked before they are merged. Checks:

- the header, and seven fields in every row;
- hcpcs is a letter and four digits; ndc11 is 11 digits or `*`;
- single_dose and verified are Y or N;
- every ndc11 is listed under that hcpcs in data/crosswalk_2026Q1.tsv or
  data/crosswalk_2025Q4.tsv, and a `*` row names a code the crosswalk lists;
- a verified row's source quotes the source's words in double quotes;
- no (hcpcs, ndc11) twice, within a file or across the files given.

Prints every problem with its file and line and exits 1 when there is one; prints a count
(rows, verified, unverified) and exits 0 otherwise. CI (`.ci/run`) runs it.
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HEADER = ["hcpcs", "ndc11", "drug", "package", "single_dose", "verified", "source"]
CROSSWALKS = ["crosswalk_2026Q1.tsv", "crosswalk_2025Q4.tsv"]


def crosswalk_pairs():
    """{hcpcs: {ndc11, ...}} over the embedded crosswalk quarters."""
    pairs = {}
    for name in CROSSWALKS:
        path = os.path.join(ROOT, "data", name)
        with open(path, encoding="utf-8") as f:
            lines = [l.rstrip("\n") for l in f if not l.startswith("#")]
        head = lines[0].split("\t")
        hi, ni = head.index("hcpcs"), head.index("ndc11")
        for line in lines[1:]:
            fields = line.split("\t")
            if len(fields) > max(hi, ni):
                pairs.setdefault(fields[hi], set()).add(fields[ni])
    return pairs


def check_file(path, pairs, seen, problems):
    """Appends (path, line, message) problems; returns (rows, verified)."""
    rows = verified = 0
    header_seen = False
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if line.startswith("#") or not line.strip():
                continue
            fields = line.split("\t")
            if not header_seen:
                header_seen = True
                if fields != HEADER:
                    problems.append((path, number, f"header must be {' '.join(HEADER)!r} (tab-separated), not {fields!r}"))
                    return rows, verified
                continue
            rows += 1
            bad = lambda msg: problems.append((path, number, msg))
            if len(fields) != len(HEADER):
                bad(f"{len(fields)} fields, expected {len(HEADER)} (a tab inside a field?)")
                continue
            hcpcs, ndc, drug, package, single, ver, source = fields
            if not re.fullmatch(r"[A-Z][0-9]{4}", hcpcs):
                bad(f"hcpcs {hcpcs!r} is not a letter and four digits")
            if ndc != "*" and not re.fullmatch(r"[0-9]{11}", ndc):
                bad(f"ndc11 {ndc!r} is neither 11 digits nor *")
            for column, value in (("single_dose", single), ("verified", ver)):
                if value not in ("Y", "N"):
                    bad(f"{column} must be Y or N, not {value!r}")
            if not drug.strip() or not package.strip():
                bad("drug and package must not be empty")
            if not source.strip():
                bad("source is empty")
            if ver == "Y":
                verified += 1
                if not re.search(r'"[^"]+"|\u201c[^\u201d]+\u201d', source):
                    bad("verified row without quoted words in its source (\"...\")")
            if hcpcs not in pairs:
                bad(f"{hcpcs} is not in {' or '.join(CROSSWALKS)}")
            elif ndc != "*" and ndc not in pairs[hcpcs]:
                bad(f"NDC {ndc} is not listed under {hcpcs} in {' or '.join(CROSSWALKS)}")
            key = (hcpcs, ndc)
            if key in seen:
                bad(f"{hcpcs} {ndc} already given at {seen[key][0]}:{seen[key][1]}")
            else:
                seen[key] = (path, number)
    if not header_seen:
        problems.append((path, 0, "no header line"))
    return rows, verified


def main(argv):
    files = argv[1:] or [os.path.join(ROOT, "data", "single_dose.tsv")]
    pairs = crosswalk_pairs()
    problems, seen = [], {}
    total = total_verified = 0
    for path in files:
        try:
            rows, ver = check_file(path, pairs, seen, problems)
        except OSError as e:
            problems.append((path, 0, f"cannot read: {e}"))
            continue
        total += rows
        total_verified += ver
    if problems:
        for path, number, message in problems:
            print(f"{os.path.relpath(path)}:{number}: {message}", file=sys.stderr)
        print(f"single_dose_check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"single_dose_check: {total} rows, {total_verified} verified, {total - total_verified} unverified")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
