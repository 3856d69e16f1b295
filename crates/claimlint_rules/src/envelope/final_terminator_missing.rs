use crate::{Ctx, declare_rule};
use claimlint_x12::delims::show_byte;
use claimlint_x12::envelope::{IssueKind, ScanIssue};

declare_rule! {
    /// ## What it does
    /// Warns when the input ends with a complete IEA (both elements, IEA02 equal to ISA13) that
    /// lacks only its segment terminator. An IEA cut inside its elements is a truncated file,
    /// ENV004's error.
    /// ## Why it matters
    /// Most translators read the interchange anyway, but a strict receiver waits for the
    /// terminator or rejects the last segment; and a file that ends exactly at a complete IEA
    /// was most likely written without its final byte, not cut short in transfer.
    /// ## Example
    /// `...GE*1*1~IEA*1*000000001` (end of file)
    /// ## Fix
    /// End the IEA with the interchange's segment terminator: `IEA*1*000000001~`.
    code: ENV011, name: "final-terminator-missing", severity: Warning, snip: 1,
    x999: Never,
    ta1: BySegment(&[("IEA", Code("022"))]),
    check: Lexer,
}

/// The scan's finding (`rules::envelope::owner`).
pub(crate) fn report(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>) {
    if let IssueKind::FinalTerminatorMissing { terminator } = issue.kind {
        let t = show_byte(terminator);
        cx.report(
            issue.loc,
            format!("the input ends with a complete IEA that lacks its segment terminator `{t}`"),
        )
        .help(format!("end the IEA with `{t}`"));
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, P837, check_cases};
    let without_last = P837.trim_end().strip_suffix('~').unwrap();
    let cut = P837.trim_end().strip_suffix("0001~").unwrap();
    check_cases(
        &ENV011,
        &[
            Pass(""),
            Whole(without_last, true),
            Whole(&format!("{without_last}\r\n"), true),
        ],
    );
    let d = crate::test::run(without_last);
    let codes: Vec<_> = d.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["ENV011"], "{d:#?}");
    // Cut inside IEA02: a truncated file, ENV004 alone (no ENV002 for the partial IEA02).
    let d = crate::test::run(cut);
    let codes: Vec<_> = d.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["ENV004"], "{d:#?}");
}
