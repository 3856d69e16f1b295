//! Embedded CMS/CDC reference data: HCPCS Level II codes and modifiers, the ASP NDC-HCPCS
//! crosswalk, ICD-10-CM, NCCI MUEs, and the hand-made single-dose and dose-interval tables.
//! Tables are built by `build.rs` from the workspace's `data/` into sorted statics (binary
//! search, nothing parsed at start-up).
//!
//! Every lookup goes through a [`Data`] handle that the command layer builds once (the embedded
//! tables, plus the files of `--data-dir` when given, consulted first) and passes down; nothing
//! here is global or mutable, so two handles never see each other's files. Facts that belong to
//! one `claimlint.toml` (its `[single-dose]` rows, [`SingleDoseRows`]) travel in that file's
//! settings and are handed to the lookup that reads them. The only statics are lazily inflated
//! caches of the compiled-in bytes (`embedded.rs`), which cannot change an answer.
//!
//! Lookups that change by quarter take the date of service. This crate knows nothing of X12
//! segments, claims or rules; it uses only `claimlint_model::Dec` and `claimlint_x12::short`.

mod csv;
mod dec;
mod embedded;
mod ndc;
mod overlay;
#[cfg(test)]
mod tests;

use std::path::Path;

pub use dec::Dec;
pub use ndc::{ndc_5_4_2, ndc_to_11};
pub use overlay::DataError;

use embedded::{EMBEDDED, EmbeddedQuarter};

/// A date as the number YYYYMMDD (20260115), the way X12 D8 dates read.
pub type Ymd = u32;

/// One data set, embedded or loaded with `--data-dir`, as `claimlint data` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataSet {
    pub name: &'static str,
    pub version: String,
    pub effective_from: Ymd,
    pub effective_to: Option<Ymd>,
    pub rows: usize,
    pub source: String,
}

/// A HCPCS Level II code or modifier row of the CMS Alpha-Numeric file. Dates are the file's:
/// a terminated code stays listed, and only the date of service tells if it may be billed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hcpcs {
    pub code: &'static str,
    pub short: &'static str,
    pub long: &'static str,
    pub add_date: Option<Ymd>,
    pub effective: Option<Ymd>,
    pub termination: Option<Ymd>,
    pub cross_reference: &'static str,
    pub action: &'static str,
}

/// One NDC package row of CMS's ASP NDC-HCPCS crosswalk. `short_description` is blank for
/// CPT codes (90xxx): CPT descriptors are AMA content and are not shipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XwalkRow {
    pub hcpcs: &'static str,
    pub short_description: &'static str,
    pub labeler: &'static str,
    pub drug_name: &'static str,
    pub ndc11: &'static str,
    pub hcpcs_dosage: &'static str,
    pub pkg_size: Dec,
    pub pkg_qty: Dec,
    pub bill_units: Dec,
    pub bill_units_pkg: Dec,
}

/// A lookup answer with the data version it came from. `in_force` is false when no version
/// covers the date of service and the nearest one answered instead, so a rule can soften
/// its message ("per the 2026Q1 crosswalk, the nearest quarter compiled in").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Versioned<T> {
    pub value: T,
    pub version: &'static str,
    pub in_force: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Icd10 {
    pub code: &'static str,
    pub billable: bool,
    pub description: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Setting {
    Practitioner,
    OutpatientHospital,
}

/// An NCCI MUE: `value` 0 means "not payable in this setting", not "no limit".
/// `mai`: 1 claim line, 2 date of service (policy, absolute), 3 date of service (clinical).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mue {
    pub value: u32,
    pub mai: u8,
    pub rationale: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SingleDose {
    pub single_dose: bool,
    /// The row's source was read and quoted (`verified` = Y in data/single_dose.tsv; a
    /// user's `[single-dose]` row is the user's word, so it counts as verified). Rules judge a
    /// drug only by verified rows; unverified ones are shown to people (`claimlint lookup`).
    pub verified: bool,
    pub package: &'static str,
    pub source: &'static str,
    /// Product name as the table or user wrote it, for messages.
    pub drug: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DoseInterval {
    pub hcpcs: &'static str,
    pub ndc11: Option<&'static str>,
    pub drug: &'static str,
    pub min_days: u32,
    pub basis: &'static str,
}

/// A row of a built-in prior-authorization list (`data/prior_auth_*.tsv`), as text: the
/// profile that uses it parses the code lists, so that one parser reads these rows and the
/// user's `claimlint.toml` alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriorAuthRow {
    /// Codes and ranges, comma-separated: `64490,64633-64636`.
    pub codes: &'static str,
    pub category: &'static str,
    /// Companion codes (same syntax), one of which must be on the claim on the same date.
    pub with: &'static str,
    /// 837I types of bill (`13x`), comma-separated.
    pub bill_types: &'static str,
    /// 837P places of service (`19,22`), comma-separated.
    pub places_of_service: &'static str,
    pub from: Ymd,
    pub until: Option<Ymd>,
    /// The documents read and their quoted words.
    pub source: &'static str,
}

/// The built-in `medicare` profile's prior-authorization list: CMS's hospital outpatient
/// department program, from `data/prior_auth_medicare.tsv`.
pub fn prior_auth_medicare() -> &'static [PriorAuthRow] {
    embedded::prior_auth_medicare()
}

