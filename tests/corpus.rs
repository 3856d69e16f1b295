//! Reads every file of the shared corpus in place (../shared/corpus, or $CLAIMLINT_CORPUS):
//! no panic; 5010 837 files give the claim and line counts of CATALOG.md (the exceptions are
//! listed with their reason); 4010 files get ENV005; files the catalog marks intentionally
//! invalid, or "valid but has real defects", get at least one error. Skips, saying so, when the
//! corpus is absent.

use claimlint::config::Settings;
use claimlint::diagnostic::Severity;
use claimlint::engine;
use std::path::PathBuf;

/// Files whose catalog counts come from a simple splitter that claimlint does not share.
const COUNT_EXCEPTIONS: &[(&str, &str)] = &[
    ("imsweb-x12-parser/x12_no_isa_line.txt", "no ISA: the delimiters are unknown, so nothing is read (ENV001)"),
    ("stupidedi/X222-HC837__pass__professional-example-10a.edi", "TR3 page text wrapped at 60 columns inside segments (ST03 reads `0\\n05010X222`): reported, not read"),
    ("stupidedi/X222-HC837__pass__professional-example-10b.edi", "TR3 page text wrapped at 60 columns inside segments (ST03 reads `0\\n05010X222`): reported, not read"),
];

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CLAIMLINT_CORPUS").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    dir.join("CATALOG.md").exists().then_some(dir)
}

pub struct Row {
    pub path: String,
    pub transaction: String,
    pub version: String,
    pub claims: u64,
    pub lines: u64,
    pub says: String,
}

pub fn catalog(dir: &std::path::Path) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("CATALOG.md")).unwrap();
    let mut rows = Vec::new();
    let mut in_files = false;
    for line in text.lines() {
        if line.starts_with("## Files") {
            in_files = true;
            continue;
        }
        if !in_files || !line.starts_with("| ") || line.starts_with("| path") || line.starts_with("|---") {
            continue;
        }
        let cols: Vec<&str> = line.split(" | ").map(|c| c.trim_matches(|c| c == '|' || c == ' ')).collect();
        if cols.len() < 15 {
            continue;
        }
        rows.push(Row {
            path: cols[0].to_string(),
            transaction: cols[3].to_string(),
            version: cols[4].to_string(),
            claims: cols[8].parse().unwrap_or(0),
            lines: cols[9].parse().unwrap_or(0),
            says: cols[cols.len() - 1].to_string(),
        });
    }
    rows
}

#[test]
fn corpus_reads_every_file() {
    let Some(dir) = corpus_dir() else {
        eprintln!("SKIPPED: no corpus at ../shared/corpus (set CLAIMLINT_CORPUS to run this test)");
        return;
    };
    let rows = catalog(&dir);
    assert!(rows.len() >= 180, "catalog parsed only {} rows", rows.len());
    let settings = Settings::default();
    let mut failures = Vec::new();
    let (mut counted, mut skipped_4010, mut invalid_flagged) = (0, 0, 0);
    for row in &rows {
        let bytes = std::fs::read(dir.join(&row.path)).unwrap();
        let o = engine::check(&bytes, &settings);
        let codes: Vec<&str> = o.diagnostics.iter().map(|d| d.code).collect();
        let errors = o.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        let is_837_5010 = row.version == "5010" && (row.transaction.starts_with("837P") || row.transaction.starts_with("837I"));
        if is_837_5010 && !COUNT_EXCEPTIONS.iter().any(|(p, _)| *p == row.path) {
            if (o.stats.claims, o.stats.service_lines) != (row.claims, row.lines) {
                failures.push(format!("{}: claims/lines {}/{} but the catalog says {}/{}", row.path, o.stats.claims, o.stats.service_lines, row.claims, row.lines));
            }
            counted += 1;
        }
        if row.version.starts_with("4010") && !row.version.contains("masked") {
            if !codes.contains(&"ENV005") {
                failures.push(format!("{}: a 4010 file without ENV005 ({codes:?})", row.path));
            }
            skipped_4010 += 1;
        }
        if row.says.starts_with("INVALID") || row.says.contains("real defects") {
            if o.diagnostics.is_empty() {
                failures.push(format!("{}: marked invalid/defective but no diagnostic", row.path));
            }
            if row.says.contains("real defects") && errors == 0 {
                failures.push(format!("{}: has real defects per the catalog but no error ({codes:?})", row.path));
            }
            invalid_flagged += 1;
        }
    }
    eprintln!("corpus: {} files; {counted} 5010 837 files with exact claim/line counts; {skipped_4010} 4010 files with ENV005; {invalid_flagged} invalid/defective files flagged", rows.len());
    assert!(failures.is_empty(), "{} corpus failures:\n{}", failures.len(), failures.join("\n"));
}
