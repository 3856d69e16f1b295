use crate::drugs::{
    Ndc11, date_of_service, drug_label, is_unclassified, ndc11, ten_digit_candidates,
};
use crate::ndc::is_ndc_qualified;
use crate::{Ctx, declare_rule};
use claimlint_data::Data;
use claimlint_diagnostic::{Fix, Safety};
use claimlint_model::{DrugLine, ServiceLine};

declare_rule! {
    /// ## What it does
    /// Warns when an 11-digit NDC is in no quarter of the CMS ASP NDC-HCPCS crosswalk
    /// compiled in (nor loaded with `--data-dir`). Lines billing a code the crosswalk never
    /// lists are skipped: an unclassified code (J3490, J9999...), an S-code (private payers'
    /// codes, which Medicare does not price), any code with no NDC in any quarter. Their drugs
    /// are by definition not in the ASP crosswalk, and no FDA NDC directory is compiled in to
    /// check them against, so the NDC's absence says nothing about it. So are 837P lines
    /// whose procedure code (SV101-2) is left empty: the code is what is missing (SYN007), and
    /// lines without their SV1 or SV2 (STR002, STR003). A code written with its qualifier
    /// left empty (`SV1*:J1550*…`) is read as written.
    /// ## Why it matters
    /// An NDC the payer cannot find is usually a typo or a digit dropped in padding, and
    /// the line is denied; a transposed NDC may even name another drug.
    /// ## Example
    /// `LIN**N4*55513071099~` (Prolia is 55513071001)
    /// ## Fix
    /// Copy the NDC from the package actually used, padded to 5-4-2: `LIN**N4*55513071001~`.
    /// When the same ten digits padded in another group are an NDC the crosswalk lists (a
    /// 5-3-2 NDC given its zero in front, `05551371001` for 55513-0710-01), the help names it,
    /// with an unsafe fix: only the package can say which group is short.
    code: NDC003, name: "ndc-unknown", severity: Warning, snip: 5,
    x999: Never,
    fix: Unsafe,
    check: Drug(ndc_unknown),
}

fn ndc_unknown(drug: &DrugLine<'_>, cx: &mut Ctx<'_>) {
    let Some(el) = drug.ndc() else { return };
    if !is_ndc_qualified(drug) {
        return;
    }
    // A malformed NDC is NDC002's; one in a normalisable form is still looked up.
    let Some(ndc) = ndc11(el.bytes) else { return };
    // An 837P line whose procedure code (SV101-2, required) is left empty, the whole SV101 or
    // its code alone (`SV1*X*…`, `SV1*96372*…` with the qualifier left out): the code the NDC
    // would be judged against is what is missing (SYN007's finding). An 837I line with no
    // HCPCS, a revenue code alone, is looked up.
    // A line without its service segment (SV1 or SV2 left out, or written in another line:
    // STR002 and STR003 say where) has no code at all: the NDC's absence from the crosswalk
    // says nothing, as for the codes it never lists below.
    if cx.line().is_some_and(|l| {
        l.sv.is_none()
            || l.procedure.as_ref().and_then(|p| p.code()).is_none()
                && l.sv.is_some_and(|s| s.is(b"SV1"))
    }) {
        return;
    }
    // The code as written when its qualifier is left empty (`SV1*:J1550`, SYN007's).
    if cx
        .line()
        .and_then(|l| l.procedure.as_ref()?.code_as_written())
        .is_some_and(|code| is_unclassified(code) || !cx.data().crosswalk_lists_hcpcs(code))
    {
        return;
    }
    // Rows in the line's quarter (looked up once per line, shared) list it in a quarter:
    // known, with no search of them all.
    let in_quarter = |l: &ServiceLine<'_>| cx.crosswalked(l).is_some_and(|x| !x.rows.is_empty());
    if cx.line().is_some_and(in_quarter) || cx.data().ndc_known_any(ndc.as_str()) {
        return;
    }
    let quarters: Vec<String> = cx
        .data()
        .datasets()
        .into_iter()
        .filter(|d| d.name == "crosswalk")
        .map(|d| d.version)
        .collect();
    let message = format!(
        "NDC {} is not in the CMS NDC-HCPCS crosswalk ({})",
        ndc.dashed(),
        quarters.join(", ")
    );
    let repadded = repadded(cx.data(), &ndc);
    let dos = date_of_service(cx);
    let known = |n: &Ndc11| {
        let rows = dos.map(|d| cx.data().crosswalk_by_ndc(n.as_str(), d.0).value);
        rows.and_then(|r| r.into_iter().next())
    };
    let help = match repadded.as_slice() {
        [one] => match known(one) {
            Some(row) => format!(
                "padded in another group, the same ten digits are {} ({}, {} in the crosswalk): write {} if that is the package",
                one.dashed(),
                drug_label(cx, &row),
                row.hcpcs,
                one.as_str()
            ),
            None => format!(
                "padded in another group, the same ten digits are {}, which the crosswalk lists: write {} if that is the package",
                one.dashed(),
                one.as_str()
            ),
        },
        [] => "check the NDC against the package used; the crosswalk lists the drugs Medicare prices under ASP, so a correct NDC of another drug may be missing from it".to_string(),
        many => format!(
            "padded in other groups, the same ten digits are {}, each in the crosswalk; read the groups off the package",
            many.iter().map(|n| n.dashed()).collect::<Vec<_>>().join(" or ")
        ),
    };
    let loc = el.loc();
    let d = cx.report(loc, message).help(help);
    if let [one] = repadded.as_slice() {
        d.fix(Fix::replace(&loc, one.as_str(), Safety::Unsafe));
    }
}

