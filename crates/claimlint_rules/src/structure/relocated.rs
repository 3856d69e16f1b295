//! A loop's opening segment written out of its place, past segments of its own loop: moved
//! down below them (`CLM` after its `HI`, the subscriber's `NM1*IL` after the payer's
//! `NM1*PR` with its N3/N4/DMG left above, a 2320 `SBR` after its `NM1*IL`, `HL*3` after its
//! `NM1*QC`), or up above the loop before it (a 2310B `NM1*82` above its claim's `CLM`). The
//! walk then finds the loop's segments where nothing opens their loop (STR003 each, or the
//! loop opened without its opener, STR002), the loop's required children missing, the
//! opener a loop of its own (STR004), and what the claim reads from the loop absent (SIT002):
//! several findings for one move. Here the move is tried: the claim is walked again with the
//! opener where it belongs (from the set's walk a little before it, `super::trial`), and only
//! when that walk finds nothing wrong from there to the claim's end (the rest of the loop is
//! whole and in order, and nothing after it in the claim was off either), and nothing in the
//! next claim the set's walk did not find there too, is the move the one root, reported as
//! one STR003 on the opener whose help is that move; what it mends is covered
//! (`Diagnostic::covers`, `suppress::Scope::Relocated`). This generalises
//! `unexpected_segment::opener_came_early` (an opener above the whole loop before it) to
//! an opener past segments of its own loop, either way. Nothing here reports.

use super::trial::{Trials, claim_end, in_set, trial_end};
use super::unexpected_segment::{clean_as, is_opener};
use claimlint_ig::{LoopDef, Placement, StructureIssue};
use claimlint_model::{Kind, Transaction};

/// How many segments away from where it belongs an opener is looked for.
const REACH: usize = 12;

/// At most this many trial walks per claim (each walks the claim and the next, [`Trials`]):
/// every claim of a set gets its own, whatever the others hold.
const MAX_TRIALS: usize = 6;

/// A loop's opener written out of its place ([`all_relocated`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Relocated {
    /// The segment index of the opener as written.
    pub opener: usize,
    /// The segment index it belongs right before.
    pub before: usize,
    /// The loop it opens.
    pub loop_def: &'static LoopDef,
    /// The segment indices `[from, to]` whose findings the move mends.
    pub span: (usize, usize),
}

impl Relocated {
    /// Whether the opener came late (written below segments of its loop), not early.
    pub fn came_late(&self) -> bool {
        self.opener > self.before
    }
}

/// The openers of the set written out of their place whose move back mends every structure
/// finding from the move on ([`try_move`]). Candidates, from the walk's findings: a loop
/// opened without its opener (`OpenerMissing`) or a segment that fits nowhere with the
/// opener of a loop that holds it written after it (moved down); a segment that fits nowhere
/// which opens a loop holding a later segment that fits nowhere (moved up).
pub(crate) fn all_relocated(tx: &Transaction<'_>) -> Vec<Relocated> {
    let ig = tx.ig();
    let mut out: Vec<Relocated> = Vec::new();
    if ig.structure.is_empty() {
        return out;
    }
    let mut trials = Trials::new(tx);
    // What the moves found so far mend: a candidate inside one is not tried.
    let mut spans = Spans::default();
    // The claim (by the segment that ends it) whose trials are being counted, and how many.
    let mut tried = (usize::MAX, 0);
    for issue in &ig.structure {
        let Some((opener, before, l)) = candidate(tx, issue) else {
            continue;
        };
        // Service lines (LX, LIN, SVD moved across lines) are read by their own pairings
        // (`moved`, `required_segment_missing::svd_of_next_line`), not here.
        if is_service_line(l) {
            continue;
        }
        // One segment swapped with the opener beside it (`HI~CLM`, `CTP~LIN`) is read as that
        // segment written early (`unexpected_segment::written_early`): already one finding.
        if opener.abs_diff(before) < 2 {
            continue;
        }
        if spans.meets(opener.min(before), opener.max(before)) {
            continue;
        }
        let end = claim_end(tx, opener.max(before));
        if tried.0 != end {
            tried = (end, 0);
        }
        if tried.1 == MAX_TRIALS {
            continue;
        }
        tried.1 += 1;
        if let Some(r) = try_move(tx, &mut trials, (opener, before), l) {
            spans.add(r.span);
            out.push(r);
        }
    }
    out
}

/// The spans (`Relocated::span`, from and to, inclusive) of the moves found so far, sorted by
/// where they start, each with the farthest end of those up to it: whether a range meets any
/// of them is one binary search, where a scan of them all per candidate would cost the
/// product of their counts (a set of thousands of claims, each with its CLM moved). Moves
/// are found in the order of the set, so a span is added at the end, in constant time.
#[derive(Default)]
struct Spans {
    by_start: Vec<(usize, usize)>,
    /// `reach[j]`: the farthest end of `by_start[..=j]`.
    reach: Vec<usize>,
}

