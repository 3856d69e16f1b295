use crate::{Ctx, declare_rule};
use claimlint_x12::envelope::{IssueKind, ScanIssue};

declare_rule! {
    /// ## What it does
    /// Warns when bytes other than a UTF-8 BOM or whitespace come before the first ISA, such as
    /// a text header, a mail banner or a validator's report. They are skipped and the interchange
    /// is read; the message says how many bytes were skipped.
    /// ## Why it matters
    /// Many receivers expect the file to start exactly with `ISA` and reject anything else, so a
    /// file that passes here could still bounce at the payer.
    /// ## Example
    /// ```x12
    /// Claims batch 2026-01-05
    /// ISA*00*          *00*   ...
    /// ```
    /// ## Fix
    /// Remove everything before `ISA`.
    code: ENV008, name: "data-before-isa", severity: Warning, snip: 1,
    x999: Never,
    check: Lexer,
}

/// The scan's finding (`rules::envelope::owner`).
pub(crate) fn report(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>) {
    if let IssueKind::DataBeforeIsa { skipped } = issue.kind {
        cx.report(
            issue.loc,
            format!("{skipped} bytes before the first ISA were skipped"),
        )
        .help("send the interchange alone, starting with ISA");
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &ENV008,
        &[
            Pass(""),
            Prepend("Claims batch 2026-01-05\n", true),
            Prepend("\u{feff}# header\r\n", true),
            Prepend("\u{feff}\r\n\r\n", false), // a BOM and blank lines are not data
        ],
    );
}
