//! The compact keys of a batch's claims (see the module above): taken per transaction set
//! or file, held in those pieces, sorted in place, and read merged. A run too large to hold
//! them all in memory writes sorted runs of them ([`Keys::write_run`]) and reads them back
//! merged with what it still holds ([`Keys::candidates_with`]); where the runs are stored is
//! the caller's business.

use super::*;
use std::io::{self, Read, Write};

/// The hasher of the keys: `FxHasher` (a multiply and rotate per word, a few instructions for
/// a code or an id) rather than SipHash (about ten times as many for the short parts hashed
/// here, once for every service line `check` sees). Its default has fixed keys: the same
/// hash in every thread of a run. Keys never leave the process, so its only job is to spread;
/// collisions are settled on exact values (a shared hash only makes claims candidates).
type KeyHasher = rustc_hash::FxHasher;

fn hash64(parts: &[&str]) -> u64 {
    let mut h = KeyHasher::default();
    for p in parts {
        p.hash(&mut h);
    }
    h.finish()
}

/// The hash of a duplicate key (XCL001: billing NPI, patient, HCPCS, date of service).
fn dup_hash(npi: &str, patient: &str, hcpcs: &str, date: Date) -> u64 {
    dup_line_hash(&dup_owner_hasher(npi, patient), hcpcs, date)
}

/// A duplicate key's hasher with its billing NPI and patient already hashed: the lines of a
/// claim share them, so each line's key starts from a copy of this.
fn dup_owner_hasher(npi: &str, patient: &str) -> KeyHasher {
    let mut h = KeyHasher::default();
    npi.hash(&mut h);
    patient.hash(&mut h);
    h
}

/// The hash of the duplicate key of a line with code `hcpcs` on `date`, its owner hashed in
/// `owner` ([`dup_owner_hasher`]). Exact: a hasher is a stream, so finishing a copy after the
/// line's parts gives what hashing all four parts into one new hasher gives.
fn dup_line_hash(owner: &KeyHasher, hcpcs: &str, date: Date) -> u64 {
    let mut h = owner.clone();
    hcpcs.hash(&mut h);
    date.0.hash(&mut h);
    h.finish()
}

/// A dose of a drug that has a labelled interval: 24 bytes, held for every such dose of a
/// run until its candidates are found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct DoseKey {
    group: u64,
    day: i32,
    min_days: u32,
    at: ClaimRef,
}

/// A date's day number as a dose key holds it (every CCYYMMDD date fits: under 3.7 million).
fn dose_day(date: Date) -> i32 {
    i32::try_from(date.day_number()).unwrap_or(i32::MAX)
}

/// The keys of one part of a batch (a transaction set's claims, a file's), as they were
/// taken.
#[derive(Debug, Default, PartialEq, Eq)]
struct Piece {
    duplicates: Vec<(u64, ClaimRef)>,
    doses: Vec<DoseKey>,
}

impl Piece {
    fn has_keys(&self) -> bool {
        !self.duplicates.is_empty() || !self.doses.is_empty()
    }
}

/// The compact keys of a batch's claims, collected while files stream past: 16 bytes per
/// duplicate key, 24 per dose. Held in the pieces they were taken in and never copied into
/// one list: [`Keys::candidates`] sorts each piece and reads them merged. (Gathered into one
/// list, a 1 GB input's keys were held twice at the peak: the freed pieces stay in the
/// allocator's memory.)
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Keys {
    pieces: Vec<Piece>,
}

impl Keys {
    /// The piece new keys go to.
    fn current(&mut self) -> &mut Piece {
        if self.pieces.is_empty() {
            self.pieces.push(Piece::default());
        }
        let last = self.pieces.len() - 1;
        &mut self.pieces[last]
    }

