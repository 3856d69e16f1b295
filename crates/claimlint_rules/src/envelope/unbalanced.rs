use crate::{Ctx, declare_rule};
use claimlint_x12::delims::show_byte;
use claimlint_x12::envelope::{IssueKind, ScanIssue};

declare_rule! {
    /// ## What it does
    /// Checks that every ISA has its IEA, every GS its GE and every ST its SE; that no trailer
    /// comes without its header; and that nothing but whitespace follows an IEA but another
    /// ISA. What a transfer appends is not data: NUL padding to a block size and a DOS
    /// end-of-file byte (SUB, 0x1A) after an IEA are read like whitespace. A file
    /// cut short (the input ends inside a set, a group or a segment, with no IEA) is one
    /// finding, at its ISA, naming the trailers it lacks; the partial last segment is not read,
    /// and the claim the cut left incomplete gets no findings for what the cut took away. An
    /// interchange cut off by the next one's ISA, a group (and set) left open, is one finding
    /// the same way; so is a set cut off by the next group's GS (or by the IEA) with its own
    /// group left open, on the set, naming the SE and the GE it lacks.
    /// ## Why it matters
    /// A receiver cannot tell where a transaction set or group ends without its trailer, and
    /// rejects the whole group or interchange. A truncated file (a transfer cut short) usually
    /// shows up here first.
    /// ## Example
    /// ```x12
    /// ST*837*0001*005010X222A1~ ... CLM*... ~ GE*1*1~IEA*1*000000001~
    /// ```
    /// (no SE before GE)
    /// ## Fix
    /// Close the transaction set with `SE*<segment count>*0001~` before the GE, and resend
    /// the whole file if it was cut off.
    code: ENV004, name: "envelope-unbalanced", severity: Error, snip: 1,
    x999: BySegment(&[("ST", TransactionSet("2")), ("GS", Group("3"))]),
    // TA1: 023 (premature end) when no IEA closes the ISA; 022 for an IEA cut short.
    ta1: BySegment(&[("ISA", Code("023")), ("IEA", Code("022"))]),
    check: Lexer,
}

