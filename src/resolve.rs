//! Inputs and their settings, resolved the same way for every command (`check`, `ack`,
//! `audit`, `drugs`, `tree`): the walk of `input::walk`, then for each entry the config that
//! governs it — `--config FILE` for all, else the nearest claimlint.toml above it (each read
//! once), else none — with the profile and the command-line flags on top (`config::resolve`),
//! and the config's own `include`/`exclude` applied to what its directories hold.

use crate::config::{self, ConfigError, FileConfig, Flags, Resolved};
use crate::input::walk::{self, Entry, Filter};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the config comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The nearest claimlint.toml above each input.
    Discover,
    /// `--config FILE`, for every input.
    File(PathBuf),
    /// `--no-config`.
    Nothing,
}

/// The settings one config (or none) gives its inputs, and the files it leaves out.
#[derive(Debug)]
pub struct Governed {
    pub resolved: Resolved,
    filter: Filter,
    /// The config file's directory, which its globs are relative to.
    base: PathBuf,
}

impl Governed {
    /// Whether the config leaves `path` out on purpose (`include`/`exclude`).
    pub fn leaves_out(&self, path: &str, is_file: bool) -> bool {
        if self.filter.is_empty() {
            return false;
        }
        let abs = std::path::absolute(path).unwrap_or_else(|_| PathBuf::from(path));
        match abs.strip_prefix(&self.base) {
            Ok(rel) => self.filter.leaves_out(rel, is_file),
            Err(_) => false,
        }
    }
}

pub struct Resolver {
    flags: Flags,
    source: Source,
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
    loaded: HashMap<PathBuf, Arc<Governed>>,
    bare: Option<Arc<Governed>>,
}

impl Resolver {
    /// Checks the flags at once, even when there is no input to check. `--profile` is checked
    /// against each config used, since a config may define the profile it names.
    pub fn new(flags: Flags, source: Source) -> Result<Resolver, ConfigError> {
        config::resolve(
            None,
            &Flags {
                profile: None,
                ..flags.clone()
            },
        )?;
        let mut r = Resolver {
            flags,
            source,
            by_dir: HashMap::new(),
            loaded: HashMap::new(),
            bare: None,
        };
        if let Source::File(path) = r.source.clone() {
            r.load(&path)?;
        }
        Ok(r)
    }

    fn load(&mut self, path: &Path) -> Result<Arc<Governed>, ConfigError> {
        if let Some(g) = self.loaded.get(path) {
            return Ok(g.clone());
        }
        let cfg = FileConfig::read(path)?;
        let resolved = config::resolve(Some((path, &cfg)), &self.flags)?;
        let filter = Filter::new(&cfg.include, &cfg.exclude).map_err(|e| ConfigError::Invalid {
            path: path.display().to_string(),
            key: if cfg.include.contains(&e.pattern) {
                "include".into()
            } else {
                "exclude".into()
            },
            message: e.to_string(),
        })?;
        let base = std::path::absolute(path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        let g = Arc::new(Governed {
            resolved,
            filter,
            base,
        });
        self.loaded.insert(path.to_path_buf(), g.clone());
        Ok(g)
    }

    fn bare(&mut self) -> Result<Arc<Governed>, ConfigError> {
        if let Some(b) = &self.bare {
            return Ok(b.clone());
        }
        let b = Arc::new(Governed {
            resolved: config::resolve(None, &self.flags)?,
            filter: Filter::default(),
            base: PathBuf::new(),
        });
        self.bare = Some(b.clone());
        Ok(b)
    }

    /// The settings for the input (or skipped entry) at `path`, from the config above its
    /// directory (`-`: standard input, governed from the working directory). Never from
    /// inside `path` itself: a skipped link to a directory must not find a config through it.
    pub fn for_path(&mut self, path: &str) -> Result<Arc<Governed>, ConfigError> {
        let found = match &self.source {
            Source::Nothing => None,
            Source::File(c) => Some(c.clone()),
            Source::Discover => {
                let dir = if path == "-" {
                    PathBuf::from(".")
                } else {
                    Path::new(path)
                        .parent()
                        .unwrap_or(Path::new("."))
                        .to_path_buf()
                };
                self.by_dir
                    .entry(dir.clone())
                    .or_insert_with(|| config::find_config(&dir))
                    .clone()
            }
        };
        match found {
            Some(cfg) => self.load(&cfg),
            None => self.bare(),
        }
    }
}

/// What a command reads: each file with its settings, and what it did not read (path, reason).
#[derive(Default)]
pub struct Inputs {
    pub files: Vec<(String, Arc<Governed>)>,
    pub skipped: Vec<(String, String)>,
}

/// Walks `paths` (narrowed by the command line's `filter`), resolves each entry's settings
/// and drops what its config leaves out on purpose.
pub fn gather(
    paths: &[PathBuf],
    filter: &Filter,
    resolver: &mut Resolver,
) -> Result<Inputs, ConfigError> {
    let mut inputs = Inputs::default();
    for entry in walk::walk(paths, filter, config::FILE_NAMES) {
        let governed = resolver.for_path(entry.path())?;
        match entry {
            Entry::File { path, named } => {
                if named || !governed.leaves_out(&path, true) {
                    inputs.files.push((path, governed));
                }
            }
            Entry::Skipped { path, reason } => {
                if !governed.leaves_out(&path, false) {
                    inputs.skipped.push((path, reason));
                }
            }
        }
    }
    Ok(inputs)
}
