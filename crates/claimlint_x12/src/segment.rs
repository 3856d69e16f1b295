//! Segments and elements as views over the input bytes: no copies, split on demand.

use super::{Delimiters, Loc, SegId};
use std::borrow::Cow;

/// One segment: the bytes from its id up to (not including) its terminator.
///
/// Made with [`Segment::new`], a segment knows where its element separators are (up to
/// [`Seps::MAX`] of them, in its first 255 bytes), so reading an element is two lookups, not a
/// scan; [`Segment::unindexed`] skips that for a segment read once (the envelope scan), and
/// its elements are found by scanning.
#[derive(Clone, Copy)]
pub struct Segment<'a> {
    pub bytes: &'a [u8],
    /// Byte offset of `bytes[0]` in the file.
    pub offset: usize,
    pub delims: Delimiters,
    /// 1-based position in the transaction set (ST = 1), or in the file outside one.
    pub position: u32,
    /// Where the element separators are; the same for any segment with these bytes and
    /// delimiters (`..seg` struct updates keep `bytes` and `delims`, so keep it valid).
    pub(crate) seps: Seps,
    /// When the segment is read as another id than the bytes before its first element
    /// separator spell, that id: 1 + its index in [`IDS_837`] (the bits of [`INDEX`]), with
    /// [`LOWER`] when it is written in lower or mixed case (`nm1`) and [`SLIPPED`] when the
    /// component separator follows it in place of the element separator (`HI:BF:4019*…`);
    /// else 0.
    pub(crate) read_as: u8,
}

/// The segment ids of the two 837 guides, and of the envelope segments inside an interchange,
/// in byte order. A segment whose id spells one of these in lower or mixed case (`nm1`,
/// `Clm`), or one followed by the component separator where the element separator belongs
/// (`HI:BF:4019*BF:79431` for `HI*BF:4019*BF:79431`), is read as that id ([`Segment::id`]),
/// its elements as they would be with the separator put right: SYN001 reports the slip once
/// ([`Segment::id_as_written`], [`Segment::slipped_separator`]), and the envelope scan, the
/// guide walk, the model and the rules see the segment it was meant to be instead of cascading
/// from one they cannot place (or, for `HI:`, dropping the diagnoses unread). (An interchange is
/// found by the bytes `ISA`: a lower-cased one is ENV001, so `ISA` is not here.)
pub const IDS_837: [&str; 47] = [
    "AMT", "BHT", "CAS", "CL1", "CLM", "CN1", "CR1", "CR2", "CR3", "CRC", "CTP", "CUR", "DMG",
    "DTP", "FRM", "GE", "GS", "HCP", "HI", "HL", "IEA", "K3", "LIN", "LQ", "LX", "MEA", "MIA",
    "MOA", "N3", "N4", "NM1", "NTE", "OI", "PAT", "PER", "PRV", "PS1", "PWK", "QTY", "REF", "SBR",
    "SE", "ST", "SV1", "SV2", "SV5", "SVD",
];

/// The bits of `Segment::read_as` that hold 1 + an index in [`IDS_837`].
const INDEX: u8 = 0x3F;
/// `Segment::read_as`: the id is written with a lower-case letter.
const LOWER: u8 = 0x40;
/// `Segment::read_as`: the component separator follows the id in place of the element
/// separator.
const SLIPPED: u8 = 0x80;

/// `Segment::read_as` of a segment of `bytes`. Only the first four bytes are looked at for an
/// upper-case id followed by its element separator, as nearly every segment is: a lower-case
/// letter in the first three, or the component separator third or fourth (after an id of two
/// or three bytes), sends the segment to [`read_as_slow`], all four tested at once.
#[inline]
fn read_as(bytes: &[u8], d: Delimiters) -> u8 {
    let odd = match *bytes {
        [a, b, c, d3, ..] => {
            // Whether any of the first three bytes is `a`..=`z`, without a branch per byte: on
            // the low seven bits of each (so no sum carries into the next byte), + 0x1F sets
            // the high bit from `a` (0x61) up, + 0x05 from `{` (0x7B) up; a byte with its own
            // high bit set is no letter.
            let x = u32::from_le_bytes([a, b, c, d3]);
            let low = x & 0x7F7F_7F7F;
            let from_a = low + 0x1F1F_1F1F;
            let past_z = low + 0x0505_0505;
            let lower = from_a & !past_z & !x & 0x0080_8080;
            // Whether the third or fourth byte is the component separator: a zero byte of
            // `y` sets its high bit in `(y - 0x01..) & !y` (a byte above a zero may be set
            // too: a false alarm `read_as_slow` settles).
            let y = x ^ (u32::from(d.component) * 0x0101_0101);
            let component = y.wrapping_sub(0x0101_0101) & !y & 0x8080_0000;
            lower | component != 0
        }
        [_, _, c] => bytes.iter().any(u8::is_ascii_lowercase) || c == d.component,
        _ => bytes.iter().any(u8::is_ascii_lowercase),
    };
    if !odd {
        return 0;
    }
    read_as_slow(bytes, d)
}

