//! X12 999 implementation acknowledgments (005010X231A1): one 999 interchange per input
//! interchange, one ST*999 per functional group received, AK2 per transaction set, IK3/IK4
//! for the errors a 999 can carry, CTX with CLM01 when the error is inside a claim, IK5 and
//! AK9 accept/reject codes. Which rules reach the 999, and as which code, each rule declares
//! (`x999:` in its `declare_rule!`; docs/pipelines.md): SNIP 1–2 and the situational (SNIP 4)
//! rules the TR3's implementation codes describe. Balancing, code-set and payer findings belong in
//! the claim-level 277CA, so they do not reject a transaction set here. Also reads a 999 back
//! (`read`), for the round-trip test and for anyone checking what was sent.
//! Formats only: it never decides what is an error or how a finding is coded; it writes what
//! the rules declared.

use claimlint_diagnostic::{Ack999, Diagnostic, Severity};
use claimlint_ig as ig;
use claimlint_x12::envelope::{self, Group, Interchange, TxFrame};
use claimlint_x12::{Delimiters, Segment};

/// Where a diagnostic goes in a 999: the coding its rule declares (`claimlint_rules::X999`).
pub use claimlint_diagnostic::Ack999 as Mapping;

/// The 999 coding of a diagnostic, or `None` when a 999 does not carry it: interchange-level
/// problems (a TA1's job), and SNIP 3 and 5–7 findings (a 277CA's). Read from the rule's
/// declaration and the finding's own coding, never from its message: rewording a message
/// cannot change a 999.
pub fn mapping(d: &Diagnostic, input: &[u8]) -> Option<Mapping> {
    claimlint_rules::find(d.code)?
        .x999
        .of(d)
        .filter(|_| input.len() >= d.loc.offset)
}

fn element_def(
    d: &Diagnostic,
    guide: Option<&'static ig::GuideDef>,
) -> Option<&'static ig::ElementDef> {
    let e = d.loc.element?;
    let ref_des = match d.loc.component {
        Some(c) => format!("{}{e:02}-{c}", d.loc.segment.as_str()),
        None => format!("{}{e:02}", d.loc.segment.as_str()),
    };
    // Looked up by the diagnostic's own segment id: `GuideDef::find_element` strips trailing
    // digits to find the segment, which loses the `4` of `N4` and the `1` of `NM1`.
    let id = d.loc.segment.as_bytes();
    guide?
        .loops()
        .into_iter()
        .find_map(|l| l.segments(id).find_map(|s| s.element(&ref_des)))
}

/// The date and time a 999 is stamped with. `SOURCE_DATE_EPOCH` (seconds since 1970, UTC)
/// fixes it, so a test or a reproducible pipeline gets the same bytes every run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// CCYYMMDD.
    pub date: String,
    /// HHMM.
    pub time: String,
}

impl Stamp {
    pub fn now() -> Stamp {
        let secs = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .ok()
                    .and_then(|d| i64::try_from(d.as_secs()).ok())
            })
            .unwrap_or(0);
        Stamp::from_unix(secs)
    }

    /// UTC civil date from Unix seconds (Howard Hinnant's days-from-civil, inverted).
    pub fn from_unix(secs: i64) -> Stamp {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Stamp {
            date: format!("{year:04}{month:02}{day:02}"),
            time: format!("{:02}{:02}", rem / 3600, rem % 3600 / 60),
        }
    }
}

/// One acknowledgment file: a 999 for an input interchange claimlint read, or a TA1 rejecting
/// one whose ISA or IEA it could not read (`report::ta1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ack {
    /// ISA13 of the acknowledged interchange, for the file name (`file_control`).
    pub control_number: String,
    /// `999` or `ta1`: the file name's extension.
    pub kind: &'static str,
    pub text: String,
    /// Transaction sets by IK501: accepted (A), accepted with errors noted (E), rejected.
    pub accepted: u32,
    pub noted: u32,
    pub rejected: u32,
    /// Functional groups rejected (AK901 R), or 1 for a TA1 rejecting the interchange.
    pub groups_rejected: u32,
}

impl Ack {
    /// The acknowledged ISA13 as a file name may hold it: its letters and digits.
    pub fn file_control(&self) -> String {
        self.control_number
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect()
    }

    /// Whether the acknowledgment rejects anything.
    pub fn rejects(&self) -> bool {
        self.rejected > 0 || self.groups_rejected > 0
    }
}

/// The acknowledgments of one input, and why any part of it got none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Acknowledgment {
    pub acks: Vec<Ack>,
    /// Interchanges (or the whole input) left unacknowledged, each with the reason.
    pub not_acknowledged: Vec<String>,
}

/// What `acknowledge` is told of the bytes it is done with: a memory-mapped input lets them
/// go (`Input::release`).
pub type Release<'r> = &'r dyn Fn(std::ops::Range<usize>);

