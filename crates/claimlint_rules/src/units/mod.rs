//! UNT family: the units of service of a line (SV103/SV104, SV204/SV205) against their form,
//! the CMS NCCI medically unlikely edits and the dose descriptor of drug codes.

pub mod mue_exceeded;
pub mod units_dose_confusion;
pub mod units_invalid;

use crate::Ctx;
use claimlint_data::Setting;
use claimlint_model::Kind;

/// MUE setting by claim type: practitioner MUEs for 837P, facility outpatient hospital MUEs
/// for 837I (CMS NCCI MUE tables; the DME supplier table is not compiled in).
pub fn setting(cx: &Ctx<'_>) -> Setting {
    match cx.tx().map(|t| t.kind) {
        Some(Kind::Institutional) => Setting::OutpatientHospital,
        _ => Setting::Practitioner,
    }
}
