//! `claimlint tree`: the loop tree of each input, read through the same inputs and settings as
//! every command (`resolve`: the walk, claimlint.toml discovery and its include/exclude,
//! `--config`, `--profile`). With several inputs, each tree is headed by its path. Control
//! characters of the input are shown escaped. `--format json` prints the trees as data.
//! Fails closed like `check`: an input that cannot be read is its ENV009 (on standard error in
//! the human format, in the document with JSON), a path skipped is listed, the other inputs
//! are still printed, and the exit status is 1.

use super::io::out;
use super::{CliError, Status, not_read};
use crate::cli::{ListFormat, TreeArgs};
use crate::input::Input;
use crate::input::walk::Filter;
use crate::report::Skipped;
use crate::report::escape::visible;
use crate::report::tree::{self, TreeFile};
use crate::resolve::{self, Resolver};
use claimlint_data::Data;
use claimlint_model::tree::{build_tree, text};
use std::path::Path;

pub fn run(args: TreeArgs, data: Data) -> Result<Status, CliError> {
    let filter = Filter::new(&args.input.include, &args.input.exclude)?;
    let mut resolver = Resolver::new(args.config.flags(data), args.config.source())?;
    let inputs = resolve::gather(&args.input.paths, &filter, &mut resolver)?;
    let skipped: Vec<Skipped> = inputs
        .skipped
        .into_iter()
        .map(|(path, reason)| Skipped { path, reason })
        .collect();
    let many = inputs.files.len() + skipped.len() > 1;
    let human = args.format == ListFormat::Human;
    let mut files = Vec::new();
    let mut unread = false;
    for (path, _) in &inputs.files {
        let file = match Input::open(Path::new(path), args.input.max_input_size) {
            Ok(input) => TreeFile {
                path: path.clone(),
                tree: Some(build_tree(&input, &claimlint_rules::scan_notes)),
                diagnostics: Vec::new(),
            },
            Err(e) => {
                unread = true;
                TreeFile {
                    path: path.clone(),
                    tree: None,
                    diagnostics: vec![claimlint_rules::input_unreadable(path, &e)],
                }
            }
        };
        if human {
            print_human(&file, many)?;
        } else {
            files.push(file);
        }
    }
    if human {
        super::io::err(&crate::report::summary::skipped_lines(&skipped));
    } else {
        out(&tree::json(&files, &skipped))?;
    }
    Ok(Status::from_failed(unread || !skipped.is_empty()))
}

/// One input's tree on standard output, or its ENV009 on standard error.
fn print_human(file: &TreeFile, many: bool) -> Result<(), CliError> {
    let Some(t) = &file.tree else {
        not_read(&file.diagnostics);
        return Ok(());
    };
    if many {
        out(&format!("== {}\n", visible(&file.path)))?;
    }
    out(&visible(&text(t)))
}
