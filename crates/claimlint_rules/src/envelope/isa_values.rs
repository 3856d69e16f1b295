use crate::{Ctx, declare_rule};
use claimlint_x12::delims::show_byte;
use claimlint_x12::envelope::Interchange;

declare_rule! {
    /// ## What it does
    /// Checks the values of the ISA: ISA09 a real date (YYMMDD), ISA10 a real time (HHMM),
    /// ISA12 = 00501 (in an interchange that holds an 837: one of other transaction sets
    /// only, such as 4010 278s, has its sets noted as skipped by ENV005 and its version is
    /// not judged), ISA14 0 or 1, ISA15 P or T, an ISA11 repetition separator that is not
    /// the same byte as another delimiter nor (from 00501 on) a letter or digit, and an ISA16 that is the component separator the
    /// interchange really uses: when the first composite that can tell (CLM05 `11:B:1`, SV101
    /// `HC:99213`, HI01 `ABK:M810`) is written with another separator and no later one with
    /// ISA16's, that is one error here, and the interchange is read with the separator it uses (rather
    /// than one SYN007/SYN008/SYN002 per composite, as TR3 examples pasted with `>` into an
    /// ISA that says `:` would otherwise get). One composite written otherwise among those
    /// written with ISA16's is that composite's error (SYN002, SYN004, SYN007 or SYN008, one
    /// finding, its help naming the byte). An ISA16 that is also ISA11's byte, the composites
    /// written with another, is one finding on ISA16 (writing it as they are written frees
    /// ISA11 too), not a second on ISA11. An interchange that is 4010 throughout (ISA12 00401,
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
    let loc = |n: usize| super::slips::isa(ic).loc(n);
    let show = |n: usize| String::from_utf8_lossy(e(n)).into_owned();
    // A value left out (empty, or only the padding): said so, not quoted as `` or `      `.
    let is = |n: usize, what: &str| {
        if e(n).iter().all(|&b| b == b' ') {
            format!("ISA{n:02} is empty where {what} belongs")
        } else {
            format!("ISA{n:02} `{}` is not {what}", show(n))
        }
    };
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
        cx.report(loc(9), is(9, "a date in YYMMDD form"))
            .help("write the interchange's creation date as YYMMDD, e.g. 260105");
    }
    if !time_ok(e(10)) {
        cx.report(loc(10), is(10, "a time in HHMM form"))
            .help("write the interchange's creation time as HHMM on the 24-hour clock, e.g. 1200");
    }
    // A 4010 interchange throughout (ISA12 00401, every GS08 a 4010 837 guide) is one defect:
    // ENV005 reports each group's retired guide, and its help says to produce the interchange
    // in 5010; ISA12 is not another error (RULES.md, "One root cause, one error").
    if e(12) != b"00501" && holds_claims(ic) && !(e(12) == b"00401" && all_groups_4010(ic)) {
        let all_4010 = e(12) == b"00401"
            && !ic.groups.is_empty()
            && ic.groups.iter().all(|g| {
                g.gs.as_ref()
                    .is_some_and(|gs| gs.value(8).starts_with(b"00401"))
            });
        cx.report(
            loc(12),
            format!(
                "ISA12 `{}` is not 00501, the version of 5010 interchanges",
                show(12)
            ),
        )
        .help(match (all_4010, only_claims(ic)) {
            (true, true) => "the interchange is 4010 throughout (its GS08 names a 4010 guide): produce it in 5010, with ISA12 00501 and GS08/ST03 naming 005010X222A1 or 005010X223A2",
            // Its other transaction sets (278s, 835s beside the 837s) keep their own guides.
            (true, false) => "the interchange is 4010 throughout (its GS08 names a 4010 guide): produce its 837 claims in 5010, with ISA12 00501 and GS08/ST03 naming 005010X222A1 or 005010X223A2",
            (false, _) => "write ISA12 as 00501",
        });
    }
    if !matches!(e(14), b"0" | b"1") {
        cx.report(
            loc(14),
            format!("ISA14 `{}` must be 0 (no TA1 requested) or 1", show(14)),
        )
        .help("write ISA14 as 0, or as 1 to ask the receiver for a TA1");
    }
    if !matches!(e(15), b"P" | b"T") {
        cx.report(
            loc(15),
            format!("ISA15 `{}` must be P (production) or T (test)", show(15)),
        )
        .help("write ISA15 as P for production data or T for a test");
    }
    delimiter_values(ic, cx);
}

