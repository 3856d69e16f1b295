//! The command layer: each command turns its flags into a run, and owns standard output, the
//! files it writes and the exit status (OUTPUT.md). Reports only format (`report`, `audit`);
//! inputs and settings come from `resolve` and `input`, the same for every command.

mod ack;
mod audit;
mod batch;
mod check;
/// One input's outcome as `claimlint check` makes it (the Python package checks bytes with it).
pub use check::outcome as check_outcome;
mod drugs;
mod fix;
mod gate;
mod info;
pub mod io;
mod show;
mod tree;

use crate::cli::{Cli, Command};
use crate::config::ConfigError;
use crate::input::walk::GlobError;
use crate::resolve::Resolver;
use claimlint_data::Data;

/// What `main` turns into an exit status: 0 or 1 (2 is an [`CliError`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Clean,
    Findings,
}

impl Status {
    pub fn from_failed(failed: bool) -> Status {
        if failed {
            Status::Findings
        } else {
            Status::Clean
        }
    }
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CliError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Glob(#[from] GlobError),
    #[error("no rule `{0}`")]
    #[diagnostic(
        code(claimlint::explain::unknown),
        help("`claimlint rules` lists every rule code and name")
    )]
    UnknownRule(String),
    #[error("cannot read {path}: {reason}")]
    #[diagnostic(code(claimlint::io))]
    Read { path: String, reason: String },
    #[error("could not start the thread pool: {0}")]
    Threads(String),
    /// Standard output was closed by its reader: exit 2 without a message.
    #[error("output closed")]
    ClosedPipe,
    #[error("{0}")]
    #[diagnostic(code(claimlint::usage))]
    Usage(String),
    #[error("language server: {0}")]
    #[diagnostic(code(claimlint::lsp))]
    Lsp(String),
    #[error("cannot write {path}: {source}")]
    #[diagnostic(code(claimlint::io))]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot render the report: {0}")]
    Render(String),
    #[error("--data-dir {dir}: {source}")]
    #[diagnostic(
        code(claimlint::data_dir),
        help(
            "--data-dir reads CMS crosswalk, HCPCS and MUE CSV files and CDC ICD-10-CM order files or CSVs (docs/data.md); `claimlint data` lists what is loaded"
        )
    )]
    DataDir {
        dir: String,
        source: Box<claimlint_data::DataError>,
    },
}

/// The diagnostics of an input that could not be read (its ENV009), on standard error, as
/// `check` prints them: for the commands whose standard output is a table or a tree, not a
/// diagnostics report (`tree`, `drugs`, `audit`).
fn not_read(diagnostics: &[claimlint_diagnostic::Diagnostic]) {
    use crate::report::escape::visible;
    let text: String = diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}[{}]: {}\n",
                d.severity.as_str(),
                d.code,
                visible(&d.message)
            )
        })
        .collect();
    io::err(&text);
}

pub fn run(cli: Cli) -> Result<Status, CliError> {
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
        Command::Check(args) => check::run(args, None, data),
        Command::Ack(a) => check::run(a.check, Some(a.output), data),
        Command::Gate(args) => gate::run(args, data),
        Command::Audit(args) => audit::run(args, data),
        Command::Drugs(args) => drugs::run(args, data),
        Command::Tree(args) => tree::run(args, data),
        Command::Show(args) => show::run(args, data),
        Command::Redact {
            file,
            output,
            max_input_size,
        } => show::redact(&file, output.as_deref(), max_input_size),
        Command::Lookup { code, format } => info::lookup(&data, &code, format),
        Command::Lsp(args) => {
            let resolver = Resolver::new(args.config.flags(data), args.config.source())?;
            crate::lsp::run(resolver, data).map_err(CliError::Lsp)?;
            Ok(Status::Clean)
        }
        Command::Data { format, json } => info::data(&data, format, json),
        Command::Rules { format } => info::rules(format),
        Command::Explain { rule } => info::explain(&rule),
    }
}
