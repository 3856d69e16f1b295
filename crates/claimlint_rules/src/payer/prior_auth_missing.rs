use crate::drugs::line_dos;
use crate::payer::{Params, PriorAuthEntry};
use crate::{Ctx, declare_rule};
use claimlint_model::{Claim, Kind, ServiceLine};

declare_rule! {
    /// ## What it does
    /// Checks that a line whose procedure code is on the profile's prior-authorization list
    /// carries the authorization number: REF*G1 in 2300 (for the whole claim) or in 2400 (for
    /// the line). The list comes from the profile (`prior-auth` in `claimlint.toml`, or a
    /// built-in profile); without one this rule says nothing. An entry of the list may carry
    /// conditions, and the line is checked only when all of them hold: a companion code billed
    /// on another line of the claim with the same date of service; the setting (837I types of
    /// bill, 837P places of service); the dates of service the entry is in force.
    ///
    /// The built-in `medicare` list is CMS's hospital outpatient department program
    /// (`data/prior_auth_medicare.tsv`, every entry with its source): blepharoplasty,
    /// botulinum toxin injections, panniculectomy, rhinoplasty, vein ablation (from
    /// 2020-07-01), cervical fusion with disc removal and implanted spinal neurostimulators
    /// (63650; from 2021-07-01), facet joint interventions (from 2023-07-01). It applies to
    /// 837I bill type 13x and 837P places of service 19 and 22, not to an office (POS 11).
    /// Botulinum toxin J0585–J0588 needs the authorization only when billed with 64612 or
    /// 64615 on the same date, and those two only with one of the toxins. Codes CMS removed
    /// (67911 after 2022-01-06; 64492 and 64495 after 2024-08-04; 63685 and 63688, never in
    /// force) are not checked for later dates.
    /// ## Why it matters
    /// A payer that requires prior authorization for a service denies the line when the claim
    /// does not quote the approval (CARC 197/15). Medicare's hospital outpatient prior
    /// authorization program (42 CFR 419.83) denies the listed services outright, however
    /// correct the rest of the claim is, and with them the associated physician and
    /// anesthesia claims.
    /// ## Example
    /// Under the `medicare` profile, an 837I with bill type 131 billing
    /// `SV2*0636*HC:J0585*480*UN*100~` and `SV2*0510*HC:64612*60*UN*1~` on one date and no
    /// `REF*G1` in 2300 or 2400.
    /// ## Fix
    /// Quote the payer's authorization number (Medicare's unique tracking number) in 2300:
    /// `REF*G1*AUTH0012345~`, or in the line's 2400 loop when the approval covers only that
    /// line.
    code: PAY001, name: "prior-auth-missing", severity: Warning, snip: 7,
    x999: Never,
    check: Line(prior_auth_missing),
}

/// The list entry that requires an authorization for `line`, and the companion line that
/// satisfied its `with` condition, if it has one.
fn requirement<'p, 'c>(
    params: &'p Params,
    institutional: bool,
    claim: &'c Claim<'c>,
    line: &ServiceLine<'_>,
) -> Option<(&'p PriorAuthEntry, Option<&'c ServiceLine<'c>>)> {
    // Upper case as the list is; copied only when the claim wrote it otherwise.
    let code: std::borrow::Cow<'_, str> = match line.hcpcs_text() {
        Some(t) if !t.bytes().any(|b| b.is_ascii_lowercase()) => t.into(),
        _ => line.hcpcs()?.text().to_ascii_uppercase().into(),
    };
    let dos = line_dos(line, Some(claim));
    // Read only for an entry that lists the code (most codes are on no list).
    let setting = || {
        if institutional {
            claim.facility_code().map(|f| f.bytes)
        } else {
            line.place_of_service()
                .filter(|p| !p.bytes.is_empty())
                .or(claim.facility_code())
                .map(|f| f.bytes)
        }
    };
    params.prior_auth.iter().find_map(|e| {
        if !e.lists(&code)
            || !e.in_force(dos.map(|d| d.0))
            || !e.in_setting(institutional, setting())
        {
            return None;
        }
        if e.with.is_empty() {
            return Some((e, None));
        }
        claim
            .lines
            .iter()
            .find(|other| {
                other.index != line.index
                    && other.hcpcs().is_some_and(|c| {
                        let c = c.text().to_ascii_uppercase();
                        e.with.iter().any(|r| r.contains(&c))
                    })
                    && line_dos(other, Some(claim)) == dos
            })
            .map(|other| (e, Some(other)))
    })
}

