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
    /// ENV005's. Groups of a fragment that starts at GS are checked too.
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

fn check_gs(gs: &Segment<'_>, cx: &mut Ctx<'_>) {
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
        check_gs(gs, cx);
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
