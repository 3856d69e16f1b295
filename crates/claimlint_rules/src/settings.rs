//! `LintSettings`: what one run of the rules over one input needs to know: which rules run and
//! at what severity, how many diagnostics to keep, the profile's parameters (with the config
//! file's own facts, such as its `[single-dose]` rows) and the reference data handle. The
//! binary's config layer builds it from `claimlint.toml`, profiles and flags; this crate never
//! reads a file or a flag, and nothing here is shared between two settings values.

use crate::{Params, RULES, Rule};
use claimlint_data::Data;
use claimlint_diagnostic::Severity;
use std::collections::HashMap;
use std::sync::Arc;

/// The rules enabled for a run, each with its effective severity, and what they read.
#[derive(Clone, Debug)]
pub struct LintSettings {
    /// Enabled rules, sorted by code, each at the severity it reports at.
    pub rules: Vec<(&'static Rule, Severity)>,
    by_code: HashMap<&'static str, Severity>,
    /// Stop keeping diagnostics for an input after this many (they are still counted).
    pub max_diagnostics: Option<usize>,
    /// What rules read through `Ctx::params`; shared by every thread of the run.
    pub params: Arc<Params>,
    /// The reference data rules read through `Ctx::data`.
    pub data: Data,
}

impl Default for LintSettings {
    /// Every rule at its default severity, no profile, the embedded data.
    fn default() -> Self {
        LintSettings::new(RULES.iter().map(|r| (*r, r.severity)).collect())
    }
}

impl LintSettings {
    pub fn new(rules: Vec<(&'static Rule, Severity)>) -> Self {
        let by_code = rules.iter().map(|(r, s)| (r.code, *s)).collect();
        LintSettings {
            rules,
            by_code,
            max_diagnostics: None,
            params: Arc::new(Params::default()),
            data: Data::embedded(),
        }
    }

    /// The same rules with other profile parameters (tests and the resolver use this).
    pub fn with_params(mut self, params: Params) -> Self {
        self.params = Arc::new(params);
        self
    }

    /// The same rules over other reference data (`--data-dir`).
    pub fn with_data(mut self, data: Data) -> Self {
        self.data = data;
        self
    }

    /// Sets the severity of an enabled rule; a rule that is not enabled stays off.
    pub fn set_severity(&mut self, code: &str, level: Severity) {
        for entry in self.rules.iter_mut().filter(|(r, _)| r.code == code) {
            entry.1 = level;
            self.by_code.insert(entry.0.code, level);
        }
    }

    /// The severity a code runs at, or `None` when the rule is not enabled.
    pub fn severity(&self, code: &str) -> Option<Severity> {
        self.by_code.get(code).copied()
    }

    /// Whether the severity configured for a rule differs from the rule's default.
    pub fn overridden(&self, code: &str) -> bool {
        RULES
            .iter()
            .find(|r| r.code == code)
            .zip(self.severity(code))
            .is_some_and(|(r, s)| r.severity != s)
    }
}
