//! The gate's split (`claimlint gate`): the layout of each 837 transaction set (its header,
//! the 2000A/B/C HL loops with the segments that open them, and each claim's segments), taken
//! from the model while the input is checked, and the writer that puts a chosen set of claims
//! into a new interchange: a fresh ISA13/GS06/ST02, the header and the HL loops each claim
//! needs (HL01/HL02 renumbered, HL04 recomputed), every claim's segments copied byte for byte,
//! and SE/GE/IEA counts that match. Decides nothing: which claims go where is the command's.

use claimlint_model::Transaction;
use claimlint_x12::envelope::Interchange;
use claimlint_x12::{Delimiters, Segment};
use std::collections::BTreeSet;

/// An NM1 of the input: who a loop is about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Party {
    /// NM101.
    pub role: String,
    /// NM102: 1 person, 2 non-person.
    pub kind: String,
    /// NM103, NM104.
    pub last: String,
    pub first: String,
    /// NM108, NM109.
    pub id_qualifier: String,
    pub id: String,
}

impl Party {
    fn of(seg: &Segment<'_>) -> Party {
        let t = |n: usize| String::from_utf8_lossy(seg.value(n)).trim().to_string();
        Party {
            role: t(1),
            kind: t(2),
            last: t(3),
            first: t(4),
            id_qualifier: t(8),
            id: t(9),
        }
    }
}

/// One HL loop's opening: the HL and the segments before its first claim or next HL. Held
/// for every HL loop of the gate's input until its report is written, so it keeps offsets,
/// not text: its NM1 is read again from the input when the 277CA names it.
#[derive(Clone, Debug)]
pub struct HlLoop {
    /// Index of the HL in the transaction set; `end` one past its last opening segment.
    pub seg: u32,
    pub end: u32,
    /// The HL loop it is subordinate to (HL02), as an index into `TxLayout::hls` (`NONE`:
    /// none).
    parent: u32,
    /// Where the loop's first NM1 (2010AA, 2010BA, 2010CA) starts in the input (`u64::MAX`:
    /// it has none).
    party: u64,
}

/// No index: the layout's fields hold one in 32 bits, without `Option`'s eight.
const NONE: u32 = u32::MAX;

fn some(i: u32) -> Option<usize> {
    (i != NONE).then_some(i as usize)
}

impl HlLoop {
    /// The HL loop it is subordinate to (HL02), as an index into `TxLayout::hls`.
    pub fn parent(&self) -> Option<usize> {
        some(self.parent)
    }
}

/// One claim (2300 with its 2400s): segments `first..end` of the transaction set.
#[derive(Clone, Debug)]
pub struct ClaimSpan {
    pub first: u32,
    pub end: u32,
    /// The HL loop the claim is in (`NONE`: none).
    hl: u32,
    /// CLM01 then CLM02, as sent, in one allocation (`id_len` bytes of CLM01): the gate holds
    /// one per claim of its input, so it costs 40 bytes and this text.
    text: Box<str>,
    id_len: u32,
    /// The dates of service, CCYYMMDD: the claim's, else its lines' first and last (0: none).
    from: u32,
    to: u32,
}

impl ClaimSpan {
    /// The HL loop the claim is in.
    pub fn hl(&self) -> Option<usize> {
        some(self.hl)
    }

    /// The first date of service, CCYYMMDD.
    pub fn from(&self) -> Option<u32> {
        (self.from != 0).then_some(self.from)
    }

    /// The last date of service, CCYYMMDD.
    pub fn to(&self) -> Option<u32> {
        (self.to != 0).then_some(self.to)
    }

    /// CLM01 as sent (trimmed).
    pub fn id(&self) -> &str {
        self.text.get(..self.id_len as usize).unwrap_or_default()
    }

    /// CLM02 as sent (trimmed).
    pub fn charge(&self) -> &str {
        self.text.get(self.id_len as usize..).unwrap_or_default()
    }
}

/// What the split needs of one transaction set.
#[derive(Clone, Debug)]
pub struct TxLayout {
    /// Offset of the ST: how the layout is matched to the envelope scan.
    pub st_offset: usize,
    /// The offsets of the segments the split cuts at, by segment index, sorted: the ST, the
    /// header's first and last, each HL with the segment after it and its end, each claim's
    /// first and end (one past the last segment: its offset). Every segment's would cost
    /// eight bytes each, held for the whole gate. Two arrays, the indexes and their offsets,
    /// so a cut costs twelve bytes, not sixteen.
    cut_index: Box<[u32]>,
    cut_offset: Box<[usize]>,
    /// One past the header (ST, BHT, 1000A, 1000B): the first HL.
    pub header_end: u32,
    pub hls: Vec<HlLoop>,
    pub claims: Vec<ClaimSpan>,
    /// 1000A submitter, 1000B receiver.
    pub submitter: Option<Party>,
    pub receiver: Option<Party>,
    pub delims: Delimiters,
}

