//! Human output: each diagnostic rendered by miette's graphical handler over a *windowed*
//! source (the segment before, the segment, the segment after), because many 837 files are one
//! line of megabytes and miette's own `[u8]` source would scan and print it whole.

use super::escape::{needs_escaping, visible, visible_bytes};
use claimlint_diagnostic::{Diagnostic, Severity};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

/// Longest label span shown; longer spans (a 9 kB text header) are cut to their first line.
const MAX_LABEL: usize = 80;

/// Most bytes shown on either side of the label on its own line, so that a line fits a
/// terminal: a kilobyte of text or NUL padding on one line, or a second interchange starting
/// on the line the first one's IEA ends, is cut there.
const MAX_SIDE: usize = 40;

/// The window `[start, end)` around the label `[s, e)` of `text` cut to `MAX_SIDE` bytes on
/// either side on the label's line, and to `4 × MAX_SIDE` in all on either side (the
/// segments on the lines before and after, whole when they are short).
fn cut(text: &[u8], (start, end): (usize, usize), s: usize, e: usize) -> (usize, usize) {
    let line_start = memchr::memrchr(b'\n', &text[start..s]).map_or(start, |i| start + i + 1);
    let from = if s - line_start > MAX_SIDE {
        s - MAX_SIDE
    } else {
        start.max(s.saturating_sub(4 * MAX_SIDE))
    };
    let line_end = memchr::memchr(b'\n', &text[e..end]).map_or(end, |i| e + i);
    let to = if line_end - e > MAX_SIDE {
        e + MAX_SIDE
    } else {
        end.min(e + 4 * MAX_SIDE)
    };
    (from, to)
}

struct Window<'a> {
    name: &'a str,
    input: &'a [u8],
    diag: &'a Diagnostic,
    /// The window with its control characters escaped, when it has any: its text, where it
    /// starts in the input, and that start's 0-based line. Spans are then in the coordinates
    /// of the escaped text, counted from that start.
    escaped: Option<(String, usize, usize)>,
}

impl Window<'_> {
    /// Start of the segment holding `pos`, stepping back `extra` more segments.
    fn seg_start(&self, pos: usize, extra: usize) -> usize {
        let term = self.diag.loc.terminator;
        let input = self.input;
        let floor = pos.saturating_sub(2048);
        let back = |from: usize| {
            memchr::memrchr2(term, b'\n', &input[floor..from]).map_or(floor, |i| floor + i + 1)
        };
        let mut start = back(pos.min(input.len()));
        for _ in 0..extra {
            // Step over the layout and the terminator that end the previous segment.
            let mut p = start;
            while p > floor && input[p - 1].is_ascii_whitespace() && input[p - 1] != term {
                p -= 1;
            }
            if p > floor && input[p - 1] == term {
                p -= 1;
            }
            if p == floor {
                break;
            }
            start = back(p);
        }
        while start < pos && input.get(start).is_some_and(|b| b.is_ascii_whitespace()) {
            start += 1;
        }
        start
    }

    /// End (exclusive, terminator included) of the segment holding `pos`, plus `extra` more.
    fn seg_end(&self, pos: usize, extra: usize) -> usize {
        let term = self.diag.loc.terminator;
        let input = self.input;
        let ceil = (pos + 2048).min(input.len());
        let fwd = |from: usize| {
            memchr::memchr(term, &input[from.min(ceil)..ceil]).map_or(ceil, |i| from + i + 1)
        };
        let mut end = fwd(pos.min(input.len()));
        for _ in 0..extra {
            let mut p = end;
            while p < ceil && input[p].is_ascii_whitespace() && input[p] != term {
                p += 1;
            }
            if p >= ceil {
                break;
            }
            end = fwd(p);
        }
        // Keep a newline terminator out of the snippet; miette draws the line break itself.
        while end > pos && matches!(input.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        end
    }

    /// 0-based line and column of `at`, knowing the diagnostic's own position.
    fn line_col(&self, at: usize) -> (usize, usize) {
        let d = self.diag;
        let (line, col) = ((d.line.max(1) - 1) as usize, (d.column.max(1) - 1) as usize);
        let off = d.loc.offset;
        if at >= off {
            let between = &self.input[off..at.min(self.input.len())];
            match memchr::memrchr(b'\n', between) {
                Some(i) => (
                    line + memchr::memchr_iter(b'\n', between).count(),
                    between.len() - i - 1,
                ),
                None => (line, col + between.len()),
            }
        } else {
            let between = &self.input[at..off];
            let newlines = memchr::memchr_iter(b'\n', between).count();
            if newlines == 0 {
                return (line, col.saturating_sub(between.len()));
            }
            let floor = at.saturating_sub(4096);
            let col = memchr::memrchr(b'\n', &self.input[floor..at])
                .map_or(at - floor, |i| at - floor - i - 1);
            (line - newlines, col)
        }
    }
}

