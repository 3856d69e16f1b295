//! The 277CA (005010X214 Health Care Claim Acknowledgment) `claimlint gate` returns for an
//! input interchange: 2000A information source (claimlint, as the clearinghouse `AY`), 2000B
//! information receiver (the 837's submitter, 1000A), 2000C each billing provider (2010AA),
//! 2000D each patient (2010CA, else the subscriber 2010BA), and per claim a 2200D: TRN*2*CLM01,
//! an STC per finding (STC01 from the rule's `x277` declaration, STC12 the rule code and
//! message) or one `A2:20` STC for an accepted claim, and DTP*472 with the dates of service.
//! STC03 is `WQ` (accept) for an accepted claim and `U` (reject) for a rejected one, the two
//! action codes the guide allows (pyx12 4.0.0's 277.5010.X214 map). Formats only.

use super::split::{ClaimSpan, Party, SegWriter, TxLayout};
use super::x999::Stamp;
use claimlint_model::Dec;
use claimlint_rules::X277;
use claimlint_x12::envelope::Interchange;
use claimlint_x12::{Delimiters, Segment};

/// STC12's maximum length (X12 element 933, Free-Form Message Text: 1–264).
const STC12_MAX: usize = 264;

/// One claim's answer.
pub struct ClaimStatus<'l> {
    pub layout: &'l TxLayout,
    pub claim: usize,
    /// Empty for an accepted claim; else each finding's coding and text (`CODE: message`).
    pub findings: Vec<(X277, String)>,
}

/// Characters of the X12 basic and extended character sets (X12.6), less the interchange's
/// delimiters; anything else in copied text becomes a space.
fn clean(value: &str, d: Delimiters, max: usize) -> String {
    let delims = [
        d.element,
        d.component,
        d.segment,
        d.repetition.unwrap_or(d.element),
    ];
    let kept: String = value
        .chars()
        .map(|c| {
            let b = u8::try_from(c).unwrap_or(0);
            let allowed = c.is_ascii_alphanumeric()
                || (c.is_ascii() && b" !\"&'()*+,-./:;?=%@[]_{}\\|<>~^#$".contains(&b));
            if allowed && !delims.contains(&b) {
                c
            } else {
                ' '
            }
        })
        .take(max)
        .collect();
    kept.trim().to_string()
}

/// The 277CA's delimiters: the input's where they are plain punctuation, else `*`, `:`, `~`.
fn delimiters(d: Delimiters) -> Delimiters {
    let usable = |b: u8| b.is_ascii_punctuation();
    if usable(d.element)
        && usable(d.component)
        && usable(d.segment)
        && d.element != d.component
        && d.element != d.segment
        && d.component != d.segment
    {
        Delimiters {
            repetition: d
                .repetition
                .filter(|&r| usable(r) && ![d.element, d.component, d.segment].contains(&r))
                .or(Some(b'^')),
            ..d
        }
    } else {
        Delimiters::USUAL
    }
}

/// The 277CA as it is made, written to its file in pieces (`SegWriter`): an interchange's
/// answer to a large input is not held whole.
struct W<'i, 's> {
    d: Delimiters,
    /// The input the claims' layouts were taken from (their parties are read from it).
    input: &'i [u8],
    out: SegWriter<'s>,
}

impl W<'_, '_> {
    fn seg(&mut self, elements: &[&str]) {
        self.out.seg(elements);
    }

    fn v(&self, s: &str, max: usize) -> String {
        clean(s, self.d, max)
    }
}

fn fixed(value: &[u8], width: usize, d: Delimiters) -> String {
    let s = clean(&String::from_utf8_lossy(value), d, width);
    format!("{s:<width$}")
}

/// A total of charges, as X12 R (`0` when there is none).
fn total<'a>(charges: impl Iterator<Item = &'a str>) -> String {
    let mut sum = Sum::default();
    charges.for_each(|c| sum.add(c));
    sum.to_string()
}

