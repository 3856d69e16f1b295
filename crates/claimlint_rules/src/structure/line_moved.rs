//! A service line's boundary segment (its `LX`, a drug loop's `LIN`, a 2430's `SVD`) written
//! on the wrong side of a line boundary: `LX*1` below its line's `SV1` and `DTP`, `LX*2` above
//! the previous line's `LIN` and `CTP`, a `LIN` above `LX*1` or below `LX*2`, an `SVD` above
//! its line's `LIN` or below the next `LX`. The walk then reads the lines around it wrong and
//! finds several things missing or out of place (STR002, STR003, SYN008), each a consequence.
//! One finding, on the segment moved, naming where it goes; the others it covers
//! (`suppress::PRECEDENCE`, `Scope::Covered`, on LX, LIN or SVD). Only when the evidence is
//! unambiguous: putting that one segment back is the one single move of such a segment that
//! makes the claim read clean (no structure issue, and every segment of the covered range
//! clean as the definition it is then read as); a claim with a defect of its own besides keeps
//! its findings as they are. This module finds the moves; how they are worded is here too.

use super::trial::{Trials, trial_end};
use claimlint_ig::{Placement, StructureIssue};
use claimlint_model::Transaction;
use claimlint_x12::Segment;

/// The ids of the segments that open a service line or a loop of one: the ones whose move
/// across a line boundary this module reads.
const BOUNDARY: [&[u8]; 3] = [b"LX", b"LIN", b"SVD"];

/// At most this many trial walks per claim: each walks the claim and the next
/// ([`Trials`]), so every claim of a set gets its own, at the cost of the claim.
const TRIALS: usize = 48;

/// A boundary segment written in the wrong place, and the place that makes its claim clean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineMove {
    /// The segment index where it stands.
    pub stray: usize,
    /// It belongs right before this segment index.
    pub before: usize,
    /// The segment positions (ST = 1) of what the walk found wrong because of it: from the
    /// first to one past the last.
    pub covers: (u32, u32),
    /// The service segments (SV1, SV2) of the covered range whose line has no drug loop
    /// (LIN) once moved, and of any line the move takes its LIN from: an NDC001 on such a
    /// line is not the move's, and a drug line's LIN is not moved away ([`drug_safe`]).
    pub bare: Vec<usize>,
}

/// The segments of a claim: from its CLM to the segment before the next CLM, HL or SE.
fn claim_span(tx: &Transaction<'_>, at: usize) -> Option<std::ops::Range<usize>> {
    let is = |k: usize, id: &[u8]| tx.segments.get(k).is_some_and(|s| s.is(id));
    let start = (0..=at).rev().find(|&k| is(k, b"CLM") || is(k, b"HL"))?;
    if !is(start, b"CLM") {
        return None;
    }
    let end = (start + 1..tx.segments.len())
        .find(|&k| is(k, b"CLM") || is(k, b"HL") || is(k, b"SE"))
        .unwrap_or(tx.segments.len());
    Some(start..end)
}

/// Every line move of the set ([`LineMove`]), at most one per claim: of the moves that make a
/// claim read clean, those `keep` accepts (a move that cuts a drug line's LIN away is no
/// reading of the claim, [`drug_safe`]) and, for an LX, those that leave its numbers counting
/// down least ([`lx_descents`]: `LX*1` written below `LX*2` reads clean with `LX*2` moved up
/// too, but numbered 2, 1); the one move that remains, if one does.
pub(crate) fn all_line_moves(
    tx: &Transaction<'_>,
    keep: impl Fn(&LineMove) -> bool,
) -> Vec<LineMove> {
    let ig = tx.ig();
    if ig.structure.is_empty() {
        return Vec::new();
    }
    let mut trials = Trials::new(tx);
    claim_spans(tx, &ig.structure)
        .into_iter()
        .filter_map(|span| claim_move(tx, &mut trials, span, &keep))
        .collect()
}

