//! `--data-dir`: newer CMS files of the published formats, loaded once into the run's `Data`
//! handle, so that a user need not wait for a claimlint release to get a new quarter.
//! Owns file recognition, the column mapping of each layout and the errors; the lookups that
//! consult the loaded tables before the embedded ones live in `lib.rs`.
//!
//! Read: the ASP NDC-HCPCS crosswalk (the clean layout of shared/data, or CMS's raw "section
//! 508" CSV with its preamble, Windows-1252, CRLF), the HCPCS CSV as in shared/data, the MUE
//! CSV as in shared/data, and ICD-10-CM releases: CDC/NCHS's fixed-width order file
//! (`icd10cm_order_2027.txt`, `icd10cm-order-April-2026.txt`) or a CSV with `code`, `billable`
//! (Y/N) and `description` columns (as in shared/data), the fiscal year in the file name. Strings are leaked so lookups can hand out `&'static str`; that is
//! done once per process.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::csv::{Record, decode, records, tidy};
use super::ndc::is_ndc11;
use super::{DataSet, Dec, Hcpcs, Icd10, Mue, Quarter, Setting, XwalkRow, Ymd};

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: not a crosswalk, HCPCS, MUE or ICD-10-CM CSV that claimlint reads (no known header in the first 20 lines)", path.display())]
    Unrecognized { path: PathBuf },
    #[error("{}: cannot tell the {what}; {hint}", path.display())]
    NoPeriod {
        path: PathBuf,
        what: &'static str,
        hint: &'static str,
    },
    #[error("{}: no crosswalk, HCPCS, MUE or ICD-10-CM file in this directory", path.display())]
    Empty { path: PathBuf },
    #[error("`{value}` is not an NDC (11 digits, or hyphenated 5-4-2, 4-4-2, 5-3-2 or 5-4-1)")]
    BadNdc { value: String },
}

pub(crate) struct OverlayQuarter {
    pub version: &'static str,
    pub from: Ymd,
    pub to: Ymd,
    pub rows: Vec<XwalkRow>,
    pub by_hcpcs: Vec<u32>,
}

impl OverlayQuarter {
    pub(super) fn as_quarter(&'static self) -> Quarter<'static> {
        Quarter {
            version: self.version,
            from: self.from,
            to: self.to,
            rows: &self.rows,
            by_hcpcs: &self.by_hcpcs,
            ndc_keys: None,
        }
    }
}

pub(crate) struct OverlayMue {
    pub setting: Setting,
    pub from: Ymd,
    pub version: &'static str,
    pub rows: Vec<(&'static str, Mue)>,
}

/// A loaded ICD-10-CM release: codes without dots, sorted.
pub(crate) struct OverlayIcd10 {
    pub version: &'static str,
    pub from: Ymd,
    pub to: Ymd,
    pub rows: Vec<Icd10>,
}

impl OverlayIcd10 {
    pub(super) fn code(&self, code: &str) -> Option<Icd10> {
        self.rows
            .binary_search_by(|r| r.code.cmp(code))
            .ok()
            .and_then(|i| self.rows.get(i))
            .copied()
    }
}

#[derive(Default)]
pub(crate) struct Overlay {
    pub icd10: Vec<OverlayIcd10>,
    pub crosswalk: Vec<OverlayQuarter>,
    pub hcpcs: Vec<Hcpcs>,
    pub modifiers: Vec<Hcpcs>,
    pub mue: Vec<OverlayMue>,
    pub datasets: Vec<DataSet>,
}

/// Loads every `*.csv` in `dir` (not recursive) that is a crosswalk, HCPCS, MUE or ICD-10-CM
/// file, and every ICD-10-CM order file (`*.txt` named `icd10cm…order…`).
pub(super) fn load_dir(dir: &Path) -> Result<Overlay, DataError> {
    let io = |source| DataError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && (is_csv(p) || is_order_file(p)))
        .collect();
    files.sort();
    let mut ov = Overlay::default();
    let mut strings = Strings::default();
    for path in files {
        if is_order_file(&path) {
            load_order_file(&path, &mut ov, &mut strings)?;
        } else {
            load_file(&path, &mut ov, &mut strings)?;
        }
    }
    if ov.datasets.is_empty() {
        return Err(DataError::Empty {
            path: dir.to_path_buf(),
        });
    }
    ov.hcpcs.sort_by(|a, b| a.code.cmp(b.code));
    ov.hcpcs.dedup_by(|a, b| a.code == b.code);
    ov.modifiers.sort_by(|a, b| a.code.cmp(b.code));
    ov.modifiers.dedup_by(|a, b| a.code == b.code);
    Ok(ov)
}

/// Leaks each distinct string once: labeler and drug names repeat thousands of times.
#[derive(Default)]
struct Strings(HashMap<String, &'static str>);

impl Strings {
    fn get(&mut self, s: String) -> &'static str {
        if let Some(&v) = self.0.get(&s) {
            return v;
        }
        let v: &'static str = Box::leak(s.clone().into_boxed_str());
        self.0.insert(s, v);
        v
    }
}

fn is_csv(p: &Path) -> bool {
    p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv"))
}

/// CDC/NCHS's ICD-10-CM order file: `icd10cm_order_2027.txt`, `icd10cm-order-April-2026.txt`.
fn is_order_file(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".txt") && name.contains("icd10cm") && name.contains("order")
}

