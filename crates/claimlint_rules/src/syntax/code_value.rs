use super::{code_list, findings};
use crate::{Ctx, declare_rule};
use claimlint_ig::ElementIssue;
use claimlint_model::Transaction;

declare_rule! {
    /// ## What it does
    /// Checks an ID element against the code list the implementation guide gives for that
    /// element at that position: NM108, CLM05-2, SV103, 2320 AMT01, the HI qualifiers, the
    /// state codes of N402. Lists that change faster than the guide (place of service,
    /// remark codes) are left to their own rules (CODE005).
    /// ## Why it matters
    /// An invalid code is a 999 IK4 code 7 rejection; a code of another loop (AMT*F2 in
    /// 2320, which is a 4010 code) means the payer cannot read the amount.
    /// ## Example
    /// `AMT*F2*15~` in 2320
    /// ## Fix
    /// Use a code the guide lists there: `AMT*A8*15~` (2320 allows D, A8, EAF).
    code: SYN008, name: "code-value-invalid", severity: Error, snip: 2,
    check: Transaction(code_value),
}

/// Province codes of DE 156 (code source 22, Canada Post) that pyx12's `states` list lacks: it
/// still has the retired PQ (Quebec) and NF (Newfoundland) instead. A Quebec address is not an
/// error. TODO(#6): move into the generated list (scripts/gen_ig.py CORRECTIONS).
const CANADA_POST: &[&[u8]] = &[b"NL", b"QC"];

/// SV107 pointers are SIT001's and the principal diagnosis qualifier (HI01-1 of the 2300
/// principal diagnosis HI, ABK/BK) SIT002's: each says more than "not in the list".
fn is_principal_qualifier(ref_des: &str, codes: &[&str]) -> bool {
    ref_des == "HI01-1" && codes == ["ABK", "BK"]
}

fn code_value(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    for f in findings(tx, |e| matches!(e, ElementIssue::CodeInvalid { .. })) {
        let ElementIssue::CodeInvalid { elem, comp, codes } = *f.issue else {
            continue;
        };
        let def = f.element_def(elem, comp);
        if def.is_some_and(|d| d.data_ele == "156") && CANADA_POST.contains(&f.value(elem, comp)) {
            continue;
        }
        if def.is_some_and(|d| {
            d.ref_des.starts_with("SV107") || is_principal_qualifier(d.ref_des, codes)
        }) {
            continue;
        }
        let r = f.ref_des(elem, comp);
        let name = def.map_or("", |d| d.name);
        let msg = format!(
            "{r} `{}` in {} is not a code the guide allows for {name}",
            f.text(elem, comp),
            f.loop_name(tx)
        );
        f.report(cx, f.loc(elem, comp), msg)
            .help(format!("use one of: {}", code_list(codes)));
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &SYN008,
        &[
            Pass(""),
            PassI(""),
            Edit("SV1*HC:96372", "SV1*HC:96372*60*XX*1***1", true),
            Edit(
                "N4*SPRINGFIELD*IL*62702",
                "N4*SPRINGFIELD*ZZ*627021234",
                true,
            ), // 2010BA N402
            EditI("CLM*", "CLM*PAT2001-01*2460***13:X:1**A*Y*Y", true),
            Edit("NM1*PR", "NM1*PR*2*MEDICARE PART B*****ZZ*00952", true),
            Edit("N4*SPRINGFIELD*IL*62702", "N4*MONTREAL*QC*H2X1Y4*CA", false),
        ],
    );
    let d = diags[2].iter().find(|d| d.code == "SYN008").unwrap();
    assert!(d.message.starts_with("SV103 `XX` in 2400"), "{}", d.message);
    assert_eq!(d.help.as_deref(), Some("use one of: MJ, UN"));
}
