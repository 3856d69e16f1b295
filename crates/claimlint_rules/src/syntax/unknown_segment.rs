use crate::{Ctx, declare_rule};
use claimlint_diagnostic::{Fix, Loc, Safety};
use claimlint_ig::{self as ig, Guide};
use claimlint_model::Transaction;
use claimlint_x12::envelope::{IssueKind, ScanIssue};

declare_rule! {
    /// ## What it does
    /// Reports a segment whose id the 837 guides do not define anywhere (a typo such as `NM2`,
    /// a segment of another transaction such as `CLP`, or a 4010-only segment), an id written
    /// in lower case (`nm1`), an id followed by the component separator where the element
    /// separator belongs (`HI:BF:4019*BF:79431`), and empty segments (a terminator doubled:
    /// `~~`).
    ///
    /// X12 segment ids are upper case, so `nm1` is not a segment id; but what it was meant to
    /// be is plain, and it is read as `NM1` for everything else: one finding here, not
    /// "unexpected" findings for each segment after it and "missing" for the loop it opens.
    /// Likewise `HI:BF:4019*BF:79431` is read as `HI*BF:4019*BF:79431`, so its diagnoses are
    /// checked, and the help writes it so: removing the segment would delete them.
    /// A misspelled id (`NM2`, `CLN`, `N5`) is the one finding too: the segments after it
    /// are placed in the loop it was meant to open, and the id suggested is the one the
    /// structure expected there (`N5` where 2010AA's N4 belongs: `N4`, not `N3`).
    /// ## Why it matters
    /// A receiver cannot place an unknown segment in the loop structure; the transaction set is
    /// rejected (999 IK3 code 1, unrecognized segment id).
    /// ## Example
    /// `NM2*IL*1*DOE*JANE****MI*1EG4TE5MK73~`
    /// ## Fix
    /// Correct the id: `NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~`. An id in lower case has a
    /// safe fix: `claimlint check --fix` writes it in upper case. The element separator after
    /// an id is an unsafe fix (`--unsafe-fixes`): it changes how the elements are read.
    code: SYN001, name: "unknown-segment", severity: Error, snip: 2,
    // A lower-cased GS, GE or IEA (the only SYN001 on them) is coded as a receiver that
    // reads ids as written sees it: no GE (AK905 3); no IEA (TA105 023, premature end); no
    // GS, so the interchange holds content that is not a functional group (TA105 024,
    // "Invalid Interchange Content (e.g., Invalid GS Segment)", X12 element I18).
    x999: PerFindingElse(Segment("1")),
    ta1: BySegment(&[("IEA", Code("023")), ("GS", Code("024"))]),
    fix: SafeOrUnsafe,
    check: Transaction(unknown_segment),
}

/// Unknown to both 837 guides. A segment of the other guide (SV2 in an 837P, CL1 in an 837P)
/// is known: STR003 reports it as out of place, with a better hint than "unknown".
pub(crate) fn is_known(id: &[u8]) -> bool {
    [Guide::X222A1, Guide::X223A2]
        .into_iter()
        .any(|g| ig::guide(g).is_known_segment_id(id))
}

fn unknown_segment(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    // A segment the guide check (when it has run) placed has an id of that guide: known
    // without a search. Whether it ran changes how fast, not what is found. Asked of the
    // check once, not once per segment (an atomic load each time).
    let placements = tx.ig.get().map_or(&[][..], |ig| &ig.placements[..]);
    // The segments read as another id (`Segment::id_mended`), as the model build noted them:
    // a cursor over their ascending positions answers for each segment without reading it.
    let mut mended = tx.by_id.mended().iter().map(|&k| k as usize).peekable();
    for (index, seg) in tx.segments.iter().enumerate() {
        if mended.next_if_eq(&index).is_some() {
            report_mended(cx, index, seg);
            continue;
        }
        if placements.get(index).is_some_and(|p| p.segment().is_some()) {
            continue;
        }
        let id = seg.id();
        if is_known(id) {
            continue;
        }
        let msg = if id.is_empty() {
            "a segment with no id (an empty segment: a doubled terminator?)".to_string()
        } else {
            format!(
                "`{}` in {} is not a segment of the 837 ({})",
                String::from_utf8_lossy(id),
                super::loop_name(tx, index),
                tx.kind.guide()
            )
        };
        let near = fitting_near(tx, index, seg)
            .or_else(|| expected_near(tx, index, id))
            .or_else(|| near_miss(id));
        let help = match near {
            _ if id.is_empty() => "remove the extra segment terminator".to_string(),
            Some(near) => format!("did you mean `{near}`? otherwise remove the segment"),
            None => "remove the segment; the 837 has no place for it".to_string(),
        };
        super::report_at(cx, index, seg.loc(), msg).help(help);
    }
}

