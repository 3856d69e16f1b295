//! MOD001–MOD003: CMS's JW/JZ policy for drugs from single-dose containers (Medicare Claims
//! Processing Manual ch. 17 §40; CMS "Discarded Drugs and Biologicals — JW Modifier and JZ
//! Modifier Policy" FAQs). One walk, three findings: missing, conflicting, orphaned.

use crate::drugs::{JZ_FROM, hcpcs_of, is_drug_code, line_dos, ndc11, partner_with};
use crate::modifiers::modifier;
use crate::{Ctx, declare_rule};
use claimlint_model::{Claim, Kind, ServiceLine};

declare_rule! {
    /// ## What it does
    /// Reports a drug from a single-dose container, date of service on or after 2023-07-01,
    /// billed with neither JZ (nothing discarded) nor an accompanying JW line (the discarded
    /// amount) for the same code and date. 837I claims of bill types 11x (inpatient), 71x
    /// (RHC) and 77x (FQHC) are skipped: the policy does not apply to them.
    ///
    /// "Single-dose container" is decided from `data/single_dose.tsv`, compiled in: rows by
    /// NDC or by HCPCS code (`*`, used only when every product under the code is single-dose
    /// or every one is multiple-dose), each read from the FDA label's How Supplied section
    /// and citing it. The line's NDC row wins over its code's `*` row. A drug in neither is
    /// not judged (no diagnostic): the table is deliberately incomplete rather than wrong.
    /// Users extend it in `claimlint.toml` (`[single-dose]`); a file's rows apply only to
    /// the inputs that file governs.
    /// ## Why it matters
    /// Since 2023-07-01 Medicare returns or denies such lines without JW or JZ, and
    /// Medicare Administrative Contractors audit JZ against the units billed.
    /// ## Example
    /// `SV1*HC:J0897*2400*UN*60***1~` with Prolia's NDC (a single-dose prefilled syringe)
    /// ## Fix
    /// `SV1*HC:J0897:JZ*2400*UN*60***1~` when nothing was discarded; otherwise bill the
    /// discarded units on a second J0897 line with JW.
    code: MOD001, name: "jw-jz-missing", severity: Error, snip: 5,
    check: Line(jw_jz_missing),
}

declare_rule! {
    /// ## What it does
    /// Reports JW and JZ on one line, and JZ on an administered line while a JW line bills
    /// discarded units of the same code on the same date.
    /// ## Why it matters
    /// JZ attests that nothing was discarded; a JW line says something was. The claim
    /// contradicts itself and the contractor denies or audits it (CMS JW/JZ FAQs).
    /// ## Example
    /// ```x12
    /// LX*1~SV1*HC:J9177:JZ*2400*UN*70***1~
    /// LX*2~SV1*HC:J9177:JW*60*UN*10***1~
    /// ```
    /// ## Fix
    /// Drop JZ from the administered line when a JW line bills the discarded amount.
    code: MOD002, name: "jw-jz-conflict", severity: Error, snip: 5,
    check: Line(jw_jz_conflict),
}

declare_rule! {
    /// ## What it does
    /// Reports a JW line (discarded drug) with no line in the claim that bills the
    /// administered amount of the same code on the same date.
    /// ## Why it matters
    /// CMS pays discarded units only with the dose administered from the same container,
    /// billed on its own line without JW (Claims Processing Manual ch. 17 §40).
    /// ## Example
    /// `SV1*HC:J9177:JW*60*UN*10***1~` alone in the claim
    /// ## Fix
    /// Bill the administered amount on its own J9177 line in the same claim, or correct the
    /// JW line's code or date.
    code: MOD003, name: "jw-orphan", severity: Error, snip: 5,
    check: Line(jw_orphan),
}

/// Whether JW/JZ policy applies to the claim: not to 837I bill types 11x, 71x, 77x.
fn policy_applies(cx: &Ctx<'_>, claim: &Claim<'_>) -> bool {
    if cx.tx().is_some_and(|t| t.kind == Kind::Institutional) {
        return !claim
            .facility_code
            .is_some_and(|f| matches!(f.bytes, b"11" | b"71" | b"77"));
    }
    true
}

