//! A required segment, or the opener of a required loop, written in the wrong place of its
//! transaction set: the walk finds it missing where it belongs (STR002) and fitting nowhere
//! where it stands (STR003). One defect, one finding: STR003 on the segment, naming what it is
//! and where it belongs; the STR002 at the place it left follows from it
//! (`suppress::PRECEDENCE`, `Scope::Site`, read from `Diagnostic::site`). This module pairs
//! the two; how each rule words its finding is theirs.

use super::required_segment_missing::{Late, missing_site, opener_reported, required_def};
use crate::Ctx;
use claimlint_ig::{LoopDef, Node, Placement, SegmentDef, StructureIssue};
use claimlint_model::Transaction;
use std::collections::HashMap;

/// What the walk found missing, and where.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Want {
    /// The required segment, or the required loop's opener.
    pub def: &'static SegmentDef,
    /// The loop it opens, when it is a loop's opener.
    pub opens: Option<&'static LoopDef>,
    /// The loop it belongs in (for an opener, the loop around the one it opens).
    pub parent: &'static str,
    /// The segment the walk reached without it: it belongs just before this one.
    pub before: usize,
    /// The segment STR002 reports it missing on.
    pub site: usize,
    /// Its walk issue: the index in `ig.structure` STR002 reports it for.
    pub issue: usize,
}

/// A segment written in the wrong place: where it stands, unplaced, and what it is missing as.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Moved {
    /// The segment index where it stands (STR003 reports it there).
    pub stray: usize,
    pub want: Want,
    /// Whether the walk placed it where it stands, as another definition ([`misread`]).
    pub placed: bool,
}

/// The missing segments of the set each paired with the one segment that is exactly it,
/// written where nothing fits it, or where the walk reads it as another definition only
/// ([`misread`]; then also only when it reads clean as the one missing and nothing else in
/// its claim is out of place, [`alone`]). Only exact pairs: the segment's id and qualifier are the
/// required definition's (`fits`: an `NM1*87` is no `NM1*85`), it is the only unplaced
/// segment that fits what is missing, and nothing else missing in the set fits it; or, where
/// the set holds several such (the same move in several subscribers), it is the only one in
/// the part of the set the gap is in that fits it, and nothing else missing in that part fits
/// it ([`ByPart`]). A segment
/// truly missing beside a stray of another kind (or two strays, or two gaps) keeps both
/// findings. Not a stray the other pairings cover (written one place late, `all_written_after`;
/// standing where the next loop's opener belongs), nor any pair in a set whose HLs are
/// broken (STR001: an HL out of place moves whole loops, and "move this segment" would point
/// the wrong way), nor an HL. A gap the walk noticed at an HL (a loop the level before it
/// lacks: 1000B when its `NM1*40` is written below `HL*1`, 2010BB when the payer's `NM1*PR`
/// is written below the patient's `HL*3`) is paired only when the stray and the gap are all
/// the walk found wrong in the part of the set the stray stands in and in the part the gap
/// is in (the header, or one subscriber's loops with their patients and claims:
/// [`alone_in_part`]): an HL moved down past a loop's segments (`HL*1` below
/// `NM1*85~N3~N4`) leaves the loop's opener unplaced with the rest, and "move the opener"
/// would point the wrong way; a defect beside the gap (`PES` for `PER` in 1000A) shifts where
/// the walk says the loop goes. Across a loop boundary, a stray the walk placed out of order
/// in the loop before or after the one lacking it (the pay-to `N3` written above its
/// `NM1*87`, out of order in 2010AA), and a gap only the model finds (a 2010BA lacking the
/// one `N3`, `N4` or `DMG` it needs when the subscriber is the patient, [`MODEL_GAP`]), are
/// paired only when the claim walked again with the stray put in its place reads clean
/// ([`pairs`]): the help mends what the walk found. Linear in the strays and gaps times the
/// distinct definitions missing (a handful): gaps are grouped by definition.
/// The set's moved segments ([`all_moved`]): found once for all the set's transaction rules
/// when the context keeps the set's facts (`Ctx::tx_facts`), else found here. `all_moved`
/// reads only the set, the params and the data from the context, the same for every rule.
pub(crate) fn of_set<'c>(tx: &Transaction<'_>, cx: &Ctx<'c>) -> std::borrow::Cow<'c, [Moved]> {
    match cx.tx_facts {
        Some(f) => std::borrow::Cow::Borrowed(f.moved.get_or_init(|| all_moved(tx, cx))),
        None => std::borrow::Cow::Owned(all_moved(tx, cx)),
    }
}

