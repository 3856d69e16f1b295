//! SYN: segment and element syntax (SNIP 1–2).

pub mod invalid_character;
pub mod unknown_segment;
