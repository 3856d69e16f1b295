//! Bad input always gets a diagnostic, never a panic or a hang: random bytes, every prefix of a
//! valid file, mutated files, and the pathological shapes the foundation issue lists.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

use claimlint::config::Settings;
use claimlint_rules::engine;
use proptest::prelude::*;

const P837: &str = include_str!("../fixtures/templates/837p.x12");
const I837: &str = include_str!("../fixtures/templates/837i.x12");

fn check(bytes: &[u8]) -> engine::Outcome {
    let o = engine::check(bytes, &Settings::default());
    for d in &o.diagnostics {
        assert!(d.loc.offset <= bytes.len(), "offset past the end");
        assert!(d.line >= 1 && d.column >= 1);
    }
    assert!(
        o.diagnostics
            .windows(2)
            .all(|w| w[0].loc.offset <= w[1].loc.offset)
    );
    o
}

fn codes(o: &engine::Outcome) -> Vec<&'static str> {
    o.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn every_prefix_of_a_valid_file() {
    for t in [P837, I837] {
        for n in 0..t.len() {
            let o = check(&t.as_bytes()[..n]);
            let trimmed = t[..n].trim_end();
            // Anything cut before the final IEA's terminator is incomplete and must be said.
            if !trimmed.ends_with("IEA*1*000000001~") {
                assert!(
                    !o.diagnostics.is_empty(),
                    "prefix of {n} bytes passed silently"
                );
            }
        }
    }
}

#[test]
fn pathological_inputs() {
    assert_eq!(codes(&check(b"")), ["ENV001"]);
    assert_eq!(
        codes(&check(&[0u8, 159, 146, 150, 0, 1, 2, 255])),
        ["ENV001"]
    );
    let only_isa = &P837[..P837.find('\n').unwrap() + 1];
    assert!(codes(&check(only_isa.as_bytes())).contains(&"ENV004"));
    // One segment of 1 MB.
    let big = P837.replace("N3*12 ELM ST~", &format!("N3*{}~", "A".repeat(1 << 20)));
    let o = check(big.as_bytes());
    assert_eq!(o.stats.claims, 1);
    // 100,000 empty segments: one diagnostic for the run, not 100,000.
    let empties = P837.replace(
        "N3*12 ELM ST~",
        &format!("N3*12 ELM ST{}", "~".repeat(100_001)),
    );
    let o = check(empties.as_bytes());
    assert_eq!(
        o.diagnostics.iter().filter(|d| d.code == "SYN001").count(),
        1
    );
    assert!(
        o.diagnostics
            .iter()
            .any(|d| d.message.contains("100000 empty segments"))
    );
    // A thousand ISAs with nothing else.
    let isas = only_isa.repeat(1000);
    let o = check(isas.as_bytes());
    assert_eq!(o.stats.interchanges, 1000);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
        check(&bytes);
    }

    #[test]
    fn random_bytes_after_an_isa_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..3000)) {
        let mut bytes = P837.as_bytes()[..107].to_vec();
        bytes.extend(tail);
        check(&bytes);
    }

    #[test]
    fn mutated_valid_files_never_panic(
        edits in proptest::collection::vec((0usize..1400, any::<u8>(), 0u8..3), 1..12),
        institutional in any::<bool>(),
    ) {
        let mut bytes = if institutional { I837 } else { P837 }.as_bytes().to_vec();
        for (at, byte, op) in edits {
            let at = at % (bytes.len() + 1);
            match op {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ if at < bytes.len() => { bytes.remove(at); }
                _ => {}
            }
        }
        check(&bytes);
    }

    #[test]
    fn delimiter_choice_does_not_change_the_model(sep in prop::sample::select(vec![b'|', b'!', b'^', b'*']), term in prop::sample::select(vec![b'~', b'\n', b'\'', b'~'])) {
        let comp = b'>';
        prop_assume!(sep != b'^');
        let text: Vec<u8> = P837.bytes().filter(|&b| b != b'\n' || term == b'~' || term == b'\'').map(|b| match b {
            b'*' => sep,
            b':' => comp,
            b'~' => term,
            other => other,
        }).collect();
        let o = check(&text);
        prop_assert_eq!((o.stats.claims, o.stats.service_lines), (1, 2));
        prop_assert!(o.diagnostics.is_empty(), "{:?}", codes(&o));
    }
}