pub(crate) fn all_moved(tx: &Transaction<'_>, cx: &Ctx<'_>) -> Vec<Moved> {
    let ig = tx.ig();
    let late = Late::of(tx);
    let mut wants: Vec<Want> = (ig.structure.iter().enumerate())
        .filter_map(|(n, i)| wanted(tx, cx, &late, (n, i)))
        .collect();
    wants.extend(model_gaps(tx));
    if wants.is_empty() || !super::hl_invalid::findings_aside(tx, cx).is_empty() {
        return Vec::new();
    }
    let strays = strays(tx, &late);
    // The distinct definitions missing, with how many gaps each, and the strays each fits.
    let mut defs: HashMap<*const SegmentDef, (&SegmentDef, usize)> = HashMap::new();
    for w in &wants {
        defs.entry(std::ptr::from_ref(w.def))
            .or_insert((w.def, 0))
            .1 += 1;
    }
    let fits = |def: &SegmentDef| -> Vec<usize> {
        (strays.iter().copied())
            .filter(|&k| tx.segments.get(k).is_some_and(|s| def.matches(s)))
            .collect()
    };
    let fitting: HashMap<*const SegmentDef, Vec<usize>> =
        defs.iter().map(|(&p, &(def, _))| (p, fits(def))).collect();
    // How many gaps a stray could fill, over all the definitions missing.
    let gaps_for = |seg: &claimlint_x12::Segment<'_>| -> usize {
        defs.values()
            .filter(|(def, _)| def.matches(seg))
            .map(|&(_, n)| n)
            .sum()
    };
    let mut trials = super::trial::Trials::new(tx);
    let mut by_part: Option<ByPart> = None;
    let mut out = Vec::new();
    for want in &wants {
        let fit = fitting.get(&std::ptr::from_ref(want.def));
        let alone = match fit.map(Vec::as_slice) {
            Some(&[k]) => tx.segments.get(k).filter(|s| gaps_for(s) == 1).map(|_| k),
            _ => None,
        };
        // Else the one stray of the gap's part that fits it, when it fits no other gap there:
        // the same move made in several subscribers' parts.
        let stray = alone.or_else(|| {
            let by = by_part.get_or_insert_with(|| ByPart::of(tx, &wants, &fitting));
            by.the_stray(tx, want)
        });
        let Some(stray) = stray else {
            continue;
        };
        if !pairs(tx, &mut trials, stray, want) || misspelt_there(tx, want) {
            continue;
        }
        out.push(Moved {
            stray,
            want: *want,
            placed: ig.is_placed(stray) && !is_unexpected(tx, stray),
        });
    }
    out
}

