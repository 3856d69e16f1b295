use crate::drugs::{bill_help, code_label, drug_label, generic, hcpcs_of, is_unclassified};
use crate::ndc::is_ndc_qualified;
use crate::{Ctx, declare_rule};
use claimlint_model::DrugLine;

declare_rule! {
    /// ## What it does
    /// Looks the line's NDC up in the CMS ASP NDC-HCPCS crosswalk of the quarter of the date
    /// of service and reports when the crosswalk bills that NDC under another HCPCS code than
    /// the line's. The message names the drug, the billed code and its descriptor, and the
    /// crosswalk's code. The help gives both fixes, since either the code or the NDC may be
    /// the mistake: bill the NDC's code (with its dose descriptor and the units to bill for the
    /// CTP quantity), or keep the code and report an NDC of the billed code's drug.
    /// ## Why it matters
    /// Medicare contractors and most payers edit the NDC against the HCPCS code; a mismatch
    /// is denied. Billing guides get these codes wrong: denosumab (Prolia, Xgeva) is J0897,
    /// not J1097, J3397, J1327 or J3486; enfortumab vedotin (Padcev) is J9177, not J1324.
    /// ## Example
    /// ```x12
    /// SV1*HC:J3486:JZ*2400*UN*60***1~
    /// LIN**N4*55513071001~
    /// CTP****1*UN~
    /// ```
    /// ## Fix
    /// Help: `bill J0897 (Injection, denosumab, 1 mg) × 60 units for 1 syringe, or use an NDC of
    /// J3486's drug (ziprasidone mesylate)`. When Prolia was given, bill the crosswalk's code
    /// with its units: `SV1*HC:J0897:JZ*2400*UN*60***1~`; when ziprasidone was given, keep
    /// J3486 and report its NDC in LIN03.
    code: NDC004, name: "ndc-hcpcs-mismatch", severity: Error, snip: 6,
    x999: Never,
    check: Drug(ndc_hcpcs_mismatch),
}

fn ndc_hcpcs_mismatch(drug: &DrugLine<'_>, cx: &mut Ctx<'_>) {
    let (Some(line), Some(el)) = (cx.line(), drug.ndc()) else {
        return;
    };
    if !is_ndc_qualified(drug) {
        return;
    }
    let Some(code) = hcpcs_of(line) else { return };
    // An unclassified code with a crosswalked NDC is DRG003's finding.
    if is_unclassified(code) {
        return;
    }
    let Some(x) = cx.crosswalked(line) else {
        return;
    };
    let Some(first) = x.rows.first() else { return }; // unknown NDC: NDC003
    // `j0897` for J0897: the code's case is CODE001's finding, not a mismatch.
    if x.billed.is_some() || x.rows.iter().any(|r| r.hcpcs.eq_ignore_ascii_case(code)) {
        return;
    }
    let mut codes: Vec<&str> = x.rows.iter().map(|r| r.hcpcs).collect();
    codes.dedup();
    let message = format!(
        "NDC {} ({}) crosswalks to {}, not {}",
        x.ndc.dashed(),
        drug_label(cx, first),
        codes.join(" or "),
        code_label(cx.data(), code)
    );
    let mut help = x
        .rows
        .iter()
        .map(|r| bill_help(cx, r, Some(drug)))
        .collect::<Vec<_>>()
        .join(", or ");
    help.push_str(&format!(", or use an NDC of {code}'s drug"));
    if let Some(name) = billed_drug(cx, code) {
        help.push_str(&format!(" ({name})"));
    }
    cx.report(el.loc(), message).help(help);
}

