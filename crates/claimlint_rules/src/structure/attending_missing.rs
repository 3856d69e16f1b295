//! STR002's check for an 837I claim without its 2310A loop (Attending Provider Name): a
//! situational loop whose condition the claim's own lines show. Owns that condition and its
//! exceptions; knows nothing of the guide walk beyond what `Transaction::ig` answers.
//!
//! The rule, as read (the TR3's own wording is not at hand; these sources restate it):
//! the Stedi Healthcare API's institutional claim model (docs.rs, crate autogen-stedi 0.3.2,
//! `src/healthcare/models/attending.rs`, generated from Stedi's OpenAPI document of
//! 2024-04-01) says the attending provider "is required when the claim contains any services
//! other than non-scheduled transportation claims"; the UB-04 reference for form locator 76
//! (<https://formjuicer.com/ub04/field-76>, Attending Provider Name and Identifiers, which
//! the 837I carries in 2310A) gives the NUBC manual's situational rule: required when the
//! claim contains services other than nonscheduled transportation services.

use crate::Ctx;
use crate::syntax::report_at;
use claimlint_diagnostic::Ack999;
use claimlint_model::{Claim, Kind, ServiceLine, Transaction};

/// Whether an SV201 revenue code is ambulance (NUBC 054x). The lines cannot tell scheduled
/// from nonscheduled transportation, so a claim of ambulance lines alone is left alone.
fn is_ambulance(revenue: &[u8]) -> bool {
    revenue.len() == 4
        && revenue.starts_with(b"054")
        && revenue.get(3).is_some_and(u8::is_ascii_digit)
}

/// The first line (its 1-based position and revenue code) that is certainly not
/// transportation: a four-digit revenue code outside 054x. A line whose code is unreadable
/// proves nothing (its own finding names it).
fn first_service<'c, 'a>(claim: &'c Claim<'a>) -> Option<(usize, &'c ServiceLine<'a>, &'a [u8])> {
    claim.lines.iter().enumerate().find_map(|(k, line)| {
        let v = line.revenue_code()?.bytes;
        (v.len() == 4 && v.iter().all(u8::is_ascii_digit) && !is_ambulance(v)).then_some((
            k + 1,
            line,
            v,
        ))
    })
}

/// Whether the claim's segments before its first line leave the 2310A's absence certain:
/// every one placed by the walk (a segment it could not place may be the attending's NM1
/// written wrong, `NM1*7l`), and no NM1 there with an element finding (`NM1*77*1*SMITH*JOHN`,
/// a person's name in the service facility's loop: a mistyped `71` whose own findings are
/// the one error), and none of them in a 2310A.
fn lacks_attending(tx: &Transaction<'_>, claim: &Claim<'_>) -> bool {
    let ig = tx.ig();
    // A 2310A opens with its NM1, so only NM1s need their loop asked.
    (claim.index..claim.lines_start()).all(|k| {
        let k = k as usize;
        ig.is_placed(k)
            && !(tx.segments.get(k).is_some_and(|s| s.is(b"NM1"))
                && (tx.loop_of(k) == Some("2310A") || ig.has_element_issue(k)))
    })
}

/// Whether an `NM1*71` stands out of its place around the claim: after the HL or CLM before
/// it (`NM1*71` moved above the CLM) or among its lines (swapped with `LX*1`). The
/// attending is written, one place out, and that segment's STR003 is the one error.
fn written_elsewhere(tx: &Transaction<'_>, claim: &Claim<'_>) -> bool {
    let at = claim.index as usize;
    let before = tx.segments.get(..at).unwrap_or_default();
    let from = before
        .iter()
        .rposition(|s| s.is(b"HL") || s.is(b"CLM"))
        .map_or(0, |k| k + 1);
    let to = (claim.end as usize).min(tx.segments.len());
    // Placed by the walk in a 2320's 2330C (Other Payer Attending Provider), clean, an
    // `NM1*71` is that loop's, not the 2310A written out of place.
    let ig = tx.ig();
    let other_payers =
        |k: usize| ig.loop_id(k).is_some_and(|l| l.starts_with("2330")) && !ig.has_element_issue(k);
    (from..to).any(|k| {
        tx.segments
            .get(k)
            .is_some_and(|s| s.is(b"NM1") && s.value(1) == b"71")
            && tx.loop_of(k) != Some("2310A")
            && !other_payers(k)
    })
}

