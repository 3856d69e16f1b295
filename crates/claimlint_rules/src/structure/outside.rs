//! Segments of a transaction set written outside it: after its SE (before the next ST, GS,
//! GE or IEA), or before its ST (after the GS or the set before). The envelope scan reports
//! each as outside any set (STR003, `unexpected_segment::report_outside`) and hands the sets
//! beside it their neighbours (`TxFrame::strays_before`, `strays_after`); here a set judges
//! which are its own. A stray that is exactly a segment the set lacks (a gap STR002 reports,
//! [`super::moved::all_wants`]), the only such, and with which the set walked again reads
//! clean (no structure finding the set did not have, the gap's gone), is the set's; so are,
//! after SE, the strays SE01 counts (SE01 is the set's count with them) when the set reads
//! clean with them put back near its end (the SE written too early, or a segment of the
//! last claim moved below it). Each is reported again, in the set, naming where it belongs;
//! the STR002 of the gap it fills and the ENV003 of the count it explains name it as their
//! site (`Diagnostic::site`) and are suppressed, counted (`suppress::PRECEDENCE`,
//! `Scope::Site`); the 999 still codes SE01 as not the count of the set as written (IK5 4).
//! The stray's STR003 explains those and the structure findings at the segments it mends,
//! nothing else (`Diagnostic::outside`): the claim's content findings (BAL001) stand. Only
//! a stray's element syntax and date are checked, not its content (a CTP04 of 0 is not
//! reported). A stray that does not read clean as what it would be, fits no place, that
//! both sets beside it claim ([`resolve`]), or beside a set with more than [`MOST`], stays
//! the scan's one finding, and the set's findings stay.

use super::moved::{Want, all_wants};
use super::trial::Trials;
use crate::Ctx;
use claimlint_diagnostic::{Ack999, Diagnostic, Loc};
use claimlint_ig::{Placement, StructureIssue};
use claimlint_model::Transaction;
use claimlint_x12::Segment;
use claimlint_x12::envelope::TxFrame;

/// How many places before SE the strays SE01 counts are tried at: the end of the last claim,
/// not the whole of a set of thousands.
const REACH: usize = 120;

/// How many places before where the walk noticed a gap a stray that fills it is tried at.
const BACK: usize = 8;

/// The most strays (before ST and after SE together) a set judges: each is tried by walking
/// the set again, so a set beside more (16,000 copies of a segment it lacks, written after
/// its SE) takes none, and each stays the scan's finding, as before this module.
const MOST: usize = 48;

/// How many segments the trials of one set may walk: each stray is tried at up to [`BACK`]
/// places, each walked from there to the set's end, so in a set of tens of megabytes the
/// strays' gaps near its start would cost eight walks of the whole set each. Past this the
/// set takes none of its strays (each stays the scan's finding), and its check stays within
/// about five walks of the set. A set of 3,000 segments (100 claims) tries each of four
/// strays at all eight places; a set of megabytes with a gap near its start gives up.
fn budget(tx: &Transaction<'_>) -> usize {
    4 * tx.segments.len() + 100_000
}

/// A stray put back: written after SE (`after`) or before ST, its rank there (`k`), the set
/// segment it goes before, and the gap it fills, if it fills one.
#[derive(Clone, Copy)]
struct Put {
    after: bool,
    k: usize,
    before: usize,
    want: Option<Want>,
}

/// The strays of the set, both sides.
struct Strays<'a> {
    before: Vec<Segment<'a>>,
    after: Vec<Segment<'a>>,
}

impl<'a> Strays<'a> {
    fn get(&self, p: &Put) -> Option<&Segment<'a>> {
        if p.after {
            self.after.get(p.k)
        } else {
            self.before.get(p.k)
        }
    }

    fn all(&self) -> impl Iterator<Item = (bool, usize, &Segment<'a>)> {
        let before = self.before.iter().enumerate().map(|(k, s)| (false, k, s));
        before.chain(self.after.iter().enumerate().map(|(k, s)| (true, k, s)))
    }
}

