//! The envelope scan: one pass over a file that finds interchanges (ISA/IEA), functional groups
//! (GS/GE) and transaction sets (ST/SE). What the scan alone can see wrong comes out as typed
//! `ScanIssue`s: no rule codes, severities or message text here; the rule files under
//! `rules::envelope` (and SYN001, STR003) turn each kind into a diagnostic. Each transaction set
//! becomes a byte range that is lexed again, on its own and possibly on another thread, when it
//! is checked. The scan keeps no per-segment state.

use super::delims::{IsaHeader, IsaProblem, show_byte};
use super::lexer::{Lexer, RawSegment};
use super::{Delimiters, Loc, SegId, Segment};
use std::collections::HashMap;

/// One transaction set: ST..SE as a byte range plus what the envelope rules need.
#[derive(Clone, Debug)]
pub struct TxFrame<'a> {
    pub st: Segment<'a>,
    pub se: Option<Segment<'a>>,
    /// From the ST to just past the SE terminator (or to where the set was cut off).
    pub start: usize,
    pub end: usize,
    /// Segments from ST to SE inclusive (to the cut when SE is missing).
    pub segment_count: u32,
    pub delims: Delimiters,
    /// ST02 as meant ([`TxFrame::meant_st02`]) copied out at scan time, with its location, for
    /// the duplicate check that runs after the transaction set's bytes may have been released.
    pub st02: Box<[u8]>,
    pub st02_loc: Loc,
    /// Where a GS written right after this set's ST stands (ST and GS swapped): the group's
    /// header, written one segment late, not a segment of the set.
    pub late_gs: Option<usize>,
    /// The same ST was written right before this set's (`IssueKind::BareSt`, `again`): an
    /// SE01 that counts it too is that slip, not a second finding.
    pub st_doubled: bool,
    /// A BHT written right before this set's ST, outside it (ST and BHT swapped): the set's
    /// header segment, one segment early. Its finding (`IssueKind::OutsideTransaction`,
    /// `before_st`) is the one for the swap: the set's "BHT missing" follows from it and names
    /// its place (`Diagnostic::site`), and SE01 is checked counting it as the set's.
    pub early_bht: Option<Loc>,
    /// Segments written outside any transaction set right before this set's ST (after the GS
    /// or the SE of the set before), and right after its SE (before the next ST, GS, GE or
    /// IEA): each may be a segment of this set written outside it. Each is also reported as
    /// outside any set (`IssueKind::OutsideTransaction`); the set's check judges whether it
    /// fits the set (`rules::structure::outside`).
    pub strays_before: Vec<Loc>,
    pub strays_after: Vec<Loc>,
}

impl<'a> TxFrame<'a> {
    /// Whether the set's check reads segments written outside it: a BHT written before its
    /// ST, or segments right before its ST or after its SE. Its findings are then not those of
    /// its bytes alone.
    pub fn reads_outside(&self) -> bool {
        self.early_bht.is_some() || !self.strays_before.is_empty() || !self.strays_after.is_empty()
    }

    /// ST02 as meant: with a separator slip of the ST undone (`ST*837**0001*005010X222A1` is
    /// set 0001, `crate::slip::Read::st`), as every finding and the 999 name the set.
    pub fn meant_st02(&self) -> &'a [u8] {
        crate::slip::Read::st(&self.st).value(2)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Group<'a> {
    /// `None` for transaction sets found without a GS before them.
    pub gs: Option<Segment<'a>>,
    pub ge: Option<Segment<'a>>,
    /// Every transaction set of the group, from [`scan`]. Empty from [`scan_streaming`], which
    /// hands each set to its sink and keeps none: a file of a million sets would hold them
    /// all until its end. `count` and `repeated_st02` are there either way.
    pub transactions: Vec<TxFrame<'a>>,
    /// How many transaction sets the group has (what GE01 counts).
    pub count: usize,
    /// How many of them are claims (ST01 `837`): kept by both scans, for the rules that judge
    /// an interchange by whether it holds any.
    pub claims: usize,
    /// Sets of the group whose ST is missing (`IssueKind::StMissing`): not read, not in
    /// `count`, but counted by the sender in GE01.
    pub headless: usize,
    /// Sets of the group that are an ST alone, another ST right after it
    /// (`IssueKind::BareSt`): in `count`, as a receiver reads (and rejects) them, but not
    /// counted in GE01 by a sender who wrote the ST twice.
    pub bare: usize,
    /// Each transaction set whose ST02 an earlier set of the group already used, in input
    /// order: what ENV006 needs of the sets once they are gone. `earlier` is the byte where
    /// the set that used it before starts.
    pub repeated_st02: Vec<Repeat>,
}

/// A control number that repeats one used earlier in its scope (ISA13 from one sender in the
/// file, GS06 in an interchange, ST02 in a group), found as the scan passes: what ENV006
/// reports, without reading the envelopes again once their bytes may have been released.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repeat {
    /// The control number, copied.
    pub value: Box<[u8]>,
    /// Where it is written the second (or later) time.
    pub loc: Loc,
    /// Where the use before it is (the last of several): a segment position (ISA, GS) or a
    /// byte offset (ST).
    pub earlier: usize,
    /// The sender (ISA06, as written) for an ISA13; empty for the others.
    pub sender: Box<[u8]>,
}

impl Repeat {
    /// `value` written again at `loc`, after its use at `earlier`; no sender.
    fn new(value: &[u8], loc: Loc, earlier: usize) -> Repeat {
        Repeat {
            value: value.into(),
            loc,
            earlier,
            sender: Box::default(),
        }
    }
}

impl<'a> Group<'a> {
    fn new(gs: Option<Segment<'a>>) -> Self {
        Group {
            gs,
            ..Group::default()
        }
    }
}

/// A control number as the scan remembers it for the rest of its scope: written in place when
/// it is short (every ST02 X12 allows, 4 to 9 characters), so a group of a million sets
/// costs no allocation per set.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    /// The bytes, then the length in the last byte.
    Short([u8; 16]),
    Long(Box<[u8]>),
}

impl Key {
    fn new(value: &[u8]) -> Self {
        match value.len() {
            n @ 0..=15 => {
                let mut key = [0; 16];
                key[..n].copy_from_slice(value);
                key[15] = n as u8;
                Key::Short(key)
            }
            _ => Key::Long(value.into()),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Interchange<'a> {
    pub isa: Segment<'a>,
    pub header: IsaHeader<'a>,
    pub iea: Option<Segment<'a>>,
    pub groups: Vec<Group<'a>>,
    /// The component separator the interchange's composites are written with, when it is not
    /// the ISA16 it declares (`ISA…*:~` with `CLM*…*23>B>1`): its segments are read with this
    /// one, and ENV007 reports the ISA16. With the composite that showed it (segment id and
    /// value), for the message.
    pub composites_use: Option<(u8, &'a [u8], &'a [u8])>,
    /// GS06s that repeat an earlier GS06 of the interchange (`earlier`: that GS's position).
    pub repeated_gs06: Vec<Repeat>,
}

impl Interchange<'_> {
    pub fn delims(&self) -> Delimiters {
        self.header.delims
    }
}

/// Why a file has no ISA at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoIsa {
    Empty,
    OnlyWhitespace,
    Binary,
    /// UTF-16 text (a byte order mark, or `ISA` in two-byte characters): X12 is single bytes.
    Utf16,
    Text,
    /// Text in which `ISA` occurs (at byte `at`) but is not followed by a readable ISA header
    /// (e.g. a document that quotes an ISA or names ISA elements).
    TextWithIsa {
        at: usize,
    },
}

/// What the envelope scan found wrong, as data. `'a` is the input: values are slices of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssueKind<'a> {
    /// No ISA anywhere in the input; `head` is how the input starts (after a BOM and
    /// whitespace; at most `HEAD_LEN` bytes), for the message to show what was found instead.
    NoIsa {
        why: NoIsa,
        head: &'a [u8],
    },
    /// The input starts at `id` (ST or GS) without an ISA: its transaction sets were read as a
    /// fragment with `delims` (RULES.md, after ENV011).
    Fragment {
        id: &'a [u8],
        delims: Delimiters,
    },
    /// The input starts with a GS and the ISA right after it, at `isa_at` (ISA and GS
    /// swapped): the interchange is read from the ISA, the GS heading its first group.
    GsBeforeIsa {
        isa_at: usize,
    },
    /// Bytes other than a BOM or whitespace before the first ISA.
    DataBeforeIsa {
        skipped: usize,
    },
    /// An ISA that ends before its 16 elements and terminator; `len` bytes of it were there.
    IsaCut {
        len: usize,
    },
    /// A fixed-width or delimiter problem of a parsed ISA.
    Isa(IsaProblem),
    /// The input ends inside segment `id` (at most 3 bytes of it), before its terminator.
    Unterminated {
        id: &'a [u8],
        terminator: u8,
    },
    /// The input ends with a complete IEA (IEA02 = ISA13) that lacks only its terminator.
    FinalTerminatorMissing {
        terminator: u8,
    },
    /// `ST*st02` has no SE: the set ends at segment `ended_by` at byte `at` (an `ISA`: the
    /// next interchange's), or (`None`) at the end of the input.
    SeMissing {
        st02: &'a [u8],
        ended_by: Option<(&'a [u8], usize)>,
        /// The set's SE (its bytes), written right after the GE that ended the set: SE and
        /// GE swapped, one finding in place of this one and "SE without ST".
        late_se: Option<&'a [u8]>,
        /// The GS06 of the group the same cut left without its GE (the set ended at the next
        /// GS, or at the IEA, with its group open), and the position in the set of its last
        /// CLM or HL, where the claim the cut left incomplete starts. One finding for the set
        /// and its group (the 999 codes the group's GE missing from it), not also "GS has no
        /// GE"; like a file cut short, it covers that claim.
        group_cut: Option<(&'a [u8], u32)>,
        /// Nothing was written in the set but its ST: an ST left empty, whose SE is missing
        /// with everything else, one finding (not also each loop its header lacks).
        bare: bool,
    },
    GeWithoutGs,
    SeWithoutSt,
    /// An ST inside an interchange with no GS before it.
    StWithoutGs,
    /// An ST written right before the GS at byte `gs_at` that opens its group (the two
    /// swapped): one finding, and the set is read as the group's.
    StBeforeGs {
        gs_at: usize,
    },
    /// `ST*st02` with nothing after it but another ST, at byte `next_at`: the ST written
    /// twice (`again`: the same bytes) or a set left empty. One finding. The bare ST is still
    /// a set to a receiver (which rejects it: no SE), but GE01 may leave it out
    /// (`Group::bare`) and its ST02 is not taken from the set after it.
    BareSt {
        st02: &'a [u8],
        again: bool,
        next_at: usize,
    },
    /// A GS written twice: the same bytes again at byte `next_at`, before any set of its
    /// group. One finding; the group is read once, under the first GS (not a group with no
    /// GE, a second GS06 and an IEA01 one short).
    GsTwice {
        next_at: usize,
    },
    /// `len` bytes after an IEA that are not another interchange. `lower_isa`: they start
    /// with `isa` and a separator, an interchange header written in lower case, which is not
    /// read as one.
    DataAfterIea {
        len: usize,
        lower_isa: bool,
    },
    /// An ISA (ISA13 `isa13`) with no IEA: another ISA starts first, or the input ends.
    IeaMissing {
        isa13: &'a [u8],
        another_isa: bool,
    },
    /// `GS*…*gs06` with no GE before byte `before`.
    GeMissing {
        gs06: &'a [u8],
        before: usize,
        /// The group's GE (its bytes), written right after the IEA that ended the group: GE
        /// and IEA swapped, one finding in place of this one and "data after IEA".
        late_ge: Option<&'a [u8]>,
    },
    /// The input ends with envelopes open and no IEA: a file cut short. One finding for the
    /// whole cut (ENV004/ENV011 in RULES.md), not one per missing trailer: `cut` is the id (at
    /// most 3 bytes) of the segment the input ends inside, if it does (that partial segment
    /// is not read as part of its set); `st02`, `gs06` and `isa13` name the set, group and
    /// interchange left open, `st_at` is where that set's ST starts; `from` is the position in that set of its last CLM or HL, where
    /// the claim (or HL block) the cut left incomplete starts.
    Truncated {
        /// Where the interchange ends: the length of the input, or where `next_isa` starts.
        end: usize,
        /// The interchange was cut off by the next one: its ISA starts at `end`, with
        /// the set, group and interchange before it left open (one cut, as at the end of the
        /// input). `false`: the input ends.
        next_isa: bool,
        cut: Option<&'a [u8]>,
        terminator: u8,
        st02: Option<&'a [u8]>,
        st_at: Option<usize>,
        gs06: Option<&'a [u8]>,
        isa13: Option<&'a [u8]>,
        from: Option<u32>,
    },
    /// A segment between envelope segments, outside any transaction set.
    OutsideTransaction {
        id: &'a [u8],
        /// A BHT right before an ST: where that ST starts (`TxFrame::early_bht`), and its
        /// ST02 as meant.
        before_st: Option<(usize, &'a [u8])>,
    },
    /// An SE closing `count` segments that no ST opened, the first of them `first` (where the
    /// finding is): the set's ST is missing. One finding for the set, in place of one for each
    /// of its segments and one for its SE; the set counts as one of its group's for GE01.
    /// `se` is the SE, `version` the group's GS08.
    StMissing {
        first: &'a [u8],
        count: u32,
        se: &'a [u8],
        /// SE02, the control number the missing ST02 would repeat.
        se02: &'a [u8],
        /// The interchange's element separator, for the ST to write.
        element: u8,
        version: Option<&'a [u8]>,
    },
    /// A GS, GE or IEA read as the segment `id` it was meant to be: its id is written in
    /// lower or mixed case (`ge`), or followed by the component separator in place of the
    /// element separator (`GE:1*1`, `slipped`). `written` is the id as written, `segment` the
    /// whole segment, `element` the element separator. (ST and SE are reported with their
    /// transaction set.)
    MisreadId {
        written: &'a [u8],
        id: &'a [u8],
        segment: &'a [u8],
        slipped: bool,
        element: u8,
    },
    /// `count` empty segments (doubled terminators) after the segment at position `after`.
    EmptySegments {
        count: u32,
        after: u32,
    },
    /// A GS, GE or IEA with a value in element `elem`, past the `defined` elements X12 gives
    /// it (`GE*1*1*X`): the scan reads these segments, no guide does.
    TooManyElements {
        id: &'a [u8],
        elem: usize,
        value: &'a [u8],
        defined: usize,
    },
}

/// One finding of the scan: what and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanIssue<'a> {
    pub kind: IssueKind<'a>,
    pub loc: Loc,
}

#[derive(Debug, Default)]
pub struct Scan<'a> {
    pub interchanges: Vec<Interchange<'a>>,
    /// Transaction sets read from a fragment: an input that starts at ST or GS, with no ISA.
    pub fragments: Vec<Group<'a>>,
    pub issues: Vec<ScanIssue<'a>>,
    /// Every segment seen, envelopes included.
    pub segments: u64,
    /// ISA13s that repeat one an earlier interchange from the same sender (ISA06) used
    /// (`earlier`: that ISA's position in the file).
    pub repeated_isa13: Vec<Repeat>,
}

