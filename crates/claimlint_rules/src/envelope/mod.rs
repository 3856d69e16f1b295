//! ENV: interchange, group and transaction envelopes (SNIP 1). ENV001, ENV004 and ENV008 are
//! found by the envelope scan itself (`x12::envelope`); their files hold the doc and cases.

pub mod control_numbers;
pub mod counts;
pub mod data_before_isa;
pub mod duplicate_control_number;
pub mod input_unreadable;
pub mod isa_malformed;
pub mod isa_values;
pub mod unbalanced;
pub mod unsupported_transaction;

use claimlint_x12::Segment;

/// Element `n` of a segment as text, for messages.
pub(crate) fn text(seg: &Segment<'_>, n: usize) -> String {
    String::from_utf8_lossy(seg.value(n)).into_owned()
}

/// Diagnostics on ST or SE belong to that transaction set even though envelope rules run
/// outside it: name its ST02.
pub(crate) fn in_transaction(d: &mut claimlint_diagnostic::Diagnostic, st: &Segment<'_>) {
    d.context.transaction = Some(text(st, 2));
}
