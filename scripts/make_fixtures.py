#!/usr/bin/env python3
"""Writes fixtures/rules/<CODE>/{trip,pass}/*.x12: whole 837 files with one defect each (trip)
or none (pass), made from two valid templates by one named edit. Run from the crate root;
add a case here, run it, and commit the files. Existing files are overwritten, others kept."""
import os, re, sys

P837 = open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "templates", "837p.x12")).read()
I837 = open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "templates", "837i.x12")).read()

def segs(text):
    return [s.strip() for s in text.split("~") if s.strip()]

def join(ss, sep="~\n"):
    return "".join(s + sep for s in ss)

def recount(ss):
    st = next(i for i, s in enumerate(ss) if s.startswith("ST*"))
    se = next(i for i in range(st, len(ss)) if ss[i].startswith("SE*"))
    n = se - st + 1
    ss[se] = "SE*%d*%s" % (n, ss[se].split("*", 2)[2])
    return ss

def edit(template, prefix, repl, fix_count=True):
    ss = segs(template)
    i = next(i for i, s in enumerate(ss) if s.startswith(prefix))
    ss[i:i + 1] = segs(repl)
    return join(recount(ss) if fix_count else ss)

def edits(template, pairs):
    ss = segs(template)
    for prefix, repl in pairs:
        i = next(i for i, s in enumerate(ss) if s.startswith(prefix))
        ss[i:i + 1] = segs(repl)
    return join(recount(ss))

ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *%s*%s*%s*%s*000000001*%s*%s*:"
def isa(date="260120", time="1200", rep="^", ver="00501", ack="0", use="P"):
    return ISA % (date, time, rep, ver, ack, use)