impl<'a> Scan<'a> {
    /// Every transaction set with its interchange and group; none from [`scan_streaming`].
    pub fn transactions(
        &self,
    ) -> impl Iterator<Item = (&Interchange<'a>, &Group<'a>, &TxFrame<'a>)> {
        self.interchanges.iter().flat_map(|i| {
            i.groups
                .iter()
                .flat_map(move |g| g.transactions.iter().map(move |t| (i, g, t)))
        })
    }

    /// Every group, those of a fragment included.
    pub fn groups(&self) -> impl Iterator<Item = &Group<'a>> {
        self.interchanges
            .iter()
            .flat_map(|i| i.groups.iter())
            .chain(self.fragments.iter())
    }

    /// Transaction sets in interchanges and in a fragment.
    pub fn transaction_count(&self) -> usize {
        self.groups().map(|g| g.count).sum()
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn span_loc(id: &[u8], position: u32, offset: usize, length: usize) -> Loc {
    Loc {
        segment: SegId::new(id),
        position,
        element: None,
        component: None,
        offset,
        length,
        terminator: b'~',
    }
}

/// Whether the transaction set whose segments start at `from` (after its ST) has a BHT of
/// its own, anywhere up to its SE (or the next envelope segment): written in its place, out
/// of order, or with its id run into BHT01 (`BHT0019*…`). A BHT right before that ST is then
/// a copy outside the set, not the set's BHT written early.
fn has_own_bht(input: &[u8], from: usize, delims: Delimiters) -> bool {
    const ENDS: [&[u8]; 6] = [b"SE", b"ST", b"GE", b"GS", b"IEA", b"ISA"];
    Lexer::new(input, from, delims)
        .map(|n| Segment::new(n.bytes, n.offset, delims, 0))
        .take_while(|seg| !ENDS.contains(&seg.id()))
        .any(|seg| seg.id().starts_with(b"BHT"))
}

/// Whether an ISA header that can be read (16 elements, usable delimiters) starts at `at`.
fn readable_isa(input: &[u8], at: usize) -> bool {
    input
        .get(at..)
        .and_then(IsaHeader::parse)
        .is_some_and(|h| h.delimiter_problem().is_none())
}

/// The component separator an interchange's composites are evidently written with, when it is
/// not the declared one: decided by the first composite that can tell — CLM05 (facility code,
/// qualifier, frequency: `11:B:1`), SV101/SV202 or HI01 (a qualifier then a code: `HC:99213`,
/// `ABK:M810`). `None` when that composite uses the declared separator, or cannot tell, or a
/// later one (in the first 4,000 segments) uses the declared separator: then the one written
/// otherwise is its own segment's defect (`CLM*…*11>B>1` among `SV1*HC:96372`s).
pub fn composite_separator_used(body: &[u8], d: Delimiters) -> Option<(u8, &[u8], &[u8])> {
    let candidate = |b: u8| {
        !b.is_ascii_alphanumeric()
            && !b.is_ascii_whitespace()
            && b != d.element
            && b != d.segment
            && Some(b) != d.repetition
    };
    // Looks at the first 4,000 segments at most: a decision comes with the first claim.
    let mut composites = body
        .split(|&b| b == d.segment)
        .take(4000)
        .map_while(|seg| {
            let seg = seg.trim_ascii_start();
            let mut elements = seg.split(|&b| b == d.element);
            let id = elements.next().unwrap_or_default();
            let (index, qualified) = match id {
                b"CLM" => (5, false),
                b"SV1" | b"HI" => (1, true),
                b"SV2" => (2, true),
                b"IEA" => return None,
                _ => return Some(None),
            };
            Some(Some((id, elements.nth(index - 1), qualified)))
        })
        .flatten();
    // The first composite decides (`None` if it cannot tell)...
    let (id, value, qualified) = composites.next()?;
    let value = value?;
    if value.contains(&d.component) {
        return None;
    }
    let sep = value.iter().copied().find(|&b| candidate(b))?;
    let parts: Vec<&[u8]> = value.split(|&b| b == sep).collect();
    let alpha = |p: &[u8], n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.iter().all(u8::is_ascii_uppercase)
    };
    let digits = |p: &[u8], n: usize| p.len() == n && p.iter().all(u8::is_ascii_digit);
    let fits = match (qualified, parts.as_slice()) {
        (false, [pos, q, f]) => digits(pos, 2) && alpha(q, 1..=1) && digits(f, 1),
        (true, [q, code, ..]) => {
            alpha(q, 2..=3) && !code.is_empty() && code.iter().all(u8::is_ascii_alphanumeric)
        }
        _ => false,
    };
    // ... the file's own way only if no later composite is written with ISA16's: one
    // composite with another separator (`11>B>1` among `HC:96372`s) is that segment's
    // defect, not the interchange's.
    let isa16_later = composites.any(|(_, v, _)| v.is_some_and(|v| v.contains(&d.component)));
    (fits && !isa16_later).then_some((sep, id, value))
}

/// Finds the next `ISA` that is followed by a plausible element separator.
fn find_isa(input: &[u8], from: usize) -> Option<usize> {
    let hay = input.get(from..)?;
    memchr::memmem::find_iter(hay, b"ISA")
        .map(|i| from + i)
        .find(|&i| {
            input
                .get(i + 3)
                .is_some_and(|&b| !b.is_ascii_alphanumeric() && !b.is_ascii_whitespace())
        })
}

/// How many bytes of a non-X12 input `IssueKind::NoIsa` keeps to show.
pub const HEAD_LEN: usize = 48;

/// Binary, not text: a NUL, many control characters, or (in text that is not UTF-8) many
/// bytes above 0x7F, in the first 4 KiB. A README with `→` or `≤` is UTF-8 text; a
/// Windows-1252 CSV with a few accented names is text too.
fn looks_binary(input: &[u8]) -> bool {
    let head = &input[..input.len().min(4096)];
    if head.contains(&0) {
        return true;
    }
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        // A UTF-8 character cut by the 4 KiB limit does not count.
        Err(e) => e.error_len().is_none() && head.len() == 4096,
    };
    let count = |f: fn(u8) -> bool| head.iter().filter(|&&b| f(b)).count();
    let control = count(|b| b < 0x20 && !b"\t\n\r\x0c".contains(&b));
    let high = count(|b| b >= 0x80);
    control * 10 > head.len() || (!utf8 && high * 10 > head.len())
}

/// UTF-16 text (as Windows PowerShell's `>` writes it): a UTF-16 byte order mark, or `ISA`
/// with a NUL after or before each letter.
fn looks_utf16(input: &[u8]) -> bool {
    [&b"\xff\xfe"[..], b"\xfe\xff", b"I\0S\0A\0", b"\0I\0S\0A"]
        .iter()
        .any(|p| input.starts_with(p))
}

fn skip_layout(input: &[u8], pos: usize) -> usize {
    skip_while(input, pos, |b| b.is_ascii_whitespace())
}

/// Past what may follow an IEA without being data: layout, NUL padding to a block size and
/// DOS end-of-file bytes (`lexer::is_end_filler`), between interchanges or after the last.
fn skip_filler(input: &[u8], pos: usize) -> usize {
    skip_while(input, pos, crate::lexer::is_end_filler)
}

fn skip_while(input: &[u8], pos: usize, skip: impl Fn(u8) -> bool) -> usize {
    pos + input
        .get(pos..)
        .map_or(0, |rest| rest.iter().take_while(|&&b| skip(b)).count())
}

