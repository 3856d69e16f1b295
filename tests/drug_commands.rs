//! Issue 5: `claimlint drugs`, `lookup`, `data`, `--version` and `--data-dir`, run as the built
//! binary on the fixtures.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

mod common;
use common::Scratch;
use std::path::Path;
use std::process::Command;

fn claimlint(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn drugs_csv_joins_the_rules_that_fired() {
    let wrong = "fixtures/rules/NDC004/trip/prolia-as-j3486.x12";
    let right = "fixtures/rules/NDC004/pass/padcev-j9177-x80.x12";
    let (code, out, err) = claimlint(&["drugs", "--format", "csv", wrong, right]);
    // As `check` on the same files: NDC004 is an error (docs/pipelines.md, exit status).
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "file,claim,line,date,hcpcs,modifiers,units,ndc,ctp_qty,ctp_unit,drug,expected_hcpcs,expected_units,rules"
    );
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(
        lines[1],
        format!(
            "{wrong},PAT1001-01,1,2026-01-15,J3486,JZ,60,55513071001,1,UN,Prolia,J0897,60,NDC004"
        )
    );
    assert_eq!(
        lines[2],
        format!("{right},PAT1001-01,1,2026-01-15,J9177,JZ,80,51144002001,1,UN,Padcev,J9177,80,")
    );
}

#[test]
fn drugs_json_and_human() {
    let file = "fixtures/rules/UNT003/trip/prolia-1-unit-837i.x12";
    let (code, out, _) = claimlint(&["drugs", "--format", "json", file]);
    assert_eq!(code, 1, "UNT003 is an error, as check would say");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let row = &v["drug_lines"][0];
    assert_eq!(row["units"], "1");
    assert_eq!(row["expected_units"], "60");
    assert_eq!(row["rules"], serde_json::json!(["UNT003"]));
    let (_, out, _) = claimlint(&["drugs", file]);
    assert!(out.starts_with("FILE "), "{out}");
    assert!(out.contains("UNT003"), "{out}");
}

