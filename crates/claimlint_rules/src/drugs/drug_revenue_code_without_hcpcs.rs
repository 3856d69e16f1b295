use crate::{Ctx, declare_rule};
use claimlint_model::{Kind, ServiceLine};

declare_rule! {
    /// ## What it does
    /// Reports an 837I line with revenue code 0636 (drugs requiring detailed coding) and no
    /// HCPCS code in SV202.
    /// ## Why it matters
    /// Revenue code 0636 exists to carry the drug's HCPCS code (NUBC UB-04 manual, 063X);
    /// Medicare OPPS pays the drug from that code, and returns the line without it
    /// (Claims Processing Manual ch. 4 §20.1).
    /// ## Example
    /// `SV2*0636**2400*UN*60~`
    /// ## Fix
    /// `SV2*0636*HC:J0897:JZ*2400*UN*60~`.
    code: DRG002, name: "drug-revenue-code-without-hcpcs", severity: Error, snip: 6,
    x999: Never,
    check: Line(drug_revenue_code_without_hcpcs),
}

fn drug_revenue_code_without_hcpcs(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    if !cx.tx().is_some_and(|t| t.kind == Kind::Institutional) {
        return;
    }
    let Some(rev) = line.revenue_code().filter(|r| r.is(b"0636")) else {
        return;
    };
    if line.hcpcs().is_some() {
        return;
    }
    let hint = line
        .drug
        .as_deref()
        .and_then(|d| d.ndc())
        .and_then(|n| crate::drugs::ndc11(n.bytes))
        .and_then(|n| {
            let dos = crate::drugs::date_of_service(cx)?;
            let row = crate::drugs::rows_for(cx.data(), &n, Some(dos)).first()?;
            Some(format!(
                "; the NDC {} ({}) crosswalks to {}",
                n.dashed(),
                row.drug_name,
                row.hcpcs
            ))
        })
        .unwrap_or_default();
    cx.report(
        rev.loc(),
        "revenue code 0636 (drugs requiring detailed coding) without a HCPCS code in SV202",
    )
    .help(format!(
        "give the drug's HCPCS code in SV202 (HC:<code>){hint}"
    ));
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let cases = [
        Pass(""),
        PassI(""),
        TripI("SV2*0636**2400*UN*60"),
        PassI("SV2*0250**2400*UN*60"),
    ];
    let out = check_cases(&DRG002, &cases);
    let d = out[2].iter().find(|d| d.code == "DRG002").unwrap();
    assert_eq!(
        d.help.as_deref(),
        Some(
            "give the drug's HCPCS code in SV202 (HC:<code>); the NDC 55513-0710-01 (Prolia) crosswalks to J0897"
        )
    );
    assert_eq!(d.loc.element, Some(1));
}