fn prior_auth_missing(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    // No list, no requirement (`requirement` finds none): the line is not read at all.
    if cx.params().prior_auth.is_empty() {
        return;
    }
    let (Some(claim), Some(code)) = (cx.claim(), line.hcpcs()) else {
        return;
    };
    if line.prior_auth || claim.prior_auth {
        return;
    }
    let institutional = cx.tx().is_some_and(|t| t.kind == Kind::Institutional);
    let params = cx.params();
    let Some((entry, companion)) = requirement(params, institutional, claim, line) else {
        return;
    };
    // One missing authorization for a pair (64612 with J0585) is one finding, on the first
    // line of the pair that needs it.
    if let Some(other) = companion
        && other.index < line.index
        && !other.prior_auth
        && requirement(params, institutional, claim, other).is_some()
    {
        return;
    }
    let text = code.text().to_ascii_uppercase();
    let whose = params.whose();
    let category = entry
        .category
        .as_deref()
        .map_or_else(String::new, |c| format!(" ({c})"));
    let with = companion
        .and_then(|o| Some((o.hcpcs()?.text().to_ascii_uppercase(), o.number_value())))
        .map_or_else(String::new, |(c, n)| match n {
            Some(n) => format!(" billed with {c} (line {n})"),
            None => format!(" billed with {c}"),
        });
    cx.report(
        code.loc(),
        format!(
            "{text}{with} is on {whose} prior-authorization list{category}, and neither 2300 nor 2400 has REF*G1"
        ),
    )
    .help(if institutional || entry.places_of_service.is_empty() {
        format!(
            "quote the authorization number for {text} as REF*G1 in 2300, or in this line's 2400 loop"
        )
    } else {
        // CMS's OPD program: the hospital requests the authorization; the practitioner's claim
        // for the same service is paid only if the hospital's service was authorized.
        format!(
            "the service needs an authorization in this setting: make sure it was obtained before the service (for Medicare's hospital outpatient program the hospital requests it), and quote its number for {text} as REF*G1 in 2300 or this line's 2400 loop if the payer asks for it on this claim"
        )
    });
}

#[cfg(test)]
fn medicare() -> crate::LintSettings {
    let entries = claimlint_data::prior_auth_medicare()
        .iter()
        .map(|r| PriorAuthEntry::from_row(r).expect("build.rs checked the row"))
        .collect();
    crate::LintSettings::default().with_params(Params {
        profile: Some("medicare".into()),
        prior_auth: entries,
        ..Params::default()
    })
}

/// The codes of the run's diagnostics, sorted, each once; and how many PAY001 there are.
#[cfg(test)]
fn codes_of(text: &str, settings: &crate::LintSettings) -> (Vec<String>, usize) {
    let diags = crate::test::run_with(text, settings);
    let pay = diags.iter().filter(|d| d.code == "PAY001").count();
    let mut codes: Vec<String> = diags.iter().map(|d| d.code.to_string()).collect();
    codes.sort();
    codes.dedup();
    (codes, pay)
}

/// `text` with SE01 set to its real segment count.
#[cfg(test)]
fn recount(text: &str) -> String {
    let segs: Vec<&str> = text.split('~').collect();
    let st = segs.iter().position(|s| s.trim_start().starts_with("ST*"));
    let se = segs.iter().position(|s| s.trim_start().starts_with("SE*"));
    let (Some(st), Some(se)) = (st, se) else {
        return text.to_string();
    };
    let mut out: Vec<String> = segs.iter().map(|s| s.to_string()).collect();
    out[se] = format!("SE*{}*0001", se - st + 1);
    out.join("~")
}

