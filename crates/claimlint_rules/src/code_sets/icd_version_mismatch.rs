use super::{ICD_QUALIFIERS, ICD10_FROM, icd_date, is_icd10_qualifier};
use crate::{Ctx, declare_rule};
use claimlint_model::{Claim, Kind, Transaction};
use claimlint_x12::{Element, Segment};

declare_rule! {
    /// ## What it does
    /// Checks that the HI qualifiers of a claim name the ICD version in force on its date of
    /// service: ICD-10 (ABK, ABF, ABJ, APR, ABN diagnoses; BBR, BBQ procedures) on and after
    /// 2015-10-01, ICD-9-CM (BK, BF, BJ, PR, BN; BR, BQ) before it. The date is the statement
    /// through date (DTP*434) in an 837I, else the latest line date (DTP*472). One finding
    /// per claim, at its first code of the wrong version, naming them all.
    ///
    /// This is the root cause for those codes: SYN008 accepts both qualifiers (the TR3 lists
    /// both), and CODE003 does not also judge an ICD-9 code as an invalid ICD-10-CM code, nor a
    /// code under an ICD-10 qualifier on a claim dated before ICD-10 began.
    /// ## Why it matters
    /// HHS requires ICD-9-CM through 2015-09-30 and ICD-10 from 2015-10-01 (79 FR 45128,
    /// 45 CFR 162.1002). A claim coded in the other version is rejected at the front end:
    /// payers no longer accept ICD-9 codes at all.
    /// ## Example
    /// `HI*BK:486*BF:4019~` on a claim dated 2023-05-01
    /// ## Fix
    /// Code the diagnoses in ICD-10-CM under the ICD-10 qualifiers: `HI*ABK:J189*ABF:I10~`.
    code: CODE008, name: "icd-version-mismatch", severity: Error, snip: 5,
    x999: Never,
    check: Claim(icd_version_mismatch),
}

/// The ICD-9 qualifier's ICD-10 counterpart, or the reverse.
fn counterpart(q: &[u8]) -> &'static str {
    ICD_QUALIFIERS
        .iter()
        .find_map(|(nine, ten)| {
            if q == nine.as_bytes() {
                Some(*ten)
            } else if q == ten.as_bytes() {
                Some(*nine)
            } else {
                None
            }
        })
        .unwrap_or("")
}

