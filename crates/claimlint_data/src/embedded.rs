//! The tables build.rs generated from `data/`, and the lookups over them. Owns the storage
//! layout (sorted statics, the ICD-10-CM code blob and its deflate blocks); the public API
//! and the `--data-dir` precedence live in `mod.rs`.

use std::io::Read;
use std::sync::OnceLock;

use super::{
    Dec, DoseInterval, Hcpcs, Icd10, Mue, PriorAuthRow, Setting, SingleDose, XwalkRow, Ymd,
};

/// A line of data/VERSIONS.
pub(super) struct Embedded {
    pub name: &'static str,
    pub version: &'static str,
    pub from: Ymd,
    pub to: Option<Ymd>,
    pub rows: usize,
    pub file: &'static str,
    pub source: &'static str,
}

/// One crosswalk quarter: records sorted by (ndc11, hcpcs), plus record indices sorted by
/// (hcpcs, ndc11) for lookups by code. `rows` is the public form, built on first use.
pub(super) struct EmbeddedQuarter {
    pub version: &'static str,
    pub from: Ymd,
    pub to: Ymd,
    recs: &'static [XRec],
    pub by_hcpcs: &'static [u32],
    /// The records' NDCs as numbers (`ndc_key`), in record order (so sorted): build.rs
    /// writes them, every compiled-in NDC having 11 digits.
    ndc_keys: &'static [u64],
    rows: OnceLock<Box<[XwalkRow]>>,
}