/// A sum of charges as the 277CA writes it: charges that are not numbers are left out, and
/// a sum past what a decimal holds is 0.
#[derive(Clone, Copy)]
pub struct Sum(Option<Dec>);

impl Default for Sum {
    fn default() -> Sum {
        Sum(Dec::parse(b"0"))
    }
}

impl Sum {
    pub fn add(&mut self, charge: &str) {
        if let Some(c) = Dec::parse(charge.as_bytes()) {
            self.0 = self.0.and_then(|a| a.checked_add(c));
        }
    }
}

impl std::fmt::Display for Sum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(s) => write!(f, "{s}"),
            None => f.write_str("0"),
        }
    }
}

/// The claims a 277CA (or one of its 2000C loops) answers, counted: every claim's charge,
/// and the accepted and the rejected ones' number and charges. The interchange's are made
/// before its first claim is written (`Ack::begin`), so no claim is held for them.
#[derive(Clone, Copy, Default)]
pub struct Totals {
    all: Sum,
    accepted: (usize, Sum),
    rejected: (usize, Sum),
}

impl Totals {
    /// Counts a claim of charge CLM02 `charge`, `rejected` or accepted.
    pub fn add(&mut self, charge: &str, rejected: bool) {
        self.all.add(charge);
        let side = if rejected {
            &mut self.rejected
        } else {
            &mut self.accepted
        };
        side.0 += 1;
        side.1.add(charge);
    }

    fn of(claims: &[ClaimStatus<'_>]) -> Totals {
        let mut t = Totals::default();
        for c in claims {
            t.add(charge(c), !c.findings.is_empty());
        }
        t
    }
}

/// The 277CA's ISA: sender and receiver swapped (it goes back to the 837's sender), stamped,
/// test/production as received.
fn write_isa(w: &mut W, ic: &Interchange<'_>, stamp: &Stamp, isa13: &str) {
    let d = w.d;
    let isa = super::x999::reply_isa(ic, stamp, isa13, d, |v, width| fixed(v, width, d));
    w.seg(&isa.each_ref().map(String::as_str));
}

/// The 1000B receiver and 1000A submitter of a transaction set (`TxLayout`'s).
#[derive(Clone, Default)]
pub struct Parties {
    pub receiver: Option<Party>,
    pub submitter: Option<Party>,
}

impl Parties {
    pub fn of(l: &TxLayout) -> Parties {
        Parties {
            receiver: l.receiver.clone(),
            submitter: l.submitter.clone(),
        }
    }
}

/// The 277CA for one input interchange as it is written: `begin` with the interchange's
/// totals, `claims` for each transaction set's answers in turn, `finish`. Nothing of the
/// claims already written is held.
pub struct Ack<'i, 's> {
    w: W<'i, 's>,
    /// The last HL number used (2000C and 2000D loops are numbered on across sets).
    hl: usize,
    /// The answer's ISA13, and GS06 (ISA13 without leading zeros), for the trailers.
    isa13: String,
    gs06: String,
}

/// Where the 277CA of an input interchange comes from and goes: the input and its
/// interchange `ic` (its first group `gs`), the 1000B receiver and the 1000A submitter of
/// its first transaction set with a claim (the 277CA's source and receiver), the stamp and
/// ISA13 of the answer.
pub struct AckOf<'a, 'i> {
    pub input: &'i [u8],
    pub ic: &'a Interchange<'i>,
    pub gs: Option<&'a Segment<'i>>,
    pub parties: &'a Parties,
    pub stamp: &'a Stamp,
    pub isa13: &'a str,
}

impl<'i, 's> Ack<'i, 's> {
    /// Writes the 277CA's envelope and its 2000A and 2000B loops, with `totals` of every claim
    /// it will answer.
    pub fn begin(of: &AckOf<'_, 'i>, totals: &Totals, sink: &'s mut dyn std::io::Write) -> Self {
        let (ic, stamp, isa13) = (of.ic, of.stamp, of.isa13);
        let d = delimiters(ic.delims());
        let mut w = W {
            d,
            input: of.input,
            out: SegWriter::new(d, "\n".to_string(), sink),
        };
        write_isa(&mut w, ic, stamp, isa13);
        let el = |i: usize| ic.header.elements.get(i).copied().unwrap_or_default();
        let gs_text = |n: usize| {
            of.gs
                .map(|g| String::from_utf8_lossy(g.value(n)).trim().to_string())
                .unwrap_or_default()
        };
        let app = |s: String, fallback: &[u8]| {
            let s = clean(&s, d, 15);
            if s.len() >= 2 {
                s
            } else {
                fixed(fallback, 15, d).trim().to_string()
            }
        };
        let (sender, receiver) = (app(gs_text(3), el(7)), app(gs_text(2), el(5)));
        let gs06 = match isa13.trim_start_matches('0') {
            "" => "1",
            g => g,
        };
        w.seg(&[
            "GS",
            "HN",
            &sender,
            &receiver,
            &stamp.date,
            &stamp.time,
            gs06,
            "X",
            "005010X214",
        ]);
        w.out.count = 0;
        w.seg(&["ST", "277", "0001", "005010X214"]);
        w.seg(&["BHT", "0085", "08", gs06, &stamp.date, &stamp.time, "TH"]);
        source_and_receiver(&mut w, of.parties, totals, (stamp, gs06, &sender));
        Ack {
            w,
            hl: 2,
            isa13: isa13.to_string(),
            gs06: gs06.to_string(),
        }
    }