/// The delimiters of a fragment that starts with `ST` or `GS` (RULES.md: `*`, `:`, `^`, `~`,
/// or those the fragment evidently uses). The element separator is the byte after the id; the
/// terminator is the first byte after it that can be in neither an ST/GS value nor a separator
/// (`ST*837*0001*005010X222A1~`: `~`; a newline when segments end at line ends); the
/// component separator is the one its SV1/SV2, HI or CLM05 composites use, when the fragment
/// has one (`sniff_component`). `None` when `rest` does not start like a segment.
pub fn fragment_delims(rest: &[u8]) -> Option<Delimiters> {
    let id = rest.get(..2)?;
    // `st*837*…` too: an id in lower case is read as the id it spells.
    if !id.eq_ignore_ascii_case(b"ST") && !id.eq_ignore_ascii_case(b"GS") {
        return None;
    }
    let element = *rest.get(2)?;
    if element.is_ascii_alphanumeric() || element.is_ascii_whitespace() {
        return None;
    }
    // ST01 is a transaction set id (`837`), GS01 a functional id code (`HC`): text that
    // merely starts with `ST.` or `GS-` (`ST. LOUIS CLINIC`) is not a fragment.
    let first = &rest[3..];
    let end = first
        .iter()
        .position(|&b| b == element)
        .unwrap_or(first.len());
    let value = &first[..end];
    let plausible = if id.eq_ignore_ascii_case(b"ST") {
        value.len() == 3 && value.iter().all(u8::is_ascii_digit)
    } else {
        value.len() == 2 && value.iter().all(u8::is_ascii_uppercase)
    };
    if !plausible {
        return None;
    }
    let value_byte = |b: u8| b.is_ascii_alphanumeric() || b == b' ' || b == element;
    let head = &rest[3..];
    let segment = match head.iter().position(|&b| !value_byte(b)) {
        // `\r\n` line ends: the lexer drops the CR before a newline terminator.
        Some(i) if head[i] == b'\r' && head.get(i + 1) == Some(&b'\n') => b'\n',
        Some(i) => head[i],
        None => b'~',
    };
    let taken = |b: u8| b == element || b == segment || b.is_ascii_alphanumeric();
    let component = sniff_component(rest, element, segment)
        .filter(|&c| !taken(c) && !c.is_ascii_whitespace())
        .or_else(|| [b':', b'>', b'^', b'|'].into_iter().find(|&c| !taken(c)))?;
    let repetition = [b'^', b'{', b'|']
        .into_iter()
        .find(|&r| !taken(r) && r != component);
    Some(Delimiters {
        element,
        component,
        repetition,
        segment,
    })
}

/// The component separator a fragment evidently uses: the first byte that is not a letter or
/// digit in a composite that always has one after a short qualifier: SV101 (`HC>J0897`),
/// SV202 (`HC>J0897`), HI01 (`ABK>M810`) and CLM05 (`11>B>1`). Segments are found by the
/// terminator, so line breaks between them do not hide them. `None` when no such composite
/// shows a candidate (bytes common in values, `.`, `-`, space, are none).
fn sniff_component(rest: &[u8], element: u8, segment: u8) -> Option<u8> {
    const COMPOSITES: [(&[u8], usize); 4] = [(b"SV1", 1), (b"SV2", 2), (b"HI", 1), (b"CLM", 5)];
    rest.split(|&b| b == segment).find_map(|seg| {
        let start = seg.iter().position(|b| !b.is_ascii_whitespace())?;
        let mut elements = seg.get(start..)?.split(|&b| b == element);
        let id = elements.next()?;
        let &(_, n) = COMPOSITES.iter().find(|(c, _)| *c == id)?;
        let value = elements.nth(n - 1)?;
        let at = value.iter().position(|b| !b.is_ascii_alphanumeric())?;
        // A qualifier of 2 or 3 characters before it (HC, ABK, BK, 11).
        let sep = *value.get(at)?;
        ((2..=3).contains(&at) && !matches!(sep, b'.' | b'-' | b' ' | b'\r' | b'\n')).then_some(sep)
    })
}

/// Receives each transaction set as soon as its SE (or the point where it was cut off) has been
/// read, with the GS of its group and where its segments are (`None` for a set too large
/// for [`SegmentSpan`]s, or from [`scan`], to be lexed again with [`segments`]).
pub type TxSink<'s, 'a> =
    &'s mut dyn FnMut(Option<&Segment<'a>>, &TxFrame<'a>, Option<Vec<SegmentSpan>>);

/// Where one segment of a transaction set is, as the scan found it: its offset from the
/// set's start (`TxFrame::start`) and its length. The scan has already cut the set into
/// segments, so the set's own lexing ([`segments_at`]) need not search for terminators again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentSpan {
    pub at: u32,
    pub len: u32,
}

struct Scanner<'a, 's> {
    input: &'a [u8],
    out: Scan<'a>,
    sink: TxSink<'s, 'a>,
    /// 1-based index of the segment in the file, for envelope positions.
    file_index: u32,
    /// Whether the sink wants each set's [`SegmentSpan`]s.
    spans: bool,
    /// Whether each group keeps its sets' frames (`Group::transactions`).
    keep_sets: bool,
    /// ISA06 and ISA13 of each interchange so far, with the ISA's position.
    isa13_seen: HashMap<(Box<[u8]>, Key), usize>,
    /// How many spans the last set had: the next set's vector is sized for as many.
    span_hint: usize,
    /// A GS the input starts with, right before its first ISA (the two swapped): the header
    /// of that interchange's first group, one segment early (`IssueKind::GsBeforeIsa`).
    early_gs: Option<RawSegment<'a>>,
}

/// Scans a whole file. Never fails: every problem is an issue in the result.
pub fn scan(input: &[u8]) -> Scan<'_> {
    scanner(input, &mut |_, _, _| {}, (false, true))
}

/// [`scan`], telling `release` of the bytes the scan is past, every 16 MiB at a set's end: a
/// caller that reads the sets again later, one at a time, need not have a mapped gigabyte
/// resident for the scan's sake.
pub fn scan_releasing<'a>(input: &'a [u8], release: &dyn Fn(std::ops::Range<usize>)) -> Scan<'a> {
    // Every 16 MiB, from 16 MiB before the last release: a range released once kept pages
    // that reading on mapped again at its edges (12 % of a 1 GB input by the end).
    const STEP: usize = 16 << 20;
    let mut done = 0;
    let scan = scanner(
        input,
        &mut |_, tx, _| {
            if tx.end >= done + STEP {
                release(done.saturating_sub(STEP)..tx.end);
                done = tx.end;
            }
        },
        (false, true),
    );
    release(done.saturating_sub(STEP)..input.len());
    scan
}

/// Scans a whole file and hands each transaction set to `sink` as soon as it is complete, so a
/// caller can check and release the first megabytes of a gigabyte before the scan reaches the
/// end. The returned `Scan` lists every interchange and group, with the count of their sets
/// but not the sets themselves (`Group::transactions` is empty): memory does not grow with
/// the number of sets a file has.
pub fn scan_streaming<'a>(input: &'a [u8], sink: TxSink<'_, 'a>) -> Scan<'a> {
    scanner(input, sink, (true, false))
}

/// `spans`: the sink wants each set's spans; `keep_sets`: the groups keep their sets.
fn scanner<'a>(
    input: &'a [u8],
    sink: TxSink<'_, 'a>,
    (spans, keep_sets): (bool, bool),
) -> Scan<'a> {
    let mut s = Scanner {
        input,
        out: Scan::default(),
        sink,
        file_index: 0,
        spans,
        keep_sets,
        isa13_seen: HashMap::new(),
        span_hint: 0,
        early_gs: None,
    };
    s.run();
    s.out
}

