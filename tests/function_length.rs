//! Issue 12: no function over 80 lines outside tests and generated tables. This walks every
//! Rust source of the workspace (the binary, the crates and their build scripts, examples,
//! benches, fuzz targets), finds each `fn` body outside `#[cfg(test)]` modules and `#[test]`
//! functions, and fails naming every one longer than `MAX_LINES`. Generated tables are not
//! sources here: they are written to `OUT_DIR` or carry `@generated` on their first line.

#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 80;

/// A function found: its name, the line of `fn` and its length in lines (`fn` to `}`).
#[derive(Debug, PartialEq)]
struct Function {
    name: String,
    line: usize,
    lines: usize,
}

/// The source with comments, string and character literals blanked (newlines kept), so that
/// braces and `fn` inside them are not read as code.
fn blank(src: &str) -> Vec<u8> {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let wipe = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in out.iter_mut().take(to.min(b.len())).skip(from) {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        match (b[i], b.get(i + 1).copied()) {
            (b'/', Some(b'/')) => {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p);
                wipe(&mut out, i, end);
                i = end;
            }
            (b'/', Some(b'*')) => {
                let (mut depth, mut j) = (0usize, i);
                while j < b.len() {
                    if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
                        depth += 1;
                        j += 2;
                    } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                wipe(&mut out, i, j);
                i = j;
            }
            (b'r', Some(b'"' | b'#')) if !ident_byte(b.get(i.wrapping_sub(1)).copied()) => {
                // A raw string r"…" or r#"…"#.
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                let body = i + 2 + hashes;
                let end = b[body..]
                    .windows(close.len())
                    .position(|w| w == close.as_slice())
                    .map_or(b.len(), |p| body + p + close.len());
                wipe(&mut out, i, end);
                i = end;
            }
            (b'"', _) => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                wipe(&mut out, i, j + 1);
                i = j + 1;
            }
            (b'\'', _) => {
                // A char literal ('x', '\n', '\u{1F600}', '{'), not a lifetime ('a).
                let end = if b.get(i + 1) == Some(&b'\\') {
                    b[i + 2..]
                        .iter()
                        .position(|&c| c == b'\'')
                        .map(|p| i + 2 + p)
                } else if b.get(i + 2) == Some(&b'\'') {
                    Some(i + 2)
                } else {
                    std::str::from_utf8(&b[i + 1..])
                        .ok()
                        .and_then(|s| s.chars().next())
                        .filter(|c| c.len_utf8() > 1)
                        .map(|c| i + 1 + c.len_utf8())
                        .filter(|&e| b.get(e) == Some(&b'\''))
                };
                match end {
                    Some(e) => {
                        wipe(&mut out, i, e + 1);
                        i = e + 1;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn ident_byte(b: Option<u8>) -> bool {
    b.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// The index just past the brace that closes the one at `open`.
fn close_of(code: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, &c) in code.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    code.len()
}

fn line_of(code: &[u8], at: usize) -> usize {
    code[..at].iter().filter(|&&c| c == b'\n').count() + 1
}

/// Whether the attributes just before `at` (skipping whitespace and other attributes) include
/// `#[test]` or `#[cfg(test)]`.
fn test_only(code: &[u8], at: usize) -> bool {
    let before = String::from_utf8_lossy(&code[..at]);
    let mut rest = before.trim_end();
    // Visibility and qualifiers between the attributes and the keyword.
    for word in [
        "pub(crate)",
        "pub(super)",
        "pub",
        "const",
        "async",
        "unsafe",
    ] {
        rest = rest.strip_suffix(word).map_or(rest, str::trim_end);
    }
    while rest.ends_with(']') {
        let Some(start) = rest.rfind("#[") else { break };
        let attr = &rest[start..];
        if attr.starts_with("#[test]") || attr.starts_with("#[cfg(test)]") {
            return true;
        }
        rest = rest[..start].trim_end();
    }
    false
}

/// Every function of `src` outside test code.
fn functions(src: &str) -> Vec<Function> {
    let code = blank(src);
    let mut found = Vec::new();
    let mut i = 0;
    while i + 3 <= code.len() {
        let word_at = |w: &[u8]| {
            code[i..].starts_with(w)
                && !ident_byte(i.checked_sub(1).map(|p| code[p]))
                && !ident_byte(code.get(i + w.len()).copied())
        };
        if word_at(b"mod") && test_only(&code, i) {
            // A `#[cfg(test)] mod tests { … }`: skip it whole (`mod tests;` has no body).
            match code[i..].iter().position(|&c| c == b'{' || c == b';') {
                Some(p) if code[i + p] == b'{' => i = close_of(&code, i + p),
                Some(p) => i += p + 1,
                None => break,
            }
            continue;
        }
        if word_at(b"fn") {
            let name: String = code[i + 2..]
                .iter()
                .skip_while(|c| c.is_ascii_whitespace())
                .take_while(|&&c| ident_byte(Some(c)))
                .map(|&c| char::from(c))
                .collect();
            // The body is the first `{` before any `;` (a trait method without a body ends at
            // `;`; `fn(u8) -> u8` types have neither before the next item).
            let body = code[i..].iter().position(|&c| c == b'{' || c == b';');
            match body {
                Some(p) if code[i + p] == b'{' && !name.is_empty() => {
                    let open = i + p;
                    let end = close_of(&code, open);
                    if test_only(&code, i) {
                        i = end;
                        continue;
                    }
                    found.push(Function {
                        name,
                        line: line_of(&code, i),
                        lines: line_of(&code, end.saturating_sub(1)) - line_of(&code, i) + 1,
                    });
                    // Nested functions are found too: continue inside the body.
                    i = open + 1;
                    continue;
                }
                _ => {}
            }
        }
        i += 1;
    }
    found
}

/// Rust sources that are not tests: test-only files (`tests.rs`, `*_tests.rs`, the `tests/`
/// and `fuzz/target` trees) and generated files are left out.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !["target", "tests", ".git", "node_modules", "snapshots"].contains(&name.as_str()) {
                sources(&path, out);
            }
        } else if name.ends_with(".rs") && name != "tests.rs" && !name.ends_with("_tests.rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_function_over_80_lines() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "src",
        "crates",
        "python/src",
        "examples",
        "benches",
        "fuzz/fuzz_targets",
    ] {
        sources(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 50, "found only {} sources", files.len());
    let mut long = Vec::new();
    let mut counted = 0;
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap();
        if src.lines().next().is_some_and(|l| l.contains("@generated")) {
            continue;
        }
        for f in functions(&src) {
            counted += 1;
            if f.lines > MAX_LINES {
                let rel = path.strip_prefix(&root).unwrap_or(path);
                long.push(format!(
                    "{}:{} fn {}: {} lines",
                    rel.display(),
                    f.line,
                    f.name,
                    f.lines
                ));
            }
        }
    }
    assert!(counted > 500, "found only {counted} functions");
    assert!(
        long.is_empty(),
        "functions over {MAX_LINES} lines (split them along their seams):\n{}",
        long.join("\n")
    );
}

/// The scanner itself, on shapes that fool a naive brace counter.
#[test]
fn scanner_reads_bodies_not_literals() {
    let src = r####"
fn a() {
    let s = "}}} fn fake() {";
    let c = '}';
    let r = r#"{ fn raw() { "#;
    // fn comment() {
    /* { nested /* } */ } */
    let l: &'static str = "x";
}

#[test]
fn skipped_test() {
}

#[cfg(test)]
mod tests {
    fn inside_tests() {
    }
}

trait T {
    fn no_body(&self);
    fn with_body(&self) {
        let f = |x: u8| { x };
    }
}

pub(crate) fn b<'a>(x: &'a str) -> fn(u8) -> u8 where 'a: 'a {
    fn nested() {}
    nested
}
"####;
    let names: Vec<(String, usize)> = functions(src)
        .into_iter()
        .map(|f| (f.name, f.lines))
        .collect();
    assert_eq!(
        names,
        [
            ("a".to_string(), 8),
            ("with_body".to_string(), 3),
            ("b".to_string(), 4),
            ("nested".to_string(), 1),
        ]
    );
}