fn jw_jz_missing(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let (Some(claim), Some(code), Some(p)) = (cx.claim(), hcpcs_of(line), line.procedure) else {
        return;
    };
    if line.has_modifier(b"JZ") || line.has_modifier(b"JW") {
        return;
    }
    if line_dos(line, Some(claim)).is_none_or(|d| d < JZ_FROM) || !policy_applies(cx, claim) {
        return;
    }
    if line.drug.is_none() && !is_drug_code(cx.data(), code) {
        return;
    }
    let ndc = line.drug.and_then(|d| d.ndc).and_then(|n| ndc11(n.bytes));
    let Some(sd) = cx.single_dose(code, ndc.as_ref().map(|n| n.as_str())) else {
        return;
    };
    if !sd.single_dose || partner_with(claim, line, code, b"JW") {
        return;
    }
    let drug = sd.drug.split(" (").next().filter(|d| !d.is_empty());
    let what = drug.map_or_else(
        || sd.package.to_string(),
        |d| format!("{d}, {}", sd.package),
    );
    cx.report(p.composite.loc(), format!("{code} ({what}) has neither JZ nor a JW line for the discarded amount"))
        .help(format!(
            "add JZ ({code}:JZ) when none was discarded, or bill the discarded units on a second {code} line with JW; CMS requires one or the other for single-dose containers from 2023-07-01 (single-dose per {})",
            sd.source
        ));
}

fn jw_jz_conflict(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let (Some(claim), Some(code)) = (cx.claim(), hcpcs_of(line)) else {
        return;
    };
    let Some(jz) = modifier(line, b"JZ") else {
        return;
    };
    if line.has_modifier(b"JW") {
        cx.report(jz.loc(), format!("{code} carries both JW and JZ"))
            .help("JZ says nothing was discarded, JW bills what was: bill the administered units with JZ, or split into an administered line and a JW line");
    } else if partner_with(claim, line, code, b"JW") {
        cx.report(jz.loc(), format!("{code} has JZ (nothing discarded) but a JW line bills discarded {code} on the same date"))
            .help(format!("remove JZ from this line; the administered {code} line goes without JW or JZ when a JW line bills the discarded amount"));
    }
}

