//! Where the segments of a few ids stand in a transaction set, noted by the model build's one
//! pass over its segments (which reads every id already), so that a rule looking for its NM1s,
//! N4s or DTPs visits those alone instead of testing every segment of the set (issue 15: each
//! such rule walking the whole set cost 15–25 instructions a segment).

use claimlint_x12::Segment;

/// The ids [`SegmentsById`] keeps the positions of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Indexed {
    Nm1,
    N4,
    Sbr,
    Dtp,
    Dmg,
    Sv1,
    Sv2,
    Svd,
}

impl Indexed {
    /// Every indexed id, in the order of the lists.
    pub const ALL: [Indexed; 8] = [
        Indexed::Nm1,
        Indexed::N4,
        Indexed::Sbr,
        Indexed::Dtp,
        Indexed::Dmg,
        Indexed::Sv1,
        Indexed::Sv2,
        Indexed::Svd,
    ];

    /// The segment id, as [`Segment::id`] gives it.
    pub fn id(self) -> &'static [u8] {
        match self {
            Indexed::Nm1 => b"NM1",
            Indexed::N4 => b"N4",
            Indexed::Sbr => b"SBR",
            Indexed::Dtp => b"DTP",
            Indexed::Dmg => b"DMG",
            Indexed::Sv1 => b"SV1",
            Indexed::Sv2 => b"SV2",
            Indexed::Svd => b"SVD",
        }
    }

    /// The indexed id that `id` (a [`Segment::id`]) is, if any.
    #[inline]
    fn of(id: &[u8]) -> Option<Indexed> {
        Some(match id {
            b"NM1" => Indexed::Nm1,
            b"N4" => Indexed::N4,
            b"SBR" => Indexed::Sbr,
            b"DTP" => Indexed::Dtp,
            b"DMG" => Indexed::Dmg,
            b"SV1" => Indexed::Sv1,
            b"SV2" => Indexed::Sv2,
            b"SVD" => Indexed::Svd,
            _ => return None,
        })
    }
}

/// The positions (segment indexes, ascending) of the segments of each [`Indexed`] id, and
/// of the segments read as another id than their bytes spell ([`Segment::id_mended`]). Exact
/// by construction: position `k` is in the list of id `x` if and only if
/// `segments[k].id() == x.id()` (equivalently `segments[k].is(x.id())`), so iterating a list
/// visits, in order, the segments a filter of every segment on that id would.
#[derive(Default)]
pub struct SegmentsById {
    lists: [Vec<u32>; 8],
    mended: Vec<u32>,
}

impl SegmentsById {
    /// Notes segment `i`, whose id (`seg.id()`, read once by the caller) is `id`.
    #[inline]
    pub(crate) fn note(&mut self, seg: &Segment<'_>, id: &[u8], i: u32) {
        if let Some(x) = Indexed::of(id) {
            self.lists[x as usize].push(i);
        }
        if seg.id_mended() {
            self.mended.push(i);
        }
    }

    /// Gives back the room the lists grew beyond their length (they are held for the life
    /// of the transaction set). Called once, at the end of the build.
    pub(crate) fn shrink(&mut self) {
        for list in &mut self.lists {
            list.shrink_to_fit();
        }
        self.mended.shrink_to_fit();
    }

    /// The positions of the segments of id `x`, ascending.
    pub fn of(&self, x: Indexed) -> &[u32] {
        &self.lists[x as usize]
    }

    /// The positions of the segments of either id, ascending (the two lists merged).
    pub fn of_either(&self, a: Indexed, b: Indexed) -> impl Iterator<Item = usize> + '_ {
        merged(self.of(a), self.of(b))
    }

    /// The positions of the segments read as another id than written, ascending.
    pub fn mended(&self) -> &[u32] {
        &self.mended
    }
}

/// Two ascending lists of positions merged into one ascending sequence (they share none).
fn merged<'l>(a: &'l [u32], b: &'l [u32]) -> impl Iterator<Item = usize> + 'l {
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    std::iter::from_fn(move || {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x <= y => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        };
        next.map(|&k| k as usize)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every list holds exactly the positions a filter of every segment on its id gives, and
    /// the merged lists those of either id, in order.
    #[test]
    fn lists_agree_with_filtering_every_segment() {
        let text = "ST*837*1~BHT*0019~NM1*41*2~N3*A~N4*X*IL*6~nm1*40*2~DTP*472*D8*20260101~\
                    SBR*P~NM1*IL~N4*Y~DMG*D8*19450101~DTP*434~SV1*HC:1~SV2*1~SVD*1*2~HI:BF:1~SE*2*1~";
        let mut offset = 0;
        let segs: Vec<Segment<'_>> = (text.split('~').filter(|s| !s.is_empty()).enumerate())
            .map(|(i, s)| {
                let delims = claimlint_x12::Delimiters::USUAL;
                let seg = Segment::new(s.as_bytes(), offset, delims, i as u32 + 1);
                offset += s.len() + 1;
                seg
            })
            .collect();
        let mut by = SegmentsById::default();
        for (i, s) in segs.iter().enumerate() {
            by.note(s, s.id(), i as u32);
        }
        let filter = |id: &[u8]| -> Vec<u32> {
            (0..segs.len() as u32)
                .filter(|&k| segs[k as usize].is(id))
                .collect()
        };
        for x in Indexed::ALL {
            assert_eq!(Indexed::of(x.id()), Some(x));
            assert_eq!(by.of(x), filter(x.id()), "{x:?}");
            assert!(!by.of(x).is_empty(), "{x:?} is in the sample");
        }
        let either: Vec<usize> = by.of_either(Indexed::N4, Indexed::Sbr).collect();
        let want: Vec<usize> = (0..segs.len())
            .filter(|&k| segs[k].is(b"N4") || segs[k].is(b"SBR"))
            .collect();
        assert_eq!(either, want);
        let mended: Vec<u32> = (0..segs.len() as u32)
            .filter(|&k| segs[k as usize].id_mended())
            .collect();
        assert_eq!(by.mended(), mended);
        assert_eq!(mended.len(), 2, "nm1 and HI:");
    }
}
