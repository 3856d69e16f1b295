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

/// The 837P template's transaction set alone, `*` and `:` written as `element` and
/// `component`, one segment per line.
fn fragment(element: char, component: char) -> String {
    let start = P837.find("ST*").expect("template has ST");
    let end = P837.find("GE*").expect("template has GE");
    P837[start..end]
        .replace('*', &element.to_string())
        .replace(':', &component.to_string())
}

/// A fragment (no ISA/GS) with `|` and `>`: the `>` its composites use is detected, so the
/// fragment is ENV001 alone, not ENV001 and a syntax error in every composite.
#[test]
fn fragment_component_separator_is_detected() {
    let text = fragment('|', '>');
    assert!(text.contains("\nSV1|HC>J0897>JZ|"), "{text}");
    let o = engine::check(text.as_bytes(), &Settings::default());
    let codes: Vec<_> = o.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!((codes, o.tally.suppressed), (vec!["ENV001"], 0));
    assert!(
        o.diagnostics[0]
            .message
            .contains("reading element `|`, component `>`"),
        "{}",
        o.diagnostics[0].message
    );
    assert_eq!(outcome(&fragment('*', ':')), (vec!["ENV001"], 0));
}

/// An element past those X12 defines on GS, GE or IEA is SYN004, as on SE, and nothing else.
#[test]
fn extra_envelope_element_is_syn004() {
    for (prefix, with) in [
        (
            "GS*",
            "GS*HC*SENDER*RECEIVER*20260120*1200*1*X*005010X222A1*EXTRA",
        ),
        ("GE*", "GE*1*1*X"),
        ("IEA*", "IEA*1*000000001*X"),
        ("SE*", "SE*28*0001*X"),
    ] {
        let text = edit(P837, prefix, with);
        assert_eq!(outcome(&text), (vec!["SYN004"], 0), "{with}");
    }
}

/// One bad HL, one error. A subscriber HL written as level 20 is read as a second 2000A,
/// whose HL02 is Not Used (SYN004) and whose HL04 allows only 1 (SYN008): STR001 alone, its
/// block's findings suppressed. A subscriber HL naming no earlier HL: STR001 on its HL02
/// alone, not also "HL04 = 1 but no children" on the billing provider.
#[test]
fn one_bad_hl_is_one_error() {
    let (codes, suppressed) = outcome(&edit(P837, "HL*2*", "HL*2*1*20*0"));
    assert_eq!(codes, ["STR001"]);
    assert!(suppressed >= 2, "{suppressed}");
    assert_eq!(
        outcome(&edit(P837, "HL*2*", "HL*2*9*22*0")),
        (vec!["STR001"], 0)
    );
    // A 2000A HL04 of 0 with its subscriber below stays SYN008 alone (the SYN008 > STR001
    // row), the new STR001 > SYN008 row meeting no STR001 with a block there.
    assert_eq!(
        outcome(&edit(P837, "HL*1*", "HL*1**20*0")),
        (vec!["SYN008"], 1)
    );
}

/// The 837P template with its claim written twice (the second CLM01 `PAT1002-01`), cut
/// `keep` bytes after the start of the second claim's segment `at`.
fn cut_in_second_claim(at: &str, keep: usize) -> String {
    let start = P837.find("CLM*").expect("template has a claim");
    let end = P837.find("SE*").expect("template has SE");
    let claim = P837[start..end].replace("PAT1001-01", "PAT1002-01");
    let whole = format!("{}{claim}{}", &P837[..end], &P837[end..]);
    let second = whole.find("PAT1002-01").expect("second claim");
    let cut = second
        + whole[second..]
            .find(at)
            .expect("segment in the second claim");
    whole[..cut + keep].to_string()
}

/// A file cut short is one ENV004 (no SE, GE or IEA is one cut, not three findings, and the
/// partial last segment is not read), and the claim it cut off gets no findings for what
/// the cut took away: its lines, diagnosis, NDC or the charges its lines add up to.
#[test]
fn a_file_cut_short_is_one_env004() {
    for (at, keep, suppressed) in [
        ("LX*1", 2, 1), // inside the LX: no line (STR006; the 2400's STR002 leaves it to STR006)
        ("LX*1", 0, 1), // right before it, after a complete segment
        ("HI*", 0, 2),  // before the principal diagnosis (SIT002, STR006)
        ("DTP*472", 5, 3), // inside the first line's date (STR002, NDC001, BAL001)
    ] {
        let text = cut_in_second_claim(at, keep);
        let o = engine::check(text.as_bytes(), &Settings::default());
        let codes: Vec<_> = o.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(
            (codes, o.tally.suppressed),
            (vec!["ENV004"], suppressed),
            "cut at {at}+{keep}: {:#?}",
            o.diagnostics
        );
        let m = &o.diagnostics[0].message;
        assert!(
            m.contains("ST*0001 has no SE, GS*…*1 no GE and ISA*…*000000001 no IEA"),
            "{m}"
        );
        assert_eq!(m.contains("inside "), keep > 0, "{m}");
        // At the ISA: the TA1 answers a premature end of file.
        assert_eq!(o.diagnostics[0].loc.segment.as_str(), "ISA");
    }
    // A real defect of the first, complete claim still stands.
    let text = cut_in_second_claim("LX*1", 2).replacen("HI*ABK:M810~", "", 1);
    assert_eq!(outcome(&text), (vec!["ENV004", "SIT002"], 1));
}

