//! Issue 12, point 1: a file's diagnostics depend only on that file and its own settings.
//! `b/claimlint.toml` declares J1817 single-dose; `a/claim.837` (Medicare, SBR09 = MB, date of
//! service 2026-01-15, so MOD001 applies) bills J1817 without JW or JZ under `a/claimlint.toml`,
//! which declares nothing. Checked alone and together with `b/`, in both orders, on 1 and 2
//! threads, `a/claim.837` must get exactly its solo diagnostics. Before the fix, b's rows went
//! into one global table and `a/claim.837` got b's MOD001 in every combined run.

#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

mod common;
use common::Scratch;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const TEMPLATE: &str = include_str!("../fixtures/templates/837p.x12");

/// A fresh directory with `a/` and `b/`, each with its own claimlint.toml.
fn layout() -> Scratch {
    let root = Scratch::new("isolation");
    for d in ["a", "b"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    let claim = TEMPLATE.replacen("SV1*HC:J0897:JZ*2400", "SV1*HC:J1817*2400", 1);
    assert_ne!(claim, TEMPLATE, "the template bills J0897 with JZ");
    assert!(claim.contains("SBR*P*18*******MB~"), "a Medicare claim");
    std::fs::write(root.join("a/claim.837"), &claim).unwrap();
    std::fs::write(
        root.join("a/claimlint.toml"),
        "# a declares no single-dose facts\n",
    )
    .unwrap();
    std::fs::write(root.join("b/claim.837"), &claim).unwrap();
    std::fs::write(
        root.join("b/claimlint.toml"),
        "[single-dose]\nJ1817 = true\n",
    )
    .unwrap();
    root
}

/// `claimlint check --format json --threads N ARGS...` in `dir`: each file's diagnostics. The
/// rules across files (XCL, which see every input by design) are left out: the files here
/// are copies of one claim.
fn run(dir: &Path, threads: u32, args: &[&str]) -> Vec<(String, Value)> {
    let out = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(dir)
        .args([
            "check",
            "--format",
            "json",
            "--threads",
            &threads.to_string(),
            "--ignore",
            "XCL",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["diagnostics"].clone(),
            )
        })
        .collect()
}

fn of<'r>(results: &'r [(String, Value)], path: &str) -> &'r Value {
    &results
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("no {path} in {results:?}"))
        .1
}

fn codes(diags: &Value) -> Vec<&str> {
    diags
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

#[test]
fn each_file_gets_only_its_own_config_facts() {
    let root = layout();
    let a = "a/claim.837";
    let b = format!("b{}claim.837", std::path::MAIN_SEPARATOR);
    for threads in [1, 2] {
        let solo_a = run(&root, threads, &[a]);
        let solo_b = run(&root, threads, &["b"]);
        // The facts do apply where they belong: b's copy of the claim trips MOD001.
        assert!(!codes(of(&solo_a, a)).contains(&"MOD001"), "{solo_a:?}");
        assert!(codes(of(&solo_b, &b)).contains(&"MOD001"), "{solo_b:?}");
        for args in [[a, "b"], ["b", a]] {
            let together = run(&root, threads, &args);
            assert_eq!(
                of(&together, a),
                of(&solo_a, a),
                "{args:?} with --threads {threads}"
            );
            assert_eq!(
                of(&together, &b),
                of(&solo_b, &b),
                "{args:?} with --threads {threads}"
            );
        }
    }
    std::fs::remove_dir_all(&root).unwrap();
}
