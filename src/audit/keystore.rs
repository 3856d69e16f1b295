//! The keys of a run's rules across claims (XCL), held within a memory budget: a run of
//! gigabytes has tens of millions of them (16 bytes per claim's line, 24 per dose), so past
//! [`BUDGET`] they are written, sorted, to a temporary file and read back merged when the
//! candidates are found (`cross_claim::Keys::write_run`, `candidates_with`). The results
//! are the same whichever way the keys were held. A temporary file that cannot be written
//! leaves the keys in memory (the run is as right, only larger); one that cannot be read
//! back fails the run's rules across claims (`batch`).

use claimlint_rules::cross_claim::{ClaimRef, Keys, Run};
use std::io::{BufReader, BufWriter, Read, Write};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Bytes of keys held in memory before they are written out: with the rest of a check on
/// two threads, a run of any size stays under 200 MiB (BENCHMARKS.md).
pub const BUDGET: usize = 32 << 20;

/// The keys of one run.
pub struct KeyStore {
    budget: usize,
    /// Part numbers handed out (`part`): a transaction set's claims, numbered from 0 in it.
    parts: AtomicU32,
    held: Mutex<(Keys, usize)>,
    spilled: Mutex<Spilled>,
}

#[derive(Default)]
struct Spilled {
    file: Option<SpillFile>,
    runs: Vec<Run>,
    /// Why keys could not be written: they stay in memory from then on.
    unwritable: Option<String>,
}

/// The temporary file runs are written to (`tempfile::tempfile`): it has no name in the
/// directory (Linux `O_TMPFILE`, or removed as soon as it is made), so nothing is left behind
/// however the process ends, even killed by a gate's timeout.
struct SpillFile {
    file: std::fs::File,
    out: BufWriter<std::fs::File>,
    len: u64,
}

/// A run read from `at` on, by offset (`pread`): each reader keeps its own position, whatever
/// the others do with the handle they share a file with.
struct ReadAt {
    file: std::fs::File,
    at: u64,
}

impl Read for ReadAt {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&self.file, buf, self.at)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&self.file, buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl KeyStore {
    pub fn new(budget: usize) -> KeyStore {
        KeyStore {
            budget,
            parts: AtomicU32::new(0),
            held: Mutex::new((Keys::default(), 0)),
            spilled: Mutex::default(),
        }
    }

    /// A new part number: keys are added with it as their `ClaimRef::file` (see
    /// `batch::Claims`, which maps it back to a file and claim number).
    pub fn part(&self) -> u32 {
        self.parts.fetch_add(1, Ordering::Relaxed)
    }

    /// How many parts were handed out.
    pub fn parts(&self) -> u32 {
        self.parts.load(Ordering::Relaxed)
    }

    /// Takes `keys`; writes out what is held once it passes the budget.
    pub fn add(&self, keys: Keys) {
        let bytes = keys.bytes();
        let full = {
            let mut held = lock(&self.held);
            held.0.merge(keys);
            held.1 += bytes;
            (held.1 > self.budget).then(|| {
                held.1 = 0;
                std::mem::take(&mut held.0)
            })
        };
        if let Some(keys) = full {
            self.spill(keys);
        }
    }

    fn spill(&self, mut keys: Keys) {
        let mut spilled = lock(&self.spilled);
        if spilled.unwritable.is_none() {
            match write(&mut spilled, &mut keys) {
                Ok(()) => return,
                Err(e) => spilled.unwritable = Some(e.to_string()),
            }
        }
        drop(spilled);
        // Kept in memory: not counted again, so no other write is tried for it.
        lock(&self.held).0.merge(keys);
    }

    /// Why keys could not be written to a temporary file (they were kept in memory), if so.
    pub fn unwritable(&self) -> Option<String> {
        lock(&self.spilled).unwritable.clone()
    }

