//! Which guide a transaction set is read with, decided from GS01, GS08 and ST01/ST03. Pure
//! classification: what it finds comes back as typed [`GuideIssue`]s, which ENV005's rule file
//! (`claimlint_rules::envelope::unsupported_transaction`) words and reports. `claimlint tree`
//! and the engine read only [`GuideChoice::kind`].

use crate::Kind;
use claimlint_diagnostic::Loc;
use claimlint_x12::Segment;
use claimlint_x12::slip::Read;

/// How a transaction set is to be read, and what is wrong with its envelope's guide fields.
#[derive(Debug)]
pub struct GuideChoice {
    /// `None`: the set is not modelled (not an 837, or a guide claimlint does not read).
    pub kind: Option<Kind>,
    pub issues: Vec<GuideIssue>,
}

/// A finding about the guide fields; element values are quoted as the input has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuideIssue {
    /// ST01 is not 837 (and not a 999 that `claimlint ack` writes): the set is skipped.
    NotAClaim { at: Loc, st01: String },
    /// ST01 is not 837 (empty, `X`, a value an element left out moved there) while ST03, or
    /// GS08 when ST03 is empty, names an 837 guide: the set is skipped, and that is an error,
    /// not a note about another transaction set.
    St01NotClaim {
        at: Loc,
        st01: String,
        version: String,
    },
    /// GS01 is not HC.
    GroupNotHc { at: Loc, gs01: String },
    /// ST03 and GS08 name different guides.
    Mismatch { at: Loc, st03: String, gs08: String },
    /// Neither ST03 nor GS08 names a guide: the set is skipped.
    NoGuide { at: Loc },
    /// GS08, which X12 requires, is missing or empty while ST03 names the guide: the set is
    /// read with ST03's guide, and the group is one a receiver rejects.
    NoGroupVersion { at: Loc, st03: String },
    /// Another release of a supported guide, read with the closest supported one.
    ClosestRelease {
        at: Loc,
        version: String,
        read_as: Kind,
    },
    /// GS08 or ST03 naming a guide the set is read with (exactly or as the closest release)
    /// with whitespace around it (`005010X222A1 `, as a fixed-width export pads it): read as the
    /// guide, and reported, since a receiver comparing the value exactly rejects it.
    Padded { at: Loc, value: String },
    /// A 4010 guide: the set is skipped.
    Retired4010 { at: Loc, version: String },
    /// Any other guide: the set is skipped.
    Unsupported { at: Loc, version: String },
}

fn text(seg: Read<'_, '_>, n: usize) -> String {
    String::from_utf8_lossy(seg.value(n)).into_owned()
}

/// The GS and ST as meant: each with its separator slip undone, when it has one (`GS**HC*…`,
/// `ST*837**0001*…`: one separator too many, or an element left out), so the guide is read
/// where it belongs (ENV010 and the guide walk report the slip, once).
pub fn envelope_reading<'s, 'a>(
    gs: Option<&'s Segment<'a>>,
    st: &'s Segment<'a>,
) -> (Option<Read<'s, 'a>>, Read<'s, 'a>) {
    let gs = gs.map(|g| Read {
        seg: g,
        slip: crate::gs::slip(g, None),
    });
    (gs, Read::st(st))
}

/// Decides the guide for one transaction set from its GS (when there is one) and ST, each read
/// as meant ([`envelope_reading`]).
pub fn classify(gs: Option<&Segment<'_>>, st: &Segment<'_>) -> GuideChoice {
    let (gs, st) = envelope_reading(gs, st);
    let gs = gs.as_ref();
    let st = &st;
    let mut issues = Vec::new();
    let el_loc = |s: &Read<'_, '_>, n: usize| s.loc(n);
    // A 999 (005010X231A1) in group FA is what `claimlint ack` writes: its envelopes are read
    // and checked like any other, and it is not an 837 to note.
    if st.value(1) == b"999"
        && gs.is_none_or(|g| g.value(1) == b"FA")
        && matches!(st.value(3), b"" | b"005010X231A1")
    {
        return GuideChoice { kind: None, issues };
    }
    if st.value(1) != b"837" {
        issues.push(not_a_claim(gs, st));
        return GuideChoice { kind: None, issues };
    }
    if let Some(gs) = gs
        && gs.value(1) != b"HC"
    {
        issues.push(GuideIssue::GroupNotHc {
            at: el_loc(gs, 1),
            gs01: text(*gs, 1),
        });
    }
    report_padding(gs, st, &mut issues);
    let gs08 = gs
        .map(|g| guide_value(g.value(8)))
        .filter(|v| !v.is_empty());
    let st03 = Some(guide_value(st.value(3))).filter(|v| !v.is_empty());
    compare_versions(gs, st, (st03, gs08), &mut issues);
    let Some(version) = st03.or(gs08) else {
        issues.push(GuideIssue::NoGuide { at: el_loc(st, 3) });
        return GuideChoice { kind: None, issues };
    };
    let at = if st03.is_some() {
        el_loc(st, 3)
    } else {
        gs.map_or(st.seg.loc(), |g| el_loc(g, 8))
    };
    let v = String::from_utf8_lossy(version).into_owned();
    let closest = |read_as: Kind, issues: &mut Vec<GuideIssue>| {
        issues.push(GuideIssue::ClosestRelease {
            at: release_at(gs, gs08 == st03).unwrap_or(at),
            version: v.clone(),
            read_as,
        });
        Some(read_as)
    };
    let kind = match version {
        b"005010X222A1" => Some(Kind::Professional),
        b"005010X223A2" => Some(Kind::Institutional),
        b"005010X222" | b"005010X222A2" => closest(Kind::Professional, &mut issues),
        b"005010X223" | b"005010X223A1" | b"005010X223A3" => {
            closest(Kind::Institutional, &mut issues)
        }
        v4010 if v4010.starts_with(b"00401") => {
            issues.push(GuideIssue::Retired4010 { at, version: v });
            None
        }
        _ => {
            issues.push(GuideIssue::Unsupported { at, version: v });
            None
        }
    };
    GuideChoice { kind, issues }
}

