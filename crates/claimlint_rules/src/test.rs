//! Test harness for the inline cases in each rule file (oxc's pass/fail tables). Each case is
//! an edit of a small valid 837P or 837I, so one line states one defect.

use crate::LintSettings as Settings;
use crate::Rule;
use claimlint_diagnostic::{Diagnostic, Severity};

/// A valid 837P: Prolia (J0897, 60 units, JZ) with its NDC, and the injection's admin line.
pub const P837: &str = include_str!("../../../fixtures/templates/837p.x12");

/// A valid 837I outpatient claim (bill type 131) with the same drug.
pub const I837: &str = include_str!("../../../fixtures/templates/837i.x12");

#[derive(Debug)]
pub enum Case<'s> {
    /// Segments replacing the template's segment of the same key (id, plus the first element
    /// for NM1, REF, DTP, HL, LX...); "" is the template itself. Must not trip; no error at all.
    Pass(&'s str),
    Trip(&'s str),
    PassI(&'s str),
    TripI(&'s str),
    /// Replace the first segment starting with the prefix by the text ("" removes it; `{count}`
    /// becomes the real ST..SE count); whether it trips.
    Edit(&'s str, &'s str, bool),
    EditI(&'s str, &'s str, bool),
    Whole(&'s str, bool),
    Prepend(&'s str, bool),
    Append(&'s str, bool),
    /// A case that also reports these other codes (issue 14 §3). Each must be explained where
    /// it is listed: a different defect the input also carries, or a documented cascade.
    /// Every trip case reports exactly its rule's code plus these, and every pass case
    /// exactly these (warnings: a pass case has no error), no more and no fewer.
    Also(&'s [&'s str], &'s Case<'s>),
}

const KEYED: &[&str] = &[
    "NM1", "REF", "DTP", "HL", "LX", "PER", "AMT", "NTE", "N3", "N4", "HI",
];

fn key(seg: &str) -> String {
    let mut parts = seg.splitn(3, '*');
    let id = parts.next().unwrap_or("");
    if KEYED.contains(&id) {
        format!("{id}*{}", parts.next().unwrap_or(""))
    } else {
        id.to_string()
    }
}

fn segments(text: &str) -> Vec<String> {
    text.split('~')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn join(segs: &[String]) -> String {
    segs.iter().map(|s| format!("{s}~\n")).collect()
}

/// Sets SE01 to the real count (and fills `{count}` placeholders).
fn recount(segs: &mut [String], keep_se: bool) {
    let Some(st) = segs.iter().position(|s| s.starts_with("ST*")) else {
        return;
    };
    let Some(se_rel) = segs[st..].iter().position(|s| s.starts_with("SE*")) else {
        return;
    };
    let count = se_rel + 1;
    for s in segs.iter_mut() {
        *s = s.replace("{count}", &count.to_string());
    }
    if !keep_se {
        let se = &mut segs[st + se_rel];
        let rest = se.splitn(3, '*').nth(2).unwrap_or("0001").to_string();
        *se = format!("SE*{count}*{rest}");
    }
}

pub fn replace_segments(template: &str, snippet: &str) -> String {
    let mut segs = segments(template);
    for new in segments(snippet) {
        let k = key(&new);
        let slot = segs
            .iter()
            .position(|s| key(s) == k)
            .unwrap_or_else(|| panic!("case segment `{new}` has no slot `{k}` in the template"));
        segs[slot] = new;
    }
    recount(&mut segs, false);
    join(&segs)
}

pub fn edit(template: &str, prefix: &str, with: &str) -> String {
    let mut segs = segments(template);
    let slot = segs
        .iter()
        .position(|s| s.starts_with(prefix))
        .unwrap_or_else(|| panic!("no segment starts with `{prefix}`"));
    let new = segments(with);
    segs.splice(slot..=slot, new);
    recount(
        &mut segs,
        prefix.starts_with("SE") || with.starts_with("SE"),
    );
    join(&segs)
}

fn build(case: &Case<'_>) -> (String, bool) {
    match *case {
        Case::Pass(s) => (replace_segments(P837, s), false),
        Case::Trip(s) => (replace_segments(P837, s), true),
        Case::PassI(s) => (replace_segments(I837, s), false),
        Case::TripI(s) => (replace_segments(I837, s), true),
        Case::Edit(p, w, t) => (edit(P837, p, w), t),
        Case::EditI(p, w, t) => (edit(I837, p, w), t),
        Case::Whole(s, t) => (s.to_string(), t),
        Case::Prepend(s, t) => (format!("{s}{P837}"), t),
        Case::Append(s, t) => (format!("{P837}{s}"), t),
        Case::Also(_, inner) => build(inner),
    }
}

/// The template with its administration line (837P `SV1*HC:96372`, 837I `SV2*0510`) replaced
/// by `line`, a drug line, and the 2410 loop `drug` (e.g. `LIN**N4*55513071001~CTP****1*UN`)
/// after its date: a second drug line with its NDC, so NDC001 does not also fire.
pub fn second_drug_line(template: &str, line: &str, drug: &str) -> String {
    let admin = if template.contains("SV1*HC:96372") {
        "SV1*HC:96372"
    } else {
        "SV2*0510"
    };
    edit(
        &edit(template, admin, line),
        "SE*",
        &format!("{drug}~SE*{{count}}*0001"),
    )
}

/// Runs `f` with a `Ctx` outside any walk: the embedded data, no profile, no config rows. For
/// the unit tests of helpers that take a `Ctx` to look things up.
pub fn with_cx<R>(f: impl FnOnce(&crate::Ctx<'_>) -> R) -> R {
    let mut out = Vec::new();
    let params = crate::Params::default();
    let data = claimlint_data::Data::embedded();
    let cx = crate::Ctx {
        rule: &crate::ndc::ndc_format::NDC002,
        severity: Severity::Error,
        out: &mut out,
        tx: None,
        claim: None,
        line: None,
        params: &params,
        data: &data,
        facts: None,
        tx_facts: None,
    };
    f(&cx)
}

/// `seg` (whole, as written in `template`) taken out and written again right before `at`
/// (the first segment starting so once it is taken out).
pub fn moved_before(template: &str, seg: &str, at: &str) -> String {
    let without = template.replacen(&format!("{seg}~\n"), "", 1);
    assert_ne!(without, template, "{seg}");
    let out = without.replacen(&format!("\n{at}"), &format!("\n{seg}~\n{at}"), 1);
    assert_ne!(out, without, "{at}");
    out
}

pub fn run(text: &str) -> Vec<Diagnostic> {
    run_with(text, &Settings::default())
}

pub fn run_with(text: &str, settings: &Settings) -> Vec<Diagnostic> {
    crate::engine::check(text.as_bytes(), settings).diagnostics
}

/// The codes `text` reports, sorted.
pub fn codes(text: &str) -> Vec<&'static str> {
    let mut c: Vec<_> = run(text).iter().map(|d| d.code).collect();
    c.sort_unstable();
    c
}

/// The finding of `code` in `text` checked with the syntax rules (SYN) off, as under
/// `--ignore SYN`: how a content rule words what a syntax error would otherwise report (and
/// suppress).
pub fn without_syntax(text: &str, code: &str) -> Diagnostic {
    let rules = crate::RULES
        .iter()
        .filter(|r| !r.code.starts_with("SYN"))
        .map(|r| (*r, r.severity))
        .collect();
    run_with(text, &Settings::new(rules))
        .into_iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in {text}"))
}

/// The exact codes a case reports, sorted: its rule's if it trips, and the `Also` list (a new
/// cascade, or a listed code that no longer fires, fails the case).
fn expected<'a>(rule: &'a str, trips: bool, case: &Case<'a>) -> Vec<&'a str> {
    let own = if trips { vec![rule] } else { Vec::new() };
    let Case::Also(extra, inner) = *case else {
        return own;
    };
    assert!(
        !matches!(inner, Case::Also(..)),
        "{rule}: nested Also in {case:?}"
    );
    assert!(
        !extra.contains(&rule),
        "{rule}: Also lists the rule's own code in {case:?}"
    );
    let mut codes: Vec<&str> = extra.iter().copied().chain(own).collect();
    codes.sort_unstable();
    let n = codes.len();
    codes.dedup();
    assert_eq!(
        n,
        codes.len(),
        "{rule}: Also lists a code twice in {case:?}"
    );
    codes
}

/// Runs each case and asserts whether `rule` fires; returns the diagnostics of each case.
pub fn check_cases(rule: &Rule, cases: &[Case<'_>]) -> Vec<Vec<Diagnostic>> {
    check_cases_with(rule, cases, &Settings::default())
}

/// `check_cases` under given settings: for rules whose parameters come from a profile.
pub fn check_cases_with(
    rule: &Rule,
    cases: &[Case<'_>],
    settings: &Settings,
) -> Vec<Vec<Diagnostic>> {
    let mut all = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let (text, trips) = build(case);
        let diags = run_with(&text, settings);
        let fired = diags.iter().any(|d| d.code == rule.code);
        let show = || {
            diags
                .iter()
                .map(|d| {
                    format!(
                        "  {} {} @{}: {}",
                        d.code, d.severity, d.loc.position, d.message
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            fired,
            trips,
            "{} case {i} {case:?}: expected trips={trips}\n{}\n---\n{text}",
            rule.code,
            show()
        );
        if !trips {
            let errors: Vec<_> = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            assert!(
                errors.is_empty(),
                "{} pass case {i} {case:?} has errors:\n{}",
                rule.code,
                show()
            );
        }
        let mut codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        codes.sort_unstable();
        codes.dedup();
        let want = expected(rule.code, trips, case);
        assert!(
            codes == want,
            "{} case {i} {case:?}: a case reports exactly {} the codes its `Also` \
             lists: expected {want:?}, got {codes:?}\n{}",
            rule.code,
            if trips { "its rule's code and" } else { "" },
            show()
        );
        all.push(diags);
    }
    all
}

/// Two transaction sets in one group with the same ST02.
pub fn two_st_same_st02() -> String {
    let body: Vec<String> = segments(P837);
    let st = body.iter().position(|s| s.starts_with("ST*")).unwrap_or(0);
    let se = body.iter().position(|s| s.starts_with("SE*")).unwrap_or(0);
    let mut out: Vec<String> = body[..se + 1].to_vec();
    out.extend_from_slice(&body[st..=se]);
    out.extend(body[se + 1..].iter().cloned());
    let mut text = join(&out).replace("GE*1*1", "GE*2*1");
    text = text.replacen("PAT1001-01", "PAT1001-02", 1);
    text
}

/// A claim with no service line: the template's lines removed.
pub fn claim_without_lines() -> String {
    let segs: Vec<String> = segments(P837)
        .into_iter()
        .filter(|s| {
            !["LX*", "SV1*", "DTP*472", "LIN*", "CTP*"]
                .iter()
                .any(|p| s.starts_with(p))
        })
        .collect();
    let mut segs = segs;
    recount(&mut segs, false);
    join(&segs).replace("*2460***", "*0***")
}

#[test]
fn templates_are_clean() {
    for t in [P837, I837] {
        let diags = run(t);
        assert!(diags.is_empty(), "{diags:#?}");
    }
}

/// Issue 14 §3: a trip case reports exactly its rule's code and its `Also` list.
mod exact {
    use super::Case::*;
    use super::{P837, check_cases, edit};
    use crate::envelope::counts::ENV003;

    #[test]
    fn listed_extras_pass() {
        check_cases(
            &ENV003,
            &[Also(&["NDC001"], &Whole(&miscounted_without_lin(), true))],
        );
    }

    /// A wrong SE01 (ENV003) in a file whose drug line also lacks its LIN (NDC001): two
    /// defects.
    fn miscounted_without_lin() -> String {
        let text = edit(&edit(P837, "LIN*", ""), "CTP*", "");
        edit(&text, "SE*", "SE*99*0001")
    }

    #[test]
    #[should_panic(expected = "expected [\"ENV003\"], got [\"ENV003\", \"NDC001\"]")]
    fn an_unlisted_code_fails() {
        check_cases(&ENV003, &[Whole(&miscounted_without_lin(), true)]);
    }

    #[test]
    #[should_panic(expected = "expected [\"ENV003\", \"NDC001\"], got [\"ENV003\"]")]
    fn a_listed_code_that_does_not_fire_fails() {
        check_cases(
            &ENV003,
            &[Also(&["NDC001"], &Edit("SE*", "SE*99*0001", true))],
        );
    }

    #[test]
    #[should_panic(expected = "expected [\"NDC001\"], got []")]
    fn a_pass_case_reports_exactly_its_list() {
        check_cases(&ENV003, &[Also(&["NDC001"], &Pass(""))]);
    }

    #[test]
    #[should_panic(expected = "Also lists the rule's own code")]
    fn the_own_code_is_not_listed() {
        check_cases(
            &ENV003,
            &[Also(&["ENV003"], &Edit("SE*", "SE*99*0001", true))],
        );
    }
}
