use super::{ICD10_FROM, icd_date, is_icd10_qualifier};
use crate::{Ctx, declare_rule};
use claimlint_data::{Data, Icd10Release, Versioned};
use claimlint_model::{Claim, Date, Diagnosis, Kind};

declare_rule! {
    /// ## What it does
    /// Checks each ICD-10-CM diagnosis of HI (qualifiers ABK, ABF, ABJ, APR, ABN) against
    /// the ICD-10-CM release in force on the claim's date of service (837I: the statement
    /// through date; else the latest line date): the code must exist, be billable (not a
    /// category header such as M81 whose children are M81.0, M81.6, M81.8), and be written
    /// without its decimal point as X12 requires.
    ///
    /// One release is compiled in (FY2026 April update, 2026-04-01 to 2026-09-30). On a date
    /// outside every release compiled in, a code that release calls a header or does not
    /// know is not reported: its status may have differed then (G35 was billable until
    /// FY2025 and is a header from FY2026). The file's notes name those codes; load the
    /// release in force with `--data-dir`. A decimal point or a code that is not of the
    /// ICD-10-CM form (a letter, a digit, then one to five letters or digits) is an error on
    /// any date. Codes under ICD-9 qualifiers (BK, BF...) and codes on claims coded in the
    /// wrong version for their date are CODE008's, not judged here.
    /// ## Why it matters
    /// A non-billable or non-existent diagnosis rejects the claim at the front end (SNIP 5),
    /// and a decimal point is invalid in HI (005010X222A1/X223A2: "do not transmit the
    /// decimal point").
    /// ## Example
    /// `HI*ABK:M81~`
    /// ## Fix
    /// The billable code that fits the record: `HI*ABK:M810~`.
    code: CODE003, name: "icd10-invalid", severity: Error, snip: 5,
    x999: Never,
    check: Claim(icd10_invalid),
}

/// `M810` → `M81.0`, for people.
fn dotted(code: &str) -> String {
    match (code.get(..3), code.get(3..)) {
        (Some(head), Some(tail)) if !tail.is_empty() => format!("{head}.{tail}"),
        _ => code.to_string(),
    }
}

/// The ICD-10-CM form: a letter, a digit, then one to five letters or digits (capitals), 3 to
/// 7 characters in all. What fails it is no ICD-10-CM code in any release.
pub(crate) fn is_icd10_form(code: &str) -> bool {
    let b = code.as_bytes();
    (3..=7).contains(&b.len())
        && b.first().is_some_and(u8::is_ascii_uppercase)
        && b.get(1).is_some_and(u8::is_ascii_digit)
        && b.iter()
            .skip(2)
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// What CODE003 makes of one code on one date of service.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Error {
        message: String,
        help: String,
    },
    /// Not judged: no release compiled in is in force, and the nearest one calls the code a
    /// header or does not know it. The text names the code and why, for the file's notes.
    Withheld(String),
}

/// Judges `code` (as written in HI) on `dos`; without a date, against the newest release.
#[cfg(test)]
pub fn judge(data: &Data, code: &str, dos: Option<Date>) -> Verdict {
    judge_in(data, code, release_on(data, dos))
}

/// The release `judge` reads on `dos`: the one for the date, or the newest without one.
fn release_on(data: &Data, dos: Option<Date>) -> Option<Versioned<Icd10Release>> {
    match dos {
        Some(d) => data.icd10_release_for(d.0),
        None => data.icd10_releases().last().map(|r| Versioned {
            value: *r,
            version: r.version,
            in_force: true,
        }),
    }
}

/// Judges `code` against `release` (`release_on` its date).
fn judge_in(data: &Data, code: &str, release: Option<Versioned<Icd10Release>>) -> Verdict {
    if code.contains('.') {
        let bare: String = code.chars().filter(|&c| c != '.').collect();
        return Verdict::Error {
            message: format!("ICD-10-CM code `{code}` carries a decimal point"),
            help: format!("write it without the point: {bare}"),
        };
    }
    let Some(Versioned {
        value: release,
        version,
        in_force,
    }) = release
    else {
        return Verdict::Valid; // no release compiled in: nothing to judge against
    };
    if !is_icd10_form(code) {
        return Verdict::Error {
            message: format!("`{code}` is not an ICD-10-CM code"),
            help: "an ICD-10-CM code is a letter, a digit, then one to five letters or digits, without the decimal point (M810); an ICD-9-CM code needs its ICD-10-CM equivalent".into(),
        };
    }
    match release.code(code) {
        Some(found) if found.billable => Verdict::Valid,
        Some(_) if !in_force => Verdict::Withheld(format!("{code} (a category header in {version})")),
        None if !in_force => Verdict::Withheld(format!("{code} (not in {version})")),
        Some(found) => {
            let child = data
                .icd10_billable_under(code)
                .map(|c| format!(", e.g. {} ({})", c.code, c.description))
                .unwrap_or_default();
            Verdict::Error {
                message: format!(
                    "ICD-10-CM {} ({}) is a category header, not a billable code",
                    dotted(code),
                    found.description
                ),
                help: format!("use a billable code under {}{child}", dotted(code)),
            }
        }
        None => Verdict::Error {
            message: format!("`{code}` is not an ICD-10-CM code (release {version})"),
            help: "check the code against the ICD-10-CM tabular list; HI carries it without the decimal point".into(),
        },
    }
}

