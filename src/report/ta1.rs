//! TA1 interchange acknowledgments (X12 TA1 segment, 005010X231A1), each in its own ISA/IEA
//! envelope: the answer to an interchange whose ISA or IEA claimlint could not read, which a
//! 999 cannot acknowledge (it answers functional groups). TA104 is `R` (rejected) and TA105 the
//! interchange note code (X12 element I18) of the first envelope error, as its rule declares
//! it (`ta1:` in `declare_rule!`). A TA1 is addressed back to the sender (the ISA07/ISA08
//! received become ISA05/ISA06), so an ISA too broken to name both parties gets none; the
//! caller reports that as an error.
//! Formats only: which diagnostics are errors was decided by the rules.

use super::x999::{Ack, Stamp};
use claimlint_diagnostic::{Diagnostic, Severity};
use claimlint_x12::envelope::Interchange;

/// TA105 for an error-severity diagnostic on the ISA or IEA, or `None` when the diagnostic is
/// not an interchange-level error: the note code its rule declares (`claimlint_rules::Ta1`),
/// read from the declaration, never from the message.
pub fn note_code(d: &Diagnostic) -> Option<&'static str> {
    if d.severity != Severity::Error {
        return None;
    }
    claimlint_rules::find(d.code)?.ta1.of(d)
}

/// The TA1 rejecting `ic` when its ISA or IEA has an error, or a GS one that a receiver does
/// not read as a GS (SYN001's `gs`, TA105 024), else `None` (a 999 answers it).
pub fn rejected_envelope(
    ic: &Interchange<'_>,
    diagnostics: &[Diagnostic],
    stamp: &Stamp,
) -> Option<Ack> {
    let within = |seg: Option<&claimlint_x12::Segment<'_>>, d: &Diagnostic| {
        seg.is_some_and(|s| (s.offset..=s.offset + s.bytes.len()).contains(&d.loc.offset))
    };
    let code = diagnostics
        .iter()
        .filter(|d| {
            within(Some(&ic.isa), d)
                || within(ic.iea.as_ref(), d)
                || ic.groups.iter().any(|g| within(g.gs.as_ref(), d))
        })
        .find_map(note_code)?;
    let elements: Vec<&[u8]> = ic.header.elements.to_vec();
    reject(&elements, code, stamp)
}

/// For an input whose ISA could not be parsed at all: a TA1 when the ISA still names its
/// sender and receiver, else the reason no acknowledgment can be sent.
pub fn unread_isa(input: &[u8], diagnostics: &[Diagnostic], stamp: &Stamp) -> Result<Ack, String> {
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    let rest = input.get(start..).unwrap_or_default();
    let rest = rest.strip_prefix(b"\xef\xbb\xbf").unwrap_or(rest);
    // `ISA` and a separator (not a letter, digit or space) starts an interchange; text such as
    // `ISA is the interchange header` does not (the scan's rule, ENV001).
    let separator = rest
        .get(3)
        .is_some_and(|b| !b.is_ascii_alphanumeric() && !b.is_ascii_whitespace());
    if !rest.starts_with(b"ISA") || (rest.len() > 3 && !separator) {
        return Err("no interchange (ISA segment) found: there is nothing to acknowledge".into());
    }
    // ISA is 106 bytes; its element separator is the byte after `ISA`.
    let head = rest.get(..rest.len().min(120)).unwrap_or(rest);
    // The terminator is unknown in a broken ISA: stop at the usual ones.
    let head = head
        .split(|b| matches!(b, b'~' | b'\n' | b'\r'))
        .next()
        .unwrap_or(head);
    let Some(&sep) = head.get(3) else {
        return Err("the ISA is cut off before its first element: no TA1 can be addressed".into());
    };
    let elements: Vec<&[u8]> = head
        .get(4..)
        .unwrap_or_default()
        .split(|&b| b == sep)
        .collect();
    let code = diagnostics.iter().find_map(note_code).unwrap_or("022");
    reject(&elements, code, stamp).ok_or_else(|| {
        "the ISA cannot be read and does not name both its sender and receiver (ISA05-ISA08) with ID qualifiers a TA1 may carry: no TA1 can be addressed".into()
    })
}

/// ISA05/ISA07: the interchange ID qualifiers an acknowledgment can be addressed with (X12
/// I05 as 005010X231A1 lists them).
const QUALIFIERS: &[&str] = &["01", "14", "20", "27", "28", "29", "30", "33", "ZZ"];

/// Why an acknowledgment (TA1 or 999) cannot be addressed back to the sender of the ISA whose
/// elements ISA01.. are `isa`: its ISA05/ISA07 qualifiers must be codes an acknowledgment may
/// carry and its ISA06/ISA08 IDs must name someone. `None` when it can be.
pub fn unaddressable(isa: &[&[u8]]) -> Option<String> {
    let el = |i: usize| isa.get(i).copied().unwrap_or_default();
    let qualifier = |i: usize| QUALIFIERS.contains(&String::from_utf8_lossy(el(i)).trim());
    let named = |i: usize| !copy(el(i), 15).trim().is_empty();
    if qualifier(4) && qualifier(6) && named(5) && named(7) {
        return None;
    }
    Some(format!(
        "interchange {:?}: ISA05-ISA08 ({:?} {:?} / {:?} {:?}) do not name the sender and receiver with ID qualifiers an acknowledgment may carry (01, 14, 20, 27, 28, 29, 30, 33, ZZ): no TA1 or 999 can be addressed",
        String::from_utf8_lossy(el(12)).trim(),
        String::from_utf8_lossy(el(4)),
        String::from_utf8_lossy(el(5)),
        String::from_utf8_lossy(el(6)),
        String::from_utf8_lossy(el(7)),
    ))
}

