//! Files folded at a fixed width: the whole interchange written as one stream and cut into lines
//! of exactly `width` bytes (80 for mainframe card images; "wrap by line length" in
//! translators such as AWS B2B Data Interchange), so line breaks fall inside segments, the
//! ISA among them. The line breaks are not data: a folded file is read with them taken out
//! (`Folding::unfold`) and what is found in it is mapped back to the file's own offsets
//! (`Folding::original`). Recognised only when every line but the last has the same length
//! (or is one of a few a wrapper trimmed, below), the breaks are all the same sequence, the
//! segment terminator is not itself a line break, and at least one break falls inside a
//! segment: any other file is read as it is. The wrapped lines start at the ISA, or (as in the
//! TR3's printed examples) after lines that each hold whole envelope segments (the ISA, the
//! GS), and may be followed by such lines (GE, IEA).
//!
//! A mail client or editor that wraps a file often also trims the blanks that end each line,
//! so a line whose cut fell just after a blank (in the ISA's padding, between the words of a
//! name) is shorter than the others. Those blanks are data: unfolded, such a line is put back
//! to the width with blanks (`Trim`). Without them every finding after the first such line
//! would be read at the wrong place (ISA10 `125\n3`, GS08 `0050\n10X222`).

/// Lines longer than this are not taken for a fold (a file with long lines is not folded).
const MAX_WIDTH: usize = 4096;
/// Lines shorter than this are not taken for a fold either.
const MIN_WIDTH: usize = 20;

/// A fold whose first line the wrapper trimmed takes its width from the longest of its first
/// this many lines (a cut in the ISA's padded ISA06 or ISA08 falls after a blank).
const WIDTH_LINES: usize = 4;

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

/// The widths a fold starting at `text` may have: the length of its first line and, when
/// longer, that of the longest of its first `WIDTH_LINES` lines (the first line was trimmed).
fn widths(text: &[u8]) -> impl Iterator<Item = usize> {
    let (mut first, mut longest, mut at) = (None, 0, 0);
    for _ in 0..WIDTH_LINES {
        let rest = &text[at..];
        let Some(n) = memchr::memchr2(b'\n', b'\r', &rest[..rest.len().min(MAX_WIDTH + 2)]) else {
            break;
        };
        first.get_or_insert(n);
        longest = longest.max(n);
        at += n + if rest[n..].starts_with(b"\r\n") { 2 } else { 1 };
    }
    first
        .into_iter()
        .chain(first.filter(|&f| longest > f).map(|_| longest))
}

/// The byte at `k` of `text` read as a fold of `width` and `line_break`, with the blanks of a
/// line the wrapper trimmed put back: where the ISA's terminator is when a line before it is
/// short. `None` past the end or where a line does not fit.
fn unwrapped_byte(text: &[u8], width: usize, line_break: &[u8], mut k: usize) -> Option<u8> {
    let mut at = 0;
    loop {
        let rest = text.get(at..)?;
        let n = memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
        if k < n {
            return rest.get(k).copied();
        }
        if n > width || !rest[n..].starts_with(line_break) {
            return None;
        }
        if k < width {
            return Some(b' ');
        }
        k -= width;
        at += n + line_break.len();
    }
}

/// A line of the fold shorter than its width, not its last: the wrapper trimmed the blanks
/// that ended it, which are data (an element's padding, the blank between two words) and are
/// put back when the file is unfolded. They have no byte in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Trim {
    /// The line's index among the fold's lines, from 0.
    line: usize,
    /// How many blanks it lost: the width less its length.
    blanks: usize,
    /// How many it and the lines before it lost.
    through: usize,
}

/// What the lines of a fold are read against.
#[derive(Clone, Copy)]
struct Delims {
    /// The ISA's element separator: a line that starts a segment starts with an id and it.
    element: u8,
    /// The segment terminator: a break after it is between segments.
    terminator: u8,
    /// How many unwrapped bytes from the fold's start are the ISA (106 when the wrap cuts it,
    /// 0 when the ISA has a line of its own), whose elements are padded with blanks.
    isa: usize,
}

/// The length of an ISA with its terminator.
const ISA_LEN: usize = 106;

