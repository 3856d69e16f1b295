//! CODE family: values against external code sets (SNIP 5) — HCPCS Level II, ICD-10-CM,
//! modifiers, NPI check digits, place of service and revenue codes. The code set is chosen by
//! the date of service (`rules::drugs::date_of_service`).

pub mod hcpcs_not_effective;
pub mod hcpcs_unknown;
pub mod icd10_invalid;
pub mod modifier_unknown;
pub mod npi_invalid;
pub mod place_of_service;
pub mod revenue_code;
