//! `Claim` (2300), `ServiceLine` (2400, SV1 or SV2) and `DrugLine` (2410 LIN/CTP), filled in by
//! the loop builder. Every field borrows from the input.

use super::value::{Date, DateRange, Dec};
use claimlint_x12::{Element, Segment};

/// One HL segment of the 2000A/B/C hierarchy.
#[derive(Clone, Copy, Debug)]
pub struct Hl<'a> {
    pub seg: Segment<'a>,
    /// Index of the HL segment in `Transaction::segments`.
    pub index: u32,
    /// Whether any HL names this one as its parent.
    pub has_children: bool,
    /// Index of the segment that opened the HL's first claim, if any.
    pub has_claim: bool,
}

/// A diagnosis code from HI, with its qualifier (ABK principal, ABF other, ABJ admitting...).
#[derive(Clone, Copy, Debug)]
pub struct Diagnosis<'a> {
    pub qualifier: Element<'a>,
    pub code: Element<'a>,
    /// 1-based order among the diagnosis codes of the claim (SV107 points at these).
    pub ordinal: u32,
}

#[derive(Clone, Debug)]
pub struct Claim<'a> {
    pub clm: Segment<'a>,
    /// Index of the CLM segment in `Transaction::segments`.
    pub index: u32,
    /// Index one past the claim's last segment.
    pub end: u32,
    pub statement: Option<DateRange>,
    pub service_date: Option<DateRange>,
    pub diagnoses: Vec<Diagnosis<'a>>,
    pub hi: Vec<Segment<'a>>,
    /// Whether the claim's (last) 2300 REF*F8 has a REF02 (the original claim's reference):
    /// only whether is kept, as no rule reads it, and a claim is held for its whole set.
    pub original_ref: bool,
    /// Whether the claim's (last) 2300 REF*G1 has a REF02 (prior authorization).
    pub prior_auth: bool,
    pub billing_npi: Option<Element<'a>>,
    /// The patient's member id: 2010CA NM109 when the patient loop has one (4010), else the
    /// subscriber's (2010BA NM109).
    pub patient_id: Option<Element<'a>>,
    /// When the patient is not the subscriber (a 2000C loop): its 2010CA NM1 and DMG, as
    /// indices into `Transaction::segments`. In 5010 the NM1 carries no id, so two
    /// dependents of one subscriber share `patient_id` and are told apart by name and birth.
    pub patient_name: Option<u32>,
    pub patient_birth: Option<u32>,
    pub lines: Vec<ServiceLine<'a>>,
}

impl<'a> Claim<'a> {
    /// CLM01: the patient control number.
    #[inline]
    pub fn id(&self) -> Option<Element<'a>> {
        self.clm.element(1)
    }

    /// CLM02: the total claim charge.
    #[inline]
    pub fn charge(&self) -> Option<Element<'a>> {
        self.clm.element(2)
    }

    /// CLM05-1: place of service (837P) or facility type code (837I).
    #[inline]
    pub fn facility_code(&self) -> Option<Element<'a>> {
        self.clm.element(5)?.component(1)
    }

    /// CLM05-3: claim frequency type code.
    #[inline]
    pub fn frequency(&self) -> Option<Element<'a>> {
        self.clm.element(5)?.component(3)
    }

    /// The claim's own date for reference-data choice when a line has none.
    #[inline]
    pub fn date(&self) -> Option<Date> {
        self.service_date.or(self.statement).map(|r| r.start)
    }

    /// The index of the segment its first service line begins at, or its end when it has
    /// none: its 2300 segments and its 2310 and 2320 loops lie before it.
    pub fn lines_start(&self) -> u32 {
        self.lines.first().map_or(self.end, |l| l.index)
    }

    /// CLM01 as text, or a placeholder for messages.
    pub fn id_text(&self) -> String {
        self.id()
            .map_or_else(|| "(no CLM01)".to_string(), |e| e.text().into_owned())
    }

    /// 837I type of bill: facility code + frequency, e.g. `131`.
    pub fn bill_type(&self) -> Option<String> {
        let f = self.facility_code()?;
        let q = self
            .frequency()
            .map_or(std::borrow::Cow::Borrowed(""), |e| e.text());
        Some(format!("{}{}", f.text(), q))
    }
}