/// One ICD-10-CM release and the dates of service it covers (NCHS releases run October 1 to
/// September 30, with an April update in some years). The releases are a list, oldest first,
/// so that a second one (compiled in or loaded) is picked by date like the crosswalk's
/// quarters: CODE003 asks [`Data::icd10_release_for`] and never a table directly.
#[derive(Clone, Copy)]
pub struct Icd10Release {
    pub version: &'static str,
    pub from: Ymd,
    pub to: Ymd,
    /// A release loaded with `--data-dir`; `None`: the table compiled in.
    loaded: Option<&'static overlay::OverlayIcd10>,
}

impl Icd10Release {
    /// What tells two releases apart: version, dates and which table (compiled in or the
    /// loaded one), for a caller that keeps answers per release.
    pub fn identity(&self) -> (&'static str, Ymd, Ymd, usize) {
        let table = self.loaded.map_or(0, |t| std::ptr::from_ref(t) as usize);
        (self.version, self.from, self.to, table)
    }
}

impl std::fmt::Debug for Icd10Release {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Icd10Release({} {}..={})",
            self.version, self.from, self.to
        )
    }
}

impl Icd10Release {
    /// The code (no dot) in this release.
    pub fn code(&self, code: &str) -> Option<Icd10> {
        match self.loaded {
            Some(t) => t.code(code),
            None => embedded::icd10(code),
        }
    }

    pub fn covers(&self, dos: Ymd) -> bool {
        self.from <= dos && dos <= self.to
    }

    /// How far `dos` lies outside the release, 0 inside it (a difference of CCYYMMDD
    /// numbers: not days, but it orders dates as days do).
    fn distance(&self, dos: Ymd) -> u32 {
        if dos < self.from {
            self.from - dos
        } else {
            dos.saturating_sub(self.to)
        }
    }
}

/// The reference data one run reads: the tables compiled in and, when `--data-dir` was given,
/// the files loaded from it, which answer first. Cheap to copy; built once by the command
/// layer ([`Data::embedded`] or [`Data::load_dir`]) and passed to everything that looks up.
#[derive(Clone, Copy, Default)]
pub struct Data {
    /// Loaded once per handle and leaked, like its strings (see `overlay.rs`), so lookups can
    /// hand out `&'static` rows; a process builds one handle.
    overlay: Option<&'static overlay::Overlay>,
}

impl std::fmt::Debug for Data {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Data")
            .field("data_dir", &self.overlay.is_some())
            .finish()
    }
}

impl Data {
    /// The tables compiled in, nothing else.
    pub fn embedded() -> Data {
        Data { overlay: None }
    }

    /// The tables compiled in, with every `*.csv` of `dir` that is a crosswalk, HCPCS, MUE or
    /// ICD-10-CM file, and every ICD-10-CM order file (not recursive), answering before them.
    pub fn load_dir(dir: &Path) -> Result<Data, DataError> {
        let ov = overlay::load_dir(dir)?;
        Ok(Data {
            overlay: Some(Box::leak(Box::new(ov))),
        })
    }

    /// Every data set: the embedded ones, then any loaded with `--data-dir`.
    pub fn datasets(&self) -> Vec<DataSet> {
        let mut out: Vec<DataSet> = EMBEDDED
            .iter()
            .map(|e| DataSet {
                name: e.name,
                version: e.version.to_string(),
                effective_from: e.from,
                effective_to: e.to,
                rows: e.rows,
                source: format!("embedded data/{}: {}", e.file, e.source),
            })
            .collect();
        if let Some(ov) = self.overlay {
            out.extend(ov.datasets.iter().cloned());
        }
        out
    }

    /// One line for `claimlint --version`, e.g.
    /// `data: HCPCS 2026Q1, crosswalk 2025Q4 2026Q1, ICD-10-CM FY2026-April, MUE 2026Q4`.
    pub fn version_line(&self) -> String {
        let versions_of = |name: &str| {
            let mut v: Vec<String> = EMBEDDED
                .iter()
                .filter(|e| e.name == name)
                .map(|e| e.version.to_string())
                .collect();
            // A loaded version replaces the embedded one of the same name, as the lookups do.
            for d in self
                .overlay
                .iter()
                .flat_map(|ov| &ov.datasets)
                .filter(|d| d.name == name)
            {
                let starred = format!("{}*", d.version);
                match v.iter_mut().find(|x| **x == d.version) {
                    Some(x) => *x = starred,
                    None => v.push(starred),
                }
            }
            v.join(" ")
        };
        let mut line = format!(
            "data: HCPCS {}, crosswalk {}, ICD-10-CM {}, MUE {}",
            versions_of("hcpcs"),
            versions_of("crosswalk"),
            versions_of("icd10cm"),
            versions_of("mue-practitioner"),
        );
        if self.overlay.is_some() {
            line.push_str(" (* from --data-dir)");
        }
        line
    }

    /// A HCPCS Level II procedure code (letter + 4 digits), `--data-dir` file first.
    pub fn hcpcs(&self, code: &str) -> Option<Hcpcs> {
        self.overlay
            .and_then(|ov| find_code(&ov.hcpcs, code))
            .or_else(|| embedded::hcpcs(code))
    }

    /// A HCPCS Level II modifier (two characters), `--data-dir` file first.
    pub fn modifier(&self, code: &str) -> Option<Hcpcs> {
        self.overlay
            .and_then(|ov| find_code(&ov.modifiers, code))
            .or_else(|| embedded::modifier(code))
    }