/// Writes the 999s (and TA1s) for one input, given its diagnostics (all of them, uncapped).
/// Each transaction set's bytes are handed to `release` once they are read, so a gigabyte
/// input is not held in memory while its acknowledgments are written (issue 15).
pub fn acknowledge(
    input: &[u8],
    diagnostics: &[Diagnostic],
    stamp: &Stamp,
    release: Release<'_>,
) -> Acknowledgment {
    let scan = envelope::scan_releasing(input, release);
    // In offset order, so each set finds its own by a binary search (a filter over all of
    // them per set was quadratic in a large file's findings). They come sorted from a check.
    let sorted;
    let diagnostics = if diagnostics.is_sorted_by_key(|d| d.loc.offset) {
        diagnostics
    } else {
        let mut by_offset = diagnostics.to_vec();
        by_offset.sort_by_key(|d| d.loc.offset);
        sorted = by_offset;
        &sorted[..]
    };
    let mut out = Acknowledgment::default();
    if scan.interchanges.is_empty() {
        match super::ta1::unread_isa(input, diagnostics, stamp) {
            Ok(ack) => out.acks.push(ack),
            Err(why) => out.not_acknowledged.push(why),
        }
        return out;
    }
    for ic in &scan.interchanges {
        if let Some(why) = super::ta1::unaddressable(&ic.header.elements) {
            out.not_acknowledged.push(why);
            continue;
        }
        if let Some(ack) = super::ta1::rejected_envelope(ic, diagnostics, stamp) {
            out.acks.push(ack);
            continue;
        }
        let d = delimiters(ic.delims());
        let unechoable: Vec<String> = ic
            .groups
            .iter()
            .filter_map(|g| unechoable(g, d, release))
            .collect();
        let any_unechoable = !unechoable.is_empty();
        out.not_acknowledged.extend(unechoable);
        match interchange(input, ic, (diagnostics, release), stamp) {
            Some(ack) => out.acks.push(ack),
            None if any_unechoable => {}
            None => out.not_acknowledged.push(format!(
                "interchange {} holds no functional group (GS): there is nothing for a 999 to acknowledge",
                String::from_utf8_lossy(ic.header.elements[12]).trim()
            )),
        }
    }
    out
}

/// AK101: the functional identifier codes a 999 acknowledges (005010X231A1).
const AK101: &[&[u8]] = &[
    b"BE", b"HB", b"HC", b"HI", b"HN", b"HP", b"HR", b"HS", b"RA",
];

/// AK201: the transaction set identifiers a 999 acknowledges (005010X231A1).
const AK201: &[&[u8]] = &[
    b"270", b"271", b"276", b"277", b"278", b"820", b"834", b"835", b"837",
];

/// Why a group cannot be acknowledged in a valid 999: AK101 must echo GS01 as one of the codes
/// the 999 acknowledges and AK102 GS06 as 1–9 digits, AK103 GS08 as 1–12 characters, each
/// AK201 an ST01 the 999 acknowledges, and AK202 ST02 in characters a 999 can carry
/// (005010X231A1). Such a group gets no 999 (ENV010 or the set's own findings report the
/// value); the run fails as "not acknowledged" instead of writing a 999 that pyx12 and payers
/// reject.
fn unechoable(g: &Group<'_>, d: Delimiters, release: Release<'_>) -> Option<String> {
    let gs = meant_gs(g)?;
    let (gs01, gs06) = (gs.value(1), gs.value(6));
    let gs08 = gs.value(8).trim_ascii();
    let id_ok = gs01.len() == 2 && gs01.iter().all(u8::is_ascii_alphanumeric);
    let control_ok = (1..=9).contains(&gs06.len()) && gs06.iter().all(u8::is_ascii_digit);
    let show = |v: &[u8]| format!("{:?}", String::from_utf8_lossy(v));
    if let Some(claimlint_x12::slip::Slip::Unsplit { at: 5, .. }) = gs.slip {
        // GS06 not known: the values alone do not tell where GS05 ends in the one written.
        return Some(format!(
            "functional group GS01 {}: GS06 is not known (GS05 and GS06 run together in {}, \
             ENV010), so AK102 cannot echo it",
            show(gs01),
            show(gs.seg.value(5))
        ));
    }
    if !id_ok || !control_ok {
        return Some(format!(
            "functional group {}: GS01 {} / GS06 {} cannot be echoed in a 999 (AK101 is a 2-character code, AK102 1-9 digits)",
            show(gs06),
            show(gs01),
            show(gs06)
        ));
    }
    let why = if !AK101.contains(&gs01) {
        format!(
            "GS01 {} is not a functional identifier a 999 acknowledges (AK101: BE, HB, HC, HI, HN, HP, HR, HS, RA)",
            show(gs01)
        )
    } else if !(1..=12).contains(&gs08.len()) || !carried(gs08, d) {
        format!(
            "GS08 {} cannot be echoed in a 999 (AK103 is 1-12 characters, none a delimiter)",
            show(gs08)
        )
    } else if let Some(st) = g
        .transactions
        .iter()
        .map(|t| {
            // The ST as meant (a separator slip undone), as AK2 echoes it.
            let st = claimlint_x12::slip::Read::st(&t.st);
            let bad =
                !AK201.contains(&st.value(1)) || !st.value(2).iter().all(|&b| carried(&[b], d));
            release(t.start..t.end);
            bad.then_some(st)
        })
        .find_map(|st| st)
    {
        format!(
            "transaction set ST01 {} / ST02 {} cannot be echoed in a 999 (AK201 is one of 270, 271, 276, 277, 278, 820, 834, 835, 837; AK202 has no delimiter or control character)",
            show(st.value(1)),
            show(st.value(2))
        )
    } else {
        return None;
    };
    Some(format!("functional group {}: {why}", show(gs06)))
}

/// The GS of `g` as meant: with a separator slip undone (`GS**HC*…`, an element left out),
/// which ENV010 reports, so AK1 echoes GS01, GS06 and GS08 (the group the sender numbered),
/// not the values the slip moved there.
fn meant_gs<'s, 'a>(g: &'s Group<'a>) -> Option<claimlint_x12::slip::Read<'s, 'a>> {
    let gs = g.gs.as_ref()?;
    let ge02 = g.ge.as_ref().map(|ge| ge.value(2));
    Some(claimlint_x12::slip::Read {
        seg: gs,
        slip: claimlint_model::gs::slip(gs, ge02),
    })
}

/// Whether a 999 can carry `value` as it is: printable ASCII with no delimiter of the 999 (a
/// 999 has no release character in 5010).
fn carried(value: &[u8], d: Delimiters) -> bool {
    let delims = [
        d.element,
        d.component,
        d.segment,
        d.repetition.unwrap_or(d.element),
    ];
    value
        .iter()
        .all(|b| (0x20..0x7f).contains(b) && !delims.contains(b))
}

