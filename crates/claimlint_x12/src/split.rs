//! A segment split once into element bounds, for callers that read every element (the
//! implementation-guide validator reads each element and component several times). Splitting
//! on demand is right for the model, which reads a few elements; this is right for validation.

use super::{Delimiters, Segment};
use crate::segment::Matches;

/// Segments with more elements than this, or longer than 64 KiB, fall back to scanning (the
/// 837's longest, SV1, has 21 elements). Kept small: a transaction set's worth is allocated.
const MAX: usize = 32;

/// The state of [`SplitSegment::new`] between separators.
struct Splitter {
    bounds: [(u16, u16, u16); MAX],
    count: usize,
    /// Start of the element being read, and where its first repetition ends.
    open: Option<(usize, Option<usize>)>,
    composite: u32,
    too_long: bool,
    delims: Delimiters,
    /// Every element's bounds once the segment has more than [`MAX`] elements or is too long
    /// for `u16` bounds: see [`SplitSegment::spill`].
    spill: Vec<(usize, usize, usize)>,
}

impl Splitter {
    fn close(&mut self, (s, r): (usize, Option<usize>), end: usize) {
        let bounds = (s, end, r.unwrap_or(end));
        if self.count < MAX && !self.too_long {
            self.bounds[self.count] = (s as u16, end as u16, bounds.2 as u16);
        } else {
            if self.spill.is_empty() && !self.too_long {
                let kept = self.bounds.iter().take(self.count);
                let widened = kept.map(|&(s, e, r)| (s.into(), e.into(), r.into()));
                self.spill.extend(widened);
            }
            self.spill.push(bounds);
        }
        self.count += 1;
    }

    /// Byte `b` at `i`; any byte may come, those that are no separator change nothing.
    #[inline]
    fn byte(&mut self, i: usize, b: u8) {
        if b == self.delims.element {
            if let Some(o) = self.open {
                self.close(o, i);
            }
            self.open = Some((i + 1, None));
        } else if Some(b) == self.delims.repetition
            && let Some((_, r @ None)) = self.open.as_mut()
        {
            *r = Some(i);
        } else if b == self.delims.component
            && matches!(self.open, Some((_, None)))
            && self.count < MAX
        {
            self.composite |= 1 << self.count;
        }
    }
}

pub struct SplitSegment<'a> {
    seg: Segment<'a>,
    /// Start and end of elements 1..=count.
    /// Start, end, and end of the first repetition of elements 1..=count.
    bounds: [(u16, u16, u16); MAX],
    count: usize,
    /// `seg.id()`: upper case when the segment was written `nm1`.
    id: &'a [u8],
    overflow: bool,
    /// Bit `i - 1`: the first repetition of element `i` holds a component separator. Most
    /// elements hold none, and are then read without splitting.
    composite: u32,
    /// When `overflow`: start, end, and end of the first repetition of every element. A
    /// segment of thousands of elements (a file whose segment terminator is not the one its
    /// ISA gives runs many segments into one) is read element by element by the validator;
    /// scanning from the segment's start for each would take time quadratic in its length.
    spill: Vec<(usize, usize, usize)>,
}

impl<'a> SplitSegment<'a> {
    pub fn new(seg: &Segment<'a>) -> Self {
        let mut split = SplitSegment {
            seg: *seg,
            bounds: [(0u16, 0u16, 0u16); MAX],
            count: 0,
            id: &[],
            overflow: false,
            composite: 0,
            spill: Vec::new(),
        };
        split.resplit(seg);
        split
    }

    /// This split made over for `seg`, in place: a caller that splits one segment after
    /// another keeps one `SplitSegment` (a few hundred bytes) instead of returning a new one
    /// for each. Bounds past the new count are left as they were; nothing reads them.
    pub fn resplit(&mut self, seg: &Segment<'a>) {
        if !self.resplit_from_index(seg) {
            *self = SplitSegment::scanned(seg);
        }
    }

