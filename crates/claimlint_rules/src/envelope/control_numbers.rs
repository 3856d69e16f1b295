use super::slips;
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::{Diagnostic, Fix, Safety};
use claimlint_x12::Segment;
use claimlint_x12::envelope::{Interchange, TxFrame};
use claimlint_x12::slip::{Read, Slip};

declare_rule! {
    /// ## What it does
    /// Checks that each trailer repeats its header's control number: IEA02 = ISA13,
    /// GE02 = GS06 and SE02 = ST02, each read as meant when a separator slipped. A control
    /// number a slip displaced (`GE*1**1`, `ST*837*005010X222A1`: ST02 left out,
    /// `ST*837*0001005010X222A1`: ST02 and ST03 run together) is one finding here naming the
    /// slip, its help the segment as meant.
    /// ## Why it matters
    /// Control numbers tie acknowledgments (TA1, 999, 277CA) back to what was sent. A mismatch is
    /// an envelope error: the receiver rejects the interchange, group or transaction set.
    /// ## Example
    /// `ST*837*0001*005010X222A1~ ... SE*42*0002~`
    /// ## Fix
    /// Write the header's control number in the trailer: `SE*42*0001~`. A safe fix:
    /// `claimlint check --fix` echoes the header.
    code: ENV002, name: "control-number-mismatch", severity: Error, snip: 1,
    x999: BySegment(&[
        ("SE", TransactionSet("3")),
        ("ST", TransactionSet("3")),
        ("GE", Group("4")),
    ]),
    ta1: BySegment(&[("IEA", Code("001")), ("ISA", Code("001"))]),
    fix: Safe,
    check: Envelope(control_numbers, transaction_numbers),
}

/// Trailer element `t` against header element `h`, each read as meant (`slips`). The slip of
/// a separator that displaced the control number (`GE*1**1`, ST02 left out) is that slip's one
/// finding, here; a GS's is ENV010's, and an ST or SE with one separator too many the guide
/// walk's (SYN007).
fn compare(
    cx: &mut Ctx<'_>,
    (trailer, t): (Read<'_, '_>, usize),
    (header, h): (Read<'_, '_>, usize),
) {
    let in_tx = header.seg.is(b"ST");
    let own = |r: Read<'_, '_>, n: usize| {
        r.slip.filter(|s| s.at() == n).filter(|s| {
            // The guide walk reads an ST or SE with one separator too many (SYN007).
            matches!(s, Slip::LeftOut(_) | Slip::Joined { .. })
                || !(r.seg.is(b"ST") || r.seg.is(b"SE"))
        })
    };
    if own(trailer, t).is_some() {
        let d = slips::report(cx, trailer, (2, Some(header.value(h))), true);
        if let (true, Some(d)) = (in_tx, d) {
            super::in_transaction(d, header.seg);
        }
        return;
    }
    if own(header, h).is_some() && in_tx {
        if let Some(d) = slips::report(cx, header, (3, Some(trailer.value(t))), true) {
            super::in_transaction(d, header.seg);
        }
        return;
    }
    // A header value left out (GS06) leaves nothing to compare.
    if header.written(h).is_none() || trailer.written(t).is_none() {
        return;
    }
    let (tv, hv) = (trailer.value(t), header.value(h));
    if hv.trim_ascii().is_empty() {
        // The header's number left blank: echoing it into the trailer would be wrong advice.
        // GS06's is ENV010's finding, and an ST02 and SE02 both left empty SYN007's; an ST02
        // or ISA13 left blank is this one, on the header, with the number its trailer
        // repeats (an ISA13 blank with IEA02 has no other finding: this one, to number it).
        let repeated = !tv.trim_ascii().is_empty();
        if (repeated || header.seg.is(b"ISA"))
            && !header.seg.is(b"GS")
            && let Some(d) = blank_header(cx, (trailer, t), (header, h))
            && in_tx
        {
            super::in_transaction(d, header.seg);
        }
        return;
    }
    // ISA13 is fixed-width and zero-padded; IEA02 is compared as written.
    if tv != hv {
        let d = mismatch(cx, (trailer, t), (header, h));
        if let (true, Some(d)) = (in_tx, d) {
            super::in_transaction(d, header.seg);
        }
    }
}

