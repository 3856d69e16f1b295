use super::gs_values::is_functional_id;
use super::text;
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::Severity;
use claimlint_diagnostic::{Ack999, Diagnostic};
use claimlint_model::{GuideIssue, classify};
use claimlint_x12::envelope::TxFrame;
use claimlint_x12::{Loc, Segment};

declare_rule! {
    /// ## What it does
    /// Checks that each transaction set is an 837 read by a supported 5010 guide:
    /// 005010X222A1 (professional) or 005010X223A2 (institutional), with GS01 = HC and
    /// ST03 = GS08. Other releases of the same guides (005010X222, 005010X222A2, 005010X223,
    /// 005010X223A1, 005010X223A3) are read with the closest supported guide and get a warning
    /// (one on GS08 for a group whose GS08 and ST03s all name it, else on the ST03); 4010 and other 837 guides (dental) are errors and are skipped, as is an 837D under an
    /// 837P or 837I label (every service line an SV3: one error on ST03); other transaction sets
    /// (835, 270...) are noted as info and skipped. A guide written with whitespace around it
    /// (`005010X222A1 `, a fixed-width export's padding) is an error where the spaces are, and
    /// the set is read with that guide. A GS without GS08 (which X12 requires) is an error on
    /// the GS, once for its group, and its sets are read with the guide ST03 names. An ST01
/// other than 837 (empty, `X`) in a set whose ST03 (or GS08) names an 837 guide is an error,
/// and the set is skipped: the set says it is a claim. A 999 acknowledgment (005010X231A1, as
    /// `claimlint ack` writes) is read for its envelopes alone, without a note. An ST03 that
    /// alone names the other 837 guide (GS08 and every service line agree on one) is one
    /// error, on ST03: it differs from GS08, and the set is checked as GS08 and its lines say.
    /// ## Why it matters
    /// Payers accept 837s only under the guide their companion document names (for Medicare
    /// and HIPAA, the 5010 A1/A2 errata). A 4010 file or a wrong GS08 is rejected whole.
    /// ## Example
    /// `GS*HC*SENDER*RECEIVER*20260105*1200*1*X*004010X098A1~`
    /// ## Fix
    /// Produce 5010 and name the guide in GS08 and ST03:
    /// `GS*HC*SENDER*RECEIVER*20260105*1200*1*X*005010X222A1~`, `ST*837*0001*005010X222A1~`.
    code: ENV005, name: "unsupported-transaction", severity: Error, snip: 1,
    x999: PerFinding,
    check: Envelope(no_interchange_part, unsupported_transaction),
}

const SUPPORTED: &str = "005010X222A1 (837P) and 005010X223A2 (837I)";

/// [`word`] for a set whose ST01 is not 837: a note, or an error when it names an 837 guide.
fn st01_word(issue: GuideIssue) -> (Severity, Loc, String, Option<String>) {
    match issue {
        GuideIssue::St01NotClaim { at, st01, version } => (
            Severity::Error,
            at,
            format!(
                "ST01 `{st01}` is not 837, though the set names the 837 guide {version}; the transaction set was skipped"
            ),
            Some("write ST01 as 837".into()),
        ),
        GuideIssue::NotAClaim { at, st01 } => (
            Severity::Info,
            at,
            format!("transaction set {st01} is not an 837 claim; it was skipped"),
            None,
        ),
        other => word(other),
    }
}

