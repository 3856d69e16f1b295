//! Which rules run, at what severity and with what parameters: `claimlint.toml` (found by
//! walking up from each input, or named with `--config`), payer profiles (built-in `medicare`,
//! `medicaid`, `commercial`, or the user's own), and the command line, resolved into
//! `Settings`: the rules' `LintSettings` plus the exit threshold. Precedence: file < profile <
//! flags. A file's `[single-dose]` rows go into its own settings (`Params::single_dose`), never
//! into shared state. Knows rules by code and the profile parameters of `rules::payer`; knows
//! nothing of output formats.

use claimlint_data::{Data, SingleDoseRows};
use claimlint_diagnostic::Severity;
use claimlint_model::Dec;
use claimlint_rules::payer::{CodeRange, Params, PriorAuthEntry, QuantityLimit};
use claimlint_rules::{JwJzScope, LintSettings, RULES, Rule};
use miette::{NamedSource, SourceSpan};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The names `claimlint.toml` may have, looked for in this order in each directory.
pub const FILE_NAMES: &[&str] = &["claimlint.toml", ".claimlint.toml"];

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ConfigError {
    #[error("unknown rule selector `{0}`")]
    #[diagnostic(
        code(claimlint::config::unknown_rule),
        help(
            "use a rule code (NDC004), a name (ndc-hcpcs-mismatch) or a prefix (NDC, NDC00); `claimlint rules` lists them"
        )
    )]
    UnknownRule(String),
    #[error("bad severity override `{0}`")]
    #[diagnostic(
        code(claimlint::config::bad_severity),
        help(
            "write CODE=LEVEL with LEVEL one of error, warning, info, e.g. --severity NDC001=error"
        )
    )]
    BadSeverity(String),
    #[error("cannot read config {path}: {source}")]
    #[diagnostic(code(claimlint::config::read))]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// TOML syntax, a key claimlint does not know, or a value of the wrong type. Boxed: it
    /// carries the file's text for miette to point into.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Parse(Box<ParseError>),
    /// A value that parses as TOML but means nothing to claimlint; `key` is where it stands.
    #[error("{path}: {key}: {message}")]
    #[diagnostic(code(claimlint::config::invalid))]
    Invalid {
        path: String,
        key: String,
        message: String,
    },
    #[error("unknown profile `{name}`")]
    #[diagnostic(
        code(claimlint::config::unknown_profile),
        help("the profiles are {known}; define others under [profiles.NAME] in claimlint.toml")
    )]
    UnknownProfile { name: String, known: String },
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{path}: {message}")]
#[diagnostic(
    code(claimlint::config::parse),
    help(
        "the keys are select, ignore, extend-select, severity, fail-on, max-diagnostics, profile, include, exclude, payers, single-dose, jw-jz and profiles (docs/pipelines.md)"
    )
)]
pub struct ParseError {
    path: String,
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("here")]
    span: Option<SourceSpan>,
}

/// What one input is checked with: the rules' settings (enabled rules and severities, limits,
/// profile parameters, the data handle), which `Settings` derefs to so the engine takes it as
/// it is, and the severity that makes the exit status 1.
#[derive(Clone, Debug)]
pub struct Settings {
    pub lint: LintSettings,
    pub fail_on: Severity,
}

impl std::ops::Deref for Settings {
    type Target = LintSettings;
    fn deref(&self) -> &LintSettings {
        &self.lint
    }
}

impl std::ops::DerefMut for Settings {
    fn deref_mut(&mut self) -> &mut LintSettings {
        &mut self.lint
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lint: LintSettings::default(),
            fail_on: Severity::Error,
        }
    }
}

/// Rules matched by a selector: a code, a name, or a code prefix (`NDC`, `NDC00`); `ALL`.
pub fn matching(selector: &str) -> Result<Vec<&'static Rule>, ConfigError> {
    let s = selector.trim();
    if s.eq_ignore_ascii_case("ALL") {
        return Ok(RULES.to_vec());
    }
    let upper = s.to_ascii_uppercase();
    let found: Vec<_> = RULES
        .iter()
        .copied()
        .filter(|r| {
            (!upper.is_empty() && r.code.starts_with(&upper)) || r.name.eq_ignore_ascii_case(s)
        })
        .collect();
    if found.is_empty() {
        Err(ConfigError::UnknownRule(s.to_string()))
    } else {
        Ok(found)
    }
}

fn parse_level(text: &str) -> Option<Severity> {
    match text.trim().to_ascii_lowercase().as_str() {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        _ => None,
    }
}

/// `CODE=LEVEL` from the command line.
fn parse_override(text: &str) -> Result<(String, Severity), ConfigError> {
    let (sel, level) = text
        .split_once('=')
        .ok_or_else(|| ConfigError::BadSeverity(text.to_string()))?;
    let level = parse_level(level).ok_or_else(|| ConfigError::BadSeverity(text.to_string()))?;
    Ok((sel.trim().to_string(), level))
}

