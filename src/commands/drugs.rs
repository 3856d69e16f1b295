//! `claimlint drugs`: every drug line of the inputs, under each input's own settings (the
//! same walk, config discovery and flags as `check`). Exit status 0 (it is a view, not a
//! gate); an input that could not be read, or a path skipped by the walk, is an error of the
//! run (2), so no table is printed that silently leaves a file out.

use super::io::out;
use super::{CliError, Status};
use crate::cli::{DrugsArgs, DrugsFormat};
use crate::input::Input;
use crate::input::walk::Filter;
use crate::report::drugs::{self, DrugRow};
use crate::resolve::{self, Resolver};
use claimlint_data::Data;
use rayon::prelude::*;
use std::path::Path;

pub fn run(args: DrugsArgs, data: Data) -> Result<Status, CliError> {
    let filter = Filter::new(&args.input.include, &args.input.exclude)?;
    let mut resolver = Resolver::new(args.settings.flags(None, data), args.settings.source())?;
    let inputs = resolve::gather(&args.input.paths, &filter, &mut resolver)?;
    if let Some((path, reason)) = inputs.skipped.first() {
        return Err(CliError::Read {
            path: path.clone(),
            reason: format!("skipped: {reason}"),
        });
    }
    let limit = args.input.max_input_size;
    let per_file: Vec<Result<Vec<DrugRow>, CliError>> = inputs
        .files
        .par_iter()
        .map(|(path, governed)| {
            let input = Input::open(Path::new(path), limit).map_err(|e| CliError::Read {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            Ok(drugs::file_rows(
                path,
                &input,
                governed.resolved.for_input(&input),
            ))
        })
        .collect();
    let mut rows = Vec::new();
    for r in per_file {
        rows.extend(r?);
    }
    out(&match args.format {
        DrugsFormat::Human => drugs::human(&rows),
        DrugsFormat::Csv => drugs::csv(&rows),
        DrugsFormat::Json => drugs::json(&rows),
    })?;
    Ok(Status::Clean)
}