/// The severity, message and help of each finding of the guide classification
/// (`claimlint_model::classify`, which decides how a set is read).
fn word(issue: GuideIssue) -> (Severity, Loc, String, Option<String>) {
    match issue {
        GuideIssue::NotAClaim { .. } | GuideIssue::St01NotClaim { .. } => st01_word(issue),
        GuideIssue::GroupNotHc { at, gs01 } => (
            Severity::Error,
            at,
            format!("GS01 is `{gs01}`; an 837 must be in a functional group with GS01 = HC"),
            Some("write GS01 as HC".into()),
        ),
        GuideIssue::Mismatch { at, st03, gs08 } => (
            Severity::Error,
            at,
            format!("ST03 `{st03}` differs from GS08 `{gs08}`"),
            Some(format!("write the same guide in both; GS08 is `{gs08}`")),
        ),
        GuideIssue::NoGuide { at } => (
            Severity::Error,
            at,
            "neither ST03 nor GS08 names the implementation guide".into(),
            Some(format!("write ST03 as one of {SUPPORTED}")),
        ),
        GuideIssue::NoGroupVersion { at, st03 } => (
            Severity::Error,
            at,
            "GS08 is missing: X12 requires the functional group's version, and the receiver \
             rejects a group without it"
                .into(),
            Some(format!("write GS08 as `{st03}`, the guide ST03 names")),
        ),
        GuideIssue::ClosestRelease {
            at,
            version,
            read_as,
        } => {
            let guide = read_as.guide();
            (
                Severity::Warning,
                at,
                format!("guide {version} is read as {guide}, the closest supported release"),
                Some(format!(
                    "name {guide} in GS08 and ST03 unless the receiver asked for this release"
                )),
            )
        }
        GuideIssue::Padded { at, value } => {
            let bare = value.trim_ascii();
            (
                Severity::Error,
                at,
                format!("guide `{value}` has whitespace around it; it is read as {bare}"),
                Some(format!(
                    "write `{bare}` with nothing around it: receivers compare the guide exactly"
                )),
            )
        }
        GuideIssue::Retired4010 { at, version } => (
            Severity::Error,
            at,
            format!(
                "{version} is a 4010 guide, retired for HIPAA claims since 2012; claimlint reads {SUPPORTED}; the transaction set was skipped"
            ),
            Some(
                "produce the interchange in 5010: ISA12 00501, and GS08 and ST03 naming \
                 005010X222A1 or 005010X223A2"
                    .into(),
            ),
        ),
        GuideIssue::Unsupported { at, version } => {
            let help = unsupported_help(&version);
            (
                Severity::Error,
                at,
                format!(
                    "{version} is not a supported 837 guide (claimlint reads {SUPPORTED}); the transaction set was skipped"
                ),
                Some(help),
            )
        }
    }
}

/// The help for a guide claimlint does not read: a release with no guide in it (`005010`)
/// is told which guides to name; any other (a masked `999999X999X9`, a dental 005010X224A2)
/// is told which guides claimlint reads, for a claim that follows one of them.
fn unsupported_help(version: &str) -> String {
    let release_only = !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit());
    if release_only {
        format!(
            "`{version}` names the X12 release, not an implementation guide: write the guide the claim follows, 005010X222A1 (837P) or 005010X223A2 (837I), in GS08 and ST03"
        )
    } else {
        "if the claim follows 005010X222A1 (837P) or 005010X223A2 (837I), name that guide in GS08 and ST03; claimlint reads no other 837 guide".into()
    }
}

/// The 999 coding of an ENV005 finding: on the GS, AK905 1 (functional group not supported,
/// GS01) or 2 (GS08 version not supported); on the ST, IK502 1 (not an 837: not supported), 6 (ST01 wrong in a set naming an 837 guide),
/// 19 (ST03 differs from GS08, or is a guide padded with spaces) or I6 (the guide named is
/// not supported). A GS08 padded with spaces is AK905 2 like any version the receiver would
/// not match, though claimlint reads the sets. A release read as the closest supported one is
/// acknowledged as read: not coded.
fn ack(issue: &GuideIssue) -> Option<Ack999> {
    use Ack999::{Group, TransactionSet};
    let at = match issue {
        GuideIssue::NotAClaim { at, .. }
        | GuideIssue::St01NotClaim { at, .. }
        | GuideIssue::GroupNotHc { at, .. }
        | GuideIssue::Mismatch { at, .. }
        | GuideIssue::NoGuide { at }
        | GuideIssue::NoGroupVersion { at, .. }
        | GuideIssue::ClosestRelease { at, .. }
        | GuideIssue::Padded { at, .. }
        | GuideIssue::Retired4010 { at, .. }
        | GuideIssue::Unsupported { at, .. } => at,
    };
    if let GuideIssue::ClosestRelease { .. } = issue {
        return None;
    }
    if at.segment.as_str() == "GS" {
        return Some(Group(if at.element == Some(1) { "1" } else { "2" }));
    }
    Some(TransactionSet(match issue {
        GuideIssue::NotAClaim { .. } => "1",
        // Missing or invalid transaction set identifier.
        GuideIssue::St01NotClaim { .. } => "6",
        GuideIssue::Mismatch { .. } | GuideIssue::Padded { .. } => "19",
        _ => "I6",
    }))
}

