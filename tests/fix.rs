//! `claimlint check --fix`, `--diff` and `--unsafe-fixes` (docs/fixes.md): a file broken only
//! in fixable ways is fixed back to the clean template byte for byte (every byte outside the
//! fixed elements unchanged) and re-checks without the fixed findings; `--diff` prints the
//! change and writes nothing; unsafe fixes wait for their flag; standard input cannot be
//! fixed in place; `claimlint rules` shows which rules fix.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

mod common;
use common::Scratch;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const CLEAN: &str = "fixtures/templates/837p.x12";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_claimlint"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn clean() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CLEAN);
    std::fs::read_to_string(path).unwrap()
}

/// A file in a fresh temporary directory of this test: the directory, and the file.
fn scratch(test: &str, text: &str) -> (Scratch, PathBuf) {
    let dir = Scratch::new(&format!("fix-{test}"));
    let path = dir.join("claim.x12");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// The clean template broken in every safely fixable way.
fn broken() -> String {
    clean()
        .replace("SE*28*0001~", "SE*27*0002~")
        .replace("GE*1*1~", "GE*3*7~")
        .replace("IEA*1*000000001~", "IEA*2*000000009~")
        .replace("LIN**N4*55513071001~", "LIN**N4*55513-710-01~")
        .replace("N3*12 ELM ST~", "N3*12 ELM ST**~")
        .replace("HI*ABK:M810~", "HI*ABK:M810:~")
}

fn codes(path: &Path) -> Vec<String> {
    let o = run(&[
        "check",
        "--no-config",
        "--format",
        "json",
        path.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn fix_restores_the_clean_file_byte_for_byte() {
    let (_dir, path) = scratch("restore", &broken());
    let mut before = codes(&path);
    before.sort();
    before.dedup();
    assert_eq!(before, ["ENV002", "ENV003", "NDC002", "SYN006"]);
    let o = run(&["check", "--no-config", "--fix", path.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("fixed 9 findings (ENV002, ENV003, NDC002, SYN006)"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), clean());
    assert!(codes(&path).is_empty());
    tidy(&path);
}

/// Removes a scratch file's directory.
fn tidy(path: &Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn diff_prints_the_fixes_and_changes_nothing() {
    let text = broken();
    let (_dir, path) = scratch("diff", &text);
    let o = run(&["check", "--no-config", "--diff", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&o.stdout);
    let p = path.to_str().unwrap();
    assert!(
        diff.starts_with(&format!("--- {p}\n+++ {p}\n@@ ")),
        "{diff}"
    );
    for change in [
        "-LIN**N4*55513-710-01~\n+LIN**N4*55513071001~\n",
        "-SE*27*0002~\n-GE*3*7~\n-IEA*2*000000009~\n+SE*28*0001~\n+GE*1*1~\n+IEA*1*000000001~\n",
        "-N3*12 ELM ST**~\n+N3*12 ELM ST~\n",
        "-HI*ABK:M810:~\n+HI*ABK:M810~\n",
    ] {
        assert!(diff.contains(change), "{change} missing from\n{diff}");
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let o = run(&["check", "--no-config", "--diff", CLEAN]);
    assert_eq!((o.status.code(), o.stdout.len()), (Some(0), 0));
    tidy(&path);
}

#[test]
fn unsafe_fixes_wait_for_their_flag() {
    // A bare 10-digit NDC: the crosswalk knows one reading (55513-0710-01), but the package
    // could be another; only --unsafe-fixes writes it.
    let text = clean().replace("LIN**N4*55513071001~", "LIN**N4*5551371001~");
    let (_dir, path) = scratch("unsafe", &text);
    let p = path.to_str().unwrap();
    let o = run(&["check", "--no-config", "--fix", p]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("1 more fix available with --unsafe-fixes")
    );
    assert_eq!(codes(&path), ["NDC002"]);
    assert_eq!(run(&["check", "--unsafe-fixes", p]).status.code(), Some(2));
    let o = run(&["check", "--no-config", "--fix", "--unsafe-fixes", p]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), clean());
    tidy(&path);
}

/// An id followed by the component separator (`HI:ABK:M810`): putting the element separator
/// back changes how the segment's elements are read, so it waits for --unsafe-fixes too.
#[test]
fn the_separator_after_an_id_is_an_unsafe_fix() {
    let text = clean().replace("HI*ABK:M810~", "HI:ABK:M810~");
    let (_dir, path) = scratch("slipped-id", &text);
    let p = path.to_str().unwrap();
    let o = run(&["check", "--no-config", "--fix", p]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert_eq!(codes(&path), ["SYN001"]);
    let o = run(&["check", "--no-config", "--fix", "--unsafe-fixes", p]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), clean());
    tidy(&path);
}

#[test]
fn standard_input_is_diffed_but_not_fixed() {
    let o = run(&["check", "--fix", "-"]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("standard input (`-`) is not a file"),
        "{stderr}"
    );
    let mut child = bin()
        .args(["check", "--no-config", "--diff", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(broken().as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("+SE*28*0001~\n"));
}

#[test]
fn rules_show_which_rules_fix() {
    let o = run(&["rules"]);
    let text = String::from_utf8_lossy(&o.stdout);
    let line = |code: &str| {
        text.lines()
            .find(|l| l.starts_with(code))
            .unwrap()
            .to_string()
    };
    assert!(line("NDC002").contains(" safe/unsafe "));
    assert!(line("SYN001").contains(" safe/unsafe "));
    for code in ["ENV002", "ENV003", "SYN006"] {
        assert!(line(code).contains(" safe "), "{}", line(code));
    }
    assert!(!line("NDC004").contains("safe"));
    let o = run(&["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let fix = |code: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .unwrap()["fix"]
            .clone()
    };
    assert_eq!(fix("ENV003"), "safe");
    assert!(fix("NDC004").is_null());
}

/// Over the shared corpus: after fixing, no finding with a safe fix is left (the rounds
/// converge), and fixing never adds a finding of a code the file did not have.
#[test]
fn corpus_files_fix_clean() {
    use claimlint::edit::fix::fix_all;
    use claimlint::edit::fragment::check;
    use claimlint_diagnostic::Safety;
    let dir = std::env::var_os("CLAIMLINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if !dir.join("CATALOG.md").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but there is no corpus at {}",
            dir.display()
        );
        eprintln!("SKIPPED: no corpus at {}", dir.display());
        return;
    }
    let settings = claimlint_rules::LintSettings::default();
    let diagnostics = |b: &[u8]| check(b, &settings).diagnostics;
    let mut fixed_files = 0;
    for entry in walk(&dir) {
        let before = std::fs::read(&entry).unwrap();
        if before.len() > 200_000 || before.starts_with(&[0x1f, 0x8b]) {
            continue;
        }
        let fixed = fix_all(&before, false, &diagnostics);
        let after = diagnostics(&fixed.bytes);
        let left: Vec<&str> = after
            .iter()
            .filter(|d| d.fix.as_ref().is_some_and(|f| f.safety == Safety::Safe))
            .map(|d| d.code)
            .collect();
        assert!(left.is_empty(), "{}: {left:?} left", entry.display());
        let had: std::collections::BTreeSet<&str> =
            diagnostics(&before).iter().map(|d| d.code).collect();
        let new: Vec<&str> = after
            .iter()
            .map(|d| d.code)
            .filter(|c| !had.contains(c))
            .collect();
        assert!(new.is_empty(), "{}: fixing added {new:?}", entry.display());
        fixed_files += usize::from(!fixed.applied.is_empty());
    }
    assert!(fixed_files > 0);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.file_name().is_some_and(|n| n != "CATALOG.md") {
            out.push(p);
        }
    }
    out
}
