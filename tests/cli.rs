//! Runs the built binary: exit codes 0/1/2, the JSON contract of OUTPUT.md, other formats,
//! `--threads 1` output byte-identical to the default, and the rules/explain/tree commands.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

use std::path::PathBuf;
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_claimlint"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const CLEAN: &str = "fixtures/templates/837p.x12";
const CLEAN_I: &str = "fixtures/templates/837i.x12";
const BAD: &str = "fixtures/rules/ENV003/trip/se01-too-small.x12";
const WARN_ONLY: &str = "fixtures/rules/ENV008/trip/text-header.x12";

#[test]
fn exit_status_follows_the_contract() {
    assert_eq!(run(&["check", CLEAN, CLEAN_I]).status.code(), Some(0));
    assert_eq!(run(&["check", BAD]).status.code(), Some(1));
    assert_eq!(run(&["check", CLEAN, BAD]).status.code(), Some(1));
    assert_eq!(run(&["check", WARN_ONLY]).status.code(), Some(0));
    assert_eq!(
        run(&["check", "--fail-on", "warning", WARN_ONLY])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&["check", "--ignore", "ENV003", BAD]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&["check", "--severity", "ENV003=warning", BAD])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn claimlint_errors_exit_2_and_name_the_problem() {
    let o = run(&["check", "--select", "NOPE123", CLEAN]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("NOPE123"));
    assert_eq!(
        run(&["check", "--format", "yaml", CLEAN]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["check", "--severity", "ENV003=loud", CLEAN])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["explain", "NOPE123"]).status.code(), Some(2));
    assert_eq!(run(&["bogus-command"]).status.code(), Some(2));
}

#[test]
fn unreadable_input_is_a_diagnostic_and_the_rest_still_runs() {
    let o = run(&["check", "--format", "json", "does/not/exist.837", CLEAN]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["diagnostics"][0]["code"], "ENV009");
    assert_eq!(files[1]["claims"], 1);
    assert_eq!(files[1]["diagnostics"].as_array().unwrap().len(), 0);
}

