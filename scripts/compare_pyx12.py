#!/usr/bin/env python3
"""Compares claimlint's errors with pyx12's (x12valid 4.0.0) on the 5010 837 files of the corpus;
prints a Markdown report. Run through scripts/compare_pyx12.sh.

Both tools' findings are keyed by (ST02, position of the segment in its transaction set, ST = 1)
for segment and element errors; transaction-level findings (SE counts) by (ST02, "tx"), and
envelope findings (ISA, GS, GE, IEA) by "envelope". A key reported by both tools is an agreement;
every other key is a disagreement, and each one gets an explanation from EXPLAIN_PYX12 (pyx12
only) or EXPLAIN_CLAIMLINT (claimlint only); anything unexplained is listed as such."""
import json, os, re, shutil, subprocess, sys, tempfile
from collections import defaultdict

corpus, x12valid, claimlint = sys.argv[1:4]

# pyx12 reads only 005010X222A1 and 005010X223A2 (its maps.xml). claimlint reads the other
# releases of the same guides with the closest one (ENV005 warning); to compare like with
# like, pyx12 gets a copy with GS08/ST03 rewritten the same way and the text header before
# the ISA removed (claimlint skips it with the ENV008 warning). Positions do not change.
RELEASES = [(r"005010X222A?[0-9]?\b", "005010X222A1"), (r"005010X223A?[0-9]?\b", "005010X223A2")]

# Why pyx12 reports something claimlint does not (pattern on pyx12's message → explanation).
EXPLAIN_PYX12 = [
    (r"Segment contains a leading space",
     "layout, not data: whitespace between a segment terminator and the next segment id (line breaks, indentation) is skipped by claimlint; pyx12 reports it on every such segment"),
    (r"\((AB|AD|AF|AG|NS)\) is not a valid code for Attachment Transmission Code",
     "claimlint right: this PWK*CT is the 2400 Durable Medical Equipment Certificate of Medical Necessity Indicator, whose PWK02 allows AB, AD, AF, AG, NS (TR3 2400 PWK); pyx12 matches it to Line Supplemental Information instead"),
    (r"Segment\s+\t|^\s+\w+: Segment \s",
     "layout, not data: the segment is indented with tabs after the terminator; claimlint skips the whitespace, pyx12 keeps it in the segment id and cannot place the segment"),
    (r"\(QC\) is not a valid code",
     "claimlint right: QC is Canada Post's code for Quebec (DE 156, code source 22); pyx12's list still has the retired PQ"),
    (r"trailing element terminators",
     "same finding, as the SYN006 warning: claimlint reports trailing separators as a warning (RULES.md SYN006), not an error"),
    (r"ISA Interchange Control Number .* not unique",
     "claimlint reports a repeated ISA13 as the ENV006 warning (duplicates are a trading-partner matter), not an error"),
    (r"Mandatory segment .*N4.*missing|Mandatory segment .*N3.*missing",
     "claimlint right: the TR3 marks these N3/N4 Situational (required only when the person is the patient); pyx12's map has them Required"),
    (r"Invalid Zip|zip|ZIP",
     "claimlint reports ZIP+4 as the SIT005 warning, not an error: the TR3 examples themselves use 5-digit ZIPs (issue 6)"),
    (r"Mandatory data element|element .* is missing",
     "claimlint right only if the element is Situational in the TR3; see the per-file note"),
]

