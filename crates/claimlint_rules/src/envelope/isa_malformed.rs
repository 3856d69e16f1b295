use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks that the file starts with a 106-byte ISA (after an optional BOM or whitespace),
    /// that the delimiters it declares are distinct and are not letters or digits, and that each
    /// ISA element has its fixed width.
    /// ## Why it matters
    /// Receivers read the delimiters from fixed byte positions of the ISA (byte 4, ISA11, ISA16
    /// and the byte after it). A padded-wrong ISA shifts those positions and the whole interchange
    /// is rejected with a TA1 before any claim is read.
    /// ## Example
    /// `ISA*00*X*00*X*ZZ*SENDER*ZZ*RECEIVER*260105*1200*^*00501*1*0*P*:~` (ISA02 is 1 character)
    /// ## Fix
    /// Pad every ISA element to its width: ISA02/ISA04 10, ISA06/ISA08 15, ISA13 9 digits:
    /// `ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260105*1200*^*00501*000000001*0*P*:~`
    code: ENV001, name: "isa-malformed", severity: Error, snip: 1,
    check: Lexer,
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &ENV001,
        &[
            Pass(""),
            Whole(
                "ISA*00*X*00*X*ZZ*SENDER*ZZ*RECEIVER*260105*1200*^*00501*1*0*P*:~IEA*0*1~",
                true,
            ),
            Whole("", true),
            Whole("GS*HC*A*B*20260105*1200*1*X*005010X222A1~", true),
            Whole("ISA*00*          *00*", true),
            Whole("\u{feff}\n\n", true),
        ],
    );
}
