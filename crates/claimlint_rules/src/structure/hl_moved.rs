//! An HL written a few segments from its place, inside its hierarchy: `HL*1` above the
//! header's `PER*IC` and `NM1*40`, or below its own loop's `NM1*85` and `N3`; `HL*2` below
//! the subscriber's `SBR`, `NM1*IL` and `N3`, or above the billing provider's `N4` and
//! `REF*EI`; `HL*3` above the payer's `N4` and `REF*G2`. The walk then finds each segment it
//! passed out of place (STR003 each, the header or the loop lacking them, STR002): several
//! findings for one move. Here the HL is tried at each place near it: the set walked again
//! with the HL there (from the set's walk a little before it, `super::trial`), and the move
//! is the one root only when exactly one place reads clean from the move to the end of the
//! loops it opens (the segments it passed read clean as what they are then placed as, and
//! the walk finds in the next claim nothing the set's walk did not find there), and the set's
//! walk found nothing else wrong in the part of the set the move is in (the header, or one
//! subscriber's loops with their patients and claims: `super::Parts`). Then
//! it is one STR003 on the HL whose help is that move; what it mends is covered
//! (`Diagnostic::covers`, `suppress::Scope::Relocated`). Two places as good, or a second
//! defect in the part: no move, the findings stand as they are. Nothing here reports.

use super::relocated::trial;
use super::trial::{Trials, claim_end};
use claimlint_ig::{LoopDef, Placement, SegmentDef, StructureIssue};
use claimlint_model::Transaction;

/// How many segments an HL is looked for away from a segment the walk found wrong, and how
/// many segments (at least two: one is a swap, read as the other segment's move) it may
/// have passed.
const REACH: usize = 5;

