//! A file wrapped at a fixed width (every line but the last the same length, so line breaks
//! cut segments and the ISA: mainframe card images, translators' "wrap by line length") is
//! one SYN005, not one per segment it cuts: it is checked with the line breaks taken out, and
//! every finding is placed on the wrapped file. Checked on the library's shared check (which
//! the editor and `--fix` use) and through the built binary: `check`, `--ack`, `--fix`, `gate`.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

mod common;
use claimlint::config::Settings;
use common::Scratch;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const P837: &str = include_str!("../fixtures/templates/837p.x12");
const I837: &str = include_str!("../fixtures/templates/837i.x12");
const SAMPLE: &str = include_str!("../fixtures/samples/clinic-day1.837");
const SAMPLE_I: &str = include_str!("../fixtures/samples/hospital-outpatient.837");

/// `text` as one stream: the line breaks after segment terminators taken out.
fn flat(text: &str) -> String {
    text.replace(['\r', '\n'], "")
}

/// `text` cut into lines of `width` bytes, joined by `brk`.
fn wrap(text: &str, width: usize, brk: &str) -> String {
    text.as_bytes()
        .chunks(width)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(brk)
}

fn check(bytes: &[u8]) -> Vec<claimlint_diagnostic::Diagnostic> {
    claimlint::edit::fragment::check(bytes, &Settings::default()).diagnostics
}

/// The bytes a span covers, line breaks left out.
fn covered(text: &[u8], offset: usize, length: usize) -> Vec<u8> {
    text[offset..offset + length]
        .iter()
        .copied()
        .filter(|b| !matches!(b, b'\r' | b'\n'))
        .collect()
}

/// The offset of the first line break of `wrapped` that is not right after a terminator.
fn first_cut(wrapped: &[u8], width: usize, brk: &str) -> usize {
    let step = width + brk.len();
    (1..)
        .map(|k| k * step - brk.len())
        .find(|&at| wrapped[at - 1] != b'~')
        .unwrap()
}

/// 1-based line and column of `offset` counted in `text`, as OUTPUT.md counts them: lines end
/// at `\n` alone (a lone `\r` is a byte of its line).
fn line_col(text: &[u8], offset: usize) -> (u32, u32) {
    let ends = |i: usize| text[i] == b'\n';
    let line = (0..offset).filter(|&i| ends(i)).count() + 1;
    let column = (0..offset).rev().take_while(|&i| !ends(i)).count() + 1;
    (line as u32, column as u32)
}

type Diagnostic = claimlint_diagnostic::Diagnostic;

/// The findings `got` on `wrapped` are those `want` on `plain`: the same codes and messages,
/// on the same bytes (line breaks left out).
fn same_findings(case: &str, got: (&[u8], &[&Diagnostic]), want: (&[u8], &[Diagnostic])) {
    same_findings_but(case, got, want, &[]);
}

/// `same_findings`, where the bytes at `gone` (offsets in `plain`: blanks a wrapper trimmed)
/// are not in `wrapped`.
fn same_findings_but(
    case: &str,
    got: (&[u8], &[&Diagnostic]),
    want: (&[u8], &[Diagnostic]),
    gone: &[usize],
) {
    let (wrapped, got) = got;
    let (plain, want) = want;
    let codes = |ds: Vec<&Diagnostic>| -> Vec<(&str, String)> {
        ds.into_iter()
            .map(|d| (d.code, d.message.clone()))
            .collect()
    };
    assert_eq!(codes(got.to_vec()), codes(want.iter().collect()), "{case}");
    for (g, w) in got.iter().zip(want) {
        let kept: Vec<u8> = (w.loc.offset..w.loc.offset + w.loc.length)
            .filter(|i| !gone.contains(i))
            .map(|i| plain[i])
            .filter(|b| !matches!(b, b'\r' | b'\n'))
            .collect();
        assert_eq!(
            covered(wrapped, g.loc.offset, g.loc.length),
            kept,
            "{case}: {} {}",
            g.code,
            g.message
        );
    }
}

