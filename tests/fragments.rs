//! Fragments (RULES.md, after ENV011): a paste that starts at a loop (an HL, a CLM, an LX) is
//! checked as far as it can be, with one ENV001 for the missing envelope on its first segment
//! and every other finding placed on the paste itself (positions count its segments, lines
//! and columns its text); nothing is said of the stand-in envelope and parent loops.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

use std::io::Write;
use std::process::{Command, Stdio};

fn template(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(path).unwrap()
}

/// The template's segments from the first starting with `from` up to (not including) SE.
fn cut(name: &str, from: &str) -> String {
    let text = template(name);
    let start = text.find(&format!("\n{from}")).unwrap() + 1;
    let end = text.find("\nSE*").unwrap() + 1;
    text[start..end].to_string()
}

/// `(code, segment, position, line, column)` of each finding on `text` read from stdin.
fn check(text: &str, extra: &[&str]) -> Vec<(String, String, u64, u64, u64)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--no-config", "--format", "json"])
        .args(extra)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = &d["segment"];
            (
                d["code"].as_str().unwrap().to_string(),
                s["id"].as_str().unwrap().to_string(),
                s["position"].as_u64().unwrap(),
                s["line"].as_u64().unwrap(),
                s["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn codes(found: &[(String, String, u64, u64, u64)]) -> Vec<&str> {
    found.iter().map(|f| f.0.as_str()).collect()
}

#[test]
fn a_clean_loop_fragment_has_only_its_envelope_finding() {
    for (name, from) in [
        ("fixtures/templates/837p.x12", "HL*1*"),
        ("fixtures/templates/837p.x12", "HL*2*"),
        ("fixtures/templates/837p.x12", "CLM*"),
        ("fixtures/templates/837p.x12", "LX*1"),
        ("fixtures/templates/837i.x12", "CLM*"),
        ("fixtures/templates/837i.x12", "LX*1"),
    ] {
        let found = check(&cut(name, from), &[]);
        let id = from.split('*').next().unwrap().to_string();
        assert_eq!(
            found,
            [("ENV001".into(), id, 1, 1, 1)],
            "{name} from {from}"
        );
    }
}

#[test]
fn findings_inside_a_claim_fragment_are_placed_on_the_paste() {
    let text = cut("fixtures/templates/837p.x12", "CLM*")
        .replace("LIN**N4*55513071001~", "LIN**N4*55513-710-01~")
        .replace("SV1*HC:96372*60*UN*1***1~", "SV1*HC:96372*60*UN*0***1~");
    let found = check(&text, &[]);
    assert_eq!(codes(&found), ["ENV001", "NDC002", "UNT001"]);
    // CLM is segment 1 of the paste, one per line: LIN is the 6th, the second SV1 the 9th.
    assert_eq!((found[1].2, found[1].3, found[1].4), (6, 6, 9));
    assert_eq!((found[2].1.as_str(), found[2].2, found[2].3), ("SV1", 9, 9));
    // Rule selection applies to the envelope finding too.
    let found = check(&text, &["--ignore", "ENV001"]);
    assert_eq!(codes(&found), ["NDC002", "UNT001"]);
}

#[test]
fn a_one_line_fragment_of_service_lines_keeps_its_columns() {
    let text = cut("fixtures/templates/837p.x12", "LX*1")
        .replace('\n', "")
        .replace("55513071001", "55513-710-01");
    let found = check(&text, &[]);
    assert_eq!(codes(&found), ["ENV001", "NDC002"]);
    let lin = text.find("LIN").unwrap() as u64;
    assert_eq!(found[1], ("NDC002".into(), "LIN".into(), 4, 1, lin + 9));
}

#[test]
fn an_st_fragment_and_text_that_is_not_x12_are_read_as_before() {
    let text = template("fixtures/templates/837p.x12");
    let st = &text[text.find("ST*").unwrap()..text.find("GE*").unwrap()];
    assert_eq!(codes(&check(st, &[])), ["ENV001"]);
    assert_eq!(
        check("HL7 is a standard\n", &[]),
        [("ENV001".into(), "".into(), 1, 1, 1)]
    );
}

#[test]
fn a_fragment_is_fixed_where_its_finding_is() {
    let text = cut("fixtures/templates/837p.x12", "CLM*").replace("55513071001", "55513-710-01");
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .args(["check", "--no-config", "--diff", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let diff = String::from_utf8_lossy(&o.stdout);
    assert!(
        diff.contains("-LIN**N4*55513-710-01~\n+LIN**N4*55513071001~\n"),
        "{diff}"
    );
    assert!(!diff.contains("+SE") && !diff.contains("+ST"), "{diff}");
}

/// A paste whose first segment id is in lower case (`clm*`, `hl*`, `st*`) is the fragment it
/// spells, as in a whole file: its ENV001 and one SYN001 per lower-case id. A lower-case `dtp`
/// still dates the paste (no SIT004 against the stand-in envelope's date). Was: one ENV001,
/// "not an X12 interchange", and nothing checked; SIT004 on every service date.
#[test]
fn a_fragment_in_lower_case_is_read_as_the_ids_it_spells() {
    for (name, from) in [
        ("fixtures/templates/837p.x12", "CLM*"),
        ("fixtures/templates/837p.x12", "HL*2*"),
        ("fixtures/templates/837i.x12", "LX*1"),
    ] {
        let upper = cut(name, from);
        let id = from.split('*').next().unwrap();
        let lower = upper.replacen(id, &id.to_ascii_lowercase(), 1);
        assert_eq!(
            sorted(&check(&lower, &[])),
            ["ENV001", "SYN001"],
            "{name} {from}"
        );
    }
    let st = template("fixtures/templates/837p.x12");
    let st = &st[st.find("ST*").unwrap()..st.find("GE*").unwrap()];
    assert_eq!(
        sorted(&check(&st.replacen("ST*", "st*", 1), &[])),
        ["ENV001", "SYN001"]
    );
    let dated = cut("fixtures/templates/837p.x12", "CLM*").replace("DTP*", "dtp*");
    let found = check(&dated, &[]);
    assert!(
        codes(&found)
            .iter()
            .all(|c| ["ENV001", "SYN001"].contains(c)),
        "{found:?}"
    );
}

fn sorted(found: &[(String, String, u64, u64, u64)]) -> Vec<&str> {
    let mut c = codes(found);
    c.sort_unstable();
    c
}
