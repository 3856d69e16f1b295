//! The GS as it is meant: X12's definition of its elements (what each value must be), and
//! the separator slip of a GS written with one element separator too many, an element left
//! out, or two values run together (`claimlint_x12::slip`; [`Slip::Unsplit`] when the values
//! do not tell where the two divide), which ENV010 reports once and every reader of the GS
//! (the guide choice, GE02 against GS06) reads undone.

use crate::Date;
use claimlint_x12::Segment;
use claimlint_x12::slip::{self, Slip};

/// GS01: element 479 is an ID of exactly 2 characters (pyx12 4.0.0 `dataele.xml`:
/// `ele_num="479" data_type="ID" min_len="2" max_len="2"`). The full X12 code list is not
/// compiled in, so a well-formed code other than HC is left to ENV005 for an 837.
pub fn is_functional_id(v: &[u8]) -> bool {
    v.len() == 2
        && v.iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Whether `v` fits GS element `n` (1 to 7; GS08 is judged by the guide choice): GS01 a
/// functional identifier code, GS02/GS03 2 to 15 characters, GS04 a real CCYYMMDD date, GS05
/// a real HHMM[SS[dd]] time, GS06 1 to 9 digits, GS07 `X`.
pub fn fits(n: usize, v: &[u8]) -> bool {
    match n {
        1 => is_functional_id(v),
        2 | 3 => (2..=15).contains(&v.len()),
        4 => Date::parse(v).is_some(),
        5 => claimlint_ig::is_time(v),
        6 => (1..=9).contains(&v.len()) && v.iter().all(u8::is_ascii_digit),
        7 => v == b"X",
        _ => true,
    }
}

/// The slip of `gs`, when it has one: one separator too many (every value, GS08 a version,
/// fits once its empty element is taken out), two values run together ([`joined`]) or an
/// element left out ([`left_out`]). `ge02` (the GE's, as written) chooses between places an
/// element left out could be, between splits of two values run together, and between those
/// and an element left out.
pub fn slip(gs: &Segment<'_>, ge02: Option<&[u8]>) -> Option<Slip> {
    let fits_all = |n: usize, v: &[u8]| match n {
        8 => slip::is_version(v.trim_ascii()),
        _ => fits(n, v),
    };
    if gs.element_count() == 9 {
        return slip::find(gs, (8, &|_| None), &fits_all).filter(|s| matches!(s, Slip::Extra(_)));
    }
    let left = left_out(gs, ge02).map(Slip::LeftOut);
    let Some(joined) = joined(gs, ge02) else {
        return left;
    };
    // Two values run together where the values do not tell the split: only when no element
    // left out reads valid (`GS*HC*RECEIVER*…` is GS02 or GS03 left out, as before; a code of
    // more than 15 characters, `SENDER CODERECEIVER CODE`, can only be two).
    if matches!(joined, Slip::Unsplit { .. }) && left.is_some() {
        return left;
    }
    // Both read valid (`GS*HC*SENDER*RECEIVER*20260120*12001*X*…`: GS05 left out, or GS05
    // `1200` and GS06 `1` run together): the one whose GS06 the GE02 repeats, else the
    // reading that keeps every byte written (nothing is put back that was not there).
    let echoed = |s: Slip| ge02.is_some_and(|v| v == gs06(gs, s));
    match left {
        Some(l) if echoed(l) && !echoed(joined) => left,
        _ => Some(joined),
    }
}

/// The longest value GS element `n` may hold (X12: GS01 2, GS02 and GS03 15, GS04 8, GS05 8,
/// GS06 9, GS07 1, GS08 12): two run together are no longer than theirs together.
fn longest(n: usize) -> usize {
    match n {
        1 => 2,
        2 | 3 => 15,
        4 | 5 => 8,
        6 => 9,
        7 => 1,
        _ => 12,
    }
}

/// GS06 of `gs` read with `s` undone.
fn gs06<'a>(gs: &Segment<'a>, s: Slip) -> &'a [u8] {
    slip::Read {
        seg: gs,
        slip: Some(s),
    }
    .value(6)
}

/// Every reading of `gs` as two values run together, the separator between them left out
/// (`GS*HC*SENDER*RECEIVER20260120*1200*…`: GS03 `RECEIVER` and GS04 `20260120`), that makes
/// every element fit (`claimlint_x12::slip::joined_all`). GS01 is split off only as `HC` (the
/// 837's code): any two capitals would read `GS*SENDER*…`, GS01 left out, as GS01 `SE` and
/// GS02 `NDER`.
pub fn joined_readings(gs: &Segment<'_>) -> Vec<Slip> {
    let fits_joined = |n: usize, v: &[u8]| match n {
        1 => v == b"HC",
        8 => slip::is_version(v.trim_ascii()),
        _ => fits(n, v),
    };
    slip::joined_all(gs, (8, &longest, &|_| None), &fits_joined)
}