/// The segments between an ISA and its IEA, or of a fragment, as the scan reads them.
struct Body<'a> {
    delims: Delimiters,
    groups: Vec<Group<'a>>,
    iea: Option<Segment<'a>>,
    open_tx: Option<TxFrame<'a>>,
    group_open: bool,
    /// Offset and length of a run of empty segments not yet reported.
    empty_run: Option<(usize, u32)>,
    /// ISA13, which a final IEA must repeat to count as complete; `None` in a fragment, where
    /// the missing ISA/GS/GE/IEA are one finding (the fragment's ENV001), not one each.
    isa13: Option<&'a [u8]>,
    /// The last IEA was cut inside its elements: its values are not compared (the cut is the
    /// finding) and the interchange is not reported again as lacking an IEA.
    iea_cut: bool,
    /// The id of a last segment (not an IEA) that runs into the end of the input.
    cut: Option<&'a [u8]>,
    /// Position in the open set of its last CLM or HL.
    last_block: Option<u32>,
    /// The input ended with envelopes open: what `IssueKind::Truncated` reports.
    truncated: Option<IssueKind<'a>>,
    /// The open group's missing GE is named by the finding of the set a GS or the IEA cut
    /// (`IssueKind::SeMissing::group_cut`): not reported again at that GS or IEA.
    group_cut: bool,
    /// The segments of the open transaction set, ST first, handed to the sink with it; `None`
    /// when the sink does not want them, or once one does not fit a [`SegmentSpan`] (a set
    /// of 4 GiB).
    spans: Option<Vec<SegmentSpan>>,
    /// The ST02s of the open group's sets, with where each set starts: ENV006's repeats are
    /// found as the sets pass.
    st02_seen: HashMap<Key, usize>,
    /// The GS06s of the interchange, with the position of their GS.
    gs06_seen: HashMap<Key, usize>,
    /// GS06s that repeat an earlier one of the interchange.
    repeated_gs06: Vec<Repeat>,
    /// Where the ST of the last set handed to the sink is.
    last_st: Option<Loc>,
    /// How many segments the last set read had, ST to its SE or its cut (`se_after_ge`).
    last_count: u32,
    /// The segments outside any transaction set since the last envelope segment, not yet
    /// reported: an SE after them makes them one set whose ST is missing.
    outside: Vec<(Loc, &'a [u8])>,
    /// The last set, closed by its SE, with its spans: handed to the sink at the next envelope
    /// segment (or the end of the body), with the segments outside any set written after it
    /// (`TxFrame::strays_after`).
    closed: Option<(TxFrame<'a>, Option<Vec<SegmentSpan>>)>,
}

impl<'a> Body<'a> {
    fn new(delims: Delimiters, isa13: Option<&'a [u8]>) -> Self {
        Body {
            delims,
            groups: Vec::new(),
            iea: None,
            open_tx: None,
            group_open: false,
            empty_run: None,
            isa13,
            iea_cut: false,
            cut: None,
            last_block: None,
            truncated: None,
            group_cut: false,
            spans: None,
            st02_seen: HashMap::new(),
            gs06_seen: HashMap::new(),
            repeated_gs06: Vec::new(),
            last_st: None,
            last_count: 0,
            outside: Vec::new(),
            closed: None,
        }
    }

    /// Notes a GS06 that an earlier GS of the interchange used.
    fn gs06(&mut self, gs: &Segment<'a>) {
        let gs06 = gs.value(6);
        let position = gs.position as usize;
        if let Some(earlier) = self.gs06_seen.insert(Key::new(gs06), position) {
            let loc = gs.element_loc(6);
            self.repeated_gs06.push(Repeat::new(gs06, loc, earlier));
        }
    }

    /// Opens a group (`gs` is `None` for sets found without a GS); ST02s are unique per group.
    fn open_group(&mut self, gs: Option<Segment<'a>>) {
        self.groups.push(Group::new(gs));
        self.st02_seen.clear();
        self.group_open = true;
    }

    fn is_fragment(&self) -> bool {
        self.isa13.is_none()
    }
}

/// What the scan does after one segment.
enum Flow {
    Continue,
    /// The body ends; the next interchange starts at this offset, if any.
    Stop(Option<usize>),
}

impl<'a> Scanner<'a, '_> {
    fn issue(&mut self, loc: Loc, kind: IssueKind<'a>) {
        self.out.issues.push(ScanIssue { kind, loc });
    }

    fn run(&mut self) {
        let Some(mut pos) = self.first_isa() else {
            return;
        };
        while let Some(next) = self.interchange(pos) {
            pos = next;
        }
    }

    /// Finds the first ISA, reporting what comes before it; reads a fragment instead when the
    /// input starts at ST or GS. `None` when there is no interchange to read.
    fn first_isa(&mut self) -> Option<usize> {
        let input = self.input;
        let mut pos = 0;
        if input.starts_with(UTF8_BOM) {
            pos = UTF8_BOM.len();
        }
        pos = skip_layout(input, pos);
        if pos >= input.len() {
            let why = if input.is_empty() {
                NoIsa::Empty
            } else {
                NoIsa::OnlyWhitespace
            };
            let head = &input[..0];
            self.issue(span_loc(b"ISA", 1, 0, 0), IssueKind::NoIsa { why, head });
            return None;
        }
        let rest = &input[pos..];
        // `ISA` and a separator starts an interchange; `ISA is the header` starts text.
        if find_isa(input, pos) == Some(pos) {
            return Some(pos);
        }
        if let Some(delims) = fragment_delims(rest) {
            if let Some(isa) = self.gs_before_isa(pos, delims) {
                return Some(isa);
            }
            return self.fragment(pos, delims);
        }
        // After data that is not X12, only a readable ISA starts an interchange: a document
        // that quotes `ISA*…` or names ISA11 is text, one ENV001, not an interchange whose
        // every element is then wrong.
        let first = find_isa(input, pos);
        let mut candidate = first;
        while let Some(at) = candidate.filter(|&at| !readable_isa(input, at)) {
            candidate = find_isa(input, at + 3);
        }
        match candidate {
            Some(isa) => {
                let skipped = isa - pos;
                let loc = span_loc(b"", 0, pos, skipped);
                self.issue(loc, IssueKind::DataBeforeIsa { skipped });
                Some(isa)
            }
            None => {
                let why = match first {
                    _ if looks_utf16(input) => NoIsa::Utf16,
                    _ if looks_binary(input) => NoIsa::Binary,
                    Some(at) => NoIsa::TextWithIsa { at },
                    None => NoIsa::Text,
                };
                let loc = span_loc(b"", 1, pos, input.len().saturating_sub(pos).min(3));
                let head = &input[pos..input.len().min(pos + HEAD_LEN)];
                self.issue(loc, IssueKind::NoIsa { why, head });
                None
            }
        }
    }

    /// An input that starts with a GS followed right away by a readable ISA: the two swapped.
    /// One issue at the GS (`IssueKind::GsBeforeIsa`), in place of "no ISA" for the GS and
    /// "ST without GS" for the sets after the ISA: the interchange is read from its ISA with
    /// the GS opening its first group (`early_gs`). Where the ISA starts; `None`, doing
    /// nothing, for any other input.
    fn gs_before_isa(&mut self, pos: usize, delims: Delimiters) -> Option<usize> {
        let gs = Lexer::new(self.input, pos, delims).next()?;
        if Segment::new(gs.bytes, gs.offset, delims, 1).id() != b"GS" || !gs.terminated {
            return None;
        }
        let isa = skip_layout(self.input, gs.end());
        if find_isa(self.input, isa) != Some(isa) || !readable_isa(self.input, isa) {
            return None;
        }
        // Not when the ISA is followed by a GS of its own: the interchange is complete, and
        // the GS before it a copy (or another group's) outside it, as any stray GS is.
        let header = IsaHeader::parse(&self.input[isa..])?;
        let after = Lexer::new(self.input, isa + header.len, header.delims).next();
        let own =
            after.is_some_and(|n| Segment::new(n.bytes, n.offset, header.delims, 0).id() == b"GS");
        if own {
            return None;
        }
        self.file_index += 1;
        let loc = span_loc(b"GS", self.file_index, pos, gs.bytes.len());
        self.issue(loc, IssueKind::GsBeforeIsa { isa_at: isa });
        self.early_gs = Some(gs);
        Some(isa)
    }

    /// Reads transaction sets from an input that starts at ST or GS with no ISA: one issue for
    /// the missing envelopes, then the sets are checked as usual. Returns where an ISA starts
    /// later in the input, if one does.
    fn fragment(&mut self, pos: usize, delims: Delimiters) -> Option<usize> {
        let id = &self.input[pos..pos + 2];
        self.issue(span_loc(id, 1, pos, 2), IssueKind::Fragment { id, delims });
        let mut body = Body::new(delims, None);
        let next_isa = self.body(&mut body, pos);
        if let Some(kind) = body.truncated.take() {
            let loc = match (&kind, body.last_st) {
                (IssueKind::Truncated { st02: Some(_), .. }, Some(st)) => st,
                _ => span_loc(id, 1, pos, 2),
            };
            self.issue(loc, kind);
        }
        self.out.fragments.append(&mut body.groups);
        next_isa
    }

    /// Reads one interchange starting at the `ISA` at `pos`; returns where the next ISA starts.
    fn interchange(&mut self, pos: usize) -> Option<usize> {
        let input = self.input;
        let rest = &input[pos..];
        self.file_index += 1;
        let Some(header) = IsaHeader::parse(rest) else {
            let len = rest.len().min(106);
            let loc = span_loc(b"ISA", self.file_index, pos, len);
            self.issue(loc, IssueKind::IsaCut { len });
            // Another interchange may still follow.
            return find_isa(input, pos + 3);
        };
        let isa = Segment::unindexed(&rest[..header.len - 1], pos, header.delims, self.file_index);
        // Delimiters that cannot separate anything: the ISA's one finding, and nothing after it
        // is read until the next readable ISA (each misread segment would be an error of its own).
        if let Some(problem) = header.delimiter_problem() {
            self.issue(isa.loc(), IssueKind::Isa(problem));
            let mut next = find_isa(input, pos + 3);
            while let Some(at) = next.filter(|&at| !readable_isa(input, at)) {
                next = find_isa(input, at + 3);
            }
            return next;
        }
        // What is left is the widths (any other problem is a delimiter problem): one issue for
        // all of them, at the first.
        for problem in header.problems() {
            let element = match &problem {
                IsaProblem::Widths { wrong, .. } => wrong.first().map(|w| w.element),
                IsaProblem::Slipped { slip, .. } => Some(slip.at()),
                _ => None,
            };
            let loc = element
                .and_then(|e| isa.element_raw(e))
                .map_or(isa.loc(), |e| e.loc());
            self.issue(loc, IssueKind::Isa(problem));
        }
        let composites_use = composite_separator_used(&input[pos + header.len..], header.delims);
        let mut delims = header.delims;
        if let Some((c, _, _)) = composites_use {
            delims.component = c;
        }
        let mut body = Body::new(delims, Some(header.elements[12]));
        if let Some(raw) = self.early_gs.take() {
            let gs = Segment::new(raw.bytes, raw.offset, delims, 1);
            body.open_group(Some(gs));
            body.gs06(&gs);
        }
        let next_isa = self.body(&mut body, pos + header.len);
        if let Some(kind) = body.truncated.take() {
            // At the ISA, which the TA1 answers (premature end of file).
            self.issue(isa.loc(), kind);
        } else if body.iea.is_none() && !body.iea_cut {
            let kind = IssueKind::IeaMissing {
                isa13: header.elements[12],
                another_isa: next_isa.is_some(),
            };
            self.issue(isa.loc(), kind);
        }
        let header_only = body.iea.is_none() && body.groups.is_empty() && next_isa.is_some();
        self.isa13(&header, &isa, header_only);
        self.out.interchanges.push(Interchange {
            isa,
            header,
            iea: body.iea,
            groups: body.groups,
            composites_use,
            repeated_gs06: body.repeated_gs06,
        });
        next_isa
    }

    /// Reads segments from `start` until an IEA, an ISA or the end of the input; returns where
    /// the next ISA starts.
    fn body(&mut self, b: &mut Body<'a>, start: usize) -> Option<usize> {
        let mut lexer = Lexer::new(self.input, start, b.delims);
        let mut next_isa = None;
        while let Some(raw) = lexer.next() {
            if raw.bytes.is_empty() {
                b.empty_run.get_or_insert((raw.offset, 0)).1 += 1;
                continue;
            }
            self.flush_empty(b);
            if let Flow::Stop(next) = self.segment(b, raw, lexer.position()) {
                next_isa = next;
                break;
            }
        }
        self.flush_empty(b);
        self.flush_closed(b, None);
        self.flush_outside(b);
        if self.truncation(b, next_isa) {
            return next_isa;
        }
        if let Some(tx) = b.open_tx.take() {
            let st02 = tx.meant_st02();
            // Cut off by the next interchange's ISA, or by the end of the input.
            let kind = IssueKind::SeMissing {
                st02,
                ended_by: next_isa.map(|at| (&b"ISA"[..], at)),
                late_se: None,
                group_cut: None,
                bare: tx.segment_count == 1,
            };
            self.issue(tx.st.loc(), kind);
            self.push_tx(b, tx);
        }
        if b.iea.is_none() && b.group_open && !b.iea_cut && !b.is_fragment() {
            self.unclosed_group(b, next_isa.unwrap_or(self.input.len()));
        }
        next_isa
    }

    /// When the input ended with a set, a group or a segment open and no IEA, or the next
    /// interchange's ISA (at `next_isa`) started with a group open: closes what is open and
    /// keeps one `Truncated` finding for the caller to place. `false`: not a cut (an
    /// interchange that lacks only its IEA is `IeaMissing`; a fragment that another ISA
    /// follows keeps its set's `SeMissing`).
    fn truncation(&mut self, b: &mut Body<'a>, next_isa: Option<usize>) -> bool {
        let open_group = b.group_open && !b.is_fragment();
        let open = match next_isa {
            None => b.cut.is_some() || b.open_tx.is_some() || open_group,
            Some(_) => open_group || (b.open_tx.is_some() && !b.is_fragment()),
        };
        let cut = b.iea.is_none() && !b.iea_cut && open;
        if !cut {
            return false;
        }
        let tx = b.open_tx.take();
        let st02 = tx.as_ref().map(TxFrame::meant_st02);
        let st_at = tx.as_ref().map(|t| t.st.offset);
        let from = tx.as_ref().map(|_| b.last_block.unwrap_or(1));
        if let Some(tx) = tx {
            self.push_tx(b, tx);
        }
        let gs06 = b
            .groups
            .last()
            .and_then(|g| g.gs.as_ref())
            .filter(|_| open_group)
            .map(|gs| gs.value(6));
        b.truncated = Some(IssueKind::Truncated {
            end: next_isa.unwrap_or(self.input.len()),
            next_isa: next_isa.is_some(),
            cut: b.cut,
            terminator: b.delims.segment,
            st02,
            st_at,
            gs06,
            isa13: b.isa13,
            from,
        });
        true
    }

    fn flush_empty(&mut self, b: &mut Body<'a>) {
        if let Some((offset, count)) = b.empty_run.take() {
            let after = b
                .open_tx
                .as_ref()
                .map_or(self.file_index, |t| t.segment_count);
            let loc = span_loc(b"", after, offset, 1);
            self.issue(loc, IssueKind::EmptySegments { count, after });
        }
    }

    /// One non-empty segment; `after` is the lexer's position past it.
    fn segment(&mut self, b: &mut Body<'a>, raw: RawSegment<'a>, after: usize) -> Flow {
        // Read once here (id, a few envelope elements): not indexed; the transaction set's own
        // lexing (`segments`) indexes the segments the rules read.
        let seg = Segment::unindexed(raw.bytes, raw.offset, b.delims, 0);
        let id = seg.id();
        if !raw.terminated && !matches!(id, b"IEA" | b"ISA") {
            // The input ends inside it: part of the cut (`truncation`), not a segment of its
            // set, whose partial values would each be a finding of their own.
            b.cut = Some(&id[..id.len().min(3)]);
            return Flow::Continue;
        }
        if !raw.terminated {
            self.unterminated(b, &seg);
        }
        if id == b"ISA" {
            return Flow::Stop(Some(raw.offset));
        }
        self.out.segments += 1;
        self.file_index += 1;
        // Numbered in the file, for the envelope segments only: not copied for the others.
        let position = self.file_index;
        let file_seg = move |seg: Segment<'a>| Segment { position, ..seg };
        if let Some(tx) = b.open_tx.as_mut() {
            if !matches!(id, b"ST" | b"GS" | b"GE" | b"IEA") {
                tx.segment_count += 1;
                tx.end = raw.end();
                record_span(&mut b.spans, tx.start, &raw);
                if matches!(id, b"CLM" | b"HL") {
                    b.last_block = Some(tx.segment_count);
                }
                if id == b"SE" {
                    tx.se = Some(Segment {
                        position: tx.segment_count,
                        ..seg
                    });
                    if let Some(done) = b.open_tx.take() {
                        b.closed = Some((done, b.spans.take()));
                    }
                }
                return Flow::Continue;
            }
            if tx.segment_count == 1 && self.after_bare_st(b, file_seg(seg), raw) {
                return Flow::Continue;
            }
            // ST/GS/GE/IEA inside a transaction set: its SE is missing.
            if let Some(cut) = b.open_tx.take() {
                let group_cut = self.group_cut(b, id);
                let kind = IssueKind::SeMissing {
                    st02: cut.meant_st02(),
                    ended_by: Some((id, raw.offset)),
                    late_se: None,
                    group_cut,
                    bare: cut.segment_count == 1,
                };
                self.issue(cut.st.loc(), kind);
                self.push_tx(b, cut);
            }
        }
        self.envelope_segment(b, file_seg(seg), raw, after)
    }

    /// A set cut by a GS or an IEA with its group open: the GS06 of that group, whose missing
    /// GE the set's finding names (`Body::group_cut` keeps the group's own from being
    /// reported); `None` for any other cut.
    fn group_cut(&self, b: &mut Body<'a>, id: &[u8]) -> Option<(&'a [u8], u32)> {
        if !matches!(id, b"GS" | b"IEA") || !b.group_open || b.is_fragment() {
            return None;
        }
        let gs06 = b.groups.last().and_then(|g| g.gs).map(|gs| gs.value(6));
        b.group_cut = gs06.is_some();
        Some((gs06?, b.last_block.unwrap_or(1)))
    }

    /// An envelope segment right after a set's ST, before anything else of the set: a GS
    /// (ST and GS swapped) or another ST. `true` when it was taken as such.
    fn after_bare_st(&mut self, b: &mut Body<'a>, seg: Segment<'a>, raw: RawSegment<'a>) -> bool {
        match seg.id() {
            b"GS" => self.gs_after_st(b, seg),
            b"ST" => {
                let Some(bare) = b.open_tx.take() else {
                    return false;
                };
                let again = bare.st.bytes == seg.bytes;
                let (st02, next_at) = (bare.meant_st02(), raw.offset);
                if bare.late_gs.is_some() {
                    // ST, GS, ST: not a swap but an empty ST before the group: one finding.
                    let loc = bare.st.loc();
                    let swap = |i: &ScanIssue<'_>| {
                        matches!(i.kind, IssueKind::StBeforeGs { .. }) && i.loc == loc
                    };
                    if let Some(k) = self.out.issues.iter().rposition(swap) {
                        self.out.issues.remove(k);
                    }
                }
                self.issue(
                    bare.st.loc(),
                    IssueKind::BareSt {
                        st02,
                        again,
                        next_at,
                    },
                );
                // A set to a receiver (and rejected), but not the one that uses its ST02.
                let key = Key::new(&bare.st02);
                let taken = b.st02_seen.contains_key(&key);
                self.push_tx(b, bare);
                if !taken {
                    b.st02_seen.remove(&key);
                }
                if let Some(g) = b.groups.last_mut() {
                    g.bare += 1;
                }
                self.open_tx(b, seg, raw);
                if let Some(tx) = b.open_tx.as_mut() {
                    tx.st_doubled = again;
                }
                true
            }
            _ => false,
        }
    }

    /// A GS right after an ST that opened a group without one (the ST's ENV004 is the last
    /// issue): the two were swapped. The GS heads the group the ST opened, the set goes on,
    /// and the ST's finding says so, in place of "ST without GS", "ST has no SE" and "SE
    /// without ST" for one slip.
    fn gs_after_st(&mut self, b: &mut Body<'a>, gs: Segment<'a>) -> bool {
        let Some(tx) = b.open_tx.as_mut() else {
            return false;
        };
        let st_loc = tx.st.loc();
        let swapped = self
            .out
            .issues
            .last()
            .is_some_and(|i| matches!(i.kind, IssueKind::StWithoutGs) && i.loc == st_loc)
            && b.groups
                .last()
                .is_some_and(|g| g.gs.is_none() && g.count == 0);
        if !swapped {
            return false;
        }
        tx.late_gs = Some(gs.offset);
        self.out.issues.pop();
        self.issue(st_loc, IssueKind::StBeforeGs { gs_at: gs.offset });
        self.element_count(&gs);
        self.misread_id(&gs);
        if let Some(g) = b.groups.last_mut() {
            g.gs = Some(gs);
        }
        b.gs06(&gs);
        true
    }

    /// Reports a last segment that runs into the end of the input. A complete final IEA that
    /// lacks only its terminator is its own, milder finding; an IEA cut inside its elements is
    /// not stored, so its partial values are not compared as well.
    fn unterminated(&mut self, b: &mut Body<'a>, seg: &Segment<'a>) {
        let id = seg.id();
        let terminator = b.delims.segment;
        let loc = span_loc(id, self.file_index + 1, seg.offset, seg.bytes.len());
        if id == b"IEA" {
            let complete = seg.element_count() == 2
                && !seg.value(1).is_empty()
                && b.isa13.is_some_and(|isa13| seg.value(2) == isa13);
            if complete {
                self.issue(loc, IssueKind::FinalTerminatorMissing { terminator });
                return;
            }
            b.iea_cut = true;
        }
        let id = &id[..id.len().min(3)];
        self.issue(loc, IssueKind::Unterminated { id, terminator });
    }

    /// GS, GE, ST, IEA, a stray SE, or a segment outside any transaction set.
    fn envelope_segment(
        &mut self,
        b: &mut Body<'a>,
        file_seg: Segment<'a>,
        raw: RawSegment<'a>,
        after: usize,
    ) -> Flow {
        if !matches!(file_seg.id(), b"GS" | b"GE" | b"ST" | b"IEA" | b"SE") {
            // Named as written: a lower-case `nm1` here is not read as anything.
            let id = file_seg.id_as_written().unwrap_or(file_seg.id());
            b.outside.push((file_seg.loc(), id));
            return Flow::Continue;
        }
        self.flush_closed(b, Some((&file_seg, &raw)));
        if file_seg.id() == b"SE" && !b.outside.is_empty() {
            self.headless(b, &file_seg);
            return Flow::Continue;
        }
        if file_seg.id() == b"ST" && self.st_after_bht(b, file_seg, raw) {
            return Flow::Continue;
        }
        let before: Vec<Loc> = match file_seg.id() {
            b"ST" => b.outside.iter().map(|(l, _)| *l).collect(),
            _ => Vec::new(),
        };
        self.flush_outside(b);
        self.element_count(&file_seg);
        self.misread_id(&file_seg);
        match file_seg.id() {
            b"GS" if self.gs_twice(b, &file_seg, raw.offset) => {}
            b"GS" => {
                if b.group_open && !b.is_fragment() && !std::mem::take(&mut b.group_cut) {
                    self.unclosed_group(b, raw.offset);
                }
                b.open_group(Some(file_seg));
                b.gs06(&file_seg);
            }
            b"GE" => {
                if b.group_open {
                    if let Some(g) = b.groups.last_mut() {
                        g.ge = Some(file_seg);
                    }
                    b.group_open = false;
                } else if !b.is_fragment() {
                    self.issue(file_seg.loc(), IssueKind::GeWithoutGs);
                }
            }
            b"ST" => {
                self.open_tx(b, file_seg, raw);
                if let Some(tx) = b.open_tx.as_mut() {
                    tx.strays_before = before;
                }
            }
            b"IEA" => return self.iea(b, file_seg, after),
            _ if self.se_after_ge(b, &file_seg) => {}
            _ => self.issue(file_seg.loc(), IssueKind::SeWithoutSt),
        }
        Flow::Continue
    }

    /// A GS the same as the open group's, with no set between them: the GS written twice.
    /// `true` when it was, and reported as such (`IssueKind::GsTwice`).
    fn gs_twice(&mut self, b: &Body<'a>, gs: &Segment<'a>, next_at: usize) -> bool {
        let Some(first) = b.groups.last().filter(|_| b.group_open) else {
            return false;
        };
        let again = first.gs.is_some_and(|g| g.bytes == gs.bytes)
            && first.count == 0
            && first.headless == 0
            && b.outside.is_empty();
        if let Some(g) = first.gs.filter(|_| again) {
            self.issue(g.loc(), IssueKind::GsTwice { next_at });
        }
        again
    }

    /// An SE right after the GE that ended its set, the SE naming that set (SE02 = ST02) and
    /// counting it (SE01: its segments and the SE): SE and GE swapped. The set's "has no SE"
    /// finding takes the SE in (`late_se`) and says so; `true` when it did, and the SE is not
    /// also "without an ST". An SE wrong in its own values keeps both findings.
    fn se_after_ge(&mut self, b: &Body<'a>, se: &Segment<'a>) -> bool {
        let count = b.last_count.saturating_add(1).to_string();
        let input = self.input;
        let terminator = se.delims.segment;
        let Some(IssueKind::SeMissing {
            st02,
            ended_by: Some((b"GE", at)),
            late_se,
            ..
        }) = self.out.issues.last_mut().map(|i| &mut i.kind)
        else {
            return false;
        };
        // Only the GE between them: one terminator from the GE to this SE.
        let between = input.get(*at..se.offset).unwrap_or_default();
        let adjacent = between.iter().filter(|&&c| c == terminator).count() == 1;
        let counts = se.value(1) == count.as_bytes();
        if !adjacent || !counts || late_se.is_some() || se.value(2) != *st02 {
            return false;
        }
        *late_se = Some(se.bytes);
        true
    }

    /// A GS, GE or IEA whose id is written in lower case or followed by the component
    /// separator: read as the id it spells, and reported (SYN001) here, where the guide walk,
    /// which reports the others, does not look.
    fn misread_id(&mut self, seg: &Segment<'a>) {
        let slipped = seg.slipped_separator().is_some();
        if !(slipped || seg.id_as_written().is_some())
            || !matches!(seg.id(), b"GS" | b"GE" | b"IEA")
        {
            return;
        }
        let id = seg.id();
        let written = seg.bytes.get(..id.len()).unwrap_or(id);
        // The id, and the separator after it when that is the slip.
        let len = id.len() + usize::from(slipped);
        let loc = span_loc(id, seg.position, seg.offset, len);
        let kind = IssueKind::MisreadId {
            written,
            id,
            segment: seg.bytes,
            slipped,
            element: seg.delims.element,
        };
        self.issue(loc, kind);
    }

    /// The segments outside any transaction set, each a finding of its own: no SE followed
    /// them.
    fn flush_outside(&mut self, b: &mut Body<'a>) {
        for (loc, id) in b.outside.drain(..) {
            self.out.issues.push(ScanIssue {
                kind: IssueKind::OutsideTransaction {
                    id,
                    before_st: None,
                },
                loc,
            });
        }
    }

    /// An SE after segments outside any transaction set: they are a set whose ST is missing,
    /// one finding at the first of them. The set counts for GE01, which counted it.
    fn headless(&mut self, b: &mut Body<'a>, se: &Segment<'a>) {
        let Some(&(loc, first)) = b.outside.first() else {
            return;
        };
        let count = u32::try_from(b.outside.len()).unwrap_or(u32::MAX);
        b.outside.clear();
        let version = b
            .groups
            .last()
            .filter(|_| b.group_open)
            .and_then(|g| g.gs.as_ref())
            .map(|gs| gs.value(8));
        if let Some(g) = b.groups.last_mut().filter(|_| b.group_open) {
            g.headless += 1;
        }
        let kind = IssueKind::StMissing {
            first,
            count,
            se: se.bytes,
            se02: se.value(2),
            element: b.delims.element,
            version,
        };
        self.issue(loc, kind);
    }

    /// A value past the last element of a GS (8), GE (2) or IEA (2). ST and SE are the
    /// guide's (SYN004 in the transaction set); ISA has a fixed width (ENV001).
    fn element_count(&mut self, seg: &Segment<'a>) {
        let id = seg.id();
        let defined = match id {
            b"GS" => 8,
            b"GE" | b"IEA" => 2,
            _ => return,
        };
        let extra = (defined + 1..=seg.element_count()).find(|&n| !seg.value(n).is_empty());
        if let Some(elem) = extra {
            let loc = seg.element_loc(elem);
            let value = seg.value(elem);
            let kind = IssueKind::TooManyElements {
                id,
                elem,
                value,
                defined,
            };
            self.issue(loc, kind);
        }
    }

    fn open_tx(&mut self, b: &mut Body<'a>, seg: Segment<'a>, raw: RawSegment<'a>) {
        let st = Segment { position: 1, ..seg };
        if !b.group_open {
            if !b.is_fragment() {
                self.issue(st.loc(), IssueKind::StWithoutGs);
            }
            b.open_group(None);
        }
        // The set as its sender numbered it: ST02 as meant (`ST*837**0001*…` is set 0001).
        let meant = crate::slip::Read::st(&st);
        let (st02, st02_loc) = (meant.value(2).into(), meant.loc(2));
        b.last_block = None;
        b.spans = self.spans.then(|| Vec::with_capacity(self.span_hint));
        record_span(&mut b.spans, raw.offset, &raw);
        b.open_tx = Some(TxFrame {
            st,
            se: None,
            start: raw.offset,
            end: raw.end(),
            segment_count: 1,
            delims: b.delims,
            st02,
            st02_loc,
            late_gs: None,
            st_doubled: false,
            early_bht: None,
            strays_before: Vec::new(),
            strays_after: Vec::new(),
        });
    }

    /// An ST right after a BHT outside any set, and not itself followed by a BHT (the two
    /// swapped): the BHT is taken from the segments outside, the set opened, and the BHT
    /// reported as written before it (`TxFrame::early_bht`). `false`, doing nothing, for any
    /// other ST.
    fn st_after_bht(&mut self, b: &mut Body<'a>, st: Segment<'a>, raw: RawSegment<'a>) -> bool {
        let Some(&(loc, id)) = b.outside.last().filter(|_| self.bht_swap(b, &st, &raw)) else {
            return false;
        };
        b.outside.pop();
        let before: Vec<Loc> = b.outside.iter().map(|(l, _)| *l).collect();
        self.flush_outside(b);
        self.open_tx(b, st, raw);
        let Some(tx) = b.open_tx.as_mut() else {
            return true;
        };
        tx.early_bht = Some(loc);
        tx.strays_before = before;
        let before_st = Some((raw.offset, tx.meant_st02()));
        self.issue(loc, IssueKind::OutsideTransaction { id, before_st });
        true
    }

    /// Whether `st` comes right after a BHT outside any set and is not itself followed by a
    /// BHT: the two swapped ([`Scanner::st_after_bht`]).
    fn bht_swap(&self, b: &Body<'a>, st: &Segment<'a>, raw: &RawSegment<'a>) -> bool {
        let Some(&(loc, id)) = b.outside.last() else {
            return false;
        };
        // Not when the set has a BHT of its own: that one is an extra copy.
        id == b"BHT"
            && loc.position.checked_add(1) == Some(st.position)
            && !has_own_bht(self.input, raw.end(), b.delims)
    }

    /// The IEA ends the interchange; anything after it but another ISA is reported.
    fn iea(&mut self, b: &mut Body<'a>, iea: Segment<'a>, after: usize) -> Flow {
        if b.is_fragment() {
            // A trailer without its ISA: part of the fragment's one finding.
            b.group_open = false;
            return Flow::Continue;
        }
        if b.group_open && !std::mem::take(&mut b.group_cut) {
            self.unclosed_group(b, iea.offset);
        }
        if !b.iea_cut {
            b.iea = Some(iea);
        }
        let input = self.input;
        let after = skip_filler(input, after);
        if after >= input.len() {
            return Flow::Stop(None);
        }
        if input[after..].starts_with(b"ISA") {
            return Flow::Stop(Some(after));
        }
        let junk_end = find_isa(input, after).unwrap_or(input.len());
        // The data ends where the filler before the next ISA (or the end) begins.
        let len = input[after..junk_end]
            .iter()
            .rposition(|&b| !crate::lexer::is_end_filler(b))
            .map_or(0, |i| i + 1);
        if self.ge_after_iea(b, &input[after..after + len], after, iea.position + 1) {
            return Flow::Stop((junk_end < input.len()).then_some(junk_end));
        }
        // Not a segment, but where the next one would stand: positions outside a set count
        // the file's segments (OUTPUT.md), and the IEA's is the last of them.
        self.issue(
            span_loc(b"", iea.position + 1, after, len),
            IssueKind::DataAfterIea {
                len,
                lower_isa: input[after..]
                    .strip_prefix(b"isa")
                    .and_then(|rest| rest.first())
                    .is_some_and(|b| !b.is_ascii_alphanumeric() && !b.is_ascii_whitespace()),
            },
        );
        Flow::Stop((junk_end < input.len()).then_some(junk_end))
    }

    /// The data after an IEA is one GE closing the group the IEA cut off (GE02 = GS06, and
    /// that group's "no GE" finding is the last issue): GE and IEA swapped. That finding takes
    /// the GE in (`late_ge`) and says so; `true` when it did, and the GE is not also "data
    /// after IEA".
    fn ge_after_iea(&mut self, b: &mut Body<'a>, data: &'a [u8], at: usize, position: u32) -> bool {
        let d = b.delims;
        let Some(ge) = data.strip_suffix(&[d.segment]) else {
            return false;
        };
        let one_ge =
            ge.starts_with(b"GE") && ge.get(2) == Some(&d.element) && !ge.contains(&d.segment);
        let Some(IssueKind::GeMissing { gs06, late_ge, .. }) =
            self.out.issues.last_mut().map(|i| &mut i.kind)
        else {
            return false;
        };
        let ge02 = ge.split(|&c| c == d.element).nth(2).unwrap_or_default();
        if !one_ge || late_ge.is_some() || ge02 != *gs06 {
            return false;
        }
        *late_ge = Some(ge);
        // The group's trailer after all: GE01 is still held to the group's sets (ENV003).
        if let Some(g) = b.groups.last_mut() {
            g.ge = Some(Segment::unindexed(ge, at, d, position));
        }
        true
    }

    /// Notes an ISA13 that an earlier interchange from the same sender used. An ISA with
    /// nothing after it but the next ISA (`header_only`: the ISA line pasted twice) is not
    /// noted: that ISA's ENV004 is the one finding, not also ENV006 on the ISA it repeats.
    fn isa13(&mut self, header: &IsaHeader<'a>, isa: &Segment<'a>, header_only: bool) {
        let (sender, isa13) = (header.elements[5], header.elements[12]);
        let position = isa.position as usize;
        let key = (sender.into(), Key::new(isa13));
        let earlier = if header_only {
            self.isa13_seen.get(&key).copied()
        } else {
            self.isa13_seen.insert(key, position)
        };
        if let Some(earlier) = earlier {
            let loc = isa.element_loc(13);
            let sender = sender.into();
            let repeat = Repeat {
                sender,
                ..Repeat::new(isa13, loc, earlier)
            };
            self.out.repeated_isa13.push(repeat);
        }
    }

    fn push_tx(&mut self, b: &mut Body<'a>, tx: TxFrame<'a>) {
        // Moved, not copied: a set of a million segments has its spans once in memory.
        let spans = b.spans.take();
        if let Some((closed, its_spans)) = b.closed.take() {
            self.send(b, closed, its_spans);
        }
        self.send(b, tx, spans);
    }

    /// Hands the set closed by its SE (`Body::closed`) to the sink, at envelope segment `next`
    /// (`None`: the end of the body), with the segments outside any set written since
    /// (`TxFrame::strays_after`): not those an SE after them makes a set whose ST is missing
    /// (`headless`), nor a BHT that is the next set's, written before its ST (`st_after_bht`).
    fn flush_closed(&mut self, b: &mut Body<'a>, next: Option<(&Segment<'a>, &RawSegment<'a>)>) {
        let Some((mut tx, spans)) = b.closed.take() else {
            return;
        };
        let keep = match next {
            Some((seg, _)) if seg.is(b"SE") => 0,
            Some((seg, raw)) if seg.is(b"ST") && self.bht_swap(b, seg, raw) => b.outside.len() - 1,
            _ => b.outside.len(),
        };
        tx.strays_after = b.outside.iter().take(keep).map(|(loc, _)| *loc).collect();
        self.send(b, tx, spans);
    }

    fn send(&mut self, b: &mut Body<'a>, tx: TxFrame<'a>, spans: Option<Vec<SegmentSpan>>) {
        let gs = b.groups.last().and_then(|g| g.gs.as_ref());
        if let Some(s) = &spans {
            self.span_hint = s.len();
        }
        (self.sink)(gs, &tx, spans);
        b.last_st = Some(tx.st.loc());
        b.last_count = tx.segment_count;
        if b.groups.is_empty() {
            let open = b.group_open;
            b.open_group(None);
            b.group_open = open;
        }
        // An ST02 left out or empty repeats no control number (ENV002 or SYN007 says so).
        let earlier = (!tx.st02.is_empty())
            .then(|| b.st02_seen.insert(Key::new(&tx.st02), tx.start))
            .flatten();
        let g = b.groups.last_mut().expect("a group was opened");
        g.count += 1;
        if crate::slip::Read::st(&tx.st).value(1) == b"837" {
            g.claims += 1;
        }
        if let Some(earlier) = earlier {
            g.repeated_st02
                .push(Repeat::new(&tx.st02, tx.st02_loc, earlier));
        }
        if self.keep_sets {
            g.transactions.push(tx);
        }
    }

    fn unclosed_group(&mut self, b: &Body<'a>, before: usize) {
        if let Some(gs) = b.groups.last().and_then(|g| g.gs) {
            let kind = IssueKind::GeMissing {
                gs06: gs.value(6),
                before,
                late_ge: None,
            };
            self.issue(gs.loc(), kind);
        }
    }
}

