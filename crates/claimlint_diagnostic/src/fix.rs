//! A rule's proposed edit for one finding: replace the bytes `[start, end)` of the file with
//! `replacement`. Only [`Safety::Safe`] fixes may be applied without asking (they cannot change
//! what is billed or paid); [`Safety::Unsafe`] ones are suggestions.

/// Whether a fix may be applied without review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Safety {
    Safe,
    Unsafe,
}

/// Replace bytes `start..end` of the file (byte offsets) with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
    pub safety: Safety,
}