/// The gaps of the set and the strays that fit them by part ([`super::Parts`]) and
/// definition: for pairing a stray with the gap of its own part where the set holds several
/// of both (two subscribers each with their `DMG` written below their claim's `CLM`). Made
/// only for a set with such; a look-up per gap, so a set of thousands stays linear.
struct ByPart {
    parts: super::Parts,
    /// Each part's missing definitions, with how many gaps of each.
    gaps: HashMap<usize, Vec<(&'static SegmentDef, usize)>>,
    /// The strays of each part that fit each definition missing in the set.
    fitting: HashMap<(usize, *const SegmentDef), Vec<usize>>,
}

impl ByPart {
    fn of(
        tx: &Transaction<'_>,
        wants: &[Want],
        fitting: &HashMap<*const SegmentDef, Vec<usize>>,
    ) -> ByPart {
        let parts = super::Parts::of(tx);
        let mut gaps: HashMap<usize, Vec<(&'static SegmentDef, usize)>> = HashMap::new();
        for w in wants {
            let defs = gaps.entry(parts.part(w.site)).or_default();
            match defs.iter_mut().find(|(d, _)| std::ptr::eq(*d, w.def)) {
                Some((_, n)) => *n += 1,
                None => defs.push((w.def, 1)),
            }
        }
        let mut by = HashMap::new();
        for (&def, strays) in fitting {
            for &k in strays {
                by.entry((parts.part(k), def))
                    .or_insert_with(Vec::new)
                    .push(k);
            }
        }
        ByPart {
            parts,
            gaps,
            fitting: by,
        }
    }

    /// The one stray that fits `want` in the part it is missing from, when it fits no other
    /// gap of that part. A stray in another part is left to the set-wide pairing: only where
    /// it is the one that fits, and fits no other gap.
    fn the_stray(&self, tx: &Transaction<'_>, want: &Want) -> Option<usize> {
        let part = self.parts.part(want.site);
        let Some(&[stray]) =
            (self.fitting.get(&(part, std::ptr::from_ref(want.def)))).map(Vec::as_slice)
        else {
            return None;
        };
        let seg = tx.segments.get(stray)?;
        let gaps: usize = (self.gaps.get(&part).into_iter().flatten())
            .filter(|(def, _)| def.matches(seg))
            .map(|&(_, n)| n)
            .sum();
        (gaps == 1).then_some(stray)
    }
}

/// Whether a segment of an unknown id one letter off the one `want` lacks (or two neighbours
/// swapped: `DTQ` or `DPT` for `DTP`, [`crate::syntax::unknown_segment::one_off`]) stands
/// where it belongs: among the unplaced segments right before or at `want.before`. That
/// segment is the one meant, misspelled (SYN001's "did you mean"), not a gap a segment
/// written elsewhere fills: "move it to just before the `DTQ`" would leave two.
fn misspelt_there(tx: &Transaction<'_>, want: &Want) -> bool {
    use crate::syntax::unknown_segment::{is_known, one_off};
    let ig = tx.ig();
    let unplaced = |k: &usize| !ig.is_placed(*k);
    let before = (0..want.before).rev().take_while(unplaced);
    let after = (want.before..tx.segments.len()).take_while(unplaced);
    before.chain(after).any(|k| {
        tx.segments.get(k).is_some_and(|s| {
            let id = s.id();
            !is_known(id) && one_off(id, want.def.id.as_bytes())
        })
    })
}

/// The `issue` of a [`Want`] the walk did not find: a segment the model asks for where the
/// guide's map has it situational (a 2010BA's N3, N4 or DMG when the subscriber is the
/// patient, `required_segment_missing::subscriber_gaps`).
pub(crate) const MODEL_GAP: usize = usize::MAX;

/// The gaps the model finds beyond the walk ([`MODEL_GAP`]): a 2010BA lacking one of the
/// segments it needs when the subscriber is the patient. Only in a set where the walk
/// found a segment out of place (one that may be it): a clean set pays nothing.
fn model_gaps(tx: &Transaction<'_>) -> Vec<Want> {
    let ig = tx.ig();
    if !(ig.structure.iter()).any(|i| matches!(i, StructureIssue::Unexpected { .. })) {
        return Vec::new();
    }
    use super::required_segment_missing::{subscriber_gaps, subscriber_want};
    (subscriber_gaps(tx).into_iter())
        .filter_map(|(nm1, _, missing, unplaced)| match missing.as_slice() {
            // Not beside a segment there the guide could not place: that may be it.
            [id] if unplaced.is_none() => subscriber_want(tx, nm1, id),
            _ => None,
        })
        .collect()
}

/// The segments that may be one written in the wrong place: those the walk could place
/// nowhere or only out of order (in a loop before or after the one lacking it: the pay-to
/// `N3` written above its `NM1*87` is out of order in 2010AA), and those it misread
/// ([`misread`]). Not one the other pairings cover (written one place late, standing where
/// the next loop's opener belongs), nor an HL.
fn strays(tx: &Transaction<'_>, late: &Late) -> Vec<usize> {
    let ig = tx.ig();
    let late: std::collections::HashSet<usize> = late.all.iter().map(|l| l.stray).collect();
    let stood = stood_for_opener(tx);
    let is_hl = |k: usize| tx.segments.get(k).is_some_and(|s| s.is(b"HL"));
    (ig.structure.iter())
        .filter_map(|i| match *i {
            StructureIssue::Unexpected { at } => Some(at),
            _ => None,
        })
        .chain(misread(tx))
        .filter(|&at| !stood.contains(&at) && !late.contains(&at) && !is_hl(at))
        .collect()
}

/// Whether the walk found segment `k` out of place (STR003), placed out of order or not.
fn is_unexpected(tx: &Transaction<'_>, k: usize) -> bool {
    (tx.ig().structure.iter()).any(|i| matches!(*i, StructureIssue::Unexpected { at } if at == k))
}

/// Whether segment `stray`, the one stray that fits `want`, is read as it moved: in the
/// same claim and line as far as they go ([`same_owner`], [`crosses_claims`]); one the walk
/// misread there only when that is the whole story of its claim ([`alone`]) and it reads
/// clean as what is missing; one noticed at an HL only when alone in its part
/// ([`alone_in_part`]). One the walk placed out of order in another loop, or one filling a
/// gap the model finds ([`MODEL_GAP`]), only when it reads clean as what is missing and the
/// claim walked again with it put in its place reads clean ([`super::relocated::trial`]):
/// what the help says to do mends what the walk found there.
fn pairs(
    tx: &Transaction<'_>,
    trials: &mut super::trial::Trials<'_, '_>,
    stray: usize,
    want: &Want,
) -> bool {
    let Some(seg) = tx.segments.get(stray) else {
        return false;
    };
    let unexpected = is_unexpected(tx, stray);
    let placed = tx.ig().is_placed(stray);
    let misread = placed && !unexpected;
    let is_hl = |k: usize| tx.segments.get(k).is_some_and(|s| s.is(b"HL"));
    if !same_owner(tx, stray, want.site, misread)
        || crosses_claims(tx, stray, want.site)
        || (misread && (!alone(tx, stray, want.issue) || !reads_clean(want.def, seg)))
        || (is_hl(want.site) && !alone_in_part(tx, stray, want))
    {
        return false;
    }
    if !(placed && unexpected) && want.issue != MODEL_GAP {
        return true;
    }
    let end = super::trial::claim_end(tx, stray.max(want.before));
    reads_clean(want.def, seg)
        && super::relocated::trial(tx, trials, (stray, want.before), end).is_some()
}

/// What the walk found missing in the set and STR002 reports, each where it goes
/// ([`Want::before`]): the gaps a segment written outside the set may fill
/// ([`super::outside`]).
pub(crate) fn all_wants(tx: &Transaction<'_>, cx: &Ctx<'_>) -> Vec<Want> {
    let late = Late::of(tx);
    (tx.ig().structure.iter().enumerate())
        .filter_map(|(n, i)| wanted(tx, cx, &late, (n, i)))
        .collect()
}

/// Strays that stand where the opener of the loop after them belongs (the walk opened that
/// loop without it at the next segment): read as that opener misspelled or mistaken, not as
/// a segment moved.
pub(crate) fn stood_for_opener(tx: &Transaction<'_>) -> std::collections::HashSet<usize> {
    (tx.ig().structure.iter())
        .filter_map(|i| match *i {
            StructureIssue::OpenerMissing {
                at,
                after_stray: true,
                ..
            } => at.checked_sub(1),
            _ => None,
        })
        .collect()
}

/// Segments the walk placed where they stand as a definition that is not theirs, so that
/// there they are only wrong, not unexpected: read by id alone in a loop none of whose
/// definitions takes their qualifier (`DTP*472` moved up into 2300, where only SYN008 on its
/// DTP01 says so), or one more repeat of a definition than the guide allows there (a 2430's
/// `DTP*573` moved up after the previous line's own: STR004). Only when that is all the guide
/// finds wrong with them: a segment with another defect of its own is not read as moved.
fn misread(tx: &Transaction<'_>) -> Vec<usize> {
    use claimlint_ig::ElementIssue;
    let ig = tx.ig();
    let mut issues: HashMap<usize, Vec<&ElementIssue>> = HashMap::new();
    for (k, e) in &ig.elements {
        if let Ok(k) = usize::try_from(*k) {
            issues.entry(k).or_default().push(e);
        }
    }
    let unexpected: std::collections::HashSet<usize> = (ig.structure.iter())
        .filter_map(|i| match *i {
            StructureIssue::Unexpected { at } => Some(at),
            _ => None,
        })
        .collect();
    let wrong_qualifier = |k: usize| {
        let (Some(seg), Some(def)) = (
            tx.segments.get(k),
            ig.placement(k).and_then(Placement::segment),
        ) else {
            return false;
        };
        let Some(q) = def.qualifier.filter(|_| !def.matches(seg)) else {
            return false;
        };
        let at = (usize::from(q.elem), usize::from(q.comp));
        (issues.get(&k)).is_some_and(|v| {
            v.iter()
                .all(|e| matches!(e, ElementIssue::CodeInvalid { .. }) && e.position() == Some(at))
        })
    };
    let repeated = (ig.structure.iter()).filter_map(|i| match *i {
        StructureIssue::RepeatExceeded {
            is_loop: false, at, ..
        } if !issues.contains_key(&at) && repeats_as_written(tx, at) => Some(at),
        _ => None,
    });
    (0..tx.segments.len())
        .filter(|&k| ig.is_placed(k) && wrong_qualifier(k))
        .chain(repeated)
        .filter(|k| !unexpected.contains(k))
        .collect()
}

/// Whether segment `at`, one repeat too many of its definition, is word for word the
/// occurrence before it: only then is it surely the one that was moved (line 2's `DTP*573`
/// written after line 1's own). Two that differ (line 2's `SV1` moved up beside line 1's)
/// cannot tell which of them strayed, and moving the wrong one would pair a line's drug with
/// another line's code.
fn repeats_as_written(tx: &Transaction<'_>, at: usize) -> bool {
    let ig = tx.ig();
    let def = |k: usize| ig.placement(k).and_then(Placement::segment);
    let Some(mine) = def(at) else {
        return false;
    };
    let earlier = (0..at)
        .rev()
        .find(|&k| def(k).is_some_and(|d| std::ptr::eq(d, mine)));
    earlier
        .and_then(|k| tx.segments.get(k))
        .zip(tx.segments.get(at))
        .is_some_and(|(a, b)| a.bytes == b.bytes)
}

/// Whether segment `seg` is right as definition `def` (the one missing), element by element.
/// Where the walk placed it by id alone, only its qualifier was judged (the loop's
/// definitions disagree on the rest: a 2300 DTP takes D8 or RD8), so a defect of its own
/// (`DTP*472*D9`) would be reported nowhere once it is read as moved: then it is not.
pub(crate) fn reads_clean(def: &SegmentDef, seg: &claimlint_x12::Segment<'_>) -> bool {
    let mut issues = Vec::new();
    claimlint_ig::validate_segment(def, seg, &mut issues);
    issues.is_empty() && !crate::syntax::required_element::address_incomplete(seg)
}

/// Whether the walk found nothing else wrong with the structure of the claim of segment
/// `stray` than it (misread there) and the gap `issue` it fills. A segment placed as
/// another definition is read as moved only when that is the whole story: beside other
/// strays or gaps the walk's reading of the claim is off, and where it says the segment
/// belongs may be too (a `DTP*472` read in a 2430 after its line's `SV1` was moved below
/// the `SVD` is no segment to move up before the `SVD`). Their findings stay as they are.
fn alone(tx: &Transaction<'_>, stray: usize, issue: usize) -> bool {
    let claim = |k: usize| {
        let position = u32::try_from(k).map_or(u32::MAX, |k| k.saturating_add(1));
        crate::enclosing(tx, position).0.map(|c| c.index)
    };
    let own = claim(stray);
    (tx.ig().structure.iter().enumerate())
        .all(|(n, i)| n == issue || i.at() == stray || claim(i.at()) != own)
}

/// Whether the walk found nothing else wrong with the structure of the part of the set that
/// segment `stray` stands in, nor of the part where `want` is missing (where it is reported,
/// `site`, and the segment it goes after), than the stray and that gap. A part is the header
/// (up to the first subscriber's HL, the first billing provider's loops included), one
/// subscriber's loops with its patients' loops and claims (from its 2000B HL to the next
/// 2000B or 2000A HL), or a later billing provider's loops (from its 2000A HL to the next
/// 2000B HL): not the claim, so that the header and the subscribers' loops of the whole set
/// are not read as one (another subscriber's defect does not change how this one reads).
/// Only where the HLs are sound (`all_moved` pairs nothing otherwise). One pass over the
/// set's segments for its HLs ([`super::Parts`]), then a binary search per walk issue.
fn alone_in_part(tx: &Transaction<'_>, stray: usize, want: &Want) -> bool {
    let parts = super::Parts::of(tx);
    let mine = [stray, want.site, want.before.saturating_sub(1)].map(|k| parts.part(k));
    (tx.ig().structure.iter().enumerate())
        .all(|(n, i)| n == want.issue || i.at() == stray || !mine.contains(&parts.part(i.at())))
}

/// Whether a claim boundary stands between the segment at `stray` and the place `site` it is
/// missing: an HL among the claims, or more than one CLM (one CLM is the stray's own claim
/// written below it, or the next claim's, the stray written one boundary late). A segment standing in another
/// subscriber's or patient's claims is that claim's own (its CLM written late leaves its LX
/// above it), not the one a claim further on lacks: pairing them would report neither end
/// (the other claim's missing segment silenced, the stray covered by its claim's move).
/// Scans only up to the second boundary.
fn crosses_claims(tx: &Transaction<'_>, stray: usize, site: usize) -> bool {
    let (lo, hi) = (stray.min(site), stray.max(site));
    // An HL is a claim boundary once claims have begun: before the first CLM, HLs part the
    // header loops (an NM1*85 written below the subscriber's HL is a move within them).
    let mut in_claims = (tx.segments.get(lo))
        .is_some_and(|s| tx.claims.first().is_some_and(|c| c.index < s.position));
    let mut clms = 0;
    for seg in tx.segments.iter().take(hi).skip(lo.saturating_add(1)) {
        if seg.is(b"HL") && in_claims {
            return true;
        }
        if seg.is(b"CLM") {
            in_claims = true;
            clms += 1;
            if clms > 1 {
                return true;
            }
        }
    }
    false
}

/// Can the segment at `stray` be the one missing at `site` as far as claims and service lines
/// go? A claim's or line's segment carries that claim's or line's data: one standing in
/// another claim (line) than the one lacking it is that other one's, misplaced there (its
/// `LIN` moved away leaves a `CTP` behind), not this one's moved, unless it stands right
/// after the opener (CLM, LX) of the next one: written one boundary too late. A segment the
/// walk placed there as another definition (`placed`, [`misread`]) is no segment of that
/// line (its qualifier is not allowed there, or the line has its own already): it may also
/// stand anywhere in the line before the one lacking it (moved up past its LX). Not in the
/// line after: there it may be that line's own, the loop lacking it opened by an opener
/// written one line early (an `SVD` moved up leaves the next line's `DTP*573` misread).
fn same_owner(tx: &Transaction<'_>, stray: usize, site: usize, placed: bool) -> bool {
    let at = |k: usize| {
        tx.segments
            .get(k)
            .map_or((None, None), |s| crate::enclosing(tx, s.position))
    };
    let ((c1, l1), (c2, l2)) = (at(site), at(stray));
    // Starts of the claim or line `b` right after `a`, and of the stray right after its opener.
    let just_after = |a_end: u32, b: u32| a_end == b && stray == b as usize + 1;
    match (c1, c2) {
        (Some(a), Some(b)) if a.index != b.index => just_after(a.end, b.index),
        _ => match (l1, l2) {
            (Some(a), Some(b)) if placed && b.end == a.index => true,
            (Some(a), Some(b)) if a.index != b.index => just_after(a.end, b.index),
            _ => true,
        },
    }
}

/// The segment STR002 reports missing for a walk issue, as a [`Want`]; `None` for other
/// issues and for those STR002 leaves to another finding.
fn wanted(
    tx: &Transaction<'_>,
    cx: &Ctx<'_>,
    late: &Late,
    (n, issue): (usize, &StructureIssue),
) -> Option<Want> {
    let guide = tx.ig().guide;
    match *issue {
        StructureIssue::RequiredMissing {
            id,
            is_loop,
            parent,
            at,
        } => {
            let site = missing_site(tx, cx, late, (id, is_loop), parent, at)?;
            let opens = if is_loop {
                Some(guide.find_loop(parent)?.child_loop(id)?)
            } else {
                None
            };
            let def = required_def(guide, parent, id, is_loop)?;
            let node = opens.map_or(Node::Segment(def), Node::Loop);
            Some(Want {
                def,
                opens,
                parent,
                before: place(tx, parent, node, at),
                site,
                issue: n,
            })
        }
        StructureIssue::OpenerMissing {
            id,
            parent,
            at,
            after_stray: false,
        } => {
            let l = guide.find_loop(parent)?.child_loop(id)?;
            let def = l.starter()?;
            opener_reported(tx, def, parent, at).then_some(Want {
                def,
                opens: Some(l),
                parent,
                before: at,
                site: at,
                issue: n,
            })
        }
        _ => None,
    }
}

/// Where the segment or loop `want` of loop `parent` (a child of it), which the walk found
/// missing when it reached segment `at`, goes: before the first segment of that occurrence of
/// `parent` that the TR3 lists after it (a segment of `parent`, or one in a child loop, listed
/// later). The TR3 order, not the walk's rank: siblings of equal rank (2330A and 2330B, the
/// one NM1 loop of X12's 2330) are read in any order, but are written in the TR3's. The walk
/// may notice only when the occurrence ends (a 2330A missing is seen at the next LX, after
/// the 2320's 2330B).
fn place(tx: &Transaction<'_>, parent: &str, want: Node, at: usize) -> usize {
    let ig = tx.ig();
    let Some(p) = ig.guide.find_loop(parent) else {
        return at;
    };
    let order = |n: &Node| {
        p.children.iter().position(|c| match (c, n) {
            (Node::Segment(a), Node::Segment(b)) => std::ptr::eq(*a, *b),
            (Node::Loop(a), Node::Loop(b)) => a.id == b.id,
            _ => false,
        })
    };
    let Some(wanted) = order(&want) else {
        return at;
    };
    let depth = p.path.len();
    // The TR3 order at `parent`'s level of segment `k`: its own, or its child loop's there.
    let order_of = |k: usize| match ig.placement(k)? {
        Placement::Placed {
            loop_def, segment, ..
        } if loop_def.path.get(..depth)? == p.path => match loop_def.path.get(depth) {
            None => order(&Node::Segment(segment)),
            Some(child) => order(&Node::Loop(p.child_loop(child)?)),
        },
        _ => None,
    };
    // The occurrence: from the last opener of `parent` before `at` (the whole set for ST).
    let opens = |k: usize| {
        matches!(ig.placement(k), Some(Placement::Placed { loop_def, segment, .. })
            if std::ptr::eq(*loop_def, p) && p.starter().is_some_and(|s| std::ptr::eq(s, *segment)))
    };
    let start = (0..at).rev().find(|&k| opens(k)).unwrap_or(0);
    if let Some(k) = (start..at).find(|&k| order_of(k).is_some_and(|o| o > wanted)) {
        return k;
    }
    // Nothing listed after it: right after the last segment of the occurrence (segments the
    // walk could not place after it, `SV1` after a moved `LIN`, are not the occurrence's).
    (start..at)
        .rev()
        .find(|&k| order_of(k).is_some())
        .map_or(at, |k| k + 1)
}

/// STR003 for each segment the walk placed where it stands as another definition
/// ([`misread`]) that is exactly the one missing elsewhere (of the set's `moved`, [`all_moved`]): the one finding, worded as for a
/// segment that fits nowhere ([`describe`]), naming the place it was missing from (`site`).
/// What the walk's reading of it says there (SYN008 on its qualifier, STR004) follows from
/// it (`suppress::PRECEDENCE`, `Scope::Stray`), as does the STR002 at its place.
pub(crate) fn report_misread(tx: &Transaction<'_>, cx: &mut Ctx<'_>, moved: &[Moved]) {
    for m in moved.iter().filter(|m| m.placed) {
        let (Some(seg), Some((msg, help))) = (tx.segments.get(m.stray), describe(tx, m)) else {
            continue;
        };
        let site = tx.segments.get(m.want.site).map(|s| s.position);
        crate::syntax::report_at(cx, m.stray, seg.loc(), msg)
            .help(help)
            .site = site;
    }
}

/// The message and help of the one finding for a moved segment, on it: what it is (its id,
/// qualifier and name from the guide) and the place it belongs, between the segments the
/// walk read around its gap.
pub(crate) fn describe(tx: &Transaction<'_>, m: &Moved) -> Option<(String, String)> {
    let ig = tx.ig();
    let want = &m.want;
    let shown = named(tx, m.stray, Some(want.def))?;
    let before = format!(
        "{} (segment {})",
        named(tx, want.before, ig.placement(want.before)?.segment())?,
        tx.segments.get(want.before)?.position
    );
    // The loop it stands in: of the nearest earlier segment the walk placed.
    let here = (0..m.stray)
        .rev()
        .find(|&k| ig.is_placed(k))
        .map_or("header", |k| crate::syntax::loop_name(tx, k));
    let prev = (0..want.before).rev().find(|&k| ig.is_placed(k));
    let after = prev
        .and_then(|k| {
            let def = ig.placement(k)?.segment();
            let seg = tx.segments.get(k)?;
            Some(format!(
                "after {} (segment {}, loop {}), ",
                named(tx, k, def)?,
                seg.position,
                crate::syntax::loop_name(tx, k)
            ))
        })
        .unwrap_or_default();
    let goes = match want.opens {
        Some(l) => format!("it opens loop {} ({}), which goes {after}", l.id, l.name),
        None if want.parent == "ST" => format!("it belongs in the header, {after}"),
        None => format!("it belongs in loop {}, {after}", want.parent),
    };
    let msg = format!(
        "{shown} ({}) is written in the wrong place (after {here}): {goes}before {before}",
        want.def.name
    );
    let way = if m.stray > want.before { "up" } else { "down" };
    Some((msg, format!("move {shown} {way} to just before {before}")))
}

/// A segment as far as it tells what it is: its id and, up to the qualifier of its
/// definition `def` (`NM1*85`, `REF*EI`, `DTP*472`), its values; an HL with its number
/// (`HL*1`).
fn named(tx: &Transaction<'_>, k: usize, def: Option<&SegmentDef>) -> Option<String> {
    let seg = tx.segments.get(k)?;
    let upto = if seg.is(b"HL") {
        1
    } else {
        def.and_then(|d| d.qualifier)
            .filter(|q| q.comp == 0 && q.elem == 1)
            .map_or(0, |q| usize::from(q.elem))
    };
    Some(super::head(seg, upto))
}

#[cfg(test)]
mod tests {
    use crate::test::{P837, codes, run};

