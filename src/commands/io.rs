//! Where output goes, and what happens when it cannot: standard output, and files written to a
//! temporary name in their own directory, then renamed, so a reader never sees half a file
//! and a failed write leaves nothing behind. Any write error is exit 2 with the path and the
//! OS error; a closed pipe on standard output is exit 2 without a message (the reader left,
//! but the output was not all delivered, so the run is not a pass).

use super::CliError;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `text` to standard output and flushes it.
pub fn out(text: &str) -> Result<(), CliError> {
    out_bytes(text.as_bytes())
}

/// Writes `bytes` to standard output and flushes it (an input's bytes, which need not be
/// UTF-8).
pub fn out_bytes(bytes: &[u8]) -> Result<(), CliError> {
    out_with(|w| w.write_all(bytes))
}

/// Writes to standard output through `write` (buffered), then flushes: for output too large
/// to be built whole first (a JSON report of every claim). A closed pipe is
/// `CliError::ClosedPipe`; any other error names standard output.
pub fn out_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), CliError> {
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    write(&mut stdout)
        .and_then(|_| stdout.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => CliError::ClosedPipe,
            _ => CliError::Write {
                path: "standard output".into(),
                source: e,
            },
        })
}

/// Writes `text` to standard error; a failure there has nowhere to be reported.
pub fn err(text: &str) {
    if text.is_empty() {
        return;
    }
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_all(text.as_bytes())
        .and_then(|_| stderr.flush());
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> CliError + '_ {
    move |source| CliError::Write {
        path: path.display().to_string(),
        source,
    }
}

pub fn create_dir(dir: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(dir).map_err(write_err(dir))
}

/// Creates a new temporary file beside `near` (same directory, so a rename is atomic).
fn create_temporary(near: &Path) -> Result<(PathBuf, std::fs::File), CliError> {
    let dir = near.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    let name = near
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    for n in 0..100u32 {
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write_err(near)(e)),
        }
    }
    Err(write_err(near)(std::io::Error::other(
        "no free temporary name",
    )))
}

/// Writes `bytes` to a new temporary file beside `near`, synced to disk.
fn temporary(near: &Path, bytes: &[u8]) -> Result<PathBuf, CliError> {
    let (tmp, mut file) = create_temporary(near)?;
    let written = file.write_all(bytes).and_then(|_| file.sync_all());
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(write_err(near)(e));
    }
    Ok(tmp)
}

/// A file written piece by piece as its content is made, so none of it is held in memory:
/// to a temporary name beside `path`, which [`Staged::commit`] syncs and renames over `path`,
/// as [`write_replace`] does for a whole buffer. A `Staged` dropped without `commit` (an
/// error on the way) removes its temporary file and leaves `path` as it was.
pub struct Staged {
    path: PathBuf,
    tmp: Option<PathBuf>,
    file: std::io::BufWriter<std::fs::File>,
    written: u64,
}

impl Staged {
    pub fn create(path: &Path) -> Result<Staged, CliError> {
        let (tmp, file) = create_temporary(path)?;
        Ok(Staged {
            path: path.to_path_buf(),
            tmp: Some(tmp),
            file: std::io::BufWriter::with_capacity(1 << 16, file),
            written: 0,
        })
    }

    /// A write error of this file, named by the path it is for.
    pub fn error(&self, e: std::io::Error) -> CliError {
        write_err(&self.path)(e)
    }

    /// Puts the file in place: renamed over `path` when anything was written; when nothing
    /// was, removed, with any `path` an earlier run left (it would describe other input).
    pub fn commit(mut self) -> Result<(), CliError> {
        let Some(tmp) = self.tmp.take() else {
            return Ok(());
        };
        if self.written == 0 {
            let _ = std::fs::remove_file(&tmp);
            let _ = std::fs::remove_file(&self.path);
            return Ok(());
        }
        let done = self
            .file
            .flush()
            .and_then(|_| self.file.get_ref().sync_all())
            .and_then(|_| std::fs::rename(&tmp, &self.path));
        done.map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            write_err(&self.path)(e)
        })
    }
}

impl Write for Staged {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(bytes)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Writes `path` whole or not at all, replacing what was there (reports).
pub fn write_replace(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let tmp = temporary(path, bytes)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        write_err(path)(e)
    })
}

/// Writes a new file `<stem>.<ext>` in `dir`, or `<stem>.2.<ext>`, `<stem>.3.<ext>`... when
/// that exists: never overwrites (acknowledgments). Returns the path written.
pub fn write_new(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<PathBuf, CliError> {
    let first = dir.join(format!("{stem}.{ext}"));
    let tmp = temporary(&first, bytes)?;
    let result = claim_name(dir, stem, ext, &tmp);
    let _ = std::fs::remove_file(&tmp);
    result
}

/// Gives the temporary file its final name: a hard link fails when the name is taken, so two
/// runs never take the same one; where hard links are not supported, the name is reserved with
/// an exclusive create and the temporary file renamed over the reservation.
fn claim_name(dir: &Path, stem: &str, ext: &str, tmp: &Path) -> Result<PathBuf, CliError> {
    for n in 1..100_000u32 {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}.{n}.{ext}")
        };
        let path = dir.join(name);
        match std::fs::hard_link(tmp, &path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) => {}
        }
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(_) => {
                return std::fs::rename(tmp, &path)
                    .map(|_| path.clone())
                    .map_err(|e| {
                        let _ = std::fs::remove_file(&path);
                        write_err(&path)(e)
                    });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write_err(&path)(e)),
        }
    }
    Err(write_err(dir)(std::io::Error::other(
        "no free file name after 100,000 tries",
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("claimlint-io-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// What is put in a `Staged` file appears at its path only on `commit`, whole; nothing
    /// put removes a stale copy; dropped without `commit`, it leaves the old file as it was
    /// and no temporary file behind.
    #[test]
    fn a_staged_file_appears_whole_on_commit_or_not_at_all() {
        let dir = scratch("staged");
        let path = dir.join("out.837");
        std::fs::write(&path, b"old").unwrap();
        let mut s = Staged::create(&path).unwrap();
        s.write_all(b"ISA*").unwrap();
        s.write_all(&vec![b'x'; 100_000]).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"old", "not before commit");
        s.commit().unwrap();
        let got = std::fs::read(&path).unwrap();
        assert_eq!(got.len(), 100_004);
        assert!(got.starts_with(b"ISA*"));

        let mut s = Staged::create(&path).unwrap();
        s.write_all(b"half").unwrap();
        drop(s);
        assert_eq!(
            std::fs::read(&path).unwrap().len(),
            100_004,
            "dropped: unchanged"
        );

        Staged::create(&path).unwrap().commit().unwrap();
        assert!(!path.exists(), "nothing put: the stale copy is removed");
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert!(left.is_empty(), "no temporary file left: {left:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
