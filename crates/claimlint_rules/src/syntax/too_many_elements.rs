use super::findings;
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::Ack999;
use claimlint_ig::{ElementIssue, Usage};
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
    let all: Vec<_> = findings(tx, pick).collect();
    for (k, f) in all.iter().enumerate() {
        // One finding per run of values past the definition: the first stands for the run,
        // and names every value of it (SV107 `5:1:4:3:6:2`: components 5 and 6 are one
        // defect, six pointers where four fit).
        let past = |g: &super::Found<'_, '_>| match *g.issue {
            ElementIssue::TooMany { elem, comp: 0 } => Some((g.index, 0, elem, 0)),
            ElementIssue::TooMany { elem, comp } => Some((g.index, elem, elem, comp)),
            _ => None,
        };
        let Some(here) = past(f) else {
            report_one(tx, f, None, cx);
            continue;
        };
        let same_run =
            |g: &super::Found<'_, '_>| past(g).is_some_and(|p| (p.0, p.1) == (here.0, here.1));
        if k.checked_sub(1)
            .and_then(|p| all.get(p))
            .is_some_and(&same_run)
        {
            continue;
        }
        // Only the values the message shows are read: a segment run into the next ones (a
        // segment terminator the ISA does not give) can have thousands past its definition.
        let run: Vec<(usize, String)> = all[k..]
            .iter()
            .take_while(|g| same_run(g))
            .enumerate()
            .map(|(n, g)| {
                let (_, _, elem, comp) = past(g).unwrap_or_default();
                let text = if n < SHOWN {
                    g.text(elem, comp)
                } else {
                    String::new()
                };
                (if comp == 0 { elem } else { comp }, text)
            })
            .collect();
        report_one(tx, f, Some(&run), cx);
    }
}

/// How many values of a run past the definition a message lists; the rest are counted.
const SHOWN: usize = 12;

/// "a value in component 5 (`6`)", or with a `run` of several, "values in components 5 to 6
/// (`6`, `2`)"; past [`SHOWN`] values, "(`1`, …, `12`, and 30 more)".
fn values(what: &str, at: usize, first: String, run: Option<&[(usize, String)]>) -> String {
    match run {
        Some(r @ [_, .., (last, _)]) => {
            let mut list: Vec<String> = r
                .iter()
                .take(SHOWN)
                .map(|(_, v)| format!("`{v}`"))
                .collect();
            if let Some(more) = r.len().checked_sub(SHOWN).filter(|&m| m > 0) {
                list.push(format!("and {more} more"));
            }
            format!("values in {what}s {at} to {last} ({})", list.join(", "))
        }
        _ => format!("a value in {what} {at} (`{first}`)"),
    }
}

