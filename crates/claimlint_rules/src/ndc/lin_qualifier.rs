use crate::drugs::ndc11;
use crate::{Ctx, declare_rule};
use claimlint_model::DrugLine;

declare_rule! {
    /// ## What it does
    /// Warns when LIN02, the product id qualifier of the 2410 loop, is not `N4` (National
    /// Drug Code in 5-4-2 format).
    /// ## Why it matters
    /// The 837P and 837I TR3s allow only N4 in 2410 LIN02 with 5010, and CMS and Medicaid
    /// programs read the NDC only under N4; a UPC, HRI or other identifier is not priced.
    /// ## Example
    /// `LIN**UP*012345678905~`
    /// ## Fix
    /// Send the NDC: `LIN**N4*55513071001~`.
    code: NDC006, name: "lin-qualifier", severity: Warning, snip: 2,
    x999: Never,
    check: Drug(lin_qualifier),
}

fn lin_qualifier(drug: &DrugLine<'_>, cx: &mut Ctx<'_>) {
    match drug.qualifier() {
        Some(q) if q.is(b"N4") => {}
        Some(q) => {
            let hint = drug.ndc().and_then(|n| ndc11(n.bytes)).map_or_else(
                || "LIN**N4*<11-digit NDC>~".to_string(),
                |n| format!("LIN**N4*{}~", n.as_str()),
            );
            cx.report(
                q.loc(),
                format!("LIN02 is `{}`, not N4 (NDC in 5-4-2 form)", q.text()),
            )
            .help(format!("identify the drug by its NDC: {hint}"));
        }
        None => {
            // On LIN02 when it is written empty (`LIN***N4*…`), so the SYN007 there stands
            // for both.
            cx.report(
                drug.lin.element_loc(2),
                "LIN02 (product id qualifier) is missing; it must be N4",
            )
            .help("write LIN**N4*<11-digit NDC>~");
        }
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let cases = [
        Pass(""),
        PassI(""),
        Trip("LIN**UP*012345678905~"),
        // LIN02 `HI` is SYN008's, which suppresses NDC006 (suppress::tests::syntax_before_content).
        Trip("LIN**EN*55513071001~"),
    ];
    let out = check_cases(&NDC006, &cases);
    let d = out[3].iter().find(|d| d.code == "NDC006").unwrap();
    assert_eq!(
        d.help.as_deref(),
        Some("identify the drug by its NDC: LIN**N4*55513071001~")
    );
    assert_eq!(d.loc.element, Some(2));
}
