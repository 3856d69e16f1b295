//! Trial walks of one claim: the guide's walk of a claim with a segment put elsewhere, from
//! the state the walk of the set had a little before the claim (`claimlint_ig::walk_from`),
//! not from ST: a trial costs the claim, not the set before it, so each claim of a set of
//! thousands gets its own trials, and what a trial finds is the claim's, whatever the other
//! claims hold (`relocated`, `line_moved`).

use claimlint_ig::{LOOKAHEAD, Resume, StructureIssue, Walk, Walking};
use claimlint_model::Transaction;

/// How many of the last states at an HL or CLM the set's walk keeps: a claim's trials
/// start at its CLM, its subscriber's HL or the claim before.
const KEPT: usize = 8;

/// The set's walk, kept as far as the last trial needed it, to resume trials from.
pub(crate) struct Trials<'a, 't> {
    tx: &'a Transaction<'t>,
    walking: Walking,
    /// The states before the last HLs and CLMs it passed ([`KEPT`]), oldest first.
    kept: Vec<(usize, Resume)>,
    /// The set's walk's issues by segment, for [`Trials::found`] (made once, when asked).
    sorted: Option<Vec<StructureIssue>>,
    /// How many segments the trials have walked, for callers that bound their work.
    pub walked: usize,
}

impl<'a, 't> Trials<'a, 't> {
    pub fn new(tx: &'a Transaction<'t>) -> Trials<'a, 't> {
        Trials {
            tx,
            walking: Walking::new(tx.ig().guide),
            kept: Vec::new(),
            sorted: None,
            walked: 0,
        }
    }

    /// Where a trial that changes segments from `lo` on starts: the last HL or CLM whose
    /// state the change cannot touch (the walk reads [`LOOKAHEAD`] segments ahead), else ST.
    /// A walk resumed at a loop's opener reads on as the set's walk does.
    pub fn start_for(&self, lo: usize) -> usize {
        let is = |k: usize| (self.tx.segments.get(k)).is_some_and(|s| s.is(b"HL") || s.is(b"CLM"));
        (0..=lo.saturating_sub(LOOKAHEAD))
            .rev()
            .find(|&k| is(k))
            .unwrap_or(0)
    }

    /// The walk, from the state before segment `r` ([`Trials::start_for`]), of the set's
    /// segments `order` (indices, those from `r` on in another order): its placements and
    /// issues count from `r` (add `r` for a segment index of the set).
    pub fn walk(&mut self, r: usize, order: &[usize]) -> Walk {
        let from = self.state_at(r);
        let segs = order.iter().filter_map(|&k| self.tx.segments.get(k));
        claimlint_ig::walk_from(&from, segs)
    }

