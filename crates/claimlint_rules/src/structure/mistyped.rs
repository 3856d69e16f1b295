//! A required segment written with the id of another segment of the 837, one letter off
//! (or two neighbours swapped), right where it belongs: `N4*12202 AIRPORT WAY` where 2010AA's
//! `N3` goes, its real `N4` after it. The walk reads the segment as what its id says, so the
//! loop lacks the segment (STR002), the segment repeats the one its id names (STR004 on the
//! real one after it) and its elements are wrong for that id (SYN007: N402 and N403 empty).
//! One defect, one finding: STR003 on the segment, naming the id it reads as; it names itself
//! as the place the segment was found missing from (`Diagnostic::site`), which ties to it the
//! STR002 there and the STR004 of the segment after it that repeats its id, both naming it as
//! their site (`suppress::Scope::Site`), and what reading it as the other id finds on it
//! (`Scope::Itself`). Any other finding stands.
//!
//! Only when the evidence is unambiguous: the segment reads clean as the missing definition
//! (its qualifier, every element), and the set walked again with that one id put right finds
//! nothing from there to the end of the next claim that the set's walk did not find. An id
//! no 837 has (`N5`) is SYN001's (`required_segment_missing::misspelled`); a segment whose
//! written id opens a line or a loop (`LX`, `SV1`, `NM1`…) is left to the moves of those
//! (`line_moved`, `relocated`), whose precedence rows read a range on them, and so is one
//! that would read as such a segment (`SV5` for `SV1`: the line's rules read the model's
//! service segment, which no trial walk judges); so is one whose reading would take a
//! segment its loop already has. The help does not claim the loop whole: what the model
//! reads from the loop (a 2010AA's address for SIT005) it reads from the segment as
//! written. Nothing here reports but [`report_mistyped`].

use super::moved::all_wants;
use super::trial::{Trials, claim_end, in_set, trial_end};
use crate::Ctx;
use claimlint_ig::{Placement, SegmentDef, StructureIssue};
use claimlint_model::Transaction;
use claimlint_x12::Segment;
use std::borrow::Cow;

/// The ids whose STR003 has a precedence row of its own over a range (`suppress`'s
/// `Scope::Covered` rows `on` them): a segment written with one of these, or that would read
/// as one, is not taken here.
const OWN_ROWS: [&[u8]; 10] = [
    b"NM1", b"LX", b"LIN", b"SVD", b"CTP", b"SV1", b"SV2", b"DTP", b"CAS", b"HL",
];

/// A segment written with another id where a segment of its loop belongs, which reads as it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mistyped {
    /// The segment index where it stands (STR003 there).
    pub at: usize,
    /// The definition it reads as.
    pub def: &'static SegmentDef,
    /// The loop it belongs in.
    pub parent: &'static str,
    /// The walk issue (index in `ig.structure`) of the gap it leaves, when the walk found
    /// one (the segment required): the STR002 reported for it names this one as its site.
    pub gap: Option<usize>,
}

/// The segments of the set written with a wrong id where a segment of their loop belongs
/// ([`Mistyped`]): where the walk found a required one missing, or where the segment after
/// repeats the id (an optional or situational one, `N4` for 2010BB's `N3`). Nothing to do
/// for a set whose walk found nothing missing or repeated.
fn all_mistyped(tx: &Transaction<'_>, cx: &Ctx<'_>) -> Vec<Mistyped> {
    let ig = tx.ig();
    let either = |i: &StructureIssue| {
        matches!(
            i,
            StructureIssue::RequiredMissing { .. } | StructureIssue::RepeatExceeded { .. }
        )
    };
    if !ig.structure.iter().any(either) {
        return Vec::new();
    }
    let gaps = (all_wants(tx, cx).into_iter())
        .filter(|w| w.opens.is_none())
        .map(|w| (w.before, w.def, w.parent, Some(w.issue)));
    let repeats = ig.structure.iter().filter_map(|i| match *i {
        StructureIssue::RepeatExceeded {
            is_loop: false, at, ..
        } => repeated(tx, at),
        _ => None,
    });
    let mut trials = None;
    let mut out: Vec<Mistyped> = Vec::new();
    for (at, def, parent, gap) in gaps.chain(repeats) {
        let Some(seg) = candidate(tx, at, def) else {
            continue;
        };
        let trials = trials.get_or_insert_with(|| Trials::new(tx));
        if mends(tx, trials, (at, def, gap), seg) {
            out.push(Mistyped {
                at,
                def,
                parent,
                gap,
            });
        }
    }
    // One reading per segment: found both from its gap and from its repeat, the one with its
    // gap (listed first); a segment two definitions could take is neither's.
    let mut kept: Vec<Mistyped> = Vec::with_capacity(out.len());
    for m in out {
        if !kept
            .iter()
            .any(|k| k.at == m.at && std::ptr::eq(k.def, m.def))
        {
            kept.push(m);
        }
    }
    let readings = |k: usize| kept.iter().filter(|m| m.at == k).count();
    let once: Vec<bool> = kept.iter().map(|m| readings(m.at) == 1).collect();
    let mut once = once.into_iter();
    kept.retain(|_| once.next().unwrap_or(false));
    kept
}

/// The set's mistyped segments ([`all_mistyped`]): found once for all the set's transaction
/// rules when the context keeps the set's facts (`Ctx::tx_facts`), else found here.
pub(crate) fn of_set<'c>(tx: &Transaction<'_>, cx: &Ctx<'c>) -> Cow<'c, [Mistyped]> {
    match cx.tx_facts {
        Some(f) => Cow::Borrowed(f.mistyped.get_or_init(|| all_mistyped(tx, cx))),
        None => Cow::Owned(all_mistyped(tx, cx)),
    }
}

