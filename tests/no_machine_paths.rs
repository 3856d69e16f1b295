//! No committed file names a path of one particular machine (issue 12): reference data and
//! the corpus are found through `$CLAIMLINT_SHARED` or `../shared`, never an absolute path.

use std::path::Path;
use std::process::Command;

#[test]
fn committed_files_hold_no_machine_specific_paths() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = match Command::new("git")
        .arg("ls-files")
        .current_dir(root)
        .output()
    {
        Ok(o) if o.status.success() => o,
        // Not a git checkout (e.g. a source tarball): nothing to check, unless CI says it is one.
        _ if std::env::var_os("CI").is_none() => return,
        _ => panic!("git ls-files failed under CI"),
    };
    // Built from pieces so that this file does not match itself.
    let needles = [format!("/{}/", "work"), format!("/{}/", "home")];
    let mut hits = Vec::new();
    for name in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(text) = std::fs::read(root.join(name)) else {
            continue;
        };
        let text = String::from_utf8_lossy(&text);
        for (n, line) in text.lines().enumerate() {
            if needles.iter().any(|w| line.contains(w.as_str())) {
                hits.push(format!("{name}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        hits.is_empty(),
        "machine-specific paths in committed files:\n{}",
        hits.join("\n")
    );
}
