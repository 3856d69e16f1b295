//! Notes on reference data out of force: when a line's date of service falls outside every
//! version of a data set compiled in (or loaded), the rules answer from the nearest version
//! (`data::Versioned::in_force`), and the report says so once per file, not once per claim.
//! The data sets do not share one calendar (crosswalk 2025Q4–2026Q1, ICD-10-CM from
//! 2026-04-01, MUE from 2026-10-01), so a clean January 2026 claim still earns a note.
//!
//! Not a rule: a note is not a finding about the claim and never changes the exit status.

use crate::LintSettings as Settings;
use crate::drugs::{hcpcs_of, line_dos};
use claimlint_data::{Coverage, Data};
use claimlint_model::{Date, Transaction};

/// One data set answered from a version not in force on some dates of service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataNote {
    /// As `claimlint data` names it: `crosswalk`, `hcpcs`, `icd10cm`, `mue-practitioner`...
    pub dataset: &'static str,
    pub version: &'static str,
    pub from: u32,
    pub to: Option<u32>,
    pub first: Date,
    pub last: Date,
    pub lines: u64,
    /// Codes a rule left unjudged because their status may have differed on those dates
    /// (CODE003: `G35 (a category header in FY2026-April)`), sorted, each once.
    pub withheld: Vec<String>,
}

impl DataNote {
    fn add(&mut self, dos: Date) {
        self.first = self.first.min(dos);
        self.last = self.last.max(dos);
        self.lines += 1;
    }

    /// The line the report prints.
    pub fn text(&self) -> String {
        let what = match self.dataset {
            "crosswalk" => "CMS NDC-HCPCS crosswalk",
            "hcpcs" => "CMS HCPCS file",
            "icd10cm" => "ICD-10-CM release",
            "mue-practitioner" => "CMS practitioner MUE table",
            "mue-outpatient-hospital" => "CMS outpatient hospital MUE table",
            other => other,
        };
        let dates = if self.first == self.last {
            format!("date of service {}", self.first)
        } else {
            format!("dates of service {} to {}", self.first, self.last)
        };
        let range = match self.to {
            Some(to) => format!("{} to {}", Date(self.from), Date(to)),
            None => format!("from {}", Date(self.from)),
        };
        let unit = if self.dataset == "icd10cm" {
            "claim"
        } else {
            "line"
        };
        let n = if self.lines == 1 {
            format!("1 {unit}")
        } else {
            format!("{} {unit}s", self.lines)
        };
        let withheld = if self.withheld.is_empty() {
            String::new()
        } else {
            format!(
                "; not reported, as their status may have differed then: {}",
                self.withheld.join(", ")
            )
        };
        format!(
            "no {what} compiled in is in force on {dates} ({n}); checked against {} (in force {range}), the nearest; load the right version with --data-dir{withheld}",
            self.version
        )
    }
}