/// A set whose service lines are all SV3 (`Transaction::dental`): an 837D under an 837P or
/// 837I label. One error on ST03, as for a dental guide named there; the engine skips the
/// set, so its SV3 and TOO segments are not each an unknown segment of the label's guide.
pub(crate) fn dental(tx: &claimlint_model::Transaction<'_>, cx: &mut Ctx<'_>) {
    let Some(st) = tx.segments.first() else {
        return;
    };
    let loc = st.element_loc(3);
    let st03 = text(st, 3);
    let d = cx.report(
        loc,
        format!(
            "transaction set {} is an 837D (dental): its service lines are SV3, which \
             005010X224A2 defines, but ST03 names `{st03}`; claimlint reads {SUPPORTED}, so the \
             transaction set was skipped",
            text(st, 2)
        ),
    );
    d.ack = Some(Ack999::TransactionSet("I6"));
    d.help = Some(
        "label a dental claim 005010X224A2 in GS08 and ST03; an 837I bills its services with \
         SV2, an 837P with SV1"
            .into(),
    );
    super::in_transaction(d, st);
}

/// ST01 left out with its separator (`ST*0001*005010X222A1`) in a set naming an 837 guide:
/// the slip, once (not also ENV002 for the ST02 read from ST03's place); the set is skipped,
/// its ST01 being empty.
fn st01_left_out<'c>(tx: &TxFrame<'_>, cx: &'c mut Ctx<'_>) -> Option<&'c mut Diagnostic> {
    let st = super::slips::st(tx);
    if st.slip != Some(claimlint_x12::slip::Slip::LeftOut(1)) {
        return None;
    }
    let d = super::slips::report(cx, st, (3, Some(b"837")), false)?;
    d.message.push_str("; the transaction set was skipped");
    super::in_transaction(d, &tx.st);
    Some(d)
}

/// The issues of one set, each with the reading of ST03's guide (read as the closest release,
/// skipped as unsupported or 4010) when it is an ST03 that differs from GS08: the guide is
/// read from ST03, so how it was read follows from that ST03 and is said in the same finding
/// (RULES.md, "One root cause, one error"), not in a second one on the same element.
fn with_reading(issues: impl Iterator<Item = GuideIssue>) -> Vec<(GuideIssue, Option<GuideIssue>)> {
    let mut out: Vec<(GuideIssue, Option<GuideIssue>)> = Vec::new();
    for issue in issues {
        let read = match &issue {
            GuideIssue::ClosestRelease { at, .. }
            | GuideIssue::Retired4010 { at, .. }
            | GuideIssue::Unsupported { at, .. } => Some(*at),
            _ => None,
        };
        let mismatch = read.and_then(|at| {
            out.iter_mut().find(|(m, r)| {
                r.is_none() && matches!(m, GuideIssue::Mismatch { at: m_at, .. } if *m_at == at)
            })
        });
        match mismatch {
            Some((_, reading)) => *reading = Some(issue),
            None => out.push((issue, None)),
        }
    }
    out
}

