//! The closing summary of the human format and `--statistics` (counts per rule, as
//! `ruff --statistics` prints them). Formats only: the counts come from the reports.

use super::escape::visible;
use super::{FileReport, Skipped};
use claimlint_diagnostic::Severity;

use serde::Serialize;
use std::collections::BTreeMap;

fn plural(n: u64, one: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// One `skipped: PATH: REASON` line per path not read.
pub fn skipped_lines(skipped: &[Skipped]) -> String {
    skipped
        .iter()
        .map(|s| format!("skipped: {}: {}\n", visible(&s.path), visible(&s.reason)))
        .collect()
}

/// `Checked 2 files (2 claims, 4 lines, 2 drug lines) in 0.01s: 1 error, 0 warnings, 0 infos`,
/// and `; 1 path skipped` when one was not read.
pub fn closing(reports: &[FileReport], skipped: &[Skipped], secs: f64) -> String {
    let s = super::json::summary(reports, skipped);
    let dropped: u64 = reports.iter().map(|r| r.outcome.dropped).sum();
    let mut line = format!(
        "Checked {} ({}, {}, {}) in {secs:.2}s: {}, {}, {}",
        plural(s.files, "file"),
        plural(s.claims, "claim"),
        plural(s.service_lines, "line"),
        plural(s.drug_lines, "drug line"),
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info"),
    );
    if s.suppressed > 0 {
        line.push_str(&format!(" ({} suppressed)", s.suppressed));
    }
    if dropped > 0 {
        line.push_str(&format!(" ({dropped} not shown: --max-diagnostics)"));
    }
    if s.skipped > 0 {
        line.push_str(&format!(
            "; {} skipped (not read)",
            plural(s.skipped, "path")
        ));
    }
    line.push('\n');
    line
}

/// One row of `--statistics`.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct RuleCount {
    pub code: &'static str,
    pub name: &'static str,
    /// The highest severity the rule was reported at (a profile may have raised it).
    pub severity: Severity,
    pub count: u64,
    /// Its findings not reported because a reported root cause explains them (not in
    /// `count`); a rule whose findings were all suppressed has a row with `count` 0.
    pub suppressed: u64,
}

/// Counts per rule over the diagnostics kept, most frequent first, then by code; and the
/// suppressed findings of each rule.
pub fn statistics(reports: &[FileReport]) -> Vec<RuleCount> {
    let mut counts: BTreeMap<&'static str, (u64, Option<Severity>, u64)> = BTreeMap::new();
    for d in reports.iter().flat_map(|r| &r.outcome.diagnostics) {
        let e = counts.entry(d.code).or_insert((0, None, 0));
        e.0 += 1;
        e.1 = Some(e.1.map_or(d.severity, |s| s.max(d.severity)));
    }
    for (code, n) in reports.iter().flat_map(|r| &r.outcome.suppressed_by_rule) {
        counts.entry(code).or_insert((0, None, 0)).2 += n;
    }
    let mut rows: Vec<RuleCount> = counts
        .into_iter()
        .map(|(code, (count, severity, suppressed))| {
            let rule = claimlint_rules::find(code);
            RuleCount {
                code,
                name: rule.map_or("", |r| r.name),
                severity: severity.unwrap_or_else(|| rule.map_or(Severity::Info, |r| r.severity)),
                count,
                suppressed,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.suppressed.cmp(&a.suppressed))
            .then(a.code.cmp(b.code))
    });
    rows
}

/// The table: count, code, name, severity; aligned like ruff's.
pub fn statistics_table(reports: &[FileReport]) -> String {
    let rows = statistics(reports);
    let width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for r in &rows {
        let suppressed = if r.suppressed > 0 {
            format!(" ({} suppressed)", r.suppressed)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{:>width$}\t{:<7}\t{:<8}\t{}{suppressed}\n",
            r.count,
            r.code,
            r.severity.as_str(),
            r.name
        ));
    }
    let dropped: u64 = reports.iter().map(|r| r.outcome.dropped).sum();
    if dropped > 0 {
        out.push_str(&format!(
            "({dropped} diagnostics not counted above: --max-diagnostics)\n"
        ));
    }
    out
}

pub fn statistics_json(reports: &[FileReport]) -> String {
    serde_json::to_string_pretty(&statistics(reports)).unwrap_or_default()
}

/// One line per kind of data note across files: the text up to "on date(s) of service", with
/// the number of files it was said of.
pub fn grouped_notes(reports: &[FileReport]) -> String {
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for r in reports {
        for n in &r.outcome.notes {
            let kind = n.split(" on date").next().unwrap_or(n).to_string();
            match kinds.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, count)) => *count += 1,
                None => kinds.push((kind, 1)),
            }
        }
    }
    kinds
        .iter()
        .map(|(k, n)| format!("note: {n} files: {k} on their dates of service; the nearest was used (each file's note is in --format json); load the right version with --data-dir\n"))
        .collect()
}
