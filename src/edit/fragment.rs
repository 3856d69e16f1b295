//! Checking a fragment: a paste that starts inside a transaction set, at a loop (RULES.md,
//! after ENV011). A paste that starts at ST or GS is the envelope scan's (it reads it as a
//! fragment itself); one that starts at an HL (2000A/B/C), a CLM (2300) or an LX (2400) is
//! wrapped here in a stand-in ST, header and parent loops (and an SE when it has none),
//! checked, and the findings mapped back to the pasted text: offsets, positions (segment 1 is
//! the paste's first), line and column. Findings on the stand-ins are left out; the missing
//! envelope is the one ENV001 the scan reports for the stand-in ST, moved to the paste's first
//! segment. The walker and validator are not touched: this is the input layer's job.

use claimlint_diagnostic::Diagnostic;
use claimlint_rules::LintSettings;
use claimlint_rules::engine::{self, Outcome, Tally};
use claimlint_rules::folded;
use claimlint_rules::tx_cache::{self, TxCache};
use claimlint_x12::Delimiters;

/// Where a fragment starts, outermost first: each needs the stand-ins of those before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Start {
    /// HL with HL03 = 20.
    BillingProvider,
    /// HL with HL03 = 22.
    Subscriber,
    /// HL with HL03 = 23.
    Patient,
    /// CLM.
    Claim,
    /// LX.
    Line,
}

impl Start {
    /// The loop the fragment starts in, for the ENV001 message.
    pub fn loop_id(self) -> &'static str {
        match self {
            Start::BillingProvider => "2000A",
            Start::Subscriber => "2000B",
            Start::Patient => "2000C",
            Start::Claim => "2300",
            Start::Line => "2400",
        }
    }
}

/// A fragment wrapped for checking, and how to map its findings back.
#[derive(Debug, Clone)]
pub struct Wrapped {
    pub bytes: Vec<u8>,
    pub start: Start,
    pub delims: Delimiters,
    /// Bytes of stand-in before the paste.
    prefix: usize,
    /// Stand-in segments before the paste (ST = 1).
    before: u32,
    /// Length of the paste.
    len: usize,
    /// The paste's first segment: its id and length, for ENV001.
    first: (claimlint_diagnostic::SegId, usize),
}

/// The first segment's id, its element separator and the rest after the separator.
fn first_segment(text: &[u8]) -> Option<(&[u8], u8, &[u8])> {
    let id_len = text.iter().position(|b| !b.is_ascii_alphanumeric())?;
    let sep = *text.get(id_len)?;
    if !(2..=3).contains(&id_len) || sep.is_ascii_whitespace() || sep == b'~' {
        return None;
    }
    Some((&text[..id_len], sep, &text[id_len + 1..]))
}

/// Where a paste starts, when it starts at a loop this module wraps.
fn start_of(id: &[u8], sep: u8, rest: &[u8]) -> Option<Start> {
    let mut values = rest.split(|&b| b == sep);
    let first = values.next()?;
    let digits = |v: &[u8]| !v.is_empty() && v.iter().all(u8::is_ascii_digit);
    // An id in lower case (`clm*`) is the id it spells, as in a whole file (SYN001).
    match id.to_ascii_uppercase().as_slice() {
        b"HL" if digits(first) => match values.nth(1)? {
            [b'2', b'0', ..] => Some(Start::BillingProvider),
            [b'2', b'2', ..] => Some(Start::Subscriber),
            [b'2', b'3', ..] => Some(Start::Patient),
            _ => None,
        },
        b"CLM" => Some(Start::Claim),
        b"LX" if first.first().is_some_and(u8::is_ascii_digit) => Some(Start::Line),
        _ => None,
    }
}

/// The terminator a paste evidently uses: the byte ending its first line when that is
/// punctuation (`~`, `'`), else `~` when it has one, else a line break.
fn terminator(text: &[u8], element: u8) -> u8 {
    let line = text.split(|&b| b == b'\n').next().unwrap_or(text);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match line.last() {
        Some(&b) if b.is_ascii_punctuation() && b != element && text.contains(&b'\n') => b,
        _ if text.contains(&b'~') => b'~',
        _ => b'\n',
    }
}

/// The segments of `text` as byte slices, leading line breaks trimmed.
fn segments(text: &[u8], end: u8) -> impl Iterator<Item = &[u8]> {
    text.split(move |&b| b == end)
        .map(|s| {
            let from = s.iter().position(|b| !b.is_ascii_whitespace());
            from.map_or(&s[s.len()..], |f| &s[f..])
        })
        .filter(|s| !s.is_empty())
}

