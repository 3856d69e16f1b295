//! The guide compiled for the walk, once per guide at first use: per loop, what the search for
//! a segment's place reads of each child that takes a segment of a given id (its index, rank
//! and qualifier, flat, with no `Node` or `SegmentDef` to follow), and the number of each
//! child loop, so that an open loop is a number and a segment's candidates one range away;
//! and what the walk's bookkeeping reads of each child (rank, repeat, loop number: `Kid`) and
//! of the required ones (by rank, as bits), so that counting a segment follows no `Node` and
//! a move that passes no missing child visits none. Built from the guide's own definitions
//! (`LoopDef::children_with_id`), immutable after.

use super::GuideIds;
use crate::{GuideDef, LoopDef, Node, Qualifier, SegmentIndex, SegmentView};
use std::sync::{Arc, OnceLock};

/// How a child takes a segment of its id, as `SegmentDef::matches` decides (for a loop, of
/// its opening segment).
#[derive(Clone, Copy)]
pub(super) enum Takes {
    /// Whatever its qualifier: the definition has none.
    Any,
    /// When its qualifier is one of these codes.
    Qualified(&'static Qualifier),
    /// When its qualifier, at element `elem`, component `comp`, has one of the first `n`
    /// of these [`crate::code_key`]s: a qualifier of at most `FEW` codes that all have
    /// keys (nearly all of them), compared in place. `in_code_list` compares the same keys.
    Few {
        elem: u8,
        comp: u8,
        n: u8,
        keys: [u64; FEW],
    },
    /// `Few` of one code (most qualifiers): one comparison.
    One { elem: u8, comp: u8, key: u64 },
    /// Never (a loop without an opening segment, or one of another id).
    Never,
}

/// The most qualifier codes `Takes::Few` holds.
const FEW: usize = 4;

impl Takes {
    /// How a definition with qualifier `q` takes a segment of its id.
    fn qualified(q: &'static Qualifier) -> Takes {
        let (Ok(n), true) = (u8::try_from(q.keys.len()), q.keys.len() == q.codes.len()) else {
            return Takes::Qualified(q);
        };
        let mut keys = [0; FEW];
        if let [key] = *q.keys {
            return Takes::One {
                elem: q.elem,
                comp: q.comp,
                key,
            };
        }
        if q.keys.is_empty() || q.keys.len() > FEW {
            return Takes::Qualified(q);
        }
        for (slot, &k) in keys.iter_mut().zip(q.keys) {
            *slot = k;
        }
        Takes::Few {
            elem: q.elem,
            comp: q.comp,
            n,
            keys,
        }
    }
}

/// One child of a loop that a segment of some id may be placed as.
#[derive(Clone, Copy)]
pub(super) struct Cand {
    /// The child's index in `LoopDef::children`.
    pub(super) idx: u16,
    pub(super) rank: u16,
    pub(super) takes: Takes,
    /// A segment definition with `twin_after`: a later sibling may take the same segment,
    /// and code lists may have to decide (`twin_ahead`), so the search is left to the slow
    /// path.
    pub(super) twin: bool,
}

impl Cand {
    /// `SegmentDef::matches` for a segment of the candidate's id, its qualifier read through
    /// `read` (once per segment for the candidates that share where it is).
    #[inline]
    pub(super) fn takes<'s, S: SegmentView + ?Sized>(
        &self,
        seg: &'s S,
        read: &mut QualifierRead<'s>,
    ) -> bool {
        match self.takes {
            Takes::Any => true,
            Takes::Qualified(q) => {
                crate::in_code_list(q.codes, q.keys, read.value(seg, q.elem, q.comp))
            }
            Takes::Few {
                elem,
                comp,
                n,
                keys,
            } => crate::code_key(read.value(seg, elem, comp))
                .is_some_and(|k| keys.iter().take(usize::from(n)).any(|&c| c == k)),
            Takes::One { elem, comp, key } => {
                crate::code_key(read.value(seg, elem, comp)) == Some(key)
            }
            Takes::Never => false,
        }
    }
}

/// The qualifier value last read of one segment, by its position: candidates of one id
/// nearly always read theirs at the same element.
#[derive(Default)]
pub(super) struct QualifierRead<'s> {
    last: Option<(u8, u8, &'s [u8])>,
}

