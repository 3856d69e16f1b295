//! Issue 12 §4 and the fail-closed contract (OUTPUT.md), across every command that reads
//! claim files: the same inputs and settings (`resolve`: config discovery and its
//! include/exclude, `--config`, `--profile`, `--format`), the same exit status (`--fail-on`,
//! an input not read is its ENV009 and fails the run while the other inputs are still
//! processed), `suppressed` wherever findings are counted, and no report written over an input.

// Helpers unwrap too: in a test, a failed unwrap is the failure report.
#![allow(clippy::unwrap_used)]

mod common;
use common::Scratch;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const ERROR: &str = "fixtures/rules/MOD001/trip/340b-tb-no-jz.x12";
const ERROR_AND_WARNING: &str = "fixtures/rules/MOD001/trip/prolia-no-lin-no-jz.x12";
const WARNING: &str = "fixtures/rules/DRG003/trip/prolia-as-j3490.x12";
const INFO: &str = "fixtures/rules/ENV005/trip/835-skipped.x12";
const CLEAN: &str = "fixtures/templates/837p.x12";
/// DRG001 suppresses the NDC001 of its line (RULES.md precedence).
const SUPPRESSING: &str = "fixtures/rules/DRG001/trip/j3490-bare.x12";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> Scratch {
    Scratch::new(&format!("commands-{name}"))
}

/// The fixture `rel` copied into `dir` as `name` (out of the checkout, so no claimlint.toml
/// of the repository governs it).
fn copy(rel: &str, dir: &Path, name: &str) -> String {
    let to = dir.join(name);
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::copy(root().join(rel), &to).unwrap();
    name.to_string()
}

