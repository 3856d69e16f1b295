//! MOD006: JW or JZ on a drug from a multiple-dose container, where CMS's discarded-drug
//! modifiers do not apply.

use crate::drugs::{JZ_FROM, hcpcs_of, line_dos};
use crate::modifiers::jw_jz::{cited, container, policy_applies};
use crate::modifiers::modifier;
use crate::{Ctx, declare_rule};
use claimlint_data::SingleDose;
use claimlint_model::{Claim, ServiceLine};

declare_rule! {
    /// ## What it does
    /// Reports JW or JZ on a drug line whose container is a multiple-dose vial: the line's
    /// NDC has a verified multiple-dose row in `data/single_dose.tsv` (or the config's
    /// `[single-dose]` rows), or, on a line without an NDC, every NDC the crosswalk lists
    /// under its code does. Heparin J1644 is the common case: Pfizer's 10 mL vial
    /// (NDC 0409-2723-02) is "VIAL, MULTI-DOSE" while its 1 mL vial is single-dose, so a
    /// heparin line is judged by its NDC. Runs on the claims MOD001 runs on (Medicare
    /// fee-for-service by default; `jw-jz` in claimlint.toml) and not where MOD001's
    /// exemptions apply; from dates of service 2023-07-01.
    /// ## Why it matters
    /// The JW/JZ policy covers single-dose containers only; CMS's FAQs say "the use of the
    /// modifier is not appropriate for drugs that are from multiple-dose vials or packages"
    /// (CMS JW modifier FAQs, as quoted by ICD10monitor, "Pharmacy Question for the week of
    /// June 1, 2020"), and Medicare pays no discarded amount from a multiple-dose container
    /// ("Payment for waste from multiple-dose containers is not payable under Medicare",
    /// NGS Medicare, "Discarded Drugs/Wastage and JW, JZ Modifier"). A JW line for heparin is
    /// a billed amount nobody may claim; a JZ tells the contractor the line is a single-dose
    /// drug and invites review against the NDC.
    /// ## Example
    /// ```x12
    /// SV1*HC:J1644:JZ*2400*UN*25***1~
    /// LIN**N4*00409272302~
    /// CTP****5*ML~
    /// ```
    /// ## Fix
    /// Drop JZ (and any JW line): bill only the units administered, `SV1*HC:J1644*2400*UN*25***1~`.
    code: MOD006, name: "jw-jz-on-multi-dose", severity: Warning, snip: 5,
    x999: Never,
    check: Line(jw_jz_on_multi_dose),
}

/// The multiple-dose container of a line MOD006 judges (the JW/JZ policy applies to the claim
/// and date), when the line's drug comes from one.
fn multi_dose(
    cx: &Ctx<'_>,
    claim: &Claim<'_>,
    line: &ServiceLine<'_>,
    code: &str,
) -> Option<SingleDose> {
    if line_dos(line, Some(claim)).is_none_or(|d| d < JZ_FROM) || !policy_applies(cx, claim, line) {
        return None;
    }
    container(cx, line, code).filter(|sd| !sd.single_dose)
}

/// A JW line MOD006 reports: a discarded amount from a multiple-dose container, which
/// Medicare does not pay. UNT002 leaves its units out of the date's total, so the JW line is
/// one finding (MOD006), not also the reason the date exceeds its MUE.
pub(crate) fn unpayable_discard(cx: &Ctx<'_>, claim: &Claim<'_>, line: &ServiceLine<'_>) -> bool {
    line.has_modifier(b"JW")
        && !line.has_modifier(b"JZ")
        && hcpcs_of(line).is_some_and(|code| multi_dose(cx, claim, line, code).is_some())
}

