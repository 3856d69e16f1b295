//! Walks fixtures/rules/<CODE>/{trip,pass}/*.x12: every trip file gives at least one <CODE>
//! diagnostic, every pass file gives none and no error at all. Each trip file's diagnostics are
//! pinned by an insta JSON snapshot named `<CODE>__<file>`.

use claimlint::config::Settings;
use claimlint::report::json::JsonDiagnostic;
use claimlint_diagnostic::Severity;
use claimlint_rules::engine;
use std::path::{Path, PathBuf};

fn sorted(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// A fixture is a file, or a directory of files checked as one batch (the cross-file XCL rules,
/// issue 8). The batch rules run only on XCL fixtures, so other rules' snapshots stay as they
/// were. Files are named by file name only, so messages naming the other file are stable.
#[allow(clippy::unwrap_used)] // a test helper: a failed unwrap fails the test that called it
fn check_fixture(path: &Path, code: &str, settings: &Settings) -> engine::Outcome {
    if code.starts_with("PAY") {
        // The PAY rules' directories hold the claimlint.toml naming their profile, found by
        // walking up from the fixture as `claimlint check` finds it.
        let bytes = std::fs::read(path).unwrap();
        let resolved = claimlint::config::settings_for(path).unwrap();
        return engine::check(&bytes, resolved.for_input(&bytes));
    }
    if !code.starts_with("XCL") {
        return engine::check(&std::fs::read(path).unwrap(), settings);
    }
    let files = if path.is_dir() {
        sorted(path)
    } else {
        vec![path.to_path_buf()]
    };
    let inputs: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| {
            (
                f.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(f).unwrap(),
            )
        })
        .collect();
    let mut all = engine::Outcome::default();
    for o in claimlint::audit::check_inputs(&inputs, settings) {
        all.diagnostics.extend(o.diagnostics);
    }
    all
}

#[test]
fn rule_fixtures_trip_and_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let settings = Settings::default();
    let mut checked = 0;
    for code_dir in sorted(&root) {
        let code = code_dir.file_name().unwrap().to_string_lossy().to_string();
        for kind in ["trip", "pass"] {
            for file in sorted(&code_dir.join(kind)) {
                let outcome = check_fixture(&file, &code, &settings);
                let name = file.file_stem().unwrap().to_string_lossy().to_string();
                let list = || {
                    outcome
                        .diagnostics
                        .iter()
                        .map(|d| format!("  {} {}: {}", d.code, d.severity, d.message))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                if kind == "trip" {
                    assert!(
                        outcome.diagnostics.iter().any(|d| d.code == code),
                        "{} should trip {code}:\n{}",
                        file.display(),
                        list()
                    );
                    let json: Vec<_> = outcome
                        .diagnostics
                        .iter()
                        .map(|d| JsonDiagnostic::new(d, None))
                        .collect();
                    insta::assert_json_snapshot!(format!("{code}__{name}"), json);
                } else {
                    assert!(
                        !outcome.diagnostics.iter().any(|d| d.code == code),
                        "{} must not trip {code}:\n{}",
                        file.display(),
                        list()
                    );
                    assert!(
                        !outcome
                            .diagnostics
                            .iter()
                            .any(|d| d.severity == Severity::Error),
                        "{} is a pass fixture but has errors:\n{}",
                        file.display(),
                        list()
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} fixtures found");
}

#[test]
fn positions_are_exact() {
    // SE01 of the template is its 28th segment; the element is SE01; line 30 of the file.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/ENV003/trip/se01-too-small.x12"),
    )
    .unwrap();
    let o = engine::check(text.as_bytes(), &Settings::default());
    let d = o.diagnostics.iter().find(|d| d.code == "ENV003").unwrap();
    assert_eq!(
        (
            d.loc.segment.as_str(),
            d.loc.position,
            d.loc.element,
            d.loc.component
        ),
        ("SE", 28, Some(1), None)
    );
    assert_eq!((d.line, d.column), (30, 4));
    assert_eq!(
        &text.as_bytes()[d.loc.offset..d.loc.offset + d.loc.length],
        b"25"
    );
    assert_eq!(d.help.as_deref(), Some("write SE01 as 28"));
}