impl Spans {
    fn add(&mut self, (from, to): (usize, usize)) {
        let k = self.by_start.partition_point(|&(f, _)| f <= from);
        self.by_start.insert(k, (from, to));
        self.reach.truncate(k);
        let mut farthest = k.checked_sub(1).and_then(|j| self.reach.get(j)).copied();
        for &(_, t) in self.by_start.get(k..).unwrap_or_default() {
            let f = farthest.map_or(t, |f| f.max(t));
            self.reach.push(f);
            farthest = Some(f);
        }
    }

    /// Whether a span meets `lo..=hi`: one starts at or before `hi` and ends at or after `lo`.
    fn meets(&self, lo: usize, hi: usize) -> bool {
        let upto = self.by_start.partition_point(|&(f, _)| f <= hi);
        upto.checked_sub(1)
            .and_then(|j| self.reach.get(j))
            .is_some_and(|&farthest| farthest >= lo)
    }
}

/// The move a walk finding suggests: (the opener's index, the index it belongs right before,
/// the loop it opens).
fn candidate(
    tx: &Transaction<'_>,
    issue: &StructureIssue,
) -> Option<(usize, usize, &'static LoopDef)> {
    let ig = tx.ig();
    let ahead = |at: usize| at + 1..(at + 1 + REACH).min(tx.segments.len());
    match *issue {
        StructureIssue::OpenerMissing {
            id,
            parent,
            at,
            after_stray: false,
        } => {
            let l = ig.guide.find_loop(parent)?.child_loop(id)?;
            let starter = l.starter()?;
            let o = ahead(at).find(|&k| tx.segments.get(k).is_some_and(|s| starter.matches(s)))?;
            Some((o, at, l))
        }
        StructureIssue::Unexpected { at }
            if !ig.is_placed(at) && at.checked_sub(1).is_some_and(|k| ig.is_placed(k)) =>
        {
            let seg = tx.segments.get(at)?;
            let holds = |l: &LoopDef| l.segments(seg.id()).any(|d| d.matches(seg));
            // Moved down: the next opener of a loop that holds this segment, with nothing
            // the walk placed between (else the segment may be another loop's that the
            // move would misread: a subscriber's N3 taken for the payer's).
            let next = ahead(at).find(|&k| ig.is_placed(k));
            let late = next.and_then(|k| match ig.placement(k).copied() {
                Some(Placement::Placed {
                    loop_def, segment, ..
                }) if is_opener(loop_def, segment) && holds(loop_def) => Some((k, at, loop_def)),
                _ => None,
            });
            late.or_else(|| came_early(tx, at))
        }
        _ => None,
    }
}

/// Moved up: segment `at`, which fits nowhere, opens a loop that holds the next segment
/// that fits nowhere after it (`NM1*82` above the claim's `CLM`, its `PRV` below).
fn came_early(tx: &Transaction<'_>, at: usize) -> Option<(usize, usize, &'static LoopDef)> {
    let ig = tx.ig();
    let seg = tx.segments.get(at)?;
    let loops: Vec<&'static LoopDef> = (ig.guide.loops().into_iter())
        .filter(|l| l.starter().is_some_and(|s| s.matches(seg)))
        .collect();
    if loops.is_empty() {
        return None;
    }
    let next = (at + 1..(at + 1 + REACH).min(tx.segments.len())).find(|&k| !ig.is_placed(k))?;
    let stray = tx.segments.get(next)?;
    let l = loops
        .into_iter()
        .find(|l| l.segments(stray.id()).any(|d| d.matches(stray)))?;
    Some((at, next, l))
}

/// Whether loop `l` is a service line's (2400) or a loop under it (2410, 2420x, 2430).
fn is_service_line(l: &LoopDef) -> bool {
    l.id == "2400" || l.path.contains(&"2400")
}