# Why claimlint reports something pyx12 does not, by claimlint code.
EXPLAIN_CLAIMLINT = {
    "BAL001": "pyx12 has no balancing: TR3 2300 CLM02 must equal the sum of the line charges",
    "BAL002": "pyx12 has no balancing: TR3 2320 AMT*D note, payer paid = Σ 2430 SVD02 − 2320 CAS",
    "SIT001": "pyx12 does not check SV107 pointers against the HI codes present (TR3 2400 SV107 note)",
    "SIT002": "pyx12 reads a missing principal diagnosis as a missing HI only when no HI is present; claimlint requires ABK/BK first (TR3 2300 HI)",
    "SIT003": "pyx12 has no situational rule for REF*F8 with CLM05-3 7/8 (TR3 2300 REF Payer Claim Control Number)",
    "SIT004": "pyx12 does not compare dates with BHT04 or the statement period",
    "CODE005": "pyx12 does not check place-of-service codes (its pos list is not embedded); claimlint uses the CMS list by date of service",
    "CODE006": "pyx12 does not check revenue code ranges",
    "CODE007": "pyx12 checks NPI form only, not the Luhn check digit",
    "ENV003": "pyx12 reports SE01/GE01/IEA01 count errors at transaction/group level, claimlint at the trailer segment",
    "ENV005": "claimlint: ST03 must equal GS08 and GS01 must be HC (TR3 section B.1, envelopes)",
    "ENV007": "pyx12 does not check ISA09/ISA10 calendar dates, nor ISA16 against the composites' separator",
    "STR001": "pyx12 does not check HL01 order/HL04 child flags (TR3 2000A/B/C HL notes)",
    "STR005": "pyx12 does not check LX01 numbering (TR3 2400 LX01: 1, 2, 3…)",
    "STR006": "pyx12 does not require a 2400 per claim",
    "SYN003": "claimlint reads DTP03 by its DTP02 format qualifier (D8, RD8, DT); pyx12 checks DTP03 as AN",
    "NDC002": "pyx12 does not check the NDC's 11-digit 5-4-2 form",
}
# Rules of other issues (external code sets, drugs, units): pyx12 embeds none of that data.
for _prefix, _why in [("CODE001", "HCPCS file"), ("CODE002", "HCPCS effective dates"), ("CODE003", "ICD-10-CM file"),
                      ("CODE004", "modifier lists"), ("NDC", "NDC-HCPCS crosswalk"), ("UNT", "CMS MUE tables"),
                      ("MOD", "JW/JZ policy"), ("DRG", "drug billing rules"), ("PAY", "payer profiles"), ("XCL", "cross-claim checks")]:
    for _n in range(1, 10):
        EXPLAIN_CLAIMLINT.setdefault("%s%03d" % (_prefix, _n) if len(_prefix) == 3 else _prefix, "pyx12 has no %s (SNIP 5-7; another claimlint rule family)" % _why)
# Files whose pyx12-only findings have one cause.
FILE_NOTES = {
    "oopfactory-x12/Spec_3.1.2_TwoClaimsForTheSameProvider.txt": "GS08 names the 837P guide but ST03 and the content are 837I (claimlint: ENV005 error); pyx12 reads the set with its 837P map, so every 837I segment is 'not found' there, claimlint reads it as the 837I its ST03 says",
    "oopfactory-x12/Spec_3.1.3_PPORepricedClaim.txt": "GS08 837P vs ST03 837I (ENV005 error); pyx12 reads it with the 837P map, claimlint as 837I",
    "oopfactory-x12/Spec_3.1.4_OutOfNetworkRepricedClaim.txt": "GS08 837P vs ST03 837I (ENV005 error); pyx12 reads it with the 837P map, claimlint as 837I",
}
EXPLAIN_CLAIMLINT["SYN005"] = "the TR3 page text is wrapped inside segments: claimlint reports each line break in data (SYN005); pyx12 could not place those segments and reports them elsewhere"
# One root cause, one error: what pyx12 reports on every segment it follows from, claimlint once.
COMPOSITES = ("ISA16 names one component separator and the composites use another: claimlint reports it once "
              "(ENV007) and reads the composites with the one they use; pyx12 reads them with ISA16's, so it cannot "
              "place the HI, CLM or SV1/SV2 they are in")
DISPLACED = ("claimlint reports the broken HL before it (STR001) and suppresses what that HL displaces (RULES.md, "
             "one root cause, one error); pyx12 does not check HL02/HL03 and reports each segment it cannot place")
WRAPPED = ("the file is wrapped at a fixed width (the TR3's printed example): claimlint reads it unwrapped and "
           "reports the wrap once, on the ISA (SYN005); pyx12 reports each element a line break falls in")
CUT_SET = ("same finding: the transaction set has no SE; claimlint reports it on the ST (ENV004), pyx12 as an "
           "unterminated set or segment")
STRUCTURAL_PYX12 = r"missing|not found|is invalid|Unexpected segment"
STRUCTURAL_CLAIMLINT = ("STR002", "STR003", "STR004", "SYN001", "SIT002")

