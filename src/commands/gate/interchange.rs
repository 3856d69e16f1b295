//! One input interchange through the gate, a transaction set at a time, in two passes, so
//! what is held does not grow with its claims: the first models each set again (the check
//! kept nothing of it), finds which claims its findings reject and counts them (the 277CA's
//! totals come first in it; whether anything goes to each side decides which files get an
//! interchange); the second writes each set's claims to the accepted or rejected 837, its
//! answers to the 277CA and its entries to the report's spools, from the first pass's
//! layouts when they fit in what the gate keeps (`Gating::keep_bytes`), else modelling each
//! set once more. Sets are modelled a batch at a time on the worker threads; each set's bytes
//! are released once a pass is done with them.

use super::{ControlNumbers, Gated, InputReport, Outputs, Spools, stc};
use crate::commands::CliError;
use crate::report::split::{self, InterchangeWriter, Part, TxLayout};
use crate::report::x277::{Ack, AckOf, ClaimStatus, Parties, Totals};
use crate::report::x999::Stamp;
use claimlint_diagnostic::Diagnostic;
use claimlint_rules::engine;
use claimlint_x12::Segment;
use claimlint_x12::envelope::{Interchange, TxFrame};
use std::ops::Range;
use std::path::Path;

/// What splitting one input needs besides the interchange: the input as checked, its bytes
/// (`release` is told of those done with), where files go and the acknowledgments' stamp.
pub(super) struct Gating<'a> {
    pub g: &'a Gated,
    pub input: &'a [u8],
    pub release: &'a dyn Fn(Range<usize>),
    pub dir: &'a Path,
    pub stamp: &'a Stamp,
    /// How much of an interchange's layouts the first pass may keep (`keep_bytes`).
    pub keep_bytes: usize,
}

/// The transaction sets of `ic`, in input order, each with its group's GS.
fn sets<'a, 'i>(
    ic: &'a Interchange<'i>,
) -> impl Iterator<Item = (usize, Option<&'a Segment<'i>>, &'a TxFrame<'i>)> {
    ic.groups
        .iter()
        .enumerate()
        .flat_map(|(gi, gr)| gr.transactions.iter().map(move |t| (gi, gr.gs.as_ref(), t)))
}

/// The layout of a transaction set the check modelled (`engine::model_of`), made again.
fn layout_of(input: &[u8], gs: Option<&Segment<'_>>, t: &TxFrame<'_>) -> Option<TxLayout> {
    engine::model_of(input, gs, t).map(|tx| split::layout(&tx))
}

/// Finding indexes by a key (a transaction set of an interchange, a claim of a set): (key,
/// finding index) pairs, sorted by key, in input order within one.
pub(super) struct Keyed(Vec<(usize, usize)>);

impl Keyed {
    /// Sorts `pairs` by key, keeping the order of each key's findings.
    fn of(mut pairs: Vec<(usize, usize)>) -> Keyed {
        pairs.sort_by_key(|f| f.0);
        Keyed(pairs)
    }

    /// The findings of key `k`.
    pub(super) fn get(&self, k: usize) -> impl Iterator<Item = usize> + '_ {
        let from = self.0.partition_point(|f| f.0 < k);
        self.0
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(move |f| f.0 == k)
            .map(|f| f.1)
    }
}

/// What the first pass learns of an interchange: nothing per claim.
struct Plan {
    /// The interchange's findings by transaction set (its index in the interchange). A
    /// finding before the first set is in none.
    findings: Keyed,
    /// The findings that reject the whole interchange, sorted, each once (`usize::MAX`: a
    /// set it could not split, with no finding to say why).
    rejected_by: Vec<usize>,
    /// Every claim's answer, counted for the 277CA.
    totals: Totals,
    /// How many claims go to each side (accepted, rejected), and whether a side has one in a
    /// group that can hold it (`split::holds_sets`: only those can be written into an 837).
    claims: [usize; 2],
    in_a_group: [bool; 2],
    /// The 1000A and 1000B of the first set with a claim: the 277CA's receiver and source.
    first: Parties,
    /// Every set's layout and judgment, when they fit in `Gating::keep_bytes`: the second
    /// pass then uses them instead of laying the sets out again.
    kept: Option<Vec<Option<(TxLayout, Judged)>>>,
}

/// How much of an interchange's layouts the first pass keeps for the second (estimated by
/// `kept_size`): an interchange of a clearinghouse batch (tens of megabytes) is laid out once;
/// a larger one is laid out again, a batch at a time, so what is held stays bounded.
const KEEP_BYTES: usize = 32 << 20;