enum Kind {
    CleanCrosswalk,
    Icd10,
    RawCrosswalk,
    Hcpcs,
    Mue,
    /// The clean layout's `…_non_ndc_ids.csv` sidecar: nothing claimlint looks up by.
    NonNdcSidecar,
}

fn classify(header: &[String]) -> Option<Kind> {
    let has = |n: &str| header.iter().any(|h| h == n);
    if has("code") && has("record_type") {
        Some(Kind::Hcpcs)
    } else if has("code") && has("billable") && has("description") {
        Some(Kind::Icd10)
    } else if has("hcpcs") && has("mue_value") {
        Some(Kind::Mue)
    } else if has("hcpcs") && has("ndc11") && has("bill_units") {
        Some(Kind::CleanCrosswalk)
    } else if has("hcpcs") && has("product_id") {
        Some(Kind::NonNdcSidecar)
    } else if has("ndc2") && header.iter().any(|h| h.ends_with("_code")) {
        Some(Kind::RawCrosswalk)
    } else {
        None
    }
}

fn load_file(path: &Path, ov: &mut Overlay, strings: &mut Strings) -> Result<(), DataError> {
    let bytes = std::fs::read(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = decode(&bytes);
    let recs = records(&text).map_err(|line| DataError::Parse {
        path: path.to_path_buf(),
        line,
        message: "a quoted field is never closed".into(),
    })?;
    let found = recs.iter().take(20).enumerate().find_map(|(i, r)| {
        let header: Vec<String> = r
            .fields
            .iter()
            .map(|f| tidy(f).to_ascii_lowercase())
            .collect();
        classify(&header).map(|k| (i, k, header))
    });
    let Some((at, kind, header)) = found else {
        return Err(DataError::Unrecognized {
            path: path.to_path_buf(),
        });
    };
    let (preamble, rest) = recs.split_at(at);
    let body = rest.get(1..).unwrap_or_default();
    let file = File {
        path,
        header: &header,
    };
    match kind {
        Kind::CleanCrosswalk | Kind::RawCrosswalk => {
            load_crosswalk(&file, preamble, body, ov, strings)
        }
        Kind::Hcpcs => load_hcpcs(&file, body, ov, strings),
        Kind::Mue => load_mue(&file, body, ov, strings),
        Kind::Icd10 => {
            let cols = [
                file.col(&["code"])?,
                file.col(&["billable"])?,
                file.col(&["description"])?,
            ];
            let mut rows = Vec::new();
            for rec in body.iter().filter(|r| !is_blank(r)) {
                let f: Vec<String> = cols.iter().map(|&c| cell(rec, c)).collect();
                let billable = match f[1].as_str() {
                    "Y" | "y" | "1" => true,
                    "N" | "n" | "0" => false,
                    other => {
                        return Err(file.err(rec, format!("billable `{other}` is not Y or N")));
                    }
                };
                rows.push(
                    icd10_row(&f[0], billable, &f[2], strings).map_err(|m| file.err(rec, m))?,
                );
            }
            add_icd10(file.path, rows, ov, strings)
        }
        Kind::NonNdcSidecar => Ok(()),
    }
}

struct File<'a> {
    path: &'a Path,
    header: &'a [String],
}

