//! 999 acknowledgments (005010X231A1), round trip: `claimlint ack` writes them, claimlint reads
//! them back (`report::x999::read` and the envelope checks of `claimlint check`), and what they
//! say matches the diagnostics of the 837 they acknowledge. pyx12's `x12valid` is run on them
//! by scripts/check_999_pyx12.sh, outside CI.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

mod common;
use claimlint::report::x999;
use common::Scratch;
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

fn out_dir(name: &str) -> Scratch {
    Scratch::unmade(&format!("ack-{name}"))
}

fn ack(name: &str, inputs: &[&str]) -> (Output, Scratch) {
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

/// Runs `ack` on the 837P template edited by `edit` (issue 12/13: every 999 claimlint writes is
/// valid for any input); returns the run and the 999 it wrote, if any.
fn ack_edited(name: &str, edit: impl Fn(&str) -> String) -> (Output, Option<String>) {
    let (out, text, _) = ack_edited_in(name, edit);
    (out, text)
}

/// `ack_edited`, with the folder the acknowledgments were written to.
fn ack_edited_in(name: &str, edit: impl Fn(&str) -> String) -> (Output, Option<String>, Scratch) {
    let template = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/templates/837p.x12"),
    )
    .unwrap();
    let src = out_dir(&format!("{name}-in"));
    std::fs::create_dir_all(&src).unwrap();
    let path = src.join(format!("{name}.x12"));
    std::fs::write(&path, edit(&template)).unwrap();
    let (out, dir) = ack(name, &[path.to_str().unwrap()]);
    let text = std::fs::read_to_string(dir.join(format!("{name}.000000001.999"))).ok();
    (out, text, dir)
}

/// Asserts the run wrote no 999, said why ("not acknowledged: ..." naming `what`) and failed.
fn not_acknowledged(name: &str, edit: impl Fn(&str) -> String, what: &str) {
    let (out, text) = ack_edited(name, edit);
    assert_eq!(out.status.code(), Some(1), "{name}: the run fails");
    assert!(text.is_none(), "{name}: no 999 may be written: {text:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("not acknowledged: ") && stdout.contains(what),
        "{name}: {stdout}"
    );
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// A segment id a 999 cannot echo (IK301 is 2-3 letters or digits): no IK3 names it; the set
/// is rejected with IK502 5 (one or more segments in error). Was `IK3*7*25*2410*1`.
#[test]
fn a_segment_id_a_999_cannot_echo_rejects_the_set_without_an_ik3() {
    let (out, text) = ack_edited("segid", |t| t.replace("LX*2~", "7*X~\nLX*2~"));
    assert_eq!(out.status.code(), Some(1));
    let text = text.unwrap();
    assert!(!text.contains("IK3*7"), "{text}");
    assert!(lines(&text).contains(&"IK5*R*4*5~"), "{text}");
}

/// An element position over 99 (IK401 is 1-2 digits) is not written as an IK4.
#[test]
fn an_element_position_over_99_is_not_written_as_an_ik4() {
    let (_, text) = ack_edited("el100", |t| {
        t.replace("LX*2~", &format!("LX*2{}X~", "*".repeat(110)))
    });
    let text = text.unwrap();
    assert!(!text.contains("IK4*"), "{text}");
    assert!(lines(&text).contains(&"IK5*R*5~"), "{text}");
}

/// GS08 longer than AK103's 12 characters: the group is not acknowledged. Was
/// `AK1*HC*1*005010X222A1XYZ`.
#[test]
fn a_gs08_a_999_cannot_echo_is_not_acknowledged() {
    not_acknowledged(
        "gs08",
        |t| t.replacen("*X*005010X222A1~", "*X*005010X222A1XYZ~", 1),
        "GS08 \"005010X222A1XYZ\"",
    );
}

/// GS01 not a functional identifier the 999 acknowledges (AK101's code list).
#[test]
fn a_gs01_outside_ak101_is_not_acknowledged() {
    not_acknowledged("gs01xx", |t| t.replace("GS*HC*", "GS*XX*"), "GS01 \"XX\"");
}

/// A garbled ST01 (not one of AK201's codes, or empty): the group is not acknowledged. Was
/// `AK2*Y*0001` and an empty AK201.
#[test]
fn a_garbled_st01_is_not_acknowledged() {
    not_acknowledged("st01y", |t| t.replace("ST*837*", "ST*Y*"), "ST01 \"Y\"");
    not_acknowledged("st01empty", |t| t.replace("ST*837*", "ST**"), "ST01 \"\"");
}

/// ST02 holding the component separator cannot be echoed in AK202.
#[test]
fn an_st02_with_a_delimiter_is_not_acknowledged() {
    not_acknowledged(
        "st02colon",
        |t| t.replace("ST*837*0001*", "ST*837*00:01*"),
        "ST02 \"00:01\"",
    );
}

/// ST03 longer than AK203's 35 characters is not echoed (AK203 is situational).
#[test]
fn an_st03_a_999_cannot_echo_is_left_out_of_the_ak2() {
    let (_, text) = ack_edited("st03", |t| {
        t.replace(
            "ST*837*0001*005010X222A1~",
            "ST*837*0001*005010X222A1-AND-MORE-THAN-35-CHARACTERS~",
        )
    });
    let text = text.unwrap();
    assert!(lines(&text).contains(&"AK2*837*0001~"), "{text}");
}

/// GS02 with the component separator in it: the 999's GS03 is the ISA's sender instead. Was
/// `GS*FA*RECEIVER*SEN:DER*...`.
#[test]
fn a_gs02_with_a_delimiter_is_replaced_by_the_isa_id() {
    let (out, text) = ack_edited("gs02", |t| t.replace("GS*HC*SENDER*", "GS*HC*SEN:DER*"));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        lines(&text.unwrap())[1],
        "GS*FA*RECEIVER*SENDER*20260120*1234*1*X*005010X231A1~"
    );
}