impl<'s> QualifierRead<'s> {
    #[inline]
    fn value<S: SegmentView + ?Sized>(&mut self, seg: &'s S, elem: u8, comp: u8) -> &'s [u8] {
        match self.last {
            Some((e, c, v)) if (e, c) == (elem, comp) => v,
            _ => {
                let v = seg.qualifier(elem.into(), comp.into()).unwrap_or_default();
                self.last = Some((elem, comp, v));
                v
            }
        }
    }
}

/// What the walk's bookkeeping reads of one child of a loop (`Node`), flat: where it stands,
/// how often it may occur, and which loop it opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Kid {
    /// `Node::rank`.
    pub(super) rank: u16,
    /// The number (index in `Tables::loops`) of the child loop; `u16::MAX` for a segment.
    lno: u16,
    /// `Repeat::max` of the segment's `max_use` or the loop's `repeat` (`u32::MAX`: no limit),
    /// so that `Repeat::allows(n)` is `n <= max`.
    pub(super) max: u32,
}

impl Kid {
    /// The number of the child loop; `None` for a segment.
    #[inline]
    pub(super) fn child(self) -> Option<u16> {
        (self.lno != u16::MAX).then_some(self.lno)
    }

    fn of(node: &Node, number: impl Fn(&LoopDef) -> u16) -> Kid {
        match *node {
            Node::Segment(s) => Kid {
                rank: s.rank,
                lno: u16::MAX,
                max: s.max_use.max(),
            },
            Node::Loop(l) => Kid {
                rank: l.rank,
                lno: number(l),
                max: l.repeat.max(),
            },
        }
    }
}

/// One loop of the guide, compiled.
pub(super) struct LoopTable {
    pub(super) def: &'static LoopDef,
    /// The candidates of each id, in TR3 order, id after id.
    by_id: Box<[Cand]>,
    /// Where the candidates of each id of the guide's `segment_ids` start in `by_id` (one
    /// more entry at the end).
    start: Box<[u16]>,
    /// Each child's rank, repeat and loop number, by child index.
    pub(super) kids: Box<[Kid]>,
    /// By rank `r`: the required children (of index below 64) ranked before `r`, one bit per
    /// child index; past the end, all of them (`all_required`).
    required_before: Box<[u64]>,
    all_required: u64,
    /// At most 64 children: a frame's `met` bits say of every child whether it came.
    narrow: bool,
    /// Whether the loop is the parent of a loop required only when a sibling is absent
    /// (`CONDITIONAL_LOOPS`): only then does closing it look for them.
    pub(super) conditional: bool,
}

impl LoopTable {
    /// The children a segment of id `id` may be placed as, in TR3 order
    /// (`LoopDef::children_with_id`).
    #[inline]
    pub(super) fn with_id(&self, id: SegmentIndex) -> &[Cand] {
        let k = usize::from(id.0);
        match (self.start.get(k), self.start.get(k + 1)) {
            (Some(&from), Some(&to)) => self
                .by_id
                .get(usize::from(from)..usize::from(to))
                .unwrap_or_default(),
            _ => &[],
        }
    }

    /// The required children ranked from `from` up to `end` (exclusive), as bits by child
    /// index; `None` when the loop has more children than the bits hold.
    #[inline]
    pub(super) fn required_between(&self, from: u16, end: u16) -> Option<u64> {
        let before = |r: u16| {
            self.required_before
                .get(usize::from(r))
                .copied()
                .unwrap_or(self.all_required)
        };
        self.narrow.then(|| before(end) & !before(from))
    }
}

/// A guide compiled for the walk.
pub(super) struct Tables {
    pub(super) ids: GuideIds,
    /// Every loop, the transaction set (number 0) first.
    pub(super) loops: Vec<LoopTable>,
}

impl Tables {
    /// The tables of `guide`, compiled at first use and shared after.
    pub(super) fn of(guide: &GuideDef) -> Arc<Tables> {
        // Caches of compiled-in data: each is derived from the guide's static tables alone,
        // once, and every walk sees the same, so it cannot change a result
        // (tests/layering.rs checks that no other kind of static exists).
        static X222A1: OnceLock<Arc<Tables>> = OnceLock::new();
        static X223A2: OnceLock<Arc<Tables>> = OnceLock::new();
        let known = crate::guide(guide.guide);
        // A guide built elsewhere (not one of the crate's tables) is compiled for its walk.
        if !std::ptr::eq(known.root, guide.root) || known.segment_keys != guide.segment_keys {
            return Arc::new(Tables::compile(guide));
        }
        let cell = match guide.guide {
            crate::Guide::X222A1 => &X222A1,
            crate::Guide::X223A2 => &X223A2,
        };
        Arc::clone(cell.get_or_init(|| Arc::new(Tables::compile(known))))
    }