    /// Writes the 2000C, 2000D and 2200D loops answering `claims` (one transaction set's).
    pub fn claims(&mut self, claims: &[ClaimStatus<'_>], stamp: &Stamp) {
        self.hl = providers(&mut self.w, claims, stamp, self.hl);
    }

    /// Ends the 277CA (SE, GE, IEA); the sink's first error, if it had one.
    pub fn finish(mut self) -> std::io::Result<()> {
        let count = (self.w.out.count + 1).to_string();
        self.w.seg(&["SE", &count, "0001"]);
        self.w.seg(&["GE", "1", &self.gs06]);
        self.w.seg(&["IEA", "1", &self.isa13]);
        self.w.out.finish()
    }
}

fn charge<'a>(c: &'a ClaimStatus<'a>) -> &'a str {
    c.layout.claims.get(c.claim).map_or("0", ClaimSpan::charge)
}

/// 2000A/2100A/2200A and 2000B/2100B/2200B.
fn source_and_receiver(
    w: &mut W,
    parties: &Parties,
    totals: &Totals,
    (stamp, trace, sender): (&Stamp, &str, &str),
) {
    let receiver = parties.receiver.clone().unwrap_or_default();
    let submitter = parties.submitter.clone().unwrap_or_default();
    w.seg(&["HL", "1", "", "20", "1"]);
    let source_name = w.v(&receiver.last, 60);
    let source_id = w.v(&receiver.id, 80);
    let (source_name, source_id) = (
        if source_name.is_empty() {
            "CLAIMLINT".to_string()
        } else {
            source_name
        },
        if source_id.is_empty() {
            sender.to_string()
        } else {
            source_id
        },
    );
    w.seg(&[
        "NM1",
        "AY",
        "2",
        &source_name,
        "",
        "",
        "",
        "",
        "46",
        &source_id,
    ]);
    w.seg(&["TRN", "1", trace]);
    w.seg(&["DTP", "050", "D8", &stamp.date]);
    w.seg(&["DTP", "009", "D8", &stamp.date]);
    w.seg(&["HL", "2", "1", "21", "1"]);
    let kind = if submitter.kind == "1" { "1" } else { "2" };
    let (name, id) = (w.v(&submitter.last, 60), w.v(&submitter.id, 80));
    let name = if name.is_empty() {
        "UNKNOWN".to_string()
    } else {
        name
    };
    let id = if id.is_empty() {
        "UNKNOWN".to_string()
    } else {
        id
    };
    let first_name = if kind == "1" {
        w.v(&submitter.first, 35)
    } else {
        String::new()
    };
    w.seg(&["NM1", "41", kind, &name, &first_name, "", "", "", "46", &id]);
    w.seg(&["TRN", "2", trace]);
    let comp = char::from(w.d.component).to_string();
    w.seg(&[
        "STC",
        &["A1", "19", "AY"].join(&comp),
        &stamp.date,
        "WQ",
        &totals.all.to_string(),
    ]);
    counts(w, totals, ("90", "AA"));
}

/// QTY and AMT of accepted and rejected claims (each only when there are some).
fn counts(w: &mut W, totals: &Totals, qualifiers: (&str, &str)) {
    let ((ok, ok_sum), (rejected, rejected_sum)) = (totals.accepted, totals.rejected);
    if ok > 0 {
        w.seg(&["QTY", qualifiers.0, &ok.to_string()]);
    }
    if rejected > 0 {
        w.seg(&["QTY", qualifiers.1, &rejected.to_string()]);
    }
    if ok > 0 {
        w.seg(&["AMT", "YU", &ok_sum.to_string()]);
    }
    if rejected > 0 {
        w.seg(&["AMT", "YY", &rejected_sum.to_string()]);
    }
}

/// Groups claims by a key, in order of first appearance.
fn group_by<'a, K: std::hash::Hash + Eq>(
    claims: &'a [ClaimStatus<'a>],
    key: impl Fn(&ClaimStatus<'_>) -> K,
) -> Vec<Vec<&'a ClaimStatus<'a>>> {
    let mut at: std::collections::HashMap<K, usize> = std::collections::HashMap::new();
    let mut out: Vec<Vec<&ClaimStatus<'_>>> = Vec::new();
    for c in claims {
        let i = *at.entry(key(c)).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        if let Some(group) = out.get_mut(i) {
            group.push(c);
        }
    }
    out
}

fn chain_of(c: &ClaimStatus<'_>) -> Vec<usize> {
    c.layout
        .claims
        .get(c.claim)
        .map(|s| c.layout.chain(s))
        .unwrap_or_default()
}

fn party_at(input: &[u8], c: &ClaimStatus<'_>, outer: bool) -> Party {
    let chain = chain_of(c);
    let h = if outer { chain.first() } else { chain.last() };
    h.and_then(|&h| c.layout.party(input, h))
        .unwrap_or_default()
}

/// 2000C per billing provider, 2000D per patient, 2200D per claim, numbered on from HL
/// `hl`; the last number used.
fn providers(w: &mut W, claims: &[ClaimStatus<'_>], stamp: &Stamp, mut hl: usize) -> usize {
    let by_provider = group_by(claims, |c| {
        (c.layout.st_offset, chain_of(c).first().copied())
    });
    for group in by_provider {
        hl += 1;
        let provider_hl = hl.to_string();
        let p = group
            .first()
            .map(|c| party_at(w.input, c, true))
            .unwrap_or_default();
        w.seg(&["HL", &provider_hl, "2", "19", "1"]);
        provider_name(w, &p);
        w.seg(&["TRN", "1", &provider_hl]);
        let owned: Vec<ClaimStatus<'_>> = group
            .iter()
            .map(|c| ClaimStatus {
                layout: c.layout,
                claim: c.claim,
                findings: c.findings.clone(),
            })
            .collect();
        let comp = char::from(w.d.component).to_string();
        // 2200C's STC02 is not used (005010X214).
        w.seg(&[
            "STC",
            &["A1", "19", "85"].join(&comp),
            "",
            "WQ",
            &total(owned.iter().map(charge)),
        ]);
        counts(w, &Totals::of(&owned), ("QA", "QC"));
        for patient in group_by(&owned, |c| {
            (c.layout.st_offset, chain_of(c).last().copied())
        }) {
            hl += 1;
            w.seg(&["HL", &hl.to_string(), &provider_hl, "PT"]);
            let p = patient
                .first()
                .map(|c| party_at(w.input, c, false))
                .unwrap_or_default();
            let (last, first, id) = (w.v(&p.last, 60), w.v(&p.first, 35), w.v(&p.id, 80));
            let last = if last.is_empty() {
                "UNKNOWN".to_string()
            } else {
                last
            };
            let id = if id.is_empty() {
                "UNKNOWN".to_string()
            } else {
                id
            };
            w.seg(&["NM1", "QC", "1", &last, &first, "", "", "", "MI", &id]);
            for c in patient {
                claim(w, c, stamp);
            }
        }
    }
    hl
}

/// 2100C: NM1*85, the billing provider as the 837 names it (NM108 XX, FI or SV).
fn provider_name(w: &mut W, p: &Party) {
    let kind = if p.kind == "1" { "1" } else { "2" };
    let qualifier = if ["FI", "SV", "XX"].contains(&p.id_qualifier.as_str()) {
        p.id_qualifier.clone()
    } else {
        "XX".to_string()
    };
    let (name, id) = (w.v(&p.last, 60), w.v(&p.id, 80));
    let name = if name.is_empty() {
        "UNKNOWN".to_string()
    } else {
        name
    };
    let id = if id.is_empty() {
        "UNKNOWN".to_string()
    } else {
        id
    };
    let first = if kind == "1" {
        w.v(&p.first, 35)
    } else {
        String::new()
    };
    w.seg(&[
        "NM1", "85", kind, &name, &first, "", "", "", &qualifier, &id,
    ]);
}

/// 2200D: TRN*2*CLM01, the STCs, DTP*472.
fn claim(w: &mut W, c: &ClaimStatus<'_>, stamp: &Stamp) {
    let Some(span) = c.layout.claims.get(c.claim) else {
        return;
    };
    let id = w.v(span.id(), 50);
    w.seg(&["TRN", "2", if id.is_empty() { "UNKNOWN" } else { &id }]);
    let amount = if Dec::parse(span.charge().as_bytes()).is_some() {
        span.charge()
    } else {
        "0"
    };
    let comp = char::from(w.d.component).to_string();
    let stc01 = |x: &X277| {
        let mut parts = vec![x.category, x.status];
        parts.extend(x.entity);
        parts.join(&comp)
    };
    if c.findings.is_empty() {
        w.seg(&[
            "STC",
            &stc01(&claimlint_rules::x277::ACCEPTED),
            &stamp.date,
            "WQ",
            amount,
        ]);
    }
    for (x, message) in &c.findings {
        let text = w.v(message, STC12_MAX);
        w.seg(&[
            "STC",
            &stc01(x),
            &stamp.date,
            "U",
            amount,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            &text,
        ]);
    }
    let date = |d: Option<u32>| d.map(|d| format!("{d:08}"));
    match (date(span.from()), date(span.to())) {
        (Some(f), Some(t)) if f != t => w.seg(&["DTP", "472", "RD8", &format!("{f}-{t}")]),
        (Some(f), _) => w.seg(&["DTP", "472", "D8", &f]),
        _ => w.seg(&["DTP", "472", "D8", &stamp.date]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Delimiters = Delimiters::USUAL;

    #[test]
    fn stc12_text_is_cut_and_keeps_only_x12_characters() {
        // Delimiters, control characters and non-ASCII become spaces.
        assert_eq!(
            clean("NDC004 - NDC 55513*0710:01 ~ é\tok", D, STC12_MAX),
            "NDC004 - NDC 55513 0710 01     ok"
        );
        let long = "X".repeat(400);
        assert_eq!(clean(&long, D, STC12_MAX).len(), 264);
        assert_eq!(clean("   ", D, STC12_MAX), "");
    }

    #[test]
    fn totals_skip_charges_that_are_not_numbers() {
        assert_eq!(total(["10.5", "X1", "2"].into_iter()), "12.5");
        assert_eq!(total(std::iter::empty()), "0");
    }
}
