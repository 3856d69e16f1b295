use crate::{Ctx, declare_rule};
use claimlint_model::ServiceLine;

declare_rule! {
    /// ## What it does
    /// Checks the revenue code of an 837I service line (SV201) for the NUBC form: four
    /// digits, in an assigned range: 0001 (total charges), 0022–0024 (PPS HIPPS rate codes),
    /// 0100–0999, 1000–1005 (behavioral health accommodations), 2100–2109 (alternative
    /// therapy), 3100–3109 (adult care). The full NUBC list is licensed, so individual
    /// reserved codes inside 0100–0999 are not checked.
    /// ## Why it matters
    /// The revenue code decides how an institutional line is priced; a three-digit code
    /// (`636` instead of `0636`) or an unassigned one is returned to the provider (CARC 16,
    /// RARC M50, missing/incomplete/invalid revenue code).
    /// ## Example
    /// `SV2*636*HC:J0897:JZ*2400*UN*60~`
    /// ## Fix
    /// Write the four digits with the leading zero: `SV2*0636*HC:J0897:JZ*2400*UN*60~`.
    code: CODE006, name: "revenue-code-invalid", severity: Error, snip: 5,
    x999: Never,
    check: Line(revenue_code),
}

/// Assigned NUBC revenue code ranges (NUBC UB-04 Data Specifications Manual, FL 42).
const RANGES: &[(u16, u16)] = &[
    (1, 1),
    (22, 24),
    (100, 999),
    (1000, 1005),
    (2100, 2109),
    (3100, 3109),
];

fn revenue_code(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    if !line.sv.is_some_and(|s| s.is(b"SV2")) {
        return;
    }
    let Some(rev) = line.revenue_code() else {
        return;
    }; // missing is SYN007's
    let digits = rev.bytes.iter().all(u8::is_ascii_digit);
    let value = std::str::from_utf8(rev.bytes)
        .ok()
        .and_then(|t| t.parse::<u16>().ok());
    let in_range = |v: u16| RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&v));
    let (why, help) = match (digits, rev.bytes.len(), value) {
        (true, 4, Some(v)) if in_range(v) => return,
        (true, 4, _) => (
            "is not in an assigned NUBC revenue code range".to_string(),
            "use a revenue code from the NUBC manual, e.g. 0636 (drugs requiring detailed coding), 0510 (clinic)".to_string(),
        ),
        (true, 1..=3, Some(v)) if in_range(v) => (
            "is not four digits".to_string(),
            format!("write it with leading zeros: {v:04}"),
        ),
        _ => (
            "is not a four-digit NUBC revenue code".to_string(),
            "write the four digits of the NUBC revenue code, e.g. 0636".to_string(),
        ),
    };
    cx.report(rev.loc(), format!("SV201 `{}` in 2400 {why}", rev.text()))
        .help(help);
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &CODE006,
        &[
            Pass(""),
            PassI(""),
            EditI("SV2*0510", "SV2*510*HC:96372*60*UN*1", true),
            EditI("SV2*0510", "SV2*0050*HC:96372*60*UN*1", true),
            EditI("SV2*0510", "SV2*05A0*HC:96372*60*UN*1", true),
            EditI("SV2*0510", "SV2*0001*HC:96372*60*UN*1", false),
        ],
    );
    let d = diags[2].iter().find(|d| d.code == "CODE006").unwrap();
    assert_eq!(d.message, "SV201 `510` in 2400 is not four digits");
    assert_eq!(d.help.as_deref(), Some("write it with leading zeros: 0510"));
}