    /// The crosswalk rows of an 11-digit NDC in the quarter of the date of service. An NDC may
    /// bill under more than one code (Epogen: J0885 and Q4081), so this is a list.
    pub fn crosswalk_by_ndc(&self, ndc11: &str, dos: Ymd) -> Versioned<Vec<XwalkRow>> {
        in_quarter(self.overlay, dos, |q| by_ndc(q, ndc11).to_vec())
    }

    /// The crosswalk rows of a HCPCS code in the quarter of the date of service, by NDC.
    pub fn crosswalk_by_hcpcs(&self, hcpcs: &str, dos: Ymd) -> Versioned<Vec<XwalkRow>> {
        in_quarter(self.overlay, dos, |q| by_hcpcs(q, hcpcs))
    }

    /// True when any quarter, embedded or loaded, lists the NDC.
    pub fn ndc_known_any(&self, ndc11: &str) -> bool {
        match self.overlay {
            None => embedded::crosswalk_lists_ndc(ndc11),
            Some(_) => quarters(self.overlay)
                .iter()
                .any(|q| !by_ndc(*q, ndc11).is_empty()),
        }
    }

    /// The crosswalk rows of an 11-digit NDC in the quarter of the date of service, borrowed:
    /// the allocation-free form of [`crosswalk_by_ndc`] that rules use on every drug line.
    pub fn crosswalk_ndc(&self, ndc11: &str, dos: Ymd) -> Versioned<&'static [XwalkRow]> {
        match pick_quarter_lazy(self.overlay, dos) {
            Some((q, in_force)) => Versioned {
                value: by_ndc(q, ndc11),
                version: q.version,
                in_force,
            },
            None => Versioned {
                value: &[],
                version: "",
                in_force: false,
            },
        }
    }

    /// True when any quarter, embedded or loaded, bills an NDC under the code. Allocates nothing.
    pub fn crosswalk_lists_hcpcs(&self, hcpcs: &str) -> bool {
        match self.overlay {
            None => embedded::crosswalk_lists_code(hcpcs)
                .unwrap_or_else(|| each_quarter(None).any(|q| lists_hcpcs(q, hcpcs))),
            Some(_) => each_quarter(self.overlay).any(|q| lists_hcpcs(q, hcpcs)),
        }
    }

    pub fn coverage(&self, name: &str, dos: Ymd) -> Option<Coverage> {
        match name {
            "crosswalk" => pick_quarter_lazy(self.overlay, dos).map(|(q, in_force)| Coverage {
                version: q.version,
                from: q.from,
                to: Some(q.to),
                in_force,
            }),
            "mue-practitioner" | "mue-outpatient-hospital" => {
                let setting = if name == "mue-practitioner" {
                    Setting::Practitioner
                } else {
                    Setting::OutpatientHospital
                };
                // The table alone: which version answers, not any code's row.
                let (t, in_force) = self.mue_table(setting, dos)?;
                let from = mue_tables(self.overlay, setting)
                    .find(|o| o.1 == t.1)
                    .map(|o| o.0)?;
                Some(Coverage {
                    version: t.1,
                    from,
                    to: None,
                    in_force,
                })
            }
            "icd10cm" => self.icd10_release_for(dos).map(|r| Coverage {
                version: r.version,
                from: r.value.from,
                to: (r.value.to != Ymd::MAX).then_some(r.value.to),
                in_force: r.in_force,
            }),
            "hcpcs" => {
                // One release; a loaded HCPCS file answers first, but its dates are per code.
                let e = EMBEDDED.iter().find(|e| e.name == name)?;
                let to = e.to.unwrap_or(Ymd::MAX);
                Some(Coverage {
                    version: e.version,
                    from: e.from,
                    to: e.to,
                    in_force: self.overlay.is_some_and(|o| !o.hcpcs.is_empty())
                        || (e.from <= dos && dos <= to),
                })
            }
            _ => None,
        }
    }

    /// [`Data::coverage`] with the dates of service it holds for: every date in the span
    /// gets the same answer, so a caller asking for many dates (the file's notes, once per
    /// line) asks again only for a date outside it. The span always holds `dos`; where the
    /// dates an answer holds for are not simply known it is `dos` alone.
    pub fn coverage_span(&self, name: &str, dos: Ymd) -> Option<(Coverage, (Ymd, Ymd))> {
        let c = self.coverage(name, dos)?;
        let span = match name {
            "mue-practitioner" => Some(mue_span(self.overlay, Setting::Practitioner, dos)),
            "mue-outpatient-hospital" => {
                Some(mue_span(self.overlay, Setting::OutpatientHospital, dos))
            }
            "icd10cm" => self.icd10_span(dos),
            "hcpcs" => self.hcpcs_span(dos),
            "crosswalk" if self.overlay.is_none() => embedded_quarter_span(dos),
            _ => None,
        };
        Some((c, span.unwrap_or((dos, dos))))
    }

    /// The dates on which the HCPCS file's coverage is what it is on `dos`: the release is
    /// the same on every date, in force on every date when a HCPCS file is loaded, else on its
    /// own dates, so its dates or the dates before or after them.
    fn hcpcs_span(&self, dos: Ymd) -> Option<(Ymd, Ymd)> {
        if self.overlay.is_some_and(|o| !o.hcpcs.is_empty()) {
            return Some((0, Ymd::MAX));
        }
        let e = EMBEDDED.iter().find(|e| e.name == "hcpcs")?;
        Some(outside_or_in(e.from, e.to.unwrap_or(Ymd::MAX), dos))
    }

    /// The dates [`Data::icd10_release_for`] answers as it does `dos`, in its common case (one
    /// release compiled in, none loaded: that release, in force on its own dates): its dates
    /// when it covers `dos`, else the dates before or after them.
    fn icd10_span(&self, dos: Ymd) -> Option<(Ymd, Ymd)> {
        if self.overlay.is_some_and(|ov| !ov.icd10.is_empty()) {
            return None;
        }
        let mut embedded = EMBEDDED.iter().filter(|e| e.name == "icd10cm");
        let (Some(e), None) = (embedded.next(), embedded.next()) else {
            return None;
        };
        Some(outside_or_in(e.from, e.to.unwrap_or(Ymd::MAX), dos))
    }

    /// The first billable ICD-10-CM code under a header (`M81` → `M810`), for help lines.
    pub fn icd10_billable_under(&self, prefix: &str) -> Option<Icd10> {
        let n = embedded::icd10_len();
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match embedded::icd10_code(mid) {
                Some((c, _)) if c < prefix => lo = mid + 1,
                _ => hi = mid,
            }
        }
        (lo..n)
            .map_while(|i| embedded::icd10_code(i).filter(|(c, _)| c.starts_with(prefix)))
            .find(|(c, billable)| *billable && *c != prefix)
            .and_then(|(c, _)| self.icd10(c))
    }

    /// An ICD-10-CM code without its dot, as HI segments carry it (`M810`).
    /// From the newest release, loaded or compiled in.
    pub fn icd10(&self, code: &str) -> Option<Icd10> {
        match self.icd10_releases().last() {
            Some(r) => r.code(code),
            None => embedded::icd10(code),
        }
    }

    /// Every ICD-10-CM release, oldest first: the one compiled in (data/VERSIONS lists one
    /// `icd10cm` row and build.rs compiles its table, `embedded::icd10`) and any loaded with
    /// `--data-dir`. A loaded release of the same version replaces the compiled one; a loaded
    /// release whose dates overlap another's answers first for the dates they share.
    pub fn icd10_releases(&self) -> Vec<Icd10Release> {
        let loaded: Vec<Icd10Release> = self
            .overlay
            .iter()
            .flat_map(|ov| &ov.icd10)
            .map(|t| Icd10Release {
                version: t.version,
                from: t.from,
                to: t.to,
                loaded: Some(t),
            })
            .collect();
        let mut out: Vec<Icd10Release> = EMBEDDED
            .iter()
            .filter(|e| e.name == "icd10cm" && !loaded.iter().any(|l| l.version == e.version))
            .map(|e| Icd10Release {
                version: e.version,
                from: e.from,
                to: e.to.unwrap_or(Ymd::MAX),
                loaded: None,
            })
            .collect();
        out.extend(loaded);
        // Loaded first among equals: `icd10_release_for` takes the first that covers a date.
        out.sort_by_key(|r| (r.from, r.loaded.is_none()));
        out
    }

    /// The release in force on `dos` (`in_force`), else the nearest one (`in_force` false: a
    /// code's status may have differed on that date). `None` only when none is compiled in.
    pub fn icd10_release_for(&self, dos: Ymd) -> Option<Versioned<Icd10Release>> {
        // The common case, one release compiled in and none loaded, without a list.
        if self.overlay.is_none_or(|ov| ov.icd10.is_empty()) {
            let mut embedded = EMBEDDED.iter().filter(|e| e.name == "icd10cm");
            if let (Some(e), None) = (embedded.next(), embedded.next()) {
                let r = Icd10Release {
                    version: e.version,
                    from: e.from,
                    to: e.to.unwrap_or(Ymd::MAX),
                    loaded: None,
                };
                return Some(Versioned {
                    value: r,
                    version: r.version,
                    in_force: r.covers(dos),
                });
            }
        }
        let releases = self.icd10_releases();
        let r = releases
            .iter()
            .filter(|r| r.covers(dos))
            .min_by_key(|r| r.loaded.is_none())
            .or_else(|| releases.iter().min_by_key(|r| r.distance(dos)))?;
        Some(Versioned {
            value: *r,
            version: r.version,
            in_force: r.covers(dos),
        })
    }

    /// The ICD-10-CM release compiled in: (version, first and last date of service it covers).
    pub fn icd10_version(&self) -> (&'static str, Ymd, Ymd) {
        EMBEDDED
            .iter()
            .find(|e| e.name == "icd10cm")
            .map(|e| (e.version, e.from, e.to.unwrap_or(e.from)))
            .unwrap_or(("", 0, 0))
    }

    /// The MUE of a code for the setting, from the newest table in effect on the date of
    /// service. A date before every table gets the oldest one with `in_force = false`. No row
    /// means CMS published no MUE for the code: "no published edit", not "unlimited".
    pub fn mue(&self, code: &str, setting: Setting, dos: Ymd) -> Versioned<Option<Mue>> {
        match self.mue_table(setting, dos) {
            Some((t, in_force)) => Versioned {
                value: match t.3 {
                    // Compiled-in: every code has a key, so a code without one is not listed.
                    Some(keys) => claimlint_x12::short::code_key(code.as_bytes())
                        .and_then(|k| keys.binary_search(&k).ok()),
                    None => t.2.binary_search_by(|r| key_cmp(r.0, code)).ok(),
                }
                .and_then(|i| t.2.get(i))
                .map(|r| r.1),
                version: t.1,
                in_force,
            },
            None => Versioned {
                value: None,
                version: "",
                in_force: false,
            },
        }
    }

    /// The MUE table UNT002 reads on `dos`: the latest in force (true), else the earliest.
    fn mue_table(&self, setting: Setting, dos: Ymd) -> Option<(MueTable, bool)> {
        if self.overlay.is_none() {
            return embedded_mue_table(setting, dos);
        }
        mue_table_of(self.overlay, setting, dos)
    }

    /// The labelled minimum interval between doses: the NDC's row, else the code's `*` row.
    pub fn dose_interval(&self, hcpcs: &str, ndc11: Option<&str>) -> Option<DoseInterval> {
        embedded::dose_interval_for(hcpcs, ndc11)
    }

    /// Whether the drug comes in a single-dose container: the NDC's own row first (the
    /// config's `user` rows, then the tables), then the code's `*` row (`user`, then the
    /// tables); a verified row wins over an unverified one. `None`: nobody knows. Callers that
    /// judge a claim check [`SingleDose::verified`].
    pub fn single_dose(
        &self,
        user: &SingleDoseRows,
        hcpcs: &str,
        ndc11: Option<&str>,
    ) -> Option<SingleDose> {
        let ndc_row = ndc11.and_then(|n| {
            user.find(hcpcs, Some(n))
                .or_else(|| embedded::single_dose(hcpcs, Some(n)))
        });
        let code_row = || {
            user.find(hcpcs, None)
                .or_else(|| embedded::single_dose(hcpcs, None))
        };
        match ndc_row {
            Some(row) if row.verified => Some(row),
            Some(row) => code_row().filter(|c| c.verified).or(Some(row)),
            None => code_row(),
        }
    }

    /// What a line with no NDC is, from its HCPCS code alone: the code's verified `*` row, else
    /// the verified row of the crosswalk's first NDC of the code on `dos` when every NDC the
    /// crosswalk lists under the code has a verified row of the same kind (all single-dose,
    /// or all multiple-dose). `None` when the data cannot tell: an NDC without a verified row,
    /// a code that mixes both kinds, or a code the crosswalk does not list.
    pub fn single_dose_for_code(
        &self,
        user: &SingleDoseRows,
        hcpcs: &str,
        dos: Ymd,
    ) -> Option<SingleDose> {
        if let Some(row) = self.single_dose(user, hcpcs, None).filter(|r| r.verified) {
            return Some(row);
        }
        let rows = self.crosswalk_by_hcpcs(hcpcs, dos).value;
        let mut first: Option<SingleDose> = None;
        for r in &rows {
            let sd = self
                .single_dose(user, hcpcs, Some(r.ndc11))
                .filter(|s| s.verified)?;
            match first {
                Some(f) if f.single_dose != sd.single_dose => return None,
                Some(_) => {}
                None => first = Some(sd),
            }
        }
        first
    }
}