/// A value copied into the TA1: printable, with no delimiter of the TA1 itself.
fn copy(value: &[u8], width: usize) -> String {
    let s: String = String::from_utf8_lossy(value)
        .trim()
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .filter(|c| !matches!(c, '*' | '~' | ':' | '^'))
        .take(width)
        .collect();
    format!("{s:<width$}")
}

fn digits(value: &[u8], width: usize) -> Option<String> {
    let s = String::from_utf8_lossy(value).trim().to_string();
    (!s.is_empty() && s.len() <= width && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{s:0>width$}"))
}

/// TA102: ISA09 as received when it is a real YYMMDD date, else `None`.
fn yymmdd(value: &[u8]) -> Option<String> {
    let s = digits(value, 6)?;
    // YY is 20YY for this check (the calendar ENV007 applies): a 2-digit year gives no century.
    claimlint_model::Date::parse(format!("20{s}").as_bytes()).map(|_| s)
}

/// TA103: ISA10 as received when it is a real HHMM time, else `None`.
fn hhmm(value: &[u8]) -> Option<String> {
    let s = digits(value, 4)?;
    let n = |r: std::ops::Range<usize>| s.get(r).and_then(|v| v.parse::<u32>().ok());
    (n(0..2)? < 24 && n(2..4)? < 60).then_some(s)
}

/// The TA1 interchange for ISA01..ISA16 `isa` (as far as they were read), rejecting it with
/// `code`; `None` when ISA05..ISA08 do not name both parties.
fn reject(isa: &[&[u8]], code: &str, stamp: &Stamp) -> Option<Ack> {
    let el = |i: usize| isa.get(i).copied().unwrap_or_default();
    if unaddressable(isa).is_some() {
        return None;
    }
    let control = String::from_utf8_lossy(el(12)).trim().to_string();
    let control9 = digits(el(12), 9).unwrap_or_else(|| "000000000".into());
    let date6 = stamp.date.get(2..).unwrap_or("000101");
    let usage = if el(14).first() == Some(&b'T') {
        "T"
    } else {
        "P"
    };
    let text = format!(
        "ISA*00*          *00*          *{}*{}*{}*{}*{date6}*{}*^*00501*{control9}*0*{usage}*:~\nTA1*{control9}*{}*{}*R*{code}~\nIEA*0*{control9}~\n",
        copy(el(6), 2),
        copy(el(7), 15),
        copy(el(4), 2),
        copy(el(5), 15),
        stamp.time,
        yymmdd(el(8)).unwrap_or_else(|| date6.to_string()),
        hhmm(el(9)).unwrap_or_else(|| stamp.time.clone()),
    );
    Some(Ack {
        control_number: if control.is_empty() {
            control9
        } else {
            control
        },
        kind: "ta1",
        text,
        accepted: 0,
        noted: 0,
        rejected: 0,
        groups_rejected: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// TA105 is the note code the rule declares, for error findings only, whatever the
    /// message says.
    #[test]
    fn the_note_code_is_the_rules_declaration() {
        let loc = claimlint_x12::Loc {
            segment: claimlint_x12::SegId::new(b"ISA"),
            position: 1,
            element: Some(13),
            component: None,
            offset: 0,
            length: 9,
            terminator: b'~',
        };
        let mut d = Diagnostic::new("ENV006", Severity::Warning, loc, "duplicate ISA13");
        assert_eq!(note_code(&d), None, "a warning does not reject");
        d.severity = Severity::Error;
        assert_eq!(note_code(&d), Some("025"));
        d.message = "ENV004 ENV002 IEA".into();
        assert_eq!(note_code(&d), Some("025"));
        d.code = "ENV007";
        assert_eq!(note_code(&d), Some("018"), "ISA13 by its element");
        d.code = "SYN003";
        assert_eq!(note_code(&d), None, "SYN003 declares no TA1 coding");
    }

    #[test]
    fn a_ta1_goes_back_to_the_sender() {
        let stamp = Stamp::from_unix(1_768_912_440);
        let isa: Vec<&[u8]> = vec![
            b"00",
            b"X",
            b"00",
            b"X",
            b"ZZ",
            b"SENDER",
            b"ZZ",
            b"RECEIVER",
            b"260120",
            b"1200",
            b"^",
            b"00501",
            b"1",
            b"0",
            b"T",
            b":",
        ];
        let ack = reject(&isa, "011", &stamp).unwrap();
        assert_eq!(
            ack.text,
            "ISA*00*          *00*          *ZZ*RECEIVER       *ZZ*SENDER         *260120*1234*^*00501*000000001*0*T*:~\nTA1*000000001*260120*1200*R*011~\nIEA*0*000000001~\n"
        );
        assert_eq!(ack.control_number, "1");
        assert!(ack.rejects());
        assert!(
            reject(&isa[..6], "022", &stamp).is_none(),
            "no receiver: no TA1"
        );
    }
}
