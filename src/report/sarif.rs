//! `--format sarif`: SARIF 2.1.0, one run, one result per diagnostic, rules from their docs,
//! shaped for GitHub code scanning: `artifactLocation.uri` relative to the working directory
//! (the checkout root in a workflow), regions with line, column and bytes, and no URL that
//! claimlint does not own. Validated against the OASIS schema in tests/sarif.rs.

use super::{FileReport, Skipped};
use claimlint_diagnostic::{Fix, Safety, Severity};
use claimlint_rules::RULES;
use serde_json::{Value, json};

/// Writes the SARIF log to `w`, then a newline. Each result is written as soon as it is made:
/// neither a tree of tens of thousands of results (820 MiB for 42,614 findings) nor their
/// text is held whole (issue 15).
pub fn document(
    w: &mut dyn std::io::Write,
    files: &[FileReport],
    skipped: &[Skipped],
) -> std::io::Result<()> {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": one_line(r.summary()) },
                "fullDescription": { "text": full_description(r.doc) },
                "help": { "text": doc(r.doc), "markdown": doc(r.doc) },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "snip": r.snip },
            })
        })
        .collect();
    let index = |code: &str| RULES.iter().position(|r| r.code == code);
    let doc = json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "claimlint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [invocation(skipped)],
            "results": [],
        }]
    });
    let doc = serde_json::to_string_pretty(&doc)?;
    // The key occurs once unquoted (a string's own quotes are escaped).
    let empty = "\"results\": []";
    let any = files.iter().any(|f| !f.outcome.diagnostics.is_empty());
    let Some((head, tail)) = doc.split_once(empty).filter(|_| any) else {
        w.write_all(doc.as_bytes())?;
        return w.write_all(b"\n");
    };
    // As `to_string_pretty` writes a non-empty array of the run.
    w.write_all(head.as_bytes())?;
    w.write_all(b"\"results\": [\n")?;
    let mut text = String::new();
    for f in files {
        let uri = artifact_uri(&f.path);
        for d in &f.outcome.diagnostics {
            let result = result(d, &uri, index(d.code));
            if !text.is_empty() {
                text.clear();
                text.push_str(",\n");
            }
            indented(&result, &mut text);
            w.write_all(text.as_bytes())?;
        }
    }
    w.write_all(b"\n      ]")?;
    w.write_all(tail.as_bytes())?;
    w.write_all(b"\n")
}

/// One result as `to_string_pretty` writes it inside the document, at the depth of
/// `runs[0].results[i]` (four levels, two spaces each), added to `out`. Values hold no raw
/// line breaks.
fn indented(result: &Value, out: &mut String) {
    let text = serde_json::to_string_pretty(result).unwrap_or_default();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("        ");
        out.push_str(line);
    }
}

/// One finding as a SARIF result; `index` is its rule's place in the driver's rules.
fn result(d: &claimlint_diagnostic::Diagnostic, uri: &str, index: Option<usize>) -> Value {
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    let mut physical = json!({ "artifactLocation": { "uri": uri } });
    // A diagnostic with no position in the file (an unreadable input) has no region.
    if let (true, Some(obj)) = (d.line > 0, physical.as_object_mut()) {
        obj.insert(
            "region".into(),
            json!({
                "startLine": d.line,
                "startColumn": d.column.max(1),
                "byteOffset": d.loc.offset,
                "byteLength": d.loc.length,
            }),
        );
    }
    let mut result = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": message },
        "locations": [{ "physicalLocation": physical }],
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
    if let (Some(i), Some(obj)) = (index, result.as_object_mut()) {
        obj.insert("ruleIndex".into(), json!(i));
    }
    if let (Some(fix), Some(obj)) = (&d.fix, result.as_object_mut()) {
        obj.insert("fixes".into(), fixes(fix, uri));
    }
    result
}

/// The run's invocation; each path not read is an error notification naming it.
fn invocation(skipped: &[Skipped]) -> Value {
    if skipped.is_empty() {
        return json!({ "executionSuccessful": true });
    }
    let notes: Vec<Value> = skipped
        .iter()
        .map(|s| {
            json!({
                "level": "error",
                "message": { "text": format!("skipped (not read): {}", s.reason) },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": artifact_uri(&s.path) }
                }}],
            })
        })
        .collect();
    json!({ "executionSuccessful": false, "toolExecutionNotifications": notes })
}

/// A finding's fix (docs/fixes.md) as SARIF `fixes`: the bytes to replace and the text to put
/// there, with whether `check --fix` applies it by itself.
fn fixes(fix: &Fix, uri: &str) -> Value {
    let description = match fix.safety {
        Safety::Safe => "safe fix: `claimlint check --fix` applies it",
        Safety::Unsafe => {
            "unsafe fix (it may change what is billed): applied only with `--fix --unsafe-fixes`"
        }
    };
    json!([{
        "description": { "text": description },
        "artifactChanges": [{
            "artifactLocation": { "uri": uri },
            "replacements": [{
                "deletedRegion": {
                    "byteOffset": fix.start,
                    "byteLength": fix.end.saturating_sub(fix.start),
                },
                "insertedContent": { "text": fix.replacement },
            }],
        }],
    }])
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The doc as `claimlint explain` prints it: without the space `///` leaves on each line.
fn doc(text: &str) -> String {
    text.replace("\n ", "\n")
        .trim_start_matches(' ')
        .trim()
        .to_string()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "What it does" and "Why it matters", as plain sentences.
fn full_description(text: &str) -> String {
    let text = &doc(text);
    let section = |h: &str| {
        text.split(h)
            .nth(1)
            .map(|rest| rest.split("\n##").next().unwrap_or(rest))
            .map(one_line)
    };
    [section("## What it does"), section("## Why it matters")]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A relative URI reference for a path: relative to the working directory when it lies below
/// it (GitHub resolves it against the checkout), `file://` when it is elsewhere, and `stdin`
/// for standard input; characters outside RFC 3986's unreserved set and `/` are escaped.
pub fn artifact_uri(path: &str) -> String {
    if path == "-" {
        return "stdin".to_string();
    }
    let p = std::path::Path::new(path);
    let cwd = std::env::current_dir().ok();
    let relative = if p.is_absolute() {
        cwd.as_deref().and_then(|c| p.strip_prefix(c).ok())
    } else {
        Some(p)
    };
    match relative {
        Some(rel) => {
            let text = rel.to_string_lossy().replace('\\', "/");
            let text = text.trim_start_matches("./");
            escape(text)
        }
        None => format!("file://{}", escape(&p.to_string_lossy().replace('\\', "/"))),
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_escaped() {
        assert_eq!(artifact_uri("./claims/day 1.837"), "claims/day%201.837");
        assert_eq!(artifact_uri("-"), "stdin");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            artifact_uri(&cwd.join("out/a.x12").to_string_lossy()),
            "out/a.x12"
        );
        assert_eq!(
            artifact_uri("/elsewhere/b#1.x12"),
            "file:///elsewhere/b%231.x12"
        );
    }

    #[test]
    fn descriptions_come_from_the_doc() {
        let r = claimlint_rules::find("ENV003").unwrap();
        let full = full_description(r.doc);
        let what = one_line(r.summary());
        assert!(full.starts_with(&what), "{full}");
        assert!(
            full.len() > what.len() + 20,
            "the why follows the what: {full}"
        );
        assert!(!full.contains("##") && !full.contains('\n'), "{full}");
        assert!(doc(r.doc).starts_with("## What it does"));
    }
}