impl File<'_> {
    fn col(&self, names: &[&str]) -> Result<usize, DataError> {
        self.header
            .iter()
            .position(|h| {
                names
                    .iter()
                    .any(|n| h == n || (n.starts_with('*') && h.ends_with(&n[1..])))
            })
            .ok_or_else(|| DataError::Parse {
                path: self.path.to_path_buf(),
                line: 1,
                message: format!("no `{}` column in the header", names.join("` or `")),
            })
    }

    fn err(&self, rec: &Record, message: String) -> DataError {
        DataError::Parse {
            path: self.path.to_path_buf(),
            line: rec.line,
            message,
        }
    }
}

fn cell(rec: &Record, col: usize) -> String {
    rec.fields.get(col).map(|f| tidy(f)).unwrap_or_default()
}

fn is_blank(rec: &Record) -> bool {
    rec.fields.iter().all(|f| tidy(f).is_empty())
}

fn load_crosswalk(
    file: &File<'_>,
    preamble: &[Record],
    body: &[Record],
    ov: &mut Overlay,
    strings: &mut Strings,
) -> Result<(), DataError> {
    let cols = [
        file.col(&["hcpcs", "*_code"])?,
        file.col(&["short_description", "short description"])?,
        file.col(&["labeler", "labeler name"])?,
        file.col(&["drug_name", "drug name"])?,
        file.col(&["ndc11", "ndc2"])?,
        file.col(&["hcpcs_dosage", "hcpcs dosage"])?,
        file.col(&["pkg_size", "pkg size"])?,
        file.col(&["pkg_qty", "pkg qty"])?,
        file.col(&["bill_units", "billunits"])?,
        file.col(&["bill_units_pkg", "billunitspkg"])?,
    ];
    let (from, to) = crosswalk_period(file, preamble)?;
    let mut rows = Vec::new();
    let mut skipped = 0;
    for rec in body.iter().filter(|r| !is_blank(r)) {
        match crosswalk_row(file, rec, &cols, strings)? {
            Some(row) => rows.push(row),
            // CMS lists some products by catalogue number or GTIN (skin substitutes, devices):
            // nothing on a claim's LIN03 can match them.
            None => skipped += 1,
        }
    }
    rows.sort_by(|a, b| (a.ndc11, a.hcpcs).cmp(&(b.ndc11, b.hcpcs)));
    rows.dedup_by(|a, b| (a.ndc11, a.hcpcs) == (b.ndc11, b.hcpcs));
    let mut by_hcpcs: Vec<u32> = (0..rows.len())
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    by_hcpcs.sort_by_key(|&i| {
        usize::try_from(i)
            .ok()
            .and_then(|i| rows.get(i))
            .map(|r| (r.hcpcs, r.ndc11))
    });
    let version = strings.get(quarter_name(from));
    let mut source = format!("--data-dir {}", file.path.display());
    if skipped > 0 {
        source.push_str(&format!(" ({skipped} rows without an NDC skipped)"));
    }
    ov.datasets.push(DataSet {
        name: "crosswalk",
        version: version.to_string(),
        effective_from: from,
        effective_to: Some(to),
        rows: rows.len(),
        source,
    });
    ov.crosswalk.push(OverlayQuarter {
        version,
        from,
        to,
        rows,
        by_hcpcs,
    });
    Ok(())
}

/// A crosswalk file's quarter: the effective dates in CMS's preamble, else the quarter in its
/// name.
fn crosswalk_period(file: &File<'_>, preamble: &[Record]) -> Result<(Ymd, Ymd), DataError> {
    let preamble_text: Vec<String> = preamble
        .iter()
        .flat_map(|r| r.fields.iter().map(|f| tidy(f)))
        .collect();
    preamble_text
        .iter()
        .find_map(|t| effective_range(t))
        .or_else(|| quarter_in_name(file.path).map(quarter_range))
        .ok_or(DataError::NoPeriod {
            path: file.path.to_path_buf(),
            what: "crosswalk quarter",
            hint: "name the file with its quarter, e.g. asp_ndc_hcpcs_2026Q2.csv, or keep CMS's preamble",
        })
}