#[test]
fn a_wrapped_file_is_its_findings_and_one_syn005() {
    for source in [P837, I837, SAMPLE, SAMPLE_I] {
        let plain = flat(source);
        let want = check(plain.as_bytes());
        for width in [40, 51, 52, 64, 80, 104, 105, 106, 128] {
            for brk in ["\n", "\r\n", "\r"] {
                let wrapped = wrap(&plain, width, brk);
                let got = check(wrapped.as_bytes());
                let case = format!("width {width}, break {brk:?}");
                let fold: Vec<_> = got
                    .iter()
                    .filter(|d| d.message.contains("wrapped"))
                    .collect();
                assert_eq!(fold.len(), 1, "{case}: {got:#?}");
                let fold = fold[0];
                assert_eq!(fold.code, "SYN005", "{case}");
                // On the interchange's ISA, naming where its first cut is.
                assert_eq!(
                    (fold.loc.segment.as_str(), fold.loc.offset, fold.loc.length),
                    ("ISA", 0, 3),
                    "{case}"
                );
                let first = first_cut(wrapped.as_bytes(), width, brk);
                let (line, column) = line_col(wrapped.as_bytes(), first);
                assert!(
                    fold.message
                        .starts_with(&format!("the interchange is wrapped at {width} characters"))
                        && fold
                            .message
                            .contains(&format!("the first at line {line}, column {column} (")),
                    "{case}: {}",
                    fold.message
                );
                // Every other finding is the unwrapped file's, on the same bytes.
                let rest: Vec<_> = got.iter().filter(|d| !std::ptr::eq(*d, fold)).collect();
                same_findings(
                    &case,
                    (wrapped.as_bytes(), &rest),
                    (plain.as_bytes(), &want),
                );
                for g in rest {
                    let at = line_col(wrapped.as_bytes(), g.loc.offset);
                    assert_eq!((g.line, g.column), at, "{case}");
                }
            }
        }
    }
}

/// `text` cut into lines of `width` bytes as a mail client or editor that trims the blanks
/// ending each line writes it, joined by `brk`; with the offsets in `text` of the blanks it
/// trimmed.
fn wrap_trimmed(text: &str, width: usize, brk: &str) -> (String, Vec<usize>) {
    let wrapped = wrap(text, width, "\n");
    let lines: Vec<&str> = wrapped.split('\n').collect();
    let mut gone = Vec::new();
    for (k, line) in lines[..lines.len() - 1].iter().enumerate() {
        let kept = line.trim_end_matches(' ').len();
        gone.extend(k * width + kept..(k + 1) * width);
    }
    let trimmed: Vec<&str> = lines.iter().map(|l| l.trim_end_matches(' ')).collect();
    let last = lines.len() - 1;
    (trimmed[..last].join(brk) + brk + lines[last], gone)
}

/// The offset of the first line break of `wrapped` that does not follow a terminator.
fn first_break_inside(wrapped: &[u8], brk: &str) -> usize {
    (1..wrapped.len())
        .find(|&at| wrapped[at..].starts_with(brk.as_bytes()) && wrapped[at - 1] != b'~')
        .unwrap()
}