/// An HL written out of its place ([`all_hl_moves`]).
#[derive(Debug, Clone)]
pub(crate) struct HlMove {
    /// The segment index of the HL as written.
    pub hl: usize,
    /// The segment index it belongs right before.
    pub before: usize,
    /// The segment indices `[from, to]` whose findings the move mends.
    pub span: (usize, usize),
    /// The loop the HL opens once moved, and its definition there.
    pub opens: Option<(&'static LoopDef, &'static SegmentDef)>,
    /// What the first and the last segment it passed are read as once it is moved.
    pub ends: [Option<&'static SegmentDef>; 2],
}

impl HlMove {
    /// The segment indices of the segments the HL passed, first and last.
    pub fn passed(&self) -> (usize, usize) {
        if self.hl < self.before {
            (self.hl + 1, self.before - 1)
        } else {
            (self.before, self.hl - 1)
        }
    }
}

/// The HLs of the set written a few segments from their place ([`HlMove`]): for each HL near
/// a segment the walk found wrong (no CLM between), the one place near it whose trial reads
/// clean, when exactly one does and the part of the set is otherwise sound. Moves whose
/// spans meet `taken` (a loop opener's move found already, `relocated`) or each other are
/// left out: the findings stand.
pub(crate) fn all_hl_moves(tx: &Transaction<'_>, taken: &[(usize, usize)]) -> Vec<HlMove> {
    let ig = tx.ig();
    if ig.structure.is_empty() {
        return Vec::new();
    }
    let mut trials = Trials::new(tx);
    let parts = super::Parts::of(tx);
    let mut found: Vec<HlMove> = Vec::new();
    for hl in hls_near_issues(tx) {
        let mut good = (hl.saturating_sub(REACH)..=hl + REACH + 1)
            .filter(|&b| passes(tx, hl, b))
            .filter_map(|b| try_move(tx, &mut trials, &parts, (hl, b)));
        if let (Some(m), None) = (good.next(), good.next()) {
            found.push(m);
        }
    }
    let meets = |a: (usize, usize), b: (usize, usize)| a.0 <= b.1 && b.0 <= a.1;
    let all = found.clone();
    found.retain(|m| {
        !taken.iter().any(|&t| meets(t, m.span))
            && all.iter().filter(|o| meets(o.span, m.span)).count() == 1
    });
    found
}

/// The HLs within [`REACH`] of a segment the walk found wrong, no CLM between (a claim's
/// defect is its claim's, not an HL's), each once, in order.
fn hls_near_issues(tx: &Transaction<'_>) -> Vec<usize> {
    let seg = |k: usize| tx.segments.get(k);
    let is = |k: usize, id: &[u8]| seg(k).is_some_and(|s| s.is(id));
    let mut out = Vec::new();
    for issue in &tx.ig().structure {
        let at = issue.at();
        let back = (at.saturating_sub(REACH)..=at).rev();
        let up = back
            .take_while(|&k| k == at || !is(k, b"CLM"))
            .find(|&k| is(k, b"HL"));
        let ahead = (at + 1..(at + 1 + REACH).min(tx.segments.len()))
            .take_while(|&k| !is(k, b"CLM"))
            .find(|&k| is(k, b"HL"));
        out.extend(up.into_iter().chain(ahead));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether HL `hl` moved right before segment `b` passes two to [`REACH`] segments, none of
/// them an HL, CLM, ST or SE (a move among the hierarchy's loops, not across them), and
/// stays before the set's SE.
fn passes(tx: &Transaction<'_>, hl: usize, b: usize) -> bool {
    let m = HlMove {
        hl,
        before: b,
        span: (0, 0),
        opens: None,
        ends: [None; 2],
    };
    if b == hl || b == hl + 1 || b >= tx.segments.len() {
        return false;
    }
    let (from, to) = m.passed();
    let count = to + 1 - from;
    let boundary = |k: usize| {
        tx.segments.get(k).is_none_or(|s| {
            [b"HL".as_slice(), b"CLM", b"ST", b"SE"]
                .iter()
                .any(|id| s.is(id))
        })
    };
    (2..=REACH).contains(&count) && !(from..=to).any(boundary)
}

/// HL `hl` moved right before segment `b`: the move, when the trial walk reads clean from the
/// move to the end of the loops the HL opens ([`trial`]), every segment from the move's one
/// end to the other reads clean as what that walk places it as, the set's walk found
/// something wrong there, and nothing else wrong in the part of the set ([`super::Parts`]).
fn try_move(
    tx: &Transaction<'_>,
    trials: &mut Trials<'_, '_>,
    parts: &super::Parts,
    (hl, b): (usize, usize),
) -> Option<HlMove> {
    let (lo, hi) = (hl.min(b), hl.max(b));
    let end = claim_end(tx, hi);
    let (r, to, walk) = trial(tx, trials, (hl, b), end)?;
    // Where segment `k` of the set stands in the trial's order (from `r`).
    let index_of = |k: usize| {
        if k == hl {
            return to - r;
        }
        let i = k - r - usize::from(k > hl);
        i + usize::from(i >= to - r)
    };
    let placed = |k: usize| walk.placements.get(index_of(k));
    let clean = (lo..=hi).all(|k| {
        let def = placed(k).and_then(Placement::segment);
        let (Some(seg), Some(def)) = (tx.segments.get(k), def) else {
            return false;
        };
        let mut found = Vec::new();
        claimlint_ig::validate_segment(def, seg, &mut found);
        found.is_empty()
    });
    // The set's walk found something wrong that the move mends, and nothing else in the part
    // (up to where the loops the HL opens end, where the walk notices what they lack).
    let (from, upto) = (parts.start(lo.saturating_sub(1)), parts.end(hi));
    let elsewhere = trials.found(from..lo).len() + trials.found(end + 1..upto.max(end + 1)).len();
    if !clean || trials.found(lo..end + 1).is_empty() || elsewhere > 0 {
        return None;
    }
    let passed = if hl < b { (hl + 1, b - 1) } else { (b, hl - 1) };
    if !model_reads_it(tx, &walk, (r, to, hl), passed) {
        return None;
    }
    let last = (trials.found(lo..end + 1).iter().map(StructureIssue::at)).max();
    let Some(Placement::Placed {
        loop_def, segment, ..
    }) = placed(hl).copied()
    else {
        return None;
    };
    let mut m = HlMove {
        hl,
        before: b,
        span: (lo, last.unwrap_or(hi).max(hi)),
        opens: Some((loop_def, segment)),
        ends: [None; 2],
    };
    let (first, last) = m.passed();
    m.ends = [first, last].map(|k| placed(k).and_then(Placement::segment));
    Some(m)
}

/// The loops an HL may move among: the header's (an empty path), its submitter's and
/// receiver's, and the hierarchy's own levels with their names. What rules read beyond the
/// walk in a claim's or a line's loops (dates, pointers, units, modifiers, amounts) is not
/// read in a trial, so an HL is not moved past them.
const AMONG: [&str; 11] = [
    "1000A", "1000B", "2000A", "2010AA", "2010AB", "2010AC", "2000B", "2010BA", "2010BB", "2000C",
    "2010CA",
];

/// Whether HL `hl`, moved, leaves what rules read from the model beyond the walk as the trial
/// reads it (`walk`, from segment `r`, the HL at `to`): the HL and every segment it passed
/// (`first..=last`) is of a loop in [`AMONG`] once moved, and as written unless the walk found
/// it out of place; every loop a segment the HL passed opens is whole as the model reads it
/// (`relocated::model_agrees`; a subscriber's name, 2010BA, whose subscriber holds a claim of
/// its own, has its N3, N4 and DMG among the segments the trial places in it, as
/// `required_segment_missing`'s STR002 asks). Otherwise a second defect could hide behind the
/// move: fail closed.
fn model_reads_it(
    tx: &Transaction<'_>,
    walk: &claimlint_ig::Walk,
    (r, to, hl): (usize, usize, usize),
    (first, last): (usize, usize),
) -> bool {
    // The set's segment at the trial's index `j`, and the reverse.
    let at = |j: usize| {
        let k = r + j - usize::from(j > to - r);
        if j == to - r {
            hl
        } else {
            k + usize::from(k >= hl)
        }
    };
    let index_of = |k: usize| (0..walk.placements.len()).find(|&j| at(j) == k);
    let placed = |k: usize| index_of(k).and_then(|j| walk.placements.get(j)).copied();
    let among = |p: Option<Placement>, or: bool| match p {
        Some(Placement::Placed { loop_def, .. }) => {
            loop_def.path.iter().all(|id| AMONG.contains(id))
        }
        _ => or,
    };
    // The segments the trial places in the loop `l` segment `k` opens.
    let holds = |k: usize, l: &LoopDef, id: &str| {
        let from = index_of(k).unwrap_or(walk.placements.len());
        (from..walk.placements.len())
            .take_while(|&j| {
                matches!(walk.placements.get(j), Some(Placement::Placed { loop_def, .. })
                    if std::ptr::eq(*loop_def, l))
            })
            .any(|j| tx.segments.get(at(j)).is_some_and(|s| s.is(id.as_bytes())))
    };
    // Whether the subscriber whose name `k` is holds a claim of its own (the trial reads a CLM
    // before any HL after it, or neither): the subscriber is then the patient.
    let own_claim = |k: usize| {
        let from = index_of(k).map_or(walk.placements.len(), |j| j + 1);
        let next = (from..walk.placements.len())
            .filter_map(|j| tx.segments.get(at(j)))
            .find(|s| s.is(b"HL") || s.is(b"CLM"));
        next.is_none_or(|s| s.is(b"CLM"))
    };
    let ig = tx.ig();
    (first..=last).chain([hl]).all(|k| {
        let p = placed(k);
        let opens_whole = match p {
            Some(Placement::Placed {
                loop_def, segment, ..
            }) if k != hl && super::unexpected_segment::is_opener(loop_def, segment) => {
                (loop_def.id == "2010BA" || super::relocated::model_agrees(tx, k, hl, loop_def))
                    && (loop_def.id != "2010BA"
                        || !own_claim(k)
                        || ["N3", "N4", "DMG"].iter().all(|id| holds(k, loop_def, id)))
            }
            _ => true,
        };
        among(p, false) && among(ig.placement(k).copied(), true) && opens_whole
    })
}

/// The message and help of the one finding for move `m`, on the HL.
pub(crate) fn describe(tx: &Transaction<'_>, m: &HlMove) -> Option<(String, String)> {
    let (l, def) = m.opens?;
    let hl = super::head(tx.segments.get(m.hl)?, 1);
    let (first, last) = m.passed();
    let at = |k: usize, def: Option<&SegmentDef>| -> Option<String> {
        let seg = tx.segments.get(k)?;
        let q = def
            .and_then(|d| d.qualifier)
            .filter(|q| q.comp == 0 && q.elem == 1);
        let shown = super::head(seg, q.map_or(0, |_| 1));
        Some(format!("{shown} (segment {})", seg.position))
    };
    let [d1, d2] = m.ends;
    let (a, z) = (at(first, d1)?, at(last, d2)?);
    let span = if last == first + 1 {
        format!("{a} and {z}")
    } else {
        format!("the segments from {a} to {z}")
    };
    let what = format!("{hl} ({}, loop {})", def.name, l.id);
    Some(if m.hl < m.before {
        (
            format!(
                "{what} is written above {span}, which belong before it: {hl} came early; \
                 moving it below them reads the structure right"
            ),
            format!("move {hl} down below {z}"),
        )
    } else {
        (
            format!(
                "{what} is written below {span}, which belong in its loop after it: {hl} came \
                 late; moving it above them reads the structure right"
            ),
            format!("move {hl} up above {a}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::test::{I837, P837, codes, moved_before as moved, run};

    /// One STR003 on the HL whose help moves it back, which gives the template; what it
    /// passed is suppressed and counted. Up and down, 837P and 837I, HL*1 and HL*2.
    #[test]
    fn an_hl_written_a_few_segments_off_is_one_finding() {
        let cases = [
            (
                P837,
                "HL*1**20*1",
                "PER*IC",
                "move HL*1 down below NM1*40 (segment 6)",
                2,
            ),
            (
                I837,
                "HL*1**20*1",
                "PER*IC",
                "move HL*1 down below NM1*40 (segment 6)",
                2,
            ),
            (
                P837,
                "HL*1**20*1",
                "REF*EI",
                "move HL*1 up above NM1*85 (segment 6)",
                5,
            ),
            (
                P837,
                "HL*2*1*22*0",
                "N4*SPRINGFIELD*IL*62702",
                "move HL*2 up above SBR*P (segment 11)",
                4,
            ),
        ];
        for (template, hl, at, help, suppressed) in cases {
            let text = moved(template, hl, at);
            let out = crate::engine::check(text.as_bytes(), &crate::LintSettings::default());
            let found: Vec<_> = out.diagnostics.iter().map(|d| d.code).collect();
            assert_eq!(found, ["STR003"], "{text}\n{:#?}", out.diagnostics);
            let d = &out.diagnostics[0];
            assert_eq!(d.loc.segment.as_str(), "HL");
            assert_eq!(d.help.as_deref(), Some(help));
            assert_eq!(out.tally.suppressed, suppressed, "{text}");
        }
        assert!(run(P837).is_empty() && run(I837).is_empty());
    }

    /// A second defect in the part the HL moved in (the billing provider's N4 deleted too):
    /// nothing is guessed, the findings stand as without the move's reading.
    #[test]
    fn a_second_defect_in_the_part_keeps_the_findings() {
        let text = moved(
            &P837.replacen("N4*SPRINGFIELD*IL*627011234~\n", "", 1),
            "HL*1**20*1",
            "PER*IC",
        );
        assert_eq!(codes(&text), ["ENV003", "STR002", "STR003", "STR003"]);
        assert!(run(&text).iter().all(|d| d.loc.segment.as_str() != "HL"));
    }
}