/// One crosswalk record (columns `cols`, in `load_crosswalk`'s order); `None` for a product
/// listed without an NDC.
fn crosswalk_row(
    file: &File<'_>,
    rec: &Record,
    cols: &[usize; 10],
    strings: &mut Strings,
) -> Result<Option<XwalkRow>, DataError> {
    let f: Vec<String> = cols.iter().map(|&c| cell(rec, c)).collect();
    let Some(ndc11) = ndc_542_or_11(&f[4]) else {
        return Ok(None);
    };
    let dec = |i: usize| {
        Dec::parse_text(&f[i]).ok_or_else(|| {
            file.err(
                rec,
                format!("`{}` is not a number in column {}", f[i], cols[i] + 1),
            )
        })
    };
    let (pkg_size, pkg_qty, bill_units, bill_units_pkg) = (dec(6)?, dec(7)?, dec(8)?, dec(9)?);
    if f[0].is_empty() {
        return Err(file.err(rec, "empty HCPCS code".into()));
    }
    Ok(Some(XwalkRow {
        hcpcs: strings.get(f[0].clone()),
        short_description: strings.get(f[1].clone()),
        labeler: strings.get(f[2].clone()),
        drug_name: strings.get(f[3].clone()),
        ndc11: strings.get(ndc11),
        hcpcs_dosage: strings.get(f[5].clone()),
        pkg_size,
        pkg_qty,
        bill_units,
        bill_units_pkg,
    }))
}

/// CMS's NDC2 is 5-4-2 with hyphens; the clean layout has the 11 digits.
fn ndc_542_or_11(s: &str) -> Option<String> {
    if is_ndc11(s) {
        return Some(s.to_string());
    }
    let parts: Vec<&str> = s.split('-').collect();
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    (lens == [5, 4, 2] && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())))
        .then(|| parts.concat())
}

fn load_hcpcs(
    file: &File<'_>,
    body: &[Record],
    ov: &mut Overlay,
    strings: &mut Strings,
) -> Result<(), DataError> {
    let (year, q) = quarter_in_name(file.path).ok_or(DataError::NoPeriod {
        path: file.path.to_path_buf(),
        what: "HCPCS release quarter",
        hint: "name the file with its quarter, e.g. hcpcs_2026q2_anweb.csv",
    })?;
    let cols = [
        file.col(&["code"])?,
        file.col(&["record_type"])?,
        file.col(&["short_description"])?,
        file.col(&["long_description"])?,
        file.col(&["add_date"])?,
        file.col(&["action_effective_date"])?,
        file.col(&["termination_date"])?,
        file.col(&["cross_reference"])?,
        file.col(&["action_code"])?,
    ];
    let mut n = 0;
    for rec in body.iter().filter(|r| !is_blank(r)) {
        let f: Vec<String> = cols.iter().map(|&c| cell(rec, c)).collect();
        let date = |i: usize| -> Result<Option<Ymd>, DataError> {
            if f[i].is_empty() {
                return Ok(None);
            }
            ymd(&f[i])
                .map(Some)
                .ok_or_else(|| file.err(rec, format!("`{}` is not a YYYYMMDD date", f[i])))
        };
        let h = Hcpcs {
            code: strings.get(f[0].clone()),
            short: strings.get(f[2].clone()),
            long: strings.get(f[3].clone()),
            add_date: date(4)?,
            effective: date(5)?,
            termination: date(6)?,
            cross_reference: strings.get(f[7].clone()),
            action: strings.get(f[8].clone()),
        };
        match f[1].as_str() {
            "procedure" => ov.hcpcs.push(h),
            "modifier" => ov.modifiers.push(h),
            other => {
                return Err(file.err(
                    rec,
                    format!("record_type `{other}` is neither procedure nor modifier"),
                ));
            }
        }
        n += 1;
    }
    let (from, to) = quarter_range((year, q));
    ov.datasets.push(DataSet {
        name: "hcpcs",
        version: quarter_name(from),
        effective_from: from,
        effective_to: Some(to),
        rows: n,
        source: format!("--data-dir {}", file.path.display()),
    });
    Ok(())
}

