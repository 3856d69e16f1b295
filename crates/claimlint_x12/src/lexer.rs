//! Splits bytes into segments with memchr. Whitespace after a terminator (CR, LF, spaces,
//! indentation) is skipped; a CR before a newline terminator is dropped. The lexer never fails:
//! whatever it cannot make sense of is still yielded as a segment for the layers above to judge.

use super::Delimiters;

/// One segment as cut from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawSegment<'a> {
    pub bytes: &'a [u8],
    pub offset: usize,
    /// False for a last segment that ran into the end of the input without a terminator.
    pub terminated: bool,
}

impl RawSegment<'_> {
    /// Offset just past this segment's terminator.
    pub fn end(&self) -> usize {
        self.offset + self.bytes.len() + usize::from(self.terminated)
    }
}

pub struct Lexer<'a> {
    input: &'a [u8],
    pos: usize,
    delims: Delimiters,
}

/// The first `byte` in `hay`. Segments are tens of bytes: the first 64 are searched eight at
/// a time inline (memchr's set-up cost more than the search on so few), the rest by memchr.
///
/// Only the first match of a word is wanted, so the cheaper borrow test flags it: in
/// `(x - 0x0101…) & !x & 0x8080…` of `x`, the word with `byte`s turned to zero, the lowest
/// flagged byte is always a zero byte (a false alarm can only come from the borrow of a zero
/// below it), so the first flag is exact.
fn find_terminator(byte: u8, hay: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let head = hay.get(..64).unwrap_or(hay);
    let (words, tail) = head.as_chunks::<8>();
    let splat = u64::from(byte) * ONES;
    for (k, word) in words.iter().enumerate() {
        let x = u64::from_le_bytes(*word) ^ splat;
        let found = x.wrapping_sub(ONES) & !x & (ONES << 7);
        if found != 0 {
            return Some(k * 8 + (found.trailing_zeros() / 8) as usize);
        }
    }
    let base = words.len() * 8;
    if let Some(j) = tail.iter().position(|&b| b == byte) {
        return Some(base + j);
    }
    let from = head.len();
    memchr::memchr(byte, hay.get(from..)?).map(|j| from + j)
}

fn is_layout(b: u8) -> bool {
    matches!(b, b'\r' | b'\n' | b'\t' | b' ')
}

/// What may trail the last segment of an input without being data: layout, and the filler a
/// transfer adds — NUL padding to a block size, a DOS end-of-file byte (SUB, 0x1A).
pub fn is_end_filler(b: u8) -> bool {
    b.is_ascii_whitespace() || b == 0 || b == 0x1A
}

impl<'a> Lexer<'a> {
    /// A lexer over `input[start..]`.
    pub fn new(input: &'a [u8], start: usize, delims: Delimiters) -> Self {
        Lexer {
            input,
            pos: start.min(input.len()),
            delims,
        }
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    /// Moves past layout whitespace and returns the new position.
    pub fn skip_layout(&mut self) -> usize {
        while let Some(&b) = self.input.get(self.pos) {
            if is_layout(b) && b != self.delims.segment {
                self.pos += 1;
            } else if b == self.delims.segment && is_layout(b) {
                // A newline terminator with nothing before it: a blank line, not a segment.
                self.pos += 1;
            } else {
                break;
            }
        }
        self.pos
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = RawSegment<'a>;

    fn next(&mut self) -> Option<RawSegment<'a>> {
        let start = self.skip_layout();
        let rest = self.input.get(start..).filter(|r| !r.is_empty())?;
        let (len, terminated) = match find_terminator(self.delims.segment, rest) {
            Some(i) => (i, true),
            None => (rest.len(), false),
        };
        self.pos = start + len + usize::from(terminated);
        let mut bytes = &rest[..len];
        if self.delims.segment == b'\n' {
            bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        }
        if !terminated {
            // Trailing layout or filler at the end of a file is not part of an unterminated
            // segment.
            while let Some((&last, head)) = bytes.split_last() {
                if is_end_filler(last) {
                    bytes = head
                } else {
                    break;
                }
            }
            if bytes.is_empty() {
                return None;
            }
        }
        Some(RawSegment {
            bytes,
            offset: start,
            terminated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delims(segment: u8) -> Delimiters {
        Delimiters {
            segment,
            ..Delimiters::USUAL
        }
    }

    fn lex(input: &[u8], segment: u8) -> Vec<(&[u8], usize, bool)> {
        Lexer::new(input, 0, delims(segment))
            .map(|s| (s.bytes, s.offset, s.terminated))
            .collect()
    }

    /// Every place of the terminator, or none, across the word and head boundaries; the
    /// bytes around it those a borrow from it would flag falsely (the terminator with its low
    /// bit flipped, 0x80, 0xff) or a second terminator.
    #[test]
    fn find_terminator_agrees_with_memchr() {
        for len in [0usize, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 130] {
            for at in (0..len).chain([len]) {
                for fill in [b'A', b'~' ^ 1, 0x80, 0xff, 0x00] {
                    let mut hay = vec![fill; len];
                    if let Some(b) = hay.get_mut(at) {
                        *b = b'~';
                    }
                    if let Some(b) = hay.get_mut(at + 5) {
                        *b = b'~';
                    }
                    assert_eq!(
                        find_terminator(b'~', &hay),
                        memchr::memchr(b'~', &hay),
                        "{len} {at} {fill}"
                    );
                    for b in hay.iter_mut().skip(at) {
                        *b = b'~' ^ 1;
                    }
                    assert_eq!(
                        find_terminator(b'~', &hay),
                        memchr::memchr(b'~', &hay),
                        "{len} {at} {fill}"
                    );
                }
            }
        }
    }

    #[test]
    fn tilde_with_crlf_and_indentation() {
        let got = lex(b"ST*837~\r\n  BHT*0019~\r\nSE*2*1~\r\n", b'~');
        assert_eq!(
            got,
            vec![
                (&b"ST*837"[..], 0, true),
                (&b"BHT*0019"[..], 11, true),
                (&b"SE*2*1"[..], 22, true)
            ]
        );
    }

    #[test]
    fn newline_as_terminator_drops_cr_and_blank_lines() {
        let got = lex(b"ST*837\r\n\r\nBHT*0019\nSE*2*1", b'\n');
        assert_eq!(
            got,
            vec![
                (&b"ST*837"[..], 0, true),
                (&b"BHT*0019"[..], 10, true),
                (&b"SE*2*1"[..], 19, false)
            ]
        );
    }

    #[test]
    fn empty_segments_are_yielded() {
        let got = lex(b"A~~B~", b'~');
        assert_eq!(
            got.iter().map(|s| s.0).collect::<Vec<_>>(),
            vec![&b"A"[..], b"", b"B"]
        );
    }

    #[test]
    fn unterminated_tail() {
        let got = lex(b"A~B*1  \n", b'~');
        assert_eq!(got, vec![(&b"A"[..], 0, true), (&b"B*1"[..], 2, false)]);
    }
}
