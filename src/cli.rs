//! The command line: clap derive → resolved settings → the engine → a report. Nothing else
//! reads raw flags. Errors of claimlint itself (bad flags, unreadable config) become exit 2.

use crate::config::{self, ConfigError, FileConfig, Flags, Resolved, Settings};
use crate::input::Input;
use crate::report::{self, FileReport, x999};
use claimlint_data::Data;
use claimlint_diagnostic::{Diagnostic, Severity};
use claimlint_rules::engine::{self as engine, Outcome};
use claimlint_rules::{self as rules, RULES};
use claimlint_x12::{Loc, SegId};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(name = "claimlint", version = crate::report::data::version_text(), about = "A linter for X12 837 health-care claims (837P 005010X222A1, 837I 005010X223A2)")]
pub struct Cli {
    /// Worker threads (default: one per core). Output is identical for any count.
    #[arg(long, global = true)]
    pub threads: Option<usize>,
    /// Load newer CMS files (crosswalk, HCPCS, MUE CSVs of the published layouts) from DIR;
    /// they answer before the data compiled in.
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
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
    /// Lowest severity that makes the exit status 1 (default: error, or `fail-on` in the config).
    #[arg(long, value_parser = severity_parser())]
    pub fail_on: Option<Severity>,
    /// Rules to run: codes, names or prefixes (NDC, NDC00), comma-separated. Default: all.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Rules not to run (codes, names or prefixes).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Rules to run in addition to those selected (by the config or --select).
    #[arg(long, value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Config file to use instead of the nearest claimlint.toml above each input.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Read no claimlint.toml.
    #[arg(long)]
    pub no_config: bool,
    /// Payer profile: medicare, medicaid, commercial, or one defined in claimlint.toml.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Print how often each rule fired instead of each diagnostic (human and json formats).
    #[arg(long)]
    pub statistics: bool,
    /// Also write a 999 acknowledgment for each input interchange into DIR.
    #[arg(long, value_name = "DIR")]
    pub ack: Option<PathBuf>,
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
    Tree { path: PathBuf },
    /// List every rule: code, name, severity, summary.
    Rules {
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Print a rule's documentation, by code (NDC004) or name (ndc-hcpcs-mismatch).
    Explain { rule: String },
    /// Audit many claim files: all rules plus cross-file duplicates and dose intervals, summed
    /// by rule, file, provider, drug and month into an HTML, CSV or JSON report (docs/audit.md).
    Audit(crate::audit::cli::AuditArgs),
    /// Write an X12 999 acknowledgment (005010X231A1) for each input interchange.
    Ack(AckArgs),
    /// List every drug line: billed code, units, NDC and CTP beside the crosswalk's drug,
    /// code and units, and the rules that fired on the line.
    Drugs(crate::report::drugs::DrugsArgs),
    /// What the reference data says about an NDC (any form), HCPCS code, modifier or ICD-10-CM code.
    Lookup { code: String },
    /// List the reference data sets: name, version, effective dates, rows, source.
    Data {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args, Debug)]
pub struct AckArgs {
    /// Directory the 999 files are written to (created if missing).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    #[command(flatten)]
    pub check: CheckArgs,
}

/// `info`, `warning` or `error` for a `Severity` flag: `claimlint_diagnostic` has no clap.
pub fn severity_parser() -> impl clap::builder::TypedValueParser<Value = Severity> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Severity::ALL.map(Severity::as_str))
        .try_map(|s| s.parse::<Severity>())
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
    #[diagnostic(
        code(claimlint::explain::unknown),
        help("`claimlint rules` lists every rule code and name")
    )]
    UnknownRule(String),
    #[error("cannot read {path}: {source}")]
    #[diagnostic(code(claimlint::io))]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("could not start the thread pool: {0}")]
    Threads(String),
    #[error("output closed")]
    ClosedPipe,
    #[error("{0}")]
    #[diagnostic(code(claimlint::usage))]
    Usage(String),
    #[error("cannot write {path}: {source}")]
    #[diagnostic(code(claimlint::io))]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Audit(#[from] crate::audit::cli::AuditError),
    #[error("--data-dir {dir}: {source}")]
    #[diagnostic(
        code(claimlint::data_dir),
        help(
            "--data-dir reads CMS crosswalk, HCPCS and MUE CSV files in their published layouts; `claimlint data` lists what is loaded"
        )
    )]
    DataDir {
        dir: String,
        source: Box<claimlint_data::DataError>,
    },
}

pub(crate) fn out(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(CliError::ClosedPipe),
        _ => Ok(()),
    }
}