    pub fn add(&mut self, at: ClaimRef, claim: &BatchClaim) {
        let mut mine: Vec<(u64, ClaimRef)> = duplicate_claim::keys(claim)
            .iter()
            .map(|k| (dup_hash(k.npi, k.patient, k.hcpcs, k.date), at))
            .collect();
        // One claim lists a key once however many lines share it.
        mine.sort_unstable();
        mine.dedup();
        let piece = self.current();
        piece.duplicates.extend(mine);
        for dose in dose_interval::doses(claim) {
            let group = hash64(&[dose.patient, dose.hcpcs, dose.interval.drug]);
            piece.doses.push(DoseKey {
                group,
                day: dose_day(dose.date),
                min_days: dose.interval.min_days,
                at,
            });
        }
    }

    /// The keys of one input's claims, taken as they pass: the claims are numbered from 0, in
    /// file 0, until [`Keys::place`] puts them where they are in the batch.
    pub fn of(claims: &[BatchClaim]) -> Keys {
        let mut keys = Keys::default();
        for (i, c) in claims.iter().enumerate() {
            let claim = u32::try_from(i).unwrap_or(u32::MAX);
            keys.add(ClaimRef { file: 0, claim }, c);
        }
        keys.without_empty()
    }

    /// The same keys without empty pieces: a set with no key holds none.
    fn without_empty(mut self) -> Keys {
        self.pieces.retain(Piece::has_keys);
        self
    }

