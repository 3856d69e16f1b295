//! Checks the embedded tables against the source files in shared/data (sampled, all fields),
//! so a build step that drops or mangles rows fails here, plus the rows rules depend on.

use std::path::{Path, PathBuf};

use super::csv::records;
use super::*;

/// The shared data directory beside the workspace, or None (with a message) where it is
/// absent, e.g. a clone without shared/ beside it. Under CI its absence fails the test.
fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but ../shared/data is missing"
    );
    println!("shared/data not found: skipping the comparison with the source files");
    None
}

/// The embedded tables alone, as every test but the `--data-dir` ones reads them.
fn data() -> Data {
    Data::embedded()
}

fn single_dose(hcpcs: &str, ndc11: Option<&str>) -> Option<SingleDose> {
    data().single_dose(&SingleDoseRows::default(), hcpcs, ndc11)
}

/// The header and data rows of a clean CSV, leaked so that rows compare with the tables'
/// `&'static str` structs.
fn read(path: &Path) -> (Vec<String>, &'static [Vec<String>]) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut recs = records(&text).unwrap().into_iter().map(|r| r.fields);
    let head = recs.next().unwrap();
    (head, Box::leak(recs.collect::<Vec<_>>().into_boxed_slice()))
}

fn col(head: &[String], name: &str) -> usize {
    head.iter().position(|h| h == name).unwrap()
}

fn opt_date(s: &str) -> Option<Ymd> {
    (!s.is_empty()).then(|| s.parse().unwrap())
}

#[test]
fn keyed_code_lookups_agree_with_the_string_search() {
    embedded::keyed_lookups_agree();
}

#[test]
fn icd10_lookups_by_prefix_agree_with_the_whole_table() {
    embedded::icd10_prefix_ranges_agree();
}

#[test]
fn hcpcs_matches_source() {
    let Some(dir) = shared() else { return };
    let (h, rows) = read(&dir.join("hcpcs/hcpcs_2026q1_anweb.csv"));
    assert_eq!(
        rows.len(),
        embedded::HCPCS.len() + embedded::MODIFIERS.len()
    );
    for r in rows.iter().step_by(50).chain(rows.last()) {
        let c = |n: &str| r[col(&h, n)].as_str();
        let got = match c("record_type") {
            "procedure" => data().hcpcs(c("code")),
            _ => data().modifier(c("code")),
        };
        let want = Hcpcs {
            code: c("code"),
            short: c("short_description"),
            long: c("long_description"),
            add_date: opt_date(c("add_date")),
            effective: opt_date(c("action_effective_date")),
            termination: opt_date(c("termination_date")),
            cross_reference: c("cross_reference"),
            action: c("action_code"),
        };
        assert_eq!(got, Some(want));
    }
}

#[test]
fn crosswalk_matches_source() {
    let Some(dir) = shared() else { return };
    for (q, dos) in [("2025Q4", 20251115), ("2026Q1", 20260215)] {
        let (h, rows) = read(&dir.join(format!("crosswalk/asp_ndc_hcpcs_{q}.csv")));
        assert_eq!(rows.len(), embedded::quarter_rows(q).len(), "{q}");
        for r in rows.iter().step_by(50).chain(rows.last()) {
            let c = |n: &str| r[col(&h, n)].as_str();
            let d = |n: &str| Dec::parse_text(c(n)).unwrap();
            let want = XwalkRow {
                hcpcs: c("hcpcs"),
                short_description: c("short_description"),
                labeler: c("labeler"),
                drug_name: c("drug_name"),
                ndc11: c("ndc11"),
                hcpcs_dosage: c("hcpcs_dosage"),
                pkg_size: d("pkg_size"),
                pkg_qty: d("pkg_qty"),
                bill_units: d("bill_units"),
                bill_units_pkg: d("bill_units_pkg"),
            };
            let by_ndc = data().crosswalk_by_ndc(c("ndc11"), dos);
            assert_eq!((by_ndc.version, by_ndc.in_force), (q, true));
            assert!(by_ndc.value.contains(&want), "{q} {want:?}");
            assert!(
                data()
                    .crosswalk_by_hcpcs(c("hcpcs"), dos)
                    .value
                    .contains(&want),
                "{q} {want:?}"
            );
            assert!(data().ndc_known_any(c("ndc11")));
        }
    }
}