/// The id a segment's `read_as` names (`IDS_837`), out of line: the accessors that check for
/// it run for every segment and stay small enough to inline.
#[cold]
#[inline(never)]
fn upcased_id(read_as: u8) -> &'static [u8] {
    IDS_837
        .get(usize::from(read_as & INDEX).wrapping_sub(1))
        .map_or(&b""[..], |id| id.as_bytes())
}

#[cold]
#[inline(never)]
fn upcased_seg_id(read_as: u8) -> SegId {
    SegId::new(upcased_id(read_as))
}

/// 1 + the index in [`IDS_837`] of `id` in any case, or 0.
fn index_837(id: &[u8]) -> u8 {
    IDS_837
        .iter()
        .position(|k| {
            k.len() == id.len() && k.bytes().zip(id).all(|(k, b)| k == b.to_ascii_uppercase())
        })
        .map_or(0, |i| i as u8 + 1)
}

/// [`read_as`] for a segment whose first bytes hold a lower-case letter or the component
/// separator: rare, so kept out of the segment's constructors and accessors, which run for
/// every segment. An id written as an 837 id is in lower case (`nm1`); an id that is no 837
/// id but one followed by the component separator (`HI:BF`, not `SV1` when `1` were the
/// component separator) had the element separator mistyped after it.
#[cold]
#[inline(never)]
fn read_as_slow(bytes: &[u8], d: Delimiters) -> u8 {
    let lower = |id: &[u8]| {
        if id.iter().any(u8::is_ascii_lowercase) {
            LOWER
        } else {
            0
        }
    };
    let end = bytes
        .iter()
        .position(|&b| b == d.element)
        .unwrap_or(bytes.len());
    let written = &bytes[..end];
    match index_837(written) {
        0 => {}
        // An id of the 837: in upper case it is read as written.
        i => return if lower(written) == 0 { 0 } else { i | LOWER },
    }
    let Some(id) = written
        .iter()
        .position(|&b| b == d.component)
        .filter(|k| (2..=3).contains(k))
        .map(|k| &written[..k])
    else {
        return 0;
    };
    match index_837(id) {
        0 => 0,
        i => i | SLIPPED | lower(id),
    }
}

impl std::fmt::Debug for Segment<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segment")
            .field("bytes", &self.bytes)
            .field("offset", &self.offset)
            .field("delims", &self.delims)
            .field("position", &self.position)
            .finish()
    }
}

/// The offsets of a segment's element separators, when it has at most [`Seps::MAX`] of them
/// and is at most 255 bytes long (every 837 segment but the rare long one); else unknown.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seps {
    pub(crate) at: [u8; Seps::MAX],
    /// How many separators; `UNKNOWN` when they were not (or could not be) recorded.
    count: u8,
}

impl Seps {
    /// 13 keeps a segment 48 bytes beside `read_as`; the few 837 segments with more separators
    /// (a CLM or HI written to its last elements) are scanned, as the long ones are.
    const MAX: usize = 13;
    const UNKNOWN: u8 = u8::MAX;
    const NONE: Seps = Seps {
        at: [0; Seps::MAX],
        count: Seps::UNKNOWN,
    };

    fn of(bytes: &[u8], sep: u8) -> Seps {
        if bytes.len() > usize::from(u8::MAX) {
            return Seps::NONE;
        }
        let mut at = [0u8; Seps::MAX];
        let mut count = 0usize;
        // Eight bytes at a time, as `Matches` does, without its iterator state: this runs
        // once for every segment of every transaction set.
        let (words, tail) = bytes.as_chunks::<8>();
        for (k, word) in words.iter().enumerate() {
            let mut hits = separator_mask(u64::from_le_bytes(*word), sep);
            while hits != 0 {
                let Some(slot) = at.get_mut(count) else {
                    return Seps::NONE; // more separators than the index holds
                };
                // < 256: the segment is at most 255 bytes.
                *slot = (k * 8 + (hits.trailing_zeros() / 8) as usize) as u8;
                count += 1;
                hits &= hits - 1;
            }
        }
        let base = words.len() * 8;
        for (j, &b) in tail.iter().enumerate() {
            if b == sep {
                let Some(slot) = at.get_mut(count) else {
                    return Seps::NONE;
                };
                *slot = (base + j) as u8;
                count += 1;
            }
        }
        Seps {
            at,
            count: count as u8,
        }
    }

    /// These separators with the one at `at`, before all of them, added: the component
    /// separator written after the id in place of the element separator. Unknown when the
    /// index is full.
    #[cold]
    #[inline(never)]
    fn with_slip(self, at: usize) -> Seps {
        let (Some(count), Ok(at)) = (self.known(), u8::try_from(at)) else {
            return Seps::NONE;
        };
        if count >= Seps::MAX {
            return Seps::NONE;
        }
        let mut out = Seps {
            at: [0; Seps::MAX],
            count: count as u8 + 1,
        };
        out.at[0] = at;
        out.at[1..=count].copy_from_slice(&self.at[..count]);
        out
    }

    #[inline]
    pub(crate) fn known(&self) -> Option<usize> {
        (self.count != Seps::UNKNOWN).then_some(usize::from(self.count))
    }

