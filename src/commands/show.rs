//! `claimlint show FILE`: every segment of an input with its position, loop, the guide's
//! segment and element names and values, and the findings on it inline (like pyx12's
//! x12html, for the terminal; `--format html` for a self-contained page). The inputs and
//! settings are resolved as for `check`; a fragment (docs/fragments.md) is shown as pasted.
//! Also `claimlint redact FILE`, the other command for bug reports (`edit::redact`).

use super::io::{out, write_replace};
use super::{CliError, Status, not_read};
use crate::cli::{ShowArgs, ShowFormat};
use crate::edit::fragment;
use crate::input::Input;
use crate::input::walk::Filter;
use crate::report::show::{self, Shown, ShownElement, ShownSegment};
use crate::resolve::{self, Resolver};
use claimlint_data::Data;
use claimlint_diagnostic::Diagnostic;
use claimlint_model::Transaction;
use claimlint_rules::LintSettings;
use claimlint_rules::engine;
use claimlint_x12::Segment;
use claimlint_x12::folded::Folding;
use std::path::Path;

/// Names of the envelope segments and their elements, which the 837 guides do not define.
const ENVELOPE: &[(&str, &str, &[&str])] = &[
    (
        "ISA",
        "Interchange Control Header",
        &[
            "Authorization Information Qualifier",
            "Authorization Information",
            "Security Information Qualifier",
            "Security Information",
            "Interchange ID Qualifier",
            "Interchange Sender ID",
            "Interchange ID Qualifier",
            "Interchange Receiver ID",
            "Interchange Date",
            "Interchange Time",
            "Repetition Separator",
            "Interchange Control Version Number",
            "Interchange Control Number",
            "Acknowledgment Requested",
            "Interchange Usage Indicator",
            "Component Element Separator",
        ],
    ),
    (
        "GS",
        "Functional Group Header",
        &[
            "Functional Identifier Code",
            "Application Sender's Code",
            "Application Receiver's Code",
            "Date",
            "Time",
            "Group Control Number",
            "Responsible Agency Code",
            "Version / Release / Industry Identifier Code",
        ],
    ),
    (
        "GE",
        "Functional Group Trailer",
        &[
            "Number of Transaction Sets Included",
            "Group Control Number",
        ],
    ),
    (
        "IEA",
        "Interchange Control Trailer",
        &[
            "Number of Included Functional Groups",
            "Interchange Control Number",
        ],
    ),
];

/// The elements of `seg` that have a value, named by `def` (a composite's components too).
fn elements(
    seg: &Segment<'_>,
    def: Option<&'static claimlint_ig::SegmentDef>,
) -> Vec<ShownElement> {
    let id = seg.seg_id();
    let envelope = ENVELOPE.iter().find(|(e, _, _)| *e == id.as_str());
    let mut out = Vec::new();
    for e in seg.elements().filter(|e| !e.bytes.is_empty()) {
        let edef = def.and_then(|d| d.elements.iter().find(|x| x.seq == e.index));
        let name = edef.map(|d| d.name).or_else(|| {
            envelope.and_then(|(_, _, names)| names.get(usize::from(e.index) - 1).copied())
        });
        out.push(ShownElement {
            ref_des: e.ref_des(),
            name,
            value: e.text().into_owned(),
            depth: 0,
        });
        let Some(comp) = edef.and_then(|d| d.composite()) else {
            continue;
        };
        if e.component_count() < 2 {
            continue;
        }
        for n in 1..=e.component_count() {
            let Some(c) = e.component(n) else { continue };
            out.push(ShownElement {
                ref_des: c.ref_des(),
                name: comp
                    .components
                    .iter()
                    .find(|x| usize::from(x.seq) == n)
                    .map(|x| x.name),
                value: c.text().into_owned(),
                depth: 1,
            });
        }
    }
    out
}

fn row(
    seg: &Segment<'_>,
    loop_id: Option<&'static str>,
    name: Option<&'static str>,
    def: Option<&'static claimlint_ig::SegmentDef>,
) -> ShownSegment {
    ShownSegment {
        offset: seg.offset,
        end: seg.offset + seg.bytes.len() + 1,
        position: seg.position,
        line: 0,
        loop_id,
        id: seg.seg_id().as_str().to_string(),
        name,
        elements: elements(seg, def),
        diagnostics: Vec::new(),
    }
}

/// The rows of one transaction set, as the guide placed its segments.
fn transaction_rows(tx: &Transaction<'_>) -> Vec<ShownSegment> {
    let ig = tx.ig();
    tx.segments
        .iter()
        .enumerate()
        .map(|(i, seg)| {
            let def = ig.placement(i).and_then(|p| p.segment());
            row(seg, tx.loop_of(i), def.map(|d| d.name), def)
        })
        .collect()
}