#[test]
fn icd10_matches_source() {
    let Some(dir) = shared() else { return };
    let (h, rows) = read(&dir.join("icd10cm/icd10cm_2026_april_codes.csv"));
    assert_eq!(rows.len(), embedded::icd10_len());
    for r in rows.iter().step_by(50).chain(rows.last()) {
        let c = |n: &str| r[col(&h, n)].as_str();
        let got = data().icd10(c("code")).unwrap();
        assert_eq!(
            (got.code, got.billable, got.description),
            (c("code"), c("billable") == "Y", c("description"))
        );
    }
    // The descriptions that hold a tab, which data/ escapes.
    let tabbed = rows
        .iter()
        .find(|r| r[col(&h, "description")].contains('\t'))
        .unwrap();
    assert_eq!(
        data().icd10(&tabbed[0]).unwrap().description,
        tabbed[col(&h, "description")]
    );
}

#[test]
fn mue_matches_source() {
    let Some(dir) = shared() else { return };
    for (file, setting) in [
        ("mue_practitioner_2026-10-01.csv", Setting::Practitioner),
        (
            "mue_outpatient_hospital_2026-10-01.csv",
            Setting::OutpatientHospital,
        ),
    ] {
        let (h, rows) = read(&dir.join("mue").join(file));
        assert_eq!(rows.len(), embedded::mue_rows(setting).len());
        for r in rows.iter().step_by(50).chain(rows.last()) {
            let c = |n: &str| r[col(&h, n)].as_str();
            let got = data().mue(c("hcpcs"), setting, 20261015);
            let want = Mue {
                value: c("mue_value").parse().unwrap(),
                mai: c("mai").parse().unwrap(),
                rationale: c("rationale"),
            };
            assert_eq!(
                (got.value, got.version, got.in_force),
                (Some(want), "2026Q4", true)
            );
        }
    }
}

#[test]
fn must_check_rows() {
    let one = |ndc: &str, dos| {
        let v = data().crosswalk_by_ndc(ndc, dos);
        assert_eq!(v.value.len(), 1, "{ndc}");
        (v.value[0], v.version, v.in_force)
    };
    let (prolia, _, _) = one("55513071001", 20260115);
    assert_eq!(
        (prolia.hcpcs, prolia.hcpcs_dosage, prolia.bill_units),
        ("J0897", "1 MG", Dec::from_int(60))
    );
    assert_eq!(one("55513071021", 20260115).0.bill_units, Dec::from_int(60));
    let (xgeva, _, _) = one("55513073001", 20260115);
    assert_eq!(
        (xgeva.hcpcs, xgeva.bill_units, xgeva.drug_name),
        ("J0897", Dec::from_int(120), "Xgeva")
    );
    let (padcev20, _, _) = one("51144002001", 20260115);
    assert_eq!(
        (
            padcev20.hcpcs,
            padcev20.hcpcs_dosage,
            padcev20.bill_units.to_string().as_str()
        ),
        ("J9177", "0.25 MG", "80")
    );
    assert_eq!(
        one("51144003001", 20260115).0.bill_units,
        Dec::from_int(120)
    );
    // The labeler changed between the quarters: the date of service picks the quarter.
    assert_eq!(one("51144002001", 20251120).0.labeler, "Seagen Inc.");
    assert_eq!(one("51144002001", 20251120).1, "2025Q4");
    assert_eq!(one("51144002001", 20260210).0.labeler, "Pfizer Inc");
    // Outside every quarter: the nearest answers, flagged as not in force.
    assert_eq!(
        (
            one("51144002001", 20260701).1,
            one("51144002001", 20260701).2
        ),
        ("2026Q1", false)
    );
    assert_eq!(
        (
            one("51144002001", 20240101).1,
            one("51144002001", 20240101).2
        ),
        ("2025Q4", false)
    );
    let by_code = data().crosswalk_by_hcpcs("J9177", 20260115).value;
    assert_eq!(
        by_code.iter().map(|r| r.ndc11).collect::<Vec<_>>(),
        ["51144002001", "51144003001"]
    );
    assert!(!data().ndc_known_any("00000000000"));

    let j0897 = data().mue("J0897", Setting::Practitioner, 20261101);
    assert_eq!(j0897.value.map(|m| (m.value, m.mai)), Some((120, 3)));
    assert_eq!(
        data()
            .mue("J0897", Setting::OutpatientHospital, 20261101)
            .value
            .map(|m| m.value),
        Some(120)
    );
    assert_eq!(
        data()
            .mue("J9177", Setting::Practitioner, 20261101)
            .value
            .map(|m| m.value),
        Some(520)
    );
    let early = data().mue("J9177", Setting::Practitioner, 20260115);
    assert_eq!((early.version, early.in_force), ("2026Q4", false));
    assert_eq!(
        data().mue("J0898", Setting::Practitioner, 20261101).value,
        None
    );

    let m810 = data().icd10("M810").unwrap();
    assert!(m810.billable);
    assert!(
        m810.description.starts_with("Age-related osteoporosis"),
        "{}",
        m810.description
    );
    assert!(!data().icd10("M81").unwrap().billable);
    assert_eq!(data().icd10("M81.0"), None);
    assert_eq!(data().icd10(""), None);
    assert_eq!(data().icd10("ZZZZZZZZ"), None);
    // Records are padded with spaces; a space or control byte in the input matches nothing.
    assert_eq!(data().icd10("M81 "), None);
    assert_eq!(data().icd10("M81\u{1}"), None);
    assert_eq!(data().icd10(" M81"), None);
    assert_eq!(data().icd10_version(), ("FY2026-April", 20260401, 20260930));
}

