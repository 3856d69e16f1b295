//! An envelope segment (GS, ST, SE, GE, IEA) written with one element separator too many
//! (`GE**1*1`), with an element left out with its separator (`SE*0001`), or with two values
//! run together, the separator between them left out (`SE*280001`): read as written,
//! each value after the slip stands in the wrong element, and every envelope rule that reads
//! one would report it (ENV002, ENV003, ENV005, ENV010, SYN004 for one separator). A [`Slip`]
//! says where the separator slipped and reads the segment with it undone, so the rules read
//! each value where it belongs and one finding names the slip (RULES.md, "One root cause, one
//! error"). All the elements of these segments are mandatory, which is what makes a slip
//! visible. Body segments have their own search, against the guide
//! (`claimlint_model::realign`).

use crate::{Loc, Segment};

/// One separator slip in an envelope segment, undone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slip {
    /// Element `k` as written is the empty element of a separator too many (`GE**1*1`: GE01);
    /// the values after it stand one element late.
    Extra(usize),
    /// Element `k` is left out with its separator (`SE*0001`: SE01); the values written from
    /// there on stand one element early.
    LeftOut(usize),
    /// Elements `at` and `at + 1` written run together in element `at`, the separator between
    /// them left out (`SE*280001`: SE01 `28` and SE02 `0001`): the first `split` bytes are
    /// element `at`'s, the rest element `at + 1`'s, and the values written after them stand
    /// one element early.
    Joined { at: usize, split: usize },
    /// Elements `at` and `at + 1` written run together in element `at`, the separator between
    /// them left out, where more than one split reads right and nothing tells which
    /// (`GS*HC*SENDERAPPRECEIVERAPP*20260120*…`: the sender's code may end after any of
    /// characters 5 to 15): the values written after them stand one element early and are
    /// read in place, the two themselves are not known (read empty, as an element left out
    /// is). `splits` has bit `i` set for each split after byte `i` that reads right (the
    /// choices the finding gives; a split past byte 63 is not kept).
    Unsplit { at: usize, splits: u64 },
}

impl Slip {
    /// The element the slip displaced first: where its one finding is.
    pub fn at(self) -> usize {
        match self {
            Slip::Extra(k)
            | Slip::LeftOut(k)
            | Slip::Joined { at: k, .. }
            | Slip::Unsplit { at: k, .. } => k,
        }
    }

    /// Where element `n` of the segment as meant is written; `None` for the one left out.
    /// Both elements run together are written in the one element that holds them.
    pub fn written(self, n: usize) -> Option<usize> {
        match self {
            Slip::Extra(k) if n >= k => Some(n + 1),
            Slip::LeftOut(k) if n == k => None,
            Slip::LeftOut(k) if n > k => Some(n - 1),
            Slip::Joined { at, .. } if n > at => Some(n - 1),
            Slip::Unsplit { at, .. } if n == at || n == at + 1 => None,
            Slip::Unsplit { at, .. } if n > at => Some(n - 1),
            _ => Some(n),
        }
    }
}

/// An envelope segment as it is meant: as written, or with its slip undone.
#[derive(Clone, Copy, Debug)]
pub struct Read<'s, 'a> {
    pub seg: &'s Segment<'a>,
    pub slip: Option<Slip>,
}

impl<'s, 'a> Read<'s, 'a> {
    /// `seg` as written.
    pub fn plain(seg: &'s Segment<'a>) -> Self {
        Read { seg, slip: None }
    }

    /// An ST as meant: its one separator slip ([`st`]) undone, if it has one. Every reader of
    /// the set's ST02 and ST03 (the transaction named in findings, ENV002, the 999's AK2)
    /// reads them so, and so names the set alike.
    pub fn st(seg: &'s Segment<'a>) -> Self {
        Read { seg, slip: st(seg) }
    }

    /// Where element `n` is written; `None` for an element left out.
    pub fn written(&self, n: usize) -> Option<usize> {
        self.slip.map_or(Some(n), |s| s.written(n))
    }

