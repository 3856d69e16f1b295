//! 999 acknowledgments (005010X231A1), round trip: `claimlint ack` writes them, claimlint reads
//! them back (`report::x999::read` and the envelope checks of `claimlint check`), and what they
//! say matches the diagnostics of the 837 they acknowledge. pyx12's `x12valid` is run on them
//! by scripts/check_999_pyx12.sh, outside CI.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

use claimlint::report::x999;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// 2026-01-20 12:34 UTC, so the 999s are the same bytes every run.
const EPOCH: &str = "1768912440";

fn bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("claimlint-ack-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn ack(name: &str, inputs: &[&str]) -> (Output, PathBuf) {
    let dir = out_dir(name);
    let mut args = vec!["ack", "--no-config", "-o", dir.to_str().unwrap()];
    args.extend_from_slice(inputs);
    let out = bin(&args);
    keep_for_pyx12(name, &dir);
    (out, dir)
}

/// With `CLAIMLINT_ACK_KEEP=DIR` (set by .ci/run), copies every acknowledgment this test wrote
/// into DIR, where scripts/check_999_pyx12.sh has pyx12's x12valid validate each one: the round
/// trip is checked by an independent reader, not only by claimlint's own (issue 12).
fn keep_for_pyx12(name: &str, dir: &Path) {
    let Some(keep) = std::env::var_os("CLAIMLINT_ACK_KEEP") else {
        return;
    };
    let keep = PathBuf::from(keep);
    std::fs::create_dir_all(&keep).unwrap();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let to = keep.join(format!("{name}-{}", entry.file_name().to_string_lossy()));
        std::fs::copy(entry.path(), to).unwrap();
    }
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn a_clean_837_is_accepted() {
    let (o, dir) = ack("clean", &["fixtures/templates/837p.x12"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = read(&dir, "837p.000000001.999");
    insta::assert_snapshot!(text);
    let groups = x999::read(text.as_bytes());
    assert_eq!(groups.len(), 1);
    assert_eq!(
        (
            groups[0].control_number.as_str(),
            groups[0].status.as_str(),
            groups[0].counts
        ),
        ("1", "A", [1, 1, 1])
    );
    assert_eq!(groups[0].sets[0].status, "A");
}

#[test]
fn element_errors_become_ik3_ik4_with_the_claim() {
    let (o, dir) = ack("element", &["fixtures/rules/SYN007/trip/clm05-2-empty.x12"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a rejected set makes `ack` exit 1"
    );
    let text = read(&dir, "clm05-2-empty.000000001.999");
    insta::assert_snapshot!(text);
    let set = &x999::read(text.as_bytes())[0].sets[0];
    assert_eq!(set.status, "R");
    assert!(set.codes.contains(&"5".to_string()), "{set:?}");
    // CLM is the 18th segment of the template's transaction set; CLM05 is element 5.
    assert!(
        set.segments.contains(&("CLM".into(), 18, "8".into())),
        "{set:?}"
    );
    assert!(set.elements.contains(&(5, "1".into())), "{set:?}");
    assert_eq!(set.claims, ["PAT1001-01"]);
}

#[test]
fn envelope_errors_become_ik5_and_ak9_codes() {
    let (_, dir) = ack(
        "envelope",
        &[
            "fixtures/rules/ENV003/trip/se01-too-small.x12",
            "fixtures/rules/ENV003/trip/ge01-wrong.x12",
        ],
    );
    let se = &x999::read(read(&dir, "se01-too-small.000000001.999").as_bytes())[0];
    assert_eq!(
        (se.sets[0].status.as_str(), se.sets[0].codes.as_slice()),
        ("R", &["4".to_string()][..])
    );
    assert_eq!(se.status, "R");
    let ge = &x999::read(read(&dir, "ge01-wrong.000000001.999").as_bytes())[0];
    assert_eq!(ge.status, "R", "GE01 wrong rejects the group (AK905 = 5)");
    let text = read(&dir, "ge01-wrong.000000001.999");
    assert!(
        text.lines()
            .any(|l| l.starts_with("AK9*R*") && l.trim_end_matches('~').ends_with("*5")),
        "{text}"
    );
}

#[test]
fn snip_5_findings_stay_out_of_the_999() {
    // An NDC-HCPCS mismatch is an error, but it is the claim's business (277CA), not the
    // transaction set's: the set is accepted.
    let json = bin(&[
        "check",
        "--no-config",
        "--format",
        "json",
        "fixtures/rules/NDC004/trip",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let file =
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["diagnostics"].as_array().unwrap().iter().all(|d| {
                    d["code"].as_str().unwrap().starts_with("NDC") || d["severity"] != "error"
                })
            })
            .expect("an NDC004 fixture with only NDC errors");
    let path = file["path"].as_str().unwrap().to_string();
    let (_, dir) = ack("snip5", &[&path]);
    let stem = Path::new(&path)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let set = &x999::read(read(&dir, &format!("{stem}.000000001.999")).as_bytes())[0].sets[0];
    assert!(matches!(set.status.as_str(), "A" | "E"), "{set:?}");
}

#[test]
fn every_999_reads_back_clean() {
    // Every fixture, passing or tripping: the 999s must themselves be valid X12 that
    // claimlint's envelope checks accept, one per input interchange.
    let (_, dir) = ack("all", &["fixtures/rules"]);
    let mut n = 0;
    let mut ta1s = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ta1") {
            // Interchange rejections (ISA/IEA errors): ISA, one TA1 (TA104 R, a 3-digit
            // TA105), IEA with no group. (claimlint's envelope scan reads a TA1 outside a
            // group as STR003, so these are checked here.)
            let text = std::fs::read_to_string(&path).unwrap();
            let segs: Vec<&str> = text.split('~').map(str::trim).collect();
            let ta1: Vec<&str> = segs[1].split('*').collect();
            assert!(
                segs[0].starts_with("ISA*") && segs[0].len() == 105,
                "{text}"
            );
            assert_eq!((ta1[0], ta1[4], ta1[5].len()), ("TA1", "R", 3), "{text}");
            assert!(segs[2].starts_with("IEA*0*"), "{text}");
            ta1s += 1;
            continue;
        }
        let o = bin(&[
            "check",
            "--no-config",
            "--format",
            "json",
            path.to_str().unwrap(),
        ]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            v["files"][0]["diagnostics"],
            serde_json::json!([]),
            "{}",
            path.display()
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let groups = x999::read(text.as_bytes());
        assert!(!groups.is_empty(), "{}", path.display());
        for g in &groups {
            let accepted = g.sets.iter().filter(|s| s.status != "R").count() as u32;
            assert_eq!(
                g.counts[2],
                accepted,
                "AK904 counts the accepted sets: {}",
                path.display()
            );
        }
        n += 1;
    }
    assert!(n > 100, "only {n} 999s");
    assert!(ta1s >= 5, "only {ta1s} TA1s");
}

#[test]
fn check_ack_writes_the_same_999_as_ack() {
    let dir = out_dir("check-ack");
    let o = bin(&[
        "check",
        "--no-config",
        "--quiet",
        "--ack",
        dir.to_str().unwrap(),
        "fixtures/rules/SYN007/trip/clm05-2-empty.x12",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let (_, other) = ack(
        "check-ack-2",
        &["fixtures/rules/SYN007/trip/clm05-2-empty.x12"],
    );
    assert_eq!(
        read(&dir, "clm05-2-empty.000000001.999"),
        read(&other, "clm05-2-empty.000000001.999")
    );
}

/// A GS01/GS06 that a 999 cannot echo (AK101 2 characters, AK102 1-9 digits) gets no 999 that
/// pyx12 or a payer would reject: the group is "not acknowledged" and the run fails.
#[test]
fn a_group_whose_gs_cannot_be_echoed_is_not_acknowledged() {
    for name in ["gs06-ten-digits", "gs01-three-characters"] {
        let path = format!("fixtures/rules/ENV010/trip/{name}.x12");
        let (out, dir) = ack(&format!("unechoable-{name}"), &[&path]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("not acknowledged"), "{name}: {stdout}");
        let written = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert_eq!(written, 0, "{name}: no 999 may be written");
    }
}

/// Issue 14 §3: an input that is not X12 (prose that starts with `ISA is…`, a CSV, an archive)
/// is not an interchange: nothing is acknowledged, no TA1 addressed to words of the text; a
/// fixed-width ISA whose ISA11 is its element separator gets a TA1 echoing its real ISA13.
#[test]
fn not_x12_gets_no_acknowledgment() {
    for name in ["prose-starting-isa", "csv-export", "zip-archive"] {
        let path = format!("fixtures/rules/ENV001/trip/{name}.x12");
        let (out, dir) = ack(&format!("not-x12-{name}"), &[&path]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("nothing to acknowledge"),
            "{name}: {stdout}"
        );
        let written = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert_eq!(written, 0, "{name}: nothing may be written");
    }
    let (out, dir) = ack(
        "isa11-star",
        &["fixtures/rules/ENV007/trip/isa11-is-element-separator.x12"],
    );
    assert_eq!(out.status.code(), Some(1));
    let ta1 = read(&dir, "isa11-is-element-separator.000000001.ta1");
    assert!(ta1.contains("TA1*000000001*260120*1200*R*"), "{ta1}");
}
