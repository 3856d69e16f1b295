use crate::{Ctx, declare_rule};
use claimlint_model::{Claim, Dec, Kind, Total};

declare_rule! {
    /// ## What it does
    /// Checks that the total claim charge, CLM02, equals the sum of the line charges: SV102
    /// in an 837P, SV203 in an 837I (TR3 2300 CLM02 note: "the total claim charge amount must
    /// balance to the sum of the service line charge amounts"). The sum is exact decimal
    /// arithmetic, never floating point.
    /// ## Why it matters
    /// Payers reject an unbalanced claim at the front end (277CA, claim status category A7),
    /// before any adjudication.
    /// ## Example
    /// `CLM*PAT1001-01*2450***11:B:1*Y*A*Y*Y~` with lines of 2400 and 60
    /// ## Fix
    /// Write the sum of the lines: `CLM*PAT1001-01*2460***11:B:1*Y*A*Y*Y~`.
    code: BAL001, name: "claim-charge-mismatch", severity: Error, snip: 3,
    x999: Never,
    check: Claim(claim_charge_mismatch),
}

fn claim_charge_mismatch(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    // A missing or unreadable amount is SYN007's, or SYN002's/SYN003's (every R value of up to
    // 18 digits is a `Dec`); a claim without lines STR006's.
    let Some(charge) = claim.charge() else { return };
    let Some(total) = Dec::parse(charge.bytes) else {
        return;
    };
    if claim.lines.is_empty() {
        return;
    }
    // The sum as a `Dec` first: exact while it stays in range, and an addition of two `i128`s
    // where a `Total` divides each amount into its whole and fraction. Within range it is the
    // `Total` below (each holds the exact sum), so equal to CLM02 exactly when that is.
    let mut quick = Some(Dec::ZERO);
    for line in &claim.lines {
        let Some(c) = line.charge_value() else { return };
        quick = quick.and_then(|s| s.checked_add(c));
    }
    if quick == Some(total) {
        return;
    }
    // A `Total` cannot overflow, so no number of lines or size of amount switches this off.
    let mut sum = Total::default();
    for line in &claim.lines {
        let Some(c) = line.charge_value() else { return };
        sum.add(c);
    }
    if sum == Total::of(total) {
        return;
    }
    let sv = match cx.tx().map(|t| t.kind) {
        Some(Kind::Institutional) => "SV203",
        _ => "SV102",
    };
    let n = claim.lines.len();
    let lines = if n == 1 {
        "its one line".to_string()
    } else {
        format!("{n} lines")
    };
    cx.report(
        charge.loc(),
        format!(
            "CLM02 `{}` in 2300 of claim {} is not the sum of its {sv} line charges ({sum} over {lines})",
            charge.text(),
            claim.id_text()
        ),
    )
    .help(format!("write CLM02 as {sum}, or correct the {sv} of the line that is wrong"));
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &BAL001,
        &[
            Pass(""),
            PassI(""),
            Edit("CLM*", "CLM*PAT1001-01*2450***11:B:1*Y*A*Y*Y", true),
            EditI("CLM*", "CLM*PAT2001-01*2460.01***13:A:1**A*Y*Y", true),
            Edit("CLM*", "CLM*PAT1001-01*2460.00***11:B:1*Y*A*Y*Y", false),
            // 0.1 + 0.2 = 0.3, exactly.
            Whole(
                &crate::test::edit(
                    &crate::test::edit(
                        &crate::test::edit(
                            crate::test::P837,
                            "CLM*",
                            "CLM*PAT1001-01*.3***11:B:1*Y*A*Y*Y",
                        ),
                        "SV1*HC:J0897",
                        "SV1*HC:J0897:JZ*0.1*UN*60***1",
                    ),
                    "SV1*HC:96372",
                    "SV1*HC:96372*0.2*UN*1***1",
                ),
                false,
            ),
        ],
    );
    let d = diags[2].iter().find(|d| d.code == "BAL001").unwrap();
    assert_eq!(
        d.message,
        "CLM02 `2450` in 2300 of claim PAT1001-01 is not the sum of its SV102 line charges (2460 over 2 lines)"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("write CLM02 as 2460, or correct the SV102 of the line that is wrong")
    );
    assert_eq!(d.loc.element, Some(2));
}
