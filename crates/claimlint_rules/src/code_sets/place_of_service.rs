use crate::syntax::report_at;
use crate::{Ctx, declare_rule};
use claimlint_model::{Claim, Date, Kind};
use claimlint_x12::Element;

declare_rule! {
    /// ## What it does
    /// Checks the place of service of an 837P claim (CLM05-1) and of its lines (SV105)
    /// against the CMS Place of Service code set, keyed by date of service: codes added
    /// recently (02, 10, 19, 27, 58) are valid only from their effective date. The list is
    /// kept in this file (`POS`), with the date each code took effect where it is recent.
    /// ## Why it matters
    /// Medicare and most payers price professional services by place of service; an unknown
    /// code is returned as unprocessable (CARC 16 / RARC M77, missing/incomplete/invalid
    /// place of service).
    /// ## Example
    /// `CLM*PAT1001-01*2460***35:B:1*Y*A*Y*Y~` (35 is not assigned)
    /// ## Fix
    /// Use the code of the setting, e.g. `11` (office): `CLM*PAT1001-01*2460***11:B:1*Y*A*Y*Y~`.
    code: CODE005, name: "place-of-service-invalid", severity: Error, snip: 5,
    x999: Never,
    check: Claim(place_of_service),
}

/// CMS Place of Service Code Set (cms.gov, "Place of Service Codes for Professional Claims",
/// as of 2025): code, and the first date of service it is valid for (0 = long established).
/// Unassigned: 28–30, 35–40, 43–48, 59, 63–64, 67–70, 73–80, 82–98.
/// Dates: 19 and 02 from CR 9231/9726 (2016-01-01, 2017-01-01), 58 from CR 11353
/// (2020-01-01), 10 from CR 12427 (2022-01-01), 27 from CR 13314 (2023-10-01).
const POS: &[(&str, u32)] = &[
    ("01", 0),
    ("02", 20170101),
    ("03", 0),
    ("04", 0),
    ("05", 0),
    ("06", 0),
    ("07", 0),
    ("08", 0),
    ("09", 0),
    ("10", 20220101),
    ("11", 0),
    ("12", 0),
    ("13", 0),
    ("14", 0),
    ("15", 0),
    ("16", 0),
    ("17", 0),
    ("18", 0),
    ("19", 20160101),
    ("20", 0),
    ("21", 0),
    ("22", 0),
    ("23", 0),
    ("24", 0),
    ("25", 0),
    ("26", 0),
    ("27", 20231001),
    ("31", 0),
    ("32", 0),
    ("33", 0),
    ("34", 0),
    ("41", 0),
    ("42", 0),
    ("49", 0),
    ("50", 0),
    ("51", 0),
    ("52", 0),
    ("53", 0),
    ("54", 0),
    ("55", 0),
    ("56", 0),
    ("57", 0),
    ("58", 20200101),
    ("60", 0),
    ("61", 0),
    ("62", 0),
    ("65", 0),
    ("66", 0),
    ("71", 0),
    ("72", 0),
    ("81", 0),
    ("99", 0),
];

/// `None` when the code is valid on `date`; else why not.
fn invalid(code: &[u8], date: Option<Date>) -> Option<String> {
    match POS.binary_search_by(|(c, _)| c.as_bytes().cmp(code)) {
        Err(_) => Some("is not a CMS place-of-service code".to_string()),
        Ok(k) => {
            let from = POS.get(k).map_or(0, |&(_, from)| from);
            match date {
                Some(d) if d.0 < from => Some(format!(
                    "took effect on {}, after the date of service {d}",
                    Date(from)
                )),
                _ => None,
            }
        }
    }
}

fn place_of_service(claim: &Claim<'_>, cx: &mut Ctx<'_>) {
    let Some(tx) = cx.tx() else { return };
    // In an 837I, CLM05-1 is the facility type code and there is no SV105.
    if tx.kind != Kind::Professional {
        return;
    }
    let first_line_date = claim.lines.iter().find_map(|l| l.date).map(|r| r.start);
    let claim_date = claim.date().or(first_line_date);
    let check = |cx: &mut Ctx<'_>, e: Element<'_>, what: &str, date: Option<Date>| {
        let Some(why) = invalid(e.bytes, date) else {
            return;
        };
        let index = usize::try_from(e.position).unwrap_or(1).saturating_sub(1);
        let lp = if what == "CLM05-1" { "2300" } else { "2400" };
        let msg = format!(
            "{what} `{}` in {lp} of claim {} {why}",
            e.text(),
            claim.id_text()
        );
        report_at(cx, index, e.loc(), msg).help(
            "use the CMS place-of-service code of the setting, e.g. 11 office, 12 home, 22 on-campus outpatient hospital, 02/10 telehealth",
        );
    };
    if let Some(pos) = claim.facility_code() {
        check(cx, pos, "CLM05-1", claim_date);
    }
    for line in &claim.lines {
        if let Some(pos) = line.place_of_service() {
            check(cx, pos, "SV105", line.date.map(|r| r.start).or(claim_date));
        }
    }
}

#[test]
fn table_is_sorted() {
    assert!(POS.windows(2).all(|w| w[0].0 < w[1].0));
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &CODE005,
        &[
            Pass(""),
            PassI(""), // CLM05-1 13 is a facility type code in 837I, not a place of service
            Edit("CLM*", "CLM*PAT1001-01*2460***35:B:1*Y*A*Y*Y", true),
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1*99**1", false),
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1*00**1", true),
            Edit("CLM*", "CLM*PAT1001-01*2460***10:B:1*Y*A*Y*Y", false),
            Whole(
                &crate::test::P837
                    .replace("20260115", "20210115")
                    .replace("***11:B:1", "***10:B:1"),
                true,
            ),
        ],
    );
    let d = diags[6].iter().find(|d| d.code == "CODE005").unwrap();
    assert_eq!(
        d.message,
        "CLM05-1 `10` in 2300 of claim PAT1001-01 took effect on 2022-01-01, after the date of service 2021-01-15"
    );
}