#[test]
fn hcpcs_lookups() {
    let j0897 = data().hcpcs("J0897").unwrap();
    assert_eq!(j0897.termination, None);
    assert!(j0897.long.to_ascii_lowercase().contains("denosumab"));
    // A code CMS terminated but still lists: the date of service decides.
    let terminated = embedded::all_hcpcs()
        .find(|h| h.termination.is_some())
        .unwrap();
    assert_eq!(
        data().hcpcs(terminated.code).unwrap().termination,
        terminated.termination
    );
    assert!(data().modifier("JW").is_some() && data().modifier("JZ").is_some());
    assert_eq!(data().modifier("25"), None);
    assert!(
        is_cpt_modifier("25")
            && is_cpt_modifier("59")
            && !is_cpt_modifier("JW")
            && !is_cpt_modifier("2")
    );
    assert!(
        CPT_MODIFIERS.windows(2).all(|w| w[0] < w[1]),
        "sorted for binary search"
    );
    assert!(
        CPT_MODIFIERS.iter().all(|m| data().modifier(m).is_none()),
        "no overlap with Level II"
    );
    assert_eq!(data().hcpcs("J08"), None);
}

#[test]
fn single_dose_and_intervals() {
    let prolia = single_dose("J0897", Some("55513071001")).unwrap();
    assert!(prolia.single_dose);
    assert_eq!(prolia.package, "single-dose prefilled syringe");
    assert_eq!(
        single_dose("J0897", Some("55513073001")).unwrap().package,
        "single-dose vial"
    );
    // J0897 has no * row: an unknown denosumab NDC is unknown, not guessed.
    assert_eq!(single_dose("J0897", Some("99999999999")), None);
    assert!(
        single_dose("J9177", Some("51144002001"))
            .unwrap()
            .single_dose
    );
    assert!(single_dose("J9177", None).unwrap().single_dose);
    assert!(!single_dose("J1817", None).unwrap().single_dose);
    assert!(
        !single_dose("J0885", Some("55513028310"))
            .unwrap()
            .single_dose
    );
    assert_eq!(single_dose("J0885", None), None);
    // Verified rows (quoted from a source) and rows still to be checked.
    assert!(prolia.verified && prolia.source.contains("\"60 mg/mL in a single-dose"));
    assert!(!single_dose("J9177", None).unwrap().verified);

    // Every table row names a code (and NDC) the crosswalk knows, so no row is a typo.
    let q: Vec<&XwalkRow> = embedded::quarter_rows("2026Q1")
        .iter()
        .chain(embedded::quarter_rows("2025Q4"))
        .collect();
    for (h, ndc, _) in embedded::all_single_dose() {
        assert!(
            q.iter()
                .any(|r| r.hcpcs == *h && ndc.is_none_or(|n| r.ndc11 == n)),
            "single_dose.tsv {h} {ndc:?}"
        );
    }
    for d in embedded::all_dose_intervals() {
        assert!(
            q.iter()
                .any(|r| r.hcpcs == d.hcpcs && d.ndc11.is_none_or(|n| r.ndc11 == n)),
            "dose_intervals.tsv {d:?}"
        );
    }

    // The dose-interval lookup by code, then NDC, agrees with the search by both.
    let rows = embedded::all_dose_intervals();
    assert!(
        rows.windows(2)
            .all(|w| (w[0].hcpcs, w[0].ndc11) < (w[1].hcpcs, w[1].ndc11))
    );
    for d in rows {
        for ndc in [d.ndc11, None, Some("00000000000"), Some("99999999999")] {
            let slow = ndc
                .and_then(|n| embedded::dose_interval(d.hcpcs, Some(n)))
                .or_else(|| embedded::dose_interval(d.hcpcs, None));
            assert_eq!(
                embedded::dose_interval_for(d.hcpcs, ndc),
                slow,
                "{d:?} {ndc:?}"
            );
        }
    }
    assert_eq!(embedded::dose_interval_for("A0000", None), None);
    assert_eq!(
        embedded::dose_interval_for("Z9999", Some("55513071001")),
        None
    );

    let prolia = data().dose_interval("J0897", Some("55513071001")).unwrap();
    assert_eq!(prolia.min_days, 150);
    assert_eq!(
        data()
            .dose_interval("J0897", Some("55513073001"))
            .unwrap()
            .min_days,
        7
    );
    assert_eq!(
        data()
            .dose_interval("J3489", Some("00078043561"))
            .unwrap()
            .min_days,
        330
    );
    assert_eq!(data().dose_interval("J0897", None), None);
}

