use crate::syntax::report_at;
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::Ack999;
use claimlint_ig::StructureIssue;
use claimlint_model::{Claim, Kind, Transaction};
use claimlint_x12::Segment;

declare_rule! {
    /// ## What it does
    /// Reports a segment or loop repeated more often than the implementation guide allows
    /// where it stands: more than 50 service lines (2400) per claim in 837P or 999 in 837I,
    /// a second 2010AA billing provider, two CLM segments in one 2300, more HI segments than
    /// the guide's repeat count (TR3 section 2.3, repeat and loop repeat columns). An 837P
/// claim's diagnoses written in several HI segments are one finding on the second, whatever
/// their qualifiers (`HI*ABK:…~HI*ABK:…` and `HI*ABK:…~HI*ABF:…` alike), whose help joins
/// them into the one HI the guide allows.
    /// ## Why it matters
    /// Receivers reject the transaction set (999 IK3 code 5, segment exceeds maximum use, or
    /// 4, loop occurs over maximum times); claims past the limit are never adjudicated.
    /// ## Example
    /// 51 `LX` lines in one 837P claim.
    /// ## Fix
    /// Split the claim: at most 50 service lines per 837P claim, each claim with its own CLM.
    code: STR004, name: "repeat-exceeded", severity: Error, snip: 2,
    x999: PerFinding,
    check: Transaction(repeat_exceeded),
}

/// One repeat too many: (segment or loop id, whether a loop, the maximum, segment index).
type Repeat = (&'static str, bool, u32, usize);

fn repeat_exceeded(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    let ig = tx.ig();
    let spread = spread_diagnoses(tx);
    // The walk's HI repeats in a claim whose diagnoses are spread are that claim's one finding.
    let in_spread = |at: usize| {
        let position = u32::try_from(at).map_or(u32::MAX, |i| i.saturating_add(1));
        let claim = crate::enclosing(tx, position).0;
        claim.is_some_and(|c| spread.iter().any(|(s, _)| s.index == c.index))
    };
    let repeats: Vec<Repeat> = ig
        .structure
        .iter()
        .filter_map(|issue| match *issue {
            StructureIssue::RepeatExceeded {
                id,
                is_loop,
                max,
                at,
            } if !(id == "HI" && !is_loop && in_spread(at)) => Some((id, is_loop, max, at)),
            _ => None,
        })
        .collect();
    for (claim, his) in &spread {
        report_spread(tx, cx, claim, his);
    }
    // The repeats of one segment or loop in one parent are one defect: reported once, on the
    // first too many, with how many there are (six HI segments where one fits). A segment's
    // parent is the loop it stands in (two subscribers' 2010BA, or a 2010BA and its 2010BB,
    // each with an N4 too many are two), a loop's its claim and line.
    let parent = |r: &Repeat| {
        let position = u32::try_from(r.3).map_or(u32::MAX, |i| i.saturating_add(1));
        let (claim, line) = crate::enclosing(tx, position);
        let within = (!r.1).then(|| (tx.seg_loop.get(r.3).copied(), ig.loop_id(r.3)));
        (
            r.0,
            r.1,
            claim.map(|c| c.index),
            line.map(|l| l.lx.position),
            within,
        )
    };
    // Segments written with a wrong id, which the segment after repeats (`N4` for an N3).
    let mistyped = if repeats.is_empty() {
        std::borrow::Cow::Owned(Vec::new())
    } else {
        super::mistyped::of_set(tx, cx)
    };
    let mut k = 0;
    while let Some(first) = repeats.get(k) {
        let run = repeats[k..]
            .iter()
            .take_while(|r| parent(r) == parent(first))
            .count();
        let site = if first.1 || run > 1 {
            None
        } else {
            super::mistyped::repeat_site(tx, &mistyped, first.3)
        };
        report(tx, cx, *first, run, site);
        k += run.max(1);
    }
}

/// The 837P claims whose diagnosis codes are spread over several HI segments, each with the
/// segment indexes of its diagnosis HIs (HI01-1 ABK, BK, ABF or BF). The walk reads a second
/// such HI as a repeat when it starts with ABK, and against the anesthesia (BP) or condition
/// (BG) HI when it starts with ABF, which would make the same defect two codes.
fn spread_diagnoses<'t>(tx: &'t Transaction<'t>) -> Vec<(&'t Claim<'t>, Vec<usize>)> {
    if tx.kind != Kind::Professional {
        return Vec::new();
    }
    tx.claims
        .iter()
        // Most claims have one HI: the list is made only for a claim with a second.
        .filter(|c| diagnosis_his(c).nth(1).is_some())
        .map(|c| {
            let his: Vec<usize> = diagnosis_his(c)
                .filter_map(|hi| usize::try_from(hi.position.checked_sub(1)?).ok())
                .collect();
            (c, his)
        })
        .filter(|(_, his)| his.len() > 1)
        .collect()
}

