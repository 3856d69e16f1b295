//! `claimlint redact`: the redacted file gives the same findings (codes, segments, positions,
//! elements, offsets) as the original, over the samples, the templates and the shared corpus,
//! and no person's name, member id, address line or date of birth is left in it.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

use claimlint::edit::redact::redact;
use claimlint_rules::LintSettings;
use claimlint_x12::envelope;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

type Found = (&'static str, String, u32, Option<u8>, Option<u8>, usize);

fn findings(bytes: &[u8]) -> Vec<Found> {
    let settings = LintSettings::default();
    claimlint::edit::fragment::check(bytes, &settings)
        .diagnostics
        .iter()
        .map(|d| {
            let l = &d.loc;
            (
                d.code,
                l.segment.as_str().to_string(),
                l.position,
                l.element,
                l.component,
                l.offset,
            )
        })
        .collect()
}

/// `(segment id, values)` of every segment in a transaction set of `bytes`.
fn segments(bytes: &[u8]) -> Vec<(String, Vec<String>)> {
    let scan = envelope::scan(bytes);
    let mut out = Vec::new();
    for g in scan.groups() {
        for t in &g.transactions {
            for s in envelope::segments(bytes, t) {
                let values = s.elements().map(|e| e.text().into_owned()).collect();
                out.push((s.seg_id().as_str().to_string(), values));
            }
        }
    }
    out
}

/// Names of people, member ids, address lines and dates of birth (3 characters or more),
/// and every other value of the file.
fn phi(bytes: &[u8]) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut phi, mut other) = (BTreeSet::new(), BTreeSet::new());
    for (id, v) in segments(bytes) {
        let person = id == "NM1" && v.get(1).is_some_and(|q| q == "1");
        let member = id == "NM1" && v.get(7).is_some_and(|q| q == "MI");
        for (i, value) in v.into_iter().enumerate() {
            let is_phi = match id.as_str() {
                "NM1" => (person && (i == 2 || i == 3)) || (member && i == 8),
                "N3" => i <= 1,
                "DMG" => i == 1,
                _ => false,
            };
            if is_phi && value.len() >= 3 {
                phi.insert(value);
            } else {
                other.insert(value);
            }
        }
    }
    (phi, other)
}

fn check_one(path: &Path) -> usize {
    let original = std::fs::read(path).unwrap();
    let redacted = redact(&original);
    assert_eq!(redacted.len(), original.len(), "{}", path.display());
    assert_eq!(
        findings(&redacted),
        findings(&original),
        "{}",
        path.display()
    );
    let left: BTreeSet<String> = segments(&redacted)
        .into_iter()
        .flat_map(|(_, v)| v)
        .collect();
    // A value that is also in a field that is not PHI (an NPI that equals a member id in a
    // test file) may stay there.
    let (phi, other) = phi(&original);
    let kept: Vec<&String> = phi
        .intersection(&left)
        .filter(|v| !other.contains(*v))
        .collect();
    assert!(kept.is_empty(), "{}: {kept:?} left", path.display());
    phi.len()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.file_name().is_some_and(|n| n != "CATALOG.md") {
            out.push(p);
        }
    }
}

#[test]
fn samples_and_templates_redact_to_the_same_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut phi = 0;
    for f in [
        "fixtures/samples/clinic-day1.837",
        "fixtures/samples/hospital-outpatient.837",
        "fixtures/templates/837p.x12",
        "fixtures/templates/837i.x12",
    ] {
        phi += check_one(&root.join(f));
    }
    assert!(
        phi > 10,
        "the samples carry names, ids and addresses: {phi}"
    );
}

#[test]
fn the_sample_loses_its_patient() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let original = std::fs::read(root.join("fixtures/samples/clinic-day1.837")).unwrap();
    let text = String::from_utf8(redact(&original)).unwrap();
    for gone in [
        "*DOE*JANE*",
        "1EG4TE5MK73",
        "12 ELM ST",
        "19450312",
        "PAT1001-01",
    ] {
        assert!(!text.contains(gone), "{gone} left");
    }
    // What the rules read stays.
    for kept in [
        "LIN**N4*55513-0710-01~",
        "SV1*HC:J0897:JZ*2400*UN*60***1~",
        "XX*1234567893~",
        "DMG*D8*1945",
    ] {
        assert!(text.contains(kept), "{kept} lost");
    }
    assert_eq!(redact(&original), text.as_bytes(), "deterministic");
}

#[test]
fn corpus_files_redact_to_the_same_findings() {
    let dir = std::env::var_os("CLAIMLINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if !dir.join("CATALOG.md").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but there is no corpus at {}",
            dir.display()
        );
        eprintln!("SKIPPED: no corpus at {}", dir.display());
        return;
    }
    let mut all = Vec::new();
    files(&dir, &mut all);
    let mut phi = 0;
    for f in all
        .iter()
        .filter(|f| std::fs::metadata(f).is_ok_and(|m| m.len() < 200_000))
    {
        phi += check_one(f);
    }
    assert!(phi > 100, "{phi}");
}