/// How a folded file is folded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folding {
    /// Bytes kept before the first line (a UTF-8 byte order mark, blank lines).
    lead: usize,
    /// Length of every line but the last, line break excluded (with a trimmed line's blanks).
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
    /// The lines the wrapper trimmed, in order: few, most lines are full.
    trims: Vec<Trim>,
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
            Some(fold) => {
                let flat = fold.unfold(input);
                (Some(fold), flat.into())
            }
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
        let element = input[isa + 3];
        let padded = if lead == isa { ISA_LEN } else { 0 };
        let head = &text[..text.len().min(MAX_WIDTH + 2)];
        let line_break: &'static [u8] = match &text[memchr::memchr2(b'\n', b'\r', head)?..] {
            [b'\r', b'\n', ..] => b"\r\n",
            [b'\r', ..] => b"\r",
            _ => b"\n",
        };
        widths(text).find_map(|width| {
            // The ISA's 106th byte, line breaks left out, is the segment terminator.
            let terminator = match terminator {
                Some(t) => t,
                None => delimiter(unwrapped_byte(text, width, line_break, ISA_LEN - 1)?)?,
            };
            let delims = Delims {
                element,
                terminator,
                isa: padded,
            };
            Folding::at_width(text, lead, width, line_break, delims)
        })
    }

    /// The folding of `text` (the input from `lead` on) at `width` and `line_break`: `None`
    /// unless a line break falls inside a segment and most lines are full (a file of lines of
    /// many lengths is not a fold whose lines were trimmed).
    fn at_width(
        text: &[u8],
        lead: usize,
        width: usize,
        line_break: &'static [u8],
        delims: Delims,
    ) -> Option<Folding> {
        if width < MIN_WIDTH {
            return None;
        }
        let mut fold = Folding {
            lead,
            width,
            line_break,
            breaks: 0,
            inside: 0,
            first_inside: 0,
            tail: 0,
            trims: Vec::new(),
        };
        fold.read_lines(text, delims)?;
        (fold.inside > 0 && fold.trims.len() * 2 < fold.breaks).then_some(fold)
    }

    /// Reads the lines of `text` (the input from the ISA on) as this fold's width and line
    /// break: counts the breaks, those inside a segment, and what is left after the last line.
    /// `None` when a line does not fit.
    fn read_lines(&mut self, text: &[u8], delims: Delims) -> Option<()> {
        let Delims {
            element,
            terminator,
            ..
        } = delims;
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
            if n > width || !rest[n..].starts_with(self.line_break) {
                return None;
            }
            if n < width {
                self.trim(line, rest.get(n + self.line_break.len()), delims)?;
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
            pos += n + self.line_break.len();
        }
    }

    /// Takes `line`, the next line of the fold, shorter than the width and not its last, for
    /// one the wrapper trimmed; `next` is the first byte of the line after it. The line cannot
    /// end a segment (it would be the last, as in a file of one segment a line), nor be empty
    /// or end in a blank, which trimming takes off. Past the ISA the blanks it lost must be
    /// followed by data, not end an element (a string's trailing blanks are suppressed, TR3
    /// appendix B): so a fold with a line broken in two by hand before a separator is not
    /// taken for one with a line trimmed. The line after it may look like a segment's start:
    /// a name cut after its blank (`CLEARINGHOUSE ` / `LLC*****46*…`) leaves one.
    fn trim(&mut self, line: &[u8], next: Option<&u8>, delims: Delims) -> Option<()> {
        let ends_element = next.is_some_and(|&b| b == delims.element || b == delims.terminator);
        let cut = (self.breaks + 1) * self.width;
        if line.last().is_none_or(u8::is_ascii_whitespace) || (ends_element && cut > delims.isa) {
            return None;
        }
        let blanks = self.width - line.len();
        let through = self.trims.last().map_or(0, |t| t.through) + blanks;
        self.trims.push(Trim {
            line: self.breaks,
            blanks,
            through,
        });
        Some(())
    }

    /// `input` without the line breaks of the fold, the blanks of the lines the wrapper
    /// trimmed put back.
    pub fn unfold(&self, input: &[u8]) -> Vec<u8> {
        let step = self.line_break.len();
        let mut flat = Vec::with_capacity(input.len() + self.restored() - self.breaks * step);
        flat.extend_from_slice(&input[..self.lead]);
        let mut trims = self.trims.iter().peekable();
        let mut pos = self.lead;
        for line in 0..self.breaks {
            let blanks = trims.next_if(|t| t.line == line).map_or(0, |t| t.blanks);
            let kept = self.width - blanks;
            flat.extend_from_slice(&input[pos..pos + kept]);
            flat.resize(flat.len() + blanks, b' ');
            pos += kept + step;
        }
        flat.extend_from_slice(&input[pos..]);
        flat
    }

    /// How many blanks `unfold` puts back.
    fn restored(&self) -> usize {
        self.trims.last().map_or(0, |t| t.through)
    }

    /// `flat` (unfolded bytes, edited perhaps within the lines) folded as this file is: the
    /// same width and line break, the bytes before the first line and after the last kept.
    /// When the wrapper trimmed lines, so are these, if the result reads back as `flat`
    /// (an edit may leave a line all blanks, or too many short); else the blanks are written
    /// out, every line full.
    pub fn fold(&self, flat: &[u8]) -> Vec<u8> {
        let full = self.wrap(flat, false);
        if self.trims.is_empty() {
            return full;
        }
        let trimmed = self.wrap(flat, true);
        match Folding::of(&trimmed) {
            Some(again) if again.unfold(&trimmed) == flat => trimmed,
            _ => full,
        }
    }

    /// `flat` cut into lines of the width, each but the last without its trailing blanks when
    /// `trim`.
    fn wrap(&self, flat: &[u8], trim: bool) -> Vec<u8> {
        let lead = self.lead.min(flat.len());
        let end = flat.len().saturating_sub(self.tail).max(lead);
        let mut out = Vec::with_capacity(flat.len() + flat.len() / self.width * 2 + 2);
        out.extend_from_slice(&flat[..lead]);
        let mut lines = flat[lead..end].chunks(self.width).peekable();
        while let Some(line) = lines.next() {
            let more = lines.peek().is_some();
            let blanks = if trim && more {
                line.iter().rev().take_while(|&&b| b == b' ').count()
            } else {
                0
            };
            out.extend_from_slice(&line[..line.len() - blanks]);
            if more {
                out.extend_from_slice(self.line_break);
            }
        }
        out.extend_from_slice(&flat[end..]);
        out
    }

    /// The file offset of the byte at `offset` in the unfolded bytes (or of the end, for the
    /// length of the unfolded bytes). A blank the wrapper trimmed has no byte: it is placed
    /// at the end of its line, on the line break.
    pub fn original(&self, offset: usize) -> usize {
        self.place(offset).0
    }

    /// The file offset of the unfolded byte at `offset`, and whether it is a trimmed blank
    /// (placed on the line break after its line).
    fn place(&self, offset: usize) -> (usize, bool) {
        if offset < self.lead {
            return (offset, false);
        }
        let line = ((offset - self.lead) / self.width).min(self.breaks);
        let column = offset - self.lead - line * self.width;
        let i = self.trims.partition_point(|t| t.line < line);
        let before = i.checked_sub(1).map_or(0, |j| self.trims[j].through);
        let start = self.lead + line * (self.width + self.line_break.len()) - before;
        match self.trims.get(i).filter(|t| t.line == line) {
            Some(t) if column >= self.width - t.blanks => (start + self.width - t.blanks, true),
            _ => (start + column, false),
        }
    }

    /// The file span of the unfolded span `start..end`: a span that ends where a line ends
    /// (or in the blanks trimmed from it) does not take in the line break after it.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let from = self.original(start);
        let to = if end > start {
            match self.place(end - 1) {
                (at, true) => at.max(from),
                (at, false) => at + 1,
            }
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

    /// How many of the lines cut in the unwrapped `from..to` the wrapper trimmed (lines
    /// whose blanks `unfold` put back).
    pub fn trimmed(&self, from: usize, to: usize) -> usize {
        self.trims
            .iter()
            .map(|t| self.lead + (t.line + 1) * self.width)
            .filter(|&p| p > from && p < to)
            .count()
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

    /// A longer interchange, its names and addresses holding blanks, so that a fold of it has
    /// enough lines for a few to be trimmed.
    fn long_text() -> String {
        let names = "NM1*41*2*ACME BILLING SERVICE*****46*12345~PER*IC*JANE Q DOE*TE*5555551212~NM1*40*2*BLUE CROSS OF THE NORTH*****46*99999~HL*1**20*1~NM1*85*2*NORTH SIDE FAMILY CLINIC*****XX*1234567893~N3*1200 MAIN STREET SUITE 400~N4*SPRINGFIELD*IL*627011234~";
        text().replace("SE*3*", &format!("{}SE*3*", names.repeat(4)))
    }

    /// `flat` with blanks put in before the cuts a fold at `width` makes past byte `after`
    /// (the ISA's end): one before the first cut that falls after a letter, two before the
    /// next, so that a wrapper that trims leaves those lines short by one and by two.
    fn with_blanks_at_cuts(flat: &str, width: usize, after: usize) -> String {
        let mut b = flat.as_bytes().to_vec();
        let mut blanks = 1;
        for cut in (1..b.len() / width)
            .map(|k| k * width)
            .filter(|&c| c > after)
        {
            if blanks <= 2
                && b[cut - blanks - 1..=cut]
                    .iter()
                    .all(u8::is_ascii_alphanumeric)
            {
                b[cut - blanks..cut].fill(b' ');
                blanks += 1;
            }
        }
        assert_eq!(blanks, 3, "{width}: two cuts after letters");
        String::from_utf8(b).unwrap()
    }

    /// `text` folded at `width` by a wrapper that trims the blanks ending each line.
    fn fold_trimmed(text: &str, width: usize, brk: &str) -> String {
        fold(text, width, "\n")
            .split('\n')
            .map(|l| l.trim_end_matches(' '))
            .collect::<Vec<_>>()
            .join(brk)
    }

    /// Where each unfolded byte of `folded` (trimmed at `width`, broken by `brk`) is in it,
    /// counted apart from `Folding`: a trimmed blank at the end of its line.
    fn places(folded: &str, width: usize, brk: &str) -> Vec<usize> {
        let lines: Vec<&str> = folded.split(brk).collect();
        let mut out = Vec::new();
        let mut start = 0;
        for (i, line) in lines.iter().enumerate() {
            let columns = if i + 1 < lines.len() {
                width
            } else {
                line.len()
            };
            out.extend((0..columns).map(|c| start + c.min(line.len())));
            start += line.len() + brk.len();
        }
        out
    }

    #[test]
    fn a_trimmed_fold_is_read_with_its_blanks_put_back() {
        for width in [40, 60, 80] {
            let flat = with_blanks_at_cuts(&long_text(), width, ISA_LEN);
            for brk in ["\n", "\r\n"] {
                let folded = fold_trimmed(&flat, width, brk);
                // The two lines given blanks, and any other whose cut fell after a blank.
                let short = folded.split(brk).filter(|l| l.len() < width).count() - 1;
                assert!(short >= 2, "{width} {brk:?}");
                let f = Folding::of(folded.as_bytes()).unwrap_or_else(|| panic!("{width}"));
                assert_eq!((f.width, f.line_break), (width, brk.as_bytes()));
                assert_eq!(f.trimmed(0, flat.len()), short);
                let unfolded = f.unfold(folded.as_bytes());
                assert_eq!(unfolded, flat.as_bytes(), "{width} {brk:?}");
                let want = places(&folded, width, brk);
                let got: Vec<usize> = (0..unfolded.len()).map(|i| f.original(i)).collect();
                assert_eq!(got, want, "{width} {brk:?}");
                assert_eq!(f.original(unfolded.len()), folded.len());
                // A span ending in the blanks put back ends with its line, before the break;
                // one running on into the next line takes the break in.
                let cut = flat[ISA_LEN..].find("  ").unwrap() + ISA_LEN + 2;
                let line_end = want[cut - 1];
                assert_eq!(&folded.as_bytes()[line_end..][..brk.len()], brk.as_bytes());
                assert_eq!(f.original_span(cut - 4, cut), (line_end - 2, line_end));
                assert_eq!(f.original_span(cut - 1, cut), (line_end, line_end));
                let next = line_end + brk.len();
                assert_eq!(f.original_span(cut - 4, cut + 1), (line_end - 2, next + 1));
                // Folded again as the wrapper folded it: the same lines, trimmed.
                assert_eq!(f.fold(&unfolded), folded.as_bytes());
            }
        }
    }

    /// A cut in the ISA's padding (ISA06, ISA08) leaves its first line trimmed: the width is
    /// that of the lines after it.
    #[test]
    fn a_trimmed_first_line_does_not_set_the_width() {
        let flat = long_text();
        for width in [46, 50, 64, 66] {
            for brk in ["\n", "\r\n"] {
                let folded = fold_trimmed(&flat, width, brk);
                assert!(folded.split(brk).next().unwrap().len() < width);
                let f = Folding::of(folded.as_bytes()).unwrap_or_else(|| panic!("{width}"));
                assert_eq!(f.width, width);
                assert_eq!(f.unfold(folded.as_bytes()), flat.as_bytes());
                let got: Vec<usize> = (0..flat.len()).map(|i| f.original(i)).collect();
                assert_eq!(got, places(&folded, width, brk), "{width} {brk:?}");
            }
        }
    }

    /// The TR3's layout (ISA and GS on their lines, the set wrapped, GE and IEA on theirs)
    /// with the set's lines trimmed.
    #[test]
    fn a_trimmed_wrap_may_start_after_whole_envelope_lines() {
        let flat = long_text();
        let (st, ge) = (flat.find("ST*").unwrap(), flat.find("GE*").unwrap());
        let set = with_blanks_at_cuts(&flat[st..ge], 40, 0);
        let set = set.as_str();
        for brk in ["\n", "\r\n"] {
            let gs = flat.find("GS*").unwrap();
            let iea = flat.find("IEA*").unwrap();
            let head = [&flat[..gs], &flat[gs..st]].join(brk);
            let tail = [&flat[ge..iea], &flat[iea..]].join(brk);
            let folded = [head.as_str(), &fold_trimmed(set, 40, brk), &tail].join(brk);
            let f = Folding::of(folded.as_bytes()).unwrap_or_else(|| panic!("{brk:?}"));
            assert_eq!((f.width, f.lead), (40, head.len() + brk.len()));
            assert!(f.trimmed(0, folded.len()) >= 2);
            let want = [head.as_str(), set, &tail].join(brk);
            let unfolded = f.unfold(folded.as_bytes());
            assert_eq!(unfolded, want.as_bytes());
            assert_eq!(f.fold(&unfolded), folded.as_bytes());
        }
    }

    /// An edit that leaves a line all blanks cannot be trimmed (an empty line is not read as
    /// one of the fold's): the blanks are written out, every line full, and read back.
    #[test]
    fn a_trimmed_fold_refolded_reads_back() {
        let flat = with_blanks_at_cuts(&long_text(), 80, ISA_LEN);
        let folded = fold_trimmed(&flat, 80, "\n");
        let f = Folding::of(folded.as_bytes()).unwrap();
        let cut = flat[ISA_LEN..].find("  ").unwrap() + ISA_LEN + 2;
        let mut edited = flat.clone().into_bytes();
        edited[cut..cut + 80].fill(b' ');
        let again = f.fold(&edited);
        assert_eq!(
            again,
            fold(std::str::from_utf8(&edited).unwrap(), 80, "\n").as_bytes()
        );
        let g = Folding::of(&again).unwrap();
        assert_eq!(g.unfold(&again), edited);
    }

    /// Short lines that trimming does not explain: the file is read as it is.
    #[test]
    fn short_lines_that_were_not_trimmed() {
        let flat = with_blanks_at_cuts(&long_text(), 80, ISA_LEN);
        let folded = fold_trimmed(&flat, 80, "\n");
        assert!(Folding::of(folded.as_bytes()).is_some());
        let lines: Vec<&str> = folded.split('\n').collect();
        let short = lines.iter().position(|l| l.len() < 80).unwrap();
        let with_lines = |i: usize, new: &[&str]| {
            let mut l = lines.clone();
            l.splice(i..=i, new.iter().copied());
            l.join("\n")
        };
        // A line still ending in a blank, and an empty line: no wrapper trimmed them.
        let ends_blank = format!("{} ", &lines[short][..lines[short].len() - 1]);
        // A full line broken in two by hand before an element separator: the blanks the
        // first part would have lost would end an element.
        let (i, at) = (3..lines.len() - 1)
            .find_map(|i| Some((i, lines[i][20..].find('*')? + 20)))
            .unwrap();
        let (a, b) = lines[i].split_at(at);
        // Every other line short, each after a blank: more short lines than trimming leaves.
        let mut half = flat.clone().into_bytes();
        for cut in (1..half.len() / 80).step_by(2).map(|k| k * 80) {
            half[cut - 1] = b' ';
            if matches!(half[cut], b'*' | b'~') {
                half[cut] = b'X';
            }
        }
        let half = fold_trimmed(std::str::from_utf8(&half).unwrap(), 80, "\n");
        let counts = |t: &str| {
            let l: Vec<usize> = t.split('\n').map(str::len).collect();
            let short = l[..l.len() - 1].iter().filter(|&&n| n < 80).count();
            (short, l.len() - 1)
        };
        let (trimmed, breaks) = counts(&half);
        assert!(trimmed * 2 >= breaks, "{half}");
        // Records of one segment each, padded to 120 and trimmed.
        let records: String = long_text()
            .split_inclusive('~')
            .map(|seg| format!("{seg:<120}").trim_end().to_string() + "\n")
            .collect();
        for input in [
            with_lines(short, &[&ends_blank]),
            with_lines(short, &[lines[short], ""]),
            with_lines(i, &[a, b]),
            half,
            records,
            long_text().replace('~', "~\n"),
        ] {
            assert_eq!(Folding::of(input.as_bytes()), None, "{input:?}");
        }
    }
}
