use crate::{Ctx, declare_rule};
use claimlint_model::Claim;

declare_rule! {
    /// ## What it does
    /// Checks that the service lines of a claim are numbered LX01 = 1, 2, 3… in order.
    /// ## Why it matters
    /// Payers report line-level adjudication (835 SVC, 277CA) by line number; a gap or repeat
    /// makes the remittance impossible to match and many front ends reject the claim.
    /// ## Example
    /// `LX*1~ ... LX*3~`
    /// ## Fix
    /// Number the lines consecutively from 1 within each claim: `LX*1~ ... LX*2~`.
    code: STR005, name: "lx-sequence", severity: Error, snip: 2,
    x999: Always(Element("I12")),
    check: Claim(lx_sequence),
}

fn lx_sequence(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    for (n, line) in claim.lines.iter().enumerate() {
        let expected = n as u32 + 1;
        if line.number_value() == Some(expected) {
            continue;
        }
        let found = line
            .number()
            .map_or_else(|| "empty".to_string(), |e| format!("`{}`", e.text()));
        let loc = line.number().map_or(line.lx.loc(), |e| e.loc());
        cx.report(
            loc,
            format!(
                "LX01 is {found} in claim {}; this is line {expected}",
                claim.id_text()
            ),
        )
        .help(format!("write LX*{expected}"));
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &STR005,
        &[
            Pass(""),
            PassI(""),
            Edit("LX*2", "LX*3", true),
            Edit("LX*1", "LX*0", true),
            // LX01 `A` is SYN003's, which suppresses STR005 (suppress::tests::syntax_before_content).
        ],
    );
}
