use crate::syntax::report_at;
use crate::{Ctx, declare_rule};
use claimlint_model::{Claim, Dec, Indexed, ServiceLine, Total, Transaction};
use claimlint_x12::Element;

declare_rule! {
    /// ## What it does
    /// For each other payer of a claim (2320) whose line-level adjudication is reported
    /// (2430 SVD lines naming that payer in SVD01), checks the TR3 balancing rule of the
    /// 2320 AMT*D note: the payer paid amount (AMT02) equals the sum of that payer's line
    /// paid amounts (SVD02) less the payer's claim-level adjustments (2320 CAS03, 06, 09, 12,
    /// 15, 18). Exact decimal arithmetic. A payer with such lines and no AMT*D at all is
    /// reported too: the TR3 (005010X222A1, 2320 AMT "Coordination of Benefits (COB) Payer
    /// Paid Amount", its situational rule as transcribed in a public repository) makes it
    /// "Required when the claim has been adjudicated by the payer identified in Loop
    /// ID-2330B of this loop", and 2430 lines naming the payer are that
    /// adjudication; X12 RFI 1583 (005010X223, 2320 AMT01 `D`) answers that an amount paid by
    /// the 2330B payer is reported in this AMT02, and that the balancing rules apply even when
    /// the amount is zero.
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
    /// The loop's SBR (its first segment), where a missing AMT*D is reported.
    opener: usize,
    /// Where the loop ends (its 2330 loops inside it), as a segment index.
    end: usize,
    /// An AMT*D is written (its amount may be left out: SYN007), or an AMT whose qualifier is
    /// none of 2320's other amounts (`AMT*DD`, SYN008) may be meant as it: either way the
    /// payer paid amount is not missing.
    paid_written: bool,
    /// The loop has a claim-level CAS: a missing AMT*D goes after it, else after the SBR.
    has_cas: bool,
    /// `None` when a CAS amount is unreadable, or CAS03 (required) is left out: SYN003 or
    /// SYN007 reports it, and this payer's balance cannot be judged.
    adjusted: Option<Total>,
}