impl EmbeddedQuarter {
    /// About 7,000 rows built in well under a millisecond, once per quarter and process. A
    /// read-only cache of the compiled-in records (the `OnceLock` in `rows`): it cannot change
    /// a result.
    pub(super) fn rows(&'static self) -> &'static [XwalkRow] {
        self.rows.get_or_init(|| {
            self.recs
                .iter()
                .map(|r| XwalkRow {
                    hcpcs: pooled(r.hcpcs),
                    short_description: pooled(r.short_description),
                    labeler: pooled(r.labeler),
                    drug_name: pooled(r.drug_name),
                    ndc11: pooled(r.ndc11),
                    hcpcs_dosage: pooled(r.hcpcs_dosage),
                    pkg_size: Dec::from_micros(r.micros[0]),
                    pkg_qty: Dec::from_micros(r.micros[1]),
                    bill_units: Dec::from_micros(r.micros[2]),
                    bill_units_pkg: Dec::from_micros(r.micros[3]),
                })
                .collect()
        })
    }

    /// The rows' NDCs as numbers, for a search that compares integers instead of text; `None`
    /// should they not be one per row (they are: `crosswalk_keys_are_the_rows`).
    pub(super) fn ndc_keys(&'static self) -> Option<&'static [u64]> {
        (self.ndc_keys.len() == self.recs.len()).then_some(self.ndc_keys)
    }
}

/// A string of `POOL` as (offset, len). Statics of these need no relocations, unlike `&str`.
type Pooled = (u32, u32);

fn pooled((at, len): Pooled) -> &'static str {
    let (Ok(at), Ok(len)) = (usize::try_from(at), usize::try_from(len)) else {
        return "";
    };
    POOL.get(at..at + len).unwrap_or("")
}

/// A HCPCS row as stored; [`Hcpcs`] is built from it on lookup.
pub(super) struct HRec {
    code: Pooled,
    short: Pooled,
    long: Pooled,
    add_date: Option<Ymd>,
    effective: Option<Ymd>,
    termination: Option<Ymd>,
    cross_reference: Pooled,
    action: Pooled,
}

impl HRec {
    fn to_hcpcs(&self) -> Hcpcs {
        Hcpcs {
            code: pooled(self.code),
            short: pooled(self.short),
            long: pooled(self.long),
            add_date: self.add_date,
            effective: self.effective,
            termination: self.termination,
            cross_reference: pooled(self.cross_reference),
            action: pooled(self.action),
        }
    }
}

/// A crosswalk row as stored; `micros` are pkg_size, pkg_qty, bill_units, bill_units_pkg.
struct XRec {
    hcpcs: Pooled,
    short_description: Pooled,
    labeler: Pooled,
    drug_name: Pooled,
    ndc11: Pooled,
    hcpcs_dosage: Pooled,
    micros: [i64; 4],
}

fn find_code(table: &[HRec], code: &str) -> Option<Hcpcs> {
    let i = table
        .binary_search_by(|h| super::key_cmp(pooled(h.code), code))
        .ok()?;
    table.get(i).map(HRec::to_hcpcs)
}

pub(super) use claimlint_x12::short::code_key;

/// The codes of a compiled-in table as [`code_key`]s, in the table's order; `None` when a
/// code does not fit one or they do not ascend. What build.rs writes as `HCPCS_KEYS` and
/// `MODIFIERS_KEYS`, made here to test that.
#[cfg(test)]
fn code_keys(table: &'static [HRec]) -> Option<Box<[u64]>> {
    let keys: Option<Vec<u64>> = table
        .iter()
        .map(|h| code_key(pooled(h.code).as_bytes()))
        .collect();
    keys.filter(|k| k.windows(2).all(|w| w[0] < w[1]))
        .map(Vec::into_boxed_slice)
}

/// `find_code` by keys (build.rs's, one per record of `table`): one integer comparison per
/// step instead of a string comparison.
fn find_keyed(table: &'static [HRec], keys: Option<&'static [u64]>, code: &str) -> Option<Hcpcs> {
    match keys.filter(|k| k.len() == table.len()) {
        Some(keys) => {
            // Every code of the table fits a key: a longer one matches none of them.
            let i = keys.binary_search(&code_key(code.as_bytes())?).ok()?;
            table.get(i).map(HRec::to_hcpcs)
        }
        None => find_code(table, code),
    }
}

pub(super) fn hcpcs(code: &str) -> Option<Hcpcs> {
    find_keyed(HCPCS, HCPCS_KEYS, code)
}

pub(super) fn modifier(code: &str) -> Option<Hcpcs> {
    find_keyed(MODIFIERS, MODIFIERS_KEYS, code)
}

/// Keyed lookups answer as the string search does, for every code of both tables and for
/// codes near them (prefixes, extensions, lower case, NUL and over-long codes).
#[cfg(test)]
pub(super) fn keyed_lookups_agree() {
    for (table, keys) in [(HCPCS, HCPCS_KEYS), (MODIFIERS, MODIFIERS_KEYS)] {
        assert!(
            code_keys(table).is_some(),
            "every compiled-in code fits a key"
        );
        assert_eq!(
            keys,
            code_keys(table).as_deref(),
            "build.rs wrote the table's keys"
        );
        for h in table {
            let code = pooled(h.code);
            let mut probes = vec![
                code.to_string(),
                format!("{code}0"),
                format!("{code}\0"),
                code.to_ascii_lowercase(),
                "X".repeat(9),
            ];
            if let Some((head, _)) = code.split_at_checked(code.len().saturating_sub(1)) {
                probes.push(head.to_string());
            }
            for p in probes {
                assert_eq!(find_keyed(table, keys, &p), find_code(table, &p), "{p:?}");
            }
        }
    }
}

/// Every compiled-in ICD-10-CM code lies in its prefix's range and is found there, with its
/// neighbours (a longer code, a shorter one, lower case) answered as a search of the whole
/// table answers them.
#[cfg(test)]
pub(super) fn icd10_prefix_ranges_agree() {
    let whole = |code: &str| {
        let probe = icd10_word(code.as_bytes());
        (0..icd10_len()).find(|&i| icd10_key(i) == Some(probe))
    };
    for i in 0..icd10_len() {
        let (code, _) = icd10_code(i).expect("a record");
        let (lo, hi) = icd10_range(code.as_bytes());
        assert!((lo..hi).contains(&i), "{code} {lo}..{hi}");
        if i % 97 == 0 {
            for p in [
                code.to_string(),
                format!("{code}0"),
                code[..code.len() - 1].to_string(),
                code.to_ascii_lowercase(),
            ] {
                let found = icd10(&p).map(|c| c.code);
                let want = whole(&p).and_then(|j| icd10_code(j)).map(|(c, _)| c);
                assert_eq!(found, want, "{p:?}");
            }
        }
    }
}

#[cfg(test)]
pub(super) fn all_hcpcs() -> impl Iterator<Item = Hcpcs> {
    HCPCS.iter().map(HRec::to_hcpcs)
}

#[cfg(test)]
pub(super) fn hcpcs_counts() -> (usize, usize) {
    (HCPCS.len(), MODIFIERS.len())
}

/// An MUE table: (code, MUE) sorted by code.
pub(super) type MueRows = &'static [(&'static str, Mue)];