/// The finding of trailer element `t` that differs from header element `h`: its help and
/// safe fix write the header's value in the trailer, or take out the spaces that alone make
/// them differ.
fn mismatch<'c>(
    cx: &'c mut Ctx<'_>,
    (trailer, t): (Read<'_, '_>, usize),
    (header, h): (Read<'_, '_>, usize),
) -> Option<&'c mut Diagnostic> {
    let (tv, hv) = (trailer.value(t), header.value(h));
    let (tn, hn) = (trailer.seg.seg_id(), header.seg.seg_id());
    let element = trailer.whole_element(t);
    let loc = element.map_or(trailer.seg.loc(), |e| e.loc());
    let show = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
    let d = cx.report(
        loc,
        format!(
            "{}{t:02} `{}` does not match {}{h:02} `{}`",
            tn.as_str(),
            show(tv),
            hn.as_str(),
            show(hv)
        ),
    );
    if tv.trim_ascii() == hv.trim_ascii() {
        // The same number, one written with spaces around it (`ST*837*0001 *`): the
        // spaces are the defect, not a value to copy into the other.
        let plain = show(hv.trim_ascii());
        d.help(format!(
            "the two differ only by spaces: write both as `{plain}` (an X12 value has no \
             leading or trailing spaces)"
        ));
        let spaced = if tv.len() == tv.trim_ascii().len() {
            header.whole_element(h)
        } else {
            element
        };
        if let Some(e) = spaced {
            d.fix(Fix::replace(&e.loc(), &plain, Safety::Safe));
        }
    } else {
        d.help(format!("write {}{t:02} as `{}`", tn.as_str(), show(hv)));
        // Echoing the header is safe when the header's value is plain text.
        if let (Some(_), Ok(value)) = (element, std::str::from_utf8(hv)) {
            d.fix(Fix::replace(&loc, value, Safety::Safe));
        }
    }
    cx.out.last_mut()
}

/// The finding of header element `h` written blank (`ST*837**…`, an ISA13 of spaces): write
/// in it the number trailer element `t` holds, or, with that blank too, a number in both.
fn blank_header<'c>(
    cx: &'c mut Ctx<'_>,
    (trailer, t): (Read<'_, '_>, usize),
    (header, h): (Read<'_, '_>, usize),
) -> Option<&'c mut Diagnostic> {
    let (tn, hn) = (trailer.seg.seg_id(), header.seg.seg_id());
    let element = header.whole_element(h);
    let loc = element.map_or(header.seg.loc(), |e| e.loc());
    let tv = String::from_utf8_lossy(trailer.value(t).trim_ascii()).into_owned();
    let (hn, tn) = (hn.as_str(), tn.as_str());
    if tv.is_empty() {
        cx.report(loc, format!("{hn}{h:02} is blank, and {tn}{t:02} with it"))
            .help(format!(
                "number the interchange in {hn}{h:02} (nine digits, unique to this sender and \
                 receiver) and repeat the number in {tn}{t:02}"
            ));
    } else {
        cx.report(
            loc,
            format!("{hn}{h:02} is blank; {tn}{t:02} repeats `{tv}`"),
        )
        .help(format!(
            "write {hn}{h:02} as `{tv}`, the control number {tn}{t:02} repeats"
        ));
    }
    cx.out.last_mut()
}

fn control_numbers(ic: &Interchange<'_>, cx: &mut Ctx<'_>) {
    // An ISA13 that is not its fixed 9 digits is ENV001's finding; IEA02 written in full then
    // differs from it by the padding alone, the same defect twice.
    if let Some(iea) = slips::iea(ic).filter(|_| ic.header.elements[12].len() == 9) {
        compare(cx, (iea, 2), (slips::isa(ic), 13));
    }
    for g in &ic.groups {
        // A GS with a separator slip (ENV010's one finding) holds GS06 elsewhere: GE02 is
        // compared with it there (echoing the misread GS06 into GE02 would be a wrong fix);
        // with GS06 itself left out there is nothing to compare.
        if let (Some(gs), Some(ge)) = (slips::gs(g), slips::ge(g)) {
            if let Some(Slip::Unsplit { at: 5, splits }) = gs.slip {
                unsplit_gs06(cx, ge, (gs, splits));
            } else {
                compare(cx, (ge, 2), (gs, 6));
            }
        }
    }
}

/// GE02 against a GS06 run together with GS05 where the values alone do not tell the split
/// ([`Slip::Unsplit`]; every other element next to GS06 has a fixed form, so only GS05 and
/// GS06 can be so): GE02 repeating one of the GS06 values the splits allow would have chosen
/// that split, so it repeats none, and this says so (one finding on GE02, the choices named;
/// no fix, since GS06 is not known). Not silent: every split leaves GE02 and GS06 differing.
fn unsplit_gs06(cx: &mut Ctx<'_>, ge: Read<'_, '_>, (gs, splits): (Read<'_, '_>, u64)) {
    let joined = gs.seg.value(5);
    let show = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
    let gs06: Vec<String> = claimlint_model::gs::split_places(splits)
        .map(|i| format!("`{}`", show(&joined[i..])))
        .collect();
    let ge02 = ge.value(2);
    let loc = ge.whole_element(2).map_or(ge.seg.loc(), |e| e.loc());
    let written = if ge02.is_empty() {
        "GE02 is blank: it repeats".to_owned()
    } else {
        format!("GE02 `{}` repeats", show(ge02))
    };
    cx.report(
        loc,
        format!(
            "{written} none of the GS06 values {} that GS05 and GS06 run together in `{}` \
             allow",
            slips::or_list(&gs06),
            show(joined)
        ),
    )
    .help(
        "write the separator between GS05 and GS06 (ENV010), then GE02 as the GS06 so \
         written: the group's control number, which both must hold",
    );
}

fn transaction_numbers(_gs: Option<&Segment<'_>>, tx: &TxFrame<'_>, cx: &mut Ctx<'_>) {
    if let Some(se) = slips::se(tx) {
        compare(cx, (se, 2), (slips::st(tx), 2));
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
