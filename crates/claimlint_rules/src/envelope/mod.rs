//! ENV: interchange, group and transaction envelopes (SNIP 1). The envelope scan
//! (`x12::envelope`) finds what only it can see as typed `ScanIssue`s; `owner` names the rule
//! whose file turns each kind into a diagnostic (ENV001, ENV004, ENV008, ENV011 here, SYN001,
//! SYN004 and STR003 in their families).

pub mod control_numbers;
pub mod counts;
pub mod data_before_isa;
pub mod duplicate_control_number;
pub mod final_terminator_missing;
pub mod gs_values;
pub mod input_unreadable;
pub mod isa_malformed;
pub mod isa_values;
pub(crate) mod slips;
pub mod unbalanced;
pub mod unsupported_transaction;

use crate::structure::unexpected_segment;
use crate::syntax::{too_many_elements, unknown_segment};
use crate::{Ctx, Params, Rule};
use claimlint_data::Data;
use claimlint_diagnostic::{Diagnostic, Severity};
use claimlint_x12::Segment;
use claimlint_x12::envelope::{IssueKind, Scan, ScanIssue};

/// Element `n` of a segment as text, for messages.
pub(crate) fn text(seg: &Segment<'_>, n: usize) -> String {
    String::from_utf8_lossy(seg.value(n)).into_owned()
}

/// Diagnostics on ST or SE belong to that transaction set even though envelope rules run
/// outside it: name its ST02, and place it in the set that starts at `st`.
pub(crate) fn in_transaction(d: &mut claimlint_diagnostic::Diagnostic, st: &Segment<'_>) {
    // ST02 as meant (a separator slip undone); none when it is left out (`ST*837*005010X222A1`).
    let meant = claimlint_x12::slip::Read::st(st);
    d.context.transaction = meant
        .written(2)
        .map(|_| String::from_utf8_lossy(meant.value(2)).into_owned());
    d.context.set_at = Some(st.offset);
}

/// How a rule file turns a scan issue into its diagnostic.
pub type ScanReport = fn(&ScanIssue<'_>, &mut Ctx<'_>);

/// The rule that owns each kind of scan issue, and its report function: the one place a scan
/// finding meets a code. The match is exhaustive, so a new kind cannot go unreported.
pub fn owner(kind: &IssueKind<'_>) -> (&'static Rule, ScanReport) {
    use IssueKind as K;
    match kind {
        K::NoIsa { .. }
        | K::Fragment { .. }
        | K::GsBeforeIsa { .. }
        | K::IsaCut { .. }
        | K::Isa(_) => (&isa_malformed::ENV001, isa_malformed::report),
        K::DataBeforeIsa { .. } => (&data_before_isa::ENV008, data_before_isa::report),
        K::FinalTerminatorMissing { .. } => (
            &final_terminator_missing::ENV011,
            final_terminator_missing::report,
        ),
        K::EmptySegments { .. } => (&unknown_segment::SYN001, unknown_segment::report_empty),
        K::MisreadId { .. } => (&unknown_segment::SYN001, unknown_segment::report_misread),
        K::TooManyElements { .. } => (
            &too_many_elements::SYN004,
            too_many_elements::report_envelope,
        ),
        K::OutsideTransaction { .. } => (
            &unexpected_segment::STR003,
            unexpected_segment::report_outside,
        ),
        K::Unterminated { .. }
        | K::Truncated { .. }
        | K::SeMissing { .. }
        | K::GeWithoutGs
        | K::SeWithoutSt
        | K::StMissing { .. }
        | K::StWithoutGs
        | K::StBeforeGs { .. }
        | K::BareSt { .. }
        | K::GsTwice { .. }
        | K::DataAfterIea { .. }
        | K::IeaMissing { .. }
        | K::GeMissing { .. } => (&unbalanced::ENV004, unbalanced::report),
    }
}

/// The scan's issues as diagnostics, in scan order, for the rules `enabled` gives a severity.
pub fn scan_diagnostics(
    issues: &[ScanIssue<'_>],
    enabled: &dyn Fn(&'static Rule) -> Option<Severity>,
    (params, data): (&Params, &Data),
    out: &mut Vec<Diagnostic>,
) {
    for issue in issues {
        let (rule, report) = owner(&issue.kind);
        if let Some(severity) = enabled(rule) {
            let mut cx = Ctx {
                rule,
                severity,
                out,
                tx: None,
                claim: None,
                line: None,
                params,
                data,
                facts: None,
                tx_facts: None,
            };
            report(issue, &mut cx);
        }
    }
}

/// The scan's findings at their default severities, as `severity[CODE] message` lines, for
/// `claimlint tree`.
pub fn scan_notes(scan: &Scan<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let context = (&Params::default(), &Data::embedded());
    scan_diagnostics(&scan.issues, &|rule| Some(rule.severity), context, &mut out);
    out.iter()
        .map(|d| format!("{}[{}] {}", d.severity, d.code, d.message))
        .collect()
}
