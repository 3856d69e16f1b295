//! `claimlint check` and `claimlint ack`: read every input, run the rules under each input's
//! own settings, print the report, write the acknowledgments, and decide the exit status.
//! A gate fails closed: an input that could not be read, a path skipped by the walk, or (for
//! `ack`) an interchange not acknowledged or rejected makes the status 1.

use super::io::out_with;
use super::{CliError, Status, ack, batch};
use crate::audit::progress::{FileProgress, Progress};
use crate::cli::{CheckArgs, ColorChoice, Format};
use crate::input::Input;
use crate::report::{self, FileReport, Skipped, x999};
use crate::resolve::{self, Governed, Resolver};
use claimlint_data::Data;
use claimlint_diagnostic::Severity;
use claimlint_rules::engine::{self, Outcome};
use claimlint_rules::folded;
use claimlint_x12::folded::Folding;
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// ENV009 for an input that could not be read, as the rule words it
/// (`claimlint_rules::input_unreadable`), and its human rendering when `render` asks.
fn unreadable(path: &str, err: &std::io::Error, render: Option<bool>) -> (Outcome, Option<String>) {
    let d = claimlint_rules::input_unreadable(path, err);
    let rendered = render.map(|_| {
        let visible = report::escape::visible(&d.message);
        format!("{}[{}]: {visible}\n\n", d.severity, d.code)
    });
    let mut o = Outcome::default();
    o.tally.count(d.severity);
    o.diagnostics.push(d);
    (o, rendered)
}

/// What `check` keeps of each transaction set as it passes, when the run has the rules
/// across claims (XCL): what they need of its claims (`batch::Want`). Its data notes go to the
/// file's `NoteSet` as it passes: nothing per set is held that grows with the file.
type Kept = Option<batch::TxClaims>;

type Notes = std::sync::Mutex<claimlint_rules::drugs::data_notes::NoteSet>;

fn keep(
    tx: &claimlint_model::Transaction<'_>,
    settings: &crate::config::Settings,
    want: batch::Want<'_>,
    notes: &Notes,
) -> Kept {
    use claimlint_rules::drugs::data_notes;
    let mine = data_notes::notes(tx, settings);
    if !mine.is_empty() {
        let at = tx.segments.first().map_or(0, |st| st.offset);
        notes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .add(at, mine);
    }
    batch::take(tx, &settings.data, want)
}

/// The data notes into `outcome`; what the rules across claims need of the input's claims
/// (full facts with their positions in `input`).
fn gather(outcome: &mut Outcome, notes: Notes, per_tx: Vec<Kept>, input: &[u8]) -> batch::Claims {
    let notes = notes
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    outcome.notes = notes.texts();
    batch::Claims::gather(per_tx.into_iter().flatten(), input)
}

/// One input's outcome as `check` makes it (without acknowledgments): every rule under
/// `settings`, `--max-diagnostics`, the data notes; with `want`, also what the rules across
/// claims need of its claims. `told` is told of bytes done with and of progress.
fn outcome_and_claims(
    input: &[u8],
    settings: &crate::config::Settings,
    want: batch::Want<'_>,
    told: engine::Told<'_>,
) -> (Outcome, batch::Claims) {
    // A paste that starts at a loop (docs/fragments.md).
    if crate::edit::fragment::wrap(input).is_some() {
        return (
            crate::edit::fragment::check(input, settings),
            batch::Claims::default(),
        );
    }
    let notes = Notes::default();
    let (mut o, per_tx) = engine::check_streaming(
        input,
        settings,
        &|tx| keep(tx, settings, want, &notes),
        told,
    );
    let claims = gather(&mut o, notes, per_tx, input);
    (o, claims)
}

