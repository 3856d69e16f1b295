//! Applying the fixes that findings carry (`Diagnostic::fix`), ruff-style: only safe fixes
//! unless unsafe ones are allowed, never two that overlap, then the input is checked again
//! and the new findings' fixes applied, a bounded number of rounds. Also the unified diff
//! that `--diff` prints, one segment per line.

use claimlint_diagnostic::{Diagnostic, Fix, Safety};

/// At most this many check-and-fix rounds: each round's fixes are independent elements, so
/// a second round only picks up what a first one uncovered.
pub const MAX_ROUNDS: usize = 8;

/// What fixing one input did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Fixed {
    pub bytes: Vec<u8>,
    /// The code of every finding whose fix was applied, in order, over all rounds.
    pub applied: Vec<&'static str>,
    /// Findings of the last check that have a fix which was not applied because it is
    /// unsafe (without `--unsafe-fixes`).
    pub unsafe_left: usize,
}

/// Whether `fix` may be applied to an input of `len` bytes under `allow_unsafe`.
fn wanted(fix: &Fix, len: usize, allow_unsafe: bool) -> bool {
    fix.start <= fix.end && fix.end <= len && (allow_unsafe || fix.safety == Safety::Safe)
}

/// Applies the wanted fixes of `diagnostics` to `input`, skipping any that overlap one
/// already taken (earlier in the file first). Returns the new bytes and the codes fixed.
pub fn apply_once(
    input: &[u8],
    diagnostics: &[Diagnostic],
    allow_unsafe: bool,
) -> (Vec<u8>, Vec<&'static str>) {
    let mut fixes: Vec<(&Fix, &'static str)> = diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref().map(|f| (f, d.code)))
        .filter(|(f, _)| wanted(f, input.len(), allow_unsafe))
        .collect();
    fixes.sort_by_key(|(f, _)| (f.start, f.end));
    let mut out = Vec::with_capacity(input.len());
    let mut at = 0usize;
    let mut codes = Vec::new();
    let mut last_insert: Option<usize> = None;
    for (f, code) in fixes {
        // Overlapping, or a second edit at the same point: left for the next round.
        if f.start < at || (f.start == f.end && last_insert == Some(f.start)) {
            continue;
        }
        out.extend_from_slice(&input[at..f.start]);
        out.extend_from_slice(f.replacement.as_bytes());
        at = f.end;
        last_insert = Some(f.end);
        codes.push(code);
    }
    out.extend_from_slice(&input[at..]);
    (out, codes)
}

/// Checks `input` with `check`, applies the fixes, and repeats until nothing is left to fix,
/// nothing changes, or `MAX_ROUNDS` rounds have run.
pub fn fix_all(
    input: &[u8],
    allow_unsafe: bool,
    check: &dyn Fn(&[u8]) -> Vec<Diagnostic>,
) -> Fixed {
    let mut bytes = input.to_vec();
    let mut applied = Vec::new();
    let mut unsafe_left = 0;
    for _ in 0..MAX_ROUNDS {
        let diagnostics = check(&bytes);
        unsafe_left = diagnostics
            .iter()
            .filter(|d| d.fix.as_ref().is_some_and(|f| f.safety == Safety::Unsafe))
            .count();
        let (next, codes) = apply_once(&bytes, &diagnostics, allow_unsafe);
        if codes.is_empty() || next == bytes {
            break;
        }
        if allow_unsafe {
            unsafe_left = 0;
        }
        applied.extend(codes);
        bytes = next;
    }
    Fixed {
        bytes,
        applied,
        unsafe_left,
    }
}

/// The segment terminator an input evidently uses: ISA's byte 106, else `~`.
fn terminator(bytes: &[u8]) -> u8 {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    match bytes.get(start..start + 106) {
        Some(isa) if isa.starts_with(b"ISA") => isa[105],
        _ => b'~',
    }
}

/// The input as lines of one segment each (its terminator kept, the line break after it
/// dropped), for a diff that shows segments even when the file is one long line.
fn segment_lines(bytes: &[u8], end: u8) -> Vec<String> {
    let mut lines = Vec::new();
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == end {
            while i + 1 < bytes.len() && matches!(bytes[i + 1], b'\r' | b'\n') {
                i += 1;
            }
            lines.push(&bytes[from..=i]);
            from = i + 1;
        }
        i += 1;
    }
    if from < bytes.len() {
        lines.push(&bytes[from..]);
    }
    lines
        .into_iter()
        .map(|l| {
            // The diff writer ends each item with its own line break.
            let text = String::from_utf8_lossy(l);
            text.trim_end_matches(['\r', '\n']).to_string()
        })
        .collect()
}

/// A unified diff of `old` and `new` (three segments of context), empty when they are
/// equal. Hunk ranges count segments, shown one per line.
pub fn unified_diff(path: &str, old: &[u8], new: &[u8]) -> String {
    if old == new {
        return String::new();
    }
    let end = terminator(old);
    let (a, b) = (segment_lines(old, end), segment_lines(new, end));
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    let diff = similar::TextDiff::from_slices(&a, &b);
    let mut text = diff
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(false)
        .header(path, path)
        .to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimlint_diagnostic::{Loc, Severity};

    fn with_fix(start: usize, end: usize, text: &str, safety: Safety) -> Diagnostic {
        let mut d = Diagnostic::new("X", Severity::Error, Loc::default(), "m");
        d.fix(Fix {
            start,
            end,
            replacement: text.into(),
            safety,
        });
        d
    }

    #[test]
    fn overlapping_and_unsafe_fixes_wait() {
        let input = b"SE*9*0001~";
        let ds = [
            with_fix(3, 4, "2", Safety::Safe),
            with_fix(3, 9, "X", Safety::Safe),
            with_fix(5, 9, "0002", Safety::Unsafe),
        ];
        let (out, codes) = apply_once(input, &ds, false);
        assert_eq!((out.as_slice(), codes.len()), (&b"SE*2*0001~"[..], 1));
        let (out, _) = apply_once(input, &ds, true);
        assert_eq!(out, b"SE*2*0002~");
        let bad = [with_fix(5, 99, "", Safety::Safe)];
        assert_eq!(apply_once(input, &bad, true).0, input);
    }

    #[test]
    fn the_diff_shows_segments() {
        let d = unified_diff("f.837", b"ST*837*1~SE*9*1~", b"ST*837*1~SE*2*1~");
        assert!(d.starts_with("--- f.837\n+++ f.837\n"), "{d}");
        assert!(d.contains("-SE*9*1~\n+SE*2*1~\n"), "{d}");
        assert_eq!(unified_diff("f", b"A~", b"A~"), "");
    }
}
