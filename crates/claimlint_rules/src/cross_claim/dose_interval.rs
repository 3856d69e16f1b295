use super::{BatchClaim, BatchCtx, ClaimRef, Member};
use crate::declare_rule;
use claimlint_data::DoseInterval;
use claimlint_model::Date;
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Finds two doses of one drug for one patient closer together than the drug's labelled
    /// interval allows, across every claim and file given. A dose is a service line whose HCPCS
    /// and NDC (2410 LIN03) have a row in `data/dose_intervals.tsv`, dated by its DTP*472 (else
    /// the claim's date); JW lines (discarded drug) are not doses. The patient is told apart as
    /// XCL001 does (a dependent by name and birth date). Both claims are reported, each naming
    /// the other's file, CLM01 and segment position.
    /// ## Why it matters
    /// Denosumab 60 mg (Prolia) is given every 6 months and zoledronic acid 5 mg (Reclast) once a
    /// year. A second dose weeks after the first is denied as exceeding the frequency the label
    /// and the payer's policy allow (CARC 119), and is a sign of a duplicate entry or a wrong
    /// date of service.
    /// ## Example
    /// `SV1*HC:J0897:JZ*2400*UN*60~` `DTP*472*D8*20260115~` `LIN**N4*55513071001~` for a patient,
    /// and the same lines with `DTP*472*D8*20260224~` (40 days later) in another file.
    /// ## Fix
    /// Correct the date of service if it was mistyped, or drop the line if the dose was not
    /// given; a dose truly given early needs the payer's prior authorization (REF*G1).
    code: XCL002, name: "dose-interval", severity: Warning, snip: 7,
    x999: Never,
    check: Batch(dose_interval),
}

/// One dose of a drug with a labelled interval.
#[derive(Clone, Copy, Debug)]
pub struct Dose<'c> {
    pub patient: &'c str,
    pub hcpcs: &'c str,
    pub interval: DoseInterval,
    pub date: Date,
    /// Index into the claim's lines.
    pub line: usize,
}

/// The claim's doses, one per drug and date (a drug split over two lines is one dose).
pub fn doses(claim: &BatchClaim) -> Vec<Dose<'_>> {
    let Some(patient) = claim.patient.as_deref() else {
        return Vec::new();
    };
    let mut out: Vec<Dose<'_>> = Vec::new();
    for (i, l) in claim.lines.iter().enumerate() {
        // `dose_interval` is known only for lines with a code and an NDC.
        let (Some(hcpcs), Some(interval), Some(date)) =
            (l.hcpcs.as_deref(), l.dose_interval, l.date)
        else {
            continue;
        };
        if l.is_jw {
            continue;
        }
        if !out
            .iter()
            .any(|d| d.hcpcs == hcpcs && d.interval.drug == interval.drug && d.date == date)
        {
            out.push(Dose {
                patient,
                hcpcs,
                interval,
                date,
                line: i,
            });
        }
    }
    out
}

/// A dose placed in the batch: (day number, claim, index of its member, the dose).
type Placed<'c> = (i64, ClaimRef, usize, Dose<'c>);