fn opens(seg: &Segment<'_>) -> bool {
    seg.is(b"HL") || seg.is(b"CLM") || seg.is(b"SE")
}

fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// A claim's span (its segments end at `end`, the next HL, CLM or SE) and what the 277CA
/// says of it.
fn claim_span(c: &claimlint_model::Claim<'_>, hls: &[HlLoop], end: u32) -> ClaimSpan {
    let line_dates = c.lines.iter().filter_map(|l| l.date);
    let from = c.date().or(line_dates.clone().map(|r| r.start).min());
    let to = c
        .service_date
        .or(c.statement)
        .map(|r| r.end)
        .or(line_dates.map(|r| r.end).max());
    let text = |e: Option<claimlint_x12::Element<'_>>| {
        e.map(|e| e.text().trim().to_string()).unwrap_or_default()
    };
    let (id, charge) = (text(c.id()), text(c.charge()));
    ClaimSpan {
        first: c.index,
        end,
        hl: hls
            .iter()
            .rposition(|h| h.seg < c.index)
            .map_or(NONE, index),
        id_len: index(id.len()),
        text: (id + &charge).into_boxed_str(),
        from: from.map_or(0, |d| d.0),
        to: to.map_or(0, |d| d.0),
    }
}

/// The layout of one transaction set, read from its model.
pub fn layout(tx: &Transaction<'_>) -> TxLayout {
    let segs = &tx.segments;
    let mut starts: Vec<usize> = segs.iter().map(|s| s.offset).collect();
    starts.push(segs.last().map_or(0, |s| s.offset + s.bytes.len() + 1));
    let next_opening = |from: usize| {
        (from + 1..segs.len())
            .find(|&i| segs.get(i).is_some_and(opens))
            .unwrap_or(segs.len())
    };
    let header_end = segs.iter().position(|s| s.is(b"HL")).unwrap_or(segs.len());
    let mut hls: Vec<HlLoop> = Vec::new();
    let mut ids: Vec<Vec<u8>> = Vec::new();
    for hl in &tx.hls {
        let i = hl.index as usize;
        let end = next_opening(i);
        let parent_id = hl.seg.value(2);
        let parent = ids.iter().rposition(|id| id.as_slice() == parent_id);
        let party = segs
            .get(i + 1..end)
            .and_then(|s| s.iter().find(|s| s.is(b"NM1")))
            .map(|s| s.offset);
        ids.push(hl.seg.value(1).to_vec());
        hls.push(HlLoop {
            seg: hl.index,
            end: index(end),
            parent: match parent {
                Some(p) if !parent_id.is_empty() => index(p),
                _ => NONE,
            },
            party: party.map_or(u64::MAX, |o| u64::try_from(o).unwrap_or(u64::MAX)),
        });
    }
    let claims: Vec<ClaimSpan> = tx
        .claims
        .iter()
        .map(|c| claim_span(c, &hls, index(next_opening(c.index as usize))))
        .collect();
    let header = segs.get(..header_end).unwrap_or(segs);
    let party = |role: &[u8]| {
        header
            .iter()
            .find(|s| s.is(b"NM1") && s.value(1) == role)
            .map(Party::of)
    };
    let (cut_index, cut_offset) = cuts(&starts, header_end, &hls, &claims);
    hls.shrink_to_fit();
    TxLayout {
        st_offset: segs.first().map_or(0, |s| s.offset),
        cut_index,
        cut_offset,
        header_end: index(header_end),
        hls,
        claims,
        submitter: party(b"41"),
        receiver: party(b"40"),
        delims: segs.first().map_or(
            Delimiters {
                element: b'*',
                component: b':',
                repetition: None,
                segment: b'~',
            },
            |s| s.delims,
        ),
    }
}

/// The cuts of a layout (`TxLayout::cut_index`, `cut_offset`) from the offsets of all its
/// segments.
fn cuts(
    starts: &[usize],
    header_end: usize,
    hls: &[HlLoop],
    claims: &[ClaimSpan],
) -> (Box<[u32]>, Box<[usize]>) {
    let mut at: Vec<u32> = vec![0, 1, index(header_end)];
    for h in hls {
        at.extend([h.seg, h.seg + 1, h.end]);
    }
    for c in claims {
        at.extend([c.first, c.end]);
    }
    at.sort_unstable();
    at.dedup();
    at.retain(|&i| (i as usize) < starts.len());
    let offsets: Vec<usize> = at
        .iter()
        .filter_map(|&i| starts.get(i as usize).copied())
        .collect();
    (at.into_boxed_slice(), offsets.into_boxed_slice())
}