fn lossy(b: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// A file (or an interchange, cut off by the next ISA) cut short, as one finding: where it
/// ends and which trailers are missing. It names
/// the set it cut and covers that set from its last CLM or HL on, so the claim (or HL block)
/// left incomplete gets no findings for what the cut took away (suppress::PRECEDENCE).
fn truncated(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>) {
    let IssueKind::Truncated {
        end,
        next_isa,
        cut,
        terminator,
        st02,
        st_at,
        gs06,
        isa13,
        from,
    } = issue.kind
    else {
        return;
    };
    let t = show_byte(terminator);
    let place = match cut {
        Some(id) => format!("inside {} (before its segment terminator `{t}`)", lossy(id)),
        None => "after a complete segment".to_string(),
    };
    let mut open = Vec::new();
    if let Some(st02) = st02 {
        open.push(format!("ST*{} has no SE", lossy(st02)));
    }
    if let Some(gs06) = gs06 {
        open.push(format!("GS*…*{} no GE", lossy(gs06)));
    }
    if let Some(isa13) = isa13 {
        open.push(format!("ISA*…*{} no IEA", lossy(isa13)));
    }
    let open = match open.is_empty() {
        true => String::new(),
        false => format!(": {}", crate::syntax::and_list(&open)),
    };
    let (message, help) = if next_isa {
        (
            format!(
                "the interchange ends at byte {end}, where the next interchange's ISA starts{open} (was the interchange cut short?)"
            ),
            "resend the whole interchange; one cut short cannot be read to its end",
        )
    } else {
        (
            format!("the input ends at byte {end}, {place}{open} (was the file cut short?)"),
            "resend the whole file; a file cut short cannot be read to its end",
        )
    };
    let d = cx.report(issue.loc, message);
    d.help = Some(help.into());
    d.context.transaction = st02.map(|s| lossy(s).into_owned());
    d.context.set_at = st_at;
    d.covers = from.map(|f| (f, u32::MAX));
}

/// An SE closing segments no ST opened: one finding, at the first of them, where the ST
/// belongs. The 999 rejects the group (AK905 5: the sets it holds are not the sets GE01
/// counts), as a receiver that reads no ST finds no set.
fn st_missing(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>) {
    let IssueKind::StMissing {
        first,
        count,
        se,
        se02,
        element,
        version,
    } = issue.kind
    else {
        return;
    };
    let first = lossy(first);
    let se = lossy(se);
    let segments = if count == 1 { "segment" } else { "segments" };
    let d = cx.report(
        issue.loc,
        format!(
            "no ST opens the transaction set that {se} closes: its {count} {segments} from {first} on are outside any transaction set, so its claims are not checked"
        ),
    );
    // Written with the interchange's own element separator.
    let e = char::from(element);
    let st03 = version
        .map(lossy)
        .filter(|v| v.starts_with("005010X22"))
        .map_or(String::new(), |v| format!("{e}{v}"));
    d.help = Some(if se02.is_empty() {
        format!("write the set's ST before {first}")
    } else {
        format!("write `ST{e}837{e}{}{st03}` before {first}", lossy(se02))
    });
    d.ack = Some(claimlint_diagnostic::Ack999::Group("5"));
}

/// The scan's balance findings (`rules::envelope::owner`).
pub(crate) fn report(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>) {
    match issue.kind {
        IssueKind::Truncated { .. } => truncated(issue, cx),
        IssueKind::StMissing { .. } => st_missing(issue, cx),
        IssueKind::StBeforeGs { .. } | IssueKind::BareSt { .. } => st_out_of_place(issue, cx),
        IssueKind::SeMissing {
            late_se: Some(_), ..
        }
        | IssueKind::GeMissing {
            late_ge: Some(_), ..
        }
        | IssueKind::GsTwice { .. } => misplaced(issue, cx),
        _ => trailer_or_header(issue, cx),
    }
}

/// The help for an ST with nothing in it (another ST or the GE follows): deleting it leaves
/// GE01 counting a set that is no longer there when GE01 counted it.
const EMPTY_ST_HELP: &str = "write the transaction set and its SE, or delete the empty ST and make GE01 count the sets left";

/// A set's SE missing: where the set ends, and (cut with its group by the next GS or the
/// IEA) the group's GE with it, one finding.
fn se_missing(issue: &ScanIssue<'_>) -> (String, Option<String>) {
    const END_SET: &str = "end every transaction set with SE";
    match issue.kind {
        IssueKind::SeMissing {
            st02,
            ended_by: Some((id, at)),
            group_cut: Some((gs06, _)),
            ..
        } => (
            format!(
                "ST*{} has no SE and GS*…*{} no GE: the transaction set and its group end at the {} at byte {at} (was the group cut short?)",
                lossy(st02),
                lossy(gs06),
                lossy(id)
            ),
            Some("end every transaction set with SE and every functional group with GE".into()),
        ),
        IssueKind::SeMissing {
            st02,
            ended_by: Some((id, at)),
            bare: true,
            ..
        } => (
            format!(
                "ST*{} opens a transaction set with nothing in it and no SE: the {} at byte {at} follows",
                lossy(st02),
                lossy(id)
            ),
            Some(EMPTY_ST_HELP.into()),
        ),
        IssueKind::SeMissing { st02, ended_by, .. } => {
            let where_ = match ended_by {
                Some((b"ISA", at)) => format!(
                    "the transaction set ends where the next interchange's ISA starts, at byte {at}"
                ),
                Some((id, at)) => {
                    format!("the transaction set ends at the {} at byte {at}", lossy(id))
                }
                None => "the input ends inside the transaction set".to_string(),
            };
            (
                format!("ST*{} has no SE: {where_}", lossy(st02)),
                Some(END_SET.into()),
            )
        }
        _ => (String::new(), None),
    }
}

/// A trailer or header missing, or data where none may be.
fn trailer_or_header(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>) {
    let (message, help): (String, Option<String>) = match issue.kind {
        IssueKind::Unterminated { id, terminator } => {
            let t = show_byte(terminator);
            (
                format!(
                    "the input ends inside {}: its segment terminator `{t}` is missing (was the file cut short?)",
                    lossy(id)
                ),
                Some(format!("end the last segment with `{t}`")),
            )
        }
        IssueKind::SeMissing { .. } => se_missing(issue),
        IssueKind::GeWithoutGs => ("GE without a GS before it".into(), None),
        IssueKind::SeWithoutSt => ("SE without an ST before it".into(), None),
        IssueKind::StWithoutGs => (
            "ST without a GS before it: the transaction set is outside a functional group".into(),
            Some("put GS before ST and GE after SE".into()),
        ),
        IssueKind::DataAfterIea { len, lower_isa } => {
            let bytes = if len == 1 { "byte" } else { "bytes" };
            if lower_isa {
                (
                    format!(
                        "{len} {bytes} after IEA start with `isa`, an interchange header written in lower case: that interchange was not read"
                    ),
                    Some(
                        "write `ISA` (X12 segment ids are upper case) and check the file again"
                            .into(),
                    ),
                )
            } else {
                (
                    format!("{len} {bytes} of data after IEA, outside any interchange"),
                    Some("remove what follows the IEA, or start a new interchange with ISA".into()),
                )
            }
        }
        IssueKind::IeaMissing { isa13, another_isa } => {
            let why = if another_isa {
                "another ISA starts before it"
            } else {
                "the input ends first"
            };
            (
                format!("ISA*…*{} has no IEA: {why}", lossy(isa13)),
                Some("close every interchange with IEA".into()),
            )
        }
        IssueKind::GeMissing { gs06, before, .. } => (
            format!("GS*…*{} has no GE before byte {before}", lossy(gs06)),
            Some("close every functional group with GE".into()),
        ),
        _ => return,
    };
    emit(issue, cx, message, help);
}

/// Reports a balance finding. For an SE missing (or written after the GE), the set it names
/// (the finding is on its ST), so `suppress` can hold back STR002 for the same SE.
fn emit(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>, message: String, help: Option<String>) {
    let d = cx.report(issue.loc, message);
    d.help = help;
    if let IssueKind::SeMissing {
        st02,
        group_cut,
        bare,
        ..
    } = issue.kind
    {
        d.context.transaction = Some(lossy(st02).into_owned());
        d.context.set_at = Some(issue.loc.offset);
        // A set cut with its group: the claim the cut left incomplete, as for a file cut short.
        d.covers = group_cut.map(|(_, from)| (from, u32::MAX));
        // An ST alone (the next ST's `BareSt` in another form): what the guide finds missing
        // from its set is this finding's.
        if bare {
            d.covers = Some((1, u32::MAX));
        }
    }
}

/// A trailer written one segment late (SE after the GE, GE after the IEA) or a GS written
/// twice: the one slip, said as such, with the segment to move or delete.
fn misplaced(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>) {
    let (message, help) = match issue.kind {
        IssueKind::SeMissing {
            st02,
            late_se: Some(se),
            ..
        } => (
            format!(
                "ST*{}'s SE is written after the GE: `{}` and the GE that closes the group are swapped",
                lossy(st02),
                lossy(se)
            ),
            Some(format!(
                "move `{}` in front of the GE: SE ends the transaction set, GE the group after it",
                lossy(se)
            )),
        ),
        IssueKind::GeMissing {
            gs06,
            late_ge: Some(ge),
            ..
        } => (
            format!(
                "GS*…*{}'s GE is written after the IEA: `{}` and the IEA that closes the interchange are swapped",
                lossy(gs06),
                lossy(ge)
            ),
            Some(format!(
                "move `{}` in front of the IEA: GE ends the functional group, IEA the interchange after it",
                lossy(ge)
            )),
        ),
        IssueKind::GsTwice { next_at } => (
            format!(
                "GS is written twice: the same GS follows it at byte {next_at}, before any transaction set"
            ),
            Some("delete one of the two GS segments".into()),
        ),
        _ => return,
    };
    emit(issue, cx, message, help);
}

/// An ST written before its group's GS, or an ST with nothing after it but another ST: one
/// finding each.
fn st_out_of_place(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>) {
    let (message, help) = match issue.kind {
        IssueKind::StBeforeGs { gs_at } => (
            format!(
                "ST is written before the GS that opens its functional group (the GS at byte {gs_at}): the two are swapped"
            ),
            Some("move the GS segment in front of the ST".into()),
        ),
        IssueKind::BareSt {
            st02,
            again: true,
            next_at,
        } => (
            format!(
                "ST*{} is written twice: nothing stands between it and the same ST at byte {next_at}",
                lossy(st02)
            ),
            Some("delete one of the two ST segments".into()),
        ),
        IssueKind::BareSt { st02, next_at, .. } => (
            format!(
                "ST*{} opens a transaction set with nothing in it: another ST follows at byte {next_at}",
                lossy(st02)
            ),
            Some(EMPTY_ST_HELP.into()),
        ),
        _ => return,
    };
    let d = cx.report(issue.loc, message);
    d.help = help;
    match issue.kind {
        // To a receiver the ST stands outside any group: IK304 7, not in proper sequence
        // (its set is still read, as the group's).
        IssueKind::StBeforeGs { .. } => d.ack = Some(claimlint_diagnostic::Ack999::Segment("7")),
        // An ST alone: what the guide finds missing from its set is this finding's.
        IssueKind::BareSt { st02, .. } => {
            d.context.transaction = Some(lossy(st02).into_owned());
            d.context.set_at = Some(issue.loc.offset);
            d.covers = Some((1, u32::MAX));
        }
        _ => {}
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, P837, check_cases};
    let se_ge = P837.replace("SE*28*0001~\nGE*1*1~", "GE*1*1~\nSE*28*0001~");
    let ge_iea = P837.replace("GE*1*1~\nIEA*1*000000001~", "IEA*1*000000001~\nGE*1*1~");
    let gs = &P837[P837.find("GS*").unwrap()..P837.find("ST*").unwrap()];
    let gs_twice = P837.replacen(gs, &format!("{gs}{gs}"), 1);
    assert!(se_ge != P837 && ge_iea != P837);
    let diags = check_cases(
        &ENV004,
        &[
            Pass(""),
            Edit("SE*", "", true),  // the SE removed
            Edit("GE*", "", true),  // the GE removed
            Edit("IEA*", "", true), // the IEA removed
            Edit("GS*", "", true),  // the GS removed
            Append("JUNK AFTER THE END", true),
            // A second interchange whose ISA is written in lower case is not read: said so.
            Append("isa*00*          *00*", true),
            Append("\r\n\r\n", false),
            // SE and GE swapped; GE and IEA swapped: one finding each, saying so.
            Whole(&se_ge, true),
            Whole(&ge_iea, true),
            Whole(&gs_twice, true),
        ],
    );
    assert_eq!(diags[8].len(), 1, "{:#?}", diags[8]);
    assert_eq!(
        diags[8][0].help.as_deref(),
        Some(
            "move `SE*28*0001` in front of the GE: SE ends the transaction set, GE the group after it"
        )
    );
    assert_eq!(diags[9].len(), 1, "{:#?}", diags[9]);
    assert!(
        diags[9][0].message.contains("`GE*1*1` and the IEA"),
        "{:#?}",
        diags[9]
    );
    assert_eq!(diags[10].len(), 1, "{:#?}", diags[10]);
    assert_eq!(diags[10][0].loc.segment.as_str(), "GS");
    assert_eq!(
        diags[6][0].message,
        "21 bytes after IEA start with `isa`, an interchange header written in lower case: that interchange was not read"
    );
}

/// The ST left out: one finding at the set's first segment naming the SE that closes it, not
/// an STR003 for each segment, an ENV004 for the SE and an ENV003 for GE01.
#[test]
fn a_set_without_st_is_one_finding() {
    use crate::test::{P837, codes, run};
    let no_st = P837.replace("ST*837*0001*005010X222A1~", "");
    assert_eq!(codes(&no_st), ["ENV004"]);
    let d = &run(&no_st)[0];
    assert!(
        d.message
            .starts_with("no ST opens the transaction set that SE*")
            && d.message
                .contains("from BHT on are outside any transaction set"),
        "{}",
        d.message
    );
    assert_eq!(d.loc.segment.as_str(), "BHT");
    assert_eq!(
        d.help.as_deref(),
        Some("write `ST*837*0001*005010X222A1` before BHT")
    );
    // The second of two sets without its ST: GE01 counts both, so no ENV003 either.
    let st = P837.find("ST*").unwrap();
    let se_end = P837.find("GE*").unwrap();
    let set = &P837[st..se_end];
    let second = set
        .replacen("ST*837*0001*005010X222A1~", "", 1)
        .replace("*0001~", "*0002~");
    let two = P837
        .replacen(set, &format!("{set}{second}"), 1)
        .replace("GE*1*", "GE*2*");
    assert_eq!(codes(&two), ["ENV004"]);
    // The ST to write uses the interchange's element separator (`|` here), not `*`.
    let piped = crate::test::edit(P837, "ISA*", "").replace('*', "|");
    let isa = P837[..P837.find('~').unwrap()].replace('*', "|");
    let piped = format!("{isa}~{piped}").replace("ST|837|0001|005010X222A1~", "");
    let d = &run(&piped)[0];
    assert_eq!(
        (d.code, d.help.as_deref()),
        (
            "ENV004",
            Some("write `ST|837|0001|005010X222A1` before BHT")
        )
    );
    // A stray segment after the SE that no SE follows is outside any set: STR003, as before.
    let stray = P837.replace("GE*", "REF*EA*X~GE*");
    assert_eq!(codes(&stray), ["STR003"]);
}

/// An interchange cut off inside a set by the next interchange's ISA (TigerShark's
/// 837I-Examples.txt, unseen-file runs F3.5 and hunt C5): one ENV004 at its ISA saying where
/// it ends and naming the SE, GE and IEA it lacks, as for a file that simply ends; not one
/// finding per missing trailer. Cut after its SE, the GE and IEA; after its GE, the IEA alone.
#[test]
fn an_interchange_cut_off_by_the_next_isa() {
    use crate::test::{P837, run};
    let se = P837.find("SE*").unwrap();
    let found = run(&format!("{}{P837}", &P837[..se]));
    let env004: Vec<_> = found.iter().filter(|d| d.code == "ENV004").collect();
    assert_eq!(env004.len(), 1, "{found:#?}");
    assert_eq!(env004[0].loc.segment.as_str(), "ISA");
    assert_eq!(
        env004[0].message,
        format!(
            "the interchange ends at byte {se}, where the next interchange's ISA starts: ST*0001 has no SE, GS*…*1 no GE and ISA*…*000000001 no IEA (was the interchange cut short?)"
        )
    );
    let ge = P837.find("GE*").unwrap();
    let found = run(&format!("{}{P837}", &P837[..ge]));
    let env004: Vec<_> = found.iter().filter(|d| d.code == "ENV004").collect();
    assert_eq!(env004.len(), 1, "{found:#?}");
    assert!(
        env004[0].message.ends_with(
            ": GS*…*1 no GE and ISA*…*000000001 no IEA (was the interchange cut short?)"
        ),
        "{}",
        env004[0].message
    );
    let iea = P837.find("IEA*").unwrap();
    let found = run(&format!("{}{P837}", &P837[..iea]));
    let env004: Vec<_> = found.iter().filter(|d| d.code == "ENV004").collect();
    assert_eq!(env004.len(), 1, "{found:#?}");
    assert_eq!(
        env004[0].message,
        "ISA*…*000000001 has no IEA: another ISA starts before it"
    );
}

/// A set cut by the next group's GS, its own group left open: one ENV004 on the set naming
/// the SE and the GE it lacks (hunt C5), not also "GS has no GE"; a group whose set is
/// complete keeps its "GS has no GE".
#[test]
fn a_set_and_its_group_cut_off_by_the_next_gs() {
    use crate::test::P837;
    let (gs, ge) = (P837.find("GS*").unwrap(), P837.find("GE*").unwrap());
    let lx2 = P837.find("LX*2").unwrap();
    let group = P837[gs..P837.find("IEA*").unwrap()].replace("*1*X*", "*2*X*");
    let group = group.replace("GE*1*1", "GE*1*2");
    let cut = format!("{}{group}IEA*2*000000001~", &P837[..lx2]);
    let found = env004(&cut);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].loc.segment.as_str(), "ST");
    assert_eq!(
        found[0].message,
        format!(
            "ST*0001 has no SE and GS*…*1 no GE: the transaction set and its group end at the GS at byte {lx2} (was the group cut short?)"
        )
    );
    let complete = format!("{}{group}IEA*2*000000001~", &P837[..ge]);
    let found = env004(&complete);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].message,
        format!("GS*…*1 has no GE before byte {ge}")
    );
}

/// The ENV004 findings of `text`.
#[cfg(test)]
fn env004(text: &str) -> Vec<claimlint_diagnostic::Diagnostic> {
    let mut found = crate::test::run(text);
    found.retain(|d| d.code == "ENV004");
    found
}