/// Lexes one transaction set's range, numbering segments from ST = 1.
pub fn segments<'a>(input: &'a [u8], tx: &TxFrame<'a>) -> impl Iterator<Item = Segment<'a>> {
    let slice = &input[..tx.end.min(input.len())];
    let delims = tx.delims;
    let mut position = 0u32;
    let late_gs = tx.late_gs;
    Lexer::new(slice, tx.start, delims)
        .filter(move |raw: &RawSegment<'_>| !raw.bytes.is_empty() && Some(raw.offset) != late_gs)
        .map(move |raw| {
            position += 1;
            Segment::new(raw.bytes, raw.offset, delims, position)
        })
}

/// Records segment `raw` of the open set, which starts at `start`; a set whose spans do not
/// fit keeps none.
#[inline]
fn record_span(spans: &mut Option<Vec<SegmentSpan>>, start: usize, raw: &RawSegment<'_>) {
    let span = u32::try_from(raw.offset - start)
        .ok()
        .zip(u32::try_from(raw.bytes.len()).ok());
    match (span, spans.as_mut()) {
        (Some((at, len)), Some(list)) => list.push(SegmentSpan { at, len }),
        _ => *spans = None,
    }
}

/// One transaction set's segments from the scan's [`SegmentSpan`]s: what [`segments`] gives,
/// without searching for the terminators again.
pub fn segments_at<'a, 's>(
    input: &'a [u8],
    tx: &TxFrame<'a>,
    spans: &'s [SegmentSpan],
) -> impl Iterator<Item = Segment<'a>> + use<'a, 's> {
    let delims = tx.delims;
    let start = tx.start;
    (1u32..).zip(spans).map(move |(position, s)| {
        let at = start + s.at as usize;
        let bytes = input.get(at..at + s.len as usize).unwrap_or_default();
        Segment::new(bytes, at, delims, position)
    })
}

