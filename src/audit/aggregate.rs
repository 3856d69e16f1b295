//! The audit's aggregate: totals and tables keyed by rule, file, billing provider, HCPCS/NDC and
//! month of service, and the top findings by money at risk. Each file folds its facts and
//! diagnostics into a part; parts merge by adding, in any order, so the result does not depend
//! on file order or thread count. Memory grows with distinct keys (files, providers, codes,
//! months) and the kept findings, never with claims. Knows diagnostics and claim facts, not
//! files, rules' logic or output formats.

use claimlint_data::Data;
use claimlint_diagnostic::{Diagnostic, Severity};
use claimlint_model::{Date, Dec, Total};
use claimlint_rules::cross_claim::{BatchClaim, BatchLine};
use claimlint_rules::engine::Stats;
use serde::{Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};

/// An exact amount of money (a `Total` of `Dec`s: no amount is too large to add), written as
/// `"1234.56"` in JSON and CSV so no consumer rounds it through a float.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Money(pub Total);

impl Money {
    pub fn of(d: Dec) -> Money {
        Money(Total::of(d))
    }
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }
    fn add(&mut self, d: Dec) {
        self.0.add(d);
    }
    fn plus(&mut self, o: Money) {
        self.0.plus(o.0);
    }
    /// `1234.56`, cents rounded half away from zero.
    pub fn plain(self) -> String {
        self.0.to_fixed(2)
    }
    /// `$1,234.56`, for people.
    pub fn display(self) -> String {
        let plain = self.plain();
        let (sign, body) = plain
            .strip_prefix('-')
            .map_or(("", plain.as_str()), |b| ("-", b));
        let (int, frac) = body.split_once('.').unwrap_or((body, "00"));
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{sign}${grouped}.{frac}")
    }
    /// Dollars as a float, only for drawing bars.
    pub fn as_f64(self) -> f64 {
        self.0.as_f64()
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.plain())
    }
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Totals {
    pub files: u64,
    pub unreadable_files: u64,
    pub bytes: u64,
    pub interchanges: u64,
    pub transactions: u64,
    pub claims: u64,
    pub service_lines: u64,
    pub drug_lines: u64,
    /// Σ CLM02.
    pub billed: Money,
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
    /// Findings not reported because they follow from a reported root cause (RULES.md, "One
    /// root cause, one error"); not in the counts above.
    pub suppressed: u64,
    /// Service lines with at least one error or warning on them or on their claim.
    pub flagged_lines: u64,
    /// Σ SV102/SV203 of the flagged lines.
    pub at_risk: Money,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RuleRow {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub count: u64,
    /// Its findings not reported because a reported root cause explains them (not in `count`).
    pub suppressed: u64,
    /// The charges of the lines its errors and warnings flag (all of a claim's lines for a
    /// claim-level finding), each line once, at most the claim's billed amount per claim.
    pub at_risk: Money,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct FileRow {
    pub path: String,
    pub bytes: u64,
    pub interchanges: u64,
    pub claims: u64,
    pub service_lines: u64,
    pub drug_lines: u64,
    pub billed: Money,
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
    pub suppressed: u64,
    pub flagged_lines: u64,
    pub at_risk: Money,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct ProviderRow {
    pub npi: String,
    pub claims: u64,
    pub service_lines: u64,
    pub billed: Money,
    pub findings: u64,
    pub flagged_lines: u64,
    pub at_risk: Money,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct CodeRow {
    pub hcpcs: String,
    /// Empty for lines without 2410 LIN03.
    pub ndc: String,
    /// The drug's name from the NDC-HCPCS crosswalk, when the NDC is in it.
    pub drug: String,
    pub lines: u64,
    /// Σ SV104/SV205, written as the decimal it is.
    pub units: String,
    #[serde(skip)]
    pub units_dec: Total,
    pub billed: Money,
    pub flagged_lines: u64,
    pub at_risk: Money,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct MonthRow {
    /// `2026-01`, of the line's date of service; `unknown` without one.
    pub month: String,
    pub service_lines: u64,
    pub billed: Money,
    pub findings: u64,
    pub flagged_lines: u64,
    pub at_risk: Money,
}

/// One claim with findings: the "by claim" view, most money at risk first.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ClaimRow {
    pub path: String,
    /// CLM01.
    pub claim_id: String,
    pub transaction: Option<String>,
    pub npi: String,
    #[serde(skip)]
    pub offset: usize,
    pub billed: Money,
    pub findings: u64,
    /// Rule codes of its findings, sorted, once each; written space-separated.
    #[serde(serialize_with = "space_joined")]
    pub rules: BTreeSet<&'static str>,
    pub flagged_lines: u64,
    pub at_risk: Money,
}

fn space_joined<S: Serializer>(set: &BTreeSet<&'static str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&set.iter().copied().collect::<Vec<_>>().join(" "))
}

impl ClaimRow {
    fn rank(&self) -> impl Ord + '_ {
        (std::cmp::Reverse(self.at_risk), &self.path, self.offset)
    }
}

/// One finding, with what the report needs to link it back to the file.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FindingRow {
    pub at_risk: Money,
    pub code: &'static str,
    pub severity: Severity,
    pub path: String,
    pub transaction: Option<String>,
    pub claim_id: Option<String>,
    pub line_number: Option<u32>,
    pub segment: String,
    pub position: u32,
    pub element: Option<u8>,
    pub line: u32,
    pub column: u32,
    pub offset: usize,
    pub npi: Option<String>,
    pub hcpcs: Option<String>,
    pub ndc: Option<String>,
    pub date: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

impl FindingRow {
    /// Most money first; ties by place in the input, so the kept set is deterministic.
    fn rank(&self) -> impl Ord + '_ {
        (
            std::cmp::Reverse(self.at_risk),
            &self.path,
            self.offset,
            self.code,
            &self.message,
        )
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Unreadable {
    pub path: String,
    pub error: String,
}

/// The whole audit, as `--format json` prints it (docs/audit.md).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Aggregate {
    pub version: u32,
    pub totals: Totals,
    pub rules: Vec<RuleRow>,
    pub files: Vec<FileRow>,
    pub unreadable: Vec<Unreadable>,
    pub providers: Vec<ProviderRow>,
    pub codes: Vec<CodeRow>,
    pub months: Vec<MonthRow>,
    /// Findings counted in `totals` (errors + warnings + infos).
    pub findings_total: u64,
    /// The `keep` findings with the most money at risk.
    pub top_findings: Vec<FindingRow>,
    /// The `keep` claims with the most money at risk.
    pub top_claims: Vec<ClaimRow>,
    /// Findings at or above the `fail-on` severity of the file they are in: with an input not
    /// read, what makes `claimlint audit` exit 1 (as `check`). Not part of the report.
    #[serde(skip)]
    pub failing: u64,
}

/// What files fold into; merged by adding. Turned into an [`Aggregate`] by [`Part::finish`].
#[derive(Debug, Default)]
pub struct Part {
    totals: Totals,
    rules: BTreeMap<&'static str, RuleRow>,
    files: BTreeMap<String, FileRow>,
    unreadable: Vec<Unreadable>,
    providers: BTreeMap<String, ProviderRow>,
    codes: BTreeMap<(String, String), CodeRow>,
    months: BTreeMap<String, MonthRow>,
    top: Vec<FindingRow>,
    claims: BTreeMap<(String, usize), ClaimRow>,
    keep: usize,
    /// Findings at or above their file's `fail-on` ([`Aggregate::failing`]).
    pub failing: u64,
}

/// The crosswalk's name for an NDC, from the newest quarter compiled in.
fn drug_name(data: &Data, ndc: &str) -> String {
    if ndc.is_empty() {
        return String::new();
    }
    data.crosswalk_by_ndc(ndc, 99_991_231)
        .value
        .first()
        .map(|r| r.drug_name.to_string())
        .unwrap_or_default()
}

fn month_of(date: Option<Date>) -> String {
    date.map_or_else(
        || "unknown".to_string(),
        |d| format!("{:04}-{:02}", d.year(), d.month()),
    )
}

fn code_key(l: &BatchLine) -> (String, String) {
    (
        l.hcpcs.clone().unwrap_or_else(|| "(none)".to_string()),
        l.ndc.clone().unwrap_or_default(),
    )
}

/// Where a diagnostic falls: claim index, and line index when on a line.
pub fn locate(claims: &[BatchClaim], offset: usize) -> Option<(usize, Option<usize>)> {
    let ci = claims
        .partition_point(|c| c.offset() <= offset)
        .checked_sub(1)?;
    let c = claims.get(ci).filter(|c| offset < c.end)?;
    let li = c
        .lines
        .partition_point(|l| l.lx_offset <= offset)
        .checked_sub(1);
    let li = li.filter(|&i| c.lines.get(i).is_some_and(|l| offset < l.end));
    Some((ci, li))
}

fn line_charge(l: &BatchLine) -> Dec {
    l.charge.unwrap_or_default()
}

/// What a claim bills: CLM02, or the sum of its lines when CLM02 is missing.
fn claim_billed(c: &BatchClaim) -> Total {
    match c.charge {
        Some(charge) => Total::of(charge),
        None => {
            let mut sum = Total::default();
            c.lines.iter().for_each(|l| sum.add(line_charge(l)));
            sum
        }
    }
}

/// Σ charges of `lines`, per claim at most what the claim billed less what `before` (lines
/// counted by an earlier fold) already put at risk, so the money at risk never exceeds the
/// money billed, even when a claim's lines do not add up to CLM02.
fn capped(
    claims: &[BatchClaim],
    lines: &BTreeSet<(usize, usize)>,
    before: &BTreeSet<(usize, usize)>,
) -> Money {
    let per_claim = |set: &BTreeSet<(usize, usize)>| {
        let mut m: BTreeMap<usize, Total> = BTreeMap::new();
        for (ci, li) in set {
            if let Some(l) = claims.get(*ci).and_then(|c| c.lines.get(*li)) {
                m.entry(*ci).or_default().add(line_charge(l));
            }
        }
        m
    };
    let zero = Total::default();
    let earlier = per_claim(before);
    let mut total = Total::default();
    for (ci, sum) in per_claim(lines) {
        let Some(c) = claims.get(ci) else { continue };
        let billed = claim_billed(c).max(zero);
        let prior = earlier.get(&ci).copied().unwrap_or(zero).min(billed);
        let mut room = billed;
        room.minus(prior);
        total.plus(sum.max(zero).min(room));
    }
    Money(total)
}

/// Lines flagged by errors and warnings: (claim, line) pairs; a claim-level finding flags all
/// of the claim's lines.
pub fn flagged(claims: &[BatchClaim], diags: &[Diagnostic]) -> BTreeSet<(usize, usize)> {
    let mut out = BTreeSet::new();
    for d in diags.iter().filter(|d| d.severity >= Severity::Warning) {
        match locate(claims, d.loc.offset) {
            Some((ci, Some(li))) => {
                out.insert((ci, li));
            }
            Some((ci, None)) => {
                out.extend((0..claims.get(ci).map_or(0, |c| c.lines.len())).map(|li| (ci, li)))
            }
            None => {}
        }
    }
    out
}

impl Part {
    pub fn new(keep: usize) -> Part {
        Part {
            keep,
            ..Part::default()
        }
    }

    pub fn unreadable(&mut self, path: &str, error: String) {
        self.totals.unreadable_files += 1;
        self.unreadable.push(Unreadable {
            path: path.to_string(),
            error,
        });
    }

    /// Counts what a file holds: totals, and billed amounts and units per key.
    pub fn volume(&mut self, path: &str, stats: &Stats, claims: &[BatchClaim]) {
        let t = &mut self.totals;
        t.files += 1;
        t.bytes += stats.bytes;
        t.interchanges += stats.interchanges;
        t.transactions += stats.transactions;
        t.claims += stats.claims;
        t.service_lines += stats.service_lines;
        t.drug_lines += stats.drug_lines;
        let file = self.files.entry(path.to_string()).or_default();
        file.path = path.to_string();
        file.bytes += stats.bytes;
        file.interchanges += stats.interchanges;
        file.claims += stats.claims;
        file.service_lines += stats.service_lines;
        file.drug_lines += stats.drug_lines;
        for c in claims {
            let billed = Money(claim_billed(c));
            self.totals.billed.plus(billed);
            file.billed.plus(billed);
            let npi = c
                .billing_npi
                .clone()
                .unwrap_or_else(|| "(none)".to_string());
            let p = self.providers.entry(npi.clone()).or_default();
            p.npi = npi;
            p.claims += 1;
            p.service_lines += c.lines.len() as u64;
            p.billed.plus(billed);
            for l in &c.lines {
                let key = code_key(l);
                let row = self.codes.entry(key.clone()).or_default();
                (row.hcpcs, row.ndc) = key;
                row.lines += 1;
                row.billed.add(line_charge(l));
                row.units_dec.add(l.units.unwrap_or_default());
                let m = month_of(l.date);
                let month = self.months.entry(m.clone()).or_default();
                month.month = m;
                month.service_lines += 1;
                month.billed.add(line_charge(l));
            }
        }
    }

    /// Counts the findings of a file that were suppressed (`engine::Outcome::suppressed_by_rule`):
    /// in the totals, the file's row and each rule's row.
    pub fn suppressed(&mut self, path: &str, by_rule: &BTreeMap<&'static str, u64>) {
        for (&code, &n) in by_rule {
            self.totals.suppressed += n;
            let file = self.files.entry(path.to_string()).or_default();
            file.path = path.to_string();
            file.suppressed += n;
            let rule = self.rules.entry(code).or_insert_with(|| {
                let declared = claimlint_rules::find(code);
                RuleRow {
                    code,
                    name: declared.map_or("", |r| r.name),
                    severity: declared.map_or(Severity::Info, |r| r.severity),
                    count: 0,
                    suppressed: 0,
                    at_risk: Money::default(),
                }
            });
            rule.suppressed += n;
        }
    }

    /// Counts findings and the lines they newly flag (`already` are flagged by an earlier fold
    /// of the same file: the batch rules' findings come after the file's own). Money at risk is
    /// counted once per line and rule, and never more than a claim's billed amount, so no total
    /// exceeds what was billed (issue 14 §5).
    pub fn findings(
        &mut self,
        path: &str,
        claims: &[BatchClaim],
        diags: &[Diagnostic],
        already: &BTreeSet<(usize, usize)>,
    ) {
        for d in diags {
            self.finding(path, claims, d);
        }
        self.rule_money(claims, diags);
        let newly: BTreeSet<(usize, usize)> = flagged(claims, diags)
            .difference(already)
            .copied()
            .collect();
        self.line_money(path, claims, &newly, already);
        self.trim_claims(false);
    }

    /// One finding: counts by severity, file, rule, provider and month, and a top-findings row.
    fn finding(&mut self, path: &str, claims: &[BatchClaim], d: &Diagnostic) {
        self.totals_count(d.severity);
        let file = self.files.entry(path.to_string()).or_default();
        file.path = path.to_string();
        match d.severity {
            Severity::Error => file.errors += 1,
            Severity::Warning => file.warnings += 1,
            Severity::Info => file.infos += 1,
        }
        let place = locate(claims, d.loc.offset);
        let claim = place.and_then(|(ci, _)| claims.get(ci));
        let line = place.and_then(|(ci, li)| claims.get(ci)?.lines.get(li?));
        let at_risk = match (claim, line) {
            _ if d.severity < Severity::Warning => Total::default(),
            (Some(c), Some(l)) => Total::of(line_charge(l)).min(claim_billed(c)),
            (Some(c), None) => claim_billed(c),
            _ => Total::default(),
        };
        let rule = self.rules.entry(d.code).or_insert_with(|| RuleRow {
            code: d.code,
            name: claimlint_rules::find(d.code).map_or("", |r| r.name),
            severity: d.severity,
            count: 0,
            suppressed: 0,
            at_risk: Money::default(),
        });
        rule.severity = rule.severity.max(d.severity);
        rule.count += 1;
        if let Some(c) = claim {
            let npi = c
                .billing_npi
                .clone()
                .unwrap_or_else(|| "(none)".to_string());
            let p = self.providers.entry(npi.clone()).or_default();
            p.npi = npi;
            p.findings += 1;
            let row = self.claim_row(path, c);
            row.findings += 1;
            row.rules.insert(d.code);
        }
        let date = line
            .and_then(|l| l.date)
            .or_else(|| claim.and_then(|c| c.lines.first()?.date));
        if claim.is_some() {
            let m = month_of(date);
            let month = self.months.entry(m.clone()).or_default();
            month.month = m;
            month.findings += 1;
        }
        self.top.push(FindingRow {
            at_risk: Money(at_risk),
            code: d.code,
            severity: d.severity,
            path: path.to_string(),
            transaction: d.context.transaction.clone(),
            claim_id: d.context.claim_id.clone(),
            line_number: d.context.line_number,
            segment: d.loc.segment.as_str().to_string(),
            position: d.loc.position,
            element: d.loc.element,
            line: d.line,
            column: d.column,
            offset: d.loc.offset,
            npi: claim.and_then(|c| c.billing_npi.clone()),
            hcpcs: line.and_then(|l| l.hcpcs.clone()),
            ndc: line.and_then(|l| l.ndc.clone()),
            date: date.map(|d| d.to_string()),
            message: d.message.clone(),
            help: d.help.clone(),
        });
        if self.top.len() >= self.keep.saturating_mul(2).max(64) {
            self.trim();
        }
    }

    /// Each rule's money at risk: the lines it flags (all of a claim's for a claim-level
    /// finding), each once however many findings it has, capped per claim at what was billed.
    fn rule_money(&mut self, claims: &[BatchClaim], diags: &[Diagnostic]) {
        let mut by_rule: BTreeMap<&'static str, Vec<Diagnostic>> = BTreeMap::new();
        for d in diags.iter().filter(|d| d.severity >= Severity::Warning) {
            by_rule.entry(d.code).or_default().push(d.clone());
        }
        for (code, ds) in by_rule {
            let lines = flagged(claims, &ds);
            let money = capped(claims, &lines, &BTreeSet::new());
            if let Some(rule) = self.rules.get_mut(code) {
                rule.at_risk.plus(money);
            }
        }
    }

    /// The lines this fold flags for the first time, into the totals and the per-key tables.
    fn line_money(
        &mut self,
        path: &str,
        claims: &[BatchClaim],
        newly: &BTreeSet<(usize, usize)>,
        already: &BTreeSet<(usize, usize)>,
    ) {
        let total = capped(claims, newly, already);
        let by_claim: BTreeSet<usize> = newly.iter().map(|(ci, _)| *ci).collect();
        for ci in by_claim {
            let Some(c) = claims.get(ci) else { continue };
            let mine: BTreeSet<(usize, usize)> =
                newly.iter().filter(|(i, _)| *i == ci).copied().collect();
            let money = capped(claims, &mine, already);
            let row = self.claim_row(path, c);
            row.flagged_lines += mine.len() as u64;
            row.at_risk.plus(money);
            // A provider's billed is the sum of its claims' CLM02, so its money at risk is
            // capped per claim the same way (lines that add up to more than CLM02 do not put
            // more than CLM02 at risk).
            let npi = c
                .billing_npi
                .clone()
                .unwrap_or_else(|| "(none)".to_string());
            let p = self.providers.entry(npi).or_default();
            p.flagged_lines += mine.len() as u64;
            p.at_risk.plus(money);
        }
        self.totals.flagged_lines += newly.len() as u64;
        self.totals.at_risk.plus(total);
        let file = self.files.entry(path.to_string()).or_default();
        file.path = path.to_string();
        file.flagged_lines += newly.len() as u64;
        file.at_risk.plus(total);
        for (ci, li) in newly {
            let Some(l) = claims.get(*ci).and_then(|c| c.lines.get(*li)) else {
                continue;
            };
            let charge = line_charge(l);
            let row = self.codes.entry(code_key(l)).or_default();
            row.flagged_lines += 1;
            row.at_risk.add(charge);
            let month = self.months.entry(month_of(l.date)).or_default();
            month.flagged_lines += 1;
            month.at_risk.add(charge);
        }
    }

    /// The claim's row of the "by claim" view, made on its first finding.
    fn claim_row(&mut self, path: &str, c: &BatchClaim) -> &mut ClaimRow {
        self.claims
            .entry((path.to_string(), c.offset()))
            .or_insert_with(|| ClaimRow {
                path: path.to_string(),
                claim_id: c.id.clone().unwrap_or_default(),
                transaction: c.transaction.clone(),
                npi: c.billing_npi.clone().unwrap_or_default(),
                offset: c.offset(),
                billed: Money(claim_billed(c)),
                ..ClaimRow::default()
            })
    }

    /// Keeps the `keep` claims with the most money at risk: at the end, or early only when
    /// flagged claims run into the hundreds of thousands (memory stays bounded; a claim cut
    /// early and flagged again by a cross-file rule would then show only the later money).
    fn trim_claims(&mut self, force: bool) {
        if !force && self.claims.len() < self.keep.saturating_mul(16).max(100_000) {
            return;
        }
        let mut rows: Vec<ClaimRow> = std::mem::take(&mut self.claims).into_values().collect();
        rows.sort_by(|a, b| a.rank().cmp(&b.rank()));
        rows.truncate(self.keep);
        self.claims = rows
            .into_iter()
            .map(|r| ((r.path.clone(), r.offset), r))
            .collect();
    }

    fn totals_count(&mut self, s: Severity) {
        match s {
            Severity::Error => self.totals.errors += 1,
            Severity::Warning => self.totals.warnings += 1,
            Severity::Info => self.totals.infos += 1,
        }
    }

    fn trim(&mut self) {
        self.top.sort_by(|a, b| a.rank().cmp(&b.rank()));
        self.top.truncate(self.keep);
    }

    /// Merges the by-rule and by-file tables and the unreadable files.
    fn merge_rules_and_files(&mut self, o: &mut Part) {
        for (k, r) in std::mem::take(&mut o.rules) {
            let mine = self.rules.entry(k).or_insert_with(|| RuleRow {
                count: 0,
                suppressed: 0,
                at_risk: Money::default(),
                ..r.clone()
            });
            mine.severity = mine.severity.max(r.severity);
            mine.count += r.count;
            mine.suppressed += r.suppressed;
            mine.at_risk.plus(r.at_risk);
        }
        for (k, r) in std::mem::take(&mut o.files) {
            let m = self.files.entry(k).or_default();
            m.path = r.path;
            m.bytes += r.bytes;
            m.interchanges += r.interchanges;
            m.claims += r.claims;
            m.service_lines += r.service_lines;
            m.drug_lines += r.drug_lines;
            m.billed.plus(r.billed);
            m.errors += r.errors;
            m.warnings += r.warnings;
            m.infos += r.infos;
            m.suppressed += r.suppressed;
            m.flagged_lines += r.flagged_lines;
            m.at_risk.plus(r.at_risk);
        }
        self.unreadable.append(&mut o.unreadable);
    }

    /// Merges the by-provider, by-code, by-month and by-claim tables.
    fn merge_breakdowns(&mut self, o: &mut Part) {
        for (k, r) in std::mem::take(&mut o.providers) {
            let m = self.providers.entry(k).or_default();
            m.npi = r.npi;
            m.claims += r.claims;
            m.service_lines += r.service_lines;
            m.billed.plus(r.billed);
            m.findings += r.findings;
            m.flagged_lines += r.flagged_lines;
            m.at_risk.plus(r.at_risk);
        }
        for (k, r) in std::mem::take(&mut o.codes) {
            let m = self.codes.entry(k.clone()).or_default();
            (m.hcpcs, m.ndc) = k;
            m.lines += r.lines;
            m.units_dec.plus(r.units_dec);
            m.billed.plus(r.billed);
            m.flagged_lines += r.flagged_lines;
            m.at_risk.plus(r.at_risk);
        }
        for (k, r) in std::mem::take(&mut o.months) {
            let m = self.months.entry(k.clone()).or_default();
            m.month = k;
            m.service_lines += r.service_lines;
            m.billed.plus(r.billed);
            m.findings += r.findings;
            m.flagged_lines += r.flagged_lines;
            m.at_risk.plus(r.at_risk);
        }
        for (k, r) in std::mem::take(&mut o.claims) {
            let m = self.claims.entry(k).or_insert_with(|| ClaimRow {
                findings: 0,
                flagged_lines: 0,
                at_risk: Money::default(),
                rules: BTreeSet::new(),
                ..r.clone()
            });
            m.findings += r.findings;
            m.flagged_lines += r.flagged_lines;
            m.at_risk.plus(r.at_risk);
            m.rules.extend(r.rules);
        }
    }

    /// Adds another part; commutative and associative, so rayon may merge in any order.
    pub fn merge(mut self, mut o: Part) -> Part {
        add_totals(&mut self.totals, &o.totals);
        self.merge_rules_and_files(&mut o);
        self.merge_breakdowns(&mut o);
        self.keep = self.keep.max(o.keep);
        self.failing += o.failing;
        self.trim_claims(false);
        self.top.extend(o.top);
        if self.top.len() > self.keep {
            self.trim();
        }
        self
    }

    /// Sorts every table by its key and keeps the top findings.
    pub fn finish(mut self, data: &Data) -> Aggregate {
        self.trim();
        self.trim_claims(true);
        let mut top_claims: Vec<ClaimRow> =
            std::mem::take(&mut self.claims).into_values().collect();
        top_claims.sort_by(|a, b| a.rank().cmp(&b.rank()));
        let mut unreadable = self.unreadable;
        unreadable.sort_by(|a, b| (&a.path, &a.error).cmp(&(&b.path, &b.error)));
        let t = &self.totals;
        Aggregate {
            version: 1,
            findings_total: t.errors + t.warnings + t.infos,
            totals: self.totals,
            rules: self.rules.into_values().collect(),
            files: self.files.into_values().collect(),
            unreadable,
            providers: self.providers.into_values().collect(),
            codes: self
                .codes
                .into_values()
                .map(|mut c| {
                    c.units = c.units_dec.to_string();
                    c.drug = drug_name(data, &c.ndc);
                    c
                })
                .collect(),
            months: self.months.into_values().collect(),
            top_findings: self.top,
            top_claims,
            failing: self.failing,
        }
    }
}

/// Adds one part's totals to another's.
fn add_totals(t: &mut Totals, u: &Totals) {
    t.files += u.files;
    t.unreadable_files += u.unreadable_files;
    t.bytes += u.bytes;
    t.interchanges += u.interchanges;
    t.transactions += u.transactions;
    t.claims += u.claims;
    t.service_lines += u.service_lines;
    t.drug_lines += u.drug_lines;
    t.billed.plus(u.billed);
    t.errors += u.errors;
    t.warnings += u.warnings;
    t.infos += u.infos;
    t.suppressed += u.suppressed;
    t.flagged_lines += u.flagged_lines;
    t.at_risk.plus(u.at_risk);
}

#[cfg(test)]
mod tests {
    use super::Money;
    use claimlint_model::Dec;

    fn money(s: &str) -> Money {
        Money::of(Dec::parse(s.as_bytes()).unwrap())
    }

    #[test]
    fn money_is_exact_and_readable() {
        assert_eq!(money("1234.56").plain(), "1234.56");
        assert_eq!(money("1234.56").display(), "$1,234.56");
        assert_eq!(money("-5").display(), "-$5.00");
        assert_eq!(money("999999999.99").display(), "$999,999,999.99");
        assert_eq!(Money::default().plain(), "0.00");
        assert_eq!(money("0.005").plain(), "0.01");
        assert_eq!(money("-0.005").plain(), "-0.01");
        assert_eq!(money("-0.004").plain(), "0.00");
        assert_eq!(money("-1.5").plain(), "-1.50");
    }

    /// Issue 13: totals past 9.2 trillion (the old `i64` of millionths) stay exact and never
    /// saturate, however many 18-digit amounts are added.
    #[test]
    fn money_totals_of_huge_amounts_are_exact() {
        let mut total = Money::default();
        for _ in 0..1000 {
            total.add(Dec::parse(b"9999999999999999.99").unwrap());
        }
        assert_eq!(total.plain(), "9999999999999999990.00");
        assert_eq!(total.display(), "$9,999,999,999,999,999,990.00");
        let mut t = money("9999999999999.99");
        t.plus(money("9999999999999.99"));
        t.plus(money("0.02"));
        assert_eq!(t.plain(), "20000000000000.00");
        let mut neg = money("-999999999999999999");
        neg.plus(money("-999999999999999999"));
        neg.add(Dec::parse(b".000000000000000001").unwrap());
        assert_eq!(neg.0.to_string(), "-1999999999999999997.999999999999999999");
        assert_eq!(neg.plain(), "-1999999999999999998.00");
    }
}
