//! STR: loops and structure (SNIP 2).

pub mod claim_without_lines;
pub mod hl_invalid;
pub mod lx_sequence;
pub mod repeat_exceeded;
pub mod required_segment_missing;
pub mod unexpected_segment;

/// Whether the guide found missing, at the first copy of a loop opener written twice
/// (segment `first`, the copy right after it), nothing but what loop `id` itself requires:
/// a segment its parent lacks is reported there too, and is a defect of its own. The copy's
/// finding stands for the first copy's missing children only when this holds.
pub(crate) fn only_its_own_missing(
    tx: &claimlint_model::Transaction<'_>,
    first: usize,
    id: &str,
) -> bool {
    !tx.ig().structure.iter().any(|s| {
        matches!(*s, claimlint_ig::StructureIssue::RequiredMissing { parent, at, .. }
            if (at == first || at == first + 1) && parent != id)
    })
}