/// One input held in memory, checked as `check` checks it alone (without acknowledgments):
/// every rule under `settings`, the rules across claims among its own claims among them,
/// `--max-diagnostics`, the data notes. `release` is told of bytes done with.
pub fn outcome(
    input: &[u8],
    settings: &crate::config::Settings,
    release: &(dyn Fn(std::ops::Range<usize>) + Sync),
) -> Outcome {
    // Wrapped at a fixed width: checked unwrapped, the findings moved back onto `input` (the
    // unwrapped copy is not `input`'s memory: nothing of it to release).
    folded::check(input, settings, |bytes, unwrapped| {
        let none = |_: std::ops::Range<usize>| ();
        let release: &(dyn Fn(std::ops::Range<usize>) + Sync) =
            if unwrapped { &none } else { release };
        let told = engine::Told {
            release,
            checked: &|_| (),
        };
        let mut o = outcome_and_claims(bytes, settings, batch::Want::Nothing, told).0;
        if crate::edit::fragment::wrap(bytes).is_none() {
            claimlint_rules::cross_claim::add_within(&mut o, bytes, settings);
        }
        o
    })
}

/// One input checked: its report, the severity that fails it, and its acknowledgments.
pub struct Checked {
    /// Whether the input could be read at all.
    pub read: bool,
    pub report: FileReport,
    pub fail_on: Severity,
    pub ack: Option<x999::Acknowledgment>,
    /// What the rules across claims (XCL) need of its claims, when the run has them.
    pub claims: batch::Claims,
}

/// An input that could not be read: ENV001 (or the I/O error), no claims, and no
/// acknowledgment but the reason it has none.
fn not_read(
    path: &str,
    e: &std::io::Error,
    governed: &Governed,
    render: Option<bool>,
    stamp: Option<&x999::Stamp>,
) -> Checked {
    let (outcome, rendered) = unreadable(path, e, render);
    Checked {
        read: false,
        report: FileReport {
            path: path.to_string(),
            outcome,
            rendered,
        },
        fail_on: governed.resolved.default.fail_on,
        ack: stamp.map(|_| x999::Acknowledgment {
            acks: Vec::new(),
            not_acknowledged: vec![format!("could not be read: {e}")],
        }),
        claims: batch::Claims::default(),
    }
}

/// Checks one input under the settings its config resolves to (its payer's profile when the
/// config maps payers). With `stamp`, also builds its 999s/TA1s while the input is at hand.
/// `progress` is moved as its bytes are checked.
fn check_file(
    path: &str,
    governed: &Governed,
    limit: u64,
    render: Option<bool>,
    stamp: Option<&x999::Stamp>,
    across: Option<&crate::audit::keystore::KeyStore>,
    progress: &FileProgress<'_>,
) -> Checked {
    let input = match Input::open(Path::new(path), limit) {
        Ok(input) => input,
        Err(e) => return not_read(path, &e, governed, render, stamp),
    };
    // The file as it was read: a second read for the rules across claims must find it so.
    let seen = batch::Seen::of(path);
    let settings = governed.resolved.for_input(&input);
    let want = batch::Want::of(&seen, across);
    // A file wrapped at a fixed width is checked (and acknowledged) unwrapped; its findings
    // are then moved back onto the file as it is.
    let (fold, bytes) = Folding::unwrapped(&input);
    let bytes: &[u8] = &bytes;
    let release = |r: std::ops::Range<usize>| {
        progress.reached(r.end, bytes.len());
        if fold.is_none() {
            input.release(r);
        }
    };
    let (mut outcome, ack, mut claims) = match stamp {
        None => {
            let told = engine::Told {
                release: &release,
                checked: &|n| progress.covered(n, bytes.len()),
            };
            let (mut o, claims) = outcome_and_claims(bytes, settings, want, told);
            if let Some(fold) = &fold {
                folded::add(&mut o, bytes, &input, fold, settings);
            }
            (o, None, claims)
        }
        Some(stamp) => {
            let told = engine::Told {
                release: &release,
                checked: &|n| progress.covered(n, bytes.len()),
            };
            let (outcome, ack, claims) = acknowledged(
                bytes,
                (&input, fold.as_ref()),
                settings,
                want,
                (stamp, told),
            );
            (outcome, Some(ack), claims)
        }
    };
    claims.seen = seen;
    if let Some(fold) = &fold {
        folded::to_original(&mut outcome, fold, &input);
        if let Some(facts) = &mut claims.facts {
            folded::facts_to_original(facts, fold, &input);
        }
    }
    let rendered = render.map(|color| {
        let release = |r| input.release(r);
        report::human::render_file(path, &input, &outcome.diagnostics, color, &release)
    });
    Checked {
        read: true,
        report: FileReport {
            path: path.to_string(),
            outcome,
            rendered,
        },
        fail_on: settings.fail_on,
        ack,
        claims,
    }
}

