use crate::{Ctx, declare_rule};
use claimlint_x12::delims::{Delim, IsaProblem, Width, show_byte};
use claimlint_x12::envelope::{IssueKind, NoIsa, ScanIssue, describe_delims};
use claimlint_x12::slip::Slip;

declare_rule! {
    /// ## What it does
    /// Checks that the file starts with a 106-byte ISA (after an optional BOM or whitespace),
    /// that the delimiters it declares are distinct and are not letters or digits, and that each
    /// ISA element has its fixed width. An ISA written without ISA16 (`…*P*~`, 105 bytes) is
    /// one finding, and the interchange is read with the component separator its composites
    /// use. So is an ISA with one element separator slipped, two elements run together
    /// (`…*ZZRECEIVER       *…`, 105 bytes) or one separator too many (107 bytes), when read
    /// so every element has its width: the interchange is read as meant. A file that starts at ST or GS with no ISA (a fragment
    /// pasted from a program's output) gets this error once, and its transaction sets are still
    /// checked, with the delimiters `*`, `:`, `^`, `~` or those the fragment evidently uses.
    /// An input that is not X12 at all (a README, a CSV or JSON export, an HTML error page, an
    /// archive, UTF-16 text) is this error once, quoting how the input starts, and nothing
    /// else is read from it.
    /// ## Why it matters
    /// Receivers read the delimiters from fixed byte positions of the ISA (byte 4, ISA11, ISA16
    /// and the byte after it). A padded-wrong ISA shifts those positions and the whole interchange
    /// is rejected with a TA1 before any claim is read.
    /// ## Example
    /// `ISA*00*X*00*X*ZZ*SENDER*ZZ*RECEIVER*260105*1200*^*00501*1*0*P*:~` (ISA02 is 1 character)
    /// ## Fix
    /// Pad every ISA element to its width: ISA02/ISA04 10, ISA06/ISA08 15, ISA13 9 digits:
    /// `ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260105*1200*^*00501*000000001*0*P*:~`
    code: ENV001, name: "isa-malformed", severity: Error, snip: 1,
    x999: Never,
    // On a GS: the input starts with the GS and its ISA after it (the two swapped), an
    // interchange whose control structure is wrong (I18 022), rejected as a whole.
    ta1: BySegment(&[("ISA", IsaElement), ("GS", Code("022"))]),
    check: Lexer,
}

const PAD: &str =
    "pad each ISA element to its fixed width with spaces (ISA06/ISA08: 15, ISA13: 9 digits)";

fn delim_name(d: Delim) -> &'static str {
    match d {
        Delim::Element => "element separator",
        Delim::Component => "component separator",
        Delim::Segment => "segment terminator",
    }
}

fn isa_problem(p: &IsaProblem) -> String {
    match p {
        p if p.is_isa16_left_out() => "ISA16, the component separator, is left out: the ISA \
                                        is 105 bytes, and the byte after ISA15 is the segment \
                                        terminator"
            .to_string(),
        IsaProblem::Widths { wrong, .. } => widths(wrong),
        IsaProblem::Alphanumeric { delim, byte } => format!(
            "ISA delimiters are not distinct: the {} `{}` is a letter or digit",
            delim_name(*delim),
            show_byte(*byte)
        ),
        IsaProblem::NotAnIsa { wrong } => format!(
            "this is not a readable ISA: {wrong} of its 16 elements are not their fixed width, so its delimiters cannot be trusted and nothing after it was read"
        ),
        IsaProblem::Slipped { slip, values, .. } => slipped(*slip, values),
        IsaProblem::Same { a, b, byte } => format!(
            "ISA delimiters are not distinct: the {} and the {} are both `{}`",
            delim_name(*a),
            delim_name(*b),
            show_byte(*byte)
        ),
    }
}

/// An ISA element separator slipped: two elements run together (the ISA 105 bytes), or one
/// separator too many (107 bytes), with the values it concerns (`IsaProblem::Slipped`).
fn slipped(slip: Slip, [first, second]: &[String; 2]) -> String {
    let k = slip.at();
    match slip {
        Slip::Extra(_) => format!(
            "the ISA has one element separator too many before ISA{k:02} `{second}`: ISA{k:02} \
             reads empty, the ISA is 107 bytes, not 106, and the values from `{second}` on \
             stand one element late{}",
            if first.is_empty() {
                String::new()
            } else {
                format!(
                    " (the separator after ISA{:02} `{first}` is doubled)",
                    k - 1
                )
            }
        ),
        _ => format!(
            "ISA{k:02} `{first}{second}` is ISA{k:02} `{first}` and ISA{:02} `{second}` run \
             together, the element separator between them left out: the ISA is 105 bytes, not \
             106, and the values after them stand one element early",
            k + 1
        ),
    }
}