fn find_code(table: &[Hcpcs], code: &str) -> Option<Hcpcs> {
    table
        .binary_search_by(|h| key_cmp(h.code, code))
        .ok()
        .and_then(|i| table.get(i))
        .copied()
}

/// The CPT modifiers that are plain two-digit numbers (CPT Appendix A). Only the numbers are
/// kept: they are not copyrighted text, and claimlint needs them to tell a CPT modifier from
/// an unknown one, since the HCPCS file lists Level II modifiers only. Not included: the
/// alphanumeric CPT modifiers (P1–P6 are in the HCPCS file too; Category II 1P–8P; genetic
/// testing 0A–9Z).
pub const CPT_MODIFIERS: &[&str] = &[
    "22", "23", "24", "25", "26", "27", "32", "33", "47", "50", "51", "52", "53", "54", "55", "56",
    "57", "58", "59", "62", "63", "66", "73", "74", "76", "77", "78", "79", "80", "81", "82", "90",
    "91", "92", "93", "95", "96", "97", "99",
];

pub fn is_cpt_modifier(code: &str) -> bool {
    CPT_MODIFIERS.binary_search(&code).is_ok()
}

/// The one-letter ambulance origin and destination codes that CMS defines, with their
/// descriptors. An origin/destination modifier is two of them, origin first (`RH`: residence
/// to hospital); `X` is a destination only. CMS defines the letters, not a list of pairs, so
/// the HCPCS modifier file does not hold every pair. On a transport code (A0021-A0999) the two
/// letters are read as origin and destination, even where they spell another modifier.
/// Source: Medicare Claims Processing Manual, chapter 15, section 30 A, as the Medicare
/// contractors publish it: Palmetto GBA, "Origin/Destination Ambulance Modifiers"
/// (2020-05-28, palmettogba.com/palmetto/rr.nsf/DID/8L9HK55061); First Coast, "Ambulance
/// modifiers" (medicare.fcso.com/claims/ambulance-modifiers).
pub const AMBULANCE_SITES: &[(u8, &str)] = &[
    (b'D', "diagnostic or therapeutic site other than P or H"),
    (
        b'E',
        "residential, domiciliary, custodial facility (other than 1819 facility)",
    ),
    (b'G', "hospital-based ESRD facility"),
    (b'H', "hospital"),
    (
        b'I',
        "site of transfer (e.g. airport or helicopter pad) between modes of ambulance transport",
    ),
    (b'J', "freestanding ESRD facility"),
    (b'N', "skilled nursing facility"),
    (b'P', "physician's office"),
    (b'R', "residence"),
    (b'S', "scene of accident or acute event"),
    (
        b'X',
        "intermediate stop at physician's office on way to hospital (destination only)",
    ),
];