/// A file cut inside an HL block whose subscriber says it has a child (HL04 `1`, the patient's
/// HL the cut took away) is ENV004 alone: that HL04 is not known to be wrong. A real
/// hierarchy defect before the cut (an HL02 naming no HL) still stands.
#[test]
fn a_file_cut_before_an_hls_children_is_one_env004() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/rules/STR002/pass/patient-is-dependent.x12"
    );
    let dependent = std::fs::read_to_string(path).expect("fixture");
    assert_eq!(
        outcome(&dependent).0,
        Vec::<&str>::new(),
        "the uncut file is clean"
    );
    for (at, keep) in [("HL*3*", 5), ("HL*3*", 0), ("PAT*", 3), ("CLM*", 0)] {
        let cut = &dependent[..dependent.find(at).expect("segment") + keep];
        let o = engine::check(cut.as_bytes(), &Settings::default());
        let codes: Vec<_> = o.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["ENV004"],
            "cut at {at}+{keep}: {:#?}",
            o.diagnostics
        );
    }
    // HL02 naming no HL, in the block the cut leaves incomplete: still STR001.
    let broken = edit(&dependent, "HL*2*", "HL*2*7*22*1");
    let cut = &broken[..broken.find("HL*3*").expect("HL 3") + 5];
    let (codes, _) = outcome(cut);
    assert_eq!(codes, ["ENV004", "STR001"]);
}

/// A fragment cut short: its ENV001 and one ENV004 at its ST, not one for the missing SE and
/// another for the partial segment.
#[test]
fn a_fragment_cut_short_is_one_env004() {
    let whole = fragment('*', ':');
    let cut = &whole[..whole.find("LX*2").expect("second line") + 2];
    let o = engine::check(cut.as_bytes(), &Settings::default());
    let codes: Vec<_> = o.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["ENV001", "ENV004"], "{:#?}", o.diagnostics);
    let d = &o.diagnostics[1];
    assert_eq!(d.loc.segment.as_str(), "ST");
    assert!(
        d.message.contains("inside LX") && d.message.contains("ST*0001 has no SE"),
        "{}",
        d.message
    );
}

/// A service line whose LX is missing (hccinfhir's sample_837_11, imsweb's
/// x12_missing_required_loops_mult_repeats) is one STR002 naming the LX to add, and the line
/// is read as a 2400 begun at its SV1 or SV2: the claim has it (no STR006 "no service line"),
/// the line, drug and balancing rules read it, and findings elsewhere in the claim stand.
#[test]
fn a_service_line_without_its_lx_is_one_str002() {
    use crate::test::I837;
    let check = |text: &str| engine::check(text.as_bytes(), &Settings::default());
    for (base, service) in [(P837, "SV1"), (I837, "SV2")] {
        // The first line, and the second.
        for (lx, n) in [("LX*1", 1), ("LX*2", 2)] {
            let o = check(&edit(base, lx, ""));
            let codes: Vec<_> = o.diagnostics.iter().map(|d| d.code).collect();
            assert_eq!((codes, o.tally.suppressed), (vec!["STR002"], 0), "{lx}");
            let d = &o.diagnostics[0];
            assert_eq!(
                d.help.as_deref(),
                Some(format!("add the LX*{n} segment that opens 2400 before {service}").as_str())
            );
            assert_eq!((o.stats.service_lines, o.stats.drug_lines), (2, 1), "{lx}");
        }
        // Its charge is in the sum: a claim charge that is not is BAL001.
        let wrong = base.replacen("*2460***", "*2470***", 1);
        assert_eq!(
            outcome(&edit(&wrong, "LX*1", "")),
            (vec!["BAL001", "STR002"], 0)
        );
        // Its drug is read: the NDC in the wrong form is NDC002.
        let ndc = base.replacen("LIN**N4*55513071001", "LIN**N4*5551307100", 1);
        assert_eq!(outcome(&edit(&ndc, "LX*1", "")).0, ["NDC002", "STR002"]);
        // The payer loop missing before the claim is its own finding.
        let payer = edit(&edit(base, "NM1*PR", ""), "LX*1", "");
        assert_eq!(outcome(&payer), (vec!["STR002", "STR002"], 0));
    }
    // A claim with no line at all is STR006, and a payer loop missing before it still stands.
    let bare = edit(&crate::test::claim_without_lines(), "NM1*PR", "");
    assert_eq!(outcome(&bare), (vec!["STR002", "STR006"], 0));
}