/// A CLM01 longer than CTX01-2's 35 characters gets no CTX; the IK3 stays.
#[test]
fn a_claim_id_over_35_characters_gets_no_ctx() {
    let (_, text) = ack_edited("longclm", |t| {
        t.replace(
            "CLM*PAT1001-01*",
            "CLM*CLAIM-ID-OF-THIRTY-EIGHT-CHARACTERS-01*",
        )
        .replace("LX*2~", "LX~")
    });
    let text = text.unwrap();
    assert!(lines(&text).contains(&"IK3*LX*25*2400*8~"), "{text}");
    assert!(!text.contains("CTX"), "{text}");
}

/// A TA1 echoes ISA09/ISA10 only when they are a real date and time (TA102 DT, TA103 TM);
/// otherwise it carries the acknowledgment's own. Was `TA1*000000001*260230*...`.
#[test]
fn a_ta1_never_echoes_an_impossible_date_or_time() {
    let (out, dir) = ack("ta1-date", &["fixtures/rules/ENV007/trip/feb-30.x12"]);
    assert_eq!(out.status.code(), Some(1));
    let text = read(&dir, "feb-30.000000001.ta1");
    assert_eq!(lines(&text)[1], "TA1*000000001*260120*1200*R*014~");
    let (out, text, dir) = ack_edited_in("ta1-time", |t| t.replacen("*1200*^*", "*9999*^*", 1));
    assert_eq!(out.status.code(), Some(1));
    assert!(text.is_none());
    let ta1 = read(&dir, "ta1-time.000000001.ta1");
    assert_eq!(lines(&ta1)[1], "TA1*000000001*260120*1234*R*015~");
}

