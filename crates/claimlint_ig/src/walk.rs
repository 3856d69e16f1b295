//! Places the segments of one transaction set (ST..SE) in the guide's loop tree, and reports
//! what the tree says is missing, out of place or repeated too often. Knows nothing of
//! element values beyond the qualifiers that tell loops apart.

use super::{GuideDef, LoopDef, Node, SegmentDef, SegmentIndex, SegmentView, Usage};
use std::sync::Arc;
use tables::{Kid, QualifierRead, Tables, bit};

mod tables;

/// The segments after the one being placed: `ahead(0)` is the next (`None` past the last).
pub type Ahead<'a, S> = &'a dyn Fn(usize) -> Option<&'a S>;

/// How many segments, from the one being placed, a reading is tried on before the walk
/// opens a loop without its opener (`Walker::probe`).
const PROBE: usize = 6;

/// Where one segment landed.
#[derive(Debug, Clone, Copy)]
pub enum Placement {
    Placed {
        loop_def: &'static LoopDef,
        segment: &'static SegmentDef,
        /// False when the segment was placed by its id alone, its qualifier fitting none of
        /// the loop's definitions (`SegmentDef::matches` was false for every one).
        qualified: bool,
    },
    Unexpected,
}

impl Placement {
    /// Loop ids from the transaction set down: `["2000A", "2010AA"]`; empty for ST, BHT, SE.
    pub fn path(&self) -> Option<&'static [&'static str]> {
        match self {
            Placement::Placed { loop_def, .. } => Some(loop_def.path),
            Placement::Unexpected => None,
        }
    }

    pub fn segment(&self) -> Option<&'static SegmentDef> {
        match self {
            Placement::Placed { segment, .. } => Some(segment),
            Placement::Unexpected => None,
        }
    }
}

/// A structural finding; `at` is the 0-based index of the segment (ST = 0) where it was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StructureIssue {
    /// STR002: a required loop or segment was not found before its parent ended.
    RequiredMissing {
        id: &'static str,
        is_loop: bool,
        parent: &'static str,
        at: usize,
    },
    /// STR003: no place in the loop structure fits this segment here, or it is out of order.
    Unexpected { at: usize },
    /// STR002: segment `at` and the next belong to loop `id` (a child of `parent`), whose
    /// opening segment is missing (`HL*2*1*22*0` deleted: SBR and NM1*IL follow 2010AA). The
    /// walk opened the loop without it, so what follows is placed in it, not reported one
    /// segment at a time. `after_stray`: the segment before is itself unexpected (a
    /// misspelled `NM2*IL`, `CLN`, `HK`, `LQ`): it stood where the opening segment belongs,
    /// its own finding is the one error, and the opener is what it was meant to be.
    OpenerMissing {
        id: &'static str,
        parent: &'static str,
        at: usize,
        after_stray: bool,
    },
    /// STR004.
    RepeatExceeded {
        id: &'static str,
        is_loop: bool,
        max: u32,
        at: usize,
    },
}

impl StructureIssue {
    /// The segment where it was seen.
    pub fn at(&self) -> usize {
        match *self {
            StructureIssue::RequiredMissing { at, .. }
            | StructureIssue::Unexpected { at }
            | StructureIssue::OpenerMissing { at, .. }
            | StructureIssue::RepeatExceeded { at, .. } => at,
        }
    }
}

/// The result of walking one transaction set: one placement per input segment.
#[derive(Debug, Default)]
pub struct Walk {
    pub placements: Vec<Placement>,
    pub issues: Vec<StructureIssue>,
}

/// Loops the TR3 requires only when a sibling is absent: (parent loop, required loop, unless).
/// pyx12 #38: under 2000B the claim loop is required when no patient loop follows, because
/// then the subscriber is the patient.
const CONDITIONAL_LOOPS: &[(&str, &str, &str)] = &[("2000B", "2300", "2000C")];

#[derive(Clone, Copy)]
struct Frame {
    def: &'static LoopDef,
    /// The loop's number in the compiled tables (`Tables::loops`).
    lno: u16,
    /// Rank of the child last matched in order; search resumes there.
    rank: u16,
    /// Bit `idx` set when child `idx` (below 64) has come or been stood in for (`count` or
    /// `stood_in`): with the loop's `required_between`, what is missing is known without
    /// visiting a child.
    met: u64,
    /// Start of this frame's per-child counts in `Walker::counts`.
    base: usize,
}

#[derive(Clone, Copy, Default)]
struct ChildCount {
    seen: u32,
    stand_ins: u32,
}

struct Walker {
    /// The guide compiled for the walk: its segment ids, to look a segment's id up once per
    /// segment, and each loop's children by id.
    tables: Arc<Tables>,
    frames: Vec<Frame>,
    /// Per child of every open frame, frame after frame (so that entering a loop allocates
    /// nothing once the buffer has grown): how often it occurred, and how often a segment
    /// placed by id alone (its qualifier fitting no definition) stood in for it when it is
    /// required. A stand-in is not "missing" (SYN008 reports its code) but is not counted
    /// against the child's repeat either.
    counts: Vec<ChildCount>,
    out: Walk,
    /// The segment before was unexpected: its id's index in the guide (`None`: an id the
    /// guide does not have). `None` when it was placed.
    stray: Option<Option<SegmentIndex>>,
    /// Trying a reading ahead (`probe`): no loop is opened without its opener meanwhile.
    probing: bool,
}

/// How `Walker::probe` reads the segment it tries.
#[derive(Clone, Copy)]
enum Open {
    /// As the walk would without help.
    AsWritten,
    /// After opening loop (depth of the parent, index) without its opener.
    WithoutStarter(usize, usize),
    /// As the opener of loop (depth of the parent, index), placed by its id alone.
    ByIdAlone(usize, usize),
    /// As a segment that fits no place here (`Walker::written_late`).
    Stray,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum How {
    /// At or after the current position.
    InOrder,
    /// Behind the current position: placed, but reported.
    Late,
    /// By id alone, the qualifier fitting no definition: placed so the element check reports
    /// the code (SYN008), neither counted nor reported here.
    IdOnly,
}

/// The guide's segment ids (`GuideDef::segment_keys`) in a table of 256 slots addressed by a
/// multiplicative hash of the id's key, chosen when the walk starts so that no two ids share a
/// slot: an id is one multiply, one load and one compare away (a segment's id is looked up for
/// every segment of every set). Should no multiplier of the list separate them (a guide of
/// other ids), the sorted keys are searched as before.
struct GuideIds {
    keys: &'static [u32],
    /// `(key, index + 1)` per slot; 0 marks an empty slot (no key is 0).
    slots: Box<[(u32, u8); 256]>,
    /// The multiplier that separates the ids; `None`: search `keys` instead.
    mul: Option<u32>,
}

impl GuideIds {
    /// Odd multipliers (the golden ratio's and others) tried in turn.
    const MULS: [u32; 8] = [
        0x9E37_79B1,
        0x85EB_CA6B,
        0xC2B2_AE35,
        0x27D4_EB2F,
        0x1656_67B1,
        0xD3A2_646D,
        0xFD70_46C5,
        0xB55A_4F09,
    ];

