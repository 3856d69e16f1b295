//! Where something is: `SegId` and `Loc`, the segment, its position in the transaction set,
//! the element and component, and the byte span. Lives here, not in the lexer's crate, so that
//! a diagnostic can be built by any layer without that layer's parser.

use serde::Serialize;

/// A segment identifier (2 or 3 bytes, e.g. `NM1`, `HL`), stored inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SegId {
    bytes: [u8; 3],
    len: u8,
}

impl SegId {
    #[inline]
    pub fn new(id: &[u8]) -> Self {
        // Byte by byte: a slice copy of a variable 2 or 3 bytes is a libc `memcpy` call (and
        // so is a loop LLVM recognizes as one), and every element read makes one of these.
        let at = |i: usize| id.get(i).copied().unwrap_or(0);
        SegId {
            bytes: [at(0), at(1), at(2)],
            len: id.len().min(3) as u8,
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or("???")
    }
}

impl std::fmt::Debug for SegId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SegId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The location of a diagnostic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Loc {
    pub segment: SegId,
    /// 1-based position in the transaction set (ST = 1); in the file for envelope segments.
    pub position: u32,
    /// 1-based element index, `None` when the whole segment is meant.
    pub element: Option<u8>,
    pub component: Option<u8>,
    pub offset: usize,
    pub length: usize,
    /// The segment terminator of the interchange, so a report can show whole segments.
    pub terminator: u8,
}
