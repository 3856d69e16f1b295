//! `claimlint._native`: the Rust half of the `claimlint` Python package (python/claimlint).
//! Every answer comes from the claimlint library as the CLI computes it — `check`'s outcome
//! and JSON entry, the audit's per-file pass and claim facts, the cross-claim rules — so the
//! Python API and the Spark helpers give the CLI's results. It owns only the crossing into
//! Python: settings from a config, bytes in, JSON or Arrow buffers out, the GIL released while
//! the rules run. Knows nothing of Spark (python/claimlint/spark.py).

mod columns;
mod rows;

use claimlint::config::{self, FileConfig, Flags, Resolved, Settings};
use claimlint::input::{DEFAULT_MAX_INPUT, Input};
use claimlint::report::FileReport;
use claimlint_rules::cross_claim::{self, BatchClaim, ClaimRef, Member};
use claimlint_rules::engine::Outcome;
use columns::to_dict;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use rows::{DiagRow, Place};
use std::path::Path;

pyo3::create_exception!(
    _native,
    ConfigError,
    pyo3::exceptions::PyValueError,
    "A claimlint.toml that claimlint cannot use; the message is the CLI's."
);

/// Settings resolved once from a config (or none), used for every input given to it.
#[pyclass(frozen, module = "claimlint._native")]
struct Linter {
    resolved: Resolved,
}

/// Bytes as `claimlint check` reads a file (gzip inflated, UTF-16 refused), or ENV009.
fn open(path: &str, raw: Vec<u8>) -> Result<Input, Box<Outcome>> {
    Input::from_bytes(raw, DEFAULT_MAX_INPUT).map_err(|e| {
        let d = claimlint_rules::input_unreadable(path, &e);
        let mut o = Outcome::default();
        o.tally.count(d.severity);
        o.diagnostics.push(d);
        Box::new(o)
    })
}

impl Linter {
    fn settings(&self, input: &[u8]) -> &Settings {
        self.resolved.for_input(input)
    }

    /// One input checked as `claimlint check` checks a file.
    fn report(&self, path: &str, raw: Vec<u8>) -> FileReport {
        let outcome = match open(path, raw) {
            Err(o) => *o,
            Ok(input) => claimlint::commands::check_outcome(&input, self.settings(&input), &|_| ()),
        };
        FileReport {
            path: path.to_string(),
            outcome,
            rendered: None,
        }
    }

    /// One input through the audit's first pass: its findings (placed on claims) and claims.
    fn audit_one(&self, path: &str, raw: Vec<u8>) -> (Vec<DiagRow>, Vec<BatchClaim>) {
        let (outcome, claims) = match open(path, raw) {
            Err(o) => (*o, Vec::new()),
            Ok(input) => claimlint::audit::check_file(&input, self.settings(&input)),
        };
        let rows = outcome
            .diagnostics
            .into_iter()
            .map(|d| DiagRow {
                path: path.to_string(),
                place: Some(Place::of(&claims, &d)),
                diagnostic: d,
            })
            .collect();
        (rows, claims)
    }
}

fn contents(items: Vec<Option<Vec<u8>>>) -> impl Iterator<Item = Vec<u8>> {
    items.into_iter().map(Option::unwrap_or_default)
}

#[pymethods]
impl Linter {
    /// `config`: a claimlint.toml's path (as `--config`); `text`: its text, already read (a
    /// Spark worker gets the driver's copy). Neither: the defaults, as `--no-config`.
    #[new]
    #[pyo3(signature = (config = None, text = None))]
    fn new(config: Option<String>, text: Option<String>) -> PyResult<Linter> {
        let flags = Flags::default();
        let err = |e: config::ConfigError| ConfigError::new_err(e.to_string());
        let resolved = match (config, text) {
            (None, _) => config::resolve(None, &flags).map_err(err)?,
            (Some(path), text) => {
                let p = Path::new(&path);
                let file = match text {
                    Some(t) => FileConfig::parse(p, &t),
                    None => FileConfig::read(p),
                }
                .map_err(err)?;
                config::resolve(Some((p, &file)), &flags).map_err(err)?
            }
        };
        Ok(Linter { resolved })
    }

    /// One entry of `files` of `claimlint check --format json`, as JSON text.
    fn check_json(&self, py: Python<'_>, data: Vec<u8>, path: String) -> String {
        py.detach(|| claimlint::report::json::file_entry(&self.report(&path, data)))
    }