/// What the stand-ins take from the paste: the latest date (BHT04 must not be before a
/// date of service), whether it is an 837I, HL numbers, and whether it has its own SE.
#[derive(Debug, Default)]
struct Facts {
    latest: Option<String>,
    institutional: bool,
    first_hl: Option<(u32, u32)>,
    se_control: Option<String>,
}

fn facts(text: &[u8], d: &Delimiters) -> Facts {
    let mut f = Facts::default();
    for seg in segments(text, d.segment) {
        let mut el = seg.split(|&b| b == d.element);
        let id = el.next().unwrap_or_default().to_ascii_uppercase();
        let values: Vec<&[u8]> = el.collect();
        let value = |n: usize| values.get(n - 1).copied().unwrap_or_default();
        let number = |n: usize| std::str::from_utf8(value(n)).ok()?.parse::<u32>().ok();
        match id.as_slice() {
            b"DTP" => {
                for date in value(3).split(|&b| b == b'-') {
                    let date = String::from_utf8_lossy(date).into_owned();
                    let is_date = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
                    if is_date && f.latest.as_ref().is_none_or(|l| *l < date) {
                        f.latest = Some(date);
                    }
                }
            }
            b"SV2" | b"CL1" => f.institutional = true,
            b"CLM" if value(5).split(|&b| b == d.component).nth(1) == Some(b"A") => {
                f.institutional = true
            }
            b"HL" if f.first_hl.is_none() => {
                f.first_hl = Some((number(1).unwrap_or(1), number(2).unwrap_or(0)))
            }
            b"SE" => f.se_control = Some(String::from_utf8_lossy(value(2)).into_owned()),
            _ => {}
        }
    }
    f
}

/// The stand-in segments before a paste that starts at `start`, each without terminator.
fn stand_ins(start: Start, f: &Facts) -> Vec<String> {
    let guide = if f.institutional {
        "005010X223A2"
    } else {
        "005010X222A1"
    };
    let control = f.se_control.clone().unwrap_or_else(|| "0001".into());
    let date = f.latest.clone().unwrap_or_else(|| "20250101".into());
    let mut s = vec![
        format!("ST*837*{control}*{guide}"),
        format!("BHT*0019*00*FRAGMENT*{date}*1200*CH"),
        "NM1*41*2*FRAGMENT*****46*FRAGMENT".into(),
        "PER*IC*FRAGMENT*TE*5555551212".into(),
        "NM1*40*2*FRAGMENT*****46*FRAGMENT".into(),
    ];
    // HL numbers that let the paste's first HL follow on (its HL02 names its parent).
    let (first, parent) = f.first_hl.unwrap_or((3, 1));
    let (a, b) = match start {
        Start::Patient => (parent.saturating_sub(1).max(1), parent.max(1)),
        Start::Subscriber => (parent.max(1), first),
        _ => (1, 2),
    };
    if start > Start::BillingProvider {
        s.extend([
            format!("HL*{a}**20*1"),
            "NM1*85*2*FRAGMENT*****XX*1234567893".into(),
            "N3*1 FRAGMENT ST".into(),
            "N4*SPRINGFIELD*IL*627011234".into(),
            "REF*EI*371234567".into(),
        ]);
    }
    if start > Start::Subscriber {
        let (child, relation) = if start == Start::Patient {
            (1, "")
        } else {
            (0, "18")
        };
        s.extend([
            format!("HL*{b}*{a}*22*{child}"),
            format!("SBR*P*{relation}*******CI"),
            "NM1*IL*1*FRAGMENT*PATIENT****MI*FRAGMENT".into(),
            "N3*1 FRAGMENT ST".into(),
            "N4*SPRINGFIELD*IL*627011234".into(),
            "DMG*D8*19500101*F".into(),
            "NM1*PR*2*FRAGMENT*****PI*FRAGMENT".into(),
        ]);
    }
    if start == Start::Line {
        s.extend(claim_stand_in(f.institutional, &date));
    }
    s
}