    fn slot(key: u32, mul: u32) -> usize {
        (key.wrapping_mul(mul) >> 24) as usize
    }

    fn new(keys: &'static [u32]) -> GuideIds {
        let mut slots = Box::new([(0u32, 0u8); 256]);
        let fits = keys.len() < usize::from(u8::MAX);
        for mul in GuideIds::MULS.into_iter().filter(|_| fits) {
            slots.fill((0, 0));
            let separated = keys.iter().enumerate().all(|(k, &key)| {
                let s = &mut slots[GuideIds::slot(key, mul)];
                let free = s.1 == 0;
                *s = (key, k as u8 + 1);
                free
            });
            if separated {
                return GuideIds {
                    keys,
                    slots,
                    mul: Some(mul),
                };
            }
        }
        GuideIds {
            keys,
            slots,
            mul: None,
        }
    }

    #[inline]
    fn index(&self, id: &[u8]) -> Option<SegmentIndex> {
        let Some(mul) = self.mul else {
            return GuideDef::index_in(self.keys, id);
        };
        let key = crate::segment_key(id)?;
        let (k, at) = self.slots[GuideIds::slot(key, mul)];
        (k == key && at > 0).then(|| SegmentIndex(at - 1))
    }
}

struct Found {
    depth: usize,
    idx: usize,
    how: How,
}

/// Walks one transaction set, ST to SE inclusive.
pub fn walk<'s, S: SegmentView + 's>(
    guide: &GuideDef,
    segments: impl IntoIterator<Item = &'s S>,
) -> Walk {
    walk_on(Walking::new(guide), segments)
}

/// How many segments after the one it places the walk may read to place it (`Walker::probe`
/// reads that many, `Walker::unopened` the next): the state before segment `r` depends on
/// the segments before `r + LOOKAHEAD` only.
pub const LOOKAHEAD: usize = PROBE - 1;

/// The state of a walk between two segments ([`Walking::resume_point`]), to walk other
/// segments on from there ([`walk_from`]) without walking again what came before: a trial
/// reading of one claim costs that claim, not the set before it.
#[derive(Clone)]
pub struct Resume {
    tables: Arc<Tables>,
    frames: Vec<Frame>,
    counts: Vec<ChildCount>,
    stray: Option<Option<SegmentIndex>>,
}

/// Walks `segments` on from `from`, the state of a walk before some segment `r`: as the walk
/// of the set from ST would read them had they stood from `r` on, when they begin with a
/// segment that opens a loop (an `HL`, a `CLM`): the walk's reading of a segment reads the
/// placement and findings of the one before only for a segment that is no loop's opener
/// (`Walker::written_late`), and a loop's run of segments (`Walk::fewest_out_of_order`)
/// begins at its opener. Placements and issues count from `r`: the first segment is 0.
pub fn walk_from<'s, S: SegmentView + 's>(
    from: &Resume,
    segments: impl IntoIterator<Item = &'s S>,
) -> Walk {
    walk_on(Walking::resume(from), segments)
}

/// Walk `w` on over `segments`, then finished.
fn walk_on<'s, S: SegmentView + 's>(
    mut w: Walking,
    segments: impl IntoIterator<Item = &'s S>,
) -> Walk {
    let all: Vec<&S> = segments.into_iter().collect();
    for (i, seg) in all.iter().enumerate() {
        let ahead = |k: usize| all.get(i + 1 + k).copied();
        w.step(*seg, &ahead);
    }
    w.finish()
}

/// The walk one segment at a time, for a caller that has each segment at hand only for a
/// moment (the guide check splits a segment once, places it here, then validates it against
/// the definition it was placed on, with the same split).
pub struct Walking {
    w: Walker,
    next: usize,
}

impl Walking {
    pub fn new(guide: &GuideDef) -> Walking {
        Walking {
            w: Walker::at_root(guide),
            next: 0,
        }
    }

    /// A walk of `segments` segments: the placements allocated once.
    pub fn with_capacity(guide: &GuideDef, segments: usize) -> Walking {
        let mut w = Walking::new(guide);
        w.w.out.placements.reserve_exact(segments);
        w
    }

    /// A walk resumed from state `from` ([`walk_from`]), its next segment counted as 0.
    pub fn resume(from: &Resume) -> Walking {
        let w = Walker {
            tables: Arc::clone(&from.tables),
            frames: from.frames.clone(),
            counts: from.counts.clone(),
            out: Walk::default(),
            stray: from.stray,
            probing: false,
        };
        Walking { w, next: 0 }
    }

    /// The state before the next segment ([`Resume`]).
    pub fn resume_point(&self) -> Resume {
        Resume {
            tables: Arc::clone(&self.w.tables),
            frames: self.w.frames.clone(),
            counts: self.w.counts.clone(),
            stray: self.w.stray,
        }
    }

    /// How many segments the walk has placed: the index of the next.
    pub fn position(&self) -> usize {
        self.next
    }

    /// Places the next segment, given those after it; where it was placed.
    pub fn step<'a, S: SegmentView + ?Sized>(
        &mut self,
        seg: &S,
        ahead: Ahead<'a, S>,
    ) -> &Placement {
        self.w.step(seg, self.next, ahead);
        self.next += 1;
        self.w
            .out
            .placements
            .last()
            .unwrap_or(&Placement::Unexpected)
    }

    /// Closes the loops still open after the last segment: the walk's placements and issues.
    pub fn finish(mut self) -> Walk {
        let last = self.next.saturating_sub(1);
        while !self.w.frames.is_empty() {
            self.w.pop(last);
        }
        self.w.out.fewest_out_of_order();
        self.w.out
    }
}

/// The longest windows [`Walk::fewest_out_of_order`] weighs (a loop's own segments, in a row).
const ORDER_WINDOW: usize = 256;

impl Walk {
    /// A segment written before segments of its loop that the guide puts before it (`DMG`
    /// before `N3` and `N4` in 2010BA) is placed where it stands, so the walk reports each
    /// segment it jumped as out of order, not the one that moved. Within a loop's run of
    /// segments, the fewest that, taken out, leave the others in the guide's order (those
    /// outside a longest run in order) are the ones reported, when they are fewer than the
    /// walk's; on a tie the walk's stand.
    fn fewest_out_of_order(&mut self) {
        let late = |issue: &StructureIssue, placements: &[Placement]| match *issue {
            StructureIssue::Unexpected { at }
                if matches!(placements.get(at), Some(Placement::Placed { .. })) =>
            {
                Some(at)
            }
            _ => None,
        };
        let flagged: Vec<usize> = self
            .issues
            .iter()
            .filter_map(|i| late(i, &self.placements))
            .collect();
        let mut seen_to = 0;
        for &at in &flagged {
            if at < seen_to {
                continue;
            }
            let run = own_run(&self.placements, at);
            seen_to = run.end;
            let ranks: Vec<u16> = run
                .clone()
                .map(|k| self.placements[k].segment().map_or(0, |s| s.rank))
                .collect();
            let keep = longest_in_order(&ranks);
            let out: Vec<usize> = run.clone().filter(|&k| !keep[k - run.start]).collect();
            let walks: Vec<usize> = flagged
                .iter()
                .copied()
                .filter(|k| run.contains(k))
                .collect();
            if out.len() >= walks.len() {
                continue;
            }
            let first = self
                .issues
                .iter()
                .position(|i| late(i, &self.placements).is_some_and(|k| run.contains(&k)))
                .unwrap_or(self.issues.len());
            let placements = &self.placements;
            self.issues
                .retain(|i| late(i, placements).is_none_or(|k| !run.contains(&k)));
            let first = first.min(self.issues.len());
            for (j, k) in out.into_iter().enumerate() {
                self.issues
                    .insert(first + j, StructureIssue::Unexpected { at: k });
            }
        }
    }
}

