use crate::{Ctx, declare_rule};
use claimlint_x12::delims::show_byte;
use claimlint_x12::envelope::Interchange;

declare_rule! {
    /// ## What it does
    /// Checks the values of the ISA: ISA09 a real date (YYMMDD), ISA10 a real time (HHMM),
    /// ISA12 = 00501, ISA14 0 or 1, ISA15 P or T, an ISA11 repetition separator that is not
    /// the same byte as another delimiter nor (from 00501 on) a letter or digit, and an ISA16 that is the component separator the
    /// interchange really uses: when the first composite that can tell (CLM05 `11:B:1`, SV101
    /// `HC:99213`, HI01 `ABK:M810`) is written with another separator and no later one with
    /// ISA16's, that is one error here, and the interchange is read with the separator it uses (rather
    /// than one SYN007/SYN008/SYN002 per composite, as TR3 examples pasted with `>` into an
    /// ISA that says `:` would otherwise get). One composite written otherwise among those
    /// written with ISA16's is that composite's error (SYN002, SYN004, SYN007 or SYN008, one
    /// finding, its help naming the byte). An interchange that is 4010 throughout (ISA12 00401,
    /// every GS08 a 4010 837 guide) is ENV005's error on each group's guide, not also this one
    /// on ISA12; ISA12 00401 over 5010 groups is this error.
    /// ## Why it matters
    /// The receiver answers a bad ISA with a TA1 rejection of the whole interchange; a test
    /// indicator (ISA15 = T) sent to production is silently not adjudicated.
    /// ## Example
    /// `ISA*...*260230*2500*^*00401*000000001*2*X*:~`
    /// ## Fix
    /// `ISA*...*260105*1200*^*00501*000000001*0*P*:~`
    code: ENV007, name: "isa-value-invalid", severity: Error, snip: 1,
    x999: Never,
    ta1: BySegment(&[("ISA", IsaElement)]),
    check: Interchange(isa_values),
}

fn isa_values(ic: &Interchange<'_>, cx: &mut Ctx<'_>) {
    let e = |n: usize| ic.header.elements[n - 1];
    let loc = |n: usize| ic.isa.element_raw(n).map_or(ic.isa.loc(), |el| el.loc());
    let show = |n: usize| String::from_utf8_lossy(e(n)).into_owned();
    let date_ok = |v: &[u8]| {
        v.len() == 6 && v.iter().all(u8::is_ascii_digit) && {
            let yymmdd = std::str::from_utf8(v)
                .ok()
                .and_then(|s| s.parse::<u32>().ok())
                .unwrap_or(0);
            claimlint_model::Date::parse(format!("20{yymmdd:06}").as_bytes()).is_some()
        }
    };
    let time_ok = |v: &[u8]| {
        v.len() == 4 && v.iter().all(u8::is_ascii_digit) && {
            let n: u32 = std::str::from_utf8(v)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(9999);
            n / 100 < 24 && n % 100 < 60
        }
    };
    if !date_ok(e(9)) {
        cx.report(
            loc(9),
            format!("ISA09 `{}` is not a date in YYMMDD form", show(9)),
        );
    }
    if !time_ok(e(10)) {
        cx.report(
            loc(10),
            format!("ISA10 `{}` is not a time in HHMM form", show(10)),
        );
    }
    // A 4010 interchange throughout (ISA12 00401, every GS08 a 4010 837 guide) is one defect:
    // ENV005 reports each group's retired guide, and its help says to produce the interchange
    // in 5010; ISA12 is not another error (RULES.md, "One root cause, one error").
    if e(12) != b"00501" && !(e(12) == b"00401" && all_groups_4010(ic)) {
        cx.report(
            loc(12),
            format!(
                "ISA12 `{}` is not 00501, the version of 5010 interchanges",
                show(12)
            ),
        )
        .help("write ISA12 as 00501");
    }
    if !matches!(e(14), b"0" | b"1") {
        cx.report(
            loc(14),
            format!("ISA14 `{}` must be 0 (no TA1 requested) or 1", show(14)),
        );
    }
    if !matches!(e(15), b"P" | b"T") {
        cx.report(
            loc(15),
            format!("ISA15 `{}` must be P (production) or T (test)", show(15)),
        );
    }
    delimiter_values(ic, cx);
}