/// Issue 14: a line with no NDC is judged by its code when every crosswalk NDC of the code
/// has a verified row of one kind.
#[test]
fn single_dose_by_code() {
    let d = data();
    let none = SingleDoseRows::default();
    let prolia = d.single_dose_for_code(&none, "J0897", 20260115).unwrap();
    assert!(prolia.single_dose && prolia.verified);
    // Heparin mixes single- and multiple-dose vials; Padcev's rows are unverified.
    assert_eq!(d.single_dose_for_code(&none, "J1644", 20260115), None);
    assert_eq!(d.single_dose_for_code(&none, "J9177", 20260115), None);
    assert_eq!(d.single_dose_for_code(&none, "J0000", 20260115), None);
    // A user's `*` row is the user's word.
    let mut rows = SingleDoseRows::default();
    rows.add("J9177", None, true).unwrap();
    assert!(
        d.single_dose_for_code(&rows, "J9177", 20260115)
            .unwrap()
            .single_dose
    );
}

#[test]
fn user_single_dose_wins() {
    let mut rows = SingleDoseRows::default();
    rows.add("J9999", None, true).unwrap();
    rows.add("J9999", Some("12345-6789-01"), false).unwrap();
    let d = data();
    assert!(
        !d.single_dose(&rows, "J9999", Some("12345678901"))
            .unwrap()
            .single_dose
    );
    assert!(
        d.single_dose(&rows, "J9999", Some("11111111111"))
            .unwrap()
            .single_dose
    );
    // A user row beats the table's row of the same specificity: J0897's NDC row.
    rows.add("j0897", Some("55513071001"), false).unwrap();
    assert!(
        !d.single_dose(&rows, "J0897", Some("55513071001"))
            .unwrap()
            .single_dose
    );
    // The rows belong to their settings: without them the tables answer, whatever was added.
    assert_eq!(single_dose("J9999", Some("12345678901")), None);
    assert!(
        single_dose("J0897", Some("55513071001"))
            .unwrap()
            .single_dose
    );
    assert!(matches!(
        rows.add("J9999", Some("1234567890"), true),
        Err(DataError::BadNdc { .. })
    ));
}

#[test]
fn datasets_and_version_line() {
    let ds = data().datasets();
    let names: Vec<&str> = ds.iter().map(|d| d.name).collect();
    for n in [
        "hcpcs",
        "crosswalk",
        "icd10cm",
        "mue-practitioner",
        "mue-outpatient-hospital",
        "single-dose",
        "dose-intervals",
    ] {
        assert!(names.contains(&n), "{n}");
    }
    let xw: Vec<&DataSet> = ds
        .iter()
        .filter(|d| d.name == "crosswalk" && d.source.starts_with("embedded"))
        .collect();
    assert_eq!(
        xw.iter()
            .map(|d| (d.version.as_str(), d.rows))
            .collect::<Vec<_>>(),
        [("2025Q4", 6961), ("2026Q1", 7124)]
    );
    let line = data().version_line();
    assert!(
        line.starts_with(
            "data: HCPCS 2026Q1, crosswalk 2025Q4 2026Q1, ICD-10-CM FY2026-April, MUE 2026Q4"
        ),
        "{line}"
    );
}