    /// Bounds of field `n` (1-based) of a segment of `len` bytes, when the separators are
    /// known: `Some(None)` for a field it does not have.
    #[inline]
    fn field(&self, n: usize, len: usize) -> Option<Option<(usize, usize)>> {
        let count = self.known()?;
        if n == 0 || n > count {
            return Some(None);
        }
        let start = usize::from(*self.at.get(n - 1)?) + 1;
        let end = if n < count {
            usize::from(*self.at.get(n)?)
        } else {
            len
        };
        Some(Some((start, end)))
    }
}

impl<'a> Segment<'a> {
    /// A segment whose element separators are found once, here, for the many reads to come.
    #[inline]
    pub fn new(bytes: &'a [u8], offset: usize, delims: Delimiters, position: u32) -> Segment<'a> {
        let read_as = read_as(bytes, delims);
        let mut seps = Seps::of(bytes, delims.element);
        if read_as & SLIPPED != 0 {
            // The component separator after the id stands for the first element separator.
            seps = seps.with_slip(upcased_id(read_as).len());
        }
        Segment {
            bytes,
            offset,
            delims,
            position,
            seps,
            read_as,
        }
    }

    /// A segment read once or twice (the envelope scan): its elements are found by scanning.
    pub fn unindexed(
        bytes: &'a [u8],
        offset: usize,
        delims: Delimiters,
        position: u32,
    ) -> Segment<'a> {
        Segment {
            bytes,
            offset,
            delims,
            position,
            seps: Seps::NONE,
            read_as: read_as(bytes, delims),
        }
    }

