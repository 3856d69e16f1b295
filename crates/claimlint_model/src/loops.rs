//! The loop builder: places each segment of an 837 transaction set in its loop (1000A/B, the HL
//! tree 2000A → 2000B → 2000C with their 2010 loops, 2300 with 2310x/2320/2330x, 2400 with
//! 2410/2420x/2430/2440) and fills in the typed claims. Placement follows the loop-opening
//! segments of 005010X222A1 and 005010X223A2 (HL03, NM101, CLM, SBR, LX, LIN, SVD, LQ); a
//! segment that opens nothing stays in the innermost open loop. The IG conformance rules judge
//! order and usage; this layer only builds.

use super::Kind;
use super::claim::{Claim, Diagnosis, DrugLine, Hl, ServiceLine};
use super::value::DateRange;
use claimlint_ig as ig;
use claimlint_x12::Segment;
use claimlint_x12::split::SplitSegment;
use rustc_hash::FxHashMap as HashMap;
use std::sync::{Mutex, OnceLock};

#[derive(Clone, Debug)]
pub struct LoopNode {
    pub id: &'static str,
    pub parent: Option<u32>,
    /// Index of the first segment.
    pub first: u32,
    /// Index one past the last segment.
    pub end: u32,
}

pub struct Transaction<'a> {
    /// The guide the set is read with: `declared`, or the other one when every service line
    /// is written in it ([`written_as`]).
    pub kind: Kind,
    /// The guide GS08/ST03 name (exactly or as the closest release).
    pub declared: Kind,
    /// The guide the set's GS08 names (as read: exactly or as the closest release), set by
    /// the check from the set's GS ([`crate::group_guide`]); `None` without a GS, or a GS08
    /// naming no 837 guide claimlint reads. With `kind` and `declared` it tells an ST03 that
    /// alone names the other guide (ENV005's one finding, not also STR003's).
    pub group_guide: Option<Kind>,
    /// Every service line is an SV3: the set is an 837D (dental, 005010X224A2) under an
    /// 837P or 837I label, which neither guide here reads (ENV005 skips it).
    pub dental: bool,
    pub segments: Vec<Segment<'a>>,
    pub loops: Vec<LoopNode>,
    /// Loop index of each segment.
    pub seg_loop: Vec<u32>,
    pub hls: Vec<Hl<'a>>,
    pub claims: Vec<Claim<'a>>,
    /// Where the segments of the ids transaction-level rules look for stand, noted in the
    /// build's pass over the segments.
    pub by_id: crate::SegmentsById,
    /// The implementation-guide walk and element checks, computed on first use by
    /// [`Transaction::ig`] and shared by every rule that reads them.
    pub ig: OnceLock<IgCheck>,
    /// Segments already found clean by the guide check of earlier transaction sets of the
    /// same run, when the caller keeps such a memo ([`Transaction::share_clean_memo`]).
    clean_memo: Option<&'a Mutex<CleanMemo>>,
}

/// Segments the element check found clean, by definition, delimiters and bytes. Whether a
/// segment is clean depends on nothing else, so a memo kept across the transaction sets a
/// thread checks in turn answers exactly as checking again would: claims repeat many segments
/// byte for byte (dates, SBR, PRV, provider N3/N4), in other transaction sets as often as in
/// their own.
///
/// It owns copies of its keys' bytes in one buffer (no borrow of the input, no allocation per
/// entry), finds them by open addressing on a stored hash, and starts again when it holds
/// [`CleanMemo::LIMIT`] entries or bytes, so it stays under a few megabytes.
pub struct CleanMemo {
    /// Power-of-two slots, at most half full; `hash == 0` marks an empty one.
    slots: Vec<MemoSlot>,
    len: usize,
    bytes: Vec<u8>,
    /// How many times the slots were cleared or regrown: a [`MemoMiss`]'s slot is where its
    /// key goes only while this is unchanged.
    generation: u64,
}

/// A key's hash, definition address and delimiters (its bytes are compared apart).
type MemoKey = (u64, usize, u64);

/// A key [`CleanMemo::lookup`] did not find, and the empty slot that ended its search: while
/// the slots are neither cleared nor regrown (same `generation`) and that slot stays empty,
/// nothing was stored on the key's probe path since, so the key is still absent and that
/// slot is where [`CleanMemo::find`] would put it. [`CleanMemo::insert_key`] then stores it
/// there without searching again.
struct MemoMiss {
    key: MemoKey,
    slot: usize,
    generation: u64,
    /// False for a segment the memo does not keep ([`CleanMemo::never_repeats`]).
    keep: bool,
}

#[derive(Clone, Copy, Default)]
struct MemoSlot {
    hash: u64,
    def: usize,
    delims: u64,
    at: u32,
    len: u32,
}

impl Default for CleanMemo {
    fn default() -> Self {
        CleanMemo::new()
    }
}

impl CleanMemo {
    /// Entries, and bytes of keys, kept before the memo starts again.
    const LIMIT: usize = 1 << 16;
    const BYTES: usize = 1 << 21;

    pub fn new() -> CleanMemo {
        CleanMemo {
            slots: vec![MemoSlot::default(); 1 << 12],
            len: 0,
            bytes: Vec::new(),
            generation: 0,
        }
    }

    fn key(def: &ig::SegmentDef, seg: &Segment<'_>) -> MemoKey {
        use std::hash::Hasher;
        let d = seg.delims;
        let delims = u64::from_le_bytes([
            d.element,
            d.component,
            d.repetition.is_some().into(),
            d.repetition.unwrap_or(0),
            d.segment,
            0,
            0,
            0,
        ]);
        let def = std::ptr::from_ref(def) as usize;
        let mut h = rustc_hash::FxHasher::default();
        h.write(seg.bytes);
        h.write_usize(def);
        h.write_u64(delims);
        // Zero marks an empty slot.
        (h.finish() | 1, def, delims)
    }

    /// Where the key is, or the empty slot where it would go.
    fn find(&self, (hash, def, delims): MemoKey, bytes: &[u8]) -> (usize, bool) {
        let mask = self.slots.len() - 1;
        let mut i = (hash as usize) & mask;
        loop {
            let s = self.slots[i];
            if s.hash == 0 {
                return (i, false);
            }
            if s.hash == hash
                && s.def == def
                && s.delims == delims
                && self.bytes.get(s.at as usize..(s.at + s.len) as usize) == Some(bytes)
            {
                return (i, true);
            }
            i = (i + 1) & mask;
        }
    }

    /// `None` when `seg` is known clean under `def`; else its key and where it would go, for
    /// [`CleanMemo::insert_key`] once the check finds it clean (hashed and searched once,
    /// not twice). A segment of a definition that [never repeats](CleanMemo::never_repeats)
    /// is neither hashed nor searched: it is not there.
    fn lookup(&self, def: &ig::SegmentDef, seg: &Segment<'_>) -> Option<MemoMiss> {
        if CleanMemo::never_repeats(def) {
            return Some(MemoMiss {
                key: (0, 0, 0),
                slot: 0,
                generation: self.generation,
                keep: false,
            });
        }
        let key = CleanMemo::key(def, seg);
        let (slot, found) = self.find(key, seg.bytes);
        (!found).then_some(MemoMiss {
            key,
            slot,
            generation: self.generation,
            keep: true,
        })
    }

    /// Whether the segments of `def` carry a number of their own, so that one never comes
    /// twice in a set and rarely across sets: the HL (HL01 numbers the set's HLs) and the CLM
    /// (CLM01 is the claim's id). The memo keeps none of them: for them it would only be
    /// hashed, searched and grown (a 5 MB 837P checks 10,423 of each, none found there). It
    /// is a cache only, so what it leaves out changes no finding.
    fn never_repeats(def: &ig::SegmentDef) -> bool {
        matches!(def.id, "HL" | "CLM")
    }

    #[cfg(test)]
    fn contains(&self, def: &ig::SegmentDef, seg: &Segment<'_>) -> bool {
        self.lookup(def, seg).is_none()
    }

    /// Records `seg` as clean under `def`.
    #[cfg(test)]
    fn insert(&mut self, def: &ig::SegmentDef, seg: &Segment<'_>) {
        if let Some(miss) = self.lookup(def, seg) {
            self.insert_key(miss, seg.bytes);
        }
    }