impl Settings {
    pub fn new(rules: Vec<(&'static Rule, Severity)>, fail_on: Severity) -> Self {
        Settings {
            lint: LintSettings::new(rules),
            fail_on,
        }
    }

    /// The same rules with other profile parameters (tests and the resolver use this).
    pub fn with_params(mut self, params: Params) -> Self {
        self.lint = self.lint.with_params(params);
        self
    }

    /// The same rules over other reference data (`--data-dir`).
    pub fn with_data(mut self, data: Data) -> Self {
        self.lint = self.lint.with_data(data);
        self
    }

    /// select / ignore / severity overrides, in ruff's manner: start from `select` (default
    /// all), remove `ignore`, then apply overrides.
    pub fn from_selectors(
        select: &[String],
        ignore: &[String],
        severity: &[String],
        fail_on: Severity,
    ) -> Result<Self, ConfigError> {
        let overrides = severity
            .iter()
            .map(|o| parse_override(o))
            .collect::<Result<Vec<_>, _>>()?;
        let rules = choose(
            if select.is_empty() {
                None
            } else {
                Some(select)
            },
            &[],
            ignore,
        )?;
        let mut settings = Settings::new(rules, fail_on);
        settings.apply_severities(&overrides)?;
        Ok(settings)
    }

    fn apply_severities(&mut self, overrides: &[(String, Severity)]) -> Result<(), ConfigError> {
        for (sel, level) in overrides {
            for r in matching(sel)? {
                self.lint.set_severity(r.code, *level);
            }
        }
        Ok(())
    }
}

/// The enabled rules, sorted by code, each at its default severity.
fn choose(
    select: Option<&[String]>,
    extend: &[String],
    ignore: &[String],
) -> Result<Vec<(&'static Rule, Severity)>, ConfigError> {
    let mut chosen: Vec<&'static Rule> = Vec::new();
    let mut add = |rules: Vec<&'static Rule>| {
        for r in rules {
            if !chosen.iter().any(|c| c.code == r.code) {
                chosen.push(r);
            }
        }
    };
    match select {
        None => add(RULES.to_vec()),
        Some(list) => {
            for s in list {
                add(matching(s)?);
            }
        }
    }
    for s in extend {
        add(matching(s)?);
    }
    for s in ignore {
        let drop = matching(s)?;
        chosen.retain(|r| !drop.iter().any(|d| d.code == r.code));
    }
    chosen.sort_by_key(|r| r.code);
    Ok(chosen.into_iter().map(|r| (r, r.severity)).collect())
}

// ---- claimlint.toml -------------------------------------------------------------------------

/// `claimlint.toml`. Every table denies unknown keys, so a misspelt key is an error that names
/// it instead of a setting silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileConfig {
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub extend_select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    pub fail_on: Option<Severity>,
    pub max_diagnostics: Option<usize>,
    /// The profile used when neither `--profile` nor `[payers]` chooses one.
    pub profile: Option<String>,
    /// Globs, relative to this file's directory: only files matching one are read from the
    /// directories walked (default: every file).
    #[serde(default)]
    pub include: Vec<String>,
    /// Globs, relative to this file's directory: files and directories left out on purpose.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Payer id (NM109 of 2010BB) → profile name.
    #[serde(default)]
    pub payers: BTreeMap<String, String>,
    /// HCPCS → `true`/`false` (every NDC of the code), or a table of NDC → `true`/`false`.
    #[serde(default)]
    pub single_dose: BTreeMap<String, SingleDoseEntry>,
    /// Which claims MOD001/MOD006 judge: `medicare` (2000B SBR09 MB/MA; the default),
    /// `all-payers` or `off`. A profile's own `jw-jz` wins over this one.
    pub jw_jz: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum SingleDoseEntry {
    Code(bool),
    ByNdc(BTreeMap<String, bool>),
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProfileConfig {
    /// Another profile (built-in or the user's) whose settings this one starts from.
    pub extends: Option<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Codes (`"J0897"`, `"64490-64495"`) or tables with conditions (`prior_auth_entry`).
    #[serde(default)]
    pub prior_auth: Vec<toml::Value>,
    /// A built-in profile's list, from `data/prior_auth_*.tsv`.
    #[serde(skip)]
    pub builtin_prior_auth: &'static [claimlint_data::PriorAuthRow],
    /// Code → a number (units per line and per date) or `{ per-line = N, per-date = N }`.
    #[serde(default)]
    pub quantity_limits: BTreeMap<String, toml::Value>,
    /// `medicare`, `all-payers` or `off`: which claims MOD001/MOD006 judge under this profile.
    pub jw_jz: Option<String>,
}

impl FileConfig {
    /// Parses `text`; errors carry the file, the message (which names an unknown key) and its
    /// span, for miette to point at.
    pub fn parse(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
        toml::from_str(text).map_err(|e| {
            ConfigError::Parse(Box::new(ParseError {
                path: path.display().to_string(),
                message: e.message().trim().to_string(),
                src: NamedSource::new(path.display().to_string(), text.to_string()),
                span: e.span().map(|r| SourceSpan::from(r.start..r.end)),
            }))
        })
    }

    pub fn read(path: &Path) -> Result<FileConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        FileConfig::parse(path, &text)
    }

    /// The file's `[single-dose]` rows, for MOD001. They travel in the settings of the inputs
    /// this file governs (`Params::single_dose`) and reach no other input.
    pub fn single_dose_rows(&self, path: &Path) -> Result<SingleDoseRows, ConfigError> {
        let invalid = |key: String, e: claimlint_data::DataError| ConfigError::Invalid {
            path: path.display().to_string(),
            key,
            message: e.to_string(),
        };
        let mut rows = SingleDoseRows::default();
        for (hcpcs, entry) in &self.single_dose {
            match entry {
                SingleDoseEntry::Code(flag) => rows
                    .add(hcpcs, None, *flag)
                    .map_err(|e| invalid(format!("single-dose.{hcpcs}"), e))?,
                SingleDoseEntry::ByNdc(by_ndc) => {
                    for (ndc, flag) in by_ndc {
                        rows.add(hcpcs, Some(ndc), *flag)
                            .map_err(|e| invalid(format!("single-dose.{hcpcs}.{ndc}"), e))?;
                    }
                }
            }
        }
        Ok(rows)
    }
}

