//! The envelope rules (ENV) fixtures give exactly the codes listed here, no more: one root
//! cause, one error (RULES.md), so a new cascade fails a test. Counts matter too: a bad ISA11
//! is one ENV007, not one ENV007 and nine SYN errors.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

use claimlint::config::Settings;
use claimlint_rules::engine;
use std::path::Path;

/// Every ENV trip fixture and the codes it gives, sorted, with repeats.
const EXPECTED: &[(&str, &[&str])] = &[
    ("ENV001/trip/csv-export.x12", &["ENV001"]),
    ("ENV001/trip/empty.x12", &["ENV001"]),
    ("ENV001/trip/fragment-from-st.x12", &["ENV001"]),
    ("ENV001/trip/fragment-newline-terminated.x12", &["ENV001"]),
    ("ENV001/trip/gs-before-isa-837i.x12", &["ENV001"]),
    ("ENV001/trip/gs-before-isa.x12", &["ENV001"]),
    ("ENV001/trip/gs-copied-before-isa.x12", &["ENV001"]),
    ("ENV001/trip/gs-other-before-isa.x12", &["ENV001"]),
    ("ENV001/trip/html-error-page.x12", &["ENV001"]),
    ("ENV001/trip/isa-separator-too-many.x12", &["ENV001"]),
    ("ENV001/trip/isa07-isa08-run-together.x12", &["ENV001"]),
    (
        "ENV001/trip/isa13-isa14-run-together-one-line.x12",
        &["ENV001"],
    ),
    ("ENV001/trip/isa16-left-out-crlf.x12", &["ENV001"]),
    ("ENV001/trip/isa16-left-out-one-line.x12", &["ENV001"]),
    ("ENV001/trip/isa16-left-out.x12", &["ENV001"]),
    ("ENV001/trip/json-export.x12", &["ENV001"]),
    ("ENV001/trip/markdown-readme.x12", &["ENV001"]),
    ("ENV001/trip/no-isa.x12", &["ENV001"]),
    ("ENV001/trip/prose-starting-isa.x12", &["ENV001"]),
    ("ENV001/trip/short-isa.x12", &["ENV001"]),
    ("ENV001/trip/text-starting-st.x12", &["ENV001"]),
    ("ENV001/trip/truncated-isa.x12", &["ENV001"]),
    ("ENV001/trip/utf16-no-bom.x12", &["ENV001"]),
    ("ENV001/trip/zip-archive.x12", &["ENV001"]),
    ("ENV002/trip/ge02-differs.x12", &["ENV002"]),
    ("ENV002/trip/ge02-separator-too-many.x12", &["ENV002"]),
    ("ENV002/trip/iea02-differs.x12", &["ENV002"]),
    ("ENV002/trip/isa13-and-iea02-blank.x12", &["ENV002"]),
    ("ENV002/trip/isa13-blank.x12", &["ENV002"]),
    ("ENV002/trip/se02-differs.x12", &["ENV002"]),
    ("ENV002/trip/se02-empty.x12", &["ENV002"]),
    ("ENV002/trip/st02-blank.x12", &["ENV002"]),
    ("ENV002/trip/st02-left-out.x12", &["ENV002"]),
    ("ENV002/trip/st02-st03-run-together-837i.x12", &["ENV002"]),
    ("ENV002/trip/st02-st03-run-together.x12", &["ENV002"]),
    ("ENV003/trip/ge-separator-too-many.x12", &["ENV003"]),
    ("ENV003/trip/ge01-ge02-run-together.x12", &["ENV003"]),
    ("ENV003/trip/ge01-wrong.x12", &["ENV003"]),
    ("ENV003/trip/iea-separator-too-many.x12", &["ENV003"]),
    ("ENV003/trip/iea01-iea02-run-together.x12", &["ENV003"]),
    ("ENV003/trip/iea01-wrong.x12", &["ENV003"]),
    ("ENV003/trip/se01-empty.x12", &["ENV003"]),
    ("ENV003/trip/se01-left-out.x12", &["ENV003"]),
    (
        "ENV003/trip/se01-se02-run-together-count-wrong.x12",
        &["ENV002", "ENV003", "SYN007"],
    ),
    ("ENV003/trip/se01-se02-run-together.x12", &["ENV003"]),
    ("ENV003/trip/se01-too-small.x12", &["ENV003"]),
    // SE01 wrong even counting the line date written after SE: its own ENV003; the 837P set
    // takes the date (its gap), the 837I's (situational, no gap) stays outside any set.
    (
        "ENV003/trip/se01-wrong-beside-line-date-after-se-837i.x12",
        &["ENV003", "STR003"],
    ),
    (
        "ENV003/trip/se01-wrong-beside-line-date-after-se.x12",
        &["ENV003", "STR003"],
    ),
    // A set with its BHT alone and no SE: the ENV004, and the loops after the BHT it lacks.
    (
        "ENV004/trip/bht-alone-before-ge.x12",
        &["ENV004", "STR002", "STR002", "STR002"],
    ),
    ("ENV004/trip/cut-inside-lx.x12", &["ENV004"]),
    ("ENV004/trip/cut-inside-the-patient-hl.x12", &["ENV004"]),
    // Cut off by the next interchange's ISA: one ENV004, as for a file that ends (hunt C5).
    ("ENV004/trip/cut-off-by-the-next-isa-837i.x12", &["ENV004"]),
    (
        "ENV004/trip/cut-off-by-the-next-isa-after-se.x12",
        &["ENV004"],
    ),
    ("ENV004/trip/cut-off-by-the-next-isa.x12", &["ENV004"]),
    ("ENV004/trip/empty-st-before-gs.x12", &["ENV004"]),
    ("ENV004/trip/empty-st.x12", &["ENV004"]),
    ("ENV004/trip/ge-after-iea.x12", &["ENV004"]),
    (
        "ENV004/trip/ge-left-out-before-the-next-gs.x12",
        &["ENV004"],
    ),
    ("ENV004/trip/gs-twice.x12", &["ENV004"]),
    ("ENV004/trip/iea-cut.x12", &["ENV004"]),
    (
        "ENV004/trip/iea-left-out-before-the-next-isa.x12",
        &["ENV004"],
    ),
    ("ENV004/trip/junk-after-iea.x12", &["ENV004"]),
    (
        "ENV004/trip/no-ge-beside-gs-before-isa.x12",
        &["ENV001", "ENV004"],
    ),
    ("ENV004/trip/no-gs.x12", &["ENV004"]),
    ("ENV004/trip/no-iea.x12", &["ENV004"]),
    ("ENV004/trip/no-se.x12", &["ENV004"]),
    ("ENV004/trip/no-st-837i.x12", &["ENV004"]),
    ("ENV004/trip/no-st.x12", &["ENV004"]),
    ("ENV004/trip/se-after-ge-837i.x12", &["ENV004"]),
    ("ENV004/trip/se-after-ge.x12", &["ENV004"]),
    // A set cut by the next GS or the IEA with its group: one ENV004 for both (hunt C5); cut
    // by the next ST: its one "has no SE", and the claim's BAL001, as before.
    (
        "ENV004/trip/set-and-group-cut-off-by-the-iea.x12",
        &["ENV004"],
    ),
    (
        "ENV004/trip/set-and-group-cut-off-by-the-next-gs.x12",
        &["ENV004"],
    ),
    (
        "ENV004/trip/set-cut-off-by-the-next-st.x12",
        &["BAL001", "ENV004"],
    ),
    // An ST with nothing after it but the GE: one ENV004, not also a STR002 for each loop.
    ("ENV004/trip/st-alone-before-ge-837i.x12", &["ENV004"]),
    ("ENV004/trip/st-alone-before-ge.x12", &["ENV004"]),
    ("ENV004/trip/st-before-gs.x12", &["ENV004"]),
    (
        "ENV004/trip/st-before-lower-case-gs.x12",
        &["ENV004", "SYN001"],
    ),
    ("ENV004/trip/st-twice-837i.x12", &["ENV004"]),
    ("ENV004/trip/st-twice-counted-in-se01.x12", &["ENV004"]),
    ("ENV004/trip/st-twice.x12", &["ENV004"]),
    ("ENV005/trip/4010-guide.x12", &["ENV005"]),
    ("ENV005/trip/4010-interchange.x12", &["ENV005"]),
    ("ENV005/trip/835-skipped.x12", &["ENV005"]),
    ("ENV005/trip/dental-labelled-837i.x12", &["ENV005"]),
    ("ENV005/trip/gs01-not-hc.x12", &["ENV005"]),
    ("ENV005/trip/gs08-missing.x12", &["ENV005"]),
    ("ENV005/trip/st01-empty-837i.x12", &["ENV005"]),
    ("ENV005/trip/st01-left-out.x12", &["ENV005"]),
    ("ENV005/trip/st01-x.x12", &["ENV005"]),
    ("ENV005/trip/st03-4010-differs-from-gs08.x12", &["ENV005"]),
    // ST03 alone names the other guide (GS08 and the lines agree): ENV005 alone, not also
    // STR003 (hunt C2); the lines agreeing with ST03: ENV005 alone, as before.
    (
        "ENV005/trip/st03-837i-and-its-lines-under-gs08-837p-837i.x12",
        &["ENV005"],
    ),
    // GS08 another release of the lines' guide (x222, x222a2, x223a1): the same one finding.
    (
        "ENV005/trip/st03-837i-over-837p-lines-and-gs08-x222.x12",
        &["ENV005"],
    ),
    (
        "ENV005/trip/st03-837i-over-837p-lines-and-gs08-x222a2.x12",
        &["ENV005"],
    ),
    (
        "ENV005/trip/st03-837i-over-837p-lines-and-gs08.x12",
        &["ENV005"],
    ),
    (
        "ENV005/trip/st03-837i-release-over-837p-lines-and-gs08.x12",
        &["ENV005"],
    ),
    (
        "ENV005/trip/st03-837p-over-837i-lines-and-gs08-837i.x12",
        &["ENV005"],
    ),
    (
        "ENV005/trip/st03-837p-over-837i-lines-and-gs08-x223a1.x12",
        &["ENV005"],
    ),
    (
        "ENV005/trip/st03-dental-differs-from-gs08-dental.x12",
        &["ENV005"],
    ),
    ("ENV005/trip/st03-differs-from-gs08-837i.x12", &["ENV005"]),
    (
        "ENV005/trip/st03-differs-from-gs08-and-gs01-not-hc.x12",
        &["ENV005", "ENV005"],
    ),
    ("ENV005/trip/st03-differs-from-gs08.x12", &["ENV005"]),
    (
        "ENV005/trip/st03-padded-and-differs-from-gs08.x12",
        &["ENV005", "ENV005"],
    ),
    ("ENV005/trip/st03-x298-differs-from-gs08.x12", &["ENV005"]),
    ("ENV006/trip/same-st02-twice.x12", &["ENV006"]),
    ("ENV007/trip/feb-30.x12", &["ENV007"]),
    ("ENV007/trip/isa09-left-empty.x12", &["ENV007"]),
    ("ENV007/trip/isa11-is-component-separator.x12", &["ENV007"]),
    ("ENV007/trip/isa11-is-element-separator.x12", &["ENV007"]),
    ("ENV007/trip/isa11-u-in-5010.x12", &["ENV007"]),
    ("ENV007/trip/isa12-4010.x12", &["ENV007"]),
    ("ENV007/trip/isa15-x.x12", &["ENV007"]),
    (
        "ENV007/trip/isa16-not-the-composites-separator.x12",
        &["ENV007"],
    ),
    ("ENV008/trip/header-naming-isa.x12", &["ENV008"]),
    ("ENV008/trip/header-starting-st.x12", &["ENV008"]),
    ("ENV008/trip/text-header.x12", &["ENV008"]),
    ("ENV010/trip/gs-separator-too-many.x12", &["ENV010"]),
    ("ENV010/trip/gs01-gs02-run-together.x12", &["ENV010"]),
    ("ENV010/trip/gs01-three-characters.x12", &["ENV010"]),
    ("ENV010/trip/gs02-21-characters.x12", &["ENV010"]),
    ("ENV010/trip/gs02-gs03-run-together.x12", &["ENV010"]),
    ("ENV010/trip/gs02-left-out.x12", &["ENV010"]),
    ("ENV010/trip/gs03-gs04-run-together.x12", &["ENV010"]),
    ("ENV010/trip/gs03-one-character.x12", &["ENV010"]),
    ("ENV010/trip/gs04-month-13.x12", &["ENV010"]),
    (
        "ENV010/trip/gs05-gs06-run-together-ge02-decides.x12",
        &["ENV010"],
    ),
    (
        "ENV010/trip/gs05-gs06-run-together-ge02-repeats-none.x12",
        &["ENV002", "ENV010"],
    ),
    ("ENV010/trip/gs05-gs06-run-together.x12", &["ENV010"]),
    ("ENV010/trip/gs05-hour-99.x12", &["ENV010"]),
    ("ENV010/trip/gs06-ten-digits.x12", &["ENV010"]),
    ("ENV010/trip/gs07-gs08-run-together.x12", &["ENV010"]),
    ("ENV010/trip/gs07-not-x.x12", &["ENV010"]),
    (
        "ENV011/trip/iea-without-terminator-then-newline.x12",
        &["ENV011"],
    ),
    ("ENV011/trip/iea-without-terminator.x12", &["ENV011"]),
];

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules")
}

