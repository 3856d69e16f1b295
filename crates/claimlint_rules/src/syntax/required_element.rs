use super::{code_list, findings, simple, type_name};
use crate::{Ctx, declare_rule};
use claimlint_ig::ElementIssue;
use claimlint_model::{Indexed, Transaction};

declare_rule! {
    /// ## What it does
    /// Reports an element or component the implementation guide marks Required (R) that is
    /// empty or not written, in a segment that is present (TR3 section 2.2, usage
    /// designators): e.g. CLM05-2, the facility code qualifier, or SBR09. Also a Situational
    /// element whose condition the set itself answers: SBR02 (`18`) of a 2000B that holds a
    /// claim of its own (the patient is the subscriber), N402 of an address in the United
    /// States or Canada (N404 empty, `US` or `CA`), and N403, the ZIP or postal code, of one.
    /// ## Why it matters
    /// A required element missing is a 999 IK4 code 1 rejection of the whole transaction set
    /// at most clearinghouses.
    /// ## Example
    /// `CLM*PAT1001-01*2460***11::1*Y*A*Y*Y~`
    /// ## Fix
    /// Fill the element: `CLM*PAT1001-01*2460***11:B:1*Y*A*Y*Y~`.
    code: SYN007, name: "required-element-missing", severity: Error, snip: 2,
    x999: Always(Element("1")),
    check: Transaction(required_element),
}

fn required_element(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    for f in findings(tx, |e| matches!(e, ElementIssue::RequiredMissing { .. })) {
        let ElementIssue::RequiredMissing { elem, comp } = *f.issue else {
            continue;
        };
        let r = f.ref_des(elem, comp);
        let d = f.element_def(elem, comp);
        let name = d.map_or("", |d| d.name);
        let msg = format!("{r} ({name}) in {} is required but empty", f.loop_name(tx));
        let help = match (
            d.and_then(|d| d.codes()).and_then(|c| c.list()),
            d.and_then(simple),
        ) {
            (Some(list), _) => format!("write {r} as one of: {}", code_list(list)),
            (None, Some((t, min, max))) => {
                format!("write {r}: {}, {min}–{max} characters", type_name(t))
            }
            (None, None) => format!("write {r}"),
        };
        let help = super::st_slip(f.seg, Some(elem))
            .filter(|_| comp == 0)
            .unwrap_or(help);
        // A 2320 CAS with a `*` too many before its reason code, which its payer's balance
        // shows (`CAS*CO**45*20`): the slip is the one error, BAL002 follows.
        let slipped = (elem == 2 && comp == 0)
            .then(|| crate::balancing::cob_payment_mismatch::cas_slipped(tx, f.index))
            .flatten();
        let (help, amt) = match slipped {
            Some((meant, amt)) => (
                format!(
                    "one `*` too many before `{}`: write `{meant}` (read so, the payer's amounts \
                     balance)",
                    String::from_utf8_lossy(f.seg.value(3))
                ),
                Some(amt),
            ),
            None => (help, None),
        };
        let covers = crate::structure::unexpected_segment::covered_amount(tx, amt);
        f.report(cx, f.loc(elem, comp), msg).help(help).covers = covers;
    }
    situational(tx, cx);
}