/// SV101 (837P) or SV202 (837I): the procedure composite.
///
/// Components are kept as their byte ranges in the composite and made into [`Element`]s when
/// asked: a line is held for its whole transaction set, and seven elements would be most of
/// its size.
#[derive(Clone, Copy, Debug)]
pub struct Procedure<'a> {
    pub composite: Element<'a>,
    /// Components 1–7 (qualifier, code, four modifiers, description) as `start..end` in
    /// `composite.bytes`; `start == end` when absent or empty. Two bytes each: a line is held
    /// for its whole transaction set. A composite longer than `u16::MAX` bytes keeps none
    /// and is read with `composite.component(n)` instead (`long`).
    parts: [(u16, u16); 7],
    long: bool,
    /// [`Procedure::hcpcs`] as text, when it is UTF-8: read once here, asked by many rules.
    hcpcs_text: Option<&'a str>,
}

impl<'a> Procedure<'a> {
    pub fn from_composite(composite: Element<'a>) -> Self {
        let mut parts = [(0, 0); 7];
        // One pass over the composite (the ranges `composite.component(n)` gives, n = 1..=7):
        // a component of a component has none; a composite too long for the ranges is read
        // with `component(n)` when asked (`long`).
        let bytes = composite.bytes;
        let long = u16::try_from(bytes.len()).is_err();
        if composite.component.is_none() && !long {
            let sep = composite.delims.component;
            let (mut n, mut start) = (0usize, 0usize);
            for (at, &b) in bytes.iter().enumerate() {
                if b == sep {
                    if let Some(part) = parts.get_mut(n) {
                        *part = (start as u16, at as u16);
                    }
                    n += 1;
                    start = at + 1;
                    if n >= parts.len() {
                        break;
                    }
                }
            }
            if let Some(part) = parts.get_mut(n) {
                *part = (start as u16, bytes.len() as u16);
            }
        }
        let mut p = Procedure {
            composite,
            parts,
            long,
            hcpcs_text: None,
        };
        p.hcpcs_text = p.hcpcs().and_then(|e| std::str::from_utf8(e.bytes).ok());
        p
    }