/// The nearest config file: `start` itself when it is a directory, else its directory, then
/// each parent up to the root.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    // `a.x12`'s parent is the empty path, which is the working directory.
    let start = if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        start
    };
    let start = std::path::absolute(start).ok()?;
    let dir = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    dir.ancestors()
        .flat_map(|d| FILE_NAMES.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

// ---- profiles -------------------------------------------------------------------------------

pub const BUILT_IN_PROFILES: &[&str] = &["commercial", "medicaid", "medicare"];

/// The built-in profiles. Their lists are starting points, to be checked against each payer's
/// current policy; users extend or replace them under `[profiles.NAME]`.
fn built_in(name: &str) -> Option<ProfileConfig> {
    let sev = |pairs: &[(&str, Severity)]| pairs.iter().map(|(c, s)| (c.to_string(), *s)).collect();
    match name {
        // The TR3 requires ZIP+4 for the billing provider, and Medicare's front end enforces it.
        // The prior-authorization list is CMS's hospital outpatient department program
        // (42 CFR 419.83), with its conditions and sources: data/prior_auth_medicare.tsv.
        "medicare" => Some(ProfileConfig {
            severity: sev(&[("SIT005", Severity::Error)]),
            builtin_prior_auth: claimlint_data::prior_auth_medicare(),
            // The profile's claims go to Medicare, whatever their SBR09 says.
            jw_jz: Some("all-payers".into()),
            ..ProfileConfig::default()
        }),
        // State Medicaid programs need the NDC on every physician-administered drug to invoice
        // manufacturer rebates (Deficit Reduction Act of 2005, 42 U.S.C. 1396r-8(a)(7)).
        "medicaid" => Some(ProfileConfig {
            severity: sev(&[("NDC001", Severity::Error)]),
            ..ProfileConfig::default()
        }),
        // JW/JZ is a Medicare Part B requirement; commercial plans ask for it only sometimes:
        // checked on every claim, as a warning. (The medicaid profile keeps the default scope,
        // Medicare claims only, so a Medicaid claim gets no MOD001.)
        "commercial" => Some(ProfileConfig {
            severity: sev(&[("MOD001", Severity::Warning)]),
            jw_jz: Some("all-payers".into()),
            ..ProfileConfig::default()
        }),
        _ => None,
    }
}

/// A profile with its `extends` chain applied, validated.
#[derive(Debug, Default, Clone)]
struct Profile {
    severity: Vec<(String, Severity)>,
    params: Params,
    /// The profile's `jw-jz`, when it (or what it extends) sets one.
    jw_jz: Option<JwJzScope>,
}

/// `jw-jz` as written in claimlint.toml; the error names the key.
fn jw_jz_scope(
    text: Option<&str>,
    path: &str,
    key: String,
) -> Result<Option<JwJzScope>, ConfigError> {
    text.map(|t| {
        JwJzScope::parse(t).ok_or_else(|| ConfigError::Invalid {
            path: path.to_string(),
            key,
            message: format!("`{t}` is not one of medicare, all-payers, off"),
        })
    })
    .transpose()
}

fn known_profiles(file: Option<&FileConfig>) -> String {
    let mut names: Vec<String> = BUILT_IN_PROFILES.iter().map(|s| s.to_string()).collect();
    names.extend(file.into_iter().flat_map(|f| f.profiles.keys().cloned()));
    names.sort();
    names.dedup();
    names.join(", ")
}

/// Resolves a profile by name: the built-in of that name (if any) under the user's table of
/// that name (if any), each after what it `extends`.
fn resolve_profile(
    name: &str,
    file: Option<&FileConfig>,
    path: &str,
    depth: u8,
) -> Result<Profile, ConfigError> {
    let user = file.and_then(|f| f.profiles.get(name));
    let builtin = built_in(name);
    if user.is_none() && builtin.is_none() {
        return Err(ConfigError::UnknownProfile {
            name: name.to_string(),
            known: known_profiles(file),
        });
    }
    if depth > 8 {
        return Err(ConfigError::Invalid {
            path: path.to_string(),
            key: format!("profiles.{name}.extends"),
            message: "profiles extend each other in a loop".into(),
        });
    }
    let mut profile = Profile::default();
    for (layer, key) in [(builtin.as_ref(), "built-in"), (user, "profiles")] {
        let Some(layer) = layer else { continue };
        if let Some(parent) = &layer.extends {
            let base = resolve_profile(parent, file, path, depth + 1)?;
            profile.severity.extend(base.severity);
            profile.params.prior_auth.extend(base.params.prior_auth);
            profile
                .params
                .quantity_limits
                .extend(base.params.quantity_limits);
            profile.jw_jz = base.jw_jz.or(profile.jw_jz);
        }
        let at = |what: &str| format!("{key}.{name}.{what}");
        if let Some(scope) = jw_jz_scope(layer.jw_jz.as_deref(), path, at("jw-jz"))? {
            profile.jw_jz = Some(scope);
        }
        for (code, level) in &layer.severity {
            matching(code).map_err(|_| ConfigError::Invalid {
                path: path.to_string(),
                key: at("severity"),
                message: format!("unknown rule `{code}`"),
            })?;
            profile.severity.push((code.clone(), *level));
        }
        for row in layer.builtin_prior_auth {
            let entry = PriorAuthEntry::from_row(row).ok_or_else(|| ConfigError::Invalid {
                path: path.to_string(),
                key: at("prior-auth"),
                message: format!("built-in row `{}` does not parse", row.codes),
            })?;
            profile.params.prior_auth.push(entry);
        }
        for (i, value) in layer.prior_auth.iter().enumerate() {
            let entry = prior_auth_entry(value).map_err(|message| ConfigError::Invalid {
                path: path.to_string(),
                key: format!("{}[{i}]", at("prior-auth")),
                message,
            })?;
            profile.params.prior_auth.push(entry);
        }
        for (code, value) in &layer.quantity_limits {
            let limit = quantity_limit(value).ok_or_else(|| ConfigError::Invalid {
                path: path.to_string(),
                key: at(&format!("quantity-limits.{code}")),
                message: "write a number of units (60), or { per-line = 60, per-date = 120 }"
                    .into(),
            })?;
            profile
                .params
                .quantity_limits
                .insert(code.trim().to_ascii_uppercase(), limit);
        }
    }
    profile.params.profile = Some(name.to_string());
    Ok(profile)
}

const CODES_HELP: &str =
    "write a code (J0897) or a range of codes of one length (64490-64495), or a list of them";

/// A `prior-auth` item: a code or range, or a table
/// `{ codes = [...], with = [...], bill-types = ["13x"], places-of-service = ["19", "22"],
/// from = "2020-07-01", until = "...", category = "...", source = "..." }`.
fn prior_auth_entry(value: &toml::Value) -> Result<PriorAuthEntry, String> {
    let codes = |v: &toml::Value, key: &str| -> Result<Vec<CodeRange>, String> {
        let items: Vec<&str> = match v {
            toml::Value::String(s) => vec![s.as_str()],
            toml::Value::Array(a) => a
                .iter()
                .map(|x| x.as_str().ok_or(key))
                .collect::<Result<_, _>>()
                .map_err(|k| format!("`{k}`: {CODES_HELP}"))?,
            _ => return Err(format!("`{key}`: {CODES_HELP}")),
        };
        let mut out = Vec::new();
        for item in items {
            out.extend(
                PriorAuthEntry::parse_codes(item)
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| format!("`{item}` in `{key}`: {CODES_HELP}"))?,
            );
        }
        Ok(out)
    };
    let Some(table) = value.as_table() else {
        return Ok(PriorAuthEntry::codes(codes(value, "prior-auth")?));
    };
    let mut entry = PriorAuthEntry::default();
    for (key, v) in table {
        match key.as_str() {
            "codes" => entry.codes = codes(v, key)?,
            "with" => entry.with = codes(v, key)?,
            "bill-types" => {
                entry.bill_types = strings(
                    v,
                    key,
                    PriorAuthEntry::parse_bill_type,
                    "types of bill such as \"13x\"",
                )?
            }
            "places-of-service" => {
                entry.places_of_service = strings(
                    v,
                    key,
                    PriorAuthEntry::parse_place,
                    "two-digit places of service such as \"22\"",
                )?
            }
            "from" => entry.from = Some(date(v, key)?),
            "until" => entry.until = Some(date(v, key)?),
            "category" => entry.category = Some(text(v, key)?),
            "source" => entry.source = Some(text(v, key)?),
            other => {
                return Err(format!(
                    "unknown key `{other}`; a prior-auth entry takes codes, with, bill-types, places-of-service, from, until, category, source"
                ));
            }
        }
    }
    if entry.codes.is_empty() {
        return Err("a prior-auth entry needs `codes`".into());
    }
    Ok(entry)
}

