//! The rules across claims (XCL: duplicate claims, dose intervals) for `check` and `ack`, over
//! one input or several. While an input is checked, only the compact keys of its claims are
//! kept (`cross_claim::Keys`); once every input is, the keys name the few candidate claims,
//! and only the files holding them are read again for those claims' facts
//! (`cross_claim::candidates_of`). An input that cannot be read twice (standard input, a
//! pipe) keeps its claims' full facts instead. The findings join the report of the file each
//! is in (under that file's own settings), re-rendered for the human format.

use super::check::Checked;
use crate::audit::keystore::KeyStore;
use crate::config::Resolved;
use crate::input::Input;
use crate::report::{self, escape::visible};
use crate::resolve::Governed;
use claimlint_data::Data;
use claimlint_model::Transaction;
use claimlint_rules::cross_claim::{self, BatchClaim, ClaimRef, Keys, Member};
use claimlint_x12::folded::Folding;
use rayon::prelude::*;
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

/// What `check` keeps of an input's claims while it is checked.
#[derive(Clone, Copy)]
pub enum Want<'s> {
    /// No rule across claims runs.
    Nothing,
    /// Their keys, into the run's store: the file can be read again for the candidates.
    Keys(&'s KeyStore),
    /// Their keys and full facts: the input cannot be read again.
    Facts(&'s KeyStore),
}

impl<'s> Want<'s> {
    /// What to keep of an input `seen` so (`None`: not a file that can be read again), when
    /// the run has rules across claims (`across`, their keys' store).
    pub fn of(seen: &Seen, across: Option<&'s KeyStore>) -> Want<'s> {
        match (across, seen.0) {
            (None, _) => Want::Nothing,
            (Some(store), Some(_)) => Want::Keys(store),
            (Some(store), None) => Want::Facts(store),
        }
    }
}

/// A regular file's length and modification time when it was checked (`None` for standard
/// input, a pipe, anything that cannot be read the same way twice).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seen(Option<(u64, Option<SystemTime>)>);

impl Seen {
    pub fn of(path: &str) -> Seen {
        if path == "-" {
            return Seen(None);
        }
        Seen(
            std::fs::metadata(path)
                .ok()
                .filter(std::fs::Metadata::is_file)
                .map(|m| (m.len(), m.modified().ok())),
        )
    }
}

/// One transaction set's claims as `check` keeps them: the part number its keys went to the
/// store under (claims numbered from 0 in the set), how many claims there are, and their
/// facts when the input cannot be read again.
pub type TxClaims = (u32, u32, Option<Vec<BatchClaim>>);

/// What `want` keeps of the claims of `tx`: its keys go to the store as they are taken.
pub fn take(tx: &Transaction<'_>, data: &Data, want: Want<'_>) -> Option<TxClaims> {
    let (store, keys, count, facts) = match want {
        Want::Nothing => return None,
        Want::Keys(store) => {
            let (keys, count) = Keys::of_transaction(tx, data);
            (store, keys, count, None)
        }
        Want::Facts(store) => {
            let facts = cross_claim::facts(tx, data);
            let count = u32::try_from(facts.len()).unwrap_or(u32::MAX);
            (store, Keys::of(&facts), count, Some(facts))
        }
    };
    let part = store.part();
    let mut keys = keys;
    keys.place(part, 0);
    store.add(keys);
    Some((part, count, facts))
}

/// One input's claims as the rules across claims need them.
#[derive(Debug, Default)]
pub struct Claims {
    /// Each transaction set's part number in the run's key store and the number, in the
    /// input, of its first claim: how a key's claim is found again.
    pub parts: Vec<(u32, u32)>,
    /// How many claims the input has: a second read must find as many.
    pub count: u32,
    /// Their full facts, positions filled in, when the input cannot be read again.
    pub facts: Option<Vec<BatchClaim>>,
    /// The file as it was checked.
    pub seen: Seen,
}

impl Claims {
    /// The claims of an input's transaction sets, in input order; full facts get their
    /// positions in `input`.
    pub fn gather(per_tx: impl Iterator<Item = TxClaims>, input: &[u8]) -> Claims {
        let mut all = Claims::default();
        for (part, count, facts) in per_tx {
            all.parts.push((part, all.count));
            all.count = all.count.saturating_add(count);
            if let Some(facts) = facts {
                all.facts.get_or_insert_default().extend(facts);
            }
        }
        if let Some(facts) = &mut all.facts {
            cross_claim::fill_positions(facts, input);
        }
        all
    }
}

/// Whether the run needs the rules across claims: one of its inputs has them selected. They
/// run over one input too, so a file's result is the same alone and beside others.
pub fn wanted(files: &[(String, Arc<Governed>)]) -> bool {
    files
        .iter()
        .any(|(_, g)| cross_claim::any_selected(&g.resolved.default))
}

/// Candidate claims of one file: their numbers and their facts.
type Read = (Vec<u32>, Vec<BatchClaim>);

/// The candidate claims of one file (sorted): their numbers and facts, from the facts kept or
/// from a second read of the file; `Err` with the reason when that read cannot be trusted.
fn candidates(
    path: &str,
    resolved: &Resolved,
    limit: u64,
    wanted: &[ClaimRef],
    (claims, original): (&Claims, bool),
) -> Result<Read, String> {
    if let Some(facts) = &claims.facts {
        return Ok(wanted
            .iter()
            .filter_map(|c| Some((c.claim, facts.get(c.claim as usize)?.clone())))
            .unzip());
    }
    let changed = || "it changed while it was being checked".to_string();
    if Seen::of(path) != claims.seen {
        return Err(changed());
    }
    let input = Input::open(Path::new(path), limit).map_err(|e| e.to_string())?;
    let settings = resolved.for_input(&input);
    let (fold, bytes) = Folding::unwrapped(&input);
    let bytes: &[u8] = &bytes;
    let (at, mut facts, count) = cross_claim::candidates_of(bytes, wanted, &settings.data);
    if count != claims.count || at.len() != wanted.len() {
        return Err(changed());
    }
    cross_claim::fill_positions(&mut facts, bytes);
    if let Some(fold) = &fold {
        if original {
            claimlint_rules::folded::facts_to_original(&mut facts, fold, &input);
        } else {
            claimlint_rules::folded::lines_to_original(&mut facts, fold, &input);
        }
    }
    Ok((at, facts))
}

/// ENV009 on an input whose second read (for the rules across claims) failed: the run cannot
/// vouch for it, so it fails as an input not read does.
fn not_reread(c: &mut Checked, reason: &str, render: Option<bool>) {
    let d = claimlint_rules::input_unreadable(
        &c.report.path,
        &format!("{reason}, so the rules across claims (XCL) could not judge its claims"),
    )
    .with_help("check it again once nothing is writing to it");
    c.read = false;
    c.report.outcome.tally.count(d.severity);
    c.report.outcome.diagnostics.push(d);
    if render.is_some() {
        c.report.rendered = None;
    }
}

/// The candidate claims of the batch in the store, as claims of the files of `order` (file:
/// the rank in it), sorted; `Err` when the store could not give them.
fn batch_candidates(
    kept: &[&Claims],
    order: &[usize],
    store: KeyStore,
) -> Result<Vec<ClaimRef>, String> {
    // Each part's file rank and first claim; a part of a path given twice maps to nothing.
    let mut of_part: Vec<Option<(u32, u32)>> = vec![None; store.parts() as usize];
    for (rank, &i) in order.iter().enumerate() {
        let rank = u32::try_from(rank).unwrap_or(u32::MAX);
        for &(part, first) in &kept[i].parts {
            if let Some(slot) = of_part.get_mut(part as usize) {
                *slot = Some((rank, first));
            }
        }
    }
    let mut out: Vec<ClaimRef> = store
        .candidates()?
        .into_iter()
        .filter_map(|c| {
            let (file, first) = (*of_part.get(c.file as usize)?)?;
            Some(ClaimRef {
                file,
                claim: first.saturating_add(c.claim),
            })
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The candidate claims of the batch, per file: its rank in path order (`order`), its index
/// in `kept`, and its candidates read (or why they could not be). Takes the run's keys.
fn read_candidates(
    kept: &[&Claims],
    files: &[(String, Arc<Governed>)],
    order: &[usize],
    (limit, original): (u64, bool),
    store: KeyStore,
) -> Vec<(u32, usize, Result<Read, String>)> {
    let found = match batch_candidates(kept, order, store) {
        Ok(c) => c,
        // Every file with claims: none of them can be vouched for.
        Err(why) => {
            return order
                .iter()
                .enumerate()
                .filter(|(_, i)| !kept[**i].parts.is_empty())
                .map(|(rank, &i)| (u32::try_from(rank).unwrap_or(u32::MAX), i, Err(why.clone())))
                .collect();
        }
    };
    let mut per_file: Vec<(u32, Vec<ClaimRef>)> = Vec::new();
    for c in found {
        match per_file.last_mut() {
            Some((f, list)) if *f == c.file => list.push(c),
            _ => per_file.push((c.file, vec![c])),
        }
    }
    per_file
        .par_iter()
        .filter_map(|(rank, wanted)| {
            let i = *order.get(*rank as usize)?;
            let (path, governed) = files.get(i)?;
            let claims = (*kept.get(i)?, original);
            Some((
                *rank,
                i,
                candidates(path, &governed.resolved, limit, wanted, claims),
            ))
        })
        .collect()
}

/// What the rules across claims found over a batch of inputs (`files`, with what was kept of
/// their claims in `kept`, in the same order): each finding with the index of its input,
/// under that input's own severity, and the inputs whose claims could not be read again,
/// with why. Positions are in each file as it is (`original`) or, for a wrapped file, in its
/// unwrapped text (the lines messages name are the file's own either way).
pub struct Across {
    pub findings: Vec<(usize, claimlint_diagnostic::Diagnostic)>,
    pub not_reread: Vec<(usize, String)>,
}

/// Runs the rules across claims over `files` (see [`Across`]), taking the run's keys.
pub fn across(
    files: &[(String, Arc<Governed>)],
    kept: &[&Claims],
    (limit, original): (u64, bool),
    store: KeyStore,
) -> Across {
    let mut result = Across {
        findings: Vec::new(),
        not_reread: Vec::new(),
    };
    // Files in path order: the batch's canonical order, whatever order they were given in.
    // A path given twice is one file, not a file sent twice: its first report stands for it.
    let mut order: Vec<usize> = (0..files.len().min(kept.len())).collect();
    order.sort_by(|&a, &b| files[a].0.cmp(&files[b].0).then(a.cmp(&b)));
    order.dedup_by(|a, b| files[*a].0 == files[*b].0);
    let Some(first) = order.first().and_then(|&i| files.get(i)) else {
        return result;
    };
    let settings = first.1.resolved.default.clone();
    if let Some(why) = store.unwritable() {
        eprintln!(
            "claimlint: note: the keys of the rules across claims were kept in memory ({why}): the results are the same, the run used more memory"
        );
    }
    let read = read_candidates(kept, files, &order, (limit, original), store);
    let mut members: Vec<Member<'_>> = Vec::new();
    for (rank, i, r) in &read {
        let Ok((at, facts)) = r else { continue };
        for (&claim, fact) in at.iter().zip(facts) {
            members.push(Member {
                at: ClaimRef { file: *rank, claim },
                path: &files[*i].0,
                claim: fact,
            });
        }
    }
    let findings = cross_claim::run(&mut members, &settings);
    drop(members);
    for (_, i, r) in read {
        if let Err(reason) = r {
            result.not_reread.push((i, reason));
        }
    }
    for f in findings {
        let Some(&i) = order.get(f.at.file as usize) else {
            continue;
        };
        let Some(severity) = files[i].1.resolved.default.severity(f.diagnostic.code) else {
            continue;
        };
        let mut d = f.diagnostic;
        d.severity = severity;
        result.findings.push((i, d));
    }
    result
}

/// Runs the rules across claims over every checked input and adds their findings to its
/// report.
pub fn add(
    done: &mut [Checked],
    files: &[(String, Arc<Governed>)],
    limit: u64,
    render: Option<bool>,
    store: KeyStore,
) {
    let kept: Vec<&Claims> = done.iter().map(|c| &c.claims).collect();
    let found = across(files, &kept, (limit, true), store);
    let mut added = vec![false; done.len()];
    for (i, reason) in &found.not_reread {
        not_reread(&mut done[*i], reason, render);
        added[*i] = true;
    }
    for (i, d) in found.findings {
        let outcome = &mut done[i].report.outcome;
        outcome.tally.count(d.severity);
        outcome.diagnostics.push(d);
        added[i] = true;
    }
    for (c, _) in done.iter_mut().zip(&added).filter(|(_, a)| **a) {
        let outcome = &mut c.report.outcome;
        outcome.diagnostics.sort_by_key(|d| d.loc.offset);
        if let Some(color) = render {
            c.report.rendered = Some(rerender(&c.report.path, &outcome.diagnostics, limit, color));
        }
    }
}

/// The human rendering of a file's diagnostics, read again for the snippets (standard input
/// cannot be: its diagnostics are then listed without them).
fn rerender(
    path: &str,
    diagnostics: &[claimlint_diagnostic::Diagnostic],
    limit: u64,
    color: bool,
) -> String {
    match (path != "-")
        .then(|| Input::open(Path::new(path), limit).ok())
        .flatten()
    {
        Some(input) => {
            report::human::render_file(path, &input, diagnostics, color, &|r| input.release(r))
        }
        None => diagnostics
            .iter()
            .map(|d| format!("{}[{}]: {}\n\n", d.severity, d.code, visible(&d.message)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{self, Flags, Settings};

    /// A sample of five claims.
    fn sample() -> String {
        include_str!("../../fixtures/samples/clinic-day1.837").to_string()
    }

    /// Checks `text` as a file at `path` would be (keys only), and returns its claims.
    fn kept(path: &Path, text: &str) -> Claims {
        std::fs::write(path, text).expect("write");
        let settings = Settings::default();
        let store = KeyStore::new(0);
        let (_, per_tx) = claimlint_rules::engine::check_with(text.as_bytes(), &settings, &|tx| {
            take(tx, &settings.data, Want::Keys(&store))
        });
        let mut claims = Claims::gather(per_tx.into_iter().flatten(), text.as_bytes());
        claims.seen = Seen::of(&path.to_string_lossy());
        claims
    }

    #[test]
    fn a_second_read_finds_the_claims_or_says_the_file_changed() {
        let dir = std::env::temp_dir().join(format!("claimlint-batch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("day1.837");
        let text = sample();
        let claims = kept(&path, &text);
        assert!(claims.count >= 2, "the sample has several claims");
        let resolved = config::resolve(None, &Flags::default()).expect("defaults");
        let p = path.to_string_lossy();
        let wanted = [ClaimRef { file: 0, claim: 1 }];
        let (at, facts) =
            candidates(&p, &resolved, u64::MAX, &wanted, (&claims, true)).expect("unchanged file");
        assert_eq!(at, vec![1]);
        assert_eq!(facts.len(), 1);
        assert!(facts[0].line_col.0 > 0, "positions are filled in");
        // Changed between the check and the second read: not trusted, whatever it holds now.
        std::fs::write(&path, format!("{text}\n")).expect("rewrite");
        let err =
            candidates(&p, &resolved, u64::MAX, &wanted, (&claims, true)).expect_err("changed");
        assert_eq!(err, "it changed while it was being checked");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn kept_facts_need_no_second_read() {
        let text = sample();
        let settings = Settings::default();
        let store = KeyStore::new(0);
        let (_, per_tx) = claimlint_rules::engine::check_with(text.as_bytes(), &settings, &|tx| {
            take(tx, &settings.data, Want::Facts(&store))
        });
        let claims = Claims::gather(per_tx.into_iter().flatten(), text.as_bytes());
        let resolved = config::resolve(None, &Flags::default()).expect("defaults");
        let wanted = [ClaimRef { file: 0, claim: 0 }];
        // "-" is never opened again: the facts kept answer.
        let (at, facts) =
            candidates("-", &resolved, u64::MAX, &wanted, (&claims, true)).expect("facts kept");
        assert_eq!((at, facts.len()), (vec![0], 1));
        assert!(matches!(
            Want::of(&Seen::of("-"), Some(&store)),
            Want::Facts(_)
        ));
        assert!(matches!(Want::of(&Seen::of("-"), None), Want::Nothing));
    }
}
