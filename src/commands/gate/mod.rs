//! `claimlint gate PATH... -o DIR`: checks every input as `check` does (same inputs, config
//! and profiles, `--fail-on`), adds the duplicate claims across the submission (XCL001), and
//! splits each input NAME's claims into `DIR/accepted/NAME` (forwarded) and
//! `DIR/rejected/NAME` (returned), each a complete interchange with fresh control numbers,
//! with `DIR/acks/NAME.999` (the interchange's 999, or `.ta1`) and `DIR/acks/NAME.277` (a
//! 277CA answering every claim). A claim is rejected by a finding at or above `--fail-on` on
//! its own segments or on the HL loops it sits in; a finding anywhere else (envelope, header,
//! an unreadable transaction set) rejects the whole interchange: none of it is forwarded.
//! Exit status (OUTPUT.md): 0 every claim accepted; 1 a claim rejected, an input not read or
//! a path skipped; 2 claimlint could not run or write.

mod interchange;

use super::batch;
use super::io::{Staged, create_dir, out, out_with, write_replace};
use super::{CliError, Status};
use crate::audit::keystore::{self, KeyStore};
use crate::cli::{GateArgs, ListFormat};
use crate::input::Input;
use crate::report::escape::visible;
use crate::report::split::TxLayout;
use crate::report::x999::{self, Stamp};
use crate::resolve::{self, Governed, Resolver};
use claimlint_data::Data;
use claimlint_diagnostic::{Diagnostic, Severity};
use claimlint_rules::engine::{self, Outcome};
use claimlint_x12::envelope;
use claimlint_x12::folded::Folding;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// One input checked for the gate.
struct Gated {
    path: String,
    name: String,
    input: Option<Input>,
    error: Option<String>,
    outcome: Outcome,
    /// Whether the check modelled any transaction set (an 837P or 837I): their layouts are
    /// made again, one interchange at a time, when the input is split (`layouts_of`).
    laid_out: bool,
    /// What the rules across claims (XCL) need of its claims: their keys, in the run's key
    /// store, or for standard input their facts (`batch::Want`).
    claims: batch::Claims,
    fail_on: Severity,
    /// How the file is wrapped, when it is: `input` then holds it unwrapped, which is what
    /// is checked, split and forwarded; offsets in the report are the file's own.
    fold: Option<Folding>,
}

/// The output name of an input: its file name (`.gz` dropped), `stdin` for `-`.
fn name_of(path: &str) -> String {
    if path == "-" {
        return "stdin".into();
    }
    let name = Path::new(path)
        .file_name()
        .map_or_else(|| "input".to_string(), |n| n.to_string_lossy().into_owned());
    name.strip_suffix(".gz")
        .map_or(name.clone(), str::to_string)
}

fn check_one(
    path: &str,
    governed: &std::sync::Arc<Governed>,
    limit: u64,
    store: Option<&KeyStore>,
) -> Gated {
    let mut g = Gated {
        path: path.to_string(),
        name: name_of(path),
        input: None,
        error: None,
        outcome: Outcome::default(),
        laid_out: false,
        claims: batch::Claims::default(),
        fail_on: governed.resolved.default.fail_on,
        fold: None,
    };
    let input = match Input::open(Path::new(path), limit) {
        Ok(i) => i,
        Err(e) => {
            let d = claimlint_rules::input_unreadable(path, &e);
            g.outcome.tally.count(d.severity);
            g.outcome.diagnostics.push(d);
            g.error = Some(e.to_string());
            return g;
        }
    };
    // The file as it was read: a second read for the rules across claims must find it so.
    let seen = batch::Seen::of(path);
    let settings = governed.resolved.for_input(&input);
    let want = batch::Want::of(&seen, store);
    let mut uncapped = settings.clone();
    uncapped.max_diagnostics = None;
    // A file wrapped at a fixed width is gated unwrapped (`claimlint_x12::folded`).
    g.fold = Folding::of(&input);
    let (input, raw) = match &g.fold {
        Some(fold) => (Input::Owned(fold.unfold(&input)), Some(input)),
        None => (input, None),
    };
    // The check lets a mapped input's pages go as it passes them (`Input::release`); the
    // split and the 999 below read each interchange again, one at a time.
    let release = |r: std::ops::Range<usize>| input.release(r);
    let told = engine::Told {
        release: &release,
        checked: &|_| (),
    };
    let (mut outcome, per_tx) = engine::check_streaming(
        &input,
        &uncapped,
        &|tx| batch::take(tx, &settings.data, want),
        told,
    );
    if let Some(fold) = &g.fold {
        claimlint_rules::folded::add(
            &mut outcome,
            &input,
            raw.as_deref().unwrap_or(&input),
            fold,
            &uncapped,
        );
    }
    g.laid_out = !per_tx.is_empty();
    g.claims = batch::Claims::gather(per_tx.into_iter().flatten(), &input);
    if let (Some(fold), Some(facts), Some(raw)) = (&g.fold, &mut g.claims.facts, &raw) {
        claimlint_rules::folded::lines_to_original(facts, fold, raw);
    }
    g.claims.seen = seen;
    g.outcome = outcome;
    g.fail_on = settings.fail_on;
    g.input = Some(input);
    g
}

