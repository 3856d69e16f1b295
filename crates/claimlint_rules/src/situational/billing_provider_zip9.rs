use crate::syntax::report_at;
use crate::{Ctx, declare_rule};
use claimlint_model::{Indexed, Kind, Transaction};

declare_rule! {
    /// ## What it does
    /// Checks that the ZIP code of the billing provider (2010AA N403) and of the service
    /// facility (837P 2310C, 837I 2310E N403) is the full nine-digit ZIP+4 when the address
    /// is in the US (N404 empty or `US`). The TR3 notes on these N403s require ZIP+4.
    /// A warning by default, because the TR3's own examples give five-digit ZIPs; the
    /// `medicare` profile makes it an error.
    /// ## Why it matters
    /// Medicare prices services by the ZIP+4 of the place they were rendered; a five-digit
    /// ZIP that spans payment localities is rejected (277CA A7/500).
    /// ## Example
    /// `N4*SPRINGFIELD*IL*62701~` in 2010AA
    /// ## Fix
    /// Write the nine digits: `N4*SPRINGFIELD*IL*627011234~`.
    code: SIT005, name: "billing-provider-zip9", severity: Warning, snip: 4,
    x999: Always(Element("4")),
    check: Transaction(billing_provider_zip9),
}

fn billing_provider_zip9(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    let facility = match tx.kind {
        Kind::Professional => "2310C",
        Kind::Institutional => "2310E",
    };
    for (index, seg) in tx.segments_of(Indexed::N4) {
        // Whether an N4 came since the last NM1 (the nearest NM1 or N4 before this one is an
        // N4): each of these loops has one address, so a second N4 before another NM1 is not
        // its own (the N3/N4 of a pay-to address whose NM1*87 is missing, STR002's finding)
        // and is not judged as the billing provider's. Each look back stops at the N4 before,
        // so all of them together read each segment at most once.
        let before = tx.segments.get(..index).unwrap_or_default();
        let last = before.iter().rev().find(|s| s.is(b"NM1") || s.is(b"N4"));
        if last.is_some_and(|s| s.is(b"N4")) {
            continue;
        }
        // The loop the model built the N4 into (by the HL and NM1 qualifiers), not the guide
        // walk's placement: SIT005 must not make `--ignore STR,SYN` walk the guide (issue 15).
        let lp = tx.loop_of(index).unwrap_or("");
        let whose = match lp {
            "2010AA" => "billing provider",
            l if l == facility => "service facility",
            _ => continue,
        };
        if !matches!(seg.value(4), b"" | b"US") {
            continue;
        }
        let Some(zip) = seg.element(3) else { continue };
        if zip.bytes.len() == 9 && zip.bytes.iter().all(u8::is_ascii_digit) {
            continue;
        }
        let msg = format!(
            "N403 `{}` in {lp} ({whose}) is not a nine-digit ZIP+4; the guide requires ZIP+4 for a US address here",
            zip.text()
        );
        let help = match zip.bytes.get(..5) {
            Some(five) if five.iter().all(u8::is_ascii_digit) => format!(
                "write {0} followed by its four-digit USPS add-on code ({0}NNNN)",
                String::from_utf8_lossy(five)
            ),
            _ => "write the nine-digit ZIP+4, digits only".to_string(),
        };
        report_at(cx, index, zip.loc(), msg).help(help);
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &SIT005,
        &[
            Pass(""),
            PassI(""),
            Edit("N4*SPRINGFIELD*IL*62701", "N4*SPRINGFIELD*IL*62701", true),
            EditI(
                "N4*SPRINGFIELD*IL*62701",
                "N4*SPRINGFIELD*IL*62701-1234",
                true,
            ),
            Edit("N4*SPRINGFIELD*IL*62702", "N4*SPRINGFIELD*IL*62702", false), // the subscriber's
            Edit("N4*SPRINGFIELD*IL*62701", "N4*TORONTO*ON*M5V2T6*CA", false),
            Edit(
                "HI*",
                "HI*ABK:M810~NM1*77*2*INFUSION CENTER*****XX*1234567893~N3*5 OAK ST~N4*SPRINGFIELD*IL*62703",
                true,
            ),
        ],
    );
    let d = diags[2].iter().find(|d| d.code == "SIT005").unwrap();
    assert_eq!(d.severity, claimlint_diagnostic::Severity::Warning);
    assert_eq!(
        d.help.as_deref(),
        Some("write 62701 followed by its four-digit USPS add-on code (62701NNNN)")
    );
}

/// A pay-to address whose NM1*87 is missing (its N3/N4 after the billing provider's REF) is
/// STR002's finding; its N4 is not judged as a second billing provider address.
#[test]
fn an_orphan_pay_to_address_is_not_the_billing_providers() {
    use crate::test::{P837, codes};
    let at = P837.find("REF*EI*").unwrap();
    let end = at + P837[at..].find('~').unwrap() + 1;
    let orphan = format!(
        "{}N3*1 PAY ST~N4*MIAMI*FL*33111~{}",
        &P837[..end],
        &P837[end..]
    );
    let orphan = orphan.replacen("SE*28*", "SE*30*", 1);
    assert!(!codes(&orphan).contains(&"SIT005"), "{:?}", codes(&orphan));
}
