//! `claimlint drugs`: every drug line of the input as a table (human, CSV or JSON) — what was
//! billed (code, modifiers, units, NDC, CTP quantity) beside what the CMS crosswalk says
//! (drug, code, units) and the rule codes that fired on the line. The rows come from the
//! same model and the same check as `claimlint check`; the diagnostics are joined to a line
//! by byte offset, so a claim-scope finding placed inside the line (UNT002) counts too.

use crate::config::Settings;
use claimlint_data::Data;
use claimlint_model::Transaction;
use claimlint_rules::drugs::{crosswalked, expected_for, hcpcs_of, line_dos};
use claimlint_rules::engine;
use claimlint_rules::is_drug_line;
use serde::Serialize;

/// One drug line.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct DrugRow {
    pub file: String,
    pub transaction: Option<String>,
    pub claim_id: Option<String>,
    pub line_number: Option<u32>,
    pub date_of_service: Option<String>,
    pub hcpcs: Option<String>,
    pub modifiers: Vec<String>,
    pub units: Option<String>,
    pub ndc: Option<String>,
    pub ctp_quantity: Option<String>,
    pub ctp_unit: Option<String>,
    /// The crosswalk's drug name for the NDC on the date of service.
    pub drug: Option<String>,
    /// The crosswalk's code(s) for the NDC, `|`-separated when it lists several.
    pub expected_hcpcs: Option<String>,
    /// Units of the expected code for the CTP quantity, rounded up.
    pub expected_units: Option<String>,
    /// Codes of the diagnostics inside the line, sorted, once each.
    pub rules: Vec<&'static str>,
    /// Byte range of the line (LX to its last segment), for the join.
    #[serde(skip)]
    pub span: (usize, usize),
}

/// The drug lines of one transaction set, without `file` and `rules`.
pub fn rows(tx: &Transaction<'_>, data: &Data) -> Vec<DrugRow> {
    let mut out = Vec::new();
    for claim in &tx.claims {
        for line in claim.lines.iter().filter(|l| is_drug_line(data, l)) {
            let end = line
                .end
                .checked_sub(1)
                .and_then(|i| tx.segments.get(usize::try_from(i).ok()?))
                .map_or(line.lx.offset + line.lx.bytes.len(), |s| {
                    s.offset + s.bytes.len()
                });
            let drug = line.drug.as_deref().copied();
            let x = crosswalked(data, line, Some(claim));
            let row = x.as_ref().and_then(|x| x.billed.or(x.rows.first()));
            let mut codes: Vec<&str> = x
                .as_ref()
                .map_or_else(Vec::new, |x| x.rows.iter().map(|r| r.hcpcs).collect());
            codes.dedup();
            out.push(DrugRow {
                transaction: tx.control_number(),
                claim_id: claim.id().map(|e| e.text().into_owned()),
                line_number: line.number_value(),
                date_of_service: line_dos(line, Some(claim)).map(|d| d.to_string()),
                hcpcs: hcpcs_of(line).map(str::to_string),
                modifiers: line
                    .procedure
                    .map(|p| p.modifiers().map(|m| m.text().into_owned()).collect())
                    .unwrap_or_default(),
                units: line.units().map(|u| u.text().into_owned()),
                ndc: drug.and_then(|d| d.ndc()).map(|n| n.text().into_owned()),
                ctp_quantity: drug
                    .and_then(|d| d.quantity())
                    .map(|q| q.text().into_owned()),
                ctp_unit: drug.and_then(|d| d.unit()).map(|u| u.text().into_owned()),
                drug: row.map(|r| r.drug_name.to_string()),
                expected_hcpcs: (!codes.is_empty()).then(|| codes.join("|")),
                expected_units: row
                    .zip(drug.as_ref())
                    .and_then(|(r, d)| expected_for(r, d))
                    .map(|u| u.to_string()),
                span: (line.lx.offset, end),
                ..DrugRow::default()
            });
        }
    }
    out
}

/// Checks one input and returns its drug lines with the codes that fired on each.
pub fn file_rows(path: &str, input: &[u8], settings: &Settings) -> Vec<DrugRow> {
    file_rows_tally(path, input, settings).0
}