/// A claim's HI segments that carry diagnoses: HI01-1 ABK, BK, ABF or BF.
pub(crate) fn diagnosis_his<'c, 'a>(
    claim: &'c Claim<'a>,
) -> impl Iterator<Item = &'c claimlint_x12::Segment<'a>> {
    claim.hi.iter().filter(|hi| {
        hi.element(1)
            .and_then(|e| e.component(1))
            .is_some_and(|q| matches!(q.bytes, b"ABK" | b"BK" | b"ABF" | b"BF"))
    })
}

/// STR004 on the second of a claim's diagnosis HIs (`his`, segment indexes), naming how many
/// there are; the help joins their codes into one HI.
fn report_spread(tx: &Transaction<'_>, cx: &mut Ctx<'_>, claim: &Claim<'_>, his: &[usize]) {
    let Some(&at) = his.get(1) else { return };
    let Some(seg) = tx.segments.get(at) else {
        return;
    };
    let msg = format!(
        "segment HI (Health Care Diagnosis Code) occurs {} times in 2300; the guide allows 1",
        his.len()
    );
    report_at(cx, at, seg.loc(), msg)
        .help(crate::syntax::code_value::joined_diagnoses_help(claim, seg))
        .ack(Ack999::Segment("5"));
}

/// STR004's help for `first` (the first of `run` repeats too many), in loop `within`;
/// `prev` is the segment before it.
fn help(
    first: Repeat,
    run: usize,
    within: &str,
    seg: &Segment<'_>,
    prev: Option<&Segment<'_>>,
) -> String {
    let (id, is_loop, max, _) = first;
    // A segment written twice in a row, word for word (`SV1*…~SV1*…~`): the copy goes
    // (one too many only: deleting one copy of three would not do).
    let copy_of = prev
        .filter(|p| !is_loop && run == 1 && p.bytes == seg.bytes)
        .map(|p| p.position);
    match (id, is_loop, copy_of) {
        (_, false, Some(original)) => {
            format!("delete this {id}: it repeats segment {original} as written")
        }
        ("2400", true, _) => format!("split the claim: at most {max} service lines per claim"),
        (_, true, _) if max == 1 => format!("keep one {id} loop in {within}"),
        (_, true, _) => format!("keep at most {max} {id} loops in {within}"),
        // Another service segment right after the line's own: maybe the next line, its LX
        // left out (the model reads it so); deleting it would drop a billed service.
        ("SV1" | "SV2", false, _) if run == 1 && prev.is_some_and(|p| p.id() == seg.id()) => {
            format!(
                "if this {id} is another service line, write its LX before it; otherwise keep \
                 one {id} segment in {within}"
            )
        }
        (_, false, _) if max == 1 => format!("keep one {id} segment in {within}"),
        (_, false, _) => format!("keep at most {max} {id} segments in {within}"),
    }
}