/// XCL001 (and the other rules across claims) over every input of the gate (`gated`, in the
/// order of `files`), as `check` runs them: from the keys kept while each input was checked,
/// reading again only the files that hold candidate claims. A finding is kept under the
/// settings of the file it is in; a file whose second read fails (it changed while it was
/// gated) gets ENV009, an error that rejects all of it.
fn across_claims(
    gated: &mut [Gated],
    files: &[(String, std::sync::Arc<Governed>)],
    limit: u64,
    store: KeyStore,
) {
    let kept: Vec<&batch::Claims> = gated.iter().map(|g| &g.claims).collect();
    // Positions in the text the gate checked and splits: a wrapped file's unwrapped text.
    let found = batch::across(files, &kept, (limit, false), store);
    for (i, reason) in found.not_reread {
        let Some(g) = gated.get_mut(i) else { continue };
        let d = claimlint_rules::input_unreadable(
            &g.path,
            &format!("{reason}, so the rules across claims (XCL) could not judge its claims"),
        )
        .with_help("gate it again once nothing is writing to it");
        g.outcome.tally.count(d.severity);
        g.outcome.diagnostics.push(d);
    }
    for (i, d) in found.findings {
        let Some(g) = gated.get_mut(i) else { continue };
        g.outcome.tally.count(d.severity);
        g.outcome.diagnostics.push(d);
    }
    for g in gated.iter_mut() {
        g.outcome.diagnostics.sort_by_key(|d| d.loc.offset);
    }
}

/// The bytes of each interchange of `scan`: from its ISA to one past its IEA terminator; one
/// without an IEA, to the next ISA (or the end of the input). Findings are placed in them, so
/// they must not overlap: a finding in the interchange after one without an IEA is that
/// interchange's, and rejects that one's claims, not the one before.
fn interchange_ranges(scan: &envelope::Scan<'_>, input: &[u8]) -> Vec<std::ops::Range<usize>> {
    let ics = &scan.interchanges;
    ics.iter()
        .enumerate()
        .map(|(i, ic)| {
            let next = ics.get(i + 1).map_or(input.len(), |n| n.isa.offset);
            let end = ic
                .iea
                .as_ref()
                .map_or(next, |s| s.offset + s.bytes.len() + 1);
            ic.isa.offset..end.min(next).max(ic.isa.offset)
        })
        .collect()
}

/// Where the findings of one input are: per interchange (scan order) the indexes of the
/// findings in it (the first interchange whose bytes hold a finding has it), and the failing
/// findings outside every interchange (data before an ISA, no ISA at all), which reject
/// every interchange of the input and fail the run even when it has none.
struct Placed {
    by_interchange: Vec<Vec<usize>>,
    outside: Vec<usize>,
}

fn place_findings(
    g: &Gated,
    ranges: &[std::ops::Range<usize>],
    scan: &envelope::Scan<'_>,
) -> Placed {
    let mut placed = Placed {
        by_interchange: vec![Vec::new(); ranges.len()],
        outside: Vec::new(),
    };
    for (di, diag) in g.outcome.diagnostics.iter().enumerate() {
        match ranges.iter().position(|r| r.contains(&diag.loc.offset)) {
            Some(ic) => {
                if let Some(v) = placed.by_interchange.get_mut(ic) {
                    v.push(di);
                }
            }
            None if diag.severity >= g.fail_on => placed.outside.push(di),
            None => {}
        }
    }
    // An input with claims but no interchange claimlint could read forwards nothing, and says so.
    if scan.interchanges.is_empty() && placed.outside.is_empty() && g.laid_out {
        placed.outside.push(usize::MAX);
    }
    placed
}