fn text(v: &toml::Value, key: &str) -> Result<String, String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("`{key}` is text"))
}

fn strings(
    v: &toml::Value,
    key: &str,
    parse: fn(&str) -> Option<String>,
    what: &str,
) -> Result<Vec<String>, String> {
    let items = v
        .as_array()
        .ok_or_else(|| format!("`{key}` is a list of {what}"))?;
    items
        .iter()
        .map(|x| {
            x.as_str()
                .and_then(parse)
                .ok_or_else(|| format!("`{key}` is a list of {what}, not {x}"))
        })
        .collect()
}

/// `2020-07-01` (a TOML date or text) or `20200701` → 20200701.
fn date(v: &toml::Value, key: &str) -> Result<u32, String> {
    let s = match v {
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::String(s) => s.clone(),
        _ => String::new(),
    };
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    let ok = digits.len() == 8
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (s.len() == 8 || s.len() == 10);
    let n: u32 = if ok { digits.parse().unwrap_or(0) } else { 0 };
    let (m, d) = (n / 100 % 100, n % 100);
    if n == 0 || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(format!("`{key}` is a date such as 2020-07-01, not {v}"));
    }
    Ok(n)
}

fn units(value: &toml::Value) -> Option<Dec> {
    let d = match value {
        toml::Value::Integer(n) => Some(Dec::from_int(*n)),
        toml::Value::Float(f) => Dec::parse_text(&f.to_string()),
        _ => None,
    }?;
    d.is_positive().then_some(d)
}