/// Describes a delimiter set for `claimlint tree` and messages.
pub fn describe_delims(d: Delimiters) -> String {
    format!(
        "element `{}`, component `{}`, repetition {}, terminator `{}`",
        show_byte(d.element),
        show_byte(d.component),
        d.repetition
            .map_or("none".to_string(), |r| format!("`{}`", show_byte(r))),
        show_byte(d.segment)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A streaming scan keeps no transaction sets, only their count and the control numbers
    /// that repeat (ENV006's), so its memory does not grow with the sets of a file; a plain
    /// scan keeps the sets and finds the same.
    #[test]
    fn a_streaming_scan_keeps_counts_and_repeats_not_sets() {
        let isa = |n: &str| {
            format!(
                "ISA*00*          *00*          *ZZ*A              *ZZ*B              *260105*1200*^*00501*{n}*0*P*:~"
            )
        };
        let group = |gs06: &str, st02s: &[&str]| {
            let sets: String = st02s
                .iter()
                .map(|n| format!("ST*837*{n}~BHT*0019~SE*3*{n}~"))
                .collect();
            format!(
                "GS*HC*A*B*20260105*1200*{gs06}*X*005010X222A1~{sets}GE*{}*{gs06}~",
                st02s.len()
            )
        };
        let text = [
            isa("000000001"),
            group("1", &["0001", "0002", "0001", "0001"]),
            group("1", &["0001"]),
            "IEA*2*000000001~".to_string(),
            isa("000000001"),
            group("7", &["0009"]),
            "IEA*1*000000001~".to_string(),
        ]
        .concat();
        let input = text.as_bytes();
        let mut handed = 0;
        let streamed = scan_streaming(input, &mut |_, _, _| handed += 1);
        let plain = scan(input);
        assert_eq!(handed, 6);
        for (s, kept) in [(&streamed, 0), (&plain, 6)] {
            assert_eq!(s.transaction_count(), 6);
            assert_eq!(s.transactions().count(), kept);
            let groups: Vec<_> = s.groups().collect();
            let counts: Vec<usize> = groups.iter().map(|g| g.count).collect();
            assert_eq!(counts, [4, 1, 1]);
            // ST02 0001 three times in the first group: the second and third use name the
            // use before them; the next group starts afresh.
            let repeats: Vec<(&[u8], usize)> = groups[0]
                .repeated_st02
                .iter()
                .map(|r| (&r.value[..], r.earlier))
                .collect();
            let st = |nth: usize| text.match_indices("ST*837*0001").nth(nth).unwrap().0;
            assert_eq!(repeats, [(&b"0001"[..], st(0)), (&b"0001"[..], st(1))]);
            assert!(groups[1].repeated_st02.is_empty());
            let gs06: Vec<_> = s.interchanges[0]
                .repeated_gs06
                .iter()
                .map(|r| (&r.value[..], r.earlier))
                .collect();
            assert_eq!(gs06, [(&b"1"[..], 2)]);
            let isa13: Vec<_> = s
                .repeated_isa13
                .iter()
                .map(|r| (&r.value[..], &r.sender[..], r.earlier))
                .collect();
            assert_eq!(isa13, [(&b"000000001"[..], &b"A              "[..], 1)]);
        }
    }

    /// ST and GS swapped: one issue on the ST, the GS heading the group the ST opened, the
    /// set read whole. The ST written twice: one issue on the first, a set of its own that
    /// GE01 need not count and whose ST02 the second may use.
    #[test]
    fn st_before_gs_and_st_twice_are_one_issue_each() {
        let isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *260105*1200*^*00501*000000001*0*P*:~";
        let gs = "GS*HC*A*B*20260105*1200*7*X*005010X222A1~";
        let swapped = format!("{isa}ST*837*0001~{gs}BHT*0019~SE*3*0001~GE*1*7~IEA*1*000000001~");
        let s = scan(swapped.as_bytes());
        let gs_at = swapped.find("GS*").expect("a GS");
        assert_eq!(kinds(&s), [&IssueKind::StBeforeGs { gs_at }]);
        let g = s.groups().next().expect("a group");
        assert_eq!((g.gs.map(|gs| gs.value(6)), g.count), (Some(&b"7"[..]), 1));
        let (_, _, tx) = s.transactions().next().expect("a set");
        let ids: Vec<&[u8]> = segments(swapped.as_bytes(), tx)
            .map(|seg| seg.id())
            .collect();
        assert_eq!(ids, [&b"ST"[..], b"BHT", b"SE"]);
        assert_eq!(tx.segment_count, 3);

        let twice =
            format!("{isa}{gs}ST*837*0001~ST*837*0001~BHT*0019~SE*3*0001~GE*1*7~IEA*1*000000001~");
        let s = scan(twice.as_bytes());
        let next_at = twice.match_indices("ST*").nth(1).expect("two").0;
        let issue = IssueKind::BareSt {
            st02: b"0001",
            again: true,
            next_at,
        };
        assert_eq!(kinds(&s), [&issue]);
        let g = s.groups().next().expect("a group");
        assert_eq!((g.count, g.bare), (2, 1));
        assert!(g.repeated_st02.is_empty());
    }

    /// ST and BHT swapped: one issue on the BHT naming the ST after it, the set read from its
    /// ST and knowing its BHT stands before it. A BHT copied before an ST that has its own
    /// is only outside the set. ISA and GS swapped: one issue on the GS, which heads the
    /// interchange's group.
    #[test]
    fn bht_before_st_and_gs_before_isa_are_one_issue_each() {
        let isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *260105*1200*^*00501*000000001*0*P*:~";
        let gs = "GS*HC*A*B*20260105*1200*7*X*005010X222A1~";
        let swapped =
            format!("{isa}{gs}BHT*0019~ST*837*0001~HL*1~SE*3*0001~GE*1*7~IEA*1*000000001~");
        let s = scan(swapped.as_bytes());
        let st_at = swapped.find("ST*").expect("an ST");
        let issue = IssueKind::OutsideTransaction {
            id: b"BHT",
            before_st: Some((st_at, b"0001")),
        };
        assert_eq!(kinds(&s), [&issue]);
        let (_, _, tx) = s.transactions().next().expect("a set");
        assert_eq!(tx.early_bht.map(|l| l.offset), swapped.find("BHT"));
        assert_eq!(tx.segment_count, 3);

        let copied = swapped.replace("ST*837*0001~", "ST*837*0001~BHT*0019~");
        let s = scan(copied.as_bytes());
        let issue = IssueKind::OutsideTransaction {
            id: b"BHT",
            before_st: None,
        };
        assert_eq!(kinds(&s), [&issue]);
        let (_, _, tx) = s.transactions().next().expect("a set");
        assert_eq!(tx.early_bht, None);

        let first = format!("{gs}{isa}ST*837*0001~BHT*0019~SE*3*0001~GE*1*7~IEA*1*000000001~");
        let s = scan(first.as_bytes());
        let isa_at = first.find("ISA").expect("an ISA");
        assert_eq!(kinds(&s), [&IssueKind::GsBeforeIsa { isa_at }]);
        let g = s.groups().next().expect("a group");
        assert_eq!((g.gs.map(|gs| gs.value(6)), g.count), (Some(&b"7"[..]), 1));

        // The set's own BHT elsewhere (out of order, or its id run into BHT01): the BHT
        // before ST is a copy outside the set.
        for own in ["HL*1~BHT*0019~", "BHT0019~HL*1~"] {
            let text = swapped.replace("HL*1~", own);
            let s = scan(text.as_bytes());
            let (_, _, tx) = s.transactions().next().expect("a set");
            assert_eq!(tx.early_bht, None, "{own}");
        }
        // A GS before a complete interchange (its ISA followed by its own GS): no swap.
        let copied = first.replacen("ST*", &format!("{gs}ST*"), 1);
        let s = scan(copied.as_bytes());
        assert!(
            !kinds(&s)
                .iter()
                .any(|k| matches!(k, IssueKind::GsBeforeIsa { .. })),
            "{:?}",
            kinds(&s)
        );
    }

    /// SE and GE swapped, GE and IEA swapped, the GS written twice: one issue each, naming
    /// the slip; an SE after the GE that is not that set's (SE02 differs) keeps both issues.
    #[test]
    fn trailers_swapped_and_gs_twice_are_one_issue_each() {
        let isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *260105*1200*^*00501*000000001*0*P*:~";
        let gs = "GS*HC*A*B*20260105*1200*7*X*005010X222A1~";
        let set = "ST*837*0001~BHT*0019~";
        let se_ge = format!("{isa}{gs}{set}GE*1*7~SE*3*0001~IEA*1*000000001~");
        let s = scan(se_ge.as_bytes());
        let ge_at = se_ge.find("GE*").expect("a GE");
        let issue = IssueKind::SeMissing {
            st02: b"0001",
            ended_by: Some((b"GE", ge_at)),
            late_se: Some(b"SE*3*0001"),
            group_cut: None,
            bare: false,
        };
        assert_eq!(kinds(&s), [&issue]);
        let other = se_ge.replace("SE*3*0001", "SE*3*0002");
        assert_eq!(scan(other.as_bytes()).issues.len(), 2);

        let ge_iea = format!("{isa}{gs}{set}SE*3*0001~IEA*1*000000001~GE*1*7~\n");
        let s = scan(ge_iea.as_bytes());
        let before = ge_iea.find("IEA*").expect("an IEA");
        let issue = IssueKind::GeMissing {
            gs06: b"7",
            before,
            late_ge: Some(b"GE*1*7"),
        };
        assert_eq!(kinds(&s), [&issue]);
        let g = s.groups().next().expect("a group");
        assert_eq!(g.ge.map(|ge| ge.value(1)), Some(&b"1"[..]));

        let gs_twice = format!("{isa}{gs}{gs}{set}SE*3*0001~GE*1*7~IEA*1*000000001~");
        let s = scan(gs_twice.as_bytes());
        let next_at = gs_twice.match_indices("GS*").nth(1).expect("two").0;
        assert_eq!(kinds(&s), [&IssueKind::GsTwice { next_at }]);
        assert_eq!(s.groups().count(), 1);
    }

    fn kinds<'a>(scan: &'a Scan<'a>) -> Vec<&'a IssueKind<'a>> {
        scan.issues.iter().map(|i| &i.kind).collect()
    }

    /// The scan's spans give the segments a second lexing of each set's range gives: same
    /// bytes, offsets and positions, with layout, empty segments, a missing SE, a set cut by
    /// the end of the input and a fragment without envelope.
    #[test]
    fn spans_give_the_segments_lexing_gives() {
        let isa = "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260120*1200*^*00501*000000001*0*P*:~";
        let inputs = [
            format!(
                "{isa}GS*HC*S*R*20260120*1200*1*X*005010X222A1~ST*837*0001~BHT*0019~SE*3*0001~GE*1*1~IEA*1*000000001~"
            ),
            format!(
                "{isa}\r\n  GS*HC*S*R*20260120*1200*1*X*005010X222A1~\r\nST*837*0001~\r\n\tBHT*0019~~~NM1*41~\r\nSE*4*0001~ST*837*0002~HL*1~GE*1*1~IEA*1*000000001~"
            ),
            format!("{isa}GS*HC*S*R*20260120*1200*1*X*005010X222A1~ST*837*0001~BHT*0019~CLM*A*1"),
            "ST*837*0001*005010X222A1\nBHT*0019\r\nSE*3*0001\nST*837*0002\nHL*1\n".to_string(),
            // ST and GS swapped (the GS is not a segment of the set), the ST written twice.
            format!(
                "{isa}ST*837*0001~GS*HC*S*R*20260120*1200*1*X*005010X222A1~BHT*0019~SE*3*0001~GE*1*1~IEA*1*000000001~"
            ),
            format!(
                "{isa}GS*HC*S*R*20260120*1200*1*X*005010X222A1~ST*837*0001~ST*837*0001~BHT*0019~SE*3*0001~GE*1*1~IEA*1*000000001~"
            ),
        ];
        for input in &inputs {
            let bytes = input.as_bytes();
            let mut seen = 0;
            scan_streaming(bytes, &mut |_, tx, spans| {
                let spans = spans.expect("spans of a small set");
                let spans = spans.as_slice();
                fn key<'k>(s: Segment<'k>) -> (&'k [u8], usize, u32) {
                    (s.bytes, s.offset, s.position)
                }
                let want: Vec<_> = segments(bytes, tx).map(key).collect();
                let got: Vec<_> = segments_at(bytes, tx, spans).map(key).collect();
                assert_eq!(got, want, "{input}");
                assert_eq!(got.len(), tx.segment_count as usize, "{input}");
                seen += 1;
            });
            assert!(seen > 0, "{input}");
        }
    }

    #[test]
    fn fragment_delimiters_are_read_from_the_st() {
        let d = fragment_delims(b"ST*837*0001*005010X222A1~BHT*0019~").unwrap();
        assert_eq!(
            (d.element, d.component, d.repetition, d.segment),
            (b'*', b':', Some(b'^'), b'~')
        );
        let d = fragment_delims(b"ST|837|0001\r\nSV1|HC>99213|1\r\n").unwrap();
        assert_eq!((d.element, d.component, d.segment), (b'|', b'>', b'\n'));
        // Segments on lines of their own (`~` then a line break): the composites are found
        // all the same, in HI, SV1, SV2 or CLM05, whichever comes first.
        let lines = b"ST|837|0001|005010X222A1~\nBHT|0019~\nCLM|A1|10|||11>B>1~\nHI|ABK>M810~\n";
        let d = fragment_delims(lines).unwrap();
        assert_eq!((d.element, d.component, d.segment), (b'|', b'>', b'~'));
        for body in [
            &b"ST|837|0001~\r\nHI|BK>M810~"[..],
            b"ST|837|0001~\nSV2|0636|HC>J3490|10~",
            b"ST|837|0001~ CLM|A1|10|||13>A>1~",
        ] {
            let d = fragment_delims(body).unwrap();
            assert_eq!(d.component, b'>', "{}", String::from_utf8_lossy(body));
        }
        // No composite to read it from: the default.
        let d = fragment_delims(b"ST|837|0001~\nBHT|0019~").unwrap();
        assert_eq!(d.component, b':');
        let d = fragment_delims(b"ST*837*0001").unwrap();
        assert_eq!(d.segment, b'~');
        assert!(fragment_delims(b"STX*1").is_none());
        assert!(fragment_delims(b"NM1*1").is_none());
        assert!(fragment_delims(b"S").is_none());
        // Text that starts with `ST.` or `GS-` is not a fragment: ST01 is 3 digits, GS01 two
        // capitals.
        assert!(fragment_delims(b"ST. LOUIS CLINIC~").is_none());
        assert!(fragment_delims(b"ST,claim,units\n").is_none());
        assert!(fragment_delims(b"GS-1 notes: the group header").is_none());
        assert!(fragment_delims(b"GS*HC*SENDER*RECEIVER~").is_some());
    }

    /// Text in any common encoding is text; binary and UTF-16 are told apart from it.
    #[test]
    fn text_binary_and_utf16_are_told_apart() {
        assert!(!looks_binary(
            "# Notes \u{2014} ISA \u{2192} IEA, \u{2264} 1\n".as_bytes()
        ));
        assert!(!looks_binary(b"name,city\nJos\xe9 Mu\xf1oz,San Jos\xe9\n"));
        assert!(looks_binary(b"PK\x03\x04\x14\x00\x00\x00"));
        assert!(looks_binary(&[
            0x86, 0x23, 0xAE, 0x81, 0xF1, 0xC0, 0x9A, 0xEE
        ]));
        assert!(looks_utf16(b"I\0S\0A\0*\0"));
        assert!(looks_utf16(b"\xff\xfeI\0"));
        assert!(!looks_utf16(b"ISA*00*"));
    }

    #[test]
    fn fragment_is_one_issue_and_its_set_is_read() {
        let input = b"ST*837*0001*005010X222A1~BHT*0019~SE*3*0001~GE*1*1~IEA*1*000000001~";
        let scan = scan(input);
        assert!(matches!(
            kinds(&scan).as_slice(),
            [IssueKind::Fragment { id: b"ST", .. }]
        ));
        assert_eq!(scan.transaction_count(), 1);
        assert!(scan.interchanges.is_empty());
    }

    /// A file cut inside a segment of an open set: one `Truncated` issue at the ISA naming
    /// the set, group and interchange left open, and the partial segment is not in the set.
    #[test]
    fn a_cut_is_one_issue() {
        let isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *260105*1200*^*00501*000000001*0*P*:~";
        let text = format!(
            "{isa}GS*HC*A*B*20260105*1200*7*X*005010X222A1~ST*837*0001~HL*1**20*1~CLM*X*1~LX"
        );
        let s = scan(text.as_bytes());
        assert_eq!(
            kinds(&s),
            [&IssueKind::Truncated {
                end: text.len(),
                next_isa: false,
                cut: Some(b"LX"),
                terminator: b'~',
                st02: Some(b"0001"),
                st_at: text.find("ST*"),
                gs06: Some(b"7"),
                isa13: Some(b"000000001"),
                from: Some(3),
            }]
        );
        assert_eq!(s.issues[0].loc.segment.as_str(), "ISA");
        let (_, _, tx) = s.transactions().next().unwrap();
        assert_eq!(tx.segment_count, 3);
        // Only the IEA missing (the input ends after GE): that one finding, as before.
        let text = format!("{isa}GS*HC*A*B*20260105*1200*7*X*005010X222A1~GE*0*7~");
        let s = scan(text.as_bytes());
        assert!(matches!(
            kinds(&s).as_slice(),
            [IssueKind::IeaMissing {
                another_isa: false,
                ..
            }]
        ));
    }

    #[test]
    fn complete_iea_without_terminator() {
        let isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *260105*1200*^*00501*000000001*0*P*:~";
        let whole = format!("{isa}IEA*0*000000001");
        let s = scan(whole.as_bytes());
        assert!(matches!(
            kinds(&s).as_slice(),
            [IssueKind::FinalTerminatorMissing { terminator: b'~' }]
        ));
        assert!(s.interchanges[0].iea.is_some());
        let cut = format!("{isa}IEA*0*0000");
        let s = scan(cut.as_bytes());
        assert!(matches!(
            kinds(&s).as_slice(),
            [IssueKind::Unterminated { id: b"IEA", .. }]
        ));
        assert!(s.interchanges[0].iea.is_none());
    }

    /// What a transfer appends is not data: NUL padding to a block size and a DOS end-of-file
    /// byte (SUB) after the last IEA or between interchanges, like layout, are no finding; an
    /// IEA that lacks only its terminator before them is still ENV011's, and real data after
    /// the filler still ENV004's, counted from where it starts.
    #[test]
    fn transfer_filler_after_iea_is_not_data() {
        let isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *260105*1200*^*00501*000000001*0*P*:~";
        let ic = format!("{isa}IEA*0*000000001~");
        for tail in ["\u{1a}", "\r\n\u{1a}", "\0\0\0\0", "\n\0\0\u{1a}\0 \t\x0c"] {
            let one = format!("{ic}{tail}");
            let s = scan(one.as_bytes());
            assert!(kinds(&s).is_empty(), "{tail:?}: {:?}", kinds(&s));
            let two = format!("{ic}{tail}{}", ic.replace("000000001", "000000002"));
            let s = scan(two.as_bytes());
            assert!(kinds(&s).is_empty(), "{tail:?}: {:?}", kinds(&s));
            assert_eq!(s.interchanges.len(), 2);
            let unterminated = format!("{isa}IEA*0*000000001{tail}");
            let s = scan(unterminated.as_bytes());
            assert!(
                matches!(
                    kinds(&s).as_slice(),
                    [IssueKind::FinalTerminatorMissing { .. }]
                ),
                "{tail:?}: {:?}",
                kinds(&s)
            );
        }
        let junk = format!("{ic}\0\0END OF FILE\u{1a}\0");
        let s = scan(junk.as_bytes());
        assert!(matches!(
            kinds(&s).as_slice(),
            [IssueKind::DataAfterIea {
                len: 11,
                lower_isa: false
            }]
        ));
        assert_eq!(s.issues[0].loc.offset, ic.len() + 2);
        // The position the next segment of the file would have: the IEA's plus one.
        let iea = s.interchanges[0].iea.expect("the IEA is read");
        assert_eq!(s.issues[0].loc.position, iea.position + 1);
    }
}