/// The rows of the envelope segments (ISA, GS, GE, IEA).
fn envelope_rows(input: &[u8]) -> Vec<ShownSegment> {
    let scan = claimlint_x12::envelope::scan(input);
    let mut segs: Vec<&Segment<'_>> = Vec::new();
    for ic in &scan.interchanges {
        segs.push(&ic.isa);
        for g in &ic.groups {
            segs.extend(g.gs.iter().chain(g.ge.iter()));
        }
        segs.extend(ic.iea.iter());
    }
    segs.into_iter()
        .map(|s| {
            let name = ENVELOPE
                .iter()
                .find(|(e, _, _)| *e == s.seg_id().as_str())
                .map(|e| e.1);
            row(s, None, name, None)
        })
        .collect()
}

/// Every row of `bytes` (transaction sets and envelopes) in input order, and its findings.
fn rows(bytes: &[u8], settings: &LintSettings) -> (Vec<ShownSegment>, Vec<Diagnostic>) {
    let (outcome, per_tx) = engine::check_with(bytes, settings, &transaction_rows);
    let mut all: Vec<ShownSegment> = per_tx.into_iter().flatten().collect();
    all.extend(envelope_rows(bytes));
    all.sort_by_key(|r| r.offset);
    (all, outcome.diagnostics)
}

/// Builds the view of one input: its rows with lines and their findings attached.
pub fn build(path: &str, input: &[u8], settings: &LintSettings) -> Shown {
    let mut settings = settings.clone();
    settings.max_diagnostics = None;
    let (mut segments, diagnostics) = match fragment::wrap(input) {
        // A file wrapped at a fixed width: its segments read unwrapped, placed on the file.
        _ if let Some(fold) = Folding::of(input) => {
            let (rows, _) = rows(&fold.unfold(input), &settings);
            let rows = rows
                .into_iter()
                .map(|mut r| {
                    (r.offset, r.end) = fold.original_span(r.offset, r.end);
                    r
                })
                .collect();
            (rows, fragment::check(input, &settings).diagnostics)
        }
        Some(w) => {
            let (rows, _) = rows(&w.bytes, &settings);
            let rows = rows
                .into_iter()
                .filter_map(|mut r| {
                    let (offset, position) = w.to_paste(r.offset, r.position)?;
                    r.end -= r.offset - offset;
                    (r.offset, r.position) = (offset, position);
                    Some(r)
                })
                .collect();
            (rows, fragment::check(input, &settings).diagnostics)
        }
        None => rows(input, &settings),
    };
    let breaks: Vec<usize> = memchr::memchr_iter(b'\n', input).collect();
    for s in &mut segments {
        s.line = u32::try_from(breaks.partition_point(|&b| b < s.offset) + 1).unwrap_or(u32::MAX);
    }
    let mut file_level = Vec::new();
    for d in diagnostics {
        let at = segments.partition_point(|s| s.offset <= d.loc.offset);
        match at.checked_sub(1).map(|i| &mut segments[i]) {
            Some(s) if d.loc.offset < s.end => s.diagnostics.push(d),
            _ => file_level.push(d),
        }
    }
    Shown {
        path: path.to_string(),
        file_level,
        segments,
    }
}

pub fn run(args: ShowArgs, data: Data) -> Result<Status, CliError> {
    let filter = Filter::new(&args.input.include, &args.input.exclude)?;
    let mut resolver = Resolver::new(args.settings.flags(None, data), args.settings.source())?;
    let inputs = resolve::gather(&args.input.paths, &filter, &mut resolver)?;
    let mut text = String::new();
    let mut failed = !inputs.skipped.is_empty();
    for (path, governed) in &inputs.files {
        let input = match Input::open(Path::new(path), args.input.max_input_size) {
            Ok(input) => input,
            Err(e) => {
                not_read(&[claimlint_rules::input_unreadable(path, &e)]);
                failed = true;
                continue;
            }
        };
        let settings = governed.resolved.for_input(&input);
        let shown = build(path, &input, settings);
        let fail_on = settings.fail_on;
        failed |= shown
            .segments
            .iter()
            .flat_map(|s| &s.diagnostics)
            .chain(&shown.file_level)
            .any(|d| d.severity >= fail_on);
        text.push_str(&match args.format {
            ShowFormat::Human => show::human(&shown),
            ShowFormat::Html => show::html(&shown),
        });
    }
    match &args.output {
        Some(p) => write_replace(p, text.as_bytes())?,
        None => out(&text)?,
    }
    Ok(Status::from_failed(failed))
}

/// `claimlint redact FILE [-o OUT]`: the file with its PHI faked, on standard output or
/// written atomically to OUT. A file that cannot be read is exit 2, naming it.
pub fn redact(file: &Path, output: Option<&Path>, limit: u64) -> Result<Status, CliError> {
    let input = Input::open(file, limit).map_err(|e| CliError::Read {
        path: file.display().to_string(),
        reason: e.to_string(),
    })?;
    let redacted = crate::edit::redact::redact(&input);
    match output {
        Some(p) => write_replace(p, &redacted)?,
        None => super::io::out_bytes(&redacted)?,
    }
    Ok(Status::Clean)
}
