use crate::drugs::{hcpcs_of, is_drug_code, line_dos};
use crate::{Ctx, declare_rule};
use claimlint_model::{Kind, ServiceLine};

declare_rule! {
    /// ## What it does
    /// Warns about a modifier whose meaning cannot apply to the code: 25 (significant,
    /// separately identifiable E/M service) or 57 (decision for surgery) on a drug code;
    /// 59 or XE/XP/XS/XU (distinct procedural service) on a drug code when no other
    /// procedure is billed that day; PO/PN (off-campus provider-based department, OPPS) on an
    /// 837P claim.
    /// ## Why it matters
    /// 25 and 57 modify E/M codes, 59/X{EPSU} unbundle a procedure from another under NCCI,
    /// and PO/PN are hospital outpatient modifiers (Claims Processing Manual ch. 12 §30.6,
    /// NCCI Policy Manual ch. 1, OPPS). On a drug line they signal a coding error, and
    /// payers deny or review the line.
    /// ## Example
    /// `SV1*HC:J0897:25*2400*UN*60***1~`
    /// ## Fix
    /// Put 25 on the E/M code (99213:25), not on the drug; drop 59 from a drug billed alone.
    code: MOD005, name: "modifier-not-applicable", severity: Warning, snip: 5,
    x999: Never,
    check: Line(modifier_not_applicable),
}

const DISTINCT: &[&[u8]] = &[b"59", b"XE", b"XP", b"XS", b"XU"];

fn modifier_not_applicable(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let (Some(p), Some(code)) = (line.procedure, hcpcs_of(line)) else {
        return;
    };
    let professional = cx.tx().is_some_and(|t| t.kind == Kind::Professional);
    // The code billed, not the line's 2410 loop: an E/M code with a stray LIN (imsweb
    // x12_complex's 99211) is no drug code, and 25 belongs on it.
    let drug = cx.is_drug_code_line(line);
    for m in p.modifiers() {
        // `po` is PO in lower case (CODE004's finding), read as itself here.
        let upper = match *m.bytes {
            [a, b] => [a.to_ascii_uppercase(), b.to_ascii_uppercase()],
            _ => [0, 0],
        };
        match upper.as_slice() {
            b"25" | b"57" if drug => {
                let what = if m.is(b"25") {
                    "a significant, separately identifiable E/M service"
                } else {
                    "the decision for surgery"
                };
                cx.report(
                    m.loc(),
                    format!(
                        "modifier {} ({what}) cannot apply to drug code {code}",
                        m.text()
                    ),
                )
                .help(format!(
                    "put {} on the E/M code of the visit, not on {code}",
                    m.text()
                ));
            }
            b if drug && DISTINCT.contains(&b) && !other_procedure_that_day(line, cx) => {
                cx.report(m.loc(), format!("modifier {} (distinct procedural service) on drug code {code}, with no other procedure billed that day", m.text()))
                    .help(format!("drop {}: it unbundles a procedure from another one billed the same day", m.text()));
            }
            b"PO" | b"PN" if professional => {
                cx.report(m.loc(), format!("modifier {} (off-campus provider-based department) on a professional (837P) claim", m.text()))
                    .help(format!("{} belongs on the hospital's institutional (837I) claim under OPPS; drop it here", m.text()));
            }
            _ => {}
        }
    }
}

/// Another line of the claim, on the same date, with a code that is not a drug.
fn other_procedure_that_day(line: &ServiceLine<'_>, cx: &Ctx<'_>) -> bool {
    let Some(claim) = cx.claim() else {
        return false;
    };
    let dos = line_dos(line, Some(claim));
    claim.lines.iter().any(|l| {
        l.lx.offset != line.lx.offset
            && line_dos(l, Some(claim)) == dos
            && hcpcs_of(l).is_some_and(|c| !is_drug_code(cx.data(), c))
    })
}

#[test]
fn cases() {
    use crate::test::{Case::*, P837, check_cases};
    // The drug line alone in the claim: no administration code that day.
    let alone = P837
        .replace(
            "LX*2~\nSV1*HC:96372*60*UN*1***1~\nDTP*472*D8*20260115~\n",
            "",
        )
        .replace("SE*28*", "SE*25*")
        .replace("*2460***", "*2400***")
        .replace("SV1*HC:J0897:JZ*", "SV1*HC:J0897:JZ:59*");
    assert_ne!(alone, P837);
    let cases = [
        Pass(""),
        PassI(""),
        Trip("SV1*HC:J0897:JZ:25*2400*UN*60***1"),
        TripI("SV2*0636*HC:J0897:JZ:57*2400*UN*60"),
        // 59 with the administration code billed the same day: not this rule's business.
        Pass("SV1*HC:J0897:JZ:59*2400*UN*60***1"),
        Whole(&alone, true),
        Edit("SV1*HC:96372", "SV1*HC:96372:PO*60*UN*1***1", true),
        EditI("SV2*0510", "SV2*0510*HC:96372:PO*60*UN*1", false),
        // In lower case too (CODE004 reports the case; the modifier is still PO).
        Also(
            &["CODE004"],
            &Edit("SV1*HC:96372", "SV1*HC:96372:po*60*UN*1***1", true),
        ),
    ];
    let out = check_cases(&MOD005, &cases);
    // An E/M code with 25 on a line that carries a 2410 loop (the NDC is then NDC004's): the
    // code is no drug code, and 25 is where it belongs.
    let em = crate::test::edit(P837, "SV1*HC:J0897", "SV1*HC:99213:25*2400*UN*1***1");
    let codes: Vec<_> = crate::test::run(&em).iter().map(|d| d.code).collect();
    assert_eq!(codes, ["NDC004"]);
    let d = out[2].iter().find(|d| d.code == "MOD005").unwrap();
    assert_eq!(
        d.message,
        "modifier 25 (a significant, separately identifiable E/M service) cannot apply to drug code J0897"
    );
}
