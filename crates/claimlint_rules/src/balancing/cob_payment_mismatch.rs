use crate::syntax::report_at;
use crate::{Ctx, declare_rule};
use claimlint_model::{Claim, Dec, Total, Transaction};
use claimlint_x12::Element;

declare_rule! {
    /// ## What it does
    /// For each other payer of a claim (2320) whose line-level adjudication is reported
    /// (2430 SVD lines naming that payer in SVD01), checks the TR3 balancing rule of the
    /// 2320 AMT*D note: the payer paid amount (AMT02) equals the sum of that payer's line
    /// paid amounts (SVD02) less the payer's claim-level adjustments (2320 CAS03, 06, 09, 12,
    /// 15, 18). Exact decimal arithmetic.
    /// ## Why it matters
    /// The secondary payer computes its share from these amounts; when they do not balance
    /// the claim is rejected (277CA A7/400, claim out of balance) or paid wrongly.
    /// ## Example
    /// ```x12
    /// SBR*P*18*******CI~CAS*PR*1*20~AMT*D*100~NM1*PR*2*PAYER A*****PI*PAYERA~
    /// ... SVD*PAYERA*110*HC:99213**1~
    /// ```
    /// ## Fix
    /// 110 paid on the lines less 20 adjusted at claim level is 90: `AMT*D*90~`.
    code: BAL002, name: "cob-payment-mismatch", severity: Error, snip: 3,
    x999: Never,
    check: Claim(cob_payment_mismatch),
}

/// One 2320 loop: the payer (2330B NM109), AMT*D and the sum of its claim-level CAS.
struct OtherPayer<'a> {
    payer: Option<Element<'a>>,
    paid: Option<(usize, Element<'a>)>,
    /// `None` when a CAS amount is unreadable, or CAS03 (required) is left out: SYN003 or
    /// SYN007 reports it, and this payer's balance cannot be judged.
    adjusted: Option<Total>,
}

fn other_payers<'a>(tx: &Transaction<'a>, claim: &Claim<'a>) -> Vec<OtherPayer<'a>> {
    let (from, to) = (claim.index, claim.end);
    let mut out = Vec::new();
    for (li, l) in tx.loops.iter().enumerate() {
        if l.id != "2320" || l.first < from || l.first >= to {
            continue;
        }
        let mut p = OtherPayer {
            payer: None,
            paid: None,
            adjusted: Some(Total::default()),
        };
        let end = l.end.min(to);
        for k in l.first..end {
            let (Some(seg), Some(&sl)) = (tx.segments.get(k as usize), tx.seg_loop.get(k as usize))
            else {
                continue;
            };
            let own = usize::try_from(sl).is_ok_and(|s| s == li);
            match seg.id() {
                b"AMT" if own && seg.value(1) == b"D" => {
                    p.paid = seg.element(2).map(|e| (k as usize, e))
                }
                b"CAS" if own => {
                    for n in [3, 6, 9, 12, 15, 18] {
                        let amount = match seg.element(n) {
                            Some(e) => Some(Dec::parse(e.bytes)),
                            None if n == 3 => Some(None),
                            None => None,
                        };
                        p.adjusted = match amount {
                            None => p.adjusted,
                            Some(a) => p.adjusted.zip(a).map(|(mut s, a)| {
                                s.add(a);
                                s
                            }),
                        };
                    }
                }
                b"NM1" if tx.loops.get(sl as usize).is_some_and(|n| n.id == "2330B") => {
                    p.payer = seg.element(9);
                }
                _ => {}
            }
        }
        out.push(p);
    }
    out
}

/// A 2430 line payment (SVD02) as an amount.
fn line_paid(svd: &claimlint_x12::Segment<'_>) -> Option<Dec> {
    svd.element(2).and_then(|e| Dec::parse(e.bytes))
}

