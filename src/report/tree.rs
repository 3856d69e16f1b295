//! `claimlint tree --format json`: each input's loop tree as data (docs/pipelines.md, "Loop
//! tree"). Formats only; the command reads the inputs and decides the exit status.

use super::Skipped;
use super::json::JsonDiagnostic;
use claimlint_diagnostic::Diagnostic;
use claimlint_model::tree::{LoopLine, Tree};
use serde_json::{Value, json};

/// One input: its tree, or the diagnostics that say why there is none (ENV009).
pub struct TreeFile {
    pub path: String,
    pub tree: Option<Tree>,
    pub diagnostics: Vec<Diagnostic>,
}

fn loop_json(l: &LoopLine) -> Value {
    json!({"id": l.id, "first": l.first, "last": l.last, "depth": l.depth, "label": l.label})
}

fn tree_json(t: &Tree) -> Value {
    let interchanges: Vec<Value> = t
        .interchanges
        .iter()
        .map(|ic| {
            let groups: Vec<Value> = ic
                .groups
                .iter()
                .map(|g| {
                    let txs: Vec<Value> = g
                        .transactions
                        .iter()
                        .map(|t| {
                            json!({
                                "st02": t.st02,
                                "st03": t.st03,
                                "kind": t.kind.map(|k| k.0),
                                "guide": t.kind.map(|k| k.1),
                                "segments": t.segments,
                                "claims": t.claims,
                                "service_lines": t.service_lines,
                                "loops": t.loops.iter().map(loop_json).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    json!({"gs06": g.gs06, "gs08": g.gs08, "transactions": txs})
                })
                .collect();
            json!({
                "control_number": ic.control_number,
                "position": ic.position,
                "delimiters": ic.delimiters,
                "groups": groups,
            })
        })
        .collect();
    json!({"notes": t.notes, "interchanges": interchanges})
}

/// `{"version": 1, "files": [{"path", "tree", "diagnostics"}], "skipped": [...]}`; `tree` is
/// null for an input that could not be read, whose ENV009 is in `diagnostics`.
pub fn json(files: &[TreeFile], skipped: &[Skipped]) -> String {
    let files: Vec<Value> = files
        .iter()
        .map(|f| {
            json!({
                "path": f.path,
                "tree": f.tree.as_ref().map(tree_json),
                "diagnostics": f
                    .diagnostics
                    .iter()
                    .map(|d| JsonDiagnostic::new(d, None))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({"version": 1, "files": files, "skipped": skipped});
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
