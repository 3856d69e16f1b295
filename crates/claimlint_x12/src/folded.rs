//! Files folded at a fixed width: the whole interchange written as one stream and cut into lines
//! of exactly `width` bytes (80 for mainframe card images; "wrap by line length" in
//! translators such as AWS B2B Data Interchange), so line breaks fall inside segments, the
//! ISA among them. The line breaks are not data: a folded file is read with them taken out
//! (`Folding::unfold`) and what is found in it is mapped back to the file's own offsets
//! (`Folding::original`). Recognised only when every line but the last has the same length,
//! the breaks are all the same sequence, the segment terminator is not itself a line break,
//! and at least one break falls inside a segment: any other file is read as it is.

/// Lines longer than this are not taken for a fold (a file with long lines is not folded).
const MAX_WIDTH: usize = 4096;
/// Lines shorter than this are not taken for a fold either.
const MIN_WIDTH: usize = 20;

/// Text before an ISA is looked for a line starting with one in this many bytes at most.
const MAX_HEADER: usize = 64 << 10;

/// Where the first line that starts with an ISA begins (after a byte order mark, blanks, or
/// lines of a text header), when one does within `MAX_HEADER` bytes: `ISA` and a separator,
/// not `ISA is the header`.
fn isa_line(input: &[u8]) -> Option<usize> {
    let limit = input.len().min(MAX_HEADER);
    let mut at = if input.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    loop {
        at += input[at..limit]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        let separator = input
            .get(at + 3)
            .is_some_and(|b| !b.is_ascii_alphanumeric() && !b.is_ascii_whitespace());
        if input[at..].starts_with(b"ISA") && separator {
            return Some(at);
        }
        at += memchr::memchr2(b'\n', b'\r', &input[at..limit])? + 1;
    }
}

/// How a folded file is folded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Folding {
    /// Bytes kept before the first line (a UTF-8 byte order mark, blank lines).
    lead: usize,
    /// Length of every line but the last, line break excluded.
    pub width: usize,
    /// The line break: `\n`, `\r\n` or `\r`.
    pub line_break: &'static [u8],
    /// How many line breaks are taken out (the one after the last line, if any, stays).
    pub breaks: usize,
    /// How many of those fall inside a segment (not right after a segment terminator).
    pub inside: usize,
    /// The file offset of the first line break inside a segment.
    pub first_inside: usize,
}