/// The ISA elements not their fixed width, in one message: one defect (the padding), not one
/// finding per element.
fn widths(wrong: &[Width]) -> String {
    let chars = |n: usize| format!("{n} character{}", if n == 1 { "" } else { "s" });
    match wrong {
        [w] => format!(
            "ISA{:02} is {}; the ISA is fixed-width and ISA{0:02} must be {}",
            w.element,
            chars(w.found),
            w.expected
        ),
        _ => {
            let each: Vec<String> = wrong
                .iter()
                .map(|w| {
                    format!(
                        "ISA{:02} is {} (not {})",
                        w.element,
                        chars(w.found),
                        w.expected
                    )
                })
                .collect();
            let trimmed = if wrong.iter().all(|w| w.found < w.expected) {
                " (the padding was trimmed)"
            } else {
                ""
            };
            format!(
                "{} ISA elements are not their fixed width{trimmed}: {}",
                wrong.len(),
                each.join(", ")
            )
        }
    }
}

/// The help of an ISA whose elements are not their widths: the ISA padded, when padding is
/// the fix.
fn widths_help(padded: Option<&str>) -> String {
    match padded {
        Some(isa) => {
            format!("pad each to its fixed width (with spaces; ISA13 with leading zeros): `{isa}`")
        }
        None => PAD.to_string(),
    }
}

fn no_isa(why: NoIsa, head: &[u8]) -> String {
    let found = shown_head(why, head);
    if let NoIsa::TextWithIsa { at } = why {
        return format!(
            "no ISA segment: this is text, not an X12 interchange: it starts with {found} (`ISA` at byte {at} does not start a 106-byte ISA with usable delimiters)"
        );
    }
    match why {
        NoIsa::Empty => "no ISA segment: the file is empty".to_string(),
        NoIsa::OnlyWhitespace => "no ISA segment: the file holds only whitespace".to_string(),
        NoIsa::Binary => {
            format!(
                "no ISA segment: this looks like a binary file, not X12: it starts with {found}"
            )
        }
        NoIsa::Utf16 => format!(
            "no ISA segment: this is UTF-16 text (it starts with {found}); an X12 interchange is single-byte text (ASCII or UTF-8)"
        ),
        NoIsa::Text | NoIsa::TextWithIsa { .. } => format!(
            "no ISA segment: this is not an X12 interchange: it starts with {found}, where an interchange starts with a 106-byte ISA that gives its delimiters"
        ),
    }
}

/// How the input starts, as a user should read it: the first line of text (up to 40
/// characters), or the first 8 bytes of a binary file in hex.
fn shown_head(why: NoIsa, head: &[u8]) -> String {
    if matches!(why, NoIsa::Binary | NoIsa::Utf16) {
        let hex: Vec<String> = head.iter().take(8).map(|b| format!("{b:02X}")).collect();
        return format!("the bytes {}", hex.join(" "));
    }
    let text = String::from_utf8_lossy(head);
    let line = text.lines().next().unwrap_or("");
    let mut shown: String = line.chars().take(40).collect();
    if shown.len() < line.len() || line.len() < text.trim_end().len() {
        shown.push('…');
    }
    format!("`{}`", shown.replace('`', "'"))
}

/// Whether the input starts (after a BOM or blanks) with `isa` in lower case and an element
/// separator: an interchange lower-cased as a whole, which no segment of can be read.
fn lower_case_isa(head: &[u8]) -> bool {
    let head = head
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(head)
        .trim_ascii_start();
    head.len() > 3
        && head[..3].eq_ignore_ascii_case(b"ISA")
        && &head[..3] != b"ISA"
        && !head[3].is_ascii_alphanumeric()
}

/// What to do with an interchange saved as UTF-16.
const UTF16_HELP: &str = "save the file as ASCII or UTF-8, e.g. with iconv -f UTF-16LE -t ASCII";

/// What to do when the input is not X12 at all.
const NOT_X12_HELP: &str = "claimlint checks X12 837 files, which start with `ISA*`; check that this is the file you meant (not a report, a web page or an archive)";

