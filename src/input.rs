//! The bytes of one input: a memory map for large files, a read for small ones, or stdin.

use std::io::Read;
use std::path::Path;

/// Files at least this large are mapped rather than read.
const MMAP_THRESHOLD: u64 = 1 << 20;

pub enum Input {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for Input {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Input::Owned(v) => v,
            Input::Mapped(m) => m,
        }
    }
}

impl Input {
    pub fn open(path: &Path) -> std::io::Result<Input> {
        if path.as_os_str() == "-" {
            let mut buf = Vec::new();
            std::io::stdin().lock().read_to_end(&mut buf)?;
            return Ok(Input::Owned(buf));
        }
        let file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        if meta.is_dir() {
            return Err(std::io::Error::other("is a directory"));
        }
        if meta.len() >= MMAP_THRESHOLD {
            // SAFETY: the map is read-only and lives only while this file is checked. If another
            // process truncates the file meanwhile, reading past the new end raises SIGBUS; that
            // is the accepted risk of mapping (ripgrep takes the same one) for not copying
            // gigabytes.
            let map = unsafe { memmap2::Mmap::map(&file)? };
            return Ok(Input::Mapped(map));
        }
        let mut buf = Vec::with_capacity(meta.len() as usize);
        (&file).read_to_end(&mut buf)?;
        Ok(Input::Owned(buf))
    }
}
