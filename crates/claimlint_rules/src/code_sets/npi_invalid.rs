use crate::{Ctx, declare_rule};
use claimlint_model::Transaction;

declare_rule! {
    /// ## What it does
    /// Checks every NPI sent as NM109 with NM108 = XX: exactly 10 digits, the last being
    /// the Luhn check digit computed over the first nine with the card-issuer prefix 80840
    /// (45 CFR 162.406; CMS, "Requirements for the NPI check digit").
    /// ## Why it matters
    /// An NPI that fails its check digit cannot be on NPPES; the claim is rejected at the
    /// front end with the provider unidentified.
    /// ## Example
    /// `NM1*85*2*ONCOLOGY CLINIC*****XX*1234567890~`
    /// ## Fix
    /// Copy the NPI from NPPES: `NM1*85*2*ONCOLOGY CLINIC*****XX*1234567893~`.
    code: CODE007, name: "npi-invalid", severity: Error, snip: 5,
    x999: Never,
    check: Transaction(npi_invalid),
}

/// The check digit of an NPI's first nine digits (Luhn over 80840 + the nine digits; the
/// prefix contributes the constant 24).
pub fn npi_check_digit(nine: &[u8]) -> Option<u8> {
    if nine.len() != 9 || !nine.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut sum = 24u32;
    for (i, b) in nine.iter().enumerate() {
        let d = u32::from(b - b'0');
        sum += if i % 2 == 0 {
            let x = d * 2;
            if x > 9 { x - 9 } else { x }
        } else {
            d
        };
    }
    u8::try_from((10 - sum % 10) % 10).ok()
}

fn npi_invalid(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    let nm1s = tx
        .segments_of(claimlint_model::Indexed::Nm1)
        .map(|(_, s)| s);
    for seg in nm1s.filter(|s| s.value(8) == b"XX") {
        // NM109 judged from its bytes (`value`, the element's bytes): the element, with its
        // location and text, is made only for a finding.
        if is_valid_npi(seg.value(9)) {
            continue;
        }
        let Some(npi) = seg.element(9) else { continue };
        let b = npi.bytes;
        let shown = npi.text();
        if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) {
            cx.report(
                npi.loc(),
                format!("NPI `{shown}` in NM109 is not 10 digits"),
            )
            .help("an NPI is exactly 10 digits; copy it from NPPES");
            continue;
        }
        let (nine, _) = b.split_at(9);
        let Some(want) = npi_check_digit(nine) else {
            continue;
        };
        cx.report(npi.loc(), format!("NPI {shown} fails its check digit (Luhn with prefix 80840)"))
            .help(format!(
                "the check digit of {} is {want}: {}{want} would be well formed, but verify the NPI against NPPES rather than fixing the digit",
                String::from_utf8_lossy(nine),
                String::from_utf8_lossy(nine)
            ));
    }
}

/// Whether NM109 `b` has nothing to report: empty (no NPI to judge), or ten digits whose
/// last is the check digit of the nine before it (or whose nine give no check digit, which
/// ten digits always do).
fn is_valid_npi(b: &[u8]) -> bool {
    if b.is_empty() {
        return true;
    }
    if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let (nine, last) = b.split_at(9);
    npi_check_digit(nine).is_none_or(|want| last.first().is_some_and(|&c| c - b'0' == want))
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    assert_eq!(npi_check_digit(b"123456789"), Some(3));
    let cases = [
        Pass(""),
        PassI(""),
        Trip("NM1*85*2*ONCOLOGY CLINIC*****XX*1234567890"),
        TripI("NM1*71*1*SMITH*JOHN****XX*12345678"),
        Trip("NM1*85*2*ONCOLOGY CLINIC*****XX*12345678AB"),
        // Another id qualifier is not an NPI.
        Pass("NM1*85*2*ONCOLOGY CLINIC*****XX*1234567893"),
    ];
    let out = check_cases(&CODE007, &cases);
    let d = out[2].iter().find(|d| d.code == "CODE007").unwrap();
    assert_eq!(
        d.message,
        "NPI 1234567890 fails its check digit (Luhn with prefix 80840)"
    );
    assert_eq!((d.loc.segment.as_str(), d.loc.element), ("NM1", Some(9)));
    // The billing provider (2010AA) is outside any claim; the attending provider (2310A) is
    // inside one, and the finding names it (OUTPUT.md `claim_id`).
    assert_eq!(d.context.claim_id, None);
    let attending = out[3].iter().find(|d| d.code == "CODE007").unwrap();
    assert_eq!(attending.context.claim_id.as_deref(), Some("PAT2001-01"));
}