impl Window<'_> {
    /// `[start, end)` cut for a terminal (`cut`), at UTF-8 character boundaries.
    fn clamp(&self, window: (usize, usize), s: usize, e: usize) -> (usize, usize) {
        let input = self.input;
        let inside = |i: usize| input.get(i).is_some_and(|b| b & 0xC0 == 0x80);
        let (mut start, mut end) = cut(input, window, s, e);
        while start < s && inside(start) {
            start += 1;
        }
        while end > e && inside(end) {
            end -= 1;
        }
        (start, end)
    }

    /// Escapes the window miette will show (the segment of the span and one on each side)
    /// when it holds control characters, and returns the span to label, in the coordinates
    /// `read_span` then serves.
    fn escape(&mut self, offset: usize, len: usize) -> SourceSpan {
        let start = self.seg_start(offset, 1);
        let end = self
            .seg_end((offset + len).max(offset + 1).min(self.input.len()), 1)
            .max(offset + len);
        let (start, end) = self.clamp((start, end), offset, offset + len);
        let Some(window) = self.input.get(start..end) else {
            return (offset, len).into();
        };
        if !needs_escaping(window) {
            return (offset, len).into();
        }
        let (text, map) = visible_bytes(window);
        let at = |o: usize| map.get(o - start).copied().unwrap_or(text.len());
        let (s, mut e) = (at(offset), at(offset + len));
        // Escapes are four columns a byte: cut label and sides again, in the text shown.
        let boundary = |mut i: usize| {
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        if e - s > MAX_LABEL {
            e = boundary(s + MAX_LABEL).max(s);
        }
        let (from, to) = cut(text.as_bytes(), (0, text.len()), s, e);
        let (from, to) = (boundary(from), boundary(to).max(e));
        // The window's first line, for the line numbers beside it (the heading is the
        // finding's own line and column: `read_span`).
        let breaks = text[from..s].matches('\n').count();
        let line = (self.diag.line.max(1) as usize - 1).saturating_sub(breaks);
        self.escaped = Some((text[from..to].to_string(), start, line));
        (start + s - from, e - s).into()
    }
}

impl SourceCode for Window<'_> {
    fn read_span<'s>(
        &'s self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'s> + 's>, MietteError> {
        if let Some((text, start, line)) = &self.escaped {
            if before == 0 && after == 0 {
                // The span alone, which miette reads for the report's heading: at the
                // finding's own line and column.
                let from = span.offset().saturating_sub(*start).min(text.len());
                let to = (from + span.len()).min(text.len());
                let d = self.diag;
                return Ok(Box::new(MietteSpanContents::new_named(
                    self.name.to_string(),
                    &text.as_bytes()[from..to],
                    *span,
                    d.line.max(1) as usize - 1,
                    d.column.max(1) as usize - 1,
                    1,
                )));
            }
            let lines = text.matches('\n').count() + 1;
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.to_string(),
                text.as_bytes(),
                (*start, text.len()).into(),
                *line,
                0,
                lines,
            )));
        }
        let (s, e) = (span.offset(), span.offset() + span.len());
        if s > self.input.len() || e > self.input.len() {
            return Err(MietteError::OutOfBounds);
        }
        let (start, end) = if before == 0 && after == 0 {
            (s, e)
        } else {
            let window = (
                self.seg_start(s, before),
                self.seg_end(e.max(s + 1).min(self.input.len()), after)
                    .max(e),
            );
            self.clamp(window, s, e)
        };
        let (line, column) = self.line_col(start);
        let lines = memchr::memchr_iter(b'\n', &self.input[start..end]).count() + 1;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            &self.input[start..end],
            (start, end - start).into(),
            line,
            column,
            lines,
        )))
    }
}

/// A borrowed view that miette can render.
struct View<'a> {
    diag: &'a Diagnostic,
    help: Option<String>,
    source: Window<'a>,
    header: String,
    label: String,
    span: SourceSpan,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.label.clone()), self.span),
        )))
    }
}

