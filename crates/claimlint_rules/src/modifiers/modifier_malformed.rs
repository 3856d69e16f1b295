use crate::{Ctx, declare_rule};
use claimlint_data as data;
use claimlint_model::ServiceLine;

declare_rule! {
    /// ## What it does
    /// Checks the modifiers of SV101 (837P) or SV202 (837I): each exactly 2 characters, none
    /// twice on one line, and no fifth modifier (the composite has four slots, -3 to -6; a
    /// modifier in -7, the description, means one too many).
    /// ## Why it matters
    /// Payers read modifiers by position and code list; a three-character or doubled
    /// modifier rejects the line, and a fifth one is read as the description.
    /// ## Example
    /// `SV1*HC:J0897:JZ:JZ*2400*UN*60***1~`
    /// ## Fix
    /// One of each, at most four: `SV1*HC:J0897:JZ*2400*UN*60***1~`.
    code: MOD004, name: "modifier-malformed", severity: Error, snip: 2,
    x999: Never,
    check: Line(modifier_malformed),
}

fn modifier_malformed(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let Some(p) = line.procedure else { return };
    if nothing_to_find(&p) {
        return;
    }
    let mods: Vec<_> = p.modifiers().collect();
    if mods.is_empty() {
        return;
    }
    for (i, m) in mods.iter().enumerate() {
        if m.bytes.len() != 2 {
            cx.report(
                m.loc(),
                format!(
                    "modifier `{}` in {} is not 2 characters",
                    m.text(),
                    m.ref_des()
                ),
            )
            .help("a HCPCS or CPT modifier is two characters, e.g. JZ, 59, XS");
        } else if mods
            .get(..i)
            .is_some_and(|before| before.iter().any(|b| b.bytes.eq_ignore_ascii_case(m.bytes)))
        {
            cx.report(
                m.loc(),
                format!(
                    "modifier {} appears twice in {}",
                    m.text(),
                    p.composite.ref_des()
                ),
            )
            .help(format!("give {} once", m.text()));
        }
    }
    if mods.len() == 4
        && let Some(d) = p.description()
        && d.bytes.len() == 2
        && std::str::from_utf8(d.bytes)
            .is_ok_and(|s| cx.data().modifier(s).is_some() || data::is_cpt_modifier(s))
    {
        cx.report(d.loc(), format!("a fifth modifier `{}` in {}: the composite holds four", d.text(), d.ref_des()))
            .help("keep the four modifiers that price the line (payment modifiers first); a fifth cannot be sent");
    }
}

/// Whether the findings below cannot be made: every modifier written is two bytes and repeats
/// no earlier one in any case, and no fifth modifier can stand in SV101-7 (four are not
/// written, or the description is not two bytes). Read from the bytes in place, so a clean
/// line builds no list of elements.
fn nothing_to_find(p: &claimlint_model::Procedure<'_>) -> bool {
    let m = p.modifier_bytes();
    let mut written = 0;
    for (i, a) in m.iter().enumerate().filter(|(_, a)| !a.is_empty()) {
        written += 1;
        let before = m.get(..i).unwrap_or_default();
        if a.len() != 2
            || before
                .iter()
                .any(|b| !b.is_empty() && b.eq_ignore_ascii_case(a))
        {
            return false;
        }
    }
    written < 4 || p.description().is_none_or(|d| d.bytes.len() != 2)
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let cases = [
        Pass(""),
        PassI(""),
        Trip("SV1*HC:J0897:JZ:JZ*2400*UN*60***1"),
        // A modifier of the wrong length (`JZZ`, `Z`) is SYN002's, which suppresses MOD004
        // on the same element (suppress::tests::syntax_before_content).
        // JZ stays, so the drug does not also lack it (MOD001).
        Trip("SV1*HC:J0897:JZ:KX:GA:GY:59*2400*UN*60***1"),
        // The same modifier again in lower case (CODE004 leaves the repeat to this rule).
        Trip("SV1*HC:J0897:JZ:jz*2400*UN*60***1"),
    ];
    let out = check_cases(&MOD004, &cases);
    let d = out[2].iter().find(|d| d.code == "MOD004").unwrap();
    assert_eq!(d.message, "modifier JZ appears twice in SV101");
    assert_eq!(d.loc.component, Some(4));
    let d = out[4].iter().find(|d| d.code == "MOD004").unwrap();
    assert_eq!(d.message, "modifier jz appears twice in SV101");
    let text = crate::test::edit(
        crate::test::I837,
        "SV2*0636",
        "SV2*0636*HC:J0897:JZ:JZZ*2400*UN*60",
    );
    let d = crate::test::without_syntax(&text, "MOD004");
    assert_eq!(d.message, "modifier `JZZ` in SV202-4 is not 2 characters");
}
