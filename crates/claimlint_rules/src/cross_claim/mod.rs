//! XCL: rules across claims and files (batch audit). They need every input at once, so they
//! cannot run inside the per-file engine walk. Instead each transaction set's model is boiled
//! down to owned, compact [`BatchClaim`] facts (`facts`), and the rules run over all of them
//! (`run`) once every file has been checked.
//!
//! To keep memory bounded by claims rather than by the bytes of the claims, a batch first
//! collects only [`Keys`]: a 64-bit hash per duplicate key and per dose, 16 to 24 bytes each.
//! Sorting them finds the few candidate claims; only those are read again in full and judged by
//! the rules on exact values (a hash collision makes a claim a candidate, never a finding).
//! Members are sorted by [`ClaimRef`] (files sorted by path, then claim order in the file), so
//! findings do not depend on the order the files were given in or on the thread count.
//! Knows the model and the rules' data, never files or the audit's aggregates.

pub mod dose_interval;
pub mod duplicate_claim;

use crate::LintSettings as Settings;
use crate::{Check, RULES, Rule};
use claimlint_data::{Data, DoseInterval};
use claimlint_diagnostic::{Context, Diagnostic, Severity};
use claimlint_model::{Date, Dec, Transaction};
use claimlint_x12::Loc;
use claimlint_x12::loc::LineCounter;
use std::hash::{Hash, Hasher};

/// One service line as the batch rules and the audit see it.
#[derive(Clone, Debug)]
pub struct BatchLine {
    /// LX01.
    pub number: Option<u32>,
    /// The LX segment.
    pub lx_offset: usize,
    /// One past the line's last segment (2400 and its 2410...), so a diagnostic's offset can
    /// be placed on its line.
    pub end: usize,
    /// SV101-2 / SV202-2 when the qualifier is HC, else the LX segment: where XCL002 points.
    pub loc: Loc,
    /// (line, column) of `loc`, filled in by [`fill_positions`].
    pub line_col: (u32, u32),
    pub hcpcs: Option<String>,
    /// JW: discarded drug, billed beside the administered line; not a dose.
    pub is_jw: bool,
    pub ndc: Option<String>,
    /// 2400 DTP*472, else the claim's date.
    pub date: Option<Date>,
    pub charge: Option<Dec>,
    pub units: Option<Dec>,
    pub is_drug: bool,
    /// The labelled minimum interval between doses of the line's drug (XCL002), looked up
    /// by code and NDC when the facts are taken, so the batch needs no data handle.
    pub dose_interval: Option<DoseInterval>,
}

/// One claim (2300) as the batch rules and the audit see it.
#[derive(Clone, Debug)]
pub struct BatchClaim {
    /// ST02.
    pub transaction: Option<String>,
    /// CLM01.
    pub id: Option<String>,
    /// CLM01 (or the CLM segment when it is empty): where XCL001 points.
    pub loc: Loc,
    pub line_col: (u32, u32),
    /// One past the claim's last segment.
    pub end: usize,
    /// CLM02.
    pub charge: Option<Dec>,
    pub billing_npi: Option<String>,
    /// The patient's member id (2010CA, else the subscriber's 2010BA NM109).
    pub patient: Option<String>,
    /// CLM05-3.
    pub frequency: Option<String>,
    pub lines: Vec<BatchLine>,
}

impl BatchClaim {
    /// The CLM segment's offset: where the claim starts.
    pub fn offset(&self) -> usize {
        self.loc.offset
    }

    /// A replacement (7) or void (8) restates an earlier claim on purpose.
    pub fn is_replacement(&self) -> bool {
        matches!(self.frequency.as_deref(), Some("7" | "8"))
    }
}

fn text(e: Option<claimlint_x12::Element<'_>>) -> Option<String> {
    e.map(|e| e.text().trim().to_string())
        .filter(|s| !s.is_empty())
}

fn seg_end(tx: &Transaction<'_>, end_index: u32) -> usize {
    let last = (end_index as usize)
        .checked_sub(1)
        .and_then(|i| tx.segments.get(i));
    last.map_or(0, |s| s.offset + s.bytes.len())
}

