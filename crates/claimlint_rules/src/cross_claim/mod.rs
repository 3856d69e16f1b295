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
mod keys;

pub use keys::{Keys, Run};

use crate::LintSettings as Settings;
use crate::{Check, RULES, Rule};
use claimlint_data::{Data, DoseInterval};
use claimlint_diagnostic::{Context, Diagnostic, Severity};
use claimlint_model::{Date, Dec, Transaction};
use claimlint_x12::Loc;
use claimlint_x12::loc::LineCounter;
use std::borrow::Cow;
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
    /// The patient (`patient`: the member id, with a dependent's name and birth date).
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

/// An element's text, trimmed; `None` when absent or blank. Borrowed unless the bytes are not
/// UTF-8.
#[inline]
fn trimmed<'a>(e: Option<claimlint_x12::Element<'a>>) -> Option<Cow<'a, str>> {
    let e = e?;
    // `Element::text` without its lossy decoding when the bytes are UTF-8, as nearly all are.
    let t = match std::str::from_utf8(e.bytes) {
        Ok(s) => Cow::Borrowed(trim(s)),
        Err(_) => Cow::Owned(e.text().trim().to_string()),
    };
    (!t.is_empty()).then_some(t)
}

/// `s.trim()`, without its search when `s` begins and ends with an ASCII byte other than
/// white space, as codes and ids nearly always do. Exact: in UTF-8 such a byte is a whole
/// character, and not white space, so `trim` would stop at it at both ends.
fn trim(s: &str) -> &str {
    if graphic_ends(s.as_bytes()) {
        s
    } else {
        s.trim()
    }
}

/// Whether `b` begins and ends with a graphic ASCII byte (not white space, a whole character).
fn graphic_ends(b: &[u8]) -> bool {
    let graphic = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    graphic(b.first()) && graphic(b.last())
}

/// Whether a claim frequency (CLM05-3) is `7` or `8` (a replacement or a void) as [`trimmed`]
/// reads it, straight from the bytes when they begin and end with a graphic ASCII byte.
/// Exact: then trimming keeps them whole, so they read as `7` or `8` only when they are that
/// one byte; otherwise they are read through [`trimmed`].
fn replaces_or_voids(freq: Option<claimlint_x12::Element<'_>>) -> bool {
    let Some(e) = freq else {
        return false;
    };
    if graphic_ends(e.bytes) {
        matches!(e.bytes, b"7" | b"8")
    } else {
        matches!(trimmed(Some(e)).as_deref(), Some("7" | "8"))
    }
}

/// `trimmed(l.hcpcs())`, from the text the model read once ([`ServiceLine::hcpcs_text`])
/// rather than checking the code's UTF-8 again. Exact: that text is the code's bytes whenever
/// the line has a code (qualifier HC) and it is UTF-8; otherwise the code is read as before.
fn line_hcpcs<'a>(l: &claimlint_model::ServiceLine<'a>) -> Option<Cow<'a, str>> {
    match l.hcpcs_text() {
        Some(s) => Some(trim(s)).filter(|t| !t.is_empty()).map(Cow::Borrowed),
        None => trimmed(l.hcpcs()),
    }
}