#[test]
fn lookup_an_ndc_and_a_code() {
    let (code, out, _) = claimlint(&["lookup", "55513-710-01"]);
    assert_eq!(code, 0);
    assert!(out.contains("NDC 55513-0710-01 (55513071001)"), "{out}");
    assert!(
        out.contains("crosswalk 2025Q4 (2025-10-01 to 2025-12-31): J0897  Prolia (Amgen Inc)"),
        "{out}"
    );
    assert!(out.contains("J0897  Injection, denosumab, 1 mg"), "{out}");
    let (code, out, _) = claimlint(&["lookup", "J9177"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("MUE outpatient hospital 2026Q4: 520 (MAI 3, CMS Policy)"),
        "{out}"
    );
    let (code, out, _) = claimlint(&["lookup", "J1234"]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn data_and_version_name_the_versions() {
    let (code, out, _) = claimlint(&["data"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("crosswalk")
            && out.contains("2025-10-01 to 2025-12-31")
            && out.contains("6961"),
        "{out}"
    );
    let (_, out, _) = claimlint(&["data", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "mue-practitioner" && d["effective_from"] == "2026-10-01")
    );
    let (code, out, _) = claimlint(&["--version"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "data: HCPCS 2026Q1, crosswalk 2025Q4 2026Q1, ICD-10-CM FY2026-April, MUE 2026Q4"
        ),
        "{out}"
    );
}

#[test]
fn bad_data_dir_exits_2() {
    let dir = Scratch::new("bad-data-dir");
    std::fs::write(dir.join("junk.csv"), "not,a,cms,file\n1,2,3,4\n").unwrap();
    let (code, _, err) = claimlint(&["--data-dir", dir.to_str().unwrap(), "data"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--data-dir"), "{err}");
    let missing = Path::new("/nonexistent/claimlint-data");
    let (code, _, _) = claimlint(&["--data-dir", missing.to_str().unwrap(), "lookup", "J0897"]);
    assert_eq!(code, 2);
}

/// Issue 14: `--data-dir` loads an ICD-10-CM release (a small synthetic CDC order file for
/// FY2027); for dates in its range the "load the right version" note goes away and the codes
/// are judged against it.
#[test]
fn data_dir_loads_an_icd10cm_release() {
    let dir = Scratch::new("icd10-dir");
    let line = |n: u32, code: &str, flag: u8, desc: &str| {
        format!("{n:05} {code:<7} {flag} {desc:<60} {desc}\n")
    };
    let order = [
        line(
            1,
            "M81",
            0,
            "Age-related osteoporosis without current pathological fracture",
        ),
        line(
            2,
            "M810",
            1,
            "Age-related osteoporosis w/o current pathological fracture",
        ),
        line(3, "Z9999", 1, "Synthetic code of a future release"),
    ]
    .concat();
    std::fs::write(dir.join("icd10cm_order_2027.txt"), order).unwrap();
    let template = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/templates/837p.x12"),
    )
    .unwrap();
    let claim = dir.join("fy2027.x12");
    let fy2027 = template.replace("20260115", "20261015");
    std::fs::write(&claim, &fy2027).unwrap();
    let notes = |args: &[&str]| -> (Vec<String>, Vec<String>) {
        let (_, out, err) = claimlint(args);
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|_| panic!("not JSON: {out}\n{err}"));
        let file = &v["files"][0];
        let strings = |key: &str| -> Vec<String> {
            file[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|n| {
                            n.as_str()
                                .map_or_else(|| n["code"].to_string(), String::from)
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        (strings("notes"), strings("diagnostics"))
    };
    let c = claim.to_str().unwrap();
    let (before, _) = notes(&["check", "--format", "json", c]);
    assert!(
        before
            .iter()
            .any(|n| n.contains("ICD-10-CM release") && n.contains("--data-dir")),
        "{before:?}"
    );
    let d = dir.to_str().unwrap();
    let (after, diags) = notes(&["--data-dir", d, "check", "--format", "json", c]);
    assert!(!after.iter().any(|n| n.contains("ICD-10-CM")), "{after:?}");
    assert!(!diags.iter().any(|c| c.contains("CODE")), "{diags:?}");
    // A code of the loaded release is judged by it: Z9999 passes, M81 (a header) does not.
    std::fs::write(&claim, fy2027.replace("HI*ABK:M810", "HI*ABK:Z9999")).unwrap();
    let (_, diags) = notes(&["--data-dir", d, "check", "--format", "json", c]);
    assert!(!diags.iter().any(|c| c.contains("CODE")), "{diags:?}");
    std::fs::write(&claim, fy2027.replace("HI*ABK:M810", "HI*ABK:M81")).unwrap();
    let (_, diags) = notes(&["--data-dir", d, "check", "--format", "json", c]);
    assert!(diags.iter().any(|c| c.contains("CODE003")), "{diags:?}");
    let (code, out, _) = claimlint(&["--data-dir", d, "data"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("FY2027") && out.contains("icd10cm_order_2027.txt"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A HCPCS file loaded with `--data-dir` answers for every date (its dates are per code), so
/// a claim dated after the compiled-in HCPCS release gets no "no CMS HCPCS file compiled in is
/// in force … load the right version with --data-dir" note once one is loaded. (The note
/// looked at the compiled-in release's end date alone: found by review, 2026-12-07.)
#[test]
fn data_dir_hcpcs_file_answers_the_note() {
    let dir = Scratch::new("hcpcs-dir");
    let csv = "code,record_type,short_description,long_description,add_date,action_effective_date,termination_date,cross_reference,action_code\n\
               J0897,procedure,Denosumab injection,\"Injection, denosumab, 1 mg\",20120101,20120101,,,N\n";
    std::fs::write(dir.join("hcpcs_2026q3_anweb.csv"), csv).unwrap();
    let template = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/templates/837p.x12"),
    )
    .unwrap();
    let claim = dir.join("late.x12");
    std::fs::write(&claim, template.replace("20260115", "20261015")).unwrap();
    let c = claim.to_str().unwrap();
    let hcpcs_note = |args: &[&str]| {
        let (_, out, err) = claimlint(args);
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|_| panic!("not JSON: {out}\n{err}"));
        v["files"][0]["notes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|n| n.to_string().contains("HCPCS file"))
    };
    assert!(hcpcs_note(&["check", "--format", "json", c]));
    let d = dir.to_str().unwrap();
    assert!(!hcpcs_note(&[
        "--data-dir",
        d,
        "check",
        "--format",
        "json",
        c
    ]));
}