/// The raw CMS files, loaded as `--data-dir` would, must give exactly the embedded rows.
#[test]
fn data_dir_reads_raw_cms_crosswalk() {
    let Some(dir) = shared() else { return };
    let ov: &'static overlay::Overlay = Box::leak(Box::new(
        overlay::load_dir(&dir.join("crosswalk/original")).unwrap(),
    ));
    let mut versions: Vec<(&str, Ymd, Ymd, usize)> = ov
        .crosswalk
        .iter()
        .map(|q| (q.version, q.from, q.to, q.rows.len()))
        .collect();
    versions.sort();
    assert_eq!(
        versions,
        [
            ("2025Q4", 20251001, 20251231, 6961),
            ("2026Q1", 20260101, 20260331, 7124)
        ]
    );
    for q in &ov.crosswalk {
        assert_eq!(q.rows, embedded::quarter_rows(q.version), "{}", q.version);
    }
    let ds = ov.datasets.iter().find(|d| d.version == "2025Q4").unwrap();
    assert!(
        ds.source.contains("1284 rows without an NDC skipped"),
        "{}",
        ds.source
    );
    // Lookups through the loaded tables.
    let v = in_quarter(Some(ov), 20251120, |q| by_ndc(q, "51144002001").to_vec());
    assert_eq!(
        (v.version, v.value[0].labeler, v.value[0].bill_units),
        ("2025Q4", "Seagen Inc.", Dec::from_int(80))
    );

    // And through a handle, as `--data-dir` builds one. The embedded handle is untouched.
    let loaded = Data::load_dir(&dir.join("crosswalk/original")).unwrap();
    assert_eq!(
        loaded.crosswalk_by_ndc("51144002001", 20260210).value[0].labeler,
        "Pfizer Inc"
    );
    assert!(
        loaded
            .datasets()
            .iter()
            .any(|d| d.source.starts_with("--data-dir"))
    );
    assert!(
        loaded.version_line().contains("crosswalk 2025Q4* 2026Q1*,"),
        "{}",
        loaded.version_line()
    );
    assert!(
        !data()
            .datasets()
            .iter()
            .any(|d| d.source.starts_with("--data-dir"))
    );
    assert!(!data().version_line().contains('*'));
}