fn cob_payment_mismatch(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    let Some(tx) = cx.tx() else { return };
    let svds: Vec<_> = (claim.index..claim.end)
        .filter_map(|k| tx.segments.get(k as usize))
        .filter(|s| s.is(b"SVD"))
        .collect();
    if svds.is_empty() {
        return;
    }
    let payers = other_payers(tx, claim);
    let named = |id: &[u8]| {
        payers
            .iter()
            .any(|p| p.payer.is_some_and(|e| e.bytes == id))
    };
    // A line payment whose payer cannot be told: SVD01 left empty, or left out so that the
    // values stand one element early (`SVD*40*HC:99213`: SVD02 holds the procedure, a
    // composite, and SVD01 names none of the claim's payers). Any payer's balance may lack
    // it; SYN007 or SYN003 reports it, and no payer of the claim is judged. An SVD02 that is
    // no amount on a line naming a payer leaves only that payer unjudged; on a line naming
    // another payer, none of the claim's.
    let composite = |s: &claimlint_x12::Segment<'_>| s.value(2).contains(&s.delims.component);
    let unowned = |s: &&claimlint_x12::Segment<'_>| {
        s.value(1).is_empty() || (line_paid(s).is_none() && composite(s) && !named(s.value(1)))
    };
    if svds.iter().any(unowned) {
        return;
    }
    'payers: for p in payers {
        // Without the payer id, its paid amount or readable CAS amounts there is nothing to
        // balance (STR002, SYN003 report those).
        let (Some(payer), Some((index, paid)), Some(adjusted)) = (p.payer, p.paid, p.adjusted)
        else {
            continue;
        };
        let Some(paid_value) = Dec::parse(paid.bytes) else {
            continue;
        };
        // Sums are `Total`s, which cannot overflow: no amount switches the balancing off.
        let mut lines = Total::default();
        let mut count = 0;
        for svd in svds.iter().filter(|s| s.value(1) == payer.bytes) {
            let Some(v) = line_paid(svd) else {
                continue 'payers;
            };
            lines.add(v);
            count += 1;
        }
        if count == 0 {
            continue;
        }
        let mut expected = lines;
        expected.minus(adjusted);
        if expected == Total::of(paid_value) {
            continue;
        }
        let msg = format!(
            "AMT02 `{}` (paid by payer {}) in 2320 of claim {} does not balance: Σ SVD02 {lines} over {count} 2430 line(s) − claim-level CAS {adjusted} = {expected}",
            paid.text(),
            payer.text(),
            claim.id_text()
        );
        // A payer cannot have paid less than nothing: then the amounts it reports are wrong,
        // not AMT02.
        let help = if expected < Total::default() {
            format!(
                "the claim-level CAS ({adjusted}) is more than that payer's line payments \
                 ({lines}): correct its SVD02 or 2320 CAS amounts"
            )
        } else {
            format!("write AMT*D*{expected}, or correct that payer's SVD02 or 2320 CAS amounts")
        };
        report_at(cx, index, paid.loc(), msg).help(help);
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    // Payer A paid 2300 on line 1 and 60 on line 2 and adjusted 20 at claim level: 2340.
    let cob = |amt: &str| {
        format!(
            "HI*ABK:M810~SBR*S*18*******MB~CAS*CO*45*20~AMT*D*{amt}~OI***Y***Y~NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~NM1*PR*2*PAYER A*****PI*PAYERA"
        )
    };
    let with_svd = |t: &str| {
        let t = crate::test::edit(
            t,
            "CTP*",
            "CTP****1*UN~SVD*PAYERA*2300*HC:J0897:JZ**60~DTP*573*D8*20260201",
        );
        crate::test::edit(
            &t,
            "SE*",
            "SVD*PAYERA*60*HC:96372**1~DTP*573*D8*20260201~SE*{count}*0001",
        )
    };
    let p = |amt: &str| with_svd(&crate::test::edit(crate::test::P837, "HI*", &cob(amt)));
    let diags = check_cases(
        &BAL002,
        &[
            Pass(""),
            PassI(""),
            Whole(&p("2340"), false),
            Whole(&p("2360"), true), // the claim-level CAS was not subtracted
            Whole(&p("2340.01"), true),
            Edit("HI*", &cob("100"), false), // no 2430 lines: nothing to balance
        ],
    );
    let d = diags[3].iter().find(|d| d.code == "BAL002").unwrap();
    assert_eq!(
        d.help.as_deref(),
        Some("write AMT*D*2340, or correct that payer's SVD02 or 2320 CAS amounts")
    );
    // A claim-level adjustment larger than the line payments: no negative AMT02 to suggest.
    let over = p("2340").replace("CAS*CO*45*20~", "CAS*CO*45*3000~");
    let found = crate::test::run(&over);
    let d = found.iter().find(|d| d.code == "BAL002").unwrap();
    assert_eq!(
        d.help.as_deref(),
        Some(
            "the claim-level CAS (3000) is more than that payer's line payments (2360): \
             correct its SVD02 or 2320 CAS amounts"
        )
    );
}

