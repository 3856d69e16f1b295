use crate::drugs::{bill_help, drug_label, hcpcs_of, is_unclassified};
use crate::{Ctx, declare_rule};
use claimlint_model::ServiceLine;

declare_rule! {
    /// ## What it does
    /// Warns when an unclassified drug code (J3490, J9999...) is billed with an NDC that the
    /// CMS crosswalk, in the quarter of the date of service, maps to a specific HCPCS code.
    /// ## Why it matters
    /// A drug with its own code must be billed under it; contractors deny NOC lines for
    /// drugs that have one and price them late when they do not (Claims Processing Manual
    /// ch. 17 §20.1.3).
    /// ## Example
    /// `SV1*HC:J3490*2400*UN*1***1~LIN**N4*55513071001~CTP****1*UN~`
    /// ## Fix
    /// `SV1*HC:J0897:JZ*2400*UN*60***1~` (Prolia's own code, in its units).
    code: DRG003, name: "drug-code-has-specific-code", severity: Warning, snip: 6,
    x999: Never,
    check: Line(drug_code_has_specific_code),
}

fn drug_code_has_specific_code(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let Some(code) = hcpcs_of(line).filter(|c| is_unclassified(c)) else {
        return;
    };
    let Some(x) = cx.crosswalked(line) else {
        return;
    };
    let Some(row) = x.rows.iter().find(|r| !is_unclassified(r.hcpcs)) else {
        return;
    };
    let at = line.hcpcs().map_or_else(|| line.lx.loc(), |e| e.loc());
    let help = bill_help(cx, row, line.drug.as_deref());
    cx.report(
        at,
        format!(
            "{code} bills NDC {} ({}), which has its own code {}",
            x.ndc.dashed(),
            drug_label(cx, row),
            row.hcpcs
        ),
    )
    .help(help);
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let cases = [
        Pass(""),
        PassI(""),
        Trip("SV1*HC:J3490*2400*UN*1***1"),
        TripI("SV2*0636*HC:J3490*2400*UN*1"),
        Pass("SV1*HC:J3490:::::COMPOUNDED CREAM*2400*UN*1***1~LIN**N4*12345678901~"),
    ];
    let out = check_cases(&DRG003, &cases);
    let d = out[2].iter().find(|d| d.code == "DRG003").unwrap();
    assert_eq!(
        d.message,
        "J3490 bills NDC 55513-0710-01 (Prolia, denosumab 60 mg/mL), which has its own code J0897"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("bill J0897 (Injection, denosumab, 1 mg) × 60 units for 1 syringe")
    );
}
