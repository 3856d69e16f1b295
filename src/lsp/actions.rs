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