fn load_mue(
    file: &File<'_>,
    body: &[Record],
    ov: &mut Overlay,
    strings: &mut Strings,
) -> Result<(), DataError> {
    let name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let (setting, ds_name) = if name.contains("practitioner") {
        (Setting::Practitioner, "mue-practitioner")
    } else if name.contains("outpatient") || name.contains("hospital") {
        (Setting::OutpatientHospital, "mue-outpatient-hospital")
    } else {
        return Err(DataError::NoPeriod {
            path: file.path.to_path_buf(),
            what: "MUE setting",
            hint: "name the file mue_practitioner_<date>.csv or mue_outpatient_hospital_<date>.csv",
        });
    };
    let from = date_in_name(&name).ok_or(DataError::NoPeriod {
        path: file.path.to_path_buf(),
        what: "MUE effective date",
        hint: "put it in the file name as YYYY-MM-DD or MM-DD-YYYY, e.g. mue_practitioner_2027-01-01.csv",
    })?;
    let cols = [
        file.col(&["hcpcs"])?,
        file.col(&["mue_value"])?,
        file.col(&["mai"])?,
        file.col(&["rationale"])?,
    ];
    let mut rows = Vec::new();
    for rec in body.iter().filter(|r| !is_blank(r)) {
        let f: Vec<String> = cols.iter().map(|&c| cell(rec, c)).collect();
        let value = f[1]
            .parse()
            .map_err(|_| file.err(rec, format!("MUE value `{}` is not a whole number", f[1])))?;
        let mai = f[2].parse().ok().filter(|m| (1..=3).contains(m));
        let mai = mai.ok_or_else(|| file.err(rec, format!("MAI `{}` is not 1, 2 or 3", f[2])))?;
        rows.push((
            strings.get(f[0].clone()),
            Mue {
                value,
                mai,
                rationale: strings.get(f[3].clone()),
            },
        ));
    }
    rows.sort_by(|a, b| a.0.cmp(b.0));
    rows.dedup_by(|a, b| a.0 == b.0);
    let version = strings.get(quarter_name(from));
    ov.datasets.push(DataSet {
        name: ds_name,
        version: version.to_string(),
        effective_from: from,
        effective_to: None,
        rows: rows.len(),
        source: format!("--data-dir {}", file.path.display()),
    });
    ov.mue.push(OverlayMue {
        setting,
        from,
        version,
        rows,
    });
    Ok(())
}

/// One ICD-10-CM code: without its dot (`M81.0` is read as `M810`), 3 to 7 letters and digits.
fn icd10_row(
    code: &str,
    billable: bool,
    description: &str,
    strings: &mut Strings,
) -> Result<Icd10, String> {
    let bare: String = code
        .trim()
        .chars()
        .filter(|c| *c != '.')
        .collect::<String>()
        .to_ascii_uppercase();
    if !(3..=7).contains(&bare.len()) || !bare.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!("`{code}` is not an ICD-10-CM code"));
    }
    Ok(Icd10 {
        code: strings.get(bare),
        billable,
        description: strings.get(description.trim().to_string()),
    })
}

/// CDC/NCHS's fixed-width order file: order number (5), code (7, from the 7th character),
/// valid-for-submission flag (the 15th: 1 billable, 0 header), short description, then the
/// long description from the 78th character.
fn load_order_file(path: &Path, ov: &mut Overlay, strings: &mut Strings) -> Result<(), DataError> {
    let bytes = std::fs::read(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = decode(&bytes);
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |message: String| DataError::Parse {
            path: path.to_path_buf(),
            line: i + 1,
            message,
        };
        let order_no = line
            .get(..5)
            .is_some_and(|o| o.bytes().all(|b| b.is_ascii_digit()));
        let (Some(code), Some(flag)) = (line.get(6..13), line.get(14..15)) else {
            return Err(err("too short for an ICD-10-CM order file line".into()));
        };
        if !order_no {
            return Err(err(
                "an order file line starts with a 5-digit order number".into()
            ));
        }
        let billable = match flag {
            "1" => true,
            "0" => false,
            other => {
                return Err(err(format!(
                    "flag `{other}` is neither 1 (billable) nor 0 (header)"
                )));
            }
        };
        let long = line
            .get(77..)
            .unwrap_or_else(|| line.get(16..).unwrap_or_default());
        rows.push(icd10_row(code, billable, long, strings).map_err(err)?);
    }
    add_icd10(path, rows, ov, strings)
}

