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

impl Input {
    /// Tells the kernel the bytes of `range` will not be read again soon, so a gigabyte input
    /// is not held in memory after it has been checked. Reading them again later is still
    /// correct: the pages come back from the file. Owned inputs are left as they are.
    pub fn release(&self, range: std::ops::Range<usize>) {
        if let Input::Mapped(map) = self {
            // Whole pages only: the start is rounded up, so no byte before `range` is affected.
            let page = 4096;
            let start = range.start.div_ceil(page) * page;
            let end = range.end.min(map.len());
            if end > start {
                // SAFETY: the map is a private read-only file mapping; MADV_DONTNEED drops the
                // pages and a later read faults them back in from the file, so no data that
                // Rust code can observe changes. (For anonymous memory it would zero them,
                // which is why memmap2 marks it unchecked.)
                let _ = unsafe {
                    map.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        start,
                        end - start,
                    )
                };
            }
        }
    }
}