/// The NDCs the crosswalk lists that are the same ten digits as `ndc` with the padding zero
/// in another group: an 11-digit NDC has its zero first (from 4-4-2), sixth (5-3-2) or
/// tenth (5-4-1), so each zero in one of those places is a padding to undo and redo.
fn repadded(data: &Data, ndc: &Ndc11) -> Vec<Ndc11> {
    let b = ndc.as_str().as_bytes();
    let mut out: Vec<Ndc11> = Vec::new();
    for at in [0, 5, 9] {
        if b.get(at) != Some(&b'0') {
            continue;
        }
        let ten: Vec<u8> = b
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != at)
            .map(|(_, &c)| c)
            .collect();
        for n in ten_digit_candidates(&ten).into_iter().flatten() {
            if n != *ndc && !out.contains(&n) && data.ndc_known_any(n.as_str()) {
                out.push(n);
            }
        }
    }
    out
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let cases = [
        Pass(""),
        PassI(""),
        Trip("LIN**N4*55513071099~"),
        TripI("LIN**N4*55513071099~"),
        // Unclassified code with a compounded product's NDC: not an ASP drug.
        Pass("SV1*HC:J3490:::::COMPOUNDED PAIN CREAM*2400*UN*1***1~LIN**N4*12345678901~"),
        // An S-code (home infusion's S5000, not priced by Medicare, so in no crosswalk
        // quarter): skipped as J3490 is (the TR3's own home-infusion example bills it).
        Pass("SV1*HC:S5000*2400*UN*1***1~LIN**N4*12345678901~"),
        // A code the crosswalk lists keeps the check.
        Trip("SV1*HC:J0897:JZ*2400*UN*60***1~LIN**N4*12345678901~"),
        // Prolia's 5-3-2 NDC (55513-710-01) padded in front, as if it were 4-4-2.
        Trip("LIN**N4*05551371001~"),
    ];
    let out = check_cases(&NDC003, &cases);
    // SV101 `X` (its code left empty) with an NDC no quarter lists: SYN007's finding, not
    // also a crosswalk warning for a code that is not there.
    let x = crate::test::replace_segments(
        crate::test::P837,
        "SV1*X*2400*UN*60***1~LIN**N4*55513071099",
    );
    assert!(
        !crate::test::codes(&x).contains(&"NDC003"),
        "{:?}",
        crate::test::codes(&x)
    );
    let d = out[2].iter().find(|d| d.code == "NDC003").unwrap();
    // The quarters compiled in: reference data is the run's own (`Data`), never process-wide.
    assert_eq!(
        d.message,
        "NDC 55513-0710-99 is not in the CMS NDC-HCPCS crosswalk (2025Q4, 2026Q1)"
    );
    assert!(d.fix.is_none());
    let d = out[7].iter().find(|d| d.code == "NDC003").unwrap();
    assert_eq!(
        d.help.as_deref(),
        Some(
            "padded in another group, the same ten digits are 55513-0710-01 (Prolia, denosumab 60 mg/mL, J0897 in the crosswalk): write 55513071001 if that is the package"
        )
    );
    let fix = d.fix.as_ref().expect("an unsafe fix");
    assert_eq!(
        (fix.replacement.as_str(), fix.safety),
        ("55513071001", Safety::Unsafe)
    );
    // Hyphenated (NDC002) but known: looked up in its 11-digit form, so not unknown.
    let diags = crate::test::run(&crate::test::replace_segments(
        crate::test::P837,
        "LIN**N4*55513-0710-01~",
    ));
    assert!(diags.iter().any(|d| d.code == "NDC002") && !diags.iter().any(|d| d.code == "NDC003"));
}