/// Elements the guide maps mark Situational whose condition the set itself answers, so a
/// value left out is as much an error as a required one's:
/// - SBR02 of a 2000B that holds a claim of its own (not under a 2000C): the patient is the
///   subscriber, and SBR02 must be `18`. The TR3 note, "Required when the subscriber is the
///   same person as the patient" (as printed for 004010X098A1 SBR02,
///   http://www.eedi.net/837004010X098A1/23_837004010X098A1.htm), and Stedi's claim edit for
///   837P and 837I: "if a claim does not include a dependent's information, the subscriber's
///   individual relationship code must be 18"
///   (https://www.stedi.com/changelog/new-claim-edits-invalid-subscriber-individual-relationship-codes).
/// - N402 (and N403, [`address_left_out`]) of an address in the United States or Canada:
///   X12's N4 comment, "N402 is required only if city name (N401) is in the U.S. or Canada"
///   (https://www.stedi.com/edi/x12-004030/segment/N4);
///   N404 is written only for an address outside the United States (its 5010 situational
///   rule, "Required when the address is outside the United States of America. If not
///   required by this implementation guide, do not send.", quoted in X12 RFI 1686,
///   https://x12.org/resources/requests-for-interpretation/rfi-1686-country-code), so an N4
///   without N404, or with `US` or `CA`, is such an address.
fn situational(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    let ig = tx.ig();
    for k in tx.by_id.of_either(Indexed::N4, Indexed::Sbr) {
        let Some(seg) = tx.segments.get(k) else {
            continue;
        };
        // A segment the guide could not place is STR003's (or SYN001's): its elements are not
        // judged, as the guide's own required elements are not. Nor those of one with element
        // findings of its own, which may hold its values out of place (`SBR*P*******MA`, SBR02
        // left out with its separator: the slip's finding is the one error).
        let placed = || ig.is_placed(k) && !ig.has_element_issue(k);
        let found = if seg.is(b"N4") && placed() {
            address_left_out(seg)
        } else if seg.is(b"SBR") && seg.value(2).is_empty() && placed() {
            own_claim(tx, k).map(|claim| Left {
                elem: 2,
                what: "SBR02 (Individual Relationship Code)",
                plural: false,
                why: format!(
                    "the patient is the subscriber (claim {claim} is in this 2000B, not under a 2000C)"
                ),
                help: "write SBR02 as 18 (self)",
            })
        } else {
            None
        };
        let Some(left) = found else {
            continue;
        };
        let is = if left.plural { "are" } else { "is" };
        let msg = format!(
            "{} in {} {is} required when {} but empty",
            left.what,
            super::loop_name(tx, k),
            left.why
        );
        super::report_at(cx, k, seg.element_loc(left.elem), msg).help(left.help);
    }
}

/// A situational element left out whose condition the set answers: the first element (where
/// the finding is), what is missing (`plural`: two elements), why it is required, and the
/// help.
struct Left {
    elem: usize,
    what: &'static str,
    plural: bool,
    why: String,
    help: &'static str,
}

/// N402 and N403 of an N4 whose address is in the United States (N404 empty or `US`) or
/// Canada (`CA`), one finding for both when both are left out. N403: "X12 states that when an
/// address is in the United States or Canada, a ZIP or postal code is required" (Stedi's claim
/// edit for 837P and 837I, https://www.stedi.com/changelog/new-claim-edit-zip-or-postal-code-required-for-u.s.-and-canada-addresses;
/// X12 RFI 1533, https://rfi.x12.org/Request/Details/1533, on the N403 notes of the 837
/// TR3s). An N4 without its city either (`N4~`, `N4**…`) is the required N401's SYN007: the
/// address left out, one omission.
/// Whether `seg` is an N4 that leaves out what its country asks for ([`address_left_out`]):
/// SYN007's situational reading, which the guide's element check does not make. A segment
/// read as moved or mistyped must pass it too, or the move would bring up this finding.
pub(crate) fn address_incomplete(seg: &claimlint_x12::Segment<'_>) -> bool {
    seg.is(b"N4") && address_left_out(seg).is_some()
}

/// Whether segment `index` read as `meant` leaves out a situational element the set asks for
/// ([`situational`]) that it holds as written: a help that shows the segment rewritten
/// (`super::moved_value`) must not bring up this finding.
pub(crate) fn situational_left_out(
    tx: &Transaction<'_>,
    index: usize,
    meant: &claimlint_x12::Segment<'_>,
) -> bool {
    let Some(seg) = tx.segments.get(index) else {
        return false;
    };
    if seg.is(b"N4") {
        return address_incomplete(meant) && !address_incomplete(seg);
    }
    seg.is(b"SBR")
        && meant.value(2).is_empty()
        && !seg.value(2).is_empty()
        && own_claim(tx, index).is_some()
}

