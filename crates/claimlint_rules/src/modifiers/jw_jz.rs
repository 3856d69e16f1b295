//! MOD001–MOD003: CMS's JW/JZ policy for drugs from single-dose containers (Medicare Claims
//! Processing Manual ch. 17 §40; CMS "Discarded Drugs and Biologicals — JW Modifier and JZ
//! Modifier Policy" FAQs). One walk, three findings: missing, conflicting, orphaned. Also the
//! policy's scope (which payers, bill types and drugs), shared with MOD006.

use crate::drugs::{JZ_FROM, hcpcs_of, line_dos, ndc11};
use crate::modifiers::modifier;
use crate::{Ctx, SbrMemo, declare_rule};
use claimlint_data::{Hcpcs, SingleDose};
use claimlint_model::{Claim, Kind, ServiceLine, Transaction};

declare_rule! {
    /// ## What it does
    /// Reports a drug from a single-dose container, date of service on or after 2023-07-01,
    /// billed to Medicare fee-for-service with neither JZ (nothing discarded) nor an
    /// accompanying JW line (the discarded amount) for the same code and date.
    ///
    /// **Which claims.** The policy is Medicare Part B's: "The JW and JZ modifier policy
    /// applies to all drugs separately payable under Medicare Part B described as supplied in
    /// a single-dose container" (CMS, "Discarded Drugs and Biologicals – JW Modifier and JZ
    /// Modifier Policy Frequently Asked Questions", cms.gov jw-modifier-faqs.pdf, as quoted by
    /// First Coast Service Options, medicare.fcso.com, 2024-04-20). So by default (`jw-jz =
    /// "medicare"` in claimlint.toml) the rule looks at claims whose subscriber loop (2000B)
    /// SBR09 is `MB` (Medicare Part B) on an 837P or `MA` (Medicare Part A) on an 837I, and
    /// at nothing else: a Medicaid (`MC`) or commercial (`CI`) claim is not judged. The
    /// 2000B SBR is the payer the claim is sent to, whatever its SBR01 says: Medicare as
    /// secondary payer (SBR01 `S`, SBR09 `MB`) still prices the drug under Part B and edits
    /// its modifiers, so the rule applies; Medicare only in a 2320 loop (a claim sent on to a
    /// Medigap or Medicaid plan after Medicare paid) does not make the claim Medicare's.
    /// `jw-jz = "all-payers"` judges every claim (the built-in `medicare` profile sets it: its
    /// claims go to Medicare; the `commercial` profile sets it at warning severity, since
    /// some plans adopt the policy); `jw-jz = "off"` none. The `medicaid` profile keeps the
    /// default, so a Medicaid claim gets no MOD001.
    ///
    /// **Exemptions CMS states** (same FAQs unless said otherwise):
    /// - 837I bill types 11x (inpatient, "not intended for claims billed under the Inpatient
    ///   Prospective Payment System"), 71x (RHC) and 77x (FQHC): "drugs administered in RHCs
    ///   and FQHCs are generally not separately payable under Part B" (FAQs, as quoted by
    ///   DecisionHealth, 2023-08-03, and NAHRI).
    /// - Renal dialysis drugs on ESRD bill type 72x: ESRD facilities append the modifiers
    ///   "only for drugs in single-dose containers that are not renal dialysis service drugs
    ///   or biological products provided for the treatment of ESRD" (FAQs, per DecisionHealth,
    ///   2023-08-03). On a 72x claim a drug line is a renal dialysis drug unless it carries
    ///   modifier AY: "ESRD facilities billing for any labs or drugs will be considered part of
    ///   the bundled PPS payment unless billed with the HCPCS modifier AY" (CMS MLN Matters
    ///   MM7064). So a 72x drug line needs JW/JZ only with AY.
    /// - Vaccines under §1861(s)(10) of the Social Security Act: "The JW and JZ modifiers are
    ///   not required for vaccines described under section 1861(s)(10) of the Act that are
    ///   furnished from single-dose containers" (FAQs, quoted on aapc.com). Those are the
    ///   influenza, pneumococcal, hepatitis B and COVID-19 vaccines. claimlint knows them by
    ///   code: a HCPCS Level II code whose descriptor names a vaccine against one of these
    ///   (Q2034–Q2039, from the embedded HCPCS file), and the CPT codes Medicare lists for
    ///   them: influenza 90630, 90653–90658, 90660–90662, 90672–90674, 90682, 90685, 90686
    ///   ("Immunization CPT full list Medicare", medicarepaymentandreimbursement.com);
    ///   pneumococcal 90670, 90671, 90677, 90732 (Noridian JE Part B, "Pneumococcal Vaccine
    ///   and Administration", 2024-03-20) and 90684 (PCV21: "Conjugate PCV13 (CPT 90670), PCV15
    ///   (CPT 90671), PCV20 (CPT 90677), PCV21 (CPT 90684)", Noridian JF Part B, same page,
    ///   revised after CMS CR 13898, 2025); hepatitis B 90739, 90740, 90743, 90744, 90746,
    ///   90747 (CMS preventive services chart as reproduced on rssing.com); COVID-19 91304,
    ///   91318–91322 (Independence Blue Cross Medicare Advantage policy MA00.003aa). Other
    ///   vaccine codes are not exempt until a source for them is added.
    /// - Drugs not separately payable (packaged): the policy covers "separately payable drugs
    ///   assigned status indicators G and K under the Outpatient Prospective Payment System,
    ///   as well as those assigned payment indicator K2" under the ASC system (FAQs, per
    ///   NAHRI). claimlint has no OPPS Addendum B or ASC status-indicator data, so it cannot
    ///   tell a packaged drug and does not guess: a packaged drug from a single-dose container
    ///   on an 837I 13x claim still gets MOD001, which the biller may suppress.
    ///
    /// Not exempt: "The requirements also apply to 340B covered entities and critical access
    /// hospitals" (FAQs, per NAHRI): a line with the 340B modifiers JG or TB, and a CAH claim
    /// (bill type 85x), still need JW or JZ.
    ///
    /// **Which drugs.** "Single-dose container" is decided from `data/single_dose.tsv`,
    /// compiled in, using only rows whose source was read and quoted (`verified` = Y): rows
    /// by NDC or by HCPCS code (`*`). The line's NDC row wins over its code's `*` row. A line
    /// with no NDC counts as single-dose when its code has a verified single-dose `*` row or
    /// every NDC the crosswalk lists under the code (in the quarter of the date of service) has
    /// a verified single-dose row (Prolia and Xgeva: J0897 without a LIN still needs JZ). A drug
    /// in neither is not judged (no diagnostic): the table is deliberately incomplete rather
    /// than wrong. Users extend it in `claimlint.toml` (`[single-dose]`); a file's rows apply
    /// only to the inputs that file governs.
    /// ## Why it matters
    /// Since 2023-07-01 Medicare returns or denies such lines without JW or JZ ("Claims that do
    /// not report the modifiers as appropriate on or after October 1, 2023, may be returned as
    /// unable to be processed"), and Medicare Administrative Contractors audit JZ against the
    /// units billed.
    /// ## Example
    /// `SV1*HC:J0897*2400*UN*60***1~` with Prolia's NDC (a single-dose prefilled syringe), on
    /// a claim whose 2000B `SBR*P*18*******MB~` says Medicare Part B
    /// ## Fix
    /// `SV1*HC:J0897:JZ*2400*UN*60***1~` when nothing was discarded; otherwise bill the
    /// discarded units on a second J0897 line with JW.
    code: MOD001, name: "jw-jz-missing", severity: Error, snip: 5,
    x999: Never,
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
    x999: Never,
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
    x999: Never,
    check: Line(jw_orphan),
}