    /// Splits `seg` by scanning it for all three separators.
    fn scanned(seg: &Segment<'a>) -> Self {
        let bytes = seg.bytes;
        let too_long = bytes.len() > usize::from(u16::MAX);
        let d = seg.delims;
        let mut s = Splitter {
            bounds: [(0u16, 0u16, 0u16); MAX],
            count: 0,
            open: None,
            composite: 0,
            too_long,
            delims: d,
            spill: Vec::new(),
        };
        // An id followed by the component separator in place of the element separator
        // (`HI:BF:4019`): element 1 begins after it, and the scan after it.
        let from = match seg.slipped_separator() {
            Some(at) => {
                s.open = Some((at + 1, None));
                at + 1
            }
            None => 0,
        };
        // Only the bytes that are one of the three separators are looked at.
        let seps = [d.element, d.component, d.repetition.unwrap_or(d.element)];
        let rest = bytes.get(from..).unwrap_or_default();
        for i in Matches::new(rest, seps) {
            s.byte(from + i, rest[i]);
        }
        if let Some(o) = s.open {
            s.close(o, bytes.len());
        }
        SplitSegment {
            seg: *seg,
            bounds: s.bounds,
            count: s.count,
            id: seg.id(),
            overflow: s.count > MAX || too_long,
            composite: s.composite,
            spill: s.spill,
        }
    }

    /// The split of a segment whose element separators are known (`Segment::new`), written
    /// here: element bounds from them, and only the component and repetition separators
    /// looked for. `false` for a segment without them, or with delimiters that coincide (the
    /// full scan settles those the way it always has).
    fn resplit_from_index(&mut self, seg: &Segment<'a>) -> bool {
        let Some(count) = seg.seps.known().filter(|&c| c <= MAX) else {
            return false;
        };
        let d = seg.delims;
        if !d.separators_differ() {
            return false;
        }
        let bytes = seg.bytes;
        let at = &seg.seps.at;
        let bounds = &mut self.bounds;
        for k in 0..count {
            let (Some(&s), Some(slot)) = (at.get(k), bounds.get_mut(k)) else {
                return false;
            };
            let start = u16::from(s) + 1;
            let end = match at.get(k + 1) {
                Some(&e) if k + 1 < count => u16::from(e),
                _ => bytes.len() as u16,
            };
            *slot = (start, end, end);
        }
        let mut composite = 0u32;
        if count > 0 {
            let from = usize::from(at[0]) + 1;
            let Some(body) = bytes.get(from..) else {
                return false;
            };
            let mut k = 0usize;
            let mut hit = |i: usize, b: u8| {
                while k + 1 < count && usize::from(at[k + 1]) < i {
                    k += 1;
                }
                let Some(slot) = bounds.get_mut(k) else {
                    return;
                };
                if Some(b) == d.repetition {
                    if slot.2 == slot.1 {
                        slot.2 = i as u16;
                    }
                } else if b == d.component && slot.2 == slot.1 {
                    composite |= 1 << k;
                }
            };
            let seps = [d.component, d.repetition.unwrap_or(d.component)];
            for j in Matches::new(body, seps) {
                hit(from + j, body[j]);
            }
        }
        self.seg = *seg;
        self.count = count;
        self.id = seg.id();
        self.overflow = false;
        self.composite = composite;
        if !self.spill.is_empty() {
            self.spill = Vec::new();
        }
        true
    }

