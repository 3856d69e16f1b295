//! `claimlint lookup CODE`: what the reference data compiled in (and any `--data-dir` files)
//! says about an NDC (any of its printed forms), a HCPCS code, a modifier or an ICD-10-CM
//! code, so a biller can check a code without a claim file. Reads `data` only.

use claimlint_data::{self as data, Data, Setting, SingleDoseRows, XwalkRow};
use claimlint_model::Date;
use claimlint_rules::drugs::{is_drug_code, ndc11, ten_digit_candidates};
use std::fmt::Write as _;

/// The crosswalk quarters as `claimlint data` lists them: (version, from, to).
fn quarters(data: &Data) -> Vec<(String, u32, Option<u32>)> {
    data.datasets()
        .into_iter()
        .filter(|d| d.name == "crosswalk")
        .map(|d| (d.version, d.effective_from, d.effective_to))
        .collect()
}

fn range(from: u32, to: Option<u32>) -> String {
    match to {
        Some(t) => format!("{} to {}", Date(from), Date(t)),
        None => format!("from {}", Date(from)),
    }
}

fn row_line(r: &XwalkRow) -> String {
    format!(
        "{}  {} ({}); dosage {}; package size {} × {}; {} billable units per item, {} per package",
        r.hcpcs,
        r.drug_name,
        r.labeler,
        r.hcpcs_dosage,
        r.pkg_size,
        r.pkg_qty,
        r.bill_units,
        r.bill_units_pkg
    )
}

fn single_dose_line(data: &Data, hcpcs: &str, ndc: Option<&str>) -> String {
    match data.single_dose(&SingleDoseRows::default(), hcpcs, ndc) {
        Some(sd) => format!(
            "{}: {} ({}, per {}){}",
            if sd.single_dose {
                "single-dose container"
            } else {
                "not single-dose"
            },
            sd.package,
            if sd.drug.is_empty() { hcpcs } else { sd.drug },
            sd.source,
            if sd.verified {
                ""
            } else {
                " [unverified: MOD001 and MOD006 do not use this row]"
            }
        ),
        None => {
            "single-dose status: not in data/single_dose.tsv (MOD001 does not judge it)".to_string()
        }
    }
}

fn ndc_section(data: &Data, ndc: &str, out: &mut String) -> Vec<&'static str> {
    let _ = writeln!(out, "NDC {} ({ndc})", data::ndc_5_4_2(ndc));
    let mut codes: Vec<&'static str> = Vec::new();
    for (version, from, to) in quarters(data) {
        let rows = data.crosswalk_ndc(ndc, from).value;
        if rows.is_empty() {
            let _ = writeln!(
                out,
                "  crosswalk {version} ({}): not listed",
                range(from, to)
            );
        }
        for r in rows {
            let _ = writeln!(
                out,
                "  crosswalk {version} ({}): {}",
                range(from, to),
                row_line(r)
            );
            if !codes.contains(&r.hcpcs) {
                codes.push(r.hcpcs);
            }
        }
    }
    for c in &codes {
        let _ = writeln!(out, "  {}", single_dose_line(data, c, Some(ndc)));
    }
    codes
}

fn date_or(d: Option<u32>, none: &str) -> String {
    d.map_or_else(|| none.to_string(), |d| Date(d).to_string())
}

fn hcpcs_section(data: &Data, code: &str, out: &mut String) -> bool {
    let known = data.hcpcs(code);
    match known {
        Some(h) => {
            let _ = writeln!(out, "{code}  {} (short: {})", h.long, h.short);
            let _ = writeln!(
                out,
                "  HCPCS: added {}, action effective {}, terminated {}{}",
                date_or(h.add_date, "-"),
                date_or(h.effective, "-"),
                date_or(h.termination, "no"),
                if h.cross_reference.is_empty() {
                    String::new()
                } else {
                    format!("; cross-reference {}", h.cross_reference)
                }
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{code}  (not in the HCPCS Level II file; CPT codes and descriptors are not shipped)"
            );
        }
    }
    let _ = writeln!(
        out,
        "  drug code: {}",
        if is_drug_code(data, code) {
            "yes"
        } else {
            "no"
        }
    );
    let mut any_rows = false;
    for (version, from, _) in quarters(data) {
        let rows = data.crosswalk_by_hcpcs(code, from).value;
        if rows.is_empty() {
            continue;
        }
        any_rows = true;
        let _ = writeln!(out, "  crosswalk {version}: {} NDC(s)", rows.len());
        for r in &rows {
            let _ = writeln!(
                out,
                "    {}  {}; dosage {}; {} billable units per item",
                data::ndc_5_4_2(r.ndc11),
                r.drug_name,
                r.hcpcs_dosage,
                r.bill_units
            );
        }
    }
    for (setting, name) in [
        (Setting::Practitioner, "practitioner"),
        (Setting::OutpatientHospital, "outpatient hospital"),
    ] {
        let v = data.mue(code, setting, u32::MAX);
        let text = match v.value {
            Some(m) if m.value == 0 => format!("0 (not payable; MAI {}, {})", m.mai, m.rationale),
            Some(m) => format!("{} (MAI {}, {})", m.value, m.mai, m.rationale),
            None => "no published edit".to_string(),
        };
        let _ = writeln!(out, "  MUE {name} {}: {text}", v.version);
    }
    if data
        .single_dose(&SingleDoseRows::default(), code, None)
        .is_some()
    {
        let _ = writeln!(out, "  {}", single_dose_line(data, code, None));
    }
    known.is_some() || any_rows
}