/// Hands out fresh nine-digit control numbers: a base from the run's time (so two runs do
/// not repeat each other's), then ten more for each interchange written.
struct ControlNumbers {
    next: u64,
}

impl ControlNumbers {
    fn new() -> ControlNumbers {
        let secs = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .ok()
                    .map(|d| d.as_secs())
            })
            .unwrap_or(0);
        ControlNumbers {
            next: (secs % 1_000_000) * 1000 + 1,
        }
    }

    fn take(&mut self) -> String {
        let n = self.next % 1_000_000_000;
        // Room for the GS06s of up to ten groups (ISA13, ISA13 + 1...).
        self.next += 10;
        format!("{:09}", n.max(1))
    }
}

/// A claim as the JSON report lists it. The fields of this and of the report's other structs
/// are declared in the order of their names: the order they are printed in.
#[derive(serde::Serialize, serde::Deserialize)]
struct ClaimEntry {
    charge: String,
    claim_id: String,
    findings: Vec<serde_json::Value>,
    /// Whether the 837 of its side (accepted/NAME or rejected/NAME) holds it: false for a
    /// claim whose transaction set came without a GS, which no valid 837 can hold (it is
    /// answered in the 277CA and listed here, and rejects its interchange).
    in_file: bool,
    status: String,
}

/// A claim's entry as it is spooled (`Spools`): with the codes of the findings that
/// rejected its whole interchange (the JSON lists those under `interchange_findings`, the
/// terminal report beside the claim); empty when the interchange was not rejected.
#[derive(serde::Serialize, serde::Deserialize)]
struct Spooled {
    entry: ClaimEntry,
    interchange_codes: Vec<String>,
}

/// What was done with one input. Its claims' entries are not held: they are spooled to the
/// run's temporary files as each interchange is split, and read back as the report is written.
#[derive(Default)]
struct InputReport {
    /// Findings that rejected a whole interchange.
    interchange_findings: Vec<serde_json::Value>,
    /// Why an interchange got no 999 (one with no functional group has nothing for a 999 to
    /// acknowledge), as `claimlint ack` says it.
    not_acknowledged: Vec<String>,
    path: String,
    read: bool,
    /// Files written: role → (path, ISA13).
    written: Vec<serde_json::Value>,
    /// Where its claims' entries are in the run's spools (`Spools`), accepted and rejected.
    claims: [std::ops::Range<u64>; 2],
    /// How many claims were accepted and rejected.
    accepted: usize,
    rejected: usize,
}

/// Where the report's claim entries go while the inputs are split: for the run, one unnamed
/// temporary file per side (accepted, rejected) in `DIR/acks`, one JSON line per claim, each
/// input's lines in a row. For 2 million claims the entries held to the end of the run were
/// a third of the gate's memory; two files for the run, not per input, keep a run of
/// thousands of inputs within its open files.
struct Spools {
    sides: [Option<Spool>; 2],
}

struct Spool {
    file: std::io::BufWriter<std::fs::File>,
    /// Bytes written so far.
    at: u64,
}

/// The run's spools once written, for reading back (`None`: a side not kept).
type SpoolFiles = [Option<std::fs::File>; 2];

impl Spools {
    /// `accepted`: whether the accepted claims' entries are kept (the JSON report lists them,
    /// the terminal report does not).
    fn create(dir: &Path, accepted: bool) -> Result<Spools, CliError> {
        let one = |keep: bool| -> Result<_, CliError> {
            if !keep {
                return Ok(None);
            }
            let file = tempfile::tempfile_in(dir.join("acks")).map_err(spool_error)?;
            Ok(Some(Spool {
                file: std::io::BufWriter::with_capacity(1 << 16, file),
                at: 0,
            }))
        };
        Ok(Spools {
            sides: [one(accepted)?, one(true)?],
        })
    }

