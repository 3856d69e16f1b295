//! gen837: a deterministic generator of synthetic X12 837 claims for claimlint's benchmarks
//! and batch-audit tests.
//!
//! ```text
//! cargo run --release --example gen837 -- --size-mb 100 --out /tmp/big.837 --seed 42
//! cargo run --release --example gen837 -- --files 10000 --out-dir /tmp/small --file-kb 5
//! cargo run --release --example gen837 -- --size-mb 1 --out /tmp/d.837 --defect-rate 0.2 \
//!     --manifest /tmp/d.json
//! ```
//!
//! Output is well-formed 005010X222A1 (837P) and 005010X223A2 (837I): envelopes, counts and
//! control numbers match, CLM02 is the exact sum of the line charges, NPIs pass the Luhn check,
//! drug lines use real CMS crosswalk rows billed with the right HCPCS, units, NDC and JZ/JW.
//! With `--defect-rate r` each claim gets, with probability r, exactly one known defect, and
//! the manifest names the rule (RULES.md) that should catch it. The same flags always give
//! byte-identical output: everything random comes from ChaCha seeded by `--seed`.
//!
//! The output is streamed through a small buffer into a `BufWriter`, so a 1 GB file never sits
//! in memory; numbers are formatted by hand rather than with `format!` to keep the generator
//! well above the speed of the linter it feeds.

#[path = "gen837/data.rs"]
mod data;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Parser, ValueEnum};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use data::{DRUGS, Drug, PROLIA, Route};

#[derive(Parser, Debug)]
#[command(about = "Generate synthetic X12 005010 837P/837I claim files for claimlint")]
struct Args {
    /// Size of the single output file, in MB (10^6 bytes): claims stop at about that size,
    /// and the open transaction set, group and interchange are closed.
    #[arg(long, conflicts_with = "files", requires = "out")]
    size_mb: Option<f64>,
    /// Output file for --size-mb.
    #[arg(long)]
    out: Option<PathBuf>,
    /// PRNG seed: the same flags and seed give byte-identical output.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Professional (837P), institutional (837I), or a mix (one kind per functional group).
    #[arg(long, value_enum, default_value = "p")]
    kind: Kind,
    /// Probability per claim of injecting exactly one defect.
    #[arg(long, default_value_t = 0.0)]
    defect_rate: f64,
    /// Claims per ST/SE transaction set.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    claims_per_st: u32,
    /// Transaction sets per interchange of --size-mb (--kind p or i; one group each): 1000 is
    /// a clearinghouse batch's dozens of megabytes, a large number one interchange for the file.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    sets_per_interchange: u64,
    /// Write this many small files instead of one big one (needs --out-dir).
    #[arg(long, requires = "out_dir", value_parser = clap::value_parser!(u32).range(1..))]
    files: Option<u32>,
    /// Directory for --files (created if missing).
    #[arg(long)]
    out_dir: Option<PathBuf>,
    /// Approximate size of each small file, in KB (10^3 bytes).
    #[arg(long, default_value_t = 5)]
    file_kb: u32,
    /// Pairs of duplicate claims (same billing NPI, member id, HCPCS, date) to plant across
    /// different files (XCL001).
    #[arg(long, default_value_t = 0)]
    duplicates: u32,
    /// Pairs of denosumab 60 mg (Prolia) claims for one patient less than 150 days apart,
    /// across different files (XCL002).
    #[arg(long, default_value_t = 0)]
    dose_violations: u32,
    /// Write a JSON manifest of every injected defect and planted cross-claim pair.
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// Element, repetition, component separators and segment terminator, in that order.
    /// Escapes \n \r \t \\ are understood, e.g. --delims '|^>\n'.
    #[arg(long, default_value = "*^:~")]
    delims: String,
    /// Put a line break after every segment terminator (as many real files do).
    #[arg(long)]
    newline: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
enum Kind {
    P,
    I,
    Mixed,
}

/// The interchange date is fixed, not the wall clock, so output is reproducible; it is the end
/// of 2026Q1 so that every service date (2026-01-05..2026-03-28) precedes BHT04 (SIT004) and
/// falls in the crosswalk quarter compiled into claimlint.
const CREATED_CCYYMMDD: &str = "20260331";
const CREATED_YYMMDD: &str = "260331";
const CREATED_HHMM: &str = "0930";
/// A date of service after BHT04, for the service-date-invalid defect.
const FUTURE_DATE: &str = "20260415";
const FUTURE_DAY: u16 = u16::MAX;
const SENDER: &str = "CLAIMLINTGEN";
const RECEIVER: &str = "PAYERRECV";

// ---------------------------------------------------------------------------------------------
// Output: segments are built in a reusable Vec and flushed to a BufWriter in 64 KiB slices.

struct Out {
    buf: Vec<u8>,
    sink: BufWriter<File>,
    flushed: u64,
    el: u8,
    rep: u8,
    comp: u8,
    term: u8,
    newline: bool,
    /// Segments since the last ST, for SE01.
    segs: u32,
    /// The first write error; later writes are skipped and `finish` reports it. This keeps
    /// `?` out of every one of the hundreds of segment writes.
    err: Option<io::Error>,
}

impl Out {
    fn create(path: &Path, d: [u8; 4], newline: bool) -> io::Result<Out> {
        let file = File::create(path).map_err(|e| with_path(e, path))?;
        Ok(Out {
            buf: Vec::with_capacity(1 << 17),
            sink: BufWriter::with_capacity(1 << 20, file),
            flushed: 0,
            el: d[0],
            rep: d[1],
            comp: d[2],
            term: d[3],
            // A '\n' terminator already breaks lines.
            newline: newline && d[3] != b'\n',
            segs: 0,
            err: None,
        })
    }

    /// Bytes produced so far.
    fn pos(&self) -> u64 {
        self.flushed + self.buf.len() as u64
    }

    /// A whole segment of text elements, id first; "" is an empty element. Segments with
    /// numbers use the element-by-element calls below instead, to skip formatting to a String.
    #[inline]
    fn seg(&mut self, elements: &[&str]) {
        for (i, v) in elements.iter().enumerate() {
            if i > 0 {
                self.buf.push(self.el);
            }
            self.buf.extend_from_slice(v.as_bytes());
        }
        self.end();
    }

    /// Segment id.
    #[inline]
    fn s(&mut self, id: &str) {
        self.buf.extend_from_slice(id.as_bytes());
    }

    /// Element.
    #[inline]
    fn e(&mut self, v: &str) {
        self.buf.push(self.el);
        self.buf.extend_from_slice(v.as_bytes());
    }

    /// `k` empty elements.
    #[inline]
    fn skip(&mut self, k: usize) {
        for _ in 0..k {
            self.buf.push(self.el);
        }
    }

    /// Component (after the first one of a composite).
    #[inline]
    fn c(&mut self, v: &str) {
        self.buf.push(self.comp);
        self.buf.extend_from_slice(v.as_bytes());
    }

    /// Raw text inside the current element.
    #[inline]
    fn raw(&mut self, v: &str) {
        self.buf.extend_from_slice(v.as_bytes());
    }

    /// Integer element.
    #[inline]
    fn n(&mut self, v: u64) {
        self.buf.push(self.el);
        push_u64(&mut self.buf, v);
    }

    /// Zero-padded integer element.
    #[inline]
    fn np(&mut self, v: u64, width: usize) {
        self.buf.push(self.el);
        push_u64_pad(&mut self.buf, v, width);
    }

    /// Money element from integer cents, X12 R style: no trailing fractional zeros
    /// (12345 → "123.45", 12340 → "123.4", 12300 → "123").
    #[inline]
    fn money(&mut self, cents: u64) {
        self.buf.push(self.el);
        push_decimal(&mut self.buf, cents, 2);
    }

    /// Quantity element from thousandths (CTP04 may be a fraction of a vial in mL).
    #[inline]
    fn qty(&mut self, milli: u64) {
        self.buf.push(self.el);
        push_decimal(&mut self.buf, milli, 3);
    }

    /// Segment terminator; counts the segment and flushes now and then.
    #[inline]
    fn end(&mut self) {
        self.buf.push(self.term);
        if self.newline {
            self.buf.push(b'\n');
        }
        self.segs += 1;
        if self.buf.len() >= 1 << 16 {
            self.flush_buf();
        }
    }

    fn flush_buf(&mut self) {
        if self.err.is_none()
            && let Err(e) = self.sink.write_all(&self.buf)
        {
            self.err = Some(e);
        }
        self.flushed += self.buf.len() as u64;
        self.buf.clear();
    }

