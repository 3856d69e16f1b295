use super::{findings, report_at, type_name};
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::Ack999;
use claimlint_ig::{DataType, ElementIssue};
use claimlint_model::value::{fits_date_format, qualified_date_at};
use claimlint_model::{Indexed, Transaction};
use claimlint_x12::Segment;

declare_rule! {
    /// ## What it does
    /// Checks that each value is of its element's X12 type: N0/Nn and R numbers, DT dates
    /// (CCYYMMDD, a day that exists), TM times (HHMM[SS]). It also reads a date by its format
    /// qualifier, as the TR3 segment notes require: DTP03 after DTP02 `D8` is one CCYYMMDD
    /// date, after `RD8` a CCYYMMDD-CCYYMMDD range, after `DT` CCYYMMDDHHMM; DMG02 after
    /// DMG01 `D8` is a date. A date left out with its separator (`DMG*D8*F`, the gender read
    /// as DMG02) is this one finding, its help naming the element left out, not also SYN007
    /// for the DMG03 the shift left empty.
    /// ## Why it matters
    /// A value of the wrong type cannot be read (999 IK4 code 6 or 8); a statement period
    /// written as one date is rejected by Medicare's front end.
    /// ## Example
    /// `DTP*472*D8*20260230~` (February has no 30th), `DTP*434*RD8*20260115~`
    /// ## Fix
    /// `DTP*472*D8*20260227~`, `DTP*434*RD8*20260115-20260115~`.
    code: SYN003, name: "element-type", severity: Error, snip: 2,
    x999: PerFinding,
    check: Transaction(element_type),
}

fn example(t: DataType) -> &'static str {
    match t {
        DataType::DT => "a real calendar date, CCYYMMDD, e.g. 20260115",
        DataType::TM => "a time, HHMM or HHMMSS, e.g. 1430",
        DataType::R => "a number with at most one decimal point, e.g. 125.50",
        DataType::N(_) => "digits only (0-9)",
        _ => "printable characters only",
    }
}

fn element_type(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    for f in findings(tx, |e| matches!(e, ElementIssue::Type { .. })) {
        let ElementIssue::Type {
            elem,
            comp,
            expected,
        } = *f.issue
        else {
            continue;
        };
        let r = f.ref_des(elem, comp);
        let msg = format!(
            "{r} `{}` in {} is not {}",
            f.text(elem, comp),
            f.loop_name(tx),
            type_name(expected)
        );
        // 999 IK403: 8 "invalid date", 9 "invalid time", 6 "invalid character in data element".
        let ack = match expected {
            DataType::DT => "8",
            DataType::TM => "9",
            _ => "6",
        };
        f.report(cx, f.loc(elem, comp), msg)
            .help(format!("write {r} as {}", example(expected)))
            .ack(Ack999::Element(ack));
    }
    // The DTPs and DMGs: the segments `qualified_date_at` reads a date of.
    for index in tx.by_id.of_either(Indexed::Dtp, Indexed::Dmg) {
        let Some(seg) = tx.segments.get(index) else {
            continue;
        };
        if let Some((q, v)) = qualified_date_at(seg.id()) {
            check_qualified_date(tx, cx, index, seg, q, v);
        }
    }
}

/// What a date written as format qualifier `format` (DTP02, DMG01) is: `a date, CCYYMMDD`.
pub(crate) fn format_form(format: &[u8]) -> &'static str {
    match format {
        b"D8" => "a date, CCYYMMDD",
        b"RD8" => "a date range, CCYYMMDD-CCYYMMDD",
        b"TM" => "a time of day, HHMM",
        _ => "a date and time, CCYYMMDDHHMM",
    }
}

/// A date element read by its format qualifier (TR3 DTP02/DMG01: D8, RD8, DT).
fn check_qualified_date(
    tx: &Transaction<'_>,
    cx: &mut Ctx<'_>,
    index: usize,
    seg: &Segment<'_>,
    q: usize,
    v: usize,
) {
    // The bytes first: the elements (with their positions) only for a finding.
    let (format_bytes, bytes) = (seg.value(q), seg.value(v));
    if format_bytes.is_empty() || bytes.is_empty() {
        return;
    }
    let want = format_form(format_bytes);
    // A format code the guide does not allow here, the date written in one it does
    // (`DTP*472*TM*20260115`): the code is the one mistake (SYN008 names the one to write),
    // and the date is read as that code says.
    if fits_date_format(format_bytes, bytes) != Some(false)
        || super::date_format_meant(tx, index).is_some()
    {
        return;
    }
    let (Some(format), Some(value)) = (seg.element(q), seg.element(v)) else {
        return;
    };
    let r = value.ref_des();
    let msg = format!(
        "{r} `{}` in {} is not {want} (as {} `{}` says)",
        value.text(),
        super::loop_name(tx, index),
        format.ref_des(),
        format.text()
    );
    let help = match format.bytes {
        b"RD8" if fits_date_format(b"D8", value.bytes) == Some(true) => {
            format!(
                "write the range as {0}-{0} (a one-day period)",
                value.text()
            )
        }
        b"D8" if value.bytes.contains(&b'-') => {
            format!("write one date, or a range with {} RD8", format.ref_des())
        }
        _ => match super::date_formats_allowed(tx, index) {
            // The format code is wrong too (SYN008): the date in a format the guide allows.
            Some(codes) => {
                let forms: Vec<String> = codes
                    .iter()
                    .map(|c| {
                        format!(
                            "{} under {} {c}",
                            format_form(c.as_bytes()),
                            format.ref_des()
                        )
                    })
                    .collect();
                format!("write {r} as {}", forms.join(", or "))
            }
            None => format!("write {r} as {want}"),
        },
    };
    // A date left out before the next value (`DMG*D8*F`): the segment's slipped separators
    // (`realign`, which weighs this finding too) stand at the date's element, and this is
    // the one finding that stands for them (its help, `explain_realigned`'s, names the slip).
    let mark = tx
        .ig()
        .realignment(index)
        .and_then(|r| super::realigned_mark(seg, r, Some((v, 0))));
    // The element (DTP03, DMG02) is AN in the guide: its wrong form is IK403 6.
    let d = report_at(cx, index, value.loc(), msg)
        .help(help)
        .ack(Ack999::Element("6"));
    d.realigned = mark;
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &SYN003,
        &[
            Pass(""),
            PassI(""),
            Trip("DTP*472*D8*20260230"),
            Trip("DTP*472*D8*2026011"),
            TripI("DTP*434*RD8*20260115"),
            TripI("DTP*434*RD8*20260115-2026011X"),
            // A format code the guide does not allow, the date not written in one it does:
            // two mistakes (SYN008 on DTP02 and this).
            Also(&["SYN008"], &Trip("DTP*472*TM*2026011")),
            // (The date written in a format the guide allows here, `DTP*472*TM*20260115`, is
            // SYN008's one finding: code_value's cases.)
            Trip("DMG*D8*19451312*F"),
            Edit("BHT*", "BHT*0019*00*BATCH1*20260120*2561*CH", true),
            Edit("CLM*", "CLM*PAT1001-01*24A0***11:B:1*Y*A*Y*Y", true),
            PassI("DTP*434*RD8*20260101-20260115"),
            // SV107 pointers are N0 with a code list (1–12): a value that is no whole number
            // is a type error, not a code (nor SIT001's, which judges numbers).
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***1.00", true),
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***A", true),
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***1:2.0", true),
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***+1", true),
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***1.", true),
        ],
    );
}
