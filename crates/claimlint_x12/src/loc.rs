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
        for end in breaks(self.input, self.offset, offset) {
            self.line += 1;
            self.line_start = end + 1;
        }
        self.offset = offset;
        let column = u32::try_from(offset - self.line_start + 1).unwrap_or(u32::MAX);
        (self.line, column)
    }
}

/// The offsets in `input[from..to]` where a line ends: each `\n`, as OUTPUT.md counts lines
/// ("counting `\n` line breaks in the file"). A `\r` alone (a file written with CR between
/// segments, as old Mac tools and some translators write it) ends no line here, though an
/// editor and the language server (`src/lsp/position.rs`, LSP's own rule) show it as a break;
/// the human report shows such a file in those lines (`report::human`).
fn breaks(input: &[u8], from: usize, to: usize) -> impl Iterator<Item = usize> + '_ {
    let slice = input.get(from..to).unwrap_or_default();
    memchr::memchr_iter(b'\n', slice).map(move |i| from + i)
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
        let (mut count, mut start) = (0u32, start);
        for end in breaks(input, from, to) {
            count += 1;
            start = end + 1;
        }
        self.points.push((to, line + count, start));
    }

    /// 1-based (line, column) for each of `offsets`, which must be sorted. The bytes counted
    /// through are handed to `release` every few MiB: counting lines reads the input from a
    /// checkpoint to each offset, and findings spread over a mapped gigabyte would otherwise
    /// map it all back in at once.
    pub fn resolve(
        &self,
        input: &[u8],
        offsets: impl Iterator<Item = usize>,
        release: &dyn Fn(std::ops::Range<usize>),
    ) -> Vec<(u32, u32)> {
        const STEP: usize = 4 << 20;
        let mut out = Vec::new();
        // The counter, its checkpoint, and where the bytes it has read and not released start.
        let mut cur: Option<(usize, LineCounter<'_>, usize)> = None;
        for offset in offsets {
            let k = self
                .points
                .partition_point(|p| p.0 <= offset)
                .saturating_sub(1);
            let (at, line, start) = self.points[k];
            if let Some((_, c, mark)) = cur.as_ref().filter(|(ck, _, _)| *ck != k) {
                release(*mark..c.offset);
            }
            let (_, counter, mark) = match cur.as_mut() {
                Some(c) if c.0 == k => c,
                _ => {
                    let c = LineCounter {
                        input,
                        offset: at,
                        line,
                        line_start: start,
                    };
                    cur.insert((k, c, at))
                }
            };
            out.push(counter.line_col(offset));
            if counter.offset >= *mark + STEP {
                release(*mark..counter.offset);
                *mark = counter.offset;
            }
        }
        if let Some((_, c, mark)) = cur {
            release(mark..c.offset);
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

    /// Counting lines to findings spread over a large input hands what it has read to
    /// `release` as it goes, in order and without gaps, and counts the same as without.
    #[test]
    fn resolving_releases_what_it_has_counted_through() {
        let text: Vec<u8> = b"SEG*1~\n".repeat(3 << 20);
        let mut idx = LineIndex::default();
        idx.advance(&text, 9 << 20);
        let offsets = [7, 5 << 20, 9 << 20, 12 << 20, text.len() - 1];
        let released = std::cell::RefCell::new(Vec::new());
        let got = idx.resolve(&text, offsets.iter().copied(), &|r| {
            released.borrow_mut().push(r)
        });
        assert_eq!(got, idx.resolve(&text, offsets.iter().copied(), &|_| ()));
        let released = released.into_inner();
        assert!(released.len() >= 3, "{released:?}");
        // From the checkpoint before each offset on, one range after another.
        let covered: Vec<(usize, usize)> = released.iter().map(|r| (r.start, r.end)).collect();
        assert_eq!(covered.first().map(|c| c.0), Some(0));
        assert_eq!(covered.last().map(|c| c.1), Some(text.len() - 1));
        for w in covered.windows(2) {
            assert!(w[0].1 <= w[1].0, "{covered:?}");
        }
    }

    #[test]
    fn line_index_agrees_with_counting_from_the_top() {
        let text = b"a~\nbb~\n\nccc~dd~\ne";
        let mut idx = LineIndex::default();
        for cut in [3, 4, 9, 13] {
            idx.advance(text, cut);
        }
        let offsets: Vec<usize> = (0..text.len()).collect();
        let got = idx.resolve(text, offsets.iter().copied(), &|_| ());
        for (o, g) in offsets.iter().zip(got) {
            assert_eq!(g, LineCounter::new(text).line_col(*o), "offset {o}");
        }
    }

    /// Lines end at `\n` only, as OUTPUT.md counts them: a lone `\r` is a byte of its line
    /// (a file with CR alone between segments is line 1 throughout, its column the byte's),
    /// and `\r\n` ends its line at the `\n`; the same with checkpoints anywhere (unseen-file
    /// run F7).
    #[test]
    fn lines_end_at_line_feeds_only() {
        let text = b"ab\rcd\r\nef\ngh\r";
        let mut c = LineCounter::new(text);
        assert_eq!(c.line_col(3), (1, 4)); // c
        assert_eq!(c.line_col(5), (1, 6)); // the \r of \r\n
        assert_eq!(c.line_col(7), (2, 1)); // e
        assert_eq!(c.line_col(10), (3, 1)); // g
        let cr_only = b"ISA*00~\rGS*HC~\rST*837~\r";
        let st = 15;
        assert_eq!(LineCounter::new(cr_only).line_col(st), (1, 16));
        for cuts in [[3, 6, 9], [2, 5, 12], [6, 7, 11]] {
            let mut idx = LineIndex::default();
            for cut in cuts {
                idx.advance(text, cut);
            }
            let offsets: Vec<usize> = (0..text.len()).collect();
            let got = idx.resolve(text, offsets.iter().copied(), &|_| ());
            for (o, g) in offsets.iter().zip(got) {
                assert_eq!(
                    g,
                    LineCounter::new(text).line_col(*o),
                    "offset {o}, cuts {cuts:?}"
                );
            }
        }
    }

    #[test]
    fn seg_id_round_trip() {
        assert_eq!(SegId::new(b"NM1").as_str(), "NM1");
        assert_eq!(SegId::new(b"HL").as_str(), "HL");
    }
}