    /// Component `n` (1–7) as `composite.component(n)` gives it: present and not empty.
    fn part(&self, n: usize) -> Option<Element<'a>> {
        let &(s, e) = self.parts.get(n.checked_sub(1)?)?;
        let (s, e) = (s as usize, e as usize);
        if s < e {
            return Some(Element {
                bytes: &self.composite.bytes[s..e],
                offset: self.composite.offset + s,
                component: Some(n as u8),
                ..self.composite
            });
        }
        // A long composite keeps no ranges (all empty): asked only then, off the hot path.
        if self.long { self.long_part(n) } else { None }
    }

    /// [`Procedure::part`] of a composite too long for the ranges: `composite.component(n)`.
    #[cold]
    #[inline(never)]
    fn long_part(&self, n: usize) -> Option<Element<'a>> {
        self.composite.component(n)
    }

    /// The bytes of component `n`, empty when absent.
    fn part_bytes(&self, n: usize) -> &'a [u8] {
        let (s, e) = self.parts[n - 1];
        if s == e && self.long {
            return self.long_part(n).map_or(&[], |e| e.bytes);
        }
        &self.composite.bytes[s as usize..e as usize]
    }

    /// SV101-1 / SV202-1: the product/service id qualifier (HC, IV, ...).
    #[inline]
    pub fn qualifier(&self) -> Option<Element<'a>> {
        self.part(1)
    }

    /// SV101-2 / SV202-2: the procedure code, whatever its qualifier.
    #[inline]
    pub fn code(&self) -> Option<Element<'a>> {
        self.part(2)
    }

    /// SV101-3..6 / SV202-3..6, in order, as written (an empty one is `None`).
    pub fn modifier_slots(&self) -> [Option<Element<'a>>; 4] {
        [3, 4, 5, 6].map(|n| self.part(n))
    }

    /// The bytes of the four modifier slots (SV101-3..6 / SV202-3..6), empty where none is
    /// written: read in place, where `modifier_slots` makes each an [`Element`].
    #[inline]
    pub fn modifier_bytes(&self) -> [&'a [u8]; 4] {
        [3, 4, 5, 6].map(|n| self.part_bytes(n))
    }

    /// SV101-7 / SV202-7 free-text description.
    #[inline]
    pub fn description(&self) -> Option<Element<'a>> {
        self.part(7)
    }

    pub fn modifiers(&self) -> impl Iterator<Item = Element<'a>> + '_ {
        (3..=6).filter_map(|n| self.part(n))
    }

    /// The modifier `m` (upper case) when the line carries it, in any case: a `jz` is JZ
    /// written in lower case, which CODE004 reports once, not also a JZ missing (MOD001).
    /// Looked at in place, not copied.
    #[inline]
    pub fn modifier(&self, m: &[u8]) -> Option<Element<'a>> {
        self.modifier_slot(m).and_then(|n| self.part(n))
    }

    /// The first of components 3–6 that is modifier `m` in any case (`same_modifier`). A slot
    /// of another length is passed over on its range alone (an empty one too: `m` is never
    /// empty when it matches), with no slice made of it.
    #[inline]
    fn modifier_slot(&self, m: &[u8]) -> Option<usize> {
        if self.long {
            return (3..=6).find(|&n| same_modifier(self.part_bytes(n), m));
        }
        let bytes = self.composite.bytes;
        (3..=6).find(|&n| {
            let (s, e) = (
                usize::from(self.parts[n - 1].0),
                usize::from(self.parts[n - 1].1),
            );
            e.checked_sub(s) == Some(m.len())
                && bytes
                    .get(s..e)
                    .is_some_and(|written| same_modifier(written, m))
        })
    }

    /// Whether the line carries modifier `m` (upper case), in any case (see `modifier`).
    #[inline]
    pub fn has_modifier(&self, m: &[u8]) -> bool {
        self.modifier_slot(m).is_some()
    }

    /// The HCPCS code (qualifier HC) as text.
    #[inline]
    pub fn hcpcs_text(&self) -> Option<&'a str> {
        self.hcpcs_text
    }

    /// The procedure code the line bills, as text: [`Self::hcpcs_text`], or, with the
    /// qualifier (SV101-1, SV202-1) left empty, the code written after it (SYN007 names the
    /// empty qualifier; what the line bills is written all the same). For the rules that ask
    /// whether a code is one they judge (a transport code, a code the crosswalk lists), not
    /// for those that judge the code.
    pub fn code_as_written(&self) -> Option<&'a str> {
        if self.hcpcs_text.is_some() || !self.part_bytes(1).is_empty() {
            return self.hcpcs_text;
        }
        std::str::from_utf8(self.part_bytes(2))
            .ok()
            .filter(|c| !c.is_empty())
    }

    /// The code when the qualifier is HC (HCPCS/CPT).
    #[inline]
    pub fn hcpcs(&self) -> Option<Element<'a>> {
        self.code().filter(|_| self.part_bytes(1) == b"HC")
    }
}

/// 2410 drug identification: LIN and CTP. Their elements are read from the segments when
/// asked, not copied (see [`ServiceLine`]).
#[derive(Clone, Copy, Debug)]
pub struct DrugLine<'a> {
    pub lin: Segment<'a>,
    /// The loop's first CTP.
    pub ctp: Option<Segment<'a>>,
    /// CTP04 and CTP05-1, kept when `ctp` is set: the unit rules read them for every line of
    /// a claim, and each would otherwise look them up again.
    pub(crate) quantity: Option<Element<'a>>,
    pub(crate) unit: Option<Element<'a>>,
}

