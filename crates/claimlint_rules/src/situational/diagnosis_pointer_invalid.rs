use crate::{Ctx, declare_rule};
use claimlint_model::ServiceLine;

declare_rule! {
    /// ## What it does
    /// Checks each diagnosis code pointer of an 837P service line (SV107-1 to SV107-4): it
    /// must be 1–12 and point at a diagnosis the claim's HI actually carries (TR3 2400 SV107
    /// note: pointers refer to the position of the code in the 2300 HI segment). It replaces
    /// SYN008 for SV107, whose code list is 1–12 as written there (`01` and `-1` are numbers
    /// but not pointers). A pointer that is no whole number at all (`1.00`, `A`, `+1`) is
    /// SYN003's, the syntax error a 999 reports; this rule leaves it alone. A diagnosis
    /// written with its qualifier or its code left empty (`HI*ABK:M810*:E119`) keeps its
    /// place in the list: SYN007 names what is empty, and a pointer at it is not also this
    /// rule's.
    /// ## Why it matters
    /// A pointer past the diagnosis list links the service to nothing; the line is denied
    /// for lack of medical necessity or the claim is rejected (277CA A7/255).
    /// ## Example
    /// `HI*ABK:M810~ ... SV1*HC:96372*60*UN*1***1:2~` (only one diagnosis)
    /// ## Fix
    /// Point at diagnoses that exist: `SV1*HC:96372*60*UN*1***1~`, or add the second code to
    /// HI: `HI*ABK:M810*ABF:E119~`.
    code: SIT001, name: "diagnosis-pointer-invalid", severity: Error, snip: 4,
    // A value outside the guide's list (`0`, `13`, `01`) is a code the 999 rejects (IK403 7);
    // a pointer in the list past the claim's diagnoses is no syntax error: not coded.
    x999: PerFinding,
    check: Line(diagnosis_pointer_invalid),
}

fn diagnosis_pointer_invalid(line: &ServiceLine<'_>, cx: &mut Ctx<'_>) {
    let (Some(claim), Some(pointers)) = (cx.claim(), line.pointers()) else {
        return;
    };
    if !line.sv.is_some_and(|s| s.is(b"SV1")) {
        return;
    }
    let present = claim.diagnoses.iter().filter(|d| d.ordinal > 0).count();
    // No diagnosis at all is SIT002's finding; every pointer would repeat it.
    if present == 0 {
        return;
    }
    // A diagnosis written with its qualifier or its code left empty (`HI*ABK:M810*:E119`,
    // `…*ABF:`) still holds its place in the list (SYN007 names what is empty): a pointer
    // at it, or past it, is not also this rule's. Counted only for a pointer past the others
    // (most lines point inside the list).
    let (mut present, mut counted) = (present, false);
    // Components 1–4 (`pointers.component(n)`) read in place, in one pass; one is made an
    // element only for a finding.
    let sep = pointers.delims.component;
    for (k, bytes) in pointers.bytes.split(|&b| b == sep).take(4).enumerate() {
        let n = k + 1;
        // A value that is no N0 number at all (`A`, `1.00`, `+1`, `1.`) is SYN003's: the 999
        // reports it as a syntax error (IK403 6), and the validator reads N0 as this does.
        // An empty component is no pointer (SYN006/SYN007 say what is wrong with it).
        if bytes.is_empty() || !claimlint_ig::is_numeric(bytes) {
            continue;
        }
        let pointer = as_pointer(bytes);
        if pointer.is_some_and(|v| v <= present.min(12)) {
            continue;
        }
        if !counted {
            (present, counted) = (present + damaged_diagnoses(claim), true);
            if pointer.is_some_and(|v| v <= present.min(12)) {
                continue;
            }
        }
        let limit = present.min(12);
        let Some(p) = pointers.component(n) else {
            continue;
        };
        let codes = if present == 1 {
            "1 diagnosis code".to_string()
        } else {
            format!("{present} diagnosis codes")
        };
        let msg = match pointer {
            Some(v) => format!(
                "SV107-{n} `{}` in 2400 points at diagnosis {v}, but HI in 2300 of claim {} has {codes}",
                p.text(),
                claim.id_text()
            ),
            None => format!(
                "SV107-{n} `{}` in 2400 is not a diagnosis pointer (1–12)",
                p.text()
            ),
        };
        // `01` means diagnosis 1, but the guide's list (DE 1328) holds `1`, not `01`.
        let help = match unpadded(p.bytes) {
            Some(v) if pointer.is_none() && (1..=limit).contains(&v) => {
                format!("write SV107-{n} as {v}, without leading zeros")
            }
            _ => format!("point at one of the claim's diagnoses, 1 to {limit}"),
        };
        let d = cx.report(p.loc(), msg).help(help);
        if pointer.is_none() && p.bytes.len() <= 2 {
            d.ack = Some(claimlint_diagnostic::Ack999::Element("7"));
        }
    }
}

