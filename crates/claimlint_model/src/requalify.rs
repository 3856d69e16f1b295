//! A segment written with another definition's qualifier: `NM1*87` (2010AB, Pay-to Address)
//! where the billing provider's `NM1*85` belongs, `NM1*IL` for the payer's `NM1*PR`,
//! `DTP*435` for 837I's required `DTP*434`. The walk places a segment by its qualifier, so
//! such a segment opens the wrong loop, and the loop's segments that follow, its elements the
//! wrong definition does not use, the loop the guide then finds missing and the one it finds
//! twice are each reported (3 to 7 findings for one code). Read with the code of the
//! definition the structure asks for there, the set walks clean, and what is left is the one
//! error: the qualifier, not a code the guide allows there (SYN008, naming the code).
//!
//! Only when the structure says so: a required loop or segment reported missing, a loop
//! opened without its opening segment, or one reported more times than the guide allows,
//! whose definition another segment of the same id nearby fits but for its qualifier. A trial
//! reading is kept only when it places that segment on the definition tried, leaves it no
//! finding but its qualifier, adds no finding anywhere, and takes away structural ones, fewer
//! in all. Each trial walks the whole set again, so a set has at most [`MAX_TRIALS`].

use crate::loops::{CleanMemo, IgCheck};
use claimlint_ig::{ElementIssue, LoopDef, Node, Placement, SegmentDef, StructureIssue};
use claimlint_x12::Segment;
use std::collections::HashSet;

/// Trial readings per transaction set: each walks and validates the set again (a trial that
/// cannot be better stops early).
const MAX_TRIALS: usize = 8;

/// Readings weighed in a round after the first one found better.
const WEIGHED_AFTER_BEST: usize = 4;

/// How many segments before a missing child was reported the segment that stood for it is
/// looked for (a loop's own segments; a claim's 2300 runs to some tens).
const WINDOW: usize = 64;

/// The segments read again: (segment index, its bytes with the meant qualifier), in index
/// order.
type Readings = Vec<(usize, Vec<u8>)>;

/// The check of `segments` with any segment whose qualifier misled the walk read as meant.
/// Each round weighs the candidates nearest the first findings (one reading kept, it may
/// turn another candidate right: the submitter's NM1 read as 1000A's, then the receiver's as
/// 1000B's) and keeps the one with the fewest findings; a reading tried is not tried again.
pub(crate) fn settle(
    mut check: IgCheck,
    segments: &[Segment<'_>],
    clean: &mut CleanMemo,
) -> IgCheck {
    let mut kept: Readings = Vec::new();
    let mut trials = 0;
    let mut tried: HashSet<Vec<(usize, usize)>> = HashSet::new();
    loop {
        let found = candidates(&check, segments);
        // (findings, the check, its readings) of the best reading of this round.
        let mut best: Option<(usize, IgCheck, Readings)> = None;
        let mut after_best = 0;
        'round: for &Candidate { at, meant, rank } in &found {
            for reads in readings_of(&found, segments, (at, meant, rank)) {
                let key = reads
                    .iter()
                    .map(|&(i, d)| (i, std::ptr::from_ref(d) as usize));
                if trials == MAX_TRIALS || after_best == WEIGHED_AFTER_BEST {
                    break 'round;
                }
                if !tried.insert(key.collect()) {
                    continue;
                }
                trials += 1;
                after_best += usize::from(best.is_some());
                if let Some((trial, reading)) = attempt(&check, segments, &kept, &reads, clean) {
                    let found = score(&trial);
                    if best.as_ref().is_none_or(|(b, _, _)| found < *b) {
                        best = Some((found, trial, reading));
                    }
                    // A batch that is better is not weighed again one segment at a time.
                    break;
                }
            }
        }
        match best {
            Some((_, trial, reading)) => (check, kept) = (trial, reading),
            None => return check,
        }
    }
}

