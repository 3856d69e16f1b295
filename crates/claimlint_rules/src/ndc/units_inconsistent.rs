use crate::drugs::{
    dose_confusion, expected_units, hcpcs_of, line_dos, package_word, plural, quantity_words,
};
use crate::{Ctx, declare_rule};
use claimlint_model::{Dec, ServiceLine, Total};

declare_rule! {
    /// ## What it does
    /// Converts the drug quantity (CTP04 in CTP05-1's unit) into HCPCS billing units through
    /// the crosswalk row of the line's NDC and code (billable units per item, package size,
    /// dose descriptor) and warns when the line's units (SV104/SV205) differ from it by more
    /// than one billing unit. Units billed with JW on another line for the same drug and date
    /// count with the administered line, as CMS bills one vial across the two lines. Stays
    /// quiet when the conversion is unknown (a package size that is not a volume, a dose
    /// phrase such as "UP TO 150 MG") and when UNT003 explains the gap. A quantity in mL
    /// converts only through a per-mL dose or a package size in mL: a size of 1 reads as
    /// often "1 syringe" as "1 mL", so it is not used. Prolia 55513-0710-01 (size 1, 60 units
    /// per item) with `CTP****1*ML` and 1 unit billed is therefore not judged; the same
    /// quantity written `CTP****1*UN` is UNT003.
    /// ## Why it matters
    /// Payers audit the HCPCS units against the NDC quantity; units that do not match the
    /// drug given are denied or recouped.
    /// ## Example
    /// ```x12
    /// SV1*HC:J0897:JZ*1200*UN*30***1~
    /// LIN**N4*55513071001~
    /// CTP****1*UN~
    /// ```
    /// ## Fix
    /// Bill the units the quantity is worth (one Prolia syringe is 60 units of J0897), or
    /// correct CTP04 to the amount actually given.
    code: NDC007, name: "units-inconsistent", severity: Warning, snip: 6,
    x999: Never,
    check: Line(units_inconsistent),
}

fn units_inconsistent(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let (Some(drug), Some(units_el), Some(units)) =
        (line.drug.as_deref(), line.units(), line.units_value())
    else {
        return;
    };
    if line.has_modifier(b"JW") {
        return; // judged with its administered line
    }
    let Some(x) = cx.crosswalked(line) else {
        return;
    };
    let Some(row) = x.billed else { return }; // no row for this code: NDC004
    let (Some(qty), Some(unit)) = (cx.drug_quantity(line), drug.unit()) else {
        return;
    };
    // A quantity or unit count that is not positive is NDC005's or UNT001's finding.
    if !qty.is_positive() || !units.is_positive() {
        return;
    }
    let Some(expected) = cx.billed_expected_units(line) else {
        return;
    };
    if dose_confusion(row, qty, unit.bytes, units, expected) {
        return; // UNT003
    }
    // Sums and differences are `Total`s, which cannot overflow: no amount skips the check.
    let (one, minus_one) = (Total::of(Dec::from_int(1)), Total::of(Dec::from_int(-1)));
    let near = |a: Total, b: Total| {
        let mut d = a;
        d.minus(b);
        minus_one <= d && d <= one
    };
    // JW partner lines: their units, and their own CTP quantities converted.
    let (mut total, mut all_expected) = (Total::of(units), Total::of(expected));
    if let Some(claim) = cx.claim() {
        let dos = line_dos(line, Some(claim));
        for l in claim.lines.iter().filter(|l| {
            l.has_modifier(b"JW")
                && hcpcs_of(l) == Some(row.hcpcs)
                && line_dos(l, Some(claim)) == dos
        }) {
            total.add(l.units_value().unwrap_or(Dec::ZERO));
            let e = l
                .drug
                .as_deref()
                .and_then(|d| expected_units(row, cx.drug_quantity(l)?, d.unit()?.bytes));
            all_expected.add(e.unwrap_or(Dec::ZERO));
        }
    }
    let (units_t, expected_t) = (Total::of(units), Total::of(expected));
    if near(units_t, expected_t) || near(total, expected_t) || near(total, all_expected) {
        return;
    }
    let code = row.hcpcs;
    let per = plural(row.bill_units, "unit");
    let given = quantity_words(cx, row, qty, unit.bytes);
    cx.report(
        units_el.loc(),
        format!(
            "{} bills {} of {code}, but CTP04 {} of NDC {} ({} per {}) is {}",
            units_el.ref_des(),
            plural(units, "unit"),
            given,
            x.ndc.dashed(),
            per,
            package_word(cx, row),
            plural(expected, "unit"),
        ),
    )
    .help(format!(
        "bill {} of {code} for {}, or correct CTP04 to the amount given",
        plural(expected.ceil(), "unit"),
        given
    ));
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let cases = [
        Pass(""),
        PassI(""),
        // The charge stays 2400, so the claim still balances (no BAL001).
        Trip("SV1*HC:J0897:JZ*2400*UN*30***1"),
        TripI("SV2*0636*HC:J0897:JZ*2400*UN*120"),
        // Two syringes, 120 units: consistent.
        Pass("SV1*HC:J0897:JZ*2400*UN*120***1~CTP****2*UN~"),
        // Padcev, 20 mg given as 20 ME: 80 units.
        Pass("SV1*HC:J9177:JZ*2400*UN*80***1~LIN**N4*51144002001~CTP****20*ME~"),
        // Within one billing unit.
        Pass("SV1*HC:J0897:JZ*2400*UN*59***1"),
    ];
    let out = check_cases(&NDC007, &cases);
    let d = out[2].iter().find(|d| d.code == "NDC007").unwrap();
    assert_eq!(
        d.message,
        "SV104 bills 30 units of J0897, but CTP04 1 syringe of NDC 55513-0710-01 (60 units per syringe) is 60 units"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("bill 60 units of J0897 for 1 syringe, or correct CTP04 to the amount given")
    );
    // 1 unit for 1 syringe is UNT003's finding, not a second warning here.
    let diags = crate::test::run(&crate::test::replace_segments(
        crate::test::P837,
        "SV1*HC:J0897:JZ*2400*UN*1***1",
    ));
    assert!(
        diags.iter().any(|d| d.code == "UNT003") && !diags.iter().any(|d| d.code == "NDC007"),
        "{diags:#?}"
    );
}