pub fn run(cli: Cli) -> Result<Outcome2, CliError> {
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .map_err(|e| CliError::Threads(e.to_string()))?;
    }
    // The one reference data handle of the run, passed to everything that looks up.
    let data = match &cli.data_dir {
        Some(dir) => Data::load_dir(dir).map_err(|source| CliError::DataDir {
            dir: dir.display().to_string(),
            source: Box::new(source),
        })?,
        None => Data::embedded(),
    };
    match cli.command {
        Command::Check(args) => check(args, false, data),
        Command::Drugs(args) => crate::report::drugs::run(args, &data),
        Command::Lookup { code } => crate::report::lookup::run(&data, &code),
        Command::Data { json } => crate::report::data::run(&data, json),
        Command::Ack(a) => {
            let mut args = a.check;
            args.ack = Some(a.output);
            check(args, true, data)
        }
        Command::Audit(args) => crate::audit::cli::run(args, &data).map(|_| Outcome2::Clean),
        Command::Tree { path } => tree(&path).map(|_| Outcome2::Clean),
        Command::Rules { format } => list_rules(format).map(|_| Outcome2::Clean),
        Command::Explain { rule } => {
            let r = rules::find(&rule).ok_or(CliError::UnknownRule(rule))?;
            out(&format!(
                "# {} ({}) — {}, SNIP {}\n\n{}",
                r.code,
                r.name,
                r.severity,
                r.snip,
                r.doc.replace("\n ", "\n").trim_start()
            ))?;
            Ok(Outcome2::Clean)
        }
    }
}

/// Extensions a directory walk picks up; files named on the command line are always read.
const EXTENSIONS: &[&str] = &[
    "x12", "edi", "837", "837p", "837i", "txt", "dat", "ecs", "in",
];

/// Expands directories (sorted, so output order does not depend on the file system).
pub fn expand(paths: &[PathBuf]) -> Vec<(String, Option<std::io::Error>)> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            for entry in walkdir::WalkDir::new(p).sort_by_file_name().into_iter() {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        let hidden = e.file_name().to_string_lossy().starts_with('.');
                        let ext = e
                            .path()
                            .extension()
                            .map(|x| x.to_string_lossy().to_ascii_lowercase())
                            .unwrap_or_default();
                        if !hidden && EXTENSIONS.contains(&ext.as_str()) {
                            files.push((e.path().display().to_string(), None));
                        }
                    }
                    Ok(_) => {}
                    Err(e) => files.push((
                        e.path()
                            .map_or_else(|| p.display().to_string(), |x| x.display().to_string()),
                        Some(std::io::Error::other(e.to_string())),
                    )),
                }
            }
        } else {
            files.push((p.display().to_string(), None));
        }
    }
    files
}

fn unreadable(path: &str, err: &std::io::Error) -> Outcome {
    let loc = Loc {
        segment: SegId::default(),
        position: 0,
        element: None,
        component: None,
        offset: 0,
        length: 0,
        terminator: b'~',
    };
    let d = Diagnostic::new(
        "ENV009",
        Severity::Error,
        loc,
        format!("{path} could not be read: {err}"),
    )
    .with_help("check that the path exists and is a readable file");
    let mut o = Outcome::default();
    o.tally.count(Severity::Error);
    o.diagnostics.push(d);
    o
}

/// Checks one path; also used by tests and benches.
pub fn check_one(
    path: &str,
    preset: Option<&std::io::Error>,
    settings: &Settings,
    render: Option<bool>,
) -> FileReport {
    if let Some(e) = preset {
        return FileReport {
            path: path.to_string(),
            outcome: unreadable(path, e),
            rendered: None,
        };
    }
    match Input::open(Path::new(path)) {
        Ok(input) => {
            let outcome =
                engine::check_streaming(&input, settings, &|_| (), &|r| input.release(r)).0;
            let rendered = render
                .map(|color| report::human::render_file(path, &input, &outcome.diagnostics, color));
            FileReport {
                path: path.to_string(),
                outcome,
                rendered,
            }
        }
        Err(e) => {
            let outcome = unreadable(path, &e);
            let rendered =
                render.map(|_| format!("error[ENV009]: {path} could not be read: {e}\n\n"));
            FileReport {
                path: path.to_string(),
                outcome,
                rendered,
            }
        }
    }
}