/// The origin and destination of an ambulance origin/destination modifier (`RH`), when `m` is
/// one: two letters of [`AMBULANCE_SITES`], the first not `X`.
pub fn ambulance_sites(m: &str) -> Option<(&'static str, &'static str)> {
    let site = |b: u8| {
        AMBULANCE_SITES
            .iter()
            .find(|(l, _)| *l == b)
            .map(|(_, d)| *d)
    };
    match *m.as_bytes() {
        [o, d] if o != b'X' => Some((site(o)?, site(d)?)),
        _ => None,
    }
}

/// A transport code (HCPCS A0021-A0999, ambulance and other transportation), the codes an
/// origin/destination modifier goes with.
pub fn is_transport_code(code: &str) -> bool {
    code.len() == 5
        && code.starts_with("A0")
        && code[2..].bytes().all(|b| b.is_ascii_digit())
        && code[2..] >= *"021"
}

/// A quarter of the crosswalk, embedded or loaded, seen the same way by the lookups.
#[derive(Clone, Copy)]
struct Quarter<'a> {
    version: &'static str,
    from: Ymd,
    to: Ymd,
    rows: &'a [XwalkRow],
    by_hcpcs: &'a [u32],
    /// The rows' NDCs as numbers, in row order, when every one has one (compiled-in quarters).
    ndc_keys: Option<&'a [u64]>,
}