#[test]
fn json_has_every_field_of_the_contract() {
    let o = run(&["check", "--format", "json", BAD, CLEAN]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let f = &v["files"][0];
    for k in [
        "path",
        "interchanges",
        "transactions",
        "claims",
        "service_lines",
        "drug_lines",
        "diagnostics",
    ] {
        assert!(f.get(k).is_some(), "file lacks {k}");
    }
    assert_eq!(f["path"], BAD);
    assert_eq!(
        (
            f["interchanges"].as_u64(),
            f["transactions"].as_u64(),
            f["claims"].as_u64(),
            f["service_lines"].as_u64()
        ),
        (Some(1), Some(1), Some(1), Some(2))
    );
    // The file's own finding (its claim is the original of the other input's copy, which
    // XCL001 reports there: fixtures/rules sorts before fixtures/templates).
    let d = f["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "ENV003")
        .unwrap();
    for k in [
        "code",
        "severity",
        "message",
        "help",
        "transaction",
        "claim_id",
        "line_number",
        "segment",
    ] {
        assert!(d.get(k).is_some(), "diagnostic lacks {k}");
    }
    for k in [
        "id",
        "position",
        "element",
        "component",
        "offset",
        "length",
        "line",
        "column",
    ] {
        assert!(d["segment"].get(k).is_some(), "segment lacks {k}");
    }
    assert_eq!(d["code"], "ENV003");
    assert_eq!(d["transaction"], "0001");
    assert_eq!(d["segment"]["id"], "SE");
    assert_eq!(d["segment"]["position"], 28);
    assert_eq!(d["segment"]["element"], 1);
    assert!(d["segment"]["component"].is_null());
    let s = &v["summary"];
    assert_eq!(
        (
            s["files"].as_u64(),
            s["errors"].as_u64(),
            s["warnings"].as_u64(),
            s["infos"].as_u64()
        ),
        // The two inputs hold the same claim: XCL001 on the later (issue 16).
        (Some(2), Some(1), Some(1), Some(0))
    );
}

#[test]
fn diagnostics_are_ordered_by_offset() {
    let o = run(&["check", "--format", "json", "fixtures/rules"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for f in v["files"].as_array().unwrap() {
        let offsets: Vec<u64> = f["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["segment"]["offset"].as_u64().unwrap())
            .collect();
        assert!(
            offsets.windows(2).all(|w| w[0] <= w[1]),
            "{}: {offsets:?}",
            f["path"]
        );
    }
}

#[test]
fn one_thread_and_many_give_identical_bytes() {
    for format in ["json", "jsonl", "sarif", "human"] {
        let many = run(&["check", "--format", format, "--color", "never", "fixtures"]);
        let one = run(&[
            "--threads",
            "1",
            "check",
            "--format",
            format,
            "--color",
            "never",
            "fixtures",
        ]);
        let strip = |o: &Output| {
            stdout(o)
                .lines()
                .filter(|l| !l.starts_with("Checked "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert!(!many.stdout.is_empty());
        assert_eq!(
            strip(&many),
            strip(&one),
            "format {format} differs between thread counts"
        );
    }
}

/// `claimlint check --format json -` with the bytes of `fixture` on standard input.
fn check_stdin(fixture: &str) -> Output {
    use std::io::Write;
    let mut child = bin()
        .args(["check", "--format", "json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let bytes = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(fixture)).unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn stdin_is_read_with_a_dash() {
    let o = check_stdin(BAD);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"][0]["path"], "-");
    assert_eq!(v["files"][0]["diagnostics"][0]["code"], "ENV003");
}

/// A file's duplicate claims are found when it is checked alone, beside another file and from
/// standard input alike: the rules across claims run over one input too, and its result does
/// not depend on what else is on the command line.
#[test]
fn in_file_duplicates_are_found_alone_beside_others_and_from_stdin() {
    const DUPS: &str = "fixtures/rules/XCL001/trip/same-file.x12";
    let findings = |v: &serde_json::Value, path: &str| -> Vec<(String, u64, String)> {
        let file = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .unwrap();
        file["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["segment"]["offset"].as_u64().unwrap(),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let alone: serde_json::Value =
        serde_json::from_slice(&run(&["check", "--format", "json", DUPS]).stdout).unwrap();
    let alone = findings(&alone, DUPS);
    let codes: Vec<&str> = alone.iter().map(|f| f.0.as_str()).collect();
    // The second claim duplicates the first: one finding, on the copy.
    assert_eq!(codes, ["XCL001"]);
    assert!(alone[0].2.contains("in this file"), "{alone:?}");
    let beside: serde_json::Value = serde_json::from_slice(
        &run(&[
            "check",
            "--format",
            "json",
            DUPS,
            "fixtures/samples/hospital-outpatient.837",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(findings(&beside, DUPS), alone);
    let piped: serde_json::Value = serde_json::from_slice(&check_stdin(DUPS).stdout).unwrap();
    assert_eq!(findings(&piped, "-"), alone);
}

#[test]
fn jsonl_and_sarif_shapes() {
    let o = run(&["check", "--format", "jsonl", BAD]);
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["path"], BAD);
    assert_eq!(lines[0]["code"], "ENV003");
    assert_eq!(lines[1]["summary"]["errors"], 1);
    let o = run(&["check", "--format", "sarif", BAD]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "ENV003");
    assert_eq!(r["level"], "error");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        BAD
    );
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        30
    );
}

#[test]
fn human_output_snapshot() {
    let o = run(&[
        "check",
        "--color",
        "never",
        BAD,
        "fixtures/rules/STR001/trip/hl04-says-child.x12",
    ]);
    let text = stdout(&o);
    let body: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("Checked "))
        .collect();
    insta::assert_snapshot!("human_check", body.join("\n"));
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with("Checked 2 files (2 claims, 4 lines, 2 drug lines) in ")
    );
}

#[test]
fn json_output_snapshot() {
    let o = run(&["check", "--format", "json", "fixtures/rules/STR005/trip"]);
    insta::assert_snapshot!("json_check", stdout(&o));
}

#[test]
fn rules_explain_and_tree() {
    let o = run(&["rules"]);
    let text = stdout(&o);
    for code in ["ENV001", "ENV009", "STR001", "STR006"] {
        assert!(text.contains(code), "rules lacks {code}");
    }
    let by_code = stdout(&run(&["explain", "ENV002"]));
    let by_name = stdout(&run(&["explain", "control-number-mismatch"]));
    assert_eq!(by_code, by_name);
    assert!(by_code.contains("## Why it matters") && by_code.contains("IEA02 = ISA13"));
    let tree = stdout(&run(&["tree", CLEAN]));
    for needle in [
        "2000A",
        "2010AA",
        "2300",
        "CLM01 PAT1001-01",
        "2400",
        "LX01 1 J0897",
        "2410",
        "LIN N4 55513071001",
    ] {
        assert!(tree.contains(needle), "tree lacks {needle}:\n{tree}");
    }
}

#[test]
fn data_notes_are_grouped_for_a_batch() {
    // Two files: each note is printed with its file.
    let few = stdout(&run(&["check", "--color", "never", "fixtures/samples"]));
    assert!(
        few.contains("note: fixtures/samples/clinic-day1.837: no ICD-10-CM release"),
        "{few}"
    );
    // Many files (25, of which 24 have a claim with a diagnosis): one line per kind of note.
    let many = stdout(&run(&[
        "check",
        "--color",
        "never",
        "fixtures/rules/STR005",
        "fixtures/rules/STR006",
        "fixtures/rules/ENV003",
    ]));
    let icd: Vec<&str> = many
        .lines()
        .filter(|l| l.starts_with("note:") && l.contains("ICD-10-CM"))
        .collect();
    assert_eq!(icd.len(), 1, "{many}");
    assert!(
        icd[0].starts_with("note: 24 files: no ICD-10-CM release"),
        "{}",
        icd[0]
    );
}

/// Issue 14 §3: a suppressed cascade is counted per file and in the summary (JSON, JSONL) and
/// in the human summary line; only the root is reported.
#[test]
fn suppressed_findings_are_counted() {
    let f = "fixtures/rules/NDC004/trip/prolia-as-j1097.x12";
    let o = run(&["check", "--format", "json", f]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(v["files"][0]["suppressed"], 1);
    let codes: Vec<&str> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["NDC004"]);
    let o = run(&["check", "--format", "jsonl", f]);
    let last = stdout(&o).lines().last().unwrap_or("").to_string();
    assert!(last.contains("\"suppressed\":1"), "{last}");
    let o = run(&["check", f]);
    let text = String::from_utf8_lossy(&o.stderr).to_string() + &stdout(&o);
    assert!(
        text.contains("1 error, 0 warnings, 0 infos (1 suppressed)"),
        "{text}"
    );
}

/// A 2010BA N3 written as N4 (`structure::mistyped`): by default its STR003 alone, the
/// STR002 for the N3 it leaves missing counted among the suppressed; with STR003 not run
/// (`--select STR002`, `--ignore STR003`) that STR002 is reported and fails the run.
#[test]
fn a_gap_a_mistyped_segment_fills_is_suppressed_not_dropped() {
    let codes = |args: &[&str]| {
        let o = run(&[&["check", "--format", "json"], args].concat());
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let codes: Vec<String> = (v["files"][0]["diagnostics"].as_array().unwrap().iter())
            .filter_map(|d| d["code"].as_str().map(str::to_string))
            .collect();
        (o.status.code(), codes, v["summary"]["suppressed"].as_u64())
    };
    for (name, n) in [
        ("subscriber-address-written-as-n4", 1),
        ("subscriber-address-written-as-n4-in-two-subscribers", 2),
    ] {
        let f = format!("fixtures/rules/STR003/trip/{name}.x12");
        let (rc, all, suppressed) = codes(&[&f]);
        assert_eq!(
            (rc, all),
            (Some(1), vec!["STR003".to_string(); n]),
            "{name}"
        );
        let (_, unsuppressed, _) = codes(&["--ignore", "STR003", &f]);
        let str002 = unsuppressed.iter().filter(|c| *c == "STR002").count();
        assert_eq!(str002, n, "{name}: {unsuppressed:?}");
        assert_eq!(suppressed, Some(unsuppressed.len() as u64), "{name}");
        let (rc, selected, _) = codes(&["--select", "STR002", &f]);
        assert_eq!(
            (rc, selected),
            (Some(1), vec!["STR002".to_string(); n]),
            "{name}"
        );
    }
}

/// A segment in a subscriber's 2010BA the guide cannot place, with an id the 837 does not
/// define, where the N3 the loop needs belongs (`NM2`, an id with a control character): its
/// own finding is the one error and the N3's STR002 is suppressed, counted. With that finding
/// not run (`--select STR002`, `--ignore` its code) the STR002 is reported and the run fails:
/// the gap is never dropped. A segment of the 837 there instead (a PRV) is a stray beside a
/// gap: both are reported.
#[test]
fn a_gap_beside_an_unplaced_segment_is_suppressed_not_dropped() {
    let codes = |args: &[&str]| {
        let o = run(&[&["check", "--no-config", "--format", "json"], args].concat());
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let codes: Vec<String> = (v["files"][0]["diagnostics"].as_array().unwrap().iter())
            .filter_map(|d| d["code"].as_str().map(str::to_string))
            .collect();
        (o.status.code(), codes, v["summary"]["suppressed"].as_u64())
    };
    let str002 = || vec!["STR002".to_string()];
    for (f, root, suppressed) in [
        ("fixtures/rules/SYN001/trip/typo-nm2.x12", "SYN001", 1),
        (
            "fixtures/rules/SYN005/trip/subscriber-n3-id-with-control-character.x12",
            "SYN005",
            2, // the STR002, and the SYN001 for the id
        ),
    ] {
        assert_eq!(
            codes(&[f]),
            (Some(1), vec![root.to_string()], Some(suppressed)),
            "{f}"
        );
        assert_eq!(
            codes(&["--select", "STR002", f]),
            (Some(1), str002(), Some(0)),
            "{f}"
        );
        // Both roots the gap's segment may have (the id with a control character is also
        // SYN001's unknown id), not run: the STR002 is reported.
        let (rc, all, _) = codes(&["--ignore", "SYN001,SYN005", f]);
        assert_eq!(
            (rc, all.contains(&"STR002".to_string())),
            (Some(1), true),
            "{f}: {all:?}"
        );
    }
    let prv = "fixtures/rules/STR003/trip/prv-in-place-of-subscriber-n3.x12";
    let both = vec!["STR002".to_string(), "STR003".to_string()];
    assert_eq!(codes(&[prv]), (Some(1), both, Some(0)));
}

/// An ST03 that alone names the other guide (GS08 and the SV1 lines say 837P): ENV005 is the
/// one finding and STR003's "ST03 names 837I" on the same ST03 is suppressed, counted. With
/// ENV005 ignored, not selected, or lowered to a warning, nothing hides that STR003: the set
/// still fails (a root not reported, or below its default severity, hides no error).
#[test]
fn an_st03_alone_hides_str003_only_while_env005_stands() {
    let f = "fixtures/rules/ENV005/trip/st03-837i-over-837p-lines-and-gs08.x12";
    let found = |extra: &[&str]| {
        let mut args = vec!["check", "--no-config", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(f);
        let o = run(&args);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let codes: Vec<String> = v["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{} {}", d["code"], d["severity"]).replace('"', ""))
            .collect();
        (o.status.code(), codes, v["summary"]["suppressed"].clone())
    };
    let (status, codes, suppressed) = found(&[]);
    assert_eq!((status, suppressed), (Some(1), serde_json::json!(1)));
    assert_eq!(codes, ["ENV005 error"]);
    let (status, codes, suppressed) = found(&["--ignore", "ENV005"]);
    assert_eq!((status, suppressed), (Some(1), serde_json::json!(0)));
    assert_eq!(codes, ["STR003 error"]);
    let (status, codes, _) = found(&["--select", "STR"]);
    assert_eq!((status, codes), (Some(1), vec!["STR003 error".to_string()]));
    let (status, codes, suppressed) = found(&["--severity", "ENV005=warning"]);
    assert_eq!((status, suppressed), (Some(1), serde_json::json!(0)));
    assert_eq!(codes, ["ENV005 warning", "STR003 error"]);
}

/// Issue 14 §3: an input that is not X12 (a README, a CSV or JSON export, an HTML error page,
/// an archive, UTF-16) fails the run with exactly one ENV001 that quotes how it starts.
#[test]
fn not_x12_is_one_error_and_fails() {
    for name in [
        "markdown-readme",
        "csv-export",
        "json-export",
        "html-error-page",
        "zip-archive",
        "prose-starting-isa",
        "text-starting-st",
        "utf16-no-bom",
    ] {
        let path = format!("fixtures/rules/ENV001/trip/{name}.x12");
        let o = run(&["check", "--format", "json", &path]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let d = v["files"][0]["diagnostics"].as_array().unwrap();
        assert_eq!(d.len(), 1, "{name}: {d:?}");
        assert_eq!(d[0]["code"], "ENV001", "{name}");
        assert!(
            d[0]["message"].as_str().unwrap().contains("starts with"),
            "{name}: {}",
            d[0]["message"]
        );
        assert_eq!(v["summary"]["suppressed"], 0, "{name}");
    }
}
