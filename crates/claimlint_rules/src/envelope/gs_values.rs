use crate::{Ctx, declare_rule};
use claimlint_model::Date;
use claimlint_x12::Segment;
use claimlint_x12::envelope::Group;

declare_rule! {
    /// ## What it does
    /// Checks each GS element against its X12 definition: GS01 a functional identifier code
    /// (data element 479: an ID of 2 characters, `HC` for claims), GS02 and GS03 the
    /// application sender's and receiver's codes of 2 to 15 characters, GS04 a real date in
    /// CCYYMMDD form, GS05 a real time in HHMM, HHMMSS or HHMMSSd(d) form, GS06 a group control
    /// number of 1 to 9 digits, and GS07 `X` (Accredited Standards Committee X12). GS08 is
    /// ENV005's. Groups of a fragment that starts at GS are checked too. An element left out
    /// with its separator, whose values read back in place are valid, is one finding on where
    /// it belongs, not one per value out of place.
    /// ## Why it matters
    /// A GS out of its definition is a functional group syntax error: the receiver rejects the
    /// whole group (999 AK9 `R`) before reading any claim in it, and a control number it
    /// cannot read cannot be acknowledged.
    /// ## Example
    /// `GS*HC*SENDERAPPLICATION1234*RECEIVER*20171345*9999*1*X*005010X222A1~`
    /// (GS02 is 21 characters, GS04 has month 13, GS05 hour 99)
    /// ## Fix
    /// `GS*HC*SENDERAPP*RECEIVER*20171231*1200*1*X*005010X222A1~`
    code: ENV010, name: "gs-value-invalid", severity: Error, snip: 1,
    x999: Never,
    check: Group(gs_values),
}

/// GS01: element 479 is an ID of exactly 2 characters (pyx12 4.0.0 `dataele.xml`:
/// `ele_num="479" data_type="ID" min_len="2" max_len="2"`). The full X12 code list is not
/// compiled in, so a well-formed code other than HC is left to ENV005 for an 837.
pub(crate) fn is_functional_id(v: &[u8]) -> bool {
    v.len() == 2
        && v.iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// What is wrong with GS element `n`, and the help, or `None` when it fits its definition.
fn problem(n: usize, v: &[u8], shown: &str) -> Option<(String, Option<String>)> {
    let plural = |k: usize| if k == 1 { "" } else { "s" };
    let found = match n {
        1 if !is_functional_id(v) => (
            format!("GS01 `{shown}` is not a functional identifier code (2 characters)"),
            Some("write GS01 as HC, the code of health care claims (837)".to_string()),
        ),
        2 | 3 if !(2..=15).contains(&v.len()) => (
            format!(
                "GS{n:02} `{shown}` is {} character{}; it must be 2 to 15",
                v.len(),
                plural(v.len())
            ),
            Some(format!(
                "write GS{n:02} as the {} code agreed with the trading partner, 2 to 15 characters",
                if n == 2 { "sender's" } else { "receiver's" }
            )),
        ),
        4 if Date::parse(v).is_none() => (
            format!("GS04 `{shown}` is not a real date in CCYYMMDD form"),
            Some("write the group's creation date as CCYYMMDD, e.g. 20260105".to_string()),
        ),
        5 if !claimlint_ig::is_time(v) => (
            format!("GS05 `{shown}` is not a real time in HHMM, HHMMSS or HHMMSSdd form"),
            Some("write the group's creation time on the 24-hour clock, e.g. 1200".to_string()),
        ),
        6 if !(1..=9).contains(&v.len()) || !v.iter().all(u8::is_ascii_digit) => (
            format!("GS06 `{shown}` is not a group control number of 1 to 9 digits"),
            Some("number the group with 1 to 9 digits and repeat it in GE02".to_string()),
        ),
        7 if v != b"X" => (
            format!("GS07 `{shown}` is not X (Accredited Standards Committee X12)"),
            Some("write GS07 as X".to_string()),
        ),
        _ => return None,
    };
    Some(found)
}

/// The GS element left out with its separator (`GS*HC*RECEIVER*20260120*…`: GS02 gone, the
/// values from there on one element early), when its values as written break two elements or
/// more and, read with that element put back empty, break none but it: 1-based. One defect,
/// one ENV010 (not one per value out of place), and ENV002 compares GE02 with GS06 as so read.
pub(crate) fn left_out(gs: &Segment<'_>, ge02: Option<&[u8]>) -> Option<usize> {
    let broken = (1..=7)
        .filter(|&n| problem(n, gs.value(n), "").is_some())
        .count();
    if broken < 2 || !gs.value(8).is_empty() && gs.element_count() > 7 {
        return None;
    }
    // Several places may read valid (`GS*HC*RECEIVER*…` reads so with GS01, GS02 or GS03 put
    // back). First the one whose GS06 the GE02 repeats (`GS*…*20260120*1001*X`: GS05 left
    // out, not GS06, when GE02 is 1001); then one that puts back a code, GS02 or GS03: every
    // other element's value has a form of its own (a functional code, a date, a time, digits,
    // `X`), which a reading that puts such an element back leaves one fewer of in place; then
    // one whose GS06 GE02 does not contradict (the fewest defects); then the last, which
    // leaves the most values where they are written.
    (1..=7)
        .filter(|&k| {
            (1..=7)
                .filter(|&n| n != k)
                .all(|n| problem(n, read(gs, n, Some(k)), "").is_none())
        })
        .max_by_key(|&k| {
            let gs06 = read(gs, 6, Some(k));
            let echoed = ge02.is_some_and(|v| k != 6 && v == gs06);
            let contradicted = ge02.is_some_and(|v| k != 6 && v != gs06);
            (echoed, matches!(k, 2 | 3), !contradicted, k)
        })
}

/// GS element `n` as read with element `left_out` put back empty.
pub(crate) fn read<'a>(gs: &Segment<'a>, n: usize, left_out: Option<usize>) -> &'a [u8] {
    match left_out {
        Some(k) if n == k => b"",
        Some(k) if n > k => gs.value(n - 1),
        _ => gs.value(n),
    }
}