/// The scan's ISA findings (`rules::envelope::owner`).
pub(crate) fn report(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>) {
    let (message, help) = match &issue.kind {
        IssueKind::NoIsa {
            why: NoIsa::Text,
            head,
        } if lower_case_isa(head) => (
            format!(
                "no ISA segment: the interchange is written in lower case (it starts with {}); \
                 X12 segment ids are upper case, so nothing in it can be read",
                shown_head(NoIsa::Text, head)
            ),
            Some(
                "write the segment ids (and codes) in upper case, as the translator that made \
                 the file should; a file changed to lower case on the way needs its original"
                    .to_string(),
            ),
        ),
        IssueKind::NoIsa { why, head } => {
            let help = match why {
                NoIsa::Utf16 => Some(UTF16_HELP.to_string()),
                NoIsa::Binary | NoIsa::Text | NoIsa::TextWithIsa { .. } => {
                    Some(NOT_X12_HELP.to_string())
                }
                NoIsa::Empty | NoIsa::OnlyWhitespace => None,
            };
            (no_isa(*why, head), help)
        }
        IssueKind::GsBeforeIsa { .. } => (
            "the input starts with GS, and its ISA comes after it: an interchange starts with \
             its ISA, and the group header GS follows the ISA"
                .to_string(),
            Some("move the ISA up to the start of the file, before the GS".to_string()),
        ),
        IssueKind::IsaCut { len } => (
            format!(
                "the ISA is cut off after {len} bytes; it must have 16 elements and be followed by its segment terminator"
            ),
            None,
        ),
        IssueKind::Isa(problem) if problem.is_isa16_left_out() => (
            isa_problem(problem),
            Some(
                "write the component separator in ISA16, between ISA15 and the segment \
                 terminator: the one the composites use, with which the interchange was read"
                    .to_string(),
            ),
        ),
        IssueKind::Isa(problem @ IsaProblem::Slipped { meant, .. }) => (
            isa_problem(problem),
            Some(format!(
                "write `{meant}{}`: read so, every ISA element has its fixed width",
                show_byte(issue.loc.terminator)
            )),
        ),
        IssueKind::Isa(problem @ IsaProblem::Widths { padded, .. }) => {
            (isa_problem(problem), Some(widths_help(padded.as_deref())))
        }
        IssueKind::Isa(problem) => (isa_problem(problem), Some(PAD.to_string())),
        IssueKind::Fragment { id, delims } => {
            let missing = if *id == b"GS" {
                "its interchange envelope (ISA)"
            } else {
                "its interchange (ISA) and group (GS) envelopes"
            };
            (
                format!(
                    "no ISA segment: the input starts at {}, without {missing}; its transaction sets were checked as a fragment, reading {}",
                    String::from_utf8_lossy(id),
                    describe_delims(*delims)
                ),
                Some("send the transaction set inside an interchange: ISA and GS before it, GE and IEA after it".to_string()),
            )
        }
        _ => return,
    };
    cx.report(issue.loc, message).help = help;
}