/// Who the claim is for, as the rules across claims match patients: the member id (2010CA
/// NM109, else the subscriber's 2010BA NM109); for a dependent whose 2010CA has no id of its
/// own (5010), that id with a fingerprint of the dependent's name and birth date (2010CA
/// NM103, NM104, DMG02): `1EG4TE5MK73 (dependent 3f0a9c1e)`. Two children of one subscriber
/// are two patients, and the reports, which quote this, carry no more of a patient's
/// identity than the member id they always did: no name, no birth date.
fn patient<'a>(tx: &Transaction<'a>, c: &claimlint_model::Claim<'a>) -> Option<Cow<'a, str>> {
    let id = trimmed(c.patient_id)?;
    let Some(nm1) = c.patient_name.and_then(|i| tx.segments.get(i as usize)) else {
        return Some(id);
    };
    if trimmed(nm1.element(9)).is_some() {
        return Some(id);
    }
    let born = c
        .patient_birth
        .and_then(|i| tx.segments.get(i as usize))
        .and_then(|dmg| dmg.element(2));
    // FNV-1a over the trimmed last name, first name and birth date, each ended by a 0 byte:
    // the same dependent gives the same fingerprint in every file, run and thread.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [nm1.element(3), nm1.element(4), born] {
        let text = trimmed(part).unwrap_or_default();
        for &b in text.as_bytes().iter().chain(&[0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    Some(Cow::Owned(format!("{id} (dependent {:08x})", h >> 32)))
}

fn text(e: Option<claimlint_x12::Element<'_>>) -> Option<String> {
    trimmed(e).map(Cow::into_owned)
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
                    let ndc = text(l.drug.as_deref().and_then(|d| d.ndc()));
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
                id: text(c.id()),
                loc: c.id().map_or_else(|| c.clm.loc(), |e| e.loc()),
                line_col: (0, 0),
                end: seg_end(tx, c.end),
                charge: c.charge().and_then(|e| Dec::parse(e.bytes)),
                billing_npi: text(c.billing_npi),
                patient: patient(tx, c).map(Cow::into_owned),
                frequency: text(c.frequency()),
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
    /// "claim X0000000004 in claims-00042.837 (ST 0001 segment 12, line 40)", or "… in this
    /// file (…)". The line tells apart two sets with one control number (an interchange sent
    /// twice in one file), which ST and segment alone do not.
    fn describe(&self, from: &Member<'_>) -> String {
        let file = if self.at.file == from.at.file {
            "this file"
        } else {
            self.path
        };
        format!(
            "claim {} in {file} (ST {} segment {}, line {})",
            self.claim.id.as_deref().unwrap_or("(no CLM01)"),
            self.claim.transaction.as_deref().unwrap_or("?"),
            self.claim.loc.position,
            self.claim.line_col.0
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
            // The claim's offset tells it apart; its set is not needed for that.
            set_at: None,
            claim_id: m.claim.id.clone(),
            line_number: l.and_then(|l| l.number),
            claim_at: Some(m.claim.loc.offset),
            // The batch's lines keep no LX position: no precedence row at line scope has a
            // rule across claims in it.
            line_at: None,
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
    // One root cause, one error: XCL001 (exact duplicate) before XCL002 on the claims of a
    // group of duplicates, the original (which XCL001 does not report) included.
    if settings.severity(duplicate_claim::XCL001.code).is_some() {
        let dup: std::collections::BTreeSet<ClaimRef> = duplicate_claim::in_groups(members)
            .into_iter()
            .filter_map(|i| members.get(i).map(|m| m.at))
            .collect();
        out.retain(|f| !(f.diagnostic.code == "XCL002" && dup.contains(&f.at)));
    }
    out
}

/// The findings of the rules across claims among the claims of one input held in memory (as
/// one file of a batch would get them, when no other input shares a key with it): its keys
/// first, then the full facts of only the claims they make candidates, so memory grows with
/// the candidates, not with the claims. Empty when no batch rule is selected.
pub fn within(input: &[u8], settings: &Settings) -> Vec<Diagnostic> {
    if !any_selected(settings) {
        return Vec::new();
    }
    let mut keys = Keys::default();
    let mut first = 0u32;
    for (mut k, count) in
        crate::engine::models(input, &mut |tx| Keys::of_transaction(tx, &settings.data))
    {
        k.place(0, first);
        first = first.saturating_add(count);
        keys.merge(k);
    }
    let wanted = keys.candidates();
    if wanted.is_empty() {
        return Vec::new();
    }
    let (at, mut claims, _) = candidates_of(input, &wanted, &settings.data);
    fill_positions(&mut claims, input);
    let mut members: Vec<Member<'_>> = at
        .into_iter()
        .zip(&claims)
        .map(|(claim, c)| Member {
            at: ClaimRef { file: 0, claim },
            path: "",
            claim: c,
        })
        .collect();
    run(&mut members, settings)
        .into_iter()
        .map(|f| f.diagnostic)
        .collect()
}

/// Adds [`within`]'s findings on `input` to its `outcome`, in offset order.
pub fn add_within(outcome: &mut crate::engine::Outcome, input: &[u8], settings: &Settings) {
    let found = within(input, settings);
    if found.is_empty() {
        return;
    }
    for d in &found {
        outcome.tally.count(d.severity);
    }
    outcome.diagnostics.extend(found);
    outcome.diagnostics.sort_by_key(|d| d.loc.offset);
}

/// The facts of the claims numbered `wanted` (sorted, numbered in input order from 0, as
/// [`Keys::of`] numbers them) of one input, read again from its model: their numbers and
/// their facts, positions not yet filled in, and how many claims the input has. The other
/// claims are not kept.
pub fn candidates_of(
    input: &[u8],
    wanted: &[ClaimRef],
    data: &Data,
) -> (Vec<u32>, Vec<BatchClaim>, u32) {
    let mut next = 0u32;
    let mut want = wanted.iter().map(|c| c.claim).peekable();
    let mut at = Vec::new();
    let mut claims = Vec::new();
    crate::engine::models(input, &mut |tx| {
        // A set holding no wanted claim is only counted: its facts are not made.
        let count = u32::try_from(tx.claims.len()).unwrap_or(u32::MAX);
        if want.peek().is_none_or(|&w| w >= next.saturating_add(count)) {
            next = next.saturating_add(count);
            return;
        }
        for c in facts(tx, data) {
            if want.peek() == Some(&next) {
                want.next();
                at.push(next);
                claims.push(c);
            }
            next = next.saturating_add(1);
        }
    });
    (at, claims, next)
}

/// Whether any batch rule is selected: if none, a batch need not collect keys.
pub fn any_selected(settings: &Settings) -> bool {
    RULES
        .iter()
        .any(|r| matches!(r.check, Check::Batch(_)) && settings.severity(r.code).is_some())
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
mod within_tests {
    use super::tests::{findings, two_claims};
    use super::*;
    use crate::test::P837;

    /// `within` (keys, then only the candidates read again) finds what the batch of that one
    /// input finds with every claim's facts at hand.
    #[test]
    fn within_one_input_is_the_batch_of_that_input_alone() {
        let text = two_claims(&P837.replace("PAT1001-01", "PAT1001-02"));
        let seen = |ds: Vec<Diagnostic>| -> Vec<(&'static str, usize, String)> {
            ds.into_iter()
                .map(|d| (d.code, d.loc.offset, d.message))
                .collect()
        };
        let alone = seen(within(text.as_bytes(), &Settings::default()));
        let mut batch: Vec<Diagnostic> = ["XCL001", "XCL002"]
            .iter()
            .flat_map(|code| findings(&[&text], code))
            .map(|f| f.diagnostic)
            .collect();
        batch.sort_by_key(|d| (d.loc.offset, d.code));
        let mut alone_sorted = alone.clone();
        alone_sorted.sort_by_key(|(code, offset, _)| (*offset, *code));
        assert_eq!(alone_sorted, seen(batch));
        assert_eq!(
            alone.iter().filter(|(c, _, _)| *c == "XCL001").count(),
            1,
            "{alone:?}"
        );
        // No duplicate, no finding, and the second read is not made.
        assert!(within(P837.as_bytes(), &Settings::default()).is_empty());
    }
}

#[cfg(test)]
mod key_tests {
    use super::*;

    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else {
                out.push(p);
            }
        }
    }

    /// `Keys::of_transaction` (straight from the model) is `Keys::of` over the set's facts, on
    /// every fixture of the repository: the rules' own fixtures (replacements, JW lines, doses
    /// of one drug split over lines, blank elements...), the samples and the gate's files.
    #[test]
    fn keys_from_the_model_are_the_keys_of_the_facts() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let mut all = Vec::new();
        files(&root, &mut all);
        assert!(all.len() > 300, "{} fixtures", all.len());
        let data = Data::embedded();
        let (mut claims, mut with_keys) = (0u32, 0usize);
        for path in all {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            for (direct, of_facts) in crate::engine::models(&bytes, &mut |tx| {
                let facts = facts(tx, &data);
                (
                    Keys::of_transaction(tx, &data),
                    (
                        Keys::of(&facts),
                        u32::try_from(facts.len()).unwrap_or(u32::MAX),
                    ),
                )
            }) {
                assert_eq!(direct, of_facts, "{}", path.display());
                claims += direct.1;
                with_keys += direct.0.len();
            }
        }
        assert!(
            claims > 300 && with_keys > 300,
            "{claims} claims, {with_keys} keys"
        );
    }
}

#[cfg(test)]
mod dependent_tests {
    use super::tests::findings;
    use crate::test::P837;

    /// The template's claim for a dependent of its subscriber (a 2000C loop: 5010's 2010CA
    /// has no id), on `date`, as claim `id`.
    fn for_dependent(first: &str, born: &str, date: &str, id: &str) -> String {
        let clm = P837.find("CLM*").expect("CLM");
        let patient = format!("HL*3*2*23*0~PAT*19~NM1*QC*1*DOE*{first}~DMG*D8*{born}*F~");
        format!("{}{patient}{}", &P837[..clm], &P837[clm..])
            .replace("HL*2*1*22*0~", "HL*2*1*22*1~")
            .replace("SBR*P*18*", "SBR*P**")
            .replace("SE*28*", "SE*32*")
            .replace("20260115", date)
            .replace("PAT1001-01", id)
    }

    /// Two children of one subscriber share its member id (5010 gives a dependent none of its
    /// own): their doses are two patients' doses, and their claims are not duplicates.
    #[test]
    fn dependents_of_one_subscriber_are_two_patients() {
        let ann = for_dependent("ANN", "20100101", "20260115", "PAT1");
        let ben = for_dependent("BEN", "20120202", "20260116", "PAT2");
        let ben_same_day = for_dependent("BEN", "20120202", "20260115", "PAT3");
        assert!(findings(&[&ann, &ben], "XCL002").is_empty());
        assert!(findings(&[&ann, &ben_same_day], "XCL001").is_empty());
        // The same child again, a day later: one patient.
        let ann_again = for_dependent("ANN", "20100101", "20260116", "PAT4");
        let found = findings(&[&ann, &ann_again], "XCL002");
        assert_eq!(found.len(), 2);
        // The dependent is told apart by a fingerprint, not by name or birth date.
        let message = &found[0].diagnostic.message;
        assert!(
            message.contains("patient 1EG4TE5MK73 (dependent "),
            "{message}"
        );
        assert!(
            !message.contains("ANN") && !message.contains("2010"),
            "{message}"
        );
        // A subscriber who is the patient keeps the member id alone.
        let own = findings(&[P837, &P837.replace("PAT1001-01", "PAT9")], "XCL001");
        assert!(own[0].diagnostic.message.contains("patient 1EG4TE5MK73, "));
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
        // XCL001 on the copy; XCL002 on neither claim of the pair, the original included.
        assert_eq!(findings(&[P837, &again], "XCL001").len(), 1);
        assert!(findings(&[P837, &again], "XCL002").is_empty());
        // A repeat on another date is not a duplicate: XCL002 stays.
        let later = again.replace("20260115", "20260215");
        assert!(findings(&[P837, &later], "XCL001").is_empty());
        assert!(!findings(&[P837, &later], "XCL002").is_empty());
    }
}
