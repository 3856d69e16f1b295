//! `claimlint check --fix` and `--diff`: each input is checked and its fixable findings
//! fixed (`edit::fix`), round after round; `--fix` writes the file back atomically (a
//! temporary file renamed over it), `--diff` prints what would change. Standard input has no
//! file to rewrite: `--fix` with `-` is a usage error (`--diff` reads it). A gzip file is not
//! rewritten (its offsets are those of the inflated text). A file wrapped at a fixed width
//! is fixed unwrapped and written back wrapped at the same width.

use super::io::{err, out, write_replace};
use super::{CliError, Status};
use crate::cli::CheckArgs;
use crate::edit::fix::{Fixed, fix_all, unified_diff};
use crate::resolve::Inputs;
use claimlint_x12::folded::Folding;

/// The bytes of one input as they are on disk (standard input for `-`).
fn raw(path: &str, args: &CheckArgs) -> Result<Vec<u8>, CliError> {
    if path == "-" {
        if args.fix {
            return Err(CliError::Usage(
                "--fix rewrites files in place, and standard input (`-`) is not a file: save it to a file, or use --diff to print the fixes".into(),
            ));
        }
        let input = crate::input::Input::open(std::path::Path::new("-"), args.input.max_input_size)
            .map_err(|e| read_error(path, &e))?;
        return Ok(input.to_vec());
    }
    let bytes = std::fs::read(path).map_err(|e| read_error(path, &e))?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(CliError::Usage(format!(
            "{path} is gzip-compressed: --fix and --diff edit plain files; decompress it first"
        )));
    }
    Ok(bytes)
}

fn read_error(path: &str, e: &std::io::Error) -> CliError {
    CliError::Read {
        path: path.to_string(),
        reason: e.to_string(),
    }
}

/// One line on standard error about what fixing `path` did (nothing when nothing was fixable).
fn summary(path: &str, fixed: &Fixed, wrote: bool) -> String {
    let mut text = String::new();
    if !fixed.applied.is_empty() {
        let mut codes = fixed.applied.clone();
        codes.sort_unstable();
        codes.dedup();
        let verb = if wrote { "fixed" } else { "would fix" };
        text.push_str(&format!(
            "{path}: {verb} {} finding{} ({})\n",
            fixed.applied.len(),
            if fixed.applied.len() == 1 { "" } else { "s" },
            codes.join(", ")
        ));
    }
    if fixed.unsafe_left > 0 {
        text.push_str(&format!(
            "{path}: {} more fix{} available with --unsafe-fixes\n",
            fixed.unsafe_left,
            if fixed.unsafe_left == 1 { "" } else { "es" }
        ));
    }
    text
}

/// Fixes every input (`--fix`) or prints the diff (`--diff`). Returns the run's status for
/// `--diff` (1 when something would change); `None` after `--fix`, whose run goes on to
/// check the fixed files.
pub fn run(args: &CheckArgs, inputs: &Inputs) -> Result<Option<Status>, CliError> {
    let mut diff = String::new();
    let mut notes = String::new();
    let mut changed = false;
    for (path, governed) in &inputs.files {
        let before = raw(path, args)?;
        let mut settings = governed.resolved.for_input(&before).clone();
        settings.max_diagnostics = None;
        let check = |b: &[u8]| crate::edit::fragment::check(b, &settings).diagnostics;
        // A file wrapped at a fixed width is fixed unwrapped and wrapped again as it was, so
        // an edit that changes a length does not leave it wrapped unevenly.
        // The diff shows segments, so a wrapped file's diff is of its unwrapped segments.
        let (fold, flat) = Folding::unwrapped(&before);
        let mut fixed = fix_all(&flat, args.unsafe_fixes, &check);
        if args.diff {
            diff.push_str(&unified_diff(path, &flat, &fixed.bytes));
        }
        if let Some(fold) = fold {
            fixed.bytes = fold.fold(&fixed.bytes);
        }
        let differs = fixed.bytes != before;
        changed |= differs;
        if !args.diff && differs {
            write_replace(std::path::Path::new(path), &fixed.bytes)?;
        }
        notes.push_str(&summary(path, &fixed, args.fix));
    }
    err(&notes);
    if args.diff {
        out(&diff)?;
        return Ok(Some(Status::from_failed(changed)));
    }
    Ok(None)
}