fn jw_orphan(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let (Some(claim), Some(code)) = (cx.claim(), hcpcs_of(line)) else {
        return;
    };
    let Some(jw) = modifier(line, b"JW") else {
        return;
    };
    let dos = line_dos(line, Some(claim));
    let administered = claim.lines.iter().any(|l| {
        l.lx.offset != line.lx.offset
            && hcpcs_of(l) == Some(code)
            && line_dos(l, Some(claim)) == dos
            && !l.has_modifier(b"JW")
    });
    if administered {
        return;
    }
    let on = dos.map(|d| format!(" on {d}")).unwrap_or_default();
    cx.report(jw.loc(), format!("JW line bills discarded {code} but no line in the claim bills {code} administered{on}"))
        .help(format!("bill the administered amount on its own {code} line (without JW) in this claim, with the same date of service"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test::{Case::*, I837, P837, check_cases, edit};

    /// Padcev: 70 units administered from a 20 mg vial, 10 discarded on a JW line.
    fn with_jw(admin: &str, jw: &str) -> String {
        let s = edit(P837, "SV1*HC:J0897", admin);
        let s = edit(&s, "LIN*", "LIN**N4*51144002001");
        edit(&s, "SV1*HC:96372", jw)
    }

    #[test]
    fn missing() {
        let rhc = edit(
            &edit(I837, "CLM*", "CLM*PAT2001-01*2460***71:A:1**A*Y*Y"),
            "SV2*0636",
            "SV2*0636*HC:J0897*2400*UN*60",
        );
        let jw = with_jw(
            "SV1*HC:J9177*2400*UN*70***1",
            "SV1*HC:J9177:JW*60*UN*10***1",
        );
        let cases = [
            Pass(""),
            PassI(""),
            Trip("SV1*HC:J0897*2400*UN*60***1"),
            TripI("SV2*0636*HC:J0897*2400*UN*60"),
            // Before the policy began.
            Pass("SV1*HC:J0897*2400*UN*60***1~DTP*472*D8*20230630"),
            // RHC (71x): the policy does not apply.
            Whole(&rhc, false),
            // The discarded amount on a JW line.
            Whole(&jw, false),
            // Padcev by its code's `*` row.
            Trip("SV1*HC:J9177*2400*UN*80***1~LIN**N4*51144002001~CTP****1*UN~"),
            Pass("SV1*HC:J9177:JZ*2400*UN*80***1~LIN**N4*51144002001~CTP****1*UN~"),
        ];
        let out = check_cases(&MOD001, &cases);
        let d = out[2].iter().find(|d| d.code == "MOD001").unwrap();
        assert_eq!(
            d.message,
            "J0897 (Prolia, single-dose prefilled syringe) has neither JZ nor a JW line for the discarded amount"
        );
        assert_eq!(
            (d.loc.segment.as_str(), d.loc.element, d.loc.component),
            ("SV1", Some(1), None)
        );
        assert!(
            d.help
                .as_deref()
                .unwrap()
                .ends_with("(single-dose per Prolia label, 16 How Supplied)")
        );
        let d = out[3].iter().find(|d| d.code == "MOD001").unwrap();
        assert_eq!((d.loc.segment.as_str(), d.loc.element), ("SV2", Some(2)));
    }

    #[test]
    fn conflict() {
        let jz_and_jw_line = with_jw(
            "SV1*HC:J9177:JZ*2400*UN*70***1",
            "SV1*HC:J9177:JW*60*UN*10***1",
        );
        let cases = [
            Pass(""),
            PassI(""),
            Trip("SV1*HC:J0897:JW:JZ*2400*UN*60***1"),
            TripI("SV2*0636*HC:J0897:JZ:JW*2400*UN*60"),
            Whole(&jz_and_jw_line, true),
        ];
        let out = check_cases(&MOD002, &cases);
        let d = out[4].iter().find(|d| d.code == "MOD002").unwrap();
        assert_eq!(
            d.message,
            "J9177 has JZ (nothing discarded) but a JW line bills discarded J9177 on the same date"
        );
        assert_eq!((d.loc.element, d.loc.component), (Some(1), Some(3)));
    }

    #[test]
    fn orphan() {
        let jw = with_jw(
            "SV1*HC:J9177*2400*UN*70***1",
            "SV1*HC:J9177:JW*60*UN*10***1",
        );
        let cases = [
            Pass(""),
            PassI(""),
            Whole(&jw, false),
            Edit("SV1*HC:96372", "SV1*HC:J9177:JW*60*UN*10***1", true),
            EditI("SV2*0510", "SV2*0636*HC:J9177:JW*60*UN*10", true),
        ];
        let out = check_cases(&MOD003, &cases);
        let d = out[3].iter().find(|d| d.code == "MOD003").unwrap();
        assert_eq!(
            d.message,
            "JW line bills discarded J9177 but no line in the claim bills J9177 administered on 2026-01-15"
        );
    }
}

/// Issue 12: a config file's `[single-dose]` rows reach MOD001 through its own settings
/// (`Params::single_dose`), and only through them.
#[test]
fn config_rows_come_from_the_settings() {
    use crate::test::{P837, replace_segments, run, run_with};
    // J1817's table row says multiple-dose: no MOD001 without JZ, unless the settings say so.
    let text = replace_segments(P837, "SV1*HC:J1817*2400*UN*60***1");
    let fired = |d: &[claimlint_diagnostic::Diagnostic]| d.iter().any(|d| d.code == "MOD001");
    assert!(!fired(&run(&text)));
    let mut params = crate::Params::default();
    params.single_dose.add("J1817", None, true).unwrap();
    let with_rows = crate::LintSettings::default().with_params(params);
    assert!(fired(&run_with(&text, &with_rows)));
    assert!(!fired(&run(&text)), "the rows stay in their settings");
}
