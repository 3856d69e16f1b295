use crate::{Ctx, declare_rule};
use claimlint_data as data;
use claimlint_model::ServiceLine;

declare_rule! {
    /// ## What it does
    /// Reports a two-character modifier of SV101/SV202 that is neither a HCPCS Level II
    /// modifier (CMS HCPCS file) nor a numeric CPT modifier (CPT Appendix A: 22–99). Modifiers
    /// of another length are MOD004's finding.
    /// ## Why it matters
    /// An unknown modifier rejects the line, or worse, is ignored and the line priced
    /// without it (a JZ written as `JX` loses the JW/JZ attestation).
    /// ## Example
    /// `SV1*HC:J0897:ZJ*2400*UN*60***1~`
    /// ## Fix
    /// `SV1*HC:J0897:JZ*2400*UN*60***1~`.
    code: CODE004, name: "modifier-unknown", severity: Error, snip: 5,
    x999: Never,
    check: Line(modifier_unknown),
}

/// Ambulance origin/destination modifiers are two of the CMS one-letter codes (D, E, G, H, I,
/// J, N, P, R, S, X), e.g. RH = residence to hospital (Medicare Claims Processing Manual,
/// chapter 15, section 30.A). CMS defines the letters, not a list of pairs, so the HCPCS
/// modifier file does not hold every pair.
fn is_ambulance_modifier(m: &str) -> bool {
    m.len() == 2 && m.bytes().all(|b| b"DEGHIJNPRSX".contains(&b))
}

fn modifier_unknown(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let Some(p) = line.procedure else { return };
    for m in p.modifiers() {
        let Ok(text) = std::str::from_utf8(m.bytes) else {
            continue;
        };
        if text.len() != 2
            || cx.data().modifier(text).is_some()
            || data::is_cpt_modifier(text)
            || is_ambulance_modifier(text)
        {
            continue;
        }
        let upper = text.to_ascii_uppercase();
        let help = if upper != text
            && (cx.data().modifier(&upper).is_some() || data::is_cpt_modifier(&upper))
        {
            format!("write it in capitals: {upper}")
        } else {
            "use a modifier from the HCPCS Level II file or CPT Appendix A".to_string()
        };
        cx.report(
            m.loc(),
            format!(
                "modifier `{text}` in {} is neither a HCPCS nor a CPT modifier",
                m.ref_des()
            ),
        )
        .help(help);
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
        // Suspected cascade: the lowercase `jz` is not read as JZ, so the drug also lacks JZ
        // (MOD001) - one slip, two errors.
        Also(&["MOD001"], &TripI("SV2*0636*HC:J0897:jz*2400*UN*60")),
        Edit("SV1*HC:96372", "SV1*HC:96372:59*60*UN*1***1", false),
        Edit("SV1*HC:96372", "SV1*HC:A0428:RH*60*UN*1***1", false), // residence → hospital
        Edit("SV1*HC:96372", "SV1*HC:A0428:RZ*60*UN*1***1", true),  // Z is no origin code
        Edit("SV1*HC:96372", "SV1*HC:96372:XU*60*UN*1***1", false),
    ];
    let out = check_cases(&CODE004, &cases);
    let d = out[3].iter().find(|d| d.code == "CODE004").unwrap();
    assert_eq!(d.help.as_deref(), Some("write it in capitals: JZ"));
    assert_eq!((d.loc.element, d.loc.component), (Some(2), Some(3)));
}
