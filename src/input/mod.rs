//! The one input layer of every command: which paths are inputs (`walk`) and the bytes of one
//! input: a memory map for large regular files, a read for small ones, and a capped read for
//! everything else (standard input `-`, FIFOs, `/dev/fd/N` from process substitution,
//! devices). gzip is inflated whatever the file is called; UTF-16 is refused with a reason.

pub mod walk;

use std::io::Read;
use std::path::Path;

/// Files at least this large are mapped rather than read.
const MMAP_THRESHOLD: u64 = 1 << 20;

/// The default `--max-input-size`: 4 GiB, for streams and inflated gzip (regular files are
/// mapped and need no cap).
pub const DEFAULT_MAX_INPUT: u64 = 4 << 30;

/// Parses a size as `--max-input-size` takes it: bytes, or a number with K, M or G (powers of
/// 1024; `KiB`, `MB` and the like are read the same way).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a size: write bytes, or a number with K, M or G"))?;
    let shift = match unit
        .trim()
        .to_ascii_uppercase()
        .trim_end_matches(['B', 'I'])
    {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return Err(format!("`{text}`: the unit must be K, M, G or T")),
    };
    n.checked_mul(1u64 << shift)
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{text}` is out of range"))
}

fn too_large(limit: u64, what: &str) -> std::io::Error {
    std::io::Error::other(format!(
        "{what} is larger than --max-input-size ({limit} bytes); reading stopped there"
    ))
}

/// Reads at most `limit` bytes; more is an error, so memory stays bounded by the cap.
fn read_capped(reader: impl Read, limit: u64, what: &str) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    reader.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(too_large(limit, what));
    }
    Ok(buf)
}

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
    /// Opens an input: `-` is standard input. Streams and inflated gzip are capped at `limit`
    /// bytes; a regular file is read whole, however large.
    pub fn open(path: &Path, limit: u64) -> std::io::Result<Input> {
        Input::decode(Input::open_raw(path, limit)?, limit)
    }

    /// Bytes already read (from a data lake's `binaryFile` column, say) as `open` would read
    /// them from a file: gzip inflated (capped at `limit`), UTF-16 refused with the same error.
    pub fn from_bytes(raw: Vec<u8>, limit: u64) -> std::io::Result<Input> {
        Input::decode(Input::Owned(raw), limit)
    }

    fn decode(raw: Input, limit: u64) -> std::io::Result<Input> {
        if raw.starts_with(&[0x1f, 0x8b]) {
            // MultiGzDecoder: `cat a.gz b.gz` is a valid gzip file too.
            let inflated = read_capped(
                flate2::read::MultiGzDecoder::new(&raw[..]),
                limit,
                "the inflated gzip data",
            )?;
            return Ok(Input::Owned(inflated));
        }
        if raw.starts_with(&[0xff, 0xfe]) || raw.starts_with(&[0xfe, 0xff]) {
            return Err(std::io::Error::other(
                "it is UTF-16 text (it starts with a UTF-16 byte order mark); X12 is ASCII: convert it, e.g. with iconv -f UTF-16 -t ASCII",
            ));
        }
        Ok(raw)
    }

    fn open_raw(path: &Path, limit: u64) -> std::io::Result<Input> {
        if path.as_os_str() == "-" {
            return read_capped(std::io::stdin().lock(), limit, "standard input").map(Input::Owned);
        }
        let file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        if meta.is_dir() {
            return Err(std::io::Error::other("is a directory"));
        }
        if !meta.is_file() {
            // A FIFO, /dev/fd/N, a device: no length to trust, so the cap bounds the read.
            return read_capped(&file, limit, "the stream").map(Input::Owned);
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
            // From the 2 MiB boundary at or before the start: reading the bytes after the last
            // range released mapped the pages around them again (the kernel maps a window of
            // pages around a fault, or a whole 2 MiB folio), pages of that range among them.
            // Left mapped, they added up to tens of MiB per GB (issue 15); bytes before
            // `range` are done with, and would come back from the file if read again.
            let window = 2 << 20;
            let start = range.start / window * window;
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