/// The one finding of an ST03 that differs from GS08 and names a guide claimlint reads as the
/// closest release, or does not read: the mismatch's error, saying how the set was read. Its
/// help names the guide to write in both: the one the set was read with (ST03's closest
/// release); for a set skipped, GS08's when claimlint reads it (its closest supported release
/// when GS08 is another release); a set with neither is told which guides claimlint reads.
fn mismatch_read(
    issue: GuideIssue,
    reading: GuideIssue,
) -> (Severity, Loc, String, Option<String>) {
    let gs08 = match &issue {
        GuideIssue::Mismatch { gs08, .. } => gs08.clone(),
        _ => String::new(),
    };
    let read_as = match &reading {
        GuideIssue::ClosestRelease { read_as, .. } => Some(*read_as),
        _ => None,
    };
    let (severity, loc, message, help) = word(issue);
    let (_, _, read, read_help) = word(reading);
    let read = match read_as {
        Some(kind) => format!(
            "the set is read as {}, the closest supported release",
            kind.guide()
        ),
        None => read,
    };
    let help = match read_as.or_else(|| claimlint_model::guide_kind(gs08.as_bytes())) {
        Some(kind) if kind.guide() == gs08 => help,
        Some(kind) => Some(format!(
            "write the same guide in both, {} unless the receiver asked for another release \
             (GS08 is `{gs08}`)",
            kind.guide()
        )),
        None => read_help,
    };
    (severity, loc, format!("{message}; {read}"), help)
}

/// The 999 coding of an ST03 that differs from GS08, with how its guide was read: the
/// mismatch's (IK502 19) for a set read as the closest release, the unsupported guide's
/// (IK502 I6) for a set skipped, which a 999 must say was not read.
fn folded_ack(issue: &GuideIssue, reading: &GuideIssue) -> Option<Ack999> {
    match reading {
        GuideIssue::ClosestRelease { .. } => ack(issue),
        _ => ack(reading),
    }
}

/// An ST03 that alone names the other 837 guide (hccinfhir sample_837_12.txt, hunt C2: GS08
/// `005010X222A1`, `ST*837*5856*005010X223A2`, SV1 lines): GS08 and the lines agree, so the
/// set is read as GS08 says (`Transaction::kind`) and ST03 is the one defect. Its "ST03
/// differs from GS08" finding, reported before the set was read, says so too, in place of
/// STR003's "ST03 names 837I but the lines are SV1" on the same ST03 (RULES.md, "One root
/// cause, one error"). Not when the lines agree with ST03 (no relabelling: the mismatch
/// alone), nor when they agree with neither label (both findings stand).
pub(crate) fn st03_alone(
    tx: &claimlint_model::Transaction<'_>,
    gs: Option<&Segment<'_>>,
    cx: &mut Ctx<'_>,
) {
    if tx.kind == tx.declared || tx.group_guide != Some(tx.kind) {
        return;
    }
    let Some(st) = tx.segments.first() else {
        return;
    };
    let mismatch = classify(gs, st).issues.into_iter().find_map(|i| match i {
        GuideIssue::Mismatch { at, st03, gs08 } => Some((at, st03, gs08)),
        _ => None,
    });
    let Some((at, st03, gs08)) = mismatch else {
        return;
    };
    let said = format!("ST03 `{st03}` differs from GS08 `{gs08}`");
    let ours =
        |d: &&mut Diagnostic| d.code == ENV005.code && d.loc == at && d.message.starts_with(&said);
    let Some(d) = cx.out.iter_mut().rev().find(ours) else {
        return;
    };
    let guide = tx.kind.guide();
    d.message = format!(
        "{said}; {}, an {} as GS08 says, so the set is checked as {guide}",
        crate::structure::unexpected_segment::lines_written_as(tx),
        tx.kind.short(),
    );
    d.help = Some(format!(
        "write ST03 as `{gs08}`, the guide GS08 names and the lines are written in"
    ));
    // Names itself as the place of the defect: the precedence's `Scope::Itself` row ties it
    // to STR003's "ST03 names 837I, but the lines are SV1" on this ST03 alone, which it says.
    d.site = Some(d.loc.position);
}