/// Builds segments with the acknowledged interchange's own delimiters, so a copied bad value
/// can be checked against exactly the separators it must not contain.
struct Writer {
    d: Delimiters,
    text: String,
    /// Segments since the last ST, for SE01.
    count: u32,
}

impl Writer {
    fn seg(&mut self, elements: &[&str]) {
        // Trailing empty elements are not sent (X12.6: a segment ends after its last value).
        let last = elements.iter().rposition(|e| !e.is_empty()).unwrap_or(0);
        let sep = char::from(self.d.element).to_string();
        self.text
            .push_str(&elements.get(..=last).unwrap_or(elements).join(&sep));
        self.text.push(char::from(self.d.segment));
        if !matches!(self.d.segment, b'\n' | b'\r') {
            self.text.push('\n');
        }
        self.count += 1;
    }

    fn comp(&self, parts: &[&str]) -> String {
        let last = parts.iter().rposition(|e| !e.is_empty()).unwrap_or(0);
        parts
            .get(..=last)
            .unwrap_or(parts)
            .join(&char::from(self.d.component).to_string())
    }

    /// A value copied from the input, or `None` when it holds a delimiter (a 999 has no
    /// release character in 5010) or is empty; at most 99 characters (IK404's maximum).
    fn clean(&self, value: &[u8]) -> Option<String> {
        if value.is_empty() || !carried(value, self.d) {
            return None;
        }
        Some(
            String::from_utf8_lossy(value.get(..99).unwrap_or(value))
                .trim_end()
                .to_string(),
        )
        .filter(|s| !s.is_empty())
    }
}

fn text(seg: Option<&Segment<'_>>, n: usize) -> String {
    seg.map(|s| String::from_utf8_lossy(s.value(n)).trim().to_string())
        .unwrap_or_default()
}

/// An ISA value, padded or cut to its width; a character the 999 cannot carry is dropped.
fn fixed(value: &[u8], width: usize, d: Delimiters) -> String {
    let s = String::from_utf8_lossy(value).trim().to_string();
    let kept = s.bytes().filter(|&b| carried(&[b], d)).take(width);
    format!(
        "{:<width$}",
        String::from_utf8_lossy(&kept.collect::<Vec<u8>>())
    )
}

/// The acknowledged interchange's delimiters where they are usable; where they clash (the
/// input's ENV001/ENV007 findings) the common `*`, `:`, `^`, `~`, so the 999 is always valid.
fn delimiters(d: Delimiters) -> Delimiters {
    let usable = |b: u8| b.is_ascii_punctuation() || b == b'\n' || b == b'\r';
    let [e, c, s] = [d.element, d.component, d.segment];
    let base = if usable(e) && usable(c) && usable(s) && e != c && e != s && c != s {
        d
    } else {
        Delimiters {
            element: b'*',
            component: b':',
            repetition: None,
            segment: b'~',
        }
    };
    let free = |b: u8| {
        usable(b)
            && ![base.element, base.component, base.segment].contains(&b)
            && b != b'\n'
            && b != b'\r'
    };
    let repetition = d
        .repetition
        .filter(|&r| free(r))
        .or_else(|| [b'^', b'{', b'|', b'!'].into_iter().find(|&r| free(r)));
    Delimiters { repetition, ..base }
}

/// GS02/GS03 of the 999 are the input's GS03/GS02; one outside its 2–15 characters (ENV010)
/// or holding a character the 999 cannot carry is replaced by the interchange's ID (ISA08 or
/// ISA06), so the 999 itself stays valid.
fn app_code(code: String, isa_id: &[u8], d: Delimiters) -> String {
    let fits = |s: &str| (2..=15).contains(&s.len()) && carried(s.as_bytes(), d);
    if fits(&code) {
        return code;
    }
    let id = String::from_utf8_lossy(isa_id).trim().to_string();
    if fits(&id) { id } else { "UNKNOWN".to_string() }
}