impl From<&'static EmbeddedQuarter> for Quarter<'static> {
    fn from(q: &'static EmbeddedQuarter) -> Self {
        Quarter {
            version: q.version,
            from: q.from,
            to: q.to,
            rows: q.rows(),
            by_hcpcs: q.by_hcpcs,
            ndc_keys: q.ndc_keys(),
        }
    }
}

/// Loaded quarters replace embedded ones of the same version (a corrected re-post).
fn quarters(ov: Option<&'static overlay::Overlay>) -> Vec<Quarter<'static>> {
    let mut qs: Vec<Quarter<'static>> = ov
        .map(|o| {
            o.crosswalk
                .iter()
                .map(overlay::OverlayQuarter::as_quarter)
                .collect()
        })
        .unwrap_or_default();
    for q in &embedded::QUARTERS {
        if !qs.iter().any(|l| l.version == q.version) {
            qs.push(q.into());
        }
    }
    qs
}

/// The quarter covering `dos`, or else the nearest one (in_force = false).
fn pick_quarter(qs: &[Quarter<'static>], dos: Ymd) -> Option<(Quarter<'static>, bool)> {
    if let Some(q) = qs.iter().find(|q| q.from <= dos && dos <= q.to) {
        return Some((*q, true));
    }
    qs.iter()
        .min_by_key(|q| days_outside(q.from, q.to, dos))
        .map(|q| (*q, false))
}

fn in_quarter(
    ov: Option<&'static overlay::Overlay>,
    dos: Ymd,
    pick: impl Fn(Quarter<'static>) -> Vec<XwalkRow>,
) -> Versioned<Vec<XwalkRow>> {
    match pick_quarter(&quarters(ov), dos) {
        Some((q, in_force)) => Versioned {
            value: pick(q),
            version: q.version,
            in_force,
        },
        None => Versioned {
            value: Vec::new(),
            version: "",
            in_force: false,
        },
    }
}

/// Every crosswalk quarter, loaded ones first, an embedded one hidden by a loaded one of the
/// same version. Allocates nothing: the rules ask on every drug line.
fn each_quarter(
    ov: Option<&'static overlay::Overlay>,
) -> impl Iterator<Item = Quarter<'static>> + Clone {
    let loaded = ov
        .into_iter()
        .flat_map(|o| o.crosswalk.iter().map(overlay::OverlayQuarter::as_quarter));
    let embedded = embedded::QUARTERS
        .iter()
        .filter(move |q| !ov.is_some_and(|o| o.crosswalk.iter().any(|l| l.version == q.version)))
        .map(Quarter::from);
    loaded.chain(embedded)
}

/// [`pick_quarter`] without the list: the quarter covering `dos`, else the nearest.
fn pick_quarter_lazy(
    ov: Option<&'static overlay::Overlay>,
    dos: Ymd,
) -> Option<(Quarter<'static>, bool)> {
    let Some(ov) = ov else {
        // Compiled-in quarters only (every drug line asks): chosen by their dates, and only
        // the one chosen made into a `Quarter`. The same choice as below.
        let qs = &embedded::QUARTERS;
        if let Some(q) = qs.iter().find(|q| q.from <= dos && dos <= q.to) {
            return Some((Quarter::from(q), true));
        }
        return qs
            .iter()
            .min_by_key(|q| days_outside(q.from, q.to, dos))
            .map(|q| (Quarter::from(q), false));
    };
    let qs = each_quarter(Some(ov));
    if let Some(q) = qs.clone().find(|q| q.from <= dos && dos <= q.to) {
        return Some((q, true));
    }
    qs.min_by_key(|q| days_outside(q.from, q.to, dos))
        .map(|q| (q, false))
}

/// Days from `dos` to the nearest end of `from..=to`, for a date outside it.
fn days_outside(from: Ymd, to: Ymd, dos: Ymd) -> i64 {
    if dos < from {
        days(from) - days(dos)
    } else {
        days(dos) - days(to)
    }
}

/// Which version of a data set answers for a date of service, and whether it is in force
/// then. `name` as in `claimlint data`: `crosswalk`, `hcpcs`, `icd10cm`, `mue-practitioner`,
/// `mue-outpatient-hospital`. `None` for a name without dated versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub version: &'static str,
    pub from: Ymd,
    pub to: Option<Ymd>,
    pub in_force: bool,
}

/// Rows are sorted by (ndc11, hcpcs), so one NDC's rows are a contiguous run.
fn by_ndc<'a>(q: Quarter<'a>, ndc11: &str) -> &'a [XwalkRow] {
    let rows = q.rows;
    // Compared as numbers where the quarter has them (an NDC that is not 11 digits has no
    // number, and no row of such a quarter can hold it).
    if let Some(keys) = q.ndc_keys {
        let Some(key) = embedded::ndc_key(ndc11.as_bytes()) else {
            return &[];
        };
        let lo = keys.partition_point(|&k| k < key);
        let len = keys
            .get(lo..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&k| k == key)
            .count();
        return rows.get(lo..lo + len).unwrap_or_default();
    }
    let lo = rows.partition_point(|r| key_cmp(r.ndc11, ndc11).is_lt());
    // An NDC has a row or two: walk to the end of its run rather than search for it.
    let len = rows
        .get(lo..)
        .unwrap_or_default()
        .iter()
        .take_while(|r| claimlint_x12::short::eq(r.ndc11.as_bytes(), ndc11.as_bytes()))
        .count();
    rows.get(lo..lo + len).unwrap_or_default()
}

