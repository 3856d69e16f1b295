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

use claimlint_model::{Claim, Date, Kind, Transaction};

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

/// Of a qualifier list, the codes of the ICD version in force on the claim's date (`ABF,
/// BF` → `BF`, `BBR, BR, CAH` → `BR, CAH` on a claim dated before 2015-10-01): the codes
/// to write. Codes of no ICD version are kept; a claim without a date keeps the list whole.
pub fn era_codes<'c>(codes: &[&'c str], claim: &Claim<'_>, kind: Kind) -> Vec<&'c str> {
    let Some(date) = icd_date(claim, kind) else {
        return codes.to_vec();
    };
    let ten = date >= ICD10_FROM;
    codes
        .iter()
        .copied()
        .filter(|c| is_icd10_qualifier(c.as_bytes()).is_none_or(|t| t == ten))
        .collect()
}

/// The HI01-1 qualifiers of a claim's HI segments the guide check read as another HI than
/// their qualifier names (`claimlint_model::requalify`: `HI*ABN:38:::15.31`, a value code, read
/// as the value HI): each qualifier's offset, and whether the HI read holds diagnoses (its
/// qualifiers are ICD diagnosis ones). SYN008 reports the qualifier; the code under it is
/// not judged as the diagnosis the qualifier written would make it.
/// Only in an 837I: an 837P's HI after its first is STR004's, whose help joins its codes into
/// the first HI as diagnoses (`syntax::code_value::joined_diagnoses_help`), and they are judged
/// as such.
pub fn requalified_his(tx: Option<&Transaction<'_>>, claim: &Claim<'_>) -> Vec<(usize, bool)> {
    let Some(tx) = tx.filter(|t| t.kind == Kind::Institutional) else {
        return Vec::new();
    };
    let diagnoses = |i: usize| {
        let def = tx.ig().placement(i).and_then(|p| p.segment());
        def.and_then(|d| d.qualifier)
            .is_some_and(|q| q.codes.iter().any(|c| DIAGNOSIS_QUALIFIERS.contains(c)))
    };
    claim
        .hi
        .iter()
        .filter_map(|hi| {
            let i = tx
                .segments
                .binary_search_by_key(&hi.offset, |s| s.offset)
                .ok()?;
            tx.ig().requalified(i)?;
            Some((hi.element(1)?.component(1)?.offset, diagnoses(i)))
        })
        .collect()
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
/// segments take; in an 837I too, where the claim has no principal diagnosis: an admitting
/// diagnosis there (`HI*ABJ:3669` on a claim dated 1996) would be two mistakes, the
/// principal diagnosis left out and the admitting one coded in the other version, where the
/// principal diagnosis's qualifier slipped is one. An 837I procedure (`HI*BR:B2111ZZ:D8:…`)
/// under the other version's qualifier is that HI's own kind, not a principal diagnosis
/// (CODE008 and SIT002).
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
        b"BJ" | b"PR" | b"BN" | b"ABJ" | b"APR" | b"ABN" => true,
        _ => false,
    };
    slipped.then_some((q, if in_icd10 { "ABK" } else { "BK" }))
}

/// The HI qualifiers of diagnoses, ICD-9-CM and ICD-10 (principal, admitting, reason for
/// visit, external cause, other).
pub const DIAGNOSIS_QUALIFIERS: &[&str] = &[
    "ABK", "BK", "ABJ", "BJ", "APR", "PR", "ABN", "BN", "ABF", "BF",
];

/// Whether `code` has the shape of the codes an HI qualifier `q` takes: a diagnosis (ICD-9-CM
/// three to five characters, digits or an E or V first; ICD-10-CM's form) for the diagnosis
/// qualifiers, a procedure (ICD-9-CM three or four digits, ICD-10-PCS's form) for the
/// procedure ones, two characters for the occurrence, occurrence span, value and condition
/// codes (BH, BI, BE, BG). The DRG and treatment codes (DR, TC) are told by no shape here:
/// no other HI is read as one of them.
pub fn code_fits_qualifier(q: &str, code: &[u8]) -> bool {
    let digits = |b: &[u8]| b.iter().all(u8::is_ascii_digit);
    let icd9_diagnosis = (3..=5).contains(&code.len())
        && code.split_first().is_some_and(|(first, rest)| {
            (first.is_ascii_digit() || b"EV".contains(first)) && digits(rest)
        });
    if DIAGNOSIS_QUALIFIERS.contains(&q) {
        return icd9_diagnosis || std::str::from_utf8(code).is_ok_and(icd10_invalid::is_icd10_form);
    }
    match q {
        "BBR" | "BR" | "CAH" | "BBQ" | "BQ" => {
            ((3..=4).contains(&code.len()) && digits(code)) || is_pcs_form(code)
        }
        "BH" | "BI" | "BE" | "BG" => code.len() == 2 && code.iter().all(u8::is_ascii_alphanumeric),
        _ => false,
    }
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

    #[test]
    fn code_shapes_tell_hi_kinds_apart() {
        use super::code_fits_qualifier as fits;
        assert!(fits("BF", b"38900") && fits("ABJ", b"R509") && fits("BN", b"E8889"));
        assert!(!fits("BR", b"38900") && !fits("BH", b"38900"));
        assert!(fits("BH", b"11") && fits("BE", b"A1") && !fits("BR", b"11"));
        assert!(fits("BR", b"3669") && fits("BBR", b"B2111ZZ") && fits("BF", b"3669"));
        assert!(!fits("DR", b"470") && !fits("TC", b"11"));
    }
}