impl TxLayout {
    /// Byte range of segments `first..end`, each with its terminator and what follows it
    /// (both must be cuts; any other index reads as offset 0, an empty range).
    pub fn bytes(&self, first: u32, end: u32) -> std::ops::Range<usize> {
        let at = |i: u32| {
            self.cut_index
                .binary_search(&i)
                .ok()
                .and_then(|k| self.cut_offset.get(k))
                .map_or(0, |&o| o)
        };
        at(first)..at(end).max(at(first))
    }

    /// The first NM1 of HL loop `h` (2010AA, 2010BA, 2010CA), read from `input`, the text
    /// this layout was taken from.
    pub fn party(&self, input: &[u8], h: usize) -> Option<Party> {
        let at = usize::try_from(self.hls.get(h)?.party).ok()?;
        let rest = input.get(at..)?;
        let len = rest
            .iter()
            .position(|&b| b == self.delims.segment)
            .unwrap_or(rest.len());
        let bytes = rest.get(..len)?;
        Some(Party::of(&Segment::unindexed(bytes, at, self.delims, 0)))
    }

    /// The bytes of the transaction set from its ST to its last cut (its SE).
    pub fn span(&self) -> std::ops::Range<usize> {
        self.st_offset..self.cut_offset.last().copied().unwrap_or(self.st_offset)
    }

    /// The HL loops claim `c` needs, outermost first.
    pub fn chain(&self, c: &ClaimSpan) -> Vec<usize> {
        let mut out = Vec::new();
        let mut at = c.hl();
        while let Some(h) = at {
            if out.contains(&h) {
                break;
            }
            out.push(h);
            at = self.hls.get(h).and_then(HlLoop::parent);
        }
        out.reverse();
        out
    }
}

/// Builds segments in an interchange's delimiters, counting them for SE01, and hands them to
/// its sink every 64 KiB: a split the size of its input is never held whole.
pub struct SegWriter<'s> {
    pub d: Delimiters,
    /// What follows each terminator in the input (a line break, or nothing).
    pub gap: String,
    out: Vec<u8>,
    pub count: u32,
    sink: &'s mut dyn std::io::Write,
    /// The sink's first error: nothing more is written after it, and `finish` returns it.
    failed: Option<std::io::Error>,
}

impl<'s> SegWriter<'s> {
    const SPILL: usize = 64 << 10;

    pub fn new(d: Delimiters, gap: String, sink: &'s mut dyn std::io::Write) -> SegWriter<'s> {
        SegWriter {
            d,
            gap,
            out: Vec::new(),
            count: 0,
            sink,
            failed: None,
        }
    }

    pub fn seg(&mut self, elements: &[&str]) {
        let last = elements.iter().rposition(|e| !e.is_empty()).unwrap_or(0);
        let sep = char::from(self.d.element).to_string();
        let text = elements.get(..=last).unwrap_or(elements).join(&sep);
        self.out.extend_from_slice(text.as_bytes());
        self.out.push(self.d.segment);
        self.out.extend_from_slice(self.gap.as_bytes());
        self.count += 1;
        self.spill(Self::SPILL);
    }

    pub fn copy(&mut self, bytes: &[u8], segments: u32) {
        self.out.extend_from_slice(bytes);
        self.count += segments;
        self.spill(Self::SPILL);
    }

    /// Writes the bytes made so far once there are at least `at` of them.
    fn spill(&mut self, at: usize) {
        if self.out.len() < at {
            return;
        }
        if self.failed.is_none()
            && let Err(e) = self.sink.write_all(&self.out)
        {
            self.failed = Some(e);
        }
        self.out.clear();
    }

    /// Writes what is left; the first error of the sink, if it had one.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.spill(0);
        self.failed.map_or(Ok(()), Err)
    }
}

/// One transaction set to write: its layout and the claims (indexes) chosen from it.
pub struct Part<'l> {
    pub layout: &'l TxLayout,
    pub claims: Vec<usize>,
}

/// The envelope values of a new interchange.
pub struct Controls {
    /// ISA13, nine digits; GS06 is it without leading zeros.
    pub isa13: String,
}

fn text(v: &[u8]) -> String {
    String::from_utf8_lossy(v).to_string()
}

/// A GS's id and its eight elements: one with fewer (GS08 left out) cannot be copied into a
/// valid group.
const GS_PARTS: usize = 9;