fn interchange(
    input: &[u8],
    ic: &Interchange<'_>,
    (diagnostics, release): (&[Diagnostic], Release<'_>),
    stamp: &Stamp,
) -> Option<Ack> {
    let d = delimiters(ic.delims());
    let groups: Vec<&Group<'_>> = ic
        .groups
        .iter()
        .filter(|g| g.gs.is_some() && unechoable(g, d, release).is_none())
        .collect();
    if groups.is_empty() {
        return None;
    }
    let (control, control9, group_control) = controls(ic);
    let mut w = Writer {
        d,
        text: String::new(),
        count: 0,
    };
    write_isa(&mut w, ic, stamp, &control9);
    let el = |i: usize| ic.header.elements.get(i).copied().unwrap_or_default();
    // The first group's GS as meant (a separator slip undone): its GS03 and GS02.
    let first = groups.first().and_then(|g| meant_gs(g));
    let meant = |n: usize| {
        first.map_or_else(String::new, |r| {
            String::from_utf8_lossy(r.value(n)).trim().to_string()
        })
    };
    let (receiver, sender) = (app_code(meant(3), el(7), d), app_code(meant(2), el(5), d));
    w.seg(&[
        "GS",
        "FA",
        &receiver,
        &sender,
        &stamp.date,
        &stamp.time,
        &group_control,
        "X",
        "005010X231A1",
    ]);
    let (mut accepted, mut noted, mut rejected, mut groups_rejected) = (0, 0, 0, 0);
    for (i, g) in groups.iter().enumerate() {
        let counts = group(input, &mut w, (g, i + 1), (diagnostics, release));
        accepted += counts.0;
        noted += counts.1;
        rejected += counts.2;
        groups_rejected += u32::from(counts.3);
    }
    w.count = 0;
    w.seg(&["GE", &groups.len().to_string(), &group_control]);
    w.seg(&["IEA", "1", &control9]);
    Some(Ack {
        control_number: control,
        kind: "999",
        text: w.text,
        accepted,
        noted,
        rejected,
        groups_rejected,
    })
}

/// The interchange's ISA13 as received, the 999's ISA13 (ISA13 when it is nine digits, else
/// 000000001) and its GS06 (ISA13 without leading zeros).
fn controls(ic: &Interchange<'_>) -> (String, String, String) {
    let isa13 = ic.header.elements.get(12).copied().unwrap_or_default();
    let control: String = String::from_utf8_lossy(isa13).trim().to_string();
    let control9 = if control.len() == 9 && control.bytes().all(|b| b.is_ascii_digit()) {
        control.clone()
    } else {
        "000000001".to_string()
    };
    let group_control = match control9.trim_start_matches('0') {
        "" => "1".to_string(),
        g => g.to_string(),
    };
    (control, control9, group_control)
}

/// The 999's ISA: sender and receiver swapped (the original receiver, ISA07/08, sends it to
/// the sender), stamped, test/production as received.
fn write_isa(w: &mut Writer, ic: &Interchange<'_>, stamp: &Stamp, control9: &str) {
    let d = w.d;
    let isa = reply_isa(ic, stamp, control9, d, |v, width| fixed(v, width, d));
    // The ISA is fixed-width and keeps its empty-looking elements; `seg` would trim nothing
    // here since ISA16 is set, but the count must not include it.
    w.seg(&isa.each_ref().map(String::as_str));
}

/// The ISA of an acknowledgment answering `ic` (999 or 277CA) with delimiters `d`: the
/// original receiver (ISA07/08) sends it back to the sender (ISA05/06), stamped, under
/// `control`, test or production as received. `fixed` pads an ID to its width, cleaning it
/// the way the writer's own elements are cleaned.
pub(super) fn reply_isa(
    ic: &Interchange<'_>,
    stamp: &Stamp,
    control: &str,
    d: Delimiters,
    fixed: impl Fn(&[u8], usize) -> String,
) -> [String; 17] {
    let el = |i: usize| ic.header.elements.get(i).copied().unwrap_or_default();
    let usage = if el(14) == b"T" { "T" } else { "P" };
    [
        "ISA".into(),
        "00".into(),
        " ".repeat(10),
        "00".into(),
        " ".repeat(10),
        fixed(el(6), 2),
        fixed(el(7), 15),
        fixed(el(4), 2),
        fixed(el(5), 15),
        stamp.date.get(2..).unwrap_or("000101").into(),
        stamp.time.clone(),
        char::from(d.repetition.unwrap_or(b'^')).to_string(),
        "00501".into(),
        control.into(),
        "0".into(),
        usage.into(),
        char::from(d.component).to_string(),
    ]
}

fn in_range(d: &Diagnostic, start: usize, end: usize) -> bool {
    (start..end).contains(&d.loc.offset)
}

/// The guide whose tables give element numbers: the one the set was checked with, which is
/// its own (or the closest supported release), or the other 837 guide when every service line
/// is written in that one (`claimlint_model::written_as`).
fn guide_of(
    input: &[u8],
    tx: &TxFrame<'_>,
    gs: Option<&Segment<'_>>,
) -> Option<&'static ig::GuideDef> {
    use claimlint_model::Kind;
    let st03 = claimlint_x12::slip::Read::st(&tx.st).value(3);
    let v = Some(claimlint_model::guide_value(st03))
        .filter(|v| !v.is_empty())
        .or_else(|| gs.map(|g| claimlint_model::guide_value(g.value(8))))?;
    let declared = if v.starts_with(b"005010X222") {
        Kind::Professional
    } else if v.starts_with(b"005010X223") {
        Kind::Institutional
    } else {
        return None;
    };
    let g = match claimlint_model::written_as(declared, envelope::segments(input, tx)) {
        Kind::Professional => ig::Guide::X222A1,
        Kind::Institutional => ig::Guide::X223A2,
    };
    Some(ig::guide(g))
}