/// Whether every group of `ic` has a GS whose GS08 names a 4010 837 guide (004010X098,
/// professional; 004010X096, institutional): then each of its sets is an ENV005 error (the
/// retired guide, or an ST01 other than 837 in a set naming it).
fn all_groups_4010(ic: &Interchange<'_>) -> bool {
    !ic.groups.is_empty()
        && ic.groups.iter().all(|g| {
            g.gs.as_ref().is_some_and(|gs| {
                let gs08 = gs.value(8).trim_ascii();
                gs08.starts_with(b"004010X098") || gs08.starts_with(b"004010X096")
            })
        })
}

/// ISA11 and ISA16 against the delimiters the interchange uses.
fn delimiter_values(ic: &Interchange<'_>, cx: &mut Ctx<'_>) {
    let e = |n: usize| ic.header.elements[n - 1];
    let loc = |n: usize| ic.isa.element_raw(n).map_or(ic.isa.loc(), |el| el.loc());
    let d = ic.delims();
    if let Some((used, id, value)) = ic.composites_use {
        cx.report(
            loc(16),
            format!(
                "ISA16 declares `{}` as the component separator, but the composites are written with `{}` ({} `{}`); the interchange was read with `{1}`",
                show_byte(d.component),
                show_byte(used),
                String::from_utf8_lossy(id),
                String::from_utf8_lossy(value),
            ),
        )
        .help(format!(
            "write ISA16 as `{}`, or write the composites with `{}`",
            show_byte(used),
            show_byte(d.component)
        ));
    }
    if let [r] = e(11)
        && [d.element, d.component, d.segment].contains(r)
    {
        cx.report(
            loc(11),
            format!(
                "ISA11 repetition separator `{}` is also used as another delimiter",
                show_byte(*r)
            ),
        )
        .help("choose a repetition separator not used elsewhere, e.g. `^`");
    } else if let [r] = e(11)
        && r.is_ascii_alphanumeric()
        && e(12) == b"00501"
    {
        // In release 00501, ISA11 is the repetition separator, a delimiter: a letter or digit
        // would split the values that hold it (`UN`, `005010X222A1`). In 00401 it was the
        // standards identifier `U`, which senders still write out of habit; the ISA's other
        // delimiters are held to the same (ENV001). Not for an ISA12 that is no release (its
        // own ENV007): which ISA11 means is then unknown.
        cx.report(
            loc(11),
            format!(
                "ISA11 repetition separator `{}` is a letter or digit, which the data holds (in a 00501 interchange ISA11 is a delimiter, not 4010's standards identifier `U`)",
                show_byte(*r)
            ),
        )
        .help("write ISA11 as a byte the data does not use, e.g. `^`");
    }
}

/// ISA16 `:` with composites written `>` (linuxforhealth's and stupidedi's TR3 examples): one
/// ENV007, and the claim is read as written; a consistent `>` is fine.
#[test]
fn composites_written_with_another_separator() {
    use crate::test::{P837, run};
    let gt = P837
        .replace("11:B:1", "11>B>1")
        .replace("ABK:M810", "ABK>M810")
        .replace("HC:J0897:JZ", "HC>J0897>JZ")
        .replace("HC:96372", "HC>96372");
    let codes = |t: &str| run(t).iter().map(|d| d.code).collect::<Vec<_>>();
    assert_eq!(codes(&gt), ["ENV007"]);
    let d = run(&gt).into_iter().next().unwrap();
    assert!(d.message.contains("(CLM `11>B>1`)"), "{}", d.message);
    assert_eq!(d.loc.element, Some(16));
    let consistent = gt.replacen("*P*:~", "*P*>~", 1);
    assert_eq!(codes(&consistent), Vec::<&str>::new());
    // The template as it is: no finding.
    assert_eq!(codes(P837), Vec::<&str>::new());
}