/// STR004 for `first`, the first of `run` repeats too many of its segment or loop.
/// `site`: the segment before, written with a wrong id, that this one only seems to repeat
/// (`structure::mistyped`).
fn report(tx: &Transaction<'_>, cx: &mut Ctx<'_>, first: Repeat, run: usize, site: Option<u32>) {
    let ig = tx.ig();
    let (id, is_loop, max, at) = first;
    {
        let Some(seg) = tx.segments.get(at) else {
            return;
        };
        // A loop's placement is the loop itself; its parent is one up the path.
        let path = ig.placement(at).and_then(|p| p.path()).unwrap_or_default();
        let parent = if is_loop {
            path.len().checked_sub(2).and_then(|k| path.get(k))
        } else {
            path.last()
        };
        let within = parent.copied().unwrap_or("the transaction set header");
        let what = if is_loop {
            format!("loop {id}")
        } else {
            format!("segment {id}")
        };
        let times = if max == 1 {
            "once".to_string()
        } else {
            format!("{max} times")
        };
        let msg = if run > 1 {
            format!(
                "{what} occurs {} times in {within}; the guide allows {max}",
                max as usize + run
            )
        } else {
            format!("{what} occurs more than {times} in {within}; the guide allows {max}")
        };
        let prev = at
            .checked_sub(1)
            .and_then(|i| Some((i, tx.segments.get(i)?)));
        let help = help(first, run, within, seg, prev.map(|(_, p)| p));
        // 999 IK304: 4 "loop occurs over maximum times", 5 "segment exceeds maximum use".
        let ack = if is_loop { "4" } else { "5" };
        let d = report_at(cx, at, seg.loc(), msg)
            .help(help)
            .ack(Ack999::Segment(ack));
        d.verbatim_copy = prev.is_some_and(|(_, p)| p.bytes == seg.bytes);
        d.site = site;
        // A loop's opener written twice (`LIN…` or `NM1*85…` repeated): the first copy's loop
        // holds nothing but its opener, and what the guide requires in it follows the second.
        // This is the one error: the required segments the guide found missing from the first
        // copy's loop (STR002 on it) are its consequences (precedence, `Head`, keyed by the
        // set and claim: positions repeat from one set to the next). Not when the guide found
        // something of another loop missing there.
        if let Some((i, prev)) = prev
            && is_loop
            && prev.id() == seg.id()
            && ig.loop_id(i) == Some(id)
            && super::only_its_own_missing(tx, i, id)
        {
            d.covers = Some((prev.position, seg.position));
        }
    }
}

/// Diagnoses written one HI each (hccinfhir's sample_837_6: six `HI*ABK:…`): one STR004 naming
/// how many, whose help joins them into one HI, never "keep at most 1 HI" (which would drop
/// five diagnoses).
#[test]
fn diagnoses_one_hi_each_are_one_finding_that_joins_them() {
    use crate::test::{P837, edit, run};
    let text = edit(P837, "HI*", "HI*ABK:M810~HI*ABK:E119~HI*ABK:I10").replace("SE*28*", "SE*30*");
    let found: Vec<_> = run(&text)
        .into_iter()
        .filter(|d| d.code == "STR004")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].message,
        "segment HI (Health Care Diagnosis Code) occurs 3 times in 2300; the guide allows 1"
    );
    assert_eq!(
        found[0].help.as_deref(),
        Some(
            "move the codes into the first HI and drop the others: `HI*ABK:M810*ABF:E119*ABF:I10~`"
        )
    );
}