/// The AK905–AK909 codes of a group, and whether any of them is an error: from the findings
/// on its GS and GE, and from a finding inside the group that its rule codes for the group
/// itself (ENV004's set without ST).
fn group_codes(
    input: &[u8],
    g: &Group<'_>,
    diagnostics: &[Diagnostic],
) -> (Vec<&'static str>, bool) {
    let gs = g.gs.as_ref();
    let gs_start = gs.map_or(0, |s| s.offset);
    let gs_end = gs.map_or(0, |s| s.offset + s.bytes.len());
    let ge_range =
        g.ge.as_ref()
            .map_or((0, 0), |s| (s.offset, s.offset + s.bytes.len() + 1));
    let inside = |d: &Diagnostic| {
        matches!(d.ack, Some(Ack999::Group(_))) && gs.is_some() && in_range(d, gs_end, ge_range.0)
    };
    let mut codes: Vec<&'static str> = Vec::new();
    let mut error = false;
    for d in diagnostics.iter().filter(|d| {
        in_range(d, gs_start, gs_end) || in_range(d, ge_range.0, ge_range.1) || inside(d)
    }) {
        if let Some(Mapping::Group(code)) = mapping(d, input) {
            error |= d.severity == Severity::Error;
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
    }
    if gs.is_some() && g.ge.is_none() && !codes.contains(&"3") {
        // As a finding on the GS codes its group at any severity, an error only when it is one.
        if let Some(cut_error) = cut_set(input, g, diagnostics) {
            error |= cut_error;
            codes.push("3");
        }
    }
    (codes, error)
}

/// A group without GE whose set's trailer is missing (IK502 2): one cut left both open, which
/// ENV004 reports as one finding on the set (`group_cut`); the group's GE is missing as well
/// (AK905 3), as a finding of its own on the GS would code it. `Some(whether one such finding
/// is an error)`, at whatever severity it is reported (`--severity ENV004=warning` codes the
/// group as before, with AK9 `E`); `None` when there is none.
fn cut_set(input: &[u8], g: &Group<'_>, diagnostics: &[Diagnostic]) -> Option<bool> {
    let gs = g.gs.as_ref()?;
    let (start, end) = (gs.offset, g.transactions.last().map_or(0, |t| t.end));
    let mut cut = diagnostics.iter().filter(|d| {
        in_range(d, start, end) && mapping(d, input) == Some(Mapping::TransactionSet("2"))
    });
    let first = cut.next()?;
    Some(first.severity == Severity::Error || cut.any(|d| d.severity == Severity::Error))
}

/// Writes one ST*999 for a functional group; returns (accepted, noted, rejected) sets and
/// whether the group is rejected.
fn group(
    input: &[u8],
    w: &mut Writer,
    (g, n): (&Group<'_>, usize),
    (diagnostics, release): (&[Diagnostic], Release<'_>),
) -> (u32, u32, u32, bool) {
    let gs = g.gs.as_ref();
    w.count = 0;
    let st02 = format!("{n:04}");
    w.seg(&["ST", "999", &st02, "005010X231A1"]);
    let meant = meant_gs(g);
    let ak1 = |n: usize| {
        meant.map_or_else(String::new, |r| {
            String::from_utf8_lossy(r.value(n)).trim().to_string()
        })
    };
    w.seg(&["AK1", &ak1(1), &ak1(6), &ak1(8)]);
    let (group_codes, group_error) = group_codes(input, g, diagnostics);
    // A group claimlint does not support (GS01 not HC, a version it does not read, or one a
    // receiver would not match: GS08 padded with spaces, whose sets claimlint still reads)
    // is rejected with each of its sets, as not supported, so no IK5 accepts what the AK9
    // rejects.
    let unsupported = match (group_error, group_codes.first()) {
        (true, Some(&"1")) => Some("1"),
        (true, Some(&"2")) => Some("I6"),
        _ => None,
    };
    let (mut accepted, mut noted, mut rejected) = (0u32, 0u32, 0u32);
    for tx in &g.transactions {
        match transaction(input, w, gs, tx, diagnostics, unsupported) {
            'A' => accepted += 1,
            'E' => noted += 1,
            _ => rejected += 1,
        }
        release(tx.start..tx.end);
    }
    let received = u32::try_from(g.count).unwrap_or(u32::MAX);
    let included =
        g.ge.as_ref()
            .map(|ge| text(Some(ge), 1))
            .filter(|s| !s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or_else(|| received.to_string());
    let ok = accepted + noted;
    let status = if group_error || (received > 0 && ok == 0) {
        "R"
    } else if rejected > 0 {
        "P"
    } else if noted > 0 || !group_codes.is_empty() {
        "E"
    } else {
        "A"
    };
    let mut ak9: Vec<String> = vec![
        "AK9".into(),
        status.into(),
        included,
        received.to_string(),
        ok.to_string(),
    ];
    ak9.extend(group_codes.iter().take(5).map(|c| c.to_string()));
    let refs: Vec<&str> = ak9.iter().map(String::as_str).collect();
    w.seg(&refs);
    let count = (w.count + 1).to_string();
    w.seg(&["SE", &count, &st02]);
    (accepted, noted, rejected, status == "R")
}

/// Writes AK2..IK5 for one transaction set; returns its IK501 code. `unsupported`: the set's
/// group was not read, and the IK502 code that says so.
fn transaction(
    input: &[u8],
    w: &mut Writer,
    gs: Option<&Segment<'_>>,
    tx: &TxFrame<'_>,
    diagnostics: &[Diagnostic],
    unsupported: Option<&'static str>,
) -> char {
    let mut set = SetStatus::default();
    ak2(w, &tx.st, &mut set);
    let guide = guide_of(input, tx, gs);
    // `diagnostics` are in offset order (`acknowledge`): the set's are one run of them.
    let (start, end) = (tx.start, tx.end.max(tx.start + 1));
    let from = diagnostics.partition_point(|d| d.loc.offset < start);
    let to = from + diagnostics[from..].partition_point(|d| d.loc.offset < end);
    let early = early_bht(tx, &diagnostics[..from], &diagnostics[from..to]);
    let strays = strays(tx, diagnostics);
    let in_set = early.iter().chain(&diagnostics[from..to]).chain(&strays);
    code_findings(input, w, guide, in_set, &mut set);
    if let Some(code) = unsupported {
        set.error = true;
        if !set.codes.contains(&code) {
            set.codes.insert(0, code);
        }
    }
    ik5(w, set)
}

/// A BHT written before its ST (the two swapped, `TxFrame::early_bht`): its one finding
/// (STR003, among `before`, the findings before the set's bytes) codes the set as a receiver
/// reads it, its BHT missing (`Diagnostic::ack`), at the place it names (`site`, 2). Taken
/// only when reported (the rule selection and severities decide, as for any finding) and
/// when no finding of the set (`inside`: its STR002, when not suppressed) already codes the
/// missing BHT.
fn early_bht(tx: &TxFrame<'_>, before: &[Diagnostic], inside: &[Diagnostic]) -> Option<Diagnostic> {
    let bht = tx.early_bht?;
    let codes_bht = |d: &Diagnostic| matches!(d.ack, Some(Ack999::Missing { segment: "BHT", .. }));
    if inside.iter().any(codes_bht) {
        return None;
    }
    let d = before
        .iter()
        .rev()
        .take_while(|d| d.loc.offset >= bht.offset)
        .find(|d| d.context.set_at == Some(tx.st.offset) && d.site.is_some() && codes_bht(d))?;
    let mut d = d.clone();
    d.loc.position = d.site?;
    Some(d)
}

/// The findings on segments written outside the set beside it that the set took as its own
/// (`TxFrame::strays_before`, `strays_after`; claimlint_rules' `structure::outside`): each
/// codes the set as a receiver reads it (the segment its gap lacks, at that gap, `site`; or
/// SE01 not its count), so the set is not accepted without it.
fn strays(tx: &TxFrame<'_>, diagnostics: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for locs in [&tx.strays_before, &tx.strays_after] {
        let (Some(first), Some(last)) = (locs.first(), locs.last()) else {
            continue;
        };
        let from = diagnostics.partition_point(|d| d.loc.offset < first.offset);
        let to = diagnostics.partition_point(|d| d.loc.offset <= last.offset);
        for d in diagnostics.get(from..to).unwrap_or_default() {
            if d.context.set_at == Some(tx.st.offset)
                && let Some(site) = d.site
            {
                let mut d = d.clone();
                d.loc.position = site;
                out.push(d);
            }
        }
    }
    // SE01 counting the strays (their ENV003 suppressed, `Diagnostic::site`): a receiver
    // reads the set as written, whose SE01 is not its count (IK5 4).
    let written = u64::from(tx.segment_count) + u64::from(tx.early_bht.is_some());
    let se01 = (tx.se.as_ref()).and_then(|se| std::str::from_utf8(se.value(1)).ok()?.parse().ok());
    if let Some(first) = out.first()
        && se01.is_some_and(|n: u64| n != written)
    {
        let mut d = first.clone();
        d.ack = Some(Ack999::TransactionSet("4"));
        out.push(d);
    }
    out
}

/// What the findings of one transaction set add up to, for its IK5.
#[derive(Default)]
struct SetStatus {
    /// IK502–IK506 codes, in order.
    codes: Vec<&'static str>,
    error: bool,
    warning: bool,
    /// An X12 syntax code was written (IK5 5), an implementation code (IK5 I5).
    syntax: bool,
    implementation: bool,
}

/// AK2 echoing ST01, ST02 and ST03 (ST01 and ST02's characters were checked with the group:
/// `unechoable`). AK202 is AN 4-9 and must echo ST02; an ST02 that does not fit is coded 7 and
/// sent padded (or cut) so the 999 itself stays valid. AK203 is AN 1-35: an ST03 a 999 cannot
/// carry is not echoed (the set's own findings report it).
fn ak2(w: &mut Writer, st: &Segment<'_>, set: &mut SetStatus) {
    // The ST as meant: one separator too many or an element left out undone (the guide walk or
    // ENV002 reports the slip), so AK2 names the set the sender numbered.
    let meant = claimlint_x12::slip::Read::st(st);
    let text = |n: usize| String::from_utf8_lossy(meant.value(n)).trim().to_string();
    let mut st02 = text(2);
    if !(4..=9).contains(&st02.len()) {
        set.codes.push("7");
        st02 = format!("{st02:0>4}").chars().take(9).collect();
    }
    let st03 = Some(text(3)).filter(|v| v.len() <= 35 && carried(v.as_bytes(), w.d));
    w.seg(&["AK2", &text(1), &st02, st03.as_deref().unwrap_or("")]);
}

/// IK3/IK4 for each finding the rules coded, and the set-level codes.
fn code_findings<'d>(
    input: &[u8],
    w: &mut Writer,
    guide: Option<&'static ig::GuideDef>,
    findings: impl Iterator<Item = &'d Diagnostic>,
    set: &mut SetStatus,
) {
    // An IK3 is open while consecutive IK4s name the same segment; `written` keeps two rules
    // that fault one element the same way from writing the same IK4 twice.
    let mut open: Option<(u32, usize)> = None;
    let mut written: Vec<(u32, Option<u8>, Option<u8>, &'static str)> = Vec::new();
    for d in findings {
        let Some(m) = mapping(d, input) else {
            continue;
        };
        // A set coded "not supported" (IK502 1, e.g. not an 837) rejects whatever the
        // finding's severity: claimlint did not read it, so it must not say it accepted it.
        let not_read = m == Mapping::TransactionSet("1");
        if d.severity < Severity::Warning && !not_read {
            continue;
        }
        let is_error = d.severity == Severity::Error || not_read;
        set.error |= is_error;
        set.warning |= !is_error;
        let segment_code = match m {
            Mapping::Segment(code) | Mapping::Element(code) => Some(code),
            Mapping::Missing { .. } => Some("3"),
            Mapping::TransactionSet(_) | Mapping::Group(_) => None,
        };
        if let Some(code) = segment_code
            && !placeable(d)
        {
            // No IK3/IK4 can name where it is: the set says only that segments are in error.
            note(code, &mut set.syntax, &mut set.implementation);
            open = None;
            continue;
        }
        match m {
            Mapping::TransactionSet(code) => {
                if !set.codes.contains(&code) {
                    set.codes.push(code);
                }
                open = None;
            }
            Mapping::Group(_) => {}
            Mapping::Missing { segment, in_loop } => {
                ik3_named(w, d, segment, Some(in_loop), "3");
                open = None;
                note("3", &mut set.syntax, &mut set.implementation);
            }
            Mapping::Segment(code) => {
                // IK304 8 is "segment has data element errors", the IK3 the element findings
                // of one segment share: one IK3 for that segment, not one per finding.
                let shared = code == "8";
                if !(shared && open.is_some_and(|(p, _)| p == d.loc.position)) {
                    ik3(w, d, code);
                }
                open = shared.then_some((d.loc.position, d.loc.offset));
                note(code, &mut set.syntax, &mut set.implementation);
            }
            Mapping::Element(code) => {
                let this = (d.loc.position, d.loc.element, d.loc.component, code);
                if written.contains(&this) {
                    continue;
                }
                written.push(this);
                let key = (d.loc.position, d.loc.offset);
                if open.is_none_or(|(p, _)| p != key.0) {
                    ik3(w, d, "8");
                }
                open = Some(key);
                ik4(w, d, code, input, guide);
                note(code, &mut set.syntax, &mut set.implementation);
            }
        }
    }
}

/// IK5: R when any finding is an error, E when only warnings, A otherwise, with up to five
/// codes (5 / I5 when segments were in error).
fn ik5(w: &mut Writer, mut set: SetStatus) -> char {
    if set.syntax && set.codes.len() < 5 {
        set.codes.push("5");
    }
    if set.implementation && set.codes.len() < 5 {
        set.codes.push("I5");
    }
    let status = if set.error {
        'R'
    } else if set.warning {
        'E'
    } else {
        'A'
    };
    let mut ik5: Vec<String> = vec!["IK5".into(), status.to_string()];
    ik5.extend(set.codes.iter().take(5).map(|c| c.to_string()));
    let refs: Vec<&str> = ik5.iter().map(String::as_str).collect();
    w.seg(&refs);
    status
}

/// Codes starting with `I` are the TR3's implementation codes; the others are X12 syntax.
fn note(code: &str, syntax: &mut bool, implementation: &mut bool) {
    if code.starts_with('I') {
        *implementation = true;
    } else {
        *syntax = true;
    }
}

/// Whether an IK3 (and IK4) can name where `d` is: IK301 is a segment id of 2-3 letters or
/// digits (an empty one is written as ST, the set's first segment), IK302 a position of at
/// most 6 digits, IK401 element and component positions of at most 2 digits.
fn placeable(d: &Diagnostic) -> bool {
    let id = d.loc.segment.as_str();
    let id_ok = id.is_empty()
        || ((2..=3).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric()));
    id_ok
        && d.loc.position <= 999_999
        && d.loc.element.is_none_or(|e| e <= 99)
        && d.loc.component.is_none_or(|c| c <= 99)
}

fn ik3(w: &mut Writer, d: &Diagnostic, code: &str) {
    ik3_named(w, d, d.loc.segment.as_str(), d.context.loop_id, code);
}

/// An IK3 at `d`'s position naming segment `seg` in loop `in_loop`: the finding's own, or a
/// missing segment's ([`Mapping::Missing`]).
fn ik3_named(w: &mut Writer, d: &Diagnostic, seg: &str, in_loop: Option<&str>, code: &str) {
    let seg = if seg.is_empty() { "ST" } else { seg };
    // IK303 is AN 1-4: the TR3 loop number without its letters (2010AA → 2010).
    let loop_id: String = in_loop
        .filter(|l| *l != "HEADER" && *l != "ST")
        .map(|l| l.chars().take(4).collect())
        .unwrap_or_default();
    let position = d.loc.position.max(1).to_string();
    w.seg(&["IK3", seg, &position, &loop_id, code]);
    if let Some(id) = d
        .context
        .claim_id
        .as_deref()
        .and_then(|c| w.clean(c.as_bytes()))
        .filter(|id| id.len() <= 35)
    {
        let ctx = w.comp(&["CLM01", &id]);
        w.seg(&["CTX", &ctx]);
    }
}

fn ik4(
    w: &mut Writer,
    d: &Diagnostic,
    code: &str,
    input: &[u8],
    guide: Option<&'static ig::GuideDef>,
) {
    let position = d
        .loc
        .element
        .map(|e| e.to_string())
        .unwrap_or_else(|| "1".into());
    let component = d.loc.component.map(|c| c.to_string()).unwrap_or_default();
    let c030 = w.comp(&[&position, &component]);
    // IK402 is numeric: a composite's id (C023) is not a data element number.
    let number = element_def(d, guide)
        .map(|e| e.data_ele)
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or("");
    // IK404 copies the bad value, except where it is missing (code 1, 2, I9).
    let bad = if matches!(code, "1" | "2" | "I9") {
        None
    } else {
        input
            .get(d.loc.offset..d.loc.offset.saturating_add(d.loc.length))
            .and_then(|v| w.clean(v))
    };
    w.seg(&["IK4", &c030, number, code, bad.as_deref().unwrap_or("")]);
}

// ---- reading a 999 back ---------------------------------------------------------------------

/// What a 999 says about one transaction set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetAck {
    /// AK202.
    pub control_number: String,
    /// IK501.
    pub status: String,
    /// IK502.. codes.
    pub codes: Vec<String>,
    /// (IK301, IK302, IK304) of each IK3.
    pub segments: Vec<(String, u32, String)>,
    /// (IK401-1, IK403) of each IK4.
    pub elements: Vec<(u8, String)>,
    /// CTX01-2 values where CTX01-1 = CLM01.
    pub claims: Vec<String>,
}

/// What a 999 says about one functional group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupAck {
    /// AK102.
    pub control_number: String,
    pub sets: Vec<SetAck>,
    /// AK901 and AK902..AK904.
    pub status: String,
    pub counts: [u32; 3],
}

