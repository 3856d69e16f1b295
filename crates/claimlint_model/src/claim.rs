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
    pub id: Option<Element<'a>>,
    pub charge: Option<Element<'a>>,
    /// CLM05-1: place of service (837P) or facility type code (837I).
    pub facility_code: Option<Element<'a>>,
    /// CLM05-3: claim frequency type code.
    pub frequency: Option<Element<'a>>,
    pub statement: Option<DateRange>,
    pub service_date: Option<DateRange>,
    pub diagnoses: Vec<Diagnosis<'a>>,
    pub hi: Vec<Segment<'a>>,
    pub original_ref: Option<Element<'a>>,
    pub prior_auth: Option<Element<'a>>,
    pub billing_npi: Option<Element<'a>>,
    pub subscriber_id: Option<Element<'a>>,
    pub patient_id: Option<Element<'a>>,
    pub payer_id: Option<Element<'a>>,
    pub lines: Vec<ServiceLine<'a>>,
}

impl Claim<'_> {
    /// The claim's own date for reference-data choice when a line has none.
    pub fn date(&self) -> Option<Date> {
        self.service_date.or(self.statement).map(|r| r.start)
    }

    /// CLM01 as text, or a placeholder for messages.
    pub fn id_text(&self) -> String {
        self.id
            .map_or_else(|| "(no CLM01)".to_string(), |e| e.text().into_owned())
    }

    /// 837I type of bill: facility code + frequency, e.g. `131`.
    pub fn bill_type(&self) -> Option<String> {
        let f = self.facility_code?;
        let q = self
            .frequency
            .map_or(std::borrow::Cow::Borrowed(""), |e| e.text());
        Some(format!("{}{}", f.text(), q))
    }
}

/// SV101 (837P) or SV202 (837I): the procedure composite.
#[derive(Clone, Copy, Debug)]
pub struct Procedure<'a> {
    pub composite: Element<'a>,
    pub qualifier: Option<Element<'a>>,
    pub code: Option<Element<'a>>,
    pub modifiers: [Option<Element<'a>>; 4],
    /// SV101-7 / SV202-7 free-text description.
    pub description: Option<Element<'a>>,
    /// [`Procedure::hcpcs`] as text, when it is UTF-8: read once here, asked by many rules.
    hcpcs_text: Option<&'a str>,
}

impl<'a> Procedure<'a> {
    pub fn from_composite(composite: Element<'a>) -> Self {
        let qualifier = composite.component(1);
        let code = composite.component(2);
        let hcpcs_text = code
            .filter(|_| qualifier.is_some_and(|q| q.is(b"HC")))
            .and_then(|e| std::str::from_utf8(e.bytes).ok());
        Procedure {
            composite,
            qualifier,
            code,
            modifiers: [3, 4, 5, 6].map(|n| composite.component(n)),
            description: composite.component(7),
            hcpcs_text,
        }
    }

    pub fn modifiers(&self) -> impl Iterator<Item = Element<'a>> + '_ {
        self.modifiers.iter().flatten().copied()
    }

    /// The modifier `m` when the line carries it (looked at in place, not copied).
    pub fn modifier(&self, m: &[u8]) -> Option<Element<'a>> {
        self.modifiers
            .iter()
            .flatten()
            .find(|e| claimlint_x12::short::eq(e.bytes, m))
            .copied()
    }

    pub fn has_modifier(&self, m: &[u8]) -> bool {
        self.modifiers
            .iter()
            .flatten()
            .any(|e| claimlint_x12::short::eq(e.bytes, m))
    }

    /// The HCPCS code (qualifier HC) as text.
    pub fn hcpcs_text(&self) -> Option<&'a str> {
        self.hcpcs_text
    }

    /// The code when the qualifier is HC (HCPCS/CPT).
    pub fn hcpcs(&self) -> Option<Element<'a>> {
        self.code
            .filter(|_| self.qualifier.is_some_and(|q| q.is(b"HC")))
    }
}

/// 2410 drug identification: LIN, CTP and REF.
#[derive(Clone, Copy, Debug)]
pub struct DrugLine<'a> {
    pub lin: Segment<'a>,
    /// LIN02: product id qualifier (N4 = NDC in 5-4-2 form).
    pub qualifier: Option<Element<'a>>,
    /// LIN03: the NDC.
    pub ndc: Option<Element<'a>>,
    pub ctp: Option<Segment<'a>>,
    /// CTP04: quantity.
    pub quantity: Option<Element<'a>>,
    /// CTP05-1: unit (F2, GR, ME, ML, UN).
    pub unit: Option<Element<'a>>,
}

impl DrugLine<'_> {
    pub fn quantity_value(&self) -> Option<Dec> {
        self.quantity.and_then(|q| Dec::parse(q.bytes))
    }
}

#[derive(Clone, Debug)]
pub struct ServiceLine<'a> {
    pub lx: Segment<'a>,
    pub index: u32,
    pub end: u32,
    /// LX01.
    pub number: Option<Element<'a>>,
    /// SV1 (837P) or SV2 (837I).
    pub sv: Option<Segment<'a>>,
    pub procedure: Option<Procedure<'a>>,
    /// SV201 (837I).
    pub revenue_code: Option<Element<'a>>,
    /// SV102 / SV203.
    pub charge: Option<Element<'a>>,
    /// SV103 / SV204.
    pub unit_basis: Option<Element<'a>>,
    /// SV104 / SV205.
    pub units: Option<Element<'a>>,
    /// SV105 (837P).
    pub place_of_service: Option<Element<'a>>,
    /// SV107 (837P): the composite of up to four diagnosis pointers.
    pub pointers: Option<Element<'a>>,
    /// 2400 DTP*472.
    pub date: Option<DateRange>,
    pub date_element: Option<Element<'a>>,
    pub drug: Option<DrugLine<'a>>,
    /// 2400 NTE02 (drug descriptions for unlisted codes go here).
    pub note: Option<Element<'a>>,
    pub prior_auth: Option<Element<'a>>,
    /// `units` as a number, read once when `units` is set (`read_units`): a dozen rules ask.
    pub(crate) units_dec: Option<Dec>,
}

impl<'a> ServiceLine<'a> {
    pub fn number_value(&self) -> Option<u32> {
        self.number
            .and_then(|n| std::str::from_utf8(n.bytes).ok()?.parse().ok())
    }

    pub fn hcpcs(&self) -> Option<Element<'a>> {
        self.procedure.as_ref().and_then(Procedure::hcpcs)
    }

    /// The HCPCS code (SV101-2/SV202-2 with qualifier HC) as text.
    pub fn hcpcs_text(&self) -> Option<&'a str> {
        self.procedure.as_ref().and_then(Procedure::hcpcs_text)
    }

    pub fn units_value(&self) -> Option<Dec> {
        self.units_dec
    }

    /// Reads `units` into the number `units_value` returns; called wherever `units` is set.
    pub(crate) fn read_units(&mut self) {
        self.units_dec = self.units.and_then(|u| Dec::parse(u.bytes));
    }

    pub fn charge_value(&self) -> Option<Dec> {
        self.charge.and_then(|c| Dec::parse(c.bytes))
    }

    pub fn has_modifier(&self, m: &[u8]) -> bool {
        self.procedure.as_ref().is_some_and(|p| p.has_modifier(m))
    }
}