/// Whether `seg` is right as definition `def`, element by element (its syntax: ids, lengths,
/// codes of the guide), its date too (a DTP03 the format its DTP02 names: `D8` a real
/// CCYYMMDD day), which the rules read apart: a stray that breaks either is not taken. The
/// content rules do not read a stray (a CTP04 of 0, a date in the future): taken, it is
/// reported as written outside its set, not as right.
fn reads_clean(def: &claimlint_ig::SegmentDef, seg: &Segment<'_>) -> bool {
    use claimlint_model::value::{fits_date_format, qualified_date_at};
    let date_ok = qualified_date_at(seg.id())
        .is_none_or(|(q, v)| fits_date_format(seg.value(q), seg.value(v)) != Some(false));
    date_ok && super::moved::reads_clean(def, seg)
}

/// The segment a scan location names, read again from the input.
fn segment_at<'a>(input: &'a [u8], frame: &TxFrame<'a>, l: &Loc) -> Segment<'a> {
    let bytes = input.get(l.offset..l.offset + l.length).unwrap_or_default();
    Segment::new(bytes, l.offset, frame.delims, l.position)
}

/// Reports each stray of `frame` that is the set's own ([`fits`]) as the set's, on the stray,
/// and ties to it the set's findings that follow from it ([`tie`]). `cx` is STR003's, on the
/// set `tx`, whose findings so far `cx.out` holds.
pub(crate) fn report(input: &[u8], frame: &TxFrame<'_>, tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    let read = |locs: &[Loc]| -> Vec<Segment<'_>> {
        locs.iter().map(|l| segment_at(input, frame, l)).collect()
    };
    let strays = Strays {
        before: read(&frame.strays_before),
        after: read(&frame.strays_after),
    };
    let count = u64::from(frame.segment_count) + u64::from(frame.early_bht.is_some());
    let se01 = tx
        .segments
        .last()
        .filter(|s| s.is(b"SE"))
        .and_then(|se| crate::envelope::counts::number(se.value(1)));
    let trial = fits(tx, cx, &strays, (se01, count));
    let placed = &trial.puts;
    if placed.is_empty() {
        return;
    }
    let from = cx.out.len();
    let mut said = Vec::new();
    for (p, loop_id) in placed {
        let alone = placed.iter().filter(|(q, _)| q.before == p.before).count() == 1;
        if let Some(seg) = strays.get(p)
            && say(tx, cx, (p, seg, loop_id, alone), (se01, count))
        {
            said.push(*p);
        }
    }
    let counted = se01 == Some(count + placed.len() as u64);
    tie(tx, cx.out, from, &said, counted);
    // What the set's walk found wrong at segments that read clean with the strays put back
    // (a `CTP` unplaced without its `LIN` written after SE; an `N4` one too many in 2330A
    // without the 2330B's `NM1` after it) follows from them too, when those segments stand
    // together: the first stray covers them (`suppress::Scope::Relocated` alone: a stray,
    // `Diagnostic::outside`, takes none of the rows of a line's moved segments).
    let pos = |k: &usize| tx.segments.get(*k).map(|s| s.position);
    let lo = trial.mended.iter().filter_map(pos).min();
    let hi = trial.mended.iter().filter_map(pos).max();
    if let (Some(lo), Some(hi), Some(d)) = (lo, hi, cx.out.get_mut(from)) {
        let together = (hi - lo) as usize + 1 == trial.mended.len();
        d.covers = together.then_some((lo, hi + 1));
    }
}

/// The strays that are the set's, each with where it goes and the loop it is read in there.
fn fits(
    tx: &Transaction<'_>,
    cx: &Ctx<'_>,
    strays: &Strays<'_>,
    (se01, count): (Option<u64>, u64),
) -> Trial {
    if tx.segments.len() < 3 || strays.before.len() + strays.after.len() > MOST {
        return Trial::default();
    }
    // A gap a stray inside the set fills is that stray's.
    let paired: Vec<usize> = (super::moved::of_set(tx, cx).iter())
        .map(|m| m.want.issue)
        .collect();
    let wants: Vec<Want> = (all_wants(tx, cx).into_iter())
        .filter(|w| !paired.contains(&w.issue) && !written_wrong(tx, w))
        .collect();
    let mut trials = Trials::new(tx);
    let mut puts: Vec<Put> = Vec::new();
    let flat: Vec<&Segment<'_>> = strays.all().map(|(_, _, s)| s).collect();
    let mut groups = Groups::default();
    for (i, (after, k, _)) in strays.all().enumerate() {
        let Some(want) = gap_for(&wants, i, &flat, &mut groups) else {
            continue;
        };
        // Where the walk noticed the gap, or a little before it (the place the walk names is
        // after the loop it lacks; a 2330B's `NM1*PR` goes before that loop's `N3` and `N4`).
        let places = (want.before.saturating_sub(BACK).max(1)..=want.before).rev();
        let one = |before| {
            vec![Put {
                after,
                k,
                before,
                want: Some(want),
            }]
        };
        if let Some(put) = best(tx, &mut trials, strays, places, one) {
            puts.extend(put);
        }
        if trials.walked > budget(tx) {
            return Trial::default();
        }
    }
    // Each fills its gap; together they must too.
    if walked_clean(tx, &mut trials, &puts, strays).is_none() {
        puts.clear();
    }
    let left: Vec<usize> = (0..strays.after.len())
        .filter(|&k| !puts.iter().any(|p| p.after && p.k == k))
        .collect();
    if !left.is_empty() && se01 == Some(count + strays.after.len() as u64) {
        counted_in(tx, &mut trials, &mut puts, &left, strays);
    }
    walked_clean(tx, &mut trials, &puts, strays).unwrap_or_default()
}