    /// The keys of one transaction set's claims, numbered from 0 in file 0 (see
    /// [`Keys::place`]), and how many claims it has: what [`Keys::of`] gives of the set's
    /// [`facts`], read straight from the model without making them (`check` takes the keys of
    /// every claim it checks, so they must cost little). A test holds the two equal.
    pub fn of_transaction(tx: &Transaction<'_>, data: &Data) -> (Keys, u32) {
        let mut keys = Piece::default();
        let mut dups: Vec<u64> = Vec::new();
        let mut doses: Vec<(Cow<'_, str>, &'static str, Date)> = Vec::new();
        // The last billing NPI read: the claims of a billing provider share its NM1.
        let mut last_npi: Option<(&[u8], Option<Cow<'_, str>>)> = None;
        for (i, c) in tx.claims.iter().enumerate() {
            let at = ClaimRef {
                file: 0,
                claim: u32::try_from(i).unwrap_or(u32::MAX),
            };
            let patient = patient(tx, c);
            // As `duplicate_claim::keys`: none for a replacement or void, or without NPI or
            // patient.
            let npi = match (&last_npi, c.billing_npi) {
                // The same bytes in memory (address and length): the same text.
                (Some((bytes, npi)), Some(e)) if std::ptr::eq(*bytes, e.bytes) => npi.clone(),
                _ => {
                    let npi = trimmed(c.billing_npi);
                    last_npi = c.billing_npi.map(|e| (e.bytes, npi.clone()));
                    npi
                }
            };
            let dup_owner = npi
                .zip(patient.as_deref())
                .filter(|_| !replaces_or_voids(c.frequency()))
                .map(|(npi, patient)| dup_owner_hasher(&npi, patient));
            let claim_date = c.date();
            dups.clear();
            doses.clear();
            for l in &c.lines {
                let Some(hcpcs) = line_hcpcs(l) else {
                    continue;
                };
                let Some(date) = l.date.map(|r| r.start).or(claim_date) else {
                    continue;
                };
                if let Some(owner) = &dup_owner {
                    dups.push(dup_line_hash(owner, &hcpcs, date));
                }
                // As `dose_interval::doses`: a line with a code, an NDC and a labelled
                // interval, not JW; one drug on one date is one dose. The NDC is asked first:
                // most lines have none, and then JW need not be looked for.
                let Some(patient) = patient.as_deref() else {
                    continue;
                };
                let Some(ndc) = trimmed(l.drug.as_deref().and_then(|d| d.ndc())) else {
                    continue;
                };
                if l.has_modifier(b"JW") {
                    continue;
                }
                let Some(interval) = data.dose_interval(&hcpcs, Some(&ndc)) else {
                    continue;
                };
                if doses
                    .iter()
                    .any(|(h, drug, d)| *h == hcpcs && *drug == interval.drug && *d == date)
                {
                    continue;
                }
                keys.doses.push(DoseKey {
                    group: hash64(&[patient, &hcpcs, interval.drug]),
                    day: dose_day(date),
                    min_days: interval.min_days,
                    at,
                });
                doses.push((hcpcs, interval.drug, date));
            }
            dups.sort_unstable();
            dups.dedup();
            keys.duplicates.extend(dups.iter().map(|&h| (h, at)));
        }
        let count = u32::try_from(tx.claims.len()).unwrap_or(u32::MAX);
        (Keys { pieces: vec![keys] }.without_empty(), count)
    }

    /// Keys taken by [`Keys::of`] moved to `file`, their claims numbered from `first`.
    pub fn place(&mut self, file: u32, first: u32) {
        let moved = |at: &mut ClaimRef| {
            at.file = file;
            at.claim = at.claim.saturating_add(first);
        };
        for p in &mut self.pieces {
            p.duplicates.iter_mut().for_each(|(_, at)| moved(at));
            p.doses.iter_mut().for_each(|d| moved(&mut d.at));
        }
    }

    /// Takes `other`'s pieces as they are: nothing is copied.
    pub fn merge(&mut self, other: Keys) {
        self.pieces
            .extend(other.pieces.into_iter().filter(Piece::has_keys));
    }

    /// Keys held (16 or 24 bytes each): what a batch's memory grows with.
    pub fn len(&self) -> usize {
        self.pieces
            .iter()
            .map(|p| p.duplicates.len() + p.doses.len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes the keys take (16 per duplicate key, 24 per dose).
    pub fn bytes(&self) -> usize {
        self.pieces
            .iter()
            .map(|p| p.duplicates.len() * <(u64, ClaimRef)>::SIZE + p.doses.len() * DoseKey::SIZE)
            .sum()
    }

    /// Sorts every piece in place. Keys of a few megabytes are first made one piece: one sort
    /// costs less than merging many small pieces, and the copy is small.
    fn sort(&mut self) {
        if self.pieces.len() > 1 && self.bytes() <= COALESCE_BYTES {
            let (dups, doses) = self.pieces.iter().fold((0, 0), |(a, b), p| {
                (a + p.duplicates.len(), b + p.doses.len())
            });
            let mut one = Piece {
                duplicates: Vec::with_capacity(dups),
                doses: Vec::with_capacity(doses),
            };
            for p in self.pieces.drain(..) {
                one.duplicates.extend(p.duplicates);
                one.doses.extend(p.doses);
            }
            self.pieces.push(one);
        }
        for p in &mut self.pieces {
            p.duplicates.sort_unstable();
            p.doses.sort_unstable();
        }
    }

    /// Claims that may be in a finding: a superset of the claims the rules will report, and
    /// with every claim a finding could name as its partner. Each piece is sorted in place and
    /// the pieces are read merged, in the order one sorted list would have.
    pub fn candidates(mut self) -> Vec<ClaimRef> {
        self.sort();
        if let [one] = self.pieces.as_slice() {
            let dups = one.duplicates.iter().copied();
            return candidates_of_sorted(dups, one.doses.iter().copied());
        }
        let dups = self.pieces.iter().map(|p| slice(&p.duplicates)).collect();
        let doses = self.pieces.iter().map(|p| slice(&p.doses)).collect();
        candidates_of_sorted(Merged::new(dups), Merged::new(doses))
    }

    /// Writes these keys, sorted, to `w` as one run starting at byte `at` of what `w` writes
    /// to: how a run whose keys outgrow its memory keeps them (the caller then lets them go;
    /// should the write fail, it still has them).
    pub fn write_run(&mut self, w: &mut dyn Write, at: u64) -> io::Result<Run> {
        self.sort();
        let dups = self.pieces.iter().map(|p| slice(&p.duplicates)).collect();
        let duplicates = write_records(w, Merged::new(dups))?;
        let doses = self.pieces.iter().map(|p| slice(&p.doses)).collect();
        let doses = write_records(w, Merged::new(doses))?;
        Ok(Run {
            at,
            duplicates,
            doses,
        })
    }

    /// [`Keys::candidates`] of these keys and of the `runs` written before, read back through
    /// `open` (a reader of the runs' storage from a byte offset). An error reading a run is
    /// the caller's to report: the candidates would be incomplete.
    pub fn candidates_with(
        mut self,
        runs: &[Run],
        open: &dyn Fn(u64) -> io::Result<Box<dyn Read>>,
    ) -> io::Result<Vec<ClaimRef>> {
        self.sort();
        let failed = std::cell::RefCell::new(None);
        let mut dups = Vec::new();
        let mut doses = Vec::new();
        for run in runs {
            let dose_at = run.at + run.duplicates * <(u64, ClaimRef)>::SIZE as u64;
            dups.push(records(open(run.at)?, run.duplicates, &failed));
            doses.push(records(open(dose_at)?, run.doses, &failed));
        }
        dups.extend(self.pieces.iter().map(|p| slice(&p.duplicates)));
        doses.extend(self.pieces.iter().map(|p| slice(&p.doses)));
        let out = candidates_of_sorted(Merged::new(dups), Merged::new(doses));
        match failed.into_inner() {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }
}

/// Up to this many bytes of keys are sorted as one list rather than merged piece by piece.
const COALESCE_BYTES: usize = 8 << 20;

/// Where one run of keys lies in the storage it was written to: from byte `at`, its
/// duplicate keys (16 bytes each), then its doses (24 bytes each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub at: u64,
    pub duplicates: u64,
    pub doses: u64,
}

impl Run {
    /// The bytes the run takes.
    pub fn len(&self) -> u64 {
        self.duplicates * <(u64, ClaimRef)>::SIZE as u64 + self.doses * DoseKey::SIZE as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The candidates of duplicate keys and doses read in sorted order (see [`Keys::candidates`]).
fn candidates_of_sorted(
    dups: impl Iterator<Item = (u64, ClaimRef)>,
    doses: impl Iterator<Item = DoseKey>,
) -> Vec<ClaimRef> {
    let mut out = Vec::new();
    // A key shared by claims: every claim that has it.
    let mut run: Vec<ClaimRef> = Vec::new();
    let mut run_of = None;
    let flush = |run: &mut Vec<ClaimRef>, out: &mut Vec<ClaimRef>| {
        if run.iter().any(|at| Some(at) != run.first()) {
            out.extend(run.iter().copied());
        }
        run.clear();
    };
    for (hash, at) in dups {
        if run_of != Some(hash) {
            flush(&mut run, &mut out);
            run_of = Some(hash);
        }
        run.push(at);
    }
    flush(&mut run, &mut out);
    // Two doses of one group closer than the interval: each pair next to each other.
    let mut before: Option<DoseKey> = None;
    for b in doses {
        if let Some(a) = before.filter(|a| a.group == b.group) {
            let min = i64::from(a.min_days.max(b.min_days));
            let apart = i64::from(b.day) - i64::from(a.day);
            if apart < min && (a.at != b.at || a.day != b.day) {
                out.extend([a.at, b.at]);
            }
        }
        before = Some(b);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A key as a run stores it: a fixed number of little-endian bytes.
trait Record: Copy + Ord {
    const SIZE: usize;
    fn put(&self, out: &mut Vec<u8>);
    fn get(b: &[u8]) -> Self;
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    let mut a = [0; 4];
    a.copy_from_slice(&b[i..i + 4]);
    u32::from_le_bytes(a)
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    let mut a = [0; 8];
    a.copy_from_slice(&b[i..i + 8]);
    u64::from_le_bytes(a)
}

impl Record for (u64, ClaimRef) {
    const SIZE: usize = 16;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0.to_le_bytes());
        out.extend_from_slice(&self.1.file.to_le_bytes());
        out.extend_from_slice(&self.1.claim.to_le_bytes());
    }
    fn get(b: &[u8]) -> Self {
        let at = ClaimRef {
            file: u32_at(b, 8),
            claim: u32_at(b, 12),
        };
        (u64_at(b, 0), at)
    }
}

impl Record for DoseKey {
    const SIZE: usize = 24;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.group.to_le_bytes());
        out.extend_from_slice(&self.day.to_le_bytes());
        out.extend_from_slice(&self.min_days.to_le_bytes());
        out.extend_from_slice(&self.at.file.to_le_bytes());
        out.extend_from_slice(&self.at.claim.to_le_bytes());
    }
    fn get(b: &[u8]) -> Self {
        DoseKey {
            group: u64_at(b, 0),
            day: u32_at(b, 8) as i32,
            min_days: u32_at(b, 12),
            at: ClaimRef {
                file: u32_at(b, 16),
                claim: u32_at(b, 20),
            },
        }
    }
}

/// Writes `keys` in order; returns how many.
fn write_records<T: Record>(w: &mut dyn Write, keys: Merged<'_, T>) -> io::Result<u64> {
    let mut buf = Vec::with_capacity(64 << 10);
    let mut n = 0u64;
    for k in keys {
        k.put(&mut buf);
        n += 1;
        if buf.len() >= 64 << 10 {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    w.write_all(&buf)?;
    Ok(n)
}

type Source<'a, T> = Box<dyn Iterator<Item = T> + 'a>;

fn slice<T: Copy>(keys: &[T]) -> Source<'_, T> {
    Box::new(keys.iter().copied())
}

/// `n` records read from `r`; a read that fails ends them and is kept in `failed`.
fn records<'a, T: Record + 'a>(
    mut r: Box<dyn Read>,
    mut n: u64,
    failed: &'a std::cell::RefCell<Option<io::Error>>,
) -> Source<'a, T> {
    let mut buf = [0u8; 32];
    Box::new(std::iter::from_fn(move || {
        if n == 0 {
            return None;
        }
        n -= 1;
        let b = &mut buf[..T::SIZE];
        match r.read_exact(b) {
            Ok(()) => Some(T::get(b)),
            Err(e) => {
                n = 0;
                failed.borrow_mut().get_or_insert(e);
                None
            }
        }
    }))
}

/// Sorted sources read as one sorted sequence (a k-way merge on a heap of each source's next
/// value). Equal values from different sources come in any order; they are equal.
struct Merged<'a, T> {
    sources: Vec<Source<'a, T>>,
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(T, usize)>>,
}

impl<'a, T: Ord + Copy> Merged<'a, T> {
    fn new(mut sources: Vec<Source<'a, T>>) -> Self {
        let mut heap = std::collections::BinaryHeap::with_capacity(sources.len());
        for (i, s) in sources.iter_mut().enumerate() {
            if let Some(first) = s.next() {
                heap.push(std::cmp::Reverse((first, i)));
            }
        }
        Merged { sources, heap }
    }
}

impl<T: Ord + Copy> Iterator for Merged<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        let std::cmp::Reverse((value, i)) = self.heap.pop()?;
        if let Some(next) = self.sources.get_mut(i).and_then(Iterator::next) {
            self.heap.push(std::cmp::Reverse((next, i)));
        }
        Some(value)
    }
}

#[test]
fn a_line_hash_from_its_owner_is_the_one_hasher_hash() {
    let date = Date(20260115);
    let mut one = KeyHasher::default();
    for p in ["1234567893", "MEMBER01", "J1100"] {
        p.hash(&mut one);
    }
    date.0.hash(&mut one);
    assert_eq!(
        dup_hash("1234567893", "MEMBER01", "J1100", date),
        one.finish()
    );
    // Parts that could run into each other hash apart, as before.
    assert_ne!(
        dup_hash("12345", "67893MEMBER01", "J1100", date),
        dup_hash("1234567893", "MEMBER01", "J1100", date)
    );
}
