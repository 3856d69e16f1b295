//! Findings of transaction sets already checked, kept by their bytes, for a caller that checks
//! one document again and again: the language server re-checks on every edit, and an edit
//! touches one transaction set of thousands. A transaction set whose bytes, GS and delimiters
//! are what they were is not checked again; its findings of the last run are moved to where it
//! starts now. Everything that reads across transaction sets (the envelope scan and its rules,
//! suppression, the cap, line and column) runs again in full, so the outcome is the one
//! `engine::check` gives (tests below, and `tests/lsp.rs` through the server).
//!
//! A cache belongs to one settings value: the caller keeps one per settings it checks with and
//! starts a new one when they change (`TxCache::default()`). It holds nothing between runs but
//! the entries of the transaction sets of the last run.

use crate::LintSettings;
use crate::drugs::data_notes::{self, DataNote};
use crate::engine::{self, Outcome, Stats};
use claimlint_diagnostic::Diagnostic;
use claimlint_x12::Segment;
use claimlint_x12::envelope::TxFrame;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

/// The last run's transaction sets and their findings, by a hash of their key.
#[derive(Default)]
pub struct TxCache {
    entries: HashMap<u64, Vec<Arc<Entry>>>,
}

/// What a transaction set's findings depend on besides the settings: its bytes from ST to past
/// SE, the delimiters it is read with, and its GS (the guide classification and the envelope
/// rules read GS08; a finding on the GS carries the GS's position in the file). Borrowed from
/// the input, so an unchanged set costs a hash and a compare, not a copy; `Key` owns one.
#[derive(PartialEq, Eq, Hash)]
struct KeyRef<'a> {
    bytes: &'a [u8],
    delims: [u8; 4],
    gs: Option<(&'a [u8], u32, [u8; 4])>,
}

/// A `KeyRef` kept for the next run.
struct Key {
    bytes: Box<[u8]>,
    delims: [u8; 4],
    gs: Option<(Box<[u8]>, u32, [u8; 4])>,
}

/// Which segment an offset of a kept finding is counted from.
#[derive(Clone, Copy)]
enum Anchor {
    Frame,
    Gs,
}

struct Entry {
    key: Key,
    stats: Stats,
    /// The findings with their offsets made relative to their anchors.
    found: Vec<(Diagnostic, Anchor, Anchor)>,
    notes: Vec<DataNote>,
}

fn delims(d: claimlint_x12::Delimiters) -> [u8; 4] {
    [d.element, d.component, d.repetition.unwrap_or(0), d.segment]
}

impl<'a> KeyRef<'a> {
    fn of(input: &'a [u8], gs: Option<&Segment<'a>>, frame: &TxFrame<'_>) -> KeyRef<'a> {
        let end = frame.end.min(input.len());
        KeyRef {
            bytes: &input[frame.start.min(end)..end],
            delims: delims(frame.delims),
            gs: gs.map(|g| (g.bytes, g.position, delims(g.delims))),
        }
    }

    fn hash64(&self) -> u64 {
        let mut h = DefaultHasher::new();
        self.hash(&mut h);
        h.finish()
    }

    fn to_owned(&self) -> Key {
        Key {
            bytes: self.bytes.into(),
            delims: self.delims,
            gs: self.gs.map(|(b, p, d)| (b.into(), p, d)),
        }
    }
}

impl Key {
    fn as_ref(&self) -> KeyRef<'_> {
        KeyRef {
            bytes: &self.bytes,
            delims: self.delims,
            gs: self.gs.as_ref().map(|(b, p, d)| (&b[..], *p, *d)),
        }
    }
}

/// The region of `offset` (with the bytes up to `end`, for a span), relative to its anchor.
fn anchor(
    offset: usize,
    end: usize,
    frame: &TxFrame<'_>,
    gs: Option<&Segment<'_>>,
) -> Option<(usize, Anchor)> {
    if offset >= frame.start && end <= frame.end {
        return Some((offset - frame.start, Anchor::Frame));
    }
    let g = gs?;
    (offset >= g.offset && end <= g.offset + g.bytes.len() + 1)
        .then(|| (offset - g.offset, Anchor::Gs))
}