    /// Records the segment of `bytes` (its key and slot from [`CleanMemo::lookup`]) as
    /// clean.
    fn insert_key(&mut self, miss: MemoMiss, bytes: &[u8]) {
        if !miss.keep {
            return;
        }
        if self.len >= CleanMemo::LIMIT || self.bytes.len() + bytes.len() > CleanMemo::BYTES {
            self.slots.fill(MemoSlot::default());
            self.len = 0;
            self.bytes.clear();
            self.generation += 1;
        }
        let (Ok(at), Ok(len)) = (u32::try_from(self.bytes.len()), u32::try_from(bytes.len()))
        else {
            return;
        };
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let key = miss.key;
        let still_vacant = miss.generation == self.generation
            && self.slots.get(miss.slot).is_some_and(|s| s.hash == 0);
        let i = if still_vacant {
            miss.slot
        } else {
            match self.find(key, bytes) {
                (_, true) => return,
                (i, false) => i,
            }
        };
        self.bytes.extend_from_slice(bytes);
        self.slots[i] = MemoSlot {
            hash: key.0,
            def: key.1,
            delims: key.2,
            at,
            len,
        };
        self.len += 1;
    }

    fn grow(&mut self) {
        self.generation += 1;
        let doubled = vec![MemoSlot::default(); self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        let mask = self.slots.len() - 1;
        for s in old.into_iter().filter(|s| s.hash != 0) {
            let mut i = (s.hash as usize) & mask;
            while self.slots[i].hash != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }
}

/// What the TR3 tables say about one transaction set: where each segment sits in the guide's
/// loop tree, the structural findings of that walk, and the element findings of every placed
/// segment. One allocation per vector per transaction set; a clean segment adds nothing but
/// its placement.
#[derive(Debug)]
pub struct IgCheck {
    pub guide: &'static ig::GuideDef,
    /// One per segment of the transaction set, ST first.
    pub placements: Vec<ig::Placement>,
    pub structure: Vec<ig::StructureIssue>,
    /// (segment index, finding), in segment order.
    pub elements: Vec<(u32, ig::ElementIssue)>,
    /// (segment index, the separator slips that make it valid), in segment order: segments
    /// whose findings on several elements all follow from one to three slipped separators,
    /// or those on one composite from a component left out.
    pub realigned: Vec<(u32, crate::realign::Realignment)>,
    /// (segment index, where the walk placed it as written), in segment order: segments whose
    /// qualifier is another definition's code, read with the code the structure asks for
    /// there (`requalify`); their one finding is that qualifier.
    pub requalified: Vec<(u32, ig::Placement)>,
}

impl IgCheck {
    /// Walks `segments` through `guide` and validates each placed segment against its
    /// definition.
    pub fn run(guide: &'static ig::GuideDef, segments: &[Segment<'_>]) -> IgCheck {
        IgCheck::run_with(guide, segments, &mut CleanMemo::new())
    }

    /// [`IgCheck::run`] with a memo of segments found clean, which it reads and adds to.
    /// When the walk found the structure off, a segment whose qualifier is another
    /// definition's code may have led it astray: `requalify` reads such segments as meant.
    pub fn run_with(
        guide: &'static ig::GuideDef,
        segments: &[Segment<'_>],
        clean: &mut CleanMemo,
    ) -> IgCheck {
        let (check, _) = IgCheck::walk_and_validate(guide, segments, &[], clean, usize::MAX);
        if check.structure.is_empty() {
            return check;
        }
        crate::requalify::settle(check, segments, clean)
    }

    /// The walk of `segments`, those of `swaps` (segment index, in index order) walked in
    /// their place, and each placed segment validated as written; whether it went to the end:
    /// it stops once it has more than `limit` element findings (a trial reading that cannot
    /// be better than the one it is weighed against).
    pub(crate) fn walk_and_validate(
        guide: &'static ig::GuideDef,
        segments: &[Segment<'_>],
        swaps: &[(usize, Segment<'_>)],
        clean: &mut CleanMemo,
        limit: usize,
    ) -> (IgCheck, bool) {
        // One pass: each segment is split once (on the stack), placed by the walk, and
        // validated with the same split against the definition it was placed on.
        let mut walking = ig::Walking::with_capacity(guide, segments.len());
        let mut complete = true;
        let walked = |k: usize| match swaps.binary_search_by_key(&k, |(j, _)| *j) {
            Ok(at) => swaps.get(at).map(|(_, s)| s),
            Err(_) => segments.get(k),
        };
        let mut elements = Vec::new();
        let mut realigned = Vec::new();
        let mut searched: HashMap<(usize, &[u8]), Option<crate::realign::Realignment>> =
            HashMap::default();
        let mut found = Vec::new();
        // One split, made over for each segment to validate.
        let mut split: Option<SplitSegment<'_>> = None;
        for (i, seg) in segments.iter().enumerate() {
            // The walk reads a segment's id and at most a qualifier or two, which the
            // segment's separator index answers; only a segment to validate is split.
            let ahead = |k: usize| walked(i + 1 + k);
            let placement = walking.step(walked(i).unwrap_or(seg), &ahead);
            let Some(def) = placement.segment() else {
                continue;
            };
            let Some(miss) = clean.lookup(def, seg) else {
                continue; // clean before: clean again
            };
            // Most segments are clean: only one that is not is split and validated.
            if ig::segment_is_clean(def, seg) {
                clean.insert_key(miss, seg.bytes);
                continue;
            }
            let split = match split.as_mut() {
                Some(s) => {
                    s.resplit(seg);
                    s
                }
                None => split.insert(SplitSegment::new(seg)),
            };
            ig::validate_placed(placement, split, &mut found);
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            if found.is_empty() {
                clean.insert_key(miss, seg.bytes);
            } else {
                // Slips show on two elements or more; a composite written with another
                // separator, or short of a component, on one (`realign::search` says which).
                // A defect repeated claim after claim is searched once per set.
                let memo_key = (std::ptr::from_ref(def) as usize, seg.bytes);
                let r = searched.entry(memo_key).or_insert_with(|| {
                    (!envelope_owns_slip(seg))
                        .then(|| crate::realign::search(placement, seg, &found))
                        .flatten()
                });
                if let Some(r) = r {
                    realigned.push((i, r.clone()));
                }
            }
            elements.extend(found.drain(..).map(|issue| (i, issue)));
            if elements.len() > limit {
                complete = false;
                break;
            }
        }
        let walk = walking.finish();
        let check = IgCheck {
            guide,
            placements: walk.placements,
            structure: walk.issues,
            elements,
            realigned,
            requalified: Vec::new(),
        };
        (check, complete)
    }

    /// The separator slips that make segment `seg_index` valid, when its findings follow
    /// from them.
    pub fn realignment(&self, seg_index: usize) -> Option<&crate::realign::Realignment> {
        let i = u32::try_from(seg_index).ok()?;
        let at = self.realigned.binary_search_by_key(&i, |(s, _)| *s).ok()?;
        self.realigned.get(at).map(|(_, r)| r)
    }

    /// Where the walk placed segment `seg_index` as written, when its qualifier was read as
    /// another definition's code (its placement is the definition it was meant as).
    pub fn requalified(&self, seg_index: usize) -> Option<&ig::Placement> {
        let i = u32::try_from(seg_index).ok()?;
        let at = self
            .requalified
            .binary_search_by_key(&i, |(s, _)| *s)
            .ok()?;
        self.requalified.get(at).map(|(_, p)| p)
    }

    pub fn placement(&self, seg_index: usize) -> Option<&ig::Placement> {
        self.placements.get(seg_index)
    }

    /// Whether the walk placed segment `seg_index` in the guide (not unexpected, not beyond
    /// the set).
    pub fn is_placed(&self, seg_index: usize) -> bool {
        matches!(
            self.placement(seg_index),
            Some(ig::Placement::Placed { .. })
        )
    }

    /// Whether the element check found anything on segment `seg_index`.
    pub fn has_element_issue(&self, seg_index: usize) -> bool {
        let at = self
            .elements
            .partition_point(|(i, _)| (*i as usize) < seg_index);
        self.elements
            .get(at)
            .is_some_and(|(i, _)| *i as usize == seg_index)
    }

    /// The TR3 loop the guide placed the segment in (`2010AA`), `None` for the header
    /// segments (ST, BHT, SE) and for segments that fit nowhere.
    pub fn loop_id(&self, seg_index: usize) -> Option<&'static str> {
        self.placement(seg_index)?.path()?.last().copied()
    }
}

/// Whether `seg` is an ST whose slip the envelope rules report and read
/// (`claimlint_x12::slip::Read::st`): ST02 and ST03 run together (`ST*837*0001005010X222A1`,
/// ENV002). The guide walk's findings on it then follow from that root (its own search
/// could read the ST another way, ST02 left out, and be a second root of one slip).
fn envelope_owns_slip(seg: &Segment<'_>) -> bool {
    use claimlint_x12::slip::{Read, Slip};
    seg.is(b"ST") && matches!(Read::st(seg).slip, Some(Slip::Joined { at: 2, .. }))
}

impl<'a> Transaction<'a> {
    pub fn st(&self) -> Option<&Segment<'a>> {
        self.segments.first().filter(|s| s.is(b"ST"))
    }

    /// ST02 as meant (a separator slip undone: `ST*837**0001*…` is set 0001), the name of the
    /// set in findings, as the envelope scan and the 999 name it.
    pub fn control_number(&self) -> Option<String> {
        let st = claimlint_x12::slip::Read::st(self.st()?);
        st.written(2)?;
        Some(String::from_utf8_lossy(st.value(2)).into_owned())
    }

    /// The segments of id `x` with their indexes, in order: those `segments.iter().enumerate()`
    /// filtered on `is(x.id())` gives, from the positions noted at build ([`Self::by_id`]).
    pub fn segments_of(&self, x: crate::Indexed) -> impl Iterator<Item = (usize, &Segment<'a>)> {
        self.segments_of_in(x, 0, u32::MAX)
    }

    /// [`Self::segments_of`] from segment `from` to before segment `end` (a claim's), found
    /// by a binary search of the positions rather than a test of each segment between.
    pub fn segments_of_in(
        &self,
        x: crate::Indexed,
        from: u32,
        end: u32,
    ) -> impl Iterator<Item = (usize, &Segment<'a>)> {
        let at = self.by_id.of(x);
        let at = at
            .get(at.partition_point(|&k| k < from)..)
            .unwrap_or_default();
        let at = at
            .iter()
            .take_while(move |&&k| k < end)
            .map(|&k| k as usize);
        at.filter_map(|k| Some((k, self.segments.get(k)?)))
    }

    pub fn loop_of(&self, seg_index: usize) -> Option<&'static str> {
        // A segment the guide check read with another qualifier (`NM1*87` where 2010AA's
        // `NM1*85` belongs) is in the loop it was meant to open, not the one its code opens.
        let meant = self
            .ig
            .get()
            .filter(|ig| ig.requalified(seg_index).is_some());
        if let Some(path) = meant.and_then(|ig| ig.placement(seg_index)?.path()) {
            return path.last().copied();
        }
        let l = *self.seg_loop.get(seg_index)?;
        self.loops.get(l as usize).map(|n| n.id)
    }

    pub fn bht(&self) -> Option<&Segment<'a>> {
        self.segments.iter().take(3).find(|s| s.is(b"BHT"))
    }

    /// Has the implementation-guide check run (a rule asked for it)?
    pub fn ig_checked(&self) -> bool {
        self.ig.get().is_some()
    }

    /// The implementation-guide check of this transaction set, run once on first use.
    pub fn ig(&self) -> &IgCheck {
        self.ig.get_or_init(|| {
            let g = match self.kind {
                Kind::Professional => ig::Guide::X222A1,
                Kind::Institutional => ig::Guide::X223A2,
            };
            let guide = ig::guide(g);
            // A poisoned memo (a panic elsewhere while it was held) is only a cache; one that
            // another check holds is left to it (a memo only saves work: a fresh one gives
            // the same findings), so no check waits for one.
            let memo = self.clean_memo.and_then(|m| match m.try_lock() {
                Ok(memo) => Some(memo),
                Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
                Err(std::sync::TryLockError::WouldBlock) => None,
            });
            match memo {
                Some(mut memo) => IgCheck::run_with(guide, &self.segments, &mut memo),
                None => IgCheck::run(guide, &self.segments),
            }
        })
    }

    /// Lets the guide check of this transaction set read and add to `memo`, which the caller
    /// keeps across the transaction sets it checks one after another.
    pub fn share_clean_memo(&mut self, memo: &'a Mutex<CleanMemo>) {
        self.clean_memo = Some(memo);
    }

    pub fn service_line_count(&self) -> usize {
        self.claims.iter().map(|c| c.lines.len()).sum()
    }
}

/// Which loop an NM1 opens under a given anchor loop, by NM101.
fn nm1_loop(kind: Kind, anchor: &str, q: &[u8]) -> Option<&'static str> {
    use Kind::*;
    Some(match (anchor, kind, q) {
        ("HEADER", _, b"41") => "1000A",
        ("HEADER", _, b"40") => "1000B",
        ("2000A", _, b"85") => "2010AA",
        ("2000A", _, b"87") => "2010AB",
        ("2000A", _, b"PE") => "2010AC",
        ("2000B", _, b"IL") => "2010BA",
        ("2000B", _, b"PR") => "2010BB",
        ("2000C", _, b"QC") => "2010CA",
        ("2300", Professional, b"DN" | b"P3") => "2310A",
        ("2300", Professional, b"82") => "2310B",
        ("2300", Professional, b"77") => "2310C",
        ("2300", Professional, b"DQ") => "2310D",
        ("2300", Professional, b"PW") => "2310E",
        ("2300", Professional, b"45") => "2310F",
        ("2300", Institutional, b"71") => "2310A",
        ("2300", Institutional, b"72") => "2310B",
        ("2300", Institutional, b"ZZ") => "2310C",
        ("2300", Institutional, b"82") => "2310D",
        ("2300", Institutional, b"77") => "2310E",
        ("2300", Institutional, b"DN") => "2310F",
        ("2320", _, b"IL") => "2330A",
        ("2320", _, b"PR") => "2330B",
        ("2320", Professional, b"DN" | b"P3") => "2330C",
        ("2320", Professional, b"82") => "2330D",
        ("2320", Professional, b"77") => "2330E",
        ("2320", Professional, b"DQ") => "2330F",
        ("2320", Professional, b"85") => "2330G",
        ("2320", Institutional, b"71") => "2330C",
        ("2320", Institutional, b"72") => "2330D",
        ("2320", Institutional, b"ZZ") => "2330E",
        ("2320", Institutional, b"77") => "2330F",
        ("2320", Institutional, b"82") => "2330G",
        ("2320", Institutional, b"DN") => "2330H",
        ("2320", Institutional, b"85") => "2330I",
        ("2400", Professional, b"82") => "2420A",
        ("2400", Professional, b"QB") => "2420B",
        ("2400", Professional, b"77") => "2420C",
        ("2400", Professional, b"DQ") => "2420D",
        ("2400", Professional, b"DK") => "2420E",
        ("2400", Professional, b"DN" | b"P3") => "2420F",
        ("2400", Professional, b"PW") => "2420G",
        ("2400", Professional, b"45") => "2420H",
        ("2400", Institutional, b"72") => "2420A",
        ("2400", Institutional, b"ZZ") => "2420B",
        ("2400", Institutional, b"82") => "2420C",
        ("2400", Institutional, b"DN") => "2420D",
        _ => return None,
    })
}

