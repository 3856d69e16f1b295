use crate::{Ctx, declare_rule};
use claimlint_model::Claim;

declare_rule! {
    /// ## What it does
    /// Reports a replacement (CLM05-3 = 7) or void (8) claim without the payer claim control
    /// number of the original claim, 2300 REF*F8 (TR3 2300 REF, Payer Claim Control Number:
    /// "Required when CLM05-3 indicates replacement or void").
    /// ## Why it matters
    /// The payer cannot tell which claim to replace or void; the claim is rejected, or worse,
    /// adjudicated as a duplicate of the original.
    /// ## Example
    /// `CLM*PAT1001-01*2460***11:B:7*Y*A*Y*Y~` with no `REF*F8`
    /// ## Fix
    /// Add the payer's claim number of the original claim: `REF*F8*R4567890123~` in 2300.
    code: SIT003, name: "replacement-without-original", severity: Error, snip: 4,
    x999: ElementElseSegment("I9", "I6"),
    check: Claim(replacement_without_original),
}

fn replacement_without_original(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    let Some(freq) = claim.frequency() else {
        return;
    };
    let what = match freq.bytes {
        b"7" => "replacement of prior claim",
        b"8" => "void of prior claim",
        _ => return,
    };
    if claim.original_ref {
        return;
    }
    cx.report(
        freq.loc(),
        format!(
            "CLM05-3 `{}` ({what}) in 2300 of claim {} needs the original claim's payer claim control number (REF*F8), which is missing",
            freq.text(),
            claim.id_text()
        ),
    )
    .help("add REF*F8*<the payer's claim control number of the original claim> to 2300, or use CLM05-3 1 for a new claim");
}

#[test]
fn cases() {
    use crate::test::{Case::*, I837, check_cases, edit};
    check_cases(
        &SIT003,
        &[
            Pass(""),
            PassI(""),
            Edit("CLM*", "CLM*PAT1001-01*2460***11:B:7*Y*A*Y*Y", true),
            EditI("CLM*", "CLM*PAT2001-01*2460***13:A:8**A*Y*Y", true),
            Edit(
                "CLM*",
                "CLM*PAT1001-01*2460***11:B:7*Y*A*Y*Y~REF*F8*R4567890123",
                false,
            ),
            Whole(
                &edit(
                    &edit(I837, "CLM*", "CLM*PAT2001-01*2460***13:A:7**A*Y*Y"),
                    "CL1*",
                    "CL1*1*1*01~REF*F8*R4567890123",
                ),
                false,
            ),
        ],
    );
}