/// A template with its two lines replaced by `l1` and `l2` (charges 2400 and 60, as the
/// template's). A J0585 first line keeps the LIN with a Botox NDC; any other drops it.
#[cfg(test)]
fn with_lines(template: &str, old: [&str; 2], l1: &str, l2: &str) -> String {
    let mut text = template.replacen(old[1], l2, 1).replacen(old[0], l1, 1);
    if l1.contains("J0585") {
        text = text.replace("55513071001", "00023114501");
    } else {
        text = text
            .replace("LIN**N4*55513071001~", "")
            .replace("CTP****1*UN~", "");
    }
    recount(&text)
}

/// The 837I template with bill type `bill_type` (CLM05) and lines `l1`, `l2`.
#[cfg(test)]
fn institutional(l1: &str, l2: &str, bill_type: &str) -> String {
    let old = [
        "SV2*0636*HC:J0897:JZ*2400*UN*60",
        "SV2*0510*HC:96372*60*UN*1",
    ];
    with_lines(crate::test::I837, old, l1, l2).replace("13:A:1", bill_type)
}

/// The 837P template with place of service `pos` (CLM05-1) and lines `l1`, `l2`.
#[cfg(test)]
fn professional(l1: &str, l2: &str, pos: &str) -> String {
    let old = ["SV1*HC:J0897:JZ*2400*UN*60***1", "SV1*HC:96372*60*UN*1***1"];
    with_lines(crate::test::P837, old, l1, l2).replace("11:B:1", &format!("{pos}:B:1"))
}

#[test]
fn medicare_list_conditions() {
    let m = medicare();
    let toxin_i = "SV2*0636*HC:J0585:JZ*2400*UN*100";
    let inject_i = "SV2*0510*HC:64612*60*UN*1";
    let other_i = "SV2*0510*HC:96372*60*UN*1";
    // Hospital outpatient (13x), toxin with 64612 on one date, no REF*G1: one finding, on
    // the first line of the pair.
    let text = institutional(toxin_i, inject_i, "13:A:1");
    assert_eq!(codes_of(&text, &m), (vec!["PAY001".to_string()], 1));
    let diags = crate::test::run_with(&text, &m);
    let d = diags.iter().find(|d| d.code == "PAY001").expect("trips");
    assert_eq!(d.context.line_number, Some(1));
    assert!(
        d.message.contains("J0585 billed with 64612 (line 2)"),
        "{}",
        d.message
    );
    // With REF*G1 in 2300 it passes.
    let authorized = recount(&text.replace("HI*ABK:M810", "REF*G1*UTN12345~HI*ABK:M810"));
    assert_eq!(codes_of(&authorized, &m), (vec![], 0));
    // J0585 alone (with another administration code): no authorization needed.
    assert_eq!(
        codes_of(&institutional(toxin_i, other_i, "13:A:1"), &m),
        (vec![], 0)
    );
    // 64612 alone: neither.
    let other_first = "SV2*0510*HC:96372*2400*UN*1";
    assert_eq!(
        codes_of(&institutional(other_first, inject_i, "13:A:1"), &m),
        (vec![], 0)
    );
    // Not a hospital outpatient claim: inpatient 11x.
    let inpatient = institutional(toxin_i, inject_i, "11:A:1");
    assert_eq!(codes_of(&inpatient, &m).1, 0);
    // 837P: POS 22 (on-campus outpatient hospital) trips, POS 19 too, the office (11) not.
    let toxin_p = "SV1*HC:J0585:JZ*2400*UN*100***1";
    let inject_p = "SV1*HC:64615*60*UN*1***1";
    for (pos, n) in [("22", 1), ("19", 1), ("11", 0), ("24", 0)] {
        let text = professional(toxin_p, inject_p, pos);
        let want = if n == 1 {
            vec!["PAY001".to_string()]
        } else {
            vec![]
        };
        assert_eq!(codes_of(&text, &m), (want, n), "POS {pos}");
    }
    // SV105 overrides CLM05-1.
    let office_line = professional("SV1*HC:J0585:JZ*2400*UN*100**11*1", inject_p, "22");
    let (_, n) = codes_of(&office_line, &m);
    assert_eq!(
        n, 1,
        "the 64615 line is still at POS 22, with a toxin on the same date"
    );
}

