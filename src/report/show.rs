//! `claimlint show`: the annotated view of one input, every segment with its position, loop,
//! the guide's segment and element names and values, and the findings on it inline. The
//! command builds the rows (`ShownSegment`); this module only formats them: text for the
//! terminal (controls escaped) or a self-contained HTML page (everything escaped).

use super::escape::visible;
use claimlint_diagnostic::Diagnostic;

/// One element (or component) with a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownElement {
    /// `CLM05`, `CLM05-1`.
    pub ref_des: String,
    /// The guide's name, when the segment was placed.
    pub name: Option<&'static str>,
    pub value: String,
    /// 1 for a component under its composite.
    pub depth: u8,
}

/// One segment as `show` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownSegment {
    /// Byte offset of the segment and one past its terminator, to place findings.
    pub offset: usize,
    pub end: usize,
    /// 1-based position in its transaction set (ST = 1), in the file for envelope segments.
    pub position: u32,
    /// 1-based line of the input.
    pub line: u32,
    pub loop_id: Option<&'static str>,
    pub id: String,
    /// The guide's name (`Billing Provider Name`), `None` for a segment it did not place.
    pub name: Option<&'static str>,
    pub elements: Vec<ShownElement>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Findings not on any segment (before the first, or about the whole file) and the segments.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    pub path: String,
    pub file_level: Vec<Diagnostic>,
    pub segments: Vec<ShownSegment>,
}

fn finding_text(d: &Diagnostic) -> String {
    let mut text = format!("{}[{}]: {}", d.severity, d.code, d.message);
    if let Some(h) = &d.help {
        text.push_str(&format!("\n        help: {h}"));
    }
    text
}

/// The terminal text: a heading per segment, its elements indented, its findings after.
pub fn human(shown: &Shown) -> String {
    let mut out = format!("== {}\n", shown.path);
    for d in &shown.file_level {
        out.push_str(&format!("  {}\n", finding_text(d)));
    }
    for s in &shown.segments {
        let place = s.loop_id.map_or(String::new(), |l| format!(" [{l}]"));
        out.push_str(&format!(
            "{:>5} {}{place} {}  (line {})\n",
            s.position,
            s.id,
            s.name.unwrap_or("(not placed by the guide)"),
            s.line
        ));
        for e in &s.elements {
            let indent = "    ".repeat(usize::from(e.depth) + 1);
            let name = e.name.map_or(String::new(), |n| format!(" {n}"));
            out.push_str(&format!(
                "      {indent}{}{name} = {}\n",
                e.ref_des, e.value
            ));
        }
        for d in &s.diagnostics {
            out.push_str(&format!("      ^ {}\n", finding_text(d)));
        }
    }
    visible(&out).into_owned()
}

/// `text` safe in HTML text and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push_str(&format!("&#{};", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}td{padding:2px 8px;vertical-align:top}tr.seg td{border-top:1px solid #ccc;font-weight:600}td.pos{color:#666;text-align:right}td.el{font-family:monospace}tr.d td{color:#a00}tr.d.warning td{color:#a60}tr.d.info td{color:#06a}code{font-family:monospace}";

fn html_segment(s: &ShownSegment, out: &mut String) {
    let e = html_escape;
    out.push_str(&format!(
        "<tr class=\"seg\" id=\"s{}\"><td class=\"pos\">{}</td><td>{}</td><td><code>{}</code> {}</td><td class=\"pos\">line {}</td></tr>\n",
        s.offset,
        s.position,
        e(s.loop_id.unwrap_or("")),
        e(&s.id),
        e(s.name.unwrap_or("(not placed by the guide)")),
        s.line
    ));
    for el in &s.elements {
        let pad = if el.depth > 0 {
            "&nbsp;&nbsp;&nbsp;&nbsp;"
        } else {
            ""
        };
        out.push_str(&format!(
            "<tr><td></td><td></td><td class=\"el\">{pad}{} {}</td><td><code>{}</code></td></tr>\n",
            e(&el.ref_des),
            e(el.name.unwrap_or("")),
            e(&el.value)
        ));
    }
    for d in &s.diagnostics {
        html_finding(d, out);
    }
}

fn html_finding(d: &Diagnostic, out: &mut String) {
    let e = html_escape;
    let help = d
        .help
        .as_deref()
        .map_or(String::new(), |h| format!("<br>help: {}", e(h)));
    out.push_str(&format!(
        "<tr class=\"d {}\"><td></td><td>{}</td><td colspan=\"2\">{}[{}]: {}{help}</td></tr>\n",
        d.severity,
        d.severity,
        d.severity,
        e(d.code),
        e(&d.message)
    ));
}

/// A self-contained HTML page (no script, no external resource), every input value escaped.
pub fn html(shown: &Shown) -> String {
    let title = html_escape(&shown.path);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>claimlint show: {title}</title><style>{STYLE}</style></head><body>\n<h1>{title}</h1>\n<table>\n"
    );
    for d in &shown.file_level {
        html_finding(d, &mut out);
    }
    for s in &shown.segments {
        html_segment(s, &mut out);
    }
    out.push_str("</table>\n</body></html>\n");
    out
}
