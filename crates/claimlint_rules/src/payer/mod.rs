//! PAY: payer profiles (SNIP 7). The rules here are driven by parameters a profile sets
//! (`claimlint.toml`, or the built-in `medicare`, `medicaid`, `commercial`): which codes need a
//! prior authorization, and how many units a payer pays per line or per date. Without a profile
//! the lists are empty and the rules say nothing. The parameters reach rules through
//! `Ctx::params`, so the rules stay pure; this module must not know where they were read from.

pub mod prior_auth_missing;
pub mod quantity_limit;

use claimlint_data::{PriorAuthRow, SingleDoseRows};
use claimlint_model::Dec;
use std::collections::BTreeMap;

/// The rule parameters of one resolved profile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    /// The profile's name, quoted in messages so a reader knows whose list it is.
    pub profile: Option<String>,
    /// The prior-authorization list (PAY001): codes and the conditions under which they need
    /// an authorization.
    pub prior_auth: Vec<PriorAuthEntry>,
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

/// One entry of a prior-authorization list: codes that need an authorization, and the
/// conditions under which they do. Every condition must hold; an empty one holds always.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PriorAuthEntry {
    pub codes: Vec<CodeRange>,
    /// Companion codes: the entry applies only when one of them is billed on another line of
    /// the claim with the same date of service (botulinum toxin J0585 with 64612).
    pub with: Vec<CodeRange>,
    /// The settings the entry applies in: 837I facility type codes (`13` for bill type 13x)
    /// and 837P places of service (`22`). Both empty: every setting; else only those named,
    /// so an entry naming only places of service never applies to an 837I.
    pub bill_types: Vec<String>,
    pub places_of_service: Vec<String>,
    /// First and last dates of service (YYYYMMDD) the entry applies to.
    pub from: Option<u32>,
    pub until: Option<u32>,
    /// CMS's service category, for messages (`Botulinum toxin injections`).
    pub category: Option<String>,
    /// Where the entry comes from (document, date, quoted words).
    pub source: Option<String>,
}

impl PriorAuthEntry {
    /// An entry for codes with no conditions.
    pub fn codes(codes: Vec<CodeRange>) -> Self {
        PriorAuthEntry {
            codes,
            ..PriorAuthEntry::default()
        }
    }

    /// An entry of a built-in list (`data/prior_auth_*.tsv`, checked by build.rs); `None`
    /// only if a row escaped that check.
    pub fn from_row(row: &PriorAuthRow) -> Option<Self> {
        let list = |text: &str, parse: fn(&str) -> Option<String>| -> Option<Vec<String>> {
            text.split(',')
                .filter(|p| !p.trim().is_empty())
                .map(parse)
                .collect()
        };
        Some(PriorAuthEntry {
            codes: Self::parse_codes(row.codes)?,
            with: Self::parse_codes(row.with)?,
            bill_types: list(row.bill_types, Self::parse_bill_type)?,
            places_of_service: list(row.places_of_service, Self::parse_place)?,
            from: Some(row.from),
            until: row.until,
            category: Some(row.category.to_string()).filter(|c| !c.is_empty()),
            source: Some(row.source.to_string()),
        })
    }

    /// `64490,64633-64636`: codes and ranges, comma-separated; `None` if any part is bad.
    pub fn parse_codes(text: &str) -> Option<Vec<CodeRange>> {
        text.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(CodeRange::parse)
            .collect()
    }

    /// `13x`, `13X` or `13`: an 837I facility type code (the first two digits of the type of
    /// bill), as CLM05-1 carries it.
    pub fn parse_bill_type(text: &str) -> Option<String> {
        let t = text.trim();
        let t = t.strip_suffix(['x', 'X']).unwrap_or(t);
        (t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.to_string())
    }

    /// A place of service code: two digits.
    pub fn parse_place(text: &str) -> Option<String> {
        let t = text.trim();
        (t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.to_string())
    }

    pub fn lists(&self, code: &str) -> bool {
        self.codes.iter().any(|r| r.contains(code))
    }

    /// Whether the entry applies on a date of service; an unknown date counts only for an
    /// entry still in force.
    pub fn in_force(&self, dos: Option<u32>) -> bool {
        match dos {
            Some(d) => self.from.is_none_or(|f| f <= d) && self.until.is_none_or(|u| d <= u),
            None => self.until.is_none(),
        }
    }

    /// Whether the entry applies in a setting: `institutional` with the claim's facility
    /// type code, or professional with the line's place of service.
    pub fn in_setting(&self, institutional: bool, code: Option<&[u8]>) -> bool {
        if self.bill_types.is_empty() && self.places_of_service.is_empty() {
            return true;
        }
        let list = if institutional {
            &self.bill_types
        } else {
            &self.places_of_service
        };
        code.is_some_and(|c| list.iter().any(|l| l.as_bytes() == c))
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
    /// Whether any entry of the prior-authorization list names the code, whatever its
    /// conditions.
    pub fn lists_for_prior_auth(&self, code: &str) -> bool {
        self.prior_auth.iter().any(|e| e.lists(code))
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

    #[test]
    fn prior_auth_entry_parts() {
        let codes = PriorAuthEntry::parse_codes("64490, 64633-64636").unwrap();
        assert_eq!(codes.len(), 2);
        assert_eq!(PriorAuthEntry::parse_codes("64490,J09-J0800"), None);
        assert_eq!(
            PriorAuthEntry::parse_bill_type("13x").as_deref(),
            Some("13")
        );
        assert_eq!(PriorAuthEntry::parse_bill_type("13").as_deref(), Some("13"));
        assert_eq!(PriorAuthEntry::parse_bill_type("1x"), None);
        assert_eq!(PriorAuthEntry::parse_place("22").as_deref(), Some("22"));
        assert_eq!(PriorAuthEntry::parse_place("2A"), None);
        let e = PriorAuthEntry {
            codes,
            bill_types: vec!["13".into()],
            places_of_service: vec!["19".into(), "22".into()],
            from: Some(20230701),
            until: Some(20240804),
            ..PriorAuthEntry::default()
        };
        assert!(e.in_setting(true, Some(b"13")) && !e.in_setting(true, Some(b"11")));
        assert!(e.in_setting(false, Some(b"22")) && !e.in_setting(false, Some(b"11")));
        assert!(!e.in_setting(false, None));
        assert!(e.in_force(Some(20240101)) && !e.in_force(Some(20240805)));
        assert!(!e.in_force(Some(20230630)) && !e.in_force(None));
        assert!(PriorAuthEntry::codes(vec![]).in_setting(false, None));
    }
}
