//! Line and column of byte offsets, computed late and only for what is reported
//! (`LineCounter`, `LineIndex`). `Loc` and `SegId` themselves live in `claimlint_diagnostic`,
//! so that every layer can build a diagnostic; they are re-exported here for the lexer's users.

pub use claimlint_diagnostic::{Loc, SegId};

/// Counts lines incrementally over offsets given in increasing order, so a file is scanned at
/// most once however many diagnostics it has.
pub struct LineCounter<'a> {
    input: &'a [u8],
    offset: usize,
    line: u32,
    line_start: usize,
}

impl<'a> LineCounter<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        LineCounter {
            input,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// 1-based (line, column) of `offset`; offsets must not decrease between calls (an earlier
    /// one restarts the count from the top).
    pub fn line_col(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.input.len());
        if offset < self.offset {
            *self = LineCounter::new(self.input);
        }
        let slice = &self.input[self.offset..offset];
        for nl in memchr::memchr_iter(b'\n', slice) {
            self.line += 1;
            self.line_start = self.offset + nl + 1;
        }
        self.offset = offset;
        let column = u32::try_from(offset - self.line_start + 1).unwrap_or(u32::MAX);
        (self.line, column)
    }
}

/// Line checkpoints recorded while a large input is read front to back, so that line and
/// column can be found later for any offset by counting from the nearest checkpoint, without
/// going back over (and paging in again) the whole file.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// (offset, line at that offset, offset where that line starts)
    points: Vec<(usize, u32, usize)>,
}

impl Default for LineIndex {
    fn default() -> Self {
        LineIndex {
            points: vec![(0, 1, 0)],
        }
    }
}

impl LineIndex {
    /// Counts the lines of `input[last checkpoint..to]` and records a checkpoint at `to`.
    pub fn advance(&mut self, input: &[u8], to: usize) {
        let &(from, line, start) = self.points.last().expect("never empty");
        let to = to.min(input.len());
        if to <= from {
            return;
        }
        let slice = &input[from..to];
        let count = memchr::memchr_iter(b'\n', slice).count() as u32;
        let start = memchr::memrchr(b'\n', slice).map_or(start, |i| from + i + 1);
        self.points.push((to, line + count, start));
    }

    /// 1-based (line, column) for each of `offsets`, which must be sorted.
    pub fn resolve(&self, input: &[u8], offsets: impl Iterator<Item = usize>) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let mut cur: Option<(usize, LineCounter<'_>)> = None;
        for offset in offsets {
            let k = self
                .points
                .partition_point(|p| p.0 <= offset)
                .saturating_sub(1);
            let (at, line, start) = self.points[k];
            let counter = match cur.as_mut() {
                Some((ck, c)) if *ck == k => c,
                _ => {
                    let c = LineCounter {
                        input,
                        offset: at,
                        line,
                        line_start: start,
                    };
                    &mut cur.insert((k, c)).1
                }
            };
            out.push(counter.line_col(offset));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_columns() {
        let text = b"ab\ncd\n\nef";
        let mut c = LineCounter::new(text);
        assert_eq!(c.line_col(0), (1, 1));
        assert_eq!(c.line_col(1), (1, 2));
        assert_eq!(c.line_col(3), (2, 1));
        assert_eq!(c.line_col(8), (4, 2));
        assert_eq!(c.line_col(4), (2, 2)); // going back restarts
    }

    #[test]
    fn line_index_agrees_with_counting_from_the_top() {
        let text = b"a~\nbb~\n\nccc~dd~\ne";
        let mut idx = LineIndex::default();
        for cut in [3, 4, 9, 13] {
            idx.advance(text, cut);
        }
        let offsets: Vec<usize> = (0..text.len()).collect();
        let got = idx.resolve(text, offsets.iter().copied());
        for (o, g) in offsets.iter().zip(got) {
            assert_eq!(g, LineCounter::new(text).line_col(*o), "offset {o}");
        }
    }

    #[test]
    fn seg_id_round_trip() {
        assert_eq!(SegId::new(b"NM1").as_str(), "NM1");
        assert_eq!(SegId::new(b"HL").as_str(), "HL");
    }
}