/// Whether the interchange may hold an 837: a set with ST01 837, a set whose ST is missing,
/// a group whose GS08 names an 837 guide, or no set at all. An interchange of other
/// transaction sets only (4010 278s, 835s) is not held to the 837's 00501: ENV005 notes each
/// of its sets as skipped, and its version is right for what it carries.
fn holds_claims(ic: &Interchange<'_>) -> bool {
    let sets: usize = ic.groups.iter().map(|g| g.count + g.headless).sum();
    sets == 0
        || ic.groups.iter().any(|g| {
            g.claims > 0
                || g.headless > 0
                || g.gs
                    .as_ref()
                    .is_some_and(|gs| claimlint_model::names_claim_guide(gs.value(8)))
        })
}

/// Whether every transaction set of the interchange is a claim (ST01 `837`).
fn only_claims(ic: &Interchange<'_>) -> bool {
    ic.groups.iter().all(|g| g.claims == g.count)
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
    let loc = |n: usize| super::slips::isa(ic).loc(n);
    let d = ic.delims();
    let repetition = match e(11) {
        [r] => Some(*r),
        _ => None,
    };
    // ISA11 and ISA16 the same byte while the composites are written with another: ISA16 is
    // the one that is wrong, and writing it as the composites are written frees ISA11 too.
    // One finding, on ISA16, not a second on ISA11 that the same edit clears.
    let isa16_frees_isa11 = ic
        .composites_use
        .is_some_and(|(used, _, _)| repetition == Some(d.component) && used != d.component);
    // ISA16 left out declares nothing: ENV001's finding, the composites' separator read.
    let declared = ic.composites_use.filter(|_| !e(16).is_empty());
    if let Some((used, id, value)) = declared {
        let also = if isa16_frees_isa11 {
            ", which is also the ISA11 repetition separator"
        } else {
            ""
        };
        // Writing the composites with ISA16's byte is no fix when that byte is another
        // delimiter too.
        let help = if [d.element, d.segment].contains(&d.component) || isa16_frees_isa11 {
            format!("write ISA16 as `{}`", show_byte(used))
        } else {
            format!(
                "write ISA16 as `{}`, or write the composites with `{}`",
                show_byte(used),
                show_byte(d.component)
            )
        };
        cx.report(
            loc(16),
            format!(
                "ISA16 declares `{}` as the component separator{also}, but the composites are written with `{}` ({} `{}`); the interchange was read with `{1}`",
                show_byte(d.component),
                show_byte(used),
                String::from_utf8_lossy(id),
                String::from_utf8_lossy(value),
            ),
        )
        .help(help);
    }
    let Some(r) = repetition else { return };
    // The delimiters the interchange is read with: a suggested ISA11 must be none of them.
    let component = ic.composites_use.map_or(d.component, |(used, _, _)| used);
    let taken = [d.element, component, d.segment, d.component];
    if [d.element, d.component, d.segment].contains(&r) && !isa16_frees_isa11 {
        cx.report(
            loc(11),
            format!(
                "ISA11 repetition separator `{}` is also used as another delimiter",
                show_byte(r)
            ),
        )
        .help(format!(
            "choose a repetition separator not used elsewhere, e.g. `{}`",
            show_byte(free_byte(&taken))
        ));
    } else if r.is_ascii_alphanumeric() && e(12) == b"00501" {
        // In release 00501, ISA11 is the repetition separator, a delimiter: a letter or digit
        // would split the values that hold it (`UN`, `005010X222A1`). In 00401 it was the
        // standards identifier `U`, which senders still write out of habit; the ISA's other
        // delimiters are held to the same (ENV001). Not for an ISA12 that is no release (its
        // own ENV007): which ISA11 means is then unknown.
        cx.report(
            loc(11),
            format!(
                "ISA11 repetition separator `{}` is a letter or digit, which the data holds (in a 00501 interchange ISA11 is a delimiter, not 4010's standards identifier `U`)",
                show_byte(r)
            ),
        )
        .help(format!(
            "write ISA11 as a byte the data does not use, e.g. `{}`",
            show_byte(free_byte(&taken))
        ));
    }
}

/// A repetition separator to suggest: the usual `^`, or another byte X12 allows as a
/// delimiter when `^` is one of the interchange's other delimiters (`taken`).
fn free_byte(taken: &[u8]) -> u8 {
    [b'^', b'|', b'!', b'{', b'}']
        .into_iter()
        .find(|b| !taken.contains(b))
        .unwrap_or(b'^')
}