/// Which claims the JW/JZ policy is checked on (`jw-jz` in claimlint.toml or a profile).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum JwJzScope {
    /// Medicare fee-for-service claims: 2000B SBR09 `MB` on an 837P, `MA` on an 837I.
    #[default]
    Medicare,
    /// Every claim the settings govern (the built-in `medicare` profile: its claims go to
    /// Medicare; `commercial`, at warning severity).
    AllPayers,
    /// No claim.
    Off,
}

impl JwJzScope {
    /// `medicare`, `all-payers` or `off`, as claimlint.toml writes it.
    pub fn parse(text: &str) -> Option<JwJzScope> {
        match text.trim().to_ascii_lowercase().as_str() {
            "medicare" => Some(JwJzScope::Medicare),
            "all-payers" => Some(JwJzScope::AllPayers),
            "off" => Some(JwJzScope::Off),
            _ => None,
        }
    }
}

/// SBR09 (claim filing indicator) of the subscriber loop (2000B) the claim sits under: the
/// payer the claim is sent to. The 2320 SBRs of other payers are not it.
fn claim_filing<'a>(
    tx: &Transaction<'a>,
    claim: &Claim<'a>,
    memo: Option<&SbrMemo>,
) -> Option<&'a [u8]> {
    let sbr = subscriber_sbr(tx, claim.index, memo)?;
    tx.segments.get(sbr as usize).map(|s| s.value(9))
}