/// A wrapper that also trims the blanks ending its lines leaves those whose cut fell just
/// after a blank (in the ISA's padding, in a name or an address) short: the file is still
/// read as the wrap it is, the blanks put back, with one SYN005 saying how many lines were
/// trimmed, and its findings those of the unwrapped file, on the same bytes of the file.
#[test]
fn a_wrapped_file_trimmed_of_its_blanks_is_its_findings_and_one_syn005() {
    let mut cases = 0;
    for source in [P837, I837, SAMPLE, SAMPLE_I] {
        let plain = flat(source);
        let want = check(plain.as_bytes());
        for width in 20..=140 {
            for brk in ["\n", "\r\n"] {
                let (wrapped, gone) = wrap_trimmed(&plain, width, brk);
                let lines: Vec<&str> = wrapped.split(brk).collect();
                let short = lines[..lines.len() - 1]
                    .iter()
                    .filter(|l| l.len() < width)
                    .count();
                if short == 0 {
                    continue;
                }
                cases += 1;
                let case = format!("width {width}, break {brk:?}, {short} trimmed");
                let got = check(wrapped.as_bytes());
                let (fold, rest): (Vec<_>, Vec<_>) =
                    got.iter().partition(|d| d.message.contains("wrapped"));
                assert_eq!(fold.len(), 1, "{case}: {got:#?}");
                assert_eq!((fold[0].code, fold[0].loc.offset), ("SYN005", 0), "{case}");
                let first = first_break_inside(wrapped.as_bytes(), brk);
                let (line, column) = line_col(wrapped.as_bytes(), first);
                let s = if short == 1 { "" } else { "s" };
                let head = format!(
                    "the interchange is wrapped at {width} characters, trailing blanks trimmed from {short} line{s}: "
                );
                assert!(
                    fold[0].message.starts_with(&head)
                        && fold[0]
                            .message
                            .contains(&format!("the first at line {line}, column {column} (")),
                    "{case}: {}",
                    fold[0].message
                );
                same_findings_but(
                    &case,
                    (wrapped.as_bytes(), &rest),
                    (plain.as_bytes(), &want),
                    &gone,
                );
                for g in rest {
                    let at = line_col(wrapped.as_bytes(), g.loc.offset);
                    assert_eq!((g.line, g.column), at, "{case}");
                }
            }
        }
    }
    assert!(cases > 200, "{cases} trimmed wraps");
}

/// The TR3's own examples: the ISA and GS each on a line of its own, the transaction set
/// wrapped at a width, the GE and IEA on lines of their own after it. One SYN005 on the ISA,
/// naming the first cut, and otherwise the findings of the file written one segment a line.
#[test]
fn a_set_wrapped_between_envelope_lines_is_its_findings_and_one_syn005() {
    for source in [P837, I837, SAMPLE, SAMPLE_I] {
        let lines: Vec<&str> = source.lines().collect();
        let (head, rest) = lines.split_at(2);
        let (body, tail) = rest.split_at(rest.len() - 2);
        let want = check(source.as_bytes());
        for width in [40, 60, 80] {
            for brk in ["\n", "\r\n"] {
                let set = wrap(&body.concat(), width, brk);
                let text = [head.join(brk), set, tail.join(brk)].join(brk) + brk;
                let got = check(text.as_bytes());
                let case = format!("width {width}, break {brk:?}");
                let (fold, others): (Vec<_>, Vec<_>) =
                    got.iter().partition(|d| d.message.contains("wrapped"));
                assert_eq!(fold.len(), 1, "{case}: {got:#?}");
                assert_eq!((fold[0].code, fold[0].loc.offset), ("SYN005", 0), "{case}");
                let at = format!("wrapped at {width} characters");
                assert!(fold[0].message.contains(&at), "{case}: {}", fold[0].message);
                same_findings(
                    &case,
                    (text.as_bytes(), &others),
                    (source.as_bytes(), &want),
                );
            }
        }
    }
}

/// A text header before a wrapped interchange stays what it was (ENV008), and the
/// interchange after it is read unwrapped.
#[test]
fn a_header_before_a_wrapped_interchange() {
    let plain = format!("Batch 7 from ACME\r\n{}", flat(SAMPLE));
    let wrapped = format!("Batch 7 from ACME\r\n{}", wrap(&flat(SAMPLE), 80, "\r\n"));
    let want: Vec<_> = check(plain.as_bytes()).iter().map(|d| d.code).collect();
    assert!(want.contains(&"ENV008"), "{want:?}");
    let got: Vec<_> = check(wrapped.as_bytes()).iter().map(|d| d.code).collect();
    let mut with_wrap = want.clone();
    with_wrap.insert(1, "SYN005");
    assert_eq!(got, with_wrap);
}

