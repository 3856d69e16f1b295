use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a byte outside the X12 character set inside a segment: a control character, a
    /// line break in the middle of a segment, or a non-ASCII byte (accented letters, smart quotes
    /// pasted from a word processor). Found by the engine as it lexes each transaction set.
    /// ## Why it matters
    /// Receivers reject the segment (999 IK4 code 6, invalid character in data element), and a
    /// line break inside a segment usually means the file was wrapped by an editor or mailer.
    /// ## Example
    /// `NM1*IL*1*MUÑOZ*JOSÉ****MI*1EG4TE5MK73~`
    /// ## Fix
    /// Use printable ASCII only: `NM1*IL*1*MUNOZ*JOSE****MI*1EG4TE5MK73~`.
    code: SYN005, name: "invalid-character", severity: Error, snip: 1,
    check: Lexer,
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &SYN005,
        &[
            Pass(""),
            Trip("NM1*IL*1*MUÑOZ*JOSE****MI*1EG4TE5MK73"),
            Edit("N3*12", "N3*12 ELM\u{1}ST", true),
            Edit("N3*12", "N3*12\r\nELM ST", true),
        ],
    );
}