/// The index of the 2000B SBR found looking back from segment `end` (a CLM), or `None` when an
/// HL*…*22 (or the start of the set) comes first. With `memo` holding the answer for an
/// earlier CLM at `at`, the look stops at `at`: past it, it would read what that look read,
/// so finding nothing between the two, the answer is the memo's (exact). A long run of claims
/// under one subscriber costs one look back each to the claim before, not to the subscriber.
fn subscriber_sbr(tx: &Transaction<'_>, end: u32, memo: Option<&SbrMemo>) -> Option<u32> {
    let known = memo
        .and_then(std::cell::Cell::get)
        .filter(|&(at, _)| at <= end);
    let mut found = known.and_then(|(_, sbr)| sbr);
    for i in (known.map_or(0, |(at, _)| at)..end).rev() {
        let Some(seg) = tx.segments.get(i as usize) else {
            found = None;
            break;
        };
        if seg.is(b"SBR") && tx.loop_of(i as usize) == Some("2000B") {
            found = Some(i);
            break;
        }
        if seg.is(b"HL") && seg.value(3) == b"22" {
            found = None;
            break;
        }
    }
    if let Some(m) = memo {
        m.set(Some((end, found)));
    }
    found
}

/// Whether the settings put the claim under the policy: Medicare fee-for-service by its
/// 2000B SBR09 (MB on 837P, MA on 837I), or every claim, or none.
fn payer_in_scope(cx: &Ctx<'_>, claim: &Claim<'_>) -> bool {
    match cx.params().jw_jz {
        JwJzScope::Off => false,
        JwJzScope::AllPayers => true,
        JwJzScope::Medicare => cx.tx().is_some_and(|tx| {
            let want: &[u8] = match tx.kind {
                Kind::Institutional => b"MA",
                _ => b"MB",
            };
            claim_filing(tx, claim, cx.subscriber_sbr_memo()) == Some(want)
        }),
    }
}

/// Vaccines paid under §1861(s)(10) by CPT code: influenza, pneumococcal, hepatitis B,
/// COVID-19 (sources in MOD001's doc). Sorted, for binary search.
const VACCINES_1861_S10: &[&str] = &[
    "90630", "90653", "90654", "90655", "90656", "90657", "90658", "90660", "90661", "90662",
    "90670", "90671", "90672", "90673", "90674", "90677", "90682", "90684", "90685", "90686",
    "90732", "90739", "90740", "90743", "90744", "90746", "90747", "91304", "91318", "91319",
    "91320", "91321", "91322",
];

/// A §1861(s)(10) vaccine: a listed CPT code, or a Level II code whose HCPCS descriptor is a
/// vaccine against influenza, pneumococcus, hepatitis B or COVID-19 (Q2034–Q2039). `row` gives
/// the HCPCS file's row of `code` (`data.hcpcs(code)`), asked only of a code not in the list
/// (`Ctx::is_vaccine_line` passes the line's row, looked up once).
pub fn is_1861_s10_vaccine(code: &str, row: impl FnOnce() -> Option<Hcpcs>) -> bool {
    if VACCINES_1861_S10.binary_search(&code).is_ok() {
        return true;
    }
    row().is_some_and(|h| {
        let d = h.long.as_bytes();
        has_word(d, b"vaccine")
            && [
                &b"influenza"[..],
                b"pneumococcal",
                b"hepatitis b",
                b"covid",
                b"sars-cov",
            ]
            .iter()
            .any(|v| has_word(d, v))
    })
}

