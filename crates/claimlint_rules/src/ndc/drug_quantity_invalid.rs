use crate::{Ctx, declare_rule};
use claimlint_model::DrugLine;

/// CTP05-1 codes the TR3 allows in 2410 (005010X222A1 and X223A2, CTP05-1).
const UNITS: &[&[u8]] = &[b"F2", b"GR", b"ME", b"ML", b"UN"];

declare_rule! {
    /// ## What it does
    /// Checks the drug quantity of a 2410 loop: a `CTP` must follow `LIN`, CTP04 must be a
    /// number above zero, and CTP05-1 one of F2 (international unit), GR (gram),
    /// ME (milligram), ML (milliliter) or UN (unit).
    /// ## Why it matters
    /// The TR3 requires CTP with LIN; payers price and audit the drug from the NDC quantity,
    /// and a missing or zero quantity rejects the line.
    /// ## Example
    /// `LIN**N4*55513071001~CTP****0*UN~`
    /// ## Fix
    /// Give the amount given in the package's unit: `CTP****1*UN~` for one syringe.
    code: NDC005, name: "drug-quantity-invalid", severity: Error, snip: 2,
    x999: Never,
    check: Drug(drug_quantity_invalid),
}

fn drug_quantity_invalid(drug: &DrugLine<'_>, cx: &mut Ctx<'_>) {
    let Some(ctp) = drug.ctp else {
        // Its CTP written just before the LIN, or just after the opener of the loop that
        // follows (the two swapped): the guide could not place it, and STR003 there is the
        // one error.
        let lin = (drug.lin.position as usize).checked_sub(1);
        let swapped = cx.tx().zip(lin).is_some_and(|(tx, lin)| {
            let k = lin.wrapping_sub(1);
            tx.segments.get(k).is_some_and(|s| s.is(b"CTP")) && !tx.ig().is_placed(k)
                || cx.late_ctp(|| late_ctp(tx), |late| late.binary_search(&lin).is_ok())
        });
        if swapped {
            return;
        }
        cx.report(
            drug.lin.loc(),
            "2410 LIN has no CTP: the drug quantity is missing",
        )
        .help("add CTP****<quantity>*<unit>~ after LIN, e.g. CTP****1*UN~ for one vial or syringe");
        return;
    };
    match drug.quantity() {
        None => {
            // On CTP04 when it is written empty (`CTP*****1*UN`: one `*` too many), so the
            // SYN007 there stands for both.
            let at = ctp.element_loc(4);
            cx.report(at, "CTP04 (drug quantity) is missing")
                .help("give the quantity of the NDC given, e.g. CTP****1*UN~");
        }
        Some(q) => {
            if !cx.drug_quantity_of(drug).is_some_and(|v| v.is_positive()) {
                cx.report(
                    q.loc(),
                    format!(
                        "CTP04 drug quantity `{}` is not a number above zero",
                        q.text()
                    ),
                )
                .help("write the amount given as a positive decimal, e.g. 1 or 0.5");
            }
        }
    }
    match drug.unit() {
        None => {
            let at = ctp.element_loc(5);
            cx.report(at, "CTP05-1 (unit of the drug quantity) is missing")
                .help("add the unit: F2, GR, ME, ML or UN, e.g. CTP****1*UN~");
        }
        Some(u) if !UNITS.contains(&u.bytes) => {
            cx.report(u.loc(), format!("CTP05-1 unit `{}` is not F2, GR, ME, ML or UN", u.text()))
                .help("use UN for vials, syringes and other items, ML for milliliters, ME for milligrams, GR for grams, F2 for international units");
        }
        Some(_) => {}
    }
}

/// The LINs of `tx` whose 2410's CTP is written late, right after the opener of the loop that
/// follows (`LIN~LX*2~CTP`; `structure::required_segment_missing::written_after`): each the
/// last LIN the walk placed before it noticed the CTP missing. Asked once per transaction set
/// (`Ctx::late_ctp`): the search reads every structure issue of the set. Sorted, for the
/// binary search of each drug line that lacks its CTP.
fn late_ctp(tx: &claimlint_model::Transaction<'_>) -> Vec<usize> {
    let ig = tx.ig();
    let mut lins: Vec<usize> = crate::structure::required_segment_missing::all_written_after(tx)
        .iter()
        .filter(|l| (l.id, l.parent) == ("CTP", "2410"))
        .filter_map(|l| {
            (0..l.at)
                .rev()
                .find(|&k| ig.is_placed(k) && tx.segments.get(k).is_some_and(|s| s.is(b"LIN")))
        })
        .collect();
    lins.sort_unstable();
    lins
}

#[test]
fn cases() {
    use crate::test::{Case::*, I837, P837, check_cases, edit};
    let no_ctp = edit(P837, "CTP*", "");
    let no_ctp_i = edit(I837, "CTP*", "");
    let cases = [
        Pass(""),
        PassI(""),
        Pass("CTP****1.5*ML~"),
        Trip("CTP****0*UN~"),
        TripI("CTP****-1*UN~"),
        // CTP04 `ONE` (SYN003) and CTP05-1 `EA`/`MG` (SYN008) are the syntax errors, which
        // suppress NDC005 on the same element (suppress::tests::syntax_before_content).
    ];
    let out = check_cases(&NDC005, &cases);
    // A missing CTP is STR002's, a required segment missing, on the LIN: it suppresses
    // NDC005's "no CTP" there (one defect, one error; the 999 codes STR002).
    for text in [&no_ctp, &no_ctp_i] {
        let codes: Vec<&str> = crate::test::run(text).iter().map(|d| d.code).collect();
        assert_eq!(codes, ["STR002"]);
    }
    assert!(out[3].iter().any(|d| d.code == "NDC005"));
    let text = crate::test::edit(crate::test::P837, "CTP*", "CTP****1*EA");
    let d = crate::test::without_syntax(&text, "NDC005");
    assert_eq!((d.loc.element, d.loc.component), (Some(5), Some(1)));
    assert_eq!(d.message, "CTP05-1 unit `EA` is not F2, GR, ME, ML or UN");
}
