//! `claimlint audit`: checks many files with every rule, runs the cross-claim rules (XCL) over
//! all of them, and folds everything into one [`Aggregate`] for the HTML, CSV and JSON reports.
//!
//! Two passes keep memory bounded by distinct keys rather than by claims:
//! 1. every file, in parallel: check it, fold its volumes and findings into a [`Part`], and
//!    keep only its compact cross-claim [`Keys`] (a hash and a claim reference per key);
//! 2. the few files holding candidate claims (keys that collide): read again, their candidate
//!    claims judged by the XCL rules on exact values, and the findings folded in.
//!
//! Files are sorted by path before anything runs and every merge adds, so the aggregate is the
//! same for any argument order and any thread count. Owns walking, gzip and the passes; the
//! rules decide, the formats (`html`, `csv`) only format.

pub mod aggregate;
pub mod csv;
pub mod html;
pub mod keystore;
pub mod progress;
pub mod summary;

pub use aggregate::{Aggregate, Money, Part};

use crate::config::{Resolved, Settings};
use crate::input::Input;
use claimlint_data::Data;
use claimlint_rules::cross_claim::{self, BatchClaim, ClaimRef, Keys, Member};
use claimlint_rules::engine;
use keystore::KeyStore;
use progress::{FileProgress, Progress};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What an audit run needs besides the paths.
#[derive(Debug, Clone)]
pub struct Options {
    /// How many findings to keep, by money at risk, for the findings table.
    pub keep: usize,
    /// Show a progress bar on standard error.
    pub progress: bool,
    /// `--max-input-size`: the cap on streams and inflated gzip (`input::Input::open`).
    pub max_input_size: u64,
    /// The run's reference data (drug names in the report).
    pub data: Data,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            keep: 5000,
            progress: false,
            max_input_size: crate::input::DEFAULT_MAX_INPUT,
            data: Data::embedded(),
        }
    }
}

/// Checks one input and returns its outcome and claim facts (positions filled in), as the
/// audit's passes do.
/// A file wrapped at a fixed width is checked unwrapped, and its findings and facts placed
/// on the file as it is (`claimlint_rules::folded`).
pub fn check_file(input: &[u8], settings: &Settings) -> (engine::Outcome, Vec<BatchClaim>) {
    check_file_telling(input, settings, None)
}

/// [`check_file`], moving `progress` as each batch of transaction sets, and each chunk of
/// claims of a large one, is checked (in bytes of the unwrapped text when the file is wrapped).
fn check_file_telling(
    input: &[u8],
    settings: &Settings,
    progress: Option<&FileProgress<'_>>,
) -> (engine::Outcome, Vec<BatchClaim>) {
    let (fold, bytes) = claimlint_x12::folded::Folding::unwrapped(input);
    let bytes: &[u8] = &bytes;
    let (mut outcome, per_tx) = engine::check_streaming(
        bytes,
        settings,
        &|tx| cross_claim::facts(tx, &settings.data),
        engine::Told {
            release: &|range| {
                if let Some(p) = progress {
                    p.reached(range.end, bytes.len());
                }
            },
            checked: &|n| {
                if let Some(p) = progress {
                    p.covered(n, bytes.len());
                }
            },
        },
    );
    let mut claims: Vec<BatchClaim> = per_tx.into_iter().flatten().collect();
    cross_claim::fill_positions(&mut claims, bytes);
    if let Some(fold) = &fold {
        use claimlint_rules::folded;
        folded::add(&mut outcome, bytes, input, fold, settings);
        folded::to_original(&mut outcome, fold, input);
        folded::facts_to_original(&mut claims, fold, input);
    }
    (outcome, claims)
}

/// Pass 1 for one file: its part of the aggregate and its cross-claim keys.
fn first_pass(
    file: u32,
    (path, resolved): (&str, &Resolved),
    options: &Options,
    store: Option<&KeyStore>,
    progress: &FileProgress<'_>,
) -> Part {
    let mut part = Part::new(options.keep);
    let mut keys = Keys::default();
    match Input::open(Path::new(path), options.max_input_size) {
        Err(e) => part.unreadable(path, e.to_string()),
        Ok(input) => {
            let settings = resolved.for_input(&input);
            let (outcome, claims) = check_file_telling(&input, settings, Some(progress));
            part.failing += outcome.tally.at_least(settings.fail_on);
            part.volume(path, &outcome.stats, &claims);
            part.suppressed(path, &outcome.suppressed_by_rule);
            part.findings(path, &claims, &outcome.diagnostics, &BTreeSet::new());
            if store.is_some() {
                for (i, c) in claims.iter().enumerate() {
                    keys.add(
                        ClaimRef {
                            file,
                            claim: u32::try_from(i).unwrap_or(u32::MAX),
                        },
                        c,
                    );
                }
            }
        }
    }
    if let Some(store) = store {
        store.add(keys);
    }
    part
}

/// The candidate claims of one file, read again, with the lines its own findings flagged.
/// Only the candidates are kept (a file with one candidate among a thousand claims holds one),
/// numbered in their order: `numbers` holds each one's number in the file, and `already`
/// names lines by that order too.
struct Reread {
    file: u32,
    claims: Vec<BatchClaim>,
    numbers: Vec<u32>,
    already: BTreeSet<(usize, usize)>,
}

