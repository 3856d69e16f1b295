use crate::{Ctx, declare_rule};
use claimlint_diagnostic::{Ack999, Diagnostic};
use claimlint_x12::envelope::Group;
use claimlint_x12::slip::{Read, Slip};

declare_rule! {
    /// ## What it does
    /// Checks each GS element against its X12 definition: GS01 a functional identifier code
    /// (data element 479: an ID of 2 characters, `HC` for claims), GS02 and GS03 the
    /// application sender's and receiver's codes of 2 to 15 characters, GS04 a real date in
    /// CCYYMMDD form, GS05 a real time in HHMM, HHMMSS or HHMMSSd(d) form, GS06 a group control
    /// number of 1 to 9 digits, and GS07 `X` (Accredited Standards Committee X12). GS08 is
    /// ENV005's. Groups of a fragment that starts at GS are checked too. An element left out
    /// with its separator, one element separator too many (`GS**HC*…`), or two values run
    /// together, the separator between them left out (`…*RECEIVER20260120*…`, when one split
    /// alone reads right), whose values read back in place are valid, is one finding on where
    /// it is, not one per value out of place
    /// (nor SYN004 for the value pushed past GS08, nor ENV005 for the GS08 it displaced): the
    /// guide and GS06 are read where they belong.
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
    x999: PerFinding,
    check: Group(gs_values),
}

pub(crate) use claimlint_model::gs::is_functional_id;