/// Two GS values run together ([`joined_readings`]): the one reading, or of several the one
/// whose GS06 `ge02` repeats (`170520213` with GE02 `20213`: GS05 `1705`, GS06 `20213`, not
/// `170520` and `213`), else, when they all split one element, that element as
/// [`Slip::Unsplit`] with the splits (the finding gives them as the choices, and ENV002 the
/// GS06 values they allow; GS06 is not guessed).
fn joined(gs: &Segment<'_>, ge02: Option<&[u8]>) -> Option<Slip> {
    let all = joined_readings(gs);
    if let [one] = all.as_slice() {
        return Some(*one);
    }
    let echoed: Vec<Slip> = all
        .iter()
        .copied()
        .filter(|&s| ge02.is_some_and(|v| v == gs06(gs, s)))
        .collect();
    if let [one] = echoed.as_slice() {
        return Some(*one);
    }
    let at = all.first()?.at();
    let mut splits = 0u64;
    for s in &all {
        match *s {
            Slip::Joined { at: k, split } if k == at && split < 64 => splits |= 1 << split,
            _ => return None,
        }
    }
    Some(Slip::Unsplit { at, splits })
}

/// The split places (bytes before each) of a [`Slip::Unsplit`]'s `splits`, in order.
pub fn split_places(splits: u64) -> impl Iterator<Item = usize> {
    (1..64).filter(move |i| splits & (1 << i) != 0)
}

/// The GS element left out with its separator (`GS*HC*RECEIVER*20260120*…`: GS02 gone, the
/// values from there on one element early), when its values as written break two elements or
/// more and, read with that element put back empty, break none but it: 1-based. One defect,
/// one ENV010 (not one per value out of place), and ENV002 compares GE02 with GS06 as so read.
fn left_out(gs: &Segment<'_>, ge02: Option<&[u8]>) -> Option<usize> {
    let broken = (1..=7).filter(|&n| !fits(n, gs.value(n))).count();
    if broken < 2 || !gs.value(8).is_empty() && gs.element_count() > 7 {
        return None;
    }
    let read = |n: usize, k: usize| {
        slip::Read {
            seg: gs,
            slip: Some(Slip::LeftOut(k)),
        }
        .value(n)
    };
    // Several places may read valid (`GS*HC*RECEIVER*…` reads so with GS01, GS02 or GS03 put
    // back). First the one whose GS06 the GE02 repeats (`GS*…*20260120*1001*X`: GS05 left
    // out, not GS06, when GE02 is 1001); then one that puts back a code, GS02 or GS03: every
    // other element's value has a form of its own (a functional code, a date, a time, digits,
    // `X`), which a reading that puts such an element back leaves one fewer of in place; then
    // one whose GS06 GE02 does not contradict (the fewest defects); then the last, which
    // leaves the most values where they are written.
    (1..=7)
        .filter(|&k| (1..=7).filter(|&n| n != k).all(|n| fits(n, read(n, k))))
        .max_by_key(|&k| {
            let gs06 = read(6, k);
            let echoed = ge02.is_some_and(|v| k != 6 && v == gs06);
            let contradicted = ge02.is_some_and(|v| k != 6 && v != gs06);
            (echoed, matches!(k, 2 | 3), !contradicted, k)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gs(text: &str) -> Segment<'_> {
        let text = text.trim_end_matches('~');
        Segment::new(
            text.as_bytes(),
            0,
            claimlint_x12::delims::Delimiters::USUAL,
            1,
        )
    }

    /// A value longer than the two elements' lengths together is not split (a 200,000-byte
    /// GS02 or GS05 once took a split per byte, each reading the whole value: quadratic): no
    /// reading, the values stand as written.
    #[test]
    fn a_long_value_is_not_split() {
        let long = "A".repeat(200_000);
        let text = format!("GS*HC*{long}*20260120*1200*1*X*005010X222A1~");
        assert!(joined_readings(&gs(&text)).is_empty());
        let digits = "1".repeat(200_000);
        let text = format!("GS*HC*SENDER*RECEIVER*20260120*{digits}*X*005010X222A1~");
        assert!(joined_readings(&gs(&text)).is_empty());
        // 30 characters, the longest GS02 and GS03 together: still split, one way.
        let text = format!("GS*HC*{}*20260120*1200*1*X*005010X222A1~", "A".repeat(30));
        assert_eq!(
            joined_readings(&gs(&text)),
            [Slip::Joined { at: 2, split: 15 }]
        );
    }

    /// Several splits GE02 does not choose between: [`Slip::Unsplit`] with each split kept.
    #[test]
    fn an_undecided_split_keeps_its_choices() {
        let s = gs("GS*HC*SENDER*RECEIVER*20260120*1200123456789*X*005010X222A1~");
        let Some(Slip::Unsplit { at: 5, splits }) = slip(&s, Some(b"7")) else {
            panic!("{:?}", slip(&s, Some(b"7")));
        };
        assert_eq!(split_places(splits).collect::<Vec<_>>(), [4, 6, 7, 8]);
        assert_eq!(
            slip(&s, Some(b"456789")),
            Some(Slip::Joined { at: 5, split: 7 })
        );
    }
}