/// [`KEEP_BYTES`], or `CLAIMLINT_GATE_KEEP_BYTES` when it is set: the tests set 0 to run the
/// second pass that lays every set out again on small inputs (tests/gate_split.rs).
pub(super) fn keep_bytes() -> usize {
    std::env::var("CLAIMLINT_GATE_KEEP_BYTES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(KEEP_BYTES)
}

/// About what a layout and its judgment hold (a set not laid out: its place in the list).
fn kept_size(l: Option<&TxLayout>) -> usize {
    l.map_or(64, |l| 256 + l.claims.len() * 200 + l.hls.len() * 64)
}

/// Each claim of one set judged by its own findings (those on its segments or on the HL
/// loops it sits in), and the set's findings on no claim.
pub(super) struct Judged {
    /// Per claim: rejected by a finding of its own.
    pub(super) rejected: Vec<bool>,
    /// The findings on each claim, by claim.
    pub(super) findings: Keyed,
    elsewhere: Vec<usize>,
}

fn judge(g: &Gated, l: &TxLayout, findings: impl Iterator<Item = usize>) -> Judged {
    let mut rejected = vec![false; l.claims.len()];
    let (mut on_claims, mut elsewhere) = (Vec::new(), Vec::new());
    for di in findings {
        let Some(d) = g.outcome.diagnostics.get(di) else {
            continue;
        };
        match claims_at(l, d.loc.offset) {
            Some(claims) if !claims.is_empty() => {
                for ci in claims {
                    if let Some(r) = rejected.get_mut(ci) {
                        *r |= d.severity >= g.fail_on;
                        on_claims.push((ci, di));
                    }
                }
            }
            _ => elsewhere.push(di),
        }
    }
    Judged {
        rejected,
        findings: Keyed::of(on_claims),
        elsewhere,
    }
}

/// How many transaction sets are laid out and judged at once, on the worker threads, before
/// they are used in input order: enough to keep the threads busy, few enough that their
/// layouts (about 170 bytes a claim) stay small.
const BATCH: usize = 64;

/// One transaction set of an interchange: its index there, its group's index and GS, its
/// frame.
type SetAt<'a, 'i> = (usize, (usize, Option<&'a Segment<'i>>, &'a TxFrame<'i>));

/// Hands `each` every transaction set of `ic` in input order with its layout and its claims
/// judged by `findings` (`None`: a set the check did not model), laid out a batch at a time
/// on the worker threads.
fn for_each_set<'a, 'i>(
    at: &Gating<'_>,
    ic: &'a Interchange<'i>,
    findings: &Keyed,
    mut each: impl FnMut(SetAt<'a, 'i>, Option<(TxLayout, Judged)>) -> Result<(), CliError>,
) -> Result<(), CliError> {
    use rayon::prelude::*;
    let (g, input) = (at.g, at.input);
    let mut all = sets(ic).enumerate();
    loop {
        let batch: Vec<SetAt<'a, 'i>> = all.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            return Ok(());
        }
        let laid: Vec<Option<(TxLayout, Judged)>> = batch
            .par_iter()
            .map(|&(si, (_, gs, t))| {
                let l = layout_of(input, gs, t)?;
                let j = judge(g, &l, findings.get(si));
                Some((l, j))
            })
            .collect();
        for (set, laid) in batch.into_iter().zip(laid) {
            each(set, laid)?;
        }
    }
}

/// The claims of set `l` a finding at `offset` is on: a claim's own segments, or every claim
/// below an HL loop whose opening segments hold it. By binary search over its claim and HL
/// ranges (in order, and not overlapping).
fn claims_at(l: &TxLayout, offset: usize) -> Option<Vec<usize>> {
    // The last claim and the last HL loop starting at or before `offset`: the later of the
    // two holds it, if either does.
    let ci = l
        .claims
        .partition_point(|c| l.bytes(c.first, c.end).start <= offset);
    let hi = l
        .hls
        .partition_point(|h| l.bytes(h.seg, h.end).start <= offset);
    let claim = ci.checked_sub(1).and_then(|ci| {
        let c = l.claims.get(ci)?;
        Some((l.bytes(c.first, c.end), ci))
    });
    let hl = hi.checked_sub(1).and_then(|hi| {
        let h = l.hls.get(hi)?;
        Some((l.bytes(h.seg, h.end), hi))
    });
    let in_hl = match (&claim, &hl) {
        (Some(c), Some(h)) => h.0.start > c.0.start,
        (c, h) => c.is_none() && h.is_some(),
    };
    if in_hl {
        let (range, hi) = hl?;
        (offset < range.end).then(|| {
            l.claims
                .iter()
                .enumerate()
                .filter(|(_, c)| l.chain(c).contains(&hi))
                .map(|(ci, _)| ci)
                .collect()
        })
    } else {
        let (range, ci) = claim?;
        (offset < range.end).then(|| vec![ci])
    }
}