impl<'a> DrugLine<'a> {
    /// LIN02: product id qualifier (N4 = NDC in 5-4-2 form).
    #[inline]
    pub fn qualifier(&self) -> Option<Element<'a>> {
        self.lin.element(2)
    }

    /// LIN03: the NDC.
    #[inline]
    pub fn ndc(&self) -> Option<Element<'a>> {
        self.lin.element(3)
    }

    /// CTP04: quantity.
    #[inline]
    pub fn quantity(&self) -> Option<Element<'a>> {
        self.quantity
    }

    /// CTP05-1: unit (F2, GR, ME, ML, UN).
    #[inline]
    pub fn unit(&self) -> Option<Element<'a>> {
        self.unit
    }

    /// Sets `ctp` and what is kept of it.
    pub(crate) fn set_ctp(&mut self, ctp: &Segment<'a>) {
        self.ctp = Some(*ctp);
        self.quantity = ctp.element(4);
        self.unit = ctp.element(5).and_then(|c| c.component(1));
    }

    #[inline]
    pub fn quantity_value(&self) -> Option<Dec> {
        self.quantity().and_then(|q| Dec::parse(q.bytes))
    }
}

/// One 2400 service line. What its LX and SV1/SV2 say is read from those segments when asked
/// (two lookups: a segment knows where its separators are), not copied into the line: a line
/// is held for its whole transaction set, and a file that is one transaction set of thousands
/// of claims holds every line at once.
#[derive(Clone, Debug)]
pub struct ServiceLine<'a> {
    /// The LX that opens the line; when the LX is missing (STR002), the SV1 or SV2 the line
    /// begins at instead ([`ServiceLine::has_lx`]): where the line is, either way.
    pub lx: Segment<'a>,
    /// Whether `lx` is the line's SV1 or SV2, its LX missing.
    pub(crate) lx_missing: bool,
    pub index: u32,
    pub end: u32,
    /// SV1 (837P) or SV2 (837I): the line's last, when it has two.
    pub sv: Option<Segment<'a>>,
    /// Whether `sv` is an SV2 (its elements are numbered so).
    pub(crate) sv2: bool,
    /// SV104 / SV205, kept when `sv` is set: a dozen rules read the units of every line.
    pub(crate) units: Option<Element<'a>>,
    pub procedure: Option<Procedure<'a>>,
    /// 2400 DTP*472.
    pub date: Option<DateRange>,
    /// Boxed: most lines bill no drug, and a line is held for the whole transaction set.
    pub drug: Option<Box<DrugLine<'a>>>,
    /// Whether the line's (last) 2400 NTE has an NTE02 (drug descriptions for unlisted codes
    /// go here). Only whether is kept: no rule reads the text, and a line is held for its
    /// whole transaction set.
    pub note: bool,
    /// Whether the line's (last) 2400 REF*G1 has a REF02 (prior authorization).
    pub prior_auth: bool,
    /// `units` as a number, read once when `sv` is set (`read_units`): a dozen rules ask.
    pub(crate) units_dec: Option<Dec>,
}