/// `check_file` with acknowledgments: the outcome of `bytes` (the unwrapped text of `input`
/// when `fold`), its 999s/TA1s, and its claims. The 999 must see every diagnostic, so
/// --max-diagnostics applies after it is built.
fn acknowledged(
    bytes: &[u8],
    (input, fold): (&[u8], Option<&Folding>),
    settings: &crate::config::Settings,
    want: batch::Want<'_>,
    (stamp, told): (&x999::Stamp, engine::Told<'_>),
) -> (Outcome, x999::Acknowledgment, batch::Claims) {
    let mut uncapped = settings.clone();
    uncapped.max_diagnostics = None;
    let notes = Notes::default();
    let (mut outcome, per_tx) = engine::check_streaming(
        bytes,
        &uncapped,
        &|tx| keep(tx, settings, want, &notes),
        told,
    );
    if let Some(fold) = fold {
        folded::add(&mut outcome, bytes, input, fold, &uncapped);
    }
    let ack = x999::acknowledge(bytes, &outcome.diagnostics, stamp, &|r| (told.release)(r));
    if let Some(max) = settings
        .max_diagnostics
        .filter(|&m| outcome.diagnostics.len() > m)
    {
        outcome.dropped = (outcome.diagnostics.len() - max) as u64;
        outcome.diagnostics.truncate(max);
    }
    let claims = gather(&mut outcome, notes, per_tx, bytes);
    (outcome, ack, claims)
}

fn color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

/// `ack_dir`: `claimlint ack -o DIR` (the 999s decide the status) or `check --ack DIR`.
pub fn run(args: CheckArgs, ack_dir: Option<PathBuf>, data: Data) -> Result<Status, CliError> {
    let start = Instant::now();
    if args.statistics && !matches!(args.format, Format::Human | Format::Json) {
        return Err(CliError::Usage("--statistics prints a table or a JSON list: use it with --format human or --format json".into()));
    }
    if args.unsafe_fixes && !(args.fix || args.diff) {
        return Err(CliError::Usage(
            "--unsafe-fixes goes with --fix or --diff".into(),
        ));
    }
    let gate_on_acks = ack_dir.is_some();
    let ack_dir = ack_dir.or(args.ack.clone());
    let filter = crate::input::walk::Filter::new(&args.input.include, &args.input.exclude)?;
    let mut resolver = Resolver::new(
        args.settings.flags(args.max_diagnostics, data),
        args.settings.source(),
    )?;
    let inputs = resolve::gather(&args.input.paths, &filter, &mut resolver)?;
    if (args.fix || args.diff)
        && let Some(status) = super::fix::run(&args, &inputs)?
    {
        return Ok(status);
    }
    let render = (args.format == Format::Human && !args.quiet && !args.statistics && !gate_on_acks)
        .then(|| color(args.color));
    let stamp = ack_dir.as_ref().map(|_| x999::Stamp::now());
    let sizes: Vec<u64> = inputs
        .files
        .iter()
        .map(|(p, _)| std::fs::metadata(p).map_or(0, |m| m.len()))
        .collect();
    let progress = Progress::new(&sizes, args.format == Format::Human);
    let limit = args.input.max_input_size;
    let store = super::batch::wanted(&inputs.files)
        .then(|| crate::audit::keystore::KeyStore::new(crate::audit::keystore::BUDGET));
    let mut done: Vec<Checked> = inputs
        .files
        .par_iter()
        .zip(&sizes)
        .map(|((p, g), &size)| {
            let file = progress.file(size);
            let one = check_file(p, g, limit, render, stamp.as_ref(), store.as_ref(), &file);
            file.finish();
            one
        })
        .collect();
    progress.finish();
    if let Some(store) = store {
        super::batch::add(&mut done, &inputs.files, limit, render, store);
    }
    let failing: u64 = done
        .iter()
        .map(|c| c.report.outcome.tally.at_least(c.fail_on))
        .sum();
    let (ack_lines, ack_failed) = match &ack_dir {
        Some(dir) => ack::write(dir, &done)?,
        None => (String::new(), false),
    };
    let skipped: Vec<Skipped> = inputs
        .skipped
        .into_iter()
        .map(|(path, reason)| Skipped { path, reason })
        .collect();
    let unread = done.iter().any(|c| !c.read);
    let reports: Vec<FileReport> = done.into_iter().map(|c| c.report).collect();
    print(
        &args,
        &reports,
        &skipped,
        &ack_lines,
        start.elapsed().as_secs_f64(),
    )?;
    // Both gate on --fail-on and on an input not read (OUTPUT.md); `claimlint ack` also on
    // what the acknowledgments say (an interchange rejected or not acknowledged).
    let findings = failing > 0 || (gate_on_acks && ack_failed);
    Ok(Status::from_failed(
        findings || unread || !skipped.is_empty(),
    ))
}

fn print(
    args: &CheckArgs,
    reports: &[FileReport],
    skipped: &[Skipped],
    ack_lines: &str,
    secs: f64,
) -> Result<(), CliError> {
    use report::summary;
    // The machine formats are written as they are serialized: their text is never held
    // whole beside the findings it is made from (a 1 GB file's SARIF is 55 MB).
    out_with(|w| match args.format {
        Format::Human if args.statistics => w.write_all(
            (summary::statistics_table(reports)
                + &summary::skipped_lines(skipped)
                + &summary::closing(reports, skipped, secs))
                .as_bytes(),
        ),
        Format::Json if args.statistics => {
            w.write_all((summary::statistics_json(reports) + "\n").as_bytes())
        }
        Format::Human => human(w, reports, skipped, ack_lines, secs),
        Format::Json => report::json::document(w, reports, skipped),
        Format::Jsonl => report::json::lines(w, reports, skipped),
        Format::Sarif => report::sarif::document(w, reports, skipped),
    })
}

/// Each file's rendering as it was made, then the notes, acknowledgments and the closing
/// lines, written to `w` piece by piece.
fn human(
    w: &mut dyn std::io::Write,
    reports: &[FileReport],
    skipped: &[Skipped],
    ack_lines: &str,
    secs: f64,
) -> std::io::Result<()> {
    use crate::report::escape::visible;
    // A few files' data notes are printed with each file; a batch's are grouped by kind
    // so 10,000 files do not print 20,000 notes (JSON keeps each file's).
    let noted = reports
        .iter()
        .filter(|r| !r.outcome.notes.is_empty())
        .count();
    for r in reports {
        if let Some(rendered) = &r.rendered {
            w.write_all(rendered.as_bytes())?;
            if noted <= 3 {
                for n in &r.outcome.notes {
                    w.write_all(format!("note: {}: {n}\n", visible(&r.path)).as_bytes())?;
                }
            }
        }
    }
    let mut text = String::new();
    if noted > 3 && reports.iter().any(|r| r.rendered.is_some()) {
        text.push_str(&report::summary::grouped_notes(reports));
    }
    text.push_str(ack_lines);
    text.push_str(&report::summary::skipped_lines(skipped));
    text.push_str(&report::summary::closing(reports, skipped, secs));
    w.write_all(text.as_bytes())
}
