//! STR: loops and structure (SNIP 2).

pub mod claim_without_lines;
pub mod hl_invalid;
pub mod lx_sequence;
pub mod repeat_exceeded;
pub mod required_segment_missing;
pub mod unexpected_segment;
