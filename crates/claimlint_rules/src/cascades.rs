//! Issue 14 §3, "One root cause, one error": inputs the reviewer found reporting one defect
//! several times, each with the exact set of codes it must get now.

use crate::LintSettings as Settings;
use crate::engine;
use crate::test::{P837, edit};

/// The codes reported (sorted) and the number suppressed.
fn outcome(text: &str) -> (Vec<&'static str>, u64) {
    let o = engine::check(text.as_bytes(), &Settings::default());
    let mut c: Vec<_> = o.diagnostics.iter().map(|d| d.code).collect();
    c.sort_unstable();
    (c, o.tally.suppressed)
}

/// A required segment with a qualifier the guide does not allow is there with a bad code:
/// SYN008, not also STR002 "missing" for it (the walk places it by id and lets it stand in).
#[test]
fn bad_qualifier_is_not_a_missing_segment() {
    let sv1 = edit(P837, "SV1*HC:J0897", "SV1*ZZ:J0897:JZ*2400*UN*60***1");
    assert_eq!(outcome(&sv1), (vec!["SYN008"], 0));
    let r#ref = edit(P837, "REF*EI*", "REF*XX*371234567");
    assert_eq!(outcome(&r#ref), (vec!["SYN008"], 0));
}
