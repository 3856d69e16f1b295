//! CODE family: values against external code sets (SNIP 5) — HCPCS Level II, ICD-10-CM,
//! modifiers, NPI check digits, place of service and revenue codes. The code set is chosen by
//! the date of service (`rules::drugs::date_of_service`).

pub mod hcpcs_not_effective;
pub mod hcpcs_unknown;
pub mod icd10_invalid;
pub mod icd_version_mismatch;
pub mod modifier_unknown;
pub mod npi_invalid;
pub mod place_of_service;
pub mod revenue_code;

use claimlint_model::{Claim, Date, Kind};

/// ICD-10-CM and ICD-10-PCS are required from this day: HHS final rule 79 FR 45128
/// (August 4, 2014, 45 CFR 162.1002) "requires the continued use of ... ICD-9-CM ... through
/// September 30, 2015". X12 5010 HI qualifiers say which version a code is.
pub const ICD10_FROM: Date = Date(20151001);

/// The HI qualifiers of an ICD-9-CM code and of its ICD-10 counterpart, in both guides
/// (005010X222A1 2300 HI: ABK/BK, ABF/BF; 005010X223A2 2300 HI adds ABJ/BJ admitting, APR/PR
/// reason for visit, ABN/BN external cause, and the procedure qualifiers BBR/BR, BBQ/BQ).
pub const ICD_QUALIFIERS: &[(&str, &str)] = &[
    ("BK", "ABK"),
    ("BF", "ABF"),
    ("BJ", "ABJ"),
    ("PR", "APR"),
    ("BN", "ABN"),
    ("BR", "BBR"),
    ("BQ", "BBQ"),
];

/// `Some(true)` for an ICD-10 qualifier, `Some(false)` for an ICD-9 one, `None` for others
/// (DR, BG, BH, BE, CAH...).
pub fn is_icd10_qualifier(q: &[u8]) -> Option<bool> {
    ICD_QUALIFIERS.iter().find_map(|(nine, ten)| {
        if q == ten.as_bytes() {
            Some(true)
        } else if q == nine.as_bytes() {
            Some(false)
        } else {
            None
        }
    })
}

/// The date that decides the ICD version and release of a claim's codes: its through date,
/// in an 837I the statement through date (DTP*434, the end of the range: CMS dates an
/// inpatient stay's codes by discharge), else in both guides the latest line date of service
/// (DTP*472), else the claim's own dates. A professional claim whose lines straddle
/// 2015-10-01 had to be split (one version per claim); it is judged by its last line.
pub fn icd_date(claim: &Claim<'_>, kind: Kind) -> Option<Date> {
    let statement = match kind {
        Kind::Institutional => claim.statement.map(|r| r.end),
        Kind::Professional => None,
    };
    statement
        .or_else(|| {
            claim
                .lines
                .iter()
                .filter_map(|l| l.date.map(|d| d.end))
                .max()
        })
        .or_else(|| claim.service_date.or(claim.statement).map(|r| r.end))
}

/// The qualifier of a claim's first HI01 when it stands where the principal diagnosis
/// belongs but is written as a qualifier of another kind and of the other ICD version than
/// the claim's date and code (`HI*BF:M810` on a claim dated in ICD-10's time, `HI*ABF:7330`
/// on one dated before it), and the claim has no principal diagnosis (ABK, BK) anywhere: one
/// mistake, the qualifier, which SIT002 reports with the qualifier to write (ABK or BK, the
/// second of the pair returned); CODE008 does not also report that qualifier's ICD version.
/// The other-diagnosis qualifier (BF, ABF), and a procedure qualifier (BR, BQ, BBR, BBQ)
/// before a diagnosis (`HI*BR:M810`: no procedure date in HI01-3/HI01-4, and not a code of
/// ICD-10-PCS's form). In an 837P also the admitting, reason-for-visit and external-cause
/// qualifiers (BJ, PR, BN and their ICD-10 ABJ, APR, ABN), which only 837I's other HI
/// segments take. An 837I procedure (`HI*BR:B2111ZZ:D8:…`) or admitting diagnosis
/// (`HI*BJ:R509`) under the other version's qualifier is that HI's own kind, not a principal
/// diagnosis (CODE008 and SIT002).
pub fn principal_qualifier_slip<'a>(
    claim: &Claim<'a>,
    kind: Kind,
) -> Option<(claimlint_x12::Element<'a>, &'static str)> {
    if claim
        .diagnoses
        .iter()
        .any(|d| matches!(d.qualifier.bytes, b"ABK" | b"BK"))
    {
        return None;
    }
    let first = claim.hi.first()?.element(1)?;
    let (q, code) = (first.component(1)?, first.component(2)?);
    let icd10_code = std::str::from_utf8(code.bytes).is_ok_and(icd10_invalid::is_icd10_form);
    let in_icd10 = icd_date(claim, kind)? >= ICD10_FROM;
    // The qualifier is of the other version than the date's, and the code of the date's.
    if is_icd10_qualifier(q.bytes)? == in_icd10 || icd10_code != in_icd10 {
        return None;
    }
    let slipped = match q.bytes {
        b"BF" | b"ABF" => true,
        b"BR" | b"BQ" | b"BBR" | b"BBQ" => {
            first.component(3).is_none_or(|d| d.bytes.is_empty()) && !is_pcs_form(code.bytes)
        }
        b"BJ" | b"PR" | b"BN" | b"ABJ" | b"APR" | b"ABN" => kind == Kind::Professional,
        _ => false,
    };
    slipped.then_some((q, if in_icd10 { "ABK" } else { "BK" }))
}

/// The ICD-10-PCS form: seven characters, digits and capitals but I and O, the first a
/// section (0-9, B, C, D, F, G, H, X). A code of this form under a procedure qualifier may
/// be the procedure it says, its date left out, so it is not read as a misqualified diagnosis.
fn is_pcs_form(code: &[u8]) -> bool {
    code.len() == 7
        && code
            .first()
            .is_some_and(|c| c.is_ascii_digit() || b"BCDFGHX".contains(c))
        && code
            .iter()
            .all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !b"IO".contains(c)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn pcs_form() {
        assert!(super::is_pcs_form(b"B2111ZZ"));
        assert!(super::is_pcs_form(b"0DTJ4ZZ"));
        assert!(!super::is_pcs_form(b"M810"));
        assert!(!super::is_pcs_form(b"S72001A")); // S is no PCS section
        assert!(!super::is_pcs_form(b"B2111IZ")); // PCS has no I or O
    }
}
