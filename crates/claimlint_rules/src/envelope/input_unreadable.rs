use crate::declare_rule;

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
