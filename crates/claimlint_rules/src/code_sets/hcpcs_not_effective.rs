use crate::drugs::{code_label, date_of_service, hcpcs_of};
use crate::{Ctx, declare_rule};
use claimlint_model::{Date, ServiceLine};

declare_rule! {
    /// ## What it does
    /// Reports a HCPCS Level II code that exists in the CMS HCPCS file but was added after,
    /// or terminated before, the line's date of service (2400 DTP*472, else the claim's
    /// dates). The file's termination date is the last date the code may be billed. The help
    /// names the replacement when the file's cross-reference gives one.
    /// ## Why it matters
    /// A code is valid for the dates it is in force, not the date the claim is sent: a code
    /// valid in 2023 but terminated in 2025 is correct on a 2023 claim and rejected on a 2026
    /// one (HIPAA code set rules, 45 CFR 162.1002: the code set valid at the time of service).
    /// ## Example
    /// `SV1*HC:C9302*900*UN*1***1~DTP*472*D8*20260115~` (terminated 2025-06-30, now J9276)
    /// ## Fix
    /// `SV1*HC:J9276*900*UN*1***1~`.
    code: CODE002, name: "hcpcs-not-effective", severity: Error, snip: 5,
    x999: Never,
    check: Line(hcpcs_not_effective),
}

fn ymd(n: u32) -> Date {
    Date(n)
}

fn hcpcs_not_effective(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    // The code's element is made only for a finding: `hcpcs_of` is its text, so the line has
    // the one when it has the other.
    let (Some(code), Some(dos)) = (hcpcs_of(line), date_of_service(cx)) else {
        return;
    };
    let Some(h) = cx.hcpcs_row(line) else {
        return;
    };
    let in_force =
        h.add_date.is_none_or(|a| dos.0 >= a) && h.termination.is_none_or(|t| dos.0 <= t);
    let Some(el) = line.hcpcs().filter(|_| !in_force) else {
        return;
    };
    if let Some(added) = h.add_date.filter(|&a| dos.0 < a) {
        cx.report(
            el.loc(),
            format!(
                "HCPCS {code} took effect on {}, after the date of service {dos}",
                ymd(added)
            ),
        )
        .help(format!(
            "bill the code in force on {dos}; {code} may be billed from {}",
            ymd(added)
        ));
        return;
    }
    let Some(end) = h.termination.filter(|&t| dos.0 > t) else {
        return;
    };
    let replacement = h.cross_reference.trim();
    let help = if replacement.is_empty() {
        format!("bill the code in force on {dos}; the HCPCS file names no replacement for {code}")
    } else {
        format!(
            "bill {} instead (the HCPCS file's cross-reference for {code})",
            code_label(cx.data(), replacement)
        )
    };
    cx.report(
        el.loc(),
        format!(
            "HCPCS {code} was terminated on {}, before the date of service {dos}",
            ymd(end)
        ),
    )
    .help(help);
}

#[test]
fn cases() {
    use crate::test::{Case::*, I837, P837, check_cases};
    let line2 = "SV1*HC:96372*60*UN*1***1~\nDTP*472*D8*20260115";
    let line2_i = "SV2*0510*HC:96372*60*UN*1~\nDTP*472*D8*20260115";
    let terminated = P837.replace(line2, "SV1*HC:C9302*60*UN*1***1~\nDTP*472*D8*20260115");
    let older = P837.replace(line2, "SV1*HC:C9302*60*UN*1***1~\nDTP*472*D8*20250515");
    let terminated_i = I837.replace(line2_i, "SV2*0636*HC:C9302*60*UN*1~\nDTP*472*D8*20260115");
    let older_i = I837
        .replace(line2_i, "SV2*0636*HC:C9302*60*UN*1~\nDTP*472*D8*20260115")
        .replace("RD8*20260115-20260115", "RD8*20250515-20260115")
        .replace(
            "C9302*60*UN*1~\nDTP*472*D8*20260115",
            "C9302*60*UN*1~\nDTP*472*D8*20250515",
        );
    // A supply (not a drug, so no NDC is due) added on 2026-01-01.
    let added_later = P837.replace(line2, "SV1*HC:A4295*60*UN*1***1~\nDTP*472*D8*20251215");
    for t in [&terminated, &older, &terminated_i, &older_i, &added_later] {
        assert_ne!(t, P837);
    }
    let cases = [
        Pass(""),
        PassI(""),
        Whole(&terminated, true),
        Whole(&older, false),
        // A separate defect of the input: a drug line (revenue code 0636) without an NDC,
        // NDC001. (With Ziihera's NDC it would be NDC004's instead: the crosswalk lists that
        // NDC under J9276, the code that replaced C9302.)
        Also(&["NDC001"], &Whole(&terminated_i, true)),
        Also(&["NDC001"], &Whole(&older_i, false)), // no NDC, as above
        Whole(&added_later, true),
    ];
    let out = check_cases(&CODE002, &cases);
    let d = out[2].iter().find(|d| d.code == "CODE002").unwrap();
    assert_eq!(
        d.message,
        "HCPCS C9302 was terminated on 2025-06-30, before the date of service 2026-01-15"
    );
    assert_eq!(
        d.help.as_deref(),
        Some(
            "bill J9276 (Injection, zanidatamab-hrii, 2 mg) instead (the HCPCS file's cross-reference for C9302)"
        )
    );
    let d = out[6].iter().find(|d| d.code == "CODE002").unwrap();
    assert_eq!(
        d.message,
        "HCPCS A4295 took effect on 2026-01-01, after the date of service 2025-12-15"
    );
}