include!(concat!(env!("OUT_DIR"), "/versions.rs"));
include!(concat!(env!("OUT_DIR"), "/hcpcs.rs"));
include!(concat!(env!("OUT_DIR"), "/crosswalk.rs"));
include!(concat!(env!("OUT_DIR"), "/mue.rs"));
include!(concat!(env!("OUT_DIR"), "/icd10.rs"));
include!(concat!(env!("OUT_DIR"), "/handmade.rs"));

/// Inflated description blocks, filled on first use of a block and kept for the process.
/// Not state: a lazily inflated copy of bytes compiled into the binary. Whichever thread fills
/// a block first, every reader sees the same value, so it cannot change a result
/// (tests/layering.rs checks that no other kind of static exists).
static ICD10_CACHE: [OnceLock<Box<[&'static str]>>; ICD10_BLOCKS] =
    [const { OnceLock::new() }; ICD10_BLOCKS];

/// An 11-digit NDC as its number: distinct NDCs, distinct numbers.
pub(super) fn ndc_key(ndc: &[u8]) -> Option<u64> {
    if ndc.len() != 11 || !ndc.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(ndc.iter().fold(0, |n, &b| n * 10 + u64::from(b - b'0')))
}

/// Whether any compiled-in crosswalk quarter lists an NDC: one search of build.rs's sorted
/// union of their NDCs instead of one per quarter.
pub(super) fn crosswalk_lists_ndc(ndc11: &str) -> bool {
    ndc_key(ndc11.as_bytes()).is_some_and(|k| XW_NDC_UNION.binary_search(&k).is_ok())
}

/// Whether any compiled-in crosswalk quarter lists a code, from build.rs's sorted union of
/// their codes' keys: asked of every service line (does it bill a drug?). `None` when the
/// union has no keys (a code that does not fit one): the quarters answer then.
pub(super) fn crosswalk_lists_code(hcpcs: &str) -> Option<bool> {
    let keys = XW_HCPCS_UNION?;
    Some(code_key(hcpcs.as_bytes()).is_some_and(|k| keys.binary_search(&k).is_ok()))
}

/// One field of every compiled-in crosswalk row, sorted, each once (what the unions hold).
#[cfg(test)]
pub(super) fn crosswalk_values(field: fn(&XwalkRow) -> &'static str) -> Vec<&'static str> {
    let mut values: Vec<&'static str> = QUARTERS
        .iter()
        .flat_map(|q| q.rows().iter().map(field))
        .collect();
    values.sort_unstable_by(|a, b| super::key_cmp(a, b));
    values.dedup();
    values
}

/// build.rs's unions and per-quarter keys are the rows' own: the NDC union is every row's
/// NDC as a number, sorted, each once; the code union every row's code key; each quarter's
/// NDC keys its rows' NDCs, one per row, in order.
#[cfg(test)]
pub(super) fn crosswalk_keys_are_the_rows() {
    let ndcs: Vec<u64> = crosswalk_values(|r| r.ndc11)
        .iter()
        .map(|n| ndc_key(n.as_bytes()).expect("11 digits"))
        .collect();
    assert!(ndcs.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(XW_NDC_UNION, &ndcs[..]);
    let mut codes: Vec<u64> = crosswalk_values(|r| r.hcpcs)
        .iter()
        .map(|c| code_key(c.as_bytes()).expect("a code of at most 7 bytes"))
        .collect();
    codes.sort_unstable();
    assert_eq!(XW_HCPCS_UNION, Some(&codes[..]));
    for q in &QUARTERS {
        let keys: Vec<u64> = q
            .rows()
            .iter()
            .map(|r| ndc_key(r.ndc11.as_bytes()).expect("11 digits"))
            .collect();
        assert_eq!(q.ndc_keys(), Some(&keys[..]), "{}", q.version);
    }
}

pub(super) fn icd10_len() -> usize {
    ICD10_CODES.len() / ICD10_REC
}

/// The code and billable flag of record `i`.
pub(super) fn icd10_code(i: usize) -> Option<(&'static str, bool)> {
    let rec = ICD10_CODES.get(i * ICD10_REC..(i + 1) * ICD10_REC)?;
    let (code, flag) = rec.split_at(ICD10_REC - 1);
    let len = code.iter().position(|&b| b == b' ').unwrap_or(code.len());
    let code = std::str::from_utf8(code.get(..len)?).ok()?;
    Some((code, flag == b"Y"))
}

/// A code of at most 7 bytes as the big-endian number of its bytes padded with spaces, as
/// the records store it: a space sorts below every character of a code, so these numbers
/// order codes as their text does, and one integer comparison replaces a byte loop.
fn icd10_word(code: &[u8]) -> u64 {
    let mut w = [b' '; 8];
    for (slot, &b) in w.iter_mut().zip(code) {
        *slot = b;
    }
    u64::from_be_bytes(w)
}

/// The padded code of record `i` as an [`icd10_word`]: the record's 8 bytes read as one
/// number, its last (the billable flag) replaced by the pad.
fn icd10_key(i: usize) -> Option<u64> {
    const _: () = assert!(ICD10_REC == 8, "a record is 7 code bytes and a flag");
    let rec: [u8; 8] = ICD10_CODES
        .get(i * ICD10_REC..(i + 1) * ICD10_REC)?
        .try_into()
        .ok()?;
    Some(u64::from_be_bytes(rec) & !0xff | u64::from(b' '))
}

/// The records a code can be among: those of its first two characters' prefix
/// (`ICD10_FROM`), or all of them for a code that starts otherwise.
fn icd10_range(code: &[u8]) -> (usize, usize) {
    let prefix = match code {
        [a @ b'A'..=b'Z', b @ (b'0'..=b'9' | b'A'..=b'Z'), ..] => {
            let second = if b.is_ascii_digit() {
                b - b'0'
            } else {
                10 + (b - b'A')
            };
            Some(usize::from(a - b'A') * 36 + usize::from(second))
        }
        _ => None,
    };
    prefix
        .and_then(|k| {
            Some((
                *ICD10_FROM.get(k)? as usize,
                *ICD10_FROM.get(k + 1)? as usize,
            ))
        })
        .unwrap_or((0, icd10_len()))
}

pub(super) fn icd10(code: &str) -> Option<Icd10> {
    // A space would read as padding: no code holds one, so such input matches nothing.
    if code.is_empty() || code.len() >= ICD10_REC || code.contains(' ') {
        return None;
    }
    let probe = icd10_word(code.as_bytes());
    let (mut lo, mut hi) = icd10_range(code.as_bytes());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        // Compared as numbers; the record is decoded only when found.
        let key = icd10_key(mid)?;
        match key.cmp(&probe) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => {
                let (c, billable) = icd10_code(mid)?;
                return Some(Icd10 {
                    code: c,
                    billable,
                    description: icd10_description(mid),
                });
            }
        }
    }
    None
}

fn icd10_description(i: usize) -> &'static str {
    let block = i / ICD10_BLOCK;
    let Some(cell) = ICD10_CACHE.get(block) else {
        return "";
    };
    let lines = cell.get_or_init(|| inflate_block(block));
    lines.get(i % ICD10_BLOCK).copied().unwrap_or("")
}

/// Leaks the block's text: at most the whole table (~7 MB) over a process's life, and it lets
/// `Icd10::description` be a plain `&'static str`.
fn inflate_block(block: usize) -> Box<[&'static str]> {
    let range = ICD10_OFFSETS
        .get(block)
        .zip(ICD10_OFFSETS.get(block + 1))
        .and_then(|(&a, &b)| Some(usize::try_from(a).ok()?..usize::try_from(b).ok()?));
    let mut text = String::new();
    let ok = range.and_then(|r| ICD10_DESC.get(r)).is_some_and(|z| {
        flate2::read::DeflateDecoder::new(z)
            .read_to_string(&mut text)
            .is_ok()
    });
    if !ok {
        // Cannot happen with the blob build.rs wrote; empty descriptions beat a panic.
        return Box::new([]);
    }
    let text: &'static str = Box::leak(text.into_boxed_str());
    text.split('\n').collect()
}

pub(super) fn single_dose(hcpcs: &str, ndc11: Option<&str>) -> Option<SingleDose> {
    SINGLE_DOSE
        .binary_search_by(|r| (r.0, r.1).cmp(&(hcpcs, ndc11)))
        .ok()
        .and_then(|i| SINGLE_DOSE.get(i))
        .map(|r| r.2)
}

pub(super) fn prior_auth_medicare() -> &'static [PriorAuthRow] {
    PRIOR_AUTH_MEDICARE
}

