//! Drug billing specifics (DRG) and what every drug-line family (NDC, UNT, MOD, DRG) shares:
//! the date of service that picks reference data, what makes a line a drug line, the NDC of a
//! line in 11 digits, and the conversion of a CTP quantity into HCPCS billing units through
//! the CMS NDC-HCPCS crosswalk. Reads the model and `data`; reports nothing by itself, and
//! allocates only the text of a message (callers ask for it once they know they report).

pub mod data_notes;
pub mod drug_code_has_specific_code;
pub mod drug_revenue_code_without_hcpcs;
pub mod unlisted_drug_detail;

use crate::Ctx;
use claimlint_data::{Data, Dec, XwalkRow, ndc_5_4_2};
use claimlint_model::{Claim, Date, DrugLine, ServiceLine};
use claimlint_x12::Element;

/// The date that picks reference data for the line (or claim) being checked: the line's
/// 2400 DTP*472, else the claim's 2300 dates (RULES.md, "Reference data").
pub fn date_of_service(cx: &Ctx<'_>) -> Option<Date> {
    match cx.line() {
        Some(line) => line_dos(line, cx.claim()),
        None => cx.claim().and_then(Claim::date),
    }
}

/// [`date_of_service`] for a line other than the one being checked (JW partners, MUE sums).
pub fn line_dos(line: &ServiceLine<'_>, claim: Option<&Claim<'_>>) -> Option<Date> {
    line.date
        .map(|d| d.start)
        .or_else(|| claim.and_then(Claim::date))
}

/// Unclassified ("not otherwise classified") drug codes: no dose descriptor, so the payer
/// prices them from the NDC and the description (CMS Claims Processing Manual ch. 17 §90.3).
/// Sorted, for binary search.
pub const UNCLASSIFIED: &[&str] = &[
    "C9399", "J3490", "J3590", "J7599", "J7699", "J7799", "J8499", "J8999", "J9999",
];

/// Whether `code` is one of [`UNCLASSIFIED`]. Each of them has a 9 in its fourth place, so a
/// code without one (most billed codes: J9173, 96413) is answered before the search; exact
/// (`unclassified_codes_have_a_9_in_fourth_place`).
pub fn is_unclassified(code: &str) -> bool {
    code.as_bytes().get(3) == Some(&b'9')
        && UNCLASSIFIED
            .binary_search_by(|c| claimlint_x12::short::cmp(c.as_bytes(), code.as_bytes()))
            .is_ok()
}

#[test]
fn unclassified_codes_have_a_9_in_fourth_place() {
    for code in UNCLASSIFIED {
        assert_eq!(code.as_bytes().get(3), Some(&b'9'), "{code}");
        assert!(is_unclassified(code), "{code}");
    }
    for code in ["J9173", "96413", "J349", "", "J3491", "j3490"] {
        assert!(!is_unclassified(code), "{code}");
    }
}

/// A HCPCS Level II code: a letter and four digits.
pub fn is_level2(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// A drug code (RULES.md, NDC family): in the crosswalk (any quarter), a J code, an
/// unclassified drug code, or a Q code whose HCPCS descriptor is an injection (Q5xxx
/// biosimilars, Q0138 ferumoxytol, Q99xx contrast; not Q4001 casting supplies).
pub fn is_drug_code(data: &Data, code: &str) -> bool {
    is_drug_code_with(code, data, || data.hcpcs(code))
}

/// [`is_drug_code`] with the HCPCS file's row of `code` from `row` (`data.hcpcs(code)`),
/// asked only of a J or Q code: a caller that has looked the row up already passes it on.
pub fn is_drug_code_with(
    code: &str,
    data: &Data,
    row: impl FnOnce() -> Option<claimlint_data::Hcpcs>,
) -> bool {
    if !code.is_ascii() {
        return false;
    }
    if is_unclassified(code) || data.crosswalk_lists_hcpcs(code) {
        return true;
    }
    match code.as_bytes().first() {
        // An unknown J code is CODE001's finding, not a drug line's.
        Some(b'J') => is_level2(code) && row().is_some(),
        Some(b'Q') => {
            is_level2(code)
                && row().is_some_and(|h| {
                    h.long
                        .get(..3)
                        .is_some_and(|p| p.eq_ignore_ascii_case("inj"))
                })
        }
        _ => false,
    }
}

/// 837I revenue codes 0634–0636: erythropoietin and "drugs requiring detailed coding"
/// (NUBC UB-04 manual, revenue code 063X).
pub fn is_drug_revenue_code(rev: &[u8]) -> bool {
    matches!(rev, b"0634" | b"0635" | b"0636")
}

/// The line's HCPCS code (SV101-2/SV202-2 with qualifier HC) as text.
pub fn hcpcs_of<'a>(line: &ServiceLine<'a>) -> Option<&'a str> {
    line.hcpcs_text()
}