/// The facts of every claim of one transaction set, in input order, with what `data` says of
/// their drugs.
pub fn facts(tx: &Transaction<'_>, data: &Data) -> Vec<BatchClaim> {
    let st02 = tx.control_number();
    tx.claims
        .iter()
        .map(|c| {
            let date = c.date();
            let lines = c
                .lines
                .iter()
                .map(|l| {
                    let code = l.procedure.and_then(|p| p.code());
                    let hcpcs = text(l.hcpcs());
                    let ndc = text(l.drug.as_deref().and_then(|d| d.ndc));
                    let dose_interval = hcpcs
                        .as_deref()
                        .zip(ndc.as_deref())
                        .and_then(|(h, n)| data.dose_interval(h, Some(n)));
                    BatchLine {
                        number: l.number_value(),
                        lx_offset: l.lx.offset,
                        end: seg_end(tx, l.end),
                        loc: code.map_or_else(|| l.lx.loc(), |e| e.loc()),
                        line_col: (0, 0),
                        hcpcs,
                        is_jw: l.has_modifier(b"JW"),
                        ndc,
                        date: l.date.map(|r| r.start).or(date),
                        charge: l.charge_value(),
                        units: l.units_value(),
                        is_drug: crate::is_drug_line(data, l),
                        dose_interval,
                    }
                })
                .collect();
            BatchClaim {
                transaction: st02.clone(),
                id: text(c.id),
                loc: c.id.map_or_else(|| c.clm.loc(), |e| e.loc()),
                line_col: (0, 0),
                end: seg_end(tx, c.end),
                charge: c.charge.and_then(|e| Dec::parse(e.bytes)),
                billing_npi: text(c.billing_npi),
                patient: text(c.patient_id),
                frequency: text(c.frequency),
                lines,
            }
        })
        .collect()
}

/// Fills in the line and column of each claim's and line's report location.
pub fn fill_positions(claims: &mut [BatchClaim], input: &[u8]) {
    let mut lines = LineCounter::new(input);
    for c in claims {
        c.line_col = lines.line_col(c.loc.offset);
        for l in &mut c.lines {
            l.line_col = lines.line_col(l.loc.offset);
        }
    }
}

/// Where a claim sits among all inputs: the index of its file (inputs sorted by path) and its
/// order among the file's claims. Sorting by it is the canonical order of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClaimRef {
    pub file: u32,
    pub claim: u32,
}

/// A claim in a batch, with the path of its file for messages.
#[derive(Clone, Copy, Debug)]
pub struct Member<'a> {
    pub at: ClaimRef,
    pub path: &'a str,
    pub claim: &'a BatchClaim,
}

impl Member<'_> {
    /// "claim X0000000004 in claims-00042.837 (ST 0001 segment 12)", or "… in this file (…)".
    fn describe(&self, from: &Member<'_>) -> String {
        let file = if self.at.file == from.at.file {
            "this file"
        } else {
            self.path
        };
        format!(
            "claim {} in {file} (ST {} segment {})",
            self.claim.id.as_deref().unwrap_or("(no CLM01)"),
            self.claim.transaction.as_deref().unwrap_or("?"),
            self.claim.loc.position
        )
    }
}

/// A batch rule's finding: the claim (and line) it is on, and the diagnostic.
#[derive(Clone, Debug)]
pub struct Finding {
    pub at: ClaimRef,
    /// Index into the claim's `lines`, for a line-level finding.
    pub line: Option<usize>,
    pub diagnostic: Diagnostic,
}

/// What a batch rule reports through; fills in code, severity and context like `Ctx`.
pub struct BatchCtx<'c> {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub out: &'c mut Vec<Finding>,
}

impl BatchCtx<'_> {
    pub fn report(&mut self, m: &Member<'_>, line: Option<usize>, message: String, help: &str) {
        let l = line.and_then(|i| m.claim.lines.get(i));
        let (loc, (lno, col)) = l.map_or((m.claim.loc, m.claim.line_col), |l| (l.loc, l.line_col));
        let mut d = Diagnostic::new(self.rule.code, self.severity, loc, message).with_help(help);
        d.context = Context {
            transaction: m.claim.transaction.clone(),
            claim_id: m.claim.id.clone(),
            line_number: l.and_then(|l| l.number),
            loop_id: Some(if l.is_some() { "2400" } else { "2300" }),
        };
        (d.line, d.column) = (lno, col);
        self.out.push(Finding {
            at: m.at,
            line,
            diagnostic: d,
        });
    }
}