/// Whether the sets of the group `gs` opens can be written into a new interchange: it has a
/// GS, and one with its eight elements.
pub fn holds_sets(gs: Option<&Segment<'_>>) -> bool {
    gs.is_some_and(|g| g.bytes.split(|&b| b == g.delims.element).count() >= GS_PARTS)
}

/// Writes one interchange with the input interchange `ic`'s ISA (ISA13 replaced) and GS
/// (GS06 replaced) as its transaction sets come: `group` at each input group, `part` for
/// each transaction set with claims chosen from it (in input order), `finish` at the end. One
/// new group per input group that has a part and a GS (a set without a GS cannot be written
/// into a valid group; ENV findings reject its interchange); GE and IEA count what was
/// written, so nothing of the interchange is held but the part being written.
pub struct InterchangeWriter<'s> {
    w: SegWriter<'s>,
    isa13: String,
    /// The input group parts are being taken from: its GS, whether it is open (its new GS
    /// written, with the control number for GE and the sets written in it).
    gs: Option<Vec<String>>,
    open: Option<(String, usize)>,
    /// Groups with a part and a GS so far (GS06 is ISA13 + this), and groups written.
    groups: u64,
    written: usize,
}

impl<'s> InterchangeWriter<'s> {
    /// Starts the interchange: its ISA, as `ic`'s with ISA13 `c.isa13`.
    pub fn begin(
        input: &[u8],
        ic: &Interchange<'_>,
        c: &Controls,
        sink: &'s mut dyn std::io::Write,
    ) -> InterchangeWriter<'s> {
        let d = ic.delims();
        let isa_end = ic.isa.offset + ic.isa.bytes.len() + 1;
        let gap_len = input.get(isa_end..).map_or(0, |r| {
            r.iter().take_while(|b| b.is_ascii_whitespace()).count()
        });
        let gap = text(input.get(isa_end..isa_end + gap_len).unwrap_or_default());
        let mut w = SegWriter::new(d, gap, sink);
        let mut isa: Vec<String> = ic.isa.bytes.split(|&b| b == d.element).map(text).collect();
        if let Some(e) = isa.get_mut(13) {
            *e = c.isa13.clone();
        }
        let isa: Vec<&str> = isa.iter().map(String::as_str).collect();
        // The ISA keeps every element, empty or not (fixed width); its terminator as a byte.
        let mut head = isa.join(&char::from(d.element).to_string()).into_bytes();
        head.push(d.segment);
        head.extend_from_slice(w.gap.as_bytes());
        w.copy(&head, 0);
        InterchangeWriter {
            w,
            isa13: c.isa13.clone(),
            gs: None,
            open: None,
            groups: 0,
            written: 0,
        }
    }

    /// The next input group begins (`gs`: its GS, if it has one).
    pub fn group(&mut self, gs: Option<&Segment<'_>>) {
        self.close_group();
        let d = self.w.d;
        self.gs = gs.map(|g| g.bytes.split(|&b| b == d.element).map(text).collect());
    }

    /// Writes the transaction set of `part` with its chosen claims, into the current group.
    pub fn part(&mut self, input: &[u8], part: &Part<'_>) {
        if self.open.is_none() {
            let Some(mut gse) = self.gs.take() else {
                return; // no GS: left out
            };
            // GS06: ISA13 (then ISA13 + 1, + 2... for further groups), 1 to 9 digits.
            let base: u64 = self.isa13.parse().unwrap_or(1);
            let control = ((base + self.groups) % 1_000_000_000).max(1).to_string();
            self.groups += 1;
            if gse.len() < GS_PARTS {
                return; // a GS too short to copy: its sets are left out with it
            }
            gse[6] = control.clone();
            self.w
                .seg(&gse.iter().map(String::as_str).collect::<Vec<_>>());
            self.open = Some((control, 0));
        }
        let Some((_, sets)) = &mut self.open else {
            return;
        };
        *sets += 1;
        let st02 = format!("{:04}", *sets);
        transaction(input, &mut self.w, part, &st02);
    }

    fn close_group(&mut self) {
        if let Some((control, sets)) = self.open.take() {
            self.w.seg(&["GE", &sets.to_string(), &control]);
            self.written += 1;
        }
        self.gs = None;
    }

    /// Ends the interchange (GE, IEA); the sink's first error, if it had one.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.close_group();
        let written = self.written.to_string();
        self.w.seg(&["IEA", &written, &self.isa13]);
        self.w.finish()
    }
}

