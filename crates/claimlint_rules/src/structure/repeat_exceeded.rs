use crate::syntax::report_at;
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::Ack999;
use claimlint_ig::StructureIssue;
use claimlint_model::Transaction;

declare_rule! {
    /// ## What it does
    /// Reports a segment or loop repeated more often than the implementation guide allows
    /// where it stands: more than 50 service lines (2400) per claim in 837P or 999 in 837I,
    /// a second 2010AA billing provider, two CLM segments in one 2300, more HI segments than
    /// the guide's repeat count (TR3 section 2.3, repeat and loop repeat columns).
    /// ## Why it matters
    /// Receivers reject the transaction set (999 IK3 code 5, segment exceeds maximum use, or
    /// 4, loop occurs over maximum times); claims past the limit are never adjudicated.
    /// ## Example
    /// 51 `LX` lines in one 837P claim.
    /// ## Fix
    /// Split the claim: at most 50 service lines per 837P claim, each claim with its own CLM.
    code: STR004, name: "repeat-exceeded", severity: Error, snip: 2,
    x999: PerFinding,
    check: Transaction(repeat_exceeded),
}

/// One repeat too many: (segment or loop id, whether a loop, the maximum, segment index).
type Repeat = (&'static str, bool, u32, usize);

fn repeat_exceeded(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    let ig = tx.ig();
    let repeats: Vec<Repeat> = ig
        .structure
        .iter()
        .filter_map(|issue| match *issue {
            StructureIssue::RepeatExceeded {
                id,
                is_loop,
                max,
                at,
            } => Some((id, is_loop, max, at)),
            _ => None,
        })
        .collect();
    // The repeats of one segment or loop in one parent are one defect: reported once, on the
    // first too many, with how many there are (six HI segments where one fits).
    let parent = |r: &Repeat| {
        let position = u32::try_from(r.3).map_or(u32::MAX, |i| i.saturating_add(1));
        let (claim, line) = crate::enclosing(tx, position);
        (
            r.0,
            r.1,
            claim.map(|c| c.index),
            line.map(|l| l.lx.position),
        )
    };
    let mut k = 0;
    while let Some(first) = repeats.get(k) {
        let run = repeats[k..]
            .iter()
            .take_while(|r| parent(r) == parent(first))
            .count();
        report(tx, cx, *first, run);
        k += run.max(1);
    }
}

/// STR004 for `first`, the first of `run` repeats too many of its segment or loop.
fn report(tx: &Transaction<'_>, cx: &mut Ctx<'_>, first: Repeat, run: usize) {
    let ig = tx.ig();
    let (id, is_loop, max, at) = first;
    {
        let Some(seg) = tx.segments.get(at) else {
            return;
        };
        // A loop's placement is the loop itself; its parent is one up the path.
        let path = ig.placement(at).and_then(|p| p.path()).unwrap_or_default();
        let parent = if is_loop {
            path.len().checked_sub(2).and_then(|k| path.get(k))
        } else {
            path.last()
        };
        let within = parent.copied().unwrap_or("the transaction set header");
        let what = if is_loop {
            format!("loop {id}")
        } else {
            format!("segment {id}")
        };
        let times = if max == 1 {
            "once".to_string()
        } else {
            format!("{max} times")
        };
        let msg = if run > 1 {
            format!(
                "{what} occurs {} times in {within}; the guide allows {max}",
                max as usize + run
            )
        } else {
            format!("{what} occurs more than {times} in {within}; the guide allows {max}")
        };
        let position = u32::try_from(at).map_or(u32::MAX, |i| i.saturating_add(1));
        let claim = crate::enclosing(tx, position).0;
        let help = match (id, is_loop, claim) {
            ("2400", true, _) => {
                format!("split the claim: at most {max} service lines per claim")
            }
            // Diagnoses written one HI each: joined, not dropped.
            ("HI", false, Some(c)) if tx.kind == claimlint_model::Kind::Professional => {
                crate::syntax::code_value::joined_diagnoses_help(c, seg)
            }
            (_, true, _) => format!("keep at most {max} {id} loops in {within}"),
            (_, false, _) => format!("keep at most {max} {id} segments in {within}"),
        };
        // 999 IK304: 4 "loop occurs over maximum times", 5 "segment exceeds maximum use".
        let ack = if is_loop { "4" } else { "5" };
        report_at(cx, at, seg.loc(), msg)
            .help(help)
            .ack(Ack999::Segment(ack));
    }
}

/// Diagnoses written one HI each (hccinfhir's sample_837_6: six `HI*ABK:…`): one STR004 naming
/// how many, whose help joins them into one HI, never "keep at most 1 HI" (which would drop
/// five diagnoses).
#[test]
fn diagnoses_one_hi_each_are_one_finding_that_joins_them() {
    use crate::test::{P837, edit, run};
    let text = edit(P837, "HI*", "HI*ABK:M810~HI*ABK:E119~HI*ABK:I10").replace("SE*28*", "SE*30*");
    let found: Vec<_> = run(&text)
        .into_iter()
        .filter(|d| d.code == "STR004")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].message,
        "segment HI occurs 3 times in 2300; the guide allows 1"
    );
    assert_eq!(
        found[0].help.as_deref(),
        Some(
            "move the codes into the first HI and drop the others: `HI*ABK:M810*ABF:E119*ABF:I10~`"
        )
    );
}

/// The template with `lines` service lines: its own two, and copies of the second between
/// them; CLM02 kept in balance.
#[cfg(test)]
fn many_lines(template: &str, lines: usize, sv: &str, clm: &str) -> String {
    use crate::test::edit;
    let mut body: String = (2..lines)
        .map(|n| format!("LX*{n}~{sv}~DTP*472*D8*20260115~"))
        .collect();
    body.push_str(&format!("LX*{lines}"));
    let total = 2400 + 60 * (lines - 1);
    edit(
        &edit(template, "LX*2", &body),
        "CLM*",
        &clm.replace("{total}", &total.to_string()),
    )
}

#[test]
fn cases() {
    use crate::test::{Case::*, I837, P837, check_cases};
    let (sv1, clm_p) = (
        "SV1*HC:96372*60*UN*1***1",
        "CLM*PAT1001-01*{total}***11:B:1*Y*A*Y*Y",
    );
    let (sv2, clm_i) = (
        "SV2*0510*HC:96372*60*UN*1",
        "CLM*PAT2001-01*{total}***13:A:1**A*Y*Y",
    );
    let p51 = many_lines(P837, 51, sv1, clm_p);
    let p50 = many_lines(P837, 50, sv1, clm_p);
    let i51 = many_lines(I837, 51, sv2, clm_i);
    let diags = check_cases(
        &STR004,
        &[
            Pass(""),
            PassI(""),
            Whole(&p51, true),
            Whole(&p50, false),
            Whole(&i51, false), // 837I allows 999 lines
            Edit(
                "REF*EI",
                // A complete second 2010AA loop (N3, N4, REF), so none of its segments is
                // also missing (STR002).
                "REF*EI*371234567~NM1*85*2*CLINIC TWO*****XX*1234567893~N3*200 MAIN ST~\
                 N4*SPRINGFIELD*IL*627011234~REF*EI*371234567",
                true,
            ),
        ],
    );
    assert!(diags[2].iter().any(|d| d.code == "STR004"
        && d.message == "loop 2400 occurs more than 50 times in 2300; the guide allows 50"));
}