/// Where a diagnostic stands, in the words of the brief: `ST 0001 · claim X · line 2 · LIN03`.
pub fn context_line(d: &Diagnostic) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &d.context.transaction {
        parts.push(format!("ST {t}"));
    }
    if let Some(l) = d.context.loop_id.filter(|l| *l != "HEADER") {
        parts.push(format!("loop {l}"));
    }
    if let Some(c) = &d.context.claim_id {
        parts.push(format!("claim {c}"));
    }
    if let Some(n) = d.context.line_number {
        parts.push(format!("line {n}"));
    }
    let seg = d.loc.segment.as_str();
    match (d.loc.element, d.loc.component) {
        (Some(e), Some(c)) => parts.push(format!("{seg}{e:02}-{c}")),
        (Some(e), None) => parts.push(format!("{seg}{e:02}")),
        _ if !seg.is_empty() => parts.push(format!("{seg} (segment {})", d.loc.position)),
        // Bytes that are no segment (data after the IEA, an empty segment): where they stand.
        _ if d.loc.position > 0 => {
            parts.push(format!("no segment id (position {})", d.loc.position))
        }
        _ => {}
    }
    parts.join(" · ")
}

pub struct Renderer {
    handler: GraphicalReportHandler,
    color: bool,
}

impl Renderer {
    pub fn new(color: bool) -> Self {
        let mut theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        // The severity is written into the header itself (`error[NDC004]: ...`).
        theme.characters.error = String::new();
        theme.characters.warning = String::new();
        theme.characters.advice = String::new();
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_context_lines(1)
            .with_width(120)
            .without_syntax_highlighting();
        Renderer { handler, color }
    }

    pub fn render(&self, name: &str, input: &[u8], d: &Diagnostic, out: &mut String) {
        let sev = d.severity.as_str();
        let title = if self.color {
            let c = match d.severity {
                Severity::Error => "31",
                Severity::Warning => "33",
                Severity::Info => "36",
            };
            format!(
                "\x1b[1;{c}m{sev}[{}]\x1b[0m\x1b[1m: {}\x1b[0m",
                d.code,
                visible(&d.message)
            )
        } else {
            format!("{sev}[{}]: {}", d.code, visible(&d.message))
        };
        let name = &*visible(name);
        let offset = d.loc.offset.min(input.len());
        let mut len = d.loc.length.min(input.len() - offset);
        if len > MAX_LABEL || input[offset..offset + len].contains(&b'\n') {
            len = memchr::memchr(b'\n', &input[offset..offset + len])
                .unwrap_or(len)
                .min(MAX_LABEL);
        }
        let mut source = Window {
            name,
            input,
            diag: d,
            escaped: None,
        };
        let span = source.escape(offset, len);
        let help = d.help.as_deref().map(|h| visible(h).into_owned());
        let view = View {
            diag: d,
            help,
            source,
            header: title,
            label: visible(&context_line(d)).into_owned(),
            span,
        };
        if self.handler.render_report(out, &view).is_err() {
            // A rendering failure must not hide the finding: fall back to one plain line.
            out.push_str(&format!(
                "{}:{}:{}: {sev}[{}] {}\n",
                name,
                d.line,
                d.column,
                d.code,
                visible(&d.message)
            ));
        }
        out.push('\n');
    }
}

/// Renders all diagnostics of one file.
/// Every finding of one file, with its snippet. `release` is told of the bytes read and done
/// with, every few MiB, in order: a gigabyte mapped in is not held while its findings are
/// shown (issue 15).
pub fn render_file(
    name: &str,
    input: &[u8],
    diags: &[Diagnostic],
    color: bool,
    release: &dyn Fn(std::ops::Range<usize>),
) -> String {
    let r = Renderer::new(color);
    let mut out = String::new();
    // A file whose lines end in a lone `\r` is shown in its lines, as an editor shows it:
    // each lone `\r` read as `\n`, which keeps every offset, and the heading names the line
    // and column an editor shows. (The findings' own line and column, which JSON and SARIF
    // give, count `\n` alone, as OUTPUT.md says: there such a file is one line.)
    let (lined, relined);
    let (input, diags) = if has_lone_cr(input, release) {
        lined = lone_cr_as_lf(input);
        relined = editor_lines(&lined, diags);
        (&lined[..], &relined[..])
    } else {
        (input, diags)
    };
    // A snippet reads its line (or a window of a long one) around the finding: what lies a
    // step behind the last finding shown is done with when findings come in order.
    let mut done = 0;
    for d in diags {
        r.render(name, input, d, &mut out);
        let behind = d.loc.offset.saturating_sub(RELEASE_STEP);
        if behind >= done + RELEASE_STEP {
            release(done..behind);
            done = behind;
        }
    }
    out
}