/// `a == b`, answered by address first: the names are literals, compared once per line.
#[inline]
fn same(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

fn enabled(settings: &Settings, codes: &[&str]) -> bool {
    codes.iter().any(|c| settings.severity(c).is_some())
}

/// The place in `notes` of the note of `dataset` answered by `c`, made if there is none yet.
fn note_of(notes: &mut Vec<DataNote>, dataset: &'static str, c: Coverage, dos: Date) -> usize {
    match notes
        .iter()
        .position(|n| same(n.dataset, dataset) && same(n.version, c.version))
    {
        Some(i) => i,
        None => {
            notes.push(DataNote {
                dataset,
                version: c.version,
                from: c.from,
                to: c.to,
                first: dos,
                last: dos,
                lines: 0,
                withheld: Vec::new(),
            });
            notes.len() - 1
        }
    }
}

/// Adds the dates of one data set to its note when no version in force covers them,
/// remembering the last answer with the dates it holds for (`Data::coverage_span`): the
/// claims of a file share a version, so the data is asked again only on a date outside them.
/// Exact: every date of the span gets the same coverage, from which whether the date is out
/// is decided afresh; and the note of a (data set, version), once found or made, keeps its
/// place (notes are only added to the end), so it is the one a search would find.
#[derive(Default)]
struct LineNotes {
    last: Option<(Coverage, (u32, u32), Option<usize>)>,
}

impl LineNotes {
    /// Adds `dos` to the note of `dataset` when no version in force covers it (`past_end_only`:
    /// only when it falls after the version's end); gives the place of that note.
    fn record(
        &mut self,
        data: &Data,
        notes: &mut Vec<DataNote>,
        (dataset, past_end_only): (&'static str, bool),
        dos: Date,
    ) -> Option<usize> {
        // Read and updated in place: this runs for every line, and the answer is rarely new.
        let known = matches!(&self.last, Some((_, (lo, hi), _)) if *lo <= dos.0 && dos.0 <= *hi);
        if !known {
            let (c, span) = data.coverage_span(dataset, dos.0)?;
            self.last = Some((c, span, None));
        }
        let (c, _, note) = self.last.as_mut()?;
        let out = if past_end_only {
            // In force on every date when a file of the data set is loaded (`--data-dir`).
            !c.in_force && c.to.is_some_and(|to| dos.0 > to)
        } else {
            !c.in_force
        };
        if !out {
            return None;
        }
        let i = *note.get_or_insert_with(|| note_of(notes, dataset, *c, dos));
        notes[i].add(dos);
        Some(i)
    }
}

/// The notes of one transaction set, for the data sets the enabled rules read.
pub fn notes(tx: &Transaction<'_>, settings: &Settings) -> Vec<DataNote> {
    let mut out = Vec::new();
    let xwalk = enabled(
        settings,
        &["NDC004", "NDC007", "UNT003", "DRG002", "DRG003"],
    );
    // The HCPCS file keeps terminated codes with their dates, so earlier dates are answered
    // by each code's own dates; only dates after the release miss codes added since.
    let hcpcs = enabled(settings, &["CODE001", "CODE002"]);
    let icd = enabled(settings, &["CODE003"]);
    let mue = enabled(settings, &["UNT002"]);
    // The same choice UNT002 makes (`rules::units::setting`): by transaction kind.
    let mue_set = match tx.kind {
        claimlint_model::Kind::Institutional => "mue-outpatient-hospital",
        claimlint_model::Kind::Professional => "mue-practitioner",
    };
    let mut withheld_memo = crate::code_sets::icd10_invalid::WithheldMemo::default();
    // The ICD-10-CM release's (by claim), the crosswalk's, the HCPCS file's and the MUE
    // table's (by line).
    let mut by_claim = LineNotes::default();
    let mut by_line: [LineNotes; 3] = Default::default();
    for claim in &tx.claims {
        if icd && !claim.diagnoses.is_empty() {
            // The date CODE003 judges the claim's codes by, and the codes it left unjudged.
            // Only a release out of force withholds codes.
            if let Some(d) = crate::code_sets::icd_date(claim, tx.kind)
                && by_claim
                    .record(&settings.data, &mut out, ("icd10cm", false), d)
                    .is_some()
            {
                let codes = crate::code_sets::icd10_invalid::withheld(
                    &settings.data,
                    claim,
                    Some(d),
                    &mut withheld_memo,
                );
                if let Some(n) = out.iter_mut().find(|n| n.dataset == "icd10cm") {
                    n.withheld.extend(codes);
                }
            }
        }
        for line in &claim.lines {
            let Some(dos) = line_dos(line, Some(claim)) else {
                continue;
            };
            let code = hcpcs_of(line);
            let data = &settings.data;
            if xwalk && line.drug.is_some() {
                by_line[0].record(data, &mut out, ("crosswalk", false), dos);
            }
            if hcpcs && code.is_some() {
                by_line[1].record(data, &mut out, ("hcpcs", true), dos);
            }
            if mue && code.is_some() {
                by_line[2].record(data, &mut out, (mue_set, false), dos);
            }
        }
    }
    sort_withheld(&mut out);
    out
}

/// Each note's withheld codes sorted, each once: done when a list is complete, not per claim
/// (sorting the growing list per claim was quadratic in a transaction set's claims).
fn sort_withheld(notes: &mut [DataNote]) {
    for n in notes {
        n.withheld.sort();
        n.withheld.dedup();
    }
}

/// The notes of a whole file: one per data set and version, over all its transaction sets
/// (given in input order).
pub fn merge(all: impl IntoIterator<Item = Vec<DataNote>>) -> Vec<DataNote> {
    let mut set = NoteSet::default();
    for (i, notes) in all.into_iter().enumerate() {
        set.add(i, notes);
    }
    set.into_notes()
}

/// The notes of a whole file, merged as each transaction set's arrive (from any thread, in
/// any order), so a file of a hundred thousand sets does not hold a hundred thousand lists
/// until its end. [`NoteSet::texts`] gives what [`texts`] gives of the lists in input order:
/// each note keeps where it first appeared (the set's byte offset, its place in the set's
/// list) and they are put in that order.
#[derive(Debug, Default)]
pub struct NoteSet {
    notes: Vec<((usize, usize), DataNote)>,
}

impl NoteSet {
    /// Adds the notes of the transaction set at byte `at`.
    pub fn add(&mut self, at: usize, notes: Vec<DataNote>) {
        for (i, n) in notes.into_iter().enumerate() {
            let first = (at, i);
            match self
                .notes
                .iter_mut()
                .find(|(_, o)| o.dataset == n.dataset && o.version == n.version)
            {
                Some((seen, o)) => {
                    *seen = (*seen).min(first);
                    o.first = o.first.min(n.first);
                    o.last = o.last.max(n.last);
                    o.lines += n.lines;
                    let before = o.withheld.len();
                    o.withheld.extend(n.withheld);
                    // Kept each once as it grows (a code set bounds it), not at the end.
                    if before > 0 && o.withheld.len() > 2 * before {
                        o.withheld.sort();
                        o.withheld.dedup();
                    }
                }
                None => self.notes.push((first, n)),
            }
        }
    }

    /// The notes, in the order of their first appearance in the input.
    fn into_notes(mut self) -> Vec<DataNote> {
        self.notes.sort_by_key(|(first, _)| *first);
        let mut notes: Vec<DataNote> = self.notes.into_iter().map(|(_, n)| n).collect();
        sort_withheld(&mut notes);
        notes
    }

    /// Each note's text, in the order of their first appearance in the input.
    pub fn texts(self) -> Vec<String> {
        self.into_notes().iter().map(DataNote::text).collect()
    }
}

/// [`merge`], then each note's text: what a file's `Outcome::notes` holds.
pub fn texts(all: impl IntoIterator<Item = Vec<DataNote>>) -> Vec<String> {
    merge(all).iter().map(DataNote::text).collect()
}

#[test]
fn one_note_per_data_set_out_of_force() {
    use crate::test::P837;
    let o = crate::engine::check(P837.as_bytes(), &Settings::default());
    assert!(o.diagnostics.is_empty());
    assert_eq!(o.notes.len(), 2, "{:#?}", o.notes);
    assert!(o.notes[1].starts_with("no CMS practitioner MUE table compiled in is in force on date of service 2026-01-15 (2 lines); checked against 2026Q4"), "{}", o.notes[1]);
    // A 2026Q1 date is in force for the crosswalk: no crosswalk note; a 2025-05 date is not.
    assert!(!o.notes.iter().any(|n| n.contains("crosswalk")));
    let old = P837.replace("DTP*472*D8*20260115~\nLIN", "DTP*472*D8*20250515~\nLIN");
    let o = crate::engine::check(old.as_bytes(), &Settings::default());
    assert!(o.notes.iter().any(|n| n.contains("CMS NDC-HCPCS crosswalk compiled in is in force on date of service 2025-05-15 (1 line); checked against 2025Q4")), "{:#?}", o.notes);
}