    fn finish(mut self) -> io::Result<u64> {
        self.flush_buf();
        if let Some(e) = self.err.take() {
            return Err(e);
        }
        self.sink.flush()?;
        Ok(self.flushed)
    }
}

/// io errors say nothing of the file; the user needs to know which one.
fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

fn push_u64(buf: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

fn push_u64_pad(buf: &mut Vec<u8>, v: u64, width: usize) {
    let start = buf.len();
    push_u64(buf, v);
    let digits = buf.len() - start;
    if digits < width {
        buf.splice(start..start, std::iter::repeat_n(b'0', width - digits));
    }
}

/// `v / 10^scale` written with the fractional part's trailing zeros dropped.
fn push_decimal(buf: &mut Vec<u8>, v: u64, scale: u32) {
    let unit = 10u64.pow(scale);
    push_u64(buf, v / unit);
    let mut frac = v % unit;
    if frac == 0 {
        return;
    }
    buf.push(b'.');
    let mut div = unit / 10;
    while frac != 0 {
        buf.push(b'0' + (frac / div) as u8);
        frac %= div;
        div /= 10;
    }
}

// ---------------------------------------------------------------------------------------------
// The claim model the generator fills in and then writes.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    /// E/M office visit 99213/99214.
    Visit,
    /// Administration of a drug (96372 / 96413 / 96365).
    Admin,
    /// The drug itself: HCPCS + 2410 LIN/CTP.
    Drug,
    /// The discarded amount of the drug on the line before, modifier JW.
    Waste,
}

#[derive(Clone, Debug)]
struct Line {
    role: Role,
    code: &'static str,
    /// Index into DRUGS for Drug and Waste lines.
    drug: usize,
    mods: [&'static str; 2],
    nmods: usize,
    units: u64,
    cents: u64,
    /// Index into the service-date table, or FUTURE_DAY.
    day: u16,
    /// SV107 diagnosis pointers (837P), 1-based.
    ptrs: [u8; 2],
    nptrs: usize,
    /// 2410 present (drug lines); CTP04 in thousandths and whether it is in mL or packages.
    lin: bool,
    ndc_qty_milli: u64,
    ndc_ml: bool,
    ndc_hyphens: bool,
    /// The Drug line of a JW pair (its discarded amount is on the next line).
    paired: bool,
}

impl Line {
    fn new(role: Role, code: &'static str, day: u16) -> Line {
        Line {
            role,
            code,
            drug: 0,
            mods: ["", ""],
            nmods: 0,
            units: 1,
            cents: 0,
            day,
            ptrs: [1, 0],
            nptrs: 1,
            lin: false,
            ndc_qty_milli: 0,
            ndc_ml: false,
            ndc_hyphens: false,
            paired: false,
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Patient {
    /// Member id = prefix + 10 digits; every generated patient is new (unique id) except the
    /// planted cross-claim pairs, so XCL001/XCL002 never trip by accident.
    id_prefix: &'static str,
    id: u64,
    last: &'static str,
    first: &'static str,
    middle: Option<&'static str>,
    female: bool,
    dob: [u8; 8],
    place: usize,
    street_no: u32,
    street: usize,
}

#[derive(Clone, Debug, Default)]
struct Claim {
    pcn_prefix: &'static str,
    pcn: u64,
    provider: usize,
    renderer: usize,
    payer: usize,
    group_no: u32,
    patient: Patient,
    dx: [&'static str; 4],
    ndx: usize,
    lines: Vec<Line>,
    // Defects applied while writing rather than by editing the model.
    charge_delta: u64,
    bad_npi: bool,
    lx_swap: bool,
    bad_hl: bool,
    /// Rules a linter may report besides the one the defect is built for (manifest "also").
    also: &'static [&'static str],
}

struct Provider {
    name: String,
    npi: String,
    ein: u32,
    place: usize,
    street_no: u32,
    street: usize,
}

struct Person {
    last: &'static str,
    first: &'static str,
    npi: String,
    /// The same NPI with its check digit off by one, for the npi-invalid defect.
    bad_npi: String,
    taxonomy: &'static str,
}

/// Providers and physicians are a fixed pool drawn once from the seed.
struct World {
    providers: Vec<Provider>,
    renderers: Vec<Person>,
    /// Service dates 2026-01-05..=2026-03-28 as CCYYMMDD.
    days: Vec<[u8; 8]>,
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, xs: &[T]) -> T {
    xs[rng.random_range(0..xs.len() as u32) as usize]
}

/// NPI check digit: Luhn over the 9 digits prefixed with 80840 (the card-issuer prefix the
/// NPI standard assigns), which is what CODE007 verifies.
fn npi_check_digit(d9: &[u8]) -> u8 {
    let mut sum = 0u32;
    // Walk right to left over "80840" + d9; the rightmost payload digit is doubled because the
    // check digit will sit to its right.
    let prefix: [u8; 5] = [8, 0, 8, 4, 0];
    for (i, &dg) in prefix.iter().chain(d9).rev().enumerate() {
        let mut v = u32::from(dg);
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    ((10 - sum % 10) % 10) as u8
}

/// A valid NPI, and the same with a wrong check digit.
fn gen_npi(rng: &mut ChaCha8Rng) -> (String, String) {
    let mut d = [0u8; 9];
    // Individual and organisation NPIs start with 1 or 2.
    d[0] = rng.random_range(1..=2u8);
    for x in d.iter_mut().skip(1) {
        *x = rng.random_range(0..=9u8);
    }
    let mut out = [0u8; 10];
    for (o, &x) in out.iter_mut().zip(d.iter()) {
        *o = b'0' + x;
    }
    let check = npi_check_digit(&d);
    out[9] = b'0' + check;
    let good = String::from_utf8_lossy(&out).into_owned();
    out[9] = b'0' + (check + 1) % 10;
    (good, String::from_utf8_lossy(&out).into_owned())
}

fn service_days() -> Vec<[u8; 8]> {
    // 2026-01-05..=2026-03-28: inside the 2026Q1 crosswalk quarter and before BHT04.
    let mut days = Vec::new();
    for (month, first, last) in [(1u8, 5u8, 31u8), (2, 1, 28), (3, 1, 28)] {
        for day in first..=last {
            let s = format!("2026{month:02}{day:02}");
            let mut b = [0u8; 8];
            b.copy_from_slice(s.as_bytes());
            days.push(b);
        }
    }
    days
}

impl World {
    fn new(seed: u64) -> World {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(1);
        let providers = (0..40)
            .map(|_| {
                let place = rng.random_range(0..data::PLACES.len() as u32) as usize;
                let name = format!(
                    "{} {}",
                    data::PLACES[place].0,
                    pick(&mut rng, data::ORG_SUFFIX)
                );
                Provider {
                    name,
                    npi: gen_npi(&mut rng).0,
                    ein: rng.random_range(100_000_000..=999_999_999u32),
                    place,
                    street_no: rng.random_range(1..=9999u32),
                    street: rng.random_range(0..data::STREETS.len() as u32) as usize,
                }
            })
            .collect();
        let renderers = (0..200)
            .map(|_| {
                let female = rng.random_bool(0.5);
                let last = pick(&mut rng, data::LAST);
                let first = pick(&mut rng, if female { data::FIRST_F } else { data::FIRST_M });
                let (npi, bad_npi) = gen_npi(&mut rng);
                Person {
                    last,
                    first,
                    npi,
                    bad_npi,
                    taxonomy: pick(&mut rng, data::TAXONOMY),
                }
            })
            .collect();
        World {
            providers,
            renderers,
            days: service_days(),
        }
    }

    fn date(&self, day: u16) -> &str {
        if day == FUTURE_DAY {
            return FUTURE_DATE;
        }
        // Days are ASCII digits built above.
        std::str::from_utf8(&self.days[usize::from(day)]).unwrap_or(FUTURE_DATE)
    }
}

fn gen_patient(rng: &mut ChaCha8Rng, prefix: &'static str, id: u64) -> Patient {
    let female = rng.random_bool(0.55);
    let year = rng.random_range(1938..=2004u32);
    let month = rng.random_range(1..=12u32);
    let day = rng.random_range(1..=28u32);
    let mut dob = [0u8; 8];
    let mut v = Vec::with_capacity(8);
    push_u64(&mut v, u64::from(year * 10_000 + month * 100 + day));
    dob.copy_from_slice(&v);
    Patient {
        id_prefix: prefix,
        id,
        last: pick(rng, data::LAST),
        first: pick(rng, if female { data::FIRST_F } else { data::FIRST_M }),
        middle: rng
            .random_bool(0.3)
            .then(|| pick(rng, &["A", "B", "C", "D", "E", "J", "L", "M", "R", "S"])),
        female,
        dob,
        place: rng.random_range(0..data::PLACES.len() as u32) as usize,
        street_no: rng.random_range(1..=9999u32),
        street: rng.random_range(0..data::STREETS.len() as u32) as usize,
    }
}

fn admin_code(route: Route) -> &'static str {
    match route {
        Route::Injection => "96372",
        Route::Chemo => "96413",
        Route::Infusion => "96365",
    }
}

fn admin_cents(rng: &mut ChaCha8Rng, route: Route) -> u64 {
    match route {
        Route::Injection => rng.random_range(2_500..=4_500u64),
        Route::Chemo => rng.random_range(18_000..=26_000u64),
        Route::Infusion => rng.random_range(12_000..=17_000u64),
    }
}

fn visit_line(rng: &mut ChaCha8Rng, day: u16, ndx: usize) -> Line {
    let level4 = rng.random_bool(0.4);
    let mut l = Line::new(Role::Visit, if level4 { "99214" } else { "99213" }, day);
    l.cents = if level4 {
        rng.random_range(16_000..=21_000u64)
    } else {
        rng.random_range(11_000..=14_000u64)
    };
    if ndx > 1 {
        l.ptrs = [1, 2];
        l.nptrs = 2;
    }
    l
}

fn add_dx(c: &mut Claim, code: &'static str) -> u8 {
    if let Some(i) = c.dx[..c.ndx].iter().position(|&x| x == code) {
        return (i + 1) as u8;
    }
    c.dx[c.ndx] = code;
    c.ndx += 1;
    c.ndx as u8
}

/// Administered units A of a package of `units` billing units and `ml` mL such that the mL of
/// both halves (A and units − A) are exact to 0.001 mL; `None` when the drug is reported in
/// packages, where a fraction of a vial would be an odd CTP04.
fn jw_split(rng: &mut ChaCha8Rng, drug: &Drug) -> Option<u64> {
    let units = u64::from(drug.units_per_pkg);
    let ml = u64::from(drug.ml_per_pkg);
    if ml == 0 || units < 4 {
        return None;
    }
    let mut a = rng.random_range(units / 2..units);
    while a > 0 && (a * ml * 1000) % units != 0 {
        a -= 1;
    }
    (a > 0).then_some(a)
}

/// Adds admin + drug (+ JW) lines for one drug on one day.
fn add_drug(rng: &mut ChaCha8Rng, c: &mut Claim, di: usize, day: u16, allow_jw: bool) {
    let drug = &DRUGS[di];
    let ptr = add_dx(c, drug.dx);
    let mut admin = Line::new(Role::Admin, admin_code(drug.route), day);
    admin.cents = admin_cents(rng, drug.route);
    admin.ptrs = [ptr, 0];
    c.lines.push(admin);

    let units = u64::from(drug.units_per_pkg);
    let ml = u64::from(drug.ml_per_pkg);
    let mut line = Line::new(Role::Drug, drug.hcpcs, day);
    line.drug = di;
    line.ptrs = [ptr, 0];
    line.lin = true;
    line.ndc_ml = ml > 0;
    let split = if allow_jw && rng.random_bool(0.2) {
        jw_split(rng, drug)
    } else {
        None
    };
    match split {
        Some(given) => {
            // CMS JW policy: the administered amount on one line, the discarded amount on a
            // second line with JW, and no JZ. Each line reports its own share of the vial's
            // mL in CTP04, so units and NDC quantity agree line by line and in total.
            line.units = given;
            line.cents = given * drug.cents_per_unit;
            line.ndc_qty_milli = given * ml * 1000 / units;
            line.paired = true;
            let waste = units - given;
            let mut jw = line.clone();
            jw.role = Role::Waste;
            jw.paired = false;
            jw.mods = ["JW", ""];
            jw.nmods = 1;
            jw.units = waste;
            jw.cents = waste * drug.cents_per_unit;
            jw.ndc_qty_milli = waste * ml * 1000 / units;
            c.lines.push(line);
            c.lines.push(jw);
        }
        None => {
            // The whole single-dose vial is given: JZ, one package (or its mL).
            line.units = units;
            line.cents = units * drug.cents_per_unit;
            line.mods = ["JZ", ""];
            line.nmods = 1;
            line.ndc_qty_milli = if ml > 0 { ml * 1000 } else { 1000 };
            c.lines.push(line);
        }
    }
}

fn new_claim_header(
    rng: &mut ChaCha8Rng,
    world: &World,
    c: &mut Claim,
    patient: Patient,
    provider: usize,
) {
    c.lines.clear();
    c.ndx = 0;
    c.charge_delta = 0;
    c.bad_npi = false;
    c.lx_swap = false;
    c.bad_hl = false;
    c.also = &[];
    c.patient = patient;
    c.provider = provider;
    c.renderer = rng.random_range(0..world.renderers.len() as u32) as usize;
    c.payer = rng.random_range(0..data::PAYERS.len() as u32) as usize;
    c.group_no = rng.random_range(10_000..=99_999u32);
}

fn add_other_dx(rng: &mut ChaCha8Rng, c: &mut Claim) {
    for _ in 0..rng.random_range(0..=2u32) {
        if c.ndx < c.dx.len() {
            add_dx(c, pick(rng, data::OTHER_DX));
        }
    }
}

/// A random claim: 70 % drug claims (one drug, sometimes two, with their administration and
/// often an office visit), 30 % office visits only.
fn fill_claim(
    rng: &mut ChaCha8Rng,
    world: &World,
    c: &mut Claim,
    patient: Patient,
    provider: usize,
) {
    new_claim_header(rng, world, c, patient, provider);
    let ndays = world.days.len() as u16;
    let base = rng.random_range(0..ndays);
    if rng.random_bool(0.7) {
        let d1 = rng.random_range(0..DRUGS.len() as u32) as usize;
        add_dx(c, DRUGS[d1].dx);
        let second = rng
            .random_bool(0.1)
            .then(|| rng.random_range(0..DRUGS.len() as u32) as usize);
        // Two lines of one HCPCS on one date would look like a duplicate or an MUE overrun.
        let second = second.filter(|&d2| DRUGS[d2].hcpcs != DRUGS[d1].hcpcs);
        if let Some(d2) = second {
            add_dx(c, DRUGS[d2].dx);
        }
        add_other_dx(rng, c);
        if rng.random_bool(0.5) {
            let v = visit_line(rng, base, c.ndx);
            c.lines.push(v);
        }
        add_drug(rng, c, d1, base, true);
        if let Some(d2) = second {
            let day = if rng.random_bool(0.5) {
                base
            } else {
                (base + rng.random_range(7..=21u16)).min(ndays - 1)
            };
            add_drug(rng, c, d2, day, true);
        }
    } else {
        add_dx(c, pick(rng, data::VISIT_DX));
        add_other_dx(rng, c);
        let v = visit_line(rng, base, c.ndx);
        c.lines.push(v);
        if rng.random_bool(0.25) {
            let day2 = (base + rng.random_range(14..=40u16)).min(ndays - 1);
            if day2 != base {
                let v = visit_line(rng, day2, c.ndx);
                c.lines.push(v);
            }
        }
    }
}

/// A clean Prolia claim: 96372 + J0897 60 units JZ, NDC 55513071001, one package.
fn prolia_claim(
    rng: &mut ChaCha8Rng,
    world: &World,
    patient: Patient,
    provider: usize,
    day: u16,
) -> Claim {
    let mut c = Claim::default();
    new_claim_header(rng, world, &mut c, patient, provider);
    add_dx(&mut c, DRUGS[PROLIA].dx);
    add_drug(rng, &mut c, PROLIA, day, false);
    c
}

// ---------------------------------------------------------------------------------------------
// Defects.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Defect {
    NdcHcpcsMismatch,
    UnitsDoseConfusion,
    NdcFormat,
    JwJzMissing,
    JwJzConflict,
    ChargeMismatch,
    NpiInvalid,
    LxSequence,
    SeCount,
    SeControl,
    DxPointer,
    IcdHeader,
    NdcMissing,
    UnitsInconsistent,
    ServiceDate,
    HlInvalid,
}

const ALL_DEFECTS: [Defect; 16] = [
    Defect::NdcHcpcsMismatch,
    Defect::UnitsDoseConfusion,
    Defect::NdcFormat,
    Defect::JwJzMissing,
    Defect::JwJzConflict,
    Defect::ChargeMismatch,
    Defect::NpiInvalid,
    Defect::LxSequence,
    Defect::SeCount,
    Defect::SeControl,
    Defect::DxPointer,
    Defect::IcdHeader,
    Defect::NdcMissing,
    Defect::UnitsInconsistent,
    Defect::ServiceDate,
    Defect::HlInvalid,
];

impl Defect {
    /// The defect's name: the RULES.md name of the rule that should catch it.
    fn name(self) -> &'static str {
        match self {
            Defect::NdcHcpcsMismatch => "ndc-hcpcs-mismatch",
            Defect::UnitsDoseConfusion => "units-dose-confusion",
            Defect::NdcFormat => "ndc-format",
            Defect::JwJzMissing => "jw-jz-missing",
            Defect::JwJzConflict => "jw-jz-conflict",
            Defect::ChargeMismatch => "claim-charge-mismatch",
            Defect::NpiInvalid => "npi-invalid",
            Defect::LxSequence => "lx-sequence",
            Defect::SeCount => "count-mismatch",
            Defect::SeControl => "control-number-mismatch",
            Defect::DxPointer => "diagnosis-pointer-invalid",
            Defect::IcdHeader => "icd10-invalid",
            Defect::NdcMissing => "ndc-missing",
            Defect::UnitsInconsistent => "units-inconsistent",
            Defect::ServiceDate => "service-date-invalid",
            Defect::HlInvalid => "hl-invalid",
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Defect::NdcHcpcsMismatch => "NDC004",
            Defect::UnitsDoseConfusion => "UNT003",
            Defect::NdcFormat => "NDC002",
            Defect::JwJzMissing => "MOD001",
            Defect::JwJzConflict => "MOD002",
            Defect::ChargeMismatch => "BAL001",
            Defect::NpiInvalid => "CODE007",
            Defect::LxSequence => "STR005",
            Defect::SeCount => "ENV003",
            Defect::SeControl => "ENV002",
            Defect::DxPointer => "SIT001",
            Defect::IcdHeader => "CODE003",
            Defect::NdcMissing => "NDC001",
            Defect::UnitsInconsistent => "NDC007",
            Defect::ServiceDate => "SIT004",
            Defect::HlInvalid => "STR001",
        }
    }
}

/// A drug line billed for a whole vial with JZ (not part of a JW pair): most drug defects
/// need one so that exactly one rule is at fault.
fn whole_vial_line(c: &Claim, pred: impl Fn(&Drug) -> bool) -> Option<usize> {
    c.lines
        .iter()
        .position(|l| l.role == Role::Drug && !l.paired && pred(&DRUGS[l.drug]))
}

/// A drug MOD001 judges: one whose single-dose rows in data/single_dose.tsv are verified
/// against a quoted source (issue 14). Of this table's drugs, only J0897's (Prolia, Xgeva) are
/// so far; the other rows wait for their labels to be checked.
fn judged_single_dose(d: &Drug) -> bool {
    d.hcpcs == "J0897"
}

fn applicable(d: Defect, c: &Claim, professional: bool, st_defect_free: bool) -> bool {
    match d {
        Defect::NdcHcpcsMismatch | Defect::NdcFormat | Defect::NdcMissing => {
            whole_vial_line(c, |_| true).is_some()
        }
        Defect::JwJzMissing => whole_vial_line(c, judged_single_dose).is_some(),
        // Units equal to the package count (or the mL) must differ from the right units.
        Defect::UnitsDoseConfusion => whole_vial_line(c, |d| {
            let wrong = if d.ml_per_pkg > 0 { d.ml_per_pkg } else { 1 };
            d.units_per_pkg != wrong
        })
        .is_some(),
        // Doubling CTP04 must move the units by more than the one-unit tolerance of NDC007.
        Defect::UnitsInconsistent => whole_vial_line(c, |d| d.units_per_pkg >= 2).is_some(),
        Defect::JwJzConflict => c.lines.iter().any(|l| l.paired),
        Defect::LxSequence => c.lines.len() >= 2,
        // SV107 pointers exist only in 837P.
        Defect::DxPointer => professional,
        Defect::SeCount | Defect::SeControl => st_defect_free,
        Defect::ChargeMismatch | Defect::NpiInvalid | Defect::IcdHeader => true,
        Defect::ServiceDate => c.lines.iter().any(|l| !l.paired && l.role != Role::Waste),
        Defect::HlInvalid => true,
    }
}

/// The HCPCS billed by mistake for a drug: J3486 (ziprasidone) for Prolia, the RULES.md
/// example, else the next table row with a different code whose MUE still allows the units,
/// so that NDC004 is the only rule at fault. Returns the code and the rules a linter may also
/// report (J3486's MUE is 4 units, so 60 units of it trip UNT002 too).
fn wrong_hcpcs(di: usize) -> (&'static str, &'static [&'static str]) {
    if di == PROLIA {
        return ("J3486", &["UNT002"]);
    }
    let right = &DRUGS[di];
    (1..DRUGS.len())
        .map(|k| &DRUGS[(di + k) % DRUGS.len()])
        .find(|d| d.hcpcs != right.hcpcs && d.mue >= right.units_per_pkg)
        .map_or(("J3486", &["UNT002"]), |d| (d.hcpcs, &[]))
}

/// Applies `d` to the model (or sets a flag the writer obeys); returns the LX01 of the line it
/// touched, and a short human description for the manifest.
fn apply_defect(
    rng: &mut ChaCha8Rng,
    c: &mut Claim,
    d: Defect,
    professional: bool,
) -> (Option<usize>, String) {
    match d {
        Defect::NdcHcpcsMismatch
        | Defect::UnitsDoseConfusion
        | Defect::NdcFormat
        | Defect::JwJzMissing
        | Defect::JwJzConflict
        | Defect::NdcMissing
        | Defect::UnitsInconsistent => apply_drug_defect(c, d),
        _ => apply_claim_defect(rng, c, d, professional),
    }
}

/// The defects of a drug line (code, units, NDC, modifiers).
fn apply_drug_defect(c: &mut Claim, d: Defect) -> (Option<usize>, String) {
    let lx = |i: usize| Some(i + 1);
    match d {
        Defect::NdcHcpcsMismatch => {
            let Some(i) = whole_vial_line(c, |_| true) else {
                return (None, String::new());
            };
            let l = &mut c.lines[i];
            let drug = &DRUGS[l.drug];
            let (code, also) = wrong_hcpcs(l.drug);
            l.code = code;
            c.also = also;
            let msg = format!(
                "NDC {} ({}) billed as {} instead of {}",
                drug.ndc, drug.name, l.code, drug.hcpcs
            );
            (lx(i), msg)
        }
        Defect::UnitsDoseConfusion => units_dose_confusion(c),
        Defect::NdcFormat => {
            let Some(i) = whole_vial_line(c, |_| true) else {
                return (None, String::new());
            };
            c.lines[i].ndc_hyphens = true;
            let n = DRUGS[c.lines[i].drug].ndc;
            (
                lx(i),
                format!("NDC written {}-{}-{}", &n[..5], &n[5..9], &n[9..]),
            )
        }
        Defect::JwJzMissing => {
            let Some(i) = whole_vial_line(c, judged_single_dose) else {
                return (None, String::new());
            };
            c.lines[i].nmods = 0;
            (lx(i), format!("{} without JZ or JW", c.lines[i].code))
        }
        Defect::JwJzConflict => {
            let Some(i) = c.lines.iter().position(|l| l.paired) else {
                return (None, String::new());
            };
            c.lines[i].mods = ["JZ", ""];
            c.lines[i].nmods = 1;
            (
                lx(i),
                format!("JZ on {} while the next line bills JW", c.lines[i].code),
            )
        }
        Defect::NdcMissing => {
            let Some(i) = whole_vial_line(c, |_| true) else {
                return (None, String::new());
            };
            c.lines[i].lin = false;
            (lx(i), format!("{} without 2410 LIN/CTP", c.lines[i].code))
        }
        Defect::UnitsInconsistent => {
            let Some(i) = whole_vial_line(c, |d| d.units_per_pkg >= 2) else {
                return (None, String::new());
            };
            c.lines[i].ndc_qty_milli *= 2;
            (lx(i), "CTP04 twice the package quantity".to_string())
        }
        _ => (None, String::new()),
    }
}

/// A whole-vial line billed with the package's mL (or package count) as units.
fn units_dose_confusion(c: &mut Claim) -> (Option<usize>, String) {
    let Some(i) = whole_vial_line(c, |d| {
        let wrong = if d.ml_per_pkg > 0 { d.ml_per_pkg } else { 1 };
        d.units_per_pkg != wrong
    }) else {
        return (None, String::new());
    };
    let l = &mut c.lines[i];
    let drug = &DRUGS[l.drug];
    let wrong = if drug.ml_per_pkg > 0 {
        u64::from(drug.ml_per_pkg)
    } else {
        1
    };
    l.units = wrong;
    let msg = format!(
        "{} {} billed with {} units (the {}) instead of {}",
        drug.hcpcs,
        drug.name,
        wrong,
        if drug.ml_per_pkg > 0 {
            "mL"
        } else {
            "package count"
        },
        drug.units_per_pkg
    );
    (Some(i + 1), msg)
}

/// The defects of a claim, its envelope or any line.
fn apply_claim_defect(
    rng: &mut ChaCha8Rng,
    c: &mut Claim,
    d: Defect,
    professional: bool,
) -> (Option<usize>, String) {
    let lx = |i: usize| Some(i + 1);
    match d {
        Defect::ChargeMismatch => {
            c.charge_delta = rng.random_range(1..=1_000u64);
            (
                None,
                format!("CLM02 {} cents above the line sum", c.charge_delta),
            )
        }
        Defect::NpiInvalid => {
            c.bad_npi = true;
            let who = if professional {
                "rendering (NM1*82)"
            } else {
                "attending (NM1*71)"
            };
            (None, format!("{who} NPI check digit off by one"))
        }
        Defect::LxSequence => {
            c.lx_swap = true;
            (lx(0), "LX01 of lines 1 and 2 swapped".to_string())
        }
        Defect::SeCount => (None, "SE01 one more than the segment count".to_string()),
        Defect::SeControl => (None, "SE02 differs from ST02".to_string()),
        Defect::DxPointer => {
            let i = rng.random_range(0..c.lines.len() as u32) as usize;
            c.lines[i].ptrs = [(c.ndx + 1) as u8, 0];
            c.lines[i].nptrs = 1;
            (
                lx(i),
                format!("SV107 points to {} of {} codes", c.ndx + 1, c.ndx),
            )
        }
        Defect::IcdHeader => {
            let full = c.dx[0];
            c.dx[0] = &full[..3];
            (
                None,
                format!(
                    "principal diagnosis {} (header) instead of {}",
                    c.dx[0], full
                ),
            )
        }
        Defect::ServiceDate => {
            // Not a line of a JW pair: moving half of the pair would also orphan the JW line.
            let free: Vec<usize> = (0..c.lines.len())
                .filter(|&i| !c.lines[i].paired && c.lines[i].role != Role::Waste)
                .collect();
            let Some(&i) = free.get(rng.random_range(0..free.len().max(1) as u32) as usize) else {
                return (None, String::new());
            };
            c.lines[i].day = FUTURE_DAY;
            (
                lx(i),
                format!("DTP*472 {FUTURE_DATE} after BHT04 {CREATED_CCYYMMDD}"),
            )
        }
        Defect::HlInvalid => {
            c.bad_hl = true;
            (None, "claim's HL02 names its own HL01".to_string())
        }
        _ => (None, String::new()),
    }
}

// ---------------------------------------------------------------------------------------------
// Manifest (hand-written JSON so the generator needs no serde).

struct Manifest {
    sink: Option<BufWriter<File>>,
    first: bool,
    tally: [u64; ALL_DEFECTS.len()],
    xcl_dup: u64,
    xcl_dose: u64,
    err: Option<io::Error>,
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Entry<'a> {
    file: &'a str,
    transaction: &'a str,
    claim_id: &'a str,
    kind: &'a str,
    rule: &'a str,
    line_number: Option<usize>,
    detail: &'a str,
    also: &'a [&'a str],
    related: Option<(&'a str, &'a str)>,
}

impl Manifest {
    fn new(path: Option<&Path>, args: &Args) -> io::Result<Manifest> {
        let mut sink = match path {
            Some(p) => Some(BufWriter::new(
                File::create(p).map_err(|e| with_path(e, p))?,
            )),
            None => None,
        };
        if let Some(w) = sink.as_mut() {
            let mut head = String::from("{\n  \"generator\": \"gen837\",\n  \"seed\": ");
            head.push_str(&args.seed.to_string());
            head.push_str(",\n  \"defect_rate\": ");
            head.push_str(&args.defect_rate.to_string());
            head.push_str(",\n  \"entries\": [");
            w.write_all(head.as_bytes())?;
        }
        Ok(Manifest {
            sink,
            first: true,
            tally: [0; ALL_DEFECTS.len()],
            xcl_dup: 0,
            xcl_dose: 0,
            err: None,
        })
    }

