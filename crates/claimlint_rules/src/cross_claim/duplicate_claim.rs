use super::{BatchClaim, BatchCtx, Member};
use crate::declare_rule;
use claimlint_model::Date;
use std::collections::{BTreeMap, BTreeSet};

declare_rule! {
    /// ## What it does
    /// Finds two claims with the same billing provider NPI (2010AA NM109), patient, HCPCS code
    /// (SV101-2 / SV202-2) and date of service, in one file or in different files. The patient
    /// is the member id (2010CA NM109, else the subscriber's 2010BA NM109); a dependent whose
    /// 2010CA has no id (5010) is that id with a fingerprint of the dependent's name and birth
    /// date (`1EG4TE5MK73 (dependent 3f0a9c1e)`), so two children of one subscriber are two
    /// patients and the message quotes neither name nor birth date.
    /// The first claim of a group of duplicates (in the batch's order: files by path, then
    /// claims in file order) is the original and is not reported; each later one is, once,
    /// naming the first claim before it that it duplicates (its file, CLM01 and segment
    /// position) and how many more there are.
    /// Replacement and void claims (CLM05-3 = 7 or 8) restate a claim on purpose and are skipped.
    /// ## Why it matters
    /// A claim sent twice as new is denied as a duplicate (CARC 18) at best; at worst both are
    /// paid and the overpayment is recouped later, with interest and an audit flag on the
    /// provider. A resubmission after a rejection is the usual cause.
    /// ## Example
    /// `CLM*PAT1001-01*2460***11:B:1~` … `SV1*HC:J0897:JZ*2400*UN*60~` `DTP*472*D8*20260115~` in
    /// `day1.837`, and `CLM*PAT1001-02*2460***11:B:1~` with the same provider, patient, line and
    /// date in `day2.837`.
    /// ## Fix
    /// Drop the second claim; if it corrects the first, send it as a replacement:
    /// `CLM*PAT1001-01*2460***11:B:7~` with `REF*F8*<payer claim number>~`.
    code: XCL001, name: "duplicate-claim", severity: Warning, snip: 7,
    x999: Never,
    check: Batch(duplicate_claim),
}

/// What makes two claims duplicates, borrowed from one claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DupKey<'c> {
    pub npi: &'c str,
    pub patient: &'c str,
    pub hcpcs: &'c str,
    pub date: Date,
}

/// The claim's duplicate keys, one per line that has a HCPCS code and a date (repeats kept;
/// callers dedupe). None for a replacement or void, or without NPI or patient.
pub fn keys(claim: &BatchClaim) -> Vec<DupKey<'_>> {
    let (Some(npi), Some(patient)) = (claim.billing_npi.as_deref(), claim.patient.as_deref())
    else {
        return Vec::new();
    };
    if claim.is_replacement() {
        return Vec::new();
    }
    claim
        .lines
        .iter()
        .filter_map(|l| {
            Some(DupKey {
                npi,
                patient,
                hcpcs: l.hcpcs.as_deref()?,
                date: l.date?,
            })
        })
        .collect()
}

/// The members that share a key with another: the claims of the groups of duplicates, their
/// originals included (XCL001's precedence over XCL002 holds for the whole pair).
pub fn in_groups(members: &[Member<'_>]) -> BTreeSet<usize> {
    groups(members)
        .into_values()
        .filter(|s| s.len() > 1)
        .flatten()
        .collect()
}

fn groups<'c>(members: &[Member<'c>]) -> BTreeMap<DupKey<'c>, BTreeSet<usize>> {
    let mut by_key: BTreeMap<DupKey<'_>, BTreeSet<usize>> = BTreeMap::new();
    for (i, m) in members.iter().enumerate() {
        for k in keys(m.claim) {
            by_key.entry(k).or_default().insert(i);
        }
    }
    by_key
}

