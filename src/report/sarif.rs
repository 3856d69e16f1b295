//! `--format sarif`: SARIF 2.1.0, one run, one result per diagnostic, rules from their docs.

use super::FileReport;
use crate::diagnostic::Severity;
use crate::rules::RULES;
use serde_json::{Value, json};

pub fn document(files: &[FileReport]) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary() },
                "fullDescription": { "text": r.summary() },
                "help": { "text": r.doc, "markdown": r.doc },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "snip": r.snip },
            })
        })
        .collect();
    let index = |code: &str| RULES.iter().position(|r| r.code == code);
    let mut results = Vec::new();
    for f in files {
        let uri = f.path.trim_start_matches("./").replace('\\', "/");
        for d in &f.outcome.diagnostics {
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": {
                            "startLine": d.line.max(1),
                            "startColumn": d.column.max(1),
                            "byteOffset": d.loc.offset,
                            "byteLength": d.loc.length,
                        }
                    }
                }],
                "properties": {
                    "segment": d.loc.segment.as_str(),
                    "position": d.loc.position,
                    "element": d.loc.element,
                    "component": d.loc.component,
                    "transaction": d.context.transaction,
                    "claimId": d.context.claim_id,
                    "lineNumber": d.context.line_number,
                }
            });
            if let (Some(i), Some(obj)) = (index(d.code), result.as_object_mut()) {
                obj.insert("ruleIndex".into(), json!(i));
            }
            results.push(result);
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "claimlint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