fn other_payers<'a>(tx: &Transaction<'a>, claim: &Claim<'a>) -> Vec<OtherPayer<'a>> {
    let (from, to) = (claim.index, claim.end);
    let mut out = Vec::new();
    // The loops are in segment order: the claim's are found by a binary search, not a scan
    // of the set's loops once per claim (a set of thousands of COB claims).
    let start = tx.loops.partition_point(|l| l.first < from);
    let claim_loops = tx.loops[start..].iter().take_while(|l| l.first < to);
    for (li, l) in claim_loops.enumerate().map(|(k, l)| (start + k, l)) {
        if l.id != "2320" {
            continue;
        }
        let mut p = OtherPayer {
            payer: None,
            paid: None,
            opener: l.first as usize,
            end: l.end.min(to) as usize,
            paid_written: false,
            has_cas: false,
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
                    p.paid_written = true;
                    p.paid = seg.element(2).map(|e| (k as usize, e))
                }
                // 2320's other amounts: non-covered (A8), remaining patient liability (EAF).
                b"AMT" if own && !matches!(seg.value(1), b"A8" | b"EAF") => {
                    p.paid_written = true;
                }
                b"CAS" if own => {
                    p.has_cas = true;
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

/// Whether the SVD at segment index `k` of the set repeats, word for word, the SVD right
/// before it (`SVD*A*2300*…~SVD*A*2300*…~DTP*573`): a copy, which STR002 reports (the walk
/// reads it as another 2430, so the first lacks its DTP*573) with a help that deletes it. The
/// payer's balance counts each such line payment once: the copy's is not another payment.
pub(crate) fn svd_copy(tx: &Transaction<'_>, k: usize) -> bool {
    let (Some(seg), Some(prev)) = (
        tx.segments.get(k),
        k.checked_sub(1).and_then(|i| tx.segments.get(i)),
    ) else {
        return false;
    };
    seg.is(b"SVD") && prev.bytes == seg.bytes && !balances_as_written(tx, seg)
}

/// Whether the payer of `svd` balances with every SVD of its claim counted as written: then
/// two SVDs alike are two payments, not one written twice.
fn balances_as_written(tx: &Transaction<'_>, svd: &claimlint_x12::Segment<'_>) -> bool {
    let Some(claim) = crate::enclosing(tx, svd.position).0 else {
        return false;
    };
    let payer = svd.value(1);
    let Some(p) = other_payers(tx, claim)
        .into_iter()
        .find(|p| p.payer.is_some_and(|e| e.bytes == payer))
    else {
        return false;
    };
    let (Some((_, paid)), Some(adjusted)) = (p.paid, p.adjusted) else {
        return false;
    };
    let mut lines = Total::default();
    for (_, s) in tx.segments_of_in(Indexed::Svd, claim.index, claim.end) {
        if s.value(1) == payer {
            match line_paid(s) {
                Some(v) => lines.add(v),
                None => return false,
            }
        }
    }
    lines.minus(adjusted);
    Dec::parse(paid.bytes).is_some_and(|paid| lines == Total::of(paid))
}

/// A line's 2430 adjudication written without the SVD that opens it (the SVD deleted): its
/// `DTP*573` (Line Check or Remittance Date) at segment index `k` stands after the line's own
/// segments, where the walk reads it as no 2430's (STR003, or a 2400 date with a code 2400
/// does not take, SYN008). The SVD's payment is then missing from its payer's balance: when
/// exactly one of the claim's payers with 2430 lines does not balance, and the payment that
/// would balance it is more than zero and at most the line's charge, that is the SVD left
/// out. Returns the finding's message and help (the SVD to write, with that payment and the
/// line's procedure and units) and the segment index of that payer's AMT*D, whose BAL002
/// follows from it. `None` otherwise: the finding as the walk made it stands, BAL002 too.
pub(crate) fn svd_left_out(tx: &Transaction<'_>, k: usize) -> Option<(String, String, usize)> {
    let seg = tx.segments.get(k)?;
    if !(seg.is(b"DTP") && seg.value(1) == b"573") {
        return None;
    }
    let (Some(claim), Some(line)) = crate::enclosing(tx, seg.position) else {
        return None;
    };
    if !stranded_remittance_date(tx, line, k) {
        return None;
    }
    let sv = line.sv?;
    if stranded_dates(tx, claim) != 1 || names_procedure(tx, claim, &sv) {
        return None;
    }
    let (payer, paid, amt) = missing_payment(tx, claim)?;
    let charge = line.charge_value()?;
    if paid <= Total::default() || paid > Total::of(charge) {
        return None;
    }
    let v = |e: usize| String::from_utf8_lossy(sv.value(e)).into_owned();
    // SVD03 the line's procedure, SVD04 its revenue code (837I), SVD05 its units.
    let (procedure, revenue, units) = if sv.is(b"SV2") {
        (v(2), v(1), v(5))
    } else {
        (v(1), String::new(), v(4))
    };
    let svd = format!("SVD*{payer}*{paid}*{procedure}*{revenue}*{units}");
    let svd = svd.trim_end_matches('*');
    let line_no = line.number().map_or_else(
        || "this service line".to_owned(),
        |n| format!("line {}", n.text()),
    );
    let msg = format!(
        "DTP*573 (Line Check or Remittance Date) stands in {line_no} of claim {} without the \
         SVD (Line Adjudication Information) that opens its 2430",
        claim.id_text()
    );
    let help = format!(
        "write the line's SVD right before it: `{svd}~` (payer {payer}'s payment on the line, \
         {paid}, is what balances its AMT*D; the procedure and units as billed)"
    );
    Some((msg, help, amt))
}

/// How many service lines of `claim` hold a stranded DTP*573 ([`stranded_remittance_date`]):
/// with two, which payment each lacks cannot be told.
fn stranded_dates(tx: &Transaction<'_>, claim: &Claim<'_>) -> usize {
    claim
        .lines
        .iter()
        .filter(|line| {
            (line.index as usize..line.end as usize).any(|k| stranded_remittance_date(tx, line, k))
        })
        .count()
}

/// Whether segment `k` of service line `line` is a DTP*573 (Line Check or Remittance Date)
/// that stands before any SVD or CAS of the line and that the walk read in no 2430: a 2430
/// date whose SVD was left out or written elsewhere (a DTP*573 read in a 2430, a repeat out
/// of order, or after one of the line's 2430 segments is not).
pub(crate) fn stranded_remittance_date(
    tx: &Transaction<'_>,
    line: &ServiceLine<'_>,
    k: usize,
) -> bool {
    let is_573 = |s: &claimlint_x12::Segment<'_>| s.is(b"DTP") && s.value(1) == b"573";
    let before = tx.segments.get(line.index as usize..k).unwrap_or_default();
    tx.segments.get(k).is_some_and(is_573)
        && k >= line.index as usize
        && tx.ig().loop_id(k) != Some("2430")
        && !before.iter().any(|s| s.is(b"SVD") || s.is(b"CAS"))
}

/// Whether an SVD of `claim` names the procedure of service segment `sv` (SVD03 against SV101
/// or SV202): that SVD may be this line's, written in another line (STR002 names the move).
fn names_procedure(
    tx: &Transaction<'_>,
    claim: &Claim<'_>,
    sv: &claimlint_x12::Segment<'_>,
) -> bool {
    let procedure = sv.value(if sv.is(b"SV2") { 2 } else { 1 });
    tx.segments_of_in(Indexed::Svd, claim.index, claim.end)
        .any(|(_, s)| s.value(3) == procedure)
}

/// The one payer of `claim` with 2430 lines whose amounts do not balance: its id, the line
/// payment that would balance it (AMT02 less Σ SVD02 plus its claim-level CAS) and the
/// segment index of its AMT*D. `None` when every payer balances, more than one does not, or
/// an amount cannot be read.
fn missing_payment(tx: &Transaction<'_>, claim: &Claim<'_>) -> Option<(String, Total, usize)> {
    let svds: Vec<_> = (tx.segments_of_in(Indexed::Svd, claim.index, claim.end))
        .filter(|&(k, _)| !svd_copy(tx, k))
        .map(|(_, s)| s)
        .collect();
    let mut off = None;
    for p in other_payers(tx, claim) {
        let Some(payer) = p.payer else { continue };
        let lines: Vec<_> = svds.iter().filter(|s| s.value(1) == payer.bytes).collect();
        if lines.is_empty() {
            continue;
        }
        let (index, paid) = p.paid?;
        let mut missing = Total::of(Dec::parse(paid.bytes)?);
        missing.plus(p.adjusted?);
        for svd in lines {
            missing.minus(Total::of(line_paid(svd)?));
        }
        if missing.is_zero() {
            continue;
        }
        if off.is_some() {
            return None;
        }
        off = Some((payer.text().into_owned(), missing, index));
    }
    off
}

/// The sum of a CAS's amounts read from element `from` on, every third (CAS03, 06, … as
/// written; CAS04, 07, … for a CAS whose values stand one element late). `None` when one is
/// no amount.
fn cas_sum(seg: &claimlint_x12::Segment<'_>, from: usize) -> Option<Total> {
    let mut sum = Total::default();
    for n in (from..=19).step_by(3) {
        if let Some(e) = seg.element(n).filter(|e| !e.bytes.is_empty()) {
            sum.add(Dec::parse(e.bytes)?);
        }
    }
    Some(sum)
}

/// The 2320 of `claim` that the CAS at segment index `k` stands in (inside its span, in a
/// 2330 loop of it) or right before (before its SBR), with its AMT*D's segment index, when
/// that payer's amounts do not balance as written but do once its claim-level adjustments are
/// `adjust`ed (given them as read). `None` when they cannot be read, or balance either way.
fn balances_once<'a>(
    tx: &Transaction<'a>,
    claim: &Claim<'a>,
    k: usize,
    adjust: impl Fn(Total) -> Option<Total>,
) -> Option<(OtherPayer<'a>, usize)> {
    let p = other_payers(tx, claim)
        .into_iter()
        .find(|p| (p.opener..p.end).contains(&k) || k + 1 == p.opener)?;
    let (payer, (index, paid), adjusted) = (p.payer?, p.paid?, p.adjusted?);
    let mut lines = Total::default();
    let mut count = 0;
    for (i, svd) in tx.segments_of_in(Indexed::Svd, claim.index, claim.end) {
        if svd.value(1) == payer.bytes && !svd_copy(tx, i) {
            lines.add(line_paid(svd)?);
            count += 1;
        }
    }
    let paid = Total::of(Dec::parse(paid.bytes)?);
    let balances = |adjusted: Total| {
        let mut expected = lines;
        expected.minus(adjusted);
        expected == paid
    };
    (count > 0 && !balances(adjusted) && balances(adjust(adjusted)?)).then_some((p, index))
}

/// A claim-level CAS (`CAS*CO*45*20`) the walk read in no 2320: written before its payer's SBR
/// (SBR and CAS swapped) or after the payer's name (in 2330A or 2330B). When that payer's
/// amounts balance only with it counted, the balance's failure is the place's (STR003), not
/// another defect: the segment index of that payer's AMT*D, whose BAL002 follows, with the
/// payer's id, and whether the CAS stands inside the 2320 (after its SBR).
pub(crate) fn stray_adjustment(tx: &Transaction<'_>, k: usize) -> Option<(usize, String, bool)> {
    let seg = tx.segments.get(k).filter(|s| s.is(b"CAS"))?;
    if tx
        .ig()
        .loop_id(k)
        .is_some_and(|l| l == "2320" || l == "2430")
    {
        return None;
    }
    let claim = crate::enclosing(tx, seg.position).0?;
    let amounts = cas_sum(seg, 3)?;
    let (p, amt) = balances_once(tx, claim, k, |mut a| {
        a.plus(amounts);
        Some(a)
    })?;
    Some((amt, p.payer?.text().into_owned(), k >= p.opener))
}

/// A 2320 CAS with one element separator too many before its reason code (`CAS*CO**45*20`):
/// CAS02 reads empty (SYN007), the reason code as the amount and the amount as the quantity.
/// When its payer balances only with the values read one element earlier, that is the slip:
/// the CAS as it should be written and the segment index of the payer's AMT*D, whose BAL002
/// follows from it.
pub(crate) fn cas_slipped(tx: &Transaction<'_>, k: usize) -> Option<(String, usize)> {
    let seg = tx.segments.get(k).filter(|s| s.is(b"CAS"))?;
    // The reason code and its amount, one element late (CAS03 and CAS04 as written).
    if !seg.value(2).is_empty() || seg.value(3).is_empty() || seg.value(4).is_empty() {
        return None;
    }
    let claim = crate::enclosing(tx, seg.position).0?;
    let (as_written, as_meant) = (cas_sum(seg, 3)?, cas_sum(seg, 4)?);
    let (_, amt) = balances_once(tx, claim, k, |mut a| {
        a.minus(as_written);
        a.plus(as_meant);
        Some(a)
    })?;
    let mut meant = String::from_utf8_lossy(seg.id()).into_owned();
    for n in (1..=19).filter(|&n| n != 2) {
        let Some(e) = seg.element(n) else { break };
        meant.push('*');
        meant.push_str(&e.text());
    }
    Some((meant, amt))
}

/// A 2430 line payment (SVD02) as an amount.
fn line_paid(svd: &claimlint_x12::Segment<'_>) -> Option<Dec> {
    svd.element(2).and_then(|e| Dec::parse(e.bytes))
}

fn cob_payment_mismatch(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    let Some(tx) = cx.tx() else { return };
    // A line payment written twice in a row is one payment (STR002 reports the copy).
    let svds: Vec<_> = (tx.segments_of_in(Indexed::Svd, claim.index, claim.end))
        .filter(|&(k, _)| !svd_copy(tx, k))
        .map(|(_, s)| s)
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
        if let Some(payer) = p.payer.filter(|_| !p.paid_written) {
            paid_amount_missing(cx, tx, claim, &p, payer, &svds);
            continue;
        }
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

/// A payer whose 2430 lines report its adjudication, with no AMT*D in its 2320: the amount it
/// paid is missing. The help gives the amount that balances when the lines and CAS amounts
/// are readable.
fn paid_amount_missing(
    cx: &mut Ctx<'_>,
    tx: &Transaction<'_>,
    claim: &Claim<'_>,
    p: &OtherPayer<'_>,
    payer: Element<'_>,
    svds: &[&claimlint_x12::Segment<'_>],
) {
    let lines: Vec<_> = svds.iter().filter(|s| s.value(1) == payer.bytes).collect();
    if lines.is_empty() {
        return;
    }
    let Some(sbr) = tx.segments.get(p.opener) else {
        return;
    };
    // A segment the guide could not place before the claim's first line may be the AMT*D
    // written wrong or out of place (`AMY*D*2460`, `AMTD*2460`, an AMT*D after the payer's
    // NM1 or before the 2320's SBR): its own finding (SYN001, STR003, SYN008) is the one
    // error. So is an AMT*D the model filed under no 2320 (placed as a 2300 AMT).
    let lines_from = claim.lines_start() as usize;
    let ig = tx.ig();
    let stray_paid = |k: usize| {
        tx.segments
            .get(k)
            .is_some_and(|s| s.is(b"AMT") && s.value(1) == b"D")
            && tx
                .seg_loop
                .get(k)
                .and_then(|&l| tx.loops.get(l as usize))
                .is_none_or(|l| l.id != "2320")
    };
    if (claim.index as usize..lines_from).any(|k| !ig.is_placed(k) || stray_paid(k)) {
        return;
    }
    let mut paid = Total::default();
    let readable = lines
        .iter()
        .all(|s| line_paid(s).map(|v| paid.add(v)).is_some());
    let msg = format!(
        "2320 of claim {} has no AMT*D (payer paid amount), though {} 2430 line(s) report payer {}'s adjudication",
        claim.id_text(),
        lines.len(),
        payer.text()
    );
    let place = if p.has_cas {
        "after its CAS segments"
    } else {
        "after its SBR"
    };
    let help = match p.adjusted.filter(|_| readable) {
        Some(adjusted) if p.has_cas => {
            let mut expected = paid;
            expected.minus(adjusted);
            // A payer cannot have paid less than nothing: then its amounts are wrong too.
            if expected < Total::default() {
                format!(
                    "add AMT*D with the amount that payer paid to this 2320, {place}; its \
                     claim-level CAS ({adjusted}) is more than its line payments ({paid}): \
                     correct its SVD02 or CAS amounts"
                )
            } else {
                format!(
                    "add AMT*D*{expected} to this 2320 {place} (Σ SVD02 {paid} − claim-level CAS {adjusted})"
                )
            }
        }
        Some(_) => format!("add AMT*D*{paid} to this 2320 {place} (Σ SVD02 of its lines)"),
        None => format!("add AMT*D with the amount that payer paid to this 2320, {place}"),
    };
    report_at(cx, p.opener, sbr.loc(), msg).help(help);
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    // Payer A paid 2300 on line 1 and 60 on line 2 and adjusted 20 at claim level: 2340.
    let cob_with = |amt: &str, cas: &str| {
        format!(
            "HI*ABK:M810~SBR*S*18*******MB~{cas}{amt}OI***Y***Y~NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~NM1*PR*2*PAYER A*****PI*PAYERA"
        )
    };
    let cob = |amt: &str| cob_with(&format!("AMT*D*{amt}~"), "CAS*CO*45*20~");
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
    let pa = |amt: &str, cas: &str| {
        with_svd(&crate::test::edit(
            crate::test::P837,
            "HI*",
            &cob_with(amt, cas),
        ))
    };
    let diags = check_cases(
        &BAL002,
        &[
            Pass(""),
            PassI(""),
            Whole(&p("2340"), false),
            Whole(&p("2360"), true), // the claim-level CAS was not subtracted
            Whole(&p("2340.01"), true),
            Edit("HI*", &cob("100"), false), // no 2430 lines: nothing to balance
            // The payer's lines are there, its paid amount is not (TR3: required once the
            // payer adjudicated the claim); an AMT with an unknown qualifier may be meant as
            // it (SYN008 reports that); the other 2320 amounts do not stand for it.
            Whole(&pa("", "CAS*CO*45*20~"), true),
            Whole(&pa("AMT*EAF*0~", "CAS*CO*45*20~"), true),
            Whole(&pa("", ""), true),
        ],
    );
    let missing = |d: &Vec<claimlint_diagnostic::Diagnostic>| {
        d.iter()
            .find(|d| d.code == "BAL002")
            .map(|d| (d.message.clone(), d.help.clone().unwrap_or_default()))
            .unwrap()
    };
    assert_eq!(
        missing(&diags[6]),
        (
            "2320 of claim PAT1001-01 has no AMT*D (payer paid amount), though 2 2430 line(s) \
             report payer PAYERA's adjudication"
                .to_owned(),
            "add AMT*D*2340 to this 2320 after its CAS segments (Σ SVD02 2360 − claim-level \
             CAS 20)"
                .to_owned()
        )
    );
    assert_eq!(
        missing(&diags[8]).1,
        "add AMT*D*2360 to this 2320 after its SBR (Σ SVD02 of its lines)"
    );
    let d = diags[3].iter().find(|d| d.code == "BAL002").unwrap();
    assert_eq!(
        d.help.as_deref(),
        Some("write AMT*D*2340, or correct that payer's SVD02 or 2320 CAS amounts")
    );
    // An AMT with a qualifier 2320 does not use may be the payer paid amount miswritten; an
    // AMT*D without its amount is one: each is its own finding, not a missing AMT*D too.
    let codes = |text: &str| {
        let mut c: Vec<_> = crate::test::run(text).iter().map(|d| d.code).collect();
        c.sort_unstable();
        c
    };
    assert_eq!(codes(&pa("AMT*DD*2340~", "CAS*CO*45*20~")), ["SYN008"]);
    assert_eq!(codes(&pa("AMT*D~", "CAS*CO*45*20~")), ["SYN007"]);
    // Misspelled, its separator left out: SYN001's alone, not also "add AMT*D".
    assert_eq!(codes(&pa("AMY*D*2340~", "CAS*CO*45*20~")), ["SYN001"]);
    assert_eq!(codes(&pa("AMTD*2340~", "CAS*CO*45*20~")), ["SYN001"]);
    // Written before the 2320's SBR (read as a 2300 AMT): its SYN008 alone.
    let early = with_svd(&crate::test::edit(
        crate::test::P837,
        "HI*",
        &format!(
            "HI*ABK:M810~AMT*D*2340~{}",
            &cob_with("", "CAS*CO*45*20~")[12..]
        ),
    ));
    assert_eq!(codes(&early), ["SYN008"]);
    // The line payments less a larger claim-level CAS: no negative AMT*D to suggest.
    let found = crate::test::run(&pa("", "CAS*PR*1*3000~"));
    let d = found.iter().find(|d| d.code == "BAL002").unwrap();
    assert!(
        d.help.as_deref().is_some_and(
            |h| !h.contains("AMT*D*-") && h.contains("correct its SVD02 or CAS amounts")
        ),
        "{d:#?}"
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

/// The 837P template with payer A as other payer (claim-level CAS 20, AMT*D `amt`) and each
/// line's 2430 segments before its DTP*573: `first` for line 1, `second` for line 2 (each
/// segment ending in `~`; empty: the DTP*573 alone).
#[cfg(test)]
fn with_payer_a(amt: &str, first: &str, second: &str) -> String {
    use crate::test::{P837, edit};
    let payer = format!(
        "HI*ABK:M810~SBR*S*18*******MB~CAS*CO*45*20~AMT*D*{amt}~OI***Y***Y~\
         NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~NM1*PR*2*PAYER A*****PI*PAYERA"
    );
    let t = edit(P837, "HI*", &payer);
    let t = edit(
        &t,
        "CTP*",
        &format!("CTP****1*UN~{first}DTP*573*D8*20260201"),
    );
    edit(
        &t,
        "SE*",
        &format!("{second}DTP*573*D8*20260201~SE*{{count}}*0001"),
    )
}

/// A 2430's SVD written twice in a row, word for word, is one line payment: the balance counts
/// it once, so the copy's STR002 (whose help deletes it) is the one finding; beside a paid
/// amount that does not balance anyway BAL002 stays, judged with the copy deleted. Two SVDs
/// that differ are two payments.
#[test]
fn an_svd_written_twice_is_one_payment() {
    use crate::test::run;
    let claim = |amt: &str, svds: &str| {
        with_payer_a(amt, &format!("{svds}~"), "SVD*PAYERA*60*HC:96372**1~")
    };
    let svd = "SVD*PAYERA*2300*HC:J0897:JZ**60";
    let twice = format!("{svd}~{svd}");
    let found = run(&claim("2340", &twice));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code, "STR002");
    assert_eq!(
        found[0].message,
        "`SVD*PAYERA*2300*HC:J0897:JZ**60` is written twice in a row (segments 31 and 32): \
         read as two 2430 loops, the first lacks its required DTP*573 (Line Check or \
         Remittance Date)"
    );
    assert_eq!(
        found[0].help.as_deref(),
        Some(
            "delete the second SVD (segment 32): it repeats segment 31 as written; the line's \
             adjudication by that payer is one SVD, followed by its DTP*573"
        )
    );
    let mut codes: Vec<_> = run(&claim("2300", &twice)).iter().map(|d| d.code).collect();
    codes.sort_unstable();
    assert_eq!(codes, ["BAL002", "STR002"]);
    let d = run(&claim("2300", &twice))
        .into_iter()
        .find(|d| d.code == "BAL002")
        .unwrap();
    assert!(
        d.message.contains("Σ SVD02 2360 over 2 2430 line(s)"),
        "{d:#?}"
    );
    // Another amount: two payments, the first 2430 without its date (the generic STR002).
    let other = format!("SVD*PAYERA*2200*HC:J0897:JZ**60~{svd}");
    let found = run(&claim("2340", &other));
    let codes: Vec<_> = found.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"BAL002"), "{found:#?}");
    assert!(
        found
            .iter()
            .any(|d| d.code == "STR002" && d.message.starts_with("segment DTP")),
        "{found:#?}"
    );
}

/// A line's SVD left out (deleted), its DTP*573 kept: one finding on that DTP (STR003 after a
/// drug line's 2410, SYN008 where it reads as a 2400 date) whose help writes the SVD with the
/// payment that balances its payer's AMT*D; BAL002 follows from it (suppressed, counted). Near
/// miss: when no payment up to the line's charge would balance the payer, the AMT*D is wrong
/// too, and BAL002 stays beside the walk's own finding.
#[test]
fn an_svd_left_out_is_one_finding_that_writes_it() {
    let claim = with_payer_a;
    let (first, second) = (
        "SVD*PAYERA*2300*HC:J0897:JZ**60~",
        "SVD*PAYERA*60*HC:96372**1~",
    );
    let outcome = |text: &str| {
        let o = crate::engine::check(text.as_bytes(), &crate::LintSettings::default());
        (o.diagnostics, o.tally.suppressed)
    };
    let (found, suppressed) = outcome(&claim("2340", "", second));
    assert_eq!((found.len(), suppressed), (1, 1), "{found:#?}");
    assert_eq!(found[0].code, "STR003");
    assert_eq!(
        found[0].message,
        "DTP*573 (Line Check or Remittance Date) stands in line 1 of claim PAT1001-01 without \
         the SVD (Line Adjudication Information) that opens its 2430"
    );
    assert_eq!(
        found[0].help.as_deref(),
        Some(
            "write the line's SVD right before it: `SVD*PAYERA*2300*HC:J0897:JZ**60~` (payer \
             PAYERA's payment on the line, 2300, is what balances its AMT*D; the procedure and \
             units as billed)"
        )
    );
    let (found, suppressed) = outcome(&claim("2340", first, ""));
    assert_eq!((found.len(), suppressed), (1, 1), "{found:#?}");
    assert_eq!(found[0].code, "SYN008");
    assert!(
        found[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("`SVD*PAYERA*60*HC:96372**1~`")),
        "{found:#?}"
    );
    // 2720 would balance, more than line 2's charge of 60: the AMT*D is wrong as well.
    let (found, suppressed) = outcome(&claim("5000", first, ""));
    let mut codes: Vec<_> = found.iter().map(|d| d.code).collect();
    codes.sort_unstable();
    assert_eq!((codes, suppressed), (vec!["BAL002", "SYN008"], 0));
    assert!(
        found[1].message.starts_with("DTP01 `573` in 2400")
            || found[0].message.starts_with("DTP01 `573` in 2400"),
        "{found:#?}"
    );
    // Balanced as written (the SVD stands elsewhere): the walk's finding, nothing to write.
    let (found, _) = outcome(&claim("2340", &format!("{first}{second}"), ""));
    assert!(
        found.iter().all(|d| !d.message.contains("without the SVD")),
        "{found:#?}"
    );
}

/// A payer's claim-level CAS misplaced or slipped: its balance fails only because the CAS is
/// not read as meant, so the one finding is the place's (STR003: before the SBR, or after the
/// payer's name) or the slip's (SYN007 on the empty CAS02, its help writing the CAS without
/// the `*` too many); BAL002 is suppressed and counted. Near misses: beside a paid amount
/// that does not balance either way, BAL002 stays.
#[test]
fn a_misplaced_or_slipped_claim_adjustment_is_one_finding() {
    let outcome = |amt: &str, from: &str, to: &str| {
        let base = with_payer_a(
            amt,
            "SVD*PAYERA*2300*HC:J0897:JZ**60~",
            "SVD*PAYERA*60*HC:96372**1~",
        )
        .replace("~\n", "~");
        let text = base.replace(from, to);
        assert_ne!(text, base, "{from}");
        let o = crate::engine::check(text.as_bytes(), &crate::LintSettings::default());
        let mut codes: Vec<_> = o.diagnostics.iter().map(|d| d.code).collect();
        codes.sort_unstable();
        (codes, o.tally.suppressed, o.diagnostics)
    };
    let slip = ("CAS*CO*45*20~", "CAS*CO**45*20~");
    let swap = (
        "SBR*S*18*******MB~CAS*CO*45*20~",
        "CAS*CO*45*20~SBR*S*18*******MB~",
    );
    let after_name = (
        "CAS*CO*45*20~AMT*D*2340~OI***Y***Y~NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~",
        "AMT*D*2340~OI***Y***Y~NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~CAS*CO*45*20~",
    );
    let (codes, suppressed, found) = outcome("2340", slip.0, slip.1);
    assert_eq!((codes, suppressed), (vec!["SYN007"], 1), "{found:#?}");
    assert_eq!(
        found[0].help.as_deref(),
        Some(
            "one `*` too many before `45`: write `CAS*CO*45*20` (read so, the payer's amounts balance)"
        )
    );
    let (codes, suppressed, found) = outcome("2340", swap.0, swap.1);
    assert_eq!((codes, suppressed), (vec!["STR003"], 1), "{found:#?}");
    let (codes, suppressed, found) = outcome("2340", after_name.0, after_name.1);
    assert_eq!((codes, suppressed), (vec!["STR003"], 1), "{found:#?}");
    assert_eq!(
        found[0].message,
        "CAS*CO (Claim Level Adjustments) of payer PAYERA is written after 2330A; the guide \
         puts it in that payer's 2320, before its AMT*D"
    );
    // The paid amount wrong too: no reading of the CAS balances it.
    let (codes, suppressed, found) = outcome("2000", slip.0, slip.1);
    assert_eq!(
        (codes, suppressed),
        (vec!["BAL002", "SYN007"], 0),
        "{found:#?}"
    );
    let (codes, suppressed, found) = outcome("2000", swap.0, swap.1);
    assert_eq!(
        (codes, suppressed),
        (vec!["BAL002", "STR003"], 0),
        "{found:#?}"
    );
}

/// Line 2's SVD written at the end of line 1 (moved up one line): one STR002 on it naming the
/// move, which covers line 2's DTP*573 (read as a 2400 date without its SVD: SYN008,
/// suppressed and counted). Beside a DTP*573 whose date is wrong as well, both stay.
#[test]
fn an_svd_moved_up_one_line_is_one_finding() {
    use crate::test::edit;
    let text = |date: &str| {
        let t = with_payer_a("2340", "SVD*PAYERA*2300*HC:J0897:JZ**60~", "")
            .replace("~\n", "~")
            .replace(
                "DTP*573*D8*20260201~LX*2",
                "DTP*573*D8*20260201~SVD*PAYERA*60*HC:96372**1~LX*2",
            )
            .replace(
                "DTP*472*D8*20260115~DTP*573*D8*20260201",
                &format!("DTP*472*D8*20260115~DTP*573*D8*{date}"),
            );
        edit(&t, "SE*", "SE*{count}*0001")
    };
    let o = crate::engine::check(text("20260201").as_bytes(), &crate::LintSettings::default());
    assert_eq!(
        (o.diagnostics.len(), o.tally.suppressed),
        (1, 1),
        "{:#?}",
        o.diagnostics
    );
    let d = &o.diagnostics[0];
    assert_eq!(d.code, "STR002");
    assert_eq!(
        d.message,
        "`SVD*PAYERA*60*HC:96372**1` at the end of line 1 is line 2's adjudication (its \
         procedure HC:96372 is that line's, whose DTP*573 stands without an SVD): read here, \
         its 2430 lacks the DTP*573"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("move this SVD down into line 2, right before its DTP*573 (segment 37)")
    );
    let o = crate::engine::check(text("2026021").as_bytes(), &crate::LintSettings::default());
    assert!(
        o.diagnostics.iter().any(|d| d.code == "SYN008"),
        "{:#?}",
        o.diagnostics
    );
    assert!(
        o.diagnostics
            .iter()
            .all(|d| !d.message.contains("adjudication")),
        "{:#?}",
        o.diagnostics
    );
}