/// The diagnoses of `claim`'s HI segments written with their qualifier or their code left
/// empty, which the claim's list ([`claimlint_model::Diagnosis`]) leaves out: a composite
/// under a diagnosis qualifier (ABK, ABF, BK, BF) with no code, or one with a code and no
/// qualifier in an HI that begins with a diagnosis.
fn damaged_diagnoses(claim: &claimlint_model::Claim<'_>) -> usize {
    fn part<'a>(e: &claimlint_x12::Element<'a>, n: usize) -> &'a [u8] {
        e.component(n).map_or(&[], |c| c.bytes)
    }
    let diagnosis = |q: &[u8]| matches!(q, b"ABK" | b"ABF" | b"BK" | b"BF");
    claim
        .hi
        .iter()
        .filter(|hi| hi.element(1).is_some_and(|e| diagnosis(part(&e, 1))))
        .flat_map(|hi| hi.elements())
        .filter(|e| {
            let (q, code) = (part(e, 1), part(e, 2));
            (diagnosis(q) && code.is_empty()) || (q.is_empty() && !code.is_empty())
        })
        .count()
}

/// A pointer as the guide's list writes it (DE 1328: `1` to `12`, no sign, no leading zero).
fn as_pointer(v: &[u8]) -> Option<usize> {
    let n = unpadded(v)?;
    (v.first() != Some(&b'0') && (1..=12).contains(&n)).then_some(n)
}

/// The value of digits that are at most two once leading zeros are dropped (`01` is 1, `0` is
/// 0); None for anything else (a sign, more digits).
fn unpadded(v: &[u8]) -> Option<usize> {
    let start = v.iter().position(|&b| b != b'0').unwrap_or(v.len());
    let digits = v.get(start..)?;
    if v.is_empty() || digits.len() > 2 || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0, |acc, &b| acc * 10 + usize::from(b - b'0')),
    )
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases, edit};
    let twelve = edit(
        crate::test::P837,
        "HI*",
        "HI*ABK:M810*ABF:E119*ABF:E118*ABF:E1165*ABF:E1122*ABF:I10*ABF:I2510*ABF:J449\
         *ABF:N183*ABF:E785*ABF:K219*ABF:M1990",
    );
    let line = |pointers: &str| {
        edit(
            &twelve,
            "SV1*HC:96372",
            &format!("SV1*HC:96372*60*UN*1***{pointers}"),
        )
    };
    let (all_four, last, thirteen) = (line("1:2:3:4"), line("12"), line("13"));
    let diags = check_cases(
        &SIT001,
        &[
            Pass(""),
            PassI(""),
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***1:2", true),
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***13", true),
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***0", true),
            Whole(
                &crate::test::edit(
                    &crate::test::edit(crate::test::P837, "HI*", "HI*ABK:M810*ABF:E119"),
                    "SV1*HC:96372",
                    "SV1*HC:96372*60*UN*1***2:1",
                ),
                false,
            ),
            // Numbers (N0) that the guide's list (1–12) does not hold.
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***01", true), // 6
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***-1", true), // 7
            Edit("SV1*HC:96372", "SV1*HC:96372*60*UN*1***123", true),
            // Twelve diagnoses: every pointer 1–12 is valid, 13 is not.
            Whole(&all_four, false),
            Whole(&last, false),
            Whole(&thirteen, true), // 11
        ],
    );
    let d = diags[2].iter().find(|d| d.code == "SIT001").unwrap();
    assert_eq!(
        d.message,
        "SV107-2 `2` in 2400 points at diagnosis 2, but HI in 2300 of claim PAT1001-01 has 1 diagnosis code"
    );
    assert_eq!((d.loc.element, d.loc.component), (Some(7), Some(2)));
    let d = diags[6].iter().find(|d| d.code == "SIT001").unwrap();
    assert_eq!(
        d.message,
        "SV107-1 `01` in 2400 is not a diagnosis pointer (1–12)"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("write SV107-1 as 1, without leading zeros")
    );
    let d = diags[11].iter().find(|d| d.code == "SIT001").unwrap();
    assert_eq!(
        d.message,
        "SV107-1 `13` in 2400 is not a diagnosis pointer (1–12)"
    );
}

