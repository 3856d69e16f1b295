//! Which paths are inputs, for every command. A path named on the command line is always an
//! input (a missing one becomes an unreadable-input diagnostic when it is opened). Inside a
//! directory every regular file is an input, whatever its name or extension, and symbolic
//! links to files and directories are followed; what is not a regular file (a FIFO, a socket,
//! a device, a broken link, a link loop, a directory that cannot be listed) is a [`Entry::Skipped`]
//! with its reason, so the caller can list it and fail. The only files left out are those the
//! user excludes on purpose (`--include`/`--exclude`, or `include`/`exclude` in claimlint.toml)
//! and claimlint's own config files, which are read as configuration.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("bad glob `{pattern}`: {message}")]
#[diagnostic(
    code(claimlint::glob),
    help(
        "globs match a path below the directory walked, or any one name in it: `**/2024-*.837`, `*.gz`, `archive`"
    )
)]
pub struct GlobError {
    pub pattern: String,
    pub message: String,
}

fn globset(patterns: &[String]) -> Result<Option<GlobSet>, GlobError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for g in patterns {
        b.add(Glob::new(g.trim()).map_err(|e| GlobError {
            pattern: g.clone(),
            message: e.kind().to_string(),
        })?);
    }
    b.build().map(Some).map_err(|e| GlobError {
        pattern: patterns.join(" "),
        message: e.to_string(),
    })
}

/// Files narrowed on purpose, ruff-style: `include` keeps only files whose relative path or
/// name matches (empty: every file); `exclude` drops files and directories whose relative
/// path, or any one name in it, matches.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

impl Filter {
    pub fn new(include: &[String], exclude: &[String]) -> Result<Filter, GlobError> {
        Ok(Filter {
            include: globset(include)?,
            exclude: globset(exclude)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.include.is_none() && self.exclude.is_none()
    }

    /// Whether the entry at `rel` (relative to the directory the patterns are written for) is
    /// left out. Directories are only tested against `exclude`.
    pub fn leaves_out(&self, rel: &Path, is_file: bool) -> bool {
        if let Some(ex) = &self.exclude
            && (ex.is_match(rel) || rel.components().any(|c| ex.is_match(c.as_os_str())))
        {
            return true;
        }
        match (&self.include, is_file) {
            (Some(inc), true) => {
                !(inc.is_match(rel) || rel.file_name().is_some_and(|n| inc.is_match(n)))
            }
            _ => false,
        }
    }
}

/// One path the walk found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// To be read. `named`: given on the command line (not filtered by config globs).
    File { path: String, named: bool },
    /// Not read, and why; a gate fails on it unless it is excluded on purpose.
    Skipped { path: String, reason: String },
}

impl Entry {
    pub fn path(&self) -> &str {
        match self {
            Entry::File { path, .. } | Entry::Skipped { path, .. } => path,
        }
    }
}

/// Expands `paths` in order, each directory sorted by name, so the output order does not depend
/// on the file system. `config_names` are files read as configuration, never as input.
pub fn walk(paths: &[PathBuf], filter: &Filter, config_names: &[&str]) -> Vec<Entry> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() != "-" && std::fs::metadata(p).is_ok_and(|m| m.is_dir()) {
            walk_dir(p, filter, config_names, &mut out);
        } else {
            out.push(Entry::File {
                path: p.display().to_string(),
                named: true,
            });
        }
    }
    out
}

fn walk_dir(root: &Path, filter: &Filter, config_names: &[&str], out: &mut Vec<Entry>) {
    let before = out.len();
    let mut left_out = 0usize;
    let mut it = walkdir::WalkDir::new(root)
        .follow_links(true)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = it.next() {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().unwrap_or(root).to_path_buf();
                if filter.leaves_out(path.strip_prefix(root).unwrap_or(&path), false) {
                    left_out += 1;
                } else {
                    out.push(Entry::Skipped {
                        path: path.display().to_string(),
                        reason: walk_error(&err, &path),
                    });
                }
                continue;
            }
        };
        let ft = e.file_type();
        let rel = e.path().strip_prefix(root).unwrap_or(e.path());
        if filter.leaves_out(rel, ft.is_file()) {
            left_out += 1;
            if ft.is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        let path = e.path().display().to_string();
        if ft.is_dir() {
            continue;
        }
        if ft.is_file() {
            let name = e.file_name().to_string_lossy();
            if !config_names.contains(&name.as_ref()) {
                out.push(Entry::File { path, named: false });
            }
            continue;
        }
        out.push(Entry::Skipped {
            path,
            reason: not_a_file(ft),
        });
    }
    if out.len() == before && left_out == 0 {
        out.push(Entry::Skipped {
            path: root.display().to_string(),
            reason: "a directory with no files in it".into(),
        });
    }
}

fn not_a_file(ft: std::fs::FileType) -> String {
    use std::os::unix::fs::FileTypeExt;
    let what = if ft.is_fifo() {
        "a FIFO (named pipe)"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    };
    format!("{what}, not a regular file; name it on the command line to read it")
}

fn walk_error(err: &walkdir::Error, path: &Path) -> String {
    if let Some(ancestor) = err.loop_ancestor() {
        return format!(
            "symbolic link loop: it leads back to {}",
            ancestor.display()
        );
    }
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && std::fs::metadata(path).is_err() {
        let target = std::fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        return format!("broken symbolic link: its target {target} does not exist");
    }
    match err.io_error() {
        Some(io) => format!("cannot be read: {io}"),
        None => format!("cannot be read: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_match_paths_names_and_any_component() {
        let f = Filter::new(&[], &[]).unwrap();
        assert!(f.is_empty() && !f.leaves_out(Path::new("a/notes.md"), true));
        let f = Filter::new(&["*.gz".into()], &[".git".into()]).unwrap();
        assert!(!f.leaves_out(Path::new("a/day1.837.gz"), true));
        assert!(f.leaves_out(Path::new("a/day1.837"), true));
        assert!(
            !f.leaves_out(Path::new("a"), false),
            "include never drops a directory"
        );
        assert!(f.leaves_out(Path::new(".git/objects/x.gz"), true));
        let f = Filter::new(&[], &["**/2024/*.837".into(), "sub/**".into()]).unwrap();
        assert!(f.leaves_out(Path::new("root/2024/a.837"), true));
        assert!(!f.leaves_out(Path::new("root/2025/a.837"), true));
        assert!(f.leaves_out(Path::new("sub/loop"), false));
        assert!(Filter::new(&[], &["a[".into()]).is_err());
    }
}