/// How much is read between two releases.
const RELEASE_STEP: usize = 4 << 20;

fn has_lone_cr(input: &[u8], release: &dyn Fn(std::ops::Range<usize>)) -> bool {
    let lone = |i: usize| input.get(i + 1) != Some(&b'\n');
    let mut from = 0;
    while from < input.len() {
        let to = input.len().min(from + RELEASE_STEP);
        if memchr::memchr_iter(b'\r', &input[from..to]).any(|i| lone(from + i)) {
            return true;
        }
        release(from..to);
        from = to;
    }
    false
}

/// The findings with the line and column of their offset in `lined` (a file with each lone
/// `\r` read as `\n`): where an editor shows them.
fn editor_lines(lined: &[u8], diags: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut lines = claimlint_x12::loc::LineCounter::new(lined);
    diags
        .iter()
        .map(|d| {
            let mut d = d.clone();
            // Line 0: a finding with no place in the file (an unreadable input).
            if d.line > 0 {
                (d.line, d.column) = lines.line_col(d.loc.offset);
            }
            d
        })
        .collect()
}

fn lone_cr_as_lf(input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for i in memchr::memchr_iter(b'\r', input) {
        if input.get(i + 1) != Some(&b'\n') {
            out[i] = b'\n';
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimlint_rules::{LintSettings, engine};

    /// Every finding of `input` as the terminal shows it, uncoloured.
    fn shown(input: &[u8]) -> String {
        let o = engine::check(input, &LintSettings::default());
        render_file("in.837", input, &o.diagnostics, false, &|_| ())
    }

    const TEMPLATE: &[u8] = include_bytes!("../../fixtures/templates/837p.x12");

    /// Looking for a lone `\r` reads the whole input: it is released a step at a time as it
    /// is read, and a lone `\r` past the first step is still found.
    #[test]
    fn a_lone_carriage_return_is_found_past_the_first_step_and_the_rest_released() {
        let mut text = vec![b'x'; 3 * RELEASE_STEP];
        let released = std::cell::RefCell::new(Vec::new());
        let release = |r: std::ops::Range<usize>| released.borrow_mut().push(r);
        assert!(!has_lone_cr(&text, &release));
        let steps = [0, RELEASE_STEP, 2 * RELEASE_STEP, 3 * RELEASE_STEP];
        let want: Vec<_> = steps.windows(2).map(|w| w[0]..w[1]).collect();
        assert_eq!(*released.borrow(), want);
        text[RELEASE_STEP + 5] = b'\r';
        assert!(has_lone_cr(&text, &|_| ()));
        // `\r\n` across a step's end is not lone.
        text[RELEASE_STEP + 5] = b'x';
        text[RELEASE_STEP - 1] = b'\r';
        text[RELEASE_STEP] = b'\n';
        assert!(!has_lone_cr(&text, &|_| ()));
    }

    /// A file written with a lone `\r` after each segment is shown line by line, and the
    /// heading names the line an editor shows.
    #[test]
    fn lone_carriage_returns_are_line_breaks() {
        let text: Vec<u8> = TEMPLATE
            .iter()
            .map(|&b| if b == b'\n' { b'\r' } else { b })
            .collect();
        let text = [&text[..], b"TRAILER"].concat();
        let out = shown(&text);
        let lines = TEMPLATE.iter().filter(|&&b| b == b'\n').count() + 1;
        assert!(out.contains(&format!("in.837:{lines}:1]")), "{out}");
        assert!(!out.contains("\\x0d"), "{out}");
    }

    /// A kilobyte of text or of NUL escapes on one line is cut to what fits a terminal, and
    /// the heading names the finding's own line and column (escapes are four columns wide,
    /// which must not move it).
    #[test]
    fn long_lines_are_cut_and_the_heading_stays_exact() {
        let lines = TEMPLATE.iter().filter(|&&b| b == b'\n').count() + 1;
        let text = [TEMPLATE, &[b'X'; 1500][..]].concat();
        let escaped = [TEMPLATE, &[1u8; 300][..], b"TRAILER", &[1u8; 300][..]].concat();
        for (input, column) in [(text, 1), (escaped, 1)] {
            let out = shown(&input);
            assert!(out.contains("error[ENV004]"), "{out}");
            let at = format!("in.837:{lines}:{column}]");
            assert!(out.contains(&at), "{at} in:\n{out}");
            let widest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            assert!(widest <= 180, "a line of {widest} columns in:\n{out}");
        }
    }
}
