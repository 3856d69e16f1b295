//! Output formats. They only format: nothing here filters, orders or decides, and nothing
//! here writes to standard output or a file (the commands do). Imports no command-layer module.

pub mod data;
pub mod drugs;
pub mod escape;
pub mod human;
pub mod json;
pub mod lookup;
pub mod sarif;
pub mod show;
pub mod summary;
pub mod ta1;
pub mod tree;
pub mod x999;

use claimlint_rules::engine::Outcome;

/// One checked input, as every format sees it.
pub struct FileReport {
    /// The path as the user gave it (or as the directory walk found it); `-` for stdin.
    pub path: String,
    pub outcome: Outcome,
    /// The human rendering, made while the input was still in memory.
    pub rendered: Option<String>,
}

/// A path that was not read, and why (a FIFO in a directory, a broken link, a link loop...).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}
