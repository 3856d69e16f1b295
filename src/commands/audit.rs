//! `claimlint audit`: the same inputs and settings as `check` (claimlint.toml included), the
//! audit passes, and the reports written: HTML with `-o`, CSV with `--csv`, JSON or a text
//! summary on standard output. Exit status 0 (a report, not a gate) unless claimlint itself
//! could not run or write (2).

use super::io::{create_dir, out, write_replace};
use super::{CliError, Status};
use crate::audit::{self, Options, csv, html};
use crate::cli::{AuditArgs, AuditFormat};
use crate::config::Resolved;
use crate::input::walk::Filter;
use crate::resolve::{self, Resolver};
use claimlint_data::Data;
use std::io::IsTerminal;

/// `--include`, with the old `--glob` and `--ext` spellings folded in.
fn includes(args: &AuditArgs) -> Vec<String> {
    let mut include = args.input.include.clone();
    include.extend(args.glob.iter().cloned());
    for e in &args.ext {
        let e = e.trim().trim_start_matches('.');
        include.push(format!("*.{e}"));
        include.push(format!("*.{e}.gz"));
    }
    include
}

pub fn run(args: AuditArgs, data: Data) -> Result<Status, CliError> {
    let filter = Filter::new(&includes(&args), &args.input.exclude)?;
    let mut resolver = Resolver::new(args.settings.flags(None, data), args.settings.source())?;
    let inputs = resolve::gather(&args.input.paths, &filter, &mut resolver)?;
    let files: Vec<(String, &Resolved)> = inputs
        .files
        .iter()
        .map(|(p, g)| (p.clone(), &g.resolved))
        .collect();
    let options = Options {
        keep: args.keep,
        progress: std::io::stderr().is_terminal(),
        max_input_size: args.input.max_input_size,
        data,
    };
    let aggregate = audit::run(&files, &inputs.skipped, &options);
    let mut written = Vec::new();
    if let Some(path) = &args.output {
        let page =
            html::render(&aggregate, &args.title).map_err(|e| CliError::Render(e.to_string()))?;
        write_replace(path, page.as_bytes())?;
        written.push(path.display().to_string());
    }
    if let Some(dir) = &args.csv {
        let tables = csv::tables(&aggregate).map_err(|e| CliError::Render(e.to_string()))?;
        create_dir(dir)?;
        for (name, bytes) in tables {
            write_replace(&dir.join(name), &bytes)?;
        }
        written.push(format!("{}/*.csv", dir.display()));
    }
    out(&match args.format {
        AuditFormat::Json => serde_json::to_string_pretty(&aggregate).unwrap_or_default() + "\n",
        AuditFormat::Human => audit::summary::text(&aggregate, &written),
    })?;
    Ok(Status::Clean)
}