fn add_icd10(
    path: &Path,
    mut rows: Vec<Icd10>,
    ov: &mut Overlay,
    strings: &mut Strings,
) -> Result<(), DataError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let (version, from, to) = fiscal_year_in_name(&name).ok_or(DataError::NoPeriod {
        path: path.to_path_buf(),
        what: "ICD-10-CM fiscal year",
        hint: "put it in the file name, e.g. icd10cm_order_2027.txt (FY2027: 2026-10-01 to 2027-09-30) or icd10cm_2026_april_codes.csv (the April 1 update)",
    })?;
    rows.sort_by(|a, b| a.code.cmp(b.code));
    rows.dedup_by(|a, b| a.code == b.code);
    let version = strings.get(version);
    ov.datasets.push(DataSet {
        name: "icd10cm",
        version: version.to_string(),
        effective_from: from,
        effective_to: Some(to),
        rows: rows.len(),
        source: format!("--data-dir {}", path.display()),
    });
    ov.icd10.retain(|r| r.version != version);
    ov.icd10.push(OverlayIcd10 {
        version,
        from,
        to,
        rows,
    });
    Ok(())
}

/// The fiscal year an ICD-10-CM file covers, from its name: the first four-digit year, `FY`
/// YYYY running from YYYY-1 October 1 to YYYY September 30; an `april` file (the April 1
/// update) covers April 1 to September 30 of that year.
fn fiscal_year_in_name(name: &str) -> Option<(String, Ymd, Ymd)> {
    let b = name.as_bytes();
    let year: u32 = (0..b.len().saturating_sub(3)).find_map(|i| {
        let w = b.get(i..i + 4)?;
        let before = i == 0 || !b.get(i - 1).is_some_and(u8::is_ascii_digit);
        let after = !b.get(i + 4).is_some_and(u8::is_ascii_digit);
        (before && after && w.iter().all(u8::is_ascii_digit))
            .then(|| std::str::from_utf8(w).ok()?.parse().ok())
            .flatten()
    })?;
    if !(2015..=2099).contains(&year) {
        return None;
    }
    if name.contains("april") || name.contains("apr") {
        Some((
            format!("FY{year}-April"),
            year * 10_000 + 401,
            year * 10_000 + 930,
        ))
    } else {
        Some((
            format!("FY{year}"),
            (year - 1) * 10_000 + 1001,
            year * 10_000 + 930,
        ))
    }
}

fn ymd(s: &str) -> Option<Ymd> {
    let v: Ymd = s.parse().ok().filter(|_| s.len() == 8)?;
    let (m, d) = (v / 100 % 100, v % 100);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some(v)
}

/// "2026Q1" for any date in the quarter.
fn quarter_name(from: Ymd) -> String {
    format!(
        "{}Q{}",
        from / 10_000,
        (from / 100 % 100).saturating_sub(1) / 3 + 1
    )
}

fn quarter_range((year, q): (u32, u32)) -> (Ymd, Ymd) {
    let first_month = (q - 1) * 3 + 1;
    let last_month = first_month + 2;
    let last_day = if last_month == 3 || last_month == 12 {
        31
    } else {
        30
    };
    (
        year * 10_000 + first_month * 100 + 1,
        year * 10_000 + last_month * 100 + last_day,
    )
}

/// `…2026Q1…` or `…2026q1…` in the file name.
fn quarter_in_name(path: &Path) -> Option<(u32, u32)> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let b = name.as_bytes();
    (0..b.len().saturating_sub(5)).find_map(|i| {
        let w = b.get(i..i + 6)?;
        let digits = w.get(..4)?.iter().all(u8::is_ascii_digit);
        let boundary = i == 0 || !b.get(i - 1).is_some_and(u8::is_ascii_digit);
        let q = w
            .get(5)
            .map(|c| u32::from(*c).wrapping_sub(u32::from(b'0')))?;
        (digits && boundary && w.get(4) == Some(&b'q') && (1..=4).contains(&q))
            .then(|| Some((std::str::from_utf8(w.get(..4)?).ok()?.parse().ok()?, q)))
            .flatten()
    })
}

