//! `claimlint drugs`: every drug line of the inputs, under each input's own settings (the
//! same walk, config discovery and flags as `check`). The exit status is `check`'s on the same
//! inputs (OUTPUT.md): 1 when a diagnostic of an input, on a drug line or not, is at or above
//! `--fail-on` (default error), or an input could not be read (its ENV009 on standard error,
//! the other inputs' rows still printed) or a path was skipped; else 0.

use super::io::out;
use super::{CliError, Status, not_read};
use crate::cli::{DrugsArgs, DrugsFormat};
use crate::input::Input;
use crate::input::walk::Filter;
use crate::report::Skipped;
use crate::report::drugs::{self, DrugRow};
use crate::resolve::{self, Resolver};
use claimlint_data::Data;
use claimlint_diagnostic::Diagnostic;
use rayon::prelude::*;
use std::path::Path;

/// One input: its rows and how many of its diagnostics fail it, or the ENV009 of an input not
/// read.
type FileRows = Result<(Vec<DrugRow>, u64), Vec<Diagnostic>>;

pub fn run(args: DrugsArgs, data: Data) -> Result<Status, CliError> {
    let filter = Filter::new(&args.input.include, &args.input.exclude)?;
    let mut resolver = Resolver::new(args.settings.flags(None, data), args.settings.source())?;
    let inputs = resolve::gather(&args.input.paths, &filter, &mut resolver)?;
    let limit = args.input.max_input_size;
    let per_file: Vec<FileRows> = inputs
        .files
        .par_iter()
        .map(|(path, governed)| {
            let input = Input::open(Path::new(path), limit)
                .map_err(|e| vec![claimlint_rules::input_unreadable(path, &e)])?;
            let settings = governed.resolved.for_input(&input);
            let (rows, tally) = drugs::file_rows_tally(path, &input, settings);
            Ok((rows, tally.at_least(settings.fail_on)))
        })
        .collect();
    let (mut rows, mut failing, mut unread) = (Vec::new(), 0, false);
    for r in per_file {
        match r {
            Ok((file_rows, n)) => {
                rows.extend(file_rows);
                failing += n;
            }
            Err(diagnostics) => {
                unread = true;
                not_read(&diagnostics);
            }
        }
    }
    let skipped: Vec<Skipped> = inputs
        .skipped
        .into_iter()
        .map(|(path, reason)| Skipped { path, reason })
        .collect();
    super::io::err(&crate::report::summary::skipped_lines(&skipped));
    out(&match args.format {
        DrugsFormat::Human => drugs::human(&rows),
        DrugsFormat::Csv => drugs::csv(&rows),
        DrugsFormat::Json => drugs::json(&rows),
    })?;
    Ok(Status::from_failed(
        failing > 0 || unread || !skipped.is_empty(),
    ))
}
