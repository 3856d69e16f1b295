use crate::syntax::report_at;
use crate::{Ctx, declare_rule};
use claimlint_model::{Claim, Date, DateRange, Indexed, Kind, Transaction};

declare_rule! {
    /// ## What it does
    /// Checks the service dates of a claim: the 2300 statement period (DTP*434), 2300 and
    /// 2400 service dates (DTP*472). A date may not be after the day the file was created
    /// (BHT04: services not yet rendered cannot be billed), a range may not end before it
    /// starts, and in an 837I each line date must fall within the statement period (TR3
    /// 2400 DTP*472 note, 837I).
    /// ## Why it matters
    /// Payers reject future-dated services and reversed ranges at the front end (277CA
    /// A7/187, date of service), and an 837I line outside the statement period cannot be
    /// priced under the claim's bill type.
    /// ## Example
    /// `BHT*0019*00*BATCH1*20260120*1200*CH~ ... DTP*472*D8*20260125~`
    /// ## Fix
    /// Bill services on or after the day they were rendered, with the right date:
    /// `DTP*472*D8*20260115~`.
    code: SIT004, name: "service-date-invalid", severity: Error, snip: 4,
    x999: Never,
    check: Claim(service_date_invalid),
}

struct Dated {
    index: usize,
    range: DateRange,
    what: &'static str,
    is_line: bool,
}

/// The claim's service dates and statement period (2300 and 2400 DTP*472/434) that read as
/// dates; an unreadable one is SYN003's.
/// Read as the rule walks them (no list is built).
fn dated<'t>(tx: &'t Transaction<'t>, claim: &Claim<'_>) -> impl Iterator<Item = Dated> + 't {
    let dtps = tx.segments_of_in(Indexed::Dtp, claim.index, claim.end);
    dtps.filter_map(move |(k, seg)| {
        let loop_id = tx.loop_of(k);
        if !matches!(loop_id, Some("2300" | "2400")) {
            return None;
        }
        let what = match seg.value(1) {
            b"472" => "service date",
            b"434" => "statement period",
            _ => return None,
        };
        // DTP03 is made an element (with its position) only for a finding.
        let range = Some(seg.value(3))
            .filter(|v| !v.is_empty())
            .and_then(|v| DateRange::parse(seg.value(2), v))?;
        Some(Dated {
            index: k,
            range,
            what,
            is_line: loop_id == Some("2400"),
        })
    })
}

fn service_date_invalid(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    let Some(tx) = cx.tx() else { return };
    // The same for every claim of the set: read once for them all.
    let created = cx.created(|| {
        tx.bht()
            .and_then(|b| b.element(4))
            .and_then(|e| Date::parse(e.bytes))
    });
    let statement = (tx.kind == Kind::Institutional)
        .then_some(claim.statement)
        .flatten();
    for d in dated(tx, claim) {
        let DateRange { start, end } = d.range;
        let lp = if d.is_line { "2400" } else { "2300" };
        // Read as an element and text only for a finding (most dates have none).
        let value = || tx.segments.get(d.index).and_then(|s| s.element(3));
        let shown = || value().map(|v| v.text().into_owned()).unwrap_or_default();
        let (msg, help) = if end < start {
            let shown = shown();
            (
                format!("DTP03 `{shown}` ({}) in {lp} ends before it starts", d.what),
                format!("write the range as {}-{}", end.0, start.0),
            )
        } else if let Some(created) = created.filter(|&c| end > c) {
            let shown = shown();
            (
                format!(
                    "DTP03 `{shown}` ({}) in {lp} ends on {end}, after the file was created (BHT04 {created})",
                    d.what
                ),
                format!(
                    "services not yet rendered cannot be billed: correct the date, or send the claim after {end}"
                ),
            )
        } else if let Some(s) = statement.filter(|s| d.is_line && (start < s.start || end > s.end))
        {
            let shown = shown();
            (
                format!(
                    "DTP03 `{shown}` (line service date) in 2400 is outside the statement period {}–{} of claim {}",
                    s.start,
                    s.end,
                    claim.id_text()
                ),
                "correct the line date, or widen the statement period (2300 DTP*434)".to_string(),
            )
        } else {
            continue;
        };
        let Some(value) = value() else { continue };
        report_at(cx, d.index, value.loc(), msg).help(help);
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &SIT004,
        &[
            Pass(""),
            PassI(""),
            Trip("DTP*472*D8*20260125"),           // after BHT04 20260120
            Trip("DTP*472*RD8*20260115-20260110"), // reversed
            TripI("DTP*434*RD8*20260115-20260125"), // statement ends after BHT04
            TripI("DTP*472*D8*20260114"),          // line outside the statement period
            PassI("DTP*434*RD8*20260110-20260115"),
            Pass("DTP*472*RD8*20260110-20260115"),
        ],
    );
    let d = diags[2].iter().find(|d| d.code == "SIT004").unwrap();
    assert_eq!(
        d.message,
        "DTP03 `20260125` (service date) in 2400 ends on 2026-01-25, after the file was created (BHT04 2026-01-20)"
    );
    assert_eq!(d.context.line_number, Some(1));
}
