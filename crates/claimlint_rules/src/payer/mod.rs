//! PAY: payer profiles (SNIP 7). The rules here are driven by parameters a profile sets
//! (`claimlint.toml`, or the built-in `medicare`, `medicaid`, `commercial`): which codes need a
//! prior authorization, and how many units a payer pays per line or per date. Without a profile
//! the lists are empty and the rules say nothing. The parameters reach rules through
//! `Ctx::params`, so the rules stay pure; this module must not know where they were read from.

pub mod prior_auth_missing;
pub mod quantity_limit;

use claimlint_data::SingleDoseRows;
use claimlint_model::Dec;
use std::collections::BTreeMap;

/// The rule parameters of one resolved profile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    /// The profile's name, quoted in messages so a reader knows whose list it is.
    pub profile: Option<String>,
    /// HCPCS/CPT codes, or inclusive ranges of codes of the same length (`64490-64495`), that
    /// need a prior authorization (PAY001).
    pub prior_auth: Vec<CodeRange>,
    /// Units a payer pays for a code (PAY002), keyed by the upper-case code.
    pub quantity_limits: BTreeMap<String, QuantityLimit>,
    /// The `[single-dose]` rows of the config file these settings come from (MOD001), read
    /// before the data tables by `Ctx::single_dose`. Not a profile's: every profile of one file
    /// carries the file's rows, and another file's rows never reach it.
    pub single_dose: SingleDoseRows,
    /// Which claims the JW/JZ policy (MOD001, MOD006) is checked on: Medicare
    /// fee-for-service by default, every claim, or none (`jw-jz` in claimlint.toml).
    pub jw_jz: crate::JwJzScope,
}

/// `lo..=hi`, compared as text: codes of one length sort as their values do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeRange {
    pub lo: String,
    pub hi: String,
}

impl CodeRange {
    /// `J0897` or `64490-64495`; `None` when the two ends differ in length or are reversed,
    /// since such a range would silently match codes nobody meant.
    pub fn parse(text: &str) -> Option<CodeRange> {
        let text = text.trim().to_ascii_uppercase();
        let (lo, hi) = text.split_once('-').unwrap_or((&text, &text));
        let (lo, hi) = (lo.trim(), hi.trim());
        let well_formed = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
        (well_formed(lo) && well_formed(hi) && lo.len() == hi.len() && lo <= hi).then(|| {
            CodeRange {
                lo: lo.to_string(),
                hi: hi.to_string(),
            }
        })
    }

    pub fn contains(&self, code: &str) -> bool {
        code.len() == self.lo.len() && self.lo.as_str() <= code && code <= self.hi.as_str()
    }
}

/// A payer's unit limit for one code; either part may be absent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QuantityLimit {
    pub per_line: Option<Dec>,
    /// Across the claim's lines of the code with the same date of service.
    pub per_date: Option<Dec>,
}

impl Params {
    pub fn needs_prior_auth(&self, code: &str) -> bool {
        self.prior_auth.iter().any(|r| r.contains(code))
    }

    /// "the medicare profile's" or "the profile's", for messages.
    pub fn whose(&self) -> String {
        self.profile.as_ref().map_or_else(
            || "the profile's".to_string(),
            |p| format!("the {p} profile's"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_ranges() {
        let r = CodeRange::parse("64490-64495").unwrap();
        assert!(r.contains("64490") && r.contains("64493") && r.contains("64495"));
        assert!(!r.contains("64496") && !r.contains("6449") && !r.contains("644900"));
        assert!(CodeRange::parse("j0897").unwrap().contains("J0897"));
        assert_eq!(CodeRange::parse("J0900-J0800"), None);
        assert_eq!(CodeRange::parse("J09-J0800"), None);
        assert_eq!(CodeRange::parse(""), None);
    }
}
