//! Reference tables for gen837. Every drug row is copied from the CMS ASP NDC-HCPCS crosswalk
//! for 2026Q1 (`shared/data/crosswalk/asp_ndc_hcpcs_2026Q1.csv`) and every diagnosis from the
//! ICD-10-CM April 2026 file (billable = Y), so that a clean generated claim is clean for
//! claimlint's reference data too. Rows were picked with `pkg_qty` = 1 (one vial or syringe per
//! NDC package, so "packages" is unambiguous), an integer `bill_units_pkg`, and a package that
//! stays under the CMS practitioner and outpatient MUE for the code (so UNT002 never trips).

/// How the drug is given decides the administration line that accompanies it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Route {
    /// Subcutaneous or intramuscular injection: CPT 96372.
    Injection,
    /// Chemotherapy / complex biologic IV infusion, first hour: CPT 96413.
    Chemo,
    /// Non-chemotherapy IV infusion, first hour: CPT 96365.
    Infusion,
}

pub struct Drug {
    pub hcpcs: &'static str,
    /// NDC in 11-digit 5-4-2 form without hyphens, exactly as in the crosswalk.
    pub ndc: &'static str,
    pub name: &'static str,
    /// Billable HCPCS units in one NDC package (crosswalk `bill_units_pkg`).
    pub units_per_pkg: u32,
    /// mL in one package when the drug is a solution reported in mL (CTP05 = ML); 0 when the
    /// NDC quantity is reported as packages (CTP05 = UN).
    pub ml_per_pkg: u32,
    /// Charge per billing unit, in cents (roughly ASP × a markup; only needs to be plausible).
    pub cents_per_unit: u64,
    pub route: Route,
    /// The billable ICD-10-CM code the drug is usually given for (no decimal point).
    pub dx: &'static str,
    /// CMS MUE for the code (practitioner and outpatient hospital agree for all of these).
    pub mue: u32,
}

#[expect(
    clippy::too_many_arguments,
    reason = "a table-row constructor: one argument per crosswalk column keeps rows on one line"
)]
const fn d(
    hcpcs: &'static str,
    ndc: &'static str,
    name: &'static str,
    units_per_pkg: u32,
    ml_per_pkg: u32,
    cents_per_unit: u64,
    route: Route,
    dx: &'static str,
    mue: u32,
) -> Drug {
    Drug {
        hcpcs,
        ndc,
        name,
        units_per_pkg,
        ml_per_pkg,
        cents_per_unit,
        route,
        dx,
        mue,
    }
}

use Route::{Chemo, Infusion, Injection};

/// All are single-dose vials or syringes, so CMS's JW/JZ policy applies to every one of them.
/// Columns: HCPCS, NDC11, drug, units/package, mL/package (0 = report packages), cents/unit,
/// route, diagnosis, MUE.
#[rustfmt::skip] // a table reads best one row per line
pub static DRUGS: &[Drug] = &[
    d("J0897", "55513071001", "Prolia",            60,  0,  2_750, Injection, "M810",    120),
    d("J0897", "55513073001", "Xgeva",            120,  0,  2_400, Injection, "C7951",   120),
    d("J9177", "51144002001", "Padcev",            80,  0,  3_100, Chemo,     "C679",    520),
    d("J9177", "51144003001", "Padcev",           120,  0,  3_100, Chemo,     "C679",    520),
    d("J9271", "00006302602", "Keytruda",         100,  4,  5_900, Chemo,     "C3490",   400),
    d("J9299", "00003377211", "Opdivo",            40,  4,  3_000, Chemo,     "C439",    480),
    d("J9299", "00003377412", "Opdivo",           100, 10,  3_000, Chemo,     "C3490",   480),
    d("J9035", "50242006101", "Avastin",           40, 16,  8_500, Chemo,     "C189",    230),
    d("J9312", "50242005121", "Rituxan",           10, 10,  9_800, Chemo,     "C8330",   150),
    d("J9355", "50242013201", "Herceptin",         15,  0, 11_000, Chemo,     "C50911",  120),
    d("J9022", "50242091701", "Tecentriq",        120, 20,  8_200, Chemo,     "C3490",   168),
    d("J9173", "00310461150", "Imfinzi",           50, 10,  8_700, Chemo,     "C3490",   150),
    d("J9228", "00003232711", "Yervoy",            50, 10, 17_000, Chemo,     "C439",   1100),
    d("J9306", "50242014501", "Perjeta",          420, 14,  1_400, Chemo,     "C50911",  840),
    d("J9145", "57894050520", "Darzalex",          40, 20,  5_500, Chemo,     "C9000",   240),
    d("J0129", "00003218713", "Orencia",           25,  0,  5_000, Infusion,  "M0579",   100),
    d("J1745", "57894003001", "Remicade",          10,  0,  9_000, Infusion,  "K5090",   150),
    d("J0881", "55513000601", "Aranesp",          200,  0,    500, Injection, "D631",    500),
    d("J3262", "50242013601", "Actemra",          200, 10,    450, Infusion,  "M0579",   800),
    d("J2350", "50242015001", "Ocrevus",          300, 10,  5_800, Infusion,  "G35A",    600),
    d("J1930", "15054112004", "Somatuline Depot", 120,  0,  6_000, Injection, "E3400",   120),
    d("Q5101", "61314031801", "Zarxio",           300,  0,    150, Injection, "D701",   1500),
];

