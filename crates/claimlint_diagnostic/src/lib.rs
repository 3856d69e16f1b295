//! `Diagnostic`, `Severity`, `Context` and `Loc`: what every layer emits and every output
//! format reads. There is one diagnostic type for all rules; formats never filter or decide.
//!
//! The leaf of the workspace: it must not know X12 parsing, claims, rules, configuration or
//! the command line (no clap here: the binary parses `--fail-on` with [`Severity::from_str`]).

mod loc;

pub use loc::{Loc, SegId};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

impl Severity {
    /// Every severity, lowest first, as the command line and config files spell them.
    pub const ALL: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Error];
}

/// A word that is not `info`, `warning` or `error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseSeverityError(pub String);

impl std::fmt::Display for ParseSeverityError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` is not a severity (info, warning, error)", self.0)
    }
}

impl std::error::Error for ParseSeverityError {}

impl FromStr for Severity {
    type Err = ParseSeverityError;

    /// `info`, `warning` or `error`, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseSeverityError(s.to_string()))
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the walk stood when a diagnostic was made: ST02, CLM01, LX01 and the loop id, as the
/// file writes them, and where the transaction set, claim and line are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    pub transaction: Option<String>,
    pub claim_id: Option<String>,
    pub line_number: Option<u32>,
    pub loop_id: Option<&'static str>,
    /// The byte offsets in the input of the set's ST, the claim's CLM and the line's LX: what
    /// tells sets, claims and lines apart (the precedence rows group findings by them). ST02,
    /// CLM01 and LX01 are what the file says, and two may say the same (every sender's first
    /// set is 0001), or nothing; segment positions repeat from one set to the next.
    pub set_at: Option<usize>,
    pub claim_at: Option<usize>,
    pub line_at: Option<usize>,
}

/// How a finding is coded in an X12 999 acknowledgment (005010X231A1). Each rule declares its
/// coding (`claimlint_rules::X999`); a rule whose findings code differently sets the coding
/// on each finding it reports (`Diagnostic::ack`). The 999 writer reads only this, never a
/// message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ack999 {
    /// IK3 with this IK304 segment syntax error code.
    Segment(&'static str),
    /// IK3 with IK304 3 (mandatory segment missing) naming the segment that is missing and
    /// the loop it belongs in (IK301 and IK303; a missing loop is named by its opening
    /// segment), at the position where it was found missing (IK302).
    Missing {
        segment: &'static str,
        in_loop: &'static str,
    },
    /// IK3 (IK304 = 8) and IK4 with this IK403 element syntax error code.
    Element(&'static str),
    /// An IK502–IK506 transaction set syntax error code, with no IK3.
    TransactionSet(&'static str),
    /// An AK905–AK909 functional group syntax error code.
    Group(&'static str),
}

/// Whether a fix may be applied without asking: `Safe` fixes cannot change what is billed or
/// paid (an NDC's 5-4-2 form, envelope counts and control numbers, trailing separators);
/// `Unsafe` ones might (a code, a unit, an amount, or a reading that must be confirmed), so
/// `claimlint check --fix` applies them only with `--unsafe-fixes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    Safe,
    Unsafe,
}

/// One edit of the input that resolves a finding: the bytes `[start, end)` of the file are
/// replaced by `replacement` (an empty replacement deletes them). Byte offsets are the
/// input's, like `Loc::offset`; fixes of one run never overlap when they come from distinct
/// elements.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
    pub safety: Safety,
}