    /// The walk, from the state before segment `r` ([`Trials::start_for`]), of `segs`: the
    /// set's segments from `r` on with others among them (segments written outside the set,
    /// put back, [`super::outside`]). Its placements and issues count from `r`.
    pub fn walk_segments(&mut self, r: usize, segs: &[&claimlint_x12::Segment<'_>]) -> Walk {
        let from = self.state_at(r);
        self.walked += segs.len();
        claimlint_ig::walk_from(&from, segs.iter().copied())
    }

    /// What the set's walk found at the segments of `range`, by segment: a search, not a pass
    /// over the set's issues per trial.
    pub fn found(&mut self, range: std::ops::Range<usize>) -> &[StructureIssue] {
        let sorted = self.sorted.get_or_insert_with(|| {
            let mut all = self.tx.ig().structure.clone();
            all.sort_by_key(StructureIssue::at);
            all
        });
        let from = sorted.partition_point(|i| i.at() < range.start);
        let to = sorted.partition_point(|i| i.at() < range.end);
        sorted.get(from..to).unwrap_or_default()
    }

    /// The state of the set's walk before segment `r`: kept from a trial before, else
    /// walked on from where the last trial left it (trials come claim after claim), or
    /// again from ST for one before that.
    fn state_at(&mut self, r: usize) -> Resume {
        if let Some((_, kept)) = self.kept.iter().find(|(k, _)| *k == r) {
            return kept.clone();
        }
        if self.walking.position() > r {
            self.walking = Walking::new(self.tx.ig().guide);
            self.kept.clear();
        }
        let segs = &self.tx.segments;
        while self.walking.position() < r {
            let i = self.walking.position();
            let Some(seg) = segs.get(i) else { break };
            if seg.is(b"HL") || seg.is(b"CLM") {
                if self.kept.len() == KEPT {
                    self.kept.remove(0);
                }
                self.kept.push((i, self.walking.resume_point()));
            }
            let ahead = |k: usize| segs.get(i + 1 + k);
            self.walking.step(seg, &ahead);
        }
        self.walking.resume_point()
    }
}

/// Where a trial walk of the claim that ends at segment `end` (the CLM, HL or SE after it)
/// stops: past the segment after the next claim (its CLM's claim read whole, not as a loop
/// cut short), or past `end` when no claim follows.
pub(crate) fn trial_end(tx: &Transaction<'_>, end: usize) -> usize {
    let is = |k: usize, id: &[u8]| tx.segments.get(k).is_some_and(|s| s.is(id));
    let next = (end..tx.segments.len()).find(|&k| is(k, b"CLM"));
    let next_end = next.map(|k| claim_end(tx, k));
    next_end
        .unwrap_or(end)
        .saturating_add(1)
        .min(tx.segments.len())
}

/// The first CLM, HL or SE after segment `at`: where the claim (or the loops) standing at
/// `at` end; the set's length when none.
pub(crate) fn claim_end(tx: &Transaction<'_>, at: usize) -> usize {
    let is =
        |k: usize| (tx.segments.get(k)).is_some_and(|s| s.is(b"CLM") || s.is(b"HL") || s.is(b"SE"));
    (at + 1..tx.segments.len())
        .find(|&k| is(k))
        .unwrap_or(tx.segments.len())
}

/// Issue `i` of a trial walk that started at segment `r`, its segment counted in the set.
pub(crate) fn in_set(i: &StructureIssue, r: usize) -> StructureIssue {
    let mut i = i.clone();
    match &mut i {
        StructureIssue::RequiredMissing { at, .. }
        | StructureIssue::Unexpected { at }
        | StructureIssue::OpenerMissing { at, .. }
        | StructureIssue::RepeatExceeded { at, .. } => *at += r,
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test::P837;

    /// A trial of the set as written, resumed at its claim, finds what the set's walk
    /// finds from there; it starts at an HL or CLM far enough before the change.
    #[test]
    fn a_trial_as_written_finds_what_the_set_walk_finds() {
        // LX*1 moved below its drug loop.
        let text = P837
            .replacen("LX*1~\n", "", 1)
            .replacen("CTP*", "LX*1~\nCTP*", 1);
        let settings = crate::LintSettings::default();
        let (_, ok) = crate::engine::check_with(text.as_bytes(), &settings, &|tx| {
            let mut trials = Trials::new(tx);
            let clm = (tx.segments.iter()).position(|s| s.is(b"CLM")).unwrap();
            let r = trials.start_for(clm + LOOKAHEAD);
            assert_eq!(r, clm);
            assert!(trials.start_for(clm + LOOKAHEAD - 1) < clm);
            let order: Vec<usize> = (r..tx.segments.len()).collect();
            let walk = trials.walk(r, &order);
            let got: Vec<_> = walk.issues.iter().map(|i| in_set(i, r)).collect();
            let want: Vec<_> = (tx.ig().structure.iter())
                .filter(|i| i.at() >= r)
                .cloned()
                .collect();
            assert!(!want.is_empty());
            assert_eq!(got, want);
            assert_eq!(trials.found(r..tx.segments.len()), want);
            assert!(trials.found(0..r).is_empty());
            let se = (tx.segments.iter()).rposition(|s| s.is(b"SE")).unwrap();
            assert_eq!(claim_end(tx, clm), se);
            assert_eq!(trial_end(tx, se), (se + 1).min(tx.segments.len()));
            true
        });
        assert_eq!(ok, [true]);
    }
}