pub fn text<'a>(e: &Element<'a>) -> Option<&'a str> {
    std::str::from_utf8(e.bytes).ok()
}

/// An NDC in its 11-digit 5-4-2 form, on the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ndc11([u8; 11]);

impl Ndc11 {
    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
    /// `55513-0710-01`, for messages.
    pub fn dashed(&self) -> String {
        ndc_5_4_2(self.as_str())
    }
}

/// LIN03 as 11 digits: bare 11 digits, or a hyphenated 5-4-2, 4-4-2, 5-3-2 or 5-4-1 form
/// padded as the FDA's 10-digit NDC is padded for billing. A bare 10-digit NDC is `None`:
/// nobody can tell which group lacks its zero (see [`ten_digit_candidates`]).
pub fn ndc11(raw: &[u8]) -> Option<Ndc11> {
    let mut out = [b'0'; 11];
    if raw.len() == 11 && raw.iter().all(u8::is_ascii_digit) {
        out.copy_from_slice(raw);
        return Some(Ndc11(out));
    }
    let mut parts = raw.split(|&b| b == b'-');
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || ![a, b, c].iter().all(|p| p.iter().all(u8::is_ascii_digit)) {
        return None;
    }
    let (pa, pb, pc) = match (a.len(), b.len(), c.len()) {
        (5, 4, 2) => (0, 0, 0),
        (4, 4, 2) => (1, 0, 0),
        (5, 3, 2) => (0, 1, 0),
        (5, 4, 1) => (0, 0, 1),
        _ => return None,
    };
    out.get_mut(pa..5)?.copy_from_slice(a);
    out.get_mut(5 + pb..9)?.copy_from_slice(b);
    out.get_mut(9 + pc..11)?.copy_from_slice(c);
    Some(Ndc11(out))
}

/// The three 11-digit readings of a bare 10-digit NDC (4-4-2, 5-3-2, 5-4-1 padded).
pub fn ten_digit_candidates(raw: &[u8]) -> Option<[Ndc11; 3]> {
    if raw.len() != 10 || !raw.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let pad = |at: usize| {
        let mut out = [b'0'; 11];
        let (head, tail) = raw.split_at(at);
        out[..at].copy_from_slice(head);
        out[at + 1..].copy_from_slice(tail);
        Ndc11(out)
    };
    Some([pad(0), pad(5), pad(9)])
}

/// The crosswalk's rows for the line's NDC on its date of service (empty when unknown).
pub fn rows_for(data: &Data, ndc: &Ndc11, dos: Option<Date>) -> &'static [XwalkRow] {
    dos.map_or(&[], |d| data.crosswalk_ndc(ndc.as_str(), d.0).value)
}

/// The line's NDC with its crosswalk rows, and the row of the code the line bills, if any.
#[derive(Clone, Copy)]
pub struct Crosswalked {
    pub ndc: Ndc11,
    pub rows: &'static [XwalkRow],
    pub billed: Option<&'static XwalkRow>,
}

pub fn crosswalked(
    data: &Data,
    line: &ServiceLine<'_>,
    claim: Option<&Claim<'_>>,
) -> Option<Crosswalked> {
    let ndc = ndc11(line.drug.as_ref()?.ndc()?.bytes)?;
    let rows = rows_for(data, &ndc, line_dos(line, claim));
    let code = hcpcs_of(line);
    let billed = rows.iter().find(|r| Some(r.hcpcs) == code);
    Some(Crosswalked { ndc, rows, billed })
}