impl<'a> ServiceLine<'a> {
    /// LX01; `None` for a line whose LX is missing.
    #[inline]
    pub fn number(&self) -> Option<Element<'a>> {
        if self.lx_missing {
            return None;
        }
        self.lx.element(1)
    }

    /// Whether the line begins at its LX (else at its SV1 or SV2, the LX missing).
    #[inline]
    pub fn has_lx(&self) -> bool {
        !self.lx_missing
    }

    /// LX01 as a number: what `str::parse::<u32>` reads (an optional plus, then digits, no
    /// overflow), from the bytes, with no UTF-8 check first.
    pub fn number_value(&self) -> Option<u32> {
        self.number().and_then(|n| parse_u32(n.bytes))
    }

    /// Element `sv1` of an SV1 or `sv2` of an SV2 (0: the segment has no such element).
    #[inline]
    fn sv_element(&self, sv1: usize, sv2: usize) -> Option<Element<'a>> {
        let sv = self.sv.as_ref()?;
        let n = if self.sv2 { sv2 } else { sv1 };
        if n == 0 { None } else { sv.element(n) }
    }

    /// SV201 (837I): the revenue code.
    #[inline]
    pub fn revenue_code(&self) -> Option<Element<'a>> {
        self.sv_element(0, 1)
    }

    /// SV102 / SV203: the line charge.
    #[inline]
    pub fn charge(&self) -> Option<Element<'a>> {
        self.sv_element(2, 3)
    }

    /// SV103 / SV204: the unit basis (UN, MJ...).
    #[inline]
    pub fn unit_basis(&self) -> Option<Element<'a>> {
        self.sv_element(3, 4)
    }

    /// SV104 / SV205: the units billed.
    #[inline]
    pub fn units(&self) -> Option<Element<'a>> {
        self.units
    }

    /// SV105 (837P): the place of service.
    #[inline]
    pub fn place_of_service(&self) -> Option<Element<'a>> {
        self.sv_element(5, 0)
    }

    /// SV107 (837P): the composite of up to four diagnosis pointers.
    #[inline]
    pub fn pointers(&self) -> Option<Element<'a>> {
        self.sv_element(7, 0)
    }

    #[inline]
    pub fn hcpcs(&self) -> Option<Element<'a>> {
        self.procedure.as_ref().and_then(Procedure::hcpcs)
    }

    /// The HCPCS code (SV101-2/SV202-2 with qualifier HC) as text.
    #[inline]
    pub fn hcpcs_text(&self) -> Option<&'a str> {
        self.procedure.as_ref().and_then(Procedure::hcpcs_text)
    }

    #[inline]
    pub fn units_value(&self) -> Option<Dec> {
        self.units_dec
    }

    /// Sets the line's service segment `sv` (an SV2 when `sv2`), and what is kept of it.
    #[inline]
    pub(crate) fn set_service(&mut self, sv: &Segment<'a>, sv2: bool) {
        self.sv = Some(*sv);
        self.sv2 = sv2;
        let procedure = if sv2 { 2 } else { 1 };
        self.procedure = sv.element(procedure).map(Procedure::from_composite);
        self.read_units();
    }

    /// Keeps the units of `sv` (SV104 / SV205) and their value (`units_value`); called
    /// wherever `sv` is set.
    pub(crate) fn read_units(&mut self) {
        self.units = self.sv_element(4, 5);
        self.units_dec = self.units.and_then(|u| Dec::parse(u.bytes));
    }

    #[inline]
    pub fn charge_value(&self) -> Option<Dec> {
        self.charge().and_then(|c| Dec::parse(c.bytes))
    }

    #[inline]
    pub fn has_modifier(&self, m: &[u8]) -> bool {
        self.procedure.as_ref().is_some_and(|p| p.has_modifier(m))
    }
}

/// `str::parse::<u32>` of `bytes`, read as bytes (`parse_u32_is_str_parse`).
fn parse_u32(bytes: &[u8]) -> Option<u32> {
    let digits = bytes.strip_prefix(b"+").unwrap_or(bytes);
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u32, |v, &b| {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v.checked_mul(10)?.checked_add(u32::from(d))
    })
}