/// SYN001 for segment `index`, read as the id it was meant to be ([`Misread`]): rare, so out
/// of the loop over every segment.
#[cold]
#[inline(never)]
fn report_mended(cx: &mut Ctx<'_>, index: usize, seg: &claimlint_x12::Segment<'_>) {
    let id = seg.id();
    let slipped = seg.slipped_separator().is_some();
    let at = Loc {
        length: id.len() + usize::from(slipped),
        ..seg.loc()
    };
    let misread = Misread {
        written: seg.bytes.get(..id.len()).unwrap_or(id),
        id,
        segment: seg.bytes,
        slipped,
        element: seg.delims.element,
    };
    let (msg, help, fix) = misread.describe(&at);
    let d = super::report_at(cx, index, at, msg).help(help).fix(fix);
    // As `ge` and `iea` are coded: a receiver reading ids as written finds no SE (IK502 2,
    // transaction set trailer missing).
    if id == b"SE" {
        d.ack = Some(claimlint_diagnostic::Ack999::TransactionSet("2"));
    }
}

/// A segment read as the id `id` it was meant to be (its only finding): its id `written` in
/// lower case (`nm1`), or followed by the component separator where the element separator
/// `element` belongs (`slipped`: `HI:BF:4019*BF:79431`, the whole `segment`), or both.
struct Misread<'s> {
    written: &'s [u8],
    id: &'s [u8],
    segment: &'s [u8],
    slipped: bool,
    element: u8,
}

impl Misread<'_> {
    /// The message, help and fix, for the id (and the separator after it, when slipped) at
    /// `at`. Upper-casing an id changes nothing a receiver reads into the claim: a safe fix.
    /// Putting the element separator in place changes how the elements are read (the codes
    /// of `HI:BF:4019*BF:79431` are read at all): an unsafe one, whose help shows the
    /// segment so read.
    fn describe(&self, at: &Loc) -> (String, String, Fix) {
        let id = String::from_utf8_lossy(self.id).into_owned();
        let written = String::from_utf8_lossy(self.written);
        let lower = self.written != self.id;
        if !self.slipped {
            let msg = format!(
                "segment id `{written}` is written in lower case; X12 segment ids are upper case (read as `{id}`)"
            );
            let fix = Fix::replace(at, id.clone(), Safety::Safe);
            return (msg, format!("write `{id}`"), fix);
        }
        let element = char::from(self.element);
        let component = self
            .segment
            .get(self.id.len())
            .map_or(':', |&b| char::from(b));
        let rest = self.segment.get(self.id.len() + 1..).unwrap_or_default();
        let meant = format!("{id}{element}{}", String::from_utf8_lossy(rest));
        let case = if lower {
            " is written in lower case and"
        } else {
            ""
        };
        let msg = format!(
            "segment id `{written}`{case} is followed by the component separator `{component}` \
             where the element separator `{element}` belongs (read as `{id}{element}`)"
        );
        let fix = Fix::replace(at, format!("{id}{element}"), Safety::Unsafe);
        (msg, format!("write `{meant}`"), fix)
    }
}

/// A GS, GE or IEA read as the id it was meant to be (written in lower case, or followed by
/// the component separator), from the envelope scan.
pub(crate) fn report_misread(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>) {
    let IssueKind::MisreadId {
        written,
        id,
        segment,
        slipped,
        element,
    } = issue.kind
    else {
        return;
    };
    let misread = Misread {
        written,
        id,
        segment,
        slipped,
        element,
    };
    let (msg, help, fix) = misread.describe(&issue.loc);
    let d = cx.report(issue.loc, msg).help(help).fix(fix);
    if id == b"GE" {
        d.ack = Some(claimlint_diagnostic::Ack999::Group("3"));
    }
}

