//! `--csv DIR`: the aggregate's tables as CSV files, one per table, with the same columns, in the
//! same order, as the JSON (docs/audit.md). Rows go through serde, so a field added to a table
//! shows up in both.

use super::Aggregate;
use serde::Serialize;

/// Formats `rows` (the header comes from the field names; an empty table gets `header`).
fn table<T: Serialize>(rows: &[T], header: &[&str]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(!rows.is_empty())
        .from_writer(Vec::new());
    if rows.is_empty() {
        w.write_record(header)?;
    }
    for r in rows {
        w.serialize(r)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// The file names [`tables`] writes, in its order.
pub const NAMES: [&str; 9] = [
    "totals.csv",
    "rules.csv",
    "files.csv",
    "unreadable.csv",
    "providers.csv",
    "codes.csv",
    "months.csv",
    "findings.csv",
    "claims.csv",
];

/// Every table as (file name, CSV bytes); the command writes them into the `--csv` directory.
pub fn tables(a: &Aggregate) -> Result<Vec<(&'static str, Vec<u8>)>, csv::Error> {
    Ok(vec![
        ("totals.csv", table(std::slice::from_ref(&a.totals), &[])?),
        (
            "rules.csv",
            table(
                &a.rules,
                &["code", "name", "severity", "count", "suppressed", "at_risk"],
            )?,
        ),
        ("files.csv", table(&a.files, &["path"])?),
        ("unreadable.csv", table(&a.unreadable, &["path", "error"])?),
        ("providers.csv", table(&a.providers, &["npi"])?),
        ("codes.csv", table(&a.codes, &["hcpcs", "ndc"])?),
        ("months.csv", table(&a.months, &["month"])?),
        (
            "findings.csv",
            table(&a.top_findings, &["at_risk", "code"])?,
        ),
        ("claims.csv", table(&a.top_claims, &["path", "claim_id"])?),
    ])
}

#[cfg(test)]
mod tests {
    /// The command checks `NAMES` before writing: they must be the names `tables` writes.
    #[test]
    fn names_are_the_tables_written() {
        let names: Vec<&str> = super::tables(&super::Aggregate::default())
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, super::NAMES);
    }
}