/// A stand-in claim (2300) for a paste that starts at its service lines.
fn claim_stand_in(institutional: bool, date: &str) -> Vec<String> {
    if institutional {
        vec![
            "CLM*FRAGMENT*0***13:A:1**A*Y*Y".into(),
            format!("DTP*434*RD8*{date}-{date}"),
            "CL1*1*1*01".into(),
            "HI*ABK:R69".into(),
        ]
    } else {
        vec![
            "CLM*FRAGMENT*0***11:B:1*Y*A*Y*Y".into(),
            "HI*ABK:R69".into(),
        ]
    }
}

/// Writes stand-in segments (spelled with `*`, `:`, `~`) in the paste's delimiters.
fn spell(segments: &[String], d: &Delimiters, line_breaks: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for s in segments {
        out.extend(s.bytes().map(|b| match b {
            b'*' => d.element,
            b':' => d.component,
            _ => b,
        }));
        out.push(d.segment);
        if line_breaks && d.segment != b'\n' {
            out.push(b'\n');
        }
    }
    out
}

/// The paste wrapped in stand-ins, when it starts at a loop this module wraps; `None` for
/// anything else (a whole interchange, an ST/GS fragment, text that is not X12).
pub fn wrap(input: &[u8]) -> Option<Wrapped> {
    let lead = input.iter().position(|b| !b.is_ascii_whitespace())?;
    let text = &input[lead..];
    let (id, element, rest) = first_segment(text)?;
    let start = start_of(id, element, rest)?;
    let segment = terminator(text, element);
    let mut probe = b"ST".to_vec();
    probe.extend([element, b'8', b'3', b'7', element, b'1', segment]);
    probe.extend_from_slice(text);
    let delims = claimlint_x12::envelope::fragment_delims(&probe)?;
    let f = facts(text, &delims);
    let before = stand_ins(start, &f);
    let breaks = input.contains(&b'\n');
    let mut bytes = spell(&before, &delims, breaks);
    let prefix = bytes.len();
    bytes.extend_from_slice(input);
    if f.se_control.is_none() {
        if !input.ends_with(&[delims.segment]) && !input.ends_with(b"\n") {
            bytes.push(delims.segment);
        }
        bytes.extend(spell(&["SE*1*0001".to_string()], &delims, breaks));
    }
    let first_len = text
        .iter()
        .position(|&b| b == delims.segment)
        .unwrap_or(text.len());
    Some(Wrapped {
        bytes,
        start,
        delims,
        prefix,
        before: u32::try_from(before.len()).unwrap_or(u32::MAX),
        len: input.len(),
        first: (claimlint_diagnostic::SegId::new(id), lead + first_len),
    })
}