    pub(super) fn compile(guide: &GuideDef) -> Tables {
        let defs = guide.loops();
        let number = |l: &LoopDef| {
            defs.iter()
                .position(|d| std::ptr::eq(*d, l))
                .and_then(|n| u16::try_from(n).ok())
                .unwrap_or(u16::MAX)
        };
        let loops = defs
            .iter()
            .map(|&def| {
                let (by_id, start) = compile_by_id(guide, def);
                LoopTable {
                    def,
                    by_id,
                    start,
                    kids: def.children.iter().map(|n| Kid::of(n, number)).collect(),
                    required_before: required_before(def),
                    all_required: required_bits(def, |_| true),
                    narrow: def.children.len() <= 64,
                    conditional: super::CONDITIONAL_LOOPS
                        .iter()
                        .any(|&(parent, _, _)| parent == def.id),
                }
            })
            .collect();
        Tables {
            ids: GuideIds::new(guide.segment_keys),
            loops,
        }
    }

    /// The number of loop `def`.
    #[cfg(test)]
    pub(super) fn number(&self, def: &LoopDef) -> Option<u16> {
        self.loops
            .iter()
            .position(|t| std::ptr::eq(t.def, def))
            .and_then(|n| u16::try_from(n).ok())
    }
}

/// The bit of child `idx` in a frame's `met` and in the required masks (none past 63).
#[inline]
pub(super) fn bit(idx: usize) -> u64 {
    u32::try_from(idx)
        .ok()
        .and_then(|i| 1u64.checked_shl(i))
        .unwrap_or(0)
}

/// The required children of `def` whose rank `keep` takes, as bits by child index.
fn required_bits(def: &LoopDef, keep: impl Fn(u16) -> bool) -> u64 {
    def.required
        .iter()
        .map(|&k| usize::from(k))
        .filter(|&k| def.children.get(k).is_some_and(|n| keep(n.rank())))
        .fold(0, |bits, k| bits | bit(k))
}

/// `LoopTable::required_before`: by rank, up to one past the highest.
fn required_before(def: &LoopDef) -> Box<[u64]> {
    let top = def.children.iter().map(|n| n.rank()).max().unwrap_or(0);
    (0..=top.saturating_add(1))
        .map(|r| required_bits(def, |rank| rank < r))
        .collect()
}

/// The candidates of loop `def`, id after id, and where each id's start.
fn compile_by_id(guide: &GuideDef, def: &'static LoopDef) -> (Box<[Cand]>, Box<[u16]>) {
    let mut out = Vec::with_capacity(def.by_id.len());
    let mut start = Vec::with_capacity(guide.segment_ids.len() + 1);
    for (k, id) in guide.segment_ids.iter().enumerate() {
        start.push(u16::try_from(out.len()).unwrap_or(u16::MAX));
        let Some(index) = u8::try_from(k).ok().map(SegmentIndex) else {
            continue;
        };
        for (idx, node) in def.children_with_id(index) {
            let seg = match node {
                Node::Segment(s) => Some(s),
                Node::Loop(l) => l.starter(),
            };
            let takes = match seg {
                Some(s) if s.id == *id => s.qualifier.as_ref().map_or(Takes::Any, Takes::qualified),
                _ => Takes::Never,
            };
            out.push(Cand {
                idx: u16::try_from(idx).unwrap_or(u16::MAX),
                rank: node.rank(),
                takes,
                twin: matches!(node, Node::Segment(s) if s.twin_after),
            });
        }
    }
    start.push(u16::try_from(out.len()).unwrap_or(u16::MAX));
    (out.into_boxed_slice(), start.into_boxed_slice())
}

#[cfg(test)]
mod tests {
    use super::super::{Frame, Walker};
    use crate::tests::TestSeg;
    use crate::{Guide, Node, SegmentIndex};

    /// A segment of id `id` with `code` at element `elem`, component `comp` (0: the element),
    /// every other element empty.
    fn seg_with(id: &str, elem: u8, comp: u8, code: &str) -> TestSeg {
        let mut text = id.to_string();
        text.push_str(&"*".repeat(usize::from(elem)));
        text.push_str(&":".repeat(usize::from(comp.saturating_sub(1))));
        text.push_str(code);
        text.push_str("*X*X*X");
        TestSeg::parse(text.as_bytes(), b'*', b':', Some(b'^'))
    }