impl Fix {
    /// Replaces the bytes a `Loc` (an element or component) spans.
    pub fn replace(loc: &Loc, replacement: impl Into<String>, safety: Safety) -> Fix {
        Fix {
            start: loc.offset,
            end: loc.offset + loc.length,
            replacement: replacement.into(),
            safety,
        }
    }
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
    /// The 999 coding of this finding, set by a rule whose findings code differently (its
    /// declaration says `PerFinding`); `None` otherwise.
    pub ack: Option<Ack999>,
    /// The segment positions `[start, end)` of its transaction set whose findings follow from
    /// this one (a broken HL displaces the segments of its own HL block): the suppression
    /// precedence reads it for its "covered" scope. `None`: it displaces nothing.
    pub covers: Option<(u32, u32)>,
    /// The other end of a segment written in the wrong place, as a segment position in its
    /// transaction set: on the STR003 where it stands, the place it was found missing from;
    /// on the STR002 at that place, where it stands. The suppression precedence's "site"
    /// scope ties the two, and only those two. `None`: no such pair.
    pub site: Option<u32>,
    /// The edit that resolves this finding, when the rule knows one (its declaration says
    /// which of its findings are fixable); `claimlint check --fix` and the language server's
    /// quick fixes apply it.
    pub fix: Option<Fix>,
    /// On a segment whose findings all follow from slipped separators (a `*` left out, one
    /// too many, or one where `:` belongs): whether this finding stands for them or follows
    /// from the slip. The suppression step keeps the one and counts the others. `None`
    /// elsewhere.
    pub realigned: Option<Realigned>,
    /// On a segment repeated too many times (STR004): whether it is the segment right
    /// before it written again byte for byte, so that what is wrong in both is one defect
    /// (the suppression step keeps the finding on the original). `false` elsewhere.
    pub verbatim_copy: bool,
    /// On the STR003 of a segment written outside its transaction set (after its SE, before
    /// its ST) that the set takes as its own (`claimlint_rules`' `structure::outside`): it
    /// explains only the findings that name it as their site (the STR002 of the gap it fills,
    /// the ENV003 of the SE01 that counts it) and what the set's walk found wrong at the
    /// segments it mends; no other precedence row takes it as a root. `false` elsewhere.
    pub outside: bool,
    /// On an STR002 whose `site` is a segment of its loop that the guide could not place,
    /// with an id the 837 does not define (`NM2` where the subscriber's N3 belongs), which may
    /// be the one segment it finds missing, written wrong (`claimlint_rules`'
    /// `structure::required_segment_missing`): only a finding on that segment suppresses it
    /// (the precedence's `Scope::Unplaced`). `false` elsewhere.
    pub site_unplaced: bool,
}

/// A finding's part in a segment read again with its separators put right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Realigned {
    /// The first finding the slip caused: reported, its help names the slip.
    Root,
    /// The same, on an HI whose codes, read with its separators put right, are diagnoses
    /// (HI01-1 ABK, BK, ABF, BF): the claim's diagnosis list was read from it misread, so
    /// what that list decides (SIT001, SIT002) follows from the slip too. A slipped
    /// condition or value code HI beside a missing principal diagnosis hides nothing.
    DiagnosisRoot,
    /// The same, for a composite written with another component separator (`11>B>1`): the
    /// whole element was misread, so other rules' findings on it follow too (CLM05-1
    /// `11>B>1` "not a place of service").
    ElementRoot,
    /// The same, for an element left out with its separator (`CLM*PAT1*2460***Y*A`): the
    /// root's element as written holds the value of the one after it, so other rules'
    /// findings on it follow too (CLM05-1 `Y` "not a place of service").
    DroppedRoot,
    /// The same, for a required component left out of a composite (`SV1*96372*…` for
    /// `SV1*HC:96372*…`): the composite's components from `from` (1-based, the one left out)
    /// on hold the values of the ones after them, so other rules' findings on them follow too
    /// (an 837I revenue line "without a HCPCS code"); the segment's other elements, and the
    /// components before, were read right. `diagnoses`: the component left out is an HI's
    /// diagnosis qualifier (ABK, BK, ABF, BF), so what the claim's diagnosis list decides
    /// (SIT001, SIT002) follows too, as for `DiagnosisRoot`.
    ComponentRoot { from: u8, diagnoses: bool },
    /// Another finding the slip caused: suppressed when the segment's root is reported.
    Follows,
}

impl Realigned {
    /// The finding that stands for the slip (any but `Follows`).
    pub fn is_root(self) -> bool {
        self != Realigned::Follows
    }
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
            ack: None,
            covers: None,
            site: None,
            fix: None,
            realigned: None,
            verbatim_copy: false,
            outside: false,
            site_unplaced: false,
        }
    }

    /// Sets the 999 coding of this finding (for rules declared `X999::PerFinding`).
    pub fn ack(&mut self, ack: Ack999) -> &mut Self {
        self.ack = Some(ack);
        self
    }

    /// Attaches the edit that resolves this finding.
    pub fn fix(&mut self, fix: Fix) -> &mut Self {
        self.fix = Some(fix);
        self
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_parse_as_they_print() {
        for s in Severity::ALL {
            assert_eq!(s.as_str().parse::<Severity>(), Ok(s));
        }
        assert_eq!("Warning".parse::<Severity>(), Ok(Severity::Warning));
        assert!("fatal".parse::<Severity>().is_err());
    }
}