fn jw_jz_on_multi_dose(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let (Some(claim), Some(code)) = (cx.claim(), hcpcs_of(line)) else {
        return;
    };
    let Some((m, which)) = modifier(line, b"JZ")
        .map(|m| (m, "JZ"))
        .or_else(|| modifier(line, b"JW").map(|m| (m, "JW")))
    else {
        return;
    };
    let Some(sd) = multi_dose(cx, claim, line, code) else {
        return;
    };
    let what = sd
        .drug
        .split(" (")
        .next()
        .filter(|d| !d.is_empty())
        .map_or_else(
            || sd.package.to_string(),
            |d| format!("{d}, {}", sd.package),
        );
    let help = if which == "JW" {
        format!(
            "a multiple-dose container has no discarded amount to bill: remove this JW line and bill only the {code} units administered"
        )
    } else {
        format!(
            "remove JZ: JW and JZ apply to single-dose containers only (multiple-dose per {})",
            cited(&sd)
        )
    };
    cx.report(
        m.loc(),
        format!("{code} ({what}) carries {which}, but JW and JZ are for single-dose containers"),
    )
    .help(help);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test::{Case::*, check_cases};
    use std::collections::BTreeSet;

    fn codes(d: &[claimlint_diagnostic::Diagnostic]) -> BTreeSet<&str> {
        d.iter().map(|d| d.code).collect()
    }

    const HEPARIN_MULTI: &str = "LIN**N4*00409272302~CTP****5*ML~";
    const HEPARIN_SINGLE: &str = "LIN**N4*00409272301~CTP****1*UN~";

    /// Issue 14: heparin J1644 from a multiple-dose vial with JZ or JW.
    #[test]
    fn cases() {
        let jz = format!("SV1*HC:J1644:JZ*2400*UN*25***1~{HEPARIN_MULTI}");
        let jw = format!("SV1*HC:J1644:JW*2400*UN*25***1~{HEPARIN_MULTI}");
        let jz_i = format!("SV2*0636*HC:J1644:JZ*2400*UN*25~{HEPARIN_MULTI}");
        let no_modifier = format!("SV1*HC:J1644*2400*UN*25***1~{HEPARIN_MULTI}");
        let single = format!("SV1*HC:J1644:JZ*2400*UN*5***1~{HEPARIN_SINGLE}");
        let medicaid = format!("SBR*P*18*******MC~{jz}");
        let cases = [
            Pass(""),
            PassI(""),
            Trip(&jz),
            Trip(&jw),
            TripI(&jz_i),
            // No modifier: nothing to say (MOD001 does not ask for one either).
            Pass(&no_modifier),
            // Heparin's single-dose 1 mL vial: JZ is right.
            Pass(&single),
            // A Medicaid claim: the policy is Medicare's.
            Pass(&medicaid),
            // Prolia (single-dose) with JZ: the template.
            Pass("SV1*HC:J0897:JZ*2400*UN*60***1"),
        ];
        let out = check_cases(&MOD006, &cases);
        // Exact sets: a JW line on a multiple-dose vial is not also MOD003's orphan JW line
        // (suppress::PRECEDENCE: nothing is discarded from a multiple-dose vial).
        assert_eq!(codes(&out[2]), BTreeSet::from(["MOD006"]));
        assert_eq!(codes(&out[3]), BTreeSet::from(["MOD006"]));
        assert_eq!(codes(&out[4]), BTreeSet::from(["MOD006"]));
        let d = out[2].iter().find(|d| d.code == "MOD006").unwrap();
        assert_eq!(
            d.message,
            "J1644 (Heparin Sodium Injection, multiple-dose vial) carries JZ, but JW and JZ are for single-dose containers"
        );
        assert_eq!(
            (d.loc.segment.as_str(), d.loc.element, d.loc.component),
            ("SV1", Some(1), Some(3))
        );
        assert!(d.help.as_deref().unwrap().starts_with("remove JZ: JW and JZ apply to single-dose containers only (multiple-dose per FDA NDC Directory"));
    }

    /// Heparin without an NDC: its code mixes single- and multiple-dose vials, so the data
    /// cannot tell and MOD006 stays quiet; a config `*` row saying multiple-dose decides it.
    #[test]
    fn without_ndc() {
        use crate::test::{P837, edit, run, run_with};
        let text = edit(P837, "SV1*HC:J0897", "SV1*HC:J1644:JZ*2400*UN*25***1");
        let text = edit(&edit(&text, "LIN*", ""), "CTP*", "");
        assert!(!run(&text).iter().any(|d| d.code == "MOD006"));
        let mut params = crate::Params::default();
        params.single_dose.add("J1644", None, false).unwrap();
        let settings = crate::LintSettings::default().with_params(params);
        assert_eq!(
            codes(&run_with(&text, &settings)),
            BTreeSet::from(["MOD006", "NDC001"])
        );
    }
}