/// Everything ENV005 judges is per transaction set.
fn no_interchange_part(_: &claimlint_x12::envelope::Interchange<'_>, _: &mut Ctx<'_>) {}

fn unsupported_transaction(gs: Option<&Segment<'_>>, tx: &TxFrame<'_>, cx: &mut Ctx<'_>) {
    let configured = cx.severity;
    // A GS01 that is not a functional identifier code at all is ENV010's error, with the
    // same fix; ENV005 speaks of a real code of another group (HP, FA...).
    let ours = |i: &GuideIssue| match i {
        GuideIssue::GroupNotHc { gs01, .. } => is_functional_id(gs01.as_bytes()),
        _ => true,
    };
    let issues = classify(gs, &tx.st).issues.into_iter().filter(ours);
    for (issue, reading) in with_reading(issues) {
        let ack = reading
            .as_ref()
            .map_or_else(|| ack(&issue), |r| folded_ack(&issue, r));
        if let GuideIssue::St01NotClaim { .. } = issue
            && let Some(d) = st01_left_out(tx, cx)
        {
            d.ack = ack;
            continue;
        }
        let (severity, loc, message, help) = match reading {
            Some(reading) => mismatch_read(issue, reading),
            None => word(issue),
        };
        let d = cx.report(loc, message);
        d.ack = ack;
        d.help = help;
        // The catalog's warning and info cases stay below whatever level is configured.
        d.severity = severity.min(configured);
        super::in_transaction(d, &tx.st);
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &ENV005,
        &[
            Pass(""),
            PassI(""),
            Edit(
                "GS*",
                "GS*HC*SENDER*RECEIVER*20260110*1200*1*X*004010X098A1",
                true,
            ),
            Edit("ST*", "ST*837*0001*004010X098A1", true),
            Edit("ST*", "ST*837*0001*005010X222A2", true), // warning
            Edit(
                "GS*",
                "GS*HP*SENDER*RECEIVER*20260110*1200*1*X*005010X222A1",
                true,
            ),
            Edit("ST*", "ST*835*0001*005010X221A1", true), // info, skipped
            // ST01 wrong in a set naming an 837 guide: an error, skipped (not passed unread).
            Edit("ST*", "ST*X*0001*005010X222A1", true),
            Edit("ST*", "ST**0001*005010X222A1", true),
            // GS08 left out or empty: an error on the GS; the set is read as ST03 says.
            Edit("GS*", "GS*HC*SENDER*RECEIVER*20260110*1200*1*X", true),
            Edit("GS*", "GS*HC*SENDER*RECEIVER*20260110*1200*1*X*", true),
            // Padded: read as the guide (the set's claims are checked), one error each.
            Edit("ST*", "ST*837*0001* 005010X222A1", true),
            Edit(
                "GS*",
                "GS*HC*SENDER*RECEIVER*20260110*1200*1*X* 005010X222A1",
                true,
            ),
        ],
    );
}

/// `text`'s one transaction set twice in its group (ST02 0001 and 0002).
#[cfg(test)]
fn two_sets(text: &str) -> String {
    let (st, ge) = (text.find("ST*837").unwrap(), text.find("GE*1*1").unwrap());
    let set = &text[st..ge];
    format!(
        "{}{set}{}{}",
        &text[..st],
        set.replace("0001", "0002"),
        text[ge..].replacen("GE*1*1", "GE*2*1", 1)
    )
}