/// The findings `mine` of interchange `ic` by the transaction set they are in (the last to
/// start at or before them), and those before its first set.
fn by_set(g: &Gated, ic: &Interchange<'_>, mine: &[usize]) -> (Keyed, Vec<usize>) {
    let starts: Vec<usize> = sets(ic).map(|(_, _, t)| t.st.offset).collect();
    let (mut in_sets, mut before) = (Vec::with_capacity(mine.len()), Vec::new());
    for &di in mine {
        let offset = g.outcome.diagnostics.get(di).map_or(0, |d| d.loc.offset);
        match starts.partition_point(|&s| s <= offset).checked_sub(1) {
            Some(si) => in_sets.push((si, di)),
            None => before.push(di),
        }
    }
    (Keyed::of(in_sets), before)
}

/// The first pass over interchange `ic`, whose findings are `mine` (indexes, in input order);
/// `outside`: the failing findings outside every interchange, which reject it too.
fn plan(
    at: &Gating<'_>,
    ic: &Interchange<'_>,
    (mine, outside): (&[usize], &[usize]),
) -> Result<Plan, CliError> {
    let g = at.g;
    let fails = |di: usize| {
        g.outcome
            .diagnostics
            .get(di)
            .is_some_and(|d| d.severity >= g.fail_on)
    };
    let (findings, before) = by_set(g, ic, mine);
    let mut rejected_by: Vec<usize> = before.into_iter().filter(|&di| fails(di)).collect();
    // Every claim as its own findings have it, and as rejected (should the interchange be).
    let (mut own, mut all_rejected) = (Totals::default(), Totals::default());
    let (mut claims, mut in_a_group, mut any_in_a_group) = ([0, 0], [false, false], false);
    let (mut unlaid, mut first, mut unwritable) = (Vec::new(), None, false);
    let mut keeper = Keeper::new(at.keep_bytes);
    for_each_set(at, ic, &findings, |(si, (_, gs, t)), laid| {
        let Some((l, j)) = &laid else {
            unlaid.push(t.start..t.end.max(t.start + 1));
            rejected_by.extend(findings.get(si).filter(|&di| fails(di)));
            keeper.keep(si, laid);
            return Ok(());
        };
        rejected_by.extend(j.elsewhere.iter().copied().filter(|&di| fails(di)));
        let holds = split::holds_sets(gs);
        // A GS too short to copy (GS08 left out): its claims cannot be forwarded, nor
        // returned in an 837, and nothing else may say so.
        unwritable |= gs.is_some() && !holds && !l.claims.is_empty();
        for (c, &rejected) in l.claims.iter().zip(&j.rejected) {
            own.add(c.charge(), rejected);
            all_rejected.add(c.charge(), true);
            let side = usize::from(rejected);
            claims[side] += 1;
            in_a_group[side] |= holds;
            any_in_a_group |= holds;
        }
        (at.release)(l.span());
        if first.is_none() && !l.claims.is_empty() {
            first = Some(Parties::of(l));
        }
        keeper.keep(si, laid);
        Ok(())
    })?;
    if unwritable {
        rejected_by.push(usize::MAX);
    }
    rejected_by.extend(unforwardable(g, &unlaid, mine));
    rejected_by.extend(outside.iter().copied());
    // In input order, each once: the first is what the 277CA names.
    rejected_by.sort_unstable();
    rejected_by.dedup();
    let whole = !rejected_by.is_empty();
    Ok(Plan {
        findings,
        totals: if whole { all_rejected } else { own },
        claims: if whole {
            [0, claims[0] + claims[1]]
        } else {
            claims
        },
        in_a_group: if whole {
            [false, any_in_a_group]
        } else {
            in_a_group
        },
        rejected_by,
        first: first.unwrap_or_default(),
        kept: keeper.kept,
    })
}

/// What the first pass keeps of an interchange's layouts for the second: all of them while
/// they fit in the budget, or in the largest batch of sets the second pass would lay out at
/// once anyway (one huge set is kept, not laid out again on one thread); else none. A budget
/// of 0 keeps none.
struct Keeper {
    kept: Option<Vec<Option<(TxLayout, Judged)>>>,
    bytes: usize,
    budget: usize,
    /// The batch being kept (its index) and its bytes; the largest batch's bytes.
    batch: (usize, usize),
    largest: usize,
}

