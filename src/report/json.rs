//! `--format json` and `--format jsonl`, exactly as OUTPUT.md specifies. Fields may be added,
//! never renamed or removed.

use super::{FileReport, Skipped};
use claimlint_diagnostic::Diagnostic;
use claimlint_rules::engine::Tally;
use serde::Serialize;

#[derive(Serialize)]
pub struct JsonSegment {
    pub id: String,
    pub position: u32,
    pub element: Option<u8>,
    pub component: Option<u8>,
    pub offset: usize,
    pub length: usize,
    pub line: u32,
    pub column: u32,
}

#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'a str>,
    pub code: &'a str,
    pub severity: &'a str,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub transaction: Option<&'a str>,
    pub claim_id: Option<&'a str>,
    pub line_number: Option<u32>,
    /// The TR3 loop the segment stands in (`2410`), where known. (Added field.)
    #[serde(rename = "loop")]
    pub loop_id: Option<&'a str>,
    /// Null for a diagnostic with no position in the file (an unreadable input).
    pub segment: Option<JsonSegment>,
}

impl<'a> JsonDiagnostic<'a> {
    pub fn new(d: &'a Diagnostic, path: Option<&'a str>) -> Self {
        JsonDiagnostic {
            path,
            code: d.code,
            severity: d.severity.as_str(),
            message: &d.message,
            help: d.help.as_deref(),
            transaction: d.context.transaction.as_deref(),
            claim_id: d.context.claim_id.as_deref(),
            line_number: d.context.line_number,
            loop_id: d.context.loop_id.filter(|l| *l != "HEADER"),
            // Lines are 1-based; the engine numbers every diagnostic it places in the file.
            segment: (d.line > 0).then(|| JsonSegment {
                id: d.loc.segment.as_str().to_string(),
                position: d.loc.position,
                element: d.loc.element,
                component: d.loc.component,
                offset: d.loc.offset,
                length: d.loc.length,
                line: d.line,
                column: d.column,
            }),
        }
    }
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    interchanges: u64,
    transactions: u64,
    claims: u64,
    service_lines: u64,
    drug_lines: u64,
    /// Diagnostics left out by `--max-diagnostics` (still counted in the summary). (Added.)
    diagnostics_dropped: u64,
    /// Findings not reported because they follow from a reported root cause.
    suppressed: u64,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    /// Reference data answered from the nearest version, not one in force. (Added.)
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
}

impl<'a> JsonFile<'a> {
    fn new(f: &'a FileReport) -> Self {
        let s = &f.outcome.stats;
        JsonFile {
            path: &f.path,
            interchanges: s.interchanges,
            transactions: s.transactions,
            claims: s.claims,
            service_lines: s.service_lines,
            drug_lines: s.drug_lines,
            diagnostics_dropped: f.outcome.dropped,
            suppressed: f.outcome.tally.suppressed,
            diagnostics: f
                .outcome
                .diagnostics
                .iter()
                .map(|d| JsonDiagnostic::new(d, None))
                .collect(),
            notes: &f.outcome.notes,
        }
    }
}

/// One entry of `files` in the `--format json` document, alone (the Python package's
/// `claimlint.check`).
pub fn file_entry(f: &FileReport) -> String {
    serde_json::to_string(&JsonFile::new(f)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

#[derive(Serialize)]
pub struct Summary {
    pub files: u64,
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
    /// Findings not reported because they follow from a reported root cause.
    pub suppressed: u64,
    pub claims: u64,
    pub service_lines: u64,
    pub drug_lines: u64,
    /// Paths not read (listed in `skipped`). (Added.)
    pub skipped: u64,
}

pub fn summary(files: &[FileReport], skipped: &[Skipped]) -> Summary {
    let mut t = Tally::default();
    let (mut claims, mut lines, mut drugs) = (0, 0, 0);
    for f in files {
        t.add(&f.outcome.tally);
        claims += f.outcome.stats.claims;
        lines += f.outcome.stats.service_lines;
        drugs += f.outcome.stats.drug_lines;
    }
    Summary {
        files: files.len() as u64,
        errors: t.errors,
        warnings: t.warnings,
        infos: t.infos,
        suppressed: t.suppressed,
        claims,
        service_lines: lines,
        drug_lines: drugs,
        skipped: skipped.len() as u64,
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    files: Vec<JsonFile<'a>>,
    skipped: &'a [Skipped],
    summary: Summary,
}

/// Writes the report to `w` as it is serialized, then a newline.
pub fn document(
    w: &mut dyn std::io::Write,
    files: &[FileReport],
    skipped: &[Skipped],
) -> std::io::Result<()> {
    let report = JsonReport {
        version: 1,
        files: files.iter().map(JsonFile::new).collect(),
        skipped,
        summary: summary(files, skipped),
    };
    serde_json::to_writer_pretty(&mut *w, &report)?;
    w.write_all(b"\n")
}

/// One diagnostic per line with its `path`, then a `{"skipped": {"path", "reason"}}` line per
/// path not read, then `{"summary": {...}}`, each written to `w` as it is made.
pub fn lines(
    w: &mut dyn std::io::Write,
    files: &[FileReport],
    skipped: &[Skipped],
) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Last {
        summary: Summary,
    }
    #[derive(Serialize)]
    struct NotRead<'a> {
        skipped: &'a Skipped,
    }
    for f in files {
        for d in &f.outcome.diagnostics {
            line(w, &JsonDiagnostic::new(d, Some(&f.path)))?;
        }
    }
    for s in skipped {
        line(w, &NotRead { skipped: s })?;
    }
    line(
        w,
        &Last {
            summary: summary(files, skipped),
        },
    )
}

/// `v` as one line of JSON.
fn line<T: Serialize>(w: &mut dyn std::io::Write, v: &T) -> std::io::Result<()> {
    serde_json::to_writer(&mut *w, v)?;
    w.write_all(b"\n")
}