    /// Where the next entries of each side go.
    fn at(&self) -> [u64; 2] {
        self.sides
            .each_ref()
            .map(|s| s.as_ref().map_or(0, |s| s.at))
    }

    /// Adds the entries of the claims of one transaction set (laid out as `l`, judged as
    /// `j`): `whole`, rejected with their interchange (whose findings' codes are `codes`);
    /// `in_file`, whether an 837 can hold them (their set is in a group with a GS).
    fn add(
        &mut self,
        g: &Gated,
        l: &TxLayout,
        j: &interchange::Judged,
        (whole, in_file, codes): (bool, bool, &[String]),
    ) -> Result<(), CliError> {
        use std::io::Write;
        let mut line = Vec::new();
        for (k, (span, &own)) in l.claims.iter().zip(&j.rejected).enumerate() {
            let rejected = whole || own;
            let Some(side) = self
                .sides
                .get_mut(usize::from(rejected))
                .and_then(Option::as_mut)
            else {
                continue;
            };
            let entry = Spooled {
                entry: ClaimEntry {
                    claim_id: span.id().to_string(),
                    charge: span.charge().to_string(),
                    status: if rejected { "rejected" } else { "accepted" }.to_string(),
                    findings: j
                        .findings
                        .get(k)
                        .filter_map(|i| g.outcome.diagnostics.get(i))
                        .map(|d| finding(d, g.fold.as_ref()))
                        .collect(),
                    in_file,
                },
                interchange_codes: if whole { codes.to_vec() } else { Vec::new() },
            };
            line.clear();
            serde_json::to_writer(&mut line, &entry).map_err(|e| spool_error(e.into()))?;
            line.push(b'\n');
            side.file.write_all(&line).map_err(spool_error)?;
            side.at += line.len() as u64;
        }
        Ok(())
    }

    fn finish(self) -> Result<SpoolFiles, CliError> {
        let [a, r] = self.sides;
        let done = |s: Option<Spool>| {
            s.map(|s| s.file.into_inner().map_err(|e| spool_error(e.into_error())))
                .transpose()
        };
        Ok([done(a)?, done(r)?])
    }
}

fn spool_error(source: std::io::Error) -> CliError {
    CliError::Write {
        path: "a temporary file in the output directory's acks/ (the report's claims)".into(),
        source,
    }
}

/// The entries spooled in bytes `range` of `file`, each read as it is asked for.
fn spooled(
    file: Option<&std::fs::File>,
    range: std::ops::Range<u64>,
) -> impl Iterator<Item = std::io::Result<Spooled>> + '_ {
    use std::io::{BufRead, Read, Seek};
    let lines = file.filter(|_| !range.is_empty()).map(|mut f| {
        f.seek(std::io::SeekFrom::Start(range.start)).map(|_| {
            std::io::BufReader::with_capacity(1 << 16, f.take(range.end - range.start)).lines()
        })
    });
    let (lines, error) = match lines {
        Some(Ok(lines)) => (Some(lines), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    error.map(Err).into_iter().chain(
        lines
            .into_iter()
            .flatten()
            .map(|line| line.and_then(|l| serde_json::from_str(&l).map_err(std::io::Error::from))),
    )
}

/// One side's claims of an input, serialized as they are read back from `files`.
struct Side<'r> {
    r: &'r InputReport,
    files: &'r SpoolFiles,
    rejected: bool,
}

impl serde::Serialize for Side<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let which = usize::from(self.rejected);
        let file = self.files.get(which).and_then(Option::as_ref);
        let range = self.r.claims.get(which).cloned().unwrap_or_default();
        let mut seq = s.serialize_seq(None)?;
        for e in spooled(file, range) {
            seq.serialize_element(&e.map_err(S::Error::custom)?.entry)?;
        }
        seq.end()
    }
}

/// One input's entry in the JSON report.
struct InputEntry<'r> {
    r: &'r InputReport,
    files: &'r SpoolFiles,
}

