//! Fuzzes the check entry point: the bytes of one input through `engine::check` with default
//! settings (what `claimlint check FILE` runs), then the human renderer over its diagnostics.
//! Besides "no panic, no hang", it asserts invariants every output format relies on.

#![no_main]

use claimlint::config::Settings;
use claimlint_diagnostic::Severity;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static SETTINGS: LazyLock<Settings> = LazyLock::new(Settings::default);

fuzz_target!(|data: &[u8]| {
    let outcome = claimlint_rules::engine::check(data, &SETTINGS);
    let diags = &outcome.diagnostics;
    for d in diags {
        assert!(
            d.loc.offset <= data.len(),
            "{} offset {} past the end ({} bytes)",
            d.code,
            d.loc.offset,
            data.len()
        );
        assert!(
            d.loc.offset.saturating_add(d.loc.length) <= data.len(),
            "{} span {}+{} past the end ({} bytes)",
            d.code,
            d.loc.offset,
            d.loc.length,
            data.len()
        );
        assert!(
            d.line >= 1 && d.column >= 1,
            "{} has no line/column",
            d.code
        );
        assert!(!d.message.is_empty(), "{} has an empty message", d.code);
    }
    assert!(
        diags.windows(2).all(|w| w[0].loc.offset <= w[1].loc.offset),
        "diagnostics not ordered by offset"
    );
    // Default settings keep every diagnostic, so the tally counts exactly what is listed.
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count() as u64;
    assert_eq!(outcome.dropped, 0);
    assert_eq!(outcome.tally.errors, count(Severity::Error));
    assert_eq!(outcome.tally.warnings, count(Severity::Warning));
    assert_eq!(outcome.tally.infos, count(Severity::Info));
    let human = claimlint::report::human::render_file("fuzz.x12", data, diags, false, &|_| ());
    assert!(diags.is_empty() || !human.is_empty());
});
