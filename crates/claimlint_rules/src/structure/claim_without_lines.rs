use crate::{Ctx, declare_rule};
use claimlint_model::Claim;

declare_rule! {
    /// ## What it does
    /// Reports a claim (2300 CLM) that has no service line (2400 LX).
    /// ## Why it matters
    /// Both 837 guides require at least one service line per claim: without one there is
    /// nothing to price and the claim is rejected at the front end.
    /// ## Example
    /// `CLM*PAT1-01*120***11:B:1*Y*A*Y*Y~HI*ABK:M810~` followed directly by the next `HL` or `SE`.
    /// ## Fix
    /// Add the line: `LX*1~SV1*HC:99213*120*UN*1***1~DTP*472*D8*20260115~`.
    code: STR006, name: "claim-without-lines", severity: Error, snip: 2,
    x999: Always(Segment("I7")),
    check: Claim(claim_without_lines),
}

fn claim_without_lines(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    if claim.lines.is_empty() {
        let loc = claim.id().map_or(claim.clm.loc(), |e| e.loc());
        cx.report(
            loc,
            format!("claim {} has no service line (2400 LX)", claim.id_text()),
        )
        .help("add at least one LX with its SV1/SV2 and DTP*472");
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &STR006,
        &[
            Pass(""),
            PassI(""),
            // STR006 alone: the missing 2400 loop is not also STR002's (suppress::PRECEDENCE).
            Whole(&crate::test::claim_without_lines(), true),
        ],
    );
}