CASES = {
    "ENV001": {
        "trip": {
            "short-isa.x12": edit(P837, "ISA*", "ISA*00*X*00*X*ZZ*SENDER*ZZ*RECEIVER*260120*1200*^*00501*1*0*P*:", False),
            "no-isa.x12": join(segs(P837)[1:-1]),
            "empty.x12": "",
            "truncated-isa.x12": P837[:40],
        },
        "pass": {"valid-837p.x12": P837, "valid-837i.x12": I837},
    },
    "ENV002": {
        "trip": {
            "se02-differs.x12": edit(P837, "SE*", "SE*28*0002", False),
            "ge02-differs.x12": edit(P837, "GE*", "GE*1*2"),
            "iea02-differs.x12": edit(P837, "IEA*", "IEA*1*000000002"),
        },
        "pass": {"matching.x12": P837},
    },
    "ENV003": {
        "trip": {
            "se01-too-small.x12": edit(P837, "SE*", "SE*25*0001", False),
            "ge01-wrong.x12": edit(P837, "GE*", "GE*2*1"),
            "iea01-wrong.x12": edit(P837, "IEA*", "IEA*2*000000001"),
        },
        "pass": {"counts-right.x12": P837, "837i.x12": I837},
    },
    "ENV004": {
        "trip": {
            "no-se.x12": edit(P837, "SE*", "", False),
            "no-iea.x12": edit(P837, "IEA*", ""),
            "no-gs.x12": edit(P837, "GS*", ""),
            "junk-after-iea.x12": P837 + "THIS IS NOT EDI\n",
        },
        "pass": {"balanced.x12": P837, "trailing-newlines.x12": P837 + "\r\n\r\n"},
    },
    "ENV005": {
        "trip": {
            "4010-guide.x12": edits(P837, [("GS*", "GS*HC*SENDER*RECEIVER*20260120*1200*1*X*004010X098A1"), ("ST*", "ST*837*0001*004010X098A1")]),
            "st03-differs-from-gs08.x12": edit(P837, "ST*", "ST*837*0001*005010X222"),
            "gs01-not-hc.x12": edit(P837, "GS*", "GS*HP*SENDER*RECEIVER*20260120*1200*1*X*005010X222A1"),
            "835-skipped.x12": edits(P837, [("GS*", "GS*HP*SENDER*RECEIVER*20260120*1200*1*X*005010X221A1"), ("ST*", "ST*835*0001*005010X221A1")]),
        },
        "pass": {"x222a1.x12": P837, "x223a2.x12": I837},
    },
    "ENV006": {
        "trip": {"same-st02-twice.x12": None},  # filled below
        "pass": {"one-st.x12": P837},
    },
    "ENV007": {
        "trip": {
            "feb-30.x12": edit(P837, "ISA*", isa(date="260230")),
            "isa12-4010.x12": edit(P837, "ISA*", isa(ver="00401")),
            "isa15-x.x12": edit(P837, "ISA*", isa(use="X")),
            "isa11-is-component-separator.x12": edit(P837, "ISA*", isa(rep=":")),
        },
        "pass": {"valid.x12": P837, "test-indicator.x12": edit(P837, "ISA*", isa(use="T"))},
    },
    "ENV008": {
        "trip": {"text-header.x12": "Claims batch for 2026-01-20\nfrom the billing system\n" + P837},
        "pass": {"bom-and-blank-lines.x12": "\ufeff\r\n\r\n" + P837},
    },
    "STR001": {
        "trip": {
            "hl04-says-child.x12": edit(P837, "HL*2*", "HL*2*1*22*1"),
            "hl01-skips.x12": edit(P837, "HL*2*", "HL*3*1*22*0"),
            "patient-under-provider.x12": edit(P837, "HL*2*", "HL*2*1*23*0"),
        },
        "pass": {"subscriber-is-patient.x12": P837, "837i.x12": I837},
    },
    "STR003": {
        "trip": {
            "sv1-in-837i.x12": edits(P837, [("GS*", "GS*HC*SENDER*RECEIVER*20260120*1200*1*X*005010X223A2"), ("ST*", "ST*837*0001*005010X223A2")]),
            "segment-between-se-and-ge.x12": edit(P837, "GE*", "REF*XX*1~GE*1*1"),
        },
        "pass": {"837p.x12": P837, "837i.x12": I837},
    },
    "STR005": {
        "trip": {"lx-skips.x12": edit(P837, "LX*2", "LX*3"), "lx-starts-at-zero.x12": edit(I837, "LX*1", "LX*0")},
        "pass": {"837p.x12": P837, "837i.x12": I837},
    },
    "STR006": {
        "trip": {"no-lines.x12": None},
        "pass": {"837p.x12": P837},
    },
    "SYN001": {
        "trip": {"typo-nm2.x12": edit(P837, "N3*12", "NM2*IL*1*DOE"), "doubled-terminator.x12": P837.replace("N3*12 ELM ST~", "N3*12 ELM ST~~")},
        "pass": {"837p.x12": P837, "837i.x12": I837},
    },
    "SYN005": {
        "trip": {"accented-name.x12": edit(P837, "NM1*IL", "NM1*IL*1*MU\u00d1OZ*JOSE****MI*1EG4TE5MK73"), "wrapped-segment.x12": P837.replace("N3*12 ELM ST~", "N3*12 ELM\r\nST~")},
        "pass": {"837p.x12": P837},
    },
}

def two_st():
    ss = segs(P837)
    st = next(i for i, s in enumerate(ss) if s.startswith("ST*"))
    se = next(i for i, s in enumerate(ss) if s.startswith("SE*"))
    out = ss[:se + 1] + ss[st:se + 1] + ss[se + 1:]
    return join(out).replace("GE*1*1", "GE*2*1")

def no_lines():
    drop = ("LX*", "SV1*", "DTP*472", "LIN*", "CTP*")
    ss = [s for s in segs(P837) if not s.startswith(drop)]
    return join(recount(ss)).replace("*2460***", "*0***")

CASES["ENV006"]["trip"]["same-st02-twice.x12"] = two_st()
CASES["STR006"]["trip"]["no-lines.x12"] = no_lines()

def main(only=None):
    extra = {}
    for path in sys.argv[1:]:
        pass
    for code, kinds in CASES.items():
        if only and code not in only:
            continue
        for kind, files in kinds.items():
            d = os.path.join("fixtures", "rules", code, kind)
            os.makedirs(d, exist_ok=True)
            for name, text in files.items():
                with open(os.path.join(d, name), "w", newline="") as f:
                    f.write(text)

if __name__ == "__main__":
    main(set(sys.argv[1:]) or None)