/// The readings to try for one candidate: first the same code written where the same
/// definition belongs elsewhere in the set at the same rank (a sender's mistake repeats
/// claim after claim), all at once; then the candidate alone.
fn readings_of(
    found: &[Candidate],
    segments: &[Segment<'_>],
    (at, meant, rank): (usize, &'static SegmentDef, usize),
) -> Vec<Vec<(usize, &'static SegmentDef)>> {
    let written = |j: usize| segments.get(j).and_then(|s| qualifier_of(s, meant));
    let same: Vec<(usize, &'static SegmentDef)> = found
        .iter()
        .filter(|c| c.rank == rank && std::ptr::eq(c.meant, meant))
        .filter(|c| written(c.at) == written(at))
        .map(|c| (c.at, c.meant))
        .collect();
    if same.len() > 1 {
        vec![same, vec![(at, meant)]]
    } else {
        vec![vec![(at, meant)]]
    }
}

/// Findings of a check: its structure's and its elements', the findings of a segment whose
/// separators slipped (`realign`) counted once: the rules report them as one.
fn score(c: &IgCheck) -> usize {
    let slipped = c
        .elements
        .iter()
        .filter(|(i, _)| c.realignment(*i as usize).is_some())
        .count();
    c.structure.len() + c.elements.len() - slipped + c.realigned.len()
}

/// The check with the segments of `reads` read as the definitions named, beside those
/// `kept`, when that reading is better ([`better`]); with the readings it keeps then.
fn attempt(
    check: &IgCheck,
    segments: &[Segment<'_>],
    kept: &[(usize, Vec<u8>)],
    reads: &[(usize, &'static SegmentDef)],
    clean: &mut CleanMemo,
) -> Option<(IgCheck, Readings)> {
    let mut reading = kept.to_vec();
    for &(at, meant) in reads {
        reading.push((at, requalified(segments.get(at)?, meant)?));
    }
    reading.sort_by_key(|(i, _)| *i);
    let swaps: Vec<(usize, Segment<'_>)> = reading
        .iter()
        .filter_map(|(i, b)| {
            let s = segments.get(*i)?;
            Some((*i, Segment::new(b, s.offset, s.delims, s.position)))
        })
        .collect();
    // A reading with more element findings than the whole check has, beside those of the
    // segments read again (a slip on one, `NM1*402*…`, may explain each), cannot be better.
    let limit = check.elements.len()
        + reads
            .iter()
            .filter_map(|&(at, _)| segments.get(at))
            .map(Segment::element_count)
            .sum::<usize>();
    let (mut trial, complete) =
        IgCheck::walk_and_validate(check.guide, segments, &swaps, clean, limit);
    if !complete || !better(&trial, check, reads) {
        return None;
    }
    // Where each segment read again was placed as written: in the first reading.
    trial.requalified = check.requalified.clone();
    for &(at, _) in reads {
        if let (Ok(i), Some(&p)) = (u32::try_from(at), check.placements.get(at)) {
            trial.requalified.push((i, p));
        }
    }
    trial.requalified.sort_by_key(|(i, _)| *i);
    Some((trial, reading))
}

/// The value `seg` has where `def` reads its qualifier.
fn qualifier_of<'s>(seg: &'s Segment<'_>, def: &SegmentDef) -> Option<&'s [u8]> {
    let q = def.qualifier?;
    claimlint_ig::SegmentView::qualifier(seg, q.elem.into(), q.comp.into())
}

/// One segment that may have been meant as another definition.
#[derive(Clone, Copy)]
struct Candidate {
    at: usize,
    meant: &'static SegmentDef,
    /// Its place among the candidates of the finding it was found for, nearest first: a
    /// mistake repeated in each claim is the candidate of the same rank in each.
    rank: usize,
}

/// The candidates for the findings of the structure, in the order of the findings.
fn candidates(check: &IgCheck, segments: &[Segment<'_>]) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let mut seen = HashSet::new();
    let mut add = |at: usize, meant: &'static SegmentDef, rank: &mut usize| {
        let Some(seg) = segments.get(at) else { return };
        let same_id = claimlint_x12::short::eq(seg.id(), meant.id.as_bytes());
        // An HL's level is STR001's: the hierarchy, not a qualifier, says what it was meant as.
        let hl = meant.id == "HL";
        if !same_id || hl || meant.matches(seg) {
            return;
        }
        if seen.insert((at, std::ptr::from_ref(meant))) {
            out.push(Candidate {
                at,
                meant,
                rank: *rank,
            });
        }
        // Counted when found for another finding before too: the rank is the segment's
        // place for this finding.
        *rank += 1;
    };
    for issue in &check.structure {
        let mut rank = 0;
        match *issue {
            StructureIssue::RequiredMissing {
                id,
                is_loop,
                parent,
                at,
            } => {
                for (j, parent_def) in within(check, segments, parent, at) {
                    for def in wanted(parent_def, id, is_loop) {
                        add(j, def, &mut rank);
                    }
                }
            }
            // A loop opened without its opening segment (`PER` opening 1000A): the one written
            // before, with another loop's code, may have been meant as it.
            StructureIssue::OpenerMissing { id, parent, at, .. } => {
                for (j, parent_def) in within(check, segments, parent, at) {
                    for def in wanted(parent_def, id, true) {
                        add(j, def, &mut rank);
                    }
                }
            }
            StructureIssue::RepeatExceeded { is_loop, at, .. } => {
                for def in siblings(check, at, is_loop) {
                    add(at, def, &mut rank);
                }
                // The one written first may be the one misqualified (`DTP*435*TM*1130` where
                // 837I's discharge hour `DTP*096` belongs, above the real DTP*435).
                if !is_loop && let Some(first) = earlier_copy(check, at) {
                    for def in siblings(check, first, false) {
                        add(first, def, &mut rank);
                    }
                }
            }
            StructureIssue::Unexpected { .. } => {}
        }
    }
    // Last, after every candidate above: a loop missing a required child whose opener has
    // findings of its own (`NM1*77*1*SMITH*JOHN****XX*…` opening 2310E, Service Facility, a
    // person there, without its N3 and N4) may be a sibling loop's opener written with the
    // wrong qualifier (2310A's `NM1*71`, the attending provider).
    for issue in &check.structure {
        if let StructureIssue::RequiredMissing { parent, at, .. } = *issue
            && let Some(opener) = opener_with_findings(check, segments, parent, at)
        {
            let mut rank = 0;
            for def in siblings(check, opener, true) {
                add(opener, def, &mut rank);
            }
        }
    }
    out
}

/// The nearest segment before `at` (within [`WINDOW`]) that the walk placed on the same
/// definition in the same loop: the occurrence a segment written once too often repeats.
fn earlier_copy(check: &IgCheck, at: usize) -> Option<usize> {
    let placed = check.placements.get(at)?;
    let (def, path) = (placed.segment()?, placed.path()?);
    (at.saturating_sub(WINDOW)..at).rev().find(|&j| {
        check.placements.get(j).is_some_and(|p| {
            p.segment().is_some_and(|d| std::ptr::eq(d, def)) && p.path() == Some(path)
        })
    })
}

/// The segment that opened loop `parent` (its starter, where [`within`] stops) when the
/// walk placed it with findings on its elements; `None` for the set's root or a clean opener.
fn opener_with_findings(
    check: &IgCheck,
    segments: &[Segment<'_>],
    parent: &str,
    at: usize,
) -> Option<usize> {
    if parent == check.guide.root.id {
        return None;
    }
    let (opener, def) = within(check, segments, parent, at).last().copied()?;
    let starter = def.starter()?;
    let placed = check.placements.get(opener)?.segment()?;
    let index = u32::try_from(opener).ok()?;
    // `elements` is in segment order: a binary search, not a scan per opener.
    let has_findings = check
        .elements
        .binary_search_by_key(&index, |&(i, _)| i)
        .is_ok();
    (std::ptr::eq(placed, starter) && has_findings).then_some(opener)
}

/// Segment `at` and those before it (nearest first, [`WINDOW`] more at most) placed within
/// loop `parent`, or not placed at all between such segments, each with that loop's definition
/// as the path of the nearest placed one names it; stops where the loop began. None when the
/// loop is an HL's whose HL02 says it is not the level its HL03 names (a level 20 HL with a
/// parent, a 22 or 23 without one): then STR001's broken hierarchy, not a qualifier, put the
/// loop there.
fn within(
    check: &IgCheck,
    segments: &[Segment<'_>],
    parent: &str,
    at: usize,
) -> Vec<(usize, &'static LoopDef)> {
    let mut out = Vec::new();
    let mut current = None;
    // Unplaced segments after the loop's last placed one (the payer's `NM1*41` that should
    // have been 2330B's `NM1*PR`, before the LX the walk missed 2330B at): the loop's too,
    // once the nearest placed segment names it.
    let mut pending = Vec::new();
    for j in (at.saturating_sub(WINDOW)..=at).rev() {
        match check.placements.get(j).and_then(Placement::path) {
            Some(_) if parent == check.guide.root.id => current = Some(check.guide.root),
            Some(path) => {
                let Some(depth) = path.iter().position(|l| *l == parent) else {
                    // The segment the walk found the child missing at may be the first after
                    // the loop (2320's 2330A is missed at the LX that closes it): the loop's
                    // segments are those before it.
                    if j == at {
                        continue;
                    }
                    break;
                };
                current = path.get(..=depth).and_then(|p| check.guide.loop_at(p));
            }
            // Unplaced (its code fits no definition here): in the loop it stands in.
            None if current.is_none() => pending.push(j),
            None => {}
        }
        if let Some(def) = current {
            out.extend(pending.drain(..).map(|p| (p, def)));
            out.push((j, def));
        }
        // The segment that opened this instance of the loop: an earlier one is another's.
        let opened = match check.placements.get(j) {
            Some(Placement::Placed {
                loop_def, segment, ..
            }) => {
                loop_def.id == parent
                    && loop_def
                        .starter()
                        .is_some_and(|s| std::ptr::eq(s, *segment))
            }
            _ => false,
        };
        if opened {
            break;
        }
    }
    let opener = out.last().and_then(|&(j, _)| segments.get(j));
    if opener.is_some_and(|hl| hl.is(b"HL") && !hl_sound(hl)) {
        out.clear();
    }
    out
}

/// Whether an HL's parent pointer agrees with its level: none for a billing provider (20),
/// one for any other level.
fn hl_sound(hl: &Segment<'_>) -> bool {
    (hl.value(3) == b"20") == hl.value(2).is_empty()
}

/// The definitions that would have been the missing child `id` of `parent`: the opening
/// segment of loop `id`, or the required segments `id` of the loop, when a qualifier tells
/// them from their siblings.
fn wanted(parent: &'static LoopDef, id: &str, is_loop: bool) -> Vec<&'static SegmentDef> {
    let qualified = |s: &&'static SegmentDef| s.qualifier.is_some();
    if is_loop {
        return parent
            .child_loop(id)
            .and_then(LoopDef::starter)
            .into_iter()
            .filter(qualified)
            .collect();
    }
    parent
        .segments(id.as_bytes())
        .filter(|s| s.usage == claimlint_ig::Usage::Required)
        .filter(qualified)
        .collect()
}

/// For a segment (or loop, by its opening segment) at `at` the guide allows no more of: the
/// definitions of its siblings with the same id, which a qualifier tells apart from it.
fn siblings(check: &IgCheck, at: usize, is_loop: bool) -> Vec<&'static SegmentDef> {
    let Some(path) = check.placements.get(at).and_then(Placement::path) else {
        return Vec::new();
    };
    // A loop's siblings are its parent's children; a segment's, its own loop's.
    let parent_path = if is_loop {
        path.split_last().map_or(path, |(_, p)| p)
    } else {
        path
    };
    let Some(parent) = check.guide.loop_at(parent_path) else {
        return Vec::new();
    };
    parent
        .children
        .iter()
        .filter_map(|n| match *n {
            Node::Segment(s) => Some(s),
            Node::Loop(l) => l.starter(),
        })
        .filter(|s| s.qualifier.is_some())
        .collect()
}

/// The segment's bytes with its qualifier (the first component of the first repetition of
/// the qualifier's element, or the component the definition reads) written as the first code
/// of `meant`.
fn requalified(seg: &Segment<'_>, meant: &SegmentDef) -> Option<Vec<u8>> {
    let q = meant.qualifier?;
    let code = q.codes.first()?.as_bytes();
    let element = seg.element_raw(usize::from(q.elem))?;
    let start = element.offset.checked_sub(seg.offset)?;
    let value = element.bytes;
    let first = match seg.delims.repetition {
        Some(r) => value.split(|&b| b == r).next().unwrap_or(value),
        None => value,
    };
    let wanted = usize::from(q.comp.max(1)) - 1;
    let mut from = 0;
    for (k, part) in first.split(|&b| b == seg.delims.component).enumerate() {
        if k == wanted {
            let at = start + from;
            let mut out = Vec::with_capacity(seg.bytes.len() + code.len());
            out.extend_from_slice(seg.bytes.get(..at)?);
            out.extend_from_slice(code);
            out.extend_from_slice(seg.bytes.get(at + part.len()..)?);
            return Some(out);
        }
        from += part.len() + 1;
    }
    None
}

/// Whether the trial reading is the one error: each segment of `reads` placed as the
/// definition named with no finding but on its qualifier, no finding the first reading did
/// not have, fewer findings of the structure and fewer in all.
fn better(trial: &IgCheck, first: &IgCheck, reads: &[(usize, &'static SegmentDef)]) -> bool {
    let read = |i: u32| {
        let i = usize::try_from(i).ok()?;
        reads.iter().find(|(at, _)| *at == i).map(|&(_, d)| d)
    };
    let placed = reads.iter().all(|&(at, meant)| {
        matches!(trial.placements.get(at),
            Some(Placement::Placed { segment, .. }) if std::ptr::eq(*segment, meant))
    });
    // On a segment read again, only its qualifier may be wrong, or its separators: a
    // separator left out after the code meant (`NM1*402*MEDICARE` for `NM1*40*2*MEDICARE`)
    // is one slip, whose one finding names it.
    let only_qualifier = trial.elements.iter().all(|(i, issue)| {
        match read(*i) {
        Some(_) if trial.realignment(*i as usize).is_some() => true,
        Some(meant) => meant.qualifier.is_some_and(|q| {
            matches!(issue, ElementIssue::CodeInvalid { elem, .. } if *elem == usize::from(q.elem))
        }),
        None => true,
    }
    });
    placed
        && only_qualifier
        && trial.structure.len() < first.structure.len()
        && score(trial) < score(first)
        && within_multiset(&trial.structure, &first.structure, StructureIssue::at)
        && within_multiset(
            &trial
                .elements
                .iter()
                .filter(|(i, _)| read(*i).is_none() && !unplaced(first, *i))
                .collect::<Vec<_>>(),
            &first.elements.iter().collect::<Vec<_>>(),
            |(i, _)| usize::try_from(*i).unwrap_or(usize::MAX),
        )
}

/// Whether the first reading left segment `i` unplaced (STR003): a reading that places it
/// (`NM1*TT` in 1000A by its id, once the NM1 before it is read as the submitter's) may find
/// its elements wrong instead, one finding for another, until it is read as meant too.
fn unplaced(first: &IgCheck, i: u32) -> bool {
    let i = usize::try_from(i).unwrap_or(usize::MAX);
    first
        .structure
        .contains(&StructureIssue::Unexpected { at: i })
}

/// Whether every item of `part` is in `whole`, each as many times at least; `key` (the
/// segment an item is about) narrows the search to the items of the same segment.
fn within_multiset<T: PartialEq>(part: &[T], whole: &[T], key: impl Fn(&T) -> usize) -> bool {
    let mut sorted: Vec<(usize, &T, bool)> = whole.iter().map(|w| (key(w), w, false)).collect();
    sorted.sort_by_key(|(k, _, _)| *k);
    part.iter().all(|p| {
        let k = key(p);
        let from = sorted.partition_point(|(w, _, _)| *w < k);
        let found = sorted
            .iter_mut()
            .skip(from)
            .take_while(|(w, _, _)| *w == k)
            .find(|(_, w, used)| !*used && *w == p);
        found.map(|(_, _, used)| *used = true).is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimlint_x12::Delimiters;

    fn seg(text: &str) -> Segment<'_> {
        Segment::new(text.as_bytes(), 0, Delimiters::USUAL, 1)
    }

    fn def(guide: claimlint_ig::Guide, path: &[&str]) -> &'static SegmentDef {
        let l = claimlint_ig::guide(guide).loop_at(path);
        l.and_then(LoopDef::starter)
            .expect("the loop and its opener")
    }

    #[test]
    fn the_qualifier_is_written_as_the_code_meant() {
        let p = claimlint_ig::Guide::X222A1;
        let meant = def(p, &["2000A", "2010AA"]);
        let nm1 = seg("NM1*87*2*ONCOLOGY CLINIC*****XX*1234567893");
        let bytes = requalified(&nm1, meant).expect("NM101 is there");
        assert_eq!(bytes, b"NM1*85*2*ONCOLOGY CLINIC*****XX*1234567893");
        assert_eq!(qualifier_of(&nm1, meant), Some(&b"87"[..]));
        // A segment without the qualifier's element is not read again.
        assert_eq!(requalified(&seg("NM1"), meant), None);
    }

    #[test]
    fn a_multiset_holds_each_item_as_many_times() {
        let key = |v: &u32| *v as usize / 10;
        assert!(within_multiset(&[1, 1, 25], &[25, 1, 1, 3], key));
        assert!(!within_multiset(&[1, 1, 1], &[1, 1, 3], key));
        assert!(!within_multiset(&[4], &[1, 3], key));
        assert!(within_multiset::<u32>(&[], &[], key));
    }
}
