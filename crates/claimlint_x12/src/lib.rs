//! X12 syntax: delimiters, segments, positions, envelopes. Knows X12, not claims; must not
//! know the 837 loop structure or any rule.

pub mod delims;
pub mod envelope;
pub mod lexer;
pub mod loc;
pub mod segment;
pub mod split;

pub use delims::Delimiters;
pub use loc::{Loc, SegId};
pub use segment::{Element, Segment};