#[test]
fn data_dir_reads_clean_hcpcs_and_mue_and_reports_errors() {
    let Some(dir) = shared() else { return };
    let tmp = std::env::temp_dir().join(format!("claimlint-data-test-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::copy(
        dir.join("hcpcs/hcpcs_2026q1_anweb.csv"),
        tmp.join("hcpcs_2026q2_anweb.csv"),
    )
    .unwrap();
    std::fs::write(
        tmp.join("mue_practitioner_2027-01-01.csv"),
        "hcpcs,mue_value,mai,rationale\nJ0897,240,3,Prescribing Information\n",
    )
    .unwrap();
    std::fs::copy(
        dir.join("crosswalk/asp_ndc_hcpcs_2026Q1.csv"),
        tmp.join("asp_ndc_hcpcs_2026Q2.csv"),
    )
    .unwrap();
    let ov = overlay::load_dir(&tmp).unwrap();
    assert_eq!(
        (ov.hcpcs.len(), ov.modifiers.len()),
        embedded::hcpcs_counts()
    );
    assert_eq!(ov.crosswalk[0].version, "2026Q2");
    assert_eq!(ov.crosswalk[0].rows, embedded::quarter_rows("2026Q1"));
    assert_eq!((ov.mue[0].from, ov.mue[0].rows[0].1.value), (20270101, 240));

    std::fs::write(
        tmp.join("mue_practitioner_2027-01-01.csv"),
        "hcpcs,mue_value,mai,rationale\nJ0897,240,3,x\nJ9177,lots,3,x\n",
    )
    .unwrap();
    let err = overlay::load_dir(&tmp).err().unwrap().to_string();
    assert!(
        err.ends_with("mue_practitioner_2027-01-01.csv:3: MUE value `lots` is not a whole number"),
        "{err}"
    );
    std::fs::write(tmp.join("mue_practitioner_2027-01-01.csv"), "a,b\n1,2\n").unwrap();
    assert!(matches!(
        overlay::load_dir(&tmp),
        Err(DataError::Unrecognized { .. })
    ));
    std::fs::remove_dir_all(&tmp).unwrap();
}

/// The first lookups on a fresh handle inflate the lazily built caches; they answer the same
/// as later ones. (Issue 12: this was a timed test whose result depended on which test ran
/// first; speed is measured in benches/, never asserted here.)
#[test]
fn first_lookups_answer() {
    let d = Data::embedded();
    let ds = d.datasets();
    let hit = d.crosswalk_by_ndc("55513071001", 20260115);
    let dx = d.icd10("M810");
    assert!(!ds.is_empty() && !hit.value.is_empty() && dx.is_some());
    assert_eq!(d.crosswalk_by_ndc("55513071001", 20260115), hit);
    assert_eq!(d.icd10("M810"), dx);
}

#[test]
fn icd10_releases_are_picked_by_date() {
    let d = Data::embedded();
    let releases = d.icd10_releases();
    // One table is compiled in; a second VERSIONS row needs its own table and lookup in
    // `icd10_releases` before this may change.
    assert_eq!(releases.len(), 1, "{releases:?}");
    let r = releases[0];
    assert_eq!(
        (r.version, r.from, r.to),
        ("FY2026-April", 20260401, 20260930)
    );
    let inside = d.icd10_release_for(20260501).unwrap();
    assert!(inside.in_force);
    assert!(inside.value.code("M810").unwrap().billable);
    let before = d.icd10_release_for(20240501).unwrap();
    assert_eq!((before.version, before.in_force), ("FY2026-April", false));
    assert!(!d.icd10_release_for(20261001).unwrap().in_force);
    // G35 (multiple sclerosis) was billable through FY2025; in FY2026 it is a header.
    assert!(!before.value.code("G35").unwrap().billable);
}

/// `--data-dir` with a small synthetic ICD-10-CM release, as CDC's fixed-width order file and
/// as a CSV: picked by date of service, before the compiled-in release, with its own coverage.
#[test]
fn data_dir_loads_icd10cm_releases() {
    let tmp = std::env::temp_dir().join(format!("claimlint-icd10-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    // FY2027 (2026-10-01 … 2027-09-30): G35 billable again (synthetic), a new code Z9999.
    let order = |n: u32, code: &str, flag: u8, desc: &str| {
        format!("{n:05} {code:<7} {flag} {desc:<60} {desc}\n")
    };
    let text = [
        order(1, "G35", 1, "Multiple sclerosis"),
        order(
            2,
            "M81",
            0,
            "Age-related osteoporosis without current pathological fracture",
        ),
        order(
            3,
            "M810",
            1,
            "Age-related osteoporosis w/o current pathological fracture",
        ),
        order(4, "Z9999", 1, "Synthetic test code"),
    ]
    .concat();
    std::fs::write(tmp.join("icd10cm_order_2027.txt"), text).unwrap();
    let d = Data::load_dir(&tmp).unwrap();
    let r = d.icd10_release_for(20261015).unwrap();
    assert_eq!((r.version, r.in_force), ("FY2027", true));
    assert!(r.value.code("G35").unwrap().billable);
    assert!(r.value.code("Z9999").unwrap().billable);
    assert!(!r.value.code("M81").unwrap().billable);
    assert_eq!(
        r.value.code("A000"),
        None,
        "only the loaded release answers"
    );
    // The compiled-in release still answers for its own dates.
    let april = d.icd10_release_for(20260501).unwrap();
    assert_eq!((april.version, april.in_force), ("FY2026-April", true));
    assert!(!april.value.code("G35").unwrap().billable);
    let c = d.coverage("icd10cm", 20261015).unwrap();
    assert_eq!(
        (c.version, c.from, c.to, c.in_force),
        ("FY2027", 20261001, Some(20270930), true)
    );
    assert!(!d.coverage("icd10cm", 20271015).unwrap().in_force);
    assert!(
        d.datasets()
            .iter()
            .any(|s| s.name == "icd10cm" && s.version == "FY2027")
    );
    assert!(
        d.version_line().contains("ICD-10-CM FY2026-April FY2027*"),
        "{}",
        d.version_line()
    );
    assert_eq!(d.icd10("Z9999").map(|c| c.billable), Some(true));
    assert_spans_exact(&d);
    std::fs::remove_dir_all(&tmp).unwrap();
}

/// `--data-dir` with an ICD-10-CM CSV (the layout of shared/data), and bad ICD-10-CM files.
#[test]
fn data_dir_icd10cm_csv_and_errors() {
    let tmp = std::env::temp_dir().join(format!("claimlint-icd10-csv-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    // The CSV layout of shared/data (dots allowed), for the FY2025 release.
    std::fs::write(
        tmp.join("icd10cm_2025_codes.csv"),
        "code,code_dotted,billable,description\nG35,G35,Y,Multiple sclerosis\nM810,M81.0,Y,Age-related osteoporosis\n",
    )
    .unwrap();
    let d = Data::load_dir(&tmp).unwrap();
    let r = d.icd10_release_for(20250115).unwrap();
    assert_eq!((r.version, r.in_force), ("FY2025", true));
    assert!(r.value.code("G35").unwrap().billable);

    // Bad input: a clear error naming the file and line, or the missing year.
    std::fs::write(
        tmp.join("icd10cm_2025_codes.csv"),
        "code,billable,description\nG35,maybe,x\n",
    )
    .unwrap();
    let err = Data::load_dir(&tmp).err().unwrap().to_string();
    assert!(
        err.ends_with("icd10cm_2025_codes.csv:2: billable `maybe` is not Y or N"),
        "{err}"
    );
    std::fs::remove_file(tmp.join("icd10cm_2025_codes.csv")).unwrap();
    std::fs::write(tmp.join("icd10cm_order_2027.txt"), "00001 G35     7 x\n").unwrap();
    let err = Data::load_dir(&tmp).err().unwrap().to_string();
    assert!(err.contains("icd10cm_order_2027.txt:1: flag `7`"), "{err}");
    std::fs::remove_file(tmp.join("icd10cm_order_2027.txt")).unwrap();
    std::fs::write(
        tmp.join("icd10cm_codes.csv"),
        "code,billable,description\nG35,Y,x\n",
    )
    .unwrap();
    let err = Data::load_dir(&tmp).err().unwrap().to_string();
    assert!(err.contains("ICD-10-CM fiscal year"), "{err}");
    std::fs::remove_dir_all(&tmp).unwrap();
}

/// `ndc_known_any` answers from the sorted union of the compiled-in quarters' NDCs what
/// asking each quarter answers, and `by_ndc` finds an NDC's whole run of rows.
#[test]
fn ndc_known_any_agrees_with_each_quarter() {
    let data = Data::embedded();
    let per_quarter = |ndc: &str| {
        quarters(None)
            .iter()
            .any(|q| q.rows.iter().any(|r| r.ndc11 == ndc))
    };
    embedded::crosswalk_keys_are_the_rows();
    let listed = embedded::crosswalk_values(|r| r.ndc11);
    assert!(listed.len() > 1000, "{}", listed.len());
    for ndc in listed.iter().step_by(7) {
        assert!(data.ndc_known_any(ndc), "{ndc}");
        for near in [format!("{ndc}0"), ndc[..ndc.len() - 1].to_string()] {
            assert_eq!(data.ndc_known_any(&near), per_quarter(&near), "{near}");
        }
        for q in quarters(None) {
            assert!(
                q.ndc_keys.is_some(),
                "compiled-in quarters search NDCs as numbers"
            );
            let text = Quarter {
                ndc_keys: None,
                ..q
            };
            for probe in [
                ndc.to_string(),
                format!("{ndc}0"),
                ndc[..ndc.len() - 1].to_string(),
            ] {
                let want: Vec<_> = q.rows.iter().filter(|r| r.ndc11 == probe).collect();
                let got: Vec<_> = by_ndc(q, &probe).iter().collect();
                assert_eq!(got, want, "{probe}");
                let by_text: Vec<_> = by_ndc(text, &probe).iter().collect();
                assert_eq!(by_text, want, "{probe}");
            }
        }
    }
    assert!(!data.ndc_known_any("") && !data.ndc_known_any("99999999999"));
}

/// `crosswalk_lists_hcpcs` answers from the sorted union of the compiled-in quarters' codes
/// exactly what asking each quarter answers: for every code any quarter lists, and for codes
/// next to them that none does.
#[test]
fn crosswalk_lists_hcpcs_agrees_with_each_quarter() {
    let data = Data::embedded();
    let per_quarter = |code: &str| each_quarter(None).any(|q| lists_hcpcs(q, code));
    assert!(
        embedded::crosswalk_lists_code("J0897").is_some(),
        "every listed code fits a key"
    );
    let listed = embedded::crosswalk_values(|r| r.hcpcs);
    assert!(listed.len() > 100, "{}", listed.len());
    for code in listed {
        assert!(data.crosswalk_lists_hcpcs(code), "{code}");
        assert!(per_quarter(code), "{code}");
        for near in [
            format!("{code}0"),
            code[..code.len() - 1].to_string(),
            format!("{code} "),
        ] {
            assert_eq!(
                data.crosswalk_lists_hcpcs(&near),
                per_quarter(&near),
                "{near}"
            );
        }
    }
    for code in ["96372", "", "A0425", "J9999", "ZZZZZ", "j0897"] {
        assert_eq!(
            data.crosswalk_lists_hcpcs(code),
            per_quarter(code),
            "{code}"
        );
    }
}

/// The compiled-in MUE tables' keys are their codes' keys, and a search by key finds the row
/// a search of the codes finds, for every code and for codes next to them.
#[test]
fn mue_keys_find_what_the_codes_find() {
    for (_, _, _, rows, keys) in embedded::MUE_TABLES {
        assert_eq!(rows.len(), keys.len());
        for (i, (code, _)) in rows.iter().enumerate() {
            assert_eq!(
                claimlint_x12::short::code_key(code.as_bytes()),
                Some(keys[i])
            );
            for probe in [
                code.to_string(),
                format!("{code}0"),
                code[..code.len() - 1].to_string(),
                code.to_lowercase(),
                format!("{code}XXXXXXXX"),
            ] {
                let by_key = claimlint_x12::short::code_key(probe.as_bytes())
                    .and_then(|k| keys.binary_search(&k).ok());
                let by_code = rows.binary_search_by(|r| key_cmp(r.0, &probe)).ok();
                assert_eq!(by_key, by_code, "{probe}");
            }
        }
    }
}

/// With nothing loaded, the one-pass choice of the MUE table is the general one's, for
/// dates before, between, on and after the compiled-in tables' starts.
#[test]
fn embedded_mue_table_choice_is_the_general_one() {
    let mut dates = vec![19990101, 20230701, 20260101, 20261231, 20300101];
    for t in embedded::MUE_TABLES {
        dates.extend([t.1 - 1, t.1, t.1 + 1]);
    }
    for setting in [Setting::Practitioner, Setting::OutpatientHospital] {
        for &dos in &dates {
            let key = |c: Option<(MueTable, bool)>| c.map(|(t, f)| (t.0, t.1, t.2.len(), f));
            assert_eq!(
                key(super::embedded_mue_table(setting, dos)),
                key(super::mue_table_of(None, setting, dos)),
                "{setting:?} {dos}"
            );
        }
    }
}

/// The quarter the rules' lookups choose for a date (compiled-in quarters chosen by their
/// dates alone) is the one the listing lookups choose, in force or nearest, on dates before,
/// between, inside and after every quarter.
#[test]
fn lazy_quarter_choice_agrees() {
    let all = quarters(None);
    let mut dates: Vec<Ymd> = Vec::new();
    for y in [2019, 2023, 2025, 2026, 2027, 2031] {
        for m in 1..=12 {
            for d in [1, 15, 28, 31] {
                dates.push(y * 10_000 + m * 100 + d);
            }
        }
    }
    for q in &all {
        dates.extend([q.from, q.to, q.from - 1, q.to + 1]);
    }
    for dos in dates {
        let lazy = pick_quarter_lazy(None, dos).map(|(q, f)| (q.version, f));
        let listed = pick_quarter(&all, dos).map(|(q, f)| (q.version, f));
        assert_eq!(lazy, listed, "{dos}");
    }
}

/// `coverage_span` gives `coverage`'s answer, and every date of its span gets that answer:
/// each day from 2014 to 2028 is asked, and checked against the span of the day before, and
/// each span's ends against the day asked.
fn assert_spans_exact(d: &Data) {
    let days = (2014..=2028u32).flat_map(|y| {
        (1..=12u32).flat_map(move |m| (1..=31u32).map(move |day| y * 10000 + m * 100 + day))
    });
    for name in [
        "crosswalk",
        "hcpcs",
        "icd10cm",
        "mue-practitioner",
        "mue-outpatient-hospital",
    ] {
        let mut last: Option<(Coverage, (Ymd, Ymd))> = None;
        for dos in days.clone() {
            let c = d.coverage(name, dos);
            let span = d.coverage_span(name, dos);
            assert_eq!(span.map(|s| s.0), c, "{name} {dos}");
            if let Some((was, (lo, hi))) = last.filter(|(_, (lo, hi))| *lo <= dos && dos <= *hi) {
                assert_eq!(c, Some(was), "{name} {dos} in {lo}..={hi}");
            }
            if let Some((c, (lo, hi))) = span {
                assert!(lo <= dos && dos <= hi, "{name} {dos}: {lo}..={hi}");
                assert_eq!(d.coverage(name, lo), Some(c), "{name} {dos}: {lo}");
                assert_eq!(d.coverage(name, hi), Some(c), "{name} {dos}: {hi}");
            }
            last = span;
        }
    }
}

#[test]
fn coverage_spans_are_exact() {
    assert_spans_exact(&data());
    // A span reaches across the months of a version: the notes ask once for them.
    let (c, span) = data().coverage_span("mue-practitioner", 20260115).unwrap();
    assert!(!c.in_force);
    assert_eq!(span, (0, c.from - 1));
}
