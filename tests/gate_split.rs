//! `claimlint gate` (issue 16) on generated claims with injected defects: every claim goes to
//! exactly one of `accepted/NAME` and `rejected/NAME`, its segments byte for byte; each file
//! is a complete interchange (counts, control numbers, HL numbering) that lints clean but for
//! the injected defects; the 999 and the 277CA answer every claim. `fixtures/gate/mixed.837`
//! is `gen837 --size-mb 0.02 --claims-per-st 4 --kind mixed --newline --seed 7` (33 claims,
//! 837P and 837I groups). With `CLAIMLINT_ACK_KEEP=DIR` (.ci/run) every file written is copied
//! into DIR for pyx12's x12valid (scripts/check_999_pyx12.sh).
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

mod common;
use common::Scratch;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MIXED: &str = "fixtures/gate/mixed.837";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1768912440")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn scratch(name: &str) -> Scratch {
    let dir = Scratch::new(&format!("gate-split-{name}"));
    std::fs::create_dir_all(dir.join("in")).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `gate --format json` over `dir/in` into `dir/out`, with `extra` arguments: its output,
/// and `dir/out`.
fn gate_json(dir: &Path, extra: &[&str]) -> (Output, PathBuf) {
    let (inputs, out) = (dir.join("in"), dir.join("out"));
    let args = [
        "gate",
        "--no-config",
        s(&inputs),
        "-o",
        s(&out),
        "--format",
        "json",
    ];
    (run(&[&args[..], extra].concat()), out)
}