/// For one loop, the innermost loop of each anchor kind among it and its ancestors. Kept per
/// loop and inherited from the parent when a loop opens, so finding an anchor costs the same
/// however deep the HL chain is (issue 13: walking the chain made 100,000 levels quadratic).
#[derive(Clone, Copy, Default)]
struct Anchors {
    nm1: Option<u32>,
    clm: Option<u32>,
    claim: Option<u32>,
    line: Option<u32>,
}

impl Anchors {
    /// These anchors with loop `idx`, of loop id `id`, made the anchor of its kinds: an NM1
    /// anchor (an NM1 may open a child loop under 2400, 2320, 2300, 2000C, 2000B, 2000A and
    /// the header), a CLM anchor (a CLM opens its 2300 under 2000C, 2000B, 2000A and 2000),
    /// the claim (2300) or the line (2400). One `match` on the id, not a search of lists of
    /// ids: this runs for every loop opened.
    fn with(mut self, id: &str, idx: u32) -> Anchors {
        let me = Some(idx);
        match id {
            "2400" => (self.nm1, self.line) = (me, me),
            "2300" => (self.nm1, self.claim) = (me, me),
            "2320" | "HEADER" => self.nm1 = me,
            "2000C" | "2000B" | "2000A" => (self.nm1, self.clm) = (me, me),
            "2000" => self.clm = me,
            _ => {}
        }
        self
    }
}

/// Where an HL is: the loop it opened (in `Builder::loops`) and its place in `Builder::hls`.
#[derive(Clone, Copy)]
struct HlAt {
    at: u32,
    hl: usize,
}