/// Whether the set has the segment gap `w` lacks, written with its id wrong near the gap
/// (`BHT0019`, its id run into BHT01; `DPT`): then it is there, misread, and a stray of the
/// same id outside the set is a copy, not it.
fn written_wrong(tx: &Transaction<'_>, w: &Want) -> bool {
    let id = w.def.id.as_bytes();
    let near = w.before.saturating_sub(BACK)..=w.site.max(w.before);
    tx.segments.get(near).unwrap_or_default().iter().any(|s| {
        let written = s
            .bytes
            .split(|&b| b == s.delims.element)
            .next()
            .unwrap_or_default();
        let known = std::str::from_utf8(written)
            .is_ok_and(|w| claimlint_x12::segment::IDS_837.contains(&w));
        written != id
            && !known
            && (written.starts_with(id) || crate::syntax::unknown_segment::one_off(written, id))
    })
}

/// The gap `seg` is exactly (id and qualifier) and reads clean as: the one such gap, when no
/// other stray is also that segment; or, for strays written alike (`DTP*472*D8*20260115`
/// twice), as many gaps of the one definition they are as there are such strays, taken in
/// the set's order (which goes where makes no difference).
fn gap_for(wants: &[Want], i: usize, flat: &[&Segment<'_>], groups: &mut Groups) -> Option<Want> {
    let seg: &Segment<'_> = flat.get(i)?;
    let mut fitting: Vec<Want> = (wants.iter())
        .filter(|w| w.def.matches(seg) && reads_clean(w.def, seg))
        .copied()
        .collect();
    let def = fitting.first()?.def;
    let same = groups.of(def, flat);
    let rank = same.iter().position(|&j| j == i)?;
    let alike = same.iter().all(|&j| flat[j].bytes == seg.bytes);
    let one_def = fitting.iter().all(|w| std::ptr::eq(w.def, def));
    if !alike || !one_def || same.len() != fitting.len() {
        return None;
    }
    fitting.sort_by_key(|w| w.before);
    fitting.get(rank).copied()
}

/// The strays of a set (in [`Strays::all`]'s order) each definition a stray fills a gap as
/// matches, found once per definition.
#[derive(Default)]
struct Groups(Vec<(&'static claimlint_ig::SegmentDef, Vec<usize>)>);

impl Groups {
    /// The strays of `flat` that definition `def` matches, by their index there.
    fn of(&mut self, def: &'static claimlint_ig::SegmentDef, flat: &[&Segment<'_>]) -> &[usize] {
        let at = match self.0.iter().position(|(d, _)| std::ptr::eq(*d, def)) {
            Some(at) => at,
            None => {
                let same = (0..flat.len()).filter(|&j| def.matches(flat[j])).collect();
                self.0.push((def, same));
                self.0.len() - 1
            }
        };
        &self.0[at].1
    }
}

/// The strays after SE that SE01 counts and no gap took (`left`), put back together at the
/// last place before SE, within [`REACH`] and the last claim, where the set reads clean with
/// them (and with `puts`): added to `puts`. None such: `puts` stays.
fn counted_in(
    tx: &Transaction<'_>,
    trials: &mut Trials<'_, '_>,
    puts: &mut Vec<Put>,
    left: &[usize],
    strays: &Strays<'_>,
) {
    let se = tx.segments.len() - 1;
    let last_claim = tx.claims.last().map_or(1, |c| c.index as usize + 1);
    let lo = se.saturating_sub(REACH).max(last_claim).max(1);
    let all = |before| {
        let mut trial = puts.clone();
        trial.extend(left.iter().map(|&k| Put {
            after: true,
            k,
            before,
            want: None,
        }));
        trial
    };
    if let Some(trial) = best(tx, trials, strays, (lo..=se).rev(), all) {
        *puts = trial;
    }
}

/// Of the puts `make` gives for each place of `places`, those with which the set reads clean
/// ([`walked_clean`]) and mends the most (`CTP` unplaced without the `LIN` written after SE
/// reads placed with it put back before it); the first of those.
fn best(
    tx: &Transaction<'_>,
    trials: &mut Trials<'_, '_>,
    strays: &Strays<'_>,
    places: impl Iterator<Item = usize>,
    make: impl Fn(usize) -> Vec<Put>,
) -> Option<Vec<Put>> {
    let mut best: Option<(usize, Vec<Put>)> = None;
    for before in places {
        if trials.walked > budget(tx) {
            return None;
        }
        let trial = make(before);
        if let Some(t) = walked_clean(tx, trials, &trial, strays)
            && best.as_ref().is_none_or(|(n, _)| t.standing < *n)
        {
            best = Some((t.standing, trial));
        }
    }
    best.map(|(_, puts)| puts)
}

/// What the set walked again with strays put back reads.
#[derive(Default)]
struct Trial {
    /// Each put, with the loop its stray is read in.
    puts: Vec<(Put, &'static str)>,
    /// The set's segments where the set's walk found something wrong and the trial nothing.
    mended: Vec<usize>,
    /// How many structure findings the trial still has.
    standing: usize,
}

/// The set walked again with `puts` made: each stray placed, as a definition it is exactly
/// and reads clean as, and every structure finding of the walk one the set's walk has (at the
/// same segment), but the gaps the strays fill. `None` when the set does not read so.
fn walked_clean(
    tx: &Transaction<'_>,
    trials: &mut Trials<'_, '_>,
    puts: &[Put],
    strays: &Strays<'_>,
) -> Option<Trial> {
    let lo = puts.iter().map(|p| p.before).min()?;
    let mut sorted = puts.to_vec();
    sorted.sort_by_key(|p| (p.before, p.after, p.k));
    let r = trials.start_for(lo);
    // Each segment of the trial, with its index in the set (`None`: a stray put back).
    let mut order: Vec<(Option<usize>, &Segment<'_>)> = Vec::new();
    let mut next = sorted.iter().peekable();
    for (i, seg) in tx.segments.iter().enumerate().skip(r) {
        while let Some(p) = next.next_if(|p| p.before == i) {
            order.push((None, strays.get(p)?));
        }
        order.push((Some(i), seg));
    }
    let segs: Vec<&Segment<'_>> = order.iter().map(|(_, s)| *s).collect();
    let walk = trials.walk_segments(r, &segs);
    let mut loops = Vec::new();
    for (t, (origin, seg)) in order.iter().enumerate() {
        if origin.is_some() {
            continue;
        }
        match walk.placements.get(t) {
            Some(Placement::Placed {
                loop_def, segment, ..
            }) if segment.matches(*seg) && reads_clean(segment, seg) => loops.push(loop_def.id),
            _ => return None,
        }
    }
    let ig = tx.ig();
    let fixed: Vec<&StructureIssue> = (puts.iter())
        .filter_map(|p| ig.structure.get(p.want?.issue))
        .collect();
    let found = trials.found(r..tx.segments.len() + 1);
    let mut trial_issues = Vec::with_capacity(walk.issues.len());
    for issue in &walk.issues {
        let at = match order.get(issue.at()) {
            Some((Some(i), _)) => *i,
            Some((None, _)) => return None,
            None => tx.segments.len(),
        };
        let back = at_segment(issue, at);
        if !found.contains(&back) || fixed.contains(&&back) {
            return None;
        }
        trial_issues.push(back);
    }
    let mut mended: Vec<usize> = (found.iter().map(StructureIssue::at))
        .filter(|&at| at < tx.segments.len() && !trial_issues.iter().any(|i| i.at() == at))
        .collect();
    mended.dedup();
    Some(Trial {
        puts: sorted.into_iter().zip(loops).collect(),
        mended,
        standing: trial_issues.len(),
    })
}

/// Issue `i` seen at segment `at`.
fn at_segment(i: &StructureIssue, to: usize) -> StructureIssue {
    let mut i = i.clone();
    match &mut i {
        StructureIssue::RequiredMissing { at, .. }
        | StructureIssue::Unexpected { at }
        | StructureIssue::OpenerMissing { at, .. }
        | StructureIssue::RepeatExceeded { at, .. } => *at = to,
    }
    i
}

/// The set's finding on a stray that is its own: where it stands, what it is, where it
/// belongs (the line, claim and loop, the segment it goes before), and the move.
fn say(
    tx: &Transaction<'_>,
    cx: &mut Ctx<'_>,
    (p, seg, loop_id, alone): (&Put, &Segment<'_>, &'static str, bool),
    (se01, count): (Option<u64>, u64),
) -> bool {
    let Some(next) = tx.segments.get(p.before) else {
        return false;
    };
    let def = p.want.map(|w| w.def);
    let upto = def
        .and_then(|d| d.qualifier)
        .or_else(|| definition(tx, loop_id, seg).and_then(|d| d.qualifier))
        .filter(|q| q.comp == 0)
        .map_or(0, |q| usize::from(q.elem));
    let shown = super::head(seg, upto).trim_end_matches('*').to_string();
    let name = def
        .or_else(|| definition(tx, loop_id, seg))
        .map_or(String::new(), |d| format!(" ({})", d.name));
    let (claim, line) = crate::enclosing(tx, u32::try_from(p.before).unwrap_or(u32::MAX));
    // Not the line before, for a stray that opens a loop there or goes there with others
    // (the SE written early: `LX*2`, its `SV1` and `DTP` after it).
    let opens = (tx.ig().guide.loops().into_iter())
        .find(|l| l.id == loop_id)
        .and_then(|l| l.starter())
        .is_some_and(|d| d.matches(seg));
    let line = line.filter(|_| p.want.is_some() || (alone && !opens));
    let claim_id = claim.and_then(|c| c.id()).map(|e| e.text().into_owned());
    let line_no = line.and_then(|l| l.number_value());
    let (whose, into) = match (&claim_id, line_no) {
        (Some(c), Some(n)) => (
            format!("line {n} of claim {c}"),
            format!("line {n}'s {loop_id}"),
        ),
        (Some(c), None) => (format!("claim {c}"), format!("claim {c}'s {loop_id}")),
        _ => ("the set".to_string(), format!("loop {loop_id}")),
    };
    let k = next.position;
    let next_id = String::from_utf8_lossy(next.id()).into_owned();
    let (stands, way, edge) = if p.after {
        let se = tx.segments.last().map_or(0, |s| s.position);
        (format!("after SE (segment {se})"), "up", "before SE")
    } else {
        ("before ST".to_string(), "down", "after ST")
    };
    let why = match p.want {
        Some(_) => format!("it is the {shown} {whose} lacks"),
        None => format!(
            "SE01 counts it ({} with the segments written after SE, {count} without), and \
             the set reads clean with it in {whose}",
            se01.unwrap_or_default()
        ),
    };
    let msg = format!(
        "{shown}{name} is written {stands}, outside its transaction set: {why} (loop {loop_id}, \
         before {next_id}, segment {k})"
    );
    let help = format!("move {shown} {way} {edge}, into {into} at segment {k}");
    let before = p.before.saturating_sub(1);
    let d = crate::syntax::report_at(cx, before, seg.loc(), msg).help(help);
    d.context.claim_id = claim_id;
    d.context.line_number = line_no;
    d.context.claim_at = claim.map(|c| c.clm.offset);
    d.context.line_at = line.map(|l| l.lx.offset);
    d.context.loop_id = Some(loop_id);
    d.site = Some(k);
    d.outside = true;
    if p.want.is_none() {
        // The set as received: its SE01 is not its count (IK5 code 4).
        d.ack = Some(Ack999::TransactionSet("4"));
    }
    true
}

/// The definition of loop `loop_id` that `seg` is (`NTE`, `REF*G1`).
fn definition(
    tx: &Transaction<'_>,
    loop_id: &str,
    seg: &Segment<'_>,
) -> Option<&'static claimlint_ig::SegmentDef> {
    let l = tx
        .ig()
        .guide
        .loops()
        .into_iter()
        .find(|l| l.id == loop_id)?;
    l.segments(seg.id()).find(|d| d.matches(seg))
}

/// Ties to each stray reported (`out[from..]`) the set's findings that follow from it: the
/// STR002 of the gap it fills names it as its site, and it takes that STR002's 999 coding and
/// place (a receiver reads the set without it: the segment missing there); the ENV003 on SE01
/// names the first as its site when SE01 counts them (`counted`).
fn tie(tx: &Transaction<'_>, out: &mut [Diagnostic], from: usize, said: &[Put], counted: bool) {
    let set = tx.segments.first().map(|st| st.offset);
    let (found, strays) = out.split_at_mut(from.min(out.len()));
    for (d, p) in strays.iter_mut().zip(said) {
        let Some(want) = p.want else { continue };
        let at = tx.segments.get(want.site).map(|s| s.position);
        let gap = found.iter_mut().find(|g| {
            g.code == "STR002"
                && g.site.is_none()
                && g.context.set_at == set
                && Some(g.loc.position) == at
                && matches!(g.ack, Some(Ack999::Missing { segment, .. })
                    if segment.as_bytes() == want.def.id.as_bytes())
        });
        if let Some(g) = gap {
            g.site = Some(d.loc.position);
            d.ack = g.ack;
            d.site = Some(g.loc.position);
        }
    }
    for d in strays
        .iter_mut()
        .filter(|d| !matches!(d.ack, Some(Ack999::Missing { .. })))
    {
        // A segment a rule of its own finds missing in the loop and claim the stray is read
        // in (the 837I attending's NM1*71, 2310A), the only such.
        let mut lacking = found.iter_mut().filter(|g| {
            g.code == "STR002"
                && g.site.is_none()
                && g.context.set_at == set
                && g.context.claim_at == d.context.claim_at
                && matches!(g.ack, Some(Ack999::Missing { segment, in_loop })
                    if segment == d.loc.segment.as_str() && Some(in_loop) == d.context.loop_id)
        });
        if let (Some(g), None) = (lacking.next(), lacking.next()) {
            g.site = Some(d.loc.position);
            d.ack = g.ack;
            d.site = Some(g.loc.position);
        }
    }
    let first = strays.first().map(|d| d.loc.position);
    if counted
        && let Some(e) = found.iter_mut().find(|e| {
            e.code == "ENV003" && e.context.set_at == set && e.loc.segment.as_str() == "SE"
        })
    {
        e.site = first;
    }
}

/// Of the findings of a whole input: a stray exactly one set claims ([`report`]) is that
/// set's finding, and the scan's on the same segment (outside any set) goes; one two sets
/// claim (written between them, fitting both) is neither's: their findings go and the scan's
/// stays. Returns what went (not consequences: the same finding twice).
pub(crate) fn resolve(out: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
    use std::collections::HashMap;
    let is_scan = |d: &Diagnostic| d.code == "STR003" && d.context.set_at.is_none();
    let mut claims: HashMap<usize, usize> = out
        .iter()
        .filter(|d| is_scan(d))
        .map(|d| (d.loc.offset, 0))
        .collect();
    if claims.is_empty() {
        return Vec::new();
    }
    let is_claim = |d: &Diagnostic| d.code == "STR003" && d.context.set_at.is_some();
    for d in out.iter().filter(|d| is_claim(d)) {
        if let Some(n) = claims.get_mut(&d.loc.offset) {
            *n += 1;
        }
    }
    let goes = |d: &Diagnostic| match claims.get(&d.loc.offset) {
        Some(&n) if is_scan(d) => n == 1,
        Some(&n) if is_claim(d) => n > 1,
        _ => false,
    };
    let (gone, kept): (Vec<Diagnostic>, Vec<Diagnostic>) =
        std::mem::take(out).into_iter().partition(|d| goes(d));
    *out = kept;
    gone
}

#[cfg(test)]
mod tests {
    use crate::test::{I837, P837};

    /// The codes reported (sorted), and those suppressed by rule.
    fn outcome(text: &str) -> (Vec<&'static str>, Vec<(&'static str, u64)>) {
        let o = crate::engine::check(text.as_bytes(), &crate::LintSettings::default());
        let mut codes: Vec<_> = o.diagnostics.iter().map(|d| d.code).collect();
        codes.sort_unstable();
        (codes, o.suppressed_by_rule.into_iter().collect())
    }

    /// `seg` (whole, the first such) taken out of the set and written right after its SE.
    fn after_se(text: &str, seg: &str) -> String {
        let without = text.replacen(&format!("{seg}~\n"), "", 1);
        let se = without.find("\nSE*").expect("SE") + 1;
        let end = se + without[se..].find('\n').expect("SE's line") + 1;
        format!("{}{seg}~\n{}", &without[..end], &without[end..])
    }

    /// A required segment written after SE, SE01 still counting it: one STR003 on it, in the
    /// set, naming the line and segment it goes before; the gap's STR002 and SE01's ENV003
    /// suppressed and counted, and the 999 codes the set as a receiver reads it (the segment
    /// missing there).
    #[test]
    fn a_segment_written_after_se_is_one_finding() {
        for (text, at) in [(P837, 24), (I837, 27)] {
            let moved = after_se(text, "CTP****1*UN");
            let (codes, suppressed) = outcome(&moved);
            assert_eq!(codes, ["STR003"]);
            assert_eq!(suppressed, [("ENV003", 1), ("NDC005", 1), ("STR002", 1)]);
            let found = crate::test::run(&moved);
            let d = &found[0];
            assert_eq!(d.context.transaction.as_deref(), Some("0001"));
            assert_eq!(d.context.line_number, Some(1));
            let help = format!("move CTP up before SE, into line 1's 2410 at segment {at}");
            assert_eq!(d.help.as_deref(), Some(help.as_str()), "{}", d.message);
            // The 999 names the gap where STR002 found it: the LIN that lacks its CTP.
            assert_eq!(d.site, Some(at - 1));
            assert!(matches!(
                d.ack,
                Some(claimlint_diagnostic::Ack999::Missing { segment: "CTP", .. })
            ));
        }
    }

    /// `seg` (whole, the first such) taken out of the set and written right before its ST.
    fn before_st(text: &str, seg: &str) -> String {
        let without = text.replacen(&format!("{seg}~\n"), "", 1);
        without.replacen("\nST*", &format!("\n{seg}~\nST*"), 1)
    }

    /// Before ST as after SE: the 837I line's CTP written before the set's ST is one STR003,
    /// the set's (not also the scan's), its gap's STR002 and SE01's ENV003 suppressed.
    #[test]
    fn a_segment_written_before_st_is_one_finding() {
        let moved = before_st(I837, "CTP****1*UN");
        let (codes, suppressed) = outcome(&moved);
        assert_eq!(codes, ["STR003"]);
        assert_eq!(suppressed, [("ENV003", 1), ("NDC005", 1), ("STR002", 1)]);
        let found = crate::test::run(&moved);
        assert_eq!(found[0].context.transaction.as_deref(), Some("0001"));
        let help = "move CTP down after ST, into line 1's 2410 at segment 27";
        assert_eq!(found[0].help.as_deref(), Some(help), "{}", found[0].message);
    }

    /// A set that has the segment a stray would fill, written with its id wrong (`BHT0019`,
    /// the id run into BHT01), does not take a copy of it written before its ST: its own is
    /// there, misread (SYN001), and the copy stays outside any set (the scan's STR003), as
    /// before this module (`written_wrong`).
    #[test]
    fn a_copy_of_a_segment_the_set_has_misspelled_is_not_taken() {
        let bht = "BHT*0019*00*BATCH1*20260120*1200*CH";
        let text = P837
            .replacen(bht, "BHT0019*00*BATCH1*20260120*1200*CH", 1)
            .replacen("\nST*", &format!("\n{bht}~\nST*"), 1);
        assert_eq!(outcome(&text).0, ["STR002", "STR003", "SYN001"]);
        let found = crate::test::run(&text);
        let str003 = found.iter().find(|d| d.code == "STR003").expect("STR003");
        assert_eq!(str003.context.transaction, None, "{}", str003.message);
    }

    /// Thousands of copies of a segment the set lacks, written after its SE: more strays
    /// than `MOST`, so the set takes none and each stays the scan's STR003, beside the set's
    /// STR002 and ENV003, as before this module. Linear in the strays: 40,000 took minutes
    /// when each copy was matched against all the others and tried at each place.
    #[test]
    fn thousands_of_strays_are_left_to_the_scan() {
        let n = 40_000;
        let date = "DTP*472*D8*20260115~\n";
        let one = after_se(P837, date.trim_end_matches("~\n"));
        let se = one.find("\nSE*").expect("SE") + 1;
        let at = se + one[se..].find(date).expect("the date after SE");
        let text = format!("{}{}{}", &one[..at], date.repeat(n - 1), &one[at..]);
        let o = crate::engine::check(text.as_bytes(), &crate::LintSettings::default());
        let outside = (o.diagnostics.iter())
            .filter(|d| d.code == "STR003" && d.context.transaction.is_none())
            .count();
        assert_eq!(outside, n);
        let (codes, suppressed) = outcome(&text);
        let others: Vec<_> = codes.into_iter().filter(|c| *c != "STR003").collect();
        assert_eq!(others, ["ENV003", "STR002"]);
        assert!(suppressed.is_empty(), "{suppressed:?}");
    }

    /// A stray's STR003 explains the findings that name it as their site, and no content
    /// finding of its claim: the SE written three segments early (line 2's LX, SV1 and DTP
    /// after it, SE01 counting them) with CLM02 wrong even with line 2 counted keeps its
    /// BAL001 (the row "STR003 on SV1 suppresses BAL001" is for an SV1 inside the claim).
    #[test]
    fn a_stray_hides_no_content_finding() {
        let line = "LX*2~\nSV1*HC:96372*60*UN*1***1~\nDTP*472*D8*20260115~\n";
        let text = P837
            .replacen(
                &format!("{line}SE*28*0001~\n"),
                &format!("SE*28*0001~\n{line}"),
                1,
            )
            .replacen("CLM*PAT1001-01*2460*", "CLM*PAT1001-01*9999*", 1);
        let (codes, suppressed) = outcome(&text);
        assert_eq!(codes, ["BAL001", "STR003", "STR003", "STR003"]);
        assert_eq!(suppressed, [("ENV003", 1)]);
        let found = crate::test::run(&text);
        for d in found.iter().filter(|d| d.code == "STR003") {
            assert_eq!(
                d.context.transaction.as_deref(),
                Some("0001"),
                "{}",
                d.message
            );
        }
    }

    /// Under `--max-diagnostics`, the findings kept while checking are cut to the first (by
    /// offset) once there are many (`engine::keep_first`): the STR003 of a stray a set took
    /// is kept, so that the scan's on the same segment goes and the stray is counted once,
    /// not twice (1,100 sets, the last with its line date after SE, SE01 counting it).
    #[test]
    fn a_taken_stray_is_counted_once_under_a_cap() {
        let (st, ge) = (
            P837.find("ST*837").expect("ST"),
            P837.find("GE*").expect("GE"),
        );
        let set = &P837[st..ge];
        let n = 1100;
        // Each set before the last with SE01 wrong: 1,099 findings while checking.
        let wrong = set.replacen("SE*28*", "SE*29*", 1);
        let mut sets: String = (1..n)
            .map(|k| wrong.replace("*0001", &format!("*{k:04}")))
            .collect();
        let last = after_se(set, "DTP*472*D8*20260115");
        sets.push_str(&last.replace("*0001", &format!("*{n:04}")));
        let ge_n = format!("GE*{n}*");
        let text = format!(
            "{}{sets}{}",
            &P837[..st],
            P837[ge..].replacen("GE*1*", &ge_n, 1)
        );
        let tally = |max| {
            let mut settings = crate::LintSettings::default();
            settings.max_diagnostics = max;
            crate::engine::check(text.as_bytes(), &settings).tally
        };
        let (all, capped) = (tally(None), tally(Some(5)));
        assert_eq!(all.suppressed, 2, "the stray's gap and SE01");
        // Cut before suppression, the two may stand; the stray is not counted twice.
        let sum = |t: &crate::engine::Tally| t.errors + t.suppressed;
        assert_eq!(sum(&capped), sum(&all));
    }

    /// Near misses keep their findings: SE01 wrong even counting the stray (ENV003), a stray
    /// that does not read clean as the segment missing (STR002), one written between two
    /// sets that both lack it (neither takes it).
    #[test]
    fn independent_defects_stand() {
        let moved = after_se(P837, "DTP*472*D8*20260115");
        assert_eq!(outcome(&moved).0, ["STR003"]);
        let wrong = moved.replacen("SE*28*", "SE*30*", 1);
        assert_eq!(outcome(&wrong).0, ["ENV003", "STR003"]);
        let bad = moved.replacen(
            "0001~\nDTP*472*D8*20260115",
            "0001~\nDTP*472*D8*20261399",
            1,
        );
        assert_eq!(outcome(&bad).0, ["ENV003", "STR002", "STR003"]);
    }
}