/// Checks one path under the settings its config resolves to (its payer's profile when the
/// config maps payers). With `ack`, also builds its 999s while the input is at hand.
fn check_configured(
    path: &str,
    preset: Option<&std::io::Error>,
    resolved: &Resolved,
    render: Option<bool>,
    ack: Option<&x999::Stamp>,
) -> (FileReport, Severity, Vec<x999::Ack>) {
    let input = match preset.map_or_else(
        || Input::open(Path::new(path)),
        |e| Err(std::io::Error::new(e.kind(), e.to_string())),
    ) {
        Ok(input) => input,
        Err(e) => {
            let rendered = render
                .filter(|_| preset.is_none())
                .map(|_| format!("error[ENV009]: {path} could not be read: {e}\n\n"));
            return (
                FileReport {
                    path: path.to_string(),
                    outcome: unreadable(path, &e),
                    rendered,
                },
                resolved.default.fail_on,
                Vec::new(),
            );
        }
    };
    let settings = resolved.for_input(&input);
    let (outcome, acks) = match ack {
        None => {
            use claimlint_rules::drugs::data_notes;
            let (mut o, notes) = engine::check_streaming(
                &input,
                settings,
                &|tx| data_notes::notes(tx, settings),
                &|r| input.release(r),
            );
            o.notes = data_notes::texts(notes);
            (o, Vec::new())
        }
        Some(stamp) => {
            // The 999 must see every diagnostic, so --max-diagnostics applies after it is built.
            let mut uncapped = settings.clone();
            uncapped.max_diagnostics = None;
            let mut outcome = engine::check(&input, &uncapped);
            let acks = x999::acknowledge(&input, &outcome.diagnostics, stamp);
            if let Some(max) = settings
                .max_diagnostics
                .filter(|&m| outcome.diagnostics.len() > m)
            {
                outcome.dropped = (outcome.diagnostics.len() - max) as u64;
                outcome.diagnostics.truncate(max);
            }
            (outcome, acks)
        }
    };
    let rendered =
        render.map(|color| report::human::render_file(path, &input, &outcome.diagnostics, color));
    (
        FileReport {
            path: path.to_string(),
            outcome,
            rendered,
        },
        settings.fail_on,
        acks,
    )
}

/// The resolved settings for each file: `--config`, else the nearest claimlint.toml above the
/// file (each read once), else none; then profile and flags on top.
fn resolve_configs(
    args: &CheckArgs,
    files: &[(String, Option<std::io::Error>)],
    data: Data,
) -> Result<Vec<Arc<Resolved>>, CliError> {
    let flags = Flags {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        severity: args.severity.clone(),
        fail_on: args.fail_on,
        max_diagnostics: args.max_diagnostics,
        profile: args.profile.clone(),
        data,
    };
    // Flags are checked even when there is no file to check.
    let bare = Arc::new(config::resolve(None, &flags)?);
    if args.no_config {
        return Ok(vec![bare; files.len()]);
    }
    let mut by_dir: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut loaded: HashMap<PathBuf, Arc<Resolved>> = HashMap::new();
    let mut out = Vec::with_capacity(files.len());
    for (p, _) in files {
        let found = match &args.config {
            Some(c) => Some(c.clone()),
            None => {
                let path = if p == "-" {
                    Path::new(".")
                } else {
                    Path::new(p)
                };
                let dir = if path.is_dir() {
                    path.to_path_buf()
                } else {
                    path.parent().unwrap_or(Path::new(".")).to_path_buf()
                };
                by_dir
                    .entry(dir.clone())
                    .or_insert_with(|| config::find_config(&dir))
                    .clone()
            }
        };
        let Some(cfg_path) = found else {
            out.push(bare.clone());
            continue;
        };
        if let Some(r) = loaded.get(&cfg_path) {
            out.push(r.clone());
            continue;
        }
        let cfg = FileConfig::read(&cfg_path)?;
        let r = Arc::new(config::resolve(Some((&cfg_path, &cfg)), &flags)?);
        loaded.insert(cfg_path, r.clone());
        out.push(r);
    }
    if let (Some(c), true) = (&args.config, files.is_empty()) {
        FileConfig::read(c)?;
    }
    Ok(out)
}

/// A progress bar on stderr for batches that take more than a moment: only on a terminal, for
/// the human format, and only once the run has lasted half a second, so quick runs and piped
/// or machine-read output never see it.
struct Progress {
    bar: Option<ProgressBar>,
    start: Instant,
    shown: AtomicBool,
}

