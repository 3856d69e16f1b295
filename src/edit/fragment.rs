//! Checking a fragment: a paste that starts inside a transaction set.

use claimlint_rules::LintSettings;
use claimlint_rules::engine::{self, Outcome};

/// Checks `input`, a whole file or a fragment of one.
pub fn check(input: &[u8], settings: &LintSettings) -> Outcome {
    engine::check(input, settings)
}