struct Builder<'a> {
    kind: Kind,
    loops: Vec<LoopNode>,
    /// One per loop, as `loops`.
    anchors: Vec<Anchors>,
    /// The innermost open loop; the open loops are it and its ancestors.
    current: u32,
    /// The set's HLs, in order.
    hls: Vec<Hl<'a>>,
    /// The last HL of each HL01 so far: one lookup finds an HL's parent both in `loops`
    /// and in `hls`.
    hl_ids: HashMap<&'a [u8], HlAt>,
    billing_npi: Option<claimlint_x12::Element<'a>>,
    subscriber_id: Option<claimlint_x12::Element<'a>>,
    patient_id: Option<claimlint_x12::Element<'a>>,
    /// The 2010CA NM1 and DMG of the open patient loop (indices into the segments).
    patient_name: Option<u32>,
    patient_birth: Option<u32>,
}

impl<'a> Builder<'a> {
    fn new(kind: Kind) -> Self {
        Builder {
            kind,
            loops: vec![LoopNode {
                id: "HEADER",
                parent: None,
                first: 0,
                end: 0,
            }],
            anchors: vec![Anchors::default().with("HEADER", 0)],
            current: 0,
            hls: Vec::new(),
            hl_ids: HashMap::default(),
            billing_npi: None,
            subscriber_id: None,
            patient_id: None,
            patient_name: None,
            patient_birth: None,
        }
    }

    /// A builder with room made for a set of `segments` segments of shape `shape`.
    fn sized(kind: Kind, shape: &Shape, segments: usize) -> Self {
        let mut b = Builder::new(kind);
        // About one loop opens per two segments (HL, NM1, CLM, LX, LIN...): grown once or never.
        b.loops.reserve(segments / 2);
        b.anchors.reserve(segments / 2);
        b.hls.reserve(shape.hls);
        b.hl_ids.reserve(shape.hls);
        b
    }

    /// Whether the innermost open loop is one an NM1 opened (2010xx, 2310x, 2330x, 2420x).
    fn in_name_loop(&self) -> bool {
        self.loops.get(self.current as usize).is_some_and(|l| {
            ["1000", "2010", "2310", "2330", "2420"]
                .iter()
                .any(|p| l.id.starts_with(p))
        })
    }

    /// Records an HL and opens its loop (returned) under its parent's: marks the parent as
    /// having children, and forgets the parties of the level it starts (a new billing
    /// provider, subscriber or patient).
    fn open_hl(&mut self, seg: &Segment<'a>, i: u32) -> u32 {
        let loop_id = match seg.value(3) {
            b"20" => "2000A",
            b"22" => "2000B",
            b"23" => "2000C",
            _ => "2000",
        };
        let parent = self.hl_ids.get(seg.value(2)).copied();
        if let Some(p) = parent.and_then(|p| self.hls.get_mut(p.hl)) {
            p.has_children = true;
        }
        let l = self.open(loop_id, parent.map_or(0, |p| p.at), i);
        let at = HlAt {
            at: l,
            hl: self.hls.len(),
        };
        self.hl_ids.insert(seg.value(1), at);
        match seg.value(3) {
            b"20" => {
                self.billing_npi = None;
            }
            b"22" => {
                self.subscriber_id = None;
                self.forget_patient();
            }
            _ => self.forget_patient(),
        }
        self.hls.push(Hl {
            seg: *seg,
            index: i,
            has_children: false,
            has_claim: false,
        });
        l
    }

    /// Notes a party a claim takes from the HLs above it (billing provider, subscriber,
    /// patient); false when `seg` (of id `id`) names none.
    fn party(&mut self, seg: &Segment<'a>, id: &[u8], loop_id: &str, i: u32) -> bool {
        match (id, loop_id) {
            (b"NM1", "2010AA") => self.billing_npi = seg.element(9),
            // The first: a second NM1*IL in one 2000B is STR004's, or the payer's NM1*PR
            // written with IL (SYN008's), not the subscriber.
            (b"NM1", "2010BA") => {
                self.subscriber_id = self.subscriber_id.or_else(|| seg.element(9));
            }
            (b"NM1", "2010CA") => {
                self.patient_id = seg.element(9);
                self.patient_name = Some(i);
            }
            (b"DMG", "2010CA") => self.patient_birth = Some(i),
            _ => return false,
        }
        true
    }

    fn forget_patient(&mut self) {
        self.patient_id = None;
        self.patient_name = None;
        self.patient_birth = None;
    }

    /// A claim opened by its CLM, with the parties of the HLs above it.
    fn new_claim(&self, seg: &Segment<'a>, i: u32) -> Claim<'a> {
        Claim {
            clm: *seg,
            index: i,
            end: i + 1,
            statement: None,
            service_date: None,
            diagnoses: Vec::new(),
            hi: Vec::new(),
            original_ref: false,
            prior_auth: false,
            billing_npi: self.billing_npi,
            patient_id: self.patient_id.or(self.subscriber_id),
            patient_name: self.patient_name,
            patient_birth: self.patient_birth,
            lines: Vec::new(),
        }
    }

    fn open(&mut self, id: &'static str, parent: u32, at: u32) -> u32 {
        let idx = u32::try_from(self.loops.len()).unwrap_or(u32::MAX);
        self.loops.push(LoopNode {
            id,
            parent: Some(parent),
            first: at,
            end: at + 1,
        });
        let inherited = self
            .anchors
            .get(parent as usize)
            .copied()
            .unwrap_or_default();
        self.anchors.push(inherited.with(id, idx));
        self.current = idx;
        idx
    }

    /// Whether a segment of id `id` (`Segment::id`; an SV1 or SV2) is the service segment
    /// of the guide read.
    fn is_service(&self, id: &[u8]) -> bool {
        id == match self.kind {
            Kind::Professional => b"SV1",
            Kind::Institutional => b"SV2",
        }
    }

    fn anchors(&self) -> Anchors {
        self.anchors
            .get(self.current as usize)
            .copied()
            .unwrap_or_default()
    }

    /// Places segment `i`, and says whether it began a service line whose LX is missing:
    /// the guide's service segment (SV1 in 837P, SV2 in 837I) in a claim, when `lost_lx`
    /// ([`lx_missing`]; asked of those segments only). `id` is `seg.id()`, read once for
    /// all the model's steps.
    fn place(
        &mut self,
        seg: &Segment<'a>,
        id: &[u8],
        i: u32,
        lost_lx: impl Fn() -> bool,
    ) -> (u32, bool) {
        let a = self.anchors();
        let mut begun = false;
        let opened = match id {
            b"HL" => Some(self.open_hl(seg, i)),
            b"NM1" => a.nm1.map(|anchor| {
                match nm1_loop(self.kind, self.loops[anchor as usize].id, seg.value(1)) {
                    Some(loop_id) => self.open(loop_id, anchor, i),
                    // An NM1 that opens no loop here (its HL or SBR lost, its qualifier
                    // wrong) still ends the name loop before it: the N3/N4 after it are
                    // not the billing provider's or the service facility's.
                    None if self.in_name_loop() => {
                        self.current = anchor;
                        anchor
                    }
                    None => self.current,
                }
            }),
            b"CLM" => a.clm.map(|p| self.open("2300", p, i)),
            b"SBR" => a.claim.map(|p| self.open("2320", p, i)),
            b"LX" => a.claim.map(|p| self.open("2400", p, i)),
            b"LIN" => a.line.map(|p| self.open("2410", p, i)),
            b"SVD" => a.line.map(|p| self.open("2430", p, i)),
            b"LQ" => a.line.map(|p| self.open("2440", p, i)),
            b"SE" => {
                self.current = 0;
                None
            }
            b"SV1" | b"SV2" if a.claim.is_some() && self.is_service(id) && lost_lx() => {
                begun = true;
                a.claim.map(|p| self.open("2400", p, i))
            }
            _ => None,
        };
        let l = opened.unwrap_or(self.current);
        // Only the innermost loop's end moves here; `finish_ends` carries it to its ancestors.
        if let Some(node) = self.loops.get_mut(l as usize) {
            node.end = i + 1;
        }
        (l, begun)
    }

    /// A loop ends after the last segment placed in it or in any loop under it. A parent
    /// always comes before its children, so one backward pass settles every end. The root
    /// (the set itself) ends after its last of `segments`. Called once, when every loop is
    /// open.
    fn finish_ends(&mut self, segments: u32) {
        for child in (1..self.loops.len()).rev() {
            let (Some(end), Some(parent)) = (
                self.loops.get(child).map(|n| n.end),
                self.loops.get(child).and_then(|n| n.parent),
            ) else {
                continue;
            };
            if let Some(p) = self.loops.get_mut(parent as usize) {
                p.end = p.end.max(end);
            }
        }
        if let Some(root) = self.loops.first_mut() {
            root.end = segments;
        }
        // `build` made room for one loop per two segments; about two in five open. Shrinking
        // gives the rest back in place (a shrinking reallocation moves nothing) for the life
        // of the transaction set.
        self.loops.shrink_to_fit();
    }
}

/// Whether the guide's service segment `segments[i]` (SV1 in 837P, SV2 in 837I), in a claim, begins
/// a service line whose LX is missing: no line is open, or the open line's own service
/// segment came already, and no LX follows (else it came before its LX: STR003). The line its
/// LX would have opened begins at it, as the guide walk opens 2400 at it
/// (`open_without_starter`; STR002 reports the LX): its charge, procedure, date and drug are
/// a line's, read by the line, drug and balancing rules, and the claim has the line it has.
/// Not so when it copies the segment before it word for word (`SV1*…~SV1*…~`, the same
/// bytes): the walk takes it as the line's service segment written again (STR004, the guide
/// allows one), and so does the model: no line without LX is made up whose charge, missing
/// NDC and LX numbering each would be a finding of their own. One that differs (another
/// code or charge right after the line's SV1) is the next line with its LX left out.
fn lx_missing(line: Option<&ServiceLine<'_>>, segments: &[Segment<'_>], i: usize) -> bool {
    let repeated = i
        .checked_sub(1)
        .and_then(|p| segments.get(p))
        .zip(segments.get(i))
        .is_some_and(|(prev, seg)| prev.bytes == seg.bytes);
    line.is_none_or(|l| l.sv.is_some())
        && !repeated
        && !segments.get(i + 1).is_some_and(|n| n.is(b"LX"))
}