/// Runs every selected batch rule over `members`; findings come sorted by claim, line and code.
pub fn run(members: &mut [Member<'_>], settings: &Settings) -> Vec<Finding> {
    members.sort_by_key(|m| m.at);
    let mut out = Vec::new();
    for rule in RULES {
        let Check::Batch(f) = rule.check else {
            continue;
        };
        let Some(severity) = settings.severity(rule.code) else {
            continue;
        };
        f(
            members,
            &mut BatchCtx {
                rule,
                severity,
                out: &mut out,
            },
        );
    }
    out.sort_by(|a, b| (a.at, a.line, a.diagnostic.code).cmp(&(b.at, b.line, b.diagnostic.code)));
    // One root cause, one error: XCL001 (exact duplicate) before XCL002 on the same claim.
    let dup: Vec<ClaimRef> = out
        .iter()
        .filter(|f| f.diagnostic.code == "XCL001")
        .map(|f| f.at)
        .collect();
    out.retain(|f| !(f.diagnostic.code == "XCL002" && dup.contains(&f.at)));
    out
}

/// Whether any batch rule is selected: if none, a batch need not collect keys.
pub fn any_selected(settings: &Settings) -> bool {
    RULES
        .iter()
        .any(|r| matches!(r.check, Check::Batch(_)) && settings.severity(r.code).is_some())
}

fn hash64(parts: &[&str]) -> u64 {
    // `DefaultHasher::new()` has fixed keys: the same hash in every thread of a run. Keys never
    // leave the process, so its only job is to spread; collisions are settled on exact values.
    let mut h = std::hash::DefaultHasher::new();
    for p in parts {
        p.hash(&mut h);
    }
    h.finish()
}

/// A dose of a drug that has a labelled interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct DoseKey {
    group: u64,
    day: i64,
    min_days: u32,
    at: ClaimRef,
}

/// The compact keys of a batch's claims, collected while files stream past.
#[derive(Debug, Default)]
pub struct Keys {
    duplicates: Vec<(u64, ClaimRef)>,
    doses: Vec<DoseKey>,
}

impl Keys {
    pub fn add(&mut self, at: ClaimRef, claim: &BatchClaim) {
        let mut mine: Vec<(u64, ClaimRef)> = duplicate_claim::keys(claim)
            .iter()
            .map(|k| {
                (
                    hash64(&[k.npi, k.patient, k.hcpcs, &k.date.0.to_string()]),
                    at,
                )
            })
            .collect();
        // One claim lists a key once however many lines share it.
        mine.sort_unstable();
        mine.dedup();
        self.duplicates.extend(mine);
        for dose in dose_interval::doses(claim) {
            let group = hash64(&[dose.patient, dose.hcpcs, dose.interval.drug]);
            self.doses.push(DoseKey {
                group,
                day: dose.date.day_number(),
                min_days: dose.interval.min_days,
                at,
            });
        }
    }

    pub fn merge(&mut self, other: Keys) {
        self.duplicates.extend(other.duplicates);
        self.doses.extend(other.doses);
    }

