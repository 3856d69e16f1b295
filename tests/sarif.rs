//! `--format sarif` against the OASIS SARIF 2.1.0 schema (vendored in tests/data, errata01 of
//! the OASIS standard) and against what GitHub code scanning reads: `ruleId`, `level`, a
//! relative `artifactLocation.uri`, a region with line, column and bytes, and rules described
//! from their docs with no invented URL.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn sarif(args: &[&str]) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--no-config", "--format", "sarif"])
        .args(args)
        .output()
        .expect("the binary runs");
    serde_json::from_slice(&o.stdout).expect("SARIF output is JSON")
}

fn schema() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the OASIS schema compiles")
}

#[test]
fn every_fixture_validates_against_the_sarif_schema() {
    let doc = sarif(&["fixtures/rules", "does/not/exist.837"]);
    let validator = schema();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() > 100, "{} results", results.len());
}

#[test]
fn the_schema_catches_what_github_would_reject() {
    // A guard that the validator is really applied: a level SARIF does not know fails it.
    let mut doc = sarif(&["fixtures/rules/ENV003/trip/se01-too-small.x12"]);
    doc["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!schema().is_valid(&doc));
}

#[test]
fn results_carry_what_code_scanning_reads() {
    let doc = sarif(&[
        "fixtures/rules/ENV003/trip/se01-too-small.x12",
        "fixtures/rules/ENV008/trip/text-header.x12",
    ]);
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in rules {
        assert!(
            r["shortDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty() && !t.contains('\n')),
            "{r}"
        );
        assert!(
            r["fullDescription"]["text"]
                .as_str()
                .is_some_and(|t| t.len() > 20),
            "{r}"
        );
        assert!(
            r["help"]["markdown"]
                .as_str()
                .is_some_and(|t| t.starts_with("## What it does")),
            "{r}"
        );
        assert!(
            r.get("helpUri").is_none(),
            "claimlint has no rule pages to link to"
        );
    }
    let results = run["results"].as_array().unwrap();
    let env003 = results.iter().find(|r| r["ruleId"] == "ENV003").unwrap();
    assert_eq!(env003["level"], "error");
    assert_eq!(
        rules[env003["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "ENV003"
    );
    let loc = &env003["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "fixtures/rules/ENV003/trip/se01-too-small.x12"
    );
    // SE01 of the template: line 30, column 4, the two bytes `25`.
    assert_eq!(loc["region"]["startLine"], 30);
    assert_eq!(loc["region"]["startColumn"], 4);
    assert_eq!(loc["region"]["byteLength"], 2);
    let warning = results.iter().find(|r| r["ruleId"] == "ENV008").unwrap();
    assert_eq!(warning["level"], "warning");
}

#[test]
fn absolute_paths_under_the_working_directory_become_relative() {
    let abs =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/ENV003/trip/se01-too-small.x12");
    let doc = sarif(&[abs.to_str().unwrap()]);
    let uri = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "fixtures/rules/ENV003/trip/se01-too-small.x12");
}

#[test]
fn info_is_a_note_and_severity_overrides_show() {
    let doc = sarif(&[
        "--severity",
        "ENV003=warning",
        "fixtures/rules/ENV003/trip/se01-too-small.x12",
        "fixtures/rules/ENV005/trip/835-skipped.x12",
    ]);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "ENV003" && r["level"] == "warning")
    );
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "ENV005" && r["level"] == "note")
    );
}

/// A finding's fix travels as SARIF `fixes` (the replaced bytes and the new text), valid under
/// the schema, and applying it gives the file `claimlint check --fix` writes.
#[test]
fn fixes_are_sarif_fixes() {
    let path = "fixtures/rules/ENV003/trip/se01-too-small.x12";
    let doc = sarif(&[path]);
    assert!(schema().is_valid(&doc));
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "ENV003");
    let fix = &result["fixes"][0];
    assert!(
        fix["description"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("safe fix")),
        "{fix}"
    );
    let change = &fix["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], path);
    let r = &change["replacements"][0];
    let start = r["deletedRegion"]["byteOffset"].as_u64().unwrap() as usize;
    let len = r["deletedRegion"]["byteLength"].as_u64().unwrap() as usize;
    let text = std::fs::read(path).unwrap();
    let mut fixed = text[..start].to_vec();
    fixed.extend_from_slice(r["insertedContent"]["text"].as_str().unwrap().as_bytes());
    fixed.extend_from_slice(&text[start + len..]);
    let diff = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .args(["check", "--no-config", "--diff", path])
        .output()
        .unwrap();
    let diff = String::from_utf8_lossy(&diff.stdout);
    let fixed = String::from_utf8_lossy(&fixed);
    let added: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .map(|l| &l[1..])
        .collect();
    assert!(!added.is_empty(), "{diff}");
    for line in added {
        assert!(
            fixed.lines().any(|l| l == line),
            "{line} not in the SARIF-fixed file"
        );
    }
}