/// A trailer after the wrapped interchange, and a header line that looks like an ISA, are
/// text around the interchange (ENV004, ENV008), not the end of the wrap's detection.
#[test]
fn text_around_a_wrapped_interchange() {
    let body = flat(SAMPLE);
    for width in [64, 80] {
        for (front, back) in [
            ("", "\nEND OF BATCH 7\n"),
            ("ISA-formatted batch from ACME\n", ""),
            ("ISA*00 header follows\r\n", "\r\n-- end --"),
        ] {
            let plain = format!("{front}{body}{back}");
            let wrapped = format!("{front}{}{back}", wrap(&body, width, "\n"));
            let want: Vec<_> = check(plain.as_bytes()).iter().map(|d| d.code).collect();
            let mut got: Vec<_> = check(wrapped.as_bytes()).iter().map(|d| d.code).collect();
            let at = got
                .iter()
                .position(|c| *c == "SYN005")
                .expect("the wrap's SYN005");
            got.remove(at);
            assert_eq!(got, want, "{width} {front:?} {back:?}");
        }
    }
}

/// Redacting a wrapped file keeps its length, its lines and its findings, and masks the text
/// around its interchange, which may name the patient.
#[test]
fn a_wrapped_file_redacts_to_the_same_findings() {
    let wrapped = format!(
        "Patient: John Q Public DOB 1961-07-04\n{}\nfor John Q Public\n",
        wrap(&flat(SAMPLE), 80, "\n")
    );
    let redacted = claimlint::edit::redact::redact(wrapped.as_bytes());
    assert_eq!(redacted.len(), wrapped.len());
    let text = String::from_utf8(redacted.clone()).unwrap();
    assert!(!text.contains("John") && !text.contains("1961"), "{text}");
    let lines = |t: &str| t.lines().map(str::len).collect::<Vec<_>>();
    assert_eq!(lines(&text), lines(&wrapped));
    let found = |b: &[u8]| {
        check(b)
            .iter()
            .map(|d| (d.code, d.loc.offset, d.line, d.column))
            .collect::<Vec<_>>()
    };
    assert_eq!(found(&redacted), found(wrapped.as_bytes()));
}

#[test]
fn files_that_are_not_wrapped_are_read_as_they_are() {
    // One segment per line, and a break inside one segment of such a file: SYN005 on that
    // segment, as before, not a "wrapped" file.
    let broken = P837.replacen("N3*", "N3*12\nX", 1);
    for text in [P837.to_string(), flat(P837), broken] {
        let d = check(text.as_bytes());
        assert!(
            d.iter().all(|d| !d.message.contains("wrapped at")),
            "{d:#?}"
        );
    }
}

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
    Scratch::new(&format!("wrapped-{name}"))
}