/// Whether `text` holds `lower` (lower-case ASCII) in any ASCII case: what
/// `text.to_ascii_lowercase().contains(lower)` answers, byte for byte (lower-casing changes
/// ASCII letters only, one byte for one), without a lower-cased copy of the descriptor.
fn has_word(text: &[u8], lower: &[u8]) -> bool {
    text.windows(lower.len())
        .any(|w| w.eq_ignore_ascii_case(lower))
}

/// Whether the JW/JZ policy applies to the line: its claim's payer is in scope, the bill
/// type is not 11x/71x/77x, the drug is not a renal dialysis drug on 72x (no AY), and it is
/// not a §1861(s)(10) vaccine. 340B lines and CAH (85x) claims are not exempt.
pub fn policy_applies(cx: &Ctx<'_>, claim: &Claim<'_>, line: &ServiceLine<'_>) -> bool {
    if !cx.jw_jz_payer(claim, || payer_in_scope(cx, claim)) || cx.is_vaccine_line(line) {
        return false;
    }
    if cx.tx().is_some_and(|t| t.kind == Kind::Institutional) {
        match claim.facility_code().map(|f| f.bytes) {
            Some(b"11" | b"71" | b"77") => return false,
            Some(b"72") if !line.has_modifier(b"AY") => return false,
            _ => {}
        }
    }
    true
}

/// What the data say about the line's container, from verified rows only: its NDC's row (or
/// its code's `*` row), or, without a usable NDC, every crosswalk NDC of its code.
pub fn container(cx: &Ctx<'_>, line: &ServiceLine<'_>, code: &str) -> Option<SingleDose> {
    let ndc = line
        .drug
        .as_deref()
        .and_then(|d| d.ndc())
        .and_then(|n| ndc11(n.bytes));
    match ndc {
        Some(n) => cx
            .single_dose(code, Some(n.as_str()))
            .filter(|s| s.verified),
        None => {
            let dos = line_dos(line, cx.claim())?;
            cx.data()
                .single_dose_for_code(&cx.params().single_dose, code, dos.0)
        }
    }
}

/// The row's source without its quoted words, for a help line: where it was found and the
/// section (`claimlint lookup` shows the quote).
pub fn cited(sd: &SingleDose) -> &'static str {
    sd.source.split(": \"").next().unwrap_or(sd.source)
}

