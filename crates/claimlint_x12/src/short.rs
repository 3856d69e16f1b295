//! Comparison of short byte strings (segment ids, codes, NDCs, table keys) in an inline loop.
//! Slice and `str` comparison call libc `memcmp`, whose call cost dominated the guide walk and
//! the reference-data lookups when profiled; these strings are 2 to 11 bytes.

use std::cmp::Ordering;

#[inline]
pub fn eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// The same order as `Ord for [u8]`.
#[inline]
pub fn cmp(a: &[u8], b: &[u8]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// A code of at most 7 bytes as one number that orders codes as their bytes do: the bytes
/// big-endian, zero-padded, then the length (so `A` < `A\0` < `AB`, as in byte order).
/// Distinct codes, distinct keys; `None` for a longer code. Table searches compare these,
/// one integer per step (`scripts/gen_ig.py` writes the guide's qualifier keys this way).
#[inline]
pub fn code_key(code: &[u8]) -> Option<u64> {
    if code.len() > 7 {
        return None;
    }
    // Byte by byte (at most seven): a `copy_from_slice` of a variable length is a `memcpy`
    // call, dearer than the loop for codes this short.
    let bytes = code.iter().fold(0u64, |k, &b| k << 8 | u64::from(b));
    let high = bytes.checked_shl(8 * (8 - code.len() as u32)).unwrap_or(0);
    Some(high | code.len() as u64)
}

#[cfg(test)]
mod tests {
    /// The key is the code's bytes big-endian, zero-padded, then its length.
    #[test]
    fn code_key_is_the_padded_bytes_and_length() {
        for code in [
            &b""[..],
            b"A",
            b"AB",
            b"J0897",
            b"ABCDEFG",
            b"\xff\xff\xff\xff\xff\xff\xff",
        ] {
            let mut w = [0u8; 8];
            w[..code.len()].copy_from_slice(code);
            w[7] = code.len() as u8;
            assert_eq!(
                super::code_key(code),
                Some(u64::from_be_bytes(w)),
                "{code:?}"
            );
        }
        assert_eq!(super::code_key(b"ABCDEFGH"), None);
    }

    #[test]
    fn agrees_with_slice_order() {
        let words: [&[u8]; 7] = [b"", b"A", b"AB", b"ABC", b"B", b"J0897", b"J0897X"];
        for a in words {
            for b in words {
                assert_eq!(super::cmp(a, b), a.cmp(b));
                assert_eq!(super::eq(a, b), a == b);
            }
        }
    }
}