/// The segments around `at` placed in the same occurrence of its loop and standing in a row
/// (from the loop's opening segment, up to the next occurrence's or another loop's segment).
pub fn own_run(placements: &[Placement], at: usize) -> std::ops::Range<usize> {
    let Some(&Placement::Placed { loop_def, .. }) = placements.get(at) else {
        return at..at;
    };
    let opens = |k: usize| {
        matches!(placements.get(k), Some(Placement::Placed { segment, .. })
            if loop_def.starter().is_some_and(|s| std::ptr::eq(s, *segment)))
    };
    let same = |k: usize| {
        matches!(placements.get(k), Some(Placement::Placed { loop_def: l, .. })
            if std::ptr::eq(*l, loop_def))
    };
    let mut from = at;
    while !opens(from) && from > 0 && same(from - 1) && at - from < ORDER_WINDOW {
        from -= 1;
    }
    let mut to = at + 1;
    while same(to) && !opens(to) && to - from < ORDER_WINDOW {
        to += 1;
    }
    from..to
}

/// For a segment out of order that came early (`DMG` before `N3` and `N4` in 2010BA): the
/// last segment after it, in its loop's run, that the guide puts before it. `None` when it
/// came late (the guide puts it before segments that precede it).
pub fn belongs_after(placements: &[Placement], at: usize) -> Option<usize> {
    let rank = placements.get(at)?.segment()?.rank;
    let run = own_run(placements, at);
    (at + 1..run.end)
        .rev()
        .find(|&k| placements[k].segment().is_some_and(|s| s.rank < rank))
}

/// Which of `ranks` make a longest run in order (each at least the one before), the first
/// such in order of where it ends; quadratic, for the short runs of one loop's segments.
fn longest_in_order(ranks: &[u16]) -> Vec<bool> {
    let n = ranks.len();
    let mut len = vec![1usize; n];
    let mut prev = vec![usize::MAX; n];
    for i in 0..n {
        for j in 0..i {
            if ranks[j] <= ranks[i] && len[j] + 1 > len[i] {
                len[i] = len[j] + 1;
                prev[i] = j;
            }
        }
    }
    let mut keep = vec![false; n];
    let mut at = (0..n).max_by_key(|&i| (len[i], std::cmp::Reverse(i)));
    while let Some(i) = at {
        keep[i] = true;
        at = (prev[i] != usize::MAX).then_some(prev[i]);
    }
    keep
}

impl Walker {
    /// A walk about to read ST: the transaction set's loop open, nothing seen.
    fn at_root(guide: &GuideDef) -> Walker {
        let mut w = Walker {
            tables: Tables::of(guide),
            frames: Vec::new(),
            counts: Vec::new(),
            out: Walk::default(),
            stray: None,
            probing: false,
        };
        w.push(0);
        w
    }

    /// Opens loop number `lno` (`Tables::loops`), nothing in it seen.
    fn push(&mut self, lno: u16) {
        let Some(def) = self.tables.loops.get(usize::from(lno)).map(|t| t.def) else {
            return;
        };
        let base = self.counts.len();
        self.counts
            .resize(base + def.children.len(), ChildCount::default());
        self.frames.push(Frame {
            def,
            lno,
            rank: 0,
            met: 0,
            base,
        });
    }

    fn count(&self, frame: &Frame, idx: usize) -> u32 {
        self.counts.get(frame.base + idx).map_or(0, |c| c.seen)
    }

    fn stood_in(&self, frame: &Frame, idx: usize) -> bool {
        self.counts
            .get(frame.base + idx)
            .is_some_and(|c| c.stand_ins > 0)
    }

    /// A segment placed by id alone in frame `depth` (`SV1*ZZ:J0897`, `REF*XX` in 2010AA):
    /// it stands in for the first required child of that id still ahead and not yet there,
    /// so the walk does not also report that child missing (the segment is there; its code
    /// is SYN008's).
    fn stand_in(&mut self, depth: usize, id: SegmentIndex) {
        let Some(f) = self.frames.get(depth) else {
            return;
        };
        let idx = f.def.children_with_id(id).find_map(|(idx, node)| {
            matches!(node, Node::Segment(s) if s.usage == Usage::Required
                && s.rank >= f.rank
                && self.count(f, idx) == 0
                && !self.stood_in(f, idx))
            .then_some(idx)
        });
        let base = f.base;
        if let Some(idx) = idx
            && let Some(slot) = self.counts.get_mut(base + idx)
        {
            slot.stand_ins = slot.stand_ins.saturating_add(1);
            if let Some(f) = self.frames.get_mut(depth) {
                f.met |= bit(idx);
            }
        }
    }

    #[inline(always)]
    fn bump(&mut self, depth: usize, idx: usize) -> u32 {
        let Some(f) = self.frames.get_mut(depth) else {
            return 0;
        };
        let Some(slot) = self.counts.get_mut(f.base + idx) else {
            return 0;
        };
        slot.seen = slot.seen.saturating_add(1);
        f.met |= bit(idx);
        slot.seen
    }

    /// Reports the required children of `frame` ranked from its rank up to `end` that never
    /// came (those ranked before its rank were judged when the position moved past them).
    /// Most moves pass none that is missing: the loop's required bits between the two ranks,
    /// less the frame's `met` bits, say so at once.
    #[inline(always)]
    fn report_missing(&mut self, frame: &Frame, end: u16, at: usize) {
        let pending = self
            .tables
            .loops
            .get(usize::from(frame.lno))
            .and_then(|t| t.required_between(frame.rank, end));
        if pending.is_none_or(|bits| bits & !frame.met != 0) {
            self.report_each_missing(frame, end, at);
        }
    }

