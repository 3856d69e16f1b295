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
    if !claim.lines.is_empty() {
        return;
    }
    let loc = claim.id().map_or(claim.clm.loc(), |e| e.loc());
    // A CLM written twice, byte for byte: the first copy is a claim of nothing but its CLM,
    // and what it should hold follows the copy. One error, on the first copy; it covers the
    // CLM, so what that bare claim lacks at its head (no HI: SIT002) is not reported as well
    // (precedence, `Head`).
    let copied = claim.end == claim.index + 1
        && cx.tx().is_some_and(|tx| {
            tx.segments
                .get(claim.end as usize)
                .is_some_and(|next| next.bytes == claim.clm.bytes)
        });
    if copied {
        let d = cx.report(
            loc,
            format!(
                "CLM of claim {} is written twice: the first copy is a claim of nothing but \
                 its CLM, with no service line (2400 LX)",
                claim.id_text()
            ),
        );
        d.help = Some("delete one of the two copies".into());
        d.covers = Some((claim.clm.position, claim.clm.position.saturating_add(1)));
        return;
    }
    cx.report(
        loc,
        format!("claim {} has no service line (2400 LX)", claim.id_text()),
    )
    .help("add at least one LX with its SV1/SV2 and DTP*472");
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
