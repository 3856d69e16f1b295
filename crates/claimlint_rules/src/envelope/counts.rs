use super::slips;
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::{Fix, Safety};
use claimlint_x12::envelope::{Interchange, TxFrame};
use claimlint_x12::slip::{Read, Slip};

declare_rule! {
    /// ## What it does
    /// Checks the counts in the trailers: SE01 must equal the number of segments from ST to SE
    /// inclusive, GE01 the number of transaction sets in the group, and IEA01 the number of
    /// functional groups in the interchange. A trailer whose count a separator slip displaced
    /// (`SE*0001`: SE01 left out; `GE**1*1`: one `*` too many; `SE*280001`: the count and the
    /// control number run together, the `*` between them left out) is one finding here naming
    /// the slip, its help the trailer as meant, which is read so (not also ENV002 for the
    /// control number the slip moved, nor SYN004 or SYN007). A value that merely fails
    /// (`SE*270001` in a set of 28 segments) is no slip: it is reported as written.
    /// ## Why it matters
    /// Receivers use the counts to detect lost or added segments; a wrong count rejects the
    /// transaction set (999 IK5*R with AK9 code 5) or the whole group.
    /// ## Example
    /// `SE*25*0001~` closing a transaction set of 34 segments.
    /// ## Fix
    /// Count ST and SE themselves: `SE*34*0001~`. A safe fix: `claimlint check --fix` writes
    /// the count.
    code: ENV003, name: "count-mismatch", severity: Error, snip: 1,
    x999: BySegment(&[("SE", TransactionSet("4")), ("GE", Group("5"))]),
    ta1: BySegment(&[("IEA", Code("021"))]),
    fix: Safe,
    check: Envelope(counts, transaction_count),
}

pub(crate) fn number(bytes: &[u8]) -> Option<u64> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

fn counts(ic: &Interchange<'_>, cx: &mut Ctx<'_>) {
    // A transaction set outside any group is ENV004's (ST without GS): IEA01 probably counts
    // the group whose GS is missing, so a mismatch would be the same defect twice.
    let gs_missing = ic.groups.iter().any(|g| g.gs.is_none());
    if let Some(iea) = slips::iea(ic).filter(|_| !gs_missing) {
        let _ = check(
            cx,
            iea,
            ic.groups.iter().filter(|g| g.gs.is_some()).count() as u64,
            ("functional group (GS)", "functional groups (GS)"),
            "in the interchange",
        );
    }
    for g in &ic.groups {
        // A set whose ST is missing (ENV004) is one GE01 counted, and an ST written twice
        // (ENV004) one it did not: not a second finding.
        let excused = |ge01: Option<u64>| {
            let counted = |headless: usize, bare: usize| {
                Some((g.count + headless).saturating_sub(bare) as u64)
            };
            (g.headless > 0 || g.bare > 0)
                && [(g.headless, 0), (0, g.bare), (g.headless, g.bare)]
                    .iter()
                    .any(|&(h, b)| ge01 == counted(h, b))
        };
        if let (Some(_), Some(ge)) = (&g.gs, slips::ge(g))
            && !excused(number(ge.value(1)))
        {
            let _ = check(
                cx,
                ge,
                g.count as u64,
                ("transaction set (ST)", "transaction sets (ST)"),
                "in the group",
            );
        }
    }
}

fn transaction_count(_gs: Option<&claimlint_x12::Segment<'_>>, tx: &TxFrame<'_>, cx: &mut Ctx<'_>) {
    // An ST written twice (ENV004) that SE01 counted as well: one slip, one finding.
    let doubled = |se: &claimlint_x12::slip::Read<'_, '_>| {
        tx.st_doubled && number(se.value(1)) == Some(u64::from(tx.segment_count) + 1)
    };
    // A BHT written right before ST (the two swapped) is the set's, one segment early: SE01
    // counts it, and the count to write is the set's once it is moved.
    let (early, place) = match tx.early_bht {
        Some(_) => (1, "from ST to SE inclusive, with the BHT written before ST"),
        None => (0, "from ST to SE inclusive"),
    };
    if let Some(se) = slips::se(tx).filter(|se| !doubled(se))
        && let Some(d) = check(
            cx,
            se,
            u64::from(tx.segment_count) + early,
            ("segment", "segments"),
            place,
        )
    {
        super::in_transaction(d, &tx.st);
    }
}

/// The count of `trailer` (read as meant) against `actual`. A trailer whose count the slip
/// of a separator displaced (`GE**1*1`, `SE*0001`) is that slip's one finding, here; an SE
/// with one separator too many is the guide walk's (SYN007, its help naming the slip).
fn check<'c>(
    cx: &'c mut Ctx<'_>,
    trailer: Read<'_, '_>,
    actual: u64,
    (one, many): (&str, &str),
    place: &str,
) -> Option<&'c mut claimlint_diagnostic::Diagnostic> {
    match trailer.slip {
        Some(Slip::LeftOut(1)) => {
            let fill = actual.to_string();
            return slips::report(cx, trailer, (2, Some(fill.as_bytes())), true);
        }
        // The count and the control number run together (`SE*280001`, `GE*11`): the slip is
        // the count's one finding, on any trailer (not SYN007 for SE02 read empty, nor ENV002).
        Some(Slip::Joined { at: 1, .. }) => {
            return slips::report(cx, trailer, (2, None), true);
        }
        Some(Slip::Extra(1)) if !trailer.seg.is(b"SE") => {
            return slips::report(cx, trailer, (2, None), true);
        }
        _ => {}
    }
    let id = trailer.seg.seg_id();
    let stated = trailer.value(1);
    if number(stated) == Some(actual) {
        return None;
    }
    let trailer = trailer.seg;
    let element = trailer.element_raw(1);
    let loc = element.map_or(trailer.loc(), |e| e.loc());
    let d = cx.report(
        loc,
        format!(
            "{}01 says `{}` but there {} {actual} {} {place}",
            id.as_str(),
            String::from_utf8_lossy(stated),
            if actual == 1 { "is" } else { "are" },
            if actual == 1 { one } else { many }
        ),
    );
    d.help(format!("write {}01 as {actual}", id.as_str()));
    if element.is_some() {
        d.fix(Fix::replace(&loc, actual.to_string(), Safety::Safe));
    }
    cx.out.last_mut()
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &ENV003,
        &[
            Pass(""),
            Edit("SE*", "SE*99*0001", true),
            // SE01 `X` is SYN003's, which suppresses ENV003 (suppress::tests::syntax_before_content).
            Edit("GE*", "GE*2*1", true),
            Edit("IEA*", "IEA*3*000000001", true),
        ],
    );
}
