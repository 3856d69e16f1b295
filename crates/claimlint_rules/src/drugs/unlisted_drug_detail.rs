use crate::drugs::{hcpcs_of, is_unclassified};
use crate::{Ctx, declare_rule};
use claimlint_model::ServiceLine;

declare_rule! {
    /// ## What it does
    /// Reports an unclassified drug code (J3490, J3590, J9999, J7599, J7699, J7799, J8499,
    /// J8999, C9399) billed with neither an NDC (2410 LIN) nor a description of the drug
    /// (SV101-7 / SV202-7, or 2400 NTE).
    /// ## Why it matters
    /// An unclassified code says only "a drug"; the contractor prices it by hand from the
    /// drug's name, strength and amount, and returns the claim without them (Claims
    /// Processing Manual ch. 17 §90.3; 005010X222A1 note on SV101-7).
    /// ## Example
    /// `SV1*HC:J3490*150*UN*1***1~` with no LIN and no description
    /// ## Fix
    /// Describe the drug and give its NDC:
    /// `SV1*HC:J3490:::::DEXMEDETOMIDINE 200MCG/2ML*150*UN*1***1~LIN**N4*...~CTP****2*ML~`.
    code: DRG001, name: "unlisted-drug-detail", severity: Error, snip: 6,
    x999: Never,
    check: Line(unlisted_drug_detail),
}

fn unlisted_drug_detail(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let Some(code) = hcpcs_of(line).filter(|c| is_unclassified(c)) else {
        return;
    };
    let described = line.procedure.is_some_and(|p| p.description().is_some()) || line.note;
    if line.drug.is_some() || described {
        return;
    }
    let at = line.hcpcs().map_or_else(|| line.lx.loc(), |e| e.loc());
    let slot = if cx
        .tx()
        .is_some_and(|t| t.kind == claimlint_model::Kind::Institutional)
    {
        "SV202-7"
    } else {
        "SV101-7"
    };
    cx.report(at, format!("unclassified drug code {code} has neither an NDC (2410 LIN) nor a drug description"))
        .help(format!("give the drug's name, strength and amount in {slot} or 2400 NTE, and its NDC in 2410 LIN/CTP"));
}

#[test]
fn cases() {
    use crate::test::{Case::*, P837, check_cases, edit};
    let with_note = edit(
        &edit(P837, "SV1*HC:96372", "SV1*HC:J3490*60*UN*1***1"),
        "SE*",
        "NTE*ADD*DEXMEDETOMIDINE 200MCG~SE*29*0001",
    );
    let cases = [
        Pass(""),
        PassI(""),
        // The missing NDC is part of DRG001's error: NDC001's warning on the same line is
        // suppressed (suppress::PRECEDENCE).
        Edit("SV1*HC:96372", "SV1*HC:J3490*60*UN*1***1", true),
        EditI("SV2*0510", "SV2*0636*HC:J9999*60*UN*1", true),
        // A description is enough for DRG001; the line still has no NDC (NDC001's warning).
        Also(
            &["NDC001"],
            &Edit(
                "SV1*HC:96372",
                "SV1*HC:J3490:::::DEXMEDETOMIDINE 200MCG*60*UN*1***1",
                false,
            ),
        ),
        Also(&["NDC001"], &Whole(&with_note, false)),
    ];
    let out = check_cases(&DRG001, &cases);
    let d = out[2].iter().find(|d| d.code == "DRG001").unwrap();
    assert_eq!(
        d.message,
        "unclassified drug code J3490 has neither an NDC (2410 LIN) nor a drug description"
    );
}