/// A service line opened by its LX, or by its SV1 or SV2 when the LX is missing
/// ([`lx_missing`]).
fn new_line<'a>(seg: &Segment<'a>, i: u32) -> ServiceLine<'a> {
    ServiceLine {
        lx: *seg,
        lx_missing: false,
        index: i,
        end: i + 1,
        sv: None,
        sv2: false,
        units: None,
        procedure: None,
        date: None,
        drug: None,
        note: false,
        prior_auth: false,
        units_dec: None,
    }
}

/// Builds the model of one transaction set from its segments (ST first), read with the guide
/// `declared` by GS08/ST03 unless its service lines are all of the other guide
/// ([`written_as`]).
pub fn build<'a>(declared: Kind, segments: Vec<Segment<'a>>) -> Transaction<'a> {
    let shape = Shape::of(&segments);
    let kind = shape.written_as(declared);
    let mut b = Builder::sized(kind, &shape, segments.len());
    let mut seg_loop = Vec::with_capacity(segments.len());
    // Claims are large: sized once (a CLM opens each) rather than moved on every doubling.
    let mut claims: Vec<Claim<'a>> = Vec::with_capacity(shape.claims);
    let mut claim: Option<Claim<'a>> = None;
    let mut line: Option<ServiceLine<'a>> = None;
    // The open claim's lines, moved into it when it closes: a claim is held for the whole
    // transaction set, and growing its vector line by line would keep room for four lines
    // per claim (half again the memory of a one-ST file of thousands of claims).
    let mut lines: Vec<ServiceLine<'a>> = Vec::new();
    let mut by_id = crate::SegmentsById::default();

    for (i, seg) in segments.iter().enumerate() {
        let i = i as u32;
        let lost_lx = || lx_missing(line.as_ref(), &segments, i as usize);
        let id = seg.id();
        by_id.note(seg, id, i);
        let (l, begins) = b.place(seg, id, i, lost_lx);
        seg_loop.push(l);
        let loop_id = b.loops[l as usize].id;
        match (id, loop_id) {
            (b"HL", _) => {
                close_line(&mut lines, &claim, &mut line, i);
                close_claim(&mut claims, &mut claim, &mut lines, i);
            }
            (b"NM1" | b"DMG", _) if b.party(seg, id, loop_id, i) => {}
            (b"CLM", _) => {
                close_line(&mut lines, &claim, &mut line, i);
                close_claim(&mut claims, &mut claim, &mut lines, i);
                if let Some(h) = b.hls.last_mut() {
                    h.has_claim = true;
                }
                claim = Some(b.new_claim(seg, i));
            }
            (b"LX", "2400") => {
                close_line(&mut lines, &claim, &mut line, i);
                line = Some(new_line(seg, i));
            }
            _ if begins => {
                close_line(&mut lines, &claim, &mut line, i);
                let mut ln = new_line(seg, i);
                ln.lx_missing = true;
                ln.set_service(seg, kind == Kind::Institutional);
                line = Some(ln);
            }
            (b"SE", _) => {
                close_line(&mut lines, &claim, &mut line, i);
                close_claim(&mut claims, &mut claim, &mut lines, i);
            }
            _ => {
                if let Some(ln) = line.as_mut().filter(|_| loop_id.starts_with("24")) {
                    line_segment(ln, seg, id, loop_id);
                } else if let Some(c) = claim.as_mut().filter(|_| loop_id == "2300") {
                    claim_segment(c, seg, id);
                }
            }
        }
    }
    close_line(&mut lines, &claim, &mut line, segments.len() as u32);
    close_claim(&mut claims, &mut claim, &mut lines, segments.len() as u32);
    b.finish_ends(segments.len() as u32);
    by_id.shrink();
    Transaction {
        kind,
        declared,
        group_guide: None,
        dental: shape.dental(),
        segments,
        loops: b.loops,
        seg_loop,
        hls: b.hls,
        claims,
        by_id,
        ig: OnceLock::new(),
        clean_memo: None,
    }
}

/// What one pass over a set's segments counts before its model is built.
struct Shape {
    /// CLM segments: the claims to make room for.
    claims: usize,
    /// SV1 (837P), SV2 (837I) and SV3 (837D) service segments.
    sv1: usize,
    sv2: usize,
    sv3: usize,
    /// HL segments (written `HL*`, as nearly all are): the HLs to make room for.
    hls: usize,
}

impl Shape {
    fn of<'a, S: std::borrow::Borrow<Segment<'a>>>(segments: impl IntoIterator<Item = S>) -> Shape {
        let mut shape = Shape {
            claims: 0,
            sv1: 0,
            sv2: 0,
            sv3: 0,
            hls: 0,
        };
        for seg in segments {
            let seg = seg.borrow();
            // All three ids are three bytes: compared as such, not through `id()`'s lookup
            // of the first separator (this runs once for every segment of every set). The
            // component separator after one stands for the element separator (`SV1:HC:…`,
            // read as an SV1).
            let Some(id) = seg.bytes.first_chunk::<3>() else {
                continue;
            };
            let d = seg.delims;
            if id[..2] == *b"HL" && id[2] == d.element {
                shape.hls += 1;
                continue;
            }
            if seg
                .bytes
                .get(3)
                .is_some_and(|&b| b != d.element && b != d.component)
            {
                continue;
            }
            match id {
                b"CLM" => shape.claims += 1,
                b"SV1" => shape.sv1 += 1,
                b"SV2" => shape.sv2 += 1,
                b"SV3" => shape.sv3 += 1,
                _ => {}
            }
        }
        shape
    }

    /// Dental service lines only (SV3, no SV1 or SV2).
    fn dental(&self) -> bool {
        self.sv3 > 0 && self.sv1 == 0 && self.sv2 == 0
    }

    /// See [`written_as`].
    fn written_as(&self, declared: Kind) -> Kind {
        match declared {
            Kind::Institutional if self.sv1 > 0 && self.sv2 == 0 => Kind::Professional,
            Kind::Professional if self.sv2 > 0 && self.sv1 == 0 => Kind::Institutional,
            _ => declared,
        }
    }
}

/// The guide a set whose GS08/ST03 name `declared` is written in: the other 837 guide when
/// it has service lines and every one of them is that guide's (SV1 lines under 005010X223A2,
/// an 837P labelled 837I), else `declared`. Such a set is read with the guide it is written
/// in, so its own defects are found, and the wrong label is one error (STR003's), not one for
/// every segment the other guide's tables do not expect. A set mixing SV1 and SV2 keeps its
/// declared guide.
pub fn written_as<'a, S: std::borrow::Borrow<Segment<'a>>>(
    declared: Kind,
    segments: impl IntoIterator<Item = S>,
) -> Kind {
    Shape::of(segments).written_as(declared)
}