impl Entry {
    /// The entry for a transaction set checked this run, or `None` when one of its findings
    /// points outside the transaction set and its GS (it could not be moved with them).
    fn new(
        key: Key,
        stats: Stats,
        found: &[Diagnostic],
        notes: Vec<DataNote>,
        frame: &TxFrame<'_>,
        gs: Option<&Segment<'_>>,
    ) -> Option<Entry> {
        // A set with its BHT written before its ST: its findings' sites are file positions.
        if frame.reads_outside() {
            return None;
        }
        let mut kept = Vec::with_capacity(found.len());
        for d in found {
            let mut d = d.clone();
            let (offset, at) = anchor(d.loc.offset, d.loc.offset + d.loc.length, frame, gs)?;
            d.loc.offset = offset;
            // The set, claim and line a finding is in are inside the set: counted from its start.
            for held in [
                &mut d.context.set_at,
                &mut d.context.claim_at,
                &mut d.context.line_at,
            ] {
                *held = held.and_then(|o| o.checked_sub(frame.start));
            }
            let fix_at = match &mut d.fix {
                Some(f) => {
                    let (start, fix_at) = anchor(f.start, f.end, frame, gs)?;
                    f.end -= f.start - start;
                    f.start = start;
                    fix_at
                }
                None => Anchor::Frame,
            };
            kept.push((d, at, fix_at));
        }
        Some(Entry {
            key,
            stats,
            found: kept,
            notes,
        })
    }

    /// Its findings, moved to where the transaction set (and its GS) now are.
    fn placed(&self, frame: &TxFrame<'_>, gs: Option<&Segment<'_>>) -> Vec<Diagnostic> {
        let base = |a: Anchor| match a {
            Anchor::Frame => frame.start,
            Anchor::Gs => gs.map_or(0, |g| g.offset),
        };
        self.found
            .iter()
            .map(|(d, at, fix_at)| {
                let mut d = d.clone();
                d.loc.offset += base(*at);
                for held in [
                    &mut d.context.set_at,
                    &mut d.context.claim_at,
                    &mut d.context.line_at,
                ] {
                    *held = held.map(|o| o + frame.start);
                }
                if let Some(f) = &mut d.fix {
                    f.start += base(*fix_at);
                    f.end += base(*fix_at);
                }
                d
            })
            .collect()
    }
}

impl TxCache {
    fn find(&self, hash: u64, key: &KeyRef<'_>) -> Option<&Arc<Entry>> {
        self.entries
            .get(&hash)?
            .iter()
            .find(|e| e.key.as_ref() == *key)
    }