    #[inline]
    pub fn segment(&self) -> &Segment<'a> {
        &self.seg
    }

    #[inline]
    pub fn id(&self) -> &'a [u8] {
        self.id
    }

    #[inline]
    pub fn delims(&self) -> Delimiters {
        self.seg.delims
    }

    #[inline]
    pub fn element_count(&self) -> usize {
        self.count
    }

    /// Element `i` (1-based), all repetitions, even when empty.
    #[inline]
    pub fn element_all(&self, i: usize) -> Option<&'a [u8]> {
        if i == 0 || i > self.count {
            return None;
        }
        if self.overflow {
            let &(s, e, _) = self.spill.get(i - 1)?;
            return self.seg.bytes.get(s..e);
        }
        let (s, e, _) = self.bounds[i - 1];
        self.seg.bytes.get(s as usize..e as usize)
    }

    /// Element `i` up to its first repetition separator.
    #[inline]
    pub fn element(&self, i: usize) -> Option<&'a [u8]> {
        if i == 0 || i > self.count {
            return None;
        }
        if self.overflow {
            let &(s, _, r) = self.spill.get(i - 1)?;
            return self.seg.bytes.get(s..r);
        }
        let (s, _, r) = self.bounds[i - 1];
        self.seg.bytes.get(s as usize..r as usize)
    }

    #[inline]
    pub fn repetitions(&self, i: usize) -> usize {
        if !self.overflow && (1..=self.count).contains(&i) {
            // No repetition separator: the first repetition ends where the element does.
            let (_, e, r) = self.bounds[i - 1];
            if e == r {
                return 1;
            }
        }
        match (self.element_all(i), self.seg.delims.repetition) {
            (None, _) => 0,
            (Some(v), Some(r)) => v.iter().filter(|&&b| b == r).count() + 1,
            (Some(_), None) => 1,
        }
    }

    /// Bit `i - 1` set when element `i` (up to 64) holds a value: its first repetition is
    /// not empty, and not only component separators.
    #[inline]
    pub fn presence(&self) -> u64 {
        let mut bits = 0u64;
        if self.overflow {
            let comp = self.seg.delims.component;
            for i in 1..=self.count.min(64) {
                if self
                    .element(i)
                    .is_some_and(|v| v.iter().any(|&b| b != comp))
                {
                    bits |= 1 << (i - 1);
                }
            }
            return bits;
        }
        for (k, &(s, _, r)) in self.bounds.iter().enumerate().take(self.count) {
            let present = if self.composite & (1 << k) == 0 {
                r > s
            } else {
                let comp = self.seg.delims.component;
                self.seg
                    .bytes
                    .get(usize::from(s)..usize::from(r))
                    .is_some_and(|v| v.iter().any(|&b| b != comp))
            };
            if present {
                bits |= 1 << k;
            }
        }
        bits
    }

    /// Element `i`'s repetitions, components, and first component's value (the element when
    /// it has no component separator), in one read of its bounds.
    #[inline]
    pub fn shape(&self, i: usize) -> (usize, usize, &'a [u8]) {
        // The usual element, within bounds and without components or repetitions: one read
        // of its bounds.
        if self.plain(i)
            && let Some(&(s, e, r)) = self.bounds.get(i - 1).filter(|_| i <= self.count)
            && e == r
        {
            let value = self.seg.bytes.get(usize::from(s)..usize::from(r));
            return (1, 1, value.unwrap_or_default());
        }
        if self.plain(i) {
            let value = self.element(i);
            let comps = usize::from(value.is_some());
            return (self.repetitions(i), comps, value.unwrap_or_default());
        }
        let value = self
            .component(i, 1)
            .or_else(|| self.element(i))
            .unwrap_or_default();
        (self.repetitions(i), self.component_count(i), value)
    }

    /// Does element `i` (known to be within bounds) hold no component separator?
    #[inline]
    fn plain(&self, i: usize) -> bool {
        !self.overflow && (1..=MAX).contains(&i) && self.composite & (1 << (i - 1)) == 0
    }

    #[inline]
    pub fn component_count(&self, i: usize) -> usize {
        if self.plain(i) {
            return usize::from(self.element(i).is_some());
        }
        let c = self.seg.delims.component;
        self.element(i)
            .map_or(0, |v| v.iter().filter(|&&b| b == c).count() + 1)
    }

    #[inline]
    pub fn component(&self, i: usize, j: usize) -> Option<&'a [u8]> {
        if self.plain(i) {
            return self.element(i).filter(|_| j == 1);
        }
        let v = self.element(i)?;
        v.split(|&b| b == self.seg.delims.component)
            .nth(j.checked_sub(1)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a split holds, to compare two splits of the same bytes.
    #[derive(Debug, PartialEq)]
    struct SegmentBounds {
        bounds: Vec<(u16, u16, u16)>,
        composite: u32,
        count: usize,
    }

    impl SegmentBounds {
        fn of(s: &SplitSegment<'_>) -> SegmentBounds {
            SegmentBounds {
                bounds: s.bounds[..s.count.min(MAX)].to_vec(),
                composite: s.composite,
                count: s.count,
            }
        }
    }

    #[test]
    fn agrees_with_on_demand_splitting() {
        let delims = Delimiters::USUAL;
        let texts = [
            &b"SV1*HC:J0897:JZ*1200*UN*60***1"[..],
            b"SE",
            b"NM1*",
            b"HI*ABK:M810^ABF:E119*ABF:I10",
            b"A**",
            b"CLM*A^B:C*X:Y^Z*:*",
            b"H:I^*A^^B::*:^:*^",
            b"HI*ABK:A01^ABF:B02^ABF:C03^ABF:D04*ABF:E05:F:G:H:I:J*ABF:K06^ABF:L07",
            // The component separator after the id in place of the element separator.
            b"HI:BF:4019*BF:79431",
            b"hi:ABK:A01^ABF:B02*ABF:C03",
            b"REF:EA",
        ];
        // Each text split from a segment that knows its separators (`Segment::new`, the
        // indexed split) and from one that does not (the full scan).
        let segs = texts.into_iter().flat_map(|text| {
            [
                Segment::new(text, 0, delims, 1),
                Segment::unindexed(text, 0, delims, 1),
            ]
        });
        // One split made over for each segment in turn (as the guide check does) holds what
        // a new one holds, whatever it held before.
        let mut again = SplitSegment::new(&Segment::new(texts[7], 0, delims, 1));
        for seg in segs {
            let s = SplitSegment::new(&seg);
            again.resplit(&seg);
            assert_eq!(SegmentBounds::of(&again), SegmentBounds::of(&s));
            assert_eq!((again.id(), again.overflow), (s.id(), s.overflow));
            assert_eq!(
                SegmentBounds::of(&s),
                SegmentBounds::of(&SplitSegment::new(&Segment::unindexed(
                    seg.bytes, 0, delims, 1
                )))
            );
            assert_eq!(s.element_count(), seg.element_count());
            for i in 0..=seg.element_count() + 1 {
                let v = seg.element_raw(i).map(|e| e.bytes);
                let first = v.map(|v| v.split(|&b| b == b'^').next().unwrap_or(v));
                let parts: Vec<&[u8]> =
                    first.map_or(Vec::new(), |f| f.split(|&b| b == b':').collect());
                assert_eq!(s.component_count(i), parts.len(), "{i}");
                for j in 0..=parts.len() + 1 {
                    let want = j.checked_sub(1).and_then(|k| parts.get(k).copied());
                    assert_eq!(s.component(i, j), want, "{i} {j}");
                }
            }
            for i in 0..=seg.element_count() + 1 {
                assert_eq!(s.element_all(i), seg.element_raw(i).map(|e| e.bytes), "{i}");
            }
        }
        let seg = Segment::new(b"HI*ABK:M810^ABF:E119", 0, delims, 1);
        let s = SplitSegment::new(&seg);
        assert_eq!(s.element(1), Some(&b"ABK:M810"[..]));
        assert_eq!(s.repetitions(1), 2);
        assert_eq!(s.component(1, 2), Some(&b"M810"[..]));
        assert_eq!(s.component_count(1), 2);
    }

    /// Segments past the bounds array (more than `MAX` elements, or over 64 KiB) read each
    /// element as on-demand splitting does, from the bounds kept aside for them.
    #[test]
    fn long_segments_agree_with_on_demand_splitting() {
        let delims = Delimiters::USUAL;
        let many: Vec<u8> = (0..200).fold(b"N4".to_vec(), |mut v, k| {
            v.extend_from_slice(match k % 4 {
                0 => &b"*A^B"[..],
                1 => b"*",
                2 => b"*X:Y:Z",
                _ => b"*LONGER VALUE",
            });
            v
        });
        let slipped = [&b"HI:BF:4019"[..], &many[2..]].concat();
        let huge = [&b"NTE*ADD*"[..], &vec![b'A'; 70_000], b"*B^C*D"].concat();
        for text in [&many[..], &slipped, &huge] {
            let seg = Segment::unindexed(text, 0, delims, 1);
            let s = SplitSegment::new(&seg);
            assert!(s.overflow);
            assert_eq!(s.element_count(), seg.element_count());
            for i in 0..=seg.element_count() + 1 {
                let all = seg.element_raw(i).map(|e| e.bytes);
                assert_eq!(s.element_all(i), all, "{i}");
                let first = all.map(|v| v.split(|&b| b == b'^').next().unwrap_or(v));
                assert_eq!(s.element(i), first, "{i}");
                let parts = first.map_or(0, |f| f.split(|&b| b == b':').count());
                assert_eq!(s.component_count(i), parts, "{i}");
            }
        }
    }
}