    /// `seg` (whole, as written in the template) taken out and written again after `after`.
    fn moved(template: &str, seg: &str, after: &str) -> String {
        let without = template.replacen(&format!("{seg}~\n"), "", 1);
        without.replacen(&format!("{after}~\n"), &format!("{after}~\n{seg}~\n"), 1)
    }

    fn errors(text: &str) -> Vec<&'static str> {
        let all = codes(text);
        let infos: Vec<_> = run(text)
            .iter()
            .filter(|d| d.severity != claimlint_diagnostic::Severity::Error)
            .map(|d| d.code)
            .collect();
        all.into_iter().filter(|c| !infos.contains(c)).collect()
    }

    const NM1_85: &str = "NM1*85*2*ONCOLOGY CLINIC*****XX*1234567893";

    #[test]
    fn one_finding_naming_where_it_belongs() {
        let text = moved(P837, NM1_85, "HL*2*1*22*0");
        assert_eq!(errors(&text), ["STR003"]);
        let d = run(&text);
        let d = d.iter().find(|d| d.code == "STR003").expect("STR003");
        assert_eq!(
            d.message,
            "NM1*85 (Billing Provider Name) is written in the wrong place (after 2000B): it opens loop 2010AA (Billing Provider Name), which goes after HL*1 (segment 6, loop 2000A), before N3 (segment 7)"
        );
        assert_eq!(
            d.help.as_deref(),
            Some("move NM1*85 up to just before N3 (segment 7)")
        );
        assert_eq!(d.site, Some(7));
        // The fix it names reads clean.
        let fixed = moved(
            &text.replacen(&format!("{NM1_85}~\n"), "", 1),
            NM1_85,
            "HL*1**20*1",
        );
        assert_eq!(errors(&fixed), Vec::<&str>::new());
    }

