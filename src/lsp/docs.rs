//! The open documents: their text as the client last sent it (full or ranged changes), which
//! need checking again, and each check's findings as LSP diagnostics. A finding's fix travels
//! in the diagnostic's `data`, with the version it was computed for, so a quick fix is never
//! applied to text that has changed since.

use super::position::Lines;
use crate::config::Settings;
use crate::resolve::{Governed, Resolver};
use claimlint_diagnostic::{Diagnostic, Safety, Severity};
use claimlint_rules::LintSettings;
use claimlint_rules::tx_cache::TxCache;
use lsp_server::Notification;
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
};
use lsp_types::{DiagnosticSeverity, NumberOrString, Range, Url};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

pub struct Doc {
    pub text: String,
    pub version: i32,
    dirty: bool,
    /// The findings of its transaction sets at the last check, and the settings they were
    /// found with (the config that governs the file, and which of its settings the file's
    /// payer picked): a re-check after an edit checks again only what changed.
    cache: TxCache,
    cached_with: Option<(Arc<Governed>, *const Settings)>,
}

pub struct Documents {
    resolver: Resolver,
    open: HashMap<Url, Doc>,
    /// Closed since the last re-check: their diagnostics are cleared.
    closed: Vec<Url>,
}

/// A fix as it rides in a diagnostic's `data`.
#[derive(Serialize, Deserialize)]
pub struct FixData {
    pub version: i32,
    pub start: usize,
    pub end: usize,
    pub replacement: String,
    pub safe: bool,
}

type Published = (Url, Vec<lsp_types::Diagnostic>, Option<i32>);

impl Documents {
    pub fn new(resolver: Resolver) -> Documents {
        Documents {
            resolver,
            open: HashMap::new(),
            closed: Vec::new(),
        }
    }

    pub fn get(&self, uri: &Url) -> Option<&Doc> {
        self.open.get(uri)
    }

    /// Applies one notification; unknown ones and malformed parameters are ignored, as LSP
    /// asks of notifications.
    pub fn notify(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                {
                    let doc = Doc {
                        text: p.text_document.text,
                        version: p.text_document.version,
                        dirty: true,
                        cache: TxCache::default(),
                        cached_with: None,
                    };
                    self.open.insert(p.text_document.uri, doc);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                    && let Some(doc) = self.open.get_mut(&p.text_document.uri)
                {
                    for change in p.content_changes {
                        apply(&mut doc.text, change.range, &change.text);
                    }
                    doc.version = p.text_document.version;
                    doc.dirty = true;
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                {
                    self.open.remove(&p.text_document.uri);
                    self.closed.push(p.text_document.uri);
                }
            }
            _ => {}
        }
    }

    /// Checks every document changed since its last check; clears the closed ones.
    pub fn recheck(&mut self) -> Vec<Published> {
        let mut out: Vec<Published> = self
            .closed
            .drain(..)
            .map(|u| (u, Vec::new(), None))
            .collect();
        let dirty: Vec<Url> = self
            .open
            .iter()
            .filter(|(_, d)| d.dirty)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in dirty {
            let path = uri
                .to_file_path()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| "-".into());
            let governed = self.resolver.for_path(&path);
            let Some(doc) = self.open.get_mut(&uri) else {
                continue;
            };
            doc.dirty = false;
            let diagnostics = match governed {
                Ok(g) => {
                    let settings = g.resolved.for_input(doc.text.as_bytes());
                    let same = doc
                        .cached_with
                        .as_ref()
                        .is_some_and(|(was, s)| Arc::ptr_eq(was, &g) && std::ptr::eq(*s, settings));
                    if !same {
                        doc.cache = TxCache::default();
                        doc.cached_with = Some((g.clone(), settings));
                    }
                    check(&doc.text, doc.version, settings, &mut doc.cache)
                }
                Err(e) => {
                    doc.cached_with = None;
                    vec![config_error(&e.to_string())]
                }
            };
            out.push((uri, diagnostics, Some(doc.version)));
        }
        out
    }
}

/// Replaces `range` of `text` (all of it when `None`) with `new`.
fn apply(text: &mut String, range: Option<Range>, new: &str) {
    match range {
        None => *text = new.to_string(),
        Some(r) => {
            let lines = Lines::new(text);
            let (start, end) = (lines.offset(r.start), lines.offset(r.end));
            if start <= end {
                text.replace_range(start..end, new);
            }
        }
    }
}

/// Every rule's findings on `text`, as LSP diagnostics. A paste that starts at ST or at a
/// loop is checked as a fragment (docs/fragments.md), as `claimlint check` does; transaction
/// sets unchanged since the last check with `cache` are not checked again.
pub fn check(
    text: &str,
    version: i32,
    settings: &LintSettings,
    cache: &mut TxCache,
) -> Vec<lsp_types::Diagnostic> {
    let outcome = crate::edit::fragment::check_cached(text.as_bytes(), settings, cache);
    let lines = Lines::new(text);
    outcome
        .diagnostics
        .iter()
        .map(|d| convert(d, &lines, version))
        .collect()
}

fn convert(d: &Diagnostic, lines: &Lines<'_>, version: i32) -> lsp_types::Diagnostic {
    let range = Range::new(
        lines.position(d.loc.offset),
        lines.position(d.loc.offset.saturating_add(d.loc.length)),
    );
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let data = d.fix.as_ref().map(|f| FixData {
        version,
        start: f.start,
        end: f.end,
        replacement: f.replacement.clone(),
        safe: f.safety == Safety::Safe,
    });
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("claimlint".into()),
        message,
        data: data.and_then(|f| serde_json::to_value(f).ok()),
        ..lsp_types::Diagnostic::default()
    }
}

/// A claimlint.toml that cannot be used: shown at the top of the document.
fn config_error(message: &str) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("claimlint".into()),
        message: format!("the settings for this file cannot be read: {message}"),
        ..lsp_types::Diagnostic::default()
    }
}

#[cfg(test)]
pub fn convert_for_test(d: &Diagnostic, text: &str, version: i32) -> lsp_types::Diagnostic {
    convert(d, &Lines::new(text), version)
}
