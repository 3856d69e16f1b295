//! A snapshot of each output format for one file with findings, so a change to any format is
//! seen and read in review: human (the miette rendering and the closing summary), json, jsonl,
//! the SARIF results, and `--statistics` as a table and as JSON.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

use std::process::Command;

const FILE: &str = "fixtures/rules/SYN002/trip/zip-too-short-837i.x12";

fn run(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--no-config", "--color", "never"])
        .args(args)
        .output()
        .expect("the binary runs");
    String::from_utf8(o.stdout).unwrap()
}

/// The run time differs between runs, and the notes on which data release was used belong to
/// the data's own tests; both are left out.
fn untimed(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("note: "))
        .map(|l| match (l.find(") in "), l.find("s: ")) {
            (Some(a), Some(b)) if a < b => format!("{} in TIME{}", &l[..a + 1], &l[b + 1..]),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn human() {
    let text = untimed(&run(&[FILE]));
    assert!(
        text.ends_with(
            "Checked 1 file (1 claim, 2 lines, 1 drug line) in TIME: 1 error, 0 warnings, 0 infos (1 suppressed)"
        ),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn json() {
    let v: serde_json::Value = serde_json::from_str(&run(&["--format", "json", FILE])).unwrap();
    insta::assert_json_snapshot!(v);
}

#[test]
fn jsonl() {
    insta::assert_snapshot!(run(&["--format", "jsonl", FILE]));
}

#[test]
fn sarif_results() {
    let v: serde_json::Value = serde_json::from_str(&run(&["--format", "sarif", FILE])).unwrap();
    insta::assert_json_snapshot!(v["runs"][0]["results"]);
}

#[test]
fn statistics_table() {
    let text = untimed(&run(&[
        "--statistics",
        FILE,
        "fixtures/rules/ENV003/trip",
        "fixtures/rules/SYN002/trip",
    ]));
    insta::assert_snapshot!(text);
}

#[test]
fn statistics_json() {
    let v: serde_json::Value = serde_json::from_str(&run(&[
        "--statistics",
        "--format",
        "json",
        "fixtures/rules/SYN002/trip",
    ]))
    .unwrap();
    let rows = v.as_array().unwrap();
    // Most frequent first; every row names its rule.
    assert!(
        rows.windows(2)
            .all(|w| w[0]["count"].as_u64() >= w[1]["count"].as_u64())
    );
    assert!(
        rows.iter()
            .any(|r| r["code"] == "SYN002" && r["name"] == "element-length")
    );
    insta::assert_json_snapshot!(v);
}

#[test]
fn statistics_refuses_formats_it_cannot_print() {
    let o = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--statistics", "--format", "sarif", FILE])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--statistics"));
}