fn quantity_limit(value: &toml::Value) -> Option<QuantityLimit> {
    if let Some(n) = units(value) {
        return Some(QuantityLimit {
            per_line: Some(n),
            per_date: Some(n),
        });
    }
    let table = value.as_table()?;
    if table.keys().any(|k| k != "per-line" && k != "per-date") || table.is_empty() {
        return None;
    }
    let part = |k: &str| table.get(k).map(units);
    let (per_line, per_date) = (part("per-line"), part("per-date"));
    // A key present with a bad value is an error, not an absent limit.
    if per_line == Some(None) || per_date == Some(None) {
        return None;
    }
    Some(QuantityLimit {
        per_line: per_line.flatten(),
        per_date: per_date.flatten(),
    })
}

// ---- resolution -----------------------------------------------------------------------------

/// What the command line says, the top layer.
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub select: Vec<String>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// `CODE=LEVEL`.
    pub severity: Vec<String>,
    pub fail_on: Option<Severity>,
    pub max_diagnostics: Option<usize>,
    pub profile: Option<String>,
    /// The run's reference data (the embedded tables, or those with `--data-dir` loaded).
    pub data: Data,
}

/// Settings for every input that one config file (or none) governs: one per profile that can
/// be chosen, the payer map deciding per input.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub default: Settings,
    /// Payer id → settings of the profile `[payers]` maps it to; empty under `--profile`.
    pub by_payer: BTreeMap<String, Settings>,
}

impl Resolved {
    /// The settings for one input: those of its payer (the first NM109 of 2010BB) when the
    /// payer map names it. A file whose claims go to several payers is read under the first.
    pub fn for_input(&self, input: &[u8]) -> &Settings {
        if self.by_payer.is_empty() {
            return &self.default;
        }
        // A file wrapped at a fixed width names its payer in the unwrapped bytes: the line
        // breaks can cut the payer id (`claimlint_x12::folded`).
        first_payer_id(&claimlint_x12::folded::Folding::unwrapped(input).1)
            .and_then(|id| self.by_payer.get(&id))
            .unwrap_or(&self.default)
    }
}

/// Checks a file's rule lists, severities, profiles and payer map, naming the file and key
/// of the first error.
fn validate_file(c: &FileConfig, path: &str) -> Result<(), ConfigError> {
    let in_file = |key: &str, e: ConfigError| match e {
        ConfigError::UnknownRule(sel) => ConfigError::Invalid {
            path: path.to_string(),
            key: key.to_string(),
            message: format!("unknown rule `{sel}`"),
        },
        other => other,
    };
    for (key, list) in [
        ("select", c.select.as_deref().unwrap_or_default()),
        ("extend-select", &c.extend_select),
        ("ignore", &c.ignore),
    ] {
        for s in list {
            matching(s).map_err(|e| in_file(key, e))?;
        }
    }
    for code in c.severity.keys() {
        matching(code).map_err(|e| in_file("severity", e))?;
    }
    for name in c.profiles.keys() {
        resolve_profile(name, Some(c), path, 0)?;
    }
    for (payer, name) in &c.payers {
        // A top-level key written after the `[payers]` header lands in it as a payer id (TOML
        // has no way back out of a table): say so rather than read it as a payer.
        if TOP_LEVEL_KEYS.contains(&payer.as_str()) {
            return Err(ConfigError::Invalid {
                path: path.to_string(),
                key: format!("payers.{payer}"),
                message: format!(
                    "`{payer}` is a top-level setting, not a payer id: move `{payer} = \"{name}\"` above the [payers] header"
                ),
            });
        }
        resolve_profile(name, Some(c), path, 0).map_err(|e| match e {
            ConfigError::UnknownProfile { name, known } => ConfigError::Invalid {
                path: path.to_string(),
                key: format!("payers.{payer}"),
                message: format!("unknown profile `{name}` (profiles: {known})"),
            },
            other => other,
        })?;
    }
    Ok(())
}

/// The keys of the file's top level ([`FileConfig`]), which no `[payers]` entry may be named.
const TOP_LEVEL_KEYS: [&str; 13] = [
    "select",
    "extend-select",
    "ignore",
    "severity",
    "fail-on",
    "max-diagnostics",
    "profile",
    "include",
    "exclude",
    "payers",
    "single-dose",
    "jw-jz",
    "profiles",
];

