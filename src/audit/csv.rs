//! `--csv DIR`: the aggregate's tables as CSV files, one per table, with the same columns, in the
//! same order, as the JSON (docs/audit.md). Rows go through serde, so a field added to a table
//! shows up in both.

use super::Aggregate;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: csv::Error },
    #[error("cannot create {path}: {source}")]
    Dir {
        path: String,
        source: std::io::Error,
    },
}

/// Writes `rows` (the header comes from the field names; an empty table gets `header`).
fn table<T: Serialize>(path: &Path, rows: &[T], header: &[&str]) -> Result<(), CsvError> {
    let err = |source| CsvError::Write {
        path: path.display().to_string(),
        source,
    };
    let mut w = csv::WriterBuilder::new()
        .has_headers(!rows.is_empty())
        .from_path(path)
        .map_err(err)?;
    if rows.is_empty() {
        w.write_record(header).map_err(err)?;
    }
    for r in rows {
        w.serialize(r).map_err(err)?;
    }
    w.flush().map_err(|e| err(e.into()))
}

/// Writes every table into `dir` (created if missing); returns the files written.
pub fn write(dir: &Path, a: &Aggregate) -> Result<Vec<PathBuf>, CsvError> {
    std::fs::create_dir_all(dir).map_err(|source| CsvError::Dir {
        path: dir.display().to_string(),
        source,
    })?;
    let path = |name: &str| dir.join(name);
    table(&path("totals.csv"), std::slice::from_ref(&a.totals), &[])?;
    table(
        &path("rules.csv"),
        &a.rules,
        &["code", "name", "severity", "count", "at_risk"],
    )?;
    table(&path("files.csv"), &a.files, &["path"])?;
    table(&path("unreadable.csv"), &a.unreadable, &["path", "error"])?;
    table(&path("providers.csv"), &a.providers, &["npi"])?;
    table(&path("codes.csv"), &a.codes, &["hcpcs", "ndc"])?;
    table(&path("months.csv"), &a.months, &["month"])?;
    table(&path("findings.csv"), &a.top_findings, &["at_risk", "code"])?;
    table(&path("claims.csv"), &a.top_claims, &["path", "claim_id"])?;
    Ok([
        "totals",
        "rules",
        "files",
        "unreadable",
        "providers",
        "codes",
        "months",
        "findings",
        "claims",
    ]
    .iter()
    .map(|n| path(&format!("{n}.csv")))
    .collect())
}
