//! Files folded at a fixed width: the whole interchange written as one stream and cut into lines
//! of exactly `width` bytes (80 for mainframe card images; "wrap by line length" in
//! translators such as AWS B2B Data Interchange), so line breaks fall inside segments, the
//! ISA among them. The line breaks are not data: a folded file is read with them taken out
//! (`Folding::unfold`) and what is found in it is mapped back to the file's own offsets
//! (`Folding::original`). Recognised only when every line but the last has the same length,
//! the breaks are all the same sequence, the segment terminator is not itself a line break,
//! and at least one break falls inside a segment: any other file is read as it is. The wrapped
//! lines start at the ISA, or (as in the TR3's printed examples) after lines that each hold
//! whole envelope segments (the ISA, the GS), and may be followed by such lines (GE, IEA).

/// Lines longer than this are not taken for a fold (a file with long lines is not folded).
const MAX_WIDTH: usize = 4096;
/// Lines shorter than this are not taken for a fold either.
const MIN_WIDTH: usize = 20;

/// Text before an ISA is looked for a line starting with one in this many bytes at most.
const MAX_HEADER: usize = 64 << 10;

/// Lines of whole envelope segments (ISA, GS, ST...) looked past for a wrap starting after
/// them.
const MAX_ENVELOPE_LINES: usize = 8;

/// Where the lines that start with an ISA begin (after a byte order mark, blanks, or lines
/// of a text header) within `MAX_HEADER` bytes: `ISA` and a separator, not `ISA is the
/// header`. A header line that looks like one (`ISA*00 batch`) is tried and passed over.
fn isa_lines(input: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let limit = input.len().min(MAX_HEADER);
    let mut next = Some(if input.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    });
    std::iter::from_fn(move || {
        loop {
            let mut at = next?;
            at += input[at.min(limit)..limit]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            next = memchr::memchr2(b'\n', b'\r', &input[at.min(limit)..limit]).map(|n| at + n + 1);
            let separator = input
                .get(at + 3)
                .is_some_and(|b| !b.is_ascii_alphanumeric() && !b.is_ascii_whitespace());
            if input[at..].starts_with(b"ISA") && separator {
                return Some(at);
            }
        }
    })
}

/// `b` when it can be a segment terminator: not a letter or digit, nor a line break (the line
/// break after a 105-byte line was the ISA's own terminator, and the file's segments end with
/// line breaks) or a blank.
fn delimiter(b: u8) -> Option<u8> {
    (!b.is_ascii_alphanumeric() && !b.is_ascii_whitespace()).then_some(b)
}

/// Whether the last byte of `text` that is not a blank is `terminator`: a line break after it
/// falls between segments (the blanks pad a fixed-length record).
fn ends_segment(text: &[u8], terminator: u8) -> bool {
    text.iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .is_some_and(|i| text[i] == terminator)
}

/// Whether `line` starts with a segment id (two or three capitals and digits) and `element`.
fn starts_segment(line: &[u8], element: u8) -> bool {
    let id = line
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    (2..=3).contains(&id) && line.get(id) == Some(&element)
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
    /// Bytes after the last line (its line break, blank lines, a trailer), kept as they are.
    tail: usize,
}

impl Folding {
    /// The folding of `input`, when it is a folded interchange.
    pub fn of(input: &[u8]) -> Option<Folding> {
        isa_lines(input).find_map(|isa| {
            Folding::from_line(input, isa, isa, None)
                .or_else(|| Folding::after_envelope(input, isa))
        })
    }

