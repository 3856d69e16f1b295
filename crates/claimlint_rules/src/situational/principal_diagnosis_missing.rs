use crate::{Ctx, declare_rule};
use claimlint_model::{Claim, Kind};

declare_rule! {
    /// ## What it does
    /// Checks that a claim carries its principal diagnosis: in an 837P the first HI must
    /// begin with it (HI01-1 `ABK`, ICD-10-CM, or `BK`, ICD-9-CM; TR3 2300 HI, Health Care
    /// Diagnosis Code, Required); in an 837I the Principal Diagnosis HI (`ABK`/`BK`) must be
    /// present. The missing 2300 HI segment itself is reported here too, not by STR002.
    /// ## Why it matters
    /// A claim without its principal diagnosis cannot be adjudicated and is rejected at the
    /// front end (277CA A7/254, principal diagnosis code missing).
    /// ## Example
    /// `HI*ABF:M810~` (an "other" diagnosis with no principal)
    /// ## Fix
    /// `HI*ABK:M810~`: the first code of the first HI is the principal diagnosis.
    code: SIT002, name: "principal-diagnosis-missing", severity: Error, snip: 4,
    x999: ElementElseSegment("I9", "I6"),
    check: Claim(principal_diagnosis_missing),
}

fn is_principal(q: &[u8]) -> bool {
    matches!(q, b"ABK" | b"BK")
}

fn principal_diagnosis_missing(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    let kind = cx.tx().map(|t| t.kind);
    let anywhere = claim
        .diagnoses
        .iter()
        .any(|d| is_principal(d.qualifier.bytes));
    let first = claim
        .hi
        .first()
        .and_then(|hi| hi.element(1))
        .and_then(|e| e.component(1));
    match (kind, anywhere, first) {
        (Some(Kind::Professional), true, Some(q)) if !is_principal(q.bytes) => {
            cx.report(
                q.loc(),
                format!(
                    "HI01-1 `{}` in 2300 of claim {}: the first HI of an 837P must begin with the principal diagnosis (ABK)",
                    q.text(),
                    claim.id_text()
                ),
            )
            .help("move the HI with the ABK code before the other HI segments");
        }
        (_, true, _) => {}
        (_, false, _) => {
            let (loc, found) = match first {
                Some(q) => (q.loc(), format!(" (its first HI is `{}`)", q.text())),
                None => (
                    claim.id().map_or(claim.clm.loc(), |e| e.loc()),
                    " (it has no HI)".to_string(),
                ),
            };
            let kind = kind.unwrap_or(Kind::Professional);
            let help = slip_help(claim, kind).unwrap_or_else(|| general_help(claim, kind));
            cx.report(
                loc,
                format!(
                    "claim {} has no principal diagnosis (HI ABK or BK) in 2300{found}",
                    claim.id_text()
                ),
            )
            .help(help);
        }
    }
}

/// For a principal diagnosis written under a qualifier of another kind and of the other ICD
/// version (`HI*BF:M810`, `HI*ABF:7330`: `code_sets::principal_qualifier_slip`): the
/// qualifier to write, which makes the HI right.
fn slip_help(claim: &Claim<'_>, kind: Kind) -> Option<String> {
    let (q, to) = crate::code_sets::principal_qualifier_slip(claim, kind)?;
    let first = claim.hi.first()?.element(1)?;
    let code = first.component(2)?;
    let c = char::from(claim.hi.first()?.delims.component);
    let version = if to == "ABK" { "ICD-9-CM" } else { "ICD-10" };
    Some(format!(
        "write HI01-1 as {to} (`HI*{to}{c}{}`): the first code of the claim's first HI is its \
         principal diagnosis, and `{}` is an {version} qualifier of another kind",
        code.text(),
        q.text()
    ))
}

/// The principal diagnosis to write first, in the ICD version of the claim's date: ICD-9-CM
/// (BK) for a claim dated before 2015-10-01 (`code_sets::ICD10_FROM`), else ICD-10-CM (ABK).
fn general_help(claim: &Claim<'_>, kind: Kind) -> String {
    let before =
        crate::code_sets::icd_date(claim, kind).is_some_and(|d| d < crate::code_sets::ICD10_FROM);
    if before {
        "write the principal diagnosis first: HI*BK:<ICD-9-CM code, no decimal point>, e.g. \
         HI*BK:7330 (the claim is dated before ICD-10, 2015-10-01)"
            .to_string()
    } else {
        "write the principal diagnosis first: HI*ABK:<ICD-10-CM code, no decimal point>, e.g. \
         HI*ABK:M810"
            .to_string()
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, P837, check_cases, edit};
    // BK (ICD-9-CM) is a principal diagnosis too, on a claim dated before ICD-10 (CODE008).
    let icd9 = edit(&P837.replace("20260115", "20150915"), "HI*", "HI*BK:7330");
    let diags = check_cases(
        &SIT002,
        &[
            Pass(""),
            PassI(""),
            Edit("HI*", "HI*ABF:M810", true),
            EditI("HI*", "HI*ABF:M810", true),
            Edit("HI*", "", true),
            EditI("HI*", "", true),
            Pass("HI*ABK:M810*ABF:E119"),
            Whole(&icd9, false),
            // The principal diagnosis under an ICD-9-CM qualifier of another kind: one SIT002
            // whose help writes ABK, not also CODE008 for that qualifier's version.
            Edit("HI*", "HI*BF:M810", true),
            EditI("HI*", "HI*BF:M810", true),
            // An 837I procedure or admitting diagnosis under its ICD-9-CM qualifier is that
            // HI's own kind: CODE008 for the version, SIT002 with its ordinary help.
            Also(
                &["CODE008"],
                &EditI("HI*", "HI*BR:B2111ZZ:D8:20260115", true),
            ),
            Also(&["CODE008"], &EditI("HI*", "HI*BJ:R509", true)),
            // With another ICD-9-CM qualifier beside it, CODE008 stands for that one.
            Also(&["CODE008"], &Edit("HI*", "HI*BF:M810*BF:E119", true)),
            // An ICD-9-CM code under it: not of ICD-10's form, the version is CODE008's too.
            Also(&["CODE008"], &Edit("HI*", "HI*BF:4019", true)),
            // A diagnosis under the ICD-9-CM procedure qualifier (no procedure date, not of
            // ICD-10-PCS's form): the same slip, one SIT002 naming ABK.
            Edit("HI*", "HI*BR:M810", true),
            EditI("HI*", "HI*BR:M810", true),
            EditI("HI*", "HI*BQ:M810", true),
            // A procedure code under BR with its date left out is still a procedure.
            Also(&["CODE008"], &EditI("HI*", "HI*BR:B2111ZZ", true)),
        ],
    );
    for k in [8, 9, 14, 15, 16] {
        let d = diags[k].iter().find(|d| d.code == "SIT002").unwrap();
        assert!(
            d.help
                .as_deref()
                .is_some_and(|h| h.starts_with("write HI01-1 as ABK (`HI*ABK:M810`)")),
            "{d:#?}"
        );
    }
    let d = diags[4].iter().find(|d| d.code == "SIT002").unwrap();
    assert_eq!(
        d.message,
        "claim PAT1001-01 has no principal diagnosis (HI ABK or BK) in 2300 (it has no HI)"
    );
    // STR002 leaves the missing HI to this rule: one finding for one defect.
    assert!(
        !diags[4].iter().any(|d| d.code == "STR002"),
        "{:#?}",
        diags[4]
    );
}
