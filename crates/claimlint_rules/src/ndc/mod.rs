//! NDC family: the 2410 drug identification of a drug line (LIN, CTP) against its form and
//! the CMS NDC-HCPCS crosswalk. Shared drug-line knowledge (NDC normalising, unit conversion)
//! lives in `rules::drugs`.

pub mod drug_quantity_invalid;
pub mod lin_qualifier;
pub mod ndc_format;
pub mod ndc_hcpcs_mismatch;
pub mod ndc_missing;
pub mod ndc_unknown;
pub mod units_inconsistent;

use claimlint_model::DrugLine;

/// Whether LIN03 is meant as an NDC: LIN02 is N4, or absent. Another qualifier (UP, HI...)
/// is NDC006's finding, and its value is not an NDC to judge.
pub fn is_ndc_qualified(drug: &DrugLine<'_>) -> bool {
    drug.qualifier().is_none_or(|q| q.is(b"N4"))
}