/// One bad pointer, one finding: a pointer that is no whole number is SYN003 alone (coded
/// for the 999 as IK403 6, invalid character), on its own component; its neighbours are still
/// judged by this rule.
#[test]
fn a_pointer_that_is_no_number_is_syn003_alone() {
    use claimlint_diagnostic::Ack999;
    let run = |pointers: &str| {
        crate::test::run(&crate::test::edit(
            crate::test::P837,
            "SV1*HC:96372",
            &format!("SV1*HC:96372*60*UN*1***{pointers}"),
        ))
    };
    for (pointers, comp) in [
        ("1.00", 1),
        ("A", 1),
        ("+1", 1),
        ("1.", 1),
        ("1.5", 1),
        (" 1", 1),
        ("1:2.0", 2),
        ("1:X", 2),
    ] {
        let d = run(pointers);
        let found: Vec<_> = d
            .iter()
            .map(|d| (d.code, d.loc.element, d.loc.component))
            .collect();
        assert_eq!(
            found,
            [("SYN003", Some(7), Some(comp))],
            "{pointers}: {d:#?}"
        );
        assert_eq!(d[0].ack, Some(Ack999::Element("6")), "{pointers}");
        assert!(
            d[0].message.ends_with("is not a whole number"),
            "{}",
            d[0].message
        );
    }
    // `2.0` is no number; `5` is one, past the claim's one diagnosis.
    let d = run("1:2.0:5");
    let found: Vec<_> = d.iter().map(|d| (d.code, d.loc.component)).collect();
    assert_eq!(found, [("SYN003", Some(2)), ("SIT001", Some(3))], "{d:#?}");
    // A pointer in the guide's list but past the diagnoses is no syntax error for the 999;
    // one outside the list (`0`, `13`, `01`, `-1`) is an invalid code (IK403 7), as pyx12
    // reads it too.
    assert_eq!(d[1].ack, None);
    for pointers in ["0", "13", "01", "-1"] {
        let d = run(pointers);
        let found: Vec<_> = d.iter().map(|d| (d.code, d.ack)).collect();
        assert_eq!(
            found,
            [("SIT001", Some(Ack999::Element("7")))],
            "{pointers}: {d:#?}"
        );
    }
}

#[test]
fn pointers_as_the_list_writes_them() {
    assert_eq!(as_pointer(b"1"), Some(1));
    assert_eq!(as_pointer(b"12"), Some(12));
    for v in [&b"0"[..], b"13", b"01", b"012", b"-1", b"123", b""] {
        assert_eq!(as_pointer(v), None, "{}", String::from_utf8_lossy(v));
    }
    assert_eq!(unpadded(b"01"), Some(1));
    assert_eq!(unpadded(b"0"), Some(0));
    assert_eq!(unpadded(b"-1"), None);
    assert_eq!(unpadded(b"100"), None);
}