/// One composite written with another separator, the others with ISA16's (helper-59's
/// review): not ENV007 and the interchange read with it (6 findings, and for `11-B-1` help
/// that would cut CLM01 `PAT1001-01`), but that composite's one finding, whose help names
/// the byte and the segment written right. Likewise `HC>96372` in SV101, `ABK>M810` in
/// HI01 and `11^B^1` (the repetition separator) in CLM05.
#[test]
fn one_composite_with_another_separator_is_its_own_finding() {
    use crate::test::{P837, run};
    let cases = [
        ("11:B:1", "11>B>1", "SYN002", "`>` in `11>B>1`"),
        ("11:B:1", "11-B-1", "SYN002", "`-` in `11-B-1`"),
        ("11:B:1", "11^B^1", "SYN004", "`^` in `11^B^1`"),
        ("HC:96372", "HC>96372", "SYN008", "`>` in `HC>96372`"),
        // A drug line: its NDC and unit rules read the procedure as written, and follow.
        (
            "HC:J0897:JZ",
            "HC>J0897>JZ",
            "SYN008",
            "`>` in `HC>J0897>JZ`",
        ),
        ("ABK:M810", "ABK>M810", "SYN008", "`>` in `ABK>M810`"),
    ];
    for (from, to, code, says) in cases {
        let text = P837.replacen(from, to, 1);
        let d = run(&text);
        let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, [code], "{to}: {d:#?}");
        let help = d[0].help.as_deref().unwrap_or_default();
        let right = format!(
            "written `{}",
            text.lines().find(|l| l.contains(to)).unwrap_or("")
        );
        assert!(
            help.starts_with(&format!(
                "{says} stands where the component separator `:` belongs"
            )),
            "{help}"
        );
        assert!(
            help.contains(&right.replace(to, from).trim_end_matches('~').to_string()),
            "{help}"
        );
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &ENV007,
        &[
            Pass(""),
            Edit(
                "ISA*",
                "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260230*1200*^*00501*000000001*0*P*:",
                true,
            ),
            Edit(
                "ISA*",
                "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260110*2460*^*00501*000000001*0*P*:",
                true,
            ),
            Edit(
                "ISA*",
                "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260110*1200*^*00401*000000001*0*P*:",
                true,
            ),
            Edit(
                "ISA*",
                "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260110*1200*^*00501*000000001*2*P*:",
                true,
            ),
            Edit(
                "ISA*",
                "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260110*1200*^*00501*000000001*0*X*:",
                true,
            ),
            Edit(
                "ISA*",
                "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260110*1200*:*00501*000000001*0*P*:",
                true,
            ),
        ],
    );
}

/// A 4010 interchange throughout (ISA12 00401, GS08 004010X098A1) is one ENV005 on its
/// group's guide, whose help names ISA12 too: not also ENV007 on ISA12 (F4.1 of the unseen-file
/// runs). ISA12 00401 over 5010 sets is a real mismatch and stays ENV007; a 4010 group in a
/// 00501 interchange is ENV005 alone.
#[test]
fn isa12_of_a_4010_interchange() {
    use crate::test::{P837, codes, run};
    let v4010 = P837
        .replace("*00501*", "*00401*")
        .replace("005010X222A1", "004010X098A1");
    assert_eq!(codes(&v4010), ["ENV005"]);
    let d = run(&v4010).into_iter().next().unwrap();
    assert!(d.help.as_deref().unwrap().contains("ISA12 00501"), "{d:?}");
    // The 4010 guide in GS08 alone (no ST03, as 4010 sets are written): the same.
    let no_st03 = v4010.replace("ST*837*0001*004010X098A1~", "ST*837*0001~");
    assert_eq!(codes(&no_st03), ["ENV005"]);
    let only_isa = P837.replace("*00501*", "*00401*");
    assert_eq!(codes(&only_isa), ["ENV007"]);
    let d = run(&only_isa).into_iter().next().unwrap();
    assert_eq!(d.help.as_deref(), Some("write ISA12 as 00501"));
    let only_gs = P837.replace("005010X222A1", "004010X098A1");
    assert_eq!(codes(&only_gs), ["ENV005"]);
}

/// ISA11 `U`: in a 00501 ISA it is the repetition separator, a letter the data holds (one
/// ENV007); in a 00401 ISA it is the standards identifier, and only ISA12 is reported.
#[test]
fn isa11_u_is_a_letter_only_in_5010() {
    use crate::test::{P837, run};
    let u = P837.replacen("*^*00501*", "*U*00501*", 1);
    let found: Vec<_> = run(&u).iter().map(|d| (d.code, d.loc.element)).collect();
    assert_eq!(found, [("ENV007", Some(11))]);
    let old = P837.replacen("*^*00501*", "*U*00401*", 1);
    let found: Vec<_> = run(&old).iter().map(|d| (d.code, d.loc.element)).collect();
    assert_eq!(found, [("ENV007", Some(12))]);
}
