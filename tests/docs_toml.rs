//! Every ```toml block of the README and docs/ is a claimlint.toml the real loader accepts:
//! parsed (unknown keys are refused), validated and resolved. A top-level key written after a
//! table header (TOML reads it as part of that table) is caught by the loader's own checks,
//! e.g. `jw-jz` under `[payers]`.

// Helpers unwrap too: in a test, a failed unwrap is the failure report.
#![allow(clippy::unwrap_used)]

use claimlint::config::{self, FileConfig, Flags};
use claimlint_data::Data;
use std::path::{Path, PathBuf};

/// The markdown files: README.md and every docs/*.md.
fn markdown() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for e in std::fs::read_dir(root.join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            files.push(p);
        }
    }
    files.sort();
    files
}

/// The ```toml blocks of `text`, each with the line its body starts on.
fn toml_blocks(text: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (n, line) in text.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match &mut open {
            Some(_) if fence => blocks.extend(open.take()),
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None if fence && line.trim() == "```toml" => open = Some((n + 2, String::new())),
            None => {}
        }
    }
    blocks
}

#[test]
fn every_toml_example_loads() {
    let mut seen = 0;
    for file in markdown() {
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, body) in toml_blocks(&text) {
            seen += 1;
            let name = format!("{}:{line}", file.display());
            let cfg = FileConfig::parse(Path::new(&name), &body)
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let flags = Flags {
                data: Data::embedded(),
                ..Flags::default()
            };
            config::resolve(Some((Path::new(&name), &cfg)), &flags)
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        }
    }
    assert!(seen > 0, "the docs have a claimlint.toml example");
}

/// The loader refuses the mistake this test guards against.
#[test]
fn a_top_level_key_under_payers_is_refused() {
    let text = "[payers]\n\"00952\" = \"medicare\"\njw-jz = \"medicare\"\n";
    let cfg = FileConfig::parse(Path::new("x.toml"), text).unwrap();
    let flags = Flags {
        data: Data::embedded(),
        ..Flags::default()
    };
    let e = config::resolve(Some((Path::new("x.toml"), &cfg)), &flags).unwrap_err();
    assert!(format!("{e:?}").contains("payers.jw-jz"), "{e:?}");
}
