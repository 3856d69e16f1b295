//! What the integration tests share. Each test file is its own crate and takes this module
//! with `mod common;`; not every file uses every item.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A scratch directory of one test: `$TMPDIR/claimlint-{name}-{pid}`, empty at the start and
/// removed when the test is done with it, so runs of the suite leave nothing behind. A test
/// that fails keeps it, to look at what it wrote.
pub struct Scratch(PathBuf);

impl Scratch {
    /// The directory, created empty.
    pub fn new(name: &str) -> Scratch {
        let s = Scratch::unmade(name);
        std::fs::create_dir_all(&s.0).expect("a scratch directory");
        s
    }

    /// The directory's path, with nothing there yet (for a command that makes it).
    pub fn unmade(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("claimlint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for Scratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