/// Writes one ST..SE with the chosen claims and the HL loops they need.
fn transaction(input: &[u8], w: &mut SegWriter<'_>, part: &Part<'_>, st02: &str) {
    let l = part.layout;
    w.count = 0;
    let st = input.get(l.bytes(0, 1)).unwrap_or_default();
    let st_seg: Vec<String> = st
        .split(|&b| b == l.delims.segment)
        .next()
        .unwrap_or_default()
        .split(|&b| b == l.delims.element)
        .map(text)
        .collect();
    let st03 = st_seg.get(3).cloned().unwrap_or_default();
    w.seg(&["ST", "837", st02, &st03]);
    w.copy(
        input.get(l.bytes(1, l.header_end)).unwrap_or_default(),
        l.header_end.saturating_sub(1),
    );
    // The HL loops written, in input order, and which of them have a child written.
    let mut needed: BTreeSet<usize> = BTreeSet::new();
    for &c in &part.claims {
        if let Some(claim) = l.claims.get(c) {
            needed.extend(l.chain(claim));
        }
    }
    let parents: BTreeSet<usize> = needed
        .iter()
        .filter_map(|&h| l.hls.get(h).and_then(HlLoop::parent))
        .collect();
    let mut numbers: Vec<Option<usize>> = vec![None; l.hls.len()];
    let mut next = 1;
    for &c in &part.claims {
        let Some(claim) = l.claims.get(c) else {
            continue;
        };
        for h in l.chain(claim) {
            if numbers[h].is_some() {
                continue;
            }
            numbers[h] = Some(next);
            write_hl(input, w, l, h, next, &numbers, parents.contains(&h));
            next += 1;
        }
        w.copy(
            input
                .get(l.bytes(claim.first, claim.end))
                .unwrap_or_default(),
            claim.end - claim.first,
        );
    }
    let count = (w.count + 1).to_string();
    w.seg(&["SE", &count, st02]);
}

/// Writes HL loop `h` as number `n` (its parent's new number in HL02, HL04 by whether a child
/// of it is written), then its opening segments as they are.
fn write_hl(
    input: &[u8],
    w: &mut SegWriter<'_>,
    l: &TxLayout,
    h: usize,
    n: usize,
    numbers: &[Option<usize>],
    has_child: bool,
) {
    let Some(hl) = l.hls.get(h) else { return };
    let parent = hl
        .parent()
        .and_then(|p| numbers.get(p).copied().flatten())
        .map(|p| p.to_string())
        .unwrap_or_default();
    let raw = input.get(l.bytes(hl.seg, hl.seg + 1)).unwrap_or_default();
    let seg = raw
        .split(|&b| b == l.delims.segment)
        .next()
        .unwrap_or_default();
    let mut el: Vec<String> = seg.split(|&b| b == l.delims.element).map(text).collect();
    el.resize(el.len().max(4), String::new());
    el[1] = n.to_string();
    el[2] = parent;
    if el.len() > 4 {
        el[4] = if has_child { "1" } else { "0" }.to_string();
    }
    w.seg(&el.iter().map(String::as_str).collect::<Vec<_>>());
    w.copy(
        input.get(l.bytes(hl.seg + 1, hl.end)).unwrap_or_default(),
        hl.end - hl.seg - 1,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Delimiters = Delimiters {
        element: b'*',
        component: b':',
        repetition: None,
        segment: b'~',
    };

    /// Segments reach the sink in order, in pieces of about 64 KiB, never all at once; what
    /// the sink gets is what one buffer would have held.
    #[test]
    fn a_writer_hands_its_segments_on_as_it_goes() {
        struct Pieces(Vec<usize>, Vec<u8>);
        impl std::io::Write for Pieces {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.push(b.len());
                self.1.extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut sink = Pieces(Vec::new(), Vec::new());
        let mut w = SegWriter::new(D, "\n".into(), &mut sink);
        let mut expected = Vec::new();
        for n in 0..20_000 {
            let n = n.to_string();
            w.seg(&["LX", &n]);
            expected.extend_from_slice(format!("LX*{n}~\n").as_bytes());
        }
        assert_eq!(w.count, 20_000);
        w.finish().unwrap();
        assert_eq!(sink.1, expected);
        assert!(sink.0.len() > 2, "{:?}", sink.0);
        assert!(sink.0.iter().all(|&n| n < (64 << 10) + 64), "{:?}", sink.0);
    }

    /// A sink that fails (a full disk) fails the writer: its first error is returned.
    #[test]
    fn a_failing_sink_fails_the_writer() {
        struct Full;
        impl std::io::Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("no space left"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut sink = Full;
        let mut w = SegWriter::new(D, String::new(), &mut sink);
        w.seg(&["ST", "837", "0001"]);
        let e = w.finish().unwrap_err();
        assert_eq!(e.to_string(), "no space left");
    }
}