impl serde::Serialize for InputEntry<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (r, files) = (self.r, self.files);
        let side = |rejected| Side { r, files, rejected };
        let mut st = s.serialize_struct("InputReport", 7)?;
        st.serialize_field("accepted", &side(false))?;
        st.serialize_field("interchange_findings", &r.interchange_findings)?;
        st.serialize_field("not_acknowledged", &r.not_acknowledged)?;
        st.serialize_field("path", &r.path)?;
        st.serialize_field("read", &r.read)?;
        st.serialize_field("rejected", &side(true))?;
        st.serialize_field("written", &r.written)?;
        st.end()
    }
}

/// Every input's entry, in the order gated.
struct Inputs<'r>(&'r [InputReport], &'r SpoolFiles);

impl serde::Serialize for Inputs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let files = self.1;
        s.collect_seq(self.0.iter().map(|r| InputEntry { r, files }))
    }
}

/// The JSON report (docs/pipelines.md), written to standard output as it is serialized: a
/// tree of every claim's entry is never built beside the entries themselves.
#[derive(serde::Serialize)]
struct Report<'r> {
    inputs: Inputs<'r>,
    skipped: Vec<serde_json::Value>,
    summary: serde_json::Value,
    version: u32,
}

/// A finding as the report lists it, at its offset in the file (`fold`: as it is wrapped).
fn finding(d: &Diagnostic, fold: Option<&Folding>) -> serde_json::Value {
    let offset = fold.map_or(d.loc.offset, |f| f.original(d.loc.offset));
    serde_json::json!({
        "code": d.code,
        "severity": d.severity.as_str(),
        "message": d.message,
        "claim_id": d.context.claim_id,
        "offset": offset,
    })
}

/// The STC12 text and coding of a finding: the rule's `x277`, with the entity of the name
/// loop the finding is in when the rule declares none.
fn stc(d: &Diagnostic) -> (claimlint_rules::X277, String) {
    use claimlint_rules::x277;
    let mut x = claimlint_rules::find(d.code).map_or(x277::INVALID, |r| r.x277);
    if x.entity.is_none() {
        x.entity = d.context.loop_id.and_then(x277::entity_of_loop);
    }
    let text = format!("{} - {}", d.code, d.message.replace('`', "'"));
    (x, text)
}

