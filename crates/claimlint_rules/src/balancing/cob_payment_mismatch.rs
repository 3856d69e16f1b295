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
    /// `None` when a CAS amount is unreadable (SYN002/SYN003 report it).
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
                        let amount = seg.element(n).map(|e| Dec::parse(e.bytes));
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

fn cob_payment_mismatch(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    let Some(tx) = cx.tx() else { return };
    let svds: Vec<_> = (claim.index..claim.end)
        .filter_map(|k| tx.segments.get(k as usize))
        .filter(|s| s.is(b"SVD"))
        .collect();
    if svds.is_empty() {
        return;
    }
    for p in other_payers(tx, claim) {
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
            let Some(v) = svd.element(2).and_then(|e| Dec::parse(e.bytes)) else {
                return;
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