/// A release GS08 names and every ST03 of its group repeats is one warning, on GS08, however
/// many sets the group has; an ST03 that alone names it keeps the warning on the ST03.
#[test]
fn a_release_the_group_names_is_one_warning_on_gs08() {
    let text = crate::test::P837.replace("005010X222A1", "005010X222");
    let two = two_sets(&text);
    let found: Vec<_> = crate::test::run(&two)
        .into_iter()
        .filter(|d| d.code == "ENV005")
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].loc.segment.as_str(), found[0].loc.element),
        ("GS", Some(8))
    );
    let st_only = crate::test::P837.replacen("*005010X222A1~", "*005010X222~", 2);
    let st_only = st_only.replacen("X*005010X222~", "X*005010X222A1~", 1);
    let found: Vec<_> = crate::test::run(&st_only)
        .into_iter()
        .filter(|d| d.code == "ENV005")
        .collect();
    assert!(
        found.iter().any(|d| d.loc.segment.as_str() == "ST"),
        "{found:#?}"
    );
}

/// A GS without GS08 heading two sets is one error on the GS, not one per set, and the sets'
/// claims are still checked with the guide ST03 names.
#[test]
fn a_group_without_gs08_is_one_error_on_the_gs() {
    let text = crate::test::P837.replacen("*X*005010X222A1~", "*X~", 1);
    let two = two_sets(&text);
    let found = crate::test::run(&two);
    let env005: Vec<_> = found.iter().filter(|d| d.code == "ENV005").collect();
    assert_eq!(env005.len(), 1, "{env005:#?}");
    assert_eq!(
        (env005[0].loc.segment.as_str(), env005[0].loc.element),
        ("GS", Some(8))
    );
    assert_eq!(
        found.len(),
        1,
        "the sets are read as 005010X222A1: {found:#?}"
    );
}

/// An 837D under the 837P label is one ENV005 on ST03 and nothing else: its SV3 lines are not
/// each an unknown segment of the 837P. A set that mixes SV3 with SV1 keeps its label and is
/// checked as it is.
#[test]
fn a_dental_set_under_an_837p_label_is_one_error_and_skipped() {
    use crate::test::{P837, run};
    let sv1 = |s: &str| {
        let mut out = String::new();
        for seg in s.split_inclusive('~') {
            if seg.trim_start().starts_with("SV1*") {
                out.push_str("\nSV3*AD:D2150*120****1~");
            } else {
                out.push_str(seg);
            }
        }
        out
    };
    let dental = sv1(P837);
    assert!(dental.contains("SV3*") && !dental.contains("SV1*"));
    let found = run(&dental);
    let codes: Vec<_> = found.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["ENV005"], "{found:#?}");
    assert_eq!(
        (found[0].loc.segment.as_str(), found[0].loc.element),
        ("ST", Some(3))
    );
    assert!(found[0].message.contains("837D"), "{}", found[0].message);
    // One SV1 left: not all dental, so read as the 837P it says it is.
    let first = P837.find("SV1*").unwrap();
    let mixed = format!("{}{}", &P837[..first + 4], sv1(&P837[first + 4..]));
    assert!(mixed.contains("SV1*") && mixed.contains("SV3*"));
    let found = run(&mixed);
    assert!(!found.iter().any(|d| d.code == "ENV005"), "{found:#?}");
    assert!(found.iter().any(|d| d.code == "SYN001"), "{found:#?}");
}

/// ST01 `X` or empty while ST03 names the 837P guide: one error, IK502 6, and the exit status
/// fails; ST01 835 under its own guide stays a note.
#[test]
fn a_wrong_st01_in_an_837_is_an_error() {
    use crate::test::{P837, run};
    for st in ["ST*X*0001*005010X222A1~", "ST**0001*005010X222A1~"] {
        let diags = run(&P837.replace("ST*837*0001*005010X222A1~", st));
        assert_eq!(diags.len(), 1, "{diags:#?}");
        let d = &diags[0];
        assert_eq!((d.code, d.severity), ("ENV005", Severity::Error));
        assert_eq!(d.ack, Some(Ack999::TransactionSet("6")));
        assert_eq!(d.help.as_deref(), Some("write ST01 as 837"));
    }
}

