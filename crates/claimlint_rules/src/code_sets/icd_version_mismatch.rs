use super::{ICD_QUALIFIERS, ICD10_FROM, icd_date, is_icd10_qualifier};
use crate::{Ctx, declare_rule};
use claimlint_model::{Claim, Kind};
use claimlint_x12::Element;

declare_rule! {
    /// ## What it does
    /// Checks that the HI qualifiers of a claim name the ICD version in force on its date of
    /// service: ICD-10 (ABK, ABF, ABJ, APR, ABN diagnoses; BBR, BBQ procedures) on and after
    /// 2015-10-01, ICD-9-CM (BK, BF, BJ, PR, BN; BR, BQ) before it. The date is the statement
    /// through date (DTP*434) in an 837I, else the latest line date (DTP*472). One finding
    /// per claim, at its first code of the wrong version, naming them all.
    ///
    /// This is the root cause for those codes: SYN008 accepts both qualifiers (the TR3 lists
    /// both), and CODE003 does not also judge an ICD-9 code as an invalid ICD-10-CM code, nor a
    /// code under an ICD-10 qualifier on a claim dated before ICD-10 began.
    /// ## Why it matters
    /// HHS requires ICD-9-CM through 2015-09-30 and ICD-10 from 2015-10-01 (79 FR 45128,
    /// 45 CFR 162.1002). A claim coded in the other version is rejected at the front end:
    /// payers no longer accept ICD-9 codes at all.
    /// ## Example
    /// `HI*BK:486*BF:4019~` on a claim dated 2023-05-01
    /// ## Fix
    /// Code the diagnoses in ICD-10-CM under the ICD-10 qualifiers: `HI*ABK:J189*ABF:I10~`.
    code: CODE008, name: "icd-version-mismatch", severity: Error, snip: 5,
    x999: Never,
    check: Claim(icd_version_mismatch),
}

/// The ICD-9 qualifier's ICD-10 counterpart, or the reverse.
fn counterpart(q: &[u8]) -> &'static str {
    ICD_QUALIFIERS
        .iter()
        .find_map(|(nine, ten)| {
            if q == nine.as_bytes() {
                Some(*ten)
            } else if q == ten.as_bytes() {
                Some(*nine)
            } else {
                None
            }
        })
        .unwrap_or("")
}

fn icd_version_mismatch(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    let kind = cx.tx().map_or(Kind::Professional, |t| t.kind);
    let Some(date) = icd_date(claim, kind) else {
        return; // no date, no version to hold the codes to (SIT004/STR002 report the date)
    };
    let want_ten = date >= ICD10_FROM;
    let wrong: Vec<(Element<'_>, Element<'_>)> = claim
        .hi
        .iter()
        .flat_map(|hi| hi.elements())
        .filter_map(|el| {
            let q = el.component(1)?;
            let ten = is_icd10_qualifier(q.bytes)?;
            (ten != want_ten).then_some((q, el))
        })
        .collect();
    let Some((first, _)) = wrong.first() else {
        return;
    };
    let codes: Vec<String> = wrong.iter().map(|(_, el)| el.text().into_owned()).collect();
    let (found, needed) = if want_ten {
        ("ICD-9-CM", "ICD-10")
    } else {
        ("ICD-10", "ICD-9-CM")
    };
    let since = if want_ten {
        "required from 2015-10-01"
    } else {
        "not used before 2015-10-01"
    };
    let swaps: Vec<String> = wrong
        .iter()
        .map(|(q, _)| format!("{} → {}", q.text(), counterpart(q.bytes)))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    cx.report(
        first.loc(),
        format!(
            "claim {} dated {date} carries {found} codes ({}); {needed} is {since}",
            claim.id_text(),
            codes.join(", ")
        ),
    )
    .help(format!(
        "code the claim in {needed} under its qualifiers ({})",
        swaps.join(", ")
    ));
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &CODE008,
        &[
            Pass(""),
            PassI(""),
            Edit("HI*", "HI*BK:486", true),
            Edit("HI*", "HI*BK:8050*BF:7150", true),
            Edit("HI*", "HI*ABK:M810*BF:7330", true),
            EditI("HI*", "HI*BK:3669", true),
            EditI("HI*", "HI*ABK:M810~HI*BR:8151:D8:20260110", true),
            EditI(
                "HI*",
                "HI*ABK:M810~HI*BBQ:0SR9019:D8:20260110*BQ:8152:D8:20260110",
                true,
            ),
            EditI("HI*", "HI*ABK:M810~HI*BG:01", false),
        ],
    );
    // Exactly one finding per claim, and nothing else for the same root cause.
    for (k, d) in diags.iter().enumerate().skip(2).take(6) {
        let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["CODE008"], "case {k}: {d:#?}");
    }
    let d = &diags[3][0];
    assert_eq!(
        d.message,
        "claim PAT1001-01 dated 2026-01-15 carries ICD-9-CM codes (BK:8050, BF:7150); ICD-10 is required from 2015-10-01"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("code the claim in ICD-10 under its qualifiers (BF → ABF, BK → ABK)")
    );
    assert_eq!(
        (d.loc.segment.as_str(), d.loc.element, d.loc.component),
        ("HI", Some(1), Some(1))
    );
}

/// Before 2015-10-01 the versions swap: ICD-10 qualifiers trip, ICD-9 ones pass, and the
/// 837I is dated by its statement through date.
#[test]
fn before_icd10() {
    use crate::test::{I837, P837, edit, run};
    let old_p = P837.replace("20260115", "20150930");
    let d = run(&edit(&old_p, "HI*", "HI*BK:7330"));
    assert!(
        d.iter().all(|d| d.code != "CODE008" && d.code != "CODE003"),
        "{d:#?}"
    );
    let d = run(&old_p);
    let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["CODE008"], "{d:#?}");
    assert!(
        d[0].message
            .contains("carries ICD-10 codes (ABK:M810); ICD-9-CM is not used before 2015-10-01")
    );
    // An 837I stay from September into October 2015: the through date decides.
    let stay = I837
        .replace(
            "DTP*434*RD8*20260115-20260115",
            "DTP*434*RD8*20150925-20151003",
        )
        .replace("20260115", "20151003");
    let codes: Vec<&str> = run(&stay).iter().map(|d| d.code).collect();
    assert_eq!(codes, Vec::<&str>::new());
    let codes: Vec<&str> = run(&edit(&stay, "HI*", "HI*BK:7330"))
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, ["CODE008"]);
}