/// Resolves settings: the file (when there is one), then the profile, then the flags.
pub fn resolve(file: Option<(&Path, &FileConfig)>, flags: &Flags) -> Result<Resolved, ConfigError> {
    let path = file.map_or_else(
        || "(command line)".to_string(),
        |(p, _)| p.display().to_string(),
    );
    let cfg = file.map(|(_, c)| c);
    // Validate the file's own rule lists and profiles first, so their errors name the file.
    if let Some(c) = cfg {
        validate_file(c, &path)?;
    }
    let single_dose = match file {
        Some((p, c)) => c.single_dose_rows(p)?,
        None => SingleDoseRows::default(),
    };
    let file_jw_jz = jw_jz_scope(cfg.and_then(|c| c.jw_jz.as_deref()), &path, "jw-jz".into())?;
    let flag_overrides = flags
        .severity
        .iter()
        .map(|o| parse_override(o))
        .collect::<Result<Vec<_>, _>>()?;
    let build = |profile: Option<&str>| -> Result<Settings, ConfigError> {
        // --select replaces the file's select and extend-select; --ignore and
        // --extend-select add to the file's lists.
        let (select, mut extend) = if flags.select.is_empty() {
            (
                cfg.and_then(|c| c.select.clone()),
                cfg.map(|c| c.extend_select.clone()).unwrap_or_default(),
            )
        } else {
            (Some(flags.select.clone()), Vec::new())
        };
        extend.extend(flags.extend_select.iter().cloned());
        let mut ignore = cfg.map(|c| c.ignore.clone()).unwrap_or_default();
        ignore.extend(flags.ignore.iter().cloned());
        let rules = choose(select.as_deref(), &extend, &ignore)?;
        let fail_on = flags
            .fail_on
            .or(cfg.and_then(|c| c.fail_on))
            .unwrap_or(Severity::Error);
        let mut settings = Settings::new(rules, fail_on).with_data(flags.data);
        settings.max_diagnostics = flags
            .max_diagnostics
            .or(cfg.and_then(|c| c.max_diagnostics));
        let file_levels: Vec<(String, Severity)> = cfg
            .map(|c| c.severity.iter().map(|(k, v)| (k.clone(), *v)).collect())
            .unwrap_or_default();
        settings.apply_severities(&file_levels)?;
        let mut params = Params::default();
        let mut jw_jz = file_jw_jz;
        if let Some(name) = profile {
            let p = resolve_profile(name, cfg, &path, 0)?;
            settings.apply_severities(&p.severity)?;
            params = p.params;
            jw_jz = p.jw_jz.or(jw_jz);
        }
        params.jw_jz = jw_jz.unwrap_or_default();
        params.single_dose = single_dose.clone();
        settings.params = Arc::new(params);
        settings.apply_severities(&flag_overrides)?;
        Ok(settings)
    };
    let default_profile = flags
        .profile
        .as_deref()
        .or(cfg.and_then(|c| c.profile.as_deref()));
    let default = build(default_profile)?;
    // A --profile on the command line governs every claim; otherwise the payer map applies.
    let by_payer = match cfg {
        Some(c) if flags.profile.is_none() => payer_settings(&c.payers, build)?,
        _ => BTreeMap::new(),
    };
    Ok(Resolved { default, by_payer })
}

/// The settings of each payer of the payer map, built once per profile.
fn payer_settings(
    payers: &BTreeMap<String, String>,
    build: impl Fn(Option<&str>) -> Result<Settings, ConfigError>,
) -> Result<BTreeMap<String, Settings>, ConfigError> {
    let mut by_payer = BTreeMap::new();
    let mut cache: HashMap<&str, Settings> = HashMap::new();
    for (payer, name) in payers {
        let settings = match cache.get(name.as_str()) {
            Some(s) => s.clone(),
            None => {
                let s = build(Some(name))?;
                cache.insert(name, s.clone());
                s
            }
        };
        by_payer.insert(payer.trim().to_string(), settings);
    }
    Ok(by_payer)
}

/// Reads and resolves the config that governs `input_path` (the nearest `claimlint.toml`
/// above it), as `claimlint check` does with no flags. For tests and tools that check one file.
pub fn settings_for(input_path: &Path) -> Result<Resolved, ConfigError> {
    match find_config(input_path) {
        Some(path) => {
            let cfg = FileConfig::read(&path)?;
            resolve(Some((&path, &cfg)), &Flags::default())
        }
        None => resolve(None, &Flags::default()),
    }
}

