//! `claimlint tree`: the loop tree of each input, read through the same input layer as every
//! command (gzip, streams capped, directories walked). With several inputs, each tree is
//! headed by its path. Control characters of the input are shown escaped. An input that cannot
//! be read, or a path skipped, is an error of the run (2).

use super::io::out;
use super::{CliError, Status};
use crate::cli::TreeArgs;
use crate::input::Input;
use crate::input::walk::{self, Entry, Filter};
use crate::report::escape::visible;
use std::path::Path;

pub fn run(args: TreeArgs) -> Result<Status, CliError> {
    let filter = Filter::new(&args.input.include, &args.input.exclude)?;
    let entries = walk::walk(&args.input.paths, &filter, crate::config::FILE_NAMES);
    let many = entries.len() > 1;
    for entry in entries {
        let path = match entry {
            Entry::File { path, .. } => path,
            Entry::Skipped { path, reason } => {
                return Err(CliError::Read {
                    path,
                    reason: format!("skipped: {reason}"),
                });
            }
        };
        let input = Input::open(Path::new(&path), args.input.max_input_size).map_err(|e| {
            CliError::Read {
                path: path.clone(),
                reason: e.to_string(),
            }
        })?;
        if many {
            out(&format!("== {}\n", visible(&path)))?;
        }
        out(&visible(&claimlint_model::tree::render(
            &input,
            &claimlint_rules::scan_notes,
        )))?;
    }
    Ok(Status::Clean)
}
