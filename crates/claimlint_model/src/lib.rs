//! The claim model of one 837 transaction set: the loop tree (HL hierarchy, 2300 claims, 2400
//! lines, 2410 drug identification) and typed views that borrow from the input. Knows claims,
//! not rules (oxc's "semantic" layer): it never reports anything itself, and must not know
//! rules, reference data, configuration or output. Builds on `claimlint_x12` (segments) and
//! `claimlint_ig` (the guide walk that places segments in loops).

mod by_id;
mod claim;
pub mod gs;
mod guide;
mod loops;
pub mod realign;
mod requalify;
pub mod tree;
pub mod value;

pub use by_id::{Indexed, SegmentsById};
pub use claim::{Claim, Diagnosis, DrugLine, Hl, Procedure, ServiceLine};
pub use guide::{
    GuideChoice, GuideIssue, classify, group_guide, guide_kind, guide_value, names_claim_guide,
};
pub use loops::{CleanMemo, LoopNode, Transaction, build, written_as};
pub use value::{Date, DateRange, Dec, Total};

/// Which 837 guide a transaction set is read with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// 005010X222A1
    Professional,
    /// 005010X223A2
    Institutional,
}

impl Kind {
    pub fn guide(self) -> &'static str {
        match self {
            Kind::Professional => "005010X222A1",
            Kind::Institutional => "005010X223A2",
        }
    }
    pub fn short(self) -> &'static str {
        match self {
            Kind::Professional => "837P",
            Kind::Institutional => "837I",
        }
    }
}
