//! `Diagnostic` and `Severity`: what every layer emits and every output format reads. There is
//! one diagnostic type for all rules; formats never filter or decide.

use crate::x12::Loc;
use serde::{Deserialize, Serialize};

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the walk stood when a diagnostic was made: ST02, CLM01, LX01 and the loop id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    pub transaction: Option<String>,
    pub claim_id: Option<String>,
    pub line_number: Option<u32>,
    pub loop_id: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub loc: Loc,
    pub context: Context,
    /// 1-based line and column of `loc.offset`; filled in once per file by the engine.
    pub line: u32,
    pub column: u32,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        severity: Severity,
        loc: Loc,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            help: None,
            loc,
            context: Context::default(),
            line: 0,
            column: 0,
        }
    }

    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}