    /// The segment id, in upper case when it was written in lower or mixed case and spells an
    /// id of the 837 ([`IDS_837`]), without the component separator written after it in place
    /// of the element separator (`HI` of `HI:BF:4019*BF:79431`); as written otherwise.
    #[inline]
    pub fn id(&self) -> &'a [u8] {
        if self.read_as != 0 {
            return upcased_id(self.read_as);
        }
        self.written_id()
    }

    /// The id as written, when it is an id of the 837 written with lower-case letters (`nm1`
    /// for `NM1`); `None` for an upper-case id or one the 837 does not have.
    #[inline]
    pub fn id_as_written(&self) -> Option<&'a [u8]> {
        (self.read_as & LOWER != 0).then(|| self.bytes_of_id())
    }

    /// Whether the segment is read as another id than its bytes spell: one written in lower
    /// case ([`Segment::id_as_written`]), or followed by the component separator
    /// ([`Segment::slipped_separator`]). One test, for the rule that reports both.
    #[inline]
    pub fn id_mended(&self) -> bool {
        self.read_as != 0
    }

    /// Where (in `bytes`) the component separator stands that follows the id in place of
    /// the element separator (`HI:BF:4019*BF:79431`, at 2), when the segment is read so: as
    /// `HI*BF:4019*BF:79431`, its elements counted from there. `None` for every other segment.
    #[inline]
    pub fn slipped_separator(&self) -> Option<usize> {
        (self.read_as & SLIPPED != 0).then(|| upcased_id(self.read_as).len())
    }

    /// The bytes of a segment read as another id than written: those of that id, as written.
    #[cold]
    #[inline(never)]
    fn bytes_of_id(&self) -> &'a [u8] {
        let len = upcased_id(self.read_as).len();
        self.bytes.get(..len).unwrap_or(self.bytes)
    }

    #[inline]
    fn written_id(&self) -> &'a [u8] {
        let end = match self.seps.known() {
            Some(0) => self.bytes.len(),
            Some(_) => usize::from(self.seps.at[0]),
            None => self
                .bytes
                .iter()
                .position(|&b| b == self.delims.element)
                .unwrap_or(self.bytes.len()),
        };
        &self.bytes[..end]
    }

    #[inline]
    pub fn seg_id(&self) -> SegId {
        if self.read_as != 0 {
            return upcased_seg_id(self.read_as);
        }
        // A `SegId` keeps at most three bytes: only those are read, not the whole id; where
        // the id ends is the first separator of the index when the segment has one.
        let head = self.bytes.get(..3).unwrap_or(self.bytes);
        let end = match self.seps.known() {
            Some(0) => head.len(),
            Some(_) => usize::from(self.seps.at[0]).min(head.len()),
            None => {
                let sep = self.delims.element;
                head.iter().position(|&b| b == sep).unwrap_or(head.len())
            }
        };
        SegId::new(head.get(..end).unwrap_or(head))
    }

    #[inline]
    pub fn is(&self, id: &[u8]) -> bool {
        if self.read_as != 0 {
            return crate::short::eq(upcased_id(self.read_as), id);
        }
        // The id is `id` when the bytes start with it and then end or separate: no scan for
        // the separator, no `memcmp` call for two or three bytes.
        self.bytes.len() >= id.len()
            && crate::short::eq(&self.bytes[..id.len()], id)
            && self
                .bytes
                .get(id.len())
                .is_none_or(|&b| b == self.delims.element)
            && !id.contains(&self.delims.element)
    }

    /// Number of elements after the id (counting empty ones, including trailing empties).
    #[inline]
    pub fn element_count(&self) -> usize {
        if let Some(count) = self.seps.known() {
            return count;
        }
        let sep = self.delims.element;
        let slipped = usize::from(self.read_as & SLIPPED != 0);
        self.bytes.iter().filter(|&&b| b == sep).count() + slipped
    }

    /// Bounds of element `n`: at its fixed place in a fixed-width ISA, else from the known
    /// separators, else by a scan.
    #[inline]
    fn field(&self, n: usize) -> Option<(usize, usize)> {
        if let Some(f) = fixed_isa_field(self.bytes, self.delims.element, n) {
            return Some(f);
        }
        match self.seps.field(n, self.bytes.len()) {
            Some(known) => known,
            None => self.scanned_field(n),
        }
    }

    /// [`Segment::field`] by a scan, out of line (the indexed read above stays small enough
    /// to inline). For a segment whose id is followed by the component separator in place of
    /// the element separator, element 1 begins after that separator, and element `n` after
    /// it lies where element `n - 1` would lie without it.
    #[inline(never)]
    fn scanned_field(&self, n: usize) -> Option<(usize, usize)> {
        let sep = self.delims.element;
        if self.read_as & SLIPPED == 0 {
            return nth_field(self.bytes, sep, n);
        }
        match n {
            0 => None,
            1 => {
                let start = upcased_id(self.read_as).len() + 1;
                let rest = self.bytes.get(start..)?;
                let end = rest
                    .iter()
                    .position(|&b| b == sep)
                    .map_or(self.bytes.len(), |e| start + e);
                Some((start, end))
            }
            _ => nth_field(self.bytes, sep, n - 1),
        }
    }

    /// Element `n` (1-based) even when empty; `None` when the segment has fewer elements.
    ///
    /// Segments are tens of bytes, so a plain scan beats memchr's set-up cost here (profiled:
    /// memchr on these short slices was the top cost of a full check).
    #[inline]
    pub fn element_raw(&self, n: usize) -> Option<Element<'a>> {
        let (start, end) = self.field(n)?;
        Some(self.make_element(n, start, end))
    }

    #[inline]
    fn make_element(&self, n: usize, start: usize, end: usize) -> Element<'a> {
        Element {
            bytes: &self.bytes[start..end],
            offset: self.offset + start,
            segment: self.seg_id(),
            position: self.position,
            index: u8::try_from(n).unwrap_or(u8::MAX),
            component: None,
            delims: self.delims,
        }
    }

    /// Element `n` (1-based) when present and not empty.
    #[inline]
    pub fn element(&self, n: usize) -> Option<Element<'a>> {
        let (start, end) = self.field(n)?;
        // The bounds alone tell an empty element: none is built to be dropped.
        (start < end).then(|| self.make_element(n, start, end))
    }

    /// The bytes of element `n`, empty when absent.
    #[inline]
    pub fn value(&self, n: usize) -> &'a [u8] {
        // The bounds alone: an `Element` (its segment id, offset) is not built to be dropped.
        self.field(n)
            .and_then(|(start, end)| self.bytes.get(start..end))
            .unwrap_or_default()
    }

    /// All elements in order, in one pass over the segment.
    pub fn elements(&self) -> impl Iterator<Item = Element<'a>> + '_ {
        let sep = self.delims.element;
        let bytes = self.bytes;
        let mut start = self.id().len();
        let mut n = 0usize;
        // The component separator after the id, where it stands for the element separator.
        let slipped = self.slipped_separator();
        std::iter::from_fn(move || {
            if start >= bytes.len() || bytes[start] != sep && slipped != Some(start) {
                return None;
            }
            let from = start + 1;
            let end = bytes[from..]
                .iter()
                .position(|&b| b == sep)
                .map_or(bytes.len(), |e| from + e);
            n += 1;
            start = end;
            Some(self.make_element(n, from, end))
        })
    }

    /// Where element `n` is (written empty or not); when it is not written at all, the whole
    /// segment, still naming element `n` (a 999 IK4 says which element is missing: `DMG03`
    /// of `DMG*D8*19450312`, not the segment's first).
    pub fn element_loc(&self, n: usize) -> Loc {
        self.element_raw(n).map_or_else(
            || Loc {
                element: u8::try_from(n).ok().filter(|&n| n > 0),
                ..self.loc()
            },
            |e| e.loc(),
        )
    }

    pub fn loc(&self) -> Loc {
        Loc {
            segment: self.seg_id(),
            position: self.position,
            element: None,
            component: None,
            offset: self.offset,
            length: self.bytes.len(),
            terminator: self.delims.segment,
        }
    }

    pub fn text(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.bytes)
    }
}

/// One element (or one component of a composite) with its own span.
#[derive(Clone, Copy, Debug)]
pub struct Element<'a> {
    pub bytes: &'a [u8],
    pub offset: usize,
    pub segment: SegId,
    pub position: u32,
    pub index: u8,
    /// 1-based component index when this is a component.
    pub component: Option<u8>,
    pub delims: Delimiters,
}

