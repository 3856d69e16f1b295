//! The progress bar of `check` and `audit` on stderr, counted in bytes so that one large file
//! shows progress too: a file advances it as its transaction sets are checked (the engine says
//! which bytes are done, batch by batch, and how many each chunk of claims of a large set
//! spans), not only when it is finished. Shown only on a terminal (for `check`, the human
//! format), and only once the run has lasted half a second, so quick runs and piped or
//! machine-read output never see it.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub struct Progress {
    bar: Option<ProgressBar>,
    files: u64,
    done_files: AtomicU64,
    start: Instant,
    shown: AtomicBool,
}

/// One input's share of the bar: its size on disk, reached in proportion to the bytes of its
/// (decompressed) contents checked so far.
pub struct FileProgress<'p> {
    progress: &'p Progress,
    size: u64,
    counted: AtomicU64,
}

impl Progress {
    /// A bar over `sizes`, the inputs' sizes on disk, when `wanted` and stderr is a terminal.
    pub fn new(sizes: &[u64], wanted: bool) -> Progress {
        let show = wanted && std::io::stderr().is_terminal();
        Progress::with(sizes, show)
    }

    pub(crate) fn with(sizes: &[u64], show: bool) -> Progress {
        let bar = show.then(|| {
            let total = sizes.iter().sum();
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
            let template = "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} {msg}, {elapsed}";
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar
        });
        let progress = Progress {
            bar,
            files: sizes.len() as u64,
            done_files: AtomicU64::new(0),
            start: Instant::now(),
            shown: AtomicBool::new(false),
        };
        progress.message();
        progress
    }

    /// The share of an input of `size` bytes on disk.
    pub fn file(&self, size: u64) -> FileProgress<'_> {
        FileProgress {
            progress: self,
            size,
            counted: AtomicU64::new(0),
        }
    }

    fn advance(&self, bytes: u64) {
        let Some(bar) = &self.bar else { return };
        bar.inc(bytes);
        if self.start.elapsed() > Duration::from_millis(500)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn message(&self) {
        if let Some(bar) = &self.bar {
            let done = self.done_files.load(Ordering::Relaxed);
            bar.set_message(format!("{done}/{} files", self.files));
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    #[cfg(test)]
    pub(crate) fn position(&self) -> u64 {
        self.bar.as_ref().map_or(0, ProgressBar::position)
    }
}

impl FileProgress<'_> {
    /// The first `checked` of the input's `len` bytes are done.
    pub fn reached(&self, checked: usize, len: usize) {
        let share = if len == 0 {
            self.size
        } else {
            let ratio = (checked.min(len) as u128 * self.size as u128) / len as u128;
            u64::try_from(ratio).unwrap_or(self.size)
        };
        let before = self.counted.fetch_max(share, Ordering::Relaxed);
        if share > before {
            self.progress.advance(share - before);
        }
    }

    /// Another `bytes` of the input's `len` are checked, wherever they are (a chunk of claims
    /// of a large transaction set, whose chunks finish in any order). `reached` later tops
    /// the share up to where the batch ends.
    pub fn covered(&self, bytes: usize, len: usize) {
        if len == 0 {
            return;
        }
        let part = (bytes.min(len) as u128 * self.size as u128) / len as u128;
        let part = u64::try_from(part).unwrap_or(0);
        let before = self.counted.fetch_add(part, Ordering::Relaxed);
        // Never past the input's share, whatever the rounding.
        let over = (before + part).saturating_sub(self.size);
        if over > 0 {
            self.counted.fetch_sub(over, Ordering::Relaxed);
        }
        self.progress.advance(part - over.min(part));
    }

    /// The input is done (checked, or it could not be read): the rest of its share.
    pub fn finish(&self) {
        self.reached(1, 1);
        self.progress.done_files.fetch_add(1, Ordering::Relaxed);
        self.progress.message();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file moves the bar as its bytes are checked, in proportion to its size on disk (a
    /// gzip's contents are larger than the file), never backwards and never past its share.
    #[test]
    fn a_file_moves_the_bar_by_its_bytes() {
        let p = Progress::with(&[100, 50], true);
        let big = p.file(100);
        big.reached(16, 64);
        assert_eq!(p.position(), 25);
        big.reached(8, 64);
        assert_eq!(p.position(), 25);
        big.reached(64, 64);
        assert_eq!(p.position(), 100);
        big.finish();
        assert_eq!(p.position(), 100);
        let gz = p.file(50);
        gz.reached(500, 1000);
        assert_eq!(p.position(), 125);
        gz.finish();
        assert_eq!(p.position(), 150);
        assert_eq!(p.done_files.load(Ordering::Relaxed), 2);
        let hidden = Progress::with(&[10], false);
        hidden.file(10).finish();
        assert_eq!(hidden.position(), 0);
    }

    /// Chunks of claims of one large set add their bytes in any order; the end of the batch
    /// tops the share up to where it ends, and nothing passes the file's share.
    #[test]
    fn chunks_add_and_the_batch_end_tops_up() {
        let p = Progress::with(&[100], true);
        let f = p.file(100);
        f.covered(30, 200); // a chunk in the second half, done first
        assert_eq!(p.position(), 15);
        f.covered(20, 200);
        assert_eq!(p.position(), 25);
        f.reached(120, 200); // the batch ends at 120: its other bytes counted now
        assert_eq!(p.position(), 60);
        f.covered(80, 200);
        assert_eq!(p.position(), 100);
        f.covered(80, 200); // past the share (rounding, repeats): held at it
        assert_eq!(p.position(), 100);
        f.finish();
        assert_eq!(p.position(), 100);
    }
}
