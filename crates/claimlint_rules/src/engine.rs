//! input → envelopes → model → rules → diagnostics. rayon runs the transaction sets of one
//! input in parallel (the binary runs files in parallel); results are collected in input
//! order, so output does not depend on the thread count. Everything a check reads comes in
//! through its `LintSettings` (rules, parameters, the data handle): no global state.

use crate::LintSettings as Settings;
use crate::{Check, Ctx, Params, Rule};
use claimlint_data::Data;
use claimlint_diagnostic::{Diagnostic, Severity};
use claimlint_model::{self as model, CleanMemo, Transaction, classify};
use claimlint_x12::Segment;
use claimlint_x12::envelope::{self, SegmentSpan, TxFrame};
use claimlint_x12::loc::LineIndex;
use rayon::prelude::*;
use std::sync::Mutex;

/// Counts of what a file held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    pub interchanges: u64,
    pub transactions: u64,
    pub claims: u64,
    pub service_lines: u64,
    pub drug_lines: u64,
    pub segments: u64,
    pub bytes: u64,
}

impl Stats {
    pub fn add(&mut self, o: &Stats) {
        self.interchanges += o.interchanges;
        self.transactions += o.transactions;
        self.claims += o.claims;
        self.service_lines += o.service_lines;
        self.drug_lines += o.drug_lines;
        self.segments += o.segments;
        self.bytes += o.bytes;
    }
}

/// Diagnostic counts by severity, kept even when `--max-diagnostics` drops the diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
    /// Findings not reported because they follow from a reported root cause (`suppress`).
    pub suppressed: u64,
}

impl Tally {
    pub fn uncount(&mut self, s: Severity) {
        match s {
            Severity::Error => self.errors -= 1,
            Severity::Warning => self.warnings -= 1,
            Severity::Info => self.infos -= 1,
        }
        self.suppressed += 1;
    }
    /// A finding reported twice, counted once: not a suppressed one.
    pub fn forget(&mut self, s: Severity) {
        match s {
            Severity::Error => self.errors -= 1,
            Severity::Warning => self.warnings -= 1,
            Severity::Info => self.infos -= 1,
        }
    }
    pub fn count(&mut self, s: Severity) {
        match s {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }
    pub fn add(&mut self, o: &Tally) {
        self.errors += o.errors;
        self.warnings += o.warnings;
        self.infos += o.infos;
        self.suppressed += o.suppressed;
    }
    pub fn at_least(&self, s: Severity) -> u64 {
        match s {
            Severity::Error => self.errors,
            Severity::Warning => self.errors + self.warnings,
            Severity::Info => self.errors + self.warnings + self.infos,
        }
    }
}

/// The result of checking one input.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stats: Stats,
    /// Ordered by offset, with line and column filled in.
    pub diagnostics: Vec<Diagnostic>,
    pub tally: Tally,
    /// Diagnostics dropped by `--max-diagnostics`.
    pub dropped: u64,
    /// Reference data answered from a version not in force on some dates of service, once
    /// per data set (`rules::drugs::data_notes`); not diagnostics, and no effect on the exit.
    pub notes: Vec<String>,
    /// The suppressed findings (`tally.suppressed`) by rule code.
    pub suppressed_by_rule: std::collections::BTreeMap<&'static str, u64>,
}

