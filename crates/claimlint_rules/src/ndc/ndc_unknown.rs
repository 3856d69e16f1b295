use crate::drugs::{hcpcs_of, is_unclassified, ndc11};
use crate::ndc::is_ndc_qualified;
use crate::{Ctx, declare_rule};
use claimlint_model::DrugLine;

declare_rule! {
    /// ## What it does
    /// Warns when an 11-digit NDC is in no quarter of the CMS ASP NDC-HCPCS crosswalk
    /// compiled in (nor loaded with `--data-dir`). Lines billing a code the crosswalk never
    /// lists are skipped: an unclassified code (J3490, J9999...), an S-code (private payers'
    /// codes, which Medicare does not price), any code with no NDC in any quarter. Their drugs
    /// are by definition not in the ASP crosswalk, and no FDA NDC directory is compiled in to
    /// check them against, so the NDC's absence says nothing about it.
    /// ## Why it matters
    /// An NDC the payer cannot find is usually a typo or a digit dropped in padding, and
    /// the line is denied; a transposed NDC may even name another drug.
    /// ## Example
    /// `LIN**N4*55513071099~` (Prolia is 55513071001)
    /// ## Fix
    /// Copy the NDC from the package actually used, padded to 5-4-2: `LIN**N4*55513071001~`.
    code: NDC003, name: "ndc-unknown", severity: Warning, snip: 5,
    x999: Never,
    check: Drug(ndc_unknown),
}

fn ndc_unknown(drug: &DrugLine<'_>, cx: &mut Ctx<'_>) {
    let Some(el) = drug.ndc else { return };
    if !is_ndc_qualified(drug) {
        return;
    }
    // A malformed NDC is NDC002's; one in a normalisable form is still looked up.
    let Some(ndc) = ndc11(el.bytes) else { return };
    if cx
        .line()
        .and_then(|l| hcpcs_of(l))
        .is_some_and(|code| is_unclassified(code) || !cx.data().crosswalk_lists_hcpcs(code))
    {
        return;
    }
    if cx.data().ndc_known_any(ndc.as_str()) {
        return;
    }
    let quarters: Vec<String> = cx
        .data()
        .datasets()
        .into_iter()
        .filter(|d| d.name == "crosswalk")
        .map(|d| d.version)
        .collect();
    cx.report(
        el.loc(),
        format!(
            "NDC {} is not in the CMS NDC-HCPCS crosswalk ({})",
            ndc.dashed(),
            quarters.join(", ")
        ),
    )
    .help("check the NDC against the package used; the crosswalk lists the drugs Medicare prices under ASP, so a correct NDC of another drug may be missing from it");
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let cases = [
        Pass(""),
        PassI(""),
        Trip("LIN**N4*55513071099~"),
        TripI("LIN**N4*55513071099~"),
        // Unclassified code with a compounded product's NDC: not an ASP drug.
        Pass("SV1*HC:J3490:::::COMPOUNDED PAIN CREAM*2400*UN*1***1~LIN**N4*12345678901~"),
        // An S-code (home infusion's S5000, not priced by Medicare, so in no crosswalk
        // quarter): skipped as J3490 is (the TR3's own home-infusion example bills it).
        Pass("SV1*HC:S5000*2400*UN*1***1~LIN**N4*12345678901~"),
        // A code the crosswalk lists keeps the check.
        Trip("SV1*HC:J0897:JZ*2400*UN*60***1~LIN**N4*12345678901~"),
    ];
    let out = check_cases(&NDC003, &cases);
    let d = out[2].iter().find(|d| d.code == "NDC003").unwrap();
    // Another test may load a --data-dir quarter into this process: the list can grow.
    assert!(
        d.message
            .starts_with("NDC 55513-0710-99 is not in the CMS NDC-HCPCS crosswalk (2025Q4, 2026Q1"),
        "{}",
        d.message
    );
    // Hyphenated (NDC002) but known: looked up in its 11-digit form, so not unknown.
    let diags = crate::test::run(&crate::test::replace_segments(
        crate::test::P837,
        "LIN**N4*55513-0710-01~",
    ));
    assert!(diags.iter().any(|d| d.code == "NDC002") && !diags.iter().any(|d| d.code == "NDC003"));
}