/// NM109 of the first 2010BB (the first `NM1*PR` of the input: 2010BB comes before any 2330B).
/// Lexes only up to it; `None` for input that is not X12 or names no payer.
pub fn first_payer_id(input: &[u8]) -> Option<String> {
    let start = memchr::memmem::find(input, b"ISA")?;
    let rest = input.get(start..)?;
    let header = claimlint_x12::delims::IsaHeader::parse(rest)?;
    let delims = header.delims;
    claimlint_x12::lexer::Lexer::new(input, start + header.len, delims)
        .map(|raw| claimlint_x12::Segment::unindexed(raw.bytes, raw.offset, delims, 0))
        .find(|seg| seg.is(b"NM1") && seg.value(1) == b"PR")
        .map(|seg| String::from_utf8_lossy(seg.value(9)).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FileConfig, ConfigError> {
        FileConfig::parse(Path::new("claimlint.toml"), text)
    }

    fn level(s: &Settings, code: &str) -> Option<Severity> {
        s.severity(code)
    }

    #[test]
    fn built_in_profiles_resolve() {
        for name in BUILT_IN_PROFILES {
            let p = resolve_profile(name, None, "-", 0).unwrap();
            for (code, _) in &p.severity {
                assert!(matching(code).is_ok(), "{name}: {code}");
            }
        }
        let medicare = resolve_profile("medicare", None, "-", 0).unwrap();
        let p = &medicare.params;
        assert!(p.lists_for_prior_auth("64493") && p.lists_for_prior_auth("J0587"));
        assert!(!p.lists_for_prior_auth("J0897"));
        // Every built-in entry cites its source and limits itself to hospital outpatients.
        assert!(p.prior_auth.iter().all(|e| e.source.is_some()
            && e.bill_types == ["13"]
            && e.places_of_service == ["19", "22"]));
        let toxin = p.prior_auth.iter().find(|e| e.lists("J0585")).unwrap();
        assert!(toxin.with.iter().any(|r| r.contains("64612")));
    }

    #[test]
    fn precedence_file_then_profile_then_flags() {
        let cfg = parse("[severity]\nNDC001 = \"info\"\nSIT005 = \"info\"\n").unwrap();
        let file = Some((Path::new("claimlint.toml"), &cfg));
        let r = resolve(file, &Flags::default()).unwrap();
        assert_eq!(level(&r.default, "NDC001"), Some(Severity::Info));
        let flags = Flags {
            profile: Some("medicaid".into()),
            ..Flags::default()
        };
        let r = resolve(file, &flags).unwrap();
        assert_eq!(level(&r.default, "NDC001"), Some(Severity::Error)); // profile over file
        assert_eq!(level(&r.default, "SIT005"), Some(Severity::Info)); // the profile says nothing
        let flags = Flags {
            profile: Some("medicaid".into()),
            severity: vec!["NDC001=warning".into()],
            ..Flags::default()
        };
        let r = resolve(file, &flags).unwrap();
        assert_eq!(level(&r.default, "NDC001"), Some(Severity::Warning)); // flags over profile
    }

    #[test]
    fn select_extend_ignore() {
        let cfg =
            parse("select = [\"ENV\"]\nextend-select = [\"SYN001\"]\nignore = [\"ENV008\"]\n")
                .unwrap();
        let file = Some((Path::new("claimlint.toml"), &cfg));
        let r = resolve(file, &Flags::default()).unwrap();
        assert!(level(&r.default, "ENV001").is_some() && level(&r.default, "SYN001").is_some());
        assert!(level(&r.default, "ENV008").is_none() && level(&r.default, "NDC001").is_none());
        let flags = Flags {
            select: vec!["NDC".into()],
            ignore: vec!["NDC002".into()],
            ..Flags::default()
        };
        let r = resolve(file, &flags).unwrap();
        assert!(level(&r.default, "ENV001").is_none() && level(&r.default, "SYN001").is_none());
        assert!(level(&r.default, "NDC001").is_some() && level(&r.default, "NDC002").is_none());
    }

    #[test]
    fn user_profiles_extend_and_payers_choose() {
        let cfg = parse(
            r#"
            profile = "commercial"
            [payers]
            "00952" = "medicare"
            SKCO0 = "acme"
            [profiles.acme]
            extends = "medicaid"
            prior-auth = ["J0897", "J9035"]
            [profiles.acme.severity]
            PAY001 = "error"
            [profiles.acme.quantity-limits]
            J0897 = 120
            J1745 = { per-line = 10 }
            "#,
        )
        .unwrap();
        let r = resolve(Some((Path::new("claimlint.toml"), &cfg)), &Flags::default()).unwrap();
        assert_eq!(r.default.params.profile.as_deref(), Some("commercial"));
        let acme = &r.by_payer["SKCO0"];
        assert_eq!(level(acme, "NDC001"), Some(Severity::Error)); // from medicaid
        assert_eq!(level(acme, "PAY001"), Some(Severity::Error));
        assert!(acme.params.lists_for_prior_auth("J9035"));
        assert_eq!(
            acme.params.quantity_limits["J1745"],
            QuantityLimit {
                per_line: Some(Dec::from_int(10)),
                per_date: None
            }
        );
        let template = include_str!("../fixtures/templates/837p.x12");
        assert_eq!(
            first_payer_id(template.as_bytes()).as_deref(),
            Some("00952")
        );
        assert_eq!(
            r.for_input(template.as_bytes()).params.profile.as_deref(),
            Some("medicare")
        );
        // --profile wins over the payer map.
        let r = resolve(
            Some((Path::new("claimlint.toml"), &cfg)),
            &Flags {
                profile: Some("acme".into()),
                ..Flags::default()
            },
        )
        .unwrap();
        assert_eq!(
            r.for_input(template.as_bytes()).params.profile.as_deref(),
            Some("acme")
        );
    }

    #[test]
    fn user_prior_auth_entries_carry_conditions() {
        let cfg = parse(
            r#"
            [profiles.acme]
            prior-auth = [
                "J9035",
                { codes = ["J0585-J0588"], with = ["64612", "64615"], places-of-service = ["22"], bill-types = ["13x"], from = 2024-01-01, until = "20261231", category = "toxins", source = "Acme policy 12, 2024" },
            ]
            "#,
        )
        .unwrap();
        let r = resolve(
            Some((Path::new("claimlint.toml"), &cfg)),
            &Flags {
                profile: Some("acme".into()),
                ..Flags::default()
            },
        )
        .unwrap();
        let list = &r.default.params.prior_auth;
        assert_eq!(list.len(), 2);
        assert_eq!(
            list[0],
            PriorAuthEntry::codes(vec![CodeRange::parse("J9035").unwrap()])
        );
        let e = &list[1];
        assert!(e.lists("J0587") && e.with.len() == 2 && e.with[1].contains("64615"));
        assert_eq!(
            (e.bill_types.as_slice(), e.places_of_service.as_slice()),
            (&["13".to_string()][..], &["22".to_string()][..])
        );
        assert_eq!((e.from, e.until), (Some(20240101), Some(20261231)));
        assert_eq!(e.source.as_deref(), Some("Acme policy 12, 2024"));
        // A user's [profiles.medicare] adds to the built-in list.
        let cfg = parse("[profiles.medicare]\nprior-auth = [\"J0897\"]\n").unwrap();
        let m = resolve_profile("medicare", Some(&cfg), "-", 0).unwrap();
        assert!(m.params.lists_for_prior_auth("J0897") && m.params.lists_for_prior_auth("63650"));
    }

    #[test]
    fn bad_configs_name_the_key() {
        let msg = |text: &str| {
            let err = parse(text)
                .and_then(|c| {
                    resolve(Some((Path::new("claimlint.toml"), &c)), &Flags::default()).map(|_| ())
                })
                .unwrap_err();
            err.to_string()
        };
        assert!(msg("selct = [\"NDC\"]").contains("selct"));
        assert!(msg("[severity]\nNDC001 = \"loud\"").contains("loud"));
        assert!(msg("select = [\"NOPE123\"]").contains("NOPE123"));
        assert!(msg("[severity]\nNOPE123 = \"error\"").contains("NOPE123"));
        assert!(
            msg("[profiles.x]\nprior-auth = [\"J09-J0800\"]").contains("profiles.x.prior-auth")
        );
        assert!(
            msg("[profiles.x]\nquantity-limits = { J0897 = \"lots\" }")
                .contains("quantity-limits.J0897")
        );
        assert!(
            msg("[profiles.x]\nquantity-limits = { J0897 = { per-day = 3 } }")
                .contains("quantity-limits.J0897")
        );
        assert!(msg("[profiles.x]\npriorauth = []").contains("priorauth"));
        for (bad, says) in [
            ("{ codes = \"J0585\", wiht = [\"64612\"] }", "wiht"),
            ("{ with = [\"64612\"] }", "needs `codes`"),
            (
                "{ codes = \"J0585\", places-of-service = [\"office\"] }",
                "places-of-service",
            ),
            ("{ codes = \"J0585\", bill-types = [\"1\"] }", "bill-types"),
            ("{ codes = \"J0585\", from = \"July 2020\" }", "from"),
            ("{ codes = \"J0585\", with = [\"J09-J0800\"] }", "J09-J0800"),
        ] {
            let m = msg(&format!("[profiles.x]\nprior-auth = [{bad}]"));
            assert!(
                m.contains("profiles.x.prior-auth[0]") && m.contains(says),
                "{bad}: {m}"
            );
        }
        assert!(msg("[payers]\n\"00952\" = \"nobody\"").contains("payers.00952"));
        let m = msg("[payers]\n\"00952\" = \"medicare\"\njw-jz = \"medicare\"");
        assert!(
            m.contains("payers.jw-jz") && m.contains("above the [payers] header"),
            "{m}"
        );
        assert!(
            msg("[profiles.a]\nextends = \"b\"\n[profiles.b]\nextends = \"a\"").contains("loop")
        );
    }

    /// Issue 14: which claims MOD001/MOD006 judge, by file, profile and built-in profile.
    #[test]
    fn jw_jz_scope_by_profile() {
        let scope = |p: &str| resolve_profile(p, None, "-", 0).unwrap().jw_jz;
        assert_eq!(scope("medicare"), Some(JwJzScope::AllPayers));
        assert_eq!(scope("commercial"), Some(JwJzScope::AllPayers));
        // The medicaid profile keeps the default: Medicare claims only.
        assert_eq!(scope("medicaid"), None);
        let resolved = |text: &str, profile: Option<&str>| {
            let c = parse(text).unwrap();
            let flags = Flags {
                profile: profile.map(String::from),
                ..Flags::default()
            };
            resolve(Some((Path::new("claimlint.toml"), &c)), &flags)
                .unwrap()
                .default
                .params
                .jw_jz
        };
        assert_eq!(resolved("", None), JwJzScope::Medicare);
        assert_eq!(resolved("", Some("medicaid")), JwJzScope::Medicare);
        assert_eq!(
            resolved("jw-jz = \"all-payers\"", None),
            JwJzScope::AllPayers
        );
        assert_eq!(
            resolved("jw-jz = \"off\"", Some("medicaid")),
            JwJzScope::Off
        );
        // A profile's own setting wins over the file's; `extends` carries it.
        let text = "jw-jz = \"off\"\n[profiles.acme]\nextends = \"medicare\"\n[profiles.tpa]\njw-jz = \"all-payers\"";
        assert_eq!(resolved(text, Some("acme")), JwJzScope::AllPayers);
        assert_eq!(resolved(text, Some("tpa")), JwJzScope::AllPayers);
        assert_eq!(resolved(text, None), JwJzScope::Off);
        let err = |text: &str| {
            let c = parse(text).unwrap();
            resolve(Some((Path::new("claimlint.toml"), &c)), &Flags::default())
                .unwrap_err()
                .to_string()
        };
        assert!(err("jw-jz = \"sometimes\"").contains("jw-jz"));
        assert!(err("[profiles.x]\njw-jz = \"medicaid\"").contains("profiles.x.jw-jz"));
    }
}