/// Whether a GS08 or ST03 names an 837 professional or institutional guide, 5010 or 4010
/// (`005010X222A1`, `004010X098A1`...), spaces around it aside.
pub fn names_claim_guide(version: &[u8]) -> bool {
    let version = version.trim_ascii();
    [
        &b"005010X222"[..],
        b"005010X223",
        b"004010X098",
        b"004010X096",
    ]
    .iter()
    .any(|p| version.starts_with(p))
}

/// The finding on a set whose ST01 is not 837: a note that another transaction set was
/// skipped, or an error when ST03 (or GS08, ST03 being empty) names an 837 guide, 5010 or
/// 4010: the set calls itself an 837 and its ST01 is wrong.
fn not_a_claim(gs: Option<&Read<'_, '_>>, st: &Read<'_, '_>) -> GuideIssue {
    let at = st.loc(1);
    let st01 = text(*st, 1);
    let declared = Some(st.value(3))
        .filter(|v| !v.is_empty())
        .or_else(|| gs.map(|g| g.value(8)))
        .map(<[u8]>::trim_ascii)
        .unwrap_or_default();
    if names_claim_guide(declared) {
        let version = String::from_utf8_lossy(declared).into_owned();
        GuideIssue::St01NotClaim { at, st01, version }
    } else {
        GuideIssue::NotAClaim { at, st01 }
    }
}

/// ST03 against GS08 (each as [`guide_value`] reads it, `None` when empty): a mismatch, or a
/// GS without the GS08 X12 requires while ST03 names the guide (unless the guide stands in
/// another of the GS's elements: an element left out or one too many moved it, which is
/// ENV010's finding and SYN004's, not a GS08 left out).
fn compare_versions(
    gs: Option<&Read<'_, '_>>,
    st: &Read<'_, '_>,
    (st03, gs08): (Option<&[u8]>, Option<&[u8]>),
    issues: &mut Vec<GuideIssue>,
) {
    let text = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
    match (st03, gs08, gs) {
        (Some(a), Some(b), _) if a != b => issues.push(GuideIssue::Mismatch {
            at: st.loc(3),
            st03: text(a),
            gs08: text(b),
        }),
        (Some(a), _, Some(gs)) if gs.value(8).is_empty() && !guide_elsewhere(gs.seg) => {
            issues.push(GuideIssue::NoGroupVersion {
                at: gs.loc(8),
                st03: text(a),
            });
        }
        _ => {}
    }
}

/// Whether an element of `gs` other than GS08 holds a guide claimlint reads.
fn guide_elsewhere(gs: &Segment<'_>) -> bool {
    (1..=gs.element_count())
        .filter(|&n| n != 8)
        .any(|n| guide_kind(trim_spaces(gs.value(n))).is_some())
}

/// Where a release read as the closest supported one is reported when GS08 names it for the
/// whole group and ST03 repeats it (`same`): on GS08, once (every set reads the same GS, and a
/// repeat of one finding on it is reported once), not on each set's ST03.
fn release_at(gs: Option<&Read<'_, '_>>, same: bool) -> Option<Loc> {
    let gs = gs.filter(|_| same)?;
    Some(gs.loc(8))
}

/// Spaces around a guide in GS08 or ST03, reported once where they are (`Padded`); the guide
/// is read without them, so they neither make GS08 and ST03 differ nor make it unknown.
fn report_padding(gs: Option<&Read<'_, '_>>, st: &Read<'_, '_>, issues: &mut Vec<GuideIssue>) {
    for (seg, n) in [(gs, 8), (Some(st), 3)] {
        let Some(seg) = seg else { continue };
        let value = seg.value(n);
        let bare = trim_spaces(value);
        if bare.len() < value.len() && guide_kind(bare).is_some() {
            issues.push(GuideIssue::Padded {
                at: seg.loc(n),
                value: String::from_utf8_lossy(value).into_owned(),
            });
        }
    }
}

/// The guide GS08 names, read as meant ([`envelope_reading`]) and as [`classify`] reads it:
/// exactly or as the closest release; `None` without a GS or with any other GS08.
pub fn group_guide(gs: Option<&Segment<'_>>, st: &Segment<'_>) -> Option<Kind> {
    let (gs, _) = envelope_reading(gs, st);
    guide_kind(guide_value(gs?.value(8)))
}

/// The kind a guide version is read as, exactly or as the closest release; `None` for any
/// other version.
pub fn guide_kind(version: &[u8]) -> Option<Kind> {
    match version {
        b"005010X222A1" | b"005010X222" | b"005010X222A2" => Some(Kind::Professional),
        b"005010X223A2" | b"005010X223" | b"005010X223A1" | b"005010X223A3" => {
            Some(Kind::Institutional)
        }
        _ => None,
    }
}

/// A GS08/ST03 value as the guide is read from it: without the whitespace around it when what
/// they surround is a guide the set is read with (reported as `GuideIssue::Padded`); any other
/// value as it is. The 999's element numbers and the editor's hover read the guide so too.
pub fn guide_value(value: &[u8]) -> &[u8] {
    let bare = trim_spaces(value);
    if guide_kind(bare).is_some() {
        bare
    } else {
        value
    }
}

/// `value` without the ASCII whitespace (spaces, tabs, line breaks) before and after it; a
/// control character among them is SYN005's too.
fn trim_spaces(value: &[u8]) -> &[u8] {
    value.trim_ascii()
}