    /// How many transaction sets it holds (tests and diagnostics of the server).
    pub fn len(&self) -> usize {
        self.entries.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// `engine::check`, reusing the findings `cache` holds for unchanged transaction sets and
/// leaving in it those of this run's.
pub fn check(input: &[u8], settings: &LintSettings, cache: &mut TxCache) -> Outcome {
    let last = &*cache;
    // Each set's result, and the entry (with its key's hash) the next run can reuse: `None`
    // when a finding points outside the set and its GS, so it is checked again every run.
    let per_tx = |plan: &engine::Plan,
                  gs: Option<&Segment<'_>>,
                  frame: &TxFrame<'_>,
                  spans: Option<Vec<claimlint_x12::envelope::SegmentSpan>>,
                  memo: &std::sync::Mutex<claimlint_model::CleanMemo>| {
        let key = KeyRef::of(input, gs, frame);
        let hash = key.hash64();
        // A set with its BHT written before its ST is never stored (`Entry::new`), and its key
        // (its ST..SE bytes) does not see that BHT: the entry of the same bytes checked with
        // the BHT in place (or with none) is not its result.
        let cached = (!frame.reads_outside()).then(|| last.find(hash, &key));
        if let Some(e) = cached.flatten() {
            let found = e.placed(frame, gs);
            return (
                e.stats,
                found,
                Some((e.notes.clone(), Some((hash, e.clone())))),
            );
        }
        let (stats, found, notes) =
            engine::check_transaction(input, gs, frame, spans, (plan, memo, &|_| ()), &|tx| {
                data_notes::notes(tx, settings)
            });
        let notes = notes.unwrap_or_default();
        let entry = Entry::new(key.to_owned(), stats, &found, notes.clone(), frame, gs)
            .map(|e| (hash, Arc::new(e)));
        (stats, found, Some((notes, entry)))
    };
    let (mut outcome, per_tx) = engine::check_each(input, settings, &per_tx, &|_| ());
    let mut entries: HashMap<u64, Vec<Arc<Entry>>> = HashMap::new();
    let mut notes = Vec::with_capacity(per_tx.len());
    for (n, entry) in per_tx {
        notes.push(n);
        if let Some((hash, e)) = entry {
            let same = entries.entry(hash).or_default();
            if !same
                .iter()
                .any(|s| Arc::ptr_eq(s, &e) || s.key.as_ref() == e.key.as_ref())
            {
                same.push(e);
            }
        }
    }
    cache.entries = entries;
    outcome.notes = data_notes::texts(notes);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same outcome as `engine::check`, cold and warm, after edits that change one
    /// transaction set, move the others (findings and fixes with them), move the GS, or change
    /// the GS; on valid sets and on sets with findings and fixes.
    #[test]
    fn the_outcome_is_engine_checks() {
        let settings = LintSettings::default();
        for base in [crate::test::P837, crate::test::I837] {
            let valid = two_sets(base);
            let defective = valid
                .replace("J0897", "J3486")
                .replace("55513071001", "55513-0710-01");
            for start in [valid, defective] {
                let mut cache = TxCache::default();
                let mut text = start.clone();
                let edits: [fn(&str) -> String; 7] = [
                    |t| t.to_string(),
                    |t| t.to_string(),
                    |t| replace_last(t, "CLM*", "CLM*X"),
                    |t| t.replacen("CLM*", "CLM*LONGER", 1),
                    |t| t.replacen("~\nGS*", "~\n\nGS*", 1),
                    |t| t.replacen("*005010X22", "*004010X09", 1),
                    // Back to the start: no set is as the last run left it.
                    |t| {
                        t.replacen("~\n\nGS*", "~\nGS*", 1)
                            .replacen("*004010X09", "*005010X22", 1)
                            .replacen("CLM*LONGER", "CLM*", 1)
                            .replacen("CLM*X", "CLM*", 1)
                    },
                ];
                for (n, edit) in edits.iter().enumerate() {
                    text = edit(&text);
                    let want = crate::engine::check(text.as_bytes(), &settings);
                    let got = check(text.as_bytes(), &settings, &mut cache);
                    assert_eq!(got.diagnostics, want.diagnostics, "edit {n}");
                    assert_eq!(got.stats, want.stats);
                    assert_eq!(got.tally, want.tally);
                    assert_eq!(got.notes, want.notes);
                    assert_eq!(got.suppressed_by_rule, want.suppressed_by_rule);
                    assert_eq!(cache.len(), 2);
                }
                assert_eq!(text, start);
                let found = crate::engine::check(start.as_bytes(), &settings).diagnostics;
                let defective = start.contains("J3486");
                assert_eq!(
                    found.iter().any(|d| d.fix.is_some()),
                    defective,
                    "{found:?}"
                );
                assert_eq!(found.len() >= 4, defective, "{found:?}");
            }
        }
    }

    /// A BHT put back before its ST (deleted, then written above ST): the set's ST..SE bytes
    /// are those of the set without it, but its result is not that set's (one STR003, not
    /// "BHT missing"); nor is it stored, its sites being file positions.
    #[test]
    fn a_bht_before_st_is_checked_again() {
        let settings = LintSettings::default();
        let bht = "BHT*0019*00*BATCH1*20260120*1200*CH~\n";
        let deleted = crate::test::P837.replacen(bht, "", 1);
        let before_st = deleted.replacen("ST*837*", &format!("{bht}ST*837*"), 1);
        let mut cache = TxCache::default();
        for text in [&deleted, &before_st, &deleted] {
            let want = crate::engine::check(text.as_bytes(), &settings);
            let got = check(text.as_bytes(), &settings, &mut cache);
            assert_eq!(got.diagnostics, want.diagnostics);
            assert_eq!(got.suppressed_by_rule, want.suppressed_by_rule);
        }
        check(before_st.as_bytes(), &settings, &mut cache);
        assert!(cache.is_empty());
    }

    /// An unchanged transaction set is not checked again.
    #[test]
    fn unchanged_sets_are_kept() {
        let settings = LintSettings::default();
        let two = two_sets(crate::test::P837);
        let mut cache = TxCache::default();
        check(two.as_bytes(), &settings, &mut cache);
        assert_eq!(cache.len(), 2);
        let before: Vec<*const Entry> = cache.entries.values().flatten().map(Arc::as_ptr).collect();
        let edited = replace_last(&two, "CLM*", "CLM*X");
        check(edited.as_bytes(), &settings, &mut cache);
        let after: Vec<*const Entry> = cache.entries.values().flatten().map(Arc::as_ptr).collect();
        assert_eq!(after.len(), 2);
        assert_eq!(after.iter().filter(|p| before.contains(p)).count(), 1);
    }

    /// The sample with its transaction set written twice in its group (the second with
    /// ST02 and SE02 0002), GE01 2.
    fn two_sets(text: &str) -> String {
        let st = text.find("ST*").expect("ST");
        let ge = text.find("GE*1*").expect("GE");
        let set = &text[st..ge];
        let second = set
            .replacen("ST*837*0001", "ST*837*0002", 1)
            .replacen("*0001~", "*0002~", 1);
        format!("{}{set}{second}GE*2*{}", &text[..st], &text[ge + 5..])
    }

    fn replace_last(text: &str, from: &str, to: &str) -> String {
        let at = text.rfind(from).expect("pattern");
        format!("{}{to}{}", &text[..at], &text[at + from.len()..])
    }
}
