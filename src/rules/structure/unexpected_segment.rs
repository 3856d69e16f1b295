use crate::model::{Kind, Transaction};
use crate::rules::{Ctx, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a segment that is not allowed where it stands: a segment between envelopes but
    /// outside any transaction set, or a service segment of the other guide (SV1 in an 837I,
    /// SV2 in an 837P; the file says one guide and is written in another).
    /// ## Why it matters
    /// A receiver reads the claim by the guide in GS08/ST03; a segment that guide does not
    /// expect at that point is a syntax error (999 IK3 code 2 or 8) and rejects the claim.
    /// ## Example
    /// `ST*837*0001*005010X223A2~ ... LX*1~SV1*HC:99213*120*UN*1***1~`
    /// ## Fix
    /// Name the guide the claim is written in (`005010X222A1` for SV1 lines), or write the
    /// lines as SV2 with a revenue code for an institutional claim.
    code: STR003, name: "unexpected-segment", severity: Error, snip: 2,
    check: Transaction(unexpected_segment),
}

fn unexpected_segment(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    let (wrong, right): (&[u8], &str) = match tx.kind {
        Kind::Professional => (b"SV2", "SV1"),
        Kind::Institutional => (b"SV1", "SV2"),
    };
    for seg in tx.segments.iter().filter(|s| s.is(wrong)) {
        cx.report(seg.loc(), format!("{} in a {} ({}) transaction set; its service lines are {right}", String::from_utf8_lossy(wrong), tx.kind.short(), tx.kind.guide()))
            .help(if tx.kind == Kind::Institutional { "this looks like a professional claim: name 005010X222A1 in GS08 and ST03" } else { "this looks like an institutional claim: name 005010X223A2 in GS08 and ST03" });
    }
}

#[test]
fn cases() {
    use crate::rules::test::{Case::*, check_cases};
    check_cases(&STR003, &[Pass(""), PassI(""), Edit("ST*", "ST*837*0001*005010X223A2", true), Edit("GE*", "REF*XX*1~GE*1*1", true)]);
}
