use super::text;
use crate::diagnostic::Severity;
use crate::model::Kind;
use crate::rules::{Ctx, declare_rule};
use crate::x12::envelope::TxFrame;
use crate::x12::{Loc, Segment};

declare_rule! {
    /// ## What it does
    /// Checks that each transaction set is an 837 read by a supported 5010 guide:
    /// 005010X222A1 (professional) or 005010X223A2 (institutional), with GS01 = HC and
    /// ST03 = GS08. Other releases of the same guides (005010X222, 005010X222A2, 005010X223,
    /// 005010X223A1, 005010X223A3) are read with the closest supported guide and get a warning;
    /// 4010 and other 837 guides (dental) are errors and are skipped; other transaction sets
    /// (835, 270...) are noted as info and skipped. A 999 acknowledgment (005010X231A1, as
    /// `claimlint ack` writes) is read for its envelopes alone, without a note.
    /// ## Why it matters
    /// Payers accept 837s only under the guide their companion document names (for Medicare
    /// and HIPAA, the 5010 A1/A2 errata). A 4010 file or a wrong GS08 is rejected whole.
    /// ## Example
    /// `GS*HC*SENDER*RECEIVER*20260105*1200*1*X*004010X098A1~`
    /// ## Fix
    /// Produce 5010 and name the guide in GS08 and ST03:
    /// `GS*HC*SENDER*RECEIVER*20260105*1200*1*X*005010X222A1~`, `ST*837*0001*005010X222A1~`.
    code: ENV005, name: "unsupported-transaction", severity: Error, snip: 1,
    check: Envelope(no_interchange_part, unsupported_transaction),
}

/// How a transaction set is to be read, and what to say about it.
pub struct Verdict {
    pub kind: Option<Kind>,
    pub notes: Vec<(Severity, Loc, String, Option<String>)>,
}

const SUPPORTED: &str = "005010X222A1 (837P) and 005010X223A2 (837I)";

/// Decides the guide for one transaction set from GS and ST. The engine models a set only when
/// `kind` is `Some`.
pub fn classify(gs: Option<&Segment<'_>>, st: &Segment<'_>) -> Verdict {
    let mut notes = Vec::new();
    let el_loc = |s: &Segment<'_>, n: usize| s.element_raw(n).map_or(s.loc(), |e| e.loc());
    // A 999 (005010X231A1) in group FA is what `claimlint ack` writes: its envelopes are read
    // and checked like any other, and it is not an 837 to note.
    if st.value(1) == b"999"
        && gs.is_none_or(|g| g.value(1) == b"FA")
        && matches!(st.value(3), b"" | b"005010X231A1")
    {
        return Verdict { kind: None, notes };
    }
    if st.value(1) != b"837" {
        notes.push((
            Severity::Info,
            el_loc(st, 1),
            format!(
                "transaction set {} is not an 837 claim; it was skipped",
                text(st, 1)
            ),
            None,
        ));
        return Verdict { kind: None, notes };
    }
    if let Some(gs) = gs
        && gs.value(1) != b"HC"
    {
        notes.push((
            Severity::Error,
            el_loc(gs, 1),
            format!(
                "GS01 is `{}`; an 837 must be in a functional group with GS01 = HC",
                text(gs, 1)
            ),
            Some("write GS01 as HC".into()),
        ));
    }
    let gs08 = gs.map(|g| g.value(8)).filter(|v| !v.is_empty());
    let st03 = Some(st.value(3)).filter(|v| !v.is_empty());
    if let (Some(a), Some(b), Some(gs)) = (st03, gs08, gs)
        && a != b
    {
        notes.push((
            Severity::Error,
            el_loc(st, 3),
            format!(
                "ST03 `{}` differs from GS08 `{}`",
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(b)
            ),
            Some(format!(
                "write the same guide in both; GS08 is `{}`",
                text(gs, 8)
            )),
        ));
    }
    let Some(version) = st03.or(gs08) else {
        notes.push((
            Severity::Error,
            el_loc(st, 3),
            "neither ST03 nor GS08 names the implementation guide".into(),
            Some(format!("write ST03 as one of {SUPPORTED}")),
        ));
        return Verdict { kind: None, notes };
    };
    let at = if st03.is_some() {
        el_loc(st, 3)
    } else {
        gs.map_or(st.loc(), |g| el_loc(g, 8))
    };
    let v = String::from_utf8_lossy(version);
    let kind = match version {
        b"005010X222A1" => Some(Kind::Professional),
        b"005010X223A2" => Some(Kind::Institutional),
        b"005010X222" | b"005010X222A2" => {
            notes.push((
                Severity::Warning,
                at,
                format!("guide {v} is read as 005010X222A1, the closest supported release"),
                Some(
                    "name 005010X222A1 in GS08 and ST03 unless the receiver asked for this release"
                        .into(),
                ),
            ));
            Some(Kind::Professional)
        }
        b"005010X223" | b"005010X223A1" | b"005010X223A3" => {
            notes.push((
                Severity::Warning,
                at,
                format!("guide {v} is read as 005010X223A2, the closest supported release"),
                Some(
                    "name 005010X223A2 in GS08 and ST03 unless the receiver asked for this release"
                        .into(),
                ),
            ));
            Some(Kind::Institutional)
        }
        v4010 if v4010.starts_with(b"00401") => {
            notes.push((Severity::Error, at, format!("{v} is a 4010 guide, retired for HIPAA claims since 2012; claimlint reads {SUPPORTED}; the transaction set was skipped"), Some("produce the claim in 5010 (005010X222A1 or 005010X223A2)".into())));
            None
        }
        _ => {
            notes.push((Severity::Error, at, format!("{v} is not a supported 837 guide (claimlint reads {SUPPORTED}); the transaction set was skipped"), None));
            None
        }
    };
    Verdict { kind, notes }
}

/// Everything ENV005 judges is per transaction set.
fn no_interchange_part(_: &crate::x12::envelope::Interchange<'_>, _: &mut Ctx<'_>) {}

fn unsupported_transaction(gs: Option<&Segment<'_>>, tx: &TxFrame<'_>, cx: &mut Ctx<'_>) {
    let configured = cx.severity;
    for (severity, loc, message, help) in classify(gs, &tx.st).notes {
        let d = cx.report(loc, message);
        d.help = help;
        // The catalog's warning and info cases stay below whatever level is configured.
        d.severity = severity.min(configured);
        d.context.transaction = Some(text(&tx.st, 2));
    }
}

#[test]
fn cases() {
    use crate::rules::test::{Case::*, check_cases};
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
        ],
    );
}