/// The ICD-10-CM diagnoses of a claim this rule judges, with the claim's date: not those under
/// ICD-9 qualifiers, nor those CODE008 reports (wrong version for the date).
fn judged_dx<'c, 'a>(
    claim: &'c Claim<'a>,
    kind: Kind,
) -> (Option<Date>, impl Iterator<Item = &'c Diagnosis<'a>>) {
    let date = icd_date(claim, kind);
    (date, judged_on(claim, date))
}

/// [`judged_dx`] of a claim whose date (`icd_date`) is known. A code under an ICD-10 qualifier
/// is in the wrong version for a claim dated before ICD-10 began: CODE008's, and CODE003
/// leaves it alone (one root cause, one error). Decided once for the claim, not per code.
fn judged_on<'c, 'a>(
    claim: &'c Claim<'a>,
    date: Option<Date>,
) -> impl Iterator<Item = &'c Diagnosis<'a>> {
    let before_icd10 = date.is_some_and(|d| d < ICD10_FROM);
    claim
        .diagnoses
        .iter()
        .filter(move |dx| !before_icd10 && is_icd10_qualifier(dx.qualifier.bytes) == Some(true))
}

/// A release as a memo key: its identity (the version name by address, its dates and table)
/// and whether it is in force. A name at two addresses only costs a second answer.
type ReleaseId = Option<((usize, u32, u32, usize), bool)>;

fn release_id(release: Option<&Versioned<Icd10Release>>) -> ReleaseId {
    release.map(|r| {
        let (version, from, to, table) = r.value.identity();
        ((version.as_ptr() as usize, from, to, table), r.in_force)
    })
}

/// Answers about codes (as `code_key`) under ICD-10-CM releases (`ReleaseId`): a verdict
/// depends on the code and the release alone, and the claims of a transaction set share
/// codes. One map of codes per release, so a code's look-up hashes one number, not the
/// release's identity with it; a claim's release is found once, among the one or two that a
/// transaction set's dates reach.
pub struct ByRelease<T> {
    releases: Vec<(ReleaseId, rustc_hash::FxHashMap<u64, T>)>,
}

impl<T> Default for ByRelease<T> {
    fn default() -> Self {
        ByRelease {
            releases: Vec::new(),
        }
    }
}

impl<T> ByRelease<T> {
    /// The answers under release `id`.
    fn codes(&mut self, id: ReleaseId) -> &mut rustc_hash::FxHashMap<u64, T> {
        let i = match self.releases.iter().position(|(r, _)| *r == id) {
            Some(i) => i,
            None => {
                self.releases.push((id, rustc_hash::FxHashMap::default()));
                self.releases.len() - 1
            }
        };
        &mut self.releases[i].1
    }
}

/// Whether each code is `Verdict::Valid` under a release; the engine keeps one memo for the
/// claims of a task (`ClaimFacts`).
pub type ValidMemo = ByRelease<bool>;

/// The codes of a claim left unjudged for want of a release in force, for the file's notes
/// (`rules::drugs::data_notes`); `date` is the claim's (`icd_date`), which the notes have.
/// `memo` keeps each code's answer per release across the claims of a transaction set.
pub fn withheld(
    data: &Data,
    claim: &Claim<'_>,
    date: Option<Date>,
    memo: &mut WithheldMemo,
) -> Vec<String> {
    let dxs = judged_on(claim, date);
    let release = release_on(data, date);
    let memo = memo.codes(release_id(release.as_ref()));
    // A code that is not UTF-8 is not judged.
    let answer =
        |code: &[u8]| match judge_in(data, std::str::from_utf8(code).ok()?, release.clone()) {
            Verdict::Withheld(w) => Some(w),
            _ => None,
        };
    dxs.filter_map(|dx| {
        // A code as one number (`code_key`, exact up to 7 bytes, as every ICD-10-CM code
        // is); a longer one is judged each time. Its UTF-8 is checked only when it is judged:
        // a key is its bytes, so a code that is not UTF-8 keeps its `None` in the memo.
        let code = dx.code.bytes;
        match claimlint_x12::short::code_key(code) {
            Some(key) => memo.entry(key).or_insert_with(|| answer(code)).clone(),
            None => answer(code),
        }
    })
    .collect()
}

/// [`withheld`]'s answers by release and code.
pub type WithheldMemo = ByRelease<Option<String>>;