    /// The folding of an interchange whose first segments are written one to a line and
    /// whose transaction set is wrapped (the TR3's own examples print the ISA and GS on their
    /// lines and the set cut at 60 columns): the wrap starts at one of the lines after the ISA
    /// line, each line before it ending a segment.
    fn after_envelope(input: &[u8], isa: usize) -> Option<Folding> {
        let line = &input[isa..];
        let end = memchr::memchr2(b'\n', b'\r', &line[..line.len().min(MAX_WIDTH + 2)])?;
        let terminator = delimiter(*line[..end].get(105)?)?;
        let mut at = isa;
        for _ in 0..MAX_ENVELOPE_LINES {
            let rest = &input[at..];
            let n = memchr::memchr2(b'\n', b'\r', &rest[..rest.len().min(MAX_WIDTH + 2)])?;
            if !ends_segment(&rest[..n], terminator) {
                return None;
            }
            at += n;
            at += input[at..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            if at >= input.len() {
                return None;
            }
            if let Some(fold) = Folding::from_line(input, at, isa, Some(terminator)) {
                return Some(fold);
            }
        }
        None
    }

    /// `input` as it is read: unwrapped, with its folding, when it is wrapped.
    pub fn unwrapped(input: &[u8]) -> (Option<Folding>, std::borrow::Cow<'_, [u8]>) {
        match Folding::of(input) {
            Some(fold) => (Some(fold), fold.unfold(input).into()),
            None => (None, input.into()),
        }
    }

    /// The folding of `input` whose wrapped lines start at `lead`, the ISA at `isa` or a line
    /// after it: what comes before it (a byte order mark, blank lines, a text header, lines of
    /// whole envelope segments) and after its last line (blank lines, a trailer, the trailers'
    /// own lines) stays as it is, outside the lines. `terminator`: the ISA's, when its line is
    /// whole; `None` when the wrap cuts the ISA.
    fn from_line(input: &[u8], lead: usize, isa: usize, terminator: Option<u8>) -> Option<Folding> {
        let text = &input[lead..];
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
        // The ISA's 106th byte, line breaks left out, is the segment terminator.
        let at = |flat: usize| flat + (flat / width) * line_break.len();
        let terminator = match terminator {
            Some(t) => t,
            None => delimiter(*text.get(at(105))?)?,
        };
        let mut fold = Folding {
            lead,
            width,
            line_break,
            breaks: 0,
            inside: 0,
            first_inside: 0,
            tail: 0,
        };
        fold.read_lines(text, input[isa + 3], terminator)?;
        (fold.inside > 0).then_some(fold)
    }

    /// Reads the lines of `text` (the input from the ISA on) as this fold's width and line
    /// break: counts the breaks, those inside a segment, and what is left after the last line.
    /// `None` when a line does not fit.
    fn read_lines(&mut self, text: &[u8], element: u8, terminator: u8) -> Option<()> {
        let width = self.width;
        let mut after_segment = false;
        let mut pos = 0;
        loop {
            let rest = &text[pos..];
            let n = memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
            let trailing = rest[n..].iter().all(u8::is_ascii_whitespace);
            let line = &rest[..n];
            let ends_segment = ends_segment(line, terminator);
            // The last line: no longer than the others; after it, blank lines or (once it
            // has ended a segment) a trailer. A line after one that ended a segment is the
            // wrap's only if it starts a segment (`IEA*1*0…` cut short), not a trailer's text.
            let continues = !after_segment || starts_segment(line, element);
            let last = ends_segment || (trailing && continues);
            if n == rest.len() || (n < width && n > 0 && last) {
                self.tail = rest.len() - n;
                return (n <= width).then_some(());
            }
            if n < width && after_segment && !continues {
                // The wrap ended with the line before, exactly full: its line break and what
                // follows stay behind.
                self.breaks -= 1;
                self.tail = rest.len() + self.line_break.len();
                return Some(());
            }
            if n != width || !rest[n..].starts_with(self.line_break) {
                return None;
            }
            if trailing {
                self.tail = rest.len() - n;
                return Some(());
            }
            // A break after a terminator (and the blanks that pad a fixed-length record) is
            // between segments: only the others are inside one.
            after_segment = ends_segment;
            if !ends_segment {
                if self.inside == 0 {
                    self.first_inside = self.lead + pos + n;
                }
                self.inside += 1;
            }
            self.breaks += 1;
            pos += width + self.line_break.len();
        }
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

    /// `flat` (unfolded bytes, edited perhaps within the lines) folded as this file is: the
    /// same width and line break, the bytes before the first line and after the last kept.
    pub fn fold(&self, flat: &[u8]) -> Vec<u8> {
        let lead = self.lead.min(flat.len());
        let end = flat.len().saturating_sub(self.tail).max(lead);
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

    /// The unwrapped offsets in `from..to` of `flat` where a line break inside a segment was
    /// taken out (that of the byte after it): not after `terminator` and the blanks that may
    /// follow it, counting from `from`.
    pub fn cuts<'a>(
        &'a self,
        flat: &'a [u8],
        from: usize,
        to: usize,
        terminator: u8,
    ) -> impl Iterator<Item = usize> + 'a {
        (1..=self.breaks)
            .map(|k| self.lead + k * self.width)
            .filter(move |&p| p > from && p < to && !ends_segment(&flat[from..p], terminator))
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
        for width in [20, 51, 52, 64, 80, 104, 105, 106, 107, 132] {
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
                    let step = width + brk.len();
                    let after = (f.first_inside / step + 1) * width;
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

    /// The TR3's examples: the ISA and GS whole on their lines, the set wrapped, the GE and
    /// IEA whole on theirs. The wrap starts at the set's first line; the lines before it stay
    /// in front, those after it behind.
    #[test]
    fn a_wrap_may_start_after_whole_envelope_lines() {
        let flat = text();
        let gs = flat.find("GS*").unwrap();
        let st = flat.find("ST*").unwrap();
        let ge = flat.find("GE*").unwrap();
        let iea = flat.find("IEA*").unwrap();
        for brk in ["\n", "\r\n"] {
            let set = fold(&flat[st..ge], 20, brk);
            let lines = [
                &flat[..gs],
                &flat[gs..st],
                &set,
                &flat[ge..iea],
                &flat[iea..],
            ];
            let folded = lines.join(brk);
            let f = Folding::of(folded.as_bytes()).unwrap_or_else(|| panic!("{brk:?}"));
            assert_eq!((f.width, f.lead), (20, st + 2 * brk.len()));
            let unfolded = f.unfold(folded.as_bytes());
            let want = [
                &flat[..gs],
                &flat[gs..st],
                &flat[st..ge],
                &flat[ge..iea],
                &flat[iea..],
            ];
            assert_eq!(unfolded, want.join(brk).as_bytes());
            for (i, &b) in unfolded.iter().enumerate() {
                assert_eq!(folded.as_bytes()[f.original(i)], b, "{i}");
            }
            assert_eq!(f.fold(&unfolded), folded.as_bytes());
        }
    }

    #[test]
    fn a_trailer_stays_behind() {
        for (brk, width) in [("\n", 80), ("\r\n", 80), ("\n", 64), ("\r\n", 100)] {
            let folded = format!("{}{brk}END OF BATCH 7{brk}", fold(&text(), width, brk));
            let f = Folding::of(folded.as_bytes()).unwrap();
            let unfolded = f.unfold(folded.as_bytes());
            assert_eq!(
                unfolded,
                format!("{}{brk}END OF BATCH 7{brk}", text()).as_bytes()
            );
            assert_eq!(f.fold(&unfolded), folded.as_bytes());
            // Edited within the lines (two bytes shorter): wrapped again, the trailer kept.
            let edited = String::from_utf8(unfolded)
                .unwrap()
                .replacen("BHT*0019", "BHT*19", 1);
            let again = f.fold(edited.as_bytes());
            assert!(again.ends_with(format!("{brk}END OF BATCH 7{brk}").as_bytes()));
            assert_eq!(f.unfold(&again).len(), edited.len());
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
            "ISA-formatted batch from ACME\nISA*00 header follows\n",
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
