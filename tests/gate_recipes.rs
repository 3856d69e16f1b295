//! The SFTP gate recipes of docs/pipelines.md, run as written (with bash, the built binary
//! first on PATH and /srv paths moved into a scratch directory) over a staged directory that
//! mixes good, bad, empty, binary, UTF-16, 4010, unreadable, extensionless, gzip and
//! symbolically linked files: only the good ones may reach outbound/.
//!
//! "Unreadable": tests run as root, where `chmod 000` does not stop a read, so the unreadable
//! paths are ones no user can read as a file: a dangling symbolic link, and a directory named
//! like a claim file.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

mod common;
use common::Scratch;
use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The ```sh blocks of the "SFTP outbound gate" section.
fn recipes() -> Vec<String> {
    let doc = std::fs::read_to_string(root().join("docs/pipelines.md")).unwrap();
    let start = doc
        .find("### SFTP outbound gate")
        .expect("docs/pipelines.md has the SFTP recipe");
    let section = &doc[start..];
    let section = match section[4..].find("\n#") {
        Some(end) => &section[..end + 4],
        None => section,
    };
    let mut blocks = Vec::new();
    let mut rest = section;
    while let Some(i) = rest.find("```sh\n") {
        let body = &rest[i + 6..];
        let end = body.find("```").unwrap();
        blocks.push(body[..end].to_string());
        rest = &body[end..];
    }
    blocks
}

fn template(name: &str) -> Vec<u8> {
    std::fs::read(root().join("fixtures/templates").join(name)).unwrap()
}

/// Builds staged/ and returns the names that must reach outbound/.
fn stage(top: &Path) -> Vec<String> {
    let staged = top.join("staged");
    let elsewhere = top.join("elsewhere");
    for d in ["staged", "elsewhere", "outbound", "held", "acks"] {
        std::fs::create_dir_all(top.join(d)).unwrap();
    }
    let p = template("837p.x12");
    std::fs::write(staged.join("good-p.837"), &p).unwrap();
    std::fs::write(staged.join("good-i.x12"), template("837i.x12")).unwrap();
    std::fs::write(staged.join("CLM_20260116_001"), &p).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&p).unwrap();
    std::fs::write(staged.join("day3.837.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(elsewhere.join("linked.837"), &p).unwrap();
    symlink(
        elsewhere.join("linked.837"),
        staged.join("link-to-good.837"),
    )
    .unwrap();
    // What must be held.
    std::fs::copy(
        root().join("fixtures/rules/ENV003/trip/se01-too-small.x12"),
        staged.join("bad.837"),
    )
    .unwrap();
    std::fs::write(staged.join("empty.837"), b"").unwrap();
    let noise: Vec<u8> = (0u32..700)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    std::fs::write(staged.join("binary.dat"), noise).unwrap();
    let mut utf16 = vec![0xff, 0xfe];
    for b in &p {
        utf16.extend_from_slice(&[*b, 0]);
    }
    std::fs::write(staged.join("utf16.837"), utf16).unwrap();
    let text = String::from_utf8(p.clone()).unwrap();
    let v4010 = text
        .replace("*00501*", "*00401*")
        .replace("*005010X222A1~", "*004010X098A1~");
    std::fs::write(staged.join("claims-4010.837"), v4010).unwrap();
    std::fs::write(staged.join("isa-only.837"), b"ISA").unwrap();
    std::fs::create_dir_all(staged.join("directory-named-like-a-file.837")).unwrap();
    symlink(elsewhere.join("gone.837"), staged.join("dangling.837")).unwrap();
    let mut good: Vec<String> = [
        "good-p.837",
        "good-i.x12",
        "CLM_20260116_001",
        "day3.837.gz",
        "link-to-good.837",
    ]
    .map(String::from)
    .to_vec();
    good.sort();
    good
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

fn run_recipe(recipe: &str, top: &Path) {
    let script = recipe
        .replace(
            "/srv/claims/staged",
            &top.join("staged").display().to_string(),
        )
        .replace(
            "/srv/sftp/outbound",
            &top.join("outbound").display().to_string(),
        )
        .replace("/srv/claims/held", &top.join("held").display().to_string())
        .replace("/srv/claims/acks", &top.join("acks").display().to_string())
        .replace(
            "/srv/claims/incoming",
            &top.join("staged").display().to_string(),
        )
        .replace("/srv/claims/out", &top.join("out").display().to_string());
    assert!(
        !script.contains("/srv/"),
        "a path the test does not move: {script}"
    );
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_claimlint"));
    let path = format!(
        "{}:{}",
        exe.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "the recipe itself failed:\n{script}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn the_documented_gates_forward_only_the_good_files() {
    let recipes = recipes();
    assert_eq!(recipes.len(), 3, "the gate, the ack and the check recipe");
    assert!(recipes[0].contains("claimlint gate"));
    assert!(recipes[1].contains("claimlint ack") && recipes[2].contains("claimlint check"));
    for (i, recipe) in recipes.iter().enumerate().skip(1) {
        let top = Scratch::unmade(&format!("recipe-{i}"));
        let good = stage(&top);
        let all = names(&top.join("staged"));
        run_recipe(recipe, &top);
        assert_eq!(names(&top.join("outbound")), good, "{recipe}");
        let held = names(&top.join("held"));
        assert_eq!(held.len() + good.len(), all.len(), "{held:?}");
        assert!(names(&top.join("staged")).is_empty());
        if recipe.contains("claimlint ack") {
            // A 999 for each good file, and no acknowledgment file accepts a held one.
            let acks = names(&top.join("acks"));
            for g in &good {
                let stem = Path::new(g)
                    .file_stem()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                assert!(
                    acks.iter()
                        .any(|a| a.starts_with(&format!("{stem}.")) && a.ends_with(".999")),
                    "no 999 for {g}: {acks:?}"
                );
            }
        }
        std::fs::remove_dir_all(&top).unwrap();
    }
}

/// The claim-level gate: the good files' claims reach outbound/ (under the input's name, `.gz`
/// dropped), each byte for byte as the input's; nothing of a bad, empty, binary, UTF-16, 4010
/// or unreadable input does; every input with claims gets its 999 and 277CA.
#[test]
fn the_documented_claim_gate_forwards_only_good_claims() {
    let recipe = &recipes()[0];
    let top = Scratch::unmade("recipe-gate");
    let good = stage(&top);
    run_recipe(recipe, &top);
    let mut want: Vec<String> = good
        .iter()
        .map(|g| g.trim_end_matches(".gz").to_string())
        .collect();
    want.sort();
    assert_eq!(names(&top.join("outbound")), want, "{recipe}");
    let template = String::from_utf8(template("837p.x12")).unwrap();
    let claim = &template[template.find("CLM*").unwrap()..template.find("SE*").unwrap()];
    let forwarded = std::fs::read_to_string(top.join("outbound/good-p.837")).unwrap();
    assert!(forwarded.contains(claim), "{forwarded}");
    let acks = names(&top.join("out/acks"));
    for g in &want {
        assert!(
            acks.contains(&format!("{g}.277")),
            "no 277CA for {g}: {acks:?}"
        );
        assert!(
            acks.contains(&format!("{g}.999")),
            "no 999 for {g}: {acks:?}"
        );
    }
    assert!(acks.contains(&"bad.837.999".to_string()), "{acks:?}");
    std::fs::remove_dir_all(&top).unwrap();
}