/// Empty segments (doubled terminators) the envelope scan found (`rules::envelope::owner`):
/// the lexer drops them before the model is built, so they are reported from the scan.
pub(crate) fn report_empty(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>) {
    let IssueKind::EmptySegments { count, after } = issue.kind else {
        return;
    };
    let what = if count == 1 {
        "an empty segment".to_string()
    } else {
        format!("{count} empty segments in a row")
    };
    cx.report(issue.loc, format!("{what} after segment {after}: a segment terminator follows another with no segment between"))
        .help("remove the doubled segment terminators");
}

/// A known id that differs from `id` in one byte (`NM2` → `NM1`), for the help line.
fn near_miss(id: &[u8]) -> Option<&'static str> {
    [Guide::X222A1, Guide::X223A2].into_iter().find_map(|g| {
        ig::guide(g)
            .segment_ids
            .iter()
            .copied()
            .find(|k| one_off(id, k.as_bytes()))
    })
}

/// Two ids of one length that differ in one letter (`N5` and `N4`) or in two neighbours
/// swapped (`DPT` and `DTP`).
pub(crate) fn one_off(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let differ: Vec<usize> = (0..a.len()).filter(|&k| a.get(k) != b.get(k)).collect();
    match differ[..] {
        [_] => true,
        [i, j] => j == i + 1 && a.get(i) == b.get(j) && a.get(j) == b.get(i),
        _ => false,
    }
}

/// An id the guide accepts where the unknown segment `index` stands (in the loop of the
/// segment before it, or a loop around that one), spelled near it, whose definition there
/// the segment's values fit: `PVT*AT*PXC*…` after 2310A's NM1*71 is the PRV (PRV01 `AT`,
/// PRV02 `PXC`), not the PAT one letter off it; `PVR*BI*PXC*…` in 2000A the PRV, not the PER.
/// Near: one letter off or two neighbours swapped ([`one_off`]), or, for a three-letter id,
/// the same first letter and two others off. The values must fit every code list of the
/// definition and match at least one, so a guess rests on what the segment says.
fn fitting_near(
    tx: &Transaction<'_>,
    index: usize,
    seg: &claimlint_x12::Segment<'_>,
) -> Option<&'static str> {
    let id = seg.id();
    let ig = tx.ig();
    let path = (0..index).rev().find_map(|i| ig.placement(i)?.path())?;
    let near = |k: &[u8]| {
        one_off(id, k)
            || (id.len() == 3
                && k.len() == 3
                && id.first() == k.first()
                && (1..3).filter(|&i| id.get(i) != k.get(i)).count() == 2)
    };
    (0..=path.len())
        .rev()
        .filter_map(|n| ig.guide.loop_at(path.get(..n)?))
        .find_map(|l| {
            l.children.iter().find_map(|node| {
                let def = match node {
                    ig::Node::Segment(s) => *s,
                    ig::Node::Loop(child) => child.starter()?,
                };
                (near(def.id.as_bytes()) && def.codes_fit(seg) && matches_a_code(def, seg))
                    .then_some(def.id)
            })
        })
}

/// Whether a value of `seg` is in the code list of its element in `def` (a qualifier such as
/// PRV02 `PXC`): evidence that `seg` is that segment, beyond fitting where nothing is listed.
fn matches_a_code(def: &ig::SegmentDef, seg: &claimlint_x12::Segment<'_>) -> bool {
    use ig::SegmentView;
    def.elements.iter().enumerate().any(|(k, e)| {
        let value = SegmentView::element(seg, k + 1).unwrap_or_default();
        !e.is_composite()
            && !value.is_empty()
            && e.codes()
                .is_some_and(|c| c.list().is_some() && c.contains(value))
    })
}

