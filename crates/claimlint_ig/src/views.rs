//! How the guide sees `claimlint_x12`'s segments: [`SegmentView`] for the lexer's `Segment`
//! (borrowed, split on demand) and for `SplitSegment` (split once, for the walk and the
//! validator, which read every element several times). The one place this crate touches the
//! lexer's types; the tables and the checks see only the trait.

use crate::{SegmentDef, SegmentView, validate};
use claimlint_x12::Segment;
use claimlint_x12::split::SplitSegment;

/// The first repetition of an element's bytes (X12 5010: ISA11 separates repetitions).
/// Values are a few bytes: a plain scan, not memchr's set-up.
fn first_repetition<'s>(seg: &Segment<'s>, bytes: &'s [u8]) -> &'s [u8] {
    match seg.delims.repetition {
        Some(r) => bytes
            .iter()
            .position(|&b| b == r)
            .map_or(bytes, |end| bytes.get(..end).unwrap_or(bytes)),
        None => bytes,
    }
}

/// Component `k` (0-based) of `v`, as `v.split(sep).nth(k)` gives it, by one plain scan.
fn nth_component(v: &[u8], sep: u8, k: usize) -> Option<&[u8]> {
    nth_component_before(v, sep, None, k)
}

/// [`nth_component`] of the part of `v` before the first `stop` byte (the first repetition,
/// when `stop` is the repetition separator), in the same scan.
fn nth_component_before(v: &[u8], sep: u8, stop: Option<u8>, k: usize) -> Option<&[u8]> {
    let mut start = 0;
    let mut seen = 0;
    for (at, &b) in v.iter().enumerate() {
        if Some(b) == stop {
            return (seen == k).then(|| v.get(start..at)).flatten();
        }
        if b == sep {
            if seen == k {
                return v.get(start..at);
            }
            seen += 1;
            start = at + 1;
        }
    }
    (seen == k).then(|| v.get(start..)).flatten()
}

/// Borrowed views only: no allocation per call, so the walk and the validator cost
/// O(bytes of the segment) per element they read.
impl SegmentView for Segment<'_> {
    fn id(&self) -> &[u8] {
        Segment::id(self)
    }

    fn element_count(&self) -> usize {
        Segment::element_count(self)
    }

    fn element(&self, i: usize) -> Option<&[u8]> {
        if i == 0 || i > Segment::element_count(self) {
            return None;
        }
        Some(first_repetition(self, self.value(i)))
    }

    fn component_count(&self, i: usize) -> usize {
        SegmentView::element(self, i).map_or(0, |v| {
            memchr::memchr_iter(self.delims.component, v).count() + 1
        })
    }

    fn component(&self, i: usize, j: usize) -> Option<&[u8]> {
        let v = SegmentView::element(self, i)?;
        nth_component(v, self.delims.component, j.checked_sub(1)?)
    }

    /// One scan of the element for both separators (the walk reads a qualifier for nearly
    /// every segment): what `component(i, j.max(1))` gives, which for a present element is
    /// never `None` where `element(i)` would not be.
    fn qualifier(&self, i: usize, j: usize) -> Option<&[u8]> {
        if i == 0 || i > Segment::element_count(self) {
            return None;
        }
        let d = self.delims;
        nth_component_before(self.value(i), d.component, d.repetition, j.max(1) - 1)
    }

    fn repetitions(&self, i: usize) -> usize {
        match (self.element_raw(i), self.delims.repetition) {
            (None, _) => 0,
            (Some(e), Some(r)) => memchr::memchr_iter(r, e.bytes).count() + 1,
            (Some(_), None) => 1,
        }
    }
}

/// [`validate::is_clean`] of a lexer segment: does the element check find nothing wrong
/// with `seg` under `def`? Read in one pass over its bytes by the definition's element program
/// ([`SegmentDef::program`]), nothing split. `false` (leave it to the full check) for a segment
/// read as another id than written, or whose separators coincide, which the full check's split
/// settles its own way; a separator that is a letter, digit or space (legal, never seen) is
/// left to [`validate::is_clean`], which reads values without assuming anything of them.
pub fn segment_is_clean(def: &SegmentDef, seg: &Segment<'_>) -> bool {
    let d = seg.delims;
    if seg.id_mended() || !d.separators_differ() {
        return false;
    }
    let seps = validate::Separators {
        element: d.element,
        component: d.component,
        repetition: d.repetition,
    };
    if !(validate::is_special(d.element)
        && validate::is_special(d.component)
        && d.repetition.is_none_or(validate::is_special))
    {
        let mut fields = seg.bytes.split(|&b| b == d.element);
        fields.next(); // the id
        return validate::is_clean(def, fields, d.component, d.repetition);
    }
    // The first element separator, after an id of two or three bytes nearly always.
    let e = d.element;
    let id_end = match *seg.bytes {
        [a, b, c, ..] if a != e && b != e && c == e => Some(2),
        [a, b, c, x, ..] if a != e && b != e && c != e && x == e => Some(3),
        _ => seg.bytes.iter().position(|&b| b == e),
    };
    match id_end {
        Some(at) => def
            .program()
            .is_clean(seg.bytes.get(at + 1..).unwrap_or_default(), seps),
        None => def.program().is_clean_empty(),
    }
}

/// Validation reads every element several times: give it the segment split once.
impl SegmentView for SplitSegment<'_> {
    #[inline]
    fn id(&self) -> &[u8] {
        SplitSegment::id(self)
    }
    #[inline]
    fn element_count(&self) -> usize {
        SplitSegment::element_count(self)
    }
    #[inline]
    fn element(&self, i: usize) -> Option<&[u8]> {
        SplitSegment::element(self, i)
    }
    #[inline]
    fn component_count(&self, i: usize) -> usize {
        SplitSegment::component_count(self, i)
    }
    #[inline]
    fn component(&self, i: usize, j: usize) -> Option<&[u8]> {
        SplitSegment::component(self, i, j)
    }
    #[inline]
    fn repetitions(&self, i: usize) -> usize {
        SplitSegment::repetitions(self, i)
    }
    fn presence(&self) -> u64 {
        SplitSegment::presence(self)
    }
    fn shape(&self, i: usize) -> (usize, usize, &[u8]) {
        SplitSegment::shape(self, i)
    }
    /// One split of the element for all its components, not one per component.
    fn fill_components<'s>(&'s self, i: usize, held: &mut [&'s [u8]]) {
        let v = SplitSegment::element(self, i).unwrap_or_default();
        let sep = self.delims().component;
        let mut parts = v.split(|&b| b == sep);
        for slot in held.iter_mut() {
            *slot = parts.next().unwrap_or_default();
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn nth_component_is_split_nth() {
        for v in [
            &b""[..],
            b":",
            b"A",
            b"A:B",
            b"::",
            b"HC:J0897:JZ",
            b"A::B:",
            b":A",
        ] {
            for k in 0..6 {
                assert_eq!(
                    super::nth_component(v, b':', k),
                    v.split(|&b| b == b':').nth(k),
                    "{v:?} {k}"
                );
            }
        }
    }
}
