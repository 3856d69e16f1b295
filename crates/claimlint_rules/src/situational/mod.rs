//! SIT: situational rules (SNIP 4): what the TR3 notes require of one element given others.

pub mod billing_provider_zip9;
pub mod diagnosis_pointer_invalid;
pub mod principal_diagnosis_missing;
pub mod replacement_without_original;
pub mod service_date_invalid;
