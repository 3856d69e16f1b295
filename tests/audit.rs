//! `claimlint audit` on fixtures/audit: twelve files written by the generator
//! (`gen837 --files 12 --out-dir fixtures/audit/claims --file-kb 8 --kind mixed --defect-rate 0.05
//! --duplicates 4 --dose-violations 3 --seed 8 --manifest fixtures/audit/manifest.json`), with
//! duplicate claims and early Prolia doses planted across files. The audit must find exactly
//! what the manifest says was injected, whatever the file order and thread count (issue 8).

// Helpers unwrap too: in a test, a failed unwrap is the failure report.
#![allow(clippy::unwrap_used)]

mod common;
use common::Scratch;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn claimlint(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn audit_json(args: &[&str]) -> Value {
    let mut all = vec!["audit", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout) = claimlint(&all);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    // The exit status is check's (OUTPUT.md): 1 for an error (the default --fail-on) or an
    // input not read, else 0.
    let t = &v["totals"];
    let failed = t["errors"].as_u64() > Some(0) || t["unreadable_files"].as_u64() > Some(0);
    assert_eq!(code, i32::from(failed), "{stdout}");
    v
}

fn manifest() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/audit/manifest.json")).unwrap(),
    )
    .unwrap()
}

fn files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("fixtures/audit/claims"))
        .unwrap()
        .map(|e| {
            format!(
                "fixtures/audit/claims/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    v.sort();
    v
}

fn scratch(name: &str) -> Scratch {
    Scratch::new(&format!("audit-{name}"))
}

#[test]
fn counts_equal_the_manifest() {
    let a = audit_json(&["fixtures/audit"]);
    let m = manifest();
    let entries = m["entries"].as_array().unwrap();
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    let mut also: BTreeSet<String> = BTreeSet::new();
    for e in entries {
        *expected
            .entry(e["rule"].as_str().unwrap().to_string())
            .or_default() += 1;
        for x in e["also"].as_array().into_iter().flatten() {
            also.insert(x.as_str().unwrap().to_string());
        }
    }
    let got: BTreeMap<String, u64> = a["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap().to_string(),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(expected["XCL001"], 4);
    assert_eq!(expected["XCL002"], 6);
    for (rule, n) in &expected {
        assert_eq!(
            got.get(rule),
            Some(n),
            "{rule}: audit {got:?} vs manifest {expected:?}"
        );
    }
    for rule in got.keys() {
        assert!(
            expected.contains_key(rule) || also.contains(rule),
            "{rule} was not injected: {got:?}"
        );
    }
    // The XCL findings are on exactly the planted claims.
    for rule in ["XCL001", "XCL002"] {
        let planted: BTreeSet<(String, String)> = entries
            .iter()
            .filter(|e| e["rule"] == rule)
            .map(|e| {
                (
                    e["file"].as_str().unwrap().to_string(),
                    e["claim_id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let found: BTreeSet<(String, String)> = a["top_findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == rule)
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["claim_id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(found, planted, "{rule}");
    }
    // Each duplicate names its partner's file and CLM01, as the manifest relates them.
    for e in entries.iter().filter(|e| e["rule"] == "XCL001") {
        let f = a["top_findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "XCL001" && f["claim_id"] == e["claim_id"])
            .unwrap();
        let msg = f["message"].as_str().unwrap();
        let partner = format!(
            "claim {} in {}",
            e["related"]["claim_id"].as_str().unwrap(),
            e["related"]["file"].as_str().unwrap()
        );
        assert!(msg.contains(&partner), "{msg} should name {partner}");
    }
    let t = &a["totals"];
    assert_eq!(
        (
            t["files"].as_u64(),
            t["unreadable_files"].as_u64(),
            t["claims"].as_u64()
        ),
        (Some(12), Some(0), Some(183))
    );
    assert_eq!(a["findings_total"].as_u64(), Some(entries.len() as u64));
}

#[test]
fn order_and_threads_do_not_change_the_result() {
    let fwd = files();
    let mut rev = fwd.clone();
    rev.reverse();
    let args = |v: &[String]| -> Vec<String> { v.to_vec() };
    let a = claimlint(
        &[
            &["audit", "--format", "json"][..],
            &args(&fwd).iter().map(String::as_str).collect::<Vec<_>>(),
        ]
        .concat(),
    )
    .1;
    let b = claimlint(
        &[
            &["audit", "--format", "json"][..],
            &args(&rev).iter().map(String::as_str).collect::<Vec<_>>(),
        ]
        .concat(),
    )
    .1;
    let c = claimlint(
        &[
            &["--threads", "1", "audit", "--format", "json"][..],
            &args(&rev).iter().map(String::as_str).collect::<Vec<_>>(),
        ]
        .concat(),
    )
    .1;
    let d = claimlint(&["audit", "--format", "json", "fixtures/audit"]).1;
    assert!(a.contains("XCL001"));
    assert_eq!(a, b, "argument order changed the audit");
    assert_eq!(a, c, "--threads 1 changed the audit");
    assert_eq!(a, d, "a directory and its files differ");
}

#[test]
fn gzip_unreadable_and_filters() {
    let dir = scratch("gz");
    for (i, f) in files().iter().enumerate() {
        let bytes = std::fs::read(root().join(f)).unwrap();
        let name = Path::new(f)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        if i % 2 == 0 {
            let mut gz = flate2::write::GzEncoder::new(
                std::fs::File::create(dir.join(format!("{name}.gz"))).unwrap(),
                flate2::Compression::fast(),
            );
            gz.write_all(&bytes).unwrap();
            gz.finish().unwrap();
        } else {
            std::fs::write(dir.join(&name), &bytes).unwrap();
        }
    }
    std::fs::write(dir.join("notes.md"), "not a claim file").unwrap();
    let d = dir.display().to_string();
    let missing = dir.join("missing.837").display().to_string();
    // notes.md is left out on purpose; without --exclude it would be read (and fail as X12).
    let a = audit_json(&[&d, &missing, "--exclude", "*.md"]);
    let plain = audit_json(&["fixtures/audit"]);
    assert_eq!(a["totals"]["claims"], plain["totals"]["claims"]);
    assert_eq!(
        a["rules"], plain["rules"],
        "gzip files must audit like the plain ones"
    );
    assert_eq!(a["totals"]["unreadable_files"].as_u64(), Some(1));
    assert_eq!(a["unreadable"][0]["path"].as_str(), Some(missing.as_str()));
    assert_eq!(
        a["totals"]["files"].as_u64(),
        Some(12),
        "notes.md is excluded"
    );
    let with_notes = audit_json(&[&d]);
    assert_eq!(with_notes["totals"]["files"].as_u64(), Some(13));
    assert!(with_notes["rules"].to_string().contains("ENV001"));
    // --include (or its old names --glob and --ext) keeps two files; --ext without 837 none.
    let i = audit_json(&[&d, "--include", "claims-0000[12].*"]);
    assert_eq!(i["totals"]["files"].as_u64(), Some(2));
    let g = audit_json(&[&d, "--glob", "claims-0000[12].*"]);
    assert_eq!(g["totals"]["files"].as_u64(), Some(2));
    let e = audit_json(&[&d, "--ext", "edi"]);
    assert_eq!(e["totals"]["files"].as_u64(), Some(0));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn html_and_csv_reports() {
    let dir = scratch("out");
    let html = dir.join("report.html");
    let csv = dir.join("csv");
    let (code, stdout) = claimlint(&[
        "audit",
        "fixtures/audit",
        "-o",
        html.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "the planted duplicates are errors");
    assert!(
        stdout.contains("Audited 12 files") && stdout.contains("XCL001"),
        "{stdout}"
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(
        !page.contains("src=\"http") && !page.contains("href=\"http") && !page.contains("@import"),
        "the report must not load anything"
    );
    assert_eq!(page.matches("<svg").count(), 4, "four charts");
    // Issue 14 §5: the grouped views (rule, provider, drug, claim) lead, before the findings
    // table, and paths are relative to the audited root.
    let at = |needle: &str| page.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    for id in ["rules", "providers", "codes", "claims"] {
        assert!(
            at(&format!("<summary id=\"{id}\"")) < at("<table id=\"findings-table\""),
            "{id}"
        );
    }
    assert!(
        page.contains("files under fixtures/audit/claims"),
        "the root is named once"
    );
    assert!(
        !page.contains(">fixtures/audit/claims/"),
        "no path repeats the audited root"
    );
    // XCL001 names the other claim's file relative to the same root as the Where column.
    assert!(page.contains("duplicates claim X0000000001 in claims-00002.837"));
    assert!(!page.contains(" in fixtures/audit/claims/"), "messages too");
    assert_eq!(
        page.matches("<tr data-rule=").count(),
        16,
        "every finding is in the table"
    );
    assert!(page.contains("data-claim=\"X0000000004\""));
    let rules = std::fs::read_to_string(csv.join("rules.csv")).unwrap();
    assert!(
        rules.starts_with("code,name,severity,count,suppressed,at_risk\n"),
        "{rules}"
    );
    assert!(
        rules.contains("XCL001,duplicate-claim,warning,4,0,"),
        "{rules}"
    );
    let findings = std::fs::read_to_string(csv.join("findings.csv")).unwrap();
    assert_eq!(findings.lines().count(), 17);
    for t in [
        "totals",
        "files",
        "providers",
        "codes",
        "months",
        "unreadable",
        "claims",
    ] {
        assert!(csv.join(format!("{t}.csv")).exists(), "{t}.csv");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Money as the report writes it ("1234.56"), in cents.
fn cents(v: &Value) -> i128 {
    let s = v.as_str().unwrap();
    let (int, frac) = s.split_once('.').unwrap();
    int.parse::<i128>().unwrap() * 100 + frac.parse::<i128>().unwrap()
}

/// Issue 14 §5: money at risk counts a line once per rule, and no total (overall, per rule,
/// per file) exceeds what was billed. The rule fixtures carry every kind of defect, including
/// claims whose lines do not add up to CLM02 and lines with several findings of one rule.
#[test]
fn money_at_risk_never_exceeds_billed() {
    let a = audit_json(&["fixtures/rules", "fixtures/samples"]);
    let billed = cents(&a["totals"]["billed"]);
    assert!(billed > 0);
    assert!(cents(&a["totals"]["at_risk"]) <= billed, "{}", a["totals"]);
    for r in a["rules"].as_array().unwrap() {
        assert!(cents(&r["at_risk"]) <= billed, "{r}");
    }
    every_row_within_billed(&a);
}

/// Every row of every grouped view puts at most what it billed at risk.
fn every_row_within_billed(a: &Value) {
    for view in ["files", "providers", "codes", "months"] {
        for row in a[view].as_array().unwrap() {
            assert!(
                cents(&row["at_risk"]) <= cents(&row["billed"]),
                "{view}: {row}"
            );
        }
    }
}

/// The reviewer's case (oopfactory-x12/ProfessionalClaim1.txt): CLM02 is 100.00 while the
/// lines add up to 190.00, and a finding flags the lines. The claim, its provider and the
/// totals put at most the 100.00 billed at risk.
#[test]
fn lines_over_clm02_put_at_most_clm02_at_risk() {
    let dir = scratch("over-clm02");
    let text = std::fs::read_to_string(root().join("fixtures/templates/837p.x12"))
        .unwrap()
        .replacen("CLM*PAT1001-01*2460***", "CLM*PAT1001-01*100***", 1);
    std::fs::write(dir.join("over.x12"), text).unwrap();
    let a = audit_json(&[dir.join("over.x12").to_str().unwrap()]);
    assert_eq!(a["totals"]["billed"], "100.00", "{}", a["totals"]);
    assert!(cents(&a["totals"]["at_risk"]) > 0, "{}", a["totals"]);
    every_row_within_billed(&a);
    let provider = &a["providers"][0];
    assert_eq!(provider["at_risk"], "100.00", "{provider}");
}

/// The same on the shared corpus of real files, where one SYN007-heavy file used to put
/// $2.97M at risk of $0.86M billed. Under CI the corpus must be there.
#[test]
fn money_at_risk_on_the_shared_corpus() {
    let corpus = root().join("../shared/corpus");
    if !corpus.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: no corpus at {}",
            corpus.display()
        );
        eprintln!("SKIPPED: no corpus at {}", corpus.display());
        return;
    }
    let a = audit_json(&[corpus.to_str().unwrap()]);
    let billed = cents(&a["totals"]["billed"]);
    assert!(cents(&a["totals"]["at_risk"]) <= billed, "{}", a["totals"]);
    for r in a["rules"].as_array().unwrap() {
        assert!(
            cents(&r["at_risk"]) <= billed,
            "{r} of {billed} cents billed"
        );
    }
    every_row_within_billed(&a);
}

/// One line with three findings of one rule puts that line's charge at risk once.
#[test]
fn a_line_counts_once_per_rule() {
    let dir = scratch("once-per-rule");
    let template = std::fs::read_to_string(root().join("fixtures/templates/837p.x12")).unwrap();
    // Three modifiers that do not exist (CODE004 three times on the J0897 line).
    let text = template.replacen("SV1*HC:J0897:JZ*", "SV1*HC:J0897:JZ:Y1:Y2:Y3*", 1);
    assert_ne!(text, template, "the template bills J0897 with JZ");
    let file = dir.join("three.837");
    std::fs::write(&file, text).unwrap();
    let a = audit_json(&[file.to_str().unwrap()]);
    let rows = a["rules"].as_array().unwrap();
    let line_charge = a["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["hcpcs"] == "J0897")
        .map(|c| cents(&c["billed"]))
        .unwrap();
    for r in rows.iter().filter(|r| r["count"].as_u64().unwrap() > 1) {
        assert!(
            cents(&r["at_risk"]) <= line_charge.max(cents(&a["totals"]["billed"])),
            "{r}"
        );
    }
    let multi: Vec<_> = rows
        .iter()
        .filter(|r| r["count"].as_u64().unwrap() >= 2)
        .collect();
    assert!(
        !multi.is_empty(),
        "expected a rule with several findings: {rows:?}"
    );
    for r in multi {
        assert!(
            cents(&r["at_risk"]) <= line_charge,
            "{r} counts the line more than once"
        );
    }
}

/// Issue 14 §5: one line with findings of several rules (SYN007 for an empty SV103, CODE004
/// twice, NDC003), in claims that also carry claim-level findings (BAL001, XCL001), for two
/// providers: every at-risk total (overall, per rule, per provider, per drug code, per file)
/// stays within what was billed there, and the line is counted once per rule.
#[test]
fn several_rules_on_one_line_stay_within_billed() {
    let dir = scratch("several-rules");
    let template = std::fs::read_to_string(root().join("fixtures/templates/837p.x12")).unwrap();
    let bad_line = template
        .replacen(
            "SV1*HC:J0897:JZ*2400*UN*60***1~",
            "SV1*HC:J0897:JZ:Y1:Y2*2400**60***1~",
            1,
        )
        .replacen("LIN**N4*55513071001~", "LIN**N4*55513071099~", 1);
    assert_ne!(
        bad_line, template,
        "the template bills J0897 with JZ and an NDC"
    );
    let other = bad_line
        .replacen("CLM*PAT1001-01*2460*", "CLM*PAT1001-01*99999*", 1)
        .replace("000000001", "000000002")
        .replacen("*XX*1234567893~", "*XX*1245319599~", 1);
    for (name, text) in [("a.837", &bad_line), ("b.837", &other)] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let a = audit_json(&[dir.to_str().unwrap()]);
    let rows = |k: &str| a[k].as_array().unwrap().clone();
    let codes: BTreeSet<String> = rows("rules")
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect();
    for code in ["SYN007", "CODE004", "NDC003", "BAL001"] {
        assert!(codes.contains(code), "{code} not found: {codes:?}");
    }
    let billed = cents(&a["totals"]["billed"]);
    assert!(cents(&a["totals"]["at_risk"]) <= billed, "{}", a["totals"]);
    // The J0897 lines (2400.00 each) are at risk once per rule, not once per finding.
    let drug_billed = 2 * 240_000;
    for r in rows("rules") {
        assert!(cents(&r["at_risk"]) <= billed, "{r}");
        if ["SYN007", "CODE004", "NDC003"].contains(&r["code"].as_str().unwrap()) {
            assert_eq!(cents(&r["at_risk"]), drug_billed, "{r}");
        }
    }
    let providers = rows("providers");
    assert_eq!(providers.len(), 2, "{providers:?}");
    for key in ["providers", "codes", "files"] {
        for r in rows(key) {
            assert!(cents(&r["at_risk"]) <= cents(&r["billed"]), "{key}: {r}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
