use crate::drugs::{hcpcs_of, line_dos};
use crate::modifiers::jw_jz_on_multi_dose::unpayable_discard;
use crate::units::setting;
use crate::{Ctx, declare_rule};
use claimlint_data::{Mue, Setting};
use claimlint_model::{Claim, Dec, Total};

declare_rule! {
    /// ## What it does
    /// Compares units with the CMS NCCI medically unlikely edit (MUE) of the code in force on
    /// the date of service: the practitioner table for 837P, the outpatient hospital table for
    /// 837I. MUE adjudication indicator (MAI) 1 is a claim-line edit: each line's units count
    /// alone. MAI 2 (policy) and 3 (clinical) are date-of-service edits: the units of every
    /// line of the claim with the code on that date add up. An MUE of 0 means the code is not
    /// payable in that setting. Codes without a published MUE are not checked. When no table
    /// is in force on the date, the nearest one is used and the report says so once. A JW line
    /// for a drug from a multiple-dose container (MOD006: no discarded amount is payable, the
    /// line should go) is not counted.
    /// ## Why it matters
    /// Units above the MUE are denied (MAI 1: the line; MAI 2/3: the units above the value),
    /// and MAI 2 denials cannot be appealed (NCCI Policy Manual ch. 1 §V, MUE).
    /// ## Example
    /// `SV1*HC:J0897*7200*UN*180***1~` (J0897's MUE is 120 units per day)
    /// ## Fix
    /// Bill the units given, at most the MUE; for MAI 3, document medical necessity to appeal.
    code: UNT002, name: "mue-exceeded", severity: Error, snip: 7,
    x999: Never,
    check: Claim(mue_exceeded),
}

/// A setting, the dates its MUE coverage holds for, and the first date of the table that
/// answers then.
pub(crate) type KnownSpan = (Setting, (u32, u32), u32);

/// Whether the nearest MUE table starts at most a year after `dos` (tables have no end date).
/// The coverage asked is remembered with the dates it holds for (`ClaimFacts::mue_span`):
/// the claims of a file share a table, so the data is asked again only outside them. Exact:
/// every date of the span is answered by the same table, whose first date is all this reads.
fn within_a_year(cx: &Ctx<'_>, setting: Setting, dos: u32) -> bool {
    let name = match setting {
        Setting::Practitioner => "mue-practitioner",
        Setting::OutpatientHospital => "mue-outpatient-hospital",
    };
    let known = cx.facts.and_then(|f| f.mue_span.get());
    let from = match known {
        Some((s, (lo, hi), from)) if s == setting && lo <= dos && dos <= hi => Some(from),
        _ => cx.data().coverage_span(name, dos).map(|(c, span)| {
            if let Some(f) = cx.facts {
                f.mue_span.set(Some((setting, span, c.from)));
            }
            c.from
        }),
    };
    from.is_some_and(|from| dos.saturating_add(10000) >= from)
}

