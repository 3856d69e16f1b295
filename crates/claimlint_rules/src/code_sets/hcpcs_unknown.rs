use crate::drugs::{date_of_service, is_level2};
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::{Fix, Safety};
use claimlint_model::ServiceLine;

declare_rule! {
    /// ## What it does
    /// Checks the procedure code of SV101-2 / SV202-2 when its qualifier is HC: a HCPCS
    /// Level II code (a letter and four digits) must be in the CMS HCPCS file compiled in (or
    /// loaded with `--data-dir`); a CPT code is checked for form only (five digits, or four
    /// digits and F, T or U), since the CPT code set is AMA content and not shipped. A known
    /// code written in lower case (`j0897`) is reported as such, with a safe fix to upper case.
    /// ## Why it matters
    /// A code the payer does not know rejects the line at the front end (SNIP 5).
    /// ## Example
    /// `SV1*HC:J0898*2400*UN*60***1~` (a typo for J0897)
    /// ## Fix
    /// Bill a code from the HCPCS file in force on the date of service:
    /// `SV1*HC:J0897:JZ*2400*UN*60***1~`.
    code: CODE001, name: "hcpcs-unknown", severity: Error, snip: 5,
    x999: Never,
    fix: Safe,
    check: Line(hcpcs_unknown),
}

/// CPT by form: 5 digits (Category I), or 4 digits and F (II), T (III) or U (PLA).
fn is_cpt_form(b: &[u8]) -> bool {
    b.len() == 5
        && b[..4].iter().all(u8::is_ascii_digit)
        && (b[4].is_ascii_digit() || matches!(b[4], b'F' | b'T' | b'U'))
}

/// The earliest termination date the embedded HCPCS file records (2014); see `hcpcs_unknown`.
const OLDEST_TERMINATION: u32 = 20140101;

fn hcpcs_unknown(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let Some(el) = line.hcpcs() else { return };
    if is_cpt_form(el.bytes) {
        return;
    }
    // A code written with a lower-case letter may be a known one in the wrong case: copied to
    // upper case only then (upper-casing changes nothing else, so no other code differs).
    if el.bytes.iter().any(u8::is_ascii_lowercase) {
        let text = el.text();
        let upper = text.to_ascii_uppercase();
        if is_cpt_form(upper.as_bytes()) || cx.data().hcpcs(&upper).is_some() {
            cx.report(
                el.loc(),
                format!(
                    "`{text}` in {} is {upper} written in lower case",
                    el.ref_des()
                ),
            )
            .help(format!(
                "write `{upper}`: HCPCS and CPT codes are upper case"
            ))
            .fix(Fix::replace(&el.loc(), upper, Safety::Safe));
            return;
        }
    }
    // `hcpcs_text` is these bytes when they are UTF-8; a Level II code is ASCII, so bytes that
    // are not UTF-8 are none.
    let Some(text) = line.hcpcs_text().filter(|t| is_level2(t)) else {
        let text = el.text();
        cx.report(el.loc(), format!("`{text}` in {} is neither a HCPCS Level II code nor a CPT code", el.ref_des()))
            .help("a HCPCS Level II code is a letter and four digits (J0897); a CPT code is five digits (96372), or four digits and F, T or U");
        return;
    };
    if cx.hcpcs_row(line).is_some() {
        return;
    }
    // The HCPCS file lists terminated codes only back to 2014; a code missing from it may have
    // been valid on an older date, so absence proves nothing there, nor on a line with no
    // date of service at all (its missing or unreadable DTP is the finding: `DTP**472`).
    let Some(date) = date_of_service(cx).filter(|d| d.0 >= OLDEST_TERMINATION) else {
        return;
    };
    let version = cx
        .data()
        .coverage("hcpcs", date.0)
        .map_or(String::new(), |c| format!(" ({})", c.version));
    cx.report(el.loc(), format!("HCPCS code {text} is not in the CMS HCPCS file{version}"))
        .help(format!("check the code against the HCPCS file in force on the date of service; `claimlint lookup {text}` shows what claimlint knows"));
}

#[test]
fn cases() {
    use crate::test::{Case::*, P837, check_cases};
    let cases = [
        Pass(""),
        PassI(""),
        Edit("SV1*HC:96372", "SV1*HC:J1234*60*UN*1***1", true),
        // J1550 left the HCPCS file long ago; on a 2005 date its absence proves nothing.
        Whole(
            &P837.replace(
                "SV1*HC:96372*60*UN*1***1~\nDTP*472*D8*20260115~",
                "SV1*HC:J1550*60*UN*1***1~\nDTP*472*D8*20050115~",
            ),
            false,
        ),
        EditI("SV2*0510", "SV2*0510*HC:Q9876*60*UN*1", true),
        Edit("SV1*HC:96372", "SV1*HC:9637*60*UN*1***1", true),
        Edit("SV1*HC:96372", "SV1*HC:0042T*60*UN*1***1", false),
        // A known code in lower case: one finding with the fix; the crosswalk does not also
        // call Prolia's NDC a mismatch for `j0897` (NDC004).
        Trip("SV1*HC:j0897:JZ*2400*UN*60***1"),
        Edit("SV1*HC:96372", "SV1*HC:0042t*60*UN*1***1", true),
    ];
    let out = check_cases(&CODE001, &cases);
    // No date of service to read (DTP01 shifted out: SYN007's finding): absence from the file
    // proves nothing, as on a date before 2014.
    let undated = P837.replace(
        "SV1*HC:96372*60*UN*1***1~\nDTP*472*D8*20260115~",
        "SV1*HC:J1550*60*UN*1***1~\nDTP**472*D8*20260115~",
    );
    let codes: Vec<_> = crate::test::run(&undated).iter().map(|d| d.code).collect();
    assert_eq!(codes, ["SYN007"]);
    let d = out[2].iter().find(|d| d.code == "CODE001").unwrap();
    assert_eq!(
        d.message,
        "HCPCS code J1234 is not in the CMS HCPCS file (2026Q1)"
    );
    assert_eq!((d.loc.element, d.loc.component), (Some(1), Some(2)));
    let d = out[7].iter().find(|d| d.code == "CODE001").unwrap();
    assert_eq!(
        d.message,
        "`j0897` in SV101-2 is J0897 written in lower case"
    );
    assert_eq!(
        d.fix.as_ref().map(|f| f.replacement.as_str()),
        Some("J0897")
    );
}
