use super::findings;
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::{Fix, Safety};
use claimlint_ig::ElementIssue;
use claimlint_model::Transaction;
use claimlint_x12::Loc;

declare_rule! {
    /// ## What it does
    /// Reports a segment that ends in empty elements (`NM1*IL*1*DOE*JANE***~`) or a composite
    /// that ends in empty components (`HI*ABK:M810:~`). X12 (X12.6, and TR3 section B.1.1.3.1)
    /// says trailing separators must be left out. The last element or component empty where
    /// the guide requires it (`LX*~`, `HI*ABK:~`) is the missing value, SYN007's: writing it
    /// mends both.
    /// ## Why it matters
    /// Most translators accept them, but strict ones report 999 IK3 code 8 (segment has data
    /// element errors) and some companion guides reject them; they often mean a value went
    /// missing.
    /// ## Example
    /// `N3*12 ELM ST**~`
    /// ## Fix
    /// End the segment after its last value: `N3*12 ELM ST~`. A safe fix: `claimlint check
    /// --fix` drops the trailing separators (not in a repeated element).
    code: SYN006, name: "trailing-separator", severity: Warning, snip: 1,
    x999: Always(Segment("8")),
    fix: Safe,
    check: Transaction(trailing_separator),
}

fn trailing_separator(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    for f in findings(tx, |e| matches!(e, ElementIssue::TrailingSeparator { .. })) {
        let ElementIssue::TrailingSeparator { elem, comp } = *f.issue else {
            continue;
        };
        let (el, co) = (
            char::from(f.seg.delims.element),
            char::from(f.seg.delims.component),
        );
        let text = f.seg.text();
        let (loc, msg, help, fix) = if comp == 0 {
            let fixed = text.trim_end_matches(el);
            let kept = f.seg.bytes.len() - trailing(f.seg.bytes, f.seg.delims.element);
            let fix = Fix {
                start: f.seg.offset + kept,
                end: f.seg.offset + f.seg.bytes.len(),
                replacement: String::new(),
                safety: Safety::Safe,
            };
            (
                f.seg.loc(),
                format!(
                    "{} in {} ends in {}",
                    f.def.id,
                    f.loop_name(tx),
                    empties("element", trailing(f.seg.bytes, f.seg.delims.element), el)
                ),
                format!("end the segment after its last value: `{fixed}`"),
                Some(fix),
            )
        } else {
            let r = f.ref_des(elem, 0);
            let value = f.text(elem, 0);
            let loc = f.loc(elem, 0);
            (
                loc,
                format!(
                    "{r} `{value}` in {} ends in {}",
                    f.loop_name(tx),
                    empties(
                        "component",
                        trailing(value.as_bytes(), f.seg.delims.component),
                        co
                    )
                ),
                format!("write {r} as `{}`", value.trim_end_matches(co)),
                component_fix(f.seg, elem, loc),
            )
        };
        let d = f.report(cx, loc, msg);
        d.help(help);
        if let Some(fix) = fix {
            d.fix(fix);
        }
    }
}

/// "an empty element (a trailing `*`)", or for `n` of them "three empty elements (three
/// trailing `*`)": the count the segment as written has, so the reader finds them all.
fn empties(what: &str, n: usize, sep: char) -> String {
    const WORDS: [&str; 9] = [
        "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    match n {
        0 | 1 => format!("an empty {what} (a trailing `{sep}`)"),
        _ => {
            let count = WORDS
                .get(n - 2)
                .map_or_else(|| n.to_string(), |w| (*w).to_string());
            format!("{count} empty {what}s ({count} trailing `{sep}`)")
        }
    }
}

/// How many `sep` bytes end `bytes`.
fn trailing(bytes: &[u8], sep: u8) -> usize {
    bytes.iter().rev().take_while(|&&b| b == sep).count()
}

/// The composite without its trailing component separators; none for a repeated element,
/// whose repetitions the finding does not tell apart.
fn component_fix(seg: &claimlint_x12::Segment<'_>, elem: usize, loc: Loc) -> Option<Fix> {
    let e = seg.element_raw(elem)?;
    if seg.delims.repetition.is_some_and(|r| e.bytes.contains(&r)) || e.offset != loc.offset {
        return None;
    }
    let kept = &e.bytes[..e.bytes.len() - trailing(e.bytes, seg.delims.component)];
    Some(Fix {
        start: e.offset,
        end: e.offset + e.bytes.len(),
        replacement: std::str::from_utf8(kept).ok()?.to_string(),
        safety: Safety::Safe,
    })
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &SYN006,
        &[
            Pass(""),
            PassI(""),
            Edit("N3*12", "N3*12 ELM ST**", true),
            Edit("HI*", "HI*ABK:M810:", true),
            EditI("CL1*", "CL1*1*1*01*", true),
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***1***", true),
            Edit("HI*", "HI*ABK:M810:::", true),
        ],
    );
    // Each message counts the separators as written (C6: three, not "a trailing `*`").
    let messages: Vec<&str> = [2, 3, 4, 5, 6]
        .iter()
        .map(|&k| {
            let d = diags[k].iter().find(|d| d.code == "SYN006").unwrap();
            d.message.as_str()
        })
        .collect();
    assert_eq!(
        messages,
        [
            "N3 in 2010BA ends in two empty elements (two trailing `*`)",
            "HI01 `ABK:M810:` in 2300 ends in an empty component (a trailing `:`)",
            "CL1 in 2300 ends in an empty element (a trailing `*`)",
            "SV1 in 2400 ends in three empty elements (three trailing `*`)",
            "HI01 `ABK:M810:::` in 2300 ends in three empty components (three trailing `:`)",
        ]
    );
    let d = diags[2].iter().find(|d| d.code == "SYN006").unwrap();
    assert_eq!(
        d.help.as_deref(),
        Some("end the segment after its last value: `N3*12 ELM ST`")
    );
    let f = d.fix.clone().unwrap();
    assert_eq!((f.end - f.start, f.replacement.as_str()), (2, ""));
    let d = diags[3].iter().find(|d| d.code == "SYN006").unwrap();
    assert_eq!(
        d.fix.as_ref().map(|f| f.replacement.as_str()),
        Some("ABK:M810")
    );
}
