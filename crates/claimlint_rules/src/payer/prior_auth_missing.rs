use crate::{Ctx, declare_rule};
use claimlint_model::ServiceLine;

declare_rule! {
    /// ## What it does
    /// Checks that a line whose procedure code is on the profile's prior-authorization list
    /// carries the authorization number: REF*G1 in 2300 (for the whole claim) or in 2400 (for
    /// the line). The list comes from the profile (`prior-auth` in `claimlint.toml`, or a
    /// built-in profile); without one this rule says nothing.
    /// ## Why it matters
    /// A payer that requires prior authorization for a service denies the line when the claim
    /// does not quote the approval (CARC 197/15). Medicare's hospital outpatient prior
    /// authorization program (42 CFR 419.83) denies the listed services outright, however
    /// correct the rest of the claim is.
    /// ## Example
    /// With `prior-auth = ["J0897"]`, a claim billing `SV1*HC:J0897:JZ*2400*UN*60***1~` and no
    /// `REF*G1` in 2300 or 2400.
    /// ## Fix
    /// Quote the payer's authorization number in 2300: `REF*G1*AUTH0012345~`, or in the
    /// line's 2400 loop when the approval covers only that line.
    code: PAY001, name: "prior-auth-missing", severity: Warning, snip: 7,
    check: Line(prior_auth_missing),
}

fn prior_auth_missing(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let Some(code) = line.hcpcs() else { return };
    let text = code.text().to_ascii_uppercase();
    if !cx.params().needs_prior_auth(&text) || line.prior_auth.is_some() {
        return;
    }
    if cx.claim().is_some_and(|c| c.prior_auth.is_some()) {
        return;
    }
    let whose = cx.params().whose();
    cx.report(
        code.loc(),
        format!(
            "{text} is on {whose} prior-authorization list, and neither 2300 nor 2400 has REF*G1"
        ),
    )
    .help(format!(
        "quote the authorization number for {text} as REF*G1 in 2300, or in this line's 2400 loop"
    ));
}

#[test]
fn cases() {
    use crate::LintSettings as Settings;
    use crate::payer::{CodeRange, Params};
    use crate::test::{Case::*, check_cases, check_cases_with};
    let list = |codes: &[&str]| Params {
        profile: Some("test".into()),
        prior_auth: codes.iter().filter_map(|c| CodeRange::parse(c)).collect(),
        ..Params::default()
    };
    let on_list = Settings::default().with_params(list(&["J0897"]));
    let all = check_cases_with(
        &PAY001,
        &[
            Trip(""), // the template bills J0897 with no REF*G1
            Edit("HI*", "REF*G1*AUTH0012345~HI*ABK:M810", false),
            Edit("DTP*472", "DTP*472*D8*20260115~REF*G1*AUTH0012345", false),
        ],
        &on_list,
    );
    let d = all[0]
        .iter()
        .find(|d| d.code == "PAY001")
        .expect("case 0 trips");
    assert_eq!(
        (d.loc.segment.as_str(), d.loc.element, d.loc.component),
        ("SV1", Some(1), Some(2))
    );
    assert_eq!(d.context.line_number, Some(1));
    // A range covers the admin code of line 2, and only it.
    let range = Settings::default().with_params(list(&["96365-96379"]));
    let diags = crate::test::run_with(crate::test::P837, &range);
    let lines: Vec<_> = diags
        .iter()
        .filter(|d| d.code == "PAY001")
        .map(|d| d.context.line_number)
        .collect();
    assert_eq!(lines, [Some(2)]);
    // Without a profile the list is empty: nothing trips.
    check_cases(&PAY001, &[Pass(""), PassI("")]);
}