/// The report for one code, and whether anything was known about it.
pub fn lookup(data: &Data, query: &str) -> (String, bool) {
    let (text, found) = lookup_raw(data, query);
    (super::escape::visible(&text).into_owned(), found)
}

/// The NDCs a query reads as: its 11 digits, or the readings of a bare 10-digit NDC that the
/// crosswalk knows (saying so in `out`).
fn ndc_readings(data: &Data, q: &str, out: &mut String) -> Vec<String> {
    let b = q.as_bytes();
    match (ndc11(b), ten_digit_candidates(b)) {
        (Some(n), _) => vec![n.as_str().to_string()],
        (None, Some(c)) => {
            let known: Vec<String> = c
                .iter()
                .filter(|n| data.ndc_known_any(n.as_str()))
                .map(|n| n.as_str().to_string())
                .collect();
            if known.is_empty() {
                let _ = writeln!(
                    out,
                    "{q} is a bare 10-digit NDC; none of its 11-digit readings ({}, {}, {}) is in the crosswalk",
                    c[0].as_str(),
                    c[1].as_str(),
                    c[2].as_str()
                );
            } else {
                let _ = writeln!(out, "{q} is a bare 10-digit NDC; read as 11 digits:");
            }
            known
        }
        _ => Vec::new(),
    }
}

/// A two-character query: a HCPCS modifier, or a CPT modifier (whose descriptors are AMA's).
fn modifier(data: &Data, q: &str) -> (String, bool) {
    match data.modifier(q) {
        Some(m) => (format!("modifier {q}  {}\n", m.long), true),
        None if data::is_cpt_modifier(q) => (
            format!("modifier {q}  CPT modifier (descriptor not shipped)\n"),
            true,
        ),
        None => (
            format!("modifier {q}: not a HCPCS or CPT modifier\n"),
            false,
        ),
    }
}

fn lookup_raw(data: &Data, query: &str) -> (String, bool) {
    let q = query.trim().to_ascii_uppercase();
    let mut out = String::new();
    let b = q.as_bytes();
    let ndcs = ndc_readings(data, &q, &mut out);
    if !ndcs.is_empty() || b.iter().all(|c| c.is_ascii_digit() || *c == b'-') && b.len() >= 10 {
        let mut found = false;
        for ndc in &ndcs {
            let codes = ndc_section(data, ndc, &mut out);
            found |= !codes.is_empty();
            for c in codes {
                hcpcs_section(data, c, &mut out);
            }
        }
        if ndcs.is_empty() && out.is_empty() {
            let _ = writeln!(
                out,
                "`{q}` is not an NDC in a form claimlint reads (11 digits, or 5-4-2, 4-4-2, 5-3-2, 5-4-1 with hyphens)"
            );
        }
        return (out, found);
    }
    if q.len() == 2 {
        return modifier(data, &q);
    }
    if q.len() == 5 && b.iter().skip(1).all(u8::is_ascii_digit) {
        let found = hcpcs_section(data, &q, &mut out);
        return (out, found);
    }
    let bare: String = q.chars().filter(|&c| c != '.').collect();
    if let Some(dx) = data.icd10(&bare) {
        let (version, _, _) = data.icd10_version();
        let kind = if dx.billable {
            "billable"
        } else {
            "category header, not billable"
        };
        return (
            format!(
                "ICD-10-CM {bare}  {} ({kind}; release {version})\n",
                dx.description
            ),
            true,
        );
    }
    (
        format!(
            "nothing known about `{query}`: not an NDC, HCPCS code, modifier or ICD-10-CM code in the data compiled in\n"
        ),
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prolia_in_every_form() {
        for q in ["55513071001", "55513-0710-01", "55513-710-01"] {
            let (text, found) = lookup(&Data::embedded(), q);
            assert!(found, "{q}");
            assert!(text.contains("crosswalk 2026Q1 (2026-01-01 to 2026-03-31): J0897  Prolia (Amgen Inc); dosage 1 MG; package size 1 × 1; 60 billable units per item, 60 per package"), "{text}");
            assert!(
                text.contains("MUE practitioner 2026Q4: 120 (MAI 3, Prescribing Information)"),
                "{text}"
            );
            assert!(
                text.contains("single-dose container: single-dose prefilled syringe"),
                "{text}"
            );
        }
        let (text, found) = lookup(&Data::embedded(), "5551371001");
        assert!(found && text.contains("NDC 55513-0710-01"), "{text}");
    }

    #[test]
    fn codes() {
        let (text, found) = lookup(&Data::embedded(), "j9177");
        assert!(found);
        assert!(
            text.starts_with("J9177  Injection, enfortumab vedotin-ejfv, 0.25 mg"),
            "{text}"
        );
        assert!(
            text.contains("51144-0020-01  Padcev; dosage 0.25 MG; 80 billable units per item"),
            "{text}"
        );
        let (text, _) = lookup(&Data::embedded(), "C9302");
        assert!(
            text.contains("terminated 2025-06-30; cross-reference J9276"),
            "{text}"
        );
        assert!(!lookup(&Data::embedded(), "J1234").1);
        assert!(lookup(&Data::embedded(), "JZ").1);
        assert!(lookup(&Data::embedded(), "M81.0").1);
    }
}