impl Reread {
    /// Keeps of a file's `all` claims those `wanted`, and of the lines pass 1 `flagged` (by
    /// claim number) those of the claims kept.
    fn keep(
        file: u32,
        all: Vec<BatchClaim>,
        wanted: &BTreeSet<u32>,
        flagged: BTreeSet<(usize, usize)>,
    ) -> Reread {
        let mut claims = Vec::with_capacity(wanted.len());
        let mut numbers = Vec::with_capacity(wanted.len());
        for (i, c) in all.into_iter().enumerate() {
            let n = u32::try_from(i).unwrap_or(u32::MAX);
            if wanted.contains(&n) {
                claims.push(c);
                numbers.push(n);
            }
        }
        let already = flagged
            .into_iter()
            .filter_map(|(ci, li)| {
                let n = u32::try_from(ci).ok()?;
                Some((numbers.binary_search(&n).ok()?, li))
            })
            .collect();
        Reread {
            file,
            claims,
            numbers,
            already,
        }
    }
}

/// Runs the audit over `inputs` (already expanded to files, each with the settings its config
/// resolves to); `walk_errors` are paths the walk could not read (path, reason), reported
/// with the unreadable files. The cross-file rules (XCL) run once over every file's claims
/// under the settings of the first file in path order; each finding is then kept, at its
/// severity, only where the settings of the file it is in enable that rule.
pub fn run(
    inputs: &[(String, &Resolved)],
    walk_errors: &[(String, String)],
    options: &Options,
) -> Aggregate {
    // Sorted and deduplicated: file indices are then canonical, and so is every order below.
    let mut files: Vec<(String, &Resolved)> = inputs.to_vec();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    // The keys of every file's claims, for the rules across claims (XCL), if any runs.
    let store = files
        .iter()
        .any(|(_, r)| cross_claim::any_selected(&r.default))
        .then(|| KeyStore::new(keystore::BUDGET));
    // The bar counts bytes on disk, so one large file moves it too (`progress`).
    let sizes: Vec<u64> = files
        .iter()
        .map(|(path, _)| std::fs::metadata(path).map_or(0, |m| m.len()))
        .collect();
    let bar = Progress::new(&sizes, options.progress);
    let keep = options.keep;
    let part = files
        .par_iter()
        .zip(&sizes)
        .enumerate()
        .map(|(i, ((path, resolved), &size))| {
            let file = bar.file(size);
            let r = first_pass(
                u32::try_from(i).unwrap_or(u32::MAX),
                (path, resolved),
                options,
                store.as_ref(),
                &file,
            );
            file.finish();
            r
        })
        .fold(|| Part::new(keep), Part::merge)
        .reduce(|| Part::new(keep), Part::merge);
    bar.finish();
    let mut part = part;
    for (path, error) in walk_errors {
        part.unreadable(path, error.clone());
    }
    if let Some(store) = store {
        // Keys are added with their file's index in `files` and claim number: as they are.
        match store.candidates() {
            Ok(candidates) => part = part.merge(second_pass(&files, candidates, options)),
            // No claim can be vouched for: the audit fails as for a file it could not read.
            Err(why) => part.unreadable(
                "(rules across claims)",
                format!("{why}, so the rules across claims (XCL) could not judge the claims"),
            ),
        }
    }
    part.finish(&options.data)
}

/// Pass 2: the XCL rules over the candidate claims, folded into a part of their own.
fn second_pass(
    files: &[(String, &Resolved)],
    candidates: Vec<ClaimRef>,
    options: &Options,
) -> Part {
    let keep = options.keep;
    let mut by_file: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for c in candidates {
        by_file.entry(c.file).or_default().insert(c.claim);
    }
    let rereads: Vec<(Reread, &Settings)> = by_file
        .into_par_iter()
        .filter_map(|(file, wanted)| {
            let (path, resolved) = files.get(file as usize)?;
            // A file that vanished since pass 1 is already counted; its claims just drop out.
            let input = Input::open(Path::new(path), options.max_input_size).ok()?;
            let settings = resolved.for_input(&input);
            let (outcome, claims) = check_file(&input, settings);
            let flagged = aggregate::flagged(&claims, &outcome.diagnostics);
            drop(outcome);
            Some((Reread::keep(file, claims, &wanted, flagged), settings))
        })
        .collect();
    let batch_settings = files
        .first()
        .map_or_else(Settings::default, |(_, r)| r.default.clone());
    let mut members: Vec<Member<'_>> = Vec::new();
    for (r, _) in &rereads {
        let path = files.get(r.file as usize).map_or("", |f| f.0.as_str());
        for (claim, &i) in r.claims.iter().zip(&r.numbers) {
            members.push(Member {
                at: ClaimRef {
                    file: r.file,
                    claim: i,
                },
                path,
                claim,
            });
        }
    }
    let findings = cross_claim::run(&mut members, &batch_settings);
    let mut part = Part::new(keep);
    for (r, settings) in &rereads {
        let path = files.get(r.file as usize).map_or("", |f| f.0.as_str());
        let diags: Vec<_> = findings
            .iter()
            .filter(|f| f.at.file == r.file)
            .filter_map(|f| {
                let severity = settings.severity(f.diagnostic.code)?;
                let mut d = f.diagnostic.clone();
                d.severity = severity;
                Some(d)
            })
            .collect();
        if !diags.is_empty() {
            part.failing += diags
                .iter()
                .filter(|d| d.severity >= settings.fail_on)
                .count() as u64;
            part.findings(path, &r.claims, &diags, &r.already);
        }
    }
    part
}