/// What is wrong with GS element `n`, and the help, or `None` when it fits its definition.
fn problem(n: usize, v: &[u8], shown: &str) -> Option<(String, Option<String>)> {
    if claimlint_model::gs::fits(n, v) {
        return None;
    }
    let plural = |k: usize| if k == 1 { "" } else { "s" };
    let found = match n {
        1 => (
            format!("GS01 `{shown}` is not a functional identifier code (2 characters)"),
            Some("write GS01 as HC, the code of health care claims (837)".to_string()),
        ),
        2 | 3 => (
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
        4 => (
            format!("GS04 `{shown}` is not a real date in CCYYMMDD form"),
            Some("write the group's creation date as CCYYMMDD, e.g. 20260105".to_string()),
        ),
        5 => (
            format!("GS05 `{shown}` is not a real time in HHMM, HHMMSS or HHMMSSdd form"),
            Some("write the group's creation time on the 24-hour clock, e.g. 1200".to_string()),
        ),
        6 => (
            format!("GS06 `{shown}` is not a group control number of 1 to 9 digits"),
            Some("number the group with 1 to 9 digits and repeat it in GE02".to_string()),
        ),
        7 => (
            format!("GS07 `{shown}` is not X (Accredited Standards Committee X12)"),
            Some("write GS07 as X".to_string()),
        ),
        _ => return None,
    };
    Some(found)
}

fn gs_values(group: &Group<'_>, cx: &mut Ctx<'_>) {
    let Some(gs) = super::slips::gs(group) else {
        return;
    };
    let ge02 = super::slips::ge02(group);
    // A separator slip (one too many, an element left out, or two values run together):
    // one finding on where it is, not one per value out of place.
    if let Some(d) = super::slips::report(cx, gs, (8, None), false) {
        // A receiver reads the GS as written: GS01 (a slip at it) or GS08 is not where it
        // belongs, so the group is one of a functional identifier (AK905 1) or a version
        // (AK905 2) it does not support. ENV010's findings on values stay uncoded.
        let at_gs01 = gs.slip.is_some_and(|s| s.at() == 1);
        d.ack = Some(Ack999::Group(if at_gs01 { "1" } else { "2" }));
        explain_split(d, gs, ge02);
        return;
    }
    let gs = gs.seg;
    for n in 1..=7 {
        let v = gs.value(n);
        let shown = String::from_utf8_lossy(v);
        if let Some((message, help)) = problem(n, v, &shown) {
            let loc = gs.element_loc(n);
            cx.report(loc, message).help = help;
        }
    }
}

/// Two GS values run together where more than one split reads valid and GE02 chose the one
/// taken: the message says so, and how many others also read valid. (Where GE02 chose none,
/// [`Slip::Unsplit`], `slips::report`'s help gives the choices.)
fn explain_split(d: &mut Diagnostic, gs: Read<'_, '_>, ge02: Option<&[u8]>) {
    let Some(Slip::Joined { .. }) = gs.slip else {
        return;
    };
    let others = claimlint_model::gs::joined_readings(gs.seg)
        .len()
        .saturating_sub(1);
    if others == 0 {
        return;
    }
    let ge02 = String::from_utf8_lossy(ge02.unwrap_or_default());
    let splits = if others == 1 {
        "split also reads"
    } else {
        "splits also read"
    };
    d.message.push_str(&format!(
        " (GE02 `{ge02}` repeats this GS06; {others} other {splits} valid)"
    ));
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

/// Two GS values run together where the values alone split them more than one way: one
/// ENV010 that says the GS is one element short. GS02 and GS03 in 20 characters: the help
/// says where the separator may go and writes no GS that may not be the sender's (no fix);
/// the group is read as meant from GS04 on (GE02 against GS06, the guide). GS05 and GS06
/// (`120012345`): GE02 repeating GS06 decides the split; with a GE02 that repeats none, the
/// help lists the four choices and ENV002 says GE02 repeats none of the GS06 values they allow.
#[test]
fn a_split_the_values_do_not_tell() {
    use crate::test::{P837, run};
    let gs = "GS*HC*SENDER*RECEIVER*20260120*1200*1*X*005010X222A1";
    let text = P837.replacen(
        gs,
        "GS*HC*SENDERAPPRECEIVERAPP*20260120*1200*1*X*005010X222A1",
        1,
    );
    let found = run(&text);
    let got: Vec<_> = found.iter().map(|d| (d.code, d.loc.element)).collect();
    assert_eq!(got, [("ENV010", Some(2))], "{found:#?}");
    assert!(found[0].message.starts_with("GS has one element too few: GS02 `SENDERAPPRECEIVERAPP` holds GS02 and GS03 run together"), "{}", found[0].message);
    let help = found[0].help.as_deref().unwrap_or_default();
    assert!(
        help.contains("the values alone do not tell where (after any of characters 5 to 15)"),
        "{help}"
    );
    assert!(found[0].fix.is_none());
    // GE02 is still compared with GS06, read one element over.
    let wrong = text.replacen("GE*1*1~", "GE*1*7~", 1);
    let codes: Vec<_> = run(&wrong).iter().map(|d| d.code).collect();
    assert_eq!(codes, ["ENV010", "ENV002"]);

    let text = P837
        .replacen(
            gs,
            "GS*HC*SENDER*RECEIVER*20260120*120012345*X*005010X222A1",
            1,
        )
        .replacen("GE*1*1~", "GE*1*12345~", 1);
    let found = run(&text);
    let got: Vec<_> = found.iter().map(|d| (d.code, d.loc.element)).collect();
    assert_eq!(got, [("ENV010", Some(5))], "{found:#?}");
    assert!(
        found[0]
            .message
            .contains("GS05 `1200` and GS06 `12345` run together"),
        "{}",
        found[0].message
    );
    assert!(
        found[0]
            .message
            .ends_with("(GE02 `12345` repeats this GS06; 3 other splits also read valid)"),
        "{}",
        found[0].message
    );
    let help = found[0].help.as_deref().unwrap_or_default();
    assert!(
        help.contains("`GS*HC*SENDER*RECEIVER*20260120*1200*12345*X*005010X222A1~`"),
        "{help}"
    );
    // A GS05 and GS06 of more than 9 digits together (no GS05 left out reads valid) with a
    // GE02 that repeats no split: the choices, and ENV002 on GE02 naming every GS06 the
    // splits allow (none guessed).
    let text = P837
        .replacen(
            gs,
            "GS*HC*SENDER*RECEIVER*20260120*1200123456789*X*005010X222A1",
            1,
        )
        .replacen("GE*1*1~", "GE*1*7~", 1);
    let found = run(&text);
    let got: Vec<_> = found.iter().map(|d| (d.code, d.loc.element)).collect();
    assert_eq!(
        got,
        [("ENV010", Some(5)), ("ENV002", Some(2))],
        "{found:#?}"
    );
    let help = found[0].help.as_deref().unwrap_or_default();
    assert!(
        help.ends_with(
            "(one of `1200*123456789`, `120012*3456789`, `1200123*456789` or `12001234*56789`)"
        ),
        "{help}"
    );
    assert_eq!(
        found[1].message,
        "GE02 `7` repeats none of the GS06 values `123456789`, `3456789`, `456789` or `56789` \
         that GS05 and GS06 run together in `1200123456789` allow"
    );
    // So also with GE02 blank: never a silent pass.
    let blank = run(&text.replacen("GE*1*7~", "GE*1*~", 1));
    let codes: Vec<_> = blank.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["ENV010", "ENV002"], "{blank:#?}");
}

/// A GS with the right number of elements and a value out of its definition is that value's
/// finding, not a slip (a 16-character GS02, a month 13).
#[test]
fn a_bad_value_in_place_is_not_a_slip() {
    use crate::test::{P837, run};
    let gs = "GS*HC*SENDER*RECEIVER*20260120*1200*1*X*005010X222A1";
    for (bad, message) in [
        (
            "GS*HC*SENDER*RECEIVER*20261345*1200*1*X*005010X222A1",
            "GS04 `20261345` is not a real date in CCYYMMDD form",
        ),
        (
            "GS*HC*SENDERAPPLICATION1*RECEIVER*20260120*1200*1*X*005010X222A1",
            "GS02 `SENDERAPPLICATION1` is 18 characters; it must be 2 to 15",
        ),
    ] {
        let found = run(&P837.replacen(gs, bad, 1));
        let got: Vec<_> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(got, [message], "{bad}");
    }
}