/// `YYYY-MM-DD` or CMS's `MM-DD-YYYY` (as in `…_Eff_10-01-2026.csv`) in a file name.
fn date_in_name(name: &str) -> Option<Ymd> {
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let w = std::str::from_utf8(b.get(i..i + 10)?).ok()?;
        let parts: Vec<&str> = w.split('-').collect();
        if parts.len() != 3
            || !parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
        {
            return None;
        }
        let n = |s: &str| s.parse::<u32>().ok();
        let (y, m, d) = match parts.iter().map(|p| p.len()).collect::<Vec<_>>()[..] {
            [4, 2, 2] => (n(parts[0])?, n(parts[1])?, n(parts[2])?),
            [2, 2, 4] => (n(parts[2])?, n(parts[0])?, n(parts[1])?),
            _ => return None,
        };
        ymd(&format!("{y:04}{m:02}{d:02}"))
    })
}

/// "Effective January 1, 2026 through March 31, 2026" → (20260101, 20260331).
fn effective_range(text: &str) -> Option<(Ymd, Ymd)> {
    let lower = text.to_ascii_lowercase().replace(',', " ");
    let words: Vec<&str> = lower.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "effective")?;
    let w = words.get(at + 1..at + 8)?;
    if w.get(3) != Some(&"through") {
        return None;
    }
    let date = |m: &str, d: &str, y: &str| -> Option<Ymd> {
        const MONTHS: [&str; 12] = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ];
        let m = u32::try_from(MONTHS.iter().position(|x| *x == m)? + 1).ok()?;
        ymd(&format!(
            "{:04}{m:02}{:02}",
            y.parse::<u32>().ok()?,
            d.parse::<u32>().ok()?
        ))
    };
    Some((date(w[0], w[1], w[2])?, date(w[4], w[5], w[6])?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_periods() {
        assert_eq!(
            effective_range("Effective January 1, 2026 through March 31, 2026"),
            Some((20260101, 20260331))
        );
        assert_eq!(
            effective_range("     Effective October 1, 2025 through December 31, 2025"),
            Some((20251001, 20251231))
        );
        assert_eq!(effective_range("Effective soon"), None);
        assert_eq!(
            quarter_in_name(Path::new("/x/asp_ndc_hcpcs_2026Q2.csv")),
            Some((2026, 2))
        );
        assert_eq!(
            quarter_in_name(Path::new("hcpcs_2026q1_anweb.csv")),
            Some((2026, 1))
        );
        assert_eq!(quarter_in_name(Path::new("hcpcs_2026q5.csv")), None);
        assert_eq!(quarter_range((2026, 2)), (20260401, 20260630));
        assert_eq!(quarter_range((2025, 4)), (20251001, 20251231));
        assert_eq!(quarter_name(20261001), "2026Q4");
        assert_eq!(
            date_in_name("mue_practitioner_2027-01-01.csv"),
            Some(20270101)
        );
        assert_eq!(
            date_in_name("mcr_mue_practitionerservices_eff_10-01-2026.csv"),
            Some(20261001)
        );
        assert_eq!(date_in_name("mue_practitioner.csv"), None);
        assert_eq!(
            fiscal_year_in_name("icd10cm_order_2027.txt"),
            Some(("FY2027".into(), 20261001, 20270930))
        );
        assert_eq!(
            fiscal_year_in_name("icd10cm-order-april-2026.txt"),
            Some(("FY2026-April".into(), 20260401, 20260930))
        );
        assert_eq!(
            fiscal_year_in_name("icd10cm_2026_april_codes.csv"),
            Some(("FY2026-April".into(), 20260401, 20260930))
        );
        assert_eq!(fiscal_year_in_name("icd10cm_codes.csv"), None);
        assert_eq!(
            ndc_542_or_11("55513-0710-01").as_deref(),
            Some("55513071001")
        );
        assert_eq!(ndc_542_or_11("888867413689"), None);
    }
}