/// The drug the billed code describes, for the second fix: the generic name in its HCPCS
/// descriptor (`Injection, ziprasidone mesylate, 10 mg` → `ziprasidone mesylate`), else the
/// descriptor without its dose (`Phenylephrine … ophthalmic irrigation solution`).
fn billed_drug(cx: &Ctx<'_>, code: &str) -> Option<String> {
    if let Some(g) = generic(cx.data(), code) {
        return Some(g.to_string());
    }
    let long = cx.data().hcpcs(code)?.long.trim();
    let name = long.rsplit_once(", ").map_or(long, |(name, _dose)| name);
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test::{Case::*, check_cases};

    #[test]
    fn cases() {
        let cases = [
            Pass(""),
            PassI(""),
            Trip("SV1*HC:J3486:JZ*2400*UN*60***1"),
            TripI("SV2*0636*HC:J3486:JZ*2400*UN*60"),
            // Padcev 20 mg vial: J9177 × 80.
            Pass("SV1*HC:J9177:JZ*2400*UN*80***1~LIN**N4*51144002001~CTP****1*UN~"),
            PassI("SV2*0636*HC:J9177:JZ*2400*UN*80~LIN**N4*51144002001~CTP****1*UN~"),
            // An NDC known only in another quarter is NDC003's business, not this rule's.
            Also(&["NDC003"], &Pass("LIN**N4*55513071099~")),
        ];
        check_cases(&NDC004, &cases);
    }

    /// Issue 5: the codes public billing guides give for denosumab and enfortumab vedotin.
    #[test]
    fn billing_guide_mistakes() {
        for wrong in ["J1097", "J3397", "J1327", "J3486"] {
            for i in [false, true] {
                let sv = if i {
                    format!("SV2*0636*HC:{wrong}:JZ*2400*UN*60")
                } else {
                    format!("SV1*HC:{wrong}:JZ*2400*UN*60***1")
                };
                let case = if i { TripI(&sv) } else { Trip(&sv) };
                let out = check_cases(&NDC004, &[case]);
                let d = out[0].iter().find(|d| d.code == "NDC004").unwrap();
                assert!(
                    d.message.starts_with(
                        "NDC 55513-0710-01 (Prolia, denosumab 60 mg/mL) crosswalks to J0897, not "
                    ),
                    "{}",
                    d.message
                );
                assert!(d.message.contains(wrong));
                let help = d.help.as_deref().unwrap();
                assert!(
                    help.starts_with(&format!(
                        "bill J0897 (Injection, denosumab, 1 mg) × 60 units for 1 syringe, or use an NDC of {wrong}'s drug ("
                    )),
                    "{help}"
                );
                assert_eq!((d.loc.segment.as_str(), d.loc.element), ("LIN", Some(3)));
            }
        }
        let out = check_cases(
            &NDC004,
            &[Trip(
                "SV1*HC:J1324*2400*UN*80***1~LIN**N4*51144002001~CTP****1*UN~",
            )],
        );
        let d = out[0].iter().find(|d| d.code == "NDC004").unwrap();
        assert_eq!(
            d.message,
            "NDC 51144-0020-01 (Padcev, enfortumab vedotin-ejfv 20 mg) crosswalks to J9177, not J1324 (Injection, enfuvirtide, 1 mg)"
        );
        assert_eq!(
            d.help.as_deref(),
            Some(
                "bill J9177 (Injection, enfortumab vedotin-ejfv, 0.25 mg) × 80 units for 1 vial, or use an NDC of J1324's drug (enfuvirtide)"
            )
        );
    }

    /// Issue 14: both fixes, in the brief's words, and the exact set of codes (the units
    /// advice for the wrong code is suppressed by precedence elsewhere, not asserted here).
    #[test]
    fn help_gives_both_fixes() {
        let out = check_cases(&NDC004, &[Trip("SV1*HC:J3486:JZ*2400*UN*60***1")]);
        let d = out[0].iter().find(|d| d.code == "NDC004").unwrap();
        assert_eq!(
            d.help.as_deref(),
            Some(
                "bill J0897 (Injection, denosumab, 1 mg) × 60 units for 1 syringe, or use an NDC of J3486's drug (ziprasidone mesylate)"
            )
        );
        let out = check_cases(&NDC004, &[Trip("SV1*HC:J1097:JZ*2400*UN*60***1")]);
        let d = out[0].iter().find(|d| d.code == "NDC004").unwrap();
        assert!(
            d.help.as_deref().unwrap().ends_with(
                ", or use an NDC of J1097's drug (Phenylephrine 10.16 mg/ml and ketorolac 2.88 mg/ml ophthalmic irrigation solution)"
            ),
            "{:?}",
            d.help
        );
    }
}
