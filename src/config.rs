//! Which rules run and at what severity: the resolved settings every run uses. `claimlint.toml`
//! and profiles feed into this later; for now the command line does.

use crate::diagnostic::Severity;
use crate::rules::{RULES, Rule};
use std::collections::HashMap;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ConfigError {
    #[error("unknown rule selector `{0}`")]
    #[diagnostic(code(claimlint::config::unknown_rule), help("use a rule code (NDC004), a name (ndc-hcpcs-mismatch) or a prefix (NDC, NDC00); `claimlint rules` lists them"))]
    UnknownRule(String),
    #[error("bad severity override `{0}`")]
    #[diagnostic(code(claimlint::config::bad_severity), help("write CODE=LEVEL with LEVEL one of error, warning, info, e.g. --severity NDC001=error"))]
    BadSeverity(String),
}

/// The rules enabled for a run, each with its effective severity.
#[derive(Clone, Debug)]
pub struct Settings {
    pub rules: Vec<(&'static Rule, Severity)>,
    by_code: HashMap<&'static str, Severity>,
    pub fail_on: Severity,
    /// Stop keeping diagnostics for a file after this many (they are still counted).
    pub max_diagnostics: Option<usize>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::new(RULES.iter().map(|r| (*r, r.severity)).collect(), Severity::Error)
    }
}

/// Rules matched by a selector: a code, a name, or a code prefix (`NDC`, `NDC00`); `ALL`.
pub fn matching(selector: &str) -> Result<Vec<&'static Rule>, ConfigError> {
    let s = selector.trim();
    if s.eq_ignore_ascii_case("ALL") {
        return Ok(RULES.to_vec());
    }
    let upper = s.to_ascii_uppercase();
    let found: Vec<_> = RULES.iter().copied().filter(|r| r.code.starts_with(&upper) || r.name.eq_ignore_ascii_case(s)).collect();
    if found.is_empty() { Err(ConfigError::UnknownRule(s.to_string())) } else { Ok(found) }
}

impl Settings {
    pub fn new(rules: Vec<(&'static Rule, Severity)>, fail_on: Severity) -> Self {
        let by_code = rules.iter().map(|(r, s)| (r.code, *s)).collect();
        Settings { rules, by_code, fail_on, max_diagnostics: None }
    }

    /// select / ignore / severity overrides, in ruff's manner: start from `select` (default
    /// all), remove `ignore`, then apply overrides.
    pub fn from_selectors(select: &[String], ignore: &[String], severity: &[String], fail_on: Severity) -> Result<Self, ConfigError> {
        let mut chosen: Vec<&'static Rule> = Vec::new();
        if select.is_empty() {
            chosen.extend(RULES.iter().copied());
        }
        for s in select {
            for r in matching(s)? {
                if !chosen.iter().any(|c| c.code == r.code) {
                    chosen.push(r);
                }
            }
        }
        for s in ignore {
            let drop = matching(s)?;
            chosen.retain(|r| !drop.iter().any(|d| d.code == r.code));
        }
        chosen.sort_by_key(|r| r.code);
        let mut rules: Vec<_> = chosen.into_iter().map(|r| (r, r.severity)).collect();
        for o in severity {
            let (sel, level) = o.split_once('=').ok_or_else(|| ConfigError::BadSeverity(o.clone()))?;
            let level = match level.trim().to_ascii_lowercase().as_str() {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                "info" => Severity::Info,
                _ => return Err(ConfigError::BadSeverity(o.clone())),
            };
            for r in matching(sel)? {
                for entry in rules.iter_mut().filter(|(e, _)| e.code == r.code) {
                    entry.1 = level;
                }
            }
        }
        Ok(Settings::new(rules, fail_on))
    }

    /// The severity a code runs at, or `None` when the rule is not enabled.
    pub fn severity(&self, code: &str) -> Option<Severity> {
        self.by_code.get(code).copied()
    }

    /// Whether the severity `configured` for a rule differs from the rule's default.
    pub fn overridden(&self, code: &str) -> bool {
        RULES.iter().find(|r| r.code == code).zip(self.severity(code)).is_some_and(|(r, s)| r.severity != s)
    }
}
