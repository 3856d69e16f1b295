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

/// A two-character query: a HCPCS modifier, a CPT modifier (whose descriptors are AMA's), or
/// an ambulance origin/destination pair (as `check` reads them, on transport codes).
fn modifier(data: &Data, q: &str) -> (String, bool) {
    match data.modifier(q) {
        Some(m) => {
            let mut text = format!("modifier {q}  {}\n", m.long);
            if let Some((from, to)) = data::ambulance_sites(q) {
                text.push_str(&format!(
                    "  on a transport code (A0021-A0999): ambulance origin/destination, from {from} to {to}\n"
                ));
            }
            (text, true)
        }
        None if data::is_cpt_modifier(q) => (
            format!("modifier {q}  CPT modifier (descriptor not shipped)\n"),
            true,
        ),
        None if let Some((from, to)) = data::ambulance_sites(q) => (
            format!(
                "modifier {q}  ambulance origin/destination, on a transport code (A0021-A0999): from {from} to {to}\n"
            ),
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

fn date_json(d: Option<u32>) -> serde_json::Value {
    d.map_or(serde_json::Value::Null, |d| Date(d).to_string().into())
}

fn single_dose_json(data: &Data, hcpcs: &str, ndc: Option<&str>) -> serde_json::Value {
    data.single_dose(&SingleDoseRows::default(), hcpcs, ndc)
        .map_or(serde_json::Value::Null, |sd| {
            serde_json::json!({"single_dose": sd.single_dose, "verified": sd.verified, "package": sd.package, "drug": sd.drug, "source": sd.source})
        })
}

/// What `hcpcs_section` prints, as data.
fn hcpcs_json(data: &Data, code: &str) -> serde_json::Value {
    let h = data.hcpcs(code);
    let crosswalk: Vec<serde_json::Value> = quarters(data)
        .into_iter()
        .filter_map(|(version, from, _)| {
            let rows = data.crosswalk_by_hcpcs(code, from).value;
            (!rows.is_empty()).then(|| {
                let ndcs: Vec<_> = rows.iter().map(|r| serde_json::json!({"ndc": r.ndc11, "drug": r.drug_name, "dosage": r.hcpcs_dosage, "bill_units": r.bill_units.to_string()})).collect();
                serde_json::json!({"version": version, "ndcs": ndcs})
            })
        })
        .collect();
    let mue: Vec<serde_json::Value> = [
        (Setting::Practitioner, "practitioner"),
        (Setting::OutpatientHospital, "outpatient_hospital"),
    ]
    .into_iter()
    .map(|(setting, name)| {
        let v = data.mue(code, setting, u32::MAX);
        let m = v.value;
        serde_json::json!({"setting": name, "version": v.version, "value": m.map(|m| m.value), "mai": m.map(|m| m.mai), "rationale": m.map(|m| m.rationale)})
    })
    .collect();
    serde_json::json!({
        "code": code,
        "description": h.map(|h| h.long),
        "short": h.map(|h| h.short),
        "added": date_json(h.and_then(|h| h.add_date)),
        "effective": date_json(h.and_then(|h| h.effective)),
        "terminated": date_json(h.and_then(|h| h.termination)),
        "cross_reference": h.map(|h| h.cross_reference).filter(|c| !c.is_empty()),
        "drug_code": is_drug_code(data, code),
        "crosswalk": crosswalk,
        "mue": mue,
        "single_dose": single_dose_json(data, code, None),
    })
}

/// What `ndc_section` prints, as data, with the HCPCS codes the NDC crosswalks to.
fn ndc_json(data: &Data, ndc: &str) -> serde_json::Value {
    let mut codes: Vec<&'static str> = Vec::new();
    let crosswalk: Vec<serde_json::Value> = quarters(data)
        .into_iter()
        .map(|(version, from, to)| {
            let rows: Vec<_> = data.crosswalk_ndc(ndc, from).value.iter().map(|r| {
                if !codes.contains(&r.hcpcs) {
                    codes.push(r.hcpcs);
                }
                serde_json::json!({"hcpcs": r.hcpcs, "drug": r.drug_name, "labeler": r.labeler, "dosage": r.hcpcs_dosage, "package_size": r.pkg_size.to_string(), "package_quantity": r.pkg_qty.to_string(), "bill_units": r.bill_units.to_string(), "bill_units_per_package": r.bill_units_pkg.to_string()})
            }).collect();
            serde_json::json!({"version": version, "from": Date(from).to_string(), "to": date_json(to), "rows": rows})
        })
        .collect();
    let hcpcs: Vec<_> = codes.iter().map(|c| hcpcs_json(data, c)).collect();
    let single: Vec<_> = codes
        .iter()
        .map(|c| single_dose_json(data, c, Some(ndc)))
        .collect();
    serde_json::json!({"ndc": ndc, "ndc_5_4_2": data::ndc_5_4_2(ndc), "crosswalk": crosswalk, "single_dose": single, "hcpcs": hcpcs})
}

/// `claimlint lookup --format json`: `{"query", "found", "kind", ...}` with the facts of the
/// kind (`ndc`: `ndcs`; `hcpcs`: `hcpcs`; `modifier`: `modifier`; `icd10`: `icd10`; `unknown`
/// none), and `text`, the human answer. `found` is what decides the exit status.
pub fn json(data: &Data, query: &str) -> (String, bool) {
    let (text, found) = lookup_raw(data, query);
    let q = query.trim().to_ascii_uppercase();
    let b = q.as_bytes();
    let mut sink = String::new();
    let ndcs = ndc_readings(data, &q, &mut sink);
    let bare: String = q.chars().filter(|&c| c != '.').collect();
    let mut doc = serde_json::json!({"query": query, "found": found, "text": text});
    let (kind, facts) = if !ndcs.is_empty()
        || b.iter().all(|c| c.is_ascii_digit() || *c == b'-') && b.len() >= 10
    {
        let all: Vec<_> = ndcs.iter().map(|n| ndc_json(data, n)).collect();
        ("ndc", Some(("ndcs", serde_json::Value::from(all))))
    } else if q.len() == 2 {
        let m = data.modifier(&q).map(|m| m.long);
        let cpt = m.is_none() && data::is_cpt_modifier(&q);
        let sites = data::ambulance_sites(&q);
        let ambulance =
            sites.map(|(from, to)| serde_json::json!({"origin": from, "destination": to}));
        let facts = (m.is_some() || cpt || sites.is_some()).then(
            || serde_json::json!({"code": q, "description": m, "cpt": cpt, "ambulance": ambulance}),
        );
        ("modifier", facts.map(|f| ("modifier", f)))
    } else if q.len() == 5 && b.iter().skip(1).all(u8::is_ascii_digit) {
        ("hcpcs", Some(("hcpcs", hcpcs_json(data, &q))))
    } else if let Some(dx) = data.icd10(&bare) {
        let release = data.icd10_version().0;
        let facts = serde_json::json!({"code": bare, "description": dx.description, "billable": dx.billable, "release": release});
        ("icd10", Some(("icd10", facts)))
    } else {
        ("unknown", None)
    };
    doc["kind"] = kind.into();
    if let Some((key, facts)) = facts {
        doc[key] = facts;
    }
    (
        serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n",
        found,
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
        // An ambulance pair, which `check` accepts on a transport code (CODE004).
        let (text, found) = lookup(&Data::embedded(), "RH");
        assert!(found, "{text}");
        assert_eq!(
            text,
            "modifier RH  ambulance origin/destination, on a transport code (A0021-A0999): from residence to hospital\n"
        );
        assert!(
            !lookup(&Data::embedded(), "XH").1,
            "X is a destination only"
        );
        assert!(lookup(&Data::embedded(), "M81.0").1);
    }

    #[test]
    fn json_has_the_facts_of_each_kind() {
        let data = Data::embedded();
        let parse = |q| {
            let (text, found) = json(&data, q);
            (
                serde_json::from_str::<serde_json::Value>(&text).unwrap(),
                found,
            )
        };
        let (v, found) = parse("55513-0710-01");
        assert!(found && v["found"] == true && v["kind"] == "ndc");
        let ndc = &v["ndcs"][0];
        assert_eq!(ndc["ndc"], "55513071001");
        assert_eq!(ndc["hcpcs"][0]["code"], "J0897");
        assert!(
            ndc["crosswalk"]
                .as_array()
                .unwrap()
                .iter()
                .any(|q| q["rows"][0]["bill_units"] == "60")
        );
        let (v, _) = parse("J9177");
        assert_eq!(v["kind"], "hcpcs");
        assert_eq!(v["hcpcs"]["drug_code"], true);
        assert!(
            v["hcpcs"]["description"]
                .as_str()
                .unwrap()
                .starts_with("Injection, enfortumab")
        );
        let (v, _) = parse("JZ");
        assert_eq!(
            (v["kind"].as_str(), v["modifier"]["code"].as_str()),
            (Some("modifier"), Some("JZ"))
        );
        let (v, _) = parse("M81.0");
        assert_eq!(v["icd10"]["code"], "M810");
        let (v, found) = parse("nonsense");
        assert!(!found && v["kind"] == "unknown" && v["found"] == false);
    }
}
