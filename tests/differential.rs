//! Differential test of issue 15: while the checker is rewritten for speed, `claimlint check
//! --format json` must give byte-for-byte the output the tree gave when that work began, for 1
//! and 2 threads, on the shared corpus, the rule fixtures, the samples and generated files with
//! injected defects (fixtures/differential).
//!
//! The expected output is recorded in tests/baseline/check.tsv as FNV-1a hashes: one row per
//! run (directory × threads: the exit status and the hash of the whole output, with the
//! directory's prefix taken out of every path, in messages too (XCL001 names the other file),
//! so the corpus may live elsewhere) and one per file
//! entry (so a failure names the files that changed). To record it again after a change that is
//! meant to alter output, say why in the commit and run
//! `CLAIMLINT_RECORD_BASELINE=1 cargo test --release --test differential`
//! (`CLAIMLINT_BIN=path` records or compares another build's output instead).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const BASELINE: &str = "tests/baseline/check.tsv";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared corpus, or None outside CI when it is absent (a missing corpus fails under CI).
fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CLAIMLINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    if dir.join("CATALOG.md").exists() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but there is no corpus at {}",
        dir.display()
    );
    eprintln!("SKIPPED the corpus: none at {}", dir.display());
    None
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn binary() -> PathBuf {
    std::env::var_os("CLAIMLINT_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_claimlint")))
}

/// Runs one check of `dir` and appends its rows (`name` stands for the directory).
fn run(name: &str, dir: &Path, threads: u32, rows: &mut BTreeMap<String, String>) {
    let out = Command::new(binary())
        .current_dir(root())
        .args(["check", "--no-config", "--format", "json", "--threads"])
        .arg(threads.to_string())
        .arg(dir)
        .output()
        .expect("run claimlint");
    let prefix = format!("{}/", dir.display());
    let text = String::from_utf8(out.stdout).expect("JSON output is UTF-8");
    // Paths appear in "path" and in messages naming another file (XCL001): take the
    // directory's prefix out of all of them.
    let normal = text.replace(&prefix, "");
    let run_key = format!("run\t{name}\t{threads}");
    let status = out.status.code().unwrap_or(-1);
    rows.insert(
        run_key,
        format!("{status}\t{:016x}", fnv(normal.as_bytes())),
    );
    let report: serde_json::Value = serde_json::from_str(&text).expect("JSON report");
    for file in report["files"].as_array().expect("files") {
        let path = file["path"].as_str().expect("path");
        no_empty_help(path, file);
        let rel = path.strip_prefix(&prefix).unwrap_or(path);
        let mut entry = file.clone();
        entry["path"] = serde_json::Value::Null;
        let entry = serde_json::to_string(&entry)
            .expect("entry")
            .replace(&prefix, "");
        let hash = fnv(entry.as_bytes());
        rows.insert(
            format!("file\t{name}/{rel}\t{threads}"),
            format!("{hash:016x}"),
        );
    }
}

/// A help line is there with something to say or not at all: no diagnostic of any fixture,
/// sample or corpus file has an empty one (unseen-file run F6, NDC002's help `""`).
fn no_empty_help(path: &str, file: &serde_json::Value) {
    for d in file["diagnostics"].as_array().expect("diagnostics") {
        assert!(
            d["help"].as_str().is_none_or(|h| !h.trim().is_empty()),
            "{path}: {} has an empty help: {d}",
            d["code"]
        );
    }
}

fn current() -> BTreeMap<String, String> {
    let mut dirs: Vec<(&str, PathBuf)> = vec![
        ("samples", PathBuf::from("fixtures/samples")),
        ("rules", PathBuf::from("fixtures/rules")),
        ("differential", PathBuf::from("fixtures/differential")),
    ];
    if let Some(corpus) = corpus_dir() {
        dirs.push(("corpus", corpus));
    }
    let mut rows = BTreeMap::new();
    for (name, dir) in &dirs {
        for threads in [1, 2] {
            run(name, dir, threads, &mut rows);
        }
    }
    rows
}

fn render(rows: &BTreeMap<String, String>) -> String {
    let mut text = String::from(
        "# claimlint check --format json: hashes of the output recorded for issue 15's differential test\n",
    );
    for (key, value) in rows {
        writeln!(text, "{key}\t{value}").expect("write to string");
    }
    text
}

fn parse(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter_map(|line| {
            let parts: Vec<&str> = line.split('\t').collect();
            (parts.len() >= 4).then(|| (parts[..3].join("\t"), parts[3..].join("\t")))
        })
        .collect()
}

#[test]
fn check_output_is_unchanged_for_one_and_two_threads() {
    let rows = current();
    let path = root().join(BASELINE);
    if std::env::var_os("CLAIMLINT_RECORD_BASELINE").is_some() {
        std::fs::write(&path, render(&rows)).expect("write the baseline");
        return;
    }
    let recorded = parse(&std::fs::read_to_string(&path).expect("tests/baseline/check.tsv"));
    let mut changed = Vec::new();
    for (key, value) in &rows {
        match recorded.get(key) {
            Some(old) if old == value => {}
            Some(old) => changed.push(format!("{key}: {old} -> {value}")),
            None => changed.push(format!("{key}: not recorded")),
        }
    }
    let have_corpus = rows.keys().any(|k| k.contains("\tcorpus"));
    for key in recorded.keys() {
        if !rows.contains_key(key) && (have_corpus || !key.contains("\tcorpus")) {
            changed.push(format!("{key}: recorded but not produced"));
        }
    }
    assert!(
        changed.is_empty(),
        "check output differs from the recorded baseline ({} rows):\n{}",
        changed.len(),
        changed.join("\n")
    );
}
