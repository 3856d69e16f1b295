//! Output formats. They only format: nothing here filters, orders or decides.

pub mod human;
pub mod json;
pub mod sarif;

use crate::engine::Outcome;

/// One checked input, as every format sees it.
pub struct FileReport {
    /// The path as the user gave it (or as the directory walk found it); `-` for stdin.
    pub path: String,
    pub outcome: Outcome,
    /// The human rendering, made while the input was still in memory.
    pub rendered: Option<String>,
}
