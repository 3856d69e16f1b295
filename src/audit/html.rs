//! The audit's HTML report: one self-contained file (inline CSS, JS and SVG; nothing fetched)
//! rendered by askama from `templates/audit.html`. This module only lays data out for the
//! template: the rows as display strings and the bar charts' geometry. It never decides.

use super::aggregate::{Aggregate, Money};
use askama::Template;
use claimlint_model::Total;

/// A horizontal bar chart; geometry in SVG user units, computed here so the template only
/// draws.
pub struct Chart {
    pub title: &'static str,
    pub note: String,
    pub height: u32,
    pub bars: Vec<Bar>,
    pub empty: bool,
}

pub struct Bar {
    pub label: String,
    pub value: String,
    pub y: u32,
    pub width: u32,
    pub text_x: u32,
    /// The full label and value, for the tooltip.
    pub title: String,
}

const LABEL_W: u32 = 190;
const BAR_W: u32 = 250;
const ROW_H: u32 = 22;
const MAX_BARS: usize = 12;

impl Chart {
    /// Bars for the largest `MAX_BARS` of `items` (label, value as a number, value as text),
    /// kept in the given order when `keep_order` (months), else sorted by value.
    fn new(
        title: &'static str,
        note: &str,
        mut items: Vec<(String, f64, String)>,
        keep_order: bool,
    ) -> Chart {
        items.retain(|(_, v, _)| *v > 0.0);
        let total = items.len();
        if !keep_order {
            items.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            items.truncate(MAX_BARS);
        }
        let max = items.iter().map(|i| i.1).fold(0.0, f64::max);
        let bars: Vec<Bar> = items
            .into_iter()
            .enumerate()
            .map(|(i, (label, v, text))| {
                let width = if max > 0.0 {
                    ((v / max) * f64::from(BAR_W)).round().max(1.0) as u32
                } else {
                    0
                };
                let short: String = if label.chars().count() > 22 {
                    label.chars().take(21).chain(['…']).collect()
                } else {
                    label.clone()
                };
                Bar {
                    title: format!("{label}: {text}"),
                    label: short,
                    value: text,
                    y: i as u32 * ROW_H,
                    width,
                    text_x: LABEL_W + width + 6,
                }
            })
            .collect();
        let note = if !keep_order && total > MAX_BARS {
            format!("{note} (largest {MAX_BARS} of {total})")
        } else {
            note.to_string()
        };
        Chart {
            title,
            note,
            height: (bars.len() as u32).max(1) * ROW_H + 4,
            empty: bars.is_empty(),
            bars,
        }
    }
}

/// A table cell: its text, the value it sorts by, and whether it is a number.
pub struct Cell {
    pub text: String,
    pub sort: String,
    pub num: bool,
}

fn num(n: u64) -> Cell {
    Cell {
        text: group(n),
        sort: n.to_string(),
        num: true,
    }
}

fn money(m: Money) -> Cell {
    Cell {
        text: m.display(),
        sort: m.plain(),
        num: true,
    }
}

fn text(s: &str) -> Cell {
    Cell {
        text: s.to_string(),
        sort: s.to_string(),
        num: false,
    }
}

fn group(n: u64) -> String {
    Money(Total::from_int(i128::from(n)))
        .display()
        .trim_start_matches('$')
        .trim_end_matches(".00")
        .to_string()
}