/// Reads every ST*999 of an input; other transaction sets are passed over.
pub fn read(input: &[u8]) -> Vec<GroupAck> {
    let scan = envelope::scan(input);
    let mut out = Vec::new();
    for (_, _, tx) in scan
        .transactions()
        .filter(|(_, _, t)| t.st.value(1) == b"999")
    {
        let mut g = GroupAck::default();
        for seg in envelope::segments(input, tx) {
            let v = |n: usize| String::from_utf8_lossy(seg.value(n)).into_owned();
            let num = |n: usize| v(n).parse::<u32>().unwrap_or(0);
            match seg.id() {
                b"AK1" => g.control_number = v(2),
                b"AK2" => g.sets.push(SetAck {
                    control_number: v(2),
                    ..SetAck::default()
                }),
                b"IK3" => {
                    if let Some(s) = g.sets.last_mut() {
                        s.segments.push((v(1), num(2), v(4)));
                    }
                }
                b"IK4" => {
                    let position = seg
                        .element(1)
                        .and_then(|e| e.component(1))
                        .and_then(|c| std::str::from_utf8(c.bytes).ok()?.parse().ok())
                        .unwrap_or(0);
                    if let Some(s) = g.sets.last_mut() {
                        s.elements.push((position, v(3)));
                    }
                }
                b"CTX" => {
                    let ctx = seg.element(1);
                    let name = ctx
                        .and_then(|e| e.component(1))
                        .map(|c| c.text().into_owned());
                    if let (Some("CLM01"), Some(s)) = (name.as_deref(), g.sets.last_mut()) {
                        s.claims.extend(
                            ctx.and_then(|e| e.component(2))
                                .map(|c| c.text().into_owned()),
                        );
                    }
                }
                b"IK5" => {
                    if let Some(s) = g.sets.last_mut() {
                        s.status = v(1);
                        s.codes = (2..=6).map(v).filter(|c| !c.is_empty()).collect();
                    }
                }
                b"AK9" => {
                    g.status = v(1);
                    g.counts = [num(2), num(3), num(4)];
                }
                _ => {}
            }
        }
        out.push(g);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The acknowledgments are the same whether or not bytes are released as they are read,
    /// and every transaction set's bytes are released (issue 15: `claimlint ack` of 1 GB held
    /// it all, 1,071 MiB).
    #[test]
    fn each_set_is_released_and_the_999_is_unchanged() {
        let one = include_str!("../../fixtures/templates/837p.x12");
        let (st, se_end) = (one.find("ST*837").unwrap(), one.find("GE*").unwrap());
        let set = &one[st..se_end];
        let sets: String = (1..=3)
            .map(|n| set.replace("0001", &format!("000{n}")))
            .collect();
        let text = format!(
            "{}{sets}{}",
            &one[..st],
            one[se_end..].replacen("GE*1*", "GE*3*", 1)
        );
        let input = text.as_bytes();
        let o = claimlint_rules::engine::check(input, &claimlint_rules::LintSettings::default());
        let stamp = Stamp::from_unix(1_768_912_440);
        let released = std::cell::RefCell::new(Vec::new());
        let with = acknowledge(input, &o.diagnostics, &stamp, &|r| {
            released.borrow_mut().push(r)
        });
        let without = acknowledge(input, &o.diagnostics, &stamp, &|_| ());
        let texts = |a: &Acknowledgment| a.acks.iter().map(|a| a.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&with), texts(&without));
        assert!(
            texts(&with)[0].contains("AK2*837*0003"),
            "{:?}",
            texts(&with)
        );
        let released = released.into_inner();
        for at in text.match_indices("ST*837").map(|(i, _)| i) {
            assert!(
                released.iter().any(|r| r.contains(&at)),
                "the set at {at} was not released: {released:?}"
            );
        }
    }

    /// A line's DTP*472 written after SE, SE01 counting it: the set takes it (one STR003,
    /// its gap's STR002 and SE01's ENV003 suppressed), and the 999 codes the set as a
    /// receiver reads it: the DTP missing at its gap (IK3 3) and SE01 not the count of the
    /// segments from ST to SE as written (IK5 4). SE01 the count as written: no IK5 4.
    #[test]
    fn a_stray_se01_counts_keeps_ik5_4() {
        let one = include_str!("../../fixtures/templates/837p.x12");
        let date = "DTP*472*D8*20260115~\n";
        let without = one.replacen(date, "", 1);
        let se = without.find("SE*28*0001~\n").unwrap() + "SE*28*0001~\n".len();
        let counted = format!("{}{date}{}", &without[..se], &without[se..]);
        let not_counted = counted.replacen("SE*28*", "SE*27*", 1);
        let ik5 = |text: &str| {
            let input = text.as_bytes();
            let settings = claimlint_rules::LintSettings::default();
            let o = claimlint_rules::engine::check(input, &settings);
            let codes: Vec<&str> = o.diagnostics.iter().map(|d| d.code).collect();
            assert_eq!(codes, ["STR003"], "{text}");
            let stamp = Stamp::from_unix(1_768_912_440);
            let a = acknowledge(input, &o.diagnostics, &stamp, &|_| ());
            let t = a.acks[0].text.clone();
            assert!(t.contains("IK3*DTP*"), "{t}");
            let at = t.find("IK5*").unwrap();
            t[at..at + t[at..].find('~').unwrap()].to_string()
        };
        assert_eq!(ik5(&counted), "IK5*R*4*5");
        assert_eq!(ik5(&not_counted), "IK5*R*5");
    }

    #[test]
    fn stamps_are_utc_civil_dates() {
        assert_eq!(
            Stamp::from_unix(0),
            Stamp {
                date: "19700101".into(),
                time: "0000".into()
            }
        );
        // 2026-01-20 12:34 UTC.
        assert_eq!(
            Stamp::from_unix(1_768_912_440),
            Stamp {
                date: "20260120".into(),
                time: "1234".into()
            }
        );
        // 2024-02-29 23:59 UTC, a leap day.
        assert_eq!(
            Stamp::from_unix(1_709_251_140),
            Stamp {
                date: "20240229".into(),
                time: "2359".into()
            }
        );
    }
}
