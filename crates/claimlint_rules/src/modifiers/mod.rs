//! MOD family: procedure modifiers (SV101-3..6, SV202-3..6) — the JW/JZ discarded-drug
//! policy (and its modifiers on multiple-dose containers), their form, and modifiers whose
//! meaning cannot apply to the code.

pub mod jw_jz;
pub mod jw_jz_on_multi_dose;
pub mod modifier_malformed;
pub mod modifier_not_applicable;

use claimlint_model::ServiceLine;
use claimlint_x12::Element;

/// The line's first modifier equal to `m`.
pub fn modifier<'a>(line: &ServiceLine<'a>, m: &[u8]) -> Option<Element<'a>> {
    line.procedure.as_ref().and_then(|p| p.modifier(m))
}