/// Copies what a test wrote into `$CLAIMLINT_ACK_KEEP` for pyx12: every 999, 277 and accepted
/// 837, and the rejected 837 when `valid_837s` (a rejected file carries its claims as sent,
/// syntax errors included, which no validator accepts).
fn keep_for_pyx12(name: &str, out: &Path, valid_837s: bool) {
    let Some(keep) = std::env::var_os("CLAIMLINT_ACK_KEEP") else {
        return;
    };
    let keep = PathBuf::from(keep);
    std::fs::create_dir_all(&keep).unwrap();
    for sub in ["accepted", "rejected", "acks"] {
        for e in std::fs::read_dir(out.join(sub))
            .into_iter()
            .flatten()
            .flatten()
        {
            let file = e.file_name().to_string_lossy().into_owned();
            let ext = if sub == "acks" {
                file.rsplit('.').next().unwrap_or("").to_string()
            } else if valid_837s || sub == "accepted" {
                "837".to_string()
            } else {
                continue;
            };
            let to = keep.join(format!("gate-{name}-{sub}-{file}.{ext}"));
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

/// Segments of an X12 text (terminator `~`, line breaks after it).
fn segments(text: &str) -> Vec<&str> {
    text.split('~')
        .map(|s| s.trim_start_matches(['\r', '\n']))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Each claim's segments (CLM up to the next HL, CLM or SE), joined.
fn claims(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Option<Vec<&str>> = None;
    for seg in segments(text) {
        let id = seg.split('*').next().unwrap_or("");
        if matches!(id, "HL" | "CLM" | "SE")
            && let Some(c) = cur.take()
        {
            out.push(c.join("~"));
        }
        if id == "CLM" {
            cur = Some(Vec::new());
        }
        if let Some(c) = cur.as_mut() {
            c.push(seg);
        }
    }
    out
}

fn clm01(claim: &str) -> String {
    claim.split('*').nth(1).unwrap_or("").to_string()
}

/// Checks an interchange's envelope: SE01 counts, ST02 = SE02, GE01/IEA01 counts, control
/// numbers match, HL01 numbered 1.. in each set with every HL02 an earlier HL01; returns ISA13s.
fn envelope_ok(text: &str) -> Vec<String> {
    let (mut isa13s, mut st_count, mut st02, mut sets, mut groups) = (Vec::new(), 0, "", 0, 0);
    let (mut gs06, mut hls) = ("", Vec::<String>::new());
    for seg in segments(text) {
        let el: Vec<&str> = seg.split('*').collect();
        st_count += 1;
        match el[0] {
            "ISA" => {
                isa13s.push(el[13].to_string());
                groups = 0;
            }
            "GS" => {
                gs06 = el[6];
                sets = 0;
                groups += 1;
            }
            "ST" => {
                st_count = 1;
                st02 = el[2];
                sets += 1;
                hls.clear();
            }
            "HL" => {
                assert_eq!(el[1], (hls.len() + 1).to_string(), "HL01 in order: {seg}");
                assert!(
                    el[2].is_empty() || hls.contains(&el[2].to_string()),
                    "HL02 names an earlier HL: {seg}"
                );
                hls.push(el[1].to_string());
            }
            "SE" => {
                assert_eq!(el[1], st_count.to_string(), "SE01: {seg}");
                assert_eq!(el[2], st02, "SE02: {seg}");
            }
            "GE" => {
                assert_eq!(el[1], sets.to_string(), "GE01: {seg}");
                assert_eq!(el[2], gs06, "GE02: {seg}");
            }
            "IEA" => {
                assert_eq!(el[1], groups.to_string(), "IEA01: {seg}");
                assert_eq!(Some(&el[2].to_string()), isa13s.last(), "IEA02: {seg}");
            }
            _ => {}
        }
    }
    isa13s
}

fn codes_of(check: &Output) -> Vec<String> {
    let v: Value = serde_json::from_slice(&check.stdout).unwrap();
    v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// `mixed.837` with three claim-level defects: a CLM02 that is not the sum of its lines
/// (BAL001) on the 5th and 20th claim, and an NDC of the wrong form (NDC002) on the first drug
/// line of the 11th.
fn with_defects() -> (String, Vec<String>) {
    let text = std::fs::read_to_string(root().join(MIXED)).unwrap();
    let originals = claims(&text);
    let mut out = text.clone();
    let mut rejected = Vec::new();
    for n in [4, 19] {
        let el: Vec<&str> = originals[n].split('*').collect();
        let clm = format!("CLM*{}*{}*", el[1], el[2]);
        out = out.replacen(&clm, &format!("CLM*{}*{}1*", el[1], el[2]), 1);
        rejected.push(el[1].to_string());
    }
    let c = originals
        .iter()
        .skip(10)
        .find(|c| c.contains("LIN**N4*"))
        .unwrap();
    let start = out.find(&format!("CLM*{}*", clm01(c))).unwrap();
    let at = start + out[start..].find("LIN**N4*").unwrap() + 8;
    out = format!("{}12AB{}", &out[..at], &out[at + 4..]);
    rejected.push(clm01(c));
    rejected.sort();
    (out, rejected)
}

#[test]
fn claims_are_split_byte_for_byte_into_valid_interchanges() {
    let dir = scratch("split");
    let (input, want_rejected) = with_defects();
    std::fs::write(dir.join("in/day.837"), &input).unwrap();
    let (o, out) = gate_json(&dir, &[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let accepted = std::fs::read_to_string(out.join("accepted/day.837")).unwrap();
    let rejected = std::fs::read_to_string(out.join("rejected/day.837")).unwrap();
    // Every claim in exactly one file, its segments as they were.
    let mut all: Vec<String> = claims(&accepted);
    all.extend(claims(&rejected));
    let mut original = claims(&input);
    assert_eq!(all.len(), original.len());
    all.sort();
    original.sort();
    assert_eq!(all, original);
    let mut got: Vec<String> = claims(&rejected).iter().map(|c| clm01(c)).collect();
    got.sort();
    assert_eq!(got, want_rejected);
    // Complete interchanges, with the control numbers the report names.
    let isa13 = |role: &str| -> Vec<String> {
        report["inputs"][0]["written"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["role"] == role)
            .map(|w| w["isa13"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(envelope_ok(&accepted), isa13("accepted"));
    assert_eq!(envelope_ok(&rejected), isa13("rejected"));
    assert_ne!(isa13("accepted"), isa13("rejected"));
    // The accepted file lints clean; the rejected one has only the injected defects.
    let check = run(&[
        "check",
        "--no-config",
        "--format",
        "json",
        s(&out.join("accepted/day.837")),
    ]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    assert!(codes_of(&check).is_empty(), "{:?}", codes_of(&check));
    let check = run(&[
        "check",
        "--no-config",
        "--format",
        "json",
        s(&out.join("rejected/day.837")),
    ]);
    let mut codes = codes_of(&check);
    codes.sort();
    assert_eq!(codes, ["BAL001", "BAL001", "NDC002"]);
    // The report lists each claim with its charge and findings.
    assert_eq!(report["summary"]["accepted"], 30);
    assert_eq!(report["summary"]["rejected"], 3);
    let r = &report["inputs"][0];
    assert_eq!(
        r["accepted"].as_array().unwrap().len() + r["rejected"].as_array().unwrap().len(),
        33
    );
    let first = &r["rejected"][0];
    assert!(first["charge"].as_str().is_some_and(|c| !c.is_empty()));
    assert!(first["findings"][0]["code"].is_string());
    ack_277_answers_every_claim(&out.join("acks/day.837.277"), &input, &want_rejected);
    assert!(out.join("acks/day.837.999").is_file());
    keep_for_pyx12("split", &out, false);
}

/// The 277CA: one TRN*2*CLM01 per claim, each with STC A2:20 (accepted) or, per finding,
/// A7:21 with the rule code in STC12 (rejected); SE01 counts; HL parents exist.
fn ack_277_answers_every_claim(path: &Path, input: &str, rejected: &[String]) {
    let text = std::fs::read_to_string(path).unwrap();
    envelope_ok(&text);
    assert!(text.contains("ST*277*0001*005010X214~"));
    let segs = segments(&text);
    let mut answered = Vec::new();
    for (i, seg) in segs.iter().enumerate() {
        let Some(id) = seg
            .strip_prefix("TRN*2*")
            .filter(|_| segs[i - 1].starts_with("NM1*QC") || segs[i - 1].starts_with("DTP*472"))
        else {
            continue;
        };
        let stc = segs[i + 1];
        if rejected.contains(&id.to_string()) {
            assert!(
                stc.starts_with("STC*A7:21*") && stc.contains("*U*"),
                "{stc}"
            );
            assert!(
                stc.contains("BAL001 - ") || stc.contains("NDC002 - "),
                "{stc}"
            );
        } else {
            assert!(
                stc.starts_with("STC*A2:20*") && stc.contains("*WQ*"),
                "{stc}"
            );
        }
        answered.push(id.to_string());
    }
    let mut want: Vec<String> = claims(input).iter().map(|c| clm01(c)).collect();
    want.sort();
    answered.sort();
    assert_eq!(answered, want);
}

#[test]
fn a_clean_input_is_all_forwarded_and_exits_0() {
    let dir = scratch("clean");
    let input = std::fs::read_to_string(root().join(MIXED)).unwrap();
    std::fs::write(dir.join("in/clean.837"), &input).unwrap();
    let out = dir.join("out");
    let o = run(&[
        "gate",
        "--no-config",
        s(&dir.join("in/clean.837")),
        "-o",
        s(&out),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(
        !out.join("rejected/clean.837").exists(),
        "no file when nothing is rejected"
    );
    let accepted = std::fs::read_to_string(out.join("accepted/clean.837")).unwrap();
    assert_eq!(claims(&accepted), claims(&input));
    envelope_ok(&accepted);
    keep_for_pyx12("clean", &out, true);
}

/// 837P template with a subscriber (2000B, HL04 = 1) and two patients (2000C) under it, and a
/// second subscriber who is the patient: the second patient's claim does not balance, and
/// the patient's birth date (2010CA) is not a date.
fn with_patients() -> String {
    let t = std::fs::read_to_string(root().join("fixtures/templates/837p.x12")).unwrap();
    let head_end = t.find("HL*2*1*22*0~").unwrap();
    let clm = t.find("CLM*").unwrap();
    let se = t.find("SE*").unwrap();
    let subscriber = &t[head_end..clm];
    let claim = &t[clm..se];
    let patient = |n: u32, parent: u32, name: &str, born: &str| {
        format!(
            "HL*{n}*{parent}*23*0~PAT*19~NM1*QC*1*DOE*{name}~N3*12 ELM ST~N4*SPRINGFIELD*IL*627021234~DMG*D8*{born}*F~"
        )
    };
    let body = format!(
        "{}{}{}{}{}{}{}",
        subscriber
            .replace("HL*2*1*22*0~", "HL*2*1*22*1~")
            .replace("SBR*P*18*", "SBR*P**"),
        patient(3, 2, "ANN", "20100101"),
        claim.replace("PAT1001-01", "PAT2001-01"),
        patient(4, 2, "BEN", "20101301"),
        claim
            .replace("PAT1001-01", "PAT2001-02")
            .replace("*2460***", "*2461***")
            .replace("20260115", "20260116"),
        subscriber
            .replace("HL*2*1*22*0~", "HL*5*1*22*0~")
            .replace("1EG4TE5MK73", "2EG4TE5MK73"),
        claim
            .replace("PAT1001-01", "PAT2001-03")
            .replace("20260115", "20260117"),
    );
    let mut text = format!("{}{body}{}", &t[..head_end], &t[se..]);
    let count = segments(&text[text.find("ST*").unwrap()..text.find("SE*").unwrap()]).len() + 1;
    text = text.replace("SE*28*0001~", &format!("SE*{count}*0001~"));
    text
}

#[test]
fn patient_loops_are_carried_and_renumbered() {
    let dir = scratch("patients");
    let input = with_patients();
    std::fs::write(dir.join("in/pt.837"), &input).unwrap();
    let check = run(&[
        "check",
        "--no-config",
        "--format",
        "json",
        s(&dir.join("in/pt.837")),
    ]);
    assert_eq!(codes_of(&check), ["SYN003", "BAL001"]);
    let out = dir.join("out");
    let o = run(&["gate", "--no-config", s(&dir.join("in")), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let accepted = std::fs::read_to_string(out.join("accepted/pt.837")).unwrap();
    let rejected = std::fs::read_to_string(out.join("rejected/pt.837")).unwrap();
    envelope_ok(&accepted);
    envelope_ok(&rejected);
    let hl = |t: &str| -> Vec<String> {
        segments(t)
            .into_iter()
            .filter(|s| s.starts_with("HL*"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        hl(&accepted),
        ["HL*1**20*1", "HL*2*1*22*1", "HL*3*2*23*0", "HL*4*1*22*0"]
    );
    assert_eq!(hl(&rejected), ["HL*1**20*1", "HL*2*1*22*1", "HL*3*2*23*0"]);
    assert!(rejected.contains("NM1*QC*1*DOE*BEN~"));
    let check = run(&[
        "check",
        "--no-config",
        "--format",
        "json",
        s(&out.join("accepted/pt.837")),
    ]);
    assert!(codes_of(&check).is_empty(), "{:?}", codes_of(&check));
    let ack = std::fs::read_to_string(out.join("acks/pt.837.277")).unwrap();
    assert!(ack.contains("NM1*QC*1*DOE*BEN****MI*"), "{ack}");
    // The finding in the patient's loop (2010CA) names the patient as the entity; the
    // unbalanced claim (2300) names none.
    assert!(ack.contains("STC*A3:21:QC*20260120*U*"), "{ack}");
    assert!(
        ack.contains("STC*A7:21*20260120*U*2461********BAL001 - "),
        "{ack}"
    );
    keep_for_pyx12("patients", &out, false);
}

#[test]
fn an_envelope_error_forwards_nothing_of_the_interchange() {
    let dir = scratch("envelope");
    let input = std::fs::read_to_string(root().join(MIXED)).unwrap();
    let se = input.find("\nSE*").unwrap() + 4;
    let bad = format!("{}9{}", &input[..se], &input[se..]);
    std::fs::write(dir.join("in/env.837"), &bad).unwrap();
    let (o, out) = gate_json(&dir, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.join("accepted/env.837").exists());
    let rejected = std::fs::read_to_string(out.join("rejected/env.837")).unwrap();
    assert_eq!(claims(&rejected).len(), 33);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        report["inputs"][0]["interchange_findings"][0]["code"],
        "ENV003"
    );
    let ack = std::fs::read_to_string(out.join("acks/env.837.999")).unwrap();
    assert!(ack.contains("IK5*R"), "{ack}");
    keep_for_pyx12("envelope", &out, true);
}

#[test]
fn a_file_sent_twice_is_caught_across_the_submission() {
    let dir = scratch("twice");
    let input = std::fs::read_to_string(root().join("fixtures/templates/837p.x12")).unwrap();
    std::fs::write(dir.join("in/a.837"), &input).unwrap();
    std::fs::write(
        dir.join("in/b.837"),
        input.replace("PAT1001-01", "PAT1001-02"),
    )
    .unwrap();
    // XCL001 is a warning: reported, not rejecting, under the default --fail-on error...
    let (o, out) = gate_json(&dir, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    // On the copy (b.837), not on the original it restates (a.837, first by path).
    assert_eq!(
        report["inputs"][1]["accepted"][0]["findings"][0]["code"],
        "XCL001"
    );
    assert_eq!(
        report["inputs"][0]["accepted"][0]["findings"]
            .as_array()
            .map(Vec::len),
        Some(0),
        "{report}"
    );
    // ... and rejecting under --fail-on warning (or --severity XCL001=error): the copy is
    // returned, the original forwarded.
    let (o, _) = gate_json(&dir, &["--severity", "XCL001=error"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out.join("accepted/a.837").is_file() && out.join("rejected/b.837").is_file());
    assert!(
        !out.join("accepted/b.837").exists(),
        "a stale file from the last run is removed"
    );
    let ack = std::fs::read_to_string(out.join("acks/b.837.277")).unwrap();
    assert!(
        ack.contains("STC*A7:21*") && ack.contains("XCL001 - claim PAT1001-02 duplicates"),
        "{ack}"
    );
    keep_for_pyx12("twice", &out, true);
}

#[test]
fn an_unreadable_input_fails_the_run_and_writes_nothing() {
    let dir = scratch("unreadable");
    let out = dir.join("out");
    let o = run(&[
        "gate",
        "--no-config",
        s(&dir.join("in/missing.837")),
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.join("accepted/missing.837").exists());
    assert!(!out.join("rejected/missing.837").exists());
}

#[test]
fn standard_input_is_gated_as_stdin_and_an_unwritable_dir_exits_2() {
    let dir = scratch("stdin");
    let out = dir.join("out");
    let input = std::fs::read(root().join("fixtures/templates/837p.x12")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(root())
        .args(["gate", "--no-config", "-", "-o", s(&out)])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &input).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(
        claims(&std::fs::read_to_string(out.join("accepted/stdin")).unwrap()),
        claims(&String::from_utf8(input).unwrap())
    );
    assert!(out.join("acks/stdin.277").is_file() && out.join("acks/stdin.999").is_file());
    // -o names a file: claimlint cannot write its results (exit 2).
    let file = dir.join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let o = run(&[
        "gate",
        "--no-config",
        "fixtures/templates/837p.x12",
        "-o",
        s(&file),
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A transaction set without a GS rejects its interchange (ENV004), and no valid 837 can hold
/// its claims: they are not in rejected/NAME, and the report says so instead of leaving them
/// out silently (`in_file: false`, and a line in the human report); the 277CA answers them,
/// and the missing 999 is explained (`not_acknowledged`).
#[test]
fn claims_outside_a_group_are_reported_as_not_in_the_rejected_file() {
    let dir = scratch("no-gs");
    let template = std::fs::read_to_string(root().join("fixtures/templates/837p.x12")).unwrap();
    let no_gs: String = template
        .lines()
        .filter(|l| !l.starts_with("GS*") && !l.starts_with("GE*"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("in/no-gs.837"), no_gs).unwrap();
    let (inputs, out) = (dir.join("in"), dir.join("out"));
    let args = ["gate", "--no-config", s(&inputs), "-o", s(&out)];
    let o = run(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(o.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let input = &report["inputs"][0];
    assert_eq!(input["interchange_findings"][0]["code"], "ENV004");
    assert_eq!(input["accepted"], serde_json::json!([]));
    assert_eq!(input["rejected"][0]["claim_id"], "PAT1001-01");
    assert_eq!(input["rejected"][0]["in_file"], false);
    assert!(!out.join("rejected/no-gs.837").exists());
    assert!(!out.join("accepted/no-gs.837").exists());
    // No group, so nothing for a 999 to acknowledge: said, not skipped silently.
    assert!(!out.join("acks/no-gs.837.999").exists());
    let why = input["not_acknowledged"][0].as_str().unwrap_or_default();
    assert!(why.contains("no functional group"), "{input}");
    let ack277 = std::fs::read_to_string(out.join("acks/no-gs.837.277")).unwrap();
    assert!(ack277.contains("PAT1001-01"), "{ack277}");
    let human = run(&args);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("not in the rejected 837"), "{text}");
    assert!(text.contains("no 999: "), "{text}");
}

/// What a transfer appends after the last IEA — a DOS end-of-file byte, NUL padding to a
/// block, between two interchanges too — is not data: the claims are accepted and
/// acknowledged as without it, where `TRAILER` text after the filler still rejects them
/// (ENV004, counting the 7 bytes of text, not the filler).
#[test]
fn transfer_filler_after_iea_rejects_nothing() {
    let dir = scratch("filler");
    let template = std::fs::read(root().join("fixtures/templates/837p.x12")).unwrap();
    let second = String::from_utf8(template.clone())
        .unwrap()
        .replace("000000001", "000000002")
        .into_bytes();
    let nul = [0u8; 400];
    let inputs: [(&str, Vec<u8>); 4] = [
        ("ctrl-z.837", [&template[..], b"\r\n\x1a"].concat()),
        ("nul-block.837", [&template[..], &nul[..]].concat()),
        (
            "padded-pair.837",
            [&template[..], &nul[..], &second].concat(),
        ),
        (
            "text.837",
            [&template[..], &nul[..], b"TRAILER", &nul[..]].concat(),
        ),
    ];
    for (name, bytes) in &inputs {
        std::fs::write(dir.join("in").join(name), bytes).unwrap();
    }
    let (o, out) = gate_json(&dir, &[]);
    assert_eq!(o.status.code(), Some(1), "text.837 is rejected");
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    for input in report["inputs"].as_array().unwrap() {
        let path = input["path"].as_str().unwrap();
        let accepted = input["accepted"].as_array().unwrap().len();
        let rejected = input["rejected"].as_array().unwrap().len();
        if path.ends_with("text.837") {
            assert_eq!((accepted, rejected), (0, 1), "{input}");
            let f = &input["interchange_findings"][0];
            assert_eq!(f["code"], "ENV004", "{input}");
            assert_eq!(
                f["message"],
                "7 bytes of data after IEA, outside any interchange"
            );
        } else {
            let claims = if path.ends_with("padded-pair.837") {
                2
            } else {
                1
            };
            assert_eq!((accepted, rejected), (claims, 0), "{input}");
            assert_eq!(
                input["interchange_findings"],
                serde_json::json!([]),
                "{input}"
            );
            let name = Path::new(path).file_name().unwrap().to_str().unwrap();
            let acks: Vec<_> = std::fs::read_dir(out.join("acks"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    let file = p.file_name().unwrap().to_str().unwrap();
                    file.starts_with(name) && file.ends_with(".999")
                })
                .collect();
            assert_eq!(acks.len(), claims, "{acks:?}");
            for ack in acks {
                let ack = std::fs::read_to_string(ack).unwrap();
                assert!(ack.contains("AK9*A*"), "{ack}");
            }
        }
    }
    for (name, _) in &inputs[..3] {
        let check = run(&[
            "check",
            "--no-config",
            "--format",
            "json",
            s(&dir.join("in").join(name)),
        ]);
        assert_eq!(check.status.code(), Some(0), "{name}");
        // The pair's second interchange restates the first one's claim: a duplicate (a
        // warning, on the copy), found in the one file as across files.
        let expected: &[&str] = if *name == "padded-pair.837" {
            &["XCL001"]
        } else {
            &[]
        };
        assert_eq!(codes_of(&check), expected, "{name}");
    }
}

/// Two interchanges in one file go to one accepted file and one 277CA: the summary names
/// each file written once (its JSON lists a file once per interchange written to it).
#[test]
fn each_file_written_is_named_once() {
    let dir = scratch("named-once");
    let template = std::fs::read_to_string(root().join("fixtures/templates/837p.x12")).unwrap();
    let second = template.replace("000000001", "000000002");
    let input = dir.join("in/pair.837");
    std::fs::write(&input, format!("{template}{second}")).unwrap();
    let out = dir.join("out");
    let o = run(&["gate", "--no-config", s(&input), "-o", s(&out)]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    for name in ["accepted/pair.837", "acks/pair.837.277"] {
        let line = format!("  wrote {}\n", s(&out.join(name)));
        assert_eq!(stdout.matches(&line).count(), 1, "{name}: {stdout}");
    }
}

/// Text between two interchanges rejects both (ENV004: data outside any interchange). Each
/// claim's answer names that, first: the summary says its interchange is rejected and why,
/// and its 277CA STC leads with the ENV004, not with a warning of its own (here the second
/// interchange restates the first's claim: XCL001 on the copy), which rejects nothing.
#[test]
fn a_claim_rejected_with_its_interchange_is_told_why() {
    let dir = scratch("between");
    let template = std::fs::read_to_string(root().join("fixtures/templates/837p.x12")).unwrap();
    let second = template.replace("000000001", "000000002");
    std::fs::write(
        dir.join("in/between.837"),
        format!("{template}--- next batch ---\n{second}"),
    )
    .unwrap();
    let o = run(&[
        "gate",
        "--no-config",
        s(&dir.join("in")),
        "-o",
        s(&dir.join("out")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        text.matches(
            "rejected PAT1001-01: its interchange is rejected (ENV004); on the claim: XCL001"
        )
        .count(),
        1,
        "{text}"
    );
    assert_eq!(
        text.matches("rejected PAT1001-01: its interchange is rejected (ENV004)\n")
            .count(),
        1,
        "{text}"
    );
    let ack = std::fs::read_to_string(dir.join("out/acks/between.837.277")).unwrap();
    let stcs: Vec<&str> = ack
        .split('~')
        .map(str::trim_start)
        .filter(|s| s.starts_with("STC*A3") || s.starts_with("STC*A7"))
        .collect();
    // The original: the ENV004; the copy: the ENV004, then its XCL001.
    assert_eq!(stcs.len(), 3, "{ack}");
    assert!(
        stcs[0].contains("ENV004") && stcs[1].contains("ENV004"),
        "{stcs:?}"
    );
    assert!(stcs[2].contains("XCL001"), "{stcs:?}");
    keep_for_pyx12("between", &dir.join("out"), false);
}

/// A transaction set the gate does not forward (an 835 in the submission: ENV005, an info
/// that alone fails nothing in `check`) rejects its interchange, and the report names it in
/// both formats: the run's exit 1 is never unexplained.
#[test]
fn an_interchange_held_back_for_a_set_it_cannot_forward_says_why() {
    let dir = scratch("835");
    std::fs::copy(
        root().join("fixtures/rules/ENV005/trip/835-skipped.x12"),
        dir.join("in/remit.x12"),
    )
    .unwrap();
    let (o, _) = gate_json(&dir, &[]);
    assert_eq!(o.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let why = &report["inputs"][0]["interchange_findings"];
    assert_eq!(why.as_array().map(Vec::len), Some(1), "{why}");
    assert_eq!(why[0]["code"], "ENV005");
    let o = run(&[
        "gate",
        "--no-config",
        s(&dir.join("in")),
        "-o",
        s(&dir.join("human")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(
            "  not forwarded: ENV005: transaction set 835 is not an 837 claim; it was skipped\n"
        ),
        "{text}"
    );
}

/// An interchange without an IEA ends where the next ISA starts: each claim is answered
/// once, in its own interchange. The first is rejected whole (ENV004); the second is judged
/// claim by claim, as it is alone, and its findings are not taken for the first's (which once
/// answered the second's claims in the first's 277CA as well, listing them twice).
#[test]
fn an_interchange_without_its_iea_keeps_its_claims_to_itself() {
    let (defective, want_rejected) = with_defects();
    let dir = scratch("no-iea");
    let input = std::fs::read_to_string(root().join(MIXED)).unwrap();
    let iea = input.find("IEA*").unwrap();
    let second = defective
        .replace("*000000001*", "*000000002*")
        .replace("*000000001~", "*000000002~");
    std::fs::write(
        dir.join("in/twice.837"),
        format!("{}{second}", &input[..iea]),
    )
    .unwrap();
    let (o, out) = gate_json(&dir, &[]);
    assert_eq!(o.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let input_report = &report["inputs"][0];
    let side = |s: &str| input_report[s].as_array().unwrap().len();
    assert_eq!(side("accepted") + side("rejected"), 66, "{input_report}");
    // The second interchange's claims: rejected by their own findings, the others accepted.
    assert_eq!(side("accepted"), 33 - want_rejected.len(), "{input_report}");
    assert_eq!(
        input_report["interchange_findings"][0]["code"], "ENV004",
        "{input_report}"
    );
    let ack = std::fs::read_to_string(out.join("acks/twice.837.277")).unwrap();
    assert_eq!(ack.matches("TRN*2*").count() - 2, 66, "{ack}");
    let rejected = std::fs::read_to_string(out.join("rejected/twice.837")).unwrap();
    let accepted = std::fs::read_to_string(out.join("accepted/twice.837")).unwrap();
    assert_eq!(claims(&rejected).len(), 33 + want_rejected.len());
    assert_eq!(claims(&accepted).len(), 33 - want_rejected.len());
}

/// Every file under `dir`, by its path below it.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for sub in ["accepted", "rejected", "acks"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap().flatten() {
            let name = format!("{sub}/{}", e.file_name().to_string_lossy());
            out.insert(name, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

/// The gate keeps an interchange's layouts between its two passes only up to a budget
/// (32 MiB); past it, the second pass lays each transaction set out again, a batch at a
/// time. Both ways, and switching midway, write the same files and the same report.
#[test]
fn laying_sets_out_again_changes_nothing() {
    let dir = scratch("relayout");
    let (input, _) = with_defects();
    std::fs::write(dir.join("in/day.837"), &input).unwrap();
    let iea = input.find("IEA*").unwrap();
    std::fs::write(
        dir.join("in/twice.837"),
        format!("{}{input}", &input[..iea]),
    )
    .unwrap();
    let out = dir.join("out");
    let runs = ["0", "3000", "33554432"].map(|keep| {
        let _ = std::fs::remove_dir_all(&out);
        let o = Command::new(env!("CARGO_BIN_EXE_claimlint"))
            .current_dir(root())
            .env("SOURCE_DATE_EPOCH", "1768912440")
            .env("CLAIMLINT_GATE_KEEP_BYTES", keep)
            .args(["gate", "--no-config", "--format", "json", "-o"])
            .args([s(&out), s(&dir.join("in"))])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        (o.stdout, tree(&out))
    });
    assert!(runs[0].1.len() >= 6, "{:?}", runs[0].1.keys());
    assert!(runs.iter().all(|r| r == &runs[0]));
}

/// A group whose GS lacks GS08 cannot be copied into a valid 837: its claims are neither
/// forwarded nor returned in one, so they must not pass as accepted. The interchange is
/// rejected (a set the gate could not split), each claim of that group says it is in no
/// file, and every claim is still answered once.
#[test]
fn a_group_whose_gs_lacks_gs08_rejects_its_interchange() {
    let dir = scratch("gs-short");
    let input = std::fs::read_to_string(root().join(MIXED)).unwrap();
    let gs = input.match_indices("\nGS*").nth(1).unwrap().0 + 1;
    let end = gs + input[gs..].find('~').unwrap();
    let short = input[gs..end].rsplit_once('*').unwrap().0.to_string();
    std::fs::write(
        dir.join("in/short.837"),
        format!("{}{short}{}", &input[..gs], &input[end..]),
    )
    .unwrap();
    let (o, out) = gate_json(&dir, &[]);
    assert_eq!(o.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &report["inputs"][0];
    assert_eq!(r["accepted"].as_array().unwrap().len(), 0, "{r}");
    let rejected = r["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 33);
    let not_in_file = rejected.iter().filter(|c| c["in_file"] == false).count();
    let returned = std::fs::read_to_string(out.join("rejected/short.837")).unwrap();
    assert!(not_in_file > 0);
    assert_eq!(claims(&returned).len() + not_in_file, 33);
    assert!(!out.join("accepted/short.837").exists());
}

/// The report's claim entries wait in two temporary files for the whole run, not two per
/// input: a gate of many inputs stays within a small limit of open files.
#[test]
fn many_inputs_stay_within_the_open_files_limit() {
    let dir = scratch("many");
    let input = std::fs::read_to_string(root().join(MIXED)).unwrap();
    for n in 0..60 {
        let own = input
            .replace("*000000001*", &format!("*{:09}*", n + 1))
            .replace("*000000001~", &format!("*{:09}~", n + 1));
        std::fs::write(dir.join(format!("in/f{n:02}.837")), own).unwrap();
    }
    let script = format!(
        "ulimit -n 40 && exec \"$0\" gate --no-config --format json -o {} {}",
        s(&dir.join("out")),
        s(&dir.join("in"))
    );
    let o = Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_claimlint")])
        .env("SOURCE_DATE_EPOCH", "1768912440")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["summary"]["accepted"], 60 * 33, "{err}");
}