/// The qualifier to write for HI element `el`, whose ICD version is wrong for the claim's
/// date: its counterpart, except that a diagnosis under an ICD-9-CM procedure qualifier
/// (`BR:E119`: no procedure date, not of ICD-10-PCS's form) on a claim in ICD-10's time is an
/// other diagnosis (ABF), and an 837P has no procedure qualifiers at all (BBR, BBQ are the
/// 837I's), so its BR or BQ is one too.
fn swap_to(el: &Element<'_>, kind: Kind, want_ten: bool) -> &'static str {
    let Some(q) = el.component(1) else {
        return "";
    };
    let procedure = matches!(q.bytes, b"BR" | b"BQ");
    let diagnosis = kind == Kind::Professional
        || (el.component(3).is_none_or(|d| d.bytes.is_empty())
            && !el.component(2).is_some_and(|c| super::is_pcs_form(c.bytes)));
    if want_ten && procedure && diagnosis {
        "ABF"
    } else {
        counterpart(q.bytes)
    }
}

/// Whether an element of `hi` may have a qualifier of the other version than `want_ten`:
/// read from the element bytes in place (component 1 is what comes before the first component
/// separator), no `Element` made of each. An HI read as another id than written (`hi`, or
/// `HI:BF:…`, whose elements are counted from the slipped separator) is always a maybe: the
/// elements are read as `icd_version_mismatch` reads them then.
fn may_hold_other_version(hi: &Segment<'_>, want_ten: bool) -> bool {
    if hi.id_mended() {
        return true;
    }
    let sep = hi.delims.component;
    (1..=hi.element_count()).any(|n| {
        let value = hi.value(n);
        let q = value.split(|&b| b == sep).next().unwrap_or_default();
        is_icd10_qualifier(q) == Some(!want_ten)
    })
}

fn icd_version_mismatch(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    let kind = cx.tx().map_or(Kind::Professional, |t| t.kind);
    let Some(date) = icd_date(claim, kind) else {
        return; // no date, no version to hold the codes to (SIT004/STR002 report the date)
    };
    let want_ten = date >= ICD10_FROM;
    if !claim
        .hi
        .iter()
        .any(|hi| may_hold_other_version(hi, want_ten))
    {
        return;
    }
    let mut wrong: Vec<(Element<'_>, &'static str)> = claim
        .hi
        .iter()
        .flat_map(|hi| hi.elements())
        .filter_map(|el| {
            let q = el.component(1)?;
            let ten = is_icd10_qualifier(q.bytes)?;
            (ten != want_ten).then(|| (q, swap_to(&el, kind, want_ten)))
        })
        .collect();
    if wrong.is_empty() {
        return;
    }
    // The principal diagnosis's qualifier written as another (`HI*BF:M810` on a claim with
    // no ABK) is SIT002's one finding, whose help writes ABK there. Looked for only on a
    // claim with a qualifier of the wrong version, the only ones it can take out.
    let slip = super::principal_qualifier_slip(claim, kind).map(|(q, _)| q.offset);
    wrong.retain(|(q, _)| Some(q.offset) != slip);
    let Some((first, _)) = wrong.first() else {
        return;
    };
    let codes: Vec<String> = claim
        .hi
        .iter()
        .flat_map(|hi| quoted(cx.tx(), hi, want_ten))
        .collect();
    let (found, needed) = if want_ten {
        ("ICD-9-CM", "ICD-10")
    } else {
        ("ICD-10", "ICD-9-CM")
    };
    // The sentence names the version whose dates the claim's falls outside of.
    let rule = if want_ten {
        "ICD-10 is required from 2015-10-01"
    } else {
        "ICD-10 is not used before 2015-10-01"
    };
    let swaps: Vec<String> = wrong
        .iter()
        .map(|(q, to)| format!("{} → {to}", q.text()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // Qualifiers with no code after them (an HI too misread to put right) are no codes.
    let what = if codes.is_empty() {
        let qualifiers: std::collections::BTreeSet<String> =
            wrong.iter().map(|(q, _)| q.text().into_owned()).collect();
        let qualifiers: Vec<String> = qualifiers.into_iter().collect();
        format!("{found} qualifiers ({})", qualifiers.join(", "))
    } else {
        format!("{found} codes ({})", codes.join(", "))
    };
    cx.report(
        first.loc(),
        format!(
            "claim {} dated {date} carries {what}; {rule}",
            claim.id_text()
        ),
    )
    .help(format!(
        "code the claim in {needed} under its qualifiers ({})",
        swaps.join(", ")
    ));
}

/// The codes of one HI under a qualifier of the wrong version, each as `qualifier:code` (a
/// procedure's date qualifier and date left out). An HI whose separators slipped
/// (`HI*BK*1987*BF*4134`, `claimlint_model::realign`) is read as it is once they are put
/// right (`BK:1987, BF:4134`); an element with a qualifier and no code is not quoted.
fn quoted(tx: Option<&Transaction<'_>>, hi: &Segment<'_>, want_ten: bool) -> Vec<String> {
    let sep = char::from(hi.delims.element);
    let comp = char::from(hi.delims.component);
    let realigned = tx.and_then(|tx| {
        let index = tx
            .segments
            .binary_search_by_key(&hi.offset, |s| s.offset)
            .ok()?;
        tx.ig().realignment(index).map(|r| r.text.clone())
    });
    let text = realigned.unwrap_or_else(|| hi.text().into_owned());
    text.split(sep)
        .skip(1)
        .filter_map(|el| {
            let mut parts = el.split(comp);
            let (q, code) = (parts.next()?, parts.next()?);
            let ten = is_icd10_qualifier(q.as_bytes())?;
            (ten != want_ten && !code.is_empty()).then(|| format!("{q}{comp}{code}"))
        })
        .collect()
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &CODE008,
        &[
            Pass(""),
            PassI(""),
            Edit("HI*", "HI*BK:486", true),
            Edit("HI*", "HI*BK:8050*BF:7150", true),
            Edit("HI*", "HI*ABK:M810*BF:7330", true),
            EditI("HI*", "HI*BK:3669", true),
            EditI("HI*", "HI*ABK:M810~HI*BR:8151:D8:20260110", true),
            EditI(
                "HI*",
                "HI*ABK:M810~HI*BBQ:0SR9019:D8:20260110*BQ:8152:D8:20260110",
                true,
            ),
            EditI("HI*", "HI*ABK:M810~HI*BG:01", false),
        ],
    );
    // Exactly one finding per claim, and nothing else for the same root cause.
    for (k, d) in diags.iter().enumerate().skip(2).take(6) {
        let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["CODE008"], "case {k}: {d:#?}");
    }
    let d = &diags[3][0];
    assert_eq!(
        d.message,
        "claim PAT1001-01 dated 2026-01-15 carries ICD-9-CM codes (BK:8050, BF:7150); ICD-10 is required from 2015-10-01"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("code the claim in ICD-10 under its qualifiers (BF → ABF, BK → ABK)")
    );
    assert_eq!(
        (d.loc.segment.as_str(), d.loc.element, d.loc.component),
        ("HI", Some(1), Some(1))
    );
}

/// A diagnosis under an ICD-9-CM procedure qualifier is put under ABF, never BBR: the 837P has
/// no procedure qualifiers, and in the 837I a code without a procedure date and not of
/// ICD-10-PCS's form is a diagnosis. A procedure (its date written) keeps BBR.
#[test]
fn procedure_qualifier_before_a_diagnosis() {
    use crate::test::{I837, P837, edit, run};
    let help = |text: &str| {
        run(text)
            .into_iter()
            .filter(|d| d.code == "CODE008")
            .filter_map(|d| d.help)
            .collect::<Vec<_>>()
    };
    let want = |to: &str| {
        vec![format!(
            "code the claim in ICD-10 under its qualifiers (BR → {to})"
        )]
    };
    assert_eq!(help(&edit(P837, "HI*", "HI*ABK:M810*BR:E119")), want("ABF"));
    assert_eq!(help(&edit(P837, "HI*", "HI*BR:M810*BR:E119")), want("ABF"));
    assert_eq!(
        help(&edit(I837, "HI*", "HI*ABK:M810~HI*BR:E119")),
        want("ABF")
    );
    assert_eq!(
        help(&edit(I837, "HI*", "HI*ABK:M810~HI*BR:8151:D8:20260110")),
        want("BBR")
    );
}

/// Before 2015-10-01 the versions swap: ICD-10 qualifiers trip, ICD-9 ones pass, and the
/// 837I is dated by its statement through date.
#[test]
fn before_icd10() {
    use crate::test::{I837, P837, edit, run};
    let old_p = P837.replace("20260115", "20150930");
    let d = run(&edit(&old_p, "HI*", "HI*BK:7330"));
    assert!(
        d.iter().all(|d| d.code != "CODE008" && d.code != "CODE003"),
        "{d:#?}"
    );
    let d = run(&old_p);
    let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["CODE008"], "{d:#?}");
    assert!(
        d[0].message
            .contains("carries ICD-10 codes (ABK:M810); ICD-10 is not used before 2015-10-01")
    );
    // An 837I stay from September into October 2015: the through date decides.
    let stay = I837
        .replace(
            "DTP*434*RD8*20260115-20260115",
            "DTP*434*RD8*20150925-20151003",
        )
        .replace("20260115", "20151003");
    let codes: Vec<&str> = run(&stay).iter().map(|d| d.code).collect();
    assert_eq!(codes, Vec::<&str>::new());
    let codes: Vec<&str> = run(&edit(&stay, "HI*", "HI*BK:7330"))
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, ["CODE008"]);
}