fn close_line<'a>(
    lines: &mut Vec<ServiceLine<'a>>,
    claim: &Option<Claim<'a>>,
    line: &mut Option<ServiceLine<'a>>,
    end: u32,
) {
    if let Some(mut l) = line.take() {
        l.end = end;
        if claim.is_some() {
            lines.push(l);
        }
    }
}

fn close_claim<'a>(
    claims: &mut Vec<Claim<'a>>,
    claim: &mut Option<Claim<'a>>,
    lines: &mut Vec<ServiceLine<'a>>,
    end: u32,
) {
    if let Some(mut c) = claim.take() {
        c.end = end;
        c.lines = Vec::with_capacity(lines.len());
        c.lines.append(lines);
        claims.push(c);
    }
}

/// Reads a segment of id `id` (`seg.id()`) in a claim's 2300 loop.
fn claim_segment<'a>(c: &mut Claim<'a>, seg: &Segment<'a>, id: &[u8]) {
    match id {
        b"DTP" => {
            let range = DateRange::parse(seg.value(2), seg.value(3));
            // The first of a qualifier the claim has once: another one is STR004's (or a
            // qualifier written wrong, SYN008's), not the claim's dates.
            match seg.value(1) {
                b"434" if c.statement.is_none() => c.statement = range,
                b"472" if c.service_date.is_none() => c.service_date = range,
                _ => {}
            }
        }
        b"HI" => {
            // Held for the whole transaction set: room for this segment's codes, not the
            // four a vector's first growth would reserve for each claim.
            c.diagnoses.reserve_exact(seg.element_count());
            c.hi.reserve_exact(1);
            c.hi.push(*seg);
            for el in seg.elements() {
                let Some(q) = el.component(1) else { continue };
                if matches!(q.bytes, b"ABK" | b"ABF" | b"BK" | b"BF") {
                    if let Some(code) = el.component(2) {
                        let ordinal = c.diagnoses.len() as u32 + 1;
                        c.diagnoses.push(Diagnosis {
                            qualifier: q,
                            code,
                            ordinal,
                        });
                    }
                } else if matches!(q.bytes, b"ABJ" | b"APR" | b"ABN" | b"BJ" | b"PR" | b"BN")
                    && let Some(code) = el.component(2)
                {
                    c.diagnoses.push(Diagnosis {
                        qualifier: q,
                        code,
                        ordinal: 0,
                    });
                }
            }
        }
        b"REF" => match seg.value(1) {
            b"F8" => c.original_ref = seg.element(2).is_some(),
            b"G1" => c.prior_auth = seg.element(2).is_some(),
            _ => {}
        },
        _ => {}
    }
}

