//! `claimlint audit`: the same inputs and settings as `check` (claimlint.toml included), the
//! audit passes, and the reports written: HTML with `-o`, CSV with `--csv`, JSON or a text
//! summary on standard output. Exit status as `check`'s on the same inputs (OUTPUT.md): 1
//! when a finding is at or above `--fail-on` (default error, or `fail-on` in the config), or
//! an input could not be read (its ENV009 on standard error, listed in `unreadable`, the other
//! inputs still audited) or a path was skipped; 2 when claimlint itself could not run or
//! write, or a report would overwrite an input of the audit (refused before anything runs).

use super::io::{create_dir, out, write_replace};
use super::{CliError, Status};
use crate::audit::{self, Options, csv, html};
use crate::cli::{AuditArgs, AuditFormat};
use crate::config::Resolved;
use crate::input::walk::Filter;
use crate::resolve::{self, Governed, Resolver};
use claimlint_data::Data;
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    refuse_overwrite(&args, &inputs.files)?;
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
    use crate::report::escape::visible;
    for u in &aggregate.unreadable {
        super::io::err(&format!(
            "error[ENV009]: {} could not be read: {}\n",
            visible(&u.path),
            visible(&u.error)
        ));
    }
    out(&match args.format {
        AuditFormat::Json => serde_json::to_string_pretty(&aggregate).unwrap_or_default() + "\n",
        AuditFormat::Human => audit::summary::text(&aggregate, &written),
    })?;
    Ok(Status::from_failed(
        aggregate.failing > 0 || !aggregate.unreadable.is_empty(),
    ))
}

/// The file at `path`, if there is one, as the same path every input resolves to.
fn canonical(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// Refuses (exit 2) to write the HTML report or a CSV table over a file being audited.
fn refuse_overwrite(args: &AuditArgs, files: &[(String, Arc<Governed>)]) -> Result<(), CliError> {
    let inputs: HashSet<PathBuf> = files
        .iter()
        .filter(|(p, _)| p != "-")
        .filter_map(|(p, _)| canonical(Path::new(p)))
        .collect();
    let mut targets: Vec<(PathBuf, &str)> = Vec::new();
    if let Some(path) = &args.output {
        targets.push((path.clone(), "the HTML report (-o)"));
    }
    if let Some(dir) = &args.csv {
        for name in csv::NAMES {
            targets.push((dir.join(name), "a CSV table (--csv)"));
        }
    }
    for (path, what) in targets {
        if canonical(&path).is_some_and(|c| inputs.contains(&c)) {
            return Err(CliError::Usage(format!(
                "refusing to write {what} to {}: it is an input of this audit; write the report outside the audited files",
                path.display()
            )));
        }
    }
    Ok(())
}