    /// Keys held (16 or 32 bytes each): what a batch's memory grows with.
    pub fn len(&self) -> usize {
        self.duplicates.len() + self.doses.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Claims that may be in a finding: a superset of the claims the rules will report, and
    /// with every claim a finding could name as its partner.
    pub fn candidates(mut self) -> Vec<ClaimRef> {
        let mut out = Vec::new();
        self.duplicates.sort_unstable();
        for run in self.duplicates.chunk_by(|a, b| a.0 == b.0) {
            if run
                .iter()
                .any(|(_, at)| Some(at) != run.first().map(|f| &f.1))
            {
                out.extend(run.iter().map(|(_, at)| *at));
            }
        }
        self.doses.sort_unstable();
        for run in self.doses.chunk_by(|a, b| a.group == b.group) {
            for pair in run.windows(2) {
                let [a, b] = pair else { continue };
                let min = i64::from(a.min_days.max(b.min_days));
                if b.day - a.day < min && (a.at != b.at || a.day != b.day) {
                    out.extend([a.at, b.at]);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Checks each text as a file named `f0`, `f1`… and runs the batch rules over all of them;
    /// returns the findings of rule `code`.
    pub fn findings(texts: &[&str], code: &str) -> Vec<Finding> {
        let settings = Settings::default();
        let paths: Vec<String> = (0..texts.len()).map(|i| format!("f{i}")).collect();
        let mut claims: Vec<(u32, Vec<BatchClaim>)> = Vec::new();
        for (f, t) in texts.iter().enumerate() {
            let (_, per_tx) =
                crate::engine::check_with(t.as_bytes(), &settings, &|tx| facts(tx, &settings.data));
            let mut all: Vec<BatchClaim> = per_tx.into_iter().flatten().collect();
            fill_positions(&mut all, t.as_bytes());
            claims.push((f as u32, all));
        }
        let mut members: Vec<Member<'_>> = claims
            .iter()
            .flat_map(|(f, cs)| cs.iter().enumerate().map(move |(i, c)| (*f, i, c)))
            .map(|(f, i, c)| Member {
                at: ClaimRef {
                    file: f,
                    claim: i as u32,
                },
                path: &paths[f as usize],
                claim: c,
            })
            .collect();
        // Reversed input: `run` must restore the canonical order itself.
        members.reverse();
        run(&mut members, &settings)
            .into_iter()
            .filter(|f| f.diagnostic.code == code)
            .collect()
    }

    /// One file: the template's claim, then the claim of `other` under the same subscriber.
    pub fn two_claims(other: &str) -> String {
        let template = crate::test::P837;
        let (Some(clm), Some(se)) = (other.find("CLM*"), other.find("SE*")) else {
            panic!("not a template")
        };
        let extra = &other[clm..se];
        let added = extra.matches('~').count();
        let se_at = template.find("SE*").expect("template has SE");
        let mut text = format!("{}{extra}{}", &template[..se_at], &template[se_at..]);
        text = text.replace("SE*28*", &format!("SE*{}*", 28 + added));
        text
    }

    #[test]
    fn keys_find_every_claim_the_rules_report() {
        let settings = Settings::default();
        let a = crate::test::P837;
        let b = a.replace("PAT1001-01", "PAT1001-02");
        let c = a
            .replace("PAT1001-01", "PAT1001-03")
            .replace("20260115", "20260301")
            .replace("1EG4TE5MK73", "OTHER");
        let mut keys = Keys::default();
        for (f, t) in [a, &b, &c].iter().enumerate() {
            let (_, per_tx) =
                crate::engine::check_with(t.as_bytes(), &settings, &|tx| facts(tx, &settings.data));
            for (i, claim) in per_tx.into_iter().flatten().enumerate() {
                keys.add(
                    ClaimRef {
                        file: f as u32,
                        claim: i as u32,
                    },
                    &claim,
                );
            }
        }
        // a and b are duplicates (and same-day Prolia doses); c shares nothing.
        assert_eq!(
            keys.candidates(),
            vec![
                ClaimRef { file: 0, claim: 0 },
                ClaimRef { file: 1, claim: 0 }
            ]
        );
    }
}

#[cfg(test)]
mod suppress_tests {
    use super::tests::findings;
    use crate::test::P837;

    /// XCL001 before XCL002: an exact duplicate (another CLM01, same everything else) is not
    /// also a Prolia repeat inside its six-month interval.
    #[test]
    fn exact_duplicate_is_xcl001_only() {
        let again = P837.replace("PAT1001-01", "PAT1001-02");
        assert_eq!(findings(&[P837, &again], "XCL001").len(), 2);
        assert!(findings(&[P837, &again], "XCL002").is_empty());
        // A repeat on another date is not a duplicate: XCL002 stays.
        let later = again.replace("20260115", "20260215");
        assert!(findings(&[P837, &later], "XCL001").is_empty());
        assert!(!findings(&[P837, &later], "XCL002").is_empty());
    }
}