#[cfg(test)]
pub(super) fn dose_interval(hcpcs: &str, ndc11: Option<&str>) -> Option<DoseInterval> {
    DOSE_INTERVALS
        .binary_search_by(|r| (r.hcpcs, r.ndc11).cmp(&(hcpcs, ndc11)))
        .ok()
        .and_then(|i| DOSE_INTERVALS.get(i))
        .copied()
}

/// The row of `ndc11` under `hcpcs`, else the code's own row (no NDC): what
/// [`dose_interval`] of the NDC, then of `None`, gives, with the code's rows found once (the
/// table is sorted by code, then NDC, each key once: a test holds it so) and then searched
/// by NDC alone. A code without rows, as most are, costs one search. Codes and NDCs are
/// compared by `key_cmp` and `short::eq` (the order and equality of `str`, without a `memcmp`
/// call per step), and a code's few rows are scanned: each key is there once, so the row
/// found is the one a search finds.
pub(super) fn dose_interval_for(hcpcs: &str, ndc11: Option<&str>) -> Option<DoseInterval> {
    let same = |a: &str, b: &str| claimlint_x12::short::eq(a.as_bytes(), b.as_bytes());
    let from = DOSE_INTERVALS.partition_point(|r| crate::key_cmp(r.hcpcs, hcpcs).is_lt());
    let rows = DOSE_INTERVALS.get(from..)?;
    let rows = rows.get(..rows.partition_point(|r| same(r.hcpcs, hcpcs)))?;
    let find = |n: Option<&str>| {
        rows.iter()
            .find(|r| match (r.ndc11, n) {
                (Some(a), Some(b)) => same(a, b),
                (a, b) => a.is_none() && b.is_none(),
            })
            .copied()
    };
    ndc11.and_then(|n| find(Some(n))).or_else(|| find(None))
}

#[cfg(test)]
pub(super) fn all_single_dose() -> &'static [(&'static str, Option<&'static str>, SingleDose)] {
    SINGLE_DOSE
}

#[cfg(test)]
pub(super) fn all_dose_intervals() -> &'static [DoseInterval] {
    DOSE_INTERVALS
}

#[cfg(test)]
pub(super) fn quarter_rows(version: &str) -> &'static [XwalkRow] {
    QUARTERS
        .iter()
        .find(|q| q.version == version)
        .map(EmbeddedQuarter::rows)
        .unwrap_or_default()
}

#[cfg(test)]
pub(super) fn mue_rows(setting: Setting) -> MueRows {
    MUE_TABLES
        .iter()
        .find(|t| t.0 == setting)
        .map(|t| t.3)
        .unwrap_or_default()
}