/// An ISA whose sender or receiver qualifier is not a code an acknowledgment may carry (I05:
/// 01, 14, 20, 27, 28, 29, 30, 33, ZZ): neither a 999 nor a TA1 can be addressed; the
/// interchange is not acknowledged. Was `ISA*00*...*A *RECEIVER...` (pyx12: not a valid code).
#[test]
fn an_isa_qualifier_an_acknowledgment_cannot_carry_is_not_acknowledged() {
    not_acknowledged(
        "isa05",
        |t| t.replacen("*ZZ*SENDER ", "*A *SENDER ", 1),
        "ID qualifiers an acknowledgment may carry",
    );
    // With an IEA error too (a TA1's case), still no acknowledgment.
    not_acknowledged(
        "isa07-iea",
        |t| {
            t.replacen("*ZZ*RECEIVER ", "*9Z*RECEIVER ", 1)
                .replace("IEA*1*", "IEA*2*")
        },
        "ID qualifiers an acknowledgment may carry",
    );
}

/// A GS08 of blanks: AK103 is required, so the group is not acknowledged. Was `AK1*HC*1`.
#[test]
fn a_blank_gs08_is_not_acknowledged() {
    not_acknowledged(
        "gs08blank",
        |t| t.replacen("*X*005010X222A1~", "*X* ~", 1),
        "GS08 \"\"",
    );
}

/// A set whose ST is left out is one ENV004 and a 999 that rejects its group (AK905 5: the
/// group holds no set a receiver can read, where GE01 counts one), never one accepting it.
#[test]
fn a_set_without_st_rejects_its_group() {
    let (out, text) = ack_edited("nost", |t| t.replace("ST*837*0001*005010X222A1~", ""));
    assert_eq!(out.status.code(), Some(1));
    let text = text.unwrap();
    let l = lines(&text);
    assert!(l.contains(&"AK9*R*1*0*0*5~"), "{text}");
    assert!(!l.iter().any(|l| l.starts_with("AK2")), "{text}");
}

/// A guide padded with spaces is read (its element findings are coded with their element
/// reference numbers) and rejected as a receiver would: a padded ST03 is IK502 19 on its set,
/// a padded GS08 AK905 2 on its group, with each set rejected, never accepted.
#[test]
fn a_padded_guide_is_rejected_and_still_read() {
    let (out, text) = ack_edited("stpad", |t| {
        t.replace("ST*837*0001*005010X222A1~", "ST*837*0001* 005010X222A1~")
            .replace("*****XX*1234567893~", "*****ZZ*1234567893~")
    });
    assert_eq!(out.status.code(), Some(1));
    let text = text.unwrap();
    let l = lines(&text);
    assert!(l.contains(&"IK4*8*66*7*ZZ~"), "{text}");
    assert!(l.contains(&"IK5*R*19*5~"), "{text}");
    let (out, text) = ack_edited("gspad", |t| {
        t.replace("*X*005010X222A1~", "*X*005010X222A1 ~")
    });
    assert_eq!(out.status.code(), Some(1));
    let text = text.unwrap();
    let l = lines(&text);
    assert!(l.contains(&"IK5*R*I6~"), "{text}");
    assert!(l.contains(&"AK9*R*1*1*0*2~"), "{text}");
}

/// A segment with a trailing separator (SYN006, IK304 8) and an element error (SYN007, IK4)
/// is one IK3 with its IK4, not two IK3 loops for the one segment.
#[test]
fn one_segment_is_one_ik3() {
    let (_, text, dir) = ack_edited_in("oneik3", |t| {
        t.replace("SV1*HC:J0897:JZ*2400", "SV1*HC::JZ:*2400")
    });
    let text = text.unwrap();
    let ik3: Vec<&str> = lines(&text)
        .into_iter()
        .filter(|l| l.starts_with("IK3*"))
        .collect();
    assert_eq!(ik3, ["IK3*SV1*21*2400*8~"], "{text}");
    assert!(lines(&text).contains(&"IK4*1:2*234*1~"), "{text}");
    keep_for_pyx12("oneik3", &dir);
}