    fn add(&mut self, e: &Entry<'_>) {
        let Some(w) = self.sink.as_mut() else { return };
        let mut s = String::with_capacity(256);
        s.push_str(if self.first { "\n    {" } else { ",\n    {" });
        self.first = false;
        s.push_str("\"file\": ");
        json_str(&mut s, e.file);
        s.push_str(", \"transaction\": ");
        json_str(&mut s, e.transaction);
        s.push_str(", \"claim_id\": ");
        json_str(&mut s, e.claim_id);
        s.push_str(", \"kind\": ");
        json_str(&mut s, e.kind);
        s.push_str(", \"rule\": ");
        json_str(&mut s, e.rule);
        s.push_str(", \"line_number\": ");
        match e.line_number {
            Some(n) => s.push_str(&n.to_string()),
            None => s.push_str("null"),
        }
        s.push_str(", \"detail\": ");
        json_str(&mut s, e.detail);
        if !e.also.is_empty() {
            s.push_str(", \"also\": [");
            for (i, r) in e.also.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                json_str(&mut s, r);
            }
            s.push(']');
        }
        if let Some((file, claim)) = e.related {
            s.push_str(", \"related\": {\"file\": ");
            json_str(&mut s, file);
            s.push_str(", \"claim_id\": ");
            json_str(&mut s, claim);
            s.push('}');
        }
        s.push('}');
        if self.err.is_none()
            && let Err(err) = w.write_all(s.as_bytes())
        {
            self.err = Some(err);
        }
    }

    fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.err.take() {
            return Err(e);
        }
        let Some(mut w) = self.sink.take() else {
            return Ok(());
        };
        let mut s = String::from("\n  ],\n  \"tally\": {");
        let mut first = true;
        for (d, n) in ALL_DEFECTS.iter().zip(self.tally.iter()) {
            if *n > 0 {
                s.push_str(if first { "\n    " } else { ",\n    " });
                first = false;
                json_str(&mut s, d.name());
                s.push_str(&format!(": {n}"));
            }
        }
        for (name, n) in [
            ("duplicate-claim", self.xcl_dup),
            ("dose-interval", self.xcl_dose),
        ] {
            if n > 0 {
                s.push_str(if first { "\n    " } else { ",\n    " });
                first = false;
                json_str(&mut s, name);
                s.push_str(&format!(": {n}"));
            }
        }
        s.push_str("\n  }\n}\n");
        w.write_all(s.as_bytes())?;
        w.flush()
    }
}

// ---------------------------------------------------------------------------------------------
// Planted cross-claim pairs (XCL001 / XCL002), decided before any file is written so that each
// half can name its partner in the manifest.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Xcl {
    Duplicate,
    DoseInterval,
}

struct Planted {
    claim: Claim,
    kind: Xcl,
    partner_file: String,
    partner_pcn: String,
    /// Whether this half comes after its partner in a batch's order (files by path, then
    /// claims in file order): the copy XCL001 reports, its partner being the original.
    later: bool,
}

