//! The commands that read no claim file: `rules`, `explain`, `lookup`, `data`.

use super::io::out;
use super::{CliError, Status};
use crate::cli::ListFormat;
use crate::report;
use claimlint_data::Data;
use claimlint_rules::{self as rules, RULES};

pub fn rules(format: ListFormat) -> Result<Status, CliError> {
    let text = match format {
        ListFormat::Json => {
            let list: Vec<_> = RULES
                .iter()
                .map(|r| serde_json::json!({"code": r.code, "name": r.name, "severity": r.severity, "snip": r.snip, "fix": (r.fix != rules::Fixable::Never).then(|| r.fix.as_str()), "summary": r.summary()}))
                .collect();
            serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"
        }
        ListFormat::Human => RULES
            .iter()
            .map(|r| {
                let summary: String = r.summary().split_whitespace().collect::<Vec<_>>().join(" ");
                // The fix column: `safe`, `unsafe` or `safe/unsafe` for a fixable rule.
                format!(
                    "{:<7} {:<32} {:<8} {:<11} {}\n",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.fix.as_str(),
                    summary
                )
            })
            .collect(),
    };
    out(&text).map(|_| Status::Clean)
}

pub fn explain(rule: &str) -> Result<Status, CliError> {
    let r = rules::find(rule).ok_or_else(|| CliError::UnknownRule(rule.to_string()))?;
    out(&format!(
        "# {} ({}) — {}, SNIP {}\n\n{}{}",
        r.code,
        r.name,
        r.severity,
        r.snip,
        r.doc.replace("\n ", "\n").trim_start(),
        rules::suppress::explain(r.code)
    ))?;
    Ok(Status::Clean)
}

/// Exit status 0 when the data knows the code, 1 when not.
pub fn lookup(data: &Data, code: &str, format: ListFormat) -> Result<Status, CliError> {
    let (text, found) = match format {
        ListFormat::Human => report::lookup::lookup(data, code),
        ListFormat::Json => report::lookup::json(data, code),
    };
    out(&text)?;
    Ok(Status::from_failed(!found))
}

/// `data --json` is the old spelling of `data --format json`.
pub fn data(data: &Data, format: ListFormat, json: bool) -> Result<Status, CliError> {
    out(&if json || format == ListFormat::Json {
        report::data::json(data)
    } else {
        report::data::human(data)
    })?;
    Ok(Status::Clean)
}