/// Whether `written` is modifier `m` (upper case, not empty) in any case: byte by byte, the
/// upper-case comparison only where the bytes differ (they rarely do both ways).
#[inline]
fn same_modifier(written: &[u8], m: &[u8]) -> bool {
    !m.is_empty()
        && written.len() == m.len()
        && written
            .iter()
            .zip(m)
            .all(|(&w, &u)| w == u || w.to_ascii_uppercase() == u)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `parse_u32` answers as `str::parse::<u32>` did, at the edges of the form and of `u32`.
    #[test]
    fn parse_u32_is_str_parse() {
        let cases: [&[u8]; 16] = [
            b"",
            b"+",
            b"-",
            b"0",
            b"+0",
            b"-0",
            b"1",
            b"007",
            b"++1",
            b"1+",
            b" 1",
            b"1.0",
            b"4294967295",
            b"4294967296",
            b"99999999999",
            b"\xc3\xa9",
        ];
        for c in cases {
            let want = std::str::from_utf8(c)
                .ok()
                .and_then(|t| t.parse::<u32>().ok());
            assert_eq!(parse_u32(c), want, "{c:?}");
        }
    }
    use claimlint_x12::Delimiters;

    /// `modifier_bytes` are the slots `modifier_slots` makes elements of, and `has_modifier`
    /// and `modifier` answer as `same_modifier` over them does.
    #[test]
    fn modifier_lookups_agree_with_the_slots() {
        let delims = Delimiters::USUAL;
        let composites = [
            "SV1*HC:J0897",
            "SV1*HC:J0897:::::DESC",
            "SV1*HC:J0897:JZ",
            "SV1*HC:J0897:jz:JW",
            "SV1*HC:J0897::Jw:AY:25:DESC",
            "SV1*HC:J0897:J:JZZ:\0\0:zj",
            "SV1*HC:J0897:59:XS:xs:XE",
        ];
        let wanted: [&[u8]; 9] = [
            b"JZ", b"JW", b"AY", b"25", b"59", b"XS", b"jz", b"J", b"\0\0",
        ];
        for text in composites {
            let seg = Segment::new(text.as_bytes(), 0, delims, 1);
            let p = Procedure::from_composite(seg.element(1).expect("SV101"));
            let slots = p.modifier_slots();
            let bytes = p.modifier_bytes();
            for (slot, b) in slots.iter().zip(bytes) {
                assert_eq!(slot.map_or(&b""[..], |e| e.bytes), b, "{text}");
            }
            for m in wanted {
                let slow = slots
                    .iter()
                    .position(|s| same_modifier(s.map_or(&b""[..], |e| e.bytes), m));
                assert_eq!(p.has_modifier(m), slow.is_some(), "{text} {m:?}");
                assert_eq!(
                    p.modifier(m).map(|e| e.offset),
                    slow.and_then(|i| slots[i]).map(|e| e.offset),
                    "{text} {m:?}"
                );
            }
        }
    }

    /// A composite too long for the two-byte ranges is read with `component(n)`: the same
    /// code, modifiers and description as a short one.
    #[test]
    fn a_composite_longer_than_the_ranges_reads_its_components() {
        let desc = "D".repeat(usize::from(u16::MAX));
        let text = format!("SV1*HC:J0897:jz:::JW:{desc}*100");
        let seg = Segment::new(text.as_bytes(), 0, Delimiters::USUAL, 1);
        let composite = seg.element(1).expect("SV101");
        let p = Procedure::from_composite(composite);
        assert!(p.long);
        assert_eq!(p.hcpcs_text(), Some("J0897"));
        assert!(p.has_modifier(b"JZ") && p.has_modifier(b"JW") && !p.has_modifier(b"AY"));
        assert_eq!(p.modifier_bytes(), [&b"jz"[..], b"", b"", b"JW"]);
        assert_eq!(p.description().map(|e| e.bytes.len()), Some(desc.len()));
        for n in 0..=8 {
            let want = composite.component(n).filter(|_| (1..=7).contains(&n));
            assert_eq!(
                p.part(n).map(|e| (e.offset, e.component)),
                want.map(|e| (e.offset, e.component))
            );
        }
    }

    /// The code as written: an HC code, or a code whose qualifier is left empty; not a code
    /// of another qualifier, nor an empty one.
    #[test]
    fn code_as_written_reads_a_code_without_its_qualifier() {
        let cases = [
            ("SV1*HC:J0897:JZ", Some("J0897")),
            ("SV1*:J1550", Some("J1550")),
            ("SV1*:A0425:RH", Some("A0425")),
            ("SV1*IV:1234", None),
            ("SV1*HC::RH", None),
            ("SV1*::RH", None),
        ];
        for (text, want) in cases {
            let seg = Segment::new(text.as_bytes(), 0, Delimiters::USUAL, 1);
            let p = Procedure::from_composite(seg.element(1).expect("SV101"));
            assert_eq!(p.code_as_written(), want, "{text}");
        }
    }
}