/// The 837P template without its ISA, GS, GE and IEA: a transaction set pasted on its own.
#[cfg(test)]
pub(crate) fn fragment() -> String {
    crate::test::P837
        .lines()
        .filter(|l| {
            !["ISA", "GS*", "GE*", "IEA"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn fragment_is_one_env001_and_its_content_is_checked() {
    use crate::test::run;
    let codes = |text: &str| {
        let mut c: Vec<_> = run(text).iter().map(|d| d.code).collect();
        c.sort_unstable();
        c
    };
    assert_eq!(codes(&fragment()), ["ENV001"]);
    // A defect inside the fragment is found as in a whole interchange.
    let bad = fragment().replace("N3*12 ELM ST~", "NM2*12 ELM ST~");
    assert_eq!(codes(&bad), ["ENV001", "SYN001"]);
    // Without ST03 and GS08, the guide is unknown: ENV005 once, and nothing is read.
    let no_st03 = fragment().replace("ST*837*0001*005010X222A1~", "ST*837*0001~");
    assert_eq!(codes(&no_st03), ["ENV001", "ENV005"]);
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &ENV001,
        &[
            Pass(""),
            Whole(
                "ISA*00*X*00*X*ZZ*SENDER*ZZ*RECEIVER*260105*1200*^*00501*1*0*P*:~IEA*0*1~",
                true,
            ),
            Whole("", true),
            Whole(
                "GS*HC*SENDER*RECEIVER*20260105*1200*1*X*005010X222A1~",
                true,
            ),
            Whole("ISA*00*          *00*", true),
            Whole("\u{feff}\n\n", true),
            // A fragment: one ENV001, and the transaction set inside is still read.
            Whole(&fragment(), true),
        ],
    );
}

/// Text that mentions the ISA (a document quoting `ISA|…` in a table, or `ISA*` in prose) is
/// one ENV001 saying it is text, not ENV008 plus one ENV001 per misread "ISA element".
#[test]
fn text_quoting_an_isa_is_one_error() {
    use crate::test::run;
    let doc = "# Notes\n\n| segment | meaning |\n|---|---|\n| ISA|ISA01|ISA16 | header, elements 1 and 16 |\n\nISA*00 is the first element; see ISA11 and ISA16.\n";
    let out = run(doc);
    let codes: Vec<_> = out.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["ENV001"], "{out:#?}");
    assert!(
        out[0].message.starts_with("no ISA segment: this is text"),
        "{}",
        out[0].message
    );
}

/// An unreadable ISA is read no further, but the next readable interchange in the same file
/// is checked as usual: its own defect is reported.
#[test]
fn unreadable_isa_does_not_hide_the_next_interchange() {
    use crate::test::{P837, run};
    let bad_isa = P837.replacen("*^*00501*000000001*", "***00501*1*", 1);
    let good_with_defect = P837.replace("N3*12 ELM ST~", "NM2*12 ELM ST~");
    let mut codes: Vec<_> = run(&format!("{bad_isa}{good_with_defect}"))
        .iter()
        .map(|d| d.code)
        .collect();
    codes.sort_unstable();
    assert_eq!(codes, ["ENV001", "SYN001"]);
}

/// An interchange lower-cased as a whole says so, not only "not an interchange".
#[test]
fn a_lower_case_interchange_is_named() {
    let text = crate::test::P837.to_ascii_lowercase();
    let found = crate::test::run(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, "ENV001");
    assert!(
        found[0].message.contains("written in lower case"),
        "{}",
        found[0].message
    );
    assert!(!lower_case_isa(b"ISA*00*"));
    assert!(lower_case_isa(b"\xEF\xBB\xBF isa*00*"));
    assert!(!lower_case_isa(b"isabel went home"));
}

/// An ISA whose padding was trimmed (`ISA*00* *00* *ZZ*123456789 *30*41-1674742 *…`, as
/// TigerShark's samples are written): one ENV001 naming every element not its width, its
/// help the ISA padded, not one finding per element (F4.2 of the unseen-file runs).
#[test]
fn a_trimmed_isa_is_one_error() {
    use crate::test::{P837, run};
    let trimmed = P837.replacen(
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *",
        "ISA*00* *00* *ZZ*SENDER *ZZ*RECEIVER *",
        1,
    );
    let found = run(&trimmed);
    let got: Vec<_> = found.iter().map(|d| (d.code, d.loc.element)).collect();
    assert_eq!(got, [("ENV001", Some(2))], "{found:#?}");
    assert_eq!(
        found[0].message,
        "4 ISA elements are not their fixed width (the padding was trimmed): ISA02 is 1 \
         character (not 10), ISA04 is 1 character (not 10), ISA06 is 7 characters (not 15), \
         ISA08 is 9 characters (not 15)"
    );
    let help = found[0].help.as_deref().unwrap_or_default();
    let padded = P837
        .lines()
        .next()
        .unwrap_or_default()
        .trim_end_matches('~');
    assert!(help.contains(&format!("`{padded}`")), "{help}");
    // One element too long cannot be padded: the general help.
    let long = P837.replacen("*ZZ*SENDER         *", "*ZZ*SENDER-OF-THE-CLAIMS*", 1);
    let found = run(&long);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].help.as_deref(), Some(PAD));
}

/// An ISA element separator slipped: two elements run together (105 bytes) or one separator
/// too many (107 bytes). One ENV001 on the element, naming the slip, its help the ISA as
/// meant; the interchange is read (a defect inside is found) and IEA02 is compared with ISA13
/// as meant (not ENV001 for a delimiter `H` read from the GS, or for the separator and the
/// terminator both `*`, and nothing after it read).
#[test]
fn an_isa_separator_slip_is_one_error() {
    use crate::test::{P837, codes, run};
    let isa = P837.lines().next().unwrap_or_default();
    for (to, element, named) in [
        ("*ZZRECEIVER", 7, "ISA07 `ZZ` and ISA08 `RECEIVER"),
        (
            "*ZZ**RECEIVER",
            8,
            "one element separator too many before ISA08",
        ),
    ] {
        let slipped = P837.replacen("*ZZ*RECEIVER", to, 1);
        let found = run(&slipped);
        let got: Vec<_> = found.iter().map(|d| (d.code, d.loc.element)).collect();
        assert_eq!(got, [("ENV001", Some(element))], "{found:#?}");
        assert!(found[0].message.contains(named), "{}", found[0].message);
        let help = found[0].help.as_deref().unwrap_or_default();
        assert!(help.contains(&format!("`{isa}`")), "{help}");
        let bad = slipped.replacen("N3*12 ELM ST~", "NM2*12 ELM ST~", 1);
        assert_eq!(codes(&bad), ["ENV001", "SYN001"]);
    }
}