/// A crosswalk dosage (`1 MG`, `0.25 MG`, `.625 GM`, `100 UNITS`) as amount and unit;
/// phrases (`UP TO 150 MG`, `Per Dose`) are `None`: their units are not a linear measure.
pub fn dosage(row: &XwalkRow) -> Option<(Dec, &'static str)> {
    let d = row.hcpcs_dosage.trim();
    let split = d
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(d.len());
    let (num, unit) = d.split_at(split);
    let amount = Dec::parse_text(num).filter(|a| a.is_positive())?;
    let unit = unit.trim();
    // Case-insensitive, without building an upper-cased copy (this runs several times per
    // drug line).
    const UNITS: [(&str, &str); 10] = [
        ("MG", "mg"),
        ("MCG", "mcg"),
        ("GM", "g"),
        ("G", "g"),
        ("ML", "mL"),
        ("CC", "mL"),
        ("UNITS", "units"),
        ("UNIT", "units"),
        ("IU", "IU"),
        ("MEQ", "mEq"),
    ];
    let unit = UNITS.iter().find(|(k, _)| k.eq_ignore_ascii_case(unit))?.1;
    Some((amount, unit))
}

/// CTP04 in CTP05-1's unit → HCPCS billing units of the row's code, exactly (not rounded).
/// UN counts items (vials, syringes): × billable units per item, except for an oral drug,
/// whose crosswalk item is the bottle while a claim's UN commonly counts its tablets. ML
/// converts through a per-mL dosage, or through the package size when the crosswalk gives it
/// in mL: not when the size is 1 (as often "1 vial" as "1 mL") nor when it is the item's
/// content in the dosage's own unit (size = billable units × dosage: Ilaris 00078-0734-61,
/// `1 MG`, size 150, 150 units per item, is 150 mg in 1 mL). ME, GR and F2 convert through a
/// mass or IU dosage. `None` when the data cannot tell.
pub fn expected_units(row: &XwalkRow, qty: Dec, unit: &[u8]) -> Option<Dec> {
    if unit == b"UN" {
        // Items need no dosage: read it only for the units that convert through it.
        return qty.checked_mul(row.bill_units).filter(|_| !is_oral(row));
    }
    let dose = dosage(row);
    match unit {
        b"ML" => match dose {
            Some((amount, "mL")) => qty.checked_div(amount),
            _ if size_is_volume(row, dose) => {
                // Multiplied first: 10 mL of a 30 mL, 30-unit vial is 10 units, not 9.99999.
                qty.checked_mul(row.bill_units)?.checked_div(row.pkg_size)
            }
            _ => None,
        },
        b"ME" | b"GR" => {
            let mg = if unit == b"GR" {
                qty.checked_mul(Dec::from_int(1000))?
            } else {
                qty
            };
            let (amount, u) = dose?;
            let per_mg = match u {
                "mg" => amount,
                "mcg" => amount.checked_div(Dec::from_int(1000))?,
                "g" => amount.checked_mul(Dec::from_int(1000))?,
                _ => return None,
            };
            mg.checked_div(per_mg)
        }
        b"F2" => match dose? {
            (amount, "units" | "IU") => qty.checked_div(amount),
            _ => None,
        },
        _ => None,
    }
}

/// Whether the crosswalk's package size of `row` can be read as millilitres: not 1, and not
/// the item's content in the dosage's unit (the size equals the billable units per item
/// times the dosage amount, as for powders and solids listed by mass or count).
fn size_is_volume(row: &XwalkRow, dose: Option<(Dec, &str)>) -> bool {
    let size = row.pkg_size;
    if !size.is_positive() || size == Dec::from_int(1) {
        return false;
    }
    match dose {
        Some((amount, _)) => row.bill_units.checked_mul(amount) != Some(size),
        None => true,
    }
}

/// Whether `row`'s code is an oral drug: its crosswalk description says "oral" (J7507
/// "Tacrolimus imme rel oral 1mg", J8522 capecitabine, Q0162 ondansetron).
fn is_oral(row: &XwalkRow) -> bool {
    // Split as bytes: a `char` split decodes UTF-8 for nothing (the words are ASCII), and
    // this runs on every UN conversion.
    row.short_description
        .as_bytes()
        .split(|b| !b.is_ascii_alphabetic())
        .any(|w| w.eq_ignore_ascii_case(b"oral"))
}