/// STR002 on the CLM of each 837I claim that has a service other than transportation and no
/// 2310A loop. Not for 837P (its 2310A is the referring provider, a different rule).
pub(crate) fn attending_missing(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    if tx.kind != Kind::Institutional {
        return;
    }
    for claim in &tx.claims {
        let Some((n, line, revenue)) = first_service(claim) else {
            continue;
        };
        if !lacks_attending(tx, claim) || written_elsewhere(tx, claim) {
            continue;
        }
        let which = line
            .number()
            .map_or_else(|| format!("line {n}"), |lx| format!("line {}", lx.text()));
        let msg = format!(
            "claim {} has no 2310A loop (Attending Provider Name); the 837I requires it when a \
             claim bills any service other than nonscheduled transportation, and revenue code \
             {} on {which} is not transportation",
            claim.id_text(),
            String::from_utf8_lossy(revenue)
        );
        report_at(cx, claim.index as usize, claim.clm.loc(), msg)
            .help(
                "add the attending provider after the claim's 2300 segments (after HI, before \
                 any other 2310 loop, the 2320 loops and the first LX): \
                 `NM1*71*1*LAST*FIRST****XX*NPI` with the attending's name and NPI",
            )
            .ack(Ack999::Missing {
                segment: "NM1",
                in_loop: "2310A",
            });
    }
}

#[cfg(test)]
mod tests {
    use super::is_ambulance;
    use crate::test::{I837, P837, edit, run};

    /// The findings of `text` as (code, segment id), sorted.
    fn codes(text: &str) -> Vec<(&'static str, String)> {
        let mut c: Vec<_> = run(text)
            .iter()
            .map(|d| (d.code, d.loc.segment.as_str().to_owned()))
            .collect();
        c.sort_unstable();
        c
    }

    #[test]
    fn ambulance_is_054x() {
        assert!(is_ambulance(b"0540"));
        assert!(is_ambulance(b"0549"));
        assert!(!is_ambulance(b"0550"));
        assert!(!is_ambulance(b"054"));
        assert!(!is_ambulance(b"054X"));
    }

    #[test]
    fn an_837i_claim_without_its_attending_is_one_str002() {
        assert_eq!(codes(I837), []);
        let deleted = edit(I837, "NM1*71", "");
        assert_eq!(codes(&deleted), [("STR002", "CLM".to_owned())]);
        let msg = run(&deleted)
            .into_iter()
            .map(|d| d.message)
            .collect::<Vec<_>>();
        assert!(msg[0].contains("revenue code 0636 on line 1"), "{msg:?}");
        // Another provider's loop in its place (82, rendering): still no attending.
        let rendering = I837.replace("NM1*71*", "NM1*82*");
        assert_eq!(codes(&rendering), [("STR002", "CLM".to_owned())]);
    }

    #[test]
    fn silent_where_it_cannot_be_sure() {
        // Ambulance lines alone: scheduled or not, the lines do not say.
        let ambulance = edit(I837, "NM1*71", "")
            .replace(
                "SV2*0636*HC:J0897:JZ*2400*UN*60",
                "SV2*0540*HC:A0428*2400*UN*1",
            )
            .replace("SV2*0510*HC:96372*60*UN*1", "SV2*0540*HC:A0425*60*UN*1");
        assert!(codes(&ambulance).iter().all(|(c, _)| *c != "STR002"));
        // The attending's NM1 written with a misspelled qualifier: its own finding alone.
        for typo in ["NM1*7l*", "NM1*17*", "NM1*77*"] {
            let text = I837.replace("NM1*71*", typo);
            let found = codes(&text);
            assert!(
                !found.is_empty() && found.iter().all(|(c, s)| *c != "STR002" || s != "CLM"),
                "{typo}: {found:?}"
            );
        }
        // The attending written one place out (before the CLM, after LX*1): its STR003 alone.
        let ss: Vec<&str> = I837.split('~').collect();
        let nm1 = ss
            .iter()
            .position(|s| s.trim().starts_with("NM1*71"))
            .expect("NM1*71");
        let lx = nm1 + 1;
        let mut swapped = ss.clone();
        swapped.swap(nm1, lx);
        let mut above = ss.clone();
        let moved = above.remove(nm1);
        let clm = above
            .iter()
            .position(|s| s.trim().starts_with("CLM*"))
            .expect("CLM");
        above.insert(clm, moved);
        for text in [swapped.join("~"), above.join("~")] {
            let found = codes(&text);
            assert!(found.iter().all(|(c, _)| *c != "STR002"), "{found:?}");
        }
        // An 837P's 2310A is its referring provider, optional: nothing to say.
        assert_eq!(codes(P837), []);
    }
}
