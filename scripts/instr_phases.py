#!/usr/bin/env python3
"""Where the instructions of one `claimlint check` go, by phase (issue 15).

Reads a callgrind output (the 5 MB 837P run `scripts/instr_per_byte.sh` keeps in its IPB_DIR)
and prints, per phase, the inclusive instructions of the functions that make it up divided by
the input's bytes: a Markdown table, one column per file given.

    python3 scripts/instr_phases.py BYTES before.out [after.out ...]

Phases are inclusive counts of named functions (`callgrind_annotate --inclusive=yes`), so a
phase that calls another includes it; the table subtracts where it says "less". Functions
that a build inlines away count toward their caller.
"""
import re
import subprocess
import sys


def inclusive(path):
    """Function name -> inclusive instructions, from callgrind_annotate."""
    out = subprocess.run(
        ["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
        capture_output=True, text=True, check=True,
    ).stdout
    total, table = None, {}
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S.*)$", line)
        if not m:
            continue
        n = int(m.group(1).replace(",", ""))
        name = m.group(2)
        if "PROGRAM TOTALS" in name:
            total = n
            continue
        # "file:function [binary]": keep the function, the largest count of each.
        fn = re.sub(r"\s*\[[^\]]*\]\s*$", "", name).split(":", 1)[-1]
        table[fn] = max(table.get(fn, 0), n)
    return total, table


def get(table, *names):
    return max((table.get(n, 0) for n in names), default=0)


def phases(total, t):
    ig = get(t, "claimlint_model::loops::IgCheck::run", "claimlint_model::loops::IgCheck::run_with",
             "claimlint_model::loops::IgCheck::walk_and_validate")
    walk = get(t, "claimlint_ig::walk::Walking::step", "claimlint_ig::walk::walk",
               "claimlint_ig::walk::Walker::step")
    # The clean test every segment the memo does not know takes, then the full validation
    # of the segments it does not find clean.
    validate = (get(t, "claimlint_ig::views::segment_is_clean")
                + get(t, "claimlint_ig::validate::validate_placed"))
    run_rules = get(t, "claimlint_rules::engine::run_rules")
    build = get(t, "claimlint_model::loops::build")
    tx = get(t, "claimlint_rules::engine::check_transaction")
    return [
        ("guide check (`IgCheck::run`)", ig),
        ("· guide walk (`Walker::step`)", walk),
        ("· element validation (`segment_is_clean`, `validate_placed`)", validate),
        ("· the rest of it (segment splitting, memo, placements)", ig - walk - validate),
        ("rule bodies (`run_rules` less the guide check)", run_rules - ig),
        ("model build (`loops::build`)", build),
        ("lexing, dispatch (`check_transaction` less rules and build)", tx - run_rules - build),
        ("envelope scan, data notes, output, start-up (the rest)", total - tx),
        ("**total**", total),
    ]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    size = int(sys.argv[1])
    columns = [phases(*inclusive(p)) for p in sys.argv[2:]]
    print("| phase | " + " | ".join(f"instr/byte ({p.split('/')[-1]})" for p in sys.argv[2:]) + " |")
    print("|---|" + "---:|" * len(columns))
    for k, (label, _) in enumerate(columns[0]):
        cells = " | ".join(f"{c[k][1] / size:.1f}" for c in columns)
        print(f"| {label} | {cells} |")


if __name__ == "__main__":
    main()
