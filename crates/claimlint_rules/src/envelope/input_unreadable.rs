use crate::declare_rule;
use claimlint_diagnostic::Diagnostic;
use claimlint_x12::{Loc, SegId};

declare_rule! {
    /// ## What it does
    /// Reports an input that could not be read at all: a missing path, a directory given where
    /// a file was expected inside a walk error, a permission problem or an I/O error. The other
    /// inputs of the run are still checked. (Added to the catalog by claimlint; not a SNIP
    /// finding about the X12 itself, but a gate must not pass a file it never read.)
    /// ## Why it matters
    /// A pre-submission gate that skips an unreadable file silently would let it go out
    /// unchecked, or lose it; the run reports it and exits 1.
    /// ## Example
    /// `claimlint check outbound/day1.837` when `day1.837` is not readable by the gate's user.
    /// ## Fix
    /// Make the file readable (or remove it from the batch) and run the check again.
    code: ENV009, name: "input-unreadable", severity: Error, snip: 1,
    x999: Never,
    check: Lexer,
}

/// The finding for `path`, which could not be read (`err`): at no position in the file (line
/// 0, which the formats write as `segment: null` and no SARIF region), at the rule's declared
/// severity. The binary reports it, since only it opens files.
pub fn report(path: &str, err: &dyn std::fmt::Display) -> Diagnostic {
    let loc = Loc {
        segment: SegId::default(),
        position: 0,
        element: None,
        component: None,
        offset: 0,
        length: 0,
        terminator: b'~',
    };
    Diagnostic::new(
        ENV009.code,
        ENV009.severity,
        loc,
        format!("{path} could not be read: {err}"),
    )
    .with_help("check that the path exists and is a readable file")
}

#[test]
fn the_finding_is_the_rules_own() {
    let d = report("day1.837", &"permission denied");
    assert_eq!((d.code, d.severity), (ENV009.code, ENV009.severity));
    assert_eq!(d.message, "day1.837 could not be read: permission denied");
    assert_eq!((d.loc.position, d.loc.offset, d.loc.element), (0, 0, None));
    assert!(d.help.is_some());
}
