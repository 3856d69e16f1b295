//! The envelope scan: one pass over a file that finds interchanges (ISA/IEA), functional groups
//! (GS/GE) and transaction sets (ST/SE), and reports what the lexer alone can see (ENV001,
//! ENV004, ENV008). Each transaction set becomes a byte range that is lexed again, on its own
//! and possibly on another thread, when it is checked. The scan keeps no per-segment state.

use super::delims::{IsaHeader, IsaProblem, show_byte};
use super::lexer::{Lexer, RawSegment};
use super::{Delimiters, Loc, SegId, Segment};
use claimlint_diagnostic::{Diagnostic, Severity};

/// One transaction set: ST..SE as a byte range plus what the envelope rules need.
#[derive(Clone, Debug)]
pub struct TxFrame<'a> {
    pub st: Segment<'a>,
    pub se: Option<Segment<'a>>,
    /// From the ST to just past the SE terminator (or to where the set was cut off).
    pub start: usize,
    pub end: usize,
    /// Segments from ST to SE inclusive (to the cut when SE is missing).
    pub segment_count: u32,
    pub delims: Delimiters,
    /// ST02 copied out at scan time, with its location, for the duplicate check that runs after
    /// the transaction set's bytes may have been released.
    pub st02: Box<[u8]>,
    pub st02_loc: Loc,
}

#[derive(Clone, Debug)]
pub struct Group<'a> {
    /// `None` for transaction sets found without a GS before them.
    pub gs: Option<Segment<'a>>,
    pub ge: Option<Segment<'a>>,
    pub transactions: Vec<TxFrame<'a>>,
}

#[derive(Clone, Debug)]
pub struct Interchange<'a> {
    pub isa: Segment<'a>,
    pub header: IsaHeader<'a>,
    pub iea: Option<Segment<'a>>,
    pub groups: Vec<Group<'a>>,
}

impl Interchange<'_> {
    pub fn delims(&self) -> Delimiters {
        self.header.delims
    }
}

#[derive(Debug, Default)]
pub struct Scan<'a> {
    pub interchanges: Vec<Interchange<'a>>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every segment seen, envelopes included.
    pub segments: u64,
}

impl<'a> Scan<'a> {
    pub fn transactions(
        &self,
    ) -> impl Iterator<Item = (&Interchange<'a>, &Group<'a>, &TxFrame<'a>)> {
        self.interchanges.iter().flat_map(|i| {
            i.groups
                .iter()
                .flat_map(move |g| g.transactions.iter().map(move |t| (i, g, t)))
        })
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn span_loc(id: &[u8], position: u32, offset: usize, length: usize) -> Loc {
    Loc {
        segment: SegId::new(id),
        position,
        element: None,
        component: None,
        offset,
        length,
        terminator: b'~',
    }
}

/// Finds the next `ISA` that is followed by a plausible element separator.
fn find_isa(input: &[u8], from: usize) -> Option<usize> {
    let hay = input.get(from..)?;
    memchr::memmem::find_iter(hay, b"ISA")
        .map(|i| from + i)
        .find(|&i| {
            input
                .get(i + 3)
                .is_some_and(|&b| !b.is_ascii_alphanumeric() && !b.is_ascii_whitespace())
        })
}

fn skip_layout(input: &[u8], mut pos: usize) -> usize {
    while input.get(pos).is_some_and(|b| b.is_ascii_whitespace()) {
        pos += 1;
    }
    pos
}

/// Receives each transaction set as soon as its SE (or the point where it was cut off) has been
/// read, with the GS of its group.
pub type TxSink<'s, 'a> = &'s mut dyn FnMut(Option<&Segment<'a>>, &TxFrame<'a>);

struct Scanner<'a, 's> {
    input: &'a [u8],
    out: Scan<'a>,
    sink: TxSink<'s, 'a>,
    /// 1-based index of the segment in the file, for envelope positions.
    file_index: u32,
}

/// Scans a whole file. Never fails: every problem is a diagnostic in the result.
pub fn scan(input: &[u8]) -> Scan<'_> {
    scan_streaming(input, &mut |_, _| {})
}

/// Scans a whole file and hands each transaction set to `sink` as soon as it is complete, so a
/// caller can check and release the first megabytes of a gigabyte before the scan reaches the
/// end. The returned `Scan` still lists every envelope (they are small).
pub fn scan_streaming<'a>(input: &'a [u8], sink: TxSink<'_, 'a>) -> Scan<'a> {
    let mut s = Scanner {
        input,
        out: Scan::default(),
        sink,
        file_index: 0,
    };
    s.run();
    s.out
}