    /// [`Walker::report_missing`] child by child. Children are in TR3 order, so in rank
    /// order: those from the frame's rank up to `end` are a run of `def.required`.
    #[cold]
    #[inline(never)]
    fn report_each_missing(&mut self, frame: &Frame, end: u16, at: usize) {
        let def = frame.def;
        for &idx in def.required {
            let idx = usize::from(idx);
            let Some(&node) = def.children.get(idx) else {
                continue;
            };
            if node.rank() < frame.rank {
                continue;
            }
            if node.rank() >= end {
                break;
            }
            if self.count(frame, idx) > 0 || self.stood_in(frame, idx) {
                continue;
            }
            let (id, is_loop) = match node {
                Node::Segment(s) => (s.id, false),
                Node::Loop(l) => (l.id, true),
            };
            self.out.issues.push(StructureIssue::RequiredMissing {
                id,
                is_loop,
                parent: def.id,
                at,
            });
        }
    }

    /// Closes the innermost frame, reporting required children that never came.
    #[inline(always)]
    fn pop(&mut self, at: usize) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        self.report_missing(&frame, u16::MAX, at);
        let conditional = self
            .tables
            .loops
            .get(usize::from(frame.lno))
            .is_some_and(|t| t.conditional);
        if conditional {
            self.report_conditional(&frame, at);
        }
        self.counts.truncate(frame.base);
    }

    /// The loops `frame`'s loop requires only when a sibling is absent (`CONDITIONAL_LOOPS`),
    /// reported when neither came.
    #[cold]
    fn report_conditional(&mut self, frame: &Frame, at: usize) {
        let def = frame.def;
        for &(parent, required, unless) in CONDITIONAL_LOOPS {
            if parent != def.id {
                continue;
            }
            let seen = |id: &str| {
                def.children.iter().enumerate().any(|(k, n)| {
                    matches!(n, Node::Loop(l) if l.id == id) && self.count(frame, k) > 0
                })
            };
            if !seen(required) && !seen(unless) {
                self.out.issues.push(StructureIssue::RequiredMissing {
                    id: required,
                    is_loop: true,
                    parent: def.id,
                    at,
                });
            }
        }
    }

    /// Innermost loop first, then its ancestors, each from its current rank on. A loop's own
    /// starter (child 0) only ever matches through its parent, as a new occurrence.
    fn find(&self, seg: &(impl SegmentView + ?Sized), id: SegmentIndex) -> Option<Found> {
        self.find_in_order(seg, id)
            .or_else(|| self.find_out_of_order(seg, id))
    }

    /// A segment in its place: in the innermost loop or an ancestor, at or after its rank.
    fn find_in_order(&self, seg: &(impl SegmentView + ?Sized), id: SegmentIndex) -> Option<Found> {
        let mut read = QualifierRead::default();
        self.frames
            .iter()
            .enumerate()
            .rev()
            .find_map(|(depth, f)| self.find_in_frame(depth, f, seg, id, &mut read))
    }

    /// [`Walker::search_frame`] from the compiled candidates: the first child of frame `f` of
    /// the segment's id, from the frame's rank on, whose definition takes it. That child is
    /// the answer, as in the search, unless it is a segment whose twin may follow: then code
    /// lists decide, and the search does.
    fn find_in_frame<'s, S: SegmentView + ?Sized>(
        &self,
        depth: usize,
        f: &Frame,
        seg: &'s S,
        id: SegmentIndex,
        read: &mut QualifierRead<'s>,
    ) -> Option<Found> {
        let table = self.tables.loops.get(usize::from(f.lno))?;
        let skip = u16::from(depth > 0);
        let c = table
            .with_id(id)
            .iter()
            .find(|c| c.idx >= skip && c.rank >= f.rank && c.takes(seg, read))?;
        if c.twin {
            return Walker::search_frame(depth, f, seg, id);
        }
        Some(Found {
            depth,
            idx: usize::from(c.idx),
            how: How::InOrder,
        })
    }

    /// A segment in its place in frame `f` (at `depth`), searched in the guide's definitions:
    /// only the children that share the segment's id can take it (`LoopDef::by_id`).
    fn search_frame(
        depth: usize,
        f: &Frame,
        seg: &(impl SegmentView + ?Sized),
        id: SegmentIndex,
    ) -> Option<Found> {
        let skip = usize::from(depth > 0);
        let mut first_seg = None;
        for (idx, node) in f.def.children_with_id(id) {
            if idx < skip || node.rank() < f.rank {
                continue;
            }
            match node {
                Node::Segment(s) if s.matches(seg) => {
                    // Code lists only tell apart definitions that share id and qualifier
                    // (2400 PWK*CT): with no such twin ahead, this one is the answer
                    // whether its codes fit or not, so they need not be read.
                    if first_seg.is_none() && !twin_ahead(f, idx, seg, id) || s.codes_fit(seg) {
                        return Some(Found {
                            depth,
                            idx,
                            how: How::InOrder,
                        });
                    }
                    first_seg.get_or_insert(idx);
                }
                Node::Loop(l)
                    if first_seg.is_none() && l.starter().is_some_and(|s| s.matches(seg)) =>
                {
                    return Some(Found {
                        depth,
                        idx,
                        how: How::InOrder,
                    });
                }
                _ => {}
            }
        }
        first_seg.map(|idx| Found {
            depth,
            idx,
            how: How::InOrder,
        })
    }

    /// A segment out of its place, in the innermost loop: one that came late (behind the
    /// current rank), else one whose id alone is known there.
    fn find_out_of_order(
        &self,
        seg: &(impl SegmentView + ?Sized),
        id: SegmentIndex,
    ) -> Option<Found> {
        // Behind the current rank, innermost loop only: searching ancestors backwards would
        // close loops on a segment that merely came late.
        let depth = self.frames.len().checked_sub(1)?;
        let f = self.frames.get(depth)?;
        let skip = usize::from(depth > 0);
        let segments = || {
            f.def
                .children_with_id(id)
                .filter(move |&(idx, _)| idx >= skip)
                .filter_map(|(idx, node)| match node {
                    Node::Segment(s) => Some((idx, s)),
                    Node::Loop(_) => None,
                })
        };
        let late = segments().find(|(_, s)| s.rank < f.rank && s.matches(seg));
        if let Some((idx, _)) = late {
            return Some(Found {
                depth,
                idx,
                how: How::Late,
            });
        }
        let by_id = |in_order: bool| segments().find(|(_, s)| (s.rank >= f.rank) == in_order);
        let (idx, _) = by_id(true).or_else(|| by_id(false))?;
        Some(Found {
            depth,
            idx,
            how: How::IdOnly,
        })
    }

    fn step<'a, S: SegmentView + ?Sized>(&mut self, seg: &S, at: usize, ahead: Ahead<'a, S>) {
        let placement = self.place(seg, at, ahead);
        self.stray = None;
        if matches!(placement, Placement::Unexpected) {
            self.out.issues.push(StructureIssue::Unexpected { at });
            self.stray = Some(self.tables.ids.index(seg.id()));
        }
        self.out.placements.push(placement);
    }

    /// Child `idx` of frame `depth` found in order: the position moves to its rank, reporting
    /// what it skipped, and it counts against its repeat (rank and repeat read from the
    /// compiled `Kid`, the child's id only for a finding).
    #[inline(always)]
    fn count_in_order(&mut self, depth: usize, idx: usize, at: usize) -> Option<Kid> {
        let &f = self.frames.get(depth)?;
        let kid = *self.tables.loops.get(usize::from(f.lno))?.kids.get(idx)?;
        if kid.rank > f.rank {
            self.report_missing(&f, kid.rank, at);
            if let Some(f) = self.frames.get_mut(depth) {
                f.rank = kid.rank;
            }
        }
        if self.bump(depth, idx) > kid.max {
            self.repeat_exceeded(&f, idx, kid.max, at);
        }
        Some(kid)
    }

    /// STR004 for child `idx` of `frame`, seen more than `max` times.
    #[cold]
    fn repeat_exceeded(&mut self, frame: &Frame, idx: usize, max: u32, at: usize) {
        let (id, is_loop) = match frame.def.children.get(idx) {
            Some(Node::Segment(s)) => (s.id, false),
            Some(Node::Loop(l)) => (l.id, true),
            None => return,
        };
        self.out.issues.push(StructureIssue::RepeatExceeded {
            id,
            is_loop,
            max,
            at,
        });
    }

    /// Opens child loop `idx` of frame `depth`: a new occurrence, counted against its
    /// repeat, its starter counted as seen.
    fn enter(&mut self, depth: usize, idx: usize, at: usize) {
        let Some(lno) = self.count_in_order(depth, idx, at).and_then(Kid::child) else {
            return;
        };
        self.push(lno);
        self.bump(depth + 1, 0);
    }

    /// A segment no open loop takes that belongs, after the opening segment, to a loop that
    /// could begin here (a child loop, at or after its parent's position, of the innermost
    /// open loop that has one), when the segment after it belongs there too: that loop's
    /// opening segment is missing. Returns (depth of the parent, index of the loop in it).
    /// Of several such loops (N3 and N4 open 2010BA and 2010BB alike), the first in the
    /// guide's order that requires nothing before this segment, else the first.
    ///
    /// `None` when the next segment does not follow, in the loop or after it in its parent
    /// (a stray segment, followed by what the open loops expect); when the loop is the one
    /// open and the segment's place in it is not used up (it came late, STR003, as an HI
    /// moved below `LX*1` does; a second SBR is a new subscriber); or when the loop may not
    /// occur again (a PER after 1000B: 1000A is used up).
    fn unopened<S: SegmentView + ?Sized>(
        &self,
        seg: &S,
        id: SegmentIndex,
        next: Option<&S>,
    ) -> Option<(usize, usize)> {
        if self.probing {
            return None;
        }
        let next = next?;
        let next_id = self.tables.ids.index(next.id())?;
        for (depth, f) in self.frames.iter().enumerate().rev() {
            let skip = usize::from(depth > 0);
            let (mut fits, mut hit) = (false, None);
            for (idx, node) in f.def.children.iter().enumerate().skip(skip) {
                let Node::Loop(l) = *node else { continue };
                if l.rank < f.rank {
                    continue;
                }
                // A segment of the loop after its opener, or the opener of a loop inside it
                // (NM1*85 after a lost `HL*1**20*1`: 2010AA's, inside 2000A).
                let Some((k, rank, max, inner)) =
                    l.children_with_id(id).find_map(|(k, n)| match n {
                        _ if k == 0 => None,
                        Node::Segment(s) if s.matches(seg) => Some((k, s.rank, s.max_use, None)),
                        Node::Loop(c) if c.starter().is_some_and(|s| s.matches(seg)) => {
                            Some((k, c.rank, c.repeat, Some(c)))
                        }
                        _ => None,
                    })
                else {
                    continue;
                };
                // An inner loop's opener only where the loop requires nothing before it (not
                // a 2320 SBR for a 2300 whose CLM and HI would both be missing).
                if inner.is_some() && skips_required(l, rank) {
                    continue;
                }
                fits = true;
                // A loop used up (a second 1000A) is not opened: the segment is a stray.
                if !l.repeat.allows(self.count(f, idx).saturating_add(1)) {
                    continue;
                }
                let open = self
                    .frames
                    .get(depth + 1)
                    .filter(|o| std::ptr::eq(o.def, l));
                // Unless a stray before it stood where the opener belongs (`NMQ*PR`).
                if self.stray.is_none() && open.is_some_and(|o| max.allows(self.count(o, k) + 1)) {
                    return None;
                }
                // Of several, the first in the guide's order where nothing required comes
                // between the opener and this segment (an N4 after a lost NM1*DK is the
                // ordering provider's, not the service facility's, whose N3 is required);
                // else the first.
                let follows = self.follows(depth, l, rank, next, next_id)
                    || inner.is_some_and(|c| followed_in(c, 0, None, next, next_id));
                if follows {
                    let whole = !skips_required(l, rank);
                    match hit {
                        None => hit = Some((idx, whole)),
                        Some((_, false)) if whole => hit = Some((idx, true)),
                        Some(_) => {}
                    }
                }
            }
            if fits {
                return hit.map(|(idx, _)| (depth, idx));
            }
        }
        None
    }

    /// How many findings the walk makes on `seg` and the segments after it (`PROBE` in all),
    /// read from where it stands, or with child loop `open` = (depth, index) first opened
    /// without its opener (that missing opener one finding more, unless a stray before stood
    /// in for it). Nothing is kept. A loop is opened so only when that reading fits what
    /// follows better: a stray CAS in 2300 followed by the 2310B NM1*82 is one STR003, not a
    /// 2320 begun without its SBR that would read the NM1*82 as 2330D.
    fn probe<'a, S: SegmentView + ?Sized>(
        &mut self,
        seg: &S,
        ahead: Ahead<'a, S>,
        open: Open,
    ) -> usize {
        let saved = (
            self.frames.clone(),
            self.counts.clone(),
            self.stray,
            std::mem::take(&mut self.out),
        );
        self.probing = true;
        let none = |_: usize| None;
        match open {
            Open::AsWritten => self.step(seg, 0, &none),
            Open::WithoutStarter(depth, idx) => {
                self.open_without_starter(depth, idx, 0);
                self.out.issues.retain(|i| {
                    !matches!(
                        i,
                        StructureIssue::OpenerMissing {
                            after_stray: true,
                            ..
                        }
                    )
                });
                self.step(seg, 0, &none);
            }
            Open::ByIdAlone(depth, idx) => {
                let placement = self.open_by_id_alone(depth, idx, 0);
                self.out.placements.push(placement);
            }
            Open::Stray => {
                self.out.issues.push(StructureIssue::Unexpected { at: 0 });
                self.out.placements.push(Placement::Unexpected);
                self.stray = Some(self.tables.ids.index(seg.id()));
            }
        }
        for k in 0..PROBE - 1 {
            let Some(next) = ahead(k) else { break };
            self.step(next, 0, &none);
        }
        // A segment placed by its id alone will be SYN008's finding: it counts too (a line's
        // `DTP*472` read in 2300 when its LX is lost).
        let by_id_alone = self
            .out
            .placements
            .iter()
            .filter(|p| {
                matches!(
                    p,
                    Placement::Placed {
                        qualified: false,
                        ..
                    }
                )
            })
            .count();
        let found = self.out.issues.len() + by_id_alone;
        (self.frames, self.counts, self.stray, self.out) = saved;
        self.probing = false;
        found
    }

    /// Is `found` (segment `at`), in order in the innermost loop, the first segment after that
    /// loop's opener, and a required segment the occurrence before lacks, found missing at
    /// that opener? Then it may be that occurrence's, written one place too late (`LX*3`
    /// and line 2's `DTP*472` swapped): read as written, the line's own SV1 comes late and its
    /// own DTP*472 once too often, three findings for one defect. Only a guess, which
    /// `place` weighs with `probe`.
    #[inline]
    fn written_late(&self, found: &Found, at: usize) -> bool {
        let depth = self.frames.len().saturating_sub(1);
        let Some(opener) = at.checked_sub(1) else {
            return false;
        };
        // Cheapest first, as this is asked of every segment placed: a finding made at the
        // segment before it, and the segment in order in the innermost loop.
        if self.probing
            || found.how != How::InOrder
            || found.depth != depth
            || self.out.issues.last().is_none_or(|i| i.at() != opener)
        {
            return false;
        }
        self.written_late_after(found, opener)
    }

    /// [`Walker::written_late`] past its cheap tests: `found` is in order in the innermost
    /// loop, and a finding was made at `opener`, the segment before it.
    #[inline(never)]
    fn written_late_after(&self, found: &Found, opener: usize) -> bool {
        let Some(f) = self.frames.last() else {
            return false;
        };
        let Some(Node::Segment(s)) = f.def.children.get(found.idx) else {
            return false;
        };
        let opened_there = matches!(self.out.placements.get(opener),
            Some(Placement::Placed { loop_def, segment, .. })
                if std::ptr::eq(*loop_def, f.def)
                    && f.def.starter().is_some_and(|st| std::ptr::eq(st, *segment)));
        s.usage == Usage::Required
            && opened_there
            // The findings made at the opener are the last ones made.
            && self.out.issues.iter().rev().take_while(|i| i.at() == opener).any(|i| {
                *i == StructureIssue::RequiredMissing {
                    id: s.id,
                    is_loop: false,
                    parent: f.def.id,
                    at: opener,
                }
            })
    }

    /// Has child `idx` of frame `depth` occurred as often as its definition allows?
    fn used_up(&self, depth: usize, idx: usize) -> bool {
        let Some(f) = self.frames.get(depth) else {
            return false;
        };
        match f.def.children.get(idx) {
            Some(Node::Segment(s)) => !s.max_use.allows(self.count(f, idx).saturating_add(1)),
            _ => false,
        }
    }

    /// Would `next` be placed in order once loop `l`, child of frame `depth`, is open at
    /// rank `rank`: in `l`, after `l` in that frame (a sibling loop of `l`'s rank counts:
    /// 1000A and 1000B share theirs), or in an enclosing loop from its position on (a
    /// CTP whose LIN is missing, followed by the next line's LX)?
    fn follows<S: SegmentView + ?Sized>(
        &self,
        depth: usize,
        l: &LoopDef,
        rank: u16,
        next: &S,
        next_id: SegmentIndex,
    ) -> bool {
        followed_in(l, rank, None, next, next_id)
            || self
                .frames
                .get(depth)
                .is_some_and(|f| followed_in(f.def, l.rank, Some(l), next, next_id))
            || self
                .frames
                .iter()
                .take(depth)
                .any(|g| followed_in(g.def, g.rank, None, next, next_id))
    }

    /// Opens child loop `idx` of frame `depth` whose opening segment is missing, closing the
    /// loops inside that frame, and notes the missing opener.
    fn open_without_starter(&mut self, depth: usize, idx: usize, at: usize) {
        while self.frames.len() > depth + 1 {
            self.pop(at);
        }
        let Some((parent, Node::Loop(l))) = self
            .frames
            .get(depth)
            .and_then(|f| Some((f.def.id, *f.def.children.get(idx)?)))
        else {
            return;
        };
        self.enter(depth, idx, at);
        // The segment before was unexpected (`CLN`, `NM2`, `NM1*IK`, `LQ` for LX): it stood
        // in for the opener and is reported already.
        self.out.issues.push(StructureIssue::OpenerMissing {
            id: l.id,
            parent,
            at,
            after_stray: self.stray.is_some(),
        });
    }

    /// A required child loop, of an open loop, at or after that loop's position and not yet
    /// begun, whose opening segment has `seg`'s id, innermost open loop first: where a
    /// segment of that id that fits nowhere may open it, its qualifier being its error.
    /// (depth of the parent, index of the loop in it.)
    fn opener_ahead<S: SegmentView + ?Sized>(
        &self,
        seg: &S,
        id: SegmentIndex,
    ) -> Option<(usize, usize)> {
        // An HL is read by its level, HL03, whose errors are the hierarchy's (STR001). A
        // segment whose qualifier some place of the guide takes (`NM1*IL` after a broken HL)
        // belongs there, out of its place, not here with a wrong one.
        if self.probing || seg.id() == b"HL" {
            return None;
        }
        let root = self.frames.first()?.def;
        let found = self
            .frames
            .iter()
            .enumerate()
            .rev()
            .find_map(|(depth, f)| {
                let skip = usize::from(depth > 0);
                f.def.children_with_id(id).find_map(|(idx, node)| {
                    let Node::Loop(l) = node else { return None };
                    (idx >= skip
                        && l.usage == Usage::Required
                        && l.rank >= f.rank
                        && self.count(f, idx) == 0
                        && l.starter().is_some_and(|s| fits_but_its_qualifier(s, seg)))
                    .then_some((depth, idx))
                })
            })?;
        // Walking the whole guide last: only for a segment that could open such a loop.
        (!fits_somewhere(root, seg, id)).then_some(found)
    }

    /// Opens loop `idx` of frame `depth` with the segment at `at` as its opener, placed by
    /// its id alone: its qualifier is reported against the loop's (SYN008, or SYN007 when
    /// empty), and the loop's segments that follow are where they belong.
    fn open_by_id_alone(&mut self, depth: usize, idx: usize, at: usize) -> Placement {
        while self.frames.len() > depth + 1 {
            self.pop(at);
        }
        let Some(Node::Loop(l)) = self.frames.get(depth).and_then(|f| f.def.children.get(idx))
        else {
            return Placement::Unexpected;
        };
        let l = *l;
        self.open_at(depth, idx, l, at, false)
    }

    /// Opens loop `l`, child `idx` of frame `depth`, at its opening segment (matched by its
    /// qualifier, or by id alone).
    #[inline(always)]
    fn open_at(
        &mut self,
        depth: usize,
        idx: usize,
        l: &'static LoopDef,
        at: usize,
        qualified: bool,
    ) -> Placement {
        self.enter(depth, idx, at);
        match l.starter() {
            Some(s) => Placement::Placed {
                loop_def: l,
                segment: s,
                qualified,
            },
            None => Placement::Unexpected,
        }
    }

    /// Counts the segment found as `found` at its place: in order it moves the position and
    /// counts against its repeat; late it is reported; by id alone it stands in.
    #[inline(always)]
    fn count_segment(&mut self, found: Found, id: SegmentIndex, at: usize) {
        let Found { depth, idx, how } = found;
        match how {
            How::InOrder => {
                self.count_in_order(depth, idx, at);
            }
            How::Late => {
                self.bump(depth, idx);
                self.out.issues.push(StructureIssue::Unexpected { at });
            }
            How::IdOnly => self.stand_in(depth, id),
        }
    }

    /// Places segment `at`. Most segments are found in order with nothing before them to
    /// weigh (no stray before, no finding made at the segment before): such a segment is
    /// placed where it is found, as `place_weighed` would place it (its alternatives are
    /// weighed only after a stray or a finding at the segment before). Every other segment
    /// goes to `place_weighed`.
    fn place<'a, S: SegmentView + ?Sized>(
        &mut self,
        seg: &S,
        at: usize,
        ahead: Ahead<'a, S>,
    ) -> Placement {
        let Some(id) = self.tables.ids.index(seg.id()) else {
            return Placement::Unexpected;
        };
        match self.find_in_order(seg, id) {
            Some(found) if self.stray.is_none() && !self.written_late(&found, at) => {
                self.place_found(found, id, at)
            }
            _ => self.place_weighed(seg, id, at, ahead),
        }
    }

    /// Places segment `at`, of id `id`, weighing the readings that a segment out of place or
    /// after a stray allows.
    #[inline(never)]
    fn place_weighed<'a, S: SegmentView + ?Sized>(
        &mut self,
        seg: &S,
        id: SegmentIndex,
        at: usize,
        ahead: Ahead<'a, S>,
    ) -> Placement {
        let found = self.find(seg, id);
        // Nowhere; by its id alone (`REF*G2` after a lost NM1*PR is 2010BB's, not a bad
        // 2010BA REF); or behind the position where its place is used up (a second SV1 in
        // one line, its own LX lost); or, after a stray, behind the position or repeated
        // past its limit (the N3 or N4 after `NMQ*PR`): the first of a loop whose opener is
        // missing?
        let reconsider = |f: &Found| match f.how {
            How::IdOnly => true,
            How::Late => self.stray.is_some() || self.used_up(f.depth, f.idx),
            // A repeat past the limit is STR004's (three diagnosis HIs) unless a stray
            // stood before it.
            How::InOrder => self.stray.is_some() && self.used_up(f.depth, f.idx),
        };
        if found.as_ref().is_none_or(reconsider)
            && let Some((depth, idx)) = self.unopened(seg, id, ahead(0))
            && self.probe(seg, ahead, Open::WithoutStarter(depth, idx))
                < self.probe(seg, ahead, Open::AsWritten)
        {
            self.open_without_starter(depth, idx, at);
            // Now in the loop just opened, in order: placed there as any other.
            return self.place(seg, at, &|_| None);
        }
        // The segment the occurrence just closed lacks, written after the opener of the next
        // (`LX*3~DTP*472~SV1~DTP*472`): a stray, when reading it so fits what follows better.
        if found.as_ref().is_some_and(|f| self.written_late(f, at))
            && self.probe(seg, ahead, Open::Stray) < self.probe(seg, ahead, Open::AsWritten)
        {
            return Placement::Unexpected;
        }
        let Some(found) = found else {
            // Nowhere, nor the first of a loop whose opener is missing: the opener, its
            // qualifier wrong, of a required loop that has not come (`NM1**2*MEDICARE` where
            // 1000B's `NM1*40` belongs)?
            if let Some((depth, idx)) = self.opener_ahead(seg, id)
                && self.probe(seg, ahead, Open::ByIdAlone(depth, idx))
                    < self.probe(seg, ahead, Open::AsWritten)
            {
                return self.open_by_id_alone(depth, idx, at);
            }
            return Placement::Unexpected;
        };
        self.place_found(found, id, at)
    }

    /// Places a segment of id `id` where it was found: the loops inside that frame closed,
    /// it counts there (or opens the loop it starts). Inlined, with the counting it calls
    /// (`count_segment`, `count_in_order`, `bump`, `report_missing`, `open_at`), into
    /// `place`: for most segments the calls cost more than the work (callgrind: 7 % of the
    /// walk); `find_in_order`, `enter` and `push` stay calls, which measured cheaper.
    #[inline(always)]
    fn place_found(&mut self, found: Found, id: SegmentIndex, at: usize) -> Placement {
        let Found { depth, idx, how } = found;
        while self.frames.len() > depth + 1 {
            self.pop(at);
        }
        let Some(def) = self.frames.get(depth).map(|f| f.def) else {
            return Placement::Unexpected;
        };
        match def.children.get(idx) {
            Some(&Node::Segment(s)) => {
                self.count_segment(found, id, at);
                Placement::Placed {
                    loop_def: def,
                    segment: s,
                    qualified: how != How::IdOnly,
                }
            }
            Some(&Node::Loop(l)) => self.open_at(depth, idx, l, at, true),
            None => Placement::Unexpected,
        }
    }
}