fn pcn_string(prefix: &str, n: u64) -> String {
    let mut b = Vec::with_capacity(12);
    b.extend_from_slice(prefix.as_bytes());
    push_u64_pad(&mut b, n, 10);
    String::from_utf8_lossy(&b).into_owned()
}

/// A drug claim that is not denosumab (two same-day doses would trip XCL002 too), to be
/// planted twice as a duplicate.
fn duplicate_claim(
    rng: &mut ChaCha8Rng,
    world: &World,
    patient: &Patient,
    provider: usize,
) -> Claim {
    let mut c = Claim::default();
    loop {
        fill_claim(rng, world, &mut c, patient.clone(), provider);
        let drug = c.lines.iter().any(|l| l.role == Role::Drug);
        let denosumab = c.lines.iter().any(|l| l.code == DRUGS[PROLIA].hcpcs);
        if drug && !denosumab {
            return c;
        }
    }
}

/// Plans the pairs. `units` is the number of files (multi-file mode) or `None` for one file,
/// where the unit is the transaction set index instead and pairs sit in consecutive STs.
fn plan(
    args: &Args,
    world: &World,
    units: Option<u32>,
    file_of: &dyn Fn(u32) -> String,
) -> BTreeMap<u32, Vec<Planted>> {
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    rng.set_stream(3);
    let mut plan: BTreeMap<u32, Vec<Planted>> = BTreeMap::new();
    let mut next_unit = 0u32;
    let mut pcn = 0u64;
    let mut member = 0u64;
    let mut place = |rng: &mut ChaCha8Rng| -> (u32, u32) {
        match units {
            // Two different files when there are two.
            Some(n) if n >= 2 => {
                let a = rng.random_range(0..n);
                let b = (a + rng.random_range(1..n)) % n;
                (a, b)
            }
            Some(_) => (0, 0),
            None => {
                next_unit += 2;
                (next_unit - 2, next_unit - 1)
            }
        }
    };
    let ndays = world.days.len() as u16;
    let total = args.duplicates + args.dose_violations;
    for k in 0..total {
        let (ua, ub) = place(&mut rng);
        member += 1;
        let patient = gen_patient(&mut rng, "P", member);
        let provider = rng.random_range(0..world.providers.len() as u32) as usize;
        let (mut a, mut b, kind) = if k < args.duplicates {
            // Same provider, patient, lines and dates; a different CLM01 as when a claim is
            // resubmitted as new instead of as a replacement.
            let c = duplicate_claim(&mut rng, world, &patient, provider);
            (c.clone(), c, Xcl::Duplicate)
        } else {
            // 28..60 days apart: well inside Prolia's 6-month interval, and different dates
            // so the pair is not a duplicate too. The second dose may come from another
            // practice.
            let d1 = rng.random_range(0..ndays - 60);
            let d2 = d1 + rng.random_range(28..=60u16);
            let other = rng.random_range(0..world.providers.len() as u32) as usize;
            let a = prolia_claim(&mut rng, world, patient.clone(), provider, d1);
            let b = prolia_claim(&mut rng, world, patient, other, d2);
            (a, b, Xcl::DoseInterval)
        };
        pcn += 1;
        a.pcn_prefix = "X";
        a.pcn = pcn;
        pcn += 1;
        b.pcn_prefix = "X";
        b.pcn = pcn;
        let (fa, fb) = (file_of(ua), file_of(ub));
        let (pa, pb) = (pcn_string("X", a.pcn), pcn_string("X", b.pcn));
        // In one unit, `a` is written first.
        let b_later = (&fa, ua) <= (&fb, ub);
        plan.entry(ua).or_default().push(Planted {
            claim: a,
            kind,
            partner_file: fb,
            partner_pcn: pb,
            later: !b_later,
        });
        plan.entry(ub).or_default().push(Planted {
            claim: b,
            kind,
            partner_file: fa,
            partner_pcn: pa,
            later: b_later,
        });
    }
    plan
}