fn mue_exceeded(_: &Claim<'_>, cx: &mut Ctx<'_>) {
    let Some(claim) = cx.claim() else { return };
    let setting = setting(cx);
    // `within_a_year` of the last date asked: a claim's lines mostly share their date.
    let mut near: Option<(u32, bool)> = None;
    for (i, line) in claim.lines.iter().enumerate() {
        let (Some(code), Some(units), Some(el), Some(dos)) = (
            hcpcs_of(line),
            line.units_value(),
            line.units(),
            line_dos(line, Some(claim)),
        ) else {
            continue;
        };
        let v = cx.data().mue(code, setting, dos.0);
        let Some(mue) = v.value else { continue };
        // MUE values change quarterly; a table more than a year from the date of service is no
        // fair test of it (the file's note says which table was used).
        if !v.in_force {
            let within = match near {
                Some((d, w)) if d == dos.0 => w,
                _ => within_a_year(cx, setting, dos.0),
            };
            near = Some((dos.0, within));
            if !within {
                continue;
            }
        }
        let limit = Dec::from_int(i64::from(mue.value));
        // A JW line of a multiple-dose drug is MOD006's: no discarded amount is payable, so its
        // units are not counted against the MUE.
        let counted = |l: &claimlint_model::ServiceLine<'_>| !unpayable_discard(cx, claim, l);
        if mue.mai == 1 {
            // Nor is such a line where a finding is placed.
            if units > limit && counted(line) {
                cx.line = Some(line);
                report(
                    cx,
                    el,
                    code,
                    Total::of(units),
                    mue,
                    setting,
                    v.version,
                    None,
                );
            }
            continue;
        }
        // Date-of-service edit: judge the (code, date) group once, at its last counted line.
        let same = |l: &claimlint_model::ServiceLine<'_>| {
            hcpcs_of(l) == Some(code) && line_dos(l, Some(claim)) == Some(dos) && counted(l)
        };
        if claim
            .lines
            .get(i + 1..)
            .is_some_and(|rest| rest.iter().any(same))
        {
            continue;
        }
        // The group's lines, read again where needed rather than gathered into a list.
        let group = || claim.lines.iter().filter(|l| same(l));
        // The last counted line carries the finding, never a line left out.
        if !group().next_back().is_some_and(|l| std::ptr::eq(l, line)) {
            continue;
        }
        // A `Total` cannot overflow: no number of lines or units switches the edit off.
        let mut total = Total::default();
        group()
            .filter_map(|l| l.units_value())
            .for_each(|u| total.add(u));
        if total > Total::of(limit) {
            let lines = group().count();
            cx.line = Some(line);
            let n = (lines > 1).then_some((total, lines, dos));
            report(cx, el, code, total, mue, setting, v.version, n);
        }
    }
    cx.line = None;
}

#[allow(clippy::too_many_arguments)]
fn report(
    cx: &mut Ctx<'_>,
    el: claimlint_x12::Element<'_>,
    code: &str,
    units: Total,
    mue: Mue,
    setting: Setting,
    version: &str,
    group: Option<(Total, usize, claimlint_model::Date)>,
) {
    let table = match setting {
        Setting::Practitioner => "practitioner",
        Setting::OutpatientHospital => "outpatient hospital",
    };
    let kind = match mue.mai {
        1 => "line edit, MAI 1",
        2 => "date-of-service edit, MAI 2",
        _ => "date-of-service edit, MAI 3",
    };
    let billed = match group {
        Some((total, n, dos)) => format!("{code} × {total} units on {dos}, over {n} lines,"),
        None => format!("{code} × {units} units"),
    };
    let message = if mue.value == 0 {
        format!(
            "{billed} is not payable in the CMS {table} MUE table (MUE 0, {})",
            mue.rationale
        )
    } else {
        format!(
            "{billed} exceeds the CMS {table} MUE of {} ({kind}: {})",
            mue.value, mue.rationale
        )
    };
    let help = match (mue.value, mue.mai) {
        (0, _) => format!(
            "CMS MUE {version} allows no units of {code} in this setting; bill it on the claim type where it is payable"
        ),
        (v, 1) => format!(
            "bill at most {} of {code} on one line (MUE {version}); units above it deny the line",
            units_of(v)
        ),
        (v, 2) => format!(
            "bill at most {} of {code} per date of service (MUE {version}); MAI 2 is absolute and denials cannot be appealed",
            units_of(v)
        ),
        (v, _) => format!(
            "bill at most {} of {code} per date of service (MUE {version}), or document the medical necessity for an appeal",
            units_of(v)
        ),
    };
    cx.report(el.loc(), message).help(help);
}

