//! The command line: clap derive → resolved settings → the engine → a report. Nothing else
//! reads raw flags. Errors of claimlint itself (bad flags, unreadable config) become exit 2.

use crate::config::{ConfigError, Settings};
use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::{self, Outcome};
use crate::input::Input;
use crate::report::{self, FileReport};
use crate::rules::{self, RULES};
use crate::x12::{Loc, SegId};
use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(name = "claimlint", version, about = "A linter for X12 837 health-care claims (837P 005010X222A1, 837I 005010X223A2)")]
pub struct Cli {
    /// Worker threads (default: one per core). Output is identical for any count.
    #[arg(long, global = true)]
    pub threads: Option<usize>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Jsonl,
    Sarif,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or directories (searched recursively); `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: Severity,
    /// Rules to run: codes, names or prefixes (NDC, NDC00), comma-separated. Default: all.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Rules not to run (codes, names or prefixes).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Override a rule's severity: CODE=error|warning|info (repeatable).
    #[arg(long = "severity")]
    pub severity: Vec<String>,
    /// Keep at most N diagnostics per file (all are still counted in the summary).
    #[arg(long)]
    pub max_diagnostics: Option<usize>,
    /// Colour in human output: auto (when standard output is a terminal), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Print only the summary line in human output.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check 837 files and report diagnostics.
    Check(CheckArgs),
    /// Print the loop tree claimlint built for a file (loops, segment positions, CLM01/LX01).
    Tree {
        path: PathBuf,
    },
    /// List every rule: code, name, severity, summary.
    Rules {
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Print a rule's documentation, by code (NDC004) or name (ndc-hcpcs-mismatch).
    Explain {
        rule: String,
    },
}

/// What `main` turns into an exit status.
pub enum Outcome2 {
    Clean,
    Findings,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CliError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigError),
    #[error("no rule `{0}`")]
    #[diagnostic(code(claimlint::explain::unknown), help("`claimlint rules` lists every rule code and name"))]
    UnknownRule(String),
    #[error("cannot read {path}: {source}")]
    #[diagnostic(code(claimlint::io))]
    Read { path: String, source: std::io::Error },
    #[error("could not start the thread pool: {0}")]
    Threads(String),
    #[error("output closed")]
    ClosedPipe,
}

fn out(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(CliError::ClosedPipe),
        _ => Ok(()),
    }
}

pub fn run(cli: Cli) -> Result<Outcome2, CliError> {
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().map_err(|e| CliError::Threads(e.to_string()))?;
    }
    match cli.command {
        Command::Check(args) => check(args),
        Command::Tree { path } => tree(&path).map(|_| Outcome2::Clean),
        Command::Rules { format } => list_rules(format).map(|_| Outcome2::Clean),
        Command::Explain { rule } => {
            let r = rules::find(&rule).ok_or(CliError::UnknownRule(rule))?;
            out(&format!("# {} ({}) — {}, SNIP {}\n\n{}", r.code, r.name, r.severity, r.snip, r.doc.replace("\n ", "\n").trim_start()))?;
            Ok(Outcome2::Clean)
        }
    }
}

/// Extensions a directory walk picks up; files named on the command line are always read.
const EXTENSIONS: &[&str] = &["x12", "edi", "837", "837p", "837i", "txt", "dat", "ecs", "in"];

/// Expands directories (sorted, so output order does not depend on the file system).
pub fn expand(paths: &[PathBuf]) -> Vec<(String, Option<std::io::Error>)> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            for entry in walkdir::WalkDir::new(p).sort_by_file_name().into_iter() {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        let hidden = e.file_name().to_string_lossy().starts_with('.');
                        let ext = e.path().extension().map(|x| x.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
                        if !hidden && EXTENSIONS.contains(&ext.as_str()) {
                            files.push((e.path().display().to_string(), None));
                        }
                    }
                    Ok(_) => {}
                    Err(e) => files.push((e.path().map_or_else(|| p.display().to_string(), |x| x.display().to_string()), Some(std::io::Error::other(e.to_string())))),
                }
            }
        } else {
            files.push((p.display().to_string(), None));
        }
    }
    files
}

fn unreadable(path: &str, err: &std::io::Error) -> Outcome {
    let loc = Loc { segment: SegId::default(), position: 0, element: None, component: None, offset: 0, length: 0, terminator: b'~' };
    let d = Diagnostic::new("ENV009", Severity::Error, loc, format!("{path} could not be read: {err}")).with_help("check that the path exists and is a readable file");
    let mut o = Outcome::default();
    o.tally.count(Severity::Error);
    o.diagnostics.push(d);
    o
}

/// Checks one path; also used by tests and benches.
pub fn check_one(path: &str, preset: Option<&std::io::Error>, settings: &Settings, render: Option<bool>) -> FileReport {
    if let Some(e) = preset {
        return FileReport { path: path.to_string(), outcome: unreadable(path, e), rendered: None };
    }
    match Input::open(Path::new(path)) {
        Ok(input) => {
            let outcome = engine::check(&input, settings);
            let rendered = render.map(|color| report::human::render_file(path, &input, &outcome.diagnostics, color));
            FileReport { path: path.to_string(), outcome, rendered }
        }
        Err(e) => {
            let outcome = unreadable(path, &e);
            let rendered = render.map(|_| format!("error[ENV009]: {path} could not be read: {e}\n\n"));
            FileReport { path: path.to_string(), outcome, rendered }
        }
    }
}

fn check(args: CheckArgs) -> Result<Outcome2, CliError> {
    let start = Instant::now();
    let mut settings = Settings::from_selectors(&args.select, &args.ignore, &args.severity, args.fail_on)?;
    settings.max_diagnostics = args.max_diagnostics;
    let files = expand(&args.paths);
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let render = (args.format == Format::Human && !args.quiet).then_some(color);
    let reports: Vec<FileReport> = files.par_iter().map(|(p, e)| check_one(p, e.as_ref(), &settings, render)).collect();
    match args.format {
        Format::Human => {
            for r in &reports {
                if let Some(text) = &r.rendered {
                    out(text)?;
                }
            }
            out(&human_summary(&reports, start.elapsed().as_secs_f64()))?;
        }
        Format::Json => out(&(report::json::document(&reports) + "\n"))?,
        Format::Jsonl => out(&report::json::lines(&reports))?,
        Format::Sarif => out(&(report::sarif::document(&reports) + "\n"))?,
    }
    let failing: u64 = reports.iter().map(|r| r.outcome.tally.at_least(settings.fail_on)).sum();
    Ok(if failing > 0 { Outcome2::Findings } else { Outcome2::Clean })
}

fn plural(n: u64, one: &str) -> String {
    if n == 1 { format!("{n} {one}") } else { format!("{n} {one}s") }
}

fn human_summary(reports: &[FileReport], secs: f64) -> String {
    let s = report::json::summary(reports);
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
    if dropped > 0 {
        line.push_str(&format!(" ({dropped} not shown: --max-diagnostics)"));
    }
    line.push('\n');
    line
}

fn list_rules(format: Format) -> Result<(), CliError> {
    if format == Format::Json {
        let list: Vec<_> = RULES
            .iter()
            .map(|r| serde_json::json!({"code": r.code, "name": r.name, "severity": r.severity, "snip": r.snip, "summary": r.summary()}))
            .collect();
        return out(&(serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"));
    }
    let mut text = String::new();
    for r in RULES {
        let summary: String = r.summary().split_whitespace().collect::<Vec<_>>().join(" ");
        text.push_str(&format!("{:<7} {:<32} {:<8} {}\n", r.code, r.name, r.severity.as_str(), summary));
    }
    out(&text)
}

fn tree(path: &Path) -> Result<(), CliError> {
    let input = Input::open(path).map_err(|source| CliError::Read { path: path.display().to_string(), source })?;
    out(&crate::model::tree::render(&input))
}
