use crate::syntax::report_at;
use crate::{Ctx, declare_rule};
use claimlint_ig::{GuideDef, Placement, SegmentDef, StructureIssue, Usage};
use claimlint_model::Transaction;

declare_rule! {
    /// ## What it does
    /// Reports a segment or loop the implementation guide marks Required that is absent from
    /// its parent loop: BHT, 1000A NM1*41, 2010AA NM1*85 with N3/N4/REF*EI, 2010BA, 2010BB,
    /// 2300 CLM, 2400 SV1/SV2, 837P 2400 DTP*472, 2330B in each 2320. Found by walking the
    /// transaction set through the guide's loop tree (TR3 section 2.3, loop and segment
    /// usage). The principal diagnosis (2300 HI) is reported by SIT002 instead.
    /// ## Why it matters
    /// A missing required segment rejects the transaction set (999 IK3 code 3, mandatory
    /// segment missing); a missing 2330B means the payer cannot tell which payer the COB
    /// amounts belong to.
    /// ## Example
    /// ```x12
    /// HL*1**20*1~
    /// NM1*85*2*ONCOLOGY CLINIC*****XX*1234567893~
    /// N3*100 MAIN ST~
    /// REF*EI*371234567~
    /// ```
    /// ## Fix
    /// Add the segment where the guide places it: `N4*SPRINGFIELD*IL*627011234~` after N3.
    code: STR002, name: "required-segment-missing", severity: Error, snip: 2,
    check: Transaction(required_segment_missing),
}

/// The name and start of a loop or segment, for messages: `2010AA (Billing Provider Name)`,
/// `N4 (Billing Provider City, State, ZIP Code)`; and how it begins, for the help line.
/// `NM1*85`, `DTP*434`: the id and, when the first element tells definitions apart, its code.
fn start_of(s: &SegmentDef) -> String {
    match s
        .qualifier
        .filter(|q| q.comp == 0 && q.elem == 1)
        .and_then(|q| q.codes.first())
    {
        Some(code) => format!("{}*{code}", s.id),
        None => s.id.to_string(),
    }
}

fn describe(guide: &GuideDef, parent: &str, id: &str, is_loop: bool) -> (String, String) {
    let parent_def = guide.loops().into_iter().find(|l| l.id == parent);
    if is_loop {
        let l = parent_def.and_then(|p| p.child_loop(id));
        let name = l.map_or(String::new(), |l| format!(" ({})", l.name));
        let start = l.and_then(|l| l.starter()).map_or(String::new(), start_of);
        (format!("loop {id}{name}"), start)
    } else {
        // Of several definitions with this id (DTP*434, DTP*435...), the required one is missing.
        let s = parent_def.and_then(|p| {
            p.segments(id.as_bytes())
                .find(|s| s.usage == Usage::Required)
        });
        let name = s.map_or(String::new(), |s| format!(" ({})", s.name));
        (
            format!("segment {id}{name}"),
            s.map_or(id.to_string(), start_of),
        )
    }
}

/// Does the segment come later in the same occurrence of its loop? Then it is out of order,
/// which STR003 reports; "missing" as well would be two findings for one misplaced segment.
fn comes_late(tx: &Transaction<'_>, id: &str, parent: &str, at: usize) -> bool {
    let ig = tx.ig();
    for (k, seg) in tx.segments.iter().enumerate().skip(at) {
        let Some(Placement::Placed { loop_def, segment }) = ig.placement(k).copied() else {
            // Unplaced, inside the occurrence still open: STR003 reports it where it stands.
            if seg.id() == id.as_bytes() {
                return true;
            }
            continue;
        };
        // Every segment is inside the transaction set ("ST"); other loops by their path.
        let inside = parent == "ST" || loop_def.path.contains(&parent);
        if !inside {
            return false;
        }
        let restarts = loop_def.starter().is_some_and(|s| std::ptr::eq(s, segment));
        if k > at && loop_def.id == parent && restarts {
            return false; // the next occurrence of the loop
        }
        if loop_def.id == parent && seg.id() == id.as_bytes() {
            return true;
        }
    }
    false
}

fn required_segment_missing(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    let ig = tx.ig();
    for issue in &ig.structure {
        let StructureIssue::RequiredMissing {
            id,
            is_loop,
            parent,
            at,
        } = *issue
        else {
            continue;
        };
        // SIT002 reports a claim without its principal diagnosis, with a better message.
        if id == "HI" && parent == "2300" {
            continue;
        }
        // Envelope before structure (RULES.md, "One root cause, one error"): a transaction set
        // without its SE is ENV004's, which the envelope scan reported already.
        if id == "SE" && !tx.segments.last().is_some_and(|s| s.is(b"SE")) {
            continue;
        }
        let Some(seg) = tx.segments.get(at) else {
            continue;
        };
        if !is_loop && comes_late(tx, id, parent, at) {
            continue;
        }
        let (what, start) = describe(ig.guide, parent, id, is_loop);
        let within = if parent == "ST" {
            "the transaction set header".to_string()
        } else {
            parent.to_string()
        };
        let msg = format!(
            "{what} is required in {within} but missing (the guide reached `{}` without it)",
            String::from_utf8_lossy(seg.id())
        );
        let help = if is_loop {
            format!("add loop {id}, starting with {start}, to {within}")
        } else {
            format!("add the {start} segment to {within}")
        };
        report_at(cx, at, seg.loc(), msg).help(help);
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &STR002,
        &[
            Pass(""),
            PassI(""),
            Edit("N4*SPRINGFIELD*IL*62701", "", true),
            Edit("NM1*PR", "", true),
            EditI("NM1*PR", "", true),
            Edit("BHT*", "", true),
            Edit("DTP*472", "", true), // 837P 2400 DTP*472 is required
        ],
    );
    // A DTP*472 after a later 2400 segment is out of order (STR003), not also missing.
    let late = crate::test::edit(
        &crate::test::edit(crate::test::P837, "DTP*472", ""),
        "CTP*",
        "CTP****1*UN~DTP*472*D8*20260115",
    );
    let d = crate::test::run(&late);
    assert!(d.iter().any(|d| d.code == "STR003"), "{d:#?}");
    assert!(!d.iter().any(|d| d.code == "STR002"), "{d:#?}");
    // No SE: ENV004 alone, not also STR002 for the same SE.
    let no_se = crate::test::edit(crate::test::P837, "SE*", "");
    let codes: Vec<_> = crate::test::run(&no_se).iter().map(|d| d.code).collect();
    assert_eq!(codes, ["ENV004"]);
    let d = diags[2].iter().find(|d| d.code == "STR002").unwrap();
    assert!(
        d.message.starts_with(
            "segment N4 (Billing Provider City, State, ZIP Code) is required in 2010AA"
        ),
        "{}",
        d.message
    );
    assert_eq!(d.help.as_deref(), Some("add the N4 segment to 2010AA"));
    let d = diags[3].iter().find(|d| d.code == "STR002").unwrap();
    assert_eq!(
        d.help.as_deref(),
        Some("add loop 2010BB, starting with NM1*PR, to 2000B")
    );
}