/// The claim walked again with the opener at `opener` moved right before `before`
/// ([`trial`]): the move, when that walk places the opener as loop `l`'s, where it reads
/// clean, and what the claim reads from the loop is there ([`model_agrees`]). `None`
/// otherwise: today's findings stand.
fn try_move(
    tx: &Transaction<'_>,
    trials: &mut Trials<'_, '_>,
    (opener, before): (usize, usize),
    l: &'static LoopDef,
) -> Option<Relocated> {
    let ig = tx.ig();
    let lo = opener.min(before);
    // The opener reads clean where it stands (no value the reading there finds wrong, which
    // the move would not mend), and as the loop's opener.
    let seg = tx.segments.get(opener)?;
    if ig.elements.iter().any(|(k, _)| *k as usize == opener) || !clean_as(l.starter()?, seg) {
        return None;
    }
    let end = claim_end(tx, opener.max(before));
    let (r, to, walk) = trial(tx, trials, (opener, before), end)?;
    let placed_as = walk.placements.get(to - r).copied();
    let Some(Placement::Placed {
        loop_def, segment, ..
    }) = placed_as
    else {
        return None;
    };
    if loop_def.id != l.id || !is_opener(loop_def, segment) || !model_agrees(tx, opener, before, l)
    {
        return None;
    }
    let last = (trials.found(lo..end + 1).iter().map(StructureIssue::at))
        .max()
        .unwrap_or(lo);
    Some(Relocated {
        opener,
        before,
        loop_def: l,
        span: (lo, last.max(opener).max(before)),
    })
}

/// The walk of the claim with the opener at `opener` moved right before `before`, from the
/// set's walk before it ([`Trials`]), up to the segment after the next claim: with where it
/// started (`r`, the walk's segments counted from there) and where the opener stands in the
/// set then. `None` unless it reads the claim, from the move to the claim's `end` (the
/// segment after it, where the claim's loops close), with nothing wrong; finds as much before
/// the move as the set's walk did; and finds in the next claim nothing the set's walk did not
/// find there (its own defects are its own, and do not stand in the way).
pub(super) fn trial(
    tx: &Transaction<'_>,
    trials: &mut Trials<'_, '_>,
    (opener, before): (usize, usize),
    end: usize,
) -> Option<(usize, usize, claimlint_ig::Walk)> {
    let lo = opener.min(before);
    let upto = trial_end(tx, end).max(opener.max(before) + 1);
    let r = trials.start_for(lo);
    let mut order: Vec<usize> = (r..upto).collect();
    let moved = order.remove(opener - r);
    let to = if opener < before { before - 1 } else { before };
    order.insert(to - r, moved);
    let walk = trials.walk(r, &order);
    let found: Vec<StructureIssue> = walk.issues.iter().map(|i| in_set(i, r)).collect();
    let between = |a: usize, b: usize| move |i: &&StructureIssue| a <= i.at() && i.at() < b;
    let was = trials.found(r..lo).len();
    // The next claim up to the segment after it, where the cut closes the loops.
    let had = trials.found(end + 1..upto.saturating_sub(1));
    let next = |i: &&StructureIssue| end < i.at() && i.at() + 1 < upto;
    let new_there = found.iter().filter(next).any(|i| !had.contains(i));
    let clean = !found.iter().any(|i| lo <= i.at() && i.at() <= end);
    (clean && !new_there && found.iter().filter(between(r, lo)).count() == was)
        .then_some((r, to, walk))
}

