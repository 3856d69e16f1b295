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
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
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

/// Writes `bytes` to a new temporary file beside `near` (same directory, so a rename is
/// atomic), synced to disk.
fn temporary(near: &Path, bytes: &[u8]) -> Result<PathBuf, CliError> {
    let dir = near.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    let name = near
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    for n in 0..100u32 {
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp);
        let mut file = match file {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write_err(near)(e)),
        };
        let written = file.write_all(bytes).and_then(|_| file.sync_all());
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(write_err(near)(e));
        }
        return Ok(tmp);
    }
    Err(write_err(near)(std::io::Error::other(
        "no free temporary name",
    )))
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
