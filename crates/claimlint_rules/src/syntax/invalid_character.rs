use crate::{Ctx, declare_rule};
use claimlint_x12::{Loc, Segment};

declare_rule! {
    /// ## What it does
    /// Reports a byte outside the X12 character set inside a segment: a control character, a
    /// line break in the middle of a segment, or a non-ASCII byte (accented letters, smart quotes
    /// pasted from a word processor). It checks each segment of a transaction set as the
    /// segment is read, before the model is built.
    /// ## Why it matters
    /// Receivers reject the segment (999 IK4 code 6, invalid character in data element), and a
    /// line break inside a segment usually means the file was wrapped by an editor or mailer.
    /// ## Example
    /// `NM1*IL*1*MUÑOZ*JOSÉ****MI*1EG4TE5MK73~`
    /// ## Fix
    /// Use printable ASCII only: `NM1*IL*1*MUNOZ*JOSE****MI*1EG4TE5MK73~`.
    code: SYN005, name: "invalid-character", severity: Error, snip: 1,
    x999: ElementElseSegment("6", "8"),
    check: Segment(invalid_characters),
}

/// Reports the first byte of `seg` outside the X12 extended character set (control
/// characters, non-ASCII).
pub fn invalid_characters(seg: &Segment<'_>, cx: &mut Ctx<'_>) {
    let Some((i, &b)) = seg
        .bytes
        .iter()
        .enumerate()
        .find(|&(_, &b)| !(0x20..0x7f).contains(&b))
    else {
        return;
    };
    let element = seg.bytes[..i]
        .iter()
        .filter(|&&c| c == seg.delims.element)
        .count();
    let loc = Loc {
        element: u8::try_from(element).ok().filter(|&e| e > 0),
        offset: seg.offset + i,
        length: 1,
        ..seg.loc()
    };
    let what = match b {
        b'\n' | b'\r' => {
            "a line break inside the segment (was it wrapped by an editor or mailer?)".to_string()
        }
        0x00..=0x1f | 0x7f => format!("the control character 0x{b:02X}"),
        _ => format!("the byte 0x{b:02X}, outside the X12 character set (non-ASCII)"),
    };
    cx.report(loc, format!("{} contains {what}", seg.seg_id().as_str()))
        .help("X12 data is limited to printable ASCII; remove or replace the character");
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &SYN005,
        &[
            Pass(""),
            Trip("NM1*IL*1*MUÑOZ*JOSE****MI*1EG4TE5MK73"),
            // A control character or a line break in N301 is SYN005 alone: the SYN003 "not a
            // string" it causes on the same element is suppressed (suppress::PRECEDENCE).
            Edit("N3*12", "N3*12 ELM\u{1}ST", true),
            Edit("N3*12", "N3*12\r\nELM ST", true),
        ],
    );
}