/// An HL written a few segments from its place (`HL*2` below the subscriber's SBR, NM1*IL
/// and N3): one IK3, on the HL (the one finding, `structure::hl_moved`), not one for each
/// segment it passed; the set is rejected.
#[test]
fn an_hl_moved_is_one_ik3() {
    let (_, text, dir) = ack_edited_in("hlmoved", |t| {
        t.replacen("HL*2*1*22*0~\n", "", 1).replacen(
            "N3*12 ELM ST~\n",
            "N3*12 ELM ST~\nHL*2*1*22*0~\n",
            1,
        )
    });
    let text = text.unwrap();
    let ik3: Vec<&str> = lines(&text)
        .into_iter()
        .filter(|l| l.starts_with("IK3*"))
        .collect();
    assert_eq!(ik3, ["IK3*HL*14*2000*2~"], "{text}");
    assert!(lines(&text).contains(&"IK5*R*5~"), "{text}");
    keep_for_pyx12("hlmoved", &dir);
}

/// An envelope segment id written in lower case is read as the id it spells (SYN001, one
/// finding), and acknowledged as a receiver that reads ids as written sees it: `gs` is no
/// functional group header (TA1 024, invalid interchange content), `iea` no trailer (TA1
/// 023), `ge` no group trailer (a 999 rejecting the group, AK905 3), `se` no set trailer
/// (IK502 2). Was: `gs` got a 999 accepting the set; `se` an IK3 with code 1.
#[test]
fn an_envelope_id_in_lower_case_is_acknowledged_as_missing() {
    for (name, from, to, note) in [
        ("lower-gs", "GS*HC*", "gs*HC*", "024"),
        ("lower-iea", "IEA*1*", "iea*1*", "023"),
    ] {
        let (out, text, dir) = ack_edited_in(name, |t| t.replacen(from, to, 1));
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(text.is_none(), "{name}: no 999 beside the TA1: {text:?}");
        let ta1 = read(&dir, &format!("{name}.000000001.ta1"));
        assert_eq!(
            lines(&ta1)[1],
            format!("TA1*000000001*260120*1200*R*{note}~"),
            "{name}"
        );
    }
    let (out, text, _) = ack_edited_in("lower-ge", |t| t.replacen("GE*1*", "ge*1*", 1));
    assert_eq!(out.status.code(), Some(1));
    let text = text.expect("a 999");
    assert!(lines(&text).contains(&"AK9*R*1*1*1*3~"), "{text}");
    // `se`: the set's trailer is missing (IK502 2), as for `ge` the group's.
    let (out, text, _) = ack_edited_in("lower-se", |t| t.replacen("SE*28*", "se*28*", 1));
    assert_eq!(out.status.code(), Some(1));
    let text = text.expect("a 999");
    assert!(lines(&text).contains(&"IK5*R*2~"), "{text}");
}

/// An envelope segment with a separator slip is one finding (RULES.md, "One root cause, one
/// error"), and the interchange, group or set it spoils is still rejected as before: a TA1 for
/// the IEA's count (021) or control number (001), AK905 5 or 4 for the GE's, IK5 4 for SE01
/// left out, AK905 2 for a GS whose GS08 a separator too many moved (AK1 echoing GS01, GS06
/// and GS08 as meant), and the set's own IK3/IK4 for an ST read as meant.
#[test]
fn an_envelope_slip_still_rejects() {
    let cases: [(&str, &str, &str, &str); 7] = [
        ("IEA*1*000000001~", "IEA**1*000000001~", "ta1", "*R*021~"),
        ("IEA*1*000000001~", "IEA*1**000000001~", "ta1", "*R*001~"),
        ("GE*1*1~", "GE**1*1~", "999", "AK9*R*1*1*1*5~"),
        ("GE*1*1~", "GE*1**1~", "999", "AK9*R*1*1*1*4~"),
        ("SE*28*0001~", "SE*0001~", "999", "IK5*R*4~"),
        (
            "GS*HC*SENDER*",
            "GS*HC**SENDER*",
            "999",
            "AK1*HC*1*005010X222A1~",
        ),
        (
            "ST*837*0001*",
            "ST*837**0001*",
            "999",
            "AK2*837*0001*005010X222A1~",
        ),
    ];
    for (k, (from, to, kind, says)) in cases.into_iter().enumerate() {
        let name = format!("slip-{k}");
        let (out, _, dir) = ack_edited_in(&name, |t| t.replacen(from, to, 1));
        assert_eq!(out.status.code(), Some(1), "{to}");
        let file = format!("{name}.000000001.{kind}");
        let text = read(&dir, &file);
        assert!(text.contains(says), "{to}: {text}");
        if kind == "999" {
            assert!(text.contains("AK9*R*"), "{to}: {text}");
        }
    }
}

