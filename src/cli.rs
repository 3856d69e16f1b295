//! The command line, as clap reads it: the flags and nothing else. The argument groups every
//! command shares ([`InputArgs`], [`SettingsArgs`]) are declared once, so `check`, `ack`,
//! `audit`, `drugs` and `tree` take the same input flags and the same config flags
//! ([`ConfigArgs`]), and all but `tree` (which runs no rule) the same rule flags. `commands`
//! turns them into a run.

use crate::config::Flags;
use crate::resolve::Source;
use claimlint_data::Data;
use claimlint_diagnostic::Severity;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "claimlint", version = crate::report::data::version_text(), about = "A linter for X12 837 health-care claims (837P 005010X222A1, 837I 005010X223A2)")]
pub struct Cli {
    /// Worker threads (default: one per core). Output is identical for any count.
    #[arg(long, global = true)]
    pub threads: Option<usize>,
    /// Load newer reference files from DIR (CMS crosswalk, HCPCS and MUE CSVs, CDC ICD-10-CM
    /// order files or CSVs; docs/data.md); they answer before the data compiled in.
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// `info`, `warning` or `error` for a `Severity` flag: `claimlint_diagnostic` has no clap.
pub fn severity_parser() -> impl clap::builder::TypedValueParser<Value = Severity> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Severity::ALL.map(Severity::as_str))
        .try_map(|s| s.parse::<Severity>())
}

fn size(text: &str) -> Result<u64, String> {
    crate::input::parse_size(text)
}

/// Which paths are read, for every command that reads claim files.
#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// Files or directories (searched recursively: every regular file, symbolic links
    /// followed); `-` reads standard input. gzip is read transparently.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// In directories, read only files matching these globs (against the path below the
    /// directory, or the name); comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub include: Vec<String>,
    /// In directories, leave out files and directories matching these globs (the path below
    /// the directory, or any one name in it); comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Largest input read from standard input, a FIFO or a device, and largest inflated gzip:
    /// bytes, or with K, M, G (powers of 1024). Past it the input is ENV009.
    #[arg(long, value_name = "SIZE", value_parser = size, default_value = "4G")]
    pub max_input_size: u64,
}

/// Which rules run and how: the same flags, and the same config discovery, for every command
/// that runs rules.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SettingsArgs {
    /// Rules to run: codes, names or prefixes (NDC, NDC00), comma-separated. Default: all.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Rules not to run (codes, names or prefixes).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Rules to run in addition to those selected (by the config or --select).
    #[arg(long, value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Override a rule's severity: CODE=error|warning|info (repeatable).
    #[arg(long = "severity")]
    pub severity: Vec<String>,
    /// Lowest severity that makes the exit status 1 (default: error, or `fail-on` in the config).
    #[arg(long, value_parser = severity_parser())]
    pub fail_on: Option<Severity>,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Which claimlint.toml governs each input, and the profile: what every command that reads
/// claim files resolves the same way, `tree` included (which runs no rule, so takes no rule
/// flag and no `--fail-on`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ConfigArgs {
    /// Config file to use instead of the nearest claimlint.toml above each input.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Read no claimlint.toml.
    #[arg(long)]
    pub no_config: bool,
    /// Payer profile: medicare, medicaid, commercial, or one defined under [profiles.NAME] in
    /// claimlint.toml.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

impl ConfigArgs {
    /// The flags as the resolver takes them, with no rule flag.
    pub fn flags(&self, data: Data) -> Flags {
        Flags {
            profile: self.profile.clone(),
            data,
            ..Flags::default()
        }
    }

    pub fn source(&self) -> Source {
        match (&self.config, self.no_config) {
            (_, true) => Source::Nothing,
            (Some(c), false) => Source::File(c.clone()),
            (None, false) => Source::Discover,
        }
    }
}

impl SettingsArgs {
    /// The flags as the resolver takes them, over the run's reference data.
    pub fn flags(&self, max_diagnostics: Option<usize>, data: Data) -> Flags {
        Flags {
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            severity: self.severity.clone(),
            fail_on: self.fail_on,
            max_diagnostics,
            profile: self.config.profile.clone(),
            data,
        }
    }

