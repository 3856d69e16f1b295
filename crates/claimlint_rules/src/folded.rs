//! A file folded at a fixed width (`claimlint_x12::folded`) is checked with its line breaks
//! taken out; this adds the one SYN005 the fold is (`add`, in the unfolded bytes' offsets, so
//! a 999 built from them sees it) and then moves every finding onto the file as it is
//! (`to_original`): offsets, lengths, fixes, line and column.

use crate::engine::Outcome;
use crate::settings::LintSettings;
use claimlint_x12::folded::Folding;
use claimlint_x12::loc::LineCounter;

/// `run`'s check of `input`: of `input` unwrapped when it is wrapped at a fixed width, with
/// the wrap's SYN005 added and the findings moved back onto `input`. `run` is told whether it
/// is given an unwrapped copy (whose memory is not `input`'s).
pub fn check(
    input: &[u8],
    settings: &LintSettings,
    run: impl FnOnce(&[u8], bool) -> Outcome,
) -> Outcome {
    let Some(fold) = Folding::of(input) else {
        return run(input, false);
    };
    let flat = fold.unfold(input);
    let mut outcome = run(&flat, true);
    add(&mut outcome, &flat, input, &fold, settings);
    to_original(&mut outcome, &fold, input);
    outcome
}

/// Adds the wrap's SYN005 (one per interchange it cuts) to `outcome`, a check of `flat`, the
/// unwrapped `original`, unless the rule is off.
pub fn add(
    outcome: &mut Outcome,
    flat: &[u8],
    original: &[u8],
    fold: &Folding,
    settings: &LintSettings,
) {
    let Some(severity) = settings.severity(crate::syntax::invalid_character::SYN005.code) else {
        return;
    };
    for d in crate::syntax::invalid_character::folded(flat, original, fold, severity) {
        outcome.tally.count(d.severity);
        let at = outcome
            .diagnostics
            .partition_point(|x| x.loc.offset <= d.loc.offset);
        outcome.diagnostics.insert(at, d);
        if let Some(max) = settings.max_diagnostics
            && outcome.diagnostics.len() > max
        {
            outcome.diagnostics.truncate(max);
            outcome.dropped += 1;
        }
    }
}

/// Moves the findings of a check of the unwrapped bytes onto `original`, the file as it is.
pub fn to_original(outcome: &mut Outcome, fold: &Folding, original: &[u8]) {
    let mut lines = LineCounter::new(original);
    for d in &mut outcome.diagnostics {
        // Line 0 is a finding of no position in the file (ENV009's), and the wrap's own
        // findings have none yet: every finding with a place in the file gets one.
        if d.line == 0 && d.loc.position == 0 && d.loc.length == 0 {
            continue;
        }
        let (from, to) = fold.original_span(d.loc.offset, d.loc.offset + d.loc.length);
        (d.loc.offset, d.loc.length) = (from, to - from);
        if let Some(fix) = d.fix.as_mut() {
            (fix.start, fix.end) = fold.original_span(fix.start, fix.end);
        }
        (d.line, d.column) = lines.line_col(d.loc.offset);
    }
    outcome.stats.bytes = original.len() as u64;
}

/// The lines and columns of the claims' facts as they are in the wrapped file `original`,
/// their offsets left in the unwrapped text: the gate splits the unwrapped text, and a
/// message naming another claim's line (XCL001's "line 40") must name it in the file the
/// user has.
pub fn lines_to_original(
    claims: &mut [crate::cross_claim::BatchClaim],
    fold: &Folding,
    original: &[u8],
) {
    let mut lines = LineCounter::new(original);
    for c in claims {
        c.line_col = lines.line_col(fold.original(c.loc.offset));
        for l in &mut c.lines {
            l.line_col = lines.line_col(fold.original(l.loc.offset));
        }
    }
}

/// The claims' facts of the rules across inputs, moved onto `original` as `to_original`
/// moves findings.
pub fn facts_to_original(
    claims: &mut [crate::cross_claim::BatchClaim],
    fold: &Folding,
    original: &[u8],
) {
    let mut lines = LineCounter::new(original);
    for c in claims {
        let (from, to) = fold.original_span(c.loc.offset, c.loc.offset + c.loc.length);
        (c.loc.offset, c.loc.length) = (from, to - from);
        c.line_col = lines.line_col(c.loc.offset);
        for l in &mut c.lines {
            let (from, to) = fold.original_span(l.loc.offset, l.loc.offset + l.loc.length);
            (l.loc.offset, l.loc.length) = (from, to - from);
            l.line_col = lines.line_col(l.loc.offset);
        }
    }
}
