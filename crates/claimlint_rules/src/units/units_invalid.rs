use crate::{Ctx, declare_rule};
use claimlint_model::{Kind, ServiceLine};

declare_rule! {
    /// ## What it does
    /// Checks a line's units of service: SV104 (837P) or SV205 (837I) present, a number,
    /// above zero; and the unit basis SV103 one of UN, MJ (837P) or SV204 one of UN, DA
    /// (837I).
    /// ## Why it matters
    /// Units are what the payer multiplies by the rate; a line without them, with zero, or
    /// with a unit basis the guide does not allow is rejected before adjudication
    /// (005010X222A1 2400 SV103/SV104; 005010X223A2 2400 SV204/SV205).
    /// ## Example
    /// `SV1*HC:J0897:JZ*2400*UN*0***1~`
    /// ## Fix
    /// Bill the units given: `SV1*HC:J0897:JZ*2400*UN*60***1~`.
    code: UNT001, name: "units-invalid", severity: Error, snip: 5,
    x999: Never,
    check: Line(units_invalid),
}

fn units_invalid(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let Some(sv) = line.sv else { return };
    let (basis_pos, qty_pos, allowed): (usize, usize, &[&[u8]]) = match cx.tx().map(|t| t.kind) {
        Some(Kind::Institutional) => (4, 5, &[b"UN", b"DA"]),
        _ => (3, 4, &[b"UN", b"MJ"]),
    };
    let name = |n: usize| format!("{}{n:02}", String::from_utf8_lossy(sv.id()));
    let allowed_text = if qty_pos == 5 {
        "UN (unit) or DA (days)"
    } else {
        "UN (unit) or MJ (minutes)"
    };
    match line.unit_basis() {
        Some(b) if !allowed.contains(&b.bytes) => {
            cx.report(
                b.loc(),
                format!(
                    "{} unit basis `{}` is not {allowed_text}",
                    name(basis_pos),
                    b.text()
                ),
            )
            .help(format!(
                "write {} as UN for drugs and most services",
                name(basis_pos)
            ));
        }
        None => {
            // On the empty element when there is one: SYN007 reports the same element and
            // suppresses this (one root cause, one error).
            let at = sv.element_loc(basis_pos);
            cx.report(at, format!("{} (unit basis) is missing", name(basis_pos)))
                .help(format!("write {} as {allowed_text}", name(basis_pos)));
        }
        Some(_) => {}
    }
    match line.units() {
        None => {
            // On the empty element when there is one, as for the unit basis.
            cx.report(
                sv.element_loc(qty_pos),
                format!("{} (units of service) is missing", name(qty_pos)),
            )
            .help("give the units billed, in the code's descriptor units (J0897: 1 unit = 1 mg)");
        }
        Some(u) if !line.units_value().is_some_and(|v| v.is_positive()) => {
            cx.report(
                u.loc(),
                format!(
                    "{} units `{}` is not a number above zero",
                    name(qty_pos),
                    u.text()
                ),
            )
            .help("bill a positive number of units; to bill nothing, leave the line out");
        }
        Some(_) => {}
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let cases = [
        Pass(""),
        PassI(""),
        Trip("SV1*HC:J0897:JZ*2400*UN*0***1"),
        TripI("SV2*0636*HC:J0897:JZ*2400*UN*0"),
        // `SIXTY` (SYN003), `DA`/`MJ` (SYN008) and an empty SV205 (SYN007) are syntax errors,
        // which suppress UNT001 on the same element (suppress::tests::syntax_before_content).
    ];
    let out = check_cases(&UNT001, &cases);
    let d = out[3].iter().find(|d| d.code == "UNT001").unwrap();
    assert_eq!(d.message, "SV205 units `0` is not a number above zero");
    assert_eq!(d.loc.element, Some(5));
    let text = crate::test::edit(
        crate::test::P837,
        "SV1*HC:J0897",
        "SV1*HC:J0897:JZ*2400*DA*60***1",
    );
    let d = crate::test::without_syntax(&text, "UNT001");
    assert_eq!(
        d.message,
        "SV103 unit basis `DA` is not UN (unit) or MJ (minutes)"
    );
}