fn json_codes(o: &Output) -> Vec<String> {
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut codes: Vec<String> = doc["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes
}

/// A scratch folder `name` with `plain` written to `plain.837` and `wrapped` to
/// `wrapped.837`: the folder and the two files.
fn plain_and_wrapped(name: &str, plain: &str, wrapped: &str) -> (Scratch, PathBuf, PathBuf) {
    let dir = scratch(name);
    let (plain_path, wrapped_path) = (dir.join("plain.837"), dir.join("wrapped.837"));
    std::fs::write(&plain_path, plain).unwrap();
    std::fs::write(&wrapped_path, wrapped).unwrap();
    (dir, plain_path, wrapped_path)
}

#[test]
fn the_binary_checks_acknowledges_fixes_and_gates_a_wrapped_file() {
    let plain = flat(SAMPLE);
    let (dir, plain_path, wrapped_path) =
        plain_and_wrapped("cli", &plain, &wrap(&plain, 80, "\r\n"));
    let (p, w) = (plain_path.to_str().unwrap(), wrapped_path.to_str().unwrap());

    // check: the plain file's codes and one SYN005; exit 1.
    let plain_out = run(&["check", "--format", "json", p]);
    let wrapped_out = run(&["check", "--format", "json", w]);
    assert_eq!(wrapped_out.status.code(), Some(1));
    let mut want = json_codes(&plain_out);
    want.push("SYN005".into());
    want.sort();
    assert_eq!(json_codes(&wrapped_out), want);

    // ack: a TA1 rejects each wrapped interchange (022), whether the ISA is cut (80) or the
    // first cut is after it (150), and `ack` fails as `check` does.
    let two = dir.join("two.837");
    std::fs::write(&two, wrap(&(flat(P837) + &flat(I837)), 80, "\n")).unwrap();
    let t = two.to_str().unwrap();
    for (file, width, interchanges) in [(w, 80, 1), (w, 150, 1), (t, 80, 2)] {
        if file == w {
            std::fs::write(&wrapped_path, wrap(&plain, width, "\r\n")).unwrap();
        }
        let acks = dir.join(format!("acks-{width}-{interchanges}"));
        let o = run(&["ack", "-o", acks.to_str().unwrap(), file]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let names: Vec<String> = std::fs::read_dir(&acks)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), interchanges, "{names:?}");
        for name in &names {
            assert!(name.ends_with(".ta1"), "{names:?}");
            let ta1 = std::fs::read_to_string(acks.join(name)).unwrap();
            assert!(ta1.contains("*R*022~"), "{ta1}");
        }
        let codes = json_codes(&run(&["check", "--format", "json", file]));
        let syn005 = codes.iter().filter(|c| *c == "SYN005").count();
        assert_eq!(syn005, interchanges, "{codes:?}");
    }
    std::fs::write(&wrapped_path, wrap(&plain, 80, "\r\n")).unwrap();

    // --diff: segments of the unwrapped file, no line break inside one.
    let o = run(&["check", "--diff", w]);
    let diff = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        diff.contains("-LIN**N4*55513-0710-01~\n+LIN**N4*55513071001~\n"),
        "{diff}"
    );
    assert!(!diff.contains('\r'), "{diff}");

    // --fix: the hyphenated NDC fixed, the file still wrapped at 80 with CR LF.
    let o = run(&["check", "--fix", w]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let fixed = std::fs::read_to_string(&wrapped_path).unwrap();
    assert!(!fixed.contains("55513-0710-01"));
    let lines: Vec<&str> = fixed.split("\r\n").collect();
    assert!(lines[..lines.len() - 1].iter().all(|l| l.len() == 80));
    assert!(lines.last().unwrap().len() <= 80);
    assert_eq!(flat(&fixed), plain.replace("55513-0710-01", "55513071001"));

    // gate: the interchange is rejected for the wrap, the finding on its ISA.
    let out = dir.join("gate");
    let o = run(&["gate", "--format", "json", "-o", out.to_str().unwrap(), w]);
    assert_eq!(o.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let input = &doc["inputs"][0];
    assert!(
        input["accepted"].as_array().unwrap().is_empty(),
        "{input:#}"
    );
    let syn005 = input["interchange_findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "SYN005")
        .unwrap_or_else(|| panic!("{input:#}"));
    assert_eq!(syn005["offset"], 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A wrap with a trimmed line (clinic-day1 at 60 columns: one cut falls after a blank) through
/// the binary: `check` finds what the unwrapped file has and one SYN005; `--fix` writes it back
/// wrapped at 60 with CR LF, reading back as the fixed unwrapped file; `gate` places the
/// findings where `check` does.
#[test]
fn the_binary_fixes_and_gates_a_trimmed_wrap() {
    let plain = flat(SAMPLE);
    let (wrapped, gone) = wrap_trimmed(&plain, 60, "\r\n");
    assert_eq!(gone.len(), 1);
    let (dir, plain_path, wrapped_path) = plain_and_wrapped("trimmed", &plain, &wrapped);
    let (p, w) = (plain_path.to_str().unwrap(), wrapped_path.to_str().unwrap());

    let checked = run(&["check", "--format", "json", w]);
    assert_eq!(checked.status.code(), Some(1));
    let mut want = json_codes(&run(&["check", "--format", "json", p]));
    want.push("SYN005".into());
    want.sort();
    assert_eq!(json_codes(&checked), want);

    // gate: the same findings at the same offsets of the file as `check` gives.
    let doc: Value = serde_json::from_slice(&checked.stdout).unwrap();
    let placed: Vec<(String, u64)> = doc["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().into(),
                d["segment"]["offset"].as_u64().unwrap(),
            )
        })
        .collect();
    let out = dir.join("gate");
    let o = run(&["gate", "--format", "json", "-o", out.to_str().unwrap(), w]);
    assert_eq!(o.status.code(), Some(1));
    let gate: Value = serde_json::from_slice(&o.stdout).unwrap();
    let input = &gate["inputs"][0];
    let claims = input["rejected"].as_array().unwrap();
    let findings = input["interchange_findings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(
            claims
                .iter()
                .flat_map(|c| c["findings"].as_array().unwrap()),
        );
    let mut n = 0;
    for f in findings {
        let at = (
            f["code"].as_str().unwrap().into(),
            f["offset"].as_u64().unwrap(),
        );
        assert!(placed.contains(&at), "{at:?} not in {placed:?}");
        n += 1;
    }
    assert!(n > 3, "{input:#}");

    // --fix: the hyphenated NDC fixed, the file still wrapped at 60 with CR LF, and read
    // back as the fixed unwrapped file.
    let o = run(&["check", "--fix", w]);
    assert_eq!(o.status.code(), Some(1));
    let fixed = std::fs::read(&wrapped_path).unwrap();
    let text = String::from_utf8(fixed.clone()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(lines.iter().all(|l| l.len() <= 60), "{text}");
    assert!(lines.iter().filter(|l| l.len() == 60).count() > lines.len() / 2);
    let (fold, unwrapped) = claimlint_x12::folded::Folding::unwrapped(&fixed);
    assert_eq!(fold.map(|f| f.width), Some(60));
    let want = plain.replace("55513-0710-01", "55513071001");
    assert_eq!(unwrapped.as_ref(), want.as_bytes());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The XCL001 messages of `check` or `gate` JSON output, sorted.
fn xcl_messages(doc: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut collect = |findings: &Value| {
        for f in findings.as_array().into_iter().flatten() {
            if f["code"] == "XCL001" {
                out.push(f["message"].as_str().unwrap().to_string());
            }
        }
    };
    for file in doc["files"].as_array().into_iter().flatten() {
        collect(&file["diagnostics"]);
    }
    for input in doc["inputs"].as_array().into_iter().flatten() {
        for side in ["accepted", "rejected"] {
            for c in input[side].as_array().into_iter().flatten() {
                collect(&c["findings"]);
            }
        }
    }
    out.sort();
    out
}

/// Two wrapped copies of one interchange gated together: each claim duplicates the other
/// copy's, and XCL001 names that claim's line in the file as it is (as `check` does), not in
/// the unwrapped text the gate splits, where every claim is on line 1.
#[test]
fn the_gate_names_a_wrapped_files_lines() {
    let plain = flat(SAMPLE);
    let wrapped = wrap(&plain, 80, "\n");
    let again = wrap(&plain.replacen("*000000101*", "*000000102*", 1), 80, "\n");
    assert_ne!(wrapped, again, "the copy has its own ISA13");
    let (dir, a, b) = plain_and_wrapped("xcl-lines", &wrapped, &again);
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let checked: Value =
        serde_json::from_slice(&run(&["check", "--format", "json", a, b]).stdout).unwrap();
    let want = xcl_messages(&checked);
    assert!(!want.is_empty(), "{checked:#}");
    assert!(want.iter().any(|m| !m.contains(", line 1)")), "{want:#?}");
    let out = dir.join("gate");
    let o = run(&[
        "gate",
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
        a,
        b,
    ]);
    let gated: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(xcl_messages(&gated), want);
    let _ = std::fs::remove_dir_all(&dir);
}
