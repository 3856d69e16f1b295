//! Byte offsets to LSP positions: lines end at `\n`, `\r\n` or a lone `\r` (the line
//! endings LSP names), columns count UTF-16 code units, as LSP asks. A BOM is text like any other here:
//! it is one UTF-16 unit at the start of line 0, which is how editors count it too.

use lsp_types::Position;

/// The start offset of every line, for one text.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        // A `\r` ends a line unless a `\n` follows it (then the `\n` does).
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
                .map(|i| i + 1),
        );
        Lines { text, starts }
    }

    /// The position of byte `offset` (clamped to the text, and back to a char boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts[line];
        let character = self.text[start..offset].encode_utf16().count();
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of `pos` (past the end of its line: the line's end).
    pub fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .copied()
            .unwrap_or(self.text.len());
        let mut units = 0u32;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= pos.character || c == '\n' || c == '\r' {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_crlf_and_bom() {
        let text = "\u{feff}ISA*é~\r\nGS*𝄞*x~";
        let lines = Lines::new(text);
        assert_eq!(lines.position(3), Position::new(0, 1));
        let gs = text.find("GS").unwrap();
        assert_eq!(lines.position(gs), Position::new(1, 0));
        let x = text.find('x').unwrap();
        assert_eq!(lines.position(x), Position::new(1, 6));
        assert_eq!(lines.offset(Position::new(1, 6)), x);
        assert_eq!(lines.offset(Position::new(0, 99)), text.find('\r').unwrap());
    }

    /// A lone carriage return ends a line too (old Mac files, a wrap with CR breaks).
    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = "ISA*00~\rGS*HC~\r\nST*837~\nSE*3~";
        let lines = Lines::new(text);
        for (at, want) in [
            ("GS", (1, 0)),
            ("ST", (2, 0)),
            ("SE", (3, 0)),
            ("HC", (1, 3)),
        ] {
            let offset = text.find(at).unwrap();
            assert_eq!(
                lines.position(offset),
                Position::new(want.0, want.1),
                "{at}"
            );
            assert_eq!(lines.offset(Position::new(want.0, want.1)), offset, "{at}");
        }
        assert_eq!(lines.offset(Position::new(0, 99)), text.find('\r').unwrap());
    }
}