    /// Element `n`'s value as meant (empty for an element left out; its part of the value
    /// written for two run together).
    pub fn value(&self, n: usize) -> &'a [u8] {
        if let Some(Slip::Joined { at, split }) = self.slip
            && (n == at || n == at + 1)
        {
            let (first, second) = self.seg.value(at).split_at(split);
            return if n == at { first } else { second };
        }
        self.written(n).map_or(&[], |w| self.seg.value(w))
    }

    /// Where element `n` is written whole, as the element of its own (`None` for one left out
    /// or one of two run together): the element a fix may replace with the value as meant.
    pub fn whole(&self, n: usize) -> Option<usize> {
        match self.slip {
            Some(Slip::Joined { at, .. }) if n == at || n == at + 1 => None,
            _ => self.written(n),
        }
    }

    /// The element [`Read::whole`] names: the one a fix may replace.
    pub fn whole_element(&self, n: usize) -> Option<crate::Element<'a>> {
        self.seg.element_raw(self.whole(n)?)
    }

    /// Where element `n` is written, or where it belongs when it is left out (the element
    /// written in its place).
    pub fn loc(&self, n: usize) -> Loc {
        if let Some(Slip::Unsplit { at: k, .. }) = self.slip
            && n == k + 1
        {
            return self.seg.element_loc(k);
        }
        self.seg.element_loc(self.written(n).unwrap_or(n))
    }

    /// The segment as meant, with `defined` elements, `fill` written for an element left out;
    /// without its terminator.
    pub fn text(&self, defined: usize, fill: &[u8]) -> String {
        let sep = char::from(self.seg.delims.element);
        let mut out = String::from_utf8_lossy(self.seg.id()).into_owned();
        for n in 1..=defined {
            out.push(sep);
            let v = match self.written(n) {
                Some(_) => self.value(n),
                None => fill,
            };
            out.push_str(&String::from_utf8_lossy(v));
        }
        out
    }
}

/// Whether value `v` fits element `n` (1-based) of the segment as meant.
pub type Fits<'f> = &'f dyn Fn(usize, &[u8]) -> bool;

/// The one length, in bytes, of every value that fits element `n` (1-based), when the
/// element's `Fits` allows only one (`SE02` is the ST02, byte for byte): of two values run
/// together, only the split that gives it that length is read. `None`: any length may fit.
pub type Width<'w> = &'w dyn Fn(usize) -> Option<usize>;