/// What the structure expected where the unknown segment `index` stands, when its id is one
/// letter off: the required segment the walk found missing at the next segment (`N5` where
/// 2010AA's N4 belongs), or the opener of the loop the next segment had to be opened without
/// (`HK` before SBR: 2000B's HL). Of the ids one letter off (`N5`: N1, N2, N3, N4…) this is
/// the one meant; `near_miss` merely finds the first.
fn expected_near(tx: &Transaction<'_>, index: usize, id: &[u8]) -> Option<&'static str> {
    // The guide check runs here if no rule ran it yet: only for a file with an unknown id.
    let ig = tx.ig();
    ig.structure.iter().find_map(|issue| {
        let want = match *issue {
            ig::StructureIssue::RequiredMissing {
                id,
                is_loop: false,
                at,
                ..
            } if at == index + 1 => id,
            // A loop missing, or begun without its opener: the opener was meant.
            ig::StructureIssue::RequiredMissing {
                id,
                is_loop: true,
                parent,
                at,
            }
            | ig::StructureIssue::OpenerMissing { id, parent, at, .. }
                if at == index + 1 =>
            {
                ig.guide.find_loop(parent)?.child_loop(id)?.starter()?.id
            }
            _ => return None,
        };
        one_off(id, want.as_bytes()).then_some(want)
    })
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &SYN001,
        &[
            Pass(""),
            PassI(""),
            Edit("N3*12", "NM2*IL*1*DOE", true),
            Edit("N3*12", "n3*12 ELM ST", true),
            Edit("DMG*", "CLP*1*1*100*100", true),
            // A misspelled required segment (the line's DTP*472): the unknown id alone, not
            // also STR002 for the DTP the guide looked for there.
            Edit("DTP*472", "DPT*472*D8*20260115", true),
            Whole(
                &crate::test::P837.replace("N3*12 ELM ST~", "N3*12 ELM ST~~"),
                true,
            ),
        ],
    );
}

/// A known id written in lower case, anywhere from ST to IEA, in either guide, is one SYN001
/// (with the upper-case id as its fix) and is read as that id: nothing else changes, where
/// reading it as unknown gave "unexpected" findings for what follows and "missing" ones for
/// the loop it opens (`nm1*85` in 2010AA: 5 findings; `clm`: 11; `st`: 88).
#[test]
fn lower_case_ids_are_read_as_the_id_they_spell() {
    use crate::test::{I837, P837, run};
    let codes = |text: &str| {
        let mut c: Vec<&'static str> = run(text).iter().map(|d| d.code).collect();
        c.sort_unstable();
        c
    };
    for base in [P837, I837] {
        let plain = codes(base);
        let mut seen = 0;
        for id in claimlint_x12::segment::IDS_837 {
            let Some(at) = base
                .find(&format!("~{id}*"))
                .or_else(|| base.find(&format!("\n{id}*")))
            else {
                continue;
            };
            seen += 1;
            let lower = id.to_ascii_lowercase();
            let text = format!("{}{lower}{}", &base[..=at], &base[at + 1 + id.len()..]);
            let found = run(&text);
            let mut want = plain.clone();
            want.push("SYN001");
            want.sort_unstable();
            assert_eq!(codes(&text), want, "{lower}");
            let d = found.iter().find(|d| d.code == "SYN001").expect("SYN001");
            assert_eq!(d.help.as_deref(), Some(format!("write `{id}`").as_str()));
            assert_eq!(d.loc.length, id.len(), "{lower}: the id is underlined");
            let fix = d.fix.as_ref().expect("a fix");
            assert_eq!(&text[fix.start..fix.end], lower);
            assert_eq!(fix.replacement, *id);
            // A receiver that reads ids as written finds no GE (the group is rejected) and no
            // SE (the set's trailer is missing).
            let ack = match id {
                "GE" => Some(claimlint_diagnostic::Ack999::Group("3")),
                "SE" => Some(claimlint_diagnostic::Ack999::TransactionSet("2")),
                _ => None,
            };
            assert_eq!(d.ack, ack, "{lower}");
        }
        assert!(seen > 15, "{seen}");
    }
    // Mixed case too.
    let text = P837.replacen("\nCLM*", "\nClm*", 1);
    let mut want = codes(P837);
    want.push("SYN001");
    want.sort_unstable();
    assert_eq!(codes(&text), want);
}

/// The id suggested for a misspelled segment is one the guide accepts at that point and
/// whose definition the segment's values fit (unseen-file run F3.4): `PVT*AT*PXC*…` after
/// 2310A's NM1*71 and `PVR*BI*PXC*…` in 2000A are PRV, not PAT or PER; `CLI**2*01` is
/// still CL1.
#[test]
fn the_id_suggested_fits_the_place_and_the_values() {
    use crate::test::{I837, edit, run};
    let help = |text: &str| {
        run(text)
            .into_iter()
            .find(|d| d.code == "SYN001")
            .and_then(|d| d.help)
            .unwrap_or_default()
    };
    let attending = edit(
        I837,
        "NM1*71",
        "NM1*71*1*SMITH*JOHN****XX*1234567893~PVT*AT*PXC*363LP0200N",
    );
    assert_eq!(
        help(&attending),
        "did you mean `PRV`? otherwise remove the segment"
    );
    let billing = edit(
        I837,
        "NM1*85",
        "PVR*BI*PXC*282N00000X~NM1*85*2*GENERAL HOSPITAL*****XX*1234567893",
    );
    assert_eq!(
        help(&billing),
        "did you mean `PRV`? otherwise remove the segment"
    );
    let cl1 = edit(I837, "CL1*", "CLI*1*1*01");
    assert_eq!(
        help(&cl1),
        "did you mean `CL1`? otherwise remove the segment"
    );
}

