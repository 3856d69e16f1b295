//! input → envelopes → model → rules → diagnostics. The one place rayon appears: files run in
//! parallel, and so do the transaction sets of one file; results are collected in input order,
//! so output does not depend on the thread count.

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{self, Transaction};
use crate::rules::envelope::unsupported_transaction::classify;
use crate::rules::{Check, Ctx, Rule};
use crate::x12::envelope::{self, Group, Interchange, TxFrame};
use crate::x12::loc::LineCounter;
use crate::x12::{Loc, Segment};
use rayon::prelude::*;

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
}

impl Tally {
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
}

/// Rules sorted by scope once per run.
struct Plan {
    file: Vec<(&'static Rule, Severity)>,
    interchange: Vec<(&'static Rule, Severity)>,
    transaction: Vec<(&'static Rule, Severity)>,
    claim: Vec<(&'static Rule, Severity)>,
    line: Vec<(&'static Rule, Severity)>,
    drug: Vec<(&'static Rule, Severity)>,
}

impl Plan {
    fn new(settings: &Settings) -> Plan {
        let pick = |f: fn(&Check) -> bool| settings.rules.iter().copied().filter(|(r, _)| f(&r.check)).collect::<Vec<_>>();
        Plan {
            file: pick(|c| matches!(c, Check::File(_))),
            interchange: pick(|c| matches!(c, Check::Interchange(_))),
            transaction: pick(|c| matches!(c, Check::Transaction(_))),
            claim: pick(|c| matches!(c, Check::Claim(_))),
            line: pick(|c| matches!(c, Check::Line(_))),
            drug: pick(|c| matches!(c, Check::Drug(_))),
        }
    }
}

fn ctx<'c>(rule: &'static Rule, severity: Severity, out: &'c mut Vec<Diagnostic>, tx: Option<&'c Transaction<'c>>) -> Ctx<'c> {
    Ctx { rule, severity, out, tx, claim: None, line: None }
}

/// Checks one input held in memory.
pub fn check(input: &[u8], settings: &Settings) -> Outcome {
    let plan = Plan::new(settings);
    let scan = envelope::scan(input);
    let mut out: Vec<Diagnostic> = Vec::new();
    for d in &scan.diagnostics {
        if let Some(sev) = settings.severity(d.code) {
            let mut d = d.clone();
            if settings.overridden(d.code) {
                d.severity = sev;
            }
            out.push(d);
        }
    }
    for (rule, sev) in &plan.file {
        if let Check::File(f) = rule.check {
            f(&scan, &mut ctx(rule, *sev, &mut out, None));
        }
    }
    for ic in &scan.interchanges {
        for (rule, sev) in &plan.interchange {
            if let Check::Interchange(f) = rule.check {
                f(ic, &mut ctx(rule, *sev, &mut out, None));
            }
        }
    }
    let frames: Vec<(&Interchange<'_>, &Group<'_>, &TxFrame<'_>)> = scan.transactions().collect();
    let per_tx = |(_, g, t): &(&Interchange<'_>, &Group<'_>, &TxFrame<'_>)| check_transaction(input, g, t, &plan, settings);
    let results: Vec<(Stats, Vec<Diagnostic>)> = if frames.len() > 1 { frames.par_iter().map(per_tx).collect() } else { frames.iter().map(per_tx).collect() };
    let mut stats = Stats {
        interchanges: scan.interchanges.len() as u64,
        transactions: frames.len() as u64,
        segments: scan.segments + scan.interchanges.len() as u64,
        bytes: input.len() as u64,
        ..Stats::default()
    };
    for (s, d) in results {
        stats.claims += s.claims;
        stats.service_lines += s.service_lines;
        stats.drug_lines += s.drug_lines;
        out.extend(d);
    }
    finish(input, out, stats, settings)
}

/// Orders diagnostics by offset, fills in line and column, counts and caps them.
fn finish(input: &[u8], mut out: Vec<Diagnostic>, stats: Stats, settings: &Settings) -> Outcome {
    out.sort_by_key(|d| d.loc.offset);
    let mut tally = Tally::default();
    for d in &out {
        tally.count(d.severity);
    }
    let mut dropped = 0;
    if let Some(max) = settings.max_diagnostics {
        if out.len() > max {
            dropped = (out.len() - max) as u64;
            out.truncate(max);
        }
    }
    let mut lines = LineCounter::new(input);
    for d in &mut out {
        (d.line, d.column) = lines.line_col(d.loc.offset);
    }
    Outcome { stats, diagnostics: out, tally, dropped }
}

/// SYN005: bytes outside the X12 extended character set (control characters, non-ASCII).
fn invalid_characters(seg: &Segment<'_>, severity: Severity, out: &mut Vec<Diagnostic>) {
    let Some(i) = seg.bytes.iter().position(|&b| !(0x20..0x7f).contains(&b)) else { return };
    let b = seg.bytes[i];
    let element = seg.bytes[..i].iter().filter(|&&c| c == seg.delims.element).count();
    let loc = Loc { element: u8::try_from(element).ok().filter(|&e| e > 0), offset: seg.offset + i, length: 1, ..seg.loc() };
    let what = match b {
        b'\n' | b'\r' => "a line break inside the segment (was it wrapped by an editor or mailer?)".to_string(),
        0x00..=0x1f | 0x7f => format!("the control character 0x{b:02X}"),
        _ => format!("the byte 0x{b:02X}, outside the X12 character set (non-ASCII)"),
    };
    out.push(Diagnostic::new("SYN005", severity, loc, format!("{} contains {what}", seg.seg_id().as_str())).with_help("X12 data is limited to printable ASCII; remove or replace the character"));
}

fn check_transaction(input: &[u8], group: &Group<'_>, frame: &TxFrame<'_>, plan: &Plan, settings: &Settings) -> (Stats, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let Some(kind) = classify(group.gs.as_ref(), &frame.st).kind else {
        return (Stats::default(), out);
    };
    let segments: Vec<Segment<'_>> = envelope::segments(input, frame).collect();
    if let Some(sev) = settings.severity("SYN005") {
        for seg in &segments {
            invalid_characters(seg, sev, &mut out);
        }
    }
    let tx = model::build(kind, segments);
    run_rules(&tx, plan, &mut out);
    let stats = Stats {
        claims: tx.claims.len() as u64,
        service_lines: tx.service_line_count() as u64,
        drug_lines: tx.claims.iter().flat_map(|c| &c.lines).filter(|l| crate::rules::is_drug_line(l)).count() as u64,
        ..Stats::default()
    };
    (stats, out)
}

fn run_rules<'t>(tx: &'t Transaction<'t>, plan: &Plan, out: &mut Vec<Diagnostic>) {
    for (rule, sev) in &plan.transaction {
        if let Check::Transaction(f) = rule.check {
            f(tx, &mut ctx(rule, *sev, out, Some(tx)));
        }
    }
    for claim in &tx.claims {
        for (rule, sev) in &plan.claim {
            if let Check::Claim(f) = rule.check {
                f(claim, &mut Ctx { claim: Some(claim), ..ctx(rule, *sev, out, Some(tx)) });
            }
        }
        for line in &claim.lines {
            for (rule, sev) in &plan.line {
                if let Check::Line(f) = rule.check {
                    f(line, &mut Ctx { claim: Some(claim), line: Some(line), ..ctx(rule, *sev, out, Some(tx)) });
                }
            }
            if let Some(drug) = &line.drug {
                for (rule, sev) in &plan.drug {
                    if let Check::Drug(f) = rule.check {
                        f(drug, &mut Ctx { claim: Some(claim), line: Some(line), ..ctx(rule, *sev, out, Some(tx)) });
                    }
                }
            }
        }
    }
}