    /// For every loop of both guides, every segment id, every qualifier code any definition of
    /// that id takes (at every place a definition of it reads one), a code none takes and
    /// none at all, from every rank of the loop, as the innermost loop and as the transaction
    /// set: the compiled candidates find what the search of the definitions finds.
    #[test]
    fn compiled_candidates_agree_with_the_search() {
        for g in [Guide::X222A1, Guide::X223A2] {
            let guide = crate::guide(g);
            let w = Walker::at_root(guide);
            let mut checked = 0usize;
            for (k, id) in guide.segment_ids.iter().enumerate() {
                let index = SegmentIndex(u8::try_from(k).unwrap());
                let mut places = vec![(1u8, 0u8)];
                let mut codes = vec!["", "~~", "LONGER THAN 7"];
                for l in guide.loops() {
                    for s in l
                        .segments(id.as_bytes())
                        .chain(l.children.iter().filter_map(|n| match n {
                            Node::Loop(c) => c.starter().filter(|s| s.id == *id),
                            Node::Segment(_) => None,
                        }))
                    {
                        if let Some(q) = s.qualifier {
                            places.push((q.elem, q.comp));
                            codes.extend(q.codes.iter().copied());
                        }
                    }
                }
                places.sort_unstable();
                places.dedup();
                codes.sort_unstable();
                codes.dedup();
                let segs: Vec<(String, TestSeg)> = places
                    .iter()
                    .flat_map(|&(e, c)| {
                        codes.iter().map(move |code| {
                            (format!("{id}{e}-{c}={code}"), seg_with(id, e, c, code))
                        })
                    })
                    .collect();
                for (lno, table) in w.tables.loops.iter().enumerate() {
                    let def = table.def;
                    let top = def.children.iter().map(|n| n.rank()).max().unwrap_or(0);
                    for rank in 0..=top + 1 {
                        for depth in [0, 1] {
                            let f = Frame {
                                def,
                                lno: u16::try_from(lno).unwrap(),
                                rank,
                                met: 0,
                                base: 0,
                            };
                            for (name, seg) in &segs {
                                let mut read = super::QualifierRead::default();
                                let fast = w.find_in_frame(depth, &f, seg, index, &mut read);
                                let slow = Walker::search_frame(depth, &f, seg, index);
                                assert_eq!(
                                    fast.map(|f| (f.depth, f.idx)),
                                    slow.map(|f| (f.depth, f.idx)),
                                    "{} {} {name} rank {rank} depth {depth}",
                                    guide.version,
                                    def.id,
                                );
                                checked += 1;
                            }
                        }
                    }
                }
            }
            assert!(checked > 100_000, "{checked}");
        }
    }

    /// Each child's compiled rank and repeat are its definition's.
    #[test]
    fn kids_agree_with_the_children() {
        for g in [Guide::X222A1, Guide::X223A2] {
            let t = super::Tables::compile(crate::guide(g));
            for table in &t.loops {
                assert_eq!(table.kids.len(), table.def.children.len());
                for (kid, node) in table.kids.iter().zip(table.def.children) {
                    let max = match node {
                        Node::Segment(s) => s.max_use.max(),
                        Node::Loop(l) => l.repeat.max(),
                    };
                    assert_eq!((kid.rank, kid.max), (node.rank(), max), "{}", table.def.id);
                }
            }
        }
    }

    /// Every loop of both guides fits the `met` bits, its required children stand in rank
    /// order (so that those judged between two positions are the ones ranked between them),
    /// and the compiled masks name, for every pair of positions, exactly the required
    /// children ranked from the one up to the other.
    #[test]
    fn required_masks_agree_with_the_ranks() {
        for g in [Guide::X222A1, Guide::X223A2] {
            let t = super::Tables::compile(crate::guide(g));
            for table in &t.loops {
                let def = table.def;
                assert!(def.children.len() <= 64, "{}", def.id);
                let ranks: Vec<u16> = def
                    .required
                    .iter()
                    .map(|&k| def.children[usize::from(k)].rank())
                    .collect();
                assert!(ranks.is_sorted(), "{} {ranks:?}", def.id);
                let top = def.children.iter().map(|n| n.rank()).max().unwrap_or(0);
                let points: Vec<u16> = (0..=top + 2).chain([u16::MAX]).collect();
                for &from in &points {
                    for &end in points.iter().filter(|&&e| e >= from) {
                        let want = def
                            .required
                            .iter()
                            .map(|&k| usize::from(k))
                            .filter(|&k| (from..end).contains(&def.children[k].rank()))
                            .fold(0u64, |bits, k| bits | 1 << k);
                        assert_eq!(
                            table.required_between(from, end),
                            Some(want),
                            "{} {from}..{end}",
                            def.id
                        );
                    }
                }
            }
        }
    }

    /// Each loop's number names it, and each child loop's number names that child.
    #[test]
    fn loop_numbers_name_the_loops() {
        for g in [Guide::X222A1, Guide::X223A2] {
            let guide = crate::guide(g);
            let t = super::Tables::compile(guide);
            assert!(std::ptr::eq(t.loops[0].def, guide.root));
            assert_eq!(t.loops.len(), guide.loops().len());
            for table in &t.loops {
                for (idx, node) in table.def.children.iter().enumerate() {
                    match (node, table.kids.get(idx).and_then(|k| k.child())) {
                        (Node::Loop(l), Some(n)) => {
                            assert!(std::ptr::eq(t.loops[usize::from(n)].def, *l));
                        }
                        (Node::Segment(_), None) => {}
                        _ => panic!("{} child {idx}", table.def.id),
                    }
                }
            }
        }
    }
}