fn check_gs(gs: &Segment<'_>, ge02: Option<&[u8]>, cx: &mut Ctx<'_>) {
    if let Some(k) = left_out(gs, ge02) {
        let at = String::from_utf8_lossy(gs.value(k));
        cx.report(
            gs.element_loc(k),
            format!(
                "GS{k:02} is left out before `{at}`: the values from `{at}` on stand one element \
                 early (read back in place, they are valid)"
            ),
        )
        .help = Some(format!("write GS{k:02} before `{at}`, with its separator"));
        return;
    }
    for n in 1..=7 {
        let v = gs.value(n);
        let shown = String::from_utf8_lossy(v);
        if let Some((message, help)) = problem(n, v, &shown) {
            let loc = gs.element_loc(n);
            cx.report(loc, message).help = help;
        }
    }
}

fn gs_values(group: &Group<'_>, cx: &mut Ctx<'_>) {
    if let Some(gs) = &group.gs {
        check_gs(gs, group.ge.as_ref().map(|ge| ge.value(2)), cx);
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, P837, check_cases, edit};
    let gs = |s: &'static str| Edit("GS*", s, true);
    // GE02 repeats the long GS06, so the pair still matches (no ENV002).
    let long_gs06 = edit(
        &edit(
            P837,
            "GS*",
            "GS*HC*SENDER*RECEIVER*20260120*1200*1234567890*X*005010X222A1",
        ),
        "GE*",
        "GE*1*1234567890",
    );
    check_cases(
        &ENV010,
        &[
            Pass(""),
            PassI(""),
            Edit(
                "GS*",
                "GS*HC*SENDER*RECEIVER*20260120*120000*1*X*005010X222A1",
                false,
            ),
            Edit(
                "GS*",
                "GS*HC*SENDER*RECEIVER*20260120*12000099*1*X*005010X222A1",
                false,
            ),
            gs("GS*HC*SENDERAPPLICATION1234*RECEIVER*20260120*1200*1*X*005010X222A1"),
            gs("GS*HC*SENDER*R*20260120*1200*1*X*005010X222A1"),
            gs("GS*HC*SENDER*RECEIVER*20171345*1200*1*X*005010X222A1"),
            gs("GS*HC*SENDER*RECEIVER*20250229*1200*1*X*005010X222A1"),
            gs("GS*HC*SENDER*RECEIVER*20260120*9999*1*X*005010X222A1"),
            gs("GS*HC*SENDER*RECEIVER*20260120*12345*1*X*005010X222A1"),
            Whole(&long_gs06, true),
            gs("GS*HC*SENDER*RECEIVER*20260120*1200*1*T*005010X222A1"),
            gs("GS*H*SENDER*RECEIVER*20260120*1200*1*X*005010X222A1"),
        ],
    );
}

#[test]
fn times() {
    use claimlint_ig::is_time;
    for ok in ["0000", "2359", "235959", "2359591", "23595999"] {
        assert!(is_time(ok.as_bytes()), "{ok}");
    }
    for bad in ["2400", "1260", "123", "12345", "126099", "12:00", ""] {
        assert!(!is_time(bad.as_bytes()), "{bad}");
    }
}

/// A GS element left out with its separator: one ENV010 naming where, not one per value out of
/// place, and not ENV002 for a GE02 that repeats GS06 as it reads with the element put back
/// (whose safe fix would have echoed the misread GS06 into GE02).
#[test]
fn a_gs_element_left_out_is_one_finding() {
    use crate::test::{P837, run};
    let gs = "GS*HC*SENDER*RECEIVER*20260120*1200*1*X*005010X222A1";
    let elements: Vec<&str> = gs.split('*').collect();
    for (k, want) in [(4, 4), (5, 5), (6, 6), (1, 1)] {
        let mut left = elements.clone();
        left.remove(k);
        let text = P837.replacen(gs, &left.join("*"), 1);
        let found: Vec<_> = run(&text).iter().map(|d| (d.code, d.loc.element)).collect();
        assert_eq!(found, [("ENV010", Some(want as u8))], "GS{k:02} left out");
    }
    // GS02 or GS03 left out reads as either (the two codes cannot be told apart): one finding.
    let text = P837.replacen(gs, "GS*HC*RECEIVER*20260120*1200*1*X*005010X222A1", 1);
    let found: Vec<_> = run(&text).iter().map(|d| d.code).collect();
    assert_eq!(found, ["ENV010"]);
    // With GE02 wrong as well: ENV002 against GS06 as read (`1`), whose fix writes that.
    let wrong = text.replacen("GE*1*1~", "GE*1*7~", 1);
    let found = run(&wrong);
    let env002 = found.iter().find(|d| d.code == "ENV002").expect("ENV002");
    assert_eq!(env002.message, "GE02 `7` does not match GS06 `1`");
    assert_eq!(
        env002.fix.as_ref().map(|f| f.replacement.as_str()),
        Some("1")
    );
}