fn duplicate_claim(members: &[Member<'_>], cx: &mut BatchCtx<'_>) {
    // For each claim after the first of a group: the earlier claims it shares a key with
    // (members are in the batch's order), and the shared (date, HCPCS). The first is the
    // original: one finding per copy, not one per claim in each direction.
    let groups: Vec<(DupKey<'_>, Vec<usize>)> = groups(members)
        .into_iter()
        .filter(|(_, s)| s.len() > 1)
        .map(|(k, s)| (k, s.into_iter().collect()))
        .collect();
    let mut of_claim: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (g, (_, set)) in groups.iter().enumerate() {
        for &i in set.iter().skip(1) {
            of_claim.entry(i).or_default().push(g);
        }
    }
    for (i, of) in of_claim {
        let earlier: Vec<&[usize]> = of
            .iter()
            .map(|&g| {
                let set = &groups[g].1;
                &set[..set.partition_point(|&j| j < i)]
            })
            .collect();
        let what: BTreeSet<(Date, &str)> = (of.iter())
            .map(|&g| (groups[g].0.date, groups[g].0.hcpcs))
            .collect();
        let (first, count) = union_first_and_len(&earlier);
        let (Some(m), Some(other)) = (members.get(i), first.and_then(|j| members.get(j))) else {
            continue;
        };
        let mut codes: BTreeMap<Date, Vec<&str>> = BTreeMap::new();
        for (date, hcpcs) in what {
            codes.entry(date).or_default().push(hcpcs);
        }
        let codes: Vec<String> = codes
            .iter()
            .map(|(d, c)| format!("{} on {d}", c.join(", ")))
            .collect();
        let more = match count - 1 {
            0 => String::new(),
            n => format!(" (and {n} more before it)"),
        };
        let message = format!(
            "claim {} duplicates {}{more}: same billing NPI {}, patient {}, HCPCS {}",
            m.claim.id.as_deref().unwrap_or("(no CLM01)"),
            other.describe(m),
            m.claim.billing_npi.as_deref().unwrap_or_default(),
            m.claim.patient.as_deref().unwrap_or_default(),
            codes.join("; "),
        );
        cx.report(m, None, message, "send one claim only; if this one corrects the other, bill it as a replacement (CLM05-3 = 7) with REF*F8 naming the payer's claim number");
    }
}

/// The first and the number of the claims in the union of `earlier` (sorted lists of claim
/// indexes, each a group's members before a claim): without building the union when every
/// list is the same one, as when many claims copy one (a group of thousands would otherwise
/// be gathered again for each of its members).
fn union_first_and_len(earlier: &[&[usize]]) -> (Option<usize>, usize) {
    let first = earlier.iter().filter_map(|e| e.first().copied()).min();
    match earlier {
        [one, rest @ ..] if rest.iter().all(|e| e == one) => (first, one.len()),
        _ => {
            let all: BTreeSet<usize> = earlier.iter().flat_map(|e| e.iter().copied()).collect();
            (first, all.len())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{findings, two_claims};
    use crate::test::P837;

    #[test]
    fn cases() {
        let again = P837.replace("PAT1001-01", "PAT1001-02");
        // The later claim of a pair is reported, naming the first; the first is the original.
        let f = findings(&[P837, &again], "XCL001");
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(
            f[0].diagnostic.message.contains(
                "claim PAT1001-02 duplicates claim PAT1001-01 in f0 (ST 0001 segment 18, line 20)"
            ),
            "{}",
            f[0].diagnostic.message
        );
        assert!(
            f[0].diagnostic
                .message
                .contains("HCPCS 96372, J0897 on 2026-01-15"),
            "{}",
            f[0].diagnostic.message
        );
        assert_eq!(
            f[0].diagnostic.context.claim_id.as_deref(),
            Some("PAT1001-02")
        );
        // Two claims in one file: the second.
        let one_file = findings(&[&two_claims(&again)], "XCL001");
        assert_eq!(one_file.len(), 1);
        assert!(one_file[0].diagnostic.message.contains("in this file"));
        // Another date, another patient, another provider: not duplicates.
        assert!(findings(&[P837, &again.replace("20260115", "20260116")], "XCL001").is_empty());
        assert!(
            findings(
                &[P837, &again.replace("1EG4TE5MK73", "1EG4TE5MK74")],
                "XCL001"
            )
            .is_empty()
        );
        assert!(
            findings(
                &[P837, &again.replace("1234567893", "1245319599")],
                "XCL001"
            )
            .is_empty()
        );
        // A replacement restates the claim on purpose.
        assert!(findings(&[P837, &again.replace("11:B:1", "11:B:7")], "XCL001").is_empty());
        // One claim is never its own duplicate.
        assert!(findings(&[P837], "XCL001").is_empty());
    }

    /// A group of copies is reported once per later copy, each naming the first before it
    /// and how many more came before it; never in both directions (F4.3 of the unseen-file
    /// runs: 837P-small.edi had each pair reported from both ends).
    #[test]
    fn three_copies_report_the_later_two() {
        let b = P837.replace("PAT1001-01", "PAT1001-02");
        let c = P837.replace("PAT1001-01", "PAT1001-03");
        let f = findings(&[P837, &b, &c], "XCL001");
        let said: Vec<&str> = f.iter().map(|f| f.diagnostic.message.as_str()).collect();
        assert_eq!(f.len(), 2, "{said:#?}");
        assert!(said[0].starts_with("claim PAT1001-02 duplicates claim PAT1001-01 in f0"));
        assert!(!said[0].contains("more before it"));
        assert!(
            said[1].starts_with("claim PAT1001-03 duplicates claim PAT1001-01 in f0")
                && said[1].contains("(and 1 more before it)"),
            "{}",
            said[1]
        );
        // The same in any order of the inputs' claims: the batch's order decides which is first.
        let f = findings(&[&c, P837, &b], "XCL001");
        assert_eq!(f.len(), 2);
    }
}
