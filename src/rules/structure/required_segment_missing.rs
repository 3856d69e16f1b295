use crate::ig::{GuideDef, StructureIssue};
use crate::model::Transaction;
use crate::rules::syntax::report_at;
use crate::rules::{Ctx, declare_rule};

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
fn describe(guide: &GuideDef, parent: &str, id: &str, is_loop: bool) -> (String, String) {
    let parent_def = guide.loops().into_iter().find(|l| l.id == parent);
    if is_loop {
        let l = parent_def.and_then(|p| p.child_loop(id));
        let name = l.map_or(String::new(), |l| format!(" ({})", l.name));
        let start = l.and_then(|l| l.starter()).map_or(String::new(), |s| {
            let q = s.qualifier.and_then(|q| q.codes.first().filter(|_| q.comp == 0 && q.elem == 1));
            match q {
                Some(code) => format!("{}*{code}", s.id),
                None => s.id.to_string(),
            }
        });
        (format!("loop {id}{name}"), start)
    } else {
        let s = parent_def.and_then(|p| p.segments(id.as_bytes()).next());
        let name = s.map_or(String::new(), |s| format!(" ({})", s.name));
        (format!("segment {id}{name}"), id.to_string())
    }
}

fn required_segment_missing(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    let ig = tx.ig();
    for issue in &ig.structure {
        let StructureIssue::RequiredMissing { id, is_loop, parent, at } = *issue else { continue };
        // SIT002 reports a claim without its principal diagnosis, with a better message.
        if id == "HI" && parent == "2300" {
            continue;
        }
        let Some(seg) = tx.segments.get(at) else { continue };
        let (what, start) = describe(ig.guide, parent, id, is_loop);
        let within = if parent == "ST" { "the transaction set header".to_string() } else { parent.to_string() };
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
    use crate::rules::test::{Case::*, check_cases};
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
    let d = diags[2].iter().find(|d| d.code == "STR002").unwrap();
    assert!(d.message.starts_with("segment N4 (Billing Provider City, State, ZIP Code) is required in 2010AA"), "{}", d.message);
    assert_eq!(d.help.as_deref(), Some("add the N4 segment to 2010AA"));
    let d = diags[3].iter().find(|d| d.code == "STR002").unwrap();
    assert_eq!(d.help.as_deref(), Some("add loop 2010BB, starting with NM1*PR, to 2000B"));
}
