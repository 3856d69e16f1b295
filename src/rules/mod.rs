//! Rules: the registry (`RULES`, the one place a code meets a rule), the `declare_rule!` macro,
//! the scopes a rule can see (`Check`) and `Ctx`, through which rules report. Rules are pure:
//! they read the model and the embedded data, never the file system or global state.

use crate::diagnostic::{Context, Diagnostic, Severity};
use crate::model::{Claim, DrugLine, ServiceLine, Transaction};
use crate::x12::Loc;
use crate::x12::envelope::{Interchange, Scan};

pub mod envelope;
pub mod structure;
pub mod syntax;
#[cfg(test)]
pub mod test;

/// One lint rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable public code, e.g. `NDC004`.
    pub code: &'static str,
    /// Kebab-case name, e.g. `ndc-hcpcs-mismatch`.
    pub name: &'static str,
    pub severity: Severity,
    /// WEDI/SNIP type 1..7.
    pub snip: u8,
    /// Markdown documentation, printed by `claimlint explain`.
    pub doc: &'static str,
    pub check: Check,
}

impl Rule {
    /// First sentence of "What it does", for `claimlint rules`.
    pub fn summary(&self) -> &'static str {
        let body = self.doc.split("## What it does").nth(1).unwrap_or(self.doc);
        let body = body.trim_start();
        let end = body.find("\n##").unwrap_or(body.len());
        body[..end].trim()
    }
}

/// The scope a rule sees. The engine walks the model once and calls each rule at its scope.
#[derive(Debug)]
pub enum Check {
    /// Reported by the scanner or lexer itself; the rule's file holds its doc and cases.
    Lexer,
    /// Once per file, over all its envelopes (e.g. duplicate control numbers).
    File(fn(&Scan<'_>, &mut Ctx<'_>)),
    Interchange(fn(&Interchange<'_>, &mut Ctx<'_>)),
    Transaction(fn(&Transaction<'_>, &mut Ctx<'_>)),
    Claim(fn(&Claim<'_>, &mut Ctx<'_>)),
    Line(fn(&ServiceLine<'_>, &mut Ctx<'_>)),
    /// Lines that carry a 2410 LIN.
    Drug(fn(&DrugLine<'_>, &mut Ctx<'_>)),
}

/// What a rule reports through; fills in code, severity and context.
pub struct Ctx<'c> {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub out: &'c mut Vec<Diagnostic>,
    pub tx: Option<&'c Transaction<'c>>,
    pub claim: Option<&'c Claim<'c>>,
    pub line: Option<&'c ServiceLine<'c>>,
}

impl<'c> Ctx<'c> {
    pub fn report(&mut self, loc: Loc, message: impl Into<String>) -> &mut Diagnostic {
        let mut d = Diagnostic::new(self.rule.code, self.severity, loc, message);
        d.context = Context {
            transaction: self.tx.and_then(|t| t.control_number()),
            claim_id: self.claim.and_then(|c| c.id).map(|e| e.text().into_owned()),
            line_number: self.line.and_then(|l| l.number_value()),
            loop_id: self.tx.and_then(|t| t.loop_of((loc.position as usize).wrapping_sub(1))),
        };
        self.out.push(d);
        self.out.last_mut().expect("pushed just above")
    }

    pub fn claim(&self) -> Option<&'c Claim<'c>> {
        self.claim
    }

    pub fn line(&self) -> Option<&'c ServiceLine<'c>> {
        self.line
    }

    pub fn tx(&self) -> Option<&'c Transaction<'c>> {
        self.tx
    }
}

/// Declares a rule as a `pub static` named after its code. The `///` lines become its doc.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        code: $code:ident, name: $name:literal, severity: $sev:ident, snip: $snip:literal,
        check: $kind:ident $(($f:path))? $(,)?
    ) => {
        pub static $code: $crate::rules::Rule = $crate::rules::Rule {
            code: stringify!($code),
            name: $name,
            severity: $crate::diagnostic::Severity::$sev,
            snip: $snip,
            doc: concat!($($doc, "\n"),*),
            check: $crate::rules::Check::$kind $(($f))?,
        };
    };
}
pub(crate) use declare_rule;

/// Every rule, sorted by code.
pub static RULES: &[&Rule] = &[
    &envelope::isa_malformed::ENV001,
    &envelope::control_numbers::ENV002,
    &envelope::counts::ENV003,
    &envelope::unbalanced::ENV004,
    &envelope::unsupported_transaction::ENV005,
    &envelope::duplicate_control_number::ENV006,
    &envelope::isa_values::ENV007,
    &envelope::data_before_isa::ENV008,
    &envelope::input_unreadable::ENV009,
    &structure::hl_invalid::STR001,
    &structure::required_segment_missing::STR002,
    &structure::unexpected_segment::STR003,
    &structure::repeat_exceeded::STR004,
    &structure::lx_sequence::STR005,
    &structure::claim_without_lines::STR006,
    &syntax::unknown_segment::SYN001,
    &syntax::element_length::SYN002,
    &syntax::element_type::SYN003,
    &syntax::too_many_elements::SYN004,
    &syntax::invalid_character::SYN005,
    &syntax::trailing_separator::SYN006,
    &syntax::required_element::SYN007,
    &syntax::code_value::SYN008,
    &syntax::syntax_rule::SYN009,
];

/// Finds a rule by code (`NDC004`) or name (`ndc-hcpcs-mismatch`), case-insensitively.
pub fn find(key: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod registry_tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_well_formed() {
        for pair in RULES.windows(2) {
            assert!(pair[0].code < pair[1].code, "{} before {}", pair[0].code, pair[1].code);
        }
        for r in RULES {
            let (letters, digits) = r.code.split_at(r.code.len() - 3);
            assert!((3..=4).contains(&letters.len()) && letters.bytes().all(|b| b.is_ascii_uppercase()), "{}", r.code);
            assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{}", r.code);
            assert!(!r.name.is_empty() && r.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{}", r.name);
            assert!((1..=7).contains(&r.snip), "{}", r.code);
        }
        let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len(), "rule names must be unique");
    }

    #[test]
    fn every_doc_has_the_four_headings() {
        for r in RULES {
            for h in ["## What it does", "## Why it matters", "## Example", "## Fix"] {
                assert!(r.doc.contains(h), "{} lacks {h}", r.code);
            }
            assert!(!r.summary().is_empty(), "{}", r.code);
        }
    }

    #[test]
    fn every_rule_has_fixtures() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
        // ENV009 is about files that cannot be read, which a fixture cannot be; tests/cli.rs
        // checks it with a missing path.
        for r in RULES.iter().filter(|r| r.code != "ENV009") {
            for kind in ["trip", "pass"] {
                let dir = root.join(r.code).join(kind);
                let n = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
                assert!(n > 0, "{} has no {kind} fixture in {}", r.code, dir.display());
            }
        }
    }

    #[test]
    fn find_by_code_or_name() {
        assert_eq!(find("env002").map(|r| r.code), Some("ENV002"));
        assert_eq!(find("control-number-mismatch").map(|r| r.code), Some("ENV002"));
        assert!(find("XYZ999").is_none());
    }
}

/// A drug line: a service line that carries a 2410 LIN, or whose procedure is a drug code.
pub fn is_drug_line(line: &ServiceLine<'_>) -> bool {
    line.drug.is_some()
}
