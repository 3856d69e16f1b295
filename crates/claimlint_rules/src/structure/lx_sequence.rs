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
    let number = |k: usize| claim.lines.get(k).and_then(|l| l.number_value());
    // A line continues the numbering of the line before it (`LX*1~LX*1~LX*2`: a line
    // written twice, `LX*1~LX*2~LX*4~LX*5`: one left out): one defect, reported on the line
    // where the numbering breaks, not again on each line that follows it.
    let follows = |n: usize| -> bool {
        n.checked_sub(1)
            .and_then(number)
            .zip(number(n))
            .is_some_and(|(before, this)| before.checked_add(1) == Some(this))
    };
    for (n, line) in claim.lines.iter().enumerate() {
        let expected = n as u32 + 1;
        // A line whose LX is missing has no number to check: STR002 reports the LX, with
        // the number it should have.
        if !line.has_lx() || number(n) == Some(expected) || follows(n) {
            continue;
        }
        let found = line
            .number()
            .map_or_else(|| "empty".to_string(), |e| format!("`{}`", e.text()));
        let loc = line.number().map_or(line.lx.loc(), |e| e.loc());
        // The lines after it that continue its numbering are renumbered with it.
        let after = (n + 1..claim.lines.len())
            .take_while(|&k| follows(k) && number(k) != Some(k as u32 + 1))
            .count();
        let help = match after {
            0 => format!("write LX*{expected}"),
            1 => format!(
                "write LX*{expected}, and LX*{} on the line after it",
                expected + 1
            ),
            _ => format!(
                "write LX*{expected}, and number the {after} lines after it LX*{} to LX*{}",
                expected + 1,
                expected + after as u32
            ),
        };
        let tx = cx.tx;
        let d = cx.report(
            loc,
            format!(
                "LX01 is {found} in claim {}; this is line {expected}",
                claim.id_text()
            ),
        );
        d.help(help);
        // An LX written twice, byte for byte: the first copy is a line of nothing but its
        // LX, and the SV1/SV2 and DTP the guide found missing from it follow the copy. This
        // is the one error (precedence: STR005 suppresses STR002 at its head).
        if let Some(prev) = n.checked_sub(1).and_then(|p| claim.lines.get(p))
            && prev.end == line.index
            && prev.index + 1 == line.index
            && prev.lx.bytes == line.lx.bytes
            && tx.is_some_and(|tx| super::only_its_own_missing(tx, prev.index as usize, "2400"))
        {
            d.covers = Some((prev.lx.position, line.lx.position));
        }
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
            // A line written twice: one finding, on the copy, not one on every later line.
            Edit(
                "LX*2",
                "LX*1~SV1*HC:96372*0*UN*1***1~DTP*472*D8*20260115~LX*2",
                true,
            ),
            // LX01 `A` is SYN003's, which suppresses STR005 (suppress::tests::syntax_before_content).
        ],
    );
}

/// An LX written twice before which the claim's 2300 lacks its statement dates: the STR002
/// for DTP*434, which the guide notices at the first LX, is the claim's own defect and stays;
/// only a first copy that lacks nothing but its own line's segments is the copy's finding.
#[test]
fn a_copied_lx_does_not_hide_what_the_claim_lacks() {
    use crate::test::{I837, run};
    let lx = I837.find("LX*1~").expect("the template has LX*1");
    let copied = format!("{}LX*1~{}", &I837[..lx], &I837[lx..]);
    let no_dates = copied.replacen("DTP*434*RD8*20260115-20260115~", "", 1);
    let codes = |text: &str| {
        let mut c: Vec<_> = run(text)
            .iter()
            .map(|d| (d.code, d.message.contains("DTP")))
            .collect();
        c.sort_unstable();
        c
    };
    assert!(
        codes(&copied).iter().all(|&(code, _)| code != "STR002"),
        "{:?}",
        codes(&copied)
    );
    assert!(
        codes(&no_dates).contains(&("STR002", true)),
        "{:?}",
        codes(&no_dates)
    );
}