def catalog_files():
    rows = []
    in_files = False
    for line in open(os.path.join(corpus, "CATALOG.md"), encoding="utf-8"):
        if line.startswith("## Files"):
            in_files = True
            continue
        if not in_files or not line.startswith("| ") or line.startswith("| path") or line.startswith("|---"):
            continue
        cols = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cols) < 15:
            continue
        path, tx, ver = cols[0], cols[3], cols[4]
        if ver == "5010" and (tx.startswith("837P") or tx.startswith("837I")):
            rows.append((path, cols[-1]))
    return rows

def pyx12_errors(path):
    """{key: [messages]} from x12valid's JSON, or a string saying why pyx12 could not run."""
    data = open(path, "rb").read()
    start = data.find(b"ISA")
    data = data[start:] if start >= 0 else data
    text = data.decode("latin-1")
    for pat, rep in RELEASES:
        text = re.sub(pat, rep, text)
    tmp = tempfile.mkdtemp()
    try:
        f = os.path.join(tmp, "input.x12")
        open(f, "wb").write(text.encode("latin-1"))
        r = subprocess.run([x12valid, "-J", "-q", f], capture_output=True, text=True, timeout=300)
        j = f + ".json"
        try:
            doc = json.load(open(j))
        except (OSError, ValueError):
            last = (r.stderr.strip().splitlines() or ["no output"])[-1]
            return "pyx12 could not read it: " + last.replace(f, "input")[:160]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = defaultdict(list)
    def msgs(node):
        return [e.get("err_str") or e.get("err_cde") or "?" for e in node.get("errors", [])]
    for isa in doc.get("interchanges", []):
        out["envelope"] += msgs(isa)
        for gs in isa.get("groups", []):
            out["envelope"] += msgs(gs)
            for st in gs.get("transactions", []):
                st02 = st.get("trn_set_control_num")
                out[(st02, "tx")] += msgs(st)
                for seg in st.get("segments", []):
                    key = (st02, seg.get("seg_count"))
                    out[key] += ["%s: %s" % (seg.get("seg_id"), m) for m in msgs(seg)]
                    for el in seg.get("elements", []):
                        out[key] += ["%s: %s" % (seg.get("seg_id"), m) for m in msgs(el)]
    return {k: v for k, v in out.items() if v}

def claimlint_errors(path):
    r = subprocess.run([claimlint, "check", "--format", "json", path], capture_output=True, text=True, timeout=300)
    doc = json.loads(r.stdout)
    out = defaultdict(list)
    for f in doc["files"]:
        for d in f["diagnostics"]:
            if d["severity"] != "error":
                continue
            seg = d["segment"]
            if d["transaction"] is None or seg["id"] in ("ISA", "GS", "GE", "IEA"):
                key = "envelope"
            elif seg["id"] == "SE" and d["code"] in ("ENV002", "ENV003"):
                key = (d["transaction"], "tx")
            elif d["code"] == "ENV004" and "has no SE" in d["message"]:
                key = (d["transaction"], "tx")
            else:
                key = (d["transaction"], seg["position"])
            out[key].append("%s %s" % (d["code"], d["message"]))
    return out

def explain_pyx12(msgs):
    for pat, why in EXPLAIN_PYX12:
        if any(re.search(pat, m) for m in msgs):
            return why
    return None

def explain_claimlint(msgs):
    codes = sorted({m.split(" ", 1)[0] for m in msgs})
    whys = [EXPLAIN_CLAIMLINT[c] for c in codes if c in EXPLAIN_CLAIMLINT]
    return "; ".join(whys) if len(whys) == len(codes) else None

def show(key):
    return "envelope" if key == "envelope" else "ST %s pos %s" % key

