use super::{code_list, findings, simple, type_name};
use crate::{Ctx, declare_rule};
use claimlint_ig::ElementIssue;
use claimlint_model::Transaction;

declare_rule! {
    /// ## What it does
    /// Reports an element or component the implementation guide marks Required (R) that is
    /// empty or not written, in a segment that is present (TR3 section 2.2, usage
    /// designators): e.g. CLM05-2, the facility code qualifier, or SBR09.
    /// ## Why it matters
    /// A required element missing is a 999 IK4 code 1 rejection of the whole transaction set
    /// at most clearinghouses.
    /// ## Example
    /// `CLM*PAT1001-01*2460***11::1*Y*A*Y*Y~`
    /// ## Fix
    /// Fill the element: `CLM*PAT1001-01*2460***11:B:1*Y*A*Y*Y~`.
    code: SYN007, name: "required-element-missing", severity: Error, snip: 2,
    x999: Always(Element("1")),
    check: Transaction(required_element),
}

fn required_element(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    for f in findings(tx, |e| matches!(e, ElementIssue::RequiredMissing { .. })) {
        let ElementIssue::RequiredMissing { elem, comp } = *f.issue else {
            continue;
        };
        let r = f.ref_des(elem, comp);
        let d = f.element_def(elem, comp);
        let name = d.map_or("", |d| d.name);
        let msg = format!("{r} ({name}) in {} is required but empty", f.loop_name(tx));
        let help = match (
            d.and_then(|d| d.codes()).and_then(|c| c.list()),
            d.and_then(simple),
        ) {
            (Some(list), _) => format!("write {r} as one of: {}", code_list(list)),
            (None, Some((t, min, max))) => {
                format!("write {r}: {}, {min}–{max} characters", type_name(t))
            }
            (None, None) => format!("write {r}"),
        };
        f.report(cx, f.loc(elem, comp), msg).help(help);
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &SYN007,
        &[
            Pass(""),
            PassI(""),
            Edit("CLM*", "CLM*PAT1001-01*2460***11::1*Y*A*Y*Y", true),
            Edit("DTP*472", "DTP*472*D8", true),
            EditI("NM1*IL", "NM1*IL*1**JANE****MI*1EG4TE5MK73", true),
        ],
    );
    let d = diags[2].iter().find(|d| d.code == "SYN007").unwrap();
    assert!(d.message.starts_with("CLM05-2"), "{}", d.message);
    assert_eq!(d.help.as_deref(), Some("write CLM05-2 as one of: B"));
}