/// The envelope swaps reject as `check` and `gate` do, under any rule selection. ST and BHT
/// swapped: the one STR003 codes the set's missing BHT (one IK3*BHT, at position 2); with
/// STR003 ignored its STR002 does (still one); with only ENV rules selected nothing is found
/// and the 999 accepts, as `check` does. ISA and GS swapped: the ENV001 on the GS rejects
/// the interchange with a TA1 (022, invalid control structure), not a 999 that accepts it.
#[test]
fn envelope_swaps_reject_under_any_selection() {
    let template = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/templates/837p.x12"),
    )
    .unwrap();
    let src = out_dir("swaps-in");
    std::fs::create_dir_all(&src).unwrap();
    let bht = "BHT*0019*00*BATCH1*20260120*1200*CH~\n";
    let swapped = template
        .replacen(bht, "", 1)
        .replacen("ST*837*", &format!("{bht}ST*837*"), 1);
    let path = src.join("bht.x12");
    std::fs::write(&path, swapped).unwrap();
    let path = path.to_str().unwrap();
    let cases: [(&[&str], usize, &str, i32); 3] = [
        (&[], 1, "IK5*R*5~", 1),
        (&["--ignore", "STR003"], 1, "IK5*R*5~", 1),
        (&["--select", "ENV"], 0, "IK5*A~", 0),
    ];
    for (k, (selection, ik3s, ik5, status)) in cases.into_iter().enumerate() {
        let name = format!("bht-before-st-{k}");
        let mut args = selection.to_vec();
        args.push(path);
        let (out, dir) = ack(&name, &args);
        let text = read(&dir, "bht.000000001.999");
        let found = lines(&text)
            .iter()
            .filter(|l| l.starts_with("IK3*BHT*2**3"))
            .count();
        assert_eq!(
            (found, text.contains(ik5)),
            (ik3s, true),
            "{selection:?}: {text}"
        );
        assert_eq!(out.status.code(), Some(status), "{selection:?}");
    }
    let mut gs_first = lines(&template);
    gs_first.swap(0, 1);
    let path = src.join("gs.x12");
    std::fs::write(&path, gs_first.join("\n") + "\n").unwrap();
    let (out, dir) = ack("gs-before-isa", &[path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(read(&dir, "gs.000000001.ta1").contains("*R*022~"));
    assert!(!dir.join("gs.000000001.999").exists());
}

/// A set cut off together with its group by the next GS is one ENV004 on the set; the group's
/// missing GE is still coded in the 999 (AK905 3), at ENV004's default severity and lowered to
/// a warning alike (then AK9 `E`), as a finding of its own on the GS coded it.
#[test]
fn a_group_cut_with_its_set_keeps_ak905_3_at_any_severity() {
    let f = "fixtures/rules/ENV004/trip/set-and-group-cut-off-by-the-next-gs.x12";
    for (name, extra, status) in [
        ("cut-by-gs", &[][..], "R"),
        (
            "cut-by-gs-warning",
            &["--severity", "ENV004=warning"][..],
            "E",
        ),
    ] {
        let dir = out_dir(name);
        let mut args = vec!["ack", "--no-config", "-o", dir.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.push(f);
        bin(&args);
        keep_for_pyx12(name, &dir);
        let text = read(&dir, "set-and-group-cut-off-by-the-next-gs.000000001.999");
        let ak9 = text
            .lines()
            .find(|l| l.starts_with("AK9*"))
            .unwrap_or_default();
        assert!(
            ak9.starts_with(&format!("AK9*{status}*")) && ak9.trim_end_matches('~').ends_with("*3"),
            "{name}: {text}"
        );
    }
}