/// Reads a segment of id `id` (`seg.id()`) in a service line's loop `loop_id`.
fn line_segment<'a>(ln: &mut ServiceLine<'a>, seg: &Segment<'a>, id: &[u8], loop_id: &str) {
    match (id, loop_id) {
        // A line's service segment written twice keeps the first (the second is STR004).
        (b"SV1", "2400") if ln.sv.is_none() => ln.set_service(seg, false),
        (b"SV2", "2400") if ln.sv.is_none() => ln.set_service(seg, true),
        (b"DTP", "2400") if seg.value(1) == b"472" => {
            ln.date = DateRange::parse(seg.value(2), seg.value(3));
        }
        (b"NTE", "2400") => ln.note = seg.element(2).is_some(),
        (b"REF", "2400") if seg.value(1) == b"G1" => ln.prior_auth = seg.element(2).is_some(),
        (b"LIN", "2410") => {
            ln.drug = Some(Box::new(DrugLine {
                lin: *seg,
                ctp: None,
                quantity: None,
                unit: None,
            }));
        }
        (b"CTP", "2410") => {
            if let Some(d) = ln.drug.as_mut().filter(|d| d.ctp.is_none()) {
                d.set_ctp(seg);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Procedure;
    use claimlint_x12::Delimiters;
    use claimlint_x12::segment::Element;

    /// `Anchors::with` makes a loop the anchor of exactly the kinds these lists give it.
    #[test]
    fn anchors_follow_the_lists_of_anchor_loops() {
        // Loops under which an NM1 may open a child loop; under which a CLM opens its 2300.
        const NM1: &[&str] = &["2400", "2320", "2300", "2000C", "2000B", "2000A", "HEADER"];
        const CLM: &[&str] = &["2000C", "2000B", "2000A", "2000"];
        let mut ids = vec![
            "2410", "2430", "2440", "2010AA", "2310B", "2330A", "2420A", "",
        ];
        ids.extend(NM1.iter().chain(CLM));
        for id in ids {
            let a = Anchors::default().with(id, 7);
            let was = |yes: bool| yes.then_some(7);
            assert_eq!(a.nm1, was(NM1.contains(&id)), "{id}");
            assert_eq!(a.clm, was(CLM.contains(&id)), "{id}");
            assert_eq!(a.claim, was(id == "2300"), "{id}");
            assert_eq!(a.line, was(id == "2400"), "{id}");
        }
    }

    fn segs(text: &str) -> Vec<Segment<'_>> {
        let delims = Delimiters::USUAL;
        let mut offset = 0;
        text.split('~')
            .filter(|s| !s.is_empty())
            .enumerate()
            .map(|(i, s)| {
                let seg = Segment::new(s.as_bytes(), offset, delims, i as u32 + 1);
                offset += s.len() + 1;
                seg
            })
            .collect()
    }

    /// The procedure keeps component ranges, not elements: each accessor gives exactly what
    /// `Element::component` gives for that component, empty, absent and extra ones included.
    #[test]
    fn procedure_parts_are_the_composite_components() {
        for sv1 in [
            "SV1*HC:J0897:JZ*1*UN*1",
            "SV1*HC:J3490:::::DENOSUMAB 60 MG*1*UN*1",
            "SV1*HC:J0897:JW:JZ:KX:59:TEXT:EXTRA*1*UN*1",
            "SV1*HC::JZ*1*UN*1",
            "SV1*ZZ:99999*1*UN*1",
            "SV1*HC*1*UN*1",
            "SV1**1*UN*1",
            "SV1*:J0897:JZ:*1*UN*1",
            "SV1*HC:A:B:C:D:E:F:G:H*1",
            "SV1*:::::::::*1",
            "SV1*HC:J0897:JZ:KX:59:XE:*1",
        ] {
            let seg = segs(sv1)[0];
            let Some(composite) = seg.element(1) else {
                continue;
            };
            let p = Procedure::from_composite(composite);
            let same = |a: Option<Element<'_>>, b: Option<Element<'_>>| {
                assert_eq!(
                    a.map(|e| (e.bytes, e.offset, e.component, e.index, e.position)),
                    b.map(|e| (e.bytes, e.offset, e.component, e.index, e.position)),
                    "{sv1}"
                );
            };
            same(p.qualifier(), composite.component(1));
            same(p.code(), composite.component(2));
            for (slot, n) in p.modifier_slots().into_iter().zip(3..) {
                same(slot, composite.component(n));
            }
            same(p.description(), composite.component(7));
            let listed: Vec<_> = (3..=6).filter_map(|n| composite.component(n)).collect();
            assert_eq!(p.modifiers().count(), listed.len(), "{sv1}");
            for m in [&b"JZ"[..], b"JW", b"59", b"", b"XX"] {
                let want = listed.iter().find(|e| e.bytes == m);
                assert_eq!(p.has_modifier(m), want.is_some(), "{sv1} {m:?}");
                same(p.modifier(m), want.copied());
            }
            let hc = composite.component(1).is_some_and(|q| q.is(b"HC"));
            same(p.hcpcs(), composite.component(2).filter(|_| hc));
        }
    }

    /// The memo answers "clean before?" only for the same definition, delimiters and bytes;
    /// it keeps its entries while it grows, and starts again when full.
    #[test]
    fn clean_memo_is_exact() {
        let tx = segs(P);
        let check = IgCheck::run(ig::guide(ig::Guide::X222A1), &tx);
        let placed: Vec<(&Segment<'_>, &'static ig::SegmentDef)> = tx
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((s, check.placement(i)?.segment()?)))
            .collect();
        assert!(placed.len() > 20);
        let mut memo = CleanMemo::new();
        // HL and CLM segments are never kept; every other one is, once inserted.
        let kept = |d: &ig::SegmentDef| !matches!(d.id, "HL" | "CLM");
        assert!(placed.iter().any(|(_, d)| !kept(d)));
        for (k, (s, d)) in placed.iter().enumerate() {
            let seen = placed[..k]
                .iter()
                .any(|(s2, d2)| std::ptr::eq(*d, *d2) && s2.bytes == s.bytes);
            assert_eq!(memo.contains(d, s), seen && kept(d));
            memo.insert(d, s);
            assert_eq!(memo.contains(d, s), kept(d));
        }
        // Growth (4,096 slots, half full at most) keeps every entry.
        let filler: Vec<String> = (0..5000).map(|n| format!("REF*EA*{n}")).collect();
        let filler_segs: Vec<Segment<'_>> = filler.iter().map(|t| segs(t)[0]).collect();
        let (_, ref_def) = placed.iter().find(|(s, _)| s.is(b"REF")).copied().unwrap();
        for f in &filler_segs {
            memo.insert(ref_def, f);
        }
        for (s, d) in &placed {
            let want = kept(d);
            assert_eq!(
                memo.contains(d, s),
                want,
                "{}",
                String::from_utf8_lossy(s.bytes)
            );
        }
        assert!(filler_segs.iter().all(|f| memo.contains(ref_def, f)));
        // Another definition, other delimiters, other bytes: not the same key.
        let (s0, d0) = placed[3];
        let (_, other_def) = placed
            .iter()
            .find(|(_, d)| !std::ptr::eq(*d, d0))
            .copied()
            .unwrap();
        assert!(!memo.contains(other_def, s0));
        let mut other_delims = *s0;
        other_delims.delims.repetition = None;
        assert!(!memo.contains(d0, &other_delims));
        other_delims.delims.repetition = Some(b'^');
        other_delims.delims.component = b'>';
        assert!(!memo.contains(d0, &other_delims));
        let shorter = Segment::new(&s0.bytes[..s0.bytes.len() - 1], s0.offset, s0.delims, 1);
        assert!(!memo.contains(d0, &shorter));
        // Full: it starts again rather than grow without bound.
        let many: Vec<String> = (0..CleanMemo::LIMIT + 10)
            .map(|n| format!("REF*EA*x{n}"))
            .collect();
        for t in &many {
            memo.insert(ref_def, &segs(t)[0]);
        }
        assert!(memo.len <= CleanMemo::LIMIT);
        assert!(memo.contains(ref_def, &segs(many.last().unwrap())[0]));
    }

    /// A miss stored after the slots were regrown, or after its slot was taken, is searched
    /// again: every key stays findable, and none is stored twice.
    #[test]
    fn clean_memo_miss_outlives_growth() {
        let guide = ig::guide(ig::Guide::X222A1);
        let tx = segs(P);
        let check = IgCheck::run(guide, &tx);
        let (s0, d0) = tx
            .iter()
            .zip(&check.placements)
            .find_map(|(s, p)| Some((*s, p.segment()?)))
            .unwrap();
        let mut memo = CleanMemo::new();
        let stale = memo.lookup(d0, &s0).unwrap();
        let filler: Vec<String> = (0..3000).map(|n| format!("REF*EA*{n}")).collect();
        let filler_segs: Vec<Segment<'_>> = filler.iter().map(|t| segs(t)[0]).collect();
        for f in &filler_segs {
            memo.insert(d0, f);
        }
        memo.insert_key(stale, s0.bytes);
        assert!(memo.contains(d0, &s0));
        assert!(filler_segs.iter().all(|f| memo.contains(d0, f)));
        // The same miss twice (its slot taken by the first): stored once.
        let mut fresh = CleanMemo::new();
        let a = fresh.lookup(d0, &s0).unwrap();
        let b = fresh.lookup(d0, &s0).unwrap();
        fresh.insert_key(a, s0.bytes);
        fresh.insert_key(b, s0.bytes);
        assert_eq!(fresh.len, 1);
        assert!(fresh.contains(d0, &s0));
    }

    /// One memo across transaction sets gives each the findings it has alone.
    #[test]
    fn shared_clean_memo_changes_no_finding() {
        let bad = P.replace("DTP*472*D8*20260115~LIN", "DTP*472*D8*2026011~LIN");
        let guide = ig::guide(ig::Guide::X222A1);
        let mut memo = CleanMemo::new();
        for text in [P, bad.as_str(), P, bad.as_str()] {
            let tx = segs(text);
            let alone = IgCheck::run(guide, &tx);
            let shared = IgCheck::run_with(guide, &tx, &mut memo);
            assert_eq!(
                format!("{:?}", alone.elements),
                format!("{:?}", shared.elements)
            );
            assert_eq!(
                format!("{:?}", alone.structure),
                format!("{:?}", shared.structure)
            );
        }
    }

    /// Claims, lines and drug lines are held for their whole transaction set: their sizes are
    /// what a one-ST file of thousands of claims costs per claim and line (elements read from
    /// their segments when asked, drug data boxed, the procedure as ranges).
    #[test]
    fn claims_and_lines_stay_small() {
        use std::mem::size_of;
        let sizes = (
            size_of::<Claim<'_>>(),
            size_of::<ServiceLine<'_>>(),
            size_of::<DrugLine<'_>>(),
        );
        assert!(
            sizes.0 <= 256 && sizes.1 <= 288 && sizes.2 <= 176,
            "{sizes:?}"
        );
    }

    const P: &str = "ST*837*0001*005010X222A1~BHT*0019*00*1*20260110*1200*CH~NM1*41*2*SUB*****46*1~PER*IC*X*TE*5555555555~NM1*40*2*RCV*****46*2~\
HL*1**20*1~NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN~N4*TOWN*NY*123451234~REF*EI*123456789~\
HL*2*1*22*0~SBR*P*18*******MC~NM1*IL*1*DOE*JANE****MI*ABC123~NM1*PR*2*MEDICARE*****PI*00001~\
CLM*PAT1-01*1200***11:B:1*Y*A*Y*Y~HI*ABK:M810~\
LX*1~SV1*HC:J0897:JZ*1200*UN*60***1~DTP*472*D8*20260115~LIN**N4*55513071001~CTP****1*UN~\
LX*2~SV1*HC:96372*0*UN*1***1~DTP*472*D8*20260115~SE*24*0001~";

    /// The separator-slip search judges at most `realign::MAX_JUDGED` readings of a segment:
    /// fuzzing (stop 54) found an `NM1*IL` run on into an ISA's sixteen elements, 25
    /// elements of short values whose three greedy steps judged 486 readings. Its findings are
    /// kept as read; a real slip (CLM04's separator left out) is still found, well within it.
    #[test]
    fn realign_search_judges_a_bounded_number_of_readings() {
        use crate::realign::{MAX_JUDGED, search_counting};
        let guide = ig::guide(ig::Guide::X222A1);
        let hostile = "NM1*IL*1*DOE*JANE****MI*ISA*00*          *00*          *ZZ*\
SENDER         *ZZ*RECEIVER       *260120*1200*^*00501*000000001*0*P*:";
        let text = P
            .replace("NM1*IL*1*DOE*JANE****MI*ABC123", hostile)
            .replace("CLM*PAT1-01*1200***", "CLM*PAT1-01*1200**");
        let tx = segs(&text);
        let check = IgCheck::run(guide, &tx);
        let judge = |id: &[u8]| {
            let at = tx.iter().position(|s| s.bytes.starts_with(id)).unwrap();
            let placement = check.placement(at).unwrap();
            let mut found = Vec::new();
            ig::validate_placed(placement, &SplitSegment::new(&tx[at]), &mut found);
            assert!(found.len() > 1, "{found:?}");
            let mut judged = 0;
            let r = search_counting(placement, &tx[at], &found, &mut judged);
            assert_eq!(r, check.realignment(at).cloned());
            (r, judged)
        };
        let (nm1, judged) = judge(b"NM1*IL");
        assert_eq!(nm1, None);
        assert!(judged > 0 && judged <= MAX_JUDGED, "{judged}");
        let (clm, judged) = judge(b"CLM*");
        assert!(clm.is_some(), "{judged}");
        assert!(judged > 0 && judged <= MAX_JUDGED / 2, "{judged}");
    }

    #[test]
    fn a_set_is_read_with_the_guide_its_lines_are_written_in() {
        let (p, i) = (Kind::Professional, Kind::Institutional);
        let sv1 = segs("ST*837~CLM*1~LX*1~SV1*HC:99213~LX*2~SV1*HC:99214~");
        let sv2 = segs("ST*837~CLM*1~LX*1~SV2*0510~");
        let mixed = segs("ST*837~LX*1~SV2*0510~LX*2~SV1*HC:99213~");
        let none = segs("ST*837~CLM*1~");
        assert_eq!(written_as(i, &sv1), p);
        assert_eq!(written_as(p, &sv1), p);
        assert_eq!(written_as(p, &sv2), i);
        assert_eq!(written_as(i, &sv2), i);
        // Mixed or no lines: the label stands, and the other guide's segments are reported.
        assert_eq!(written_as(i, &mixed), i);
        assert_eq!(written_as(p, &mixed), p);
        assert_eq!(written_as(i, &none), i);
        let tx = build(i, sv1);
        assert_eq!((tx.kind, tx.declared), (p, i));
    }

    /// A line whose LX is missing begins at its SV1 (SV2 in 837I), as the guide walk reads
    /// it: after the claim's segments, after another line's DTP or drug loop. It has no
    /// number; its charge, procedure, date and drug are read as any line's. A second SV1 in
    /// a line's own 2400 begins one; the other guide's service segment begins none.
    #[test]
    fn a_line_whose_lx_is_missing_begins_at_its_service_segment() {
        let first = P.replacen("LX*1~", "", 1);
        let second = P.replacen("LX*2~", "", 1);
        for text in [&first, &second] {
            let tx = build(Kind::Professional, segs(text));
            let lines = &tx.claims[0].lines;
            assert_eq!(lines.len(), 2, "{text}");
            let bare = lines
                .iter()
                .find(|l| !l.has_lx())
                .expect("a line without LX");
            assert!(bare.lx.is(b"SV1"));
            assert!(bare.number().is_none());
            assert!(bare.sv.is_some() && bare.procedure.is_some() && bare.date.is_some());
            assert_eq!(tx.loop_of(bare.index as usize), Some("2400"));
            let other = lines.iter().find(|l| l.has_lx()).expect("a line with LX");
            assert!(other.number().is_some());
        }
        let tx = build(Kind::Professional, segs(&first));
        assert!(tx.claims[0].lines[0].drug.is_some());
        assert_eq!(tx.loop_of(18), Some("2410"));
        let i = "ST*837~HL*1**20*0~CLM*1~HI*ABK:M810~SV2*0510*HC:99213*10*UN*1~SE*6*1~";
        let tx = build(Kind::Institutional, segs(i));
        assert_eq!(tx.claims[0].lines.len(), 1);
        assert!(tx.claims[0].lines[0].sv2);
        // An SV1 copied right after its own line's SV1 (written twice: STR004) begins no
        // line; nor does an SV2 in an 837P. After another segment of the line it does (the
        // next line's LX left out).
        let twice = segs("ST*837~HL*1**20*0~CLM*1~LX*1~SV1*HC:99213~SV1*HC:99213~SV2*0510~SE*8*1~");
        let tx = build(Kind::Professional, twice);
        assert_eq!(tx.claims[0].lines.len(), 1);
        // Another SV1 right after it is the next line, its LX left out.
        let next = segs("ST*837~HL*1**20*0~CLM*1~LX*1~SV1*HC:99213~SV1*HC:99214~SE*7*1~");
        let tx = build(Kind::Professional, next);
        let codes: Vec<_> = (tx.claims[0].lines.iter())
            .map(|l| l.procedure.as_ref().and_then(|p| p.hcpcs_text()))
            .collect();
        assert_eq!(codes, [Some("99213"), Some("99214")]);
        let apart = segs(
            "ST*837~HL*1**20*0~CLM*1~LX*1~SV1*HC:99213~DTP*472*D8*20260101~SV1*HC:99214~SE*8*1~",
        );
        assert_eq!(build(Kind::Professional, apart).claims[0].lines.len(), 2);
        // An SV1 before its LX (the two swapped: STR003) begins none; the LX after it does.
        let swapped = P.replacen(
            "LX*1~SV1*HC:J0897:JZ*1200*UN*60***1~",
            "SV1*HC:J0897:JZ*1200*UN*60***1~LX*1~",
            1,
        );
        let tx = build(Kind::Professional, segs(&swapped));
        assert_eq!(tx.claims[0].lines.len(), 2);
        assert!(tx.claims[0].lines.iter().all(ServiceLine::has_lx));
    }

    #[test]
    fn builds_claim_lines_and_drug() {
        let tx = build(Kind::Professional, segs(P));
        assert_eq!(tx.claims.len(), 1);
        let c = &tx.claims[0];
        assert_eq!(c.id().unwrap().bytes, b"PAT1-01");
        assert_eq!(c.billing_npi.unwrap().bytes, b"1234567893");
        assert_eq!(c.patient_id.unwrap().bytes, b"ABC123");
        assert_eq!(c.diagnoses.len(), 1);
        assert_eq!(c.lines.len(), 2);
        let l1 = &c.lines[0];
        assert_eq!(l1.hcpcs().unwrap().bytes, b"J0897");
        assert!(l1.has_modifier(b"JZ"));
        let d = l1.drug.as_deref().unwrap();
        assert_eq!(d.ndc().unwrap().bytes, b"55513071001");
        assert_eq!(d.quantity().unwrap().bytes, b"1");
        assert_eq!(d.unit().unwrap().bytes, b"UN");
        assert_eq!(l1.date.unwrap().start.0, 20260115);
        assert!(c.lines[1].drug.is_none());
        let ids: Vec<_> = tx
            .seg_loop
            .iter()
            .map(|&l| tx.loops[l as usize].id)
            .collect();
        assert_eq!(
            &ids[..6],
            &["HEADER", "HEADER", "1000A", "1000A", "1000B", "2000A"]
        );
        assert_eq!(tx.loop_of(19), Some("2410"));
        assert_eq!(tx.loop_of(18), Some("2400"));
        assert_eq!(tx.hls.len(), 2);
        assert!(tx.hls[0].has_children);
        // 2000B nests under 2000A; 2300 under 2000B; 2410 under 2400.
        let parent_id = |loop_id: &str| {
            let n = tx.loops.iter().find(|n| n.id == loop_id).unwrap();
            tx.loops[n.parent.unwrap() as usize].id
        };
        assert_eq!(parent_id("2000B"), "2000A");
        assert_eq!(parent_id("2300"), "2000B");
        assert_eq!(parent_id("2410"), "2400");
        assert_eq!(parent_id("2010BB"), "2000B");
    }

    /// Issue 13: a 100,000-level HL chain builds with each loop under the one before and the
    /// ends every loop had when the builder walked the whole chain per HL (now linear).
    #[test]
    fn deep_hl_chain_nests_and_ends() {
        let n = 100_000;
        let chain: String = (3..=n).map(|k| format!("HL*{k}*{}*23*1~", k - 1)).collect();
        let text = P.replace("HL*2*1*22*0~", &format!("HL*2*1*22*1~{chain}"));
        let tx = build(Kind::Professional, segs(&text));
        assert_eq!(tx.hls.len(), n);
        let hl_loops: Vec<usize> = (0..tx.loops.len())
            .filter(|&l| tx.loops[l].id.starts_with("2000"))
            .collect();
        assert_eq!(hl_loops.len(), n);
        for w in hl_loops.windows(2) {
            assert_eq!(tx.loops[w[1]].parent, Some(w[0] as u32));
        }
        let se = tx.segments.len() as u32 - 1;
        // Every HL is open until SE, which closes them all and belongs to the header.
        assert!(hl_loops.iter().all(|&l| tx.loops[l].end == se));
        assert_eq!(tx.loops[0].end, se + 1);
        // The claim still finds its anchor, the innermost HL, at the bottom of the chain.
        let clm = tx.loops.iter().position(|l| l.id == "2300").unwrap();
        assert_eq!(tx.loops[clm].parent, hl_loops.last().map(|&l| l as u32));
        assert_eq!(tx.claims.len(), 1);
        assert_eq!(tx.claims[0].lines.len(), 2);
    }

    /// A loop re-entered through a later HL02 (its children come after a sibling) ends after
    /// its last descendant, as when the whole chain was re-opened.
    #[test]
    fn ends_cover_late_children() {
        let text = P.replace(
            "HL*2*1*22*0~",
            "HL*2*1*22*1~HL*3*1*22*0~NM1*IL*1*X~HL*4*2*23*0~",
        );
        let tx = build(Kind::Professional, segs(&text));
        let hl = |n: usize| {
            tx.loops
                .iter()
                .filter(|l| l.id.starts_with("2000"))
                .nth(n)
                .unwrap()
        };
        let hl4 = hl(3);
        assert_eq!(hl(1).end, hl4.end, "HL 2 stays open while HL 4 under it is");
        assert!(hl(2).end <= hl4.first, "HL 3 closed when HL 4 opened");
        assert_eq!(hl(0).end, hl4.end);
    }
}
