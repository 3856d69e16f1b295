use crate::{Ctx, declare_rule};
use claimlint_model::Claim;

declare_rule! {
    /// ## What it does
    /// Checks each ICD-10-CM diagnosis of HI (qualifiers ABK, ABF, ABJ, APR, ABN) against
    /// the ICD-10-CM release compiled in: the code must exist, be billable (not a category
    /// header such as M81 whose children are M81.0, M81.6, M81.8), and be written without
    /// its decimal point as X12 requires. One release is compiled in (FY2026 April update);
    /// claims dated outside it are checked against it and the report says so once.
    /// ## Why it matters
    /// A non-billable or non-existent diagnosis rejects the claim at the front end (SNIP 5),
    /// and a decimal point is invalid in HI (005010X222A1/X223A2: "do not transmit the
    /// decimal point").
    /// ## Example
    /// `HI*ABK:M81~`
    /// ## Fix
    /// The billable code that fits the record: `HI*ABK:M810~`.
    code: CODE003, name: "icd10-invalid", severity: Error, snip: 5,
    check: Claim(icd10_invalid),
}

/// `M810` → `M81.0`, for people.
fn dotted(code: &str) -> String {
    match (code.get(..3), code.get(3..)) {
        (Some(head), Some(tail)) if !tail.is_empty() => format!("{head}.{tail}"),
        _ => code.to_string(),
    }
}

fn icd10_invalid(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    let (version, _, _) = cx.data().icd10_version();
    for dx in &claim.diagnoses {
        if !matches!(
            dx.qualifier.bytes,
            b"ABK" | b"ABF" | b"ABJ" | b"APR" | b"ABN"
        ) {
            continue; // BK, BF...: ICD-9-CM, not this code set
        }
        let Ok(code) = std::str::from_utf8(dx.code.bytes) else {
            continue;
        };
        if code.contains('.') {
            let bare: String = code.chars().filter(|&c| c != '.').collect();
            cx.report(
                dx.code.loc(),
                format!("ICD-10-CM code `{code}` carries a decimal point"),
            )
            .help(format!("write it without the point: {bare}"));
            continue;
        }
        match cx.data().icd10(code) {
            Some(found) if found.billable => {}
            Some(found) => {
                let child = cx
                    .data()
                    .icd10_billable_under(code)
                    .map(|c| format!(", e.g. {} ({})", c.code, c.description))
                    .unwrap_or_default();
                cx.report(
                    dx.code.loc(),
                    format!(
                        "ICD-10-CM {} ({}) is a category header, not a billable code",
                        dotted(code),
                        found.description
                    ),
                )
                .help(format!("use a billable code under {}{child}", dotted(code)));
            }
            None => {
                cx.report(dx.code.loc(), format!("`{code}` is not an ICD-10-CM code (release {version})"))
                    .help("check the code against the ICD-10-CM tabular list; HI carries it without the decimal point");
            }
        }
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let cases = [
        Pass(""),
        PassI(""),
        Edit("HI*", "HI*ABK:M81", true),
        EditI("HI*", "HI*ABK:M81.0", true),
        Edit("HI*", "HI*ABK:M810*ABF:Z9999", true),
        EditI("HI*", "HI*ABK:M810~HI*ABF:Z7982", false),
    ];
    let out = check_cases(&CODE003, &cases);
    let d = out[2].iter().find(|d| d.code == "CODE003").unwrap();
    assert_eq!(
        d.message,
        "ICD-10-CM M81 (Osteoporosis without current pathological fracture) is a category header, not a billable code"
    );
    assert_eq!(
        d.help.as_deref(),
        Some(
            "use a billable code under M81, e.g. M810 (Age-related osteoporosis without current pathological fracture)"
        )
    );
    assert_eq!(
        (d.loc.segment.as_str(), d.loc.element, d.loc.component),
        ("HI", Some(1), Some(2))
    );
    let d = out[3].iter().find(|d| d.code == "CODE003").unwrap();
    assert_eq!(d.help.as_deref(), Some("write it without the point: M810"));
}