/// The claims (spans, [`claim_span`]) the structure issues are in, each once, in the order of
/// their first issue. An issue is in span `s` exactly when its `claim_span` is `s` (no CLM or
/// HL stands between a span's start and its end, so looking back from any index in it finds
/// its start), so an issue in the claim found last is not searched for again, and a span is
/// known by its start: many issues in one long claim, or many claims, cost one search each,
/// not one per pair.
fn claim_spans(tx: &Transaction<'_>, structure: &[StructureIssue]) -> Vec<std::ops::Range<usize>> {
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    let mut starts = std::collections::HashSet::new();
    for issue in structure {
        let at = issue.at();
        if spans.last().is_some_and(|s| s.contains(&at)) {
            continue;
        }
        if let Some(span) = claim_span(tx, at)
            && starts.insert(span.start)
        {
            spans.push(span);
        }
    }
    spans
}

/// The one move that makes claim `span` read clean, if exactly one does ([`all_line_moves`]).
fn claim_move(
    tx: &Transaction<'_>,
    trials: &mut Trials<'_, '_>,
    span: std::ops::Range<usize>,
    keep: &impl Fn(&LineMove) -> bool,
) -> Option<LineMove> {
    // What the set's walk found in the claim (a search, not a pass over the set's issues).
    let issues: Vec<StructureIssue> = trials.found(span.clone()).to_vec();
    let issues: Vec<&StructureIssue> = issues.iter().collect();
    // A claim with many findings has more wrong than one segment moved.
    if issues.is_empty() || issues.len() > 6 {
        return None;
    }
    let mut found: Vec<LineMove> = Vec::new();
    for (n, (stray, before)) in candidates(tx, &span, &issues).into_iter().enumerate() {
        if n == TRIALS {
            return None;
        }
        if let Some(m) = try_move(tx, trials, &span, &issues, (stray, before))
            && !found.contains(&m)
            && keep(&m)
        {
            found.push(m);
        }
    }
    // An LX moved so its lines count down more often than as written is no reading of the
    // claim; of several clean moves, those that leave the fewest such steps.
    let as_written = lx_descents(tx, span.clone());
    let descents: Vec<Option<usize>> = (found.iter())
        .map(|m| lx_number(tx, m.stray).map(|_| lx_descents(tx, moved_order(&span, m))))
        .collect();
    let fewest = descents.iter().flatten().min().copied();
    let mut judged = descents.into_iter();
    found.retain(|_| {
        judged
            .next()
            .flatten()
            .is_none_or(|d| d <= as_written && Some(d) == fewest)
    });
    // Two LX as good by their numbers (a line renumbered too, 1, 1): the nearer to where it
    // goes, as when only the nearest was tried.
    if found.len() > 1 && found.iter().all(|m| lx_number(tx, m.stray).is_some()) {
        let far = |m: &LineMove| m.stray.abs_diff(m.before);
        let nearest = found.iter().map(far).min();
        found.retain(|m| Some(far(m)) == nearest);
    }
    match found.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// The segments of claim `span` in the order move `m` gives them.
fn moved_order(span: &std::ops::Range<usize>, m: &LineMove) -> impl Iterator<Item = usize> {
    let (stray, before, end) = (m.stray, m.before, span.end);
    (span.start..=end).flat_map(move |k| {
        let here = (k == before).then_some(stray);
        here.into_iter().chain((k != stray && k < end).then_some(k))
    })
}

/// The pairs (boundary segment, place before which to put it) worth a trial walk: for each
/// place the walk stumbled (a segment that fits nowhere, a line opened without its LX) and
/// right after a run of such segments, the nearest boundary segment of each kind before it
/// and after it in the claim; and for each place a line's own segment is found missing
/// ([`LINE_OWN`]), the nearest segment of that id before it and after it (a line's `SV1` or
/// `DTP*472` written in the neighbouring line: only a walk that reads clean once it is put
/// there makes it a move).
fn candidates(
    tx: &Transaction<'_>,
    span: &std::ops::Range<usize>,
    issues: &[&StructureIssue],
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (p, ids) in places(tx, span, issues) {
        for id in ids {
            nearest_pairs(tx, span, p, id, &mut out);
        }
    }
    out.retain(|&(stray, _)| {
        !tx.segments.get(stray).is_some_and(|s| s.is(b"CTP")) || ctp_stray(tx, span, issues, stray)
    });
    out
}

/// Whether CTP `k` of claim `span` may have been moved: the walk found it wrong (out of
/// place, or one too many: the nearest CTP below a line that lacks one may be the next
/// line's own, rightly placed), and it is not a copy of a CTP before it in its own drug loop
/// (written twice: the line above lacks its own, which moving the copy would invent).
fn ctp_stray(
    tx: &Transaction<'_>,
    span: &std::ops::Range<usize>,
    issues: &[&StructureIssue],
    k: usize,
) -> bool {
    let flagged = issues.iter().any(|i| match **i {
        StructureIssue::Unexpected { at } | StructureIssue::RepeatExceeded { at, .. } => at == k,
        _ => false,
    });
    let seg = |k: usize| tx.segments.get(k);
    // Back to the loop's LIN (or the line's LX): another line's CTP of the same quantity is
    // no copy.
    let before = (span.start..k)
        .rev()
        .take_while(|&j| !seg(j).is_some_and(|s| s.is(b"LIN") || s.is(b"LX")))
        .find(|&j| seg(j).is_some_and(|s| s.is(b"CTP")));
    let copy = before
        .and_then(seg)
        .zip(seg(k))
        .is_some_and(|(a, b)| a.bytes == b.bytes);
    flagged && !copy
}

/// A service line's own segments whose move across a line boundary this module reads when
/// the walk finds one missing from its line (`RequiredMissing` in 2400).
const LINE_OWN: [&[u8]; 3] = [b"SV1", b"SV2", b"DTP"];

/// The places the walk stumbled in claim `span`, each with the ids of the segments worth
/// trying there ([`candidates`]), sorted by place.
fn places(
    tx: &Transaction<'_>,
    span: &std::ops::Range<usize>,
    issues: &[&StructureIssue],
) -> Vec<(usize, Vec<&'static [u8]>)> {
    let ig = tx.ig();
    let mut places: Vec<(usize, Vec<&'static [u8]>)> = Vec::new();
    let mut add = |p: usize, ids: &[&'static [u8]]| {
        if let Some((_, have)) = places.iter_mut().find(|(q, _)| *q == p) {
            for id in ids {
                if !have.contains(id) {
                    have.push(id);
                }
            }
        } else {
            places.push((p, ids.to_vec()));
        }
    };
    for i in issues {
        match **i {
            StructureIssue::Unexpected { at } => {
                add(at, &BOUNDARY);
                // Right after the run of unplaced segments it begins or continues.
                let end = (at..span.end)
                    .find(|&k| ig.is_placed(k))
                    .unwrap_or(span.end);
                add(end, &BOUNDARY);
            }
            StructureIssue::OpenerMissing {
                at,
                after_stray: false,
                ..
            } => add(at, &BOUNDARY),
            StructureIssue::RequiredMissing {
                id,
                is_loop: false,
                parent: "2400",
                at,
            } => {
                if let Some(own) = LINE_OWN.iter().find(|o| **o == id.as_bytes()) {
                    add(at, &[own]);
                }
            }
            // A drug loop's CTP written in the next line: moved back up, not its LIN down.
            StructureIssue::RequiredMissing {
                id: "CTP",
                is_loop: false,
                parent: "2410",
                at,
            } => add(at, &[b"CTP"]),
            _ => {}
        }
    }
    places.sort_unstable_by_key(|(p, _)| *p);
    places
}

/// The nearest segment `id` before place `p` and after it in claim `span` (the nearest two
/// for LX and CTP), each paired with `p` into `out` when moving it there passes at least two
/// segments.
fn nearest_pairs(
    tx: &Transaction<'_>,
    span: &std::ops::Range<usize>,
    p: usize,
    id: &[u8],
    out: &mut Vec<(usize, usize)>,
) {
    let is = |k: usize| tx.segments.get(k).is_some_and(|s| s.is(id));
    // The nearest two LX each way: `LX*1` written below `LX*2` is farther than `LX*2`
    // ([`all_line_moves`] chooses between them by their numbers). The nearest two CTP: the
    // nearer may be the next line's own ([`candidates`] keeps the ones the walk flagged).
    let n = if id == b"LX" || id == b"CTP" { 2 } else { 1 };
    let up = (span.start..p).rev().filter(|&k| is(k)).take(n);
    let down = (p + 1..span.end).filter(|&k| is(k)).take(n);
    for stray in up.chain(down) {
        // Right before `p` or at it already: no move. Past one segment only: two
        // neighbours swapped, as much the other one moved as this one, which the swap's
        // own finding words (`written_late`, `written_early`).
        let passed = if stray < p { p - stray - 1 } else { stray - p };
        if passed >= 2 && !out.contains(&(stray, p)) {
            out.push((stray, p));
        }
    }
}

/// Segment `stray` moved to right before `before`: the move, if the claim then reads clean.
/// The trial walks the claim and the next one, from the set's walk before the claim
/// ([`Trials`]): the segment after the claim, where the claim's loops close, is read whole,
/// not as a loop cut short.
fn try_move(
    tx: &Transaction<'_>,
    trials: &mut Trials<'_, '_>,
    span: &std::ops::Range<usize>,
    issues: &[&StructureIssue],
    (stray, before): (usize, usize),
) -> Option<LineMove> {
    let ig = tx.ig();
    let upto = trial_end(tx, span.end);
    if stray == before || before >= upto {
        return None;
    }
    let r = trials.start_for(stray.min(before));
    let mut order: Vec<usize> = (r..upto).filter(|&k| k != stray).collect();
    let at = before - r - usize::from(before > stray);
    order.insert(at, stray);
    // Where segment `k` (from `r` on) stands in `order`, from the move itself (not a search
    // of the claim per segment).
    let index_of = |k: usize| {
        let i = k - r - usize::from(k > stray);
        if k == stray {
            at
        } else {
            i + usize::from(i >= at)
        }
    };
    let walk = trials.walk(r, &order);
    // Nothing the walk finds in the claim once it is moved, nor at the segment after it
    // (where it finds what the claim's loops lack when they close: a defect of the claim's
    // own, whose finding may stand in the range the move would cover). Issues past that are
    // the cut's.
    if (walk.issues.iter()).any(|i| span.start <= i.at() + r && i.at() + r <= span.end) {
        return None;
    }
    // What the walk found wrong, the move's two ends, and the segments read as another
    // definition than before (a line's `DTP*472` read in 2430: SYN008 there).
    let reread = span.clone().filter(|&k| {
        let old = ig.placement(k).and_then(Placement::segment);
        let new = (walk.placements.get(index_of(k))).and_then(Placement::segment);
        !matches!((old, new), (Some(a), Some(b)) if std::ptr::eq(a, b))
    });
    // A CTP's LIN, where STR002 reports the CTP it lacks.
    let lin = before.checked_sub(1).filter(|&k| {
        let is = |k: usize, id: &[u8]| tx.segments.get(k).is_some_and(|s| s.is(id));
        is(stray, b"CTP") && is(k, b"LIN")
    });
    let ends = (issues.iter().map(|i| i.at()))
        .chain([stray, before])
        .chain(lin);
    let (gained, lost) = lin_changes(tx, r..upto, &order, span);
    let (first, last) = ends
        .chain(reread)
        .chain(gained)
        .fold((usize::MAX, 0), |(a, b), k| (a.min(k), b.max(k)));
    let mut last = last.min(span.end.saturating_sub(1));
    // A line's own segment (SV1) moved makes the lines after it count off (STR005 on a
    // later LX) though their LX numbers are right: the rest of the claim is the move's too
    // when they run 1, 2, 3 as written (the trial walk found nothing else wrong in it).
    if is_own_segment(tx, stray) && lx_in_order(tx, span.clone()) {
        last = span.end.saturating_sub(1);
    }
    // Every segment of the range reads clean as what it is read as once moved: a value
    // wrong in it is a defect of its own, not the move's.
    let clean = reads_clean(tx, &walk, index_of, first..=last);
    let pos = |k: usize| u32::try_from(k).map_or(u32::MAX, |k| k.saturating_add(1));
    let from = reported_from(issues, span, first);
    clean.then(|| LineMove {
        stray,
        before,
        covers: (pos(from), pos(last).saturating_add(1)),
        bare: (lines_by_lin(tx, &order, |k| (first..=last).contains(&k), false).into_iter())
            .chain(lost)
            .collect(),
    })
}

/// Where the range a move covers starts, from `first`: a segment the line lacks is reported
/// on the line's last segment when the walk noticed it at the next line's LX
/// (`required_segment_missing::closes`), so that segment is covered too (the claim reads
/// clean once moved), within the claim `span`.
fn reported_from(issues: &[&StructureIssue], span: &std::ops::Range<usize>, first: usize) -> usize {
    (issues.iter())
        .filter(|i| matches!(i, StructureIssue::RequiredMissing { .. }))
        .map(|i| i.at().saturating_sub(1).max(span.start))
        .fold(first, usize::min)
}

/// The service segments (SV1, SV2) of claim `span` whose line the move (the segments `had`
/// in the order `order`) gives a LIN (an NDC001 there is the move's), and those it takes one
/// from ([`drug_safe`] judges them with the lines left bare).
fn lin_changes(
    tx: &Transaction<'_>,
    had: std::ops::Range<usize>,
    order: &[usize],
    span: &std::ops::Range<usize>,
) -> (Vec<usize>, Vec<usize>) {
    let in_span = |k: usize| span.contains(&k);
    let had: Vec<usize> = had.collect();
    // In set order, so searched.
    let had = lines_by_lin(tx, &had, in_span, true);
    let with = lines_by_lin(tx, order, in_span, true);
    let gained = with.into_iter().filter(|k| had.binary_search(k).is_err());
    let without = lines_by_lin(tx, order, in_span, false);
    let lost = without.into_iter().filter(|k| had.binary_search(k).is_ok());
    (gained.collect(), lost.collect())
}

/// Whether segment `k` is a line's own segment ([`LINE_OWN`]), not a boundary one.
fn is_own_segment(tx: &Transaction<'_>, k: usize) -> bool {
    (tx.segments.get(k)).is_some_and(|s| LINE_OWN.iter().any(|id| s.is(id)))
}

/// Whether move `m` moves a line's own segment (SV1, SV2, DTP), not a boundary one.
pub(crate) fn is_own(tx: &Transaction<'_>, m: &LineMove) -> bool {
    is_own_segment(tx, m.stray)
}

/// The number in LX `k`'s LX01, if it is an LX and that is a number.
fn lx_number(tx: &Transaction<'_>, k: usize) -> Option<u64> {
    let seg = tx.segments.get(k).filter(|s| s.is(b"LX"))?;
    std::str::from_utf8(seg.value(1)).ok()?.parse::<u64>().ok()
}

/// How often the LX numbers among segments `order` (a claim's, in some order) do not go up
/// from one to the next (LX01s that are no number left out). `LX*1` written below `LX*2`
/// reads clean with `LX*2` moved up too, but numbered 2, 1: one such step more than the
/// move of `LX*1`. Counted, not required to be none: a numbering defect elsewhere in the
/// claim (a line renumbered 1, 1) is not the move's to judge.
fn lx_descents(tx: &Transaction<'_>, order: impl Iterator<Item = usize>) -> usize {
    let numbers = order.filter_map(|k| lx_number(tx, k));
    let (mut count, mut last) = (0, None);
    for n in numbers {
        if last.is_some_and(|l| n <= l) {
            count += 1;
        }
        last = Some(n);
    }
    count
}

/// Whether the `LX` numbers among segments `order` (a claim's, in some order) run 1, 2, 3...
fn lx_in_order(tx: &Transaction<'_>, order: impl Iterator<Item = usize>) -> bool {
    let mut want = 1u32;
    for k in order {
        let Some(seg) = tx.segments.get(k).filter(|s| s.is(b"LX")) else {
            continue;
        };
        if seg.value(1) != want.to_string().as_bytes() {
            return false;
        }
        want += 1;
    }
    true
}

/// Whether every segment of `range` reads clean as the definition the trial walk `walk`
/// placed it on (`index_of`: where a segment of the set stands in that walk's order).
fn reads_clean(
    tx: &Transaction<'_>,
    walk: &claimlint_ig::Walk,
    index_of: impl Fn(usize) -> usize,
    range: std::ops::RangeInclusive<usize>,
) -> bool {
    range.into_iter().all(|k| {
        let def = (walk.placements.get(index_of(k))).and_then(Placement::segment);
        let (Some(seg), Some(def)) = (tx.segments.get(k), def) else {
            return false;
        };
        let mut found = Vec::new();
        claimlint_ig::validate_segment(def, seg, &mut found);
        found.is_empty()
    })
}

/// The service segments (SV1, SV2) among `ks` with no LIN after them in their line, in the
/// segment order `order` (indices into the set), or (`with`) those with one.
fn lines_by_lin(
    tx: &Transaction<'_>,
    order: &[usize],
    ks: impl Fn(usize) -> bool,
    with: bool,
) -> Vec<usize> {
    let seg = |n: usize| order.get(n).and_then(|&k| tx.segments.get(k));
    let ends_line = |s: &Segment<'_>| {
        [b"LX".as_slice(), b"CLM", b"HL", b"SE"]
            .iter()
            .any(|id| s.is(id))
    };
    (0..order.len())
        .filter(|&n| {
            order.get(n).is_some_and(|&k| ks(k))
                && seg(n).is_some_and(|s| s.is(b"SV1") || s.is(b"SV2"))
        })
        .filter(|&n| {
            let has = (n + 1..order.len())
                .map_while(|m| seg(m).filter(|s| !ends_line(s)))
                .any(|s| s.is(b"LIN"));
            has == with
        })
        .filter_map(|n| order.get(n).copied())
        .collect()
}

/// Whether no service line of move `m` left without a drug loop (`bare`: in the covered
/// range, or a line the move takes its LIN from) is a drug line (by its HCPCS code or 837I
/// revenue code): an NDC001 in the covered range is then the move's (on a line the move
/// gives its LIN back), never a line's own, and no drug line loses its NDC to the move.
pub(crate) fn drug_safe(tx: &Transaction<'_>, data: &claimlint_data::Data, m: &LineMove) -> bool {
    use crate::drugs::{is_drug_code, is_drug_revenue_code};
    m.bare.iter().all(|&k| {
        let Some(seg) = tx.segments.get(k) else {
            return false;
        };
        let (rev, proc) = if seg.is(b"SV2") {
            (seg.value(1), seg.element(2))
        } else {
            (&[][..], seg.element(1))
        };
        let code = proc.and_then(|e| e.component(2)).map(|c| c.text());
        !is_drug_revenue_code(rev) && !code.is_some_and(|c| is_drug_code(data, c.trim()))
    })
}

/// The message and help of the one finding for move `m`, on the segment moved.
pub(crate) fn describe(tx: &Transaction<'_>, m: &LineMove) -> Option<(String, String)> {
    let guide = tx.ig().guide;
    let seg = tx.segments.get(m.stray)?;
    let named = |k: usize| -> Option<String> {
        let s = tx.segments.get(k)?;
        let upto = usize::from(
            [b"LX".as_slice(), b"SVD", b"DTP", b"REF", b"NM1", b"AMT"]
                .iter()
                .any(|id| s.is(id)),
        );
        Some(super::head(s, upto).trim_end_matches('*').to_string())
    };
    let shown = named(m.stray)?;
    let def =
        (guide.loops().into_iter()).find_map(|l| l.segments(seg.id()).find(|d| d.matches(seg)))?;
    let at = |k: usize| -> Option<String> {
        Some(format!(
            "{} (segment {})",
            named(k)?,
            tx.segments.get(k)?.position
        ))
    };
    let target = at(m.before)?;
    let (way, passed) = if m.stray < m.before {
        ("down", (m.stray + 1, m.before - 1))
    } else {
        ("up", (m.before, m.stray - 1))
    };
    let span = if passed.0 == passed.1 {
        at(passed.0)?
    } else {
        format!("the segments from {} to {}", at(passed.0)?, at(passed.1)?)
    };
    let (side, them) = if passed.0 == passed.1 {
        (if way == "down" { "above" } else { "below" }, "it")
    } else {
        (if way == "down" { "above" } else { "below" }, "them")
    };
    // Across a line boundary when it or a segment it passed is an LX; else out of its
    // place inside its own line (a line's date written after its drug loop).
    let is_lx = |k: usize| tx.segments.get(k).is_some_and(|s| s.is(b"LX"));
    let where_ = if is_lx(m.stray) || (passed.0..=passed.1).any(is_lx) {
        "on the wrong side of a service line boundary"
    } else {
        "out of its place in its service line"
    };
    let msg = format!(
        "{shown} ({}) is written {side} {span}, {where_}: it belongs {}, right before \
         {target}, where the service lines around it read clean",
        def.name,
        if way == "down" {
            format!("below {them}")
        } else {
            format!("above {them}")
        }
    );
    Some((msg, format!("move {shown} {way} to just before {target}")))
}

#[cfg(test)]
mod tests {
    use crate::test::{I837, P837, codes, moved_before as moved, run};

    const LIN: &str = "LIN**N4*55513071001";

    /// One finding, STR003 on the moved segment, whose help is the fix; each class, both
    /// guides.
    #[test]
    fn each_boundary_segment_moved_is_one_finding() {
        for t in [P837, I837] {
            let cases = [
                (moved(t, "LX*1", "CTP*"), "move LX*1 up to just before SV"),
                (moved(t, "LX*2", "LIN*"), "move LX*2 down to just before SV"),
                (moved(t, LIN, "LX*1"), "move LIN down to just before CTP"),
            ];
            for (text, help) in cases {
                let found = run(&text);
                let errors: Vec<_> = found.iter().filter(|d| d.code != "NDC001").collect();
                assert_eq!(errors.len(), 1, "{text}\n{found:#?}");
                assert_eq!(errors[0].code, "STR003");
                let got = errors[0].help.as_deref().unwrap_or_default();
                assert!(got.starts_with(help), "{got}");
            }
        }
    }

    /// A claim with a defect of its own beside the move keeps its findings (no move read):
    /// line 2's date deleted too, or line 2 a drug line without its NDC in the range the
    /// move would cover.
    #[test]
    fn a_second_defect_keeps_the_findings() {
        let date = "SV1*HC:96372*60*UN*1***1~\nDTP*472*D8*20260115~\n";
        let no_date = moved(P837, "LX*1", "CTP*").replacen(date, "SV1*HC:96372*60*UN*1***1~\n", 1);
        let drug = moved(
            &P837.replacen(
                "SV1*HC:96372*60*UN*1***1",
                "SV1*HC:J0897:JZ*2400*UN*60***1",
                1,
            ),
            "LX*2",
            "LIN*",
        );
        for text in [no_date, drug] {
            let found = run(&text);
            assert!(
                found
                    .iter()
                    .all(|d| !d.message.contains("service line boundary")),
                "{found:#?}"
            );
            assert!(found.len() > 1, "{found:#?}");
        }
    }

    /// A line's own SV1 or DTP*472 written below the next LX: one STR003 on it whose help
    /// moves it back up (NDC001 of the drug line it left is the move's too).
    #[test]
    fn a_line_own_segment_moved_is_one_finding() {
        let cases = [
            (
                moved(P837, "SV1*HC:J0897:JZ*2400*UN*60***1", "SV1*HC:96372"),
                "move SV1 up to just before DTP*472",
            ),
            (
                moved(P837, "DTP*472*D8*20260115", "SV1*HC:96372"),
                "move DTP*472 up to just before LIN",
            ),
        ];
        for (text, help) in cases {
            let found = run(&text);
            assert_eq!(found.len(), 1, "{text}\n{found:#?}");
            assert_eq!(found[0].code, "STR003");
            let got = found[0].help.as_deref().unwrap_or_default();
            assert!(got.starts_with(help), "{got}");
        }
    }

    /// Where two moves read clean, the help is the one that does not cut a drug line's LIN
    /// away or number the lines 2, 1: a CTP written at the end of the next line is moved up
    /// (moving its LIN down would leave J0897 without its NDC and give the admin line the
    /// Prolia NDC), and `LX*1` written below `LX*2` is moved up (not `LX*2`).
    #[test]
    fn of_two_clean_moves_the_one_that_keeps_the_claim_right() {
        for (t, second) in [(P837, "SV1*HC:96372"), (I837, "SV2*0510")] {
            let cases = [
                (
                    moved(t, "CTP****1*UN", "SE*"),
                    "move CTP up to just before LX*2",
                ),
                (moved(t, "LX*1", second), "move LX*1 up to just before SV"),
            ];
            for (text, help) in cases {
                let found = run(&text);
                assert_eq!(found.len(), 1, "{text}\n{found:#?}");
                assert_eq!(found[0].code, "STR003");
                let got = found[0].help.as_deref().unwrap_or_default();
                assert!(got.starts_with(help), "{got}");
            }
        }
    }

    /// The review's cases of two drug lines and three lines: the CTP moved is the one the walk
    /// found wrong, not the next line's own; a CTP written twice is no move (the line above
    /// lacks its own); and no move numbers the lines out of order (LX*1 written below LX*3:
    /// moving LX*3 up would read clean but number them 3, 2, 1).
    #[test]
    fn no_move_that_swaps_quantities_invents_one_or_numbers_lines_down() {
        let admin = "SV1*HC:96372*60*UN*1***1~\nDTP*472*D8*20260115~\n";
        let drug2 = "SV1*HC:J1100:JZ*100*UN*40***1~\nDTP*472*D8*20260115~\n\
                     LIN**N4*63323016501~\nCTP****10*UN~\n";
        let two = P837
            .replacen(admin, drug2, 1)
            .replacen("CLM*PAT1001-01*2460", "CLM*PAT1001-01*2500", 1)
            .replacen("SE*28*", "SE*30*", 1);
        // Line 1's CTP written after line 2's: moved back up, line 2 keeps its own.
        let found = run(&moved(&two, "CTP****1*UN", "SE*"));
        assert_eq!(codes_of(&found), ["STR003"], "{found:#?}");
        assert!(
            found[0].message.contains("to CTP (segment 28)"),
            "{}",
            found[0].message
        );
        // Line 1 without a CTP, line 2's written twice: no move, both findings stand.
        let twice = two.replacen("CTP****1*UN~\n", "", 1).replacen(
            "CTP****10*UN~\n",
            "CTP****10*UN~\nCTP****10*UN~\n",
            1,
        );
        let found = run(&twice);
        assert_eq!(codes_of(&found), ["STR002", "STR004"], "{found:#?}");
        // Three lines, LX*1 written right after LX*3.
        let three = P837
            .replacen("SE*", &format!("LX*3~\n{admin}SE*"), 1)
            .replacen("CLM*PAT1001-01*2460", "CLM*PAT1001-01*2520", 1)
            .replacen("SE*28*", "SE*31*", 1);
        let found = run(&moved(
            &three,
            "LX*1",
            "SV1*HC:96372*60*UN*1***1~\nDTP*472*D8*20260115~\nSE",
        ));
        assert!(
            found.iter().all(|d| !d
                .help
                .as_deref()
                .unwrap_or_default()
                .starts_with("move LX*3")),
            "{found:#?}"
        );
    }

    /// LX*2 written below its line's SV1 and DTP, and the next line renumbered LX*1 too (a
    /// second defect): LX*2 moved up is the one move (the renumbered LX*1 moved up reads as
    /// well by the numbers, but is farther), and the numbering is left to its own finding.
    #[test]
    fn a_renumbered_line_does_not_block_the_nearer_move() {
        let three = P837
            .replacen(
                "SE*",
                "LX*3~\nSV1*HC:96372*60*UN*1***1~\nDTP*472*D8*20260115~\nSE*",
                1,
            )
            .replacen("CLM*PAT1001-01*2460", "CLM*PAT1001-01*2520", 1)
            .replacen("SE*28*", "SE*31*", 1)
            .replacen("LX*3~", "LX*1~", 1);
        let text = moved(
            &three,
            "LX*2",
            "LX*1~\nSV1*HC:96372*60*UN*1***1~\nDTP*472*D8*20260115~\nSE",
        );
        let found = run(&text);
        let moves: Vec<_> = found.iter().filter(|d| d.code == "STR003").collect();
        assert_eq!(moves.len(), 1, "{found:#?}");
        let got = moves[0].help.as_deref().unwrap_or_default();
        assert!(got.starts_with("move LX*2 up to just before SV1"), "{got}");
    }

    fn codes_of(found: &[claimlint_diagnostic::Diagnostic]) -> Vec<&str> {
        let mut c: Vec<&str> = found.iter().map(|d| d.code).collect();
        c.sort_unstable();
        c
    }

    #[test]
    fn the_template_has_no_move() {
        assert!(codes(P837).is_empty());
        assert!(codes(I837).is_empty());
    }
}