fn dose_interval(members: &[Member<'_>], cx: &mut BatchCtx<'_>) {
    // Per patient and drug, every dose as (day number, claim, member, dose); sorted by day and
    // then by the canonical claim order, so neighbours are the same whatever the input order.
    let mut by_drug: BTreeMap<(&str, &str, &str), Vec<Placed<'_>>> = BTreeMap::new();
    for (i, m) in members.iter().enumerate() {
        for d in doses(m.claim) {
            by_drug
                .entry((d.patient, d.hcpcs, d.interval.drug))
                .or_default()
                .push((d.date.day_number(), m.at, i, d));
        }
    }
    for list in by_drug.values_mut() {
        list.sort_by_key(|(day, at, _, d)| (*day, *at, d.line));
        for (k, (day, _, i, dose)) in list.iter().enumerate() {
            let near = |j: usize| {
                list.get(j)
                    .filter(|(d2, ..)| (day - d2).abs() < i64::from(dose.interval.min_days))
            };
            // The nearest earlier dose first: the later of two doses is the one a payer denies.
            let Some((other_day, _, j, other)) =
                k.checked_sub(1).and_then(near).or_else(|| near(k + 1))
            else {
                continue;
            };
            let (Some(m), Some(om)) = (members.get(*i), members.get(*j)) else {
                continue;
            };
            let gap = (day - other_day).abs();
            let when = if gap == 0 {
                "the same day as another dose".to_string()
            } else if other_day <= day {
                format!("{gap} days after the dose of {}", other.date)
            } else {
                format!("{gap} days before the dose of {}", other.date)
            };
            let message = format!(
                "{} ({}) for patient {} on {}, {when} on {}; the label allows one dose every {} days at the shortest",
                dose.interval.drug,
                dose.hcpcs,
                dose.patient,
                dose.date,
                om.describe(m),
                dose.interval.min_days,
            );
            cx.report(m, Some(dose.line), message, "check both dates of service: drop the line if the dose was not given, or correct a mistyped date");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::findings;
    use crate::test::P837;

    #[test]
    fn cases() {
        let again = |date: &str| {
            P837.replace("PAT1001-01", "PAT1001-02")
                .replace("20260115", date)
        };
        // 40 days apart: both doses are reported, each naming the other.
        let f = findings(&[P837, &again("20260224")], "XCL002");
        assert_eq!(f.len(), 2, "{f:#?}");
        assert!(
            f[0].diagnostic
                .message
                .contains("40 days before the dose of 2026-02-24 on claim PAT1001-02 in f1 (ST 0001 segment 18, line 20)"),
            "{}",
            f[0].diagnostic.message
        );
        assert!(
            f[1].diagnostic
                .message
                .contains("40 days after the dose of 2026-01-15 on claim PAT1001-01 in f0"),
            "{}",
            f[1].diagnostic.message
        );
        assert_eq!(f[1].diagnostic.context.line_number, Some(1));
        assert_eq!(f[1].diagnostic.loc.segment.as_str(), "SV1");
        // The same day in two otherwise equal claims is an exact duplicate: XCL001, which
        // suppresses XCL002 (issue 14 §3).
        assert!(findings(&[P837, &again("20260115")], "XCL002").is_empty());
        assert_eq!(findings(&[P837, &again("20260115")], "XCL001").len(), 1);
        // 149 days trips, 150 does not (Prolia's min_days is 150).
        assert_eq!(findings(&[P837, &again("20260613")], "XCL002").len(), 2);
        assert!(findings(&[P837, &again("20260614")], "XCL002").is_empty());
        // Another patient; a drug without a labelled interval; a discarded-drug (JW) line.
        assert!(
            findings(
                &[
                    P837,
                    &again("20260224").replace("1EG4TE5MK73", "1EG4TE5MK74")
                ],
                "XCL002"
            )
            .is_empty()
        );
        let xgeva = |t: &str| t.replace("55513071001", "55513073001");
        assert!(findings(&[&xgeva(P837), &xgeva(&again("20260224"))], "XCL002").is_empty());
        assert_eq!(
            findings(&[&xgeva(P837), &xgeva(&again("20260118"))], "XCL002").len(),
            2
        );
        assert!(
            findings(
                &[P837, &again("20260224").replace("J0897", "J1100")],
                "XCL002"
            )
            .is_empty()
        );
        let jw = again("20260224").replace("HC:J0897:JZ", "HC:J0897:JW");
        assert!(findings(&[P837, &jw], "XCL002").is_empty());
    }

    /// Generic zoledronic acid 5 mg/100 mL carries Reclast's yearly interval (330 days); the
    /// 4 mg NDCs (Zometa's strength, dosed every 3-4 weeks) have none.
    #[test]
    fn generic_zoledronic_acid() {
        let zol = |t: &str, ndc: &str| {
            t.replace("SV1*HC:J0897:JZ*2400*UN*60", "SV1*HC:J3489:JZ*2400*UN*5")
                .replace("55513071001", ndc)
        };
        let again = |date: &str| {
            P837.replace("PAT1001-01", "PAT1001-02")
                .replace("20260115", date)
        };
        for ndc in ["63323096600", "55111068852", "25021083087", "00078043561"] {
            let f = findings(&[&zol(P837, ndc), &zol(&again("20260901"), ndc)], "XCL002");
            assert_eq!(f.len(), 2, "{ndc}: {f:#?}");
            assert!(f[0].diagnostic.message.contains("one dose every 330 days"));
            // 330 days later passes.
            assert!(
                findings(&[&zol(P837, ndc), &zol(&again("20261211"), ndc)], "XCL002").is_empty()
            );
        }
        // Zometa-strength NDCs: 4 mg/5 mL and 4 mg/100 mL.
        for ndc in ["63323096198", "25021082667"] {
            assert!(
                findings(&[&zol(P837, ndc), &zol(&again("20260212"), ndc)], "XCL002").is_empty(),
                "{ndc}"
            );
        }
    }
}
