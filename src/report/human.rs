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
const MAX_LABEL: usize = 120;

struct Window<'a> {
    name: &'a str,
    input: &'a [u8],
    diag: &'a Diagnostic,
    /// The window with its control characters escaped, when it has any: its text, where it
    /// starts in the input, and that start's 0-based line and column. Spans are then in the
    /// coordinates of the escaped text, counted from that start.
    escaped: Option<(String, usize, (usize, usize))>,
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
    /// Escapes the window miette will show (the segment of the span and one on each side)
    /// when it holds control characters, and returns the span to label, in the coordinates
    /// `read_span` then serves.
    fn escape(&mut self, offset: usize, len: usize) -> SourceSpan {
        let start = self.seg_start(offset, 1);
        let end = self
            .seg_end((offset + len).max(offset + 1).min(self.input.len()), 1)
            .max(offset + len);
        let Some(window) = self.input.get(start..end) else {
            return (offset, len).into();
        };
        if !needs_escaping(window) {
            return (offset, len).into();
        }
        let (text, map) = visible_bytes(window);
        let at = |o: usize| map.get(o - start).copied().unwrap_or(text.len());
        let (s, e) = (at(offset), at(offset + len));
        self.escaped = Some((text, start, self.line_col(start)));
        (start + s, e - s).into()
    }
}

impl SourceCode for Window<'_> {
    fn read_span<'s>(
        &'s self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'s> + 's>, MietteError> {
        if let Some((text, start, (line, column))) = &self.escaped {
            let lines = text.matches('\n').count() + 1;
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.to_string(),
                text.as_bytes(),
                (*start, text.len()).into(),
                *line,
                *column,
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
            (
                self.seg_start(s, before),
                self.seg_end(e.max(s + 1).min(self.input.len()), after)
                    .max(e),
            )
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
pub fn render_file(name: &str, input: &[u8], diags: &[Diagnostic], color: bool) -> String {
    let r = Renderer::new(color);
    let mut out = String::new();
    for d in diags {
        r.render(name, input, d, &mut out);
    }
    out
}