    /// Every diagnostic of every input, as the columns of `claimlint.spark.LINT_SCHEMA`.
    fn lint<'py>(
        &self,
        py: Python<'py>,
        paths: Vec<String>,
        data: Vec<Option<Vec<u8>>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let rows: Vec<DiagRow> = py.detach(|| {
            let mut rows = Vec::new();
            for (path, raw) in paths.into_iter().zip(contents(data)) {
                let report = self.report(&path, raw);
                rows.extend(report.outcome.diagnostics.into_iter().map(|d| DiagRow {
                    path: path.clone(),
                    diagnostic: d,
                    place: None,
                }));
            }
            rows
        });
        to_dict(py, rows::diagnostic_columns(&rows, false))
    }

    /// The audit's first pass over inputs: (findings, duplicate keys, doses) as columns.
    fn audit<'py>(
        &self,
        py: Python<'py>,
        paths: Vec<String>,
        data: Vec<Option<Vec<u8>>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (findings, dups, doses) = py.detach(|| {
            let (mut findings, mut dups, mut doses) = (Vec::new(), Vec::new(), Vec::new());
            for (path, raw) in paths.into_iter().zip(contents(data)) {
                let (rows, claims) = self.audit_one(&path, raw);
                findings.extend(rows);
                rows::keys(&path, &claims, &mut dups, &mut doses);
            }
            (findings, dups, doses)
        });
        let t = (
            to_dict(py, rows::diagnostic_columns(&findings, true))?,
            to_dict(py, rows::dup_columns(&dups))?,
            to_dict(py, rows::dose_columns(&doses))?,
        );
        Ok(t.into_pyobject(py)?.into_any())
    }

    /// The cross-claim rules over the candidate claims: `files` are (path, bytes, indices of
    /// the wanted claims), as the audit's second pass reads them again. Findings as columns.
    fn cross_claim<'py>(
        &self,
        py: Python<'py>,
        files: Vec<(String, Vec<u8>, Vec<u32>)>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let rows = py.detach(|| self.judge(files));
        to_dict(py, rows::diagnostic_columns(&rows, true))
    }

    /// The per-claim facts of one input: (claim columns, line list offsets, line columns).
    fn claims<'py>(
        &self,
        py: Python<'py>,
        data: Vec<u8>,
        path: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let claims = py.detach(|| self.audit_one(&path, data).1);
        let (offsets, lines) = rows::line_columns(&claims);
        let off: Vec<u8> = offsets.iter().flat_map(|o| o.to_le_bytes()).collect();
        let t = (
            to_dict(py, rows::claim_columns(&path, &claims))?,
            PyBytes::new(py, &off),
            to_dict(py, lines)?,
        );
        Ok(t.into_pyobject(py)?.into_any())
    }
}

impl Linter {
    /// `claimlint::audit`'s second pass over files held in memory: files sorted by path (their
    /// ranks order the claims as the CLI's file indices do), the batch rules under the default
    /// settings, each finding kept at the severity its own file's settings give it.
    fn judge(&self, mut files: Vec<(String, Vec<u8>, Vec<u32>)>) -> Vec<DiagRow> {
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files.dedup_by(|a, b| a.0 == b.0);
        let mut read: Vec<(String, &Settings, Vec<BatchClaim>, Vec<u32>)> = Vec::new();
        for (path, raw, wanted) in files {
            if let Ok(input) = open(&path, raw) {
                let settings = self.settings(&input);
                let (_, claims) = claimlint::audit::check_file(&input, settings);
                read.push((path, settings, claims, wanted));
            }
        }
        let mut members = Vec::new();
        for (rank, (path, _, claims, wanted)) in read.iter().enumerate() {
            for &i in wanted {
                if let Some(claim) = claims.get(i as usize) {
                    let file = u32::try_from(rank).unwrap_or(u32::MAX);
                    let at = ClaimRef { file, claim: i };
                    members.push(Member { at, path, claim });
                }
            }
        }
        let findings = cross_claim::run(&mut members, &self.resolved.default);
        let mut out = Vec::new();
        for f in findings {
            let Some((path, settings, claims, _)) = read.get(f.at.file as usize) else {
                continue;
            };
            let Some(severity) = settings.severity(f.diagnostic.code) else {
                continue;
            };
            let mut d = f.diagnostic;
            d.severity = severity;
            out.push(DiagRow {
                path: path.clone(),
                place: Some(Place::of(claims, &d)),
                diagnostic: d,
            });
        }
        out
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Linter>()?;
    m.add("ConfigError", m.py().get_type::<ConfigError>())?;
    Ok(())
}