def main():
    files = catalog_files()
    total = defaultdict(int)
    rows, details = [], []
    for path, says in files:
        p = pyx12_errors(os.path.join(corpus, path))
        c = claimlint_errors(os.path.join(corpus, path))
        if isinstance(p, str):
            total["pyx12_failed"] += 1
            rows.append("| %s | — | %d | — | — | — | %s |" % (path, len(c), p.replace("|", "/")))
            continue
        both = sorted(set(p) & set(c), key=str)
        ponly = sorted(set(p) - set(c), key=str)
        conly = sorted(set(c) - set(p), key=str)
        total["files"] += 1
        total["agree"] += len(both)
        total["pyx12_only"] += len(ponly)
        total["claimlint_only"] += len(conly)
        if not p and not c:
            total["both_clean"] += 1
        notes = []
        def near(other, k, codes_or_pat):
            """A structural finding of the other tool within 3 segments in the same ST."""
            if not isinstance(k, tuple) or not isinstance(k[1], int):
                return False
            for k2, ms in other.items():
                if isinstance(k2, tuple) and k2[0] == k[0] and isinstance(k2[1], int) and abs(k2[1] - k[1]) <= 3:
                    if isinstance(codes_or_pat, tuple):
                        if any(m.split(" ", 1)[0] in codes_or_pat for m in ms):
                            return True
                    elif any(re.search(codes_or_pat, m) for m in ms):
                        return True
            return False
        SHIFT = "same structural defect, reported at a nearby segment: pyx12 at the segment where it looked, claimlint where the walk noticed (STR002 at the segment that closed the loop, SIT002 at the claim's HI/CLM)"
        composites = any("ISA16 declares" in m for m in c.get("envelope", []))
        wrapped = any("is wrapped at" in m for m in c.get("envelope", []))
        cut_sets = {k[0] for k, ms in c.items() if isinstance(k, tuple) and any("has no SE" in m for m in ms)}
        def displaced(k):
            """An STR001 of claimlint up to 8 segments before `k` in the same set."""
            return isinstance(k, tuple) and isinstance(k[1], int) and any(
                isinstance(k2, tuple) and k2[0] == k[0] and isinstance(k2[1], int) and 0 < k[1] - k2[1] <= 8
                and any(m.startswith("STR001") for m in ms) for k2, ms in c.items())
        for k in ponly:
            structural = any(re.search(STRUCTURAL_PYX12, m) for m in p[k])
            mandatory = any("Mandatory data element" in m for m in p[k])
            why = COMPOSITES if composites and (structural or mandatory) else explain_pyx12(p[k])
            if not why and structural and near(c, k, STRUCTURAL_CLAIMLINT):
                why = SHIFT
            if not why and structural and displaced(k):
                why = DISPLACED
            if not why and wrapped and any("invalid control character(<LF>)" in m for m in p[k]):
                why = WRAPPED
            if not why and cut_sets and k == "envelope" and all(
                re.match(r"Unterminated segment (\S+)$", m) and m.split()[-1] in cut_sets for m in p[k]):
                why = CUT_SET
            why = why or FILE_NOTES.get(path)
            total["explained" if why else "unexplained"] += 1
            notes.append("- pyx12 only, %s: %s — %s" % (show(k), "; ".join(p[k])[:300], why or "**UNEXPLAINED**"))
        for k in conly:
            why = explain_claimlint(c[k])
            if not why and all(m.startswith("ENV004") and "has no SE" in m for m in c[k]):
                why = CUT_SET
            if not why and all(m.split(" ", 1)[0] in STRUCTURAL_CLAIMLINT + ("SYN007", "SYN008") for m in c[k]) and near(p, k, STRUCTURAL_PYX12):
                why = SHIFT
            total["explained" if why else "unexplained"] += 1
            notes.append("- claimlint only, %s: %s — %s" % (show(k), "; ".join(c[k])[:300], why or "**UNEXPLAINED**"))
        rows.append("| %s | %d | %d | %d | %d | %d | %s |" % (path, len(p), len(c), len(both), len(ponly), len(conly), says[:60].replace("|", "/")))
        if notes:
            details.append("### %s\n\n%s\n" % (path, "\n".join(notes)))
    print("<!-- generated by scripts/compare_pyx12.sh: do not edit -->")
    print("# claimlint vs pyx12 4.0.0 on the 5010 837 corpus\n")
    print("Errors only (warnings and infos are left out), keyed by transaction set (ST02) and segment")
    print("position (ST = 1); envelope findings by `envelope`, SE/GE/IEA counts by transaction. pyx12 gets")
    print("a copy with GS08/ST03 rewritten to the release it supports and any text before the ISA removed.\n")
    print("**%(files)d files compared** (%(pyx12_failed)d pyx12 could not read); %(both_clean)d clean in both. "
          "Positions with errors: **%(agree)d agree**, %(pyx12_only)d pyx12 only, %(claimlint_only)d claimlint only; "
          "disagreements explained: %(explained)d, unexplained: %(unexplained)d.\n" % defaultdict(int, total))
    print("| file | pyx12 positions | claimlint positions | agree | pyx12 only | claimlint only | catalog says |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print("\n## Disagreements\n")
    print("\n".join(details))

main()
