use crate::drugs::{date_of_service, hcpcs_of};
use crate::{Ctx, declare_rule};
use claimlint_data as data;
use claimlint_model::ServiceLine;

declare_rule! {
    /// ## What it does
    /// Warns when a drug line (a drug HCPCS code, or 837I revenue code 0634–0636) has no
    /// 2410 loop: no `LIN` with the NDC of the drug given.
    /// ## Why it matters
    /// Medicaid programs deny drug lines without an NDC (the Deficit Reduction Act of 2005
    /// requires it for rebates), commercial payers increasingly do, and Medicare needs it for
    /// unclassified codes. The NDC is the only thing that says which product was given.
    /// ## Example
    /// ```x12
    /// SV1*HC:J0897:JZ*2400*UN*60***1~
    /// DTP*472*D8*20260115~
    /// ```
    /// ## Fix
    /// Add the 2410 loop after the line's dates: `LIN**N4*55513071001~CTP****1*UN~`.
    code: NDC001, name: "ndc-missing", severity: Warning, snip: 5,
    x999: Never,
    check: Line(ndc_missing),
}

fn ndc_missing(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    if line.drug.is_some() || !cx.is_drug_line(line) {
        return;
    }
    let code = hcpcs_of(line);
    let at = line
        .hcpcs()
        .or(line.revenue_code())
        .map_or_else(|| line.lx.loc(), |e| e.loc());
    let what = code.map_or_else(
        || {
            let rev = line
                .revenue_code()
                .map(|r| r.text().into_owned())
                .unwrap_or_default();
            format!("revenue code {rev}")
        },
        str::to_string,
    );
    let example = match (code, date_of_service(cx)) {
        (Some(c), Some(d)) => cx.data().crosswalk_by_hcpcs(c, d.0).value.first().map(|r| {
            format!(
                " (the crosswalk lists e.g. {} {} for {c})",
                data::ndc_5_4_2(r.ndc11),
                r.drug_name
            )
        }),
        _ => None,
    };
    cx.report(at, format!("drug line {what} has no NDC (2410 LIN)")).help(format!(
        "add LIN**N4*<the 11-digit NDC from the package>~ and CTP****<quantity>*<unit>~ after the line's DTP{}",
        example.unwrap_or_default()
    ));
}

#[test]
fn cases() {
    use crate::test::{Case::*, I837, P837, check_cases, edit};
    let no_lin_p = edit(&edit(P837, "LIN*", ""), "CTP*", "");
    let no_lin_i = edit(&edit(I837, "LIN*", ""), "CTP*", "");
    let cases = [
        Pass(""),
        PassI(""),
        Whole(&no_lin_p, true),
        Whole(&no_lin_i, true),
        // The administration line (96372) is not a drug line.
        Pass("LX*2"),
    ];
    let out = check_cases(&NDC001, &cases);
    let d = out[2].iter().find(|d| d.code == "NDC001").unwrap();
    assert_eq!(d.message, "drug line J0897 has no NDC (2410 LIN)");
    assert_eq!(d.loc.element, Some(1));
    assert_eq!(d.loc.component, Some(2));
    assert!(
        d.help.as_deref().unwrap().contains("for J0897"),
        "{:?}",
        d.help
    );
}
