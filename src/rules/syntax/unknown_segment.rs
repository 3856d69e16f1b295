use crate::model::Transaction;
use crate::rules::{Ctx, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a segment whose id the 837 guides do not define anywhere (a typo such as `NM2`,
    /// a segment of another transaction such as `CLP`, or a 4010-only segment), and empty
    /// segments (a terminator doubled: `~~`).
    /// ## Why it matters
    /// A receiver cannot place an unknown segment in the loop structure; the transaction set is
    /// rejected (999 IK3 code 1, unrecognized segment id).
    /// ## Example
    /// `NM2*IL*1*DOE*JANE****MI*1EG4TE5MK73~`
    /// ## Fix
    /// Correct the id: `NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~`.
    code: SYN001, name: "unknown-segment", severity: Error, snip: 2,
    check: Transaction(unknown_segment),
}

/// Every segment id used by 005010X222A1 and 005010X223A2 (from their segment tables).
const KNOWN: &[&[u8]] = &[
    b"AMT", b"BHT", b"CAS", b"CL1", b"CLM", b"CN1", b"CR1", b"CR2", b"CR3", b"CR5", b"CR6", b"CRC", b"CTP", b"CUR",
    b"DMG", b"DN1", b"DN2", b"DTP", b"FRM", b"HCP", b"HI", b"HL", b"K3", b"LIN", b"LQ", b"LX", b"MEA", b"MIA", b"MOA",
    b"N2", b"N3", b"N4", b"NM1", b"NTE", b"OI", b"PAT", b"PER", b"PRV", b"PS1", b"PWK", b"QTY", b"REF", b"SBR", b"SE",
    b"ST", b"SV1", b"SV2", b"SV5", b"SVD", b"TOO",
];

fn unknown_segment(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    for seg in &tx.segments {
        let id = seg.id();
        if !KNOWN.contains(&id) {
            let shown = String::from_utf8_lossy(id);
            let msg = if id.is_empty() { "a segment with no id".to_string() } else { format!("`{shown}` is not a segment of the 837 ({})", tx.kind.guide()) };
            cx.report(seg.loc(), msg);
        }
    }
}

#[test]
fn cases() {
    use crate::rules::test::{Case::*, check_cases};
    check_cases(&SYN001, &[Pass(""), PassI(""), Edit("N3*12", "NM2*IL*1*DOE", true), Edit("DMG*", "CLP*1*1*100*100", true), Whole(&crate::rules::test::P837.replace("N3*12 ELM ST~", "N3*12 ELM ST~~"), true)]);
}
