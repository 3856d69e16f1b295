use crate::{Ctx, declare_rule};
use claimlint_data as data;
use claimlint_diagnostic::{Fix, Safety};
use claimlint_model::ServiceLine;

declare_rule! {
    /// ## What it does
    /// Reports a two-character modifier of SV101/SV202 that is neither a HCPCS Level II
    /// modifier (CMS HCPCS file) nor a numeric CPT modifier (CPT Appendix A: 22–99), nor, on
    /// a transport code (A0021–A0999), an ambulance origin/destination pair (two of CMS's site
    /// letters, `RH`; `X` as destination only; a pair beside no code at all is SYN007's, the
    /// code left empty). Modifiers of another length are MOD004's
    /// finding. A known modifier in lower case (`jz`) is reported here, with a safe fix to
    /// upper case, and read as itself by the other rules.
    /// ## Why it matters
    /// An unknown modifier rejects the line, or worse, is ignored and the line priced
    /// without it (a JZ written as `JX` loses the JW/JZ attestation).
    /// ## Example
    /// `SV1*HC:J0897:ZJ*2400*UN*60***1~`
    /// ## Fix
    /// `SV1*HC:J0897:JZ*2400*UN*60***1~`.
    code: CODE004, name: "modifier-unknown", severity: Error, snip: 5,
    x999: Never,
    fix: Safe,
    check: Line(modifier_unknown),
}

fn modifier_unknown(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let Some(p) = line.procedure else { return };
    // `a0428` is A0428 in lower case (CODE001's finding), a transport code all the same.
    // Asked only of a modifier that is a site pair.
    // The code as written when its qualifier is left empty (`SV1*:A0425:RH`, SYN007's).
    let transport = || {
        p.code_as_written().is_some_and(|c| {
            if c.bytes().any(|b| b.is_ascii_lowercase()) {
                data::is_transport_code(&c.to_ascii_uppercase())
            } else {
                data::is_transport_code(c)
            }
        })
    };
    // No code at all (`SV1*HC::RH`): what the modifier may go with is what is missing
    // (SYN007's finding), so a site pair is not judged.
    let coded = p.code().is_some();
    for (i, m) in p.modifiers().enumerate() {
        let Ok(text) = std::str::from_utf8(m.bytes) else {
            continue;
        };
        if text.len() != 2
            || cx.data().modifier(text).is_some()
            || data::is_cpt_modifier(text)
            || (data::ambulance_sites(text).is_some() && (!coded || transport()))
        {
            continue;
        }
        // A repeat of an earlier modifier in any case (`JZ:jz`) is MOD004's one finding:
        // removing it settles the case too.
        if p.modifiers()
            .take(i)
            .any(|b| b.bytes.eq_ignore_ascii_case(m.bytes))
        {
            continue;
        }
        let upper = text.to_ascii_uppercase();
        let fold = upper != text
            && (cx.data().modifier(&upper).is_some()
                || data::is_cpt_modifier(&upper)
                || (data::ambulance_sites(&upper).is_some() && transport()));
        let help = if fold {
            format!("write it in capitals: {upper}")
        } else if let Some((from, to)) = data::ambulance_sites(text) {
            format!(
                "`{text}` is an ambulance origin/destination pair ({from} to {to}), which only a transport code (A0021-A0999) takes; use a HCPCS or CPT modifier"
            )
        } else {
            "use a modifier from the HCPCS Level II file or CPT Appendix A".to_string()
        };
        let d = cx.report(
            m.loc(),
            format!(
                "modifier `{text}` in {} is neither a HCPCS nor a CPT modifier",
                m.ref_des()
            ),
        );
        d.help(help);
        if fold {
            d.fix(Fix::replace(&m.loc(), upper, Safety::Safe));
        }
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let cases = [
        Pass(""),
        PassI(""),
        // A transposed JZ beside the real one: the unknown modifier is the only defect.
        Trip("SV1*HC:J0897:JZ:ZJ*2400*UN*60***1"),
        // A lower-case `jz`: this finding alone; the JW/JZ rules read it as JZ, so the drug
        // does not also lack JZ (MOD001).
        TripI("SV2*0636*HC:J0897:jz*2400*UN*60"),
        Edit("SV1*HC:96372", "SV1*HC:96372:59*60*UN*1***1", false),
        Edit("SV1*HC:96372", "SV1*HC:A0428:RH*60*UN*1***1", false), // residence → hospital
        Edit("SV1*HC:96372", "SV1*HC:A0428:RZ*60*UN*1***1", true),  // Z is no site code
        Edit("SV1*HC:96372", "SV1*HC:A0428:XH*60*UN*1***1", true),  // X: destination only
        Edit("SV1*HC:96372", "SV1*HC:A0428:DD*60*UN*1***1", false), // site to site
        // A site pair on a code that is not a transport code is no modifier.
        Edit("SV1*HC:96372", "SV1*HC:96372:DD*60*UN*1***1", true),
        Edit("SV1*HC:96372", "SV1*HC:96372:XU*60*UN*1***1", false),
    ];
    let out = check_cases(&CODE004, &cases);
    let d = out[3].iter().find(|d| d.code == "CODE004").unwrap();
    assert_eq!(d.help.as_deref(), Some("write it in capitals: JZ"));
    assert_eq!((d.loc.element, d.loc.component), (Some(2), Some(3)));
    let d = out[9].iter().find(|d| d.code == "CODE004").unwrap();
    assert!(
        d.help.as_deref().is_some_and(|h| h.starts_with(
            "`DD` is an ambulance origin/destination pair (diagnostic or therapeutic site other than P or H to"
        )),
        "{:?}",
        d.help
    );
}

/// A lower-case transport code still takes a site pair (was CODE004 with help to remove a
/// valid `RH`); a lower-case repeat of a modifier is MOD004's one finding.
#[test]
fn case_slips_are_one_finding() {
    use crate::test::{P837, edit, run};
    let codes = |text: &str| {
        let mut c: Vec<&str> = run(text).iter().map(|d| d.code).collect();
        c.sort_unstable();
        c
    };
    let transport = edit(P837, "SV1*HC:96372", "SV1*HC:a0428:RH*60*UN*1***1");
    assert_eq!(codes(&transport), ["CODE001"]);
    let repeat = edit(P837, "SV1*HC:J0897:JZ", "SV1*HC:J0897:JZ:jz*2400*UN*60***1");
    assert_eq!(codes(&repeat), ["MOD004"]);
}