/// [`file_rows`], and the counts of every diagnostic of the file (drug lines or not), which
/// decide `claimlint drugs`' exit status as they decide `check`'s.
pub fn file_rows_tally(
    path: &str,
    input: &[u8],
    settings: &Settings,
) -> (Vec<DrugRow>, claimlint_rules::engine::Tally) {
    // A file wrapped at a fixed width is read unwrapped; the rows match findings by the
    // offsets of the unwrapped bytes, and the wrap is one SYN005 of the tally.
    let (fold, bytes) = claimlint_x12::folded::Folding::unwrapped(input);
    let bytes: &[u8] = &bytes;
    let (mut outcome, per_tx) = engine::check_with(bytes, settings, &|tx| rows(tx, &settings.data));
    if let Some(fold) = &fold {
        claimlint_rules::folded::add(&mut outcome, bytes, input, fold, settings);
    }
    let mut all: Vec<DrugRow> = per_tx.into_iter().flatten().collect();
    for row in &mut all {
        row.file = path.to_string();
        let mut codes: Vec<&'static str> = outcome
            .diagnostics
            .iter()
            .filter(|d| (row.span.0..row.span.1).contains(&d.loc.offset))
            .map(|d| d.code)
            .collect();
        codes.sort_unstable();
        codes.dedup();
        row.rules = codes;
    }
    (all, outcome.tally)
}

const HEADERS: [&str; 14] = [
    "file",
    "claim",
    "line",
    "date",
    "hcpcs",
    "modifiers",
    "units",
    "ndc",
    "ctp_qty",
    "ctp_unit",
    "drug",
    "expected_hcpcs",
    "expected_units",
    "rules",
];

fn cells(r: &DrugRow) -> [String; 14] {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        r.file.clone(),
        o(&r.claim_id),
        r.line_number.map(|n| n.to_string()).unwrap_or_default(),
        o(&r.date_of_service),
        o(&r.hcpcs),
        r.modifiers.join(":"),
        o(&r.units),
        o(&r.ndc),
        o(&r.ctp_quantity),
        o(&r.ctp_unit),
        o(&r.drug),
        o(&r.expected_hcpcs),
        o(&r.expected_units),
        r.rules.join(" "),
    ]
}

/// An aligned text table; an empty result says so.
/// The table, with control characters from the input shown escaped.
pub fn human(rows: &[DrugRow]) -> String {
    super::escape::visible(&human_raw(rows)).into_owned()
}

fn human_raw(rows: &[DrugRow]) -> String {
    if rows.is_empty() {
        return "no drug lines\n".to_string();
    }
    let table: Vec<[String; 14]> = rows.iter().map(cells).collect();
    let mut width = HEADERS.map(str::len);
    for r in &table {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cols: &[String]| {
        let mut s = String::new();
        for (i, (c, w)) in cols.iter().zip(width).enumerate() {
            if i + 1 == cols.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  "));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(&HEADERS.map(str::to_uppercase));
    for r in &table {
        out.push_str(&line(r));
    }
    out
}

/// RFC 4180 CSV with a header line.
pub fn csv(rows: &[DrugRow]) -> String {
    let quote = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = HEADERS.join(",") + "\n";
    for r in rows {
        out.push_str(
            &cells(r)
                .iter()
                .map(|c| quote(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

/// `{"version": 1, "drug_lines": [...]}`.
pub fn json(rows: &[DrugRow]) -> String {
    let doc = serde_json::json!({ "version": 1, "drug_lines": rows });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_diagnostics_to_the_line() {
        // The rules crate's template, billing Prolia's NDC under another code.
        let text = include_str!("../../fixtures/templates/837p.x12").replacen(
            "SV1*HC:J0897:JZ*2400*UN*60***1~",
            "SV1*HC:J3486:JZ*2400*UN*60***1~",
            1,
        );
        let rows = file_rows("x.837", text.as_bytes(), &Settings::default());
        assert_eq!(rows.len(), 1, "{rows:#?}");
        let r = &rows[0];
        assert_eq!(r.hcpcs.as_deref(), Some("J3486"));
        assert_eq!(r.expected_hcpcs.as_deref(), Some("J0897"));
        assert_eq!(r.expected_units.as_deref(), Some("60"));
        assert_eq!(r.drug.as_deref(), Some("Prolia"));
        assert!(r.rules.contains(&"NDC004"), "{:?}", r.rules);
        assert!(csv(&rows).lines().nth(1).unwrap().starts_with(
            "x.837,PAT1001-01,1,2026-01-15,J3486,JZ,60,55513071001,1,UN,Prolia,J0897,60,"
        ));
    }
}