fn jw_jz_missing(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let (Some(claim), Some(code), Some(p)) = (cx.claim(), hcpcs_of(line), line.procedure) else {
        return;
    };
    if line.has_modifier(b"JZ") || line.has_modifier(b"JW") {
        return;
    }
    if line_dos(line, Some(claim)).is_none_or(|d| d < JZ_FROM) || !policy_applies(cx, claim, line) {
        return;
    }
    if line.drug.is_none() && !cx.is_drug_code_line(line) {
        return;
    }
    let Some(sd) = container(cx, line, code) else {
        return;
    };
    if !sd.single_dose || cx.jw_partner(claim, line, code, true) {
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
            cited(&sd)
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
    } else if cx.jw_partner(claim, line, code, true) {
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
    if cx.jw_partner(claim, line, code, false) {
        return;
    }
    let dos = line_dos(line, Some(claim));
    let on = dos.map(|d| format!(" on {d}")).unwrap_or_default();
    cx.report(jw.loc(), format!("JW line bills discarded {code} but no line in the claim bills {code} administered{on}"))
        .help(format!("bill the administered amount on its own {code} line (without JW) in this claim, with the same date of service"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test::{Case::*, I837, P837, check_cases, check_cases_with, edit, second_drug_line};
    use std::collections::BTreeSet;

    /// Padcev: 70 units administered from a 20 mg vial, 10 (2.5 mg) discarded on a JW line;
    /// both lines carry the vial's NDC.
    fn with_jw(admin: &str, jw: &str) -> String {
        let s = edit(P837, "SV1*HC:J0897", admin);
        let s = edit(&s, "LIN*", "LIN**N4*51144002001");
        second_drug_line(&s, jw, PADCEV_JW)
    }

    /// The 2410 loop of a JW line of Padcev: 2.5 mg of the 20 mg vial discarded.
    const PADCEV_JW: &str = "LIN**N4*51144002001~CTP****2.5*ME";

    fn codes(d: &[claimlint_diagnostic::Diagnostic]) -> BTreeSet<&'static str> {
        d.iter().map(|d| d.code).collect()
    }

    fn mod001() -> BTreeSet<&'static str> {
        BTreeSet::from(["MOD001"])
    }

    #[test]
    fn missing() {
        let rhc = edit(
            &edit(I837, "CLM*", "CLM*PAT2001-01*2460***71:A:1**A*Y*Y"),
            "SV2*0636",
            "SV2*0636*HC:J0897*2400*UN*60",
        );
        // Prolia: 50 units administered, 10 (10 mg) discarded on a JW line with its NDC.
        let jw = second_drug_line(
            &edit(P837, "SV1*HC:J0897", "SV1*HC:J0897*2000*UN*50***1"),
            "SV1*HC:J0897:JW*460*UN*10***1",
            "LIN**N4*55513071001~CTP****10*ME",
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
            // Padcev's table rows are not verified yet: not judged.
            Pass("SV1*HC:J9177*2400*UN*80***1~LIN**N4*51144002001~CTP****1*UN~"),
        ];
        let out = check_cases(&MOD001, &cases);
        assert_eq!(codes(&out[2]), mod001());
        assert_eq!(codes(&out[3]), mod001());
        let d = out[2].iter().find(|d| d.code == "MOD001").unwrap();
        assert_eq!(
            d.message,
            "J0897 (Prolia, single-dose prefilled syringe) has neither JZ nor a JW line for the discarded amount"
        );
        assert_eq!(
            (d.loc.segment.as_str(), d.loc.element, d.loc.component),
            ("SV1", Some(1), None)
        );
        let help = d.help.as_deref().unwrap();
        assert!(
            help.ends_with("(single-dose per Prolia label, Amgen (realvalueproducts.com/products/prolia-60mgml-pfs-1ml, reproducing the FDA label), 16 How Supplied)"),
            "{help}"
        );
        let d = out[3].iter().find(|d| d.code == "MOD001").unwrap();
        assert_eq!((d.loc.segment.as_str(), d.loc.element), ("SV2", Some(2)));
    }

    /// Issue 14: MOD001 is Medicare fee-for-service's (2000B SBR09 MB on 837P, MA on 837I).
    #[test]
    fn payers() {
        let cases = [
            // Medicaid, commercial, Medicare Advantage (16), Part A on an 837P: not judged.
            Pass("SBR*P*18*******MC~SV1*HC:J0897*2400*UN*60***1"),
            Pass("SBR*P*18*******CI~SV1*HC:J0897*2400*UN*60***1"),
            Pass("SBR*P*18*******16~SV1*HC:J0897*2400*UN*60***1"),
            PassI("SBR*P*18*******MC~SV2*0636*HC:J0897*2400*UN*60"),
            PassI("SBR*P*18*******CI~SV2*0636*HC:J0897*2400*UN*60"),
            // Medicare as secondary payer: still Medicare's claim. (These claims lack the
            // primary payer's 2320, a second defect: STR002; the MOD001 fixture
            // medicare-secondary-no-jz has it.)
            Also(
                &["STR002"],
                &Trip("SBR*S*18*******MB~SV1*HC:J0897*2400*UN*60***1"),
            ),
            Also(
                &["STR002"],
                &TripI("SBR*S*18*******MA~SV2*0636*HC:J0897*2400*UN*60"),
            ),
        ];
        let out = check_cases(&MOD001, &cases);
        let with_str002 = BTreeSet::from(["MOD001", "STR002"]);
        assert_eq!(codes(&out[5]), with_str002);
        assert_eq!(codes(&out[6]), with_str002);
        // `jw-jz = "all-payers"`: a commercial claim is judged; `off`: not even Medicare's.
        let all = crate::Params {
            jw_jz: JwJzScope::AllPayers,
            ..crate::Params::default()
        };
        let all = crate::LintSettings::default().with_params(all);
        let out = check_cases_with(
            &MOD001,
            &[
                Trip("SBR*P*18*******CI~SV1*HC:J0897*2400*UN*60***1"),
                TripI("SBR*P*18*******MC~SV2*0636*HC:J0897*2400*UN*60"),
            ],
            &all,
        );
        assert_eq!(codes(&out[0]), mod001());
        assert_eq!(codes(&out[1]), mod001());
        let off = crate::Params {
            jw_jz: JwJzScope::Off,
            ..crate::Params::default()
        };
        let off = crate::LintSettings::default().with_params(off);
        check_cases_with(&MOD001, &[Pass("SV1*HC:J0897*2400*UN*60***1")], &off);
        assert_eq!(JwJzScope::parse(" All-Payers "), Some(JwJzScope::AllPayers));
        assert_eq!(JwJzScope::parse("medicaid"), None);
    }

    /// Ziprasidone for injection (J3486): judged by NDC, as data/single_dose.tsv verifies each
    /// maker's vial from its FDA listing or label (Fosun 72266-0160-10, "VIAL, SINGLE-DOSE");
    /// an NDC whose container no source confirmed (Dr. Reddy's 43598-0848-58) is not judged,
    /// though the code's `*` row says single-dose: that row is unverified.
    #[test]
    fn ziprasidone_is_judged_by_its_verified_ndcs() {
        let line = |ndc: &str| {
            let s = edit(P837, "SV1*HC:J0897", "SV1*HC:J3486*2400*UN*2***1");
            edit(&s, "LIN*", &format!("LIN**N4*{ndc}"))
        };
        let out = check_cases(
            &MOD001,
            &[
                Whole(&line("72266016010"), true),
                Whole(&line("43598084858"), false),
            ],
        );
        assert_eq!(codes(&out[0]), mod001());
    }

    /// Issue 14: CMS's exemptions (72x renal dialysis drugs, §1861(s)(10) vaccines) and the
    /// settings that are not exempt (340B, critical access hospitals).
    #[test]
    fn exemptions() {
        let esrd = |sv2: &str| {
            edit(
                &edit(I837, "CLM*", "CLM*PAT2001-01*2460***72:A:1**A*Y*Y"),
                "SV2*0636",
                sv2,
            )
        };
        let cah = edit(
            &edit(I837, "CLM*", "CLM*PAT2001-01*2460***85:A:1**A*Y*Y"),
            "SV2*0636",
            "SV2*0636*HC:J0897*2400*UN*60",
        );
        let renal = esrd("SV2*0636*HC:J0897*2400*UN*60");
        let not_renal = esrd("SV2*0636*HC:J0897:AY*2400*UN*60");
        let cases = [
            // ESRD (72x): a drug without AY is a renal dialysis drug in the PPS bundle.
            Whole(&renal, false),
            // With AY (not for the treatment of ESRD) it is separately payable: JW/JZ apply.
            Whole(&not_renal, true),
            // Critical access hospital (85x): not exempt.
            Whole(&cah, true),
            // 340B-acquired (TB): not exempt.
            Trip("SV1*HC:J0897:TB*2400*UN*60***1"),
            TripI("SV2*0636*HC:J0897:TB*2400*UN*60"),
        ];
        let out = check_cases(&MOD001, &cases);
        for (i, d) in out.iter().enumerate().skip(1) {
            assert_eq!(codes(d), mod001(), "case {i}");
        }
        // JG (340B, until 2024-12-31) on a 2024 claim: still MOD001.
        let jg = check_cases(
            &MOD001,
            &[Trip("SV1*HC:J0897:JG*2400*UN*60***1~DTP*472*D8*20240603")],
        );
        assert!(jg[0].iter().any(|d| d.code == "MOD001"));
    }

    /// Influenza, pneumococcal, hepatitis B and COVID-19 vaccines need neither JW nor JZ, even
    /// from a single-dose container; other vaccines do.
    #[test]
    fn vaccines() {
        use crate::test::run_with;
        let run = |code: &str| {
            let mut params = crate::Params::default();
            params.single_dose.add(code, None, true).unwrap();
            let settings = crate::LintSettings::default().with_params(params);
            // A drug line (2410 LIN) of the code; the NDC is a Td vaccine's, which is beside
            // the point here (the config's `*` row decides single-dose).
            let text = edit(
                &edit(
                    P837,
                    "SV1*HC:J0897",
                    &format!("SV1*HC:{code}*2400*UN*1***1"),
                ),
                "LIN*",
                "LIN**N4*49281021510",
            );
            run_with(&text, &settings)
                .iter()
                .any(|d| d.code == "MOD001")
        };
        for flu_pneumo_hepb_covid in ["90686", "90677", "90746", "91320", "Q2035"] {
            assert!(!run(flu_pneumo_hepb_covid), "{flu_pneumo_hepb_covid}");
        }
        // Td (Tenivac) is not a §1861(s)(10) vaccine.
        assert!(run("90714"));
        crate::test::with_cx(|cx| {
            let data = cx.data();
            assert!(is_1861_s10_vaccine("Q2035", || data.hcpcs("Q2035")));
            assert!(!is_1861_s10_vaccine("J0897", || data.hcpcs("J0897")));
        });
    }

    /// `has_word` answers as lower-casing a copy and searching it does: any case, words at
    /// either end, non-ASCII text, a needle longer than the text.
    #[test]
    fn has_word_is_a_lower_cased_search() {
        let texts = [
            "Influenza virus VACCINE, split",
            "Injection, pneumococcal conjugate vaccine",
            "Hepatitis B Vaccine",
            "SARS-CoV-2 (coronavirus) vaccine, mRNA",
            "vaccine",
            "vaccin",
            "Ümlaut vaccine für Covid",
            "",
        ];
        let needles = [
            "vaccine",
            "influenza",
            "hepatitis b",
            "covid",
            "sars-cov",
            "für",
        ];
        for t in texts {
            for n in needles {
                assert_eq!(
                    has_word(t.as_bytes(), n.as_bytes()),
                    t.to_ascii_lowercase().contains(n),
                    "{t:?} {n:?}"
                );
            }
        }
    }

    /// Issue 14: a drug line with no NDC whose code has only single-dose NDCs (Prolia and
    /// Xgeva under J0897) still needs JZ or JW.
    #[test]
    fn without_ndc() {
        let no_lin = edit(
            &edit(
                &edit(P837, "SV1*HC:J0897", "SV1*HC:J0897*2400*UN*60***1"),
                "LIN*",
                "",
            ),
            "CTP*",
            "",
        );
        let with_jz = edit(&edit(P837, "LIN*", ""), "CTP*", "");
        // The missing NDC is the point of the case, and a defect (NDC001's warning) of its own.
        let no_lin = Whole(&no_lin, true);
        let out = check_cases(
            &MOD001,
            &[
                Also(&["NDC001"], &no_lin),
                Also(&["NDC001"], &Whole(&with_jz, false)),
            ],
        );
        let d = out[0].iter().find(|d| d.code == "MOD001").unwrap();
        assert_eq!(
            d.message,
            "J0897 (Prolia, single-dose prefilled syringe) has neither JZ nor a JW line for the discarded amount"
        );
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
        // A JW line (with its NDC) and no administered line of the drug.
        let jw_only = second_drug_line(P837, "SV1*HC:J9177:JW*60*UN*10***1", PADCEV_JW);
        let jw_only_i = second_drug_line(I837, "SV2*0636*HC:J9177:JW*60*UN*10", PADCEV_JW);
        let cases = [
            Pass(""),
            PassI(""),
            Whole(&jw, false),
            Whole(&jw_only, true),
            Whole(&jw_only_i, true),
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