pub struct Table {
    pub id: &'static str,
    pub title: &'static str,
    pub note: String,
    pub head: Vec<(&'static str, bool)>,
    pub rows: Vec<Vec<Cell>>,
}

/// One row of the findings table.
pub struct FindingView {
    pub at_risk: Cell,
    pub code: String,
    pub severity: &'static str,
    pub path: String,
    pub href: String,
    pub transaction: String,
    pub claim_id: String,
    pub line_number: String,
    pub place: String,
    pub place_title: String,
    pub npi: String,
    pub hcpcs: String,
    pub ndc: String,
    pub date: String,
    pub message: String,
    pub help: String,
}

pub struct Kpi {
    pub label: &'static str,
    pub value: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct Report {
    pub title: String,
    pub subtitle: String,
    pub kpis: Vec<Kpi>,
    /// By rule, provider, drug and claim: shown first, open.
    pub grouped: Vec<Table>,
    pub charts: Vec<Chart>,
    /// By month, by file, unreadable files: after the findings, closed.
    pub tables: Vec<Table>,
    pub findings: Vec<FindingView>,
    pub findings_note: String,
    pub rule_codes: Vec<String>,
    /// What every audited path is shown relative to (a sentence).
    pub root: String,
}

/// `file:` URL of a path, so a finding's file opens from the report.
fn href(path: &str) -> String {
    let abs =
        std::fs::canonicalize(path).map_or_else(|_| path.to_string(), |p| p.display().to_string());
    let mut out = String::from("file://");
    for b in abs.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn pct(part: Money, whole: Money) -> String {
    if whole.is_zero() {
        "—".to_string()
    } else {
        format!("{:.1} % of billed", part.as_f64() / whole.as_f64() * 100.0)
    }
}

/// The longest directory that holds every audited file (as the paths were given: relative
/// to the working directory, or absolute), so the report can show paths relative to what was
/// audited instead of paths that take the table's width. Whole components only; `/` when
/// absolute paths share nothing more; empty when relative paths share nothing, or when
/// absolute and relative paths are mixed.
fn common_root(a: &Aggregate) -> String {
    let mut paths = a
        .files
        .iter()
        .map(|f| f.path.as_str())
        .chain(a.unreadable.iter().map(|u| u.path.as_str()));
    let Some(first) = paths.next() else {
        return String::new();
    };
    let mut root: Vec<&str> = first.split('/').collect();
    root.pop();
    for p in paths {
        let mut dir: Vec<&str> = p.split('/').collect();
        dir.pop();
        let same = root.iter().zip(&dir).take_while(|(x, y)| x == y).count();
        root.truncate(same);
    }
    match root.as_slice() {
        [""] => "/".to_string(),
        parts => parts.join("/"),
    }
}

/// What the shown paths are relative to, said honestly: the common root, or (no root) the
/// working directory, or as given when absolute and relative paths are mixed.
fn root_note(a: &Aggregate, root: &str) -> String {
    if !root.is_empty() {
        return format!("Paths are relative to {root}.");
    }
    let absolute = a
        .files
        .iter()
        .map(|f| f.path.as_str())
        .chain(a.unreadable.iter().map(|u| u.path.as_str()))
        .any(|p| p.starts_with('/'));
    if absolute {
        "Paths are as given on the command line: absolute, or relative to the working directory."
            .to_string()
    } else {
        "Paths are relative to the working directory.".to_string()
    }
}

/// `path` relative to `root` (see [`common_root`]).
fn rel<'p>(path: &'p str, root: &str) -> &'p str {
    match root {
        "" => path,
        "/" => path.strip_prefix('/').unwrap_or(path),
        _ => path
            .strip_prefix(root)
            .and_then(|p| p.strip_prefix('/'))
            .unwrap_or(path),
    }
}

/// A message with the audited paths in it (XCL001 names the other claim's file) made
/// relative to `root` like the Where column.
fn rel_message(message: &str, root: &str) -> String {
    match root {
        "" | "/" => message.to_string(),
        _ => message.replace(&format!("{root}/"), ""),
    }
}

/// Lays the aggregate out for the template: headline figures, the grouped views a billing
/// manager reads first (rule, provider, drug, claim), charts, then the findings themselves.
pub fn report(a: &Aggregate, title: &str) -> Report {
    let t = &a.totals;
    let root = common_root(a);
    let findings = finding_views(a, &root);
    let findings_note = if a.findings_total as usize > findings.len() {
        format!(
            "The {} findings with the most money at risk, of {} in all (--keep sets how many)",
            group(findings.len() as u64),
            group(a.findings_total)
        )
    } else {
        format!(
            "All {} findings, most money at risk first",
            group(a.findings_total)
        )
    };
    let under = if root.is_empty() {
        String::new()
    } else {
        format!(" under {root}")
    };
    Report {
        title: title.to_string(),
        subtitle: format!(
            "{} files{under}, {} claims{}; claimlint {}",
            group(t.files),
            group(t.claims),
            service_span(a),
            env!("CARGO_PKG_VERSION")
        ),
        kpis: kpis(a),
        grouped: grouped_tables(a, &root),
        charts: charts(a),
        tables: other_tables(a, &root),
        findings,
        findings_note,
        rule_codes: a.rules.iter().map(|r| r.code.to_string()).collect(),
        root: root_note(a, &root),
    }
}

/// ", dates of service 2025-01 to 2026-03", from the months seen.
fn service_span(a: &Aggregate) -> String {
    let months: Vec<&str> = a
        .months
        .iter()
        .map(|m| m.month.as_str())
        .filter(|m| *m != "unknown")
        .collect();
    match (months.first(), months.last()) {
        (Some(f), Some(l)) if f != l => format!(", dates of service {f} to {l}"),
        (Some(f), _) => format!(", dates of service in {f}"),
        _ => String::new(),
    }
}

fn kpis(a: &Aggregate) -> Vec<Kpi> {
    let t = &a.totals;
    let kpi = |label, value, note| Kpi { label, value, note };
    vec![
        kpi(
            "Files",
            group(t.files),
            if t.unreadable_files > 0 {
                format!("{} unreadable", group(t.unreadable_files))
            } else {
                format!("{} interchanges", group(t.interchanges))
            },
        ),
        kpi(
            "Claims",
            group(t.claims),
            format!(
                "{} service lines, {} drug lines",
                group(t.service_lines),
                group(t.drug_lines)
            ),
        ),
        kpi("Billed", t.billed.display(), "sum of CLM02".to_string()),
        kpi(
            "Findings",
            group(a.findings_total),
            format!(
                "{} errors, {} warnings; {} suppressed",
                group(t.errors),
                group(t.warnings),
                group(t.suppressed)
            ),
        ),
        kpi(
            "Lines with findings",
            group(t.flagged_lines),
            format!("of {} service lines", group(t.service_lines)),
        ),
        kpi(
            "Money at risk",
            t.at_risk.display(),
            pct(t.at_risk, t.billed),
        ),
    ]
}

fn rule_label(code: &str, name: &str) -> String {
    format!("{code} {name}")
}

fn drug_label(c: &super::aggregate::CodeRow) -> String {
    if c.drug.is_empty() {
        format!("{} {}", c.hcpcs, c.ndc)
    } else {
        format!("{} {}", c.hcpcs, c.drug)
    }
}

fn charts(a: &Aggregate) -> Vec<Chart> {
    let by_rule = |f: fn(&super::aggregate::RuleRow) -> (f64, String)| {
        a.rules
            .iter()
            .map(|r| {
                let (v, text) = f(r);
                (rule_label(r.code, r.name), v, text)
            })
            .collect()
    };
    vec![
        Chart::new(
            "Money at risk by rule",
            "charge of the lines each rule flags, each line once per rule",
            by_rule(|r| (r.at_risk.as_f64(), r.at_risk.display())),
            false,
        ),
        Chart::new(
            "Findings by rule",
            "errors and warnings per rule",
            by_rule(|r| (r.count as f64, group(r.count))),
            false,
        ),
        Chart::new(
            "Money at risk by month",
            "charge of flagged lines, by the line's month of service",
            a.months
                .iter()
                .map(|m| (m.month.clone(), m.at_risk.as_f64(), m.at_risk.display()))
                .collect(),
            true,
        ),
        Chart::new(
            "Flagged drug lines by drug",
            "drug lines (with an NDC) that have a finding",
            a.codes
                .iter()
                .filter(|c| !c.ndc.is_empty())
                .map(|c| {
                    (
                        drug_label(c),
                        c.flagged_lines as f64,
                        group(c.flagged_lines),
                    )
                })
                .collect(),
            false,
        ),
    ]
}

/// `rows` sorted by money at risk, most first (ties keep their key order).
fn by_risk<T>(rows: &[T], at_risk: fn(&T) -> Money) -> Vec<&T> {
    let mut v: Vec<&T> = rows.iter().collect();
    v.sort_by_key(|r| std::cmp::Reverse(at_risk(r)));
    v
}

/// The views a billing manager reads first: by rule, provider, drug and claim, each with the
/// most money at risk first.
fn grouped_tables(a: &Aggregate, root: &str) -> Vec<Table> {
    let rules = by_risk(&a.rules, |r| r.at_risk);
    let providers = by_risk(&a.providers, |p| p.at_risk);
    let codes = by_risk(&a.codes, |c| c.at_risk);
    vec![
        Table {
            id: "rules",
            title: "By rule",
            note: "Money at risk counts each flagged line once per rule (a claim-level finding flags the claim's lines), at most what the claim billed; one line can count under several rules, so the rows do not add up to the total".into(),
            head: vec![("Rule", false), ("Name", false), ("Severity", false), ("Findings", true), ("Suppressed", true), ("Money at risk", true)],
            rows: rules.iter().map(|r| vec![text(r.code), text(r.name), text(r.severity.as_str()), num(r.count), num(r.suppressed), money(r.at_risk)]).collect(),
        },
        Table {
            id: "providers",
            title: "By billing provider",
            note: "NPI of loop 2010AA".into(),
            head: vec![("NPI", false), ("Claims", true), ("Lines", true), ("Billed", true), ("Findings", true), ("Flagged lines", true), ("Money at risk", true)],
            rows: providers.iter().map(|p| vec![text(&p.npi), num(p.claims), num(p.service_lines), money(p.billed), num(p.findings), num(p.flagged_lines), money(p.at_risk)]).collect(),
        },
        Table {
            id: "codes",
            title: "By drug (HCPCS and NDC)",
            note: "Drug lines carry their NDC (2410 LIN03); other lines have none".into(),
            head: vec![("HCPCS", false), ("NDC", false), ("Drug", false), ("Lines", true), ("Units", true), ("Billed", true), ("Flagged lines", true), ("Money at risk", true)],
            rows: codes.iter().map(|c| vec![text(&c.hcpcs), text(&c.ndc), text(&c.drug), num(c.lines), Cell { text: c.units.clone(), sort: c.units.clone(), num: true }, money(c.billed), num(c.flagged_lines), money(c.at_risk)]).collect(),
        },
        Table {
            id: "claims",
            title: "By claim",
            note: "Claims with findings, most money at risk first".into(),
            head: vec![("CLM01", false), ("File", false), ("ST02", false), ("NPI", false), ("Rules", false), ("Findings", true), ("Billed", true), ("Money at risk", true)],
            rows: a.top_claims.iter().map(|c| vec![text(&c.claim_id), text(rel(&c.path, root)), text(c.transaction.as_deref().unwrap_or("")), text(&c.npi), text(&c.rules.iter().copied().collect::<Vec<_>>().join(" ")), num(c.findings), money(c.billed), money(c.at_risk)]).collect(),
        },
    ]
}

/// The tables after the findings: by month, by file, unreadable files.
fn other_tables(a: &Aggregate, root: &str) -> Vec<Table> {
    vec![
        Table {
            id: "months",
            title: "By month of service",
            note: String::new(),
            head: vec![
                ("Month", false),
                ("Lines", true),
                ("Billed", true),
                ("Findings", true),
                ("Flagged lines", true),
                ("Money at risk", true),
            ],
            rows: a
                .months
                .iter()
                .map(|m| {
                    vec![
                        text(&m.month),
                        num(m.service_lines),
                        money(m.billed),
                        num(m.findings),
                        num(m.flagged_lines),
                        money(m.at_risk),
                    ]
                })
                .collect(),
        },
        Table {
            id: "files",
            title: "By file",
            note: String::new(),
            head: vec![
                ("File", false),
                ("Claims", true),
                ("Lines", true),
                ("Billed", true),
                ("Errors", true),
                ("Warnings", true),
                ("Suppressed", true),
                ("Flagged lines", true),
                ("Money at risk", true),
            ],
            rows: a
                .files
                .iter()
                .map(|f| {
                    vec![
                        text(rel(&f.path, root)),
                        num(f.claims),
                        num(f.service_lines),
                        money(f.billed),
                        num(f.errors),
                        num(f.warnings),
                        num(f.suppressed),
                        num(f.flagged_lines),
                        money(f.at_risk),
                    ]
                })
                .collect(),
        },
        Table {
            id: "unreadable",
            title: "Unreadable files",
            note: "Counted, not checked".into(),
            head: vec![("File", false), ("Error", false)],
            rows: a
                .unreadable
                .iter()
                .map(|u| vec![text(rel(&u.path, root)), text(&u.error)])
                .collect(),
        },
    ]
}

fn finding_views(a: &Aggregate, root: &str) -> Vec<FindingView> {
    a.top_findings
        .iter()
        .map(|f| FindingView {
            at_risk: money(f.at_risk),
            code: f.code.to_string(),
            severity: f.severity.as_str(),
            path: rel(&f.path, root).to_string(),
            href: href(&f.path),
            transaction: f.transaction.clone().unwrap_or_default(),
            claim_id: f.claim_id.clone().unwrap_or_default(),
            line_number: f.line_number.map(|n| n.to_string()).unwrap_or_default(),
            place: match f.element {
                Some(e) => format!("{}{:02} @{}", f.segment, e, f.position),
                None => format!("{} @{}", f.segment, f.position),
            },
            place_title: format!(
                "ST {} segment {}, line {} column {}, byte {}",
                f.transaction.as_deref().unwrap_or("-"),
                f.position,
                f.line,
                f.column,
                f.offset
            ),
            npi: f.npi.clone().unwrap_or_default(),
            hcpcs: f.hcpcs.clone().unwrap_or_default(),
            ndc: f.ndc.clone().unwrap_or_default(),
            date: f.date.clone().unwrap_or_default(),
            message: rel_message(&f.message, root),
            help: f.help.clone().unwrap_or_default(),
        })
        .collect()
}

/// The whole page.
pub fn render(a: &Aggregate, title: &str) -> Result<String, askama::Error> {
    report(a, title).render()
}
