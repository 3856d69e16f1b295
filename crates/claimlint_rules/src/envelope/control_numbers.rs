use super::text;
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::{Fix, Safety};
use claimlint_x12::Segment;
use claimlint_x12::envelope::{Interchange, TxFrame};

declare_rule! {
    /// ## What it does
    /// Checks that each trailer repeats its header's control number: IEA02 = ISA13,
    /// GE02 = GS06 and SE02 = ST02.
    /// ## Why it matters
    /// Control numbers tie acknowledgments (TA1, 999, 277CA) back to what was sent. A mismatch is
    /// an envelope error: the receiver rejects the interchange, group or transaction set.
    /// ## Example
    /// `ST*837*0001*005010X222A1~ ... SE*42*0002~`
    /// ## Fix
    /// Write the header's control number in the trailer: `SE*42*0001~`. A safe fix:
    /// `claimlint check --fix` echoes the header.
    code: ENV002, name: "control-number-mismatch", severity: Error, snip: 1,
    x999: BySegment(&[("SE", TransactionSet("3")), ("GE", Group("4"))]),
    ta1: BySegment(&[("IEA", Code("001"))]),
    fix: Safe,
    check: Envelope(control_numbers, transaction_numbers),
}

/// Trailer element `t` against the header's element written at `at`, named `h` (its place
/// once a GS element left out is read back: GS06 written as the fifth).
fn compare(
    cx: &mut Ctx<'_>,
    trailer: &Segment<'_>,
    t: usize,
    (header, at): (&Segment<'_>, usize),
    h: usize,
) {
    let in_tx = header.is(b"ST");
    let (tv, hv) = (trailer.value(t), header.value(at));
    // ISA13 is fixed-width and zero-padded; IEA02 is compared as written.
    if tv != hv {
        let (tn, hn) = (trailer.seg_id(), header.seg_id());
        let element = trailer.element_raw(t);
        let loc = element.map_or(trailer.loc(), |e| e.loc());
        let d = cx.report(
            loc,
            format!(
                "{}{t:02} `{}` does not match {}{h:02} `{}`",
                tn.as_str(),
                text(trailer, t),
                hn.as_str(),
                text(header, at)
            ),
        );
        if tv.trim_ascii() == hv.trim_ascii() {
            // The same number, one written with spaces around it (`ST*837*0001 *`): the
            // spaces are the defect, not a value to copy into the other.
            let plain = String::from_utf8_lossy(hv.trim_ascii()).into_owned();
            d.help(format!(
                "the two differ only by spaces: write both as `{plain}` (an X12 value has no \
                 leading or trailing spaces)"
            ));
            let spaced = if tv.len() == tv.trim_ascii().len() {
                header.element_raw(at)
            } else {
                element
            };
            if let Some(e) = spaced {
                d.fix(Fix::replace(&e.loc(), &plain, Safety::Safe));
            }
        } else {
            d.help(format!(
                "write {}{t:02} as `{}`",
                tn.as_str(),
                text(header, at)
            ));
            // Echoing the header is safe when the header's value is plain text.
            if let (Some(_), Ok(value)) = (element, std::str::from_utf8(hv)) {
                d.fix(Fix::replace(&loc, value, Safety::Safe));
            }
        }
        if let (true, Some(d)) = (in_tx, cx.out.last_mut()) {
            super::in_transaction(d, header);
        }
    }
}

fn control_numbers(ic: &Interchange<'_>, cx: &mut Ctx<'_>) {
    // An ISA13 that is not its fixed 9 digits is ENV001's finding; IEA02 written in full then
    // differs from it by the padding alone, the same defect twice.
    if let Some(iea) = ic
        .iea
        .as_ref()
        .filter(|_| ic.header.elements[12].len() == 9)
    {
        compare(cx, iea, 2, (&ic.isa, 13), 13);
    }
    for g in &ic.groups {
        if let (Some(gs), Some(ge)) = (&g.gs, &g.ge) {
            // A GS with an element left out (ENV010's one finding) holds GS06 one element
            // early: GE02 is compared with it there (echoing the misread GS06 into GE02 would
            // be a wrong fix); with GS06 itself left out there is nothing to compare.
            match super::gs_values::left_out(gs, Some(ge.value(2))) {
                Some(6) => {}
                Some(k) if k < 6 => compare(cx, ge, 2, (gs, 5), 6),
                _ => compare(cx, ge, 2, (gs, 6), 6),
            }
        }
    }
}

fn transaction_numbers(_gs: Option<&Segment<'_>>, tx: &TxFrame<'_>, cx: &mut Ctx<'_>) {
    if let Some(se) = &tx.se {
        compare(cx, se, 2, (&tx.st, 2), 2);
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &ENV002,
        &[
            Pass(""),
            Edit("SE*", "SE*{count}*0002", true),
            Edit("GE*", "GE*1*2", true),
            Edit("IEA*", "IEA*1*000000002", true),
        ],
    );
}

/// ST02 `0001 ` against SE02 `0001`: the space is the defect; the help and the fix take it
/// out of the ST02, not copy it into the SE02.
#[test]
fn a_control_number_with_a_space_is_written_without_it() {
    use crate::test::{P837, edit, run};
    let text = edit(P837, "ST*", "ST*837*0001 *005010X222A1");
    let found: Vec<_> = run(&text)
        .into_iter()
        .filter(|d| d.code == "ENV002")
        .collect();
    assert_eq!(found.len(), 1);
    let help = found[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("write both as `0001`"), "{help}");
    let fix = found[0].fix.as_ref().expect("a fix");
    assert_eq!(&text[fix.start..fix.end], "0001 ");
    assert_eq!(fix.replacement, "0001");
}
