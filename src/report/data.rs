//! `claimlint data`: each reference data set compiled in or loaded with `--data-dir` — name,
//! version, effective range (dates of service), rows and source. Reads `data` only.

use claimlint_data::{Data, DataSet};
use claimlint_model::Date;

fn range(d: &DataSet) -> String {
    match d.effective_to {
        Some(t) => format!("{} to {}", Date(d.effective_from), Date(t)),
        None => format!("from {}", Date(d.effective_from)),
    }
}

pub fn human(data: &Data) -> String {
    let sets = data.datasets();
    let rows: Vec<[String; 5]> = sets
        .iter()
        .map(|d| {
            [
                d.name.to_string(),
                d.version.clone(),
                range(d),
                d.rows.to_string(),
                d.source.clone(),
            ]
        })
        .collect();
    let head = [
        "DATA SET",
        "VERSION",
        "EFFECTIVE (DATES OF SERVICE)",
        "ROWS",
        "SOURCE",
    ]
    .map(String::from);
    let mut width = head.clone().map(|h| h.len());
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in std::iter::once(&head).chain(&rows) {
        let [a, b, c, n, s] = r;
        out.push_str(&format!(
            "{a:<w0$}  {b:<w1$}  {c:<w2$}  {n:>w3$}  {s}\n",
            w0 = width[0],
            w1 = width[1],
            w2 = width[2],
            w3 = width[3]
        ));
    }
    out.push_str(&data.version_line());
    out.push('\n');
    out
}

pub fn json(data: &Data) -> String {
    let sets: Vec<_> = data
        .datasets()
        .iter()
        .map(|d| {
            serde_json::json!({
                "name": d.name,
                "version": d.version,
                "effective_from": Date(d.effective_from).to_string(),
                "effective_to": d.effective_to.map(|t| Date(t).to_string()),
                "rows": d.rows,
                "source": d.source,
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "datasets": sets }))
        .unwrap_or_default()
        + "\n"
}

#[test]
fn lists_every_embedded_set() {
    let text = human(&Data::embedded());
    for want in [
        "2026Q1",
        "2025-10-01 to 2025-12-31",
        "mue-practitioner",
        "from 2026-10-01",
        "icd10cm",
        "98147",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
}

/// `claimlint --version`: the crate version and the data versions compiled in.
pub fn version_text() -> &'static str {
    // clap wants a `&'static str` and prints it before `--data-dir` is read, so this is the
    // compiled-in data's line, made once: a cache of constants that cannot change a result.
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{}\n{}",
            env!("CARGO_PKG_VERSION"),
            Data::embedded().version_line()
        )
    })
}