impl<'a> Element<'a> {
    /// Component `n` (1-based) when present and not empty. Component 1 of a simple element is
    /// the element itself.
    #[inline]
    pub fn component(&self, n: usize) -> Option<Element<'a>> {
        self.component_raw(n).filter(|c| !c.bytes.is_empty())
    }

    #[inline]
    pub fn component_raw(&self, n: usize) -> Option<Element<'a>> {
        if self.component.is_some() {
            return None;
        }
        let (start, end) = nth_part(self.bytes, self.delims.component, n)?;
        Some(Element {
            bytes: &self.bytes[start..end],
            offset: self.offset + start,
            component: Some(u8::try_from(n).unwrap_or(u8::MAX)),
            ..*self
        })
    }

    pub fn component_count(&self) -> usize {
        let sep = self.delims.component;
        self.bytes.iter().filter(|&&b| b == sep).count() + 1
    }

    /// Repetitions of a repeatable element (split on ISA11); one when there is no separator.
    pub fn repetitions(&self) -> impl Iterator<Item = Element<'a>> + '_ {
        let sep = self.delims.repetition;
        let mut start = 0usize;
        let bytes = self.bytes;
        std::iter::from_fn(move || {
            if start > bytes.len() {
                return None;
            }
            let end = sep
                .and_then(|s| memchr::memchr(s, &bytes[start..]))
                .map_or(bytes.len(), |e| start + e);
            let e = Element {
                bytes: &bytes[start..end],
                offset: self.offset + start,
                ..*self
            };
            start = end + 1;
            Some(e)
        })
    }

    pub fn is(&self, value: &[u8]) -> bool {
        self.bytes == value
    }

    pub fn text(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.bytes)
    }

    /// Reference designator as the TR3 writes it: `CLM05-3`, `SV101-2`.
    pub fn ref_des(&self) -> String {
        match self.component {
            Some(c) => format!("{}{:02}-{}", self.segment.as_str(), self.index, c),
            None => format!("{}{:02}", self.segment.as_str(), self.index),
        }
    }

    pub fn loc(&self) -> Loc {
        Loc {
            segment: self.segment,
            position: self.position,
            element: Some(self.index),
            component: self.component,
            offset: self.offset,
            length: self.bytes.len(),
            terminator: self.delims.segment,
        }
    }
}

/// Bounds of field `n` (1-based) after the leading id: the bytes between the n-th and the
/// (n+1)-th separator.
/// ISA`n` of a fixed-width ISA whose ISA11 is its element separator (ENV007): read at its
/// fixed position, as `IsaHeader::parse` reads it, not shifted by the extra separator.
/// `None` for every other segment, which is split as usual.
#[inline]
fn fixed_isa_field(bytes: &[u8], sep: u8, n: usize) -> Option<(usize, usize)> {
    if bytes.len() != crate::delims::ISA_LEN - 1 {
        return None;
    }
    fixed_isa_field_of_isa(bytes, sep, n)
}

fn fixed_isa_field_of_isa(bytes: &[u8], sep: u8, n: usize) -> Option<(usize, usize)> {
    use crate::delims::ISA_WIDTHS;
    if bytes.get(82) != Some(&sep) || !bytes.starts_with(b"ISA") {
        return None;
    }
    let width = *ISA_WIDTHS.get(n.checked_sub(1)?)?;
    let start = 4 + ISA_WIDTHS[..n - 1].iter().sum::<usize>() + (n - 1);
    let fixed = (1..=16).all(|k| {
        let at = 3 + ISA_WIDTHS[..k - 1].iter().sum::<usize>() + (k - 1);
        bytes[at] == sep
    });
    fixed.then_some((start, start + width))
}

fn nth_field(bytes: &[u8], sep: u8, n: usize) -> Option<(usize, usize)> {
    let n = n.checked_sub(1)?;
    // Field n + 1 lies between separators n + 1 and n + 2 (or the end).
    let mut seps = Matches::new(bytes, [sep]).skip(n);
    let start = seps.next()? + 1;
    Some((start, seps.next().unwrap_or(bytes.len())))
}

/// The positions, in order, of the bytes of `bytes` that are one of `seps`: eight bytes at a
/// time, a word holding none skipped whole and the others' matches visited bit by bit
/// (segments are tens of bytes; most words hold one separator or none), the last few bytes
/// one by one. The one scan behind the lexer's terminator search, a segment's separator index
/// and element reads, and the splitter.
pub(crate) struct Matches<'b, const K: usize> {
    bytes: &'b [u8],
    seps: [u8; K],
    /// Start of the word whose matches `hits` holds.
    base: usize,
    hits: u64,
    /// Start of the bytes not read yet.
    next: usize,
}

impl<'b, const K: usize> Matches<'b, K> {
    pub(crate) fn new(bytes: &'b [u8], seps: [u8; K]) -> Matches<'b, K> {
        Matches {
            bytes,
            seps,
            base: 0,
            hits: 0,
            next: 0,
        }
    }
}

impl<const K: usize> Iterator for Matches<'_, K> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        loop {
            if self.hits != 0 {
                let at = self.base + (self.hits.trailing_zeros() / 8) as usize;
                self.hits &= self.hits - 1;
                return Some(at);
            }
            if let Some((word, _)) = self
                .bytes
                .get(self.next..)
                .and_then(|rest| rest.split_first_chunk::<8>())
            {
                let w = u64::from_le_bytes(*word);
                self.hits = self
                    .seps
                    .iter()
                    .fold(0, |h, &sep| h | separator_mask(w, sep));
                self.base = self.next;
                self.next += 8;
                continue;
            }
            // Fewer than eight bytes left: one at a time.
            let j = self
                .bytes
                .get(self.next..)?
                .iter()
                .position(|b| self.seps.contains(b))?;
            let at = self.next + j;
            self.next = at + 1;
            return Some(at);
        }
    }
}