/// An id of the 837 followed by the component separator where the element separator belongs
/// (`HI:BF:4019*BF:79431` in LinuxForHealth's demo.837i) is one SYN001 whose help is the
/// segment with the separator put right, not "remove the segment" (which would delete the
/// diagnoses). The segment is read as that id, so it is placed and its values are checked (a
/// diagnosis with a decimal point is CODE003), and nothing else is reported: in 837P and
/// 837I, for any id of the guide, the envelope's included, in upper or lower case.
#[test]
fn an_id_followed_by_the_component_separator_is_read_as_that_id() {
    use crate::test::{I837, P837, run};
    let codes = |text: &str| {
        let mut c: Vec<&'static str> = run(text).iter().map(|d| d.code).collect();
        c.sort_unstable();
        c
    };
    for base in [P837, I837] {
        let text = base.replacen("HI*ABK:M810~", "HI:ABK:M810~", 1);
        assert_eq!(codes(&text), ["SYN001"]);
        let found = run(&text);
        let d = &found[0];
        assert_eq!(d.help.as_deref(), Some("write `HI*ABK:M810`"));
        assert_eq!(
            d.message,
            "segment id `HI` is followed by the component separator `:` where the element \
             separator `*` belongs (read as `HI*`)"
        );
        assert_eq!(d.loc.segment.as_str(), "HI");
        let fix = d.fix.as_ref().expect("a fix");
        assert_eq!(
            (&text[fix.start..fix.end], fix.replacement.as_str()),
            ("HI:", "HI*")
        );
        assert_eq!(fix.safety, Safety::Unsafe);
        // Its diagnoses are read: one written with its decimal point is CODE003 (read as
        // unknown, the claim had no principal diagnosis: SIT002).
        let text = base.replacen("HI*ABK:M810~", "HI:ABK:M81.0~", 1);
        assert_eq!(codes(&text), ["CODE003", "SYN001"]);
        let help = run(&text)
            .into_iter()
            .find(|d| d.code == "SYN001")
            .and_then(|d| d.help);
        assert_eq!(help.as_deref(), Some("write `HI*ABK:M81.0`"));
        // In lower case too: one finding for both.
        let text = base.replacen("HI*ABK:M810~", "hi:ABK:M810~", 1);
        assert_eq!(codes(&text), ["SYN001"]);
        let d = &run(&text)[0];
        assert!(
            d.message
                .contains("`hi` is written in lower case and is followed")
        );
        assert_eq!(d.help.as_deref(), Some("write `HI*ABK:M810`"));
        // Other ids, in the envelope too: REF01 is a qualifier, read as such.
        for (from, to) in [
            ("REF*EI*", "REF:EI*"),
            ("NM1*85*", "NM1:85*"),
            ("DTP*472*", "DTP:472*"),
            ("ST*837*", "ST:837*"),
            ("SE*", "SE:"),
            ("GS*HC*", "GS:HC*"),
            ("GE*1*", "GE:1*"),
            ("IEA*1*", "IEA:1*"),
        ] {
            let text = base.replacen(from, to, 1);
            assert_eq!(codes(&text), ["SYN001"], "{to}");
        }
    }
    // An id no 837 has stays unknown, with the help it had: `XYZ*1`, and `XYZ:1`.
    for seg in ["XYZ*1", "XYZ:1"] {
        let text = crate::test::edit(P837, "N3*12", &format!("N3*12 ELM ST~{seg}"));
        let found = run(&text);
        let codes: Vec<&str> = found.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["SYN001"], "{seg}");
        assert_eq!(
            found[0].help.as_deref(),
            Some("remove the segment; the 837 has no place for it")
        );
        let id = seg.split('*').next().unwrap_or(seg);
        let message = &found[0].message;
        assert!(
            message.starts_with(&format!("`{id}` in 2010BA")),
            "{message}"
        );
    }
}