/// Is `seg` of `def`'s id, and valid against `def` but for its qualifier? (A payer's NM1
/// written `NM1**2*…*PI*…` opens 2010BB; an `NM1*82*1` where the 2330B payer is missing has
/// other elements no 2330B NM1 takes, and is not read as one.) Also when it is once its
/// qualifier's separator is put right: the qualifier left out with its separator, the values
/// after it one element early (`NM1*2*MEDICARE*…*PI*…`), or one separator too many before it
/// (`NM1**PR*2*MEDICARE*…`); the segment's findings then name that slip (`realign`).
fn fits_but_its_qualifier<S: SegmentView + ?Sized>(def: &SegmentDef, seg: &S) -> bool {
    let Some(q) = def.qualifier else {
        return false;
    };
    if def.id.as_bytes() != seg.id() {
        return false;
    }
    let at = usize::from(q.elem);
    let slipped = |remove| Slipped { seg, at, remove };
    only_qualifier_wrong(def, seg)
        || q.comp == 0
            && (only_qualifier_wrong(def, &slipped(false))
                || seg.element(at) == Some(b"") && only_qualifier_wrong(def, &slipped(true)))
}

/// Whether every finding of `seg` against `def` is on its qualifier.
fn only_qualifier_wrong<S: SegmentView + ?Sized>(def: &SegmentDef, seg: &S) -> bool {
    let Some(q) = def.qualifier else {
        return false;
    };
    let mut issues = Vec::new();
    crate::validate_segment(def, seg, &mut issues);
    issues.iter().all(|i| match i.position() {
        Some((elem, comp)) => {
            elem == usize::from(q.elem) && (comp == 0 || comp == usize::from(q.comp))
        }
        None => false,
    })
}

