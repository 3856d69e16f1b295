use crate::drugs::{code_label, dose_confusion, package_word, plural, quantity_words};
use crate::{Ctx, declare_rule};
use claimlint_model::ServiceLine;

declare_rule! {
    /// ## What it does
    /// Reports a drug line whose units (SV104/SV205) equal the count of items, packages or
    /// milliliters in CTP04 while the crosswalk says one item is N > 1 billing units of the
    /// code's dose descriptor. Prolia is one 60 mg syringe, and J0897 is per 1 mg: 1 unit
    /// bills 1 mg, a sixtieth of the dose.
    /// ## Why it matters
    /// The line is paid for the units billed: 1 unit of J0897 pays for 1 mg of a 60 mg
    /// dose. Underbilling loses revenue; the reverse confusion on other drugs overbills and
    /// is recouped on audit.
    /// ## Example
    /// ```x12
    /// SV1*HC:J0897:JZ*2400*UN*1***1~
    /// LIN**N4*55513071001~
    /// CTP****1*UN~
    /// ```
    /// ## Fix
    /// Bill the dose in descriptor units: `SV1*HC:J0897:JZ*2400*UN*60***1~`.
    code: UNT003, name: "units-dose-confusion", severity: Error, snip: 6,
    x999: Never,
    check: Line(units_dose_confusion),
}

fn units_dose_confusion(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let (Some(drug), Some(el), Some(units)) =
        (line.drug.as_deref(), line.units(), line.units_value())
    else {
        return;
    };
    let Some(x) = cx.crosswalked(line) else {
        return;
    };
    let Some(row) = x.billed else { return };
    let (Some(qty), Some(unit)) = (
        cx.drug_quantity(line).filter(|q| q.is_positive()),
        drug.unit(),
    ) else {
        return;
    };
    // Exact; what to bill is it rounded up (`expected_for`).
    let Some(exact) = cx.billed_expected_units(line) else {
        return;
    };
    if !dose_confusion(row, qty, unit.bytes, units, exact) {
        return;
    }
    let expected = exact.ceil();
    let word = package_word(cx, row);
    let given = quantity_words(cx, row, qty, unit.bytes);
    let label = code_label(cx.data(), row.hcpcs);
    cx.report(
        el.loc(),
        format!(
            "{} bills {} of {}, the count in CTP04 ({}), but one {word} of {} is {} of {}",
            el.ref_des(),
            plural(units, "unit"),
            row.hcpcs,
            given,
            row.drug_name,
            plural(row.bill_units, "unit"),
            row.hcpcs,
        ),
    )
    .help(format!(
        "bill {} × {} for {}",
        label,
        plural(expected, "unit"),
        given
    ));
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let cases = [
        Pass(""),
        PassI(""),
        Trip("SV1*HC:J0897:JZ*2400*UN*1***1"),
        TripI("SV2*0636*HC:J0897:JZ*2400*UN*1"),
        Trip("SV1*HC:J9177:JZ*2400*UN*1***1~LIN**N4*51144002001~CTP****1*UN~"),
        Pass("SV1*HC:J9177:JZ*2400*UN*80***1~LIN**N4*51144002001~CTP****1*UN~"),
        Trip("SV1*HC:J0897:JZ*2400*UN*2***1~CTP****2*UN~"),
    ];
    let out = check_cases(&UNT003, &cases);
    let d = out[2].iter().find(|d| d.code == "UNT003").unwrap();
    assert_eq!(
        d.message,
        "SV104 bills 1 unit of J0897, the count in CTP04 (1 syringe), but one syringe of Prolia is 60 units of J0897"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("bill J0897 (Injection, denosumab, 1 mg) × 60 units for 1 syringe")
    );
    assert_eq!((d.loc.segment.as_str(), d.loc.element), ("SV1", Some(4)));
    let d = out[3].iter().find(|d| d.code == "UNT003").unwrap();
    assert_eq!((d.loc.segment.as_str(), d.loc.element), ("SV2", Some(5)));
    let d = out[6].iter().find(|d| d.code == "UNT003").unwrap();
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .ends_with("× 120 units for 2 syringes"),
        "{:?}",
        d.help
    );
}
