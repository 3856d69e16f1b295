use super::{Found, findings};
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::Ack999;
use claimlint_ig::{ElementIssue, SyntaxKind};
use claimlint_model::Transaction;

declare_rule! {
    /// ## What it does
    /// Checks the X12 relational conditions the segment (or composite) definitions carry:
    /// paired (P: all or none), required (R: at least one), exclusion (E: at most one),
    /// conditional (C: if the first, then all the others) and list conditional (L: if the
    /// first, then at least one other). They are written as in the TR3 segment detail, e.g.
    /// NM1 `P0809`, `C1110`; HI composites `P0304`.
    /// ## Why it matters
    /// A broken condition is a 999 IK4 code 2 (conditional required element missing) or 10
    /// (exclusion violated); an NM108 without NM109 means an identifier was lost.
    /// ## Example
    /// `NM1*85*2*ONCOLOGY CLINIC*****XX~` (NM108 without NM109)
    /// ## Fix
    /// Write both or neither: `NM1*85*2*ONCOLOGY CLINIC*****XX*1234567893~`.
    code: SYN009, name: "syntax-rule", severity: Error, snip: 2,
    x999: PerFinding,
    check: Transaction(syntax_rule),
}

fn syntax_rule(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    for f in findings(tx, |e| matches!(e, ElementIssue::Syntax { .. })) {
        let ElementIssue::Syntax {
            kind,
            elem,
            positions,
        } = *f.issue
        else {
            continue;
        };
        // Positions are elements of the segment (elem 0) or components of composite `elem`.
        let at = |p: u8| {
            if elem == 0 {
                (usize::from(p), 0)
            } else {
                (elem, usize::from(p))
            }
        };
        let name = |p: u8| {
            let (e, c) = at(p);
            f.ref_des(e, c)
        };
        let is_set = |p: u8| {
            let (e, c) = at(p);
            !f.value(e, c).is_empty()
        };
        let code: String = std::iter::once(format!("{kind:?}"))
            .chain(positions.iter().map(|p| format!("{p:02}")))
            .collect();
        let (set, unset): (Vec<u8>, Vec<u8>) = positions.iter().partition(|&&p| is_set(p));
        // A missing element the guide requires anyway is SYN007's, said once.
        let required_missing = |p: u8| {
            let (e, c) = at(p);
            tx.ig().elements.iter().any(|(i, issue)| {
                usize::try_from(*i).is_ok_and(|i| i == f.index)
                    && *issue == ElementIssue::RequiredMissing { elem: e, comp: c }
            })
        };
        if unset.iter().any(|&p| required_missing(p)) {
            continue;
        }
        let list = |ps: &[u8]| ps.iter().map(|&p| name(p)).collect::<Vec<_>>().join(", ");
        let all = list(positions);
        let first = positions.first().map(|&p| name(p)).unwrap_or_default();
        let others = list(positions.get(1..).unwrap_or_default());
        let (what, help) = match kind {
            SyntaxKind::P => (
                format!("{} is present without {}", list(&set), list(&unset)),
                format!("write {} too, or leave out {}", list(&unset), list(&set)),
            ),
            SyntaxKind::R => (
                format!("none of {all} is present"),
                format!("write at least one of {all}"),
            ),
            SyntaxKind::E => (
                format!("{} are all present; at most one may be", list(&set)),
                format!("keep one of {}", list(&set)),
            ),
            SyntaxKind::C => (
                format!("{first} is present, so {others} must be too"),
                format!("write {}, or leave out {first}", list(&unset)),
            ),
            SyntaxKind::L => (
                format!("{first} is present, so at least one of {others} must be too"),
                format!("write one of {others}, or leave out {first}"),
            ),
        };
        let loc = anchor(&f, &set, at);
        let msg = format!("{what} in {} (X12 syntax rule {code})", f.loop_name(tx));
        // 999 IK403: 10 "exclusion condition violated" (E); P, R, C and L all leave a
        // conditionally required element missing: 2.
        let ack = if matches!(kind, SyntaxKind::E) {
            "10"
        } else {
            "2"
        };
        f.report(cx, loc, msg).help(help).ack(Ack999::Element(ack));
    }
}

/// Points at the first value the rule is about, else at the composite or the segment.
fn anchor(f: &Found<'_, '_>, set: &[u8], at: impl Fn(u8) -> (usize, usize)) -> claimlint_x12::Loc {
    match set.first() {
        Some(&p) => {
            let (e, c) = at(p);
            f.loc(e, c)
        }
        None => f.seg.loc(),
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &SYN009,
        &[
            Pass(""),
            PassI(""),
            Trip("NM1*85*2*ONCOLOGY CLINIC*****XX"),
            TripI("NM1*71*1*SMITH*JOHN*****1234567893"),
        ],
    );
    // CTP05 is required anyway: SYN007 says so, and P0405 is not repeated.
    let d = crate::test::run(&crate::test::edit(crate::test::P837, "CTP*", "CTP****1"));
    assert!(
        d.iter().any(|d| d.code == "SYN007") && !d.iter().any(|d| d.code == "SYN009"),
        "{d:#?}"
    );
    let d = diags[2].iter().find(|d| d.code == "SYN009").unwrap();
    assert_eq!(
        d.message,
        "NM108 is present without NM109 in 2010AA (X12 syntax rule P0809)"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("write NM109 too, or leave out NM108")
    );
}
