//! `claimlint audit` flags and what they turn into: the walk, the audit run, and the reports
//! written (HTML with `-o`, CSV with `--csv`, JSON or a text summary on standard output).

use super::walk::{Filter, GlobError, expand};
use super::{Aggregate, Options, csv, html};
use crate::cli::{CliError, out};
use crate::config::Settings;
use claimlint_data::Data;
use claimlint_diagnostic::Severity;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    /// A short text summary.
    Human,
    /// The aggregate as one JSON document (docs/audit.md).
    Json,
}

#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    /// Files or directories (searched recursively; gzip files are read transparently).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Write the HTML report here.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Write the tables as CSV files into this directory.
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value = "human")]
    pub format: AuditFormat,
    /// In directories, read only files matching these globs (against the path or the name).
    #[arg(long, value_delimiter = ',')]
    pub glob: Vec<String>,
    /// In directories, read only files with these extensions (default: x12,edi,837,837p,837i,
    /// txt,dat,ecs,in); `.gz` after one of them is looked through.
    #[arg(long, value_delimiter = ',')]
    pub ext: Vec<String>,
    /// Rules to run: codes, names or prefixes, comma-separated. Default: all.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Rules not to run.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Override a rule's severity: CODE=error|warning|info (repeatable).
    #[arg(long = "severity")]
    pub severity: Vec<String>,
    /// Keep this many findings (most money at risk first) for the findings table.
    #[arg(long, default_value_t = 5000)]
    pub keep: usize,
    /// Title of the HTML report.
    #[arg(long, default_value = "Claim audit")]
    pub title: String,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum AuditError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Glob(#[from] GlobError),
    #[error("cannot write the report {path}: {source}")]
    #[diagnostic(code(claimlint::audit::write))]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot render the report: {0}")]
    Render(String),
    #[error(transparent)]
    Csv(#[from] csv::CsvError),
}

pub fn run(args: AuditArgs, data: &Data) -> Result<(), CliError> {
    let settings =
        Settings::from_selectors(&args.select, &args.ignore, &args.severity, Severity::Error)?
            .with_data(*data);
    let filter = Filter::new(&args.ext, &args.glob).map_err(AuditError::from)?;
    let (files, walk_errors) = expand(&args.paths, &filter);
    let options = Options {
        keep: args.keep,
        progress: std::io::stderr().is_terminal(),
    };
    let aggregate = super::run(&files, &walk_errors, &settings, &options);
    let mut written = Vec::new();
    if let Some(path) = &args.output {
        let page =
            html::render(&aggregate, &args.title).map_err(|e| AuditError::Render(e.to_string()))?;
        std::fs::write(path, page).map_err(|source| AuditError::Write {
            path: path.display().to_string(),
            source,
        })?;
        written.push(path.display().to_string());
    }
    if let Some(dir) = &args.csv {
        csv::write(dir, &aggregate).map_err(AuditError::from)?;
        written.push(format!("{}/*.csv", dir.display()));
    }
    match args.format {
        AuditFormat::Json => {
            out(&(serde_json::to_string_pretty(&aggregate).unwrap_or_default() + "\n"))
        }
        AuditFormat::Human => out(&summary(&aggregate, &written)),
    }
}

/// The text summary: totals, the rules with the most money at risk, and what was written.
fn summary(a: &Aggregate, written: &[String]) -> String {
    let t = &a.totals;
    let mut s = format!(
        "Audited {} files ({} unreadable): {} claims, {} service lines ({} drug), billed {}\n{} findings ({} errors, {} warnings, {} infos) on {} lines; money at risk {}\n",
        t.files,
        t.unreadable_files,
        t.claims,
        t.service_lines,
        t.drug_lines,
        t.billed.display(),
        a.findings_total,
        t.errors,
        t.warnings,
        t.infos,
        t.flagged_lines,
        t.at_risk.display()
    );
    let mut rules: Vec<_> = a.rules.iter().collect();
    rules.sort_by(|x, y| {
        y.at_risk
            .cmp(&x.at_risk)
            .then(y.count.cmp(&x.count))
            .then(x.code.cmp(y.code))
    });
    for r in rules.iter().take(10) {
        s.push_str(&format!(
            "  {:<7} {:<28} {:>8} findings  {:>16} at risk\n",
            r.code,
            r.name,
            r.count,
            r.at_risk.display()
        ));
    }
    for u in &a.unreadable {
        s.push_str(&format!("  unreadable: {}: {}\n", u.path, u.error));
    }
    for w in written {
        s.push_str(&format!("wrote {w}\n"));
    }
    s
}
