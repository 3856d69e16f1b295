use crate::{Ctx, declare_rule};
use claimlint_model::ServiceLine;

declare_rule! {
    /// ## What it does
    /// Checks each diagnosis code pointer of an 837P service line (SV107-1 to SV107-4): it
    /// must be 1–12 and point at a diagnosis the claim's HI actually carries (TR3 2400 SV107
    /// note: pointers refer to the position of the code in the 2300 HI segment). It replaces
    /// SYN008 for SV107, whose code list is 1–12.
    /// ## Why it matters
    /// A pointer past the diagnosis list links the service to nothing; the line is denied
    /// for lack of medical necessity or the claim is rejected (277CA A7/255).
    /// ## Example
    /// `HI*ABK:M810~ ... SV1*HC:96372*60*UN*1***1:2~` (only one diagnosis)
    /// ## Fix
    /// Point at diagnoses that exist: `SV1*HC:96372*60*UN*1***1~`, or add the second code to
    /// HI: `HI*ABK:M810*ABF:E119~`.
    code: SIT001, name: "diagnosis-pointer-invalid", severity: Error, snip: 4,
    x999: Never,
    check: Line(diagnosis_pointer_invalid),
}

fn diagnosis_pointer_invalid(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let (Some(claim), Some(pointers)) = (cx.claim(), line.pointers) else {
        return;
    };
    if !line.sv.is_some_and(|s| s.is(b"SV1")) {
        return;
    }
    let present = claim.diagnoses.iter().filter(|d| d.ordinal > 0).count();
    // No diagnosis at all is SIT002's finding; every pointer would repeat it.
    if present == 0 {
        return;
    }
    let limit = present.min(12);
    for n in 1..=4 {
        let Some(p) = pointers.component(n) else {
            continue;
        };
        // A non-numeric pointer is SYN003's (SV107 components are N0).
        let Some(v) = std::str::from_utf8(p.bytes)
            .ok()
            .and_then(|t| t.parse::<usize>().ok())
        else {
            continue;
        };
        if (1..=limit).contains(&v) {
            continue;
        }
        let codes = if present == 1 {
            "1 diagnosis code".to_string()
        } else {
            format!("{present} diagnosis codes")
        };
        let msg = if (1..=12).contains(&v) {
            format!(
                "SV107-{n} `{}` in 2400 points at diagnosis {v}, but HI in 2300 of claim {} has {codes}",
                p.text(),
                claim.id_text()
            )
        } else {
            format!(
                "SV107-{n} `{}` in 2400 is not a diagnosis pointer (1–12)",
                p.text()
            )
        };
        cx.report(p.loc(), msg).help(format!(
            "point at one of the claim's diagnoses, 1 to {limit}"
        ));
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &SIT001,
        &[
            Pass(""),
            PassI(""),
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***1:2", true),
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***13", true),
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***0", true),
            Whole(
                &crate::test::edit(
                    &crate::test::edit(crate::test::P837, "HI*", "HI*ABK:M810*ABF:E119"),
                    "SV1*HC:96372",
                    "SV1*HC:96372*60*UN*1***2:1",
                ),
                false,
            ),
        ],
    );
    let d = diags[2].iter().find(|d| d.code == "SIT001").unwrap();
    assert_eq!(
        d.message,
        "SV107-2 `2` in 2400 points at diagnosis 2, but HI in 2300 of claim PAT1001-01 has 1 diagnosis code"
    );
    assert_eq!((d.loc.element, d.loc.component), (Some(7), Some(2)));
}