impl Keeper {
    fn new(budget: usize) -> Keeper {
        Keeper {
            kept: Some(Vec::new()),
            bytes: 0,
            budget,
            batch: (0, 0),
            largest: 0,
        }
    }

    /// Keeps set `si`'s layout and judgment (`None`: not laid out), or gives up keeping.
    fn keep(&mut self, si: usize, laid: Option<(TxLayout, Judged)>) {
        let size = kept_size(laid.as_ref().map(|(l, _)| l));
        self.bytes += size;
        let b = si / BATCH;
        self.batch = if self.batch.0 == b {
            (b, self.batch.1 + size)
        } else {
            (b, size)
        };
        self.largest = self.largest.max(self.batch.1);
        if self.budget == 0 || self.bytes > self.budget.max(self.largest) {
            self.kept = None;
        }
        if let Some(k) = &mut self.kept {
            k.push(laid);
        }
    }
}

/// A transaction set the gate could not lay out (not an 837, not modelled: `unlaid` holds
/// their bytes) rejects the interchange: it cannot be forwarded in part. The findings on
/// such sets (of `mine`) say why (ENV005 "835 ... skipped", an info that rejects nothing by
/// itself); `usize::MAX` when there is none.
fn unforwardable(g: &Gated, unlaid: &[Range<usize>], mine: &[usize]) -> Vec<usize> {
    if unlaid.is_empty() {
        return Vec::new();
    }
    let on = |di: &usize| {
        g.outcome
            .diagnostics
            .get(*di)
            .is_some_and(|d| unlaid.iter().any(|r| r.contains(&d.loc.offset)))
    };
    let why: Vec<usize> = mine.iter().copied().filter(on).collect();
    if why.is_empty() {
        vec![usize::MAX]
    } else {
        why
    }
}

/// The answers of one set's claims: for the 277CA, and the claims of each side (accepted,
/// rejected) for the 837s.
struct Answers<'l> {
    statuses: Vec<ClaimStatus<'l>>,
    pick: [Vec<usize>; 2],
}

/// Each claim of set `l` accepted or rejected (`whole`: with the interchange, which
/// `first_why` rejected first), counted in the report.
fn answer<'l>(
    g: &Gated,
    l: &'l TxLayout,
    j: &Judged,
    (whole, first_why): (bool, Option<&Diagnostic>),
    report: &mut InputReport,
) -> Answers<'l> {
    let mut a = Answers {
        statuses: Vec::with_capacity(l.claims.len()),
        pick: [Vec::new(), Vec::new()],
    };
    for (k, &own) in j.rejected.iter().enumerate() {
        let diags: Vec<&Diagnostic> = j
            .findings
            .get(k)
            .filter_map(|i| g.outcome.diagnostics.get(i))
            .collect();
        let is_rejected = whole || own;
        let mut stcs: Vec<(claimlint_rules::X277, String)> = Vec::new();
        if is_rejected {
            stcs = diags.iter().map(|d| stc(d)).collect();
            if whole
                && let Some(first) = first_why
                && !diags.iter().any(|d| std::ptr::eq(*d, first))
            {
                // The 277CA names what rejected the claim first: its interchange's finding,
                // not a warning of its own that rejects nothing.
                stcs.insert(0, stc(first));
            } else if stcs.is_empty() {
                stcs.push(first_why.map_or(
                    (
                        claimlint_rules::x277::UNPROCESSABLE,
                        "the interchange could not be read in full".to_string(),
                    ),
                    stc,
                ));
            }
            report.rejected += 1;
        } else {
            report.accepted += 1;
        }
        if let Some(side) = a.pick.get_mut(usize::from(is_rejected)) {
            side.push(k);
        }
        a.statuses.push(ClaimStatus {
            layout: l,
            claim: k,
            findings: stcs,
        });
    }
    a
}