/// The slip of `seg`, an envelope segment of `defined` elements, all mandatory, when it has
/// one: as written a value does not fit its element (or one stands past the last), and read
/// with one separator taken out, or one element put back, every value fits (`fits(n, value)`).
/// A separator too many leaves an empty element; an element left out may be any but the last
/// (then nothing stands in the wrong place: the element is missing, not slipped). Of several
/// elements that read so when put back, the last (the most values stay where they are
/// written). `width` as for [`joined`].
pub fn find(
    seg: &Segment<'_>,
    (defined, width): (usize, Width<'_>),
    fits: Fits<'_>,
) -> Option<Slip> {
    let count = seg.element_count();
    let past = (defined + 1..=count).any(|n| !seg.value(n).is_empty());
    let reads = |slip: Slip, skip: Option<usize>| reads(seg, slip, (defined, skip), fits);
    if count == defined + 1 && past {
        let extra: Vec<usize> = (1..=defined)
            .filter(|&k| seg.value(k).is_empty() && reads(Slip::Extra(k), None))
            .collect();
        return match extra.as_slice() {
            [k] => Some(Slip::Extra(*k)),
            _ => None,
        };
    }
    let misplaced = (1..defined).any(|n| !fits(n, seg.value(n)));
    if past || count + 1 != defined || !misplaced {
        return None;
    }
    (1..defined)
        .filter(|&k| reads(Slip::LeftOut(k), Some(k)))
        .max()
        .map(Slip::LeftOut)
        .or_else(|| joined(seg, (defined, width), fits))
}

/// Whether `seg` read with `slip` undone has each of its `defined` elements (but `skip`, an
/// element put back whose value is not known) fit.
fn reads(
    seg: &Segment<'_>,
    slip: Slip,
    (defined, skip): (usize, Option<usize>),
    fits: Fits<'_>,
) -> bool {
    let r = Read {
        seg,
        slip: Some(slip),
    };
    (1..=defined)
        .filter(|&n| Some(n) != skip)
        .all(|n| fits(n, r.value(n)))
}

/// Two elements of `seg` (of `defined`, all mandatory) written run together, the separator
/// between them left out (`SE*280001`), when that is the one reading that makes every value
/// fit (`fits(n, value)`): the segment is one element short, and exactly one place and one
/// split of the value there read so. A value that merely fails its check (`SE*280001` where
/// the set has 27 segments) is not split: no reading fits, so the values stand as written.
/// `width(n)`: the one length of a value that fits element `n`, when there is one
/// ([`Width`]).
pub fn joined(
    seg: &Segment<'_>,
    (defined, width): (usize, Width<'_>),
    fits: Fits<'_>,
) -> Option<Slip> {
    match joined_all(seg, (defined, &|_| usize::MAX, width), fits).as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Every reading of `seg` (of `defined` elements, all mandatory) as two elements run together
/// that makes every value fit (`fits(n, value)`), in order of place and split: empty when the
/// segment is not one element short or reads right as written. More than one: the values
/// alone do not tell where the separator goes ([`Slip::Unsplit`] when all are at one place).
/// A value longer than the two elements' `longest` lengths together is not split (no split
/// can fit, and trying each one would read the long value once per byte); nor split but
/// where each part has its element's one length, when it has one (`width`, [`Width`]: a
/// value of 200 KB in an SE is read once, not once per byte); a value in UTF-8 is split
/// between characters only.
pub fn joined_all(
    seg: &Segment<'_>,
    (defined, longest, width): (usize, &dyn Fn(usize) -> usize, Width<'_>),
    fits: Fits<'_>,
) -> Vec<Slip> {
    let count = seg.element_count();
    let past = (defined + 1..=count).any(|n| !seg.value(n).is_empty());
    if past || count + 1 != defined || (1..=count).all(|n| fits(n, seg.value(n))) {
        return Vec::new();
    }
    let reads = |slip: Slip| reads(seg, slip, (defined, None), fits);
    (1..defined)
        .filter(|&at| seg.value(at).len() <= longest(at).saturating_add(longest(at + 1)))
        .flat_map(|at| {
            let v = seg.value(at);
            let (first, second) = (width(at), width(at + 1));
            splits(v)
                .filter(move |&split| {
                    first.is_none_or(|w| split == w) && second.is_none_or(|w| v.len() - split == w)
                })
                .map(move |split| Slip::Joined { at, split })
        })
        .filter(|&s| reads(s))
        .collect()
}

/// The places `v` may be split (bytes before the split, 1 to its length less one): between
/// characters when `v` is UTF-8 (`ÉÉ` only after the first `É`), else after any byte.
fn splits(v: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let text = std::str::from_utf8(v).ok();
    (1..v.len()).filter(move |&i| text.is_none_or(|t| t.is_char_boundary(i)))
}

/// Whether `v` reads as an X12 version/release/industry identifier code (data element 480,
/// GS08 and ST03): six digits of version and release (`004010`), or with an implementation
/// guide, `X`, its three digits and an addendum letter and digit when there is one
/// (`005010X222A1`, `004010X098A1`, `005010X222`); whitespace around it aside.
pub fn is_version(v: &[u8]) -> bool {
    let digits = |b: &[u8]| b.iter().all(u8::is_ascii_digit);
    let v = v.trim_ascii();
    let Some(release) = v.get(..6) else {
        return false;
    };
    digits(release)
        && match v.get(6..).unwrap_or_default() {
            [] => true,
            [b'X', guide @ ..] => match guide {
                [a, b, c] => digits(&[*a, *b, *c]),
                [a, b, c, letter, n] => digits(&[*a, *b, *c, *n]) && letter.is_ascii_uppercase(),
                _ => false,
            },
            _ => false,
        }
}

/// The slip of an ST, read by X12's definition of its elements: ST01 a transaction set
/// identifier code (3 digits), ST02 a control number (4 to 9 characters, spaces around it
/// aside: ENV002 reports those), ST03 a version (`is_version`). An ST written without ST03
/// (as 4010 wrote it) slips too: `ST*837**0001` is `ST*837*0001` with a separator too many.
pub fn st(st: &Segment<'_>) -> Option<Slip> {
    let fits = |n: usize, v: &[u8]| match n {
        1 => v.len() == 3 && v.iter().all(u8::is_ascii_digit),
        2 => (4..=9).contains(&v.trim_ascii().len()),
        _ => is_version(v),
    };
    // Run together, ST01 is split off only as 837 (`ST*8370001*…`): any 3 digits would read
    // `ST*123456789*…`, ST01 left out, as two values.
    let joined_fits = |n: usize, v: &[u8]| if n == 1 { v == b"837" } else { fits(n, v) };
    // ST01 is 3 bytes in both readings.
    let width = |n: usize| (n == 1).then_some(3);
    joined(st, (3, &width), &joined_fits)
        .or_else(|| find(st, (3, &width), &fits))
        .or_else(|| {
            let without_st03 = st.element_count() == 3 && st.value(2).is_empty();
            let st02 = st.value(3);
            (without_st03 && fits(1, st.value(1)) && fits(2, st02) && !is_version(st02))
                .then_some(Slip::Extra(2))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Delimiters;

    /// No element of one length only ([`Width`]).
    fn none(_: usize) -> Option<usize> {
        None
    }

    fn seg(text: &str) -> Segment<'_> {
        let d = Delimiters::USUAL;
        Segment::new(text.as_bytes(), 0, d, 1)
    }

    #[test]
    fn one_separator_too_many_in_an_st() {
        let s = seg("ST*837**0001*005010X222A1");
        let slip = st(&s);
        assert_eq!(slip, Some(Slip::Extra(2)));
        let r = Read { seg: &s, slip };
        assert_eq!(r.value(2), b"0001");
        assert_eq!(r.value(3), b"005010X222A1");
        assert_eq!(r.text(3, b""), "ST*837*0001*005010X222A1");
        assert_eq!(st(&seg("ST**837*0001*005010X222A1")), Some(Slip::Extra(1)));
        assert_eq!(st(&seg("ST*837*0001**005010X222A1")), Some(Slip::Extra(3)));
        // Without ST03 (as 4010 wrote the ST): ST02 is the value after the empty element.
        let s = seg("ST*837**0001");
        let r = Read::st(&s);
        assert_eq!(r.slip, Some(Slip::Extra(2)));
        assert_eq!((r.value(2), r.value(3)), (&b"0001"[..], &b""[..]));
        // A version where ST02 belongs is no control number slipped there.
        assert_eq!(st(&seg("ST*837**005010X222A1")), None);
        assert_eq!(st(&seg("ST*837**004010")), None);
    }

    #[test]
    fn versions() {
        for v in [
            "005010X222A1",
            "004010X098A1",
            "004010",
            "005010X222",
            " 005010X223A2 ",
        ] {
            assert!(is_version(v.as_bytes()), "{v}");
        }
        for v in [
            "300145997 ",
            "0001",
            "00501",
            "005010X22",
            "005010Y222A1",
            "X",
        ] {
            assert!(!is_version(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn st_as_meant_or_not_one_slip() {
        for plain in [
            // ST02 written with a space after it (pyx12's ele.txt), in a 4010 ST without
            // ST03: ENV002's, not an ST02 left out.
            "ST*837*300145997 ",
            "ST*837*0001*005010X222A1",
            // 4010 wrote no ST03: not a slip.
            "ST*837*0001",
            // Two separators too many: not one slip.
            "ST*837***0001*005010X222A1",
            // A trailing separator is its own defect.
            "ST*837*0001*005010X222A1*",
        ] {
            assert_eq!(st(&seg(plain)), None, "{plain}");
        }
    }

    /// The SE of a set of 28 segments numbered 0001: each element as meant.
    fn se_28_0001(n: usize, v: &[u8]) -> bool {
        match n {
            1 => v == b"28",
            _ => v == b"0001",
        }
    }

    #[test]
    fn two_values_run_together() {
        // SE01 and SE02 run together: split where both read right.
        let s = seg("SE*280001");
        let fits = se_28_0001;
        let slip = find(&s, (2, &none), &fits);
        assert_eq!(slip, Some(Slip::Joined { at: 1, split: 2 }));
        let r = Read { seg: &s, slip };
        assert_eq!((r.value(1), r.value(2)), (&b"28"[..], &b"0001"[..]));
        assert_eq!(
            (r.written(2), r.whole(2), r.whole(1)),
            (Some(1), None, None)
        );
        assert_eq!(r.text(2, b""), "SE*28*0001");
        // A count that merely fails (27 is not a split that reads right): not a slip.
        assert_eq!(find(&seg("SE*270001"), (2, &none), &fits), None);
        // More than one split reads right: not claimed.
        let any_digits = |_: usize, v: &[u8]| !v.is_empty() && v.iter().all(u8::is_ascii_digit);
        assert_eq!(joined(&seg("SE*280001"), (2, &none), &any_digits), None);
        // The values after the two stand one element early.
        let s = seg("ST*8370001*005010X222A1");
        let r = Read::st(&s);
        assert_eq!(r.slip, Some(Slip::Joined { at: 1, split: 3 }));
        assert_eq!(r.value(3), b"005010X222A1");
        assert_eq!(r.whole(3), Some(2));
        let s = seg("ST*837*0001005010X222A1");
        assert_eq!(st(&s), Some(Slip::Joined { at: 2, split: 4 }));
        assert_eq!(Read::st(&s).text(3, b""), "ST*837*0001*005010X222A1");
        // Several splits read right: none claimed, each listed.
        let codes = |n: usize, v: &[u8]| (2..=15).contains(&v.len()) || n > 2;
        let s = seg("GS*SENDERRECEIVER*X");
        assert_eq!(joined(&s, (3, &none), &codes), None);
        let any = |_: usize| usize::MAX;
        assert_eq!(joined_all(&s, (3, &any, &none), &codes).len(), 11);
        // Too long for the two elements together: not split at all.
        assert!(joined_all(&s, (3, &|_| 6, &none), &codes).is_empty());
        // Split between characters only: `ÉÉÉ` two ways, not five.
        let s = seg("GS*ÉÉÉ*X");
        let one = |n: usize, v: &[u8]| !v.is_empty() && (n != 1 || v.len() <= 4);
        assert_eq!(
            joined_all(&s, (3, &any, &none), &one),
            [
                Slip::Joined { at: 1, split: 2 },
                Slip::Joined { at: 1, split: 4 }
            ]
        );
        let r = Read {
            seg: &s,
            slip: Some(Slip::Unsplit { at: 1, splits: 0 }),
        };
        assert_eq!(
            (r.value(1), r.value(2), r.value(3)),
            (&b""[..], &b""[..], &b"X"[..])
        );
        assert_eq!((r.written(2), r.whole(3)), (None, Some(2)));
        assert_eq!(r.loc(2).offset, r.loc(1).offset);
        // ST01 split off only as 837: `ST*1230001*…` is ST01 left out, as before.
        assert_eq!(st(&seg("ST*1230001*005010X222A1")), Some(Slip::LeftOut(1)));
    }

    /// Splitting only where a part has its element's one length ([`Width`]) finds what
    /// trying every split finds, when each value that fits has that length: SE02 the ST02
    /// (SE01 with zeros before it, or none), ST01 `837`.
    #[test]
    fn one_length_finds_what_every_split_finds() {
        let se = |n: usize, v: &[u8]| match n {
            1 => std::str::from_utf8(v).ok().and_then(|t| t.parse().ok()) == Some(28u64),
            _ => v == b"0001",
        };
        let long = format!("SE*{}280001", "0".repeat(300));
        for text in [
            "SE*280001",
            "SE*0280001",
            "SE*28000",
            "SE*2800010",
            &long,
            "SE*0001",
        ] {
            let s = seg(text);
            let any = |_: usize| usize::MAX;
            let every = joined_all(&s, (2, &any, &none), &se);
            let second = |n: usize| (n == 2).then_some(4);
            assert_eq!(joined_all(&s, (2, &any, &second), &se), every, "{text}");
            assert_eq!(
                find(&s, (2, &second), &se),
                find(&s, (2, &none), &se),
                "{text}"
            );
        }
        let long = seg("SE*0000000000000000000000000000280001");
        assert_eq!(
            find(&long, (2, &|n| (n == 2).then_some(4)), &se),
            // 34 bytes: the count is all but the last 4, the ST02's.
            Some(Slip::Joined { at: 1, split: 30 })
        );
        for text in [
            "ST*8370001*005010X222A1",
            "ST*837*0001005010X222A1",
            "ST*83700010*X",
        ] {
            let s = seg(text);
            let st01 = |n: usize, v: &[u8]| n != 1 || v == b"837";
            let any = |_: usize| usize::MAX;
            let every = joined_all(&s, (3, &any, &none), &st01);
            let first = |n: usize| (n == 1).then_some(3);
            assert_eq!(joined_all(&s, (3, &any, &first), &st01), every, "{text}");
        }
    }

    #[test]
    fn an_element_left_out() {
        // SE01 left out: SE02 reads the ST02, and the count is put back.
        let s = seg("SE*0001");
        let fits = se_28_0001;
        let slip = find(&s, (2, &none), &fits);
        assert_eq!(slip, Some(Slip::LeftOut(1)));
        let r = Read { seg: &s, slip };
        assert_eq!((r.value(1), r.value(2)), (&b""[..], &b"0001"[..]));
        assert_eq!(r.text(2, b"28"), "SE*28*0001");
        // SE02 missing at the end: nothing displaced, not a slip.
        assert_eq!(find(&seg("SE*28"), (2, &none), &fits), None);
        // ST02 left out: ST03 stands in its place.
        assert_eq!(st(&seg("ST*837*005010X222A1")), Some(Slip::LeftOut(2)));
    }
}
