use super::{findings, simple};
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::Ack999;
use claimlint_ig::{DataType, ElementIssue};
use claimlint_model::Transaction;

declare_rule! {
    /// ## What it does
    /// Checks each element value against the minimum and maximum length the implementation
    /// guide gives it (005010X222A1 / 005010X223A2 segment detail; numbers count digits,
    /// without sign or decimal point, as X12 does).
    /// ## Why it matters
    /// A receiver's translator rejects the element (999 IK4 code 4 or 5, data element too
    /// short or too long); payers truncate or reject names, ids and amounts that do not fit.
    /// ## Example
    /// `ST*837*01*005010X222A1~` (ST02 is 4–9 characters)
    /// ## Fix
    /// Write the value within its bounds: `ST*837*0001*005010X222A1~`.
    code: SYN002, name: "element-length", severity: Error, snip: 2,
    x999: PerFinding,
    check: Transaction(element_length),
}

fn element_length(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    for f in findings(tx, |e| matches!(e, ElementIssue::Length { .. })) {
        let ElementIssue::Length {
            elem,
            comp,
            min,
            max,
            len,
        } = *f.issue
        else {
            continue;
        };
        let numeric = f
            .element_def(elem, comp)
            .and_then(simple)
            .is_some_and(|(t, _, _)| matches!(t, DataType::N(_) | DataType::R));
        let unit = if numeric { "digits" } else { "characters" };
        let r = f.ref_des(elem, comp);
        let msg = format!(
            "{r} `{}` in {} has {len} {unit}; the guide allows {min}–{max}",
            f.text(elem, comp),
            f.loop_name(tx)
        );
        let help = if len > usize::from(max) {
            format!("shorten {r} to at most {max} {unit}")
        } else {
            format!("write {r} with at least {min} {unit}")
        };
        // 999 IK403: 5 "data element too long", 4 "too short".
        let ack = if len > usize::from(max) { "5" } else { "4" };
        f.report(cx, f.loc(elem, comp), msg)
            .help(help)
            .ack(Ack999::Element(ack));
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, P837, check_cases, edit};
    // SE02 repeats the short ST02, so the pair still matches (no ENV002).
    let short_st02 = edit(
        &edit(P837, "ST*", "ST*837*01*005010X222A1"),
        "SE*",
        "SE*{count}*01",
    );
    let long = format!("NM1*IL*1*{}*JANE****MI*1EG4TE5MK73", "D".repeat(61));
    check_cases(
        &SYN002,
        &[
            Pass(""),
            PassI(""),
            Whole(&short_st02, true),
            Trip(&long),
            // N403 is 3–15; the subscriber's (2010BA), which need not be a ZIP+4 (SIT005).
            EditI("N4*SPRINGFIELD*IL*62702", "N4*SPRINGFIELD*IL*62", true),
            // 2460 written with 20 digits: still the sum of the lines (no BAL001).
            Edit(
                "CLM*",
                "CLM*PAT1001-01*00000000000000002460***11:B:1*Y*A*Y*Y",
                true,
            ),
        ],
    );
}
