//! The binary's top-level modules import one way (issue 12): each may use only the modules
//! declared after it in `BINARY`, so there is no import cycle among them. (The crates below
//! the binary are checked by tests/layering.rs, and the compiler keeps them from importing
//! it.) Reads every `crate::NAME` path (including `use crate::{a, b}` groups) of each
//! top-level module file or directory under src/.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The binary's layers, top first: `commands` owns stdout, files and exit status; `cli` the
/// flags; `audit` and `report` only format (and audit runs its passes); `edit` transforms
/// one input's bytes (fixes, fragments, redaction); `resolve` gives every command its inputs
/// and settings; `config` reads claimlint.toml; `input` walks and reads.
const BINARY: &[&str] = &[
    "main", "lib", "commands", "cli", "audit", "report", "edit", "resolve", "config", "input",
];

fn sources(dir: &Path, out: &mut String) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&p).unwrap());
            out.push('\n');
        }
    }
}

/// First path segments of a `{a::b, c, d::{e, f}}` group starting at `text[0] == '{'`.
fn group_heads(text: &str) -> Vec<String> {
    let (mut depth, mut item, mut heads) = (0, String::new(), Vec::new());
    for c in text.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth > 1 {
                    item.push(c);
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    heads.push(item.clone());
                    break;
                }
                item.push(c);
            }
            ',' if depth == 1 => heads.push(std::mem::take(&mut item)),
            _ => item.push(c),
        }
    }
    heads
        .iter()
        .map(|h| h.trim().split("::").next().unwrap_or("").trim().to_string())
        .filter(|h| !h.is_empty())
        .collect()
}

/// The top-level modules a module's text names through `crate::` (or `claimlint::` in main).
fn imports(text: &str, prefix: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices(prefix) {
        let rest = &code[i + prefix.len()..];
        if rest.starts_with('{') {
            found.extend(group_heads(rest));
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        let mut text = String::new();
        if p.is_dir() {
            sources(&p, &mut text);
        } else if p.extension().is_some_and(|e| e == "rs") {
            text = std::fs::read_to_string(&p).unwrap();
        } else {
            continue;
        }
        let prefix = if name == "main" {
            "claimlint::"
        } else {
            "crate::"
        };
        let mut deps = imports(&text, prefix);
        deps.remove(&name);
        graph.insert(name, deps);
    }
    graph
}

#[test]
fn the_parser_reads_groups_and_paths() {
    let text = "use crate::{a::b, c, d::{e, f}};\nlet x = crate::g::h(); // crate::nope\n";
    let got: Vec<String> = imports(text, "crate::").into_iter().collect();
    assert_eq!(got, ["a", "c", "d", "g"]);
}

#[test]
fn binary_modules_import_one_way() {
    let graph = graph();
    let rank = |m: &str| BINARY.iter().position(|b| *b == m);
    let mut wrong = Vec::new();
    for (module, deps) in &graph {
        let Some(a) = rank(module) else {
            panic!("src/{module}: place it in BINARY of tests/layers.rs");
        };
        for dep in deps {
            match rank(dep) {
                Some(b) if b <= a => wrong.push(format!("{module} -> {dep} (an upward import)")),
                Some(_) => {}
                None => wrong.push(format!("{module} -> {dep} (no such top-level module)")),
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
    // The declared order is acyclic by construction; check the edges actually exist where
    // the layering says they flow, so the test is not vacuous.
    assert!(graph["commands"].contains("resolve") && graph["resolve"].contains("input"));
    assert!(graph["audit"].contains("input") && graph["cli"].contains("config"));
}
