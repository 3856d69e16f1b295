use crate::{Ctx, declare_rule};
use claimlint_x12::envelope::Scan;

declare_rule! {
    /// ## What it does
    /// Warns when a control number repeats within the input: the same ISA13 from the same sender
    /// (ISA06), the same GS06 twice in one interchange, or the same ST02 twice in one group.
    /// ## Why it matters
    /// Receivers discard an interchange whose control number they have already seen from that
    /// sender as a duplicate submission, and acknowledgments cannot be matched to the right
    /// transaction set when ST02 repeats.
    /// ## Example
    /// Two transaction sets in one group, both `ST*837*0001*005010X222A1~`.
    /// ## Fix
    /// Number them uniquely: `ST*837*0001*...~` and `ST*837*0002*...~`.
    code: ENV006, name: "duplicate-control-number", severity: Warning, snip: 1,
    x999: BySegment(&[("ST", TransactionSet("23"))]),
    ta1: BySegment(&[("ISA", Code("025"))]),
    check: File(duplicate_control_number),
}

/// Reads the repeats the scan found as it passed (it keeps no transaction sets), with copies
/// of the values: the envelopes' bytes may have been released by now, and reading them again
/// would map them back in.
fn duplicate_control_number(scan: &Scan<'_>, cx: &mut Ctx<'_>) {
    let shown = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    for r in &scan.repeated_isa13 {
        let sender = shown(&r.sender);
        let message = format!(
            "ISA13 `{}` from sender `{}` was already used by the ISA at segment {}",
            shown(&r.value),
            sender.trim_end(),
            r.earlier
        );
        let help = "give every interchange from one sender its own ISA13";
        cx.report(r.loc, message).help(help);
    }
    for ic in &scan.interchanges {
        for r in &ic.repeated_gs06 {
            let (value, at) = (shown(&r.value), r.earlier);
            let message = format!(
                "GS06 `{value}` was already used by the GS at segment {at} of this interchange"
            );
            let help = "number the functional groups of an interchange uniquely";
            cx.report(r.loc, message).help(help);
        }
        for r in ic.groups.iter().flat_map(|g| &g.repeated_st02) {
            let (value, at) = (shown(&r.value), r.earlier);
            let message = format!(
                "ST02 `{value}` was already used by the transaction set at byte {at} of this group"
            );
            let help = "number the transaction sets of a group uniquely";
            cx.report(r.loc, message).help(help);
        }
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &ENV006,
        &[Pass(""), Whole(&crate::test::two_st_same_st02(), true)],
    );
}

/// The ISA line pasted twice: the first ISA has nothing after it but the second, so its
/// ENV004 ("another ISA starts before it") is the one finding, not also ENV006 for the ISA13
/// the second repeats. An interchange sent twice is still ENV006.
#[test]
fn a_repeated_isa_line_is_env004_alone() {
    use crate::test::{P837, run};
    let isa = P837.lines().next().unwrap_or_default();
    let doubled = format!("{isa}\n{P837}");
    let codes: Vec<&str> = run(&doubled).iter().map(|d| d.code).collect();
    assert_eq!(codes, ["ENV004"]);
    // An interchange sent twice is still ENV006 (its XCL001s are `cross_claim`'s).
    let twice = format!("{P837}{P837}");
    let codes: Vec<&str> = run(&twice).iter().map(|d| d.code).collect();
    assert_eq!(codes, ["ENV006"]);
}
