//! Issue 12: the layering is a fact, not a comment. Cargo already refuses a dependency cycle;
//! this test also refuses a dependency that points up the order (which cargo would accept), a
//! crate outside the order, a crate whose `lib.rs` does not open with a `//!` saying what it
//! owns, and global mutable state anywhere in the workspace's sources.

#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

use std::path::{Path, PathBuf};

/// Top to bottom: each may depend only on those after it (docs/architecture.md).
const ORDER: &[&str] = &[
    "claimlint",
    "claimlint_rules",
    "claimlint_data",
    "claimlint_model",
    "claimlint_ig",
    "claimlint_x12",
    "claimlint_diagnostic",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn manifest(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap();
    text.parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The workspace crates a manifest names in any dependency table.
fn workspace_deps(m: &toml::Table) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for table in ["dependencies", "dev-dependencies", "build-dependencies"] {
        let Some(deps) = m.get(table).and_then(|d| d.as_table()) else {
            continue;
        };
        for name in deps.keys().filter(|k| k.starts_with("claimlint")) {
            out.push((name.clone(), table));
        }
    }
    out
}

fn crate_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn dependencies_point_down_the_order() {
    let mut seen = vec!["claimlint".to_string()];
    let mut manifests = vec![(root().join("Cargo.toml"), "claimlint".to_string())];
    for dir in crate_dirs() {
        let m = manifest(&dir.join("Cargo.toml"));
        let name = m["package"]["name"].as_str().unwrap().to_string();
        manifests.push((dir.join("Cargo.toml"), name.clone()));
        seen.push(name);
    }
    seen.sort();
    let mut expected: Vec<String> = ORDER.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(
        seen, expected,
        "every crate has a place in ORDER, and only those exist"
    );
    for (path, name) in &manifests {
        let rank = ORDER.iter().position(|n| n == name).unwrap();
        for (dep, table) in workspace_deps(&manifest(path)) {
            let dep_rank = ORDER
                .iter()
                .position(|n| *n == dep)
                .unwrap_or_else(|| panic!("{}: unknown workspace crate {dep}", path.display()));
            assert!(
                dep_rank > rank,
                "{name} may not depend on {dep} ({table} in {}): dependencies run {}",
                path.display(),
                ORDER.join(" → ")
            );
        }
    }
}

#[test]
fn every_crate_says_what_it_owns() {
    for dir in crate_dirs() {
        let lib = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
        assert!(
            lib.starts_with("//!"),
            "{}/src/lib.rs must open with a //! saying what it owns and must not know",
            dir.display()
        );
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// No `static mut`, no lock or atomic in a static, no thread-local: results may depend only on
/// an input and its settings. A `OnceLock` static is allowed only as a cache of compiled-in
/// data, and must say so beside it ("cannot change a result").
#[test]
fn no_global_mutable_state() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    for dir in crate_dirs() {
        rust_files(&dir.join("src"), &mut files);
    }
    let mut bad = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let l = line.trim_start();
            let is_static = l.starts_with("static ")
                || l.starts_with("pub static ")
                || l.starts_with("pub(crate) static ")
                || l.starts_with("pub(super) static ");
            if l.starts_with("static mut") || l.contains("thread_local!") {
                bad.push(format!("{}:{}: {l}", f.display(), i + 1));
            }
            if !is_static {
                continue;
            }
            if ["Mutex", "RwLock", "Atomic", "Cell<", "LazyLock"]
                .iter()
                .any(|w| l.contains(w))
            {
                bad.push(format!("{}:{}: {l}", f.display(), i + 1));
            }
            if l.contains("OnceLock") {
                let before = lines[i.saturating_sub(6)..i].join(" ");
                if !before.contains("cannot change a result") {
                    bad.push(format!(
                        "{}:{}: a OnceLock static without the comment saying it caches \
                         compiled-in data and cannot change a result",
                        f.display(),
                        i + 1
                    ));
                }
            }
        }
    }
    assert!(bad.is_empty(), "global mutable state:\n{}", bad.join("\n"));
}
