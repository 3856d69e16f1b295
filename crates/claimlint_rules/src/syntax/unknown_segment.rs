use crate::{Ctx, declare_rule};
use claimlint_ig::{self as ig, Guide};
use claimlint_model::Transaction;
use claimlint_x12::envelope::{IssueKind, ScanIssue};

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
    x999: Always(Segment("1")),
    check: Transaction(unknown_segment),
}

/// Unknown to both 837 guides. A segment of the other guide (SV2 in an 837P, CL1 in an 837P)
/// is known: STR003 reports it as out of place, with a better hint than "unknown".
pub(crate) fn is_known(id: &[u8]) -> bool {
    [Guide::X222A1, Guide::X223A2]
        .into_iter()
        .any(|g| ig::guide(g).is_known_segment_id(id))
}

fn unknown_segment(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    // A segment the guide check (when it has run) placed has an id of that guide: known
    // without a search. Whether it ran changes how fast, not what is found.
    let placed = |index: usize| {
        tx.ig
            .get()
            .and_then(|ig| ig.placement(index))
            .is_some_and(|p| p.segment().is_some())
    };
    for (index, seg) in tx.segments.iter().enumerate() {
        let id = seg.id();
        if placed(index) || is_known(id) {
            continue;
        }
        let msg = if id.is_empty() {
            "a segment with no id (an empty segment: a doubled terminator?)".to_string()
        } else {
            format!(
                "`{}` in {} is not a segment of the 837 ({})",
                String::from_utf8_lossy(id),
                super::loop_name(tx, index),
                tx.kind.guide()
            )
        };
        let upper = id.to_ascii_uppercase();
        let help = match near_miss(id) {
            _ if id.is_empty() => "remove the extra segment terminator".to_string(),
            _ if upper != id && is_known(&upper) => format!(
                "segment ids are upper case: write `{}`",
                String::from_utf8_lossy(&upper)
            ),
            Some(near) => format!("did you mean `{near}`? otherwise remove the segment"),
            None => "remove the segment; the 837 has no place for it".to_string(),
        };
        super::report_at(cx, index, seg.loc(), msg).help(help);
    }
}

/// Empty segments (doubled terminators) the envelope scan found (`rules::envelope::owner`):
/// the lexer drops them before the model is built, so they are reported from the scan.
pub(crate) fn report_empty(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>) {
    let IssueKind::EmptySegments { count, after } = issue.kind else {
        return;
    };
    let what = if count == 1 {
        "an empty segment".to_string()
    } else {
        format!("{count} empty segments in a row")
    };
    cx.report(issue.loc, format!("{what} after segment {after}: a segment terminator follows another with no segment between"))
        .help("remove the doubled segment terminators");
}

/// A known id that differs from `id` in one byte (`NM2` → `NM1`), for the help line.
fn near_miss(id: &[u8]) -> Option<&'static str> {
    [Guide::X222A1, Guide::X223A2].into_iter().find_map(|g| {
        ig::guide(g).segment_ids.iter().copied().find(|k| {
            k.len() == id.len() && k.bytes().zip(id).filter(|(a, b)| a != *b).count() == 1
        })
    })
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &SYN001,
        &[
            Pass(""),
            PassI(""),
            Edit("N3*12", "NM2*IL*1*DOE", true),
            Edit("N3*12", "n3*12 ELM ST", true),
            Edit("DMG*", "CLP*1*1*100*100", true),
            // A misspelled required segment (the line's DTP*472): the unknown id alone, not
            // also STR002 for the DTP the guide looked for there.
            Edit("DTP*472", "DPT*472*D8*20260115", true),
            Whole(
                &crate::test::P837.replace("N3*12 ELM ST~", "N3*12 ELM ST~~"),
                true,
            ),
        ],
    );
}

/// A known id in lower case gets the upper-case id as its fix, not "remove the segment".
#[test]
fn lower_case_ids_are_told_to_upper_case() {
    let text = crate::test::P837.replace("N3*12 ELM ST~", "n3*12 ELM ST~");
    let found = crate::test::run(&text);
    let d = found
        .iter()
        .find(|d| d.code == "SYN001")
        .expect("SYN001 for n3");
    assert_eq!(
        d.help.as_deref(),
        Some("segment ids are upper case: write `N3`")
    );
}
