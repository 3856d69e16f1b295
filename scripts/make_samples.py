#!/usr/bin/env python3
"""Writes fixtures/samples/: small, realistic 837 files for the README's first command. Each
claim is written by hand below; the script only numbers segments and fills SE01, GE01, IEA01.
Run from the crate root."""
import os

def interchange(kind, claims, control="000000101", date="260120"):
    guide = {"P": "005010X222A1", "I": "005010X223A2"}[kind]
    head = [
        "ISA*00*          *00*          *ZZ*CLINICSUBMIT   *ZZ*MEDICAREJ15    *%s*0930*^*00501*%s*0*P*:" % (date, control),
        "GS*HC*CLINICSUBMIT*MEDICAREJ15*20%s*0930*101*X*%s" % (date, guide),
    ]
    body = [
        "ST*837*0001*%s" % guide,
        "BHT*0019*00*DAY1*20%s*0930*CH" % date,
        "NM1*41*2*RIVERSIDE ONCOLOGY*****46*RO12345",
        "PER*IC*BILLING DESK*TE*3125550100*EM*BILLING@EXAMPLE.COM",
        "NM1*40*2*MEDICARE JURISDICTION 15*****46*15202",
        "HL*1**20*1",
        "NM1*85*2*%s*****XX*1234567893" % ("RIVERSIDE ONCOLOGY" if kind == "P" else "RIVERSIDE HOSPITAL"),
        "N3*4500 RIVER RD",
        "N4*CINCINNATI*OH*452261234",
        "REF*EI*311234567",
    ]
    hl = 1
    for c in claims:
        hl += 1
        body += ["HL*%d*1*22*0" % hl, "SBR*P*18*******%s" % ("MB" if kind == "P" else "MA"),
                 "NM1*IL*1*%s****MI*%s" % (c["patient"], c["mbi"]), "N3*%s" % c["street"], "N4*CINCINNATI*OH*452201234",
                 "DMG*D8*%s*F" % c["dob"], "NM1*PR*2*MEDICARE*****PI*15202"]
        body += c["segments"]
    body.append("SE*%d*0001" % (len(body) + 1))
    tail = ["GE*1*101", "IEA*1*%s" % control]
    return "".join(s + "~\n" for s in head + body + tail)

def p_claim(clm, total, dx, lines, patient=("DOE*JANE", "1EG4TE5MK73", "12 ELM ST", "19450312")):
    segs = ["CLM*%s*%s***11:B:1*Y*A*Y*Y" % (clm, total), "HI*%s" % dx]
    for n, (sv1, date, lin) in enumerate(lines, 1):
        segs += ["LX*%d" % n, sv1, "DTP*472*D8*%s" % date] + lin
    return {"patient": patient[0], "mbi": patient[1], "street": patient[2], "dob": patient[3], "segments": segs}

day1 = interchange("P", [
    # Right: Prolia 60 mg is J0897 (denosumab, 1 mg) x 60 units, JZ (nothing discarded).
    p_claim("PAT1001-01", "2460", "ABK:M810", [
        ("SV1*HC:J0897:JZ*2400*UN*60***1", "20260115", ["LIN**N4*55513071001", "CTP****1*UN"]),
        ("SV1*HC:96372*60*UN*1***1", "20260115", []),
    ]),
    # A billing article's code: J3486 is ziprasidone, not denosumab.
    p_claim("PAT1002-01", "2460", "ABK:M810", [
        ("SV1*HC:96372*60*UN*1***1", "20260116", []),
        ("SV1*HC:J3486:JZ*2400*UN*60***1", "20260116", ["LIN**N4*55513071001", "CTP****1*UN"]),
    ], ("ROE*MARY", "2FG5UF6NL84", "40 OAK AVE", "19480704")),
    # Units counted in syringes instead of the code's 1 mg dose descriptor.
    p_claim("PAT1003-01", "2400", "ABK:M810", [
        ("SV1*HC:J0897:JZ*2400*UN*1***1", "20260116", ["LIN**N4*55513071001", "CTP****1*UN"]),
    ], ("POE*ANNA", "3GH6VG7PM95", "7 PINE CT", "19500101")),
    # Padcev 20 mg vial billed as J1324 (enfuvirtide); CMS's crosswalk says J9177 x 80.
    p_claim("PAT1004-01", "9600", "ABK:C679", [
        ("SV1*HC:J1324:JZ*9600*UN*80***1", "20260120", ["LIN**N4*51144002001", "CTP****1*UN"]),
    ], ("LOE*RUTH", "4HJ7WH8QN06", "9 ASH LN", "19520202")),
    # Hyphenated NDC and no JW/JZ modifier on a single-dose syringe.
    p_claim("PAT1005-01", "2400", "ABK:M810", [
        ("SV1*HC:J0897*2400*UN*60***1", "20260120", ["LIN**N4*55513-0710-01", "CTP****1*UN"]),
    ], ("MOE*EDNA", "5JK8XJ9RP17", "3 BIRCH RD", "19440909")),
])

hospital = interchange("I", [{
    "patient": "DOE*JOHN", "mbi": "6KM9YK1TR28", "street": "21 CEDAR ST", "dob": "19490505",
    "segments": [
        "CLM*HOSP2001-01*9720***13:A:1**A*Y*Y", "DTP*434*RD8*20260112-20260112", "CL1*1*1*01", "HI*ABK:C679",
        "NM1*71*1*SMITH*JOHN****XX*1234567893",
        "LX*1", "SV2*0636*HC:J9177:JZ*9600*UN*80", "DTP*472*D8*20260112", "LIN**N4*51144002001", "CTP****1*UN",
        "LX*2", "SV2*0260*HC:96413*120*UN*1", "DTP*472*D8*20260112",
    ]}], control="000000102")

os.makedirs("fixtures/samples", exist_ok=True)
open("fixtures/samples/clinic-day1.837", "w").write(day1)
open("fixtures/samples/hospital-outpatient.837", "w").write(hospital)