impl Progress {
    fn new(len: usize, wanted: bool) -> Progress {
        let bar = (wanted && len > 1 && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::hidden());
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} files, {elapsed}")
            {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            start: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    fn tick(&self) {
        let Some(bar) = &self.bar else { return };
        bar.inc(1);
        if self.start.elapsed() > Duration::from_millis(500)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Writes the 999s into `dir` as `<input stem>.<ISA13>.999`; returns a line per file.
fn write_acks(
    dir: &Path,
    done: &[(FileReport, Severity, Vec<x999::Ack>)],
) -> Result<(String, u32), CliError> {
    std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
        path: dir.display().to_string(),
        source,
    })?;
    let mut used = std::collections::HashSet::new();
    let (mut text, mut rejected) = (String::new(), 0);
    for (report, _, acks) in done {
        let stem = if report.path == "-" {
            "stdin".to_string()
        } else {
            Path::new(&report.path)
                .file_stem()
                .map_or_else(|| "input".to_string(), |s| s.to_string_lossy().into_owned())
        };
        for ack in acks {
            let control: String = ack
                .control_number
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            let mut name = format!("{stem}.{control}.999");
            let mut n = 1;
            while !used.insert(name.clone()) {
                n += 1;
                name = format!("{stem}.{control}.{n}.999");
            }
            let path = dir.join(&name);
            std::fs::write(&path, &ack.text).map_err(|source| CliError::Write {
                path: path.display().to_string(),
                source,
            })?;
            rejected += ack.rejected;
            text.push_str(&format!(
                "wrote {}: {} accepted, {} accepted with errors, {} rejected\n",
                path.display(),
                ack.accepted,
                ack.noted,
                ack.rejected
            ));
        }
    }
    Ok((text, rejected))
}

fn check(args: CheckArgs, ack_only: bool, data: Data) -> Result<Outcome2, CliError> {
    let start = Instant::now();
    if args.statistics && !matches!(args.format, Format::Human | Format::Json) {
        return Err(CliError::Usage("--statistics prints a table or a JSON list: use it with --format human or --format json".into()));
    }
    let files = expand(&args.paths);
    let configs = resolve_configs(&args, &files, data)?;
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let render = (args.format == Format::Human && !args.quiet && !args.statistics && !ack_only)
        .then_some(color);
    let stamp = args.ack.as_ref().map(|_| x999::Stamp::now());
    let progress = Progress::new(files.len(), args.format == Format::Human);
    let done: Vec<(FileReport, Severity, Vec<x999::Ack>)> = files
        .par_iter()
        .zip(configs.par_iter())
        .map(|((p, e), r)| {
            let one = check_configured(p, e.as_ref(), r, render, stamp.as_ref());
            progress.tick();
            one
        })
        .collect();
    progress.finish();
    let failing: u64 = done
        .iter()
        .map(|(r, fail_on, _)| r.outcome.tally.at_least(*fail_on))
        .sum();
    let mut rejected = 0;
    let ack_lines = match &args.ack {
        Some(dir) => {
            let (text, n) = write_acks(dir, &done)?;
            rejected = n;
            text
        }
        None => String::new(),
    };
    let reports: Vec<FileReport> = done.into_iter().map(|(r, _, _)| r).collect();
    let secs = start.elapsed().as_secs_f64();
    match args.format {
        Format::Human if args.statistics => out(&(report::summary::statistics_table(&reports)
            + &report::summary::closing(&reports, secs)))?,
        Format::Json if args.statistics => {
            out(&(report::summary::statistics_json(&reports) + "\n"))?
        }
        Format::Human => {
            // A few files' data notes are printed with each file; a batch's are grouped by kind
            // so 10,000 files do not print 20,000 notes (JSON keeps each file's).
            let noted = reports
                .iter()
                .filter(|r| !r.outcome.notes.is_empty())
                .count();
            for r in &reports {
                if let Some(text) = &r.rendered {
                    out(text)?;
                    if noted <= 3 {
                        for n in &r.outcome.notes {
                            out(&format!("note: {}: {n}\n", r.path))?;
                        }
                    }
                }
            }
            if noted > 3 && render.is_some() {
                out(&grouped_notes(&reports))?;
            }
            out(&ack_lines)?;
            out(&report::summary::closing(&reports, secs))?;
        }
        Format::Json => out(&(report::json::document(&reports) + "\n"))?,
        Format::Jsonl => out(&report::json::lines(&reports))?,
        Format::Sarif => out(&(report::sarif::document(&reports) + "\n"))?,
    }
    // `claimlint ack` gates on what the 999s say; `check` on --fail-on.
    let findings = if ack_only { rejected > 0 } else { failing > 0 };
    Ok(if findings {
        Outcome2::Findings
    } else {
        Outcome2::Clean
    })
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
        text.push_str(&format!(
            "{:<7} {:<32} {:<8} {}\n",
            r.code,
            r.name,
            r.severity.as_str(),
            summary
        ));
    }
    out(&text)
}

fn tree(path: &Path) -> Result<(), CliError> {
    let input = Input::open(path).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })?;
    out(&claimlint_model::tree::render(
        &input,
        &claimlint_rules::scan_notes,
    ))
}

/// One line per kind of data note across files: the text up to "on date(s) of service", with
/// the number of files it was said of.
fn grouped_notes(reports: &[FileReport]) -> String {
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