/// Index of Prolia in [`DRUGS`]: the dose-interval pairs (XCL002) are denosumab 60 mg.
pub const PROLIA: usize = 0;

/// Principal diagnoses of visit-only claims. All have more than 3 characters so that the
/// icd10-invalid defect can always swap in the non-billable 3-character category header.
pub static VISIT_DX: &[&str] = &["E119", "E785", "M810", "D631", "Z79899"];
/// Secondary diagnoses (ABF / second HI composite).
pub static OTHER_DX: &[&str] = &["I10", "E119", "E785", "Z79899"];

pub struct Payer {
    pub name: &'static str,
    pub id: &'static str,
    /// SBR09 claim filing indicator for 837P and for 837I (Medicare is Part B vs Part A).
    pub filing_p: &'static str,
    pub filing_i: &'static str,
    /// Commercial plans carry a group number in SBR03; Medicare and Medicaid do not.
    pub group: bool,
}

pub static PAYERS: &[Payer] = &[
    Payer {
        name: "ACME HEALTH PLAN",
        id: "60054",
        filing_p: "CI",
        filing_i: "CI",
        group: true,
    },
    Payer {
        name: "GREAT LAKES MUTUAL",
        id: "87726",
        filing_p: "CI",
        filing_i: "CI",
        group: true,
    },
    Payer {
        name: "PINE STATE BLUE",
        id: "00590",
        filing_p: "BL",
        filing_i: "BL",
        group: true,
    },
    Payer {
        name: "MEDICARE",
        id: "12202",
        filing_p: "MB",
        filing_i: "MA",
        group: false,
    },
    Payer {
        name: "STATE MEDICAID",
        id: "77027",
        filing_p: "MC",
        filing_i: "MC",
        group: false,
    },
];

/// City, state, and the 9-digit ZIP+4 (SIT005 wants all nine digits on the billing provider).
pub static PLACES: &[(&str, &str, &str)] = &[
    ("SPRINGFIELD", "IL", "627011234"),
    ("COLUMBUS", "OH", "432152201"),
    ("MADISON", "WI", "537031507"),
    ("ALBANY", "NY", "122071003"),
    ("RALEIGH", "NC", "276011144"),
    ("SALEM", "OR", "973011209"),
    ("AUSTIN", "TX", "787012410"),
    ("DENVER", "CO", "802021316"),
    ("RICHMOND", "VA", "232191930"),
    ("BOISE", "ID", "837021245"),
    ("TRENTON", "NJ", "086081002"),
    ("LANSING", "MI", "489331715"),
];

pub static STREETS: &[&str] = &[
    "MAIN ST",
    "OAK AVE",
    "MAPLE DR",
    "CEDAR LN",
    "PARK BLVD",
    "LAKE RD",
    "HILL ST",
    "RIVER WAY",
    "ELM CT",
    "WASHINGTON AVE",
];

pub static LAST: &[&str] = &[
    "SMITH",
    "JOHNSON",
    "WILLIAMS",
    "BROWN",
    "JONES",
    "GARCIA",
    "MILLER",
    "DAVIS",
    "RODRIGUEZ",
    "MARTINEZ",
    "HERNANDEZ",
    "LOPEZ",
    "GONZALEZ",
    "WILSON",
    "ANDERSON",
    "THOMAS",
    "TAYLOR",
    "MOORE",
    "JACKSON",
    "MARTIN",
    "LEE",
    "PEREZ",
    "THOMPSON",
    "WHITE",
    "HARRIS",
    "SANCHEZ",
    "CLARK",
    "RAMIREZ",
    "LEWIS",
    "ROBINSON",
    "WALKER",
    "YOUNG",
];

pub static FIRST_F: &[&str] = &[
    "MARY",
    "PATRICIA",
    "JENNIFER",
    "LINDA",
    "ELIZABETH",
    "BARBARA",
    "SUSAN",
    "JESSICA",
    "KAREN",
    "NANCY",
    "BETTY",
    "HELEN",
    "SANDRA",
    "DONNA",
    "CAROL",
    "RUTH",
];

pub static FIRST_M: &[&str] = &[
    "JAMES",
    "ROBERT",
    "JOHN",
    "MICHAEL",
    "DAVID",
    "WILLIAM",
    "RICHARD",
    "JOSEPH",
    "THOMAS",
    "CHARLES",
    "CHRISTOPHER",
    "DANIEL",
    "MATTHEW",
    "ANTHONY",
    "MARK",
    "DONALD",
];

/// Billing organisations: "<CITY> <SUFFIX>".
pub static ORG_SUFFIX: &[&str] = &[
    "ONCOLOGY ASSOCIATES",
    "CANCER CENTER",
    "INFUSION CLINIC",
    "MEDICAL GROUP",
    "RHEUMATOLOGY PARTNERS",
    "COMMUNITY HOSPITAL",
];

/// Provider taxonomy codes (PRV03) for rendering / attending physicians.
pub static TAXONOMY: &[&str] = &["207RH0003X", "207R00000X", "207Q00000X", "207RR0500X"];