fn codes(bytes: &[u8]) -> Vec<&'static str> {
    let mut c: Vec<_> = engine::check(bytes, &Settings::default())
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect();
    c.sort_unstable();
    c
}

#[test]
fn env_trip_fixtures_give_exactly_their_codes() {
    for (file, expected) in EXPECTED {
        let bytes = std::fs::read(fixtures().join(file)).unwrap();
        assert_eq!(codes(&bytes), *expected, "{file}");
    }
}

#[test]
fn every_env_trip_fixture_is_listed() {
    let mut found = Vec::new();
    for code in std::fs::read_dir(fixtures()).unwrap() {
        let code = code.unwrap().path();
        let name = code.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("ENV") {
            continue;
        }
        for f in std::fs::read_dir(code.join("trip")).unwrap() {
            let f = f.unwrap().path();
            found.push(format!(
                "{name}/trip/{}",
                f.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    found.sort();
    let listed: Vec<_> = EXPECTED.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(found, listed);
}

/// Issue 14 §4: a fragment that starts at ST is one ENV001, and what is inside is checked as in
/// a whole interchange, with the delimiters the fragment uses.
#[test]
fn fragment_content_is_checked_with_its_own_delimiters() {
    let st = std::fs::read_to_string(fixtures().join("ENV001/trip/fragment-from-st.x12")).unwrap();
    let bad = st.replace("SE*28*0001~", "SE*27*0001~");
    assert_eq!(codes(bad.as_bytes()), ["ENV001", "ENV003"]);
    // `|` elements, `>` components, newline terminators: read from the fragment itself.
    let other = st.replace('*', "|").replace(':', ">").replace('~', "");
    assert_eq!(codes(other.as_bytes()), ["ENV001"]);
    // Trailers without headers are part of the fragment's one finding.
    let trailers = format!("{st}GE*1*1~\nIEA*1*000000001~\n");
    assert_eq!(codes(trailers.as_bytes()), ["ENV001"]);
    // No SE in the fragment: the transaction set itself is incomplete, which is ENV004.
    let no_se = st.replace("SE*28*0001~\n", "");
    assert_eq!(codes(no_se.as_bytes()), ["ENV001", "ENV004"]);
    let o = engine::check(st.as_bytes(), &Settings::default());
    assert_eq!((o.stats.transactions, o.stats.claims), (1, 1));
}

/// Whatever a fragment holds, the check returns: no panic on missing envelope data.
#[test]
fn fragments_never_panic() {
    for text in [
        "ST",
        "ST*",
        "ST*~",
        "ST*837",
        "GS*~ST*~SE~",
        "ST*837*0001~SE*2*0001~GE~IEA~ISA*00",
        "ST*999*0001*005010X231A1~AK1*HC*1~SE*3*0001~",
        "GS*FA*A*B*20260101*1200*1*X*005010X231A1~ST*999*0001~SE*2*0001~",
        "ST\u{0}837\u{0}0001",
    ] {
        let _ = engine::check(text.as_bytes(), &Settings::default());
        let _ = claimlint_model::tree::render(text.as_bytes(), &claimlint_rules::scan_notes);
        let _ = claimlint::report::x999::read(text.as_bytes());
    }
}