/// `seg` read with one element separator undone at element `at`: an empty element put back
/// there (what was written there and after stands one element on), or, `remove`, the empty
/// element there taken out (one separator too many).
struct Slipped<'s, S: ?Sized> {
    seg: &'s S,
    at: usize,
    remove: bool,
}

impl<S: SegmentView + ?Sized> Slipped<'_, S> {
    /// The element of `seg` that element `i` of this reading is; `None` for the one put back.
    fn source(&self, i: usize) -> Option<usize> {
        if i < self.at {
            Some(i)
        } else if self.remove {
            Some(i + 1)
        } else if i == self.at {
            None
        } else {
            Some(i - 1)
        }
    }

    fn within(&self, i: usize) -> bool {
        (1..=self.element_count()).contains(&i)
    }
}

impl<S: SegmentView + ?Sized> SegmentView for Slipped<'_, S> {
    fn id(&self) -> &[u8] {
        self.seg.id()
    }

    fn element_count(&self) -> usize {
        let n = self.seg.element_count();
        if self.remove {
            n.saturating_sub(1)
        } else {
            n.max(self.at - 1) + 1
        }
    }

    fn element(&self, i: usize) -> Option<&[u8]> {
        if !self.within(i) {
            return None;
        }
        self.source(i)
            .map_or(Some(&b""[..]), |k| self.seg.element(k))
    }

    fn component_count(&self, i: usize) -> usize {
        match self.source(i) {
            Some(k) => self.seg.component_count(k),
            None => usize::from(self.within(i)),
        }
    }

    fn component(&self, i: usize, j: usize) -> Option<&[u8]> {
        if !self.within(i) {
            return None;
        }
        match self.source(i) {
            Some(k) => self.seg.component(k, j),
            None => (j == 1).then_some(&b""[..]),
        }
    }

    fn repetitions(&self, i: usize) -> usize {
        match self.source(i) {
            Some(k) => self.seg.repetitions(k),
            None => usize::from(self.within(i)),
        }
    }
}

