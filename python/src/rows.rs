//! The tables the package returns, as columns: diagnostics (one row each, the fields of
//! `--format json`'s diagnostic objects flattened, through the same `JsonDiagnostic`), the
//! audit's cross-claim keys, and the per-claim facts of `claimlint.claims`.

use crate::columns::Col;
use claimlint::audit::aggregate::locate;
use claimlint::report::json::JsonDiagnostic;
use claimlint_diagnostic::Diagnostic;
use claimlint_rules::cross_claim::{BatchClaim, dose_interval, duplicate_claim};

/// What the audit adds to a finding: the claim and line it falls in (as the audit's findings
/// table has them).
#[derive(Default)]
pub struct Place {
    pub npi: Option<String>,
    pub hcpcs: Option<String>,
    pub ndc: Option<String>,
    /// Of the line, else of the claim's first line (the audit's month).
    pub date: Option<String>,
}

impl Place {
    pub fn of(claims: &[BatchClaim], d: &Diagnostic) -> Place {
        let Some((ci, li)) = locate(claims, d.loc.offset) else {
            return Place::default();
        };
        let claim = claims.get(ci);
        let line = li.and_then(|li| claim?.lines.get(li));
        let date = line
            .and_then(|l| l.date)
            .or_else(|| claim.and_then(|c| c.lines.first()?.date));
        Place {
            npi: claim.and_then(|c| c.billing_npi.clone()),
            hcpcs: line.and_then(|l| l.hcpcs.clone()),
            ndc: line.and_then(|l| l.ndc.clone()),
            date: date.map(|d| d.to_string()),
        }
    }
}

/// One diagnostic of one file.
pub struct DiagRow {
    pub path: String,
    pub diagnostic: Diagnostic,
    /// Only the audit fills it in.
    pub place: Option<Place>,
}

fn int<T: Into<i64>>(v: Option<T>) -> Option<i64> {
    v.map(Into::into)
}