impl Folding {
    /// The folding of `input`, when it is a folded interchange.
    pub fn of(input: &[u8]) -> Option<Folding> {
        // What comes before the ISA (a byte order mark, blank lines, a text header) stays in
        // front, outside the lines.
        let lead = isa_line(input)?;
        let text = &input[lead..];
        // An ISA ended by a line break is a file whose segments end with line breaks.
        if matches!(text.get(105), Some(b'\n' | b'\r')) {
            return None;
        }
        let head = &text[..text.len().min(MAX_WIDTH + 2)];
        let width = memchr::memchr2(b'\n', b'\r', head)?;
        if width < MIN_WIDTH {
            return None;
        }
        let line_break: &'static [u8] = match &text[width..] {
            [b'\r', b'\n', ..] => b"\r\n",
            [b'\r', ..] => b"\r",
            _ => b"\n",
        };
        let step = width + line_break.len();
        // The ISA's 106th byte, line breaks left out, is the segment terminator.
        let at = |flat: usize| flat + (flat / width) * line_break.len();
        let terminator = *text.get(at(105))?;
        if matches!(terminator, b'\n' | b'\r') {
            return None;
        }
        let (mut breaks, mut inside, mut first_inside) = (0, 0, 0);
        let mut pos = 0;
        loop {
            let rest = &text[pos..];
            let n = memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
            let trailing = rest[n..].iter().all(u8::is_ascii_whitespace);
            if n == rest.len() || (n < width && n > 0 && trailing) {
                // The last line: no longer than the others.
                if n > width {
                    return None;
                }
                break;
            }
            if n != width || !rest[n..].starts_with(line_break) {
                return None;
            }
            if trailing {
                break;
            }
            // A break after a terminator (and the blanks that pad a fixed-length record) is
            // between segments: only the others are inside one.
            let last = rest[..n].iter().rposition(|b| !b.is_ascii_whitespace());
            if last.is_some_and(|i| rest[i] != terminator) {
                if inside == 0 {
                    first_inside = lead + pos + n;
                }
                inside += 1;
            }
            breaks += 1;
            pos += step;
        }
        (inside > 0).then_some(Folding {
            lead,
            width,
            line_break,
            breaks,
            inside,
            first_inside,
        })
    }

    /// `input` without the line breaks of the fold.
    pub fn unfold(&self, input: &[u8]) -> Vec<u8> {
        let mut flat = Vec::with_capacity(input.len() - self.breaks * self.line_break.len());
        flat.extend_from_slice(&input[..self.lead]);
        let step = self.width + self.line_break.len();
        let mut pos = self.lead;
        for _ in 0..self.breaks {
            flat.extend_from_slice(&input[pos..pos + self.width]);
            pos += step;
        }
        flat.extend_from_slice(&input[pos..]);
        flat
    }

    /// `flat` (unfolded bytes, edited perhaps) folded as this file is: the same width and line
    /// break, the bytes before the first line and the whitespace after the last kept.
    pub fn fold(&self, flat: &[u8]) -> Vec<u8> {
        let lead = self.lead.min(flat.len());
        let end = flat.len()
            - flat[lead..]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        let mut out = Vec::with_capacity(flat.len() + flat.len() / self.width * 2 + 2);
        out.extend_from_slice(&flat[..lead]);
        for (i, line) in flat[lead..end].chunks(self.width).enumerate() {
            if i > 0 {
                out.extend_from_slice(self.line_break);
            }
            out.extend_from_slice(line);
        }
        out.extend_from_slice(&flat[end..]);
        out
    }

    /// The file offset of the byte at `offset` in the unfolded bytes (or of the end, for the
    /// length of the unfolded bytes).
    pub fn original(&self, offset: usize) -> usize {
        if offset < self.lead {
            return offset;
        }
        let lines = ((offset - self.lead) / self.width).min(self.breaks);
        offset + lines * self.line_break.len()
    }

    /// The file span of the unfolded span `start..end`: a span that ends where a line ends
    /// does not take in the line break after it.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let from = self.original(start);
        let to = if end > start {
            self.original(end - 1) + 1
        } else {
            from
        };
        (from, to)
    }

    /// Bytes kept before the first line (a byte order mark, blank lines).
    pub fn lead(&self) -> usize {
        self.lead
    }

    /// The unwrapped offsets where a line break was taken out (that of the byte after it).
    pub fn break_points(&self) -> impl Iterator<Item = usize> + '_ {
        (1..=self.breaks).map(|k| self.lead + k * self.width)
    }

    /// The unfolded offset where the line break at file offset `brk` was taken out: that of
    /// the byte after it.
    pub fn flat_of_break(&self, brk: usize) -> usize {
        let step = self.width + self.line_break.len();
        self.lead + ((brk - self.lead) / step + 1) * self.width
    }

    /// How the line break is written in a message.
    pub fn line_break_name(&self) -> &'static str {
        match self.line_break {
            b"\r\n" => "CR LF",
            b"\r" => "CR",
            _ => "LF",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISA: &str = "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260120*0930*^*00501*000000001*0*P*:~";

    fn text() -> String {
        format!(
            "{ISA}GS*HC*SUB*REC*20260120*0930*1*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019*00*1*20260120*0930*CH~SE*3*0001~GE*1*1~IEA*1*000000001~"
        )
    }

    fn fold(text: &str, width: usize, brk: &str) -> String {
        let b = text.as_bytes();
        b.chunks(width)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(brk)
    }

    #[test]
    fn a_fold_is_taken_out_and_offsets_map_back() {
        let flat = text();
        for width in [20, 64, 80, 106, 107, 132] {
            for brk in ["\n", "\r\n", "\r"] {
                for tail in ["", brk] {
                    let folded = fold(&flat, width, brk) + tail;
                    let f = Folding::of(folded.as_bytes())
                        .unwrap_or_else(|| panic!("{width} {brk:?} {tail:?}"));
                    assert_eq!(f.width, width);
                    assert_eq!(f.line_break, brk.as_bytes());
                    let unfolded = f.unfold(folded.as_bytes());
                    assert_eq!(unfolded, format!("{flat}{tail}").as_bytes());
                    for (i, &b) in unfolded.iter().enumerate() {
                        assert_eq!(folded.as_bytes()[f.original(i)], b, "{width} {i}");
                    }
                    assert_eq!(
                        &folded.as_bytes()[f.first_inside..][..brk.len()],
                        brk.as_bytes()
                    );
                    assert_eq!(f.fold(&unfolded), folded.as_bytes());
                    let after = f.flat_of_break(f.first_inside);
                    assert_eq!(f.original(after), f.first_inside + brk.len());
                }
            }
        }
    }

    #[test]
    fn other_files_are_read_as_they_are() {
        let flat = text();
        let per_segment = flat.replace('~', "~\n");
        let crlf = flat.replace('~', "~\r\n");
        // Segments ended by line breaks, one line, lines of different lengths, too short.
        let uneven = {
            let mut f = fold(&flat, 80, "\n");
            f.insert(200, '\n');
            f
        };
        // Fixed-length records: one segment per line, padded with blanks to one width.
        let padded: String = flat
            .split_inclusive('~')
            .map(|seg| format!("{seg:<120}\n"))
            .collect();
        for input in [
            padded,
            flat.clone(),
            per_segment,
            crlf,
            fold(&flat, 80, "\n").replace('~', "\n"),
            uneven,
            fold(&flat, 10, "\n"),
        ] {
            assert_eq!(Folding::of(input.as_bytes()), None, "{input:?}");
        }
    }

    #[test]
    fn a_short_file_of_line_terminated_segments_is_not_wrapped() {
        // The ISA's terminator is the line break after its 105 bytes.
        let isa = ISA.trim_end_matches('~');
        for input in [
            format!("{isa}\nGS*HC*SUB*REC*20260120*0930*1*X*005010X222A1\n"),
            format!("{isa}\r\nIEA*0*000000001\r\n"),
        ] {
            assert_eq!(Folding::of(input.as_bytes()), None, "{input:?}");
        }
    }

    #[test]
    fn what_comes_before_the_isa_stays_in_front() {
        for front in [
            "\u{feff}",
            "\n\n",
            "\u{feff}\r\n  ",
            "Batch 7 from ACME\r\nISA is the header below\r\n",
        ] {
            let folded = format!("{front}{}", fold(&text(), 80, "\n"));
            let f = Folding::of(folded.as_bytes()).unwrap();
            let unfolded = f.unfold(folded.as_bytes());
            assert_eq!(unfolded, format!("{front}{}", text()).as_bytes());
            for (i, &b) in unfolded.iter().enumerate() {
                assert_eq!(folded.as_bytes()[f.original(i)], b);
            }
            assert_eq!(f.fold(&unfolded), folded.as_bytes());
        }
    }
}