    /// The candidate claims of every key taken, as added (`ClaimRef::file` is the part).
    pub fn candidates(self) -> Result<Vec<ClaimRef>, String> {
        let (held, _) = self
            .held
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut spilled = self
            .spilled
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(file) = &mut spilled.file else {
            return Ok(held.candidates());
        };
        let cannot = |e: std::io::Error| {
            format!("the keys written to a temporary file could not be read back ({e})")
        };
        file.out.flush().map_err(cannot)?;
        let shared = &file.file;
        let open = |at: u64| -> std::io::Result<Box<dyn Read>> {
            let file = shared.try_clone()?;
            Ok(Box::new(BufReader::with_capacity(
                64 << 10,
                ReadAt { file, at },
            )))
        };
        held.candidates_with(&spilled.runs, &open).map_err(cannot)
    }
}

/// Writes `keys` as one more run of the store's temporary file (made on the first).
fn write(spilled: &mut Spilled, keys: &mut Keys) -> std::io::Result<()> {
    if spilled.file.is_none() {
        spilled.file = Some(create()?);
    }
    let Some(file) = spilled.file.as_mut() else {
        return Ok(());
    };
    let run = keys.write_run(&mut file.out, file.len)?;
    file.len += run.len();
    spilled.runs.push(run);
    Ok(())
}

/// A new file in the temporary directory (`TMPDIR`).
fn create() -> std::io::Result<SpillFile> {
    let file = tempfile::tempfile()?;
    let out = BufWriter::with_capacity(256 << 10, file.try_clone()?);
    Ok(SpillFile { file, out, len: 0 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimlint_rules::LintSettings;
    use claimlint_rules::cross_claim::Keys;

    /// The keys of `text`'s claims, as part `part`.
    fn keys_of(text: &str, part: u32) -> Vec<Keys> {
        let settings = LintSettings::default();
        claimlint_rules::engine::models(text.as_bytes(), &mut |tx| {
            let (mut k, _) = Keys::of_transaction(tx, &settings.data);
            k.place(part, 0);
            k
        })
    }

    /// Three inputs: the sample twice (every claim a duplicate of the other's) and the sample
    /// with other dates and patients (no partner). Each transaction set is one `add`.
    fn parts() -> Vec<Keys> {
        let sample = include_str!("../../fixtures/samples/clinic-day1.837");
        let other = sample
            .replace("2026011", "2025061")
            .replace("*MI*", "*MI*X");
        let mut all = keys_of(sample, 0);
        all.extend(keys_of(sample, 1));
        all.extend(keys_of(&other, 2));
        all
    }

    fn store_with(budget: usize) -> KeyStore {
        let store = KeyStore::new(budget);
        for k in parts() {
            store.add(k);
        }
        store
    }

    /// Held in memory, written out on every add, or some of each: the same candidates, and
    /// as many as with every key in one list.
    #[test]
    fn written_keys_give_the_candidates_held_keys_give() {
        let mut one = Keys::default();
        for k in parts() {
            one.merge(k);
        }
        let want = one.candidates();
        assert!(
            want.len() >= 8 && want.iter().all(|c| c.file < 2),
            "{want:?}"
        );
        for budget in [usize::MAX, 0, 200] {
            let store = store_with(budget);
            let written = lock(&store.spilled).runs.len();
            assert_eq!(written > 0, budget != usize::MAX, "budget {budget}");
            assert_eq!(store.candidates(), Ok(want.clone()), "budget {budget}");
        }
    }

    /// Keys written out that cannot be read back (here: the file emptied under the store): an
    /// error, never fewer candidates.
    #[test]
    fn keys_not_read_back_are_an_error() {
        let store = store_with(0);
        {
            let mut spilled = lock(&store.spilled);
            let file = spilled.file.as_mut().expect("written");
            file.out.flush().expect("flush");
            file.file.set_len(0).expect("truncate");
        }
        let err = store.candidates().expect_err("not read back");
        assert!(err.contains("could not be read back"), "{err}");
    }
}