/// The same command line for each command that reads claim files (`ack` writes into `acks`).
fn each_command(args: &[&str]) -> Vec<(&'static str, Vec<String>)> {
    let with = |first: &[&str]| -> Vec<String> {
        first
            .iter()
            .chain(args.iter())
            .map(|s| s.to_string())
            .collect()
    };
    vec![
        ("check", with(&["check"])),
        ("ack", with(&["ack", "-o", "acks"])),
        ("audit", with(&["audit"])),
        ("drugs", with(&["drugs"])),
    ]
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The paths a command read, from its JSON output.
fn paths_read(dir: &Path, command: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec![command, "--format", "json"];
    args.extend_from_slice(extra);
    args.push(".");
    let r = run_in(dir, &args);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|_| panic!("{}", r.stdout));
    let mut paths: Vec<String> = match command {
        "drugs" => v["drug_lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["file"].as_str().unwrap().to_string())
            .collect(),
        _ => v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect(),
    };
    paths.sort();
    paths.dedup();
    paths
}

/// Item 1: `tree` resolves its inputs like every command: the config's exclude leaves out
/// `archive/` and `*.md` for check, drugs, audit and tree alike; `--no-config` reads them.
#[test]
fn tree_uses_the_shared_inputs_and_settings() {
    let dir = scratch("shared");
    copy(CLEAN, &dir, "victim.x12");
    copy(CLEAN, &dir, "archive/f.837");
    std::fs::write(dir.join("notes.md"), "not a claim\n").unwrap();
    std::fs::write(
        dir.join("claimlint.toml"),
        "exclude = [\"archive\", \"*.md\"]\n",
    )
    .unwrap();
    for command in ["check", "drugs", "audit", "tree"] {
        assert_eq!(
            paths_read(&dir, command, &[]),
            ["./victim.x12"],
            "{command} must leave out what claimlint.toml excludes"
        );
    }
    let all = paths_read(&dir, "tree", &["--no-config"]);
    assert_eq!(all, ["./archive/f.837", "./notes.md", "./victim.x12"]);
    // The shared settings flags are accepted, and checked as everywhere (an unknown profile
    // is a usage error).
    let config = dir.join("claimlint.toml");
    let r = run_in(
        &dir,
        &[
            "tree",
            "--profile",
            "medicare",
            "--config",
            config.to_str().unwrap(),
            "--format",
            "json",
            "victim.x12",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_in(&dir, &["tree", "--profile", "no-such-payer", "victim.x12"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // tree runs no rule: a flag that could only change rules or the exit status on findings
    // is refused, not silently ignored.
    for flag in [["--fail-on", "warning"], ["--select", "NDC"]] {
        let r = run_in(&dir, &["tree", flag[0], flag[1], "victim.x12"]);
        assert_eq!(r.code, 2, "{flag:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `tree --format json`: the loop tree as data, the same tree the text shows.
#[test]
fn tree_json_is_the_tree() {
    let r = run_in(root(), &["tree", "--format", "json", CLEAN]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["skipped"], serde_json::json!([]));
    let file = &v["files"][0];
    assert_eq!(file["path"], CLEAN);
    assert_eq!(file["diagnostics"], serde_json::json!([]));
    let ic = &file["tree"]["interchanges"][0];
    assert_eq!(ic["control_number"], "000000001");
    let tx = &ic["groups"][0]["transactions"][0];
    assert_eq!(
        (tx["kind"].as_str(), tx["guide"].as_str()),
        (Some("837P"), Some("005010X222A1"))
    );
    assert_eq!(tx["claims"], 1);
    let loops = tx["loops"].as_array().unwrap();
    let clm = loops.iter().find(|l| l["id"] == "2300").unwrap();
    assert!(
        clm["label"]
            .as_str()
            .unwrap()
            .starts_with("CLM01 PAT1001-01")
    );
    // Every loop of the text form is in the JSON, in order.
    let text = run_in(root(), &["tree", CLEAN]).stdout;
    let ids: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("      "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let json_ids: Vec<&str> = loops.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, json_ids);
}

/// `lookup --format json`: the facts as data; exit 0 when known, 1 when not.
#[test]
fn lookup_json() {
    let r = run_in(root(), &["lookup", "--format", "json", "55513-0710-01"]);
    assert_eq!(r.code, 0);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        (v["kind"].as_str(), v["found"].as_bool()),
        (Some("ndc"), Some(true))
    );
    assert_eq!(v["ndcs"][0]["hcpcs"][0]["code"], "J0897");
    let r = run_in(root(), &["lookup", "--format", "json", "NOPE123"]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["kind"], "unknown");
}

/// Item 2: `--fail-on` does what its help says on every command that takes it, and the
/// default (error) is the same everywhere: check, ack, audit and drugs exit alike.
#[test]
fn fail_on_is_the_same_for_every_command() {
    let dir = scratch("fail-on");
    let error = copy(ERROR, &dir, "error.x12");
    let both = copy(ERROR_AND_WARNING, &dir, "both.x12");
    let warning = copy(WARNING, &dir, "warning.x12");
    let info = copy(INFO, &dir, "info.x12");
    let clean = copy(CLEAN, &dir, "clean.x12");
    let cases: [(&str, &[&str], i32); 9] = [
        (&error, &[], 1),
        (&both, &[], 1),
        (&both, &["--fail-on", "warning"], 1),
        (&warning, &[], 0),
        (&warning, &["--fail-on", "warning"], 1),
        (&info, &["--fail-on", "warning"], 0),
        (&info, &["--fail-on", "info"], 1),
        (&clean, &[], 0),
        (&clean, &["--fail-on", "info"], 0),
    ];
    for (file, flags, want) in cases {
        let mut args: Vec<&str> = flags.to_vec();
        args.push(file);
        for (command, line) in each_command(&args) {
            let r = run_in(&dir, &strs(&line));
            // An 835 is not acknowledged as an 837: its 999 rejects it, whatever --fail-on.
            let want = if command == "ack" && file == info {
                1
            } else {
                want
            };
            assert_eq!(r.code, want, "{command} {args:?}: {}{}", r.stdout, r.stderr);
        }
    }
    // `fail-on` in claimlint.toml too.
    std::fs::write(dir.join("claimlint.toml"), "fail-on = \"warning\"\n").unwrap();
    for (command, line) in each_command(&[&warning]) {
        let r = run_in(&dir, &strs(&line));
        assert_eq!(r.code, 1, "{command} with fail-on in the config");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Item 3: an input that cannot be read is its ENV009, the other inputs are still processed,
/// and the run fails (1), for every command.
#[test]
fn unreadable_input_is_env009_and_the_rest_is_read() {
    let dir = scratch("unreadable");
    let good = copy(CLEAN, &dir, "837p.x12");
    for (command, line) in each_command(&["nonexist.x12", &good]) {
        let r = run_in(&dir, &strs(&line));
        assert_eq!(r.code, 1, "{command}: {}{}", r.stdout, r.stderr);
        let said = format!("{}{}", r.stdout, r.stderr);
        // `ack` prints what it wrote, not diagnostics: the input is "not acknowledged".
        let told = match command {
            "ack" => "not acknowledged: nonexist.x12: could not be read",
            _ => "error[ENV009]: nonexist.x12 could not be read",
        };
        assert!(said.contains(told), "{command}: {said}");
        let good_read = match command {
            "drugs" => r.stdout.contains("PAT1001-01"),
            "audit" => r
                .stdout
                .contains("Audited 1 files (1 unreadable): 1 claims"),
            "ack" => r.stdout.contains("wrote acks/837p."),
            _ => r.stdout.contains("Checked 2 files (1 claim"),
        };
        assert!(good_read, "{command} must still read the good file: {said}");
    }
    let r = run_in(&dir, &["tree", "nonexist.x12", &good]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("error[ENV009]: nonexist.x12 could not be read")
    );
    assert!(
        r.stdout
            .contains("== 837p.x12\ninterchange 1 ISA13 000000001")
    );
    let r = run_in(&dir, &["tree", "--format", "json", "nonexist.x12", &good]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    let missing = files.iter().find(|f| f["path"] == "nonexist.x12").unwrap();
    assert_eq!(missing["tree"], Value::Null);
    assert_eq!(missing["diagnostics"][0]["code"], "ENV009");
    assert!(
        files
            .iter()
            .any(|f| f["path"] == good.as_str() && f["tree"].is_object())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Item 4: `suppressed` wherever findings are counted: check's summary and --statistics,
/// and audit's totals, files, rules, text summary and HTML.
#[test]
fn suppressed_is_counted_everywhere() {
    let dir = scratch("suppressed");
    let file = copy(SUPPRESSING, &dir, "bare.x12");
    let check: Value =
        serde_json::from_str(&run_in(&dir, &["check", "--format", "json", &file]).stdout).unwrap();
    let n = check["summary"]["suppressed"].as_u64().unwrap();
    assert!(n > 0, "the fixture has a suppressed finding");
    let stats: Value = serde_json::from_str(
        &run_in(&dir, &["check", "--statistics", "--format", "json", &file]).stdout,
    )
    .unwrap();
    let rows = stats.as_array().unwrap();
    let by_rows: u64 = rows.iter().map(|r| r["suppressed"].as_u64().unwrap()).sum();
    assert_eq!(by_rows, n);
    assert!(
        rows.iter()
            .any(|r| r["code"] == "NDC001" && r["suppressed"].as_u64() > Some(0))
    );
    let table = run_in(&dir, &["check", "--statistics", &file]).stdout;
    assert!(table.contains("suppressed)"), "{table}");
    let audit: Value =
        serde_json::from_str(&run_in(&dir, &["audit", "--format", "json", &file]).stdout).unwrap();
    assert_eq!(audit["totals"]["suppressed"].as_u64(), Some(n));
    assert_eq!(audit["files"][0]["suppressed"].as_u64(), Some(n));
    let by_rule: u64 = audit["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["suppressed"].as_u64().unwrap())
        .sum();
    assert_eq!(by_rule, n);
    let text = run_in(&dir, &["audit", &file, "-o", "report.html"]).stdout;
    assert!(text.contains(&format!("; {n} suppressed)")), "{text}");
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        page.contains(&format!("; {n} suppressed")),
        "the Findings figure"
    );
    assert_eq!(
        page.matches(">Suppressed</th>").count(),
        2,
        "by rule and by file"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Item 5: a report is never written over an input of the audit (exit 2, input unchanged).
#[test]
fn audit_refuses_to_overwrite_an_input() {
    let dir = scratch("overwrite");
    let victim = copy(CLEAN, &dir, "victim.x12");
    let before = std::fs::read(dir.join(&victim)).unwrap();
    let r = run_in(&dir, &["audit", "-o", &victim, &victim]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("refusing to write the HTML report"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(dir.join(&victim)).unwrap(), before);
    // The same file by another name.
    let r = run_in(&dir, &["audit", "-o", "./victim.x12", "."]);
    assert_eq!(r.code, 2);
    assert_eq!(std::fs::read(dir.join(&victim)).unwrap(), before);
    let table = copy(CLEAN, &dir, "csvd/rules.csv");
    let r = run_in(&dir, &["audit", "--csv", "csvd", "csvd"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("csvd/rules.csv"), "{}", r.stderr);
    assert_eq!(std::fs::read(dir.join(&table)).unwrap(), before);
    assert!(!dir.join("csvd/totals.csv").exists(), "nothing written");
    // A report beside the inputs that overwrites none is written.
    let r = run_in(&dir, &["audit", "-o", "report.html", &victim]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(dir.join("report.html").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Item 6: the HTML names the root its paths are relative to, the common directory of the
/// audited inputs, in the Where column and in messages alike; money stays on one line.
#[test]
fn audit_html_paths_and_money_cells() {
    let dir = scratch("html");
    copy(
        "fixtures/audit/claims/claims-00001.837",
        &dir,
        "in/a/one.837",
    );
    copy(
        "fixtures/audit/claims/claims-00002.837",
        &dir,
        "in/b/two.837",
    );
    let a = dir.join("in/a");
    let b = dir.join("in/b");
    let r = run_in(
        &dir,
        &[
            "audit",
            "-o",
            "two.html",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
        ],
    );
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let page = std::fs::read_to_string(dir.join("two.html")).unwrap();
    let common = dir.join("in").display().to_string();
    assert!(
        page.contains(&format!("Paths are relative to {common}.")),
        "names the common root"
    );
    assert!(page.contains(">a/one.837<") && page.contains(">b/two.837<"));
    assert!(
        !page.contains(&format!(">{common}/")),
        "no absolute path shown"
    );
    assert!(
        page.contains("white-space:nowrap"),
        "money and counts stay on one line"
    );
    // Two roots with nothing in common but `/`.
    let r = run_in(&dir, &["audit", "-o", "rel.html", "in/a", "in/b"]);
    assert!(r.code == 0 || r.code == 1);
    let page = std::fs::read_to_string(dir.join("rel.html")).unwrap();
    assert!(
        page.contains("Paths are relative to in."),
        "relative inputs keep their root"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
