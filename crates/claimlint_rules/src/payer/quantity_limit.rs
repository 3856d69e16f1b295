use crate::{Ctx, declare_rule};
use claimlint_model::{Claim, Date, Total};
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Checks the units of each line (SV104/SV205) against the profile's quantity limit for
    /// its procedure code: per line, and summed over the claim's lines of that code on one date
    /// of service. The limits come from the profile (`quantity-limits` in `claimlint.toml`);
    /// without one this rule says nothing. CMS's own per-day limits are UNT002's (MUE) job.
    /// ## Why it matters
    /// Payers publish quantity limits (units per day, per dose) in their drug and medical
    /// policies; units above the limit are denied or cut back (CARC 119/151) unless an override
    /// was approved, and a cut-back line is paid short without a second look.
    /// ## Example
    /// With `quantity-limits = { J0897 = 60 }`, a line `SV1*HC:J0897:JZ*4800*UN*120***1~`.
    /// ## Fix
    /// Bill the units given, at most the limit (`SV1*HC:J0897:JZ*2400*UN*60***1~`), or obtain
    /// the payer's override and quote it in REF*G1.
    code: PAY002, name: "quantity-limit", severity: Warning, snip: 7,
    x999: Never,
    check: Claim(quantity_limit),
}

fn quantity_limit(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    let params = cx.params();
    if params.quantity_limits.is_empty() {
        return;
    }
    let whose = params.whose();
    // (code, date) → units so far; a line reports when it takes the sum over the limit, so
    // the diagnostic lands on the line that should not have been billed as it was.
    let mut per_date: BTreeMap<(String, Option<Date>), Total> = BTreeMap::new();
    for line in &claim.lines {
        let (Some(code), Some(units_el), Some(units)) =
            (line.hcpcs(), line.units(), line.units_value())
        else {
            continue;
        };
        let code = code.text().to_ascii_uppercase();
        let Some(limit) = params.quantity_limits.get(&code).copied() else {
            continue;
        };
        if let Some(max) = limit.per_line.filter(|&max| units > max) {
            let d = cx.report(
                units_el.loc(),
                format!(
                    "{units} units of {code} on one line exceed {whose} limit of {max} per line"
                ),
            );
            d.help(format!("bill at most {max} units of {code} on a line, or quote the payer's override in REF*G1"));
            // The rule runs per claim, so the line's LX01 is filled in here.
            d.context.line_number = line.number_value();
            d.context.line_at = Some(line.lx.offset);
            continue;
        }
        let Some(max) = limit.per_date else { continue };
        let date = line.date.map(|r| r.start).or_else(|| claim.date());
        // A `Total` cannot overflow, so no amount switches the limit off.
        let sum = per_date.entry((code.clone(), date)).or_default();
        let before = *sum;
        sum.add(units);
        let max_total = Total::of(max);
        if *sum > max_total && before <= max_total {
            let d = cx.report(units_el.loc(), format!("{code} adds up to {} units on one date of service, over {whose} limit of {max} per date", *sum));
            d.help(format!(
                "bill at most {max} units of {code} per date of service across the claim's lines"
            ));
            d.context.line_number = line.number_value();
            d.context.line_at = Some(line.lx.offset);
        }
    }
}

#[test]
fn cases() {
    use crate::LintSettings as Settings;
    use crate::payer::{Params, QuantityLimit};
    use crate::test::{Case::*, P837, check_cases, check_cases_with, second_drug_line};
    let limit = |per_line: Option<i64>, per_date: Option<i64>| {
        let mut p = Params {
            profile: Some("test".into()),
            ..Params::default()
        };
        p.quantity_limits.insert(
            "J0897".into(),
            QuantityLimit {
                per_line: per_line.map(claimlint_model::Dec::from_int),
                per_date: per_date.map(claimlint_model::Dec::from_int),
            },
        );
        Settings::default().with_params(p)
    };
    // The template bills 60 units of J0897 on 2026-01-15.
    check_cases_with(
        &PAY002,
        &[Pass(""), Trip("SV1*HC:J0897:JZ*2400*UN*61***1~")],
        &limit(Some(60), None),
    );
    check_cases_with(&PAY002, &[Trip("")], &limit(Some(59), None));
    // Per date: a second J0897 line (a second syringe, with its NDC, in place of the
    // administration line so the claim still balances) takes the sum to 120.
    let second = second_drug_line(
        P837,
        "SV1*HC:J0897:JZ*60*UN*60***1",
        "LIN**N4*55513071001~CTP****1*UN",
    );
    let diags = check_cases_with(
        &PAY002,
        &[Pass(""), Whole(&second, true)],
        &limit(None, Some(60)),
    );
    let d = diags[1]
        .iter()
        .find(|d| d.code == "PAY002")
        .expect("case 1 trips");
    assert_eq!(
        (d.loc.segment.as_str(), d.loc.element, d.context.line_number),
        ("SV1", Some(4), Some(2))
    );
    assert!(d.message.contains("120 units"), "{}", d.message);
    check_cases(&PAY002, &[Pass(""), PassI("")]);
}
