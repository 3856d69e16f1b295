//! Quick fixes: a diagnostic whose rule declared a fix carries it in `data` (`docs::FixData`,
//! with the document version it was computed for); the action replaces those bytes. A fix for
//! an older version of the text is not offered. Safe fixes are marked preferred.

use super::docs::{Documents, FixData};
use super::position::Lines;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Range, TextEdit,
    WorkspaceEdit,
};
use std::collections::HashMap;

pub fn actions(docs: &Documents, p: CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
    let uri = p.text_document.uri;
    let doc = docs.get(&uri)?;
    let lines = Lines::new(&doc.text);
    let mut out = Vec::new();
    for d in p.context.diagnostics {
        let Some(fix) = d
            .data
            .clone()
            .and_then(|v| serde_json::from_value::<FixData>(v).ok())
        else {
            continue;
        };
        if fix.version != doc.version || fix.start > fix.end || fix.end > doc.text.len() {
            continue;
        }
        let old = doc.text.get(fix.start..fix.end).unwrap_or_default();
        let code = match &d.code {
            Some(lsp_types::NumberOrString::String(s)) => s.clone(),
            _ => String::new(),
        };
        let title = match (fix.replacement.is_empty(), fix.safe) {
            (true, _) => format!("{code}: remove `{old}`"),
            (false, true) => format!("{code}: replace `{old}` with `{}`", fix.replacement),
            (false, false) => format!(
                "{code}: replace `{old}` with `{}` (unsafe: review it)",
                fix.replacement
            ),
        };
        let edit = TextEdit::new(
            Range::new(lines.position(fix.start), lines.position(fix.end)),
            fix.replacement,
        );
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(fix.safe),
            ..CodeAction::default()
        }));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::{Resolver, Source};
    use claimlint_diagnostic::{Diagnostic, Fix, Loc, Safety, Severity};

    #[test]
    fn a_declared_fix_becomes_a_workspace_edit_in_utf16_positions() {
        let resolver = Resolver::new(Default::default(), Source::Nothing).expect("resolver");
        let mut docs = Documents::new(resolver);
        let uri = lsp_types::Url::parse("file:///x/a.x12").expect("url");
        let text = "\u{feff}LIN**N4*12345-6789-01~\r\n";
        docs.notify(lsp_server::Notification::new(
            "textDocument/didOpen".into(),
            serde_json::json!({"textDocument": {"uri": uri, "languageId": "x12", "version": 3, "text": text}}),
        ));
        let start = text.find("12345").expect("ndc");
        let mut d = Diagnostic::new("NDC002", Severity::Warning, Loc::default(), "ndc");
        d.fix = Some(Fix {
            start,
            end: start + 13,
            replacement: "12345678901".into(),
            safety: Safety::Safe,
        });
        let lsp = super::super::docs::convert_for_test(&d, text, 3);
        let params: CodeActionParams = serde_json::from_value(serde_json::json!({
            "textDocument": {"uri": uri}, "range": lsp.range,
            "context": {"diagnostics": [lsp]}}))
        .expect("params");
        let got = actions(&docs, params).expect("actions");
        let CodeActionOrCommand::CodeAction(a) = &got[0] else {
            panic!("an action")
        };
        assert_eq!(a.is_preferred, Some(true));
        let edits = &a
            .edit
            .as_ref()
            .and_then(|e| e.changes.clone())
            .expect("changes")[&uri];
        assert_eq!(edits[0].new_text, "12345678901");
        // The BOM is one UTF-16 unit: `LIN**N4*` starts at 1, the NDC at 9.
        assert_eq!(edits[0].range.start, lsp_types::Position::new(0, 9));
        assert_eq!(edits[0].range.end, lsp_types::Position::new(0, 22));
    }
}