/// ISA11 and ISA16 both `^` while the composites are written with `:` (an X12Parser sample,
/// unseen-file run F3.3): one finding, on ISA16, whose help is the one edit that fixes both;
/// and a suggested ISA11 is never a byte already used as another delimiter.
#[test]
fn isa16_that_is_also_isa11() {
    use crate::test::{P837, run};
    let both = P837.replacen("*P*:~", "*P*^~", 1);
    let d = run(&both);
    let env: Vec<_> = d.iter().filter(|d| d.code == "ENV007").collect();
    assert_eq!(env.len(), 1, "{d:#?}");
    assert_eq!(env[0].loc.element, Some(16));
    assert!(
        env[0].message.starts_with(
            "ISA16 declares `^` as the component separator, which is also the ISA11 repetition separator, but the composites are written with `:`"
        ),
        "{}",
        env[0].message
    );
    assert_eq!(env[0].help.as_deref(), Some("write ISA16 as `:`"));
    // ISA11 the same as ISA16, both used: the suggestion is not `^` when `^` is taken.
    let caret = P837.replace(':', "^");
    let d = run(&caret);
    let d = d
        .iter()
        .find(|d| d.code == "ENV007" && d.loc.element == Some(11))
        .expect("ENV007 on ISA11");
    assert_eq!(
        d.help.as_deref(),
        Some("choose a repetition separator not used elsewhere, e.g. `|`")
    );
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

/// A 4010 interchange of 278s only (pyx12's mult_trn.txt, its first group; unseen-file run
/// F5): its sets are noted as skipped, and its ISA12 is no error, nor is the user told to make
/// it an 837. With an 837 beside them, ISA12 is reported and the help speaks of the claims.
#[test]
fn isa12_of_an_interchange_without_claims() {
    use crate::test::run;
    let isa = "ISA*00*          *00*          *ZZ*ZZ000          *ZZ*ZZ001          *030828*1128*U*00401*000010121*0*T*:~";
    let group = "GS*HI*ZZ000*ZZ001*20030828*1128*17*X*004010X094A1~ST*278*11280001~BHT*0078*11*121231*20050802*1202~SE*3*11280001~GE*1*17~";
    let text = format!("{isa}\n{group}\nIEA*1*000010121~\n");
    let found = run(&text);
    let codes: Vec<(&str, claimlint_diagnostic::Severity)> =
        found.iter().map(|d| (d.code, d.severity)).collect();
    assert_eq!(
        codes,
        [("ENV005", claimlint_diagnostic::Severity::Info)],
        "{found:#?}"
    );
    // The same with a 4010 837 group beside it: ISA12 is an error again.
    let claim = crate::test::P837
        .replace("005010X222A1", "004010X098A1")
        .replace("*00501*", "*00401*");
    let st = claim.find("GS*").unwrap();
    let ge = claim.find("IEA*").unwrap();
    let text = format!("{isa}\n{group}\n{}IEA*2*000010121~\n", &claim[st..ge]);
    let found = run(&text);
    let d = found
        .iter()
        .find(|d| d.code == "ENV007")
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(d.loc.element, Some(12));
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("produce its 837 claims in 5010")),
        "{:?}",
        d.help
    );
}

/// ISA09, ISA10, ISA14 and ISA15 findings each have a help (unseen-file run F6: ISA10
/// `9999` in de-identified files had none).
#[test]
fn isa_value_findings_have_help() {
    use crate::test::{P837, run};
    let text = P837
        .replacen("*260120*1200*", "*261399*9999*", 1)
        .replacen("*0*P*:~", "*2*X*:~", 1);
    let found = run(&text);
    let helps: Vec<(Option<u8>, &str)> = found
        .iter()
        .filter(|d| d.code == "ENV007")
        .map(|d| (d.loc.element, d.help.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        helps,
        [
            (
                Some(9),
                "write the interchange's creation date as YYMMDD, e.g. 260105"
            ),
            (
                Some(10),
                "write the interchange's creation time as HHMM on the 24-hour clock, e.g. 1200"
            ),
            (
                Some(14),
                "write ISA14 as 0, or as 1 to ask the receiver for a TA1"
            ),
            (
                Some(15),
                "write ISA15 as P for production data or T for a test"
            ),
        ],
        "{found:#?}"
    );
}