pub fn run(args: GateArgs, data: Data) -> Result<Status, CliError> {
    let filter = crate::input::walk::Filter::new(&args.input.include, &args.input.exclude)?;
    let mut resolver = Resolver::new(args.settings.flags(None, data), args.settings.source())?;
    let inputs = resolve::gather(&args.input.paths, &filter, &mut resolver)?;
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (p, _) in &inputs.files {
        if let Some(other) = seen.insert(name_of(p), p) {
            return Err(CliError::Usage(format!(
                "{} and {} would both be written as {}: gate them in separate runs",
                visible(other),
                visible(p),
                visible(&name_of(p))
            )));
        }
    }
    let limit = args.input.max_input_size;
    let store = batch::wanted(&inputs.files).then(|| KeyStore::new(keystore::BUDGET));
    let mut files: Vec<Gated> = inputs
        .files
        .par_iter()
        .map(|(p, g)| check_one(p, g, limit, store.as_ref()))
        .collect();
    if let Some(store) = store {
        across_claims(&mut files, &inputs.files, limit, store);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let stamp = Stamp::now();
    let mut controls = ControlNumbers::new();
    let dir = &args.output;
    for sub in ["accepted", "rejected", "acks"] {
        create_dir(&dir.join(sub))?;
    }
    let mut reports = Vec::new();
    let mut failed = !inputs.skipped.is_empty();
    // Each input's text and findings go once its files are written and its claims' entries
    // spooled for the report (the accepted claims' only for the JSON report, which lists them).
    let mut spools = Spools::create(dir, matches!(args.format, ListFormat::Json))?;
    let keep_layouts = interchange::keep_bytes();
    for g in &mut files {
        let r = gate_file(g, dir, (&stamp, &mut controls, &mut spools), keep_layouts)?;
        g.input = None;
        g.outcome.diagnostics = Vec::new();
        failed |= !r.read || r.rejected > 0 || !r.interchange_findings.is_empty();
        reports.push(r);
    }
    let spooled = spools.finish()?;
    let skipped: Vec<serde_json::Value> = inputs
        .skipped
        .iter()
        .map(|(p, why)| serde_json::json!({"path": p, "reason": why}))
        .collect();
    match args.format {
        ListFormat::Json => {
            let count = |f: fn(&InputReport) -> usize| reports.iter().map(f).sum::<usize>();
            let summary = serde_json::json!({
                "inputs": reports.len(),
                "unread": count(|r| usize::from(!r.read)),
                "accepted": count(|r| r.accepted),
                "rejected": count(|r| r.rejected),
                "skipped": skipped.len(),
            });
            let doc = Report {
                inputs: Inputs(&reports, &spooled),
                skipped,
                summary,
                version: 1,
            };
            out_with(|w| {
                serde_json::to_writer_pretty(&mut *w, &doc)?;
                w.write_all(b"\n")
            })?;
        }
        ListFormat::Human => out(&human(&reports, &spooled, &inputs.skipped)?)?,
    }
    Ok(Status::from_failed(failed))
}

fn human(
    reports: &[InputReport],
    spooled_in: &SpoolFiles,
    skipped: &[(String, String)],
) -> Result<String, CliError> {
    let mut text = String::new();
    for r in reports {
        if !r.read {
            text.push_str(&format!(
                "{}: could not be read; nothing forwarded\n",
                visible(&r.path)
            ));
            continue;
        }
        text.push_str(&format!(
            "{}: {} claims accepted, {} rejected\n",
            visible(&r.path),
            r.accepted,
            r.rejected
        ));
        // What rejected an interchange whole: with no claim in it, nothing else says why the
        // run failed (an 835 in the submission, an interchange with no transaction set).
        for f in &r.interchange_findings {
            let code = f.get("code").and_then(|v| v.as_str());
            let message = f
                .get("message")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let what = code.map_or_else(
                || visible(message).into_owned(),
                |c| format!("{c}: {}", visible(message)),
            );
            text.push_str(&format!("  not forwarded: {what}\n"));
        }
        let (file, range) = (spooled_in.get(1).and_then(Option::as_ref), r.claims.get(1));
        for c in spooled(file, range.cloned().unwrap_or_default()) {
            text.push_str(&rejected_line(c.map_err(spool_error)?));
        }
        // One line per file: the JSON lists a file once for each interchange written to it.
        let mut paths: Vec<&str> = Vec::new();
        for p in r.written.iter().filter_map(|w| w.get("path")?.as_str()) {
            if !paths.contains(&p) {
                paths.push(p);
                text.push_str(&format!("  wrote {}\n", visible(p)));
            }
        }
        for why in &r.not_acknowledged {
            text.push_str(&format!("  no 999: {}\n", visible(why)));
        }
    }
    for (p, why) in skipped {
        text.push_str(&format!("skipped {}: {}\n", visible(p), visible(why)));
    }
    Ok(text)
}

/// The terminal report's lines for one rejected claim: why, and whether its 837 holds it.
fn rejected_line(spooled: Spooled) -> String {
    let Spooled {
        entry: c,
        interchange_codes,
    } = spooled;
    let codes: Vec<&str> = c
        .findings
        .iter()
        .filter_map(|f| f.get("code").and_then(|v| v.as_str()))
        .collect();
    let why = match (interchange_codes.is_empty(), codes.is_empty()) {
        (true, true) => "its interchange is rejected".to_string(),
        (true, false) => codes.join(", "),
        (false, true) => format!(
            "its interchange is rejected ({})",
            interchange_codes.join(", ")
        ),
        (false, false) => format!(
            "its interchange is rejected ({}); on the claim: {}",
            interchange_codes.join(", "),
            codes.join(", ")
        ),
    };
    let mut text = format!("  rejected {}: {why}\n", visible(&c.claim_id));
    if !c.in_file {
        text.push_str(
            "    not in the rejected 837: its transaction set has no GS (or one without GS08), \
             so no valid 837 can hold it (the 277CA answers it)\n",
        );
    }
    text
}

/// Writes one input's accepted and rejected interchanges and its 999 and 277CA, one
/// interchange at a time (keeping up to `keep_layouts` bytes of an interchange's layouts
/// between its two passes); spools its claims' entries for the report.
fn gate_file(
    g: &Gated,
    dir: &Path,
    (stamp, controls, spools): (&Stamp, &mut ControlNumbers, &mut Spools),
    keep_layouts: usize,
) -> Result<InputReport, CliError> {
    let mut report = InputReport {
        path: g.path.clone(),
        read: g.input.is_some(),
        ..InputReport::default()
    };
    let Some(held) = &g.input else {
        report.interchange_findings = g
            .outcome
            .diagnostics
            .iter()
            .map(|d| finding(d, g.fold.as_ref()))
            .collect();
        return Ok(report);
    };
    let input: &[u8] = held;
    let release = |r: std::ops::Range<usize>| held.release(r);
    let scan = envelope::scan_releasing(input, &release);
    let ranges = interchange_ranges(&scan, input);
    let placed = place_findings(g, &ranges, &scan);
    // Written as each interchange is split, not held: a large input's copies would double it.
    let mut out = Outputs::create(dir, &g.name)?;
    let from = spools.at();
    let mut why: std::collections::BTreeSet<usize> = placed.outside.iter().copied().collect();
    let each = scan
        .interchanges
        .iter()
        .zip(&placed.by_interchange)
        .zip(&ranges);
    let at = interchange::Gating {
        g,
        input,
        release: &release,
        dir,
        stamp,
        keep_bytes: keep_layouts,
    };
    for ((ic, mine), range) in each {
        let rejected_by = interchange::split_interchange(
            &at,
            ic,
            (mine, &placed.outside),
            (&mut out, &mut *spools, &mut *controls),
            &mut report,
        )?;
        why.extend(rejected_by);
        // Done with this interchange's bytes until the 999 reads them again.
        release(range.clone());
    }
    report.interchange_findings = interchange_findings(g, &why);
    out.commit()?;
    write_999(g, dir, input, stamp, &release, &mut report)?;
    let to = spools.at();
    report.claims = [from[0]..to[0], from[1]..to[1]];
    Ok(report)
}

/// The findings that rejected a whole interchange of `g` (or every one), for the report:
/// `why`, indexes into its findings (`usize::MAX`: one it could not split).
fn interchange_findings(
    g: &Gated,
    why: &std::collections::BTreeSet<usize>,
) -> Vec<serde_json::Value> {
    why.iter()
        .map(|&i| {
            g.outcome.diagnostics.get(i).map_or_else(
                || serde_json::json!({"code": null, "message": "a transaction set or interchange claimlint could not split"}),
                |d| finding(d, g.fold.as_ref()),
            )
        })
        .collect()
}

/// The files one input's split is written to as it goes: `accepted/NAME`, `rejected/NAME`
/// and `acks/NAME.277`. Each is put in place by `commit`, or removed with any stale copy
/// when nothing went into it; on an error none of them replaces what was there.
struct Outputs {
    split: [Staged; 2],
    acks277: Staged,
}

impl Outputs {
    fn create(dir: &Path, name: &str) -> Result<Outputs, CliError> {
        Ok(Outputs {
            split: [
                Staged::create(&dir.join("accepted").join(name))?,
                Staged::create(&dir.join("rejected").join(name))?,
            ],
            acks277: Staged::create(&dir.join("acks").join(format!("{name}.277")))?,
        })
    }

    fn commit(self) -> Result<(), CliError> {
        let [accepted, rejected] = self.split;
        accepted.commit()?;
        rejected.commit()?;
        self.acks277.commit()
    }
}

/// Writes one input's 999s (or TA1), reading its interchanges again one at a time.
fn write_999(
    g: &Gated,
    dir: &Path,
    input: &[u8],
    stamp: &Stamp,
    release: x999::Release<'_>,
    report: &mut InputReport,
) -> Result<(), CliError> {
    let acks = dir.join("acks");
    let ack = x999::acknowledge(input, &g.outcome.diagnostics, stamp, release);
    report.not_acknowledged.clone_from(&ack.not_acknowledged);
    let several = ack.acks.len() > 1;
    for a in &ack.acks {
        let control = a.file_control();
        let file = if several {
            format!("{}.{control}.{}", g.name, a.kind)
        } else {
            format!("{}.{}", g.name, a.kind)
        };
        let path = acks.join(file);
        write_replace(&path, a.text.as_bytes())?;
        report.written.push(serde_json::json!({"role": a.kind, "path": path.display().to_string(), "isa13": a.control_number}));
    }
    Ok(())
}