/// Checks inputs held in memory as one batch: every rule on each input, then the batch rules
/// across all of them, their findings added to the input they are in (ordered by offset).
/// Inputs are (name, bytes); names appear in messages and set the canonical order. For tests
/// and for small batches: it keeps every claim's facts, unlike [`run`].
pub fn check_inputs(inputs: &[(String, Vec<u8>)], settings: &Settings) -> Vec<engine::Outcome> {
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by(|&a, &b| {
        inputs
            .get(a)
            .map(|i| &i.0)
            .cmp(&inputs.get(b).map(|i| &i.0))
    });
    let checked: Vec<(engine::Outcome, Vec<BatchClaim>)> = inputs
        .par_iter()
        .map(|(_, bytes)| check_file(bytes, settings))
        .collect();
    let mut members = Vec::new();
    for (rank, &i) in order.iter().enumerate() {
        let (Some((name, _)), Some((_, claims))) = (inputs.get(i), checked.get(i)) else {
            continue;
        };
        for (n, claim) in claims.iter().enumerate() {
            let at = ClaimRef {
                file: u32::try_from(rank).unwrap_or(u32::MAX),
                claim: u32::try_from(n).unwrap_or(u32::MAX),
            };
            members.push(Member {
                at,
                path: name,
                claim,
            });
        }
    }
    let findings = cross_claim::run(&mut members, settings);
    let mut outcomes: Vec<engine::Outcome> = checked.into_iter().map(|(o, _)| o).collect();
    for f in findings {
        let Some(outcome) = order
            .get(f.at.file as usize)
            .and_then(|&i| outcomes.get_mut(i))
        else {
            continue;
        };
        outcome.tally.count(f.diagnostic.severity);
        outcome.diagnostics.push(f.diagnostic);
    }
    for o in &mut outcomes {
        o.diagnostics.sort_by_key(|d| d.loc.offset);
    }
    outcomes
}

#[cfg(test)]
mod tests {
    /// Pass 2 keeps a candidate file's candidates only, numbered in order, and of the lines
    /// pass 1 flagged those of the claims kept, by the new numbers.
    #[test]
    fn a_reread_keeps_only_the_candidates() {
        let sample = include_str!("../../fixtures/samples/clinic-day1.837");
        let (_, claims) = check_file(sample.as_bytes(), &Settings::default());
        assert!(claims.len() >= 4);
        let offsets: Vec<usize> = claims.iter().map(|c| c.offset()).collect();
        let wanted = BTreeSet::from([1, 3]);
        let flagged = BTreeSet::from([(1, 0), (2, 0), (3, 1)]);
        let r = Reread::keep(7, claims, &wanted, flagged);
        assert_eq!((r.file, r.numbers.clone()), (7, vec![1, 3]));
        let kept: Vec<usize> = r.claims.iter().map(|c| c.offset()).collect();
        assert_eq!(kept, [offsets[1], offsets[3]]);
        assert_eq!(r.already, BTreeSet::from([(0, 0), (1, 1)]));
    }

    use super::*;

    /// The audit's bar counts bytes as `check`'s does (`progress`): a file's share ends at its
    /// size, and an unreadable file still completes its share.
    #[test]
    fn progress_counts_every_byte_once() {
        let dir = std::env::temp_dir().join(format!("claimlint-progress-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let sample = include_bytes!("../../fixtures/samples/clinic-day1.837");
        let path = dir.join("three.837");
        std::fs::write(&path, sample.repeat(3)).unwrap();
        let missing = dir.join("missing.837");
        let resolved = Resolved {
            default: Settings::default(),
            by_payer: BTreeMap::new(),
        };
        let on_disk = (sample.len() * 3) as u64;
        let bar = Progress::with(&[on_disk, 100], true);
        let options = Options::default();
        let file = bar.file(on_disk);
        let part = first_pass(
            0,
            (path.to_str().unwrap(), &resolved),
            &options,
            None,
            &file,
        );
        // The batch moved it to the end of the last transaction set, and the release of the
        // interchange after its envelope rules to the end of the file; never past its share.
        assert!(bar.position() > on_disk - 40 && bar.position() <= on_disk);
        file.finish();
        assert_eq!(bar.position(), on_disk);
        assert!(part.failing > 0);
        // Counted at 100 bytes on disk, gone when it is opened.
        let file = bar.file(100);
        first_pass(
            1,
            (missing.to_str().unwrap(), &resolved),
            &options,
            None,
            &file,
        );
        file.finish();
        assert_eq!(bar.position(), on_disk + 100);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
