//! The gate fails closed (issue 13): every input the built binary could not read, could not
//! acknowledge or did not check makes `check` and `ack` exit non-zero; output that cannot be
//! written exits 2; acknowledgments are never overwritten; streams are capped; terminal escapes
//! from the input are shown, not obeyed; an unreadable input has no position.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

mod common;
use common::Scratch;
use serde_json::Value;
use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const CLEAN: &str = "fixtures/templates/837p.x12";
const CLEAN_I: &str = "fixtures/templates/837i.x12";
const BAD: &str = "fixtures/rules/ENV003/trip/se01-too-small.x12";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_claimlint"));
    c.current_dir(root()).env("SOURCE_DATE_EPOCH", "1768912440");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn scratch(name: &str) -> Scratch {
    Scratch::new(&format!("gate-{name}"))
}

fn template() -> Vec<u8> {
    std::fs::read(root().join(CLEAN)).unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

fn utf16(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0xff, 0xfe];
    for b in bytes {
        out.extend_from_slice(&[*b, 0]);
    }
    out
}

/// Bytes that are not X12, the same every run.
fn noise() -> Vec<u8> {
    (0u32..512)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

// ---- 1. ack fails closed -----------------------------------------------------------------

#[test]
fn ack_exits_1_on_every_input_it_could_not_read() {
    let dir = scratch("ack-unread");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::write(inputs.join("empty.837"), b"").unwrap();
    std::fs::write(inputs.join("random.837"), noise()).unwrap();
    std::fs::write(inputs.join("isa-only.837"), b"ISA").unwrap();
    std::fs::write(inputs.join("utf16.837"), utf16(&template())).unwrap();
    // Tests run as root, where chmod 000 does not stop a read: a directory named like a file
    // and a dangling symbolic link are paths that cannot be read as a file whoever runs.
    std::fs::create_dir_all(inputs.join("dir-named-like-a-file.837")).unwrap();
    symlink(inputs.join("gone.837"), inputs.join("dangling.837")).unwrap();
    for name in [
        "empty.837",
        "random.837",
        "isa-only.837",
        "utf16.837",
        "dir-named-like-a-file.837",
        "dangling.837",
        "missing.837",
    ] {
        let out = dir.join(format!("acks-{name}"));
        let o = run(&[
            "ack",
            "--no-config",
            "-o",
            path_str(&out),
            path_str(&inputs.join(name)),
        ]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", text(&o));
        for f in files_in(&out) {
            let ack = std::fs::read_to_string(out.join(&f)).unwrap();
            assert!(
                !ack.contains("IK5*A") && !ack.contains("AK9*A"),
                "{name}: {f} accepts:\n{ack}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ack_reads_gzip_transparently() {
    let dir = scratch("ack-gz");
    std::fs::write(dir.join("day3.837.gz"), gzip(&template())).unwrap();
    let out = dir.join("acks");
    let o = run(&[
        "ack",
        "--no-config",
        "-o",
        path_str(&out),
        path_str(&dir.join("day3.837.gz")),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let names = files_in(&out);
    assert_eq!(names.len(), 1, "{names:?}");
    let ack = std::fs::read_to_string(out.join(&names[0])).unwrap();
    assert!(
        ack.contains("IK5*A") && ack.contains("AK9*A*1*1*1"),
        "{ack}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// No 999 both accepts a transaction set (IK5*A) and rejects its group (AK9*R).
fn consistent(ack: &str) -> bool {
    !(ack.contains("IK5*A") && ack.contains("AK9*R"))
}

#[test]
fn a_4010_837_is_rejected_and_never_acknowledged_as_accepted() {
    let dir = scratch("ack-4010");
    let t = String::from_utf8(template()).unwrap();
    // A real 4010 837: ISA12 00401, GS08 004010X098A1, no ST03.
    let v4010 = t
        .replace("*00501*", "*00401*")
        .replace("*005010X222A1~", "*004010X098A1~")
        .replace("ST*837*0001*004010X098A1~", "ST*837*0001~");
    // A 4010 functional group inside a 5010 interchange.
    let gs4010 = t
        .replace("*005010X222A1~", "*004010X098A1~")
        .replace("ST*837*0001*004010X098A1~", "ST*837*0001~");
    std::fs::write(dir.join("v4010.837"), v4010).unwrap();
    std::fs::write(dir.join("gs4010.837"), gs4010).unwrap();
    for name in ["v4010.837", "gs4010.837"] {
        let out = dir.join(format!("acks-{name}"));
        let o = run(&[
            "ack",
            "--no-config",
            "-o",
            path_str(&out),
            path_str(&dir.join(name)),
        ]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", text(&o));
        let names = files_in(&out);
        assert_eq!(names.len(), 1, "{name}: {names:?}");
        let ack = std::fs::read_to_string(out.join(&names[0])).unwrap();
        assert!(consistent(&ack), "{name}:\n{ack}");
        assert!(
            ack.contains("AK9*R") || ack.contains("*R*017~"),
            "{name}:\n{ack}"
        );
    }
    // A 5010 group: the set is rejected as an unsupported implementation.
    let out = dir.join("acks-gs");
    let o = run(&[
        "ack",
        "--no-config",
        "-o",
        path_str(&out),
        path_str(&dir.join("gs4010.837")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let ack = std::fs::read_to_string(out.join(&files_in(&out)[0])).unwrap();
    assert!(
        ack.contains("IK5*R*I6") && ack.contains("AK9*R*1*1*0*2"),
        "{ack}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_interchange_with_an_unreadable_isa_gets_a_ta1() {
    let dir = scratch("ta1");
    let out = dir.join("acks");
    let o = run(&[
        "ack",
        "--no-config",
        "-o",
        path_str(&out),
        "fixtures/rules/ENV001/trip/short-isa.x12",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let names = files_in(&out);
    assert_eq!(names, vec!["short-isa.1.ta1".to_string()], "{}", text(&o));
    let ta1 = std::fs::read_to_string(out.join(&names[0])).unwrap();
    let segs: Vec<&str> = ta1.split('~').map(str::trim).collect();
    // Sent back: the receiver (ISA07/08) is the sender now.
    assert!(
        segs[0]
            .starts_with("ISA*00*          *00*          *ZZ*RECEIVER       *ZZ*SENDER         *"),
        "{ta1}"
    );
    let ta1_seg: Vec<&str> = segs[1].split('*').collect();
    assert_eq!(ta1_seg[0], "TA1", "{ta1}");
    assert_eq!(ta1_seg[1], "000000001", "TA101 is the ISA13 acknowledged");
    // The first error is ISA02 cut short: I18 code 011, invalid authorization information.
    assert_eq!((ta1_seg[4], ta1_seg[5]), ("R", "011"), "{ta1}");
    assert!(segs[2].starts_with("IEA*0*"), "{ta1}");
    // An ISA cut before its receiver cannot be addressed: no file, still an error.
    let out = dir.join("acks-cut");
    let o = run(&[
        "ack",
        "--no-config",
        "-o",
        path_str(&out),
        "fixtures/rules/ENV001/trip/truncated-isa.x12",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(files_in(&out).is_empty());
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("not acknowledged"),
        "{}",
        text(&o)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- 2. check DIR never skips silently ---------------------------------------------------

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

fn checked_paths(v: &Value) -> Vec<String> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

fn skipped(v: &Value) -> Vec<(String, String)> {
    v["skipped"]
        .as_array()
        .unwrap_or_else(|| panic!("no skipped array: {v}"))
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A directory holding what issue 13 saw skipped: extensionless, `.clm`, gzip, symbolic links
/// to a file and to a directory, a FIFO, a broken link and a link loop.
fn mixed_dir(name: &str) -> (Scratch, PathBuf) {
    let top = scratch(name);
    let dir = top.join("claims");
    let elsewhere = top.join("elsewhere");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(dir.join("CLM_20260116_001"), template()).unwrap();
    std::fs::write(dir.join("batch.clm"), template()).unwrap();
    std::fs::write(dir.join("day3.837.gz"), gzip(&template())).unwrap();
    std::fs::write(elsewhere.join("linked.837"), template()).unwrap();
    std::fs::write(elsewhere.join("in-linked-dir.x12"), template()).unwrap();
    symlink(elsewhere.join("linked.837"), dir.join("link-to-file")).unwrap();
    symlink(&elsewhere, dir.join("link-to-dir")).unwrap();
    symlink(dir.join("nowhere"), dir.join("broken-link")).unwrap();
    symlink(&dir, dir.join("sub").join("loop")).unwrap();
    let st = Command::new("mkfifo")
        .arg(dir.join("pipe"))
        .status()
        .unwrap();
    assert!(st.success());
    (top, dir)
}

#[test]
fn check_dir_checks_every_file_and_lists_what_it_skipped() {
    let (top, dir) = mixed_dir("mixed");
    // The files are copies of one claim: leave out the duplicate check across them (XCL).
    let o = run(&[
        "check",
        "--no-config",
        "--ignore",
        "XCL",
        "--format",
        "json",
        path_str(&dir),
    ]);
    let v = json_of(&o);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let checked = checked_paths(&v);
    for name in [
        "CLM_20260116_001",
        "batch.clm",
        "day3.837.gz",
        "link-to-file",
        "link-to-dir/in-linked-dir.x12",
        "link-to-dir/linked.837",
    ] {
        let p = path_str(&dir.join(name)).to_string();
        assert!(checked.contains(&p), "{p} not checked: {checked:?}");
    }
    for f in v["files"].as_array().unwrap() {
        assert_eq!(f["claims"], 1, "{f}");
        assert_eq!(f["diagnostics"].as_array().unwrap().len(), 0, "{f}");
    }
    let listed = skipped(&v);
    let reason = |name: &str| {
        let p = path_str(&dir.join(name)).to_string();
        listed
            .iter()
            .find(|(s, _)| *s == p)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("{p} not in skipped: {listed:?}"))
    };
    assert!(reason("pipe").contains("FIFO"), "{}", reason("pipe"));
    assert!(
        reason("broken-link").contains("broken symbolic link"),
        "{}",
        reason("broken-link")
    );
    assert!(
        reason("sub/loop").contains("loop"),
        "{}",
        reason("sub/loop")
    );
    assert_eq!(listed.len(), 3, "{listed:?}");
    // The human summary says so too.
    let o = run(&["check", "--no-config", "-q", path_str(&dir)]);
    assert_eq!(o.status.code(), Some(1));
    let human = String::from_utf8_lossy(&o.stdout);
    assert!(
        human.contains("skipped") && human.contains("broken symbolic link"),
        "{human}"
    );
    // Narrowed on purpose, with flags or with claimlint.toml: not a failure.
    let o = run(&[
        "check",
        "--no-config",
        "--format",
        "json",
        "--exclude",
        "pipe,broken-link,loop",
        path_str(&dir),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(skipped(&json_of(&o)).is_empty());
    std::fs::write(
        dir.join("claimlint.toml"),
        "exclude = [\"pipe\", \"broken-link\", \"sub/**\"]\n",
    )
    .unwrap();
    let o = run(&["check", "--format", "json", path_str(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(&[
        "check",
        "--format",
        "json",
        "--include",
        "*.gz",
        path_str(&dir),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(checked_paths(&json_of(&o)).len(), 1);
    std::fs::remove_dir_all(&top).unwrap();
}

#[test]
fn a_file_that_is_not_x12_inside_a_directory_fails_the_run() {
    let dir = scratch("not-x12");
    std::fs::write(dir.join("good.837"), template()).unwrap();
    std::fs::write(dir.join("README.md"), "notes").unwrap();
    let o = run(&["check", "--no-config", "--format", "json", path_str(&dir)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(checked_paths(&json_of(&o)).len(), 2);
    // An empty directory named on the command line is not a pass either.
    let empty = dir.join("empty.837");
    std::fs::create_dir_all(&empty).unwrap();
    let o = run(&["check", "--no-config", "--format", "json", path_str(&empty)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(skipped(&json_of(&o)).len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn check_reads_gzip_like_audit() {
    let dir = scratch("check-gz");
    std::fs::write(dir.join("a.837.gz"), gzip(&template())).unwrap();
    let o = run(&[
        "check",
        "--no-config",
        "--format",
        "json",
        path_str(&dir.join("a.837.gz")),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(json_of(&o)["files"][0]["claims"], 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- 3. output that cannot be written ----------------------------------------------------

#[test]
fn stdout_that_cannot_be_written_exits_2() {
    for format in ["json", "human", "sarif", "jsonl"] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = bin()
            .args(["check", "--no-config", "--format", format, CLEAN])
            .stdout(Stdio::from(full))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{format}: {}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("standard output") && err.contains("No space left on device"),
            "{format}: {err}"
        );
    }
}

#[test]
fn a_closed_pipe_is_quiet_but_not_a_pass() {
    let mut child = bin()
        .args(["check", "--no-config", "--format", "json", "fixtures/rules"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(o.stderr.is_empty(), "{}", text(&o));
}

#[test]
fn acks_and_reports_that_cannot_be_written_exit_2() {
    let dir = scratch("unwritable");
    let file = dir.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let target = file.join("acks");
    let o = run(&["ack", "--no-config", "-o", path_str(&target), CLEAN]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(path_str(&target)),
        "{}",
        text(&o)
    );
    let o = run(&[
        "audit",
        "-o",
        path_str(&file.join("report.html")),
        "fixtures/audit/claims",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = run(&[
        "audit",
        "--csv",
        path_str(&file.join("csv")),
        "fixtures/audit/claims",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn acks_are_never_overwritten() {
    let dir = scratch("no-clobber");
    let out = dir.join("acks");
    for _ in 0..2 {
        let o = run(&["ack", "--no-config", "-o", path_str(&out), CLEAN]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    let names = files_in(&out);
    assert_eq!(
        names,
        vec![
            "837p.000000001.2.999".to_string(),
            "837p.000000001.999".to_string()
        ],
        "the second run must not overwrite the first, nor leave temporary files"
    );
    // The second run's output names the file it wrote.
    let o = run(&["ack", "--no-config", "-o", path_str(&out), CLEAN]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("837p.000000001.3.999"),
        "{}",
        text(&o)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- 6. bounded streams ------------------------------------------------------------------

#[test]
fn streams_are_capped_with_env009() {
    let o = run(&[
        "check",
        "--no-config",
        "--format",
        "json",
        "--max-input-size",
        "1M",
        "/dev/zero",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v = json_of(&o);
    let d = &v["files"][0]["diagnostics"][0];
    assert_eq!(d["code"], "ENV009");
    assert!(
        d["message"].as_str().unwrap().contains("--max-input-size"),
        "{d}"
    );
    // Standard input, over the cap.
    let mut child = bin()
        .args(["check", "--no-config", "--max-input-size", "4096", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.write_all(&[b' '; 100_000]);
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("ENV009"));
    // Under the cap, gzip past it: the inflated size counts.
    let dir = scratch("cap");
    std::fs::write(dir.join("big.gz"), gzip(&vec![b' '; 200_000])).unwrap();
    let o = run(&[
        "check",
        "--no-config",
        "--max-input-size",
        "64K",
        path_str(&dir.join("big.gz")),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("ENV009"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn process_substitution_and_stdin_keep_working() {
    let exe = env!("CARGO_BIN_EXE_claimlint");
    let acks = scratch("procsub");
    let o = Command::new("bash")
        .current_dir(root())
        .arg("-c")
        .arg(format!(
            "'{exe}' check --no-config <(cat {CLEAN}) && '{exe}' ack --no-config -o \"$1\" <(cat {CLEAN})"
        ))
        .arg("bash")
        .arg(acks.join("acks"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = bin()
        .args(["check", "--no-config", "-"])
        .stdin(std::fs::File::open(root().join(CLEAN_I)).unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

// ---- 7. terminal escapes -----------------------------------------------------------------

#[test]
fn terminal_escapes_from_the_input_never_reach_the_terminal() {
    let dir = scratch("escapes");
    let t = String::from_utf8(template()).unwrap();
    let hostile = t.replace(
        "NM1*IL*1*DOE*JANE",
        "NM1*IL*1*DOE\x1b[2J\x1b]0;owned\x07*JANE\r",
    );
    let hostile = hostile.replace("CLM*", "CLM*\x1b[31m");
    assert_ne!(hostile, t);
    let path = dir.join("evil\x1b[2J.837");
    std::fs::write(&path, &hostile).unwrap();
    let p = path_str(&path);
    let raw = |o: &Output| {
        let s = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(
            !s.contains("\x1b[2J") && !s.contains("\x1b]0;") && !s.contains('\x07'),
            "raw escape in:\n{s}"
        );
        s
    };
    let never = raw(&run(&["check", "--no-config", "--color", "never", p]));
    assert!(never.contains("\\x1b"), "{never}");
    assert!(
        !never.bytes().any(|b| b < 0x20 && b != b'\n'),
        "a control byte in:\n{never:?}"
    );
    raw(&run(&["check", "--no-config", "--color", "always", p]));
    for cmd in ["tree", "drugs"] {
        let s = raw(&run(&[cmd, p]));
        assert!(!s.bytes().any(|b| b < 0x20 && b != b'\n'), "{cmd}: {s:?}");
    }
    let s = raw(&run(&["lookup", "J\x1b[2J"]));
    assert!(s.contains("\\x1b"), "{s}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- 8. no position ----------------------------------------------------------------------

#[test]
fn an_unreadable_input_has_no_position() {
    let o = run(&["check", "--format", "json", "does/not/exist.837"]);
    let v = json_of(&o);
    let d = &v["files"][0]["diagnostics"][0];
    assert_eq!(d["code"], "ENV009");
    assert!(d["segment"].is_null(), "{d}");
    let o = run(&["check", "--format", "jsonl", "does/not/exist.837"]);
    let first: Value =
        serde_json::from_str(String::from_utf8_lossy(&o.stdout).lines().next().unwrap()).unwrap();
    assert!(first["segment"].is_null(), "{first}");
    let o = run(&["check", "--format", "sarif", "does/not/exist.837"]);
    let v = json_of(&o);
    let loc = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert!(loc["artifactLocation"]["uri"].is_string(), "{loc}");
    assert!(loc.get("region").is_none(), "{loc}");
}

// ---- issue 12: one input and settings resolution ----------------------------------------

#[test]
fn profile_accepts_user_profiles_in_every_command() {
    let dir = scratch("profiles");
    std::fs::write(
        dir.join("claimlint.toml"),
        "[profiles.acme]\nextends = \"medicaid\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("a.837"), template()).unwrap();
    let a_path = dir.join("a.837");
    let a = path_str(&a_path);
    for cmd in [
        vec!["check", "--profile", "acme", a],
        vec!["ack", "--profile", "acme", "-o", path_str(&dir), a],
        vec!["drugs", "--profile", "acme", a],
        vec!["audit", "--profile", "acme", a],
    ] {
        let o = run(&cmd);
        assert_eq!(o.status.code(), Some(0), "{cmd:?}: {}", text(&o));
    }
    let o = run(&["check", "--profile", "nobody", a]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn audit_and_drugs_read_claimlint_toml_like_check() {
    let dir = scratch("audit-config");
    std::fs::copy(root().join(BAD), dir.join("bad.837")).unwrap();
    let d = path_str(&dir);
    let errors = |args: &[&str]| -> u64 {
        let mut all = vec!["audit", "--format", "json"];
        all.extend_from_slice(args);
        let o = run(&all);
        let errors = json_of(&o)["totals"]["errors"].as_u64().unwrap();
        // The exit status is check's: 1 for an error (the default --fail-on), else 0.
        assert_eq!(o.status.code(), Some(i32::from(errors > 0)), "{}", text(&o));
        errors
    };
    assert!(errors(&[d]) > 0);
    std::fs::write(dir.join("claimlint.toml"), "ignore = [\"ENV003\"]\n").unwrap();
    assert_eq!(errors(&[d]), 0, "audit ignored claimlint.toml");
    assert!(errors(&["--no-config", d]) > 0);
    let o = run(&["check", d]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn format_flags_are_one_name_and_never_silently_ignored() {
    let o = run(&["data", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v = json_of(&o);
    assert!(v.is_array() || v.is_object());
    let alias = run(&["data", "--json"]);
    assert_eq!(alias.stdout, o.stdout, "--json stays an alias");
    for format in ["sarif", "jsonl"] {
        let o = run(&["rules", "--format", format]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "rules --format {format}: {}",
            text(&o)
        );
    }
    let o = run(&["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
}