/// Does a definition of `seg`'s id (`id`) in loop `l` or a loop below it take `seg`, its
/// qualifier included?
fn fits_somewhere<S: SegmentView + ?Sized>(l: &LoopDef, seg: &S, id: SegmentIndex) -> bool {
    l.children_with_id(id).any(|(_, node)| match node {
        Node::Segment(s) => s.matches(seg),
        Node::Loop(child) => child.starter().is_some_and(|s| s.matches(seg)),
    }) || l.children.iter().any(|node| match node {
        Node::Loop(child) => fits_somewhere(child, seg, id),
        Node::Segment(_) => false,
    })
}

/// Does loop `l` require a child after its opener and before rank `rank`?
fn skips_required(l: &LoopDef, rank: u16) -> bool {
    l.required.iter().any(|&k| {
        k > 0
            && l.children
                .get(usize::from(k))
                .is_some_and(|n| n.rank() < rank)
    })
}

/// Does `next` belong in loop `l` from rank `rank` on: a segment of it, or the start of one
/// of its child loops other than `except`? The opener's own segment does not count: that is
/// a new occurrence.
fn followed_in<S: SegmentView + ?Sized>(
    l: &LoopDef,
    rank: u16,
    except: Option<&LoopDef>,
    next: &S,
    next_id: SegmentIndex,
) -> bool {
    l.children_with_id(next_id).any(|(k, n)| {
        k > 0
            && match n {
                Node::Segment(s) => s.rank >= rank && s.matches(next),
                Node::Loop(c) => {
                    c.rank >= rank
                        && !except.is_some_and(|e| std::ptr::eq(e, c))
                        && c.starter().is_some_and(|s| s.matches(next))
                }
            }
    })
}