/// What one item of the NDC is, as honestly as the data can say: the container word of the
/// single-dose table when it names one kind, else "package" (one item is the whole NDC
/// package) or "item".
pub fn package_word(cx: &Ctx<'_>, row: &XwalkRow) -> &'static str {
    let kinds = [
        "syringe",
        "vial",
        "pen",
        "bottle",
        "ampule",
        "cartridge",
        "bag",
    ];
    if let Some(sd) = cx.single_dose(row.hcpcs, Some(row.ndc11)) {
        let p = sd.package.to_ascii_lowercase();
        let mut named = kinds.iter().filter(|k| p.contains(*k));
        if let (Some(k), None) = (named.next(), named.next()) {
            return k;
        }
    }
    if row.pkg_qty == Dec::from_int(1) {
        "package"
    } else {
        "item"
    }
}

pub fn plural(n: Dec, word: &str) -> String {
    if n == Dec::from_int(1) {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "1 syringe", "2 mL", "60 mg": the CTP quantity in words.
pub fn quantity_words(cx: &Ctx<'_>, row: &XwalkRow, qty: Dec, unit: &[u8]) -> String {
    match unit {
        b"UN" => plural(qty, package_word(cx, row)),
        b"ML" => format!("{qty} mL"),
        b"ME" => format!("{qty} mg"),
        b"GR" => format!("{qty} g"),
        b"F2" => format!("{qty} IU"),
        _ => qty.to_string(),
    }
}

/// "J0897 (Injection, denosumab, 1 mg)": the code with its HCPCS long descriptor, or the
/// crosswalk's short descriptor; a CPT code goes bare (its descriptor is AMA text).
pub fn code_label(data: &Data, code: &str) -> String {
    match data.hcpcs(code) {
        Some(h) if !h.long.is_empty() => format!("{code} ({})", h.long),
        _ => code.to_string(),
    }
}

/// The generic name in a HCPCS descriptor: `Injection, denosumab, 1 mg` → `denosumab`.
pub fn generic(data: &Data, code: &str) -> Option<&'static str> {
    let long = data.hcpcs(code)?.long;
    let rest = ["Injection, ", "Inj, ", "Inj. "]
        .iter()
        .find_map(|p| long.strip_prefix(p))?;
    let name = rest.split(',').next()?.trim();
    (!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit())).then_some(name)
}

/// "Prolia, denosumab 60 mg/mL": the crosswalk's drug name, the generic name and the
/// strength of one item. The strength comes from the single-dose table's label text when it
/// names this NDC alone, else from billable units × dosage ("Padcev, enfortumab
/// vedotin-ejfv 20 mg").
pub fn drug_label(cx: &Ctx<'_>, row: &XwalkRow) -> String {
    if let Some(sd) = cx.single_dose(row.hcpcs, Some(row.ndc11))
        && let Some((brand, rest)) = sd.drug.split_once(" (")
        && let Some((generic_name, strength)) = rest.split_once(") ")
        && brand.eq_ignore_ascii_case(row.drug_name)
        && !strength.contains(',')
    {
        return format!("{brand}, {generic_name} {strength}");
    }
    let strength = dosage(row).and_then(|(amount, unit)| {
        let total = amount.checked_mul(row.bill_units)?;
        Some(format!("{total} {unit}"))
    });
    match (generic(cx.data(), row.hcpcs), strength) {
        (Some(g), Some(s)) if !g.eq_ignore_ascii_case(row.drug_name) => {
            format!("{}, {g} {s}", row.drug_name)
        }
        (_, Some(s)) => format!("{} {s}", row.drug_name),
        (Some(g), None) if !g.eq_ignore_ascii_case(row.drug_name) => {
            format!("{}, {g}", row.drug_name)
        }
        _ => row.drug_name.to_string(),
    }
}

/// "bill J0897 (Injection, denosumab, 1 mg) × 60 units for 1 syringe": what the crosswalk
/// says to bill for the drug line's CTP quantity (rounded up to whole units, as CMS bills a
/// dose between two units: Claims Processing Manual ch. 17 §40). Without a usable quantity,
/// says what one item is worth instead.
pub fn bill_help(cx: &Ctx<'_>, row: &XwalkRow, drug: Option<&DrugLine<'_>>) -> String {
    let label = code_label(cx.data(), row.hcpcs);
    let qty = drug.and_then(|d| Some((d.quantity_value()?, d.unit()?.bytes)));
    if let Some((q, unit)) = qty.filter(|(q, _)| q.is_positive())
        && let Some(units) = expected_units(row, q, unit)
    {
        return format!(
            "bill {label} × {} for {}",
            plural(units.ceil(), "unit"),
            quantity_words(cx, row, q, unit)
        );
    }
    format!(
        "bill {label}; one {} is {}",
        package_word(cx, row),
        plural(row.bill_units, "unit")
    )
}

/// The units a drug line should bill for its CTP quantity under the code it bills (or the
/// crosswalk's code), rounded up; `None` when the data cannot tell.
pub fn expected_for(row: &XwalkRow, drug: &DrugLine<'_>) -> Option<Dec> {
    let q = drug.quantity_value().filter(|q| q.is_positive())?;
    expected_units(row, q, drug.unit()?.bytes).map(Dec::ceil)
}

/// UNT003's finding, shared with NDC007 (which stays quiet when this explains the gap): the
/// line bills the count of items or packages (or of mL) where one item is several units.
/// `qty` is the line's CTP04 (positive) in `unit`, worth `expected` units
/// (`expected_units(row, qty, unit)`, which `Ctx::billed_expected_units` works out once).
pub fn dose_confusion(row: &XwalkRow, qty: Dec, unit: &[u8], units: Dec, expected: Dec) -> bool {
    if row.bill_units <= Dec::from_int(1) || units >= expected {
        return false;
    }
    let packages = match unit {
        b"UN" => qty.checked_div(row.pkg_qty),
        _ => None,
    };
    units == qty || Some(units) == packages
}

/// The JW/JZ policy (CMS, "Discarded Drugs and Biologicals — JW Modifier and JZ Modifier
/// Policy", Claims Processing Manual ch. 17 §40): dates of service from 2023-07-01.
pub const JZ_FROM: Date = Date(20230701);

/// Whether another line of the claim bills the same code on the same date with JW (`jw`), or
/// without it (`!jw`): a line scan, the definition [`has_partner`] answers from an index.
pub fn partner_with(claim: &Claim<'_>, line: &ServiceLine<'_>, code: &str, jw: bool) -> bool {
    let dos = line_dos(line, Some(claim));
    claim.lines.iter().any(|l| {
        l.lx.offset != line.lx.offset
            && hcpcs_of(l) == Some(code)
            && line_dos(l, Some(claim)) == dos
            && l.has_modifier(b"JW") == jw
    })
}

/// What [`partner_with`] compares lines by: HCPCS code, date of service, and whether the line
/// carries JW.
fn partner_key<'a>(
    claim: &Claim<'a>,
    l: &ServiceLine<'a>,
) -> (Option<&'a str>, Option<Date>, bool) {
    (hcpcs_of(l), line_dos(l, Some(claim)), l.has_modifier(b"JW"))
}