fn units_of(v: u32) -> String {
    if v == 1 {
        "1 unit".to_string()
    } else {
        format!("{v} units")
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, I837, P837, check_cases, second_drug_line};
    // 90 more units of J0897 (JZ, a syringe and a half) in place of the administration line.
    let prolia = "LIN**N4*55513071001~CTP****1.5*UN";
    let second = second_drug_line(P837, "SV1*HC:J0897:JZ*60*UN*90***1", prolia);
    let second_i = second_drug_line(I837, "SV2*0636*HC:J0897:JZ*60*UN*90", prolia);
    // J3471 with its NDC: 5 items of Vitrase, 240 units each by the crosswalk (no NDC007).
    let j3471 = second_drug_line(
        P837,
        "SV1*HC:J3471*60*UN*1200***1",
        "LIN**N4*24208000202~CTP****5*UN",
    );
    let in_2007 = P837.replace(
        "SV1*HC:96372*60*UN*1***1~\nDTP*472*D8*20260115~",
        "SV1*HC:J3471*60*UN*1000***1~\nDTP*472*D8*20070115~",
    );
    let cases = [
        Pass(""),
        PassI(""),
        Pass("SV1*HC:J0897:JZ*2400*UN*120***1~CTP****2*UN~"),
        Trip("SV1*HC:J0897:JZ*2400*UN*180***1~CTP****3*UN~"),
        TripI("SV2*0636*HC:J0897:JZ*2400*UN*180~CTP****3*UN~"),
        // MAI 3 across lines: 60 + 90 on one date.
        Whole(&second, true),
        Whole(&second_i, true),
        // MAI 1: a line edit (J3471, 999 units).
        Whole(&j3471, true),
        // These two lines have no NDC: NDC001's warning, beside the point here.
        Also(
            &["NDC001"],
            &Edit("SV1*HC:96372", "SV1*HC:J3471*60*UN*999***1", false),
        ),
        // A 2026Q4 table says nothing fair about a 2007 date of service.
        Also(&["NDC001"], &Whole(&in_2007, false)),
    ];
    let out = check_cases(&UNT002, &cases);
    let d = out[3].iter().find(|d| d.code == "UNT002").unwrap();
    assert_eq!(
        d.message,
        "J0897 × 180 units exceeds the CMS practitioner MUE of 120 (date-of-service edit, MAI 3: Prescribing Information)"
    );
    let d = out[5].iter().find(|d| d.code == "UNT002").unwrap();
    assert_eq!(
        d.message,
        "J0897 × 150 units on 2026-01-15, over 2 lines, exceeds the CMS practitioner MUE of 120 (date-of-service edit, MAI 3: Prescribing Information)"
    );
    assert_eq!(d.context.line_number, Some(2));
    let d = out[6].iter().find(|d| d.code == "UNT002").unwrap();
    assert!(
        d.message.contains("outpatient hospital MUE of 120"),
        "{}",
        d.message
    );
}

/// A JW line for heparin from a multiple-dose vial is MOD006's finding (no discarded amount
/// is payable); its units do not also push the date over J1644's MUE (40, MAI 3). Units given
/// over the MUE without it are still UNT002.
#[test]
fn unpayable_discard_is_not_counted() {
    use crate::test::{P837, run, second_drug_line};
    let given = |units: u32| {
        P837.replace(
            "SV1*HC:J0897:JZ*2400*UN*60***1~\nDTP*472*D8*20260115~\nLIN**N4*55513071001~\nCTP****1*UN~",
            &format!("SV1*HC:J1644*2400*UN*{units}***1~\nDTP*472*D8*20260115~\nLIN**N4*00409272302~\nCTP****5*ML~"),
        )
    };
    let with_jw = |units: u32| {
        second_drug_line(
            &given(units),
            "SV1*HC:J1644:JW*60*UN*15***1",
            "LIN**N4*00409272302~CTP****5*ML",
        )
    };
    let found = run(&with_jw(30));
    let codes: Vec<&str> = found.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"MOD006"), "{codes:?}");
    assert!(!codes.contains(&"UNT002"), "{codes:?}");
    // 45 units given: over the MUE with or without the JW line; counted without it.
    let found = run(&with_jw(45));
    let d = found.iter().find(|d| d.code == "UNT002").expect("UNT002");
    assert!(
        d.message.starts_with("J1644 × 45 units exceeds"),
        "{}",
        d.message
    );
    // On the 45 units of line 1, not on the JW line it leaves out (was line 2's `15`).
    assert_eq!(d.context.line_number, Some(1));
    assert_eq!(d.loc.element, Some(4));
    assert!(found.iter().any(|d| d.code == "MOD006"));
}
