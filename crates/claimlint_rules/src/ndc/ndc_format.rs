use crate::drugs::{Ndc11, ndc11, ten_digit_candidates};
use crate::ndc::is_ndc_qualified;
use crate::{Ctx, declare_rule};
use claimlint_data::Data;
use claimlint_diagnostic::{Fix, Safety};
use claimlint_model::DrugLine;

declare_rule! {
    /// ## What it does
    /// Checks that LIN03, the NDC of a drug line, is exactly 11 digits (the 5-4-2 form
    /// without hyphens that the TR3 requires with qualifier N4).
    /// ## Why it matters
    /// Payers match the NDC digit for digit against their drug file; a hyphenated or
    /// 10-digit NDC matches nothing there, and the line is denied as invalid.
    /// ## Example
    /// `LIN**N4*55513-710-01~`
    /// ## Fix
    /// Pad the short group to 5-4-2 with a leading zero and drop the hyphens:
    /// `LIN**N4*55513071001~`. A bare 10-digit NDC is ambiguous; claimlint names the reading
    /// the crosswalk knows.
    /// ## Fixes
    /// Safe: a hyphenated (or spaced) 5-4-2, 4-4-2, 5-3-2 or 5-4-1 NDC becomes its 11 digits
    /// (the groups say which one lacks its zero). Unsafe: a bare 10-digit NDC of which exactly
    /// one 11-digit reading is in the crosswalk becomes that reading (`--unsafe-fixes`): the
    /// package may be another one. Letters are never fixed.
    code: NDC002, name: "ndc-format", severity: Error, snip: 5,
    x999: Never,
    fix: SafeOrUnsafe,
    check: Drug(ndc_format),
}

fn ndc_format(drug: &DrugLine<'_>, cx: &mut Ctx<'_>) {
    let Some(ndc) = drug.ndc() else { return }; // a missing NDC is NDC001's and the TR3's job
    if !is_ndc_qualified(drug) {
        return;
    }
    let raw = ndc.bytes;
    if raw.len() == 11 && raw.iter().all(u8::is_ascii_digit) {
        return;
    }
    let shown = ndc.text();
    let digits = raw.iter().filter(|b| b.is_ascii_digit()).count();
    let why = if raw.iter().any(|b| b.is_ascii_alphabetic()) {
        "has letters".to_string()
    } else if raw.contains(&b'-') {
        "is hyphenated".to_string()
    } else if raw.contains(&b' ') {
        "has spaces".to_string()
    } else {
        format!("has {digits} digits")
    };
    let (help, fix) = match eleven(raw) {
        Some(n) => (
            format!(
                "write it as {} ({}, 5-4-2 without hyphens)",
                n.as_str(),
                n.dashed()
            ),
            Some((n, Safety::Safe)),
        ),
        None => match ten_digit_candidates(raw) {
            Some(c) => (
                ten_digit_help(cx.data(), &c),
                only_known(cx.data(), &c).map(|n| (n, Safety::Unsafe)),
            ),
            None => (other_help(cx.data(), raw), None),
        },
    };
    let loc = ndc.loc();
    let d = cx.report(
        loc,
        format!("NDC `{shown}` in LIN03 {why}: it must be 11 digits"),
    );
    d.help(help);
    if let Some((n, safety)) = fix {
        d.fix(Fix::replace(&loc, n.as_str(), safety));
    }
}

/// The 11 digits an NDC written with hyphens or spaces stands for.
fn eleven(raw: &[u8]) -> Option<Ndc11> {
    ndc11(raw).or_else(|| {
        let squeezed: Vec<u8> = raw.iter().copied().filter(|b| *b != b' ').collect();
        ndc11(&squeezed)
    })
}

/// The help for an NDC that is neither 11 digits in some 5-4-2 form nor a bare 10-digit NDC:
/// a label written before it (`NDC01234567`, `N4:55513071001`) is to be dropped, and what is
/// left read as any NDC is; else the NDC is to be copied from the package.
fn other_help(data: &Data, raw: &[u8]) -> String {
    const COPY: &str = "copy the NDC from the package and write its 11 digits in 5-4-2 form, without hyphens (55513-0710-01 is written 55513071001)";
    let letters = raw.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let (label, rest) = raw.split_at(letters);
    let rest = rest.trim_ascii_start();
    let rest = rest
        .strip_prefix(b":")
        .or_else(|| rest.strip_prefix(b"#"))
        .unwrap_or(rest)
        .trim_ascii_start();
    if letters == 0 || rest.is_empty() || rest.iter().any(u8::is_ascii_alphabetic) {
        return COPY.into();
    }
    let label = String::from_utf8_lossy(label);
    let drop = format!("drop the `{label}` written before the NDC");
    if let Some(n) = eleven(rest) {
        return format!(
            "{drop}: write it as {} ({}, 5-4-2 without hyphens)",
            n.as_str(),
            n.dashed()
        );
    }
    if let Some(c) = ten_digit_candidates(rest) {
        return format!("{drop}; then {}", ten_digit_help(data, &c));
    }
    let digits = rest.iter().filter(|b| b.is_ascii_digit()).count();
    format!("{drop}; the {digits} digits after it are not a whole NDC either: {COPY}")
}