/// The run of `q.by_hcpcs` (row indexes sorted by code) whose rows bill `hcpcs`.
fn hcpcs_range<'q>(q: Quarter<'q>, hcpcs: &str) -> &'q [u32] {
    let row = |i: &u32| usize::try_from(*i).ok().and_then(|i| q.rows.get(i));
    let key = |i: &u32| row(i).map(|r| r.hcpcs);
    let lo = q
        .by_hcpcs
        .partition_point(|i| key(i).is_some_and(|h| key_cmp(h, hcpcs).is_lt()));
    let hi = q
        .by_hcpcs
        .partition_point(|i| key(i).is_some_and(|h| key_cmp(h, hcpcs).is_le()));
    q.by_hcpcs.get(lo..hi).unwrap_or_default()
}

/// Whether quarter `q` has a row for `hcpcs`: one binary search (`hcpcs_range` needs two),
/// since every service line asks it of every quarter to know whether it bills a drug.
fn lists_hcpcs(q: Quarter<'_>, hcpcs: &str) -> bool {
    let key = |i: &u32| {
        usize::try_from(*i)
            .ok()
            .and_then(|i| q.rows.get(i))
            .map(|r| r.hcpcs)
    };
    let lo = q
        .by_hcpcs
        .partition_point(|i| key(i).is_some_and(|h| key_cmp(h, hcpcs).is_lt()));
    q.by_hcpcs
        .get(lo)
        .and_then(key)
        .is_some_and(|h| key_cmp(h, hcpcs).is_eq())
}

fn by_hcpcs(q: Quarter<'_>, hcpcs: &str) -> Vec<XwalkRow> {
    hcpcs_range(q, hcpcs)
        .iter()
        .filter_map(|i| {
            usize::try_from(*i)
                .ok()
                .and_then(|i| q.rows.get(i))
                .copied()
        })
        .collect()
}

/// The MUE tables of a setting as (effective from, version, rows): loaded ones first, an
/// embedded one hidden by a loaded one of the same start date. Allocates nothing (UNT002
/// asks on every line).
/// An MUE table: effective from, version, rows, and the rows' code keys when compiled in.
type MueTable = (Ymd, &'static str, embedded::MueRows, Option<&'static [u64]>);

/// The MUE table on `dos` among the loaded and compiled-in tables: the latest in force
/// (true), else the earliest.
fn mue_table_of(
    ov: Option<&'static overlay::Overlay>,
    setting: Setting,
    dos: Ymd,
) -> Option<(MueTable, bool)> {
    let tables = || mue_tables(ov, setting);
    tables()
        .filter(|t| t.0 <= dos)
        .max_by_key(|t| t.0)
        .map(|t| (t, true))
        .or_else(|| tables().min_by_key(|t| t.0).map(|t| (t, false)))
}

/// [`Data::mue_table`] with nothing loaded: the same choice (the last of the latest tables in
/// force, else the first of the earliest) by one pass over the compiled-in tables, which UNT002
/// makes for every line.
fn embedded_mue_table(setting: Setting, dos: Ymd) -> Option<(MueTable, bool)> {
    let (mut latest, mut earliest): (Option<MueTable>, Option<MueTable>) = (None, None);
    for t in embedded::MUE_TABLES.iter().filter(|t| t.0 == setting) {
        let t = (t.1, t.2, t.3, Some(t.4));
        if t.0 <= dos && latest.is_none_or(|l| t.0 >= l.0) {
            latest = Some(t);
        }
        if earliest.is_none_or(|e| t.0 < e.0) {
            earliest = Some(t);
        }
    }
    latest
        .map(|t| (t, true))
        .or_else(|| earliest.map(|t| (t, false)))
}