/// The high bit of each byte of `word` that equals `sep`, and no other bit (exact, no false
/// positives across bytes).
#[inline]
fn separator_mask(word: u64, sep: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ (u64::from(sep) * 0x0101_0101_0101_0101);
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Bounds of part `n` (1-based) of a value split on `sep` (part 1 starts at 0).
fn nth_part(bytes: &[u8], sep: u8, n: usize) -> Option<(usize, usize)> {
    if n == 0 {
        return None;
    }
    let mut seen = 1usize;
    let mut start = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        if b == sep {
            if seen == n {
                return Some((start, i));
            }
            seen += 1;
            start = i + 1;
        }
    }
    (seen == n).then_some((start, bytes.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The id read through the separator index is the id found by scanning.
    #[test]
    fn seg_id_agrees_with_and_without_the_index() {
        let d = Delimiters::USUAL;
        for text in [
            &b""[..],
            b"*",
            b"N*",
            b"NM1",
            b"NM1*85",
            b"HI*A",
            b"ABCD*1",
            b"AB",
            b"A**",
        ] {
            let (a, b) = (
                Segment::new(text, 0, d, 1),
                Segment::unindexed(text, 0, d, 1),
            );
            assert_eq!(a.seg_id().as_bytes(), b.seg_id().as_bytes(), "{text:?}");
        }
    }

    /// The separator index holds the offsets a byte scan finds, or is unknown past 14
    /// separators or 255 bytes; every length across the word boundaries, separators at the
    /// edges of words.
    #[test]
    fn separator_index_agrees_with_a_byte_scan() {
        let mut cases: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"*".to_vec(),
            vec![b'A'; 255],
            vec![b'A'; 256],
        ];
        for len in 1..40usize {
            for step in [1usize, 2, 3, 7, 8, 9] {
                cases.push(
                    (0..len)
                        .map(|i| if i % step == 0 { b'*' } else { b'A' })
                        .collect(),
                );
            }
        }
        for v in cases {
            let seps = Seps::of(&v, b'*');
            let want: Vec<usize> = (0..v.len()).filter(|&i| v[i] == b'*').collect();
            if v.len() > 255 || want.len() > Seps::MAX {
                assert_eq!(seps.known(), None, "{v:?}");
                continue;
            }
            let got: Vec<usize> = seps.at[..seps.known().expect("known")]
                .iter()
                .map(|&a| usize::from(a))
                .collect();
            assert_eq!(got, want, "{v:?}");
        }
    }

    /// The word-at-a-time search finds what a byte scan finds: every length up to five
    /// words, hits anywhere, separators of 0x00 and 0xff, one to three of them.
    #[test]
    fn matches_agree_with_a_byte_scan() {
        for len in 0..40usize {
            for at in 0..len.max(1) {
                for sep in [b'*', 0x00, 0xff] {
                    let mut v: Vec<u8> = (0..len).map(|i| b'A' + (i % 26) as u8).collect();
                    if let Some(b) = v.get_mut(at) {
                        *b = sep;
                    }
                    if let Some(b) = v.get_mut(len.saturating_sub(1 + at / 2)) {
                        *b = b':';
                    }
                    let scan = |seps: &[u8]| -> Vec<usize> {
                        (0..v.len()).filter(|&i| seps.contains(&v[i])).collect()
                    };
                    assert_eq!(
                        Matches::new(&v, [sep]).collect::<Vec<_>>(),
                        scan(&[sep]),
                        "{v:?}"
                    );
                    assert_eq!(
                        Matches::new(&v, [sep, b':']).collect::<Vec<_>>(),
                        scan(&[sep, b':']),
                        "{v:?}"
                    );
                    assert_eq!(
                        Matches::new(&v, [sep, b':', b'^']).collect::<Vec<_>>(),
                        scan(&[sep, b':', b'^']),
                        "{v:?}"
                    );
                }
            }
        }
    }

    fn seg(bytes: &[u8]) -> Segment<'_> {
        let delims = Delimiters::USUAL;
        Segment::new(bytes, 100, delims, 7)
    }

    /// `read_as` with the delimiters of `seg`.
    fn read(bytes: &[u8]) -> u8 {
        read_as(bytes, seg(b"").delims)
    }

    /// The index fits in what alignment would leave unused: a transaction set holds all its
    /// segments at once, so their size is its memory.
    /// The three-byte test for a lower-case letter agrees with `is_ascii_lowercase` on every
    /// byte in every place, and ids fold only when they spell an id of the 837.
    #[test]
    fn lower_case_ids_are_found() {
        for b in 0..=255u8 {
            for at in 0..3 {
                let mut head = *b"NM1*X";
                head[at] = b;
                let lower = read(&head) != 0;
                let want = b.is_ascii_lowercase() && {
                    let mut up = head;
                    up[at] = b.to_ascii_uppercase();
                    &up[..3] == b"NM1"
                };
                assert_eq!(lower, want, "{b:#x} at {at}");
            }
        }
        assert_eq!(read(b"hl*1"), read(b"Hl*1"));
        assert_ne!(read(b"hl"), 0);
        assert_eq!(read(b"nm2*1"), 0);
        assert_eq!(read(b"isa*00"), 0);
    }

    /// An id of the 837 followed by the component separator where the element separator
    /// belongs is read as that id, its elements counted from that separator, whether the
    /// segment is indexed or scanned, short or long, in upper or lower case; an id that is not
    /// one of the 837 (`XY:`, `ISA:`), a component separator later in the id (`NM1A:`) or in
    /// the first element (`HI*:`) is read as written.
    #[test]
    fn an_id_followed_by_the_component_separator_is_read_as_that_id() {
        let long = format!("NTE:ADD*{}", "X".repeat(300));
        let many = format!("HI:BF:4019{}", "*BF:4019".repeat(13));
        let cases: [(&str, &str, &[&str]); 7] = [
            ("HI:BF:4019*BF:79431", "HI", &["BF:4019", "BF:79431"]),
            ("HI:BG:09", "HI", &["BG:09"]),
            ("REF:EA*X", "REF", &["EA", "X"]),
            ("hi:BF:4019", "HI", &["BF:4019"]),
            ("SE:25*0001", "SE", &["25", "0001"]),
            ("NTE:", "NTE", &[""]),
            ("HL::1", "HL", &[":1"]),
        ];
        let delims = seg(b"").delims;
        let mut texts: Vec<(String, &str)> = cases
            .iter()
            .map(|(t, id, _)| ((*t).to_string(), *id))
            .collect();
        texts.push((long.clone(), "NTE"));
        texts.push((many.clone(), "HI"));
        for (text, id) in &texts {
            for s in [
                Segment::new(text.as_bytes(), 3, delims, 1),
                Segment::unindexed(text.as_bytes(), 3, delims, 1),
            ] {
                assert_eq!(s.id(), id.as_bytes(), "{text}");
                assert!(s.is(id.as_bytes()), "{text}");
                assert_eq!(s.seg_id().as_bytes(), id.as_bytes(), "{text}");
                assert_eq!(s.slipped_separator(), Some(id.len()), "{text}");
                let want: Vec<&[u8]> = text.as_bytes()[id.len() + 1..]
                    .split(|&b| b == b'*')
                    .collect();
                assert_eq!(s.element_count(), want.len(), "{text}");
                let got: Vec<&[u8]> = (1..=want.len()).map(|n| s.value(n)).collect();
                assert_eq!(got, want, "{text}");
                let it: Vec<&[u8]> = s.elements().map(|e| e.bytes).collect();
                assert_eq!(it, want, "{text}");
                assert_eq!(s.element_raw(1).map(|e| e.offset), Some(3 + id.len() + 1));
                assert!(s.element_raw(want.len() + 1).is_none(), "{text}");
            }
        }
        for (text, _, values) in cases {
            let s = seg(text.as_bytes());
            let got: Vec<&[u8]> = s.elements().map(|e| e.bytes).collect();
            let want: Vec<&[u8]> = values.iter().map(|v| v.as_bytes()).collect();
            assert_eq!(got, want, "{text}");
        }
        assert_eq!(seg(b"hi:BF:4019").id_as_written(), Some(&b"hi"[..]));
        assert_eq!(seg(b"HI:BF:4019").id_as_written(), None);
        for text in [
            "XY:A*B",
            "ISA:00",
            "NM1A:B",
            "HI*:A",
            "N:3",
            "HI*BF:4019",
            "H:I",
            "SV1*HC:1",
        ] {
            let s = seg(text.as_bytes());
            assert_eq!(s.slipped_separator(), None, "{text}");
            assert_eq!(read(text.as_bytes()), 0, "{text}");
        }
        // A component separator that is a digit, and an id that ends with it (`SV1`).
        let one = Delimiters {
            component: b'1',
            ..delims
        };
        assert_eq!(read_as(b"SV1*HC", one), 0);
        assert_eq!(read_as(b"HI1BF", one) & SLIPPED, SLIPPED);
        // Whatever byte the component separator is (but one of the id's own letters), the
        // four-byte test finds it third and fourth, and an id of the 837 read as written is
        // read so.
        for c in (0..=255u8).filter(|c| !b"*HIREF".contains(c)) {
            let d = Delimiters {
                component: c,
                ..delims
            };
            assert_eq!(
                read_as(&[b'H', b'I', c, b'A', b'*', b'B'], d) & SLIPPED,
                SLIPPED
            );
            assert_eq!(read_as(&[b'H', b'I', c], d) & SLIPPED, SLIPPED);
            assert_eq!(read_as(&[b'R', b'E', b'F', c, b'A'], d) & SLIPPED, SLIPPED);
            assert_eq!(read_as(&[b'R', b'E', b'F', b'*', c], d), 0);
            assert_eq!(read_as(&[b'N', b'M', b'1', b'*', b'8', c], d), 0);
        }
    }

    #[test]
    fn a_segment_is_48_bytes() {
        assert_eq!(std::mem::size_of::<Segment<'_>>(), 48);
    }

    /// An indexed segment (`Segment::new`) reads every element, the id and the count as a
    /// scanned one (`Segment::unindexed`) does: short, empty, many-element and long segments,
    /// and a fixed-width ISA.
    #[test]
    fn indexed_reads_agree_with_scanning() {
        let many = format!("REF{}", "*A".repeat(20));
        let long = format!("NTE*ADD*{}", "X".repeat(300));
        let isa = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260101*1200*^*00501*000000001*0*T*:";
        let texts = [
            "SV1*HC:J0897:JZ*1200*UN*60***1",
            "SE",
            "NM1*",
            "*",
            "**",
            "",
            "CLM*A*B*C*D*E*F*G*H*I*J*K*L*M*N*O",
            "CLM*A*B*C*D*E*F*G*H*I*J*K*L*M*N*O*P",
            many.as_str(),
            long.as_str(),
            isa,
        ];
        let delims = seg(b"").delims;
        for text in texts {
            let a = Segment::new(text.as_bytes(), 3, delims, 1);
            let b = Segment::unindexed(text.as_bytes(), 3, delims, 1);
            assert_eq!(a.id(), b.id(), "{text}");
            assert_eq!(a.element_count(), b.element_count(), "{text}");
            for n in 0..=b.element_count() + 2 {
                assert_eq!(a.value(n), b.value(n), "{text} {n}");
                assert_eq!(
                    a.element_raw(n).map(|e| (e.bytes, e.offset)),
                    b.element_raw(n).map(|e| (e.bytes, e.offset)),
                    "{text} {n}"
                );
            }
        }
    }

    #[test]
    fn elements_and_components() {
        let s = seg(b"SV1*HC:J0897:JZ*1200*UN*60***1");
        assert_eq!(s.id(), b"SV1");
        assert_eq!(s.element_count(), 7);
        let sv101 = s.element(1).unwrap();
        assert_eq!(sv101.offset, 104);
        assert_eq!(sv101.component(2).unwrap().bytes, b"J0897");
        assert_eq!(sv101.component(2).unwrap().offset, 107);
        assert_eq!(sv101.component(3).unwrap().ref_des(), "SV101-3");
        assert!(sv101.component(4).is_none());
        assert!(s.element(5).is_none());
        assert_eq!(s.element_raw(5).unwrap().bytes, b"");
        assert_eq!(s.element(7).unwrap().bytes, b"1");
        assert!(s.element(8).is_none());
        assert_eq!(s.value(4), b"60");
    }

    #[test]
    fn repetitions_split_on_isa11() {
        let s = seg(b"HI*ABK:M810^ABF:E119");
        let reps: Vec<_> = s
            .element(1)
            .unwrap()
            .repetitions()
            .map(|e| e.bytes)
            .collect();
        assert_eq!(reps, vec![&b"ABK:M810"[..], &b"ABF:E119"[..]]);
    }

    #[test]
    fn elements_iterator_matches_indexing() {
        for text in [
            &b"SV1*HC:J0897:JZ*1200*UN*60***1"[..],
            b"SE",
            b"NM1*",
            b"A**",
            b"HL*1**20*1",
        ] {
            let s = seg(text);
            let it: Vec<_> = s.elements().map(|e| (e.index, e.bytes, e.offset)).collect();
            let ix: Vec<_> = (1..=s.element_count())
                .map(|n| s.element_raw(n).unwrap())
                .map(|e| (e.index, e.bytes, e.offset))
                .collect();
            assert_eq!(it, ix, "{}", String::from_utf8_lossy(text));
        }
        let e = seg(b"X*A:B::D").element(1).unwrap();
        assert_eq!(e.component_count(), 4);
        assert_eq!(e.component_raw(3).unwrap().bytes, b"");
        assert_eq!(e.component(4).unwrap().bytes, b"D");
        assert!(e.component_raw(5).is_none());
    }

    #[test]
    fn segment_without_elements() {
        let s = seg(b"SE");
        assert_eq!(s.id(), b"SE");
        assert_eq!(s.element_count(), 0);
        assert!(s.element_raw(1).is_none());
        assert!(s.element_raw(0).is_none());
    }
}

#[cfg(test)]
mod nth_field_tests {
    /// The word-at-a-time scan agrees with a byte-at-a-time one on every field of segments
    /// of every length around the word size, separators anywhere (including 0x80 and 0xff
    /// neighbours, which a loose zero-byte test would confuse).
    #[test]
    fn agrees_with_a_plain_scan() {
        fn plain(bytes: &[u8], sep: u8, n: usize) -> Option<(usize, usize)> {
            let mut bounds = vec![0];
            bounds.extend(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == sep)
                    .map(|(i, _)| i + 1),
            );
            let starts = &bounds[1..];
            let start = *starts.get(n.checked_sub(1)?)?;
            let end = starts.get(n).map_or(bytes.len(), |e| e - 1);
            Some((start, end))
        }
        let alphabet = [b'*', b'A', 0x80, 0xff, 0x2a ^ 0x80, b'~', 0];
        let mut state = 12345u32;
        for len in 0..40 {
            for _ in 0..50 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                        alphabet[(state >> 16) as usize % alphabet.len()]
                    })
                    .collect();
                for n in 0..len + 3 {
                    assert_eq!(
                        super::nth_field(&bytes, b'*', n),
                        plain(&bytes, b'*', n),
                        "{bytes:?} {n}"
                    );
                }
            }
        }
    }
}