/// Rules sorted by scope once per run.
pub(crate) struct Plan {
    file: Vec<(&'static Rule, Severity)>,
    interchange: Vec<(&'static Rule, Severity)>,
    group: Vec<(&'static Rule, Severity)>,
    envelope: Vec<(&'static Rule, Severity)>,
    segment: Vec<(&'static Rule, Severity)>,
    transaction: Vec<(&'static Rule, Severity)>,
    claim: Vec<(&'static Rule, Severity)>,
    line: Vec<(&'static Rule, Severity)>,
    drug: Vec<(&'static Rule, Severity)>,
    params: std::sync::Arc<Params>,
    data: Data,
}

impl Plan {
    fn new(settings: &Settings) -> Plan {
        let pick = |f: fn(&Check) -> bool| {
            settings
                .rules
                .iter()
                .copied()
                .filter(|(r, _)| f(&r.check))
                .collect::<Vec<_>>()
        };
        Plan {
            file: pick(|c| matches!(c, Check::File(_))),
            interchange: pick(|c| matches!(c, Check::Interchange(_) | Check::Envelope(..))),
            group: pick(|c| matches!(c, Check::Group(_))),
            envelope: pick(|c| matches!(c, Check::Envelope(..))),
            segment: pick(|c| matches!(c, Check::Segment(_))),
            transaction: pick(|c| matches!(c, Check::Transaction(_))),
            claim: pick(|c| matches!(c, Check::Claim(_))),
            line: pick(|c| matches!(c, Check::Line(_))),
            drug: pick(|c| matches!(c, Check::Drug(_))),
            params: settings.params.clone(),
            data: settings.data,
        }
    }
}

fn ctx<'c>(
    rule: &'static Rule,
    severity: Severity,
    out: &'c mut Vec<Diagnostic>,
    tx: Option<&'c Transaction<'c>>,
    plan: &'c Plan,
) -> Ctx<'c> {
    Ctx {
        rule,
        severity,
        out,
        tx,
        claim: None,
        line: None,
        params: &plan.params,
        data: &plan.data,
        facts: None,
        tx_facts: None,
    }
}

/// Checks one input held in memory. A file wrapped at a fixed width is checked unwrapped,
/// its findings placed on the file as it is (`crate::folded`).
pub fn check(input: &[u8], settings: &Settings) -> Outcome {
    use crate::drugs::data_notes;
    crate::folded::check(input, settings, |bytes, _| {
        let (mut outcome, notes) =
            check_with(bytes, settings, &|tx| data_notes::notes(tx, settings));
        outcome.notes = data_notes::texts(notes);
        outcome
    })
}

/// Checks one input and hands each transaction set's model to `visit` once its rules have run;
/// the results come back in input order. The batch audit reads its per-claim facts this way,
/// so a file is parsed once, and the model is still dropped transaction by transaction.
pub fn check_with<T: Send>(
    input: &[u8],
    settings: &Settings,
    visit: &(dyn Fn(&Transaction<'_>) -> T + Sync),
) -> (Outcome, Vec<T>) {
    let quiet = Told {
        release: &|_| (),
        checked: &|_| (),
    };
    check_streaming(input, settings, visit, quiet)
}

/// What a streaming check tells its caller while it runs.
#[derive(Clone, Copy)]
pub struct Told<'a> {
    /// These bytes are done with: a memory-mapped input may let them go.
    pub release: &'a (dyn Fn(std::ops::Range<usize>) + Sync),
    /// The claim rules have run on another chunk of claims spanning this many bytes: for a
    /// progress bar within one large transaction set, whose chunks run on several threads
    /// (its own rules, the guide walk among them, may still be running). Never more than the
    /// bytes `release` is told of next.
    pub checked: &'a (dyn Fn(usize) + Sync),
}

/// Each transaction set's model as the check builds it, handed to `visit` without a rule run;
/// the results come back in input order, one per set `check_with` would visit. The rules
/// across inputs read the claims of a file again this way (`cross_claim`).
pub fn models<T>(input: &[u8], visit: &mut dyn FnMut(&Transaction<'_>) -> T) -> Vec<T> {
    let mut out = Vec::new();
    envelope::scan_streaming(input, &mut |gs, frame, spans| {
        let Some(kind) = classify(gs, &frame.st).kind else {
            return;
        };
        let mut segments: Vec<Segment<'_>> = Vec::with_capacity(frame.segment_count as usize + 1);
        match spans {
            Some(spans) => segments.extend(envelope::segments_at(input, frame, &spans)),
            None => segments.extend(envelope::segments(input, frame)),
        }
        let tx = model::build(kind, segments);
        // Skipped by the check (ENV005): no claims of it are visited.
        if !tx.dental {
            out.push(visit(&tx));
        }
    });
    out
}

/// How many bytes of transaction sets are checked together. Large enough to keep both cores
/// busy, small enough that a gigabyte input never has more than a few batches in memory.
const BATCH_BYTES: usize = 16 << 20;

/// Checks one input while it is scanned: transaction sets are checked in batches as soon as
/// they are complete; `told.release` is told which bytes are done so a memory-mapped gigabyte
/// does not stay resident, and `told.checked` how far the claim rules have come. Results are
/// identical to checking the whole input at once.
pub fn check_streaming<T: Send>(
    input: &[u8],
    settings: &Settings,
    visit: &(dyn Fn(&Transaction<'_>) -> T + Sync),
    told: Told<'_>,
) -> (Outcome, Vec<T>) {
    check_each(
        input,
        settings,
        &|plan, gs, frame, spans, memo| {
            let at = (plan, memo, told.checked);
            check_transaction(input, gs, frame, spans, at, visit)
        },
        told.release,
    )
}

/// How one transaction set is checked: `check_transaction`, or (`tx_cache`) its findings of an
/// earlier run when its bytes have not changed.
pub(crate) type PerTx<'f, T> = dyn Fn(
        &Plan,
        Option<&Segment<'_>>,
        &TxFrame<'_>,
        Option<Vec<SegmentSpan>>,
        &Mutex<CleanMemo>,
    ) -> (Stats, Vec<Diagnostic>, Option<T>)
    + Sync
    + 'f;

/// The run every entry point shares: the envelope scan, transaction sets checked by `per_tx`
/// in batches, then the envelope findings, suppression and positions.
pub(crate) fn check_each<T: Send>(
    input: &[u8],
    settings: &Settings,
    per_tx: &PerTx<'_, T>,
    release: &(dyn Fn(std::ops::Range<usize>) + Sync),
) -> (Outcome, Vec<T>) {
    let plan = Plan::new(settings);
    let mut acc = Batches::<'_, T>::default();
    let memos = Memos::new();
    let run_batch = |acc: &mut Batches<'_, T>| {
        // A set's spans are handed over (and dropped once its segments are made).
        let per_tx = |(gs, t, spans): &mut Pending<'_>| {
            per_tx(&plan, gs.as_ref(), t, spans.take(), memos.mine())
        };
        let results: Vec<(Stats, Vec<Diagnostic>, Option<T>)> = if acc.pending.len() > 1 {
            acc.pending.par_iter_mut().map(per_tx).collect()
        } else {
            acc.pending.iter_mut().map(per_tx).collect()
        };
        for (s, d, v) in results {
            acc.stats.add(&s);
            for diag in &d {
                acc.tally.count(diag.severity);
            }
            acc.out.extend(d);
            acc.visited.extend(v);
        }
        keep_first(&mut acc.out, settings.max_diagnostics);
        if let Some(end) = acc.pending.last().map(|(_, t, _)| t.end) {
            acc.lines.advance(input, end);
            release(release_from(acc)..end);
            acc.done_upto = end;
        }
        acc.pending.clear();
        acc.pending_bytes = 0;
    };
    let scan = envelope::scan_streaming(input, &mut |gs, tx, spans| {
        acc.pending.push((gs.copied(), tx.clone(), spans));
        acc.pending_bytes += tx.end.saturating_sub(tx.start);
        if acc.pending_bytes >= BATCH_BYTES {
            run_batch(&mut acc);
        }
    });
    run_batch(&mut acc);
    let Batches {
        mut out,
        mut tally,
        mut stats,
        visited,
        mut lines,
        ..
    } = acc;
    let envelope_diags = envelope_findings(input.len(), &scan, &plan, settings, release);
    for d in &envelope_diags {
        tally.count(d.severity);
    }
    out.extend(envelope_diags);
    // A stray segment one set beside it took as its own: the set's finding, not also the
    // scan's (`structure::outside`).
    for d in crate::structure::outside::resolve(&mut out) {
        tally.forget(d.severity);
    }
    let mut suppressed_by_rule = std::collections::BTreeMap::new();
    for d in crate::suppress::apply(&mut out) {
        tally.uncount(d.severity);
        *suppressed_by_rule.entry(d.code).or_insert(0) += 1;
    }
    stats.interchanges = scan.interchanges.len() as u64;
    stats.transactions = scan.transaction_count() as u64;
    stats.segments = scan.segments + scan.interchanges.len() as u64;
    stats.bytes = input.len() as u64;
    lines.advance(input, input.len());
    let mut outcome = finish(input, out, stats, tally, settings, (&lines, release));
    outcome.suppressed_by_rule = suppressed_by_rule;
    (outcome, visited)
}

/// How many scan issues are worded between two releases of what they read.
const ISSUES_PER_RELEASE: usize = 16;

/// The envelope findings of a whole input, once its transaction sets are checked: the scan's
/// issues as their rule files word them, then the file, interchange and group rules. What
/// they read is released as they go, a few issues or one interchange at a time: an
/// envelope segment read again maps its pages back in (the kernel maps a whole 2 MiB folio
/// of a cached file), and those of a 4 GB input's 86 interchanges read together added
/// 146 MiB at the very end of the run.
fn envelope_findings(
    len: usize,
    scan: &envelope::Scan<'_>,
    plan: &Plan,
    settings: &Settings,
    release: &(dyn Fn(std::ops::Range<usize>) + Sync),
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for issues in scan.issues.chunks(ISSUES_PER_RELEASE) {
        crate::envelope::scan_diagnostics(
            issues,
            &|rule| settings.severity(rule.code),
            (&plan.params, &plan.data),
            &mut out,
        );
        let from = issues.iter().map(|i| i.loc.offset).min().unwrap_or(0);
        let to = issues.iter().map(|i| i.loc.offset + i.loc.length).max();
        release(from..to.unwrap_or(0).saturating_add(RELEASE_MARGIN));
    }
    for (rule, sev) in &plan.file {
        if let Check::File(f) = rule.check {
            f(scan, &mut ctx(rule, *sev, &mut out, None, plan));
        }
    }
    let groups = |groups: &[envelope::Group<'_>], out: &mut Vec<Diagnostic>| {
        for (rule, sev) in &plan.group {
            if let Check::Group(f) = rule.check {
                for g in groups {
                    f(g, &mut ctx(rule, *sev, out, None, plan));
                }
            }
        }
    };
    let starts: Vec<usize> = scan.interchanges.iter().map(|ic| ic.isa.offset).collect();
    for (i, ic) in scan.interchanges.iter().enumerate() {
        for (rule, sev) in &plan.interchange {
            if let Check::Interchange(f) | Check::Envelope(f, _) = rule.check {
                f(ic, &mut ctx(rule, *sev, &mut out, None, plan));
            }
        }
        groups(&ic.groups, &mut out);
        release(ic.isa.offset..starts.get(i + 1).copied().unwrap_or(len));
    }
    groups(&scan.fragments, &mut out);
    out
}

/// How far past a scan issue its wording may read (the value it names, the segment after it).
const RELEASE_MARGIN: usize = 2 << 20;

/// A transaction set waiting for its batch: its GS, its frame, and its segments' spans
/// (`None`: to be lexed again).
type Pending<'a> = (Option<Segment<'a>>, TxFrame<'a>, Option<Vec<SegmentSpan>>);

/// The memos of the segments the guide checks found clean, one per worker thread, kept for
/// the whole input: each worker's guide checks read and add to its own, for every transaction
/// set it checks after the first, in any batch (`CleanMemo`: exact, so the findings do not
/// depend on which worker checked what, nor on what its memo held). A memo made for each piece
/// of a batch instead started cold eight times in a 5 MB file, and found again every segment
/// the pieces before it had found clean.
struct Memos(Vec<Mutex<CleanMemo>>);

impl Memos {
    fn new() -> Memos {
        Memos(
            (0..rayon::current_num_threads().max(1))
                .map(|_| Mutex::default())
                .collect(),
        )
    }

    /// The memo of the thread that asks (the first, outside the pool). A thread holds its
    /// memo only while the guide check of one set runs, which waits on no other work; a
    /// check that finds it held all the same checks with a fresh memo
    /// (`Transaction::ig`), so sharing one never blocks.
    fn mine(&self) -> &Mutex<CleanMemo> {
        let k = rayon::current_thread_index().unwrap_or(0);
        &self.0[k % self.0.len()]
    }
}

/// What the batches of one input add up to, and the batch being filled.
struct Batches<'a, T> {
    pending: Vec<Pending<'a>>,
    pending_bytes: usize,
    /// Bytes before this offset are checked and released.
    done_upto: usize,
    out: Vec<Diagnostic>,
    tally: Tally,
    stats: Stats,
    visited: Vec<T>,
    lines: LineIndex,
}

impl<T> Default for Batches<'_, T> {
    fn default() -> Self {
        Batches {
            pending: Vec::new(),
            pending_bytes: 0,
            done_upto: 0,
            out: Vec::new(),
            tally: Tally::default(),
            stats: Stats::default(),
            visited: Vec::new(),
            lines: LineIndex::default(),
        }
    }
}

/// Where the release of a checked batch starts: where the last one ended, or the GS of the
/// batch's first set when it lies before that. Every set reads its group's GS again, far back
/// in the input, which maps its pages again (as much as a 2 MiB folio); released only once,
/// they stayed, one folio per interchange.
fn release_from<T>(acc: &Batches<'_, T>) -> usize {
    let gs = acc
        .pending
        .first()
        .and_then(|(gs, _, _)| gs.map(|g| g.offset));
    gs.map_or(acc.done_upto, |g| g.min(acc.done_upto))
}

/// Keeps the `max` diagnostics with the lowest offsets (all of them are already counted), so
/// a pathological file cannot exhaust memory with findings.
fn keep_first(out: &mut Vec<Diagnostic>, max: Option<usize>) {
    if let Some(max) = max
        && out.len() > max.saturating_mul(2).max(1024)
    {
        out.sort_by_key(|d| d.loc.offset);
        // A set's finding on a stray it takes (`Diagnostic::outside`, at most
        // `structure::outside::MOST` a set) stays: the scan's on the same segment goes only
        // when the set's is there (`structure::outside::resolve`), and the tally counts one.
        let strays: Vec<Diagnostic> = out
            .drain(max.min(out.len())..)
            .filter(|d| d.outside)
            .collect();
        out.extend(strays);
    }
}

/// Orders diagnostics by offset, fills in line and column, and caps them.
fn finish(
    input: &[u8],
    mut out: Vec<Diagnostic>,
    stats: Stats,
    tally: Tally,
    settings: &Settings,
    (lines, release): (&LineIndex, &(dyn Fn(std::ops::Range<usize>) + Sync)),
) -> Outcome {
    out.sort_by_key(|d| d.loc.offset);
    let total = tally.errors + tally.warnings + tally.infos;
    if let Some(max) = settings.max_diagnostics {
        out.truncate(max);
    }
    let dropped = total.saturating_sub(out.len() as u64);
    let positions = lines.resolve(input, out.iter().map(|d| d.loc.offset), &|r| release(r));
    for (d, (line, column)) in out.iter_mut().zip(positions) {
        (d.line, d.column) = (line, column);
    }
    Outcome {
        stats,
        diagnostics: out,
        tally,
        dropped,
        notes: Vec::new(),
        suppressed_by_rule: std::collections::BTreeMap::new(),
    }
}

/// The model of one transaction set as [`check_streaming`] hands it to its visitor: `None` for
/// a set it does not model (not an 837P or 837I, or an 837D under their label). For a caller
/// that needs a set's model again after the check and kept nothing of it (`claimlint gate`
/// lays out one interchange at a time while it splits).
pub fn model_of<'a>(
    input: &'a [u8],
    gs: Option<&Segment<'a>>,
    frame: &TxFrame<'a>,
) -> Option<Transaction<'a>> {
    let kind = classify(gs, &frame.st).kind?;
    let mut segments: Vec<Segment<'_>> = Vec::with_capacity(frame.segment_count as usize + 1);
    segments.extend(envelope::segments(input, frame));
    let tx = model::build(kind, segments);
    (!tx.dental).then_some(tx)
}

/// One transaction set: its envelope and segment rules, its model, then its transaction, claim,
/// line and drug rules (`run_rules`, telling `checked` as its claims are done), and `visit`.
pub(crate) fn check_transaction<T>(
    input: &[u8],
    gs: Option<&Segment<'_>>,
    frame: &TxFrame<'_>,
    spans: Option<Vec<SegmentSpan>>,
    (plan, memo, checked): (&Plan, &Mutex<CleanMemo>, &(dyn Fn(usize) + Sync)),
    visit: &(dyn Fn(&Transaction<'_>) -> T + Sync),
) -> (Stats, Vec<Diagnostic>, Option<T>) {
    let mut out = Vec::new();
    for (rule, sev) in &plan.envelope {
        if let Check::Envelope(_, f) = rule.check {
            f(gs, frame, &mut ctx(rule, *sev, &mut out, None, plan));
        }
    }
    let Some(kind) = classify(gs, &frame.st).kind else {
        return (Stats::default(), out, None);
    };
    // Sized by the scan's count (lexing may find a few more or fewer): one allocation.
    let mut segments: Vec<Segment<'_>> = Vec::with_capacity(frame.segment_count as usize + 1);
    // The scan has cut the set into segments already: from its spans when it kept them.
    match spans {
        Some(spans) => segments.extend(envelope::segments_at(input, frame, &spans)),
        None => segments.extend(envelope::segments(input, frame)),
    }
    let from = out.len();
    for (rule, sev) in &plan.segment {
        if let Check::Segment(f) = rule.check {
            let mut cx = ctx(rule, *sev, &mut out, None, plan);
            for seg in &segments {
                f(seg, &mut cx);
            }
        }
    }
    // Read before the model is built, the findings still belong to this transaction set.
    for d in out.iter_mut().skip(from) {
        crate::envelope::in_transaction(d, &frame.st);
    }
    let mut tx = model::build(kind, segments);
    if tx.dental {
        // An 837D under an 837P/837I label: ENV005's one finding, and the set is skipped as
        // an unsupported guide is (its SV3 and TOO are not the label's segments).
        with_env005(plan, &mut out, |cx| {
            crate::envelope::unsupported_transaction::dental(&tx, cx);
        });
        return (Stats::default(), out, None);
    }
    tx.group_guide = claimlint_model::group_guide(gs, &frame.st);
    if tx.kind != tx.declared {
        // ST03 naming the other guide than the lines: ENV005 says so when GS08 agrees with them.
        with_env005(plan, &mut out, |cx| {
            crate::envelope::unsupported_transaction::st03_alone(&tx, gs, cx);
        });
    }
    tx.share_clean_memo(memo);
    let ran_from = out.len();
    let drug_lines = run_rules(&tx, plan, &mut out, checked);
    crate::syntax::explain_realigned(&tx, out.get_mut(ran_from..).unwrap_or_default());
    let stats = Stats {
        claims: tx.claims.len() as u64,
        service_lines: tx.service_line_count() as u64,
        drug_lines,
        ..Stats::default()
    };
    crate::structure::unexpected_segment::tie_early_bht(frame, &mut out);
    strays(input, frame, &tx, plan, &mut out);
    let visited = visit(&tx);
    (stats, out, Some(visited))
}

/// Runs `f` with ENV005's context when ENV005 is selected (its findings on a set's label
/// that need the set read: `envelope::unsupported_transaction::dental`, `st03_alone`).
fn with_env005(plan: &Plan, out: &mut Vec<Diagnostic>, f: impl FnOnce(&mut Ctx<'_>)) {
    let env005 = &crate::envelope::unsupported_transaction::ENV005;
    if let Some((rule, sev)) = plan.envelope.iter().find(|(r, _)| std::ptr::eq(*r, env005)) {
        f(&mut ctx(rule, *sev, out, None, plan));
    }
}

/// The segments written outside transaction set `tx` beside it (`TxFrame::strays_before`,
/// `strays_after`) that are its own, reported as its (`structure::outside`), with STR003's
/// severity: not when STR003 is not selected.
fn strays<'t>(
    input: &[u8],
    frame: &TxFrame<'_>,
    tx: &'t Transaction<'t>,
    plan: &Plan,
    out: &mut Vec<Diagnostic>,
) {
    if frame.strays_before.is_empty() && frame.strays_after.is_empty() {
        return;
    }
    let str003 = &crate::structure::unexpected_segment::STR003;
    if let Some((rule, sev)) = plan
        .transaction
        .iter()
        .find(|(r, _)| std::ptr::eq(*r, str003))
    {
        let cx = &mut ctx(rule, *sev, out, Some(tx), plan);
        crate::structure::outside::report(input, frame, tx, cx);
    }
}

/// Claims per task when one transaction set is checked on several threads.
const CLAIMS_PER_TASK: usize = 128;

/// Runs the transaction, claim, line and drug rules of one transaction set. A large one (a
/// file that is one ST of thousands of claims) is not left to one thread: its transaction
/// rules (the guide walk among them) run beside its claims' rules, and those run in chunks of
/// claims on as many threads as are free. The findings come out in the order of the
/// sequential run (transaction rules, then each claim in turn), so output does not depend on
/// the thread count. Gives the number of drug lines (`Stats::drug_lines`, from `claim_rules`).
fn run_rules<'t>(
    tx: &'t Transaction<'t>,
    plan: &Plan,
    out: &mut Vec<Diagnostic>,
    checked: &(dyn Fn(usize) + Sync),
) -> u64 {
    // How many bytes of the input a chunk of claims spans.
    let done = |chunk: &[model::Claim<'_>]| {
        let seg = |i: u32| tx.segments.get(usize::try_from(i).ok()?);
        let first = chunk.first().and_then(|c| seg(c.index));
        let last = chunk.last().and_then(|c| seg(c.end.checked_sub(1)?));
        if let (Some(first), Some(last)) = (first, last) {
            checked((last.offset + last.bytes.len()).saturating_sub(first.offset));
        }
    };
    if tx.claims.len() < 2 * CLAIMS_PER_TASK || rayon::current_num_threads() < 2 {
        transaction_rules(tx, plan, out);
        let (mut facts, mut drug_lines) = (crate::ClaimFacts::default(), 0);
        for chunk in tx.claims.chunks(CLAIMS_PER_TASK) {
            for claim in chunk {
                drug_lines += claim_rules(tx, claim, plan, &mut facts, out);
            }
            done(chunk);
        }
        return drug_lines;
    }
    // What the set's claims look up once for the set, found once whichever chunk asks first.
    let set = crate::SetFacts::default();
    let (whole, chunks) = rayon::join(
        || {
            let mut found = Vec::new();
            transaction_rules(tx, plan, &mut found);
            found
        },
        || {
            tx.claims
                .par_chunks(CLAIMS_PER_TASK)
                .map(|chunk| {
                    let (mut found, mut facts) = (Vec::new(), crate::ClaimFacts::of_set(&set));
                    let mut drug_lines = 0;
                    for claim in chunk {
                        drug_lines += claim_rules(tx, claim, plan, &mut facts, &mut found);
                    }
                    done(chunk);
                    (found, drug_lines)
                })
                .collect::<Vec<_>>()
        },
    );
    out.extend(whole);
    let mut drug_lines = 0;
    for (found, n) in chunks {
        out.extend(found);
        drug_lines += n;
    }
    drug_lines
}

fn transaction_rules<'t>(tx: &'t Transaction<'t>, plan: &Plan, out: &mut Vec<Diagnostic>) {
    // What the set's transaction rules find once for it, shared by them (this set's only).
    let facts = crate::TxFacts::default();
    for (rule, sev) in &plan.transaction {
        if let Check::Transaction(f) = rule.check {
            let mut cx = Ctx {
                tx_facts: Some(&facts),
                ..ctx(rule, *sev, out, Some(tx), plan)
            };
            f(tx, &mut cx);
        }
    }
}

/// The claim rules of one claim, then the line and drug rules of each of its lines. Gives how
/// many of its lines are drug lines ([`crate::is_drug_line`]), for `Stats::drug_lines`: asked
/// of the line's context after its rules, so the drug-code lookup a rule made is not made
/// again (`Ctx::is_drug_line` is `is_drug_line` with that lookup shared).
fn claim_rules<'t>(
    tx: &'t Transaction<'t>,
    claim: &'t model::Claim<'t>,
    plan: &Plan,
    facts: &mut crate::ClaimFacts,
    out: &mut Vec<Diagnostic>,
) -> u64 {
    facts.reset(claim.lines.len());
    let facts = &*facts;
    for (rule, sev) in &plan.claim {
        if let Check::Claim(f) = rule.check {
            f(
                claim,
                &mut Ctx {
                    claim: Some(claim),
                    facts: Some(facts),
                    ..ctx(rule, *sev, out, Some(tx), plan)
                },
            );
        }
    }
    let Some((first, _)) = plan.line.first().or(plan.drug.first()) else {
        let drug = |l: &&model::ServiceLine<'_>| crate::is_drug_line(&plan.data, l);
        return claim.lines.iter().filter(drug).count() as u64;
    };
    let mut drug_lines = 0;
    for line in &claim.lines {
        // One context per line: only the rule and its severity change from rule to rule.
        let mut cx = Ctx {
            claim: Some(claim),
            line: Some(line),
            facts: Some(facts),
            ..ctx(first, Severity::Error, out, Some(tx), plan)
        };
        for (rule, sev) in &plan.line {
            if let Check::Line(f) = rule.check {
                (cx.rule, cx.severity) = (rule, *sev);
                f(line, &mut cx);
            }
        }
        if let Some(drug) = &line.drug {
            for (rule, sev) in &plan.drug {
                if let Check::Drug(f) = rule.check {
                    (cx.rule, cx.severity) = (rule, *sev);
                    f(drug, &mut cx);
                }
            }
        }
        drug_lines += u64::from(cx.is_drug_line(line));
    }
    drug_lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Check::Segment` rule (SYN005) runs on each segment of a transaction set before the
    /// model is built, at the severity the settings give it, and its findings name the ST02;
    /// a rule left out of the settings does not run.
    #[test]
    fn segment_rules_run_by_their_check_kind() {
        let text = crate::test::edit(
            crate::test::P837,
            "NM1*IL",
            "NM1*IL*1*DOÉ*JANE****MI*1EG4TE5MK73",
        );
        let syn005 = &crate::syntax::invalid_character::SYN005;
        let settings = Settings::new(vec![(syn005, Severity::Warning)]);
        let found = check(text.as_bytes(), &settings).diagnostics;
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].code, found[0].severity),
            ("SYN005", Severity::Warning)
        );
        assert_eq!(found[0].context.transaction.as_deref(), Some("0001"));
        let none = Settings::new(Vec::new());
        assert!(check(text.as_bytes(), &none).diagnostics.is_empty());
    }

    /// Once the sets are checked, the envelope rules read each interchange's ISA, GS, GE and
    /// IEA again, one interchange at a time: each is released before the next is read, so a
    /// file of many interchanges does not map them all back in at once (issue 15: 146 MiB for
    /// a 4 GB input of 86 interchanges). Each interchange's range is released after the batch
    /// that checked it, and again after its envelope rules.
    #[test]
    fn each_interchange_is_released_after_its_envelope_rules() {
        let one = crate::test::P837;
        let text = format!("{one}{one}{one}");
        let starts: Vec<usize> = text.match_indices("ISA*").map(|(i, _)| i).collect();
        assert_eq!(starts.len(), 3);
        let released = std::sync::Mutex::new(Vec::new());
        let release = |r: std::ops::Range<usize>| released.lock().unwrap().push(r);
        let told = Told {
            release: &release,
            checked: &|_| (),
        };
        let found = check_streaming(text.as_bytes(), &Settings::default(), &|_| (), told).0;
        // The same ISA13 three times: the envelope rules ran, from what the scan copied.
        assert_eq!(
            found
                .diagnostics
                .iter()
                .filter(|d| d.code == "ENV006")
                .count(),
            2
        );
        let released = released.into_inner().unwrap();
        let ends: Vec<usize> = starts.iter().skip(1).copied().chain([text.len()]).collect();
        let per_interchange: Vec<std::ops::Range<usize>> =
            starts.iter().zip(&ends).map(|(&s, &e)| s..e).collect();
        let at = released
            .iter()
            .position(|r| *r == per_interchange[0])
            .expect("the first interchange released after its rules");
        assert_eq!(released[at..at + 3], per_interchange[..], "{released:?}");
    }

    /// A transaction set of many claims is checked on several threads (`run_rules`), with
    /// the findings of the one-thread run, in its order.
    #[test]
    fn a_large_transaction_set_gives_the_same_findings_on_two_threads() {
        let text = crate::test::P837;
        let clm = text.find("CLM*").expect("CLM");
        let se = text.find("SE*").expect("SE");
        let claims: String = (0..3 * CLAIMS_PER_TASK)
            .map(|n| {
                let claim = text[clm..se].replacen("CLM*PAT", &format!("CLM*{n}PAT"), 1);
                match n % 7 {
                    0 => claim.replace("J0897", "J3486"),
                    3 => claim.replace("55513071001", "55513-0710-01"),
                    _ => claim,
                }
            })
            .collect();
        let big = format!("{}{claims}{}", &text[..clm], &text[se..]);
        let (one, two) = (on_threads(1, &big), on_threads(2, &big));
        assert_eq!(one.stats.claims, 3 * CLAIMS_PER_TASK as u64);
        assert!(
            one.diagnostics.len() > 2 * CLAIMS_PER_TASK / 7,
            "{}",
            one.diagnostics.len()
        );
        assert_eq!(one.diagnostics, two.diagnostics);
        assert_eq!(one.tally, two.tally);
    }

    /// `text` checked with default settings in a pool of `threads` threads.
    fn on_threads(threads: usize, text: &str) -> Outcome {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| check(text.as_bytes(), &Settings::default()))
    }

    /// A set of many claims with segments out of place (a drug line's CTP written after the
    /// next LX, an LX after its SV1, a CLM after its HI), whose rules look up what the set
    /// holds once for all its claims (`ClaimFacts::of_set`): the same findings, in the same
    /// order, on one thread as in chunks on two.
    #[test]
    fn a_large_set_with_moved_segments_gives_the_same_findings_on_two_threads() {
        let text = crate::test::P837;
        let clm = text.find("CLM*").expect("CLM");
        let se = text.find("SE*").expect("SE");
        let claims: String = (0..3 * CLAIMS_PER_TASK)
            .map(|n| {
                let claim = text[clm..se].replacen("CLM*PAT", &format!("CLM*{n}PAT"), 1);
                let mut lines: Vec<&str> = claim.split_inclusive('\n').collect();
                match n % 4 {
                    // CLM after HI; LX*1 after its SV1; the CTP after LX*2.
                    1 => lines.swap(0, 1),
                    2 => lines.swap(2, 3),
                    3 => lines.swap(6, 7),
                    _ => {}
                }
                lines.concat()
            })
            .collect();
        let big = format!("{}{claims}{}", &text[..clm], &text[se..]);
        let (one, two) = (on_threads(1, &big), on_threads(2, &big));
        let str003 = one
            .diagnostics
            .iter()
            .filter(|d| d.code == "STR003")
            .count();
        assert!(str003 > CLAIMS_PER_TASK, "{str003}");
        assert_eq!(one.diagnostics, two.diagnostics);
        assert_eq!(one.tally, two.tally);
    }

    /// The guide walk and element validation are most of a check's cost; only the STR and SYN
    /// rules read them, so `--ignore STR,SYN` must not run them (issue 15: SIT005 once did,
    /// for a loop name the model already has).
    #[test]
    fn without_str_and_syn_the_guide_is_not_walked() {
        let all = Settings::default();
        let rest = Settings::new(
            crate::RULES
                .iter()
                .filter(|r| !r.code.starts_with("STR") && !r.code.starts_with("SYN"))
                .map(|r| (*r, r.severity))
                .collect(),
        );
        for text in [crate::test::P837, crate::test::I837] {
            let walked = |s: &Settings| check_with(text.as_bytes(), s, &|tx| tx.ig_checked()).1;
            assert_eq!(walked(&all), vec![true]);
            assert_eq!(walked(&rest), vec![false]);
        }
    }
}