/// A guide claimlint does not read has a help naming the ones it reads (unseen-file run F6:
/// the masked `999999X999X9` of de-identified files, and `005010`, the release alone).
#[test]
fn an_unsupported_guide_is_told_the_supported_ones() {
    use crate::test::{P837, run};
    for (guide, help) in [
        (
            "999999X999X9",
            "if the claim follows 005010X222A1 (837P) or 005010X223A2 (837I), name that guide in GS08 and ST03; claimlint reads no other 837 guide",
        ),
        (
            "005010",
            "`005010` names the X12 release, not an implementation guide: write the guide the claim follows, 005010X222A1 (837P) or 005010X223A2 (837I), in GS08 and ST03",
        ),
    ] {
        let text = P837.replace("005010X222A1", guide);
        let found = run(&text);
        let d = found
            .iter()
            .find(|d| d.code == "ENV005" && d.message.contains("is not a supported 837 guide"))
            .unwrap_or_else(|| panic!("{guide}: {found:#?}"));
        assert_eq!(d.help.as_deref(), Some(help), "{guide}");
    }
}

/// An ST03 that differs from GS08 is one finding with how its guide was read: an error coded
/// IK502 19 when the set is read as the closest release, I6 when it is skipped (a 999 must say
/// the set was not read).
#[test]
fn a_mismatch_and_its_reading_are_one_finding() {
    use crate::test::{P837, run};
    for (st03, code) in [("005010X222", "19"), ("005010X298", "I6")] {
        let text = P837.replacen(
            "ST*837*0001*005010X222A1~",
            &format!("ST*837*0001*{st03}~"),
            1,
        );
        let found = run(&text);
        let env005: Vec<_> = found.iter().filter(|d| d.code == "ENV005").collect();
        assert_eq!(env005.len(), 1, "{st03}: {env005:#?}");
        let d = env005[0];
        assert_eq!(d.severity, Severity::Error, "{st03}");
        assert!(
            d.message
                .starts_with(&format!("ST03 `{st03}` differs from GS08")),
            "{d:#?}"
        );
        assert_eq!(d.ack, Some(Ack999::TransactionSet(code)), "{st03}");
    }
}

/// ST03 alone naming the other guide, GS08 and the lines agreeing (hunt C2): one ENV005 that
/// says both facts, not also STR003 on the same ST03. The lines agreeing with ST03: the
/// mismatch alone, worded as before; with neither label: ENV005 and STR003.
#[test]
fn an_st03_alone_naming_the_other_guide_is_one_finding() {
    use crate::test::{P837, codes, edit, run};
    let text = edit(P837, "ST*", "ST*837*0001*005010X223A2");
    let found = run(&text);
    assert_eq!(codes(&text), ["ENV005"], "{found:#?}");
    assert_eq!(
        found[0].message,
        "ST03 `005010X223A2` differs from GS08 `005010X222A1`; both service lines of the set \
         are SV1, an 837P as GS08 says, so the set is checked as 005010X222A1"
    );
    assert_eq!(found[0].ack, Some(Ack999::TransactionSet("19")));
    // GS08 another release of the lines' guide: the help names GS08 as written.
    let release = edit(
        &text,
        "GS*",
        "GS*HC*SENDER*RECEIVER*20260120*1200*1*X*005010X222A2",
    );
    let found = run(&release);
    assert_eq!(codes(&release), ["ENV005"], "{found:#?}");
    assert_eq!(
        found[0].help.as_deref(),
        Some("write ST03 as `005010X222A2`, the guide GS08 names and the lines are written in")
    );
    let neither = edit(
        &edit(P837, "ST*", "ST*837*0001*005010X223"),
        "GS*",
        "GS*HC*SENDER*RECEIVER*20260120*1200*1*X*005010X223A1",
    );
    assert_eq!(codes(&neither), ["ENV005", "STR003"]);
}
