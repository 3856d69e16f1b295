//! X12 syntax: delimiters, the lexer, segments and elements as views into the input, the
//! envelope scan (ISA/GS/ST…SE/GE/IEA) and line positions. Knows X12, not claims: it must not
//! know the 837 loop structure, the implementation guides, reference data or any rule. What it
//! finds in the envelopes it reports as diagnostics (`claimlint_diagnostic`), the one layer
//! below it.

pub mod delims;
pub mod envelope;
pub mod lexer;
pub mod loc;
pub mod segment;
pub mod short;
pub mod split;

pub use delims::Delimiters;
pub use loc::{Loc, SegId};
pub use segment::{Element, Segment};