/// The indexes of the claim's lines sorted by [`partner_key`], for [`has_partner`]: built once
/// per claim, so a claim of thousands of JW/JZ lines is not scanned again for each of them.
pub fn partner_index(claim: &Claim<'_>) -> Vec<u32> {
    let mut index: Vec<u32> = (0..u32::try_from(claim.lines.len()).unwrap_or(u32::MAX)).collect();
    // The key reads each line's date once, not once per comparison.
    index.sort_by_cached_key(|&i| claim.lines.get(i as usize).map(|l| partner_key(claim, l)));
    index
}

/// [`partner_with`] from the claim's [`partner_index`]: the lines of the same key are one run
/// of the index, found by binary search, and the answer is whether one of them is another
/// line (another LX) than `line` — the lines the scan would have found, so the same answer.
pub fn has_partner(
    index: &[u32],
    claim: &Claim<'_>,
    line: &ServiceLine<'_>,
    code: &str,
    jw: bool,
) -> bool {
    let want = Some((Some(code), line_dos(line, Some(claim)), jw));
    let key = |&i: &u32| claim.lines.get(i as usize).map(|l| partner_key(claim, l));
    let from = index.partition_point(|i| key(i) < want);
    index[from..]
        .iter()
        .take_while(|i| key(i) == want)
        .filter_map(|&i| claim.lines.get(i as usize))
        .any(|l| l.lx.offset != line.lx.offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test::with_cx;

    #[test]
    fn ndc_forms() {
        let s = |r: &[u8]| ndc11(r).map(|n| n.as_str().to_string());
        assert_eq!(s(b"55513071001").as_deref(), Some("55513071001"));
        assert_eq!(s(b"55513-710-01").as_deref(), Some("55513071001"));
        assert_eq!(s(b"5551-3071-01").as_deref(), Some("05551307101"));
        assert_eq!(s(b"55513-0710-1").as_deref(), Some("55513071001"));
        assert_eq!(s(b"5551371001"), None);
        assert_eq!(s(b"55513-07a0-01"), None);
        let c = ten_digit_candidates(b"5551371001").unwrap();
        assert_eq!(
            c.map(|n| n.as_str().to_string()),
            ["05551371001", "55513071001", "55513710001"].map(String::from)
        );
    }

    #[test]
    fn prolia_and_padcev_units() {
        let data = Data::embedded();
        let prolia = data.crosswalk_ndc("55513071001", 20260115).value[0];
        assert_eq!(
            expected_units(&prolia, Dec::from_int(1), b"UN"),
            Some(Dec::from_int(60))
        );
        with_cx(|cx| {
            assert_eq!(drug_label(cx, &prolia), "Prolia, denosumab 60 mg/mL");
            assert_eq!(package_word(cx, &prolia), "syringe");
        });
        let padcev = data.crosswalk_ndc("51144002001", 20260115).value[0];
        assert_eq!(
            expected_units(&padcev, Dec::from_int(1), b"UN"),
            Some(Dec::from_int(80))
        );
        assert_eq!(
            expected_units(&padcev, Dec::from_int(20), b"ME"),
            Some(Dec::from_int(80))
        );
        with_cx(|cx| {
            assert_eq!(
                drug_label(cx, &padcev),
                "Padcev, enfortumab vedotin-ejfv 20 mg"
            );
            assert_eq!(package_word(cx, &padcev), "vial");
        });
        // Xgeva is 1.7 mL but the crosswalk's size is "1": mL cannot convert.
        let xgeva = data.crosswalk_ndc("55513073001", 20260115).value[0];
        assert_eq!(
            expected_units(&xgeva, Dec::parse(b"1.7").unwrap(), b"ML"),
            None
        );
    }

    /// The package size converts mL only when it can be a volume; UN counts items except for
    /// an oral drug; mL through the size is multiplied first (exact). Rows as the 2026Q1
    /// crosswalk gives them.
    #[test]
    fn sizes_that_are_not_volumes_and_oral_items() {
        let data = Data::embedded();
        let row = |ndc: &str| data.crosswalk_ndc(ndc, 20260115).value[0];
        let (one, ten) = (Dec::from_int(1), Dec::from_int(10));
        // Ilaris 00078-0734-61: `1 MG`, size 150, 150 units per item: 150 mg, not 150 mL.
        let ilaris = row("00078073461");
        assert_eq!(
            (ilaris.pkg_size, ilaris.bill_units),
            (Dec::from_int(150), Dec::from_int(150))
        );
        assert_eq!(expected_units(&ilaris, one, b"ML"), None);
        assert_eq!(
            expected_units(&ilaris, one, b"UN"),
            Some(Dec::from_int(150))
        );
        // Heparin 00409-2720-03: `1000 UNITS`, a 30 mL vial of 30 units: 10 mL is 10 units.
        let heparin = row("00409272003");
        assert_eq!(expected_units(&heparin, ten, b"ML"), Some(ten));
        // Prograf 00469-0607-73 (J7507, oral): the item is a bottle of 100 capsules.
        let prograf = row("00469060773");
        assert!(is_oral(&prograf));
        assert_eq!(expected_units(&prograf, Dec::from_int(30), b"UN"), None);
        assert!(!is_oral(&row("55513071001")));
    }

    #[test]
    fn drug_codes() {
        let data = Data::embedded();
        assert!(is_drug_code(&data, "J0897"));
        assert!(is_drug_code(&data, "J3490"));
        assert!(is_drug_code(&data, "Q5136"));
        assert!(!is_drug_code(&data, "Q4001"));
        assert!(!is_drug_code(&data, "96372"));
        assert!(!is_drug_code(&data, "A0425"));
    }
}