// ---------------------------------------------------------------------------------------------
// The writer of envelopes, transaction sets and claims.

#[derive(Default)]
struct Stats {
    interchanges: u64,
    transactions: u64,
    claims: u64,
    lines: u64,
    drug_lines: u64,
}

struct Gen<'w> {
    world: &'w World,
    rng: ChaCha8Rng,
    /// Defect decisions use their own stream, so the claims themselves are the same at every
    /// defect rate (only the injected defects differ).
    drng: ChaCha8Rng,
    defect_rate: f64,
    claims_per_st: u32,
    claim_seq: u64,
    member_seq: u64,
    isa_seq: u64,
    gs_seq: u64,
    stats: Stats,
    manifest: Manifest,
    /// Reused between claims so its line Vec is allocated once.
    claim: Claim,
    /// The billing provider of the HL 20 block being written.
    current_provider: usize,
}

impl Gen<'_> {
    fn isa(&mut self, o: &mut Out) -> u64 {
        self.isa_seq += 1;
        self.stats.interchanges += 1;
        // ISA is fixed-width: 106 bytes with its terminator. ISA11 carries the repetition
        // separator and ISA16 the component separator, as 5010 requires.
        o.s("ISA");
        o.e("00");
        o.e("          ");
        o.e("00");
        o.e("          ");
        o.e("ZZ");
        o.e(&format!("{SENDER:<15}"));
        o.e("ZZ");
        o.e(&format!("{RECEIVER:<15}"));
        o.e(CREATED_YYMMDD);
        o.e(CREATED_HHMM);
        o.buf.push(o.el);
        o.buf.push(o.rep);
        o.e("00501");
        o.np(self.isa_seq, 9);
        o.e("0");
        o.e("T");
        o.buf.push(o.el);
        o.buf.push(o.comp);
        o.end();
        self.isa_seq
    }

    fn iea(&mut self, o: &mut Out, groups: u64, isa13: u64) {
        o.s("IEA");
        o.n(groups);
        o.np(isa13, 9);
        o.end();
    }

    fn gs(&mut self, o: &mut Out, professional: bool) -> u64 {
        self.gs_seq += 1;
        o.s("GS");
        o.e("HC");
        o.e(SENDER);
        o.e(RECEIVER);
        o.e(CREATED_CCYYMMDD);
        o.e(CREATED_HHMM);
        o.n(self.gs_seq);
        o.e("X");
        o.e(version(professional));
        o.end();
        self.gs_seq
    }

    fn ge(&mut self, o: &mut Out, sets: u64, gs06: u64) {
        o.s("GE");
        o.n(sets);
        o.n(gs06);
        o.end();
    }

    /// One ST..SE. Planted claims come first, each under its own billing provider HL, then
    /// random claims in blocks of 1..=10 per billing provider, until --claims-per-st or until
    /// the output reaches `byte_limit` (at least one claim). Returns true when the byte limit
    /// ended it.
    fn transaction(
        &mut self,
        o: &mut Out,
        file: &str,
        professional: bool,
        st02: u64,
        planted: Vec<Planted>,
        byte_limit: u64,
    ) -> bool {
        self.stats.transactions += 1;
        let st02s = {
            let mut b = Vec::new();
            push_u64_pad(&mut b, st02, 4);
            String::from_utf8_lossy(&b).into_owned()
        };
        self.write_header(o, &st02s, professional);
        let mut hl = 0u64;
        let mut st_defect: Option<Defect> = None;
        self.write_planted(o, file, &st02s, planted, &mut hl, professional);
        let mut written = 0u32;
        let mut block_left = 0u32;
        let mut parent = 0u64;
        let mut last_claim_bytes = 0u64;
        let mut full = false;
        while written < self.claims_per_st {
            // Stop when one more claim would overshoot by more than half its size: files end
            // up "about" the size asked for.
            if written > 0 && o.pos() + last_claim_bytes / 2 >= byte_limit {
                full = true;
                break;
            }
            if block_left == 0 {
                block_left = self.rng.random_range(1..=10u32);
                hl += 1;
                parent = hl;
                let prov = self.rng.random_range(0..self.world.providers.len() as u32) as usize;
                self.billing_provider(o, hl, prov, professional);
            }
            let start = o.pos();
            self.member_seq += 1;
            let patient = gen_patient(&mut self.rng, "M", self.member_seq);
            let mut c = std::mem::take(&mut self.claim);
            // The claim records its block's provider so a planted copy can reuse it.
            let prov = self.current_provider;
            fill_claim(&mut self.rng, self.world, &mut c, patient, prov);
            self.claim_seq += 1;
            c.pcn_prefix = "C";
            c.pcn = self.claim_seq;
            if self.defect_rate > 0.0 && self.drng.random_bool(self.defect_rate) {
                self.inject_defect(&mut c, file, &st02s, professional, &mut st_defect);
            }
            hl += 1;
            self.write_claim(o, &c, hl, parent, professional);
            self.claim = c;
            written += 1;
            block_left -= 1;
            last_claim_bytes = o.pos() - start;
        }

        write_se(o, st02, &st02s, st_defect);
        full
    }

    /// ST, BHT, 1000A submitter and 1000B receiver.
    fn write_header(&mut self, o: &mut Out, st02s: &str, professional: bool) {
        o.segs = 0;
        o.seg(&["ST", "837", st02s, version(professional)]);
        o.seg(&[
            "BHT",
            "0019",
            "00",
            &format!("B{}", self.stats.transactions),
            CREATED_CCYYMMDD,
            CREATED_HHMM,
            "CH",
        ]);
        // 1000A submitter, 1000B receiver.
        o.seg(&[
            "NM1",
            "41",
            "2",
            "CLAIMLINT SYNTHETIC SUBMITTER",
            "",
            "",
            "",
            "",
            "46",
            "CLGEN0001",
        ]);
        o.seg(&["PER", "IC", "DATA DESK", "TE", "5555550100"]);
        o.seg(&[
            "NM1",
            "40",
            "2",
            "SYNTHETIC PAYER GATEWAY",
            "",
            "",
            "",
            "",
            "46",
            "RCV00001",
        ]);
    }

    /// The planted cross-claim pairs (XCL001/XCL002), each under its own billing provider HL.
    fn write_planted(
        &mut self,
        o: &mut Out,
        file: &str,
        st02s: &str,
        planted: Vec<Planted>,
        hl: &mut u64,
        professional: bool,
    ) {
        for p in planted {
            *hl += 1;
            let parent = *hl;
            self.billing_provider(o, *hl, p.claim.provider, professional);
            *hl += 1;
            self.write_claim(o, &p.claim, *hl, parent, professional);
            let pcn = pcn_string(p.claim.pcn_prefix, p.claim.pcn);
            let (kind, rule) = match p.kind {
                // XCL001 reports the later copy of a pair only.
                Xcl::Duplicate if !p.later => continue,
                Xcl::Duplicate => {
                    self.manifest.xcl_dup += 1;
                    ("duplicate-claim", "XCL001")
                }
                Xcl::DoseInterval => {
                    self.manifest.xcl_dose += 1;
                    ("dose-interval", "XCL002")
                }
            };
            self.manifest.add(&Entry {
                file,
                transaction: st02s,
                claim_id: &pcn,
                kind,
                rule,
                line_number: None,
                detail: if p.kind == Xcl::Duplicate {
                    "same billing NPI, member id, HCPCS and date as the related claim"
                } else {
                    "denosumab 60 mg (Prolia) for the same patient < 150 days from the related claim"
                },
                also: &[],
                related: Some((&p.partner_file, &p.partner_pcn)),
            });
        }
    }

    /// Injects one defect applicable to `c` and records it in the manifest.
    fn inject_defect(
        &mut self,
        c: &mut Claim,
        file: &str,
        st02s: &str,
        professional: bool,
        st_defect: &mut Option<Defect>,
    ) {
        let cands: Vec<Defect> = ALL_DEFECTS
            .iter()
            .copied()
            .filter(|&d| applicable(d, c, professional, st_defect.is_none()))
            .collect();
        let d = cands[self.drng.random_range(0..cands.len() as u32) as usize];
        let (line_number, detail) = apply_defect(&mut self.drng, c, d, professional);
        if matches!(d, Defect::SeCount | Defect::SeControl) {
            *st_defect = Some(d);
        }
        let idx = ALL_DEFECTS.iter().position(|&x| x == d).unwrap_or(0);
        self.manifest.tally[idx] += 1;
        let pcn = pcn_string(c.pcn_prefix, c.pcn);
        self.manifest.add(&Entry {
            file,
            transaction: st02s,
            claim_id: &pcn,
            kind: d.name(),
            rule: d.rule(),
            line_number,
            detail: &detail,
            also: c.also,
            related: None,
        });
    }

    fn billing_provider(&mut self, o: &mut Out, hl: u64, prov: usize, professional: bool) {
        self.current_provider = prov;
        let p = &self.world.providers[prov];
        o.s("HL");
        o.n(hl);
        o.skip(1);
        o.e("20");
        o.e("1");
        o.end();
        if !professional {
            // 2000A PRV: billing provider taxonomy (general acute care hospital).
            o.seg(&["PRV", "BI", "PXC", "282N00000X"]);
        }
        o.seg(&["NM1", "85", "2", &p.name, "", "", "", "", "XX", &p.npi]);
        let (city, state, zip) = data::PLACES[p.place];
        o.s("N3");
        o.n(u64::from(p.street_no));
        o.raw(" ");
        o.raw(data::STREETS[p.street]);
        o.end();
        o.seg(&["N4", city, state, zip]);
        o.s("REF");
        o.e("EI");
        o.n(u64::from(p.ein));
        o.end();
    }

    fn write_claim(&mut self, o: &mut Out, c: &Claim, hl: u64, parent: u64, professional: bool) {
        self.stats.claims += 1;
        self.write_subscriber(o, c, hl, parent, professional);
        self.write_clm(o, c, professional);
        self.write_renderer(o, c, professional);
        // 2400 service lines.
        for (i, l) in c.lines.iter().enumerate() {
            self.write_line(o, c, i, l, professional);
        }
    }

    /// 2000B subscriber HL, SBR, 2010BA subscriber and 2010BB payer.
    fn write_subscriber(&self, o: &mut Out, c: &Claim, hl: u64, parent: u64, professional: bool) {
        // 2000B subscriber HL; the patient is the subscriber (SBR02 = 18), so no 2000C.
        o.s("HL");
        o.n(hl);
        o.n(if c.bad_hl { hl } else { parent });
        o.e("22");
        o.e("0");
        o.end();
        let payer = &data::PAYERS[c.payer];
        o.s("SBR");
        o.e("P");
        o.e("18");
        if payer.group {
            o.buf.push(o.el);
            o.raw("GRP");
            push_u64(&mut o.buf, u64::from(c.group_no));
        } else {
            o.skip(1);
        }
        o.skip(5);
        o.e(if professional {
            payer.filing_p
        } else {
            payer.filing_i
        });
        o.end();
        // 2010BA subscriber.
        let pt = &c.patient;
        o.s("NM1");
        o.e("IL");
        o.e("1");
        o.e(pt.last);
        o.e(pt.first);
        match pt.middle {
            Some(m) => o.e(m),
            None => o.skip(1),
        }
        o.skip(2);
        o.e("MI");
        o.buf.push(o.el);
        o.raw(pt.id_prefix);
        push_u64_pad(&mut o.buf, pt.id, 10);
        o.end();
        let (city, state, zip) = data::PLACES[pt.place];
        o.s("N3");
        o.n(u64::from(pt.street_no));
        o.raw(" ");
        o.raw(data::STREETS[pt.street]);
        o.end();
        o.seg(&["N4", city, state, zip]);
        o.s("DMG");
        o.e("D8");
        o.buf.push(o.el);
        o.buf.extend_from_slice(&pt.dob);
        o.e(if pt.female { "F" } else { "M" });
        o.end();
        // 2010BB payer.
        o.seg(&["NM1", "PR", "2", payer.name, "", "", "", "", "PI", payer.id]);
    }

    /// 2300: CLM, the statement period and CL1 (837I), and the diagnoses.
    fn write_clm(&self, o: &mut Out, c: &Claim, professional: bool) {
        let w = self.world;
        // 2300 claim. CLM02 is summed in integer cents: exact, as BAL001 compares.
        let total: u64 = c.lines.iter().map(|l| l.cents).sum::<u64>() + c.charge_delta;
        o.s("CLM");
        o.buf.push(o.el);
        o.raw(c.pcn_prefix);
        push_u64_pad(&mut o.buf, c.pcn, 10);
        o.money(total);
        o.skip(2);
        if professional {
            // Place of service 11 (office), B = professional qualifier, frequency 1 (original).
            o.e("11");
            o.c("B");
            o.c("1");
            o.e("Y");
        } else {
            // Bill type 13x (hospital outpatient), A = institutional qualifier; CLM06 is not
            // used in 837I.
            o.e("13");
            o.c("A");
            o.c("1");
            o.skip(1);
        }
        o.e("A");
        o.e("Y");
        o.e("Y");
        o.end();
        if !professional {
            // Statement period covers every line date (SIT004 compares them).
            let mut lo = u16::MAX;
            let mut hi = 0u16;
            for l in c.lines.iter().filter(|l| l.day != FUTURE_DAY) {
                lo = lo.min(l.day);
                hi = hi.max(l.day);
            }
            if lo == u16::MAX {
                lo = 0;
                hi = 0;
            }
            o.s("DTP");
            o.e("434");
            o.e("RD8");
            o.e(w.date(lo));
            o.raw("-");
            o.raw(w.date(hi));
            o.end();
            // Admission type 3 (elective), patient status 01 (discharged home).
            o.seg(&["CL1", "3", "", "01"]);
        }
        // Diagnoses: 837P one HI with ABK then ABF; 837I principal ABK, then ABF others.
        o.s("HI");
        o.e("ABK");
        o.c(c.dx[0]);
        if professional {
            for dx in &c.dx[1..c.ndx] {
                o.e("ABF");
                o.c(dx);
            }
            o.end();
        } else {
            o.end();
            if c.ndx > 1 {
                o.s("HI");
                for dx in &c.dx[1..c.ndx] {
                    o.e("ABF");
                    o.c(dx);
                }
                o.end();
            }
        }
    }

    /// 2310B rendering (837P) / 2310A attending (837I) physician.
    fn write_renderer(&self, o: &mut Out, c: &Claim, professional: bool) {
        let w = self.world;
        // 2310B rendering (837P) / 2310A attending (837I) physician.
        let r = &w.renderers[c.renderer];
        let npi = if c.bad_npi { &r.bad_npi } else { &r.npi };
        o.seg(&[
            "NM1",
            if professional { "82" } else { "71" },
            "1",
            r.last,
            r.first,
            "",
            "",
            "",
            "XX",
            npi,
        ]);
        o.seg(&[
            "PRV",
            if professional { "PE" } else { "AT" },
            "PXC",
            r.taxonomy,
        ]);
    }

    /// One 2400 service line, with its 2410 LIN/CTP when it is a drug line.
    fn write_line(&mut self, o: &mut Out, c: &Claim, i: usize, l: &Line, professional: bool) {
        let w = self.world;
        self.stats.lines += 1;
        let lx = if c.lx_swap && i < 2 { 2 - i } else { i + 1 };
        o.s("LX");
        o.n(lx as u64);
        o.end();
        if professional {
            o.s("SV1");
            o.e("HC");
        } else {
            o.s("SV2");
            o.e(revenue_code(l));
            o.e("HC");
        }
        o.c(l.code);
        for m in &l.mods[..l.nmods] {
            o.c(m);
        }
        o.money(l.cents);
        o.e("UN");
        o.n(l.units);
        if professional {
            o.skip(2);
            o.n(u64::from(l.ptrs[0]));
            if l.nptrs > 1 {
                o.buf.push(o.comp);
                push_u64(&mut o.buf, u64::from(l.ptrs[1]));
            }
        }
        o.end();
        o.seg(&["DTP", "472", "D8", w.date(l.day)]);
        if l.lin {
            self.stats.drug_lines += 1;
            let ndc = DRUGS[l.drug].ndc;
            o.s("LIN");
            o.skip(1);
            o.e("N4");
            if l.ndc_hyphens {
                o.e(&ndc[..5]);
                o.raw("-");
                o.raw(&ndc[5..9]);
                o.raw("-");
                o.raw(&ndc[9..]);
            } else {
                o.e(ndc);
            }
            o.end();
            o.s("CTP");
            o.skip(3);
            o.qty(l.ndc_qty_milli);
            o.e(if l.ndc_ml { "ML" } else { "UN" });
            o.end();
        }
    }
}