impl<'a> Scanner<'a, '_> {
    fn diag(
        &mut self,
        code: &'static str,
        severity: Severity,
        loc: Loc,
        message: String,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::new(code, severity, loc, message);
        d.help = help;
        self.out.diagnostics.push(d);
    }

    fn run(&mut self) {
        let input = self.input;
        let mut pos = 0;
        if input.starts_with(UTF8_BOM) {
            pos = UTF8_BOM.len();
        }
        pos = skip_layout(input, pos);
        if pos >= input.len() {
            let what = if input.is_empty() {
                "the file is empty"
            } else {
                "the file holds only whitespace"
            };
            self.diag(
                "ENV001",
                Severity::Error,
                span_loc(b"ISA", 1, 0, 0),
                format!("no ISA segment: {what}"),
                None,
            );
            return;
        }
        if !input[pos..].starts_with(b"ISA") {
            match find_isa(input, pos) {
                Some(isa) => {
                    let skipped = isa - pos;
                    self.diag(
                        "ENV008",
                        Severity::Warning,
                        span_loc(b"", 0, pos, skipped),
                        format!("{skipped} bytes before the first ISA were skipped"),
                        Some("send the interchange alone, starting with ISA".into()),
                    );
                    pos = isa;
                }
                None => {
                    let binary = input.iter().take(4096).any(|&b| b == 0 || b >= 0x80);
                    let msg = if binary {
                        "no ISA segment: this looks like a binary file, not X12".to_string()
                    } else {
                        "no ISA segment: an X12 interchange must start with a 106-byte ISA, which gives its delimiters".to_string()
                    };
                    self.diag(
                        "ENV001",
                        Severity::Error,
                        span_loc(b"", 1, pos, input.len().saturating_sub(pos).min(3)),
                        msg,
                        None,
                    );
                    return;
                }
            }
        }
        while let Some(next) = self.interchange(pos) {
            pos = next;
        }
    }

    /// Reads one interchange starting at the `ISA` at `pos`; returns where the next ISA starts.
    fn interchange(&mut self, pos: usize) -> Option<usize> {
        let input = self.input;
        let rest = &input[pos..];
        let Some(header) = IsaHeader::parse(rest) else {
            let len = rest.len().min(106);
            self.file_index += 1;
            self.diag(
                "ENV001",
                Severity::Error,
                span_loc(b"ISA", self.file_index, pos, len),
                format!("the ISA is cut off after {} bytes; it must have 16 elements and be followed by its segment terminator", rest.len().min(106)),
                None,
            );
            // Another interchange may still follow.
            return find_isa(input, pos + 3);
        };
        self.file_index += 1;
        let delims = header.delims;
        let isa = Segment {
            bytes: &rest[..header.len - 1],
            offset: pos,
            delims,
            position: self.file_index,
        };
        for problem in header.problems() {
            let (element, message) = match problem {
                IsaProblem::Width {
                    element,
                    expected,
                    found,
                } => (
                    Some(element),
                    format!(
                        "ISA{element:02} is {found} character{}; the ISA is fixed-width and ISA{element:02} must be {expected}",
                        if found == 1 { "" } else { "s" }
                    ),
                ),
                IsaProblem::Delimiters(m) => {
                    (None, format!("ISA delimiters are not distinct: {m}"))
                }
            };
            let loc = element
                .and_then(|e| isa.element_raw(e))
                .map_or(isa.loc(), |e| e.loc());
            self.diag("ENV001", Severity::Error, loc, message, Some("pad each ISA element to its fixed width with spaces (ISA06/ISA08: 15, ISA13: 9 digits)".into()));
        }
        let mut ic = Interchange {
            isa,
            header,
            iea: None,
            groups: Vec::new(),
        };
        let mut lexer = Lexer::new(input, pos + ic.header.len, delims);
        let mut open_tx: Option<TxFrame<'a>> = None;
        let mut group_open = false;
        let mut empty_run: Option<(usize, u32)> = None;
        let mut next_isa = None;
        while let Some(raw) = lexer.next() {
            if raw.bytes.is_empty() {
                let run = empty_run.get_or_insert((raw.offset, 0));
                run.1 += 1;
                continue;
            }
            if let Some((offset, count)) = empty_run.take() {
                let at = open_tx
                    .as_ref()
                    .map_or(self.file_index, |t| t.segment_count);
                self.report_empty(offset, count, at);
            }
            let seg = Segment {
                bytes: raw.bytes,
                offset: raw.offset,
                delims,
                position: 0,
            };
            let id = seg.id();
            if !raw.terminated {
                let shown = String::from_utf8_lossy(&id[..id.len().min(3)]).into_owned();
                self.diag("ENV004", Severity::Error, span_loc(id, self.file_index + 1, raw.offset, raw.bytes.len()), format!("the input ends inside {shown}: its segment terminator `{}` is missing (was the file cut short?)", show_byte(delims.segment)), Some(format!("end the last segment with `{}`", show_byte(delims.segment))));
            }
            if id == b"ISA" {
                next_isa = Some(raw.offset);
                break;
            }
            self.out.segments += 1;
            self.file_index += 1;
            let file_seg = Segment {
                position: self.file_index,
                ..seg
            };
            if let Some(tx) = open_tx.as_mut() {
                if !matches!(id, b"ST" | b"GS" | b"GE" | b"IEA") {
                    tx.segment_count += 1;
                    if id == b"SE" {
                        tx.se = Some(Segment {
                            position: tx.segment_count,
                            ..seg
                        });
                        tx.end = raw.end();
                        let done = open_tx.take().expect("checked just above");
                        self.push_tx(&mut ic, done);
                    } else {
                        tx.end = raw.end();
                    }
                    continue;
                }
                // ST/GS/GE/IEA inside a transaction set: its SE is missing.
                let cut = open_tx.take().expect("checked just above");
                self.diag(
                    "ENV004",
                    Severity::Error,
                    cut.st.loc(),
                    format!(
                        "ST*{} has no SE: the transaction set ends at the {} at byte {}",
                        String::from_utf8_lossy(cut.st.value(2)),
                        String::from_utf8_lossy(id),
                        raw.offset
                    ),
                    Some("end every transaction set with SE".into()),
                );
                self.push_tx(&mut ic, cut);
            }
            match id {
                b"GS" => {
                    if group_open {
                        self.unclosed_group(&ic, raw.offset);
                    }
                    ic.groups.push(Group {
                        gs: Some(file_seg),
                        ge: None,
                        transactions: Vec::new(),
                    });
                    group_open = true;
                }
                b"GE" => {
                    if group_open {
                        if let Some(g) = ic.groups.last_mut() {
                            g.ge = Some(file_seg);
                        }
                        group_open = false;
                    } else {
                        self.diag(
                            "ENV004",
                            Severity::Error,
                            file_seg.loc(),
                            "GE without a GS before it".into(),
                            None,
                        );
                    }
                }
                b"ST" => {
                    if !group_open {
                        self.diag("ENV004", Severity::Error, Segment { position: 1, ..seg }.loc(), "ST without a GS before it: the transaction set is outside a functional group".into(), Some("put GS before ST and GE after SE".into()));
                        ic.groups.push(Group {
                            gs: None,
                            ge: None,
                            transactions: Vec::new(),
                        });
                        group_open = true;
                    }
                    let st = Segment { position: 1, ..seg };
                    let st02 = st.value(2).into();
                    let st02_loc = st.element_raw(2).map_or(st.loc(), |e| e.loc());
                    open_tx = Some(TxFrame {
                        st,
                        se: None,
                        start: raw.offset,
                        end: raw.end(),
                        segment_count: 1,
                        delims,
                        st02,
                        st02_loc,
                    });
                }
                b"IEA" => {
                    if group_open {
                        self.unclosed_group(&ic, raw.offset);
                    }
                    ic.iea = Some(file_seg);
                    let after = skip_layout(input, lexer.position());
                    if after < input.len() && !input[after..].starts_with(b"ISA") {
                        let junk_end = find_isa(input, after).unwrap_or(input.len());
                        self.diag(
                            "ENV004",
                            Severity::Error,
                            span_loc(b"", 0, after, junk_end - after),
                            format!(
                                "{} bytes of data after IEA, outside any interchange",
                                junk_end - after
                            ),
                            Some(
                                "remove what follows the IEA, or start a new interchange with ISA"
                                    .into(),
                            ),
                        );
                        next_isa = (junk_end < input.len()).then_some(junk_end);
                    } else if after < input.len() {
                        next_isa = Some(after);
                    }
                    break;
                }
                b"SE" => self.diag(
                    "ENV004",
                    Severity::Error,
                    file_seg.loc(),
                    "SE without an ST before it".into(),
                    None,
                ),
                _ => self.diag(
                    "STR003",
                    Severity::Error,
                    file_seg.loc(),
                    format!(
                        "{} is outside any transaction set (between envelope segments)",
                        String::from_utf8_lossy(id)
                    ),
                    None,
                ),
            }
        }
        if let Some((offset, count)) = empty_run.take() {
            let at = open_tx
                .as_ref()
                .map_or(self.file_index, |t| t.segment_count);
            self.report_empty(offset, count, at);
        }
        if let Some(tx) = open_tx.take() {
            self.diag(
                "ENV004",
                Severity::Error,
                tx.st.loc(),
                format!(
                    "ST*{} has no SE: the input ends inside the transaction set",
                    String::from_utf8_lossy(tx.st.value(2))
                ),
                Some("end every transaction set with SE".into()),
            );
            self.push_tx(&mut ic, tx);
            // The group is necessarily unclosed as well; that is reported below.
        }
        if ic.iea.is_none() {
            if group_open {
                self.unclosed_group(&ic, next_isa.unwrap_or(input.len()));
            }
            let why = if next_isa.is_some() {
                "another ISA starts before it"
            } else {
                "the input ends first"
            };
            self.diag(
                "ENV004",
                Severity::Error,
                ic.isa.loc(),
                format!(
                    "ISA*…*{} has no IEA: {why}",
                    String::from_utf8_lossy(ic.header.elements[12])
                ),
                Some("close every interchange with IEA".into()),
            );
        }
        self.out.interchanges.push(ic);
        next_isa
    }

    fn push_tx(&mut self, ic: &mut Interchange<'a>, tx: TxFrame<'a>) {
        (self.sink)(ic.groups.last().and_then(|g| g.gs.as_ref()), &tx);
        match ic.groups.last_mut() {
            Some(g) => g.transactions.push(tx),
            None => ic.groups.push(Group {
                gs: None,
                ge: None,
                transactions: vec![tx],
            }),
        }
    }

    fn unclosed_group(&mut self, ic: &Interchange<'a>, at: usize) {
        if let Some(gs) = ic.groups.last().and_then(|g| g.gs) {
            self.diag(
                "ENV004",
                Severity::Error,
                gs.loc(),
                format!(
                    "GS*…*{} has no GE before byte {at}",
                    String::from_utf8_lossy(gs.value(6))
                ),
                Some("close every functional group with GE".into()),
            );
        }
    }

    /// `after` is the position of the segment before the empty ones (in its transaction set).
    fn report_empty(&mut self, offset: usize, count: u32, after: u32) {
        let what = if count == 1 {
            "an empty segment".to_string()
        } else {
            format!("{count} empty segments in a row")
        };
        self.diag("SYN001", Severity::Error, span_loc(b"", after, offset, 1), format!("{what} after segment {after}: a segment terminator follows another with no segment between"), Some("remove the doubled segment terminators".into()));
    }
}

/// Lexes one transaction set's range, numbering segments from ST = 1.
pub fn segments<'a>(input: &'a [u8], tx: &TxFrame<'a>) -> impl Iterator<Item = Segment<'a>> {
    let slice = &input[..tx.end.min(input.len())];
    let delims = tx.delims;
    let mut position = 0u32;
    Lexer::new(slice, tx.start, delims)
        .filter(|raw: &RawSegment<'_>| !raw.bytes.is_empty())
        .map(move |raw| {
            position += 1;
            Segment {
                bytes: raw.bytes,
                offset: raw.offset,
                delims,
                position,
            }
        })
}

/// Describes a delimiter set for `claimlint tree`.
pub fn describe_delims(d: Delimiters) -> String {
    format!(
        "element `{}`, component `{}`, repetition {}, terminator `{}`",
        show_byte(d.element),
        show_byte(d.component),
        d.repetition
            .map_or("none".to_string(), |r| format!("`{}`", show_byte(r))),
        show_byte(d.segment)
    )
}
