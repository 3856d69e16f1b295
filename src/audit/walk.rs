//! Finds the files an audit reads: files named on the command line always, and inside
//! directories those whose extension is listed (a trailing `.gz` is looked through, so
//! `day1.837.gz` counts as `837`) and that match `--glob`, if given. Hidden files are skipped.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// Extensions picked up by default: those `claimlint check` reads.
pub const DEFAULT_EXTENSIONS: &[&str] = &[
    "x12", "edi", "837", "837p", "837i", "txt", "dat", "ecs", "in",
];

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("bad --glob pattern `{pattern}`: {message}")]
#[diagnostic(
    code(claimlint::audit::glob),
    help("globs are matched against the path: `**/2024-*.837`, `*.edi.gz`")
)]
pub struct GlobError {
    pub pattern: String,
    pub message: String,
}

/// What a walk selects.
pub struct Filter {
    extensions: Vec<String>,
    globs: Option<GlobSet>,
}

impl Filter {
    pub fn new(extensions: &[String], globs: &[String]) -> Result<Filter, GlobError> {
        let extensions = if extensions.is_empty() {
            DEFAULT_EXTENSIONS.iter().map(|s| s.to_string()).collect()
        } else {
            extensions
                .iter()
                .map(|e| e.trim_start_matches('.').to_ascii_lowercase())
                .collect()
        };
        let globs = if globs.is_empty() {
            None
        } else {
            let mut b = GlobSetBuilder::new();
            for g in globs {
                b.add(Glob::new(g).map_err(|e| GlobError {
                    pattern: g.clone(),
                    message: e.kind().to_string(),
                })?);
            }
            Some(b.build().map_err(|e| GlobError {
                pattern: globs.join(" "),
                message: e.to_string(),
            })?)
        };
        Ok(Filter { extensions, globs })
    }

    pub fn accepts(&self, path: &Path) -> bool {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.starts_with('.') {
            return false;
        }
        let inner = name.strip_suffix(".gz").unwrap_or(&name);
        let ext = Path::new(inner)
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !self.extensions.contains(&ext) {
            return false;
        }
        // A glob may be written for the whole path (`**/2024/*.837`) or the name (`claims-*`).
        self.globs
            .as_ref()
            .is_none_or(|g| g.is_match(path) || path.file_name().is_some_and(|n| g.is_match(n)))
    }
}

/// Files to audit, and directory entries that could not be listed (path, error).
pub fn expand(paths: &[PathBuf], filter: &Filter) -> (Vec<String>, Vec<(String, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if !p.is_dir() {
            files.push(p.display().to_string());
            continue;
        }
        for entry in walkdir::WalkDir::new(p).sort_by_file_name() {
            match entry {
                Ok(e) if e.file_type().is_file() && filter.accepts(e.path()) => {
                    files.push(e.path().display().to_string())
                }
                Ok(_) => {}
                Err(e) => errors.push((e.path().unwrap_or(p).display().to_string(), e.to_string())),
            }
        }
    }
    (files, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_look_through_gzip_and_globs_match_names_or_paths() {
        let f = Filter::new(&[], &[]).unwrap();
        assert!(f.accepts(Path::new("a/day1.837")));
        assert!(f.accepts(Path::new("a/day1.837.GZ")));
        assert!(!f.accepts(Path::new("a/notes.md")));
        assert!(!f.accepts(Path::new("a/.hidden.837")));
        let f = Filter::new(&["edi".into()], &["claims-*".into()]).unwrap();
        assert!(f.accepts(Path::new("x/claims-1.edi")));
        assert!(!f.accepts(Path::new("x/other.edi")));
        assert!(!f.accepts(Path::new("x/claims-1.837")));
        let f = Filter::new(&[], &["**/2024/*.837".into()]).unwrap();
        assert!(f.accepts(Path::new("root/2024/a.837")));
        assert!(!f.accepts(Path::new("root/2025/a.837")));
        assert!(Filter::new(&[], &["a[".into()]).is_err());
    }
}
