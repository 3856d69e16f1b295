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

/// Line and column count `\n` line breaks, as OUTPUT.md says, in JSON and SARIF: a file with
/// a lone `\r` after each segment is line 1, its column the byte's (unseen-file run F7). The
/// human report shows it as an editor does, line by line.
#[test]
fn lone_carriage_returns_are_no_line_breaks_in_json_and_sarif() {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FILE))
        .unwrap()
        .replace("\r\n", "\n")
        .replace('\n', "\r");
    let dir = std::env::temp_dir().join(format!("claimlint-cr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cr.x12");
    std::fs::write(&path, &text).unwrap();
    let p = path.to_str().unwrap();
    let v: serde_json::Value = serde_json::from_str(&run(&["--format", "json", p])).unwrap();
    let d = &v["files"][0]["diagnostics"][0];
    let offset = d["segment"]["offset"].as_u64().unwrap();
    assert!(offset > 0);
    assert_eq!(d["segment"]["line"], 1, "{d}");
    assert_eq!(d["segment"]["column"].as_u64(), Some(offset + 1), "{d}");
    let s: serde_json::Value = serde_json::from_str(&run(&["--format", "sarif", p])).unwrap();
    let region = &s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1, "{region}");
    assert_eq!(region["startColumn"].as_u64(), Some(offset + 1), "{region}");
    // The human heading names the line an editor shows.
    let lines = text[..offset as usize].matches('\r').count() + 1;
    let human = run(&[p]);
    assert!(human.contains(&format!("cr.x12:{lines}:")), "{human}");
    std::fs::remove_dir_all(&dir).ok();
}