    const DOS: &str = "DTP*472*D8*20260115";

    /// A line's date moved up into 2300, where the walk reads it as a claim date: one STR003
    /// saying where it belongs (the STR002 and the SYN008 on its DTP01 suppressed), and the
    /// move it names reads clean.
    #[test]
    fn a_segment_read_as_another_definition_is_one_finding() {
        let text = moved(P837, DOS, "HI*ABK:M810");
        assert_eq!(errors(&text), ["STR003"]);
        let out = crate::engine::check(text.as_bytes(), &crate::LintSettings::default());
        assert_eq!(
            out.suppressed_by_rule.into_iter().collect::<Vec<_>>(),
            [("STR002", 1), ("SYN008", 1)]
        );
        let d = run(&text);
        let d = d.iter().find(|d| d.code == "STR003").expect("STR003");
        assert_eq!(
            d.help.as_deref(),
            Some("move DTP*472 down to just before LIN (segment 23)")
        );
        assert_eq!(errors(P837), Vec::<&str>::new());
    }

    /// Not read as moved: with another date missing too (two gaps, one stray), nor a
    /// segment whose qualifier is not what is missing (`DTP*999`), nor a segment with a
    /// defect of its own beside its qualifier.
    #[test]
    fn a_misread_segment_beside_another_defect_keeps_both() {
        let two = moved(P837, DOS, "HI*ABK:M810").replacen(
            &format!("SV1*HC:96372*60*UN*1***1~\n{DOS}~\n"),
            "SV1*HC:96372*60*UN*1***1~\n",
            1,
        );
        // (one segment fewer: ENV003 for SE01 too)
        assert_eq!(errors(&two), ["ENV003", "STR002", "STR002", "SYN008"]);
        let other = moved(P837, DOS, "HI*ABK:M810").replacen(
            "DTP*472*D8*20260115~\nLX*1",
            "DTP*999*D8*20260115~\nLX*1",
            1,
        );
        assert_eq!(errors(&other), ["STR002", "SYN008"]);
        let own = moved(P837, DOS, "HI*ABK:M810").replacen(
            "DTP*472*D8*20260115~\nLX*1",
            "DTP*472*D9*20260115~\nLX*1",
            1,
        );
        assert_eq!(errors(&own), ["STR002", "SYN008"]);
    }