/// The files one interchange is written to: an 837 per side that has a claim in a group with
/// a GS, and the 277CA when it has a claim at all.
struct Writers<'i, 's> {
    split: [Option<InterchangeWriter<'s>>; 2],
    ack: Option<Ack<'i, 's>>,
}

/// Starts the files interchange `ic` is written to, as `p` planned them, taking their
/// control numbers in the order the files were always written (accepted, rejected, 277CA: a
/// side with claims takes one even when no group can hold them), and lists them in `report`.
fn start<'i, 's>(
    at: &Gating<'i>,
    ic: &Interchange<'i>,
    p: &Plan,
    (out, controls): (&'s mut Outputs, &mut ControlNumbers),
    report: &mut InputReport,
) -> Writers<'i, 's> {
    let name = &at.g.name;
    let isa13s = p.claims.map(|n| (n > 0).then(|| controls.take()));
    let isa_ack = (p.claims.iter().sum::<usize>() > 0).then(|| controls.take());
    let mut w = Writers {
        split: [None, None],
        ack: None,
    };
    let sides = ["accepted", "rejected"].into_iter().zip(isa13s);
    for (which, ((role, isa13), file)) in sides.zip(&mut out.split).enumerate() {
        let (Some(isa13), Some(true)) = (isa13, p.in_a_group.get(which)) else {
            continue;
        };
        let c = split::Controls {
            isa13: isa13.clone(),
        };
        if let Some(slot) = w.split.get_mut(which) {
            *slot = Some(InterchangeWriter::begin(at.input, ic, &c, file));
        }
        let path = at.dir.join(role).join(name);
        report.written.push(
            serde_json::json!({"role": role, "path": path.display().to_string(), "isa13": isa13}),
        );
    }
    if let Some(isa13) = isa_ack {
        let of = AckOf {
            input: at.input,
            ic,
            gs: ic.groups.iter().find_map(|gr| gr.gs.as_ref()),
            parties: &p.first,
            stamp: at.stamp,
            isa13: &isa13,
        };
        w.ack = Some(Ack::begin(&of, &p.totals, &mut out.acks277));
        let path = at.dir.join("acks").join(format!("{name}.277"));
        report.written.push(
            serde_json::json!({"role": "277", "path": path.display().to_string(), "isa13": isa13}),
        );
    }
    w
}

/// Ends the files of one interchange; the first write error, with its file (0 accepted, 1
/// rejected, 2 the 277CA).
fn finish(w: Writers<'_, '_>) -> Result<(), (usize, std::io::Error)> {
    let Writers {
        split: [accepted, rejected],
        ack,
    } = w;
    let done = [
        accepted.map(InterchangeWriter::finish),
        rejected.map(InterchangeWriter::finish),
    ];
    let ack_done = ack.map(Ack::finish);
    for (file, result) in done.into_iter().enumerate() {
        if let Some(Err(e)) = result {
            return Err((file, e));
        }
    }
    match ack_done {
        Some(Err(e)) => Err((2, e)),
        _ => Ok(()),
    }
}

/// Splits input interchange `ic` (its findings `mine`; `outside`, the failing findings
/// outside every interchange) into its accepted and rejected interchanges and answers it with
/// a 277CA; spools its claims' report entries. Returns the findings that rejected it whole.
pub(super) fn split_interchange<'i>(
    at: &Gating<'i>,
    ic: &Interchange<'i>,
    (mine, outside): (&[usize], &[usize]),
    (out, spools, controls): (&mut Outputs, &mut Spools, &mut ControlNumbers),
    report: &mut InputReport,
) -> Result<Vec<usize>, CliError> {
    let g = at.g;
    let mut p = plan(at, ic, (mine, outside))?;
    let whole = !p.rejected_by.is_empty();
    let why = p
        .rejected_by
        .iter()
        .filter_map(|&i| g.outcome.diagnostics.get(i));
    let first_why = why.clone().next();
    let codes: Vec<String> = why.map(|d| d.code.to_string()).collect();
    let mut w = start(at, ic, &p, (out, controls), report);
    let mut group = None;
    let mut set = |(_, (gi, gs, _)): SetAt<'_, 'i>, laid: Option<(TxLayout, Judged)>| {
        if group != Some(gi) {
            group = Some(gi);
            for s in w.split.iter_mut().flatten() {
                s.group(gs);
            }
        }
        let Some((l, j)) = laid else { return Ok(()) };
        let a = answer(g, &l, &j, (whole, first_why), report);
        for (s, claims) in w.split.iter_mut().zip(a.pick) {
            if let Some(s) = s
                && !claims.is_empty()
            {
                s.part(at.input, &Part { layout: &l, claims });
            }
        }
        if let Some(ack) = &mut w.ack {
            ack.claims(&a.statuses, at.stamp);
        }
        spools.add(g, &l, &j, (whole, split::holds_sets(gs), &codes))?;
        // Its bytes are copied: a large interchange's pages go as it is written.
        (at.release)(l.span());
        Ok(())
    };
    match p.kept.take() {
        Some(kept) => {
            for (at_set, laid) in sets(ic).enumerate().zip(kept) {
                set(at_set, laid)?;
            }
        }
        None => for_each_set(at, ic, &p.findings, &mut set)?,
    }
    finish(w).map_err(|(file, e)| match out.split.get(file) {
        Some(split) => split.error(e),
        None => out.acks277.error(e),
    })?;
    Ok(p.rejected_by)
}
