//! X12 syntax: delimiters, the lexer, segments and elements as views into the input, the
//! envelope scan (ISA/GS/ST…SE/GE/IEA) and line positions. Knows X12, not claims: it must not
//! know the 837 loop structure, the implementation guides, reference data or any rule. What it
//! finds in the envelopes it returns as typed issues (`envelope::ScanIssue`): no rule codes,
//! severities or messages; the rule files of `claimlint_rules` word them.

pub mod delims;
pub mod envelope;
pub mod folded;
pub mod lexer;
pub mod loc;
pub mod segment;
pub mod short;
pub mod slip;
pub mod split;

pub use delims::Delimiters;
pub use loc::{Loc, SegId};
pub use segment::{Element, Segment};
