use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks that every ISA has its IEA, every GS its GE and every ST its SE; that no trailer
    /// comes without its header; and that nothing but whitespace follows the last IEA.
    /// ## Why it matters
    /// A receiver cannot tell where a transaction set or group ends without its trailer, and
    /// rejects the whole group or interchange. A truncated file (a transfer cut short) usually
    /// shows up here first.
    /// ## Example
    /// ```x12
    /// ST*837*0001*005010X222A1~ ... CLM*... ~ GE*1*1~IEA*1*000000001~
    /// ```
    /// (no SE before GE)
    /// ## Fix
    /// Close the transaction set with `SE*<segment count>*0001~` before the GE, and resend
    /// the whole file if it was cut off.
    code: ENV004, name: "envelope-unbalanced", severity: Error, snip: 1,
    check: Lexer,
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &ENV004,
        &[
            Pass(""),
            Edit("SE*", "", true),  // the SE removed
            Edit("GE*", "", true),  // the GE removed
            Edit("IEA*", "", true), // the IEA removed
            Edit("GS*", "", true),  // the GS removed
            Append("JUNK AFTER THE END", true),
            Append("\r\n\r\n", false),
        ],
    );
}