/// The line and column (1-based) of `offset` in `text`.
fn line_column(text: &[u8], offset: usize) -> (u32, u32) {
    let head = &text[..offset.min(text.len())];
    let line = head.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = head.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

impl Wrapped {
    /// Whether a finding on the wrapped bytes stays: it lies in the paste, and is not one
    /// the paste cannot answer (the SE01 count and the first HL's number: what came before
    /// it is not there).
    fn keeps(&self, d: &Diagnostic) -> bool {
        let inside = d.loc.offset >= self.prefix && d.loc.offset < self.prefix + self.len;
        let first_hl = d.loc.position == self.before + 1 && d.loc.segment.as_str() == "HL";
        let unanswerable = (d.code == "ENV003" && d.loc.segment.as_str() == "SE")
            || (d.code == "STR001" && first_hl && d.loc.element == Some(1));
        inside && !unanswerable
    }

    /// The finding moved onto the paste: offsets, positions, line and column.
    fn moved(&self, mut d: Diagnostic, input: &[u8]) -> Diagnostic {
        d.loc.offset -= self.prefix;
        d.loc.position = d.loc.position.saturating_sub(self.before);
        d.covers = d
            .covers
            .map(|(a, b)| (a.saturating_sub(self.before), b.saturating_sub(self.before)));
        d.site = d.site.map(|a| a.saturating_sub(self.before));
        if let Some(fix) = d.fix.as_mut() {
            fix.start = fix.start.saturating_sub(self.prefix);
            fix.end = fix.end.saturating_sub(self.prefix);
        }
        let c = &mut d.context;
        for held in [&mut c.set_at, &mut c.claim_at, &mut c.line_at] {
            *held = held.map(|o| o.saturating_sub(self.prefix));
        }
        if d.context.transaction.as_deref() == Some("0001") {
            d.context.transaction = None;
        }
        (d.line, d.column) = line_column(input, d.loc.offset);
        d
    }

    /// The scan's ENV001 for the stand-in ST, said of the paste's first segment.
    fn envelope_finding(&self, mut d: Diagnostic, input: &[u8]) -> Diagnostic {
        let lead = input
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
        let (id, end) = self.first;
        let c = |b: u8| char::from(b);
        d.message = format!(
            "no ISA segment: the input starts at {} (loop {}), inside a transaction set, without its ST, GS and ISA; it was checked as a fragment inside a stand-in envelope and parent loops (findings on them left out), reading element `{}`, component `{}`, terminator `{}`",
            id.as_str(),
            self.start.loop_id(),
            c(self.delims.element),
            c(self.delims.component),
            c(self.delims.segment).escape_default()
        );
        d.loc.segment = id;
        d.loc.position = 1;
        d.loc.element = None;
        d.loc.component = None;
        d.loc.offset = lead;
        d.loc.length = end - lead;
        d.context = Default::default();
        d.fix = None;
        (d.line, d.column) = line_column(input, lead);
        d
    }

    /// A segment of the wrapped bytes at `offset` and `position`, moved onto the paste:
    /// its offset and position there; `None` for a stand-in segment.
    pub fn to_paste(&self, offset: usize, position: u32) -> Option<(usize, u32)> {
        let inside = offset >= self.prefix && offset < self.prefix + self.len;
        inside.then(|| (offset - self.prefix, position.saturating_sub(self.before)))
    }

    /// The outcome of checking the wrapped bytes, as findings of `input`, the paste.
    pub fn map_back(&self, outcome: Outcome, input: &[u8], max: Option<usize>) -> Outcome {
        let mut kept = Vec::new();
        let mut envelope = None;
        for d in outcome.diagnostics {
            if d.code == "ENV001" && d.loc.offset < self.prefix {
                envelope.get_or_insert_with(|| self.envelope_finding(d, input));
            } else if self.keeps(&d) {
                kept.push(self.moved(d, input));
            }
        }
        kept.extend(envelope);
        kept.sort_by_key(|d| d.loc.offset);
        let mut tally = Tally {
            suppressed: outcome.tally.suppressed,
            ..Tally::default()
        };
        for d in &kept {
            tally.count(d.severity);
        }
        let total = kept.len();
        if let Some(max) = max {
            kept.truncate(max);
        }
        let mut stats = outcome.stats;
        stats.interchanges = 0;
        stats.bytes = input.len() as u64;
        if self.start == Start::Line {
            stats.claims = stats.claims.saturating_sub(1);
        }
        Outcome {
            stats,
            dropped: (total - kept.len()) as u64,
            diagnostics: kept,
            tally,
            ..outcome
        }
    }
}

/// Checks `input`, a whole file or a fragment of one (a paste that starts at a loop is
/// wrapped, checked and mapped back).
pub fn check(input: &[u8], settings: &LintSettings) -> Outcome {
    check_by(input, settings, false, &mut engine::check)
}

/// `check`, reusing the findings of transaction sets unchanged since the last run with
/// `cache` (the language server re-checks this way on every edit; `tx_cache`). A whole file
/// also gets the rules across claims among its own claims, as `claimlint check FILE` does.
pub fn check_cached(input: &[u8], settings: &LintSettings, cache: &mut TxCache) -> Outcome {
    check_by(input, settings, true, &mut |bytes, s| {
        tx_cache::check(bytes, s, cache)
    })
}

/// `run` over `input` unwrapped, or over a fragment wrapped in an envelope; with `across`, a
/// whole file also gets the rules across claims among its own claims (a fragment does not,
/// as in `claimlint check`).
fn check_by(
    input: &[u8],
    settings: &LintSettings,
    across: bool,
    run: &mut dyn FnMut(&[u8], &LintSettings) -> Outcome,
) -> Outcome {
    // A file wrapped at a fixed width is checked unwrapped, its findings moved back onto it
    // (it starts at an ISA, so it is never also a fragment).
    folded::check(input, settings, |input, _| {
        let Some(wrapped) = wrap(input) else {
            let mut outcome = run(input, settings);
            if across {
                claimlint_rules::cross_claim::add_within(&mut outcome, input, settings);
            }
            return outcome;
        };
        let mut uncapped = settings.clone();
        uncapped.max_diagnostics = None;
        let outcome = run(&wrapped.bytes, &uncapped);
        wrapped.map_back(outcome, input, settings.max_diagnostics)
    })
}