/// For a segment repeated once too often (`at`, the second `N4` of a 2010BB) right after
/// one of its id: that one, with the definition of its loop, one letter off, it may be.
fn repeated(
    tx: &Transaction<'_>,
    at: usize,
) -> Option<(usize, &'static SegmentDef, &'static str, Option<usize>)> {
    let ig = tx.ig();
    let k = at.checked_sub(1)?;
    let (seg, prev) = (tx.segments.get(at)?, tx.segments.get(k)?);
    let Some(Placement::Placed { loop_def, .. }) = ig.placement(k) else {
        return None;
    };
    if prev.id() != seg.id() {
        return None;
    }
    let one_off =
        |d: &&SegmentDef| crate::syntax::unknown_segment::one_off(d.id.as_bytes(), prev.id());
    let mut defs = loop_def.children.iter().filter_map(|n| match n {
        claimlint_ig::Node::Segment(d) => Some(*d),
        claimlint_ig::Node::Loop(_) => None,
    });
    let def = defs.find(one_off)?;
    Some((k, def, loop_def.id, None))
}

/// The segment `at`, when its id is `def`'s mistyped into another id of the 837 and it
/// reads clean as `def`.
fn candidate<'s>(
    tx: &'s Transaction<'_>,
    at: usize,
    def: &'static SegmentDef,
) -> Option<&'s Segment<'s>> {
    let seg = tx.segments.get(at)?;
    let (written, id) = (seg.id(), def.id.as_bytes());
    let fits = written != id
        && !OWN_ROWS.contains(&written)
        && !OWN_ROWS.contains(&id)
        && crate::syntax::unknown_segment::is_known(written)
        && crate::syntax::unknown_segment::one_off(written, id);
    let buf = fits.then(|| renamed(seg, id))?;
    let as_wanted = Segment::new(&buf, seg.offset, seg.delims, seg.position);
    let clean = super::unexpected_segment::clean_as(def, &as_wanted)
        && !crate::syntax::required_element::address_incomplete(&as_wanted);
    clean.then_some(seg)
}

/// The bytes of `seg` with its id written `id`.
fn renamed(seg: &Segment<'_>, id: &[u8]) -> Vec<u8> {
    let rest = seg.bytes.get(seg.id().len()..).unwrap_or_default();
    [id, rest].concat()
}

/// With segment `at` read as `def`, the walk from a little before it to the end of the next
/// claim finds nothing the set's walk did not, and no longer the gap (`gap`) or, for a
/// segment repeated after it, finds less.
fn mends(
    tx: &Transaction<'_>,
    trials: &mut Trials<'_, '_>,
    (at, def, gap): (usize, &SegmentDef, Option<usize>),
    seg: &Segment<'_>,
) -> bool {
    let r = trials.start_for(at);
    let end = trial_end(tx, claim_end(tx, at));
    let buf = renamed(seg, def.id.as_bytes());
    let fixed = Segment::new(&buf, seg.offset, seg.delims, seg.position);
    let segs: Vec<&Segment<'_>> = (r..end)
        .filter_map(|k| {
            if k == at {
                Some(&fixed)
            } else {
                tx.segments.get(k)
            }
        })
        .collect();
    let walk = trials.walk_segments(r, &segs);
    // A trial cut short of SE closes the loops open at its last segment (the HL or CLM after
    // the next claim): what it finds there is the cut's, not the repair's.
    let cut = end < tx.segments.len();
    let kept = |i: &StructureIssue| !cut || i.at() + 1 < end;
    let now: Vec<StructureIssue> = (walk.issues.iter().map(|i| in_set(i, r)))
        .filter(kept)
        .collect();
    let before: Vec<&StructureIssue> = trials.found(r..end).iter().filter(|i| kept(i)).collect();
    let gap = gap.and_then(|n| tx.ig().structure.get(n));
    let mended = gap.map_or(now.len() < before.len(), |g| {
        before.contains(&g) && !now.contains(g)
    });
    mended && now.iter().all(|i| before.contains(&i))
}

/// The segment right after a mistyped one that repeats its id (`found`, from
/// [`all_mistyped`]): the STR004 on it names the mistyped one as its site.
pub(crate) fn repeat_site(tx: &Transaction<'_>, found: &[Mistyped], at: usize) -> Option<u32> {
    let k = at.checked_sub(1)?;
    let (seg, prev) = (tx.segments.get(at)?, tx.segments.get(k)?);
    (seg.id() == prev.id() && found.iter().any(|m| m.at == k)).then_some(prev.position)
}

/// STR003 on each mistyped segment: what it reads as, and the id to write.
pub(crate) fn report_mistyped(tx: &Transaction<'_>, cx: &mut Ctx<'_>, found: &[Mistyped]) {
    for m in found {
        let Some(seg) = tx.segments.get(m.at) else {
            continue;
        };
        let written = String::from_utf8_lossy(seg.id()).into_owned();
        let text = String::from_utf8_lossy(seg.bytes);
        let id = m.def.id;
        let rest = text.get(written.len()..).unwrap_or_default();
        let msg = format!(
            "{written} stands where {id} ({}) belongs in {} and reads as one: its id is {id} \
             mistyped",
            m.def.name, m.parent
        );
        let help = format!("write it as `{id}{rest}`");
        let d = crate::syntax::report_at(cx, m.at, seg.loc(), msg).help(help);
        d.site = Some(seg.position);
    }
}