/// Reports one finding; `run`, for a value past the definition, lists it and the values past
/// the definition that follow it, as (element or component number, value): they are
/// reported with it, not apart.
fn report_one(
    tx: &Transaction<'_>,
    f: &super::Found<'_, '_>,
    run: Option<&[(usize, String)]>,
    cx: &mut Ctx<'_>,
) {
    let seg_id = String::from_utf8_lossy(f.seg.id());
    let lp = f.loop_name(tx);
    let values = |what: &str, at: usize, first: String| values(what, at, first, run);
    {
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
                    not_used_help(tx, f, (elem, comp), r),
                )
            }
            ElementIssue::TooMany { elem, comp: 0 } => (
                f.loc(elem, 0),
                format!(
                    "{seg_id} in {lp} has {}; the guide defines {}",
                    values("element", elem, f.text(elem, 0)),
                    f.def.elements.len()
                ),
                super::st_slip(f.seg, None)
                    .unwrap_or_else(|| format!("remove {seg_id}{elem:02} and everything after it")),
            ),
            ElementIssue::TooMany { elem, comp } => {
                let d = f.def.element_at(elem);
                let r = f.ref_des(elem, 0);
                match d.and_then(|d| d.composite()) {
                    Some(c) => (
                        f.loc(elem, comp),
                        format!(
                            "{r} in {lp} has {}; composite {} has {}",
                            values("component", comp, f.text(elem, comp)),
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
            _ => return,
        };
        // 999 IK403: 13 "too many components", 3 "too many data elements".
        let ack = if loc.component.is_some() { "13" } else { "3" };
        f.report(cx, loc, msg).help(help).ack(Ack999::Element(ack));
    }
}

/// The help for a value at `at` (element, component), a position the guide does not use:
/// leave it empty. A value one position too early reads so (`SBR*P*18******CI` for SBR09's
/// `CI`): when the position after it is empty as written, the help also says whether the
/// value fits there, and shows the segment with it moved only when it does and the move
/// leaves the segment no new finding ([`super::moved_value`]); else, when that position is
/// required, what it takes (837I `CLM*…*13:A:1*Y**Y*Y`: `Y` is no CLM07 code, A, B or C).
fn not_used_help(
    tx: &Transaction<'_>,
    f: &super::Found<'_, '_>,
    at: (usize, usize),
    r: String,
) -> String {
    let leave = format!("leave {r} empty");
    let next = if at.1 == 0 {
        (at.0 + 1, 0)
    } else {
        (at.0, at.1 + 1)
    };
    let Some(d) = f.element_def(next.0, next.1).filter(|d| {
        d.usage != Usage::NotUsed && !d.is_composite() && f.value(next.0, next.1).is_empty()
    }) else {
        return leave;
    };
    let value = f.text(at.0, at.1);
    let named = format!("{} ({})", f.ref_des(next.0, next.1), d.name);
    match claimlint_ig::value_fault(d, value.as_bytes()) {
        None => super::moved_value(tx, f, at, next).map_or(leave.clone(), |text| {
            format!(
                "{leave}; if `{value}` was meant for {named}, which is empty, write `{text}{}`",
                char::from(f.seg.delims.segment)
            )
        }),
        // Said only of a required element, whose absence is a finding of its own: the reader
        // of both asks whether the value was meant for it.
        Some(fault) if d.usage == Usage::Required => format!(
            "{leave}: `{value}` does not fit {named} either, {}",
            takes(d, fault)
        ),
        Some(_) => leave,
    }
}

/// What a simple element takes, said of a value with `fault` there: "which takes one of: A,
/// B, C", "which is a date (CCYYMMDD)", "which takes 1 to 3 characters".
fn takes(d: &claimlint_ig::ElementDef, fault: claimlint_ig::ValueFault) -> String {
    use claimlint_ig::ValueFault;
    let list = d.codes().and_then(claimlint_ig::Codes::list);
    match (fault, list, super::simple(d)) {
        (ValueFault::Code, Some(list), _) => {
            format!("which takes one of: {}", super::code_list(list))
        }
        (ValueFault::Length(_), _, Some((t, min, max))) => {
            let unit = match t {
                claimlint_ig::DataType::R | claimlint_ig::DataType::N(_) => "digits",
                _ => "characters",
            };
            format!("which takes {min} to {max} {unit}")
        }
        (_, _, Some((t, ..))) => format!("which is {}", super::type_name(t)),
        _ => String::new(),
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

/// Values past the definition in a row are one defect: one finding naming them all (SV107
/// with six pointers where four fit; N3 with two elements too many; components in a simple
/// element).
#[test]
fn a_run_of_values_past_the_definition_is_one_finding() {
    use crate::test::{P837, edit, run};
    let found = |line_prefix: &str, line: &str| -> Vec<String> {
        run(&edit(P837, line_prefix, line))
            .into_iter()
            .filter(|d| d.code == "SYN004")
            .map(|d| d.message)
            .collect()
    };
    assert_eq!(
        found("SV1*HC:96372", "SV1*HC:96372*60*UN*1***5:1:4:3:6:2"),
        ["SV107 in 2400 has values in components 5 to 6 (`6`, `2`); composite C004 has 4"]
    );
    assert_eq!(
        found("N3*100", "N3*100 MAIN ST*SUITE 2*X*Y"),
        ["N3 in 2010AA has values in elements 3 to 4 (`X`, `Y`); the guide defines 2"]
    );
    assert_eq!(
        found("SV1*HC:96372", "SV1*HC:96372*60*UN*1***1:2:3:4:9"),
        ["SV107 in 2400 has a value in component 5 (`9`); composite C004 has 4"]
    );
    assert_eq!(found("DMG*", "DMG*D8*19450312*F:X:Y").len(), 1);
}

/// A value in a Not Used element: the help proposes moving it into the next element only when
/// that one is empty and the value fits it there (C6: 837I CLM06 `Y` is no CLM07 code).
#[test]
fn a_value_is_proposed_for_the_next_element_only_where_it_fits() {
    use crate::test::{I837, P837, edit, run};
    let found = |text: &str| -> Vec<(String, Option<String>)> {
        run(text)
            .into_iter()
            .filter(|d| d.severity == claimlint_diagnostic::Severity::Error)
            .map(|d| (d.code.to_string(), d.help))
            .collect()
    };
    let clm = found(&edit(I837, "CLM*", "CLM*W392-49141*2460***13:A:1*Y**Y*Y"));
    assert_eq!(clm.len(), 2, "{clm:?}");
    assert_eq!(clm[0].0, "SYN004");
    assert_eq!(
        clm[0].1.as_deref(),
        Some(
            "leave CLM06 empty: `Y` does not fit CLM07 (Assignment or Plan Participation \
             Code) either, which takes one of: A, B, C"
        )
    );
    assert_eq!(clm[1].0, "SYN007");
    assert_eq!(
        found(&edit(P837, "SBR*", "SBR*P*18******CI")),
        [(
            "SYN004".to_string(),
            Some(
                "leave SBR08 empty; if `CI` was meant for SBR09 (Claim Filing Indicator Code), \
                 which is empty, write `SBR*P*18*******CI~`"
                    .to_string()
            )
        )]
    );
    // Not an SBR09 code, and SBR09 is not required: nothing to say of it.
    let other = found(&edit(P837, "SBR*", "SBR*P*18******XY"));
    assert_eq!(
        other,
        [("SYN004".to_string(), Some("leave SBR08 empty".to_string()))]
    );
    // CLM07 holds a value: nothing to move into.
    let held = found(&edit(I837, "CLM*", "CLM*PAT2001-01*2460***13:A:1*Y*A*Y*Y"));
    assert_eq!(held[0].1.as_deref(), Some("leave CLM06 empty"));
}