    const SUB_N3: &str = "N3*12 ELM ST";

    /// A segment that fits the loop before or after it, out of order there, or a 2010BA
    /// segment the model asks for (the subscriber is the patient) written in the next loop
    /// up: one STR003 naming where it belongs (the STR002 suppressed), and the move it names
    /// reads clean. With a second segment missing from the loop, both findings stand.
    #[test]
    fn a_segment_across_a_loop_boundary_is_one_finding() {
        let text = moved(P837, SUB_N3, "REF*EI*371234567");
        assert_eq!(errors(&text), ["STR003"]);
        let d = run(&text);
        let d = d.iter().find(|d| d.code == "STR003").expect("STR003");
        assert_eq!(
            d.help.as_deref(),
            Some("move N3 down to just before N4 (segment 15)")
        );
        assert_eq!(
            errors(&moved(&text, SUB_N3, "NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73")),
            Vec::<&str>::new()
        );
        let two = moved(P837, SUB_N3, "REF*EI*371234567").replacen("DMG*D8*19450312*F~\n", "", 1);
        assert_eq!(errors(&two), ["ENV003", "STR002", "STR003"]);
    }

    #[test]
    fn a_second_defect_keeps_both() {
        // NM1*85 deleted, a pay-to NM1*87 written below the subscriber's HL: not the same.
        let text = moved(
            &P837.replacen(NM1_85, "NM1*87*2", 1),
            "NM1*87*2",
            "HL*2*1*22*0",
        );
        assert_eq!(errors(&text), ["STR002", "STR003"]);
        // Two copies of what is missing: neither is surely the one moved.
        let two =
            moved(P837, NM1_85, "HL*2*1*22*0").replacen("SBR*P", &format!("{NM1_85}~\nSBR*P"), 1);
        assert!(errors(&two).contains(&"STR002"), "{:?}", errors(&two));
    }
}
