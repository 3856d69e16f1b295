use crate::{Ctx, declare_rule};
use claimlint_x12::envelope::Scan;
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Warns when a control number repeats within the input: the same ISA13 from the same sender
    /// (ISA06), the same GS06 twice in one interchange, or the same ST02 twice in one group.
    /// ## Why it matters
    /// Receivers discard an interchange whose control number they have already seen from that
    /// sender as a duplicate submission, and acknowledgments cannot be matched to the right
    /// transaction set when ST02 repeats.
    /// ## Example
    /// Two transaction sets in one group, both `ST*837*0001*005010X222A1~`.
    /// ## Fix
    /// Number them uniquely: `ST*837*0001*...~` and `ST*837*0002*...~`.
    code: ENV006, name: "duplicate-control-number", severity: Warning, snip: 1,
    x999: BySegment(&[("ST", TransactionSet("23"))]),
    ta1: BySegment(&[("ISA", Code("025"))]),
    check: File(duplicate_control_number),
}

fn duplicate_control_number(scan: &Scan<'_>, cx: &mut Ctx<'_>) {
    let mut isa13: HashMap<(&[u8], &[u8]), u32> = HashMap::new();
    for ic in &scan.interchanges {
        let key = (ic.header.elements[5], ic.header.elements[12]);
        if let Some(first) = isa13.insert(key, ic.isa.position) {
            let loc = ic.isa.element_raw(13).map_or(ic.isa.loc(), |e| e.loc());
            cx.report(
                loc,
                format!(
                    "ISA13 `{}` from sender `{}` was already used by the ISA at segment {first}",
                    String::from_utf8_lossy(key.1),
                    String::from_utf8_lossy(key.0).trim_end()
                ),
            )
            .help("give every interchange from one sender its own ISA13");
        }
        let mut gs06: HashMap<&[u8], u32> = HashMap::new();
        for g in &ic.groups {
            if let Some(gs) = &g.gs
                && let Some(first) = gs06.insert(gs.value(6), gs.position)
            {
                let loc = gs.element_raw(6).map_or(gs.loc(), |e| e.loc());
                cx.report(loc, format!("GS06 `{}` was already used by the GS at segment {first} of this interchange", String::from_utf8_lossy(gs.value(6))))
                        .help("number the functional groups of an interchange uniquely");
            }
            let mut st02: HashMap<&[u8], usize> = HashMap::new();
            for tx in &g.transactions {
                // The copies made at scan time: the ST bytes themselves may be paged out by now.
                if let Some(first) = st02.insert(&tx.st02, tx.start) {
                    cx.report(tx.st02_loc, format!("ST02 `{}` was already used by the transaction set at byte {first} of this group", String::from_utf8_lossy(&tx.st02)))
                        .help("number the transaction sets of a group uniquely");
                }
            }
        }
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &ENV006,
        &[Pass(""), Whole(&crate::test::two_st_same_st02(), true)],
    );
}