/// A second diagnosis HI is the same defect whether it starts with ABK or ABF, or mixes them
/// (837P): one STR004 per claim, on the second, counting them all; its help joins the codes
/// (or, past 12 codes, splits the claim). A condition HI (BG) beside one diagnosis HI is sound.
#[test]
fn spread_diagnoses_are_one_finding_however_the_his_begin() {
    use crate::test::{P837, edit, run};
    let joined = "move the codes into the first HI and drop the others: \
                  `HI*ABK:M810*ABF:E119*ABF:I10*ABF:E785~`";
    for his in [
        "HI*ABK:M810~HI*ABF:E119*ABF:I10~HI*ABF:E785",
        "HI*ABK:M810~HI*ABF:E119*ABF:I10~HI*ABK:E785",
        "HI*ABK:M810~HI*ABK:E119*ABF:I10~HI*ABF:E785",
        "HI*ABK:M810~HI*ABF:E119*ABF:I10~HI*ABK:E785~HI*BG:01",
    ] {
        let n = his.matches('~').count();
        let text = edit(P837, "HI*", his).replace("SE*28*", &format!("SE*{}*", 28 + n));
        let found = run(&text);
        let codes: Vec<_> = found.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["STR004"], "{his}: {found:?}");
        assert_eq!(
            found[0].message,
            "segment HI (Health Care Diagnosis Code) occurs 3 times in 2300; the guide allows 1",
            "{his}"
        );
        assert_eq!(found[0].loc.position, 20, "{his}");
        assert_eq!(found[0].help.as_deref(), Some(joined), "{his}");
    }
    let text = edit(P837, "HI*", "HI*ABK:M810~HI*BG:01").replace("SE*28*", "SE*29*");
    assert_eq!(run(&text), [], "one diagnosis HI and a condition HI");
    // Thirteen codes: the claim must be split, not the HI joined.
    let many: Vec<String> = (0..12).map(|i| format!("ABF:E11{i}")).collect();
    let text = edit(
        P837,
        "HI*",
        &format!("HI*ABK:M810*{}~HI*ABF:I10", many[..11].join("*")),
    )
    .replace("SE*28*", "SE*29*");
    let found = run(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("13 diagnosis codes")),
        "{:?}",
        found[0].help
    );
}

/// The template with `lines` service lines: its own two, and copies of the second between
/// them; CLM02 kept in balance.
#[cfg(test)]
fn many_lines(template: &str, lines: usize, sv: &str, clm: &str) -> String {
    use crate::test::edit;
    let mut body: String = (2..lines)
        .map(|n| format!("LX*{n}~{sv}~DTP*472*D8*20260115~"))
        .collect();
    body.push_str(&format!("LX*{lines}"));
    let total = 2400 + 60 * (lines - 1);
    edit(
        &edit(template, "LX*2", &body),
        "CLM*",
        &clm.replace("{total}", &total.to_string()),
    )
}

#[test]
fn cases() {
    use crate::test::{Case::*, I837, P837, check_cases};
    let (sv1, clm_p) = (
        "SV1*HC:96372*60*UN*1***1",
        "CLM*PAT1001-01*{total}***11:B:1*Y*A*Y*Y",
    );
    let (sv2, clm_i) = (
        "SV2*0510*HC:96372*60*UN*1",
        "CLM*PAT2001-01*{total}***13:A:1**A*Y*Y",
    );
    let p51 = many_lines(P837, 51, sv1, clm_p);
    let p50 = many_lines(P837, 50, sv1, clm_p);
    let i51 = many_lines(I837, 51, sv2, clm_i);
    let diags = check_cases(
        &STR004,
        &[
            Pass(""),
            PassI(""),
            Whole(&p51, true),
            Whole(&p50, false),
            Whole(&i51, false), // 837I allows 999 lines
            Edit(
                "REF*EI",
                // A complete second 2010AA loop (N3, N4, REF), so none of its segments is
                // also missing (STR002).
                "REF*EI*371234567~NM1*85*2*CLINIC TWO*****XX*1234567893~N3*200 MAIN ST~\
                 N4*SPRINGFIELD*IL*627011234~REF*EI*371234567",
                true,
            ),
        ],
    );
    assert!(diags[2].iter().any(|d| d.code == "STR004"
        && d.message == "loop 2400 occurs more than 50 times in 2300; the guide allows 50"));
}