/// Whether what rules read from the model, beyond the walk, is whole once the opener is
/// moved, so that what they find on it follows from the move: a claim (`CLM` moved) has its
/// principal diagnosis first in an HI of its own (SIT002), an 837I claim its attending's
/// `NM1*71`, and its subscriber is the destination payer's first (no 2320 asked for); a
/// subscriber's name (`NM1*IL`, 2010BA) has its N3, N4 and DMG (required when the patient is
/// the subscriber); any other loop moved across its claim's CLM, the claim's principal
/// diagnosis and attending as for a CLM. Otherwise a real second defect could hide behind the
/// move: the move is not taken.
pub(super) fn model_agrees(
    tx: &Transaction<'_>,
    opener: usize,
    before: usize,
    l: &LoopDef,
) -> bool {
    let lo = opener.min(before);
    let hi = opener.max(before);
    // The loop as it reads once moved: the segments it passed over, and those after it to
    // the next segment of its kind or the first line.
    let stop = (hi + 1..tx.segments.len())
        .find(|&k| {
            tx.segments
                .get(k)
                .is_some_and(|s| s.is(b"LX") || s.is(b"HL") || s.is(b"CLM"))
        })
        .unwrap_or(tx.segments.len());
    let segs = tx.segments.get(lo..stop).unwrap_or_default();
    let has = |f: &dyn Fn(&claimlint_x12::Segment<'_>) -> bool| segs.iter().any(f);
    let principal = |s: &claimlint_x12::Segment<'_>| {
        let v = s.value(1);
        s.is(b"HI") && (v.starts_with(b"ABK") || v.starts_with(b"BK"))
    };
    let attending = |s: &claimlint_x12::Segment<'_>| s.is(b"NM1") && s.value(1) == b"71";
    let claim_whole = || has(&principal) && (tx.kind == Kind::Professional || has(&attending));
    match l.id {
        "2300" => claim_whole() && first_payer(tx, lo),
        "2010BA" => ["N3", "N4", "DMG"]
            .iter()
            .all(|id| has(&|s: &claimlint_x12::Segment<'_>| s.is(id.as_bytes()))),
        // A 2310 provider moved across its claim's CLM (`NM1*82` above it): the range the
        // move mends holds the CLM, where SIT002 would stand; the claim must be whole too.
        _ => !has(&|s: &claimlint_x12::Segment<'_>| s.is(b"CLM")) || claim_whole(),
    }
}

/// Whether the subscriber (the 2000B SBR nearest before segment `at`) names the destination
/// payer as primary or unknown (SBR01 `P` or `U`): no 2320 is then asked of its claims.
fn first_payer(tx: &Transaction<'_>, at: usize) -> bool {
    let ig = tx.ig();
    let sbr = (0..at).rev().find(|&k| {
        matches!(ig.placement(k), Some(Placement::Placed { loop_def, .. }) if loop_def.id == "2000B")
            && tx.segments.get(k).is_some_and(|s| s.is(b"SBR"))
    });
    sbr.and_then(|k| tx.segments.get(k))
        .is_some_and(|s| matches!(s.value(1), b"P" | b"U"))
}

#[cfg(test)]
mod tests {
    use crate::test::{I837, P837, codes, run};

    /// `Spans::meets` answers as a scan of every span added would, spans added in any order
    /// (in order, out of order, nested, touching), for every range over their segments.
    #[test]
    fn spans_meet_as_a_scan_finds() {
        let mut seed: u64 = 7;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % n) as usize
        };
        for round in 0..40 {
            let (mut spans, mut all) = (super::Spans::default(), Vec::new());
            for _ in 0..round % 12 {
                let from = next(60);
                let to = from + next(8);
                spans.add((from, to));
                all.push((from, to));
                for lo in 0..72 {
                    for hi in lo..72 {
                        let scan = all.iter().any(|&(f, t)| f <= hi && lo <= t);
                        assert_eq!(spans.meets(lo, hi), scan, "{all:?} {lo}..={hi}");
                    }
                }
            }
        }
    }

    /// Segment `seg` (whole, without its terminator) taken out of `text` and written again
    /// right after the first `after` that follows where it stood.
    fn moved(text: &str, seg: &str, after: &str) -> String {
        let seg = format!("{seg}~\n");
        let at = text.find(&seg).expect("the segment");
        let rest = text.replacen(&seg, "", 1);
        let end = at + rest[at..].find(after).expect("the anchor");
        let end = end + rest[end..].find('\n').expect("a line end") + 1;
        format!("{}{seg}{}", &rest[..end], &rest[end..])
    }

    const CLM_P: &str = "CLM*PAT1001-01*2460***11:B:1*Y*A*Y*Y";
    const IL: &str = "NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73";

    /// An opener moved down past its loop's segments is one STR003 whose help moves it back.
    #[test]
    fn an_opener_written_below_its_loop_is_one_finding() {
        let late = moved(P837, CLM_P, "LX*1");
        let found = run(&late);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].code, "STR003");
        assert_eq!(
            found[0].help.as_deref(),
            Some("move CLM up above HI (segment 18)")
        );
        assert!(run(P837).is_empty(), "the help's fix is the template");
        let il = moved(I837, IL, "NM1*PR");
        assert_eq!(codes(&il), ["STR003"]);
        assert_eq!(
            run(&il)[0].help.as_deref(),
            Some("move NM1*IL up above N3 (segment 13)")
        );
    }

    /// A real second defect the move would not mend keeps today's findings: a claim whose
    /// only HI holds no principal diagnosis, a subscriber without DMG.
    #[test]
    fn a_second_defect_keeps_its_findings() {
        let no_principal = P837.replace("HI*ABK:M810", "HI*ABF:M810");
        let late = moved(&no_principal, CLM_P, "LX*1");
        assert!(codes(&late).contains(&"SIT002"), "{:?}", codes(&late));
        let no_dmg = P837.replace("DMG*D8*19450312*F~\n", "");
        let late = moved(&no_dmg, IL, "NM1*PR");
        assert!(codes(&late).contains(&"STR002"), "{:?}", codes(&late));
    }

    /// A service line's opener moved is left to the service-line pairings.
    #[test]
    fn service_lines_are_not_read_here() {
        let lx = moved(P837, "LX*1", "LIN**N4");
        assert!(
            run(&lx).iter().all(|d| !d.message.contains("came late")),
            "{:#?}",
            run(&lx)
        );
    }
}