/// Two other payers: A's line payment or claim-level adjustment that is no amount leaves A
/// unjudged (SYN003 or SYN007 reports it), not B, whose own lines do not balance; a line payment naming no payer (SVD01 left
/// empty) could be either's, so neither is judged (SYN007 reports it).
#[test]
fn each_payer_is_judged_by_its_own_lines() {
    use crate::test::{P837, edit};
    let claim = |svd_a: &str, paid_b: &str| {
        let payers = format!(
            "HI*ABK:M810~SBR*S*18*******MB~CAS*CO*45*20~AMT*D*2340~OI***Y***Y~\
             NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~NM1*PR*2*PAYER A*****PI*PAYERA~\
             SBR*T*18*******CI~AMT*D*{paid_b}~OI***Y***Y~\
             NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~NM1*PR*2*PAYER B*****PI*PAYERB"
        );
        let t = edit(P837, "HI*", &payers);
        let t = edit(
            &t,
            "CTP*",
            &format!(
                "CTP****1*UN~SVD*{svd_a}*HC:J0897:JZ**60~DTP*573*D8*20260201~\
                 SVD*PAYERB*50*HC:J0897:JZ**60~DTP*573*D8*20260201"
            ),
        );
        edit(
            &t,
            "SE*",
            "SVD*PAYERA*60*HC:96372**1~DTP*573*D8*20260201~SE*{count}*0001",
        )
    };
    let codes = |text: &str| {
        let o = crate::engine::check(text.as_bytes(), &crate::LintSettings::default());
        let mut c: Vec<_> = o.diagnostics.iter().map(|d| d.code).collect();
        c.sort_unstable();
        (c, o.tally.suppressed)
    };
    assert_eq!(codes(&claim("PAYERA*2300", "50")), (vec![], 0));
    assert_eq!(codes(&claim("PAYERA*2300", "70")), (vec!["BAL002"], 0));
    assert_eq!(codes(&claim("PAYERA*X", "50")), (vec!["SYN003"], 0));
    assert_eq!(
        codes(&claim("PAYERA*X", "70")),
        (vec!["BAL002", "SYN003"], 0)
    );
    assert_eq!(codes(&claim("*2300", "70")), (vec!["SYN007"], 0));
    // A line naming a payer the claim does not have, whose payment is no amount: SYN003, and
    // each payer is still judged by its own lines (A's now lacks the 2300 this line held).
    assert_eq!(
        codes(&claim("PAYERZ*X", "70")),
        (vec!["BAL002", "BAL002", "SYN003"], 0)
    );
    assert_eq!(
        codes(&claim("PAYERZ*X", "50")),
        (vec!["BAL002", "SYN003"], 0)
    );
    // A's claim-level adjustment without its amount (CAS03, required) or with one that is no
    // number: A is not judged, B still is.
    for (cas, code) in [("CAS*CO*45~", "SYN007"), ("CAS*CO*45*X~", "SYN003")] {
        let text = claim("PAYERA*2300", "70").replace("CAS*CO*45*20~", cas);
        assert_eq!(codes(&text), (vec!["BAL002", code], 0), "{cas}");
    }
}