/// Is there a segment definition after child `idx` of frame `f`, at or after its current rank,
/// that `seg` also matches by id and qualifier? Only then do code lists decide between them.
/// The guide's tables say first (`SegmentDef::twin_after`) whether any later sibling could
/// match at all; most definitions have none, and their segments are not read again.
fn twin_ahead(f: &Frame, idx: usize, seg: &(impl SegmentView + ?Sized), id: SegmentIndex) -> bool {
    let possible = matches!(f.def.children.get(idx), Some(Node::Segment(s)) if s.twin_after);
    possible
        && f.def.children_with_id(id).any(|(k, node)| {
            k > idx && matches!(node, Node::Segment(s) if s.rank >= f.rank && s.matches(seg))
        })
}

/// Places one segment as the first after the starter of the loop at `path`, the way the walk
/// would: for tests of which definition a segment gets.
#[cfg(test)]
pub(super) fn place_in(
    guide: &GuideDef,
    path: &[&str],
    seg: &(impl SegmentView + ?Sized),
) -> Placement {
    let mut w = Walker::at_root(guide);
    let mut def = guide.root;
    for id in path {
        let Some(l) = def.child_loop(id) else {
            return Placement::Unexpected;
        };
        let Some(lno) = w.tables.number(l) else {
            return Placement::Unexpected;
        };
        w.push(lno);
        w.bump(w.frames.len() - 1, 0);
        def = l;
    }
    w.place(seg, 0, &|_| None)
}

#[cfg(test)]
mod ids_tests {
    use super::*;

    /// The hashed lookup finds exactly what the binary search over all ids finds,
    /// for every id of both guides, for near misses and for what is not an id.
    #[test]
    fn guide_ids_agree_with_the_binary_search() {
        for g in [crate::Guide::X222A1, crate::Guide::X223A2] {
            let guide = crate::guide(g);
            let ids = GuideIds::new(guide.segment_keys);
            assert!(
                ids.mul.is_some(),
                "a multiplier separates the ids of {}",
                guide.version
            );
            let mut probes: Vec<Vec<u8>> = Vec::new();
            // Every id of two or three letters and digits, defined or not.
            let chars: Vec<u8> = (b'A'..=b'Z').chain(b'0'..=b'9').collect();
            for &a in &chars {
                for &b in &chars {
                    probes.push(vec![a, b]);
                    probes.extend(chars.iter().map(|&c| vec![a, b, c]));
                }
            }
            for &k in guide.segment_keys {
                let id: Vec<u8> = [(k >> 16) as u8, (k >> 8) as u8, k as u8]
                    .into_iter()
                    .filter(|&b| b != 0)
                    .collect();
                let mut longer = id.clone();
                longer.push(b'Z');
                probes.extend([id.clone(), id[..1].to_vec(), longer]);
            }
            probes.extend(
                [&b""[..], b"ZZ", b"A", b"\x00A", b"ISA", b"N9", b"SV9"].map(|p| p.to_vec()),
            );
            for p in &probes {
                assert_eq!(
                    ids.index(p).map(|i| i.0),
                    GuideDef::index_in(guide.segment_keys, p).map(|i| i.0),
                    "{}",
                    String::from_utf8_lossy(p)
                );
            }
        }
    }
}
