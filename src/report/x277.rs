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
        Delimiters {
            element: b'*',
            component: b':',
            repetition: Some(b'^'),
            segment: b'~',
        }
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
    let mut sum = Dec::parse(b"0");
    for c in charges.filter_map(|c| Dec::parse(c.as_bytes())) {
        sum = sum.and_then(|a| a.checked_add(c));
    }
    sum.map_or_else(|| "0".to_string(), |s| s.to_string())
}

/// The 277CA's ISA: sender and receiver swapped (it goes back to the 837's sender), stamped,
/// test/production as received.
fn write_isa(w: &mut W, ic: &Interchange<'_>, stamp: &Stamp, isa13: &str) {
    let d = w.d;
    let isa = super::x999::reply_isa(ic, stamp, isa13, d, |v, width| fixed(v, width, d));
    w.seg(&isa.each_ref().map(String::as_str));
}

/// Writes to `sink` the 277CA for input interchange `ic` (its first group `gs`) answering
/// `claims`.
pub fn acknowledgment(
    input: &[u8],
    ic: &Interchange<'_>,
    gs: Option<&Segment<'_>>,
    claims: &[ClaimStatus<'_>],
    stamp: &Stamp,
    isa13: &str,
    sink: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let d = delimiters(ic.delims());
    let mut w = W {
        d,
        input,
        out: SegWriter::new(d, "\n".to_string(), sink),
    };
    write_isa(&mut w, ic, stamp, isa13);
    let el = |i: usize| ic.header.elements.get(i).copied().unwrap_or_default();
    let gs_text = |n: usize| {
        gs.map(|g| String::from_utf8_lossy(g.value(n)).trim().to_string())
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
    source_and_receiver(&mut w, claims, stamp, gs06, &sender);
    providers(&mut w, claims, stamp);
    let count = (w.out.count + 1).to_string();
    w.seg(&["SE", &count, "0001"]);
    w.seg(&["GE", "1", gs06]);
    w.seg(&["IEA", "1", isa13]);
    w.out.finish()
}

fn accepted<'a>(claims: &'a [ClaimStatus<'a>]) -> impl Iterator<Item = &'a ClaimStatus<'a>> {
    claims.iter().filter(|c| c.findings.is_empty())
}

fn charge<'a>(c: &'a ClaimStatus<'a>) -> &'a str {
    c.layout.claims.get(c.claim).map_or("0", ClaimSpan::charge)
}

/// 2000A/2100A/2200A and 2000B/2100B/2200B.
fn source_and_receiver(
    w: &mut W,
    claims: &[ClaimStatus<'_>],
    stamp: &Stamp,
    trace: &str,
    sender: &str,
) {
    let first = claims.first().map(|c| c.layout);
    let receiver = first.and_then(|l| l.receiver.clone()).unwrap_or_default();
    let submitter = first.and_then(|l| l.submitter.clone()).unwrap_or_default();
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
    let all = total(claims.iter().map(charge));
    let comp = char::from(w.d.component).to_string();
    w.seg(&[
        "STC",
        &["A1", "19", "AY"].join(&comp),
        &stamp.date,
        "WQ",
        &all,
    ]);
    counts(w, claims, ("90", "AA"));
}

/// QTY and AMT of accepted and rejected claims (each only when there are some).
fn counts(w: &mut W, claims: &[ClaimStatus<'_>], qualifiers: (&str, &str)) {
    let ok: Vec<&ClaimStatus<'_>> = accepted(claims).collect();
    let rejected: Vec<&ClaimStatus<'_>> =
        claims.iter().filter(|c| !c.findings.is_empty()).collect();
    if !ok.is_empty() {
        w.seg(&["QTY", qualifiers.0, &ok.len().to_string()]);
    }
    if !rejected.is_empty() {
        w.seg(&["QTY", qualifiers.1, &rejected.len().to_string()]);
    }
    if !ok.is_empty() {
        w.seg(&["AMT", "YU", &total(ok.iter().map(|c| charge(c)))]);
    }
    if !rejected.is_empty() {
        w.seg(&["AMT", "YY", &total(rejected.iter().map(|c| charge(c)))]);
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

/// 2000C per billing provider, 2000D per patient, 2200D per claim.
fn providers(w: &mut W, claims: &[ClaimStatus<'_>], stamp: &Stamp) {
    let mut hl = 2;
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
        counts(w, &owned, ("QA", "QC"));
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

    const D: Delimiters = Delimiters {
        element: b'*',
        component: b':',
        repetition: Some(b'^'),
        segment: b'~',
    };

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