/// The one reading of a bare 10-digit NDC that the crosswalk knows, if exactly one.
fn only_known(data: &Data, c: &[Ndc11; 3]) -> Option<Ndc11> {
    let mut known = c.iter().filter(|n| data.ndc_known_any(n.as_str()));
    match (known.next(), known.next()) {
        (Some(one), None) => Some(*one),
        _ => None,
    }
}

/// A bare 10-digit NDC: the reading the crosswalk knows, else the three possible paddings.
fn ten_digit_help(data: &Data, c: &[Ndc11; 3]) -> String {
    let known: Vec<&Ndc11> = c
        .iter()
        .filter(|n| data.ndc_known_any(n.as_str()))
        .collect();
    match known.as_slice() {
        [one] => format!(
            "write it as {} ({} in the CMS crosswalk; 5-4-2 without hyphens)",
            one.as_str(),
            one.dashed()
        ),
        _ => format!(
            "a 10-digit NDC needs a leading zero in its short group: {} (4-4-2), {} (5-3-2) or {} (5-4-1); read the groups off the package",
            c[0].as_str(),
            c[1].as_str(),
            c[2].as_str()
        ),
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let cases = [
        Pass("LIN**N4*55513071001~"),
        PassI("LIN**N4*55513071001~"),
        Trip("LIN**N4*55513-710-01~"), // 5-3-2 with hyphens
        Trip("LIN**N4*5551371001~"),   // bare 10 digits
        TripI("LIN**N4*55513-0710-01~"),
        Trip("LIN**N4*5551307100A~"),
        Also(&["NDC006"], &Pass("LIN**UP*012345678905~")), // a UPC: NDC006's, not NDC002's
    ];
    let out = check_cases(&NDC002, &cases);
    let help = |i: usize| {
        out[i]
            .iter()
            .find(|d| d.code == "NDC002")
            .and_then(|d| d.help.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        help(2),
        "write it as 55513071001 (55513-0710-01, 5-4-2 without hyphens)"
    );
    assert_eq!(
        help(3),
        "write it as 55513071001 (55513-0710-01 in the CMS crosswalk; 5-4-2 without hyphens)"
    );
    let d = out[2].iter().find(|d| d.code == "NDC002").unwrap();
    assert_eq!(
        d.message,
        "NDC `55513-710-01` in LIN03 is hyphenated: it must be 11 digits"
    );
    assert_eq!((d.loc.segment.as_str(), d.loc.element), ("LIN", Some(3)));
    let fix = |i: usize| {
        let d = out[i].iter().find(|d| d.code == "NDC002").unwrap();
        let f = d.fix.clone().unwrap();
        assert_eq!(f.end - f.start, d.loc.length);
        (f.replacement, f.safety)
    };
    assert_eq!(fix(2), ("55513071001".to_string(), Safety::Safe));
    assert_eq!(fix(3), ("55513071001".to_string(), Safety::Unsafe));
    assert!(out[5].iter().all(|d| d.fix.is_none()), "letters: no fix");
}

/// Every NDC002 has a help, never an empty one (unseen-file run F6: `3920293`, 7 digits, and
/// `NDC01234567` had none); a label before the NDC is to be dropped.
#[test]
fn every_ndc_format_finding_has_help() {
    use crate::test::{Case::*, check_cases};
    const COPY: &str = "copy the NDC from the package and write its 11 digits in 5-4-2 form, without hyphens (55513-0710-01 is written 55513071001)";
    let cases = [
        ("3920293", COPY.to_string()),
        ("NDC01234567", format!("drop the `NDC` written before the NDC; the 8 digits after it are not a whole NDC either: {COPY}")),
        ("NDC55513071001", "drop the `NDC` written before the NDC: write it as 55513071001 (55513-0710-01, 5-4-2 without hyphens)".to_string()),
        ("NDC 55513-710-01", "drop the `NDC` written before the NDC: write it as 55513071001 (55513-0710-01, 5-4-2 without hyphens)".to_string()),
        ("5551307100A", COPY.to_string()),
    ];
    let texts: Vec<String> = cases
        .iter()
        .map(|(ndc, _)| format!("LIN**N4*{ndc}~"))
        .collect();
    let trips: Vec<_> = texts.iter().map(|t| Trip(t)).collect();
    let out = check_cases(&NDC002, &trips);
    for ((ndc, help), found) in cases.iter().zip(&out) {
        let d = found.iter().find(|d| d.code == "NDC002").expect(ndc);
        assert_eq!(d.help.as_deref(), Some(help.as_str()), "{ndc}");
    }
}