/// SE: SE01 counts ST through SE inclusive (one more with the SE01 defect); SE02 is ST02 (or
/// the next number with the SE02 defect).
fn write_se(o: &mut Out, st02: u64, st02s: &str, st_defect: Option<Defect>) {
    let count = u64::from(o.segs) + 1 + u64::from(st_defect == Some(Defect::SeCount));
    o.s("SE");
    o.n(count);
    if st_defect == Some(Defect::SeControl) {
        o.np(st02 + 1, 4);
    } else {
        o.e(st02s);
    }
    o.end();
}

fn version(professional: bool) -> &'static str {
    if professional {
        "005010X222A1"
    } else {
        "005010X223A2"
    }
}

/// 837I revenue codes: 0636 drugs requiring detailed coding, 0510 clinic, 0335 chemotherapy
/// IV, 0260 IV therapy, 0761 treatment room (injections).
fn revenue_code(l: &Line) -> &'static str {
    match l.role {
        Role::Drug | Role::Waste => "0636",
        Role::Visit => "0510",
        Role::Admin => match l.code {
            "96413" => "0335",
            "96365" => "0260",
            _ => "0761",
        },
    }
}

fn parse_delims(s: &str) -> Result<[u8; 4], String> {
    let mut out = Vec::new();
    let mut chars = s.chars();
    while let Some(ch) = chars.next() {
        let ch = if ch == '\\' {
            match chars.next() {
                Some('n') => '\n',
                Some('r') => '\r',
                Some('t') => '\t',
                Some('\\') => '\\',
                other => return Err(format!("unknown escape \\{}", other.unwrap_or(' '))),
            }
        } else {
            ch
        };
        if !ch.is_ascii() {
            return Err(format!("delimiter {ch:?} is not ASCII"));
        }
        out.push(ch as u8);
    }
    let d: [u8; 4] = out.try_into().map_err(|_| {
        "--delims needs exactly 4 characters: element, repetition, component, segment".to_string()
    })?;
    for (i, &b) in d.iter().enumerate() {
        // Letters, digits, space, '.', '-' occur in the data (names, amounts, RD8 ranges).
        if b.is_ascii_alphanumeric() || b == b' ' || b == b'.' || b == b'-' {
            return Err(format!("delimiter {:?} also occurs in data", b as char));
        }
        if d[..i].contains(&b) {
            return Err(format!("delimiter {:?} is used twice", b as char));
        }
    }
    Ok(d)
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen837: {e}");
            // 2 as clap uses for bad flags: the run did not produce its output.
            std::process::ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let delims = parse_delims(&args.delims)?;
    if !(0.0..=1.0).contains(&args.defect_rate) {
        return Err("--defect-rate must be between 0 and 1".into());
    }
    let world = World::new(args.seed);
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    rng.set_stream(0);
    let mut drng = ChaCha8Rng::seed_from_u64(args.seed);
    drng.set_stream(2);
    let mut g = Gen {
        world: &world,
        rng,
        drng,
        defect_rate: args.defect_rate,
        claims_per_st: args.claims_per_st,
        claim_seq: 0,
        member_seq: 0,
        isa_seq: 0,
        gs_seq: 0,
        stats: Stats::default(),
        manifest: Manifest::new(args.manifest.as_deref(), args)?,
        claim: Claim::default(),
        current_provider: 0,
    };
    let (nfiles, bytes) = match args.files {
        Some(nf) => (
            u64::from(nf),
            write_files(&mut g, args, &world, delims, nf)?,
        ),
        None => (1, write_one(&mut g, args, &world, delims)?),
    };
    report(&g, args, nfiles, bytes, started.elapsed().as_secs_f64());
    g.manifest.finish()?;
    Ok(())
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// `--files N`: N small files of about `--file-kb` each; returns the bytes written.
fn write_files(g: &mut Gen<'_>, args: &Args, world: &World, delims: [u8; 4], nf: u32) -> Res<u64> {
    let mut bytes = 0u64;
    let dir = args.out_dir.clone().ok_or("--files needs --out-dir")?;
    fs::create_dir_all(&dir).map_err(|e| with_path(e, &dir))?;
    let width = nf.to_string().len().max(5);
    let name = |i: u32| dir.join(format!("claims-{:0width$}.837", i + 1));
    let file_of = |i: u32| name(i).display().to_string();
    let mut planned = plan(args, world, Some(nf), &file_of);
    let target = u64::from(args.file_kb) * 1000;
    for f in 0..nf {
        let path = name(f);
        let file = path.display().to_string();
        let mut o = Out::create(&path, delims, args.newline)?;
        let professional = match args.kind {
            Kind::P => true,
            Kind::I => false,
            Kind::Mixed => g.rng.random_bool(0.5),
        };
        let isa13 = g.isa(&mut o);
        let gs06 = g.gs(&mut o, professional);
        let mut sets = 0u64;
        let mut plant = planned.remove(&f).unwrap_or_default();
        loop {
            sets += 1;
            // 60 bytes are kept for SE, GE and IEA.
            let full = g.transaction(
                &mut o,
                &file,
                professional,
                sets,
                std::mem::take(&mut plant),
                target.saturating_sub(60),
            );
            // Another ST only when the claims-per-ST cap, not the size, ended this one.
            if full || o.pos() + 60 >= target {
                break;
            }
        }
        g.ge(&mut o, sets, gs06);
        g.iea(&mut o, 1, isa13);
        bytes += o.finish()?;
    }
    Ok(bytes)
}

/// `--size-mb` into `--out`: one file of about that size; returns the bytes written.
fn write_one(g: &mut Gen<'_>, args: &Args, world: &World, delims: [u8; 4]) -> Res<u64> {
    let out = args.out.clone().ok_or("--size-mb needs --out")?;
    let size_mb = args
        .size_mb
        .ok_or("give --size-mb with --out, or --files")?;
    let target = (size_mb * 1e6) as u64;
    let file = out.display().to_string();
    let file_of = |_: u32| file.clone();
    let mut planned = plan(args, world, None, &file_of);
    let last_unit = planned.keys().next_back().copied();
    let mut o = Out::create(&out, delims, args.newline)?;
    let mut unit = 0u32;
    let mut full = false;
    let planted_done = |unit: u32| last_unit.is_none_or(|u| unit > u);
    // One interchange holds up to 1000 transaction sets (--sets-per-interchange: so a 1 GB
    // file has a dozen or so interchanges, as a clearinghouse batch would). --kind mixed puts 3 groups in each,
    // each of one kind, with 1..=20 sets, since GS08 names one guide per group.
    'outer: loop {
        let isa13 = g.isa(&mut o);
        let groups = if args.kind == Kind::Mixed { 3 } else { 1 };
        let mut ngroups = 0u64;
        for _ in 0..groups {
            let professional = match args.kind {
                Kind::P => true,
                Kind::I => false,
                Kind::Mixed => g.rng.random_bool(0.5),
            };
            let sets_max = if args.kind == Kind::Mixed {
                g.rng.random_range(1..=20u64)
            } else {
                args.sets_per_interchange
            };
            let gs06 = g.gs(&mut o, professional);
            ngroups += 1;
            let mut sets = 0u64;
            while sets < sets_max {
                sets += 1;
                let plant = planned.remove(&unit).unwrap_or_default();
                full |= g.transaction(&mut o, &file, professional, sets, plant, target);
                unit += 1;
                if (full || o.pos() >= target) && planted_done(unit) {
                    break;
                }
            }
            g.ge(&mut o, sets, gs06);
            if (full || o.pos() >= target) && planted_done(unit) {
                g.iea(&mut o, ngroups, isa13);
                break 'outer;
            }
        }
        g.iea(&mut o, ngroups, isa13);
    }
    Ok(o.finish()?)
}

/// What was generated, on standard error.
fn report(g: &Gen<'_>, args: &Args, nfiles: u64, bytes: u64, secs: f64) {
    let s = &g.stats;
    eprintln!(
        "gen837: {} file(s), {:.1} MB, {} interchange(s), {} transaction set(s), {} claims, {} lines ({} with NDC) in {:.2} s ({:.0} MB/s)",
        nfiles,
        bytes as f64 / 1e6,
        s.interchanges,
        s.transactions,
        s.claims,
        s.lines,
        s.drug_lines,
        secs,
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
    let injected: u64 = g.manifest.tally.iter().sum();
    eprintln!(
        "gen837: defects injected: {injected} (rate {})",
        args.defect_rate
    );
    for (d, n) in ALL_DEFECTS.iter().zip(g.manifest.tally.iter()) {
        if *n > 0 {
            eprintln!("  {:<28} {:<8} {n}", d.name(), d.rule());
        }
    }
    if g.manifest.xcl_dup + g.manifest.xcl_dose > 0 {
        eprintln!(
            "gen837: planted {} duplicate-claim (XCL001) and {} dose-interval (XCL002) claims",
            g.manifest.xcl_dup, g.manifest.xcl_dose
        );
    }
}