fn size(v: usize) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The columns of `claimlint.spark.LINT_SCHEMA` (and, with `place`, of the audit's findings).
pub fn diagnostic_columns(rows: &[DiagRow], place: bool) -> Vec<(&'static str, Col)> {
    let j: Vec<JsonDiagnostic<'_>> = rows
        .iter()
        .map(|r| JsonDiagnostic::new(&r.diagnostic, Some(&r.path)))
        .collect();
    let seg = |f: &dyn Fn(&claimlint::report::json::JsonSegment) -> Option<i64>| {
        Col::ints(j.iter().map(|d| d.segment.as_ref().and_then(f)))
    };
    let mut cols = vec![
        ("path", Col::strs(j.iter().map(|d| d.path))),
        ("code", Col::strs(j.iter().map(|d| Some(d.code)))),
        ("severity", Col::strs(j.iter().map(|d| Some(d.severity)))),
        ("message", Col::strs(j.iter().map(|d| Some(d.message)))),
        ("help", Col::strs(j.iter().map(|d| d.help))),
        ("transaction", Col::strs(j.iter().map(|d| d.transaction))),
        ("claim_id", Col::strs(j.iter().map(|d| d.claim_id))),
        (
            "line_number",
            Col::ints(j.iter().map(|d| int(d.line_number))),
        ),
        ("loop", Col::strs(j.iter().map(|d| d.loop_id))),
        (
            "segment",
            Col::strs(j.iter().map(|d| d.segment.as_ref().map(|s| s.id.as_str()))),
        ),
        ("position", seg(&|s| Some(s.position.into()))),
        ("element", seg(&|s| int(s.element))),
        ("component", seg(&|s| int(s.component))),
        ("offset", seg(&|s| Some(size(s.offset)))),
        ("length", seg(&|s| Some(size(s.length)))),
        ("line", seg(&|s| Some(s.line.into()))),
        ("column", seg(&|s| Some(s.column.into()))),
    ];
    if place {
        let p = |f: &dyn Fn(&Place) -> Option<&str>| {
            Col::strs(rows.iter().map(|r| r.place.as_ref().and_then(f)))
        };
        cols.push(("npi", p(&|p| p.npi.as_deref())));
        cols.push(("hcpcs", p(&|p| p.hcpcs.as_deref())));
        cols.push(("ndc", p(&|p| p.ndc.as_deref())));
        cols.push(("date", p(&|p| p.date.as_deref())));
    }
    cols
}

/// A claim's duplicate key (XCL001: billing NPI, patient, HCPCS, date), once each, as a 64-bit
/// hash: Spark groups on it, and the rules then judge the candidates on exact values (a
/// collision makes a claim a candidate, never a finding), as `cross_claim::Keys` does.
pub struct DupRow {
    pub path: String,
    pub claim: u32,
    pub key: i64,
}

/// A claim's dose of a drug with a labelled interval (XCL002); `group` hashes (patient, HCPCS,
/// drug).
pub struct DoseRow {
    pub path: String,
    pub claim: u32,
    pub group: i64,
    pub day: i64,
    pub min_days: u32,
}

fn hash64(parts: &[&str]) -> i64 {
    use std::hash::{Hash, Hasher};
    // Fixed keys: the same hash in every worker process.
    let mut h = std::hash::DefaultHasher::new();
    for p in parts {
        p.hash(&mut h);
    }
    i64::from_ne_bytes(h.finish().to_ne_bytes())
}

/// The keys of one file's claims, those `cross_claim::Keys::add` collects.
pub fn keys(path: &str, claims: &[BatchClaim], dups: &mut Vec<DupRow>, doses: &mut Vec<DoseRow>) {
    for (i, c) in claims.iter().enumerate() {
        let claim = u32::try_from(i).unwrap_or(u32::MAX);
        let mut mine: Vec<i64> = duplicate_claim::keys(c)
            .iter()
            .map(|k| hash64(&[k.npi, k.patient, k.hcpcs, &k.date.0.to_string()]))
            .collect();
        mine.sort_unstable();
        mine.dedup();
        for key in mine {
            let path = path.to_string();
            dups.push(DupRow { path, claim, key });
        }
        for d in dose_interval::doses(c) {
            doses.push(DoseRow {
                path: path.to_string(),
                claim,
                group: hash64(&[d.patient, d.hcpcs, d.interval.drug]),
                day: d.date.day_number(),
                min_days: d.interval.min_days,
            });
        }
    }
}

pub fn dup_columns(rows: &[DupRow]) -> Vec<(&'static str, Col)> {
    vec![
        (
            "path",
            Col::strs(rows.iter().map(|r| Some(r.path.as_str()))),
        ),
        (
            "claim",
            Col::ints(rows.iter().map(|r| Some(r.claim.into()))),
        ),
        ("key", Col::ints(rows.iter().map(|r| Some(r.key)))),
    ]
}

pub fn dose_columns(rows: &[DoseRow]) -> Vec<(&'static str, Col)> {
    vec![
        (
            "path",
            Col::strs(rows.iter().map(|r| Some(r.path.as_str()))),
        ),
        (
            "claim",
            Col::ints(rows.iter().map(|r| Some(r.claim.into()))),
        ),
        ("group", Col::ints(rows.iter().map(|r| Some(r.group)))),
        ("day", Col::ints(rows.iter().map(|r| Some(r.day)))),
        (
            "min_days",
            Col::ints(rows.iter().map(|r| Some(r.min_days.into()))),
        ),
    ]
}

/// Per-claim facts (`claimlint.claims`): one row per claim; its lines as flat columns with
/// each claim's range in `line_offsets` (an Arrow list's offsets).
pub fn claim_columns(path: &str, claims: &[BatchClaim]) -> Vec<(&'static str, Col)> {
    let s = |f: &dyn Fn(&BatchClaim) -> Option<String>| {
        let v: Vec<Option<String>> = claims.iter().map(f).collect();
        Col::strs(v.iter().map(|x| x.as_deref()))
    };
    let i = |f: &dyn Fn(&BatchClaim) -> i64| Col::ints(claims.iter().map(|c| Some(f(c))));
    vec![
        ("path", Col::strs(claims.iter().map(|_| Some(path)))),
        ("transaction", s(&|c| c.transaction.clone())),
        ("claim_id", s(&|c| c.id.clone())),
        ("billing_npi", s(&|c| c.billing_npi.clone())),
        ("patient", s(&|c| c.patient.clone())),
        ("frequency", s(&|c| c.frequency.clone())),
        ("charge", s(&|c| c.charge.map(|d| d.to_string()))),
        ("position", i(&|c| c.loc.position.into())),
        ("offset", i(&|c| size(c.offset()))),
        ("line", i(&|c| c.line_col.0.into())),
        ("column", i(&|c| c.line_col.1.into())),
    ]
}

pub fn line_columns(claims: &[BatchClaim]) -> (Vec<i32>, Vec<(&'static str, Col)>) {
    let mut offsets = vec![0i32];
    let lines: Vec<_> = claims
        .iter()
        .flat_map(|c| {
            let n = offsets.last().copied().unwrap_or(0);
            offsets.push(n.saturating_add(i32::try_from(c.lines.len()).unwrap_or(i32::MAX)));
            c.lines.iter()
        })
        .collect();
    let s = |f: &dyn Fn(&claimlint_rules::cross_claim::BatchLine) -> Option<String>| {
        let v: Vec<Option<String>> = lines.iter().map(|l| f(l)).collect();
        Col::strs(v.iter().map(|x| x.as_deref()))
    };
    let cols = vec![
        ("number", Col::ints(lines.iter().map(|l| int(l.number)))),
        ("hcpcs", s(&|l| l.hcpcs.clone())),
        ("ndc", s(&|l| l.ndc.clone())),
        ("date", s(&|l| l.date.map(|d| d.to_string()))),
        ("charge", s(&|l| l.charge.map(|d| d.to_string()))),
        ("units", s(&|l| l.units.map(|d| d.to_string()))),
        ("is_drug", Col::bools(lines.iter().map(|l| Some(l.is_drug)))),
        ("is_jw", Col::bools(lines.iter().map(|l| Some(l.is_jw)))),
        (
            "dose_interval_days",
            Col::ints(
                lines
                    .iter()
                    .map(|l| int(l.dose_interval.map(|d| d.min_days))),
            ),
        ),
    ];
    (offsets, cols)
}