fn mue_tables(
    ov: Option<&'static overlay::Overlay>,
    setting: Setting,
) -> impl Iterator<Item = MueTable> + Clone {
    let loaded = ov
        .into_iter()
        .flat_map(|o| o.mue.iter())
        .filter(move |t| t.setting == setting)
        .map(|t| (t.from, t.version, t.rows.as_slice(), None));
    let embedded = embedded::MUE_TABLES
        .iter()
        .filter(move |t| t.0 == setting)
        .filter(move |t| {
            !ov.is_some_and(|o| o.mue.iter().any(|l| l.setting == setting && l.from == t.1))
        })
        .map(|t| (t.1, t.2, t.3, Some(t.4)));
    loaded.chain(embedded)
}

/// Of the dates before `from`, the dates `from..=to` and the dates after `to`, those that
/// hold `dos`.
fn outside_or_in(from: Ymd, to: Ymd, dos: Ymd) -> (Ymd, Ymd) {
    if dos < from {
        (0, from - 1)
    } else if dos <= to {
        (from, to)
    } else {
        (to + 1, Ymd::MAX)
    }
}

/// The dates on which the MUE tables of `setting` give the answer they give on `dos`: the
/// table chosen (`mue_table_of`, `embedded_mue_table`) depends only on which tables start on
/// or before the date, and that set is the same from the latest start on or before `dos` to
/// the day before the next start.
fn mue_span(ov: Option<&'static overlay::Overlay>, setting: Setting, dos: Ymd) -> (Ymd, Ymd) {
    let (mut lo, mut hi) = (0, Ymd::MAX);
    for t in mue_tables(ov, setting) {
        if t.0 <= dos {
            lo = lo.max(t.0);
        } else {
            hi = hi.min(t.0 - 1);
        }
    }
    (lo, hi)
}

/// The dates on which the compiled-in crosswalk quarters give the answer they give on `dos`,
/// when a quarter is in force then (`pick_quarter_lazy` takes the first that covers a date):
/// that quarter's dates, if no quarter before it in the list shares any of them.
fn embedded_quarter_span(dos: Ymd) -> Option<(Ymd, Ymd)> {
    let qs = &embedded::QUARTERS;
    let at = qs.iter().position(|q| q.from <= dos && dos <= q.to)?;
    let q = qs.get(at)?;
    let overlaps = |p: &embedded::EmbeddedQuarter| p.from <= q.to && q.from <= p.to;
    (!qs.get(..at)?.iter().any(overlaps)).then_some((q.from, q.to))
}

/// Days since 0000-03-01 (proleptic Gregorian), for "how far is this date from that quarter".
/// Out-of-range parts are clamped: the answer is only used to rank distances.
fn days(ymd: Ymd) -> i64 {
    let y = i64::from(ymd / 10_000);
    let m = i64::from((ymd / 100 % 100).clamp(1, 12));
    let d = i64::from((ymd % 100).clamp(1, 31));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 1
}

/// Orders table keys (codes, NDCs) as `str::cmp` does, without its `memcmp` call.
#[inline]
pub(crate) fn key_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    claimlint_x12::short::cmp(a.as_bytes(), b.as_bytes())
}

/// One `[single-dose]` row of a `claimlint.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct UserSingleDose {
    hcpcs: String,
    ndc11: Option<String>,
    value: SingleDose,
}

/// The `[single-dose]` rows of one `claimlint.toml`: facts of that file, carried in its
/// settings and consulted before the tables by [`Data::single_dose`], so they never reach an
/// input another file governs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SingleDoseRows(Vec<UserSingleDose>);

impl SingleDoseRows {
    /// Adds a user's single-dose fact; it wins over the embedded row of the same specificity,
    /// and over an earlier row of its own for the same code and NDC. `ndc` may be any NDC form,
    /// or `None` for every NDC of the code.
    pub fn add(
        &mut self,
        hcpcs: &str,
        ndc: Option<&str>,
        single_dose: bool,
    ) -> Result<(), DataError> {
        let ndc11 = match ndc {
            Some(raw) => Some(ndc_to_11(raw).ok_or_else(|| DataError::BadNdc {
                value: raw.to_string(),
            })?),
            None => None,
        };
        let row = UserSingleDose {
            hcpcs: hcpcs.trim().to_ascii_uppercase(),
            ndc11,
            value: SingleDose {
                single_dose,
                verified: true,
                package: if single_dose {
                    "single-dose container (user config)"
                } else {
                    "multiple-dose container (user config)"
                },
                source: "claimlint.toml",
                drug: "",
            },
        };
        self.0
            .retain(|r| !(r.hcpcs == row.hcpcs && r.ndc11 == row.ndc11));
        self.0.push(row);
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, hcpcs: &str, ndc11: Option<&str>) -> Option<SingleDose> {
        self.0
            .iter()
            .rev()
            .find(|r| r.hcpcs == hcpcs && r.ndc11.as_deref() == ndc11)
            .map(|r| r.value)
    }
}