    pub fn source(&self) -> Source {
        self.config.source()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Jsonl,
    Sarif,
}

/// Formats of the listing commands (`rules`, `data`): no SARIF or JSON Lines form exists, so
/// asking for one is refused (exit 2), never answered with the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DrugsFormat {
    Human,
    Csv,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// A short text summary.
    Human,
    /// The aggregate as one JSON document (docs/audit.md).
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Print how often each rule fired instead of each diagnostic (human and json formats).
    #[arg(long)]
    pub statistics: bool,
    /// Also write a 999 acknowledgment for each input interchange into DIR.
    #[arg(long, value_name = "DIR")]
    pub ack: Option<PathBuf>,
    /// Keep at most N diagnostics per file (all are still counted in the summary).
    #[arg(long)]
    pub max_diagnostics: Option<usize>,
    /// Colour in human output: auto (when standard output is a terminal), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Print only the summary line in human output.
    #[arg(long, short)]
    pub quiet: bool,
    /// Apply the safe fixes of fixable findings (`claimlint rules` lists them) to each file,
    /// in place and atomically, then report what is left (docs/fixes.md).
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff, also apply unsafe fixes (which may change what is billed).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes --fix would make as a unified diff (one segment per line) and change
    /// nothing; exit status 1 when there is something to fix.
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
}

#[derive(clap::Args, Debug)]
pub struct AckArgs {
    /// Directory the 999 (and TA1) files are written to (created if missing). A file already
    /// there is never overwritten: a new one gets the next free name (`.2.999`, `.3.999`...).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(clap::Args, Debug)]
pub struct DrugsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[arg(long, value_enum, default_value = "human")]
    pub format: DrugsFormat,
}

#[derive(clap::Args, Debug)]
pub struct TreeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// `tree` resolves its inputs exactly as `check` does (claimlint.toml discovery,
    /// `--config`, `--no-config`, `--profile`, the config's include/exclude); it runs no
    /// rule, so it takes no rule flag and no `--fail-on`.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// human: the indented tree; json: the same tree as data (docs/pipelines.md).
    #[arg(long, value_enum, default_value = "human")]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// Text for the terminal.
    Human,
    /// A self-contained HTML page.
    Html,
}

#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[arg(long, value_enum, default_value = "human")]
    pub format: ShowFormat,
    /// Write the view to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Write the HTML report here.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Write the tables as CSV files into this directory.
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value = "human")]
    pub format: AuditFormat,
    /// Old name of --include.
    #[arg(long, value_delimiter = ',', hide = true)]
    pub glob: Vec<String>,
    /// Old filter: read only files with these extensions (each as --include '*.EXT' and
    /// '*.EXT.gz').
    #[arg(long, value_delimiter = ',', hide = true)]
    pub ext: Vec<String>,
    /// Keep this many findings (most money at risk first) for the findings table.
    #[arg(long, default_value_t = 5000)]
    pub keep: usize,
    /// Title of the HTML report.
    #[arg(long, default_value = "Claim audit")]
    pub title: String,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check 837 files and report diagnostics.
    Check(CheckArgs),
    /// Print the loop tree claimlint built for a file (loops, segment positions, CLM01/LX01).
    Tree(TreeArgs),
    /// Print every segment with its position, loop, element names and values, and the
    /// findings inline (`--format html` for a self-contained page).
    Show(ShowArgs),
    /// Replace the PHI of an 837 (names, member ids, dates of birth, addresses, free text)
    /// with consistent fake values, keeping structure, counts, codes, NDCs and amounts, so
    /// the same diagnostics fire: for sharing a failing file.
    Redact {
        /// The file to redact (`-`: standard input).
        file: PathBuf,
        /// Write the redacted file here (atomically) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long, value_name = "SIZE", value_parser = size, default_value = "4G")]
        max_input_size: u64,
    },
    /// List every rule: code, name, severity, fix, summary.
    Rules {
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
    },
    /// Print a rule's documentation, by code (NDC004) or name (ndc-hcpcs-mismatch).
    Explain { rule: String },
    /// Audit many claim files: all rules plus cross-file duplicates and dose intervals, summed
    /// by rule, file, provider, drug and month into an HTML, CSV or JSON report (docs/audit.md).
    Audit(AuditArgs),
    /// Write an X12 999 acknowledgment (005010X231A1) for each input interchange, or a TA1
    /// for one whose ISA/IEA cannot be read.
    Ack(AckArgs),
    /// List every drug line: billed code, units, NDC and CTP beside the crosswalk's drug,
    /// code and units, and the rules that fired on the line.
    Drugs(DrugsArgs),
    /// What the reference data says about an NDC (any form), HCPCS code, modifier or ICD-10-CM code.
    Lookup {
        code: String,
        /// human: the text; json: the same facts as data (docs/pipelines.md).
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
    },
    /// List the reference data sets: name, version, effective dates, rows, source.
    Data {
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
        /// Old spelling of --format json.
        #[arg(long, hide = true)]
        json: bool,
    },
}