/// The codes are quoted as the rule reads them, `qualifier:code`: not a procedure's date
/// qualifier and date (`BBR:0B110F5:D8:20050321`), and not the qualifiers alone of an HI
/// written with `*` where `:` belongs (`HI*BK*1987*BF*4134`), which is quoted as it reads
/// with its separators put right (unseen-file run, F3.1 and F3.2).
#[test]
fn codes_quoted_as_read() {
    use crate::test::{I837, P837, edit, run};
    let old_i = I837
        .replace(
            "DTP*434*RD8*20260115-20260115",
            "DTP*434*RD8*20050301-20050321",
        )
        .replace("20260115", "20050321");
    let text = edit(
        &old_i,
        "HI*",
        "HI*BK:7330~HI*BBR:0B110F5:D8:20050321*BBQ:02139Y3:D8:20050321",
    );
    let d = run(&text);
    let d: Vec<_> = d.iter().filter(|d| d.code == "CODE008").collect();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(
        d[0].message.ends_with(
            "carries ICD-10 codes (BBR:0B110F5, BBQ:02139Y3); ICD-10 is not used before 2015-10-01"
        ),
        "{}",
        d[0].message
    );
    let text = edit(P837, "HI*", "HI*BK*1987*BF*4134*BF:5559");
    let d = run(&text);
    let d = d.iter().find(|d| d.code == "CODE008").expect("CODE008");
    assert!(
        d.message.ends_with(
            "carries ICD-9-CM codes (BK:1987, BF:4134, BF:5559); ICD-10 is required from 2015-10-01"
        ),
        "{}",
        d.message
    );
    assert_eq!(
        d.help.as_deref(),
        Some("code the claim in ICD-10 under its qualifiers (BF → ABF, BK → ABK)")
    );
}