fn icd10_invalid(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    let kind = cx.tx().map_or(Kind::Professional, |t| t.kind);
    let (date, dxs) = judged_dx(claim, kind);
    // `judge` on each code: the claim's one release, chosen once.
    let release = release_on(cx.data(), date);
    let id = release_id(release.as_ref());
    let mut memo = cx.facts.map(|f| f.icd10_valid.borrow_mut());
    let mut valid = memo.as_mut().map(|m| m.codes(id));
    for dx in dxs {
        // A code this task found valid under this release is valid again: no text, no search.
        let key = claimlint_x12::short::code_key(dx.code.bytes);
        let known = |m: &rustc_hash::FxHashMap<u64, bool>| m.get(&key?).copied();
        if valid.as_deref().and_then(known) == Some(true) {
            continue;
        }
        let Ok(code) = std::str::from_utf8(dx.code.bytes) else {
            continue;
        };
        let verdict = judge_in(cx.data(), code, release.clone());
        if let (Some(m), Some(key)) = (valid.as_deref_mut(), key) {
            m.insert(key, verdict == Verdict::Valid);
        }
        if let Verdict::Error { message, help } = verdict {
            cx.report(dx.code.loc(), message).help(help);
        }
    }
}

/// The templates moved into the release compiled in (2026-04-01 to 2026-09-30), where every
/// status is certain.
#[cfg(test)]
fn in_release(template: &str) -> String {
    template
        .replace("20260115", "20260515")
        .replace("20260120", "20260601") // BHT04 and GS04 after the services
}

#[test]
fn cases() {
    use crate::test::{Case::*, I837, P837, check_cases, edit};
    let (p, i) = (in_release(P837), in_release(I837));
    let texts = [
        edit(&p, "HI*", "HI*ABK:M81"),
        edit(&i, "HI*", "HI*ABK:M81.0"),
        edit(&p, "HI*", "HI*ABK:M810*ABF:Z9999"),
        edit(&i, "HI*", "HI*ABK:M810~HI*ABF:Z7982"),
        edit(&p, "HI*", "HI*ABK:4019"),
    ];
    let cases = [
        Pass(""),
        PassI(""),
        Whole(&p, false),
        Whole(&texts[0], true),
        Whole(&texts[1], true),
        Whole(&texts[2], true),
        Whole(&texts[3], false),
        Whole(&texts[4], true), // an ICD-9 code under an ICD-10 qualifier: not of the form
    ];
    let out = check_cases(&CODE003, &cases);
    for k in [3, 4, 5, 7] {
        let codes: Vec<&str> = out[k].iter().map(|d| d.code).collect();
        assert_eq!(codes, ["CODE003"], "case {k}: {:#?}", out[k]);
    }
    let d = &out[3][0];
    assert_eq!(
        d.message,
        "ICD-10-CM M81 (Osteoporosis without current pathological fracture) is a category header, not a billable code"
    );
    assert_eq!(
        d.help.as_deref(),
        Some(
            "use a billable code under M81, e.g. M810 (Age-related osteoporosis without current pathological fracture)"
        )
    );
    assert_eq!(
        (d.loc.segment.as_str(), d.loc.element, d.loc.component),
        ("HI", Some(1), Some(2))
    );
    assert_eq!(
        out[4][0].help.as_deref(),
        Some("write it without the point: M810")
    );
    assert_eq!(out[7][0].message, "`4019` is not an ICD-10-CM code");
}

/// Issue 14: outside the release compiled in, a header or unknown code is a note, not an
/// error (G35 was billable until FY2025); a decimal point or a malformed code stays an error.
#[test]
fn outside_the_release() {
    use crate::test::{P837, edit};
    let check = |hi: &str, date: &str| {
        let template = P837
            .replace("20260115", date)
            .replace("20260120", "20261231");
        let text = edit(&template, "HI*", hi);
        crate::engine::check(text.as_bytes(), &crate::LintSettings::default())
    };
    let o = check("HI*ABK:G35", "20240501");
    assert!(o.diagnostics.is_empty(), "{:#?}", o.diagnostics);
    let note = o
        .notes
        .iter()
        .find(|n| n.contains("ICD-10-CM"))
        .expect("an ICD-10-CM note");
    assert!(
        note.ends_with("not reported, as their status may have differed then: G35 (a category header in FY2026-April)"),
        "{note}"
    );
    let o = check("HI*ABK:M810*ABF:Z9999", "20261015");
    assert!(o.diagnostics.is_empty(), "{:#?}", o.diagnostics);
    assert!(
        o.notes
            .iter()
            .any(|n| n.ends_with("Z9999 (not in FY2026-April)")),
        "{:#?}",
        o.notes
    );
    // Inside the release, the same header is an error.
    let codes: Vec<&str> = check("HI*ABK:G35", "20260501")
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, ["CODE003"]);
    // Errors on any date: a decimal point, a malformed code.
    for hi in ["HI*ABK:G35.0", "HI*ABK:M81*ABF:I1-0", "HI*ABK:m810"] {
        let o = check(hi, "20240501");
        let codes: Vec<&str> = o.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["CODE003"], "{hi}: {:#?}", o.diagnostics);
    }
    let data = claimlint_data::Data::embedded();
    assert_eq!(
        judge(&data, "G35", Some(Date(20240501))),
        Verdict::Withheld("G35 (a category header in FY2026-April)".into())
    );
    assert!(matches!(judge(&data, "G35", None), Verdict::Error { .. }));
}