fn address_left_out(seg: &claimlint_x12::Segment<'_>) -> Option<Left> {
    let country = seg.value(4);
    if seg.value(1).is_empty() || !matches!(country, b"" | b"US" | b"CA") {
        return None;
    }
    // Written only for an address that leaves something out (most leave nothing).
    let why = || {
        if country.is_empty() {
            "the address is in the United States (N404 is empty)".to_string()
        } else {
            format!(
                "the address is in {} (N404)",
                String::from_utf8_lossy(country)
            )
        }
    };
    let left = |what, elem, plural, help| {
        Some(Left {
            elem,
            what,
            plural,
            why: why(),
            help,
        })
    };
    match (seg.value(2).is_empty(), seg.value(3).is_empty()) {
        (true, true) => left(
            "N402 (State or Province Code) and N403 (Postal Code)",
            2,
            true,
            "write the state's or province's two-letter code in N402 and the ZIP or postal code in N403",
        ),
        (true, false) => left(
            "N402 (State or Province Code)",
            2,
            false,
            "write the state's or province's two-letter code in N402",
        ),
        (false, true) => left(
            "N403 (Postal Code)",
            3,
            false,
            "write the ZIP code (the postal code in Canada) in N403",
        ),
        (false, false) => None,
    }
}

/// The CLM01 of the first claim of the 2000B whose SBR is segment `sbr`, when the 2000B holds
/// one itself (`structure::own_claim`).
fn own_claim(tx: &Transaction<'_>, sbr: usize) -> Option<String> {
    let at = *tx.seg_loop.get(sbr)?;
    let claim = crate::structure::own_claim(tx, at)?;
    Some(
        tx.claims
            .iter()
            .find(|c| c.index == claim)
            .map_or_else(|| "?".into(), |c| c.id_text()),
    )
}

/// A dependent's claim whose 2000C HL is lost (deleted): the PAT and NM1*QC still say the
/// patient is not the subscriber, so SBR02 is not asked for (the lost HL is the one error);
/// an N4 the guide could not place is STR003's alone.
#[test]
fn situational_elements_only_where_the_set_answers() {
    use crate::test::{P837, codes, edit};
    let dependent = P837
        .replacen("HL*2*1*22*0~", "HL*2*1*22*1~", 1)
        .replacen("SBR*P*18*******MB~", "SBR*P********MB~", 1)
        .replacen(
            "NM1*PR*2*MEDICARE PART B*****PI*00952~",
            "NM1*PR*2*MEDICARE PART B*****PI*00952~HL*3*2*23*0~PAT*19~NM1*QC*1*DOE*JOHN~\
             N3*12 ELM ST~N4*SPRINGFIELD*IL*627021234~DMG*D8*20100312*M~",
            1,
        );
    let lost = dependent.replacen("HL*3*2*23*0~", "", 1);
    assert!(!codes(&lost).contains(&"SYN007"), "{:?}", codes(&lost));
    let unplaced = edit(P837, "HI*", "HI*ABK:M810~N4*SPRINGFIELD**627021234");
    assert_eq!(codes(&unplaced), ["STR003"]);
    // A PAT alone is the 2000B's own (a subscriber patient who died or is pregnant): SBR02
    // is still asked for (helper-70).
    let pat = edit(P837, "SBR*", "SBR*P********MB~PAT*********Y");
    assert_eq!(codes(&pat), ["SYN007"]);
    // An N4 left empty is N401's one SYN007, not also N402's.
    let empty = edit(P837, "N4*SPRINGFIELD*IL*62702", "N4");
    assert_eq!(codes(&empty), ["SYN007"]);
    // N403 left out of a US address: SYN007; with N402 too, one SYN007 for both; outside
    // the United States and Canada, nothing.
    let no_zip = edit(P837, "N4*SPRINGFIELD*IL*62702", "N4*SPRINGFIELD*IL");
    assert_eq!(codes(&no_zip), ["SYN007"]);
    let neither = edit(P837, "N4*SPRINGFIELD*IL*62702", "N4*SPRINGFIELD");
    assert_eq!(codes(&neither), ["SYN007"]);
    let abroad = edit(P837, "N4*SPRINGFIELD*IL*62702", "N4*PARIS***FR");
    assert!(!codes(&abroad).contains(&"SYN007"), "{:?}", codes(&abroad));
}
