//! `claimlint redact`: replaces the PHI of an 837 (names, member and patient ids, dates of
//! birth, addresses, contact details, free text) with fake values, keeping everything the
//! rules read: structure, counts, codes, NDCs, amounts, dates of service, NPIs, payer ids.
//!
//! Each fake has the value's length and, byte by byte, its kind (a letter for a letter, in
//! the same case, a digit for a digit; every other byte, separators and spaces included, is
//! kept), so element lengths, types, offsets and positions do not move and the same findings
//! fire at the same places. It is deterministic: the same value gives the same fake, in one
//! file and across files (duplicate-claim findings still pair up). A date of birth keeps its
//! year and gets a made-up month and day (HIPAA's safe harbour keeps years).

use super::fragment;
use claimlint_model::{Kind, build, classify};
use claimlint_x12::Segment;
use claimlint_x12::envelope;

/// One replacement: the bytes at `offset` become `bytes` (of the same length).
type Edit = (usize, Vec<u8>);

/// FNV-1a over `bytes`, salted: stable across runs, platforms and versions.
fn hash(bytes: &[u8], salt: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ salt;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// SplitMix64: a well-spread number for byte `i` of a value.
fn mix(seed: u64, i: u64) -> u64 {
    let mut z = seed.wrapping_add(i.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The fake of `value`: same length, letters for letters (same case), digits for digits,
/// anything else kept; never the value itself when it has a letter or digit.
pub fn fake(value: &[u8]) -> Vec<u8> {
    for salt in 0..8u64 {
        let seed = hash(value, salt);
        let out: Vec<u8> = value
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                let r = mix(seed, i as u64);
                match b {
                    b'A'..=b'Z' => b'A' + (r % 26) as u8,
                    b'a'..=b'z' => b'a' + (r % 26) as u8,
                    b'0'..=b'9' => b'0' + (r % 10) as u8,
                    _ => b,
                }
            })
            .collect();
        if out != value || !value.iter().any(u8::is_ascii_alphanumeric) {
            return out;
        }
    }
    value.iter().map(|_| b'X').collect()
}

/// A date of birth `CCYYMMDD`: the same year, a made-up month and day (1–28, always a real
/// date). Anything that is not such a date is faked byte by byte.
fn fake_date(value: &[u8]) -> Vec<u8> {
    if value.len() != 8 || !value.iter().all(u8::is_ascii_digit) {
        return fake(value);
    }
    let r = mix(hash(value, 99), 0);
    let (month, day) = (1 + r % 12, 1 + (r >> 8) % 28);
    let mut out = value[..4].to_vec();
    out.extend(format!("{month:02}{day:02}").bytes());
    out
}

/// The edit that fakes element `n` (component `comp` when given) of `seg`, if it has a value.
fn fake_element(seg: &Segment<'_>, n: usize, comp: Option<usize>, date: bool) -> Option<Edit> {
    let e = seg.element(n)?;
    let e = match comp {
        Some(c) => e.component(c)?,
        None => e,
    };
    let bytes = if date {
        fake_date(e.bytes)
    } else {
        fake(e.bytes)
    };
    Some((e.offset, bytes))
}

/// NM108 qualifiers whose NM109 identifies a person: member id, SSN, standard unique health
/// id, mutually defined (often a member id).
const PERSON_IDS: &[&[u8]] = &[b"MI", b"34", b"II", b"ZZ"];
/// REF01 qualifiers whose REF02 identifies a patient or subscriber: SSN, member id, medical
/// record number, patient id numbers, Medicare HIC number, group/policy numbers.
const PERSON_REFS: &[&[u8]] = &[
    b"SY", b"1W", b"EA", b"Y4", b"23", b"IG", b"F6", b"3H", b"1L", b"6P", b"SG",
];
/// Loops of the subscriber and the patient, whose ZIP codes are PHI.
const PERSON_LOOPS: &[&str] = &["2010BA", "2010CA", "2330A"];

/// Whether either 837 guide defines the segment id.
fn known(id: &[u8]) -> bool {
    use claimlint_ig::{Guide, guide};
    id == b"ST"
        || id == b"SE"
        || [Guide::X222A1, Guide::X223A2]
            .into_iter()
            .any(|g| guide(g).is_known_segment_id(id))
}

/// The PHI of one segment, by segment id and qualifier; `place` is its loop.
fn segment_edits(seg: &Segment<'_>, place: Option<&str>, out: &mut Vec<Edit>) {
    let mut take = |n: usize, comp: Option<usize>, date: bool| {
        out.extend(fake_element(seg, n, comp, date));
    };
    let id = seg.id();
    if !known(id) {
        // A segment the guides do not define (a misspelt `NM31`, a lost id): nothing reads
        // its values, and they may be anything, so every one is faked.
        (1..=seg.element_count()).for_each(|n| take(n, None, false));
        return;
    }
    match id {
        b"NM1" => {
            if seg.value(2) == b"1" {
                [3, 4, 5, 7].into_iter().for_each(|n| take(n, None, false));
            }
            if PERSON_IDS.contains(&seg.value(8)) {
                take(9, None, false);
            }
        }
        b"N3" => [1, 2].into_iter().for_each(|n| take(n, None, false)),
        b"N4" => {
            take(1, None, false);
            if place.is_some_and(|p| PERSON_LOOPS.contains(&p)) {
                take(3, None, false);
            }
        }
        b"DMG" => take(2, None, true),
        b"REF" if PERSON_REFS.contains(&seg.value(1)) => take(2, None, false),
        b"CLM" => take(1, None, false),
        b"SBR" => [3, 4].into_iter().for_each(|n| take(n, None, false)),
        b"PER" => [2, 4, 6, 8].into_iter().for_each(|n| take(n, None, false)),
        b"NTE" => take(2, None, false),
        b"K3" => take(1, None, false),
        b"SV1" | b"SV2" => take(if id == b"SV1" { 1 } else { 2 }, Some(7), false),
        _ => {}
    }
}

/// The edits of every transaction set of `bytes` (the envelopes carry no PHI), and of the
/// text outside the interchanges (a header before the ISA, a trailer after the IEA), which
/// is not X12 and may name anyone: its letters and digits are masked (`X`, `x`, `0`).
fn edits(bytes: &[u8]) -> Vec<Edit> {
    let scan = envelope::scan(bytes);
    let mut out = Vec::new();
    if !scan.interchanges.is_empty() {
        let mut from = 0;
        for ic in &scan.interchanges {
            out.extend(masked(bytes, from, ic.isa.offset));
            from = ic.iea.as_ref().map_or(bytes.len(), |iea| {
                (iea.offset + iea.bytes.len() + 1).min(bytes.len())
            });
        }
        out.extend(masked(bytes, from, bytes.len()));
    }
    for g in scan.groups() {
        for t in &g.transactions {
            let segments: Vec<Segment<'_>> = envelope::segments(bytes, t).collect();
            let kind: Option<Kind> = classify(g.gs.as_ref(), &t.st).kind;
            let tx = kind.map(|k| build(k, segments.clone()));
            for (i, seg) in segments.iter().enumerate() {
                let place = tx.as_ref().and_then(|tx| tx.loop_of(i));
                segment_edits(seg, place, &mut out);
            }
        }
    }
    out
}

/// The edit masking the letters and digits of `bytes[from..to]`, when it has any.
fn masked(bytes: &[u8], from: usize, to: usize) -> Option<Edit> {
    let text = bytes.get(from..to)?;
    text.iter().any(u8::is_ascii_alphanumeric).then(|| {
        let mask = text
            .iter()
            .map(|&b| match b {
                b'A'..=b'Z' => b'X',
                b'a'..=b'z' => b'x',
                b'0'..=b'9' => b'0',
                other => other,
            })
            .collect();
        (from, mask)
    })
}

/// `input` with its PHI replaced; the same length, byte for byte outside the faked values.
/// A fragment (docs/fragments.md) is redacted as pasted.
pub fn redact(input: &[u8]) -> Vec<u8> {
    // A file wrapped at a fixed width: its values are read unwrapped (a name the wrap cuts is
    // still one name), and the redacted bytes, of the same length, wrapped as they were.
    if let Some(fold) = claimlint_x12::folded::Folding::of(input) {
        return fold.fold(&redact(&fold.unfold(input)));
    }
    let mut out = input.to_vec();
    let edits: Vec<Edit> = match fragment::wrap(input) {
        Some(w) => edits(&w.bytes)
            .into_iter()
            .filter_map(|(at, b)| Some((w.to_paste(at, 0)?.0, b)))
            .collect(),
        None => edits(input),
    };
    for (at, bytes) in edits {
        if let Some(target) = out.get_mut(at..at + bytes.len()) {
            target.copy_from_slice(&bytes);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fakes_keep_length_and_kind_and_are_consistent() {
        let f = fake(b"O'Brien-Smith 3");
        assert_eq!(f.len(), 15);
        assert_eq!((f[1], f[7], f[13]), (b'\'', b'-', b' '));
        assert!(f[0].is_ascii_uppercase() && f[3].is_ascii_lowercase() && f[14].is_ascii_digit());
        assert_eq!(fake(b"DOE"), fake(b"DOE"));
        assert_ne!(fake(b"DOE"), b"DOE");
        let d = fake_date(b"19450312");
        assert_eq!(&d[..4], b"1945");
        assert_ne!(d, b"19450312");
    }
}
