use super::findings;
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::Ack999;
use claimlint_ig::ElementIssue;
use claimlint_model::Transaction;
use claimlint_x12::envelope::{IssueKind, ScanIssue};

declare_rule! {
    /// ## What it does
    /// Reports a value the segment's definition has no room for: an element past the last
    /// one the guide defines, a component past the last one of its composite (or components
    /// in a simple element), more repetitions than the element allows, or any value in an
    /// element or component the TR3 marks Not Used (CLM06 in 837I, SBR08 in 837P). The GS,
    /// GE and IEA envelope segments are held to the elements X12 gives them (8, 2 and 2).
    /// ## Why it matters
    /// Receivers reject the segment (999 IK3 code 3 / IK4 code 3, too many data elements;
    /// IK4 code 10, exclusion condition violated for Not Used elements); a value in a Not
    /// Used element is usually a value shifted one position too far.
    /// ## Example
    /// `CLM*PAT2001-01*2460***13:A:1*Y*A*Y*Y~` in an 837I (CLM06 is Not Used there)
    /// ## Fix
    /// Leave the element empty: `CLM*PAT2001-01*2460***13:A:1**A*Y*Y~`.
    code: SYN004, name: "too-many-elements", severity: Error, snip: 2,
    x999: PerFinding,
    check: Transaction(too_many_elements),
}

fn too_many_elements(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    let pick = |e: &ElementIssue| {
        matches!(
            e,
            ElementIssue::TooMany { .. }
                | ElementIssue::TooManyRepeats { .. }
                | ElementIssue::NotUsed { .. }
        )
    };
    for f in findings(tx, pick) {
        let seg_id = String::from_utf8_lossy(f.seg.id());
        let lp = f.loop_name(tx);
        let (loc, msg, help) = match *f.issue {
            ElementIssue::NotUsed { elem, comp } => {
                let r = f.ref_des(elem, comp);
                (
                    f.loc(elem, comp),
                    format!(
                        "{r} `{}` in {lp} is marked Not Used in {}",
                        f.text(elem, comp),
                        tx.kind.guide()
                    ),
                    format!("leave {r} empty (was the value meant for the next element?)"),
                )
            }
            ElementIssue::TooMany { elem, comp: 0 } => (
                f.loc(elem, 0),
                format!(
                    "{seg_id} in {lp} has a value in element {elem} (`{}`); the guide defines {}",
                    f.text(elem, 0),
                    f.def.elements.len()
                ),
                format!("remove {seg_id}{elem:02} and everything after it"),
            ),
            ElementIssue::TooMany { elem, comp } => {
                let d = f.def.element_at(elem);
                let r = f.ref_des(elem, 0);
                match d.and_then(|d| d.composite()) {
                    Some(c) => (
                        f.loc(elem, comp),
                        format!(
                            "{r} in {lp} has a value in component {comp} (`{}`); composite {} has {}",
                            f.text(elem, comp),
                            c.data_ele,
                            c.components.len()
                        ),
                        format!("remove {r}-{comp} and the components after it"),
                    ),
                    None => (
                        f.loc(elem, 0),
                        format!(
                            "{r} `{}` in {lp} is a simple element but contains the component separator `{}`",
                            f.text(elem, 0),
                            char::from(f.seg.delims.component)
                        ),
                        format!("write {r} as `{}`", f.text(elem, 1)),
                    ),
                }
            }
            ElementIssue::TooManyRepeats { elem, max, count } => {
                let r = f.ref_des(elem, 0);
                (
                    f.loc(elem, 0),
                    format!("{r} in {lp} repeats {count} times; the guide allows {max}"),
                    format!("keep at most {max} repetitions of {r}"),
                )
            }
            _ => continue,
        };
        // 999 IK403: 13 "too many components", 3 "too many data elements".
        let ack = if loc.component.is_some() { "13" } else { "3" };
        f.report(cx, loc, msg).help(help).ack(Ack999::Element(ack));
    }
}

/// A GS, GE or IEA with an element past those X12 defines (`rules::envelope::owner`): the
/// envelope scan reads them, outside any transaction set, so no guide finding covers them.
/// Not coded in a 999 (no IK3 outside a transaction set); an IEA's is the TA1's (022).
pub(crate) fn report_envelope(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>) {
    let IssueKind::TooManyElements {
        id,
        elem,
        value,
        defined,
    } = issue.kind
    else {
        return;
    };
    let id = String::from_utf8_lossy(id);
    let value = String::from_utf8_lossy(value);
    cx.report(
        issue.loc,
        format!("{id} has a value in element {elem} (`{value}`); X12 defines {defined}"),
    )
    .help(format!("remove {id}{elem:02} and everything after it"));
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &SYN004,
        &[
            Pass(""),
            PassI(""),
            EditI("CLM*", "CLM*PAT2001-01*2460***13:A:1*Y*A*Y*Y", true), // CLM06 Not Used in 837I
            Edit("SBR*", "SBR*P*18******CI*MB", true),                   // SBR08 Not Used
            Edit("N3*100", "N3*100 MAIN ST*SUITE 2*X", true),            // N3 has 2 elements
            Edit("SV1*HC:96372", "SV1*HC:96372:::::DESC:X*60*UN*1***1", true),
            Edit("DMG*", "DMG*D8*19450312*F:X", true), // DMG03 is simple
            // The envelope trailers and GS, which no guide reads: the scan reports them.
            Edit(
                "GS*",
                "GS*HC*SENDER*RECEIVER*20260120*1200*1*X*005010X222A1*EXTRA",
                true,
            ),
            Edit("GE*", "GE*1*1*X", true),
            Edit("IEA*", "IEA*1*000000001*X", true),
            Edit("SE*", "SE*28*0001*X", true),
            Edit("GE*", "GE*1*1*", false), // an empty element is SYN006's trailing separator
        ],
    );
}