/// As `institutional`, with the procedure `l2` billed first.
#[cfg(test)]
fn institutional_swap(other: &str, procedure: &str, bill_type: &str) -> String {
    let procedure = procedure.replace("*60*UN*1", "*2400*UN*1");
    institutional(&procedure, other, bill_type)
}

#[test]
fn medicare_list_removed_codes() {
    let m = medicare();
    let line = |code: &str| format!("SV2*0510*HC:{code}*60*UN*1");
    let first = "SV2*0510*HC:96372*60*UN*1";
    // The procedure on line 1 (2400), the administration on line 2 (60).
    for code in [
        "67911", "63685", "63688", "64492", "64495", "67914", "99213",
    ] {
        let text = institutional_swap(first, &line(code), "13:A:1");
        assert_eq!(
            codes_of(&text, &m),
            (vec![], 0),
            "{code} is not on the list"
        );
    }
    for code in [
        "64493", "63650", "22551", "15823", "67908", "36475", "30520",
    ] {
        let text = institutional_swap(first, &line(code), "13:A:1");
        assert_eq!(
            codes_of(&text, &m),
            (vec!["PAY001".to_string()], 1),
            "{code}"
        );
    }
    // A removed code is still judged for dates of service before its removal.
    let text = institutional_swap(first, &line("67911"), "13:A:1").replace("20260115", "20210315");
    assert_eq!(codes_of(&text, &m).1, 1, "67911 in 2021");
    let text = institutional_swap(first, &line("64495"), "13:A:1").replace("20260115", "20240102");
    assert_eq!(codes_of(&text, &m).1, 1, "64495 in January 2024");
    // ...and a category is not judged before it began (facet joints: 2023-07-01).
    let text = institutional_swap(first, &line("64493"), "13:A:1").replace("20260115", "20230301");
    assert_eq!(codes_of(&text, &m).1, 0, "64493 before 2023-07-01");
}

#[test]
fn every_medicare_row_cites_its_source() {
    for row in claimlint_data::prior_auth_medicare() {
        assert!(PriorAuthEntry::from_row(row).is_some(), "{row:?}");
        assert!(
            row.source.contains('\''),
            "{}: quote the source's words",
            row.codes
        );
    }
}

#[test]
fn cases() {
    use crate::LintSettings as Settings;
    use crate::payer::CodeRange;
    use crate::test::{Case::*, check_cases, check_cases_with};
    let list = |codes: &[&str]| Params {
        profile: Some("test".into()),
        prior_auth: vec![PriorAuthEntry::codes(
            codes.iter().filter_map(|c| CodeRange::parse(c)).collect(),
        )],
        ..Params::default()
    };
    let on_list = Settings::default().with_params(list(&["J0897"]));
    let all = check_cases_with(
        &PAY001,
        &[
            Trip(""), // the template bills J0897 with no REF*G1
            Edit("HI*", "REF*G1*AUTH0012345~HI*ABK:M810", false),
            Edit("DTP*472", "DTP*472*D8*20260115~REF*G1*AUTH0012345", false),
        ],
        &on_list,
    );
    let d = all[0]
        .iter()
        .find(|d| d.code == "PAY001")
        .expect("case 0 trips");
    assert_eq!(
        (d.loc.segment.as_str(), d.loc.element, d.loc.component),
        ("SV1", Some(1), Some(2))
    );
    assert_eq!(d.context.line_number, Some(1));
    // A range covers the admin code of line 2, and only it.
    let range = Settings::default().with_params(list(&["96365-96379"]));
    let diags = crate::test::run_with(crate::test::P837, &range);
    let lines: Vec<_> = diags
        .iter()
        .filter(|d| d.code == "PAY001")
        .map(|d| d.context.line_number)
        .collect();
    assert_eq!(lines, [Some(2)]);
    // Without a profile the list is empty: nothing trips.
    check_cases(&PAY001, &[Pass(""), PassI("")]);
}
