use super::{Found, code_list, findings};
use crate::{Ctx, declare_rule};
use claimlint_ig::{
    Codes, ElementDef, ElementIssue, Placement, SegmentDef, Usage, is_qualifier_dependent,
};
use claimlint_model::{Kind, Transaction};

declare_rule! {
    /// ## What it does
    /// Checks an ID element against the code list the implementation guide gives for that
    /// element at that position: NM108, CLM05-2, SV103, 2320 AMT01, the HI qualifiers, the
    /// state codes of N402. Lists that change faster than the guide (place of service,
    /// remark codes) are left to their own rules (CODE005).
    /// ## Why it matters
    /// An invalid code is a 999 IK4 code 7 rejection; a code of another loop (AMT*F2 in
    /// 2320, which is a 4010 code) means the payer cannot read the amount.
    ///
    /// A qualifier written as another definition's code (`NM1*87` where the billing
    /// provider's `NM1*85` belongs, `NM1*IL` for the payer's `NM1*PR`, 837I `DTP*435` for the
    /// statement dates' `DTP*434`) would open another loop or stand for another segment, and
    /// every value of it would then look wrong, the loop meant missing and the other one
    /// repeated. When the guide's structure asks for the definition there and the segment's
    /// values fit it, the segment is read as meant: this one finding names the code, and the
    /// help says what the segment stands for and what the code written is for.
    /// ## Example
    /// `AMT*F2*15~` in 2320; `NM1*87*2*ONCOLOGY CLINIC*****XX*1234567893~` as the 2010AA
    /// billing provider
    /// ## Fix
    /// Use a code the guide lists there: `AMT*A8*15~` (2320 allows D, A8, EAF); `NM1*85*…`.
    code: SYN008, name: "code-value-invalid", severity: Error, snip: 2,
    x999: Always(Element("7")),
    check: Transaction(code_value),
}

/// Province codes of DE 156 (code source 22, Canada Post) that pyx12's `states` list lacks: it
/// still has the retired PQ (Quebec) and NF (Newfoundland) instead. A Quebec address is not an
/// error. TODO(#6): move into the generated list (scripts/gen_ig.py CORRECTIONS).
const CANADA_POST: &[&[u8]] = &[b"NL", b"QC"];

/// SV107 pointers are SIT001's (those that are not N0 numbers reach SYN003 as type errors,
/// not as codes: `validate::check_value`). HI01-1 of the first HI of a claim that lacks its principal
/// diagnosis there is SIT002's, which says more than "not in the list": it is skipped exactly
/// when SIT002 reports it (837P: the first HI must start with ABK/BK; 837I: an ABK/BK
/// anywhere), unless the HI's separators are off.
fn is_sit002_position(tx: &Transaction<'_>, f: &Found<'_, '_>, ref_des: &str) -> bool {
    if ref_des != "HI01-1" {
        return false;
    }
    let Ok(index) = u32::try_from(f.index) else {
        return false;
    };
    // An HI whose separators are off (`HI*ABK>M810`) is reported here, as the slip's root:
    // SIT002 follows from it (`suppress::realigned`).
    if tx.ig().realignment(f.index).is_some() {
        return false;
    }
    tx.claims.iter().any(|c| {
        let first = c.hi.first().is_some_and(|hi| hi.position == f.seg.position);
        let has_principal = c
            .diagnoses
            .iter()
            .any(|d| matches!(d.qualifier.bytes, b"ABK" | b"BK"));
        c.index < index
            && index < c.end
            && first
            && (tx.kind == Kind::Professional || !has_principal)
    })
}

/// ` for DTP*434 (Statement Dates)` when the element's list depends on the segment's qualifier,
/// so the reader sees why a code valid elsewhere (D8) is not valid here.
fn qualified_by(tx: &Transaction<'_>, f: &Found<'_, '_>, elem: usize, comp: usize) -> String {
    let Some(Placement::Placed {
        loop_def, segment, ..
    }) = tx.ig().placement(f.index)
    else {
        return String::new();
    };
    // A composite's own qualifier (HI01-1) heads each composite; naming the segment's first
    // one for HI02-1 would say nothing more than the list does.
    let Some(q) = segment.qualifier.filter(|q| q.comp == 0) else {
        return String::new();
    };
    if !segment.matches(f.seg) || !is_qualifier_dependent(loop_def, segment, elem, comp) {
        return String::new();
    }
    let qual = f.text(q.elem.into(), q.comp.into());
    format!(" of {}*{qual} ({})", segment.id, segment.name)
}

/// The diagnosis codes an 837P HI may hold: HI01 to HI12 of the one diagnosis HI.
const MAX_837P_DIAGNOSES: usize = 12;

/// HI01-1 of an 837P claim's second or later diagnosis HI (`HI*ABK:M810~` then `HI*ABF:I10~`):
/// the walk reads it against the anesthesia (BP) and condition (BG) HIs, the only others 2300
/// has, and its `ABF` is "not in the list". Changing it to BG, as the list would suggest,
/// would turn a diagnosis into a condition code. STR004 reports the claim's spread diagnoses
/// once, with the codes joined into the first HI; this is not another finding.
fn is_spread_diagnosis_hi(tx: &Transaction<'_>, f: &Found<'_, '_>, r: &str) -> bool {
    if tx.kind != Kind::Professional || r != "HI01-1" {
        return false;
    }
    crate::enclosing(tx, f.seg.position).0.is_some_and(|claim| {
        crate::structure::repeat_exceeded::diagnosis_his(claim)
            .skip(1)
            .any(|hi| hi.position == f.seg.position)
    })
}

/// The help for an 837P claim whose diagnosis codes are spread over several HI segments
/// (`seg` is one of them, for its delimiters): the one HI that holds them all, its first code
/// the principal and the others secondary (a repeated ABK read as ABF), or, past 12 codes,
/// that the claim must be split. Never "keep one HI", which would drop diagnoses.
pub(crate) fn joined_diagnoses_help(
    claim: &claimlint_model::Claim<'_>,
    seg: &claimlint_x12::Segment<'_>,
) -> String {
    let codes: Vec<String> = claim
        .diagnoses
        .iter()
        .filter(|d| d.ordinal > 0)
        .enumerate()
        .map(|(k, d)| {
            let q = match (k, d.qualifier.bytes) {
                (0, _) => d.qualifier.text().into_owned(),
                (_, b"ABK") => "ABF".to_string(),
                (_, b"BK") => "BF".to_string(),
                _ => d.qualifier.text().into_owned(),
            };
            format!("{q}{}{}", char::from(seg.delims.component), d.code.text())
        })
        .collect();
    let sep = char::from(seg.delims.element);
    if codes.len() <= MAX_837P_DIAGNOSES {
        format!(
            "move the codes into the first HI and drop the others: `HI{sep}{}{}`",
            codes.join(&sep.to_string()),
            char::from(seg.delims.segment)
        )
    } else {
        format!(
            "the claim has {} diagnosis codes and an 837P holds {MAX_837P_DIAGNOSES}: keep in \
             the first HI the ones the service lines point at, and bill the rest on another claim",
            codes.len()
        )
    }
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
            d.ref_des.starts_with("SV107") || is_sit002_position(tx, &f, d.ref_des)
        }) {
            continue;
        }
        let r = f.ref_des(elem, comp);
        if is_spread_diagnosis_hi(tx, &f, &r) {
            continue;
        }
        let name = def.map_or("", |d| d.name);
        let msg = format!(
            "{r} `{}` in {} is not a code the guide allows for {name}{}",
            f.text(elem, comp),
            f.loop_name(tx),
            qualified_by(tx, &f, elem, comp)
        );
        let help = match qualifier_left_out(&f, &r, elem) {
            Some(meant) => format!(
                "the qualifier is left out before the procedure code: write `{meant}` (HC for a HCPCS or CPT code)"
            ),
            None => date_format_help(tx, &f, &r)
                .or_else(|| requalified_help(tx, &f, (&r, &f.text(elem, comp)), codes))
                .or_else(|| misplaced_code_help(tx, &f, (elem, comp), codes))
                .unwrap_or_else(|| format!("use one of: {}", code_list(codes))),
        };
        // A line's DTP*573 whose SVD was left out, read as a 2400 date: the SVD is the error.
        let left_out = (elem == 1)
            .then(|| crate::balancing::cob_payment_mismatch::svd_left_out(tx, f.index))
            .flatten();
        let (msg, help, amt) = match left_out {
            Some((msg, help, amt)) => (msg, help, Some(amt)),
            None => (msg, help, None),
        };
        let covers = crate::structure::unexpected_segment::covered_amount(tx, amt);
        f.report(cx, f.loc(elem, comp), msg).help(help).covers = covers;
    }
}

/// For a date's format qualifier the guide does not allow, the date written in a format it
/// does (`DTP*472*TM*20260115`): the code to write, and why (SYN003 leaves the date alone).
fn date_format_help(tx: &Transaction<'_>, f: &super::Found<'_, '_>, r: &str) -> Option<String> {
    let (q, v) = claimlint_model::value::qualified_date_at(f.seg.id())?;
    if !matches!(*f.issue, ElementIssue::CodeInvalid { elem, .. } if elem == q) {
        return None;
    }
    let meant = super::date_format_meant(tx, f.index)?;
    let value = f.seg.element(v)?;
    Some(format!(
        "write {r} as {meant}: {} `{}` is {}",
        value.ref_des(),
        value.text(),
        super::element_type::format_form(meant.as_bytes())
    ))
}

/// For a qualifier written as another definition's code (`NM1*87` where 2010AA's `NM1*85`
/// belongs; the guide check read it as meant): what the segment stands for, and what the code
/// written would have made it.
fn requalified_help(
    tx: &Transaction<'_>,
    f: &super::Found<'_, '_>,
    (r, value): (&str, &str),
    codes: &[&str],
) -> Option<String> {
    let ig = tx.ig();
    let written = ig.requalified(f.index)?;
    let placed = ig.placement(f.index)?;
    // (what the placement is, its name): ("loop 2010AA", "Billing Provider Name").
    let what = |p: &Placement| -> Option<(String, &'static str)> {
        let Placement::Placed {
            loop_def, segment, ..
        } = *p
        else {
            return None;
        };
        Some(if std::ptr::eq(loop_def.starter()?, segment) {
            (format!("loop {}", loop_def.id), loop_def.name)
        } else {
            (format!("{} in {}", segment.id, loop_def.id), segment.name)
        })
    };
    let (meant, name) = what(placed)?;
    let meant = format!("{meant} ({name})");
    // Placed by its id alone, the code written fits none of the loop's definitions.
    let fits = matches!(
        written,
        Placement::Placed {
            qualified: true,
            ..
        }
    );
    let instead = fits.then(|| what(written)).flatten().map_or_else(
        || "fits no loop or segment here".to_string(),
        |(w, name)| format!("is the code of {w}, {name}"),
    );
    Some(format!(
        "this {} stands where {meant} belongs, and its values fit it: write {r} as {} (`{value}` \
         {instead})",
        f.def.id,
        code_list(codes),
    ))
}

/// A code written in the wrong element of its segment (`SBR*P*18*GRP123*SUBSCRIBERPLAN*CI`:
/// `CI` is no Insurance Type Code, but SBR09's Claim Filing Indicator Code): the help that
/// proposes moving it. Only when the guess is unambiguous and safe: exactly one other
/// position of the segment's definition (element or component, used, with a code list)
/// lists the value, and that list is the guide's own (not an external one); that position
/// is empty as written (a value there is its own, and taking
/// its place would be a swap, another guess); neither is the segment's qualifier (the move
/// would make the segment another definition); the segment's separators did not slip (the
/// realignment explains it); and the segment read with the value moved has no finding it
/// does not have now ([`super::moved_value`]). Else `None`: the code list stands.
fn misplaced_code_help(
    tx: &Transaction<'_>,
    f: &Found<'_, '_>,
    at: (usize, usize),
    codes: &[&str],
) -> Option<String> {
    if tx.ig().realignment(f.index).is_some() {
        return None;
    }
    let is_qualifier = |(e, c): (usize, usize)| f.def.is_qualifier_at(e, c);
    let value = f.value(at.0, at.1);
    let mut lists = coded_positions(f.def).filter(|&(p, d)| {
        p != at
            && d.usage != Usage::NotUsed
            && d.codes()
                .is_some_and(|c| c.list().is_some() && c.contains(value))
    });
    let (to, d) = lists.next()?;
    // An external list (ISO 3166's countries) holds most values of its length: `NA` or `ST`
    // written for a state is a placeholder, not Namibia or Sao Tome meant for N404.
    let own_list = matches!(d.codes(), Some(Codes::List(..)));
    if !own_list || lists.next().is_some() || is_qualifier(at) || is_qualifier(to) {
        return None;
    }
    let text = super::moved_value(tx, f, at, to)?;
    let (code, to_ref) = (String::from_utf8_lossy(value), d.ref_des);
    Some(format!(
        "`{code}` is a code of {to_ref} ({}), which is empty: if it was meant for {to_ref}, \
         write `{text}{}`; if not, use one of: {}",
        d.name,
        char::from(f.seg.delims.segment),
        code_list(codes)
    ))
}

/// The simple elements and components of a segment's definition, by position (element,
/// component; 0 for a simple element), with their definitions.
fn coded_positions(
    def: &'static SegmentDef,
) -> impl Iterator<Item = ((usize, usize), &'static ElementDef)> {
    def.elements.iter().enumerate().flat_map(|(k, e)| {
        let components: &'static [ElementDef] = e.composite().map_or(&[], |c| c.components);
        let own = (!e.is_composite()).then_some(((k + 1, 0), e));
        own.into_iter().chain(
            components
                .iter()
                .enumerate()
                .map(move |(j, c)| ((k + 1, j + 1), c)),
        )
    })
}

/// A procedure composite (SV101, SV202) written without its qualifier, its code first
/// (`SV1*J0897:JZ`): the composite as meant, `HC:J0897:JZ`, when the value in the qualifier's
/// place has the shape of a HCPCS or CPT code (five characters: a letter and four digits,
/// five digits, or four digits and a letter).
fn qualifier_left_out(f: &super::Found<'_, '_>, r: &str, elem: usize) -> Option<String> {
    if !matches!(r, "SV101-1" | "SV202-1") {
        return None;
    }
    let code = f.value(elem, 1);
    let digits = |b: &[u8]| b.iter().all(u8::is_ascii_digit);
    let shaped = match code {
        [a, rest @ ..] if rest.len() == 4 && a.is_ascii_uppercase() => digits(rest),
        [head @ .., z] if head.len() == 4 => {
            digits(head) && (z.is_ascii_digit() || z.is_ascii_uppercase())
        }
        _ => false,
    };
    let composite = f.value(elem, 0);
    shaped.then(|| {
        let c = char::from(f.seg.delims.component);
        format!("HC{c}{}", String::from_utf8_lossy(composite))
    })
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &SYN008,
        &[
            Pass(""),
            PassI(""),
            // `XX` is not UN or MJ either: UNT001 on the same element is suppressed.
            Edit("SV1*HC:96372", "SV1*HC:96372*60*XX*1***1", true),
            Edit(
                "N4*SPRINGFIELD*IL*62702",
                "N4*SPRINGFIELD*ZZ*627021234",
                true,
            ), // 2010BA N402
            EditI("CLM*", "CLM*PAT2001-01*2460***13:X:1**A*Y*Y", true),
            Edit("NM1*PR", "NM1*PR*2*MEDICARE PART B*****ZZ*00952", true),
            Edit("N4*SPRINGFIELD*IL*62702", "N4*MONTREAL*QC*H2X1Y4*CA", false),
            // issue 14: DTP02's list depends on DTP01 (837I 2300: 434 takes RD8, 435 D8/DT)
            EditI(
                "DTP*434",
                "DTP*434*RD8*20260115-20260115~DTP*435*D8*20260115",
                false,
            ),
            EditI(
                "DTP*434",
                "DTP*434*RD8*20260115-20260115~DTP*435*DT*202601150800",
                false,
            ),
            EditI(
                "DTP*434",
                "DTP*434*RD8*20260115-20260115~DTP*050*D8*20260116",
                false,
            ),
            EditI(
                "DTP*434",
                "DTP*434*RD8*20260115-20260115~DTP*096*TM*1130",
                false,
            ),
            EditI("DTP*434", "DTP*434*D8*20260115", true),
            // a qualifier the loop does not define: DTP01 only, not DTP02 judged by DTP*096
            EditI(
                "DTP*434",
                "DTP*434*RD8*20260115-20260115~DTP*472*D8*20260115",
                true,
            ),
            Edit("HI*", "HI*ABK:M810~DTP*999*RD8*20260101-20260102", true),
            // A required component left out (`realign`): the values stand one component
            // early, the last required one empty; this is the one finding, not also SYN007.
            Edit("SV1*HC:96372", "SV1*96372*60*UN*1***1", true),
            EditI("SV2*0510", "SV2*0510*96372*60*UN*1", true),
            Edit("CLM*", "CLM*PAT1001-01*2460***11:1*Y*A*Y*Y", true),
            EditI("CLM*", "CLM*PAT2001-01*2460***A:1**A*Y*Y", true),
            Edit("SV1*HC:J0897", "SV1*X*2400*UN*60***1", true),
            // not also DRG002 (revenue code 0636 without a HCPCS code) for the drug line
            EditI("SV2*0636", "SV2*0636*J0897*2400*UN*60", true),
            // A date written in a format the guide allows, under a format code it does not
            // allow: the code is the one finding (not also SYN003 for the date), its help
            // naming the code the date is written in.
            Edit("DTP*472*", "DTP*472*TM*20260115", true),
            EditI("DTP*434*", "DTP*434*D8*20260115-20260115", true),
            Edit("DMG*", "DMG*RD8*19450312*F", true),
        ],
    );
    let helps: Vec<_> = (20..23)
        .map(|k| {
            assert_eq!(diags[k].len(), 1, "{:?}", diags[k]);
            diags[k][0].help.clone().unwrap_or_default()
        })
        .collect();
    assert_eq!(
        helps,
        [
            "write DTP02 as D8: DTP03 `20260115` is a date, CCYYMMDD",
            "write DTP02 as RD8: DTP03 `20260115-20260115` is a date range, CCYYMMDD-CCYYMMDD",
            "write DMG01 as D8: DMG02 `19450312` is a date, CCYYMMDD",
        ]
    );
    let only = |k: usize| -> Vec<(String, String)> {
        diags[k]
            .iter()
            .filter(|d| d.severity == claimlint_diagnostic::Severity::Error)
            .map(|d| (d.code.to_string(), d.message.clone()))
            .collect()
    };
    assert_eq!(
        only(11),
        [(
            "SYN008".to_string(),
            "DTP02 `D8` in 2300 is not a code the guide allows for Date Time Period Format Qualifier of DTP*434 (Statement Dates)".to_string()
        )]
    );
    assert_eq!(diags[11][0].help.as_deref(), Some("use one of: RD8"));
    for k in [12, 13] {
        let errs = only(k);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].1.starts_with("DTP01 `"), "{errs:?}");
    }
    let d12 = diags[12].iter().find(|d| d.code == "SYN008").unwrap();
    assert_eq!(d12.help.as_deref(), Some("use one of: 050, 096, 434, 435"));
    let d = diags[2].iter().find(|d| d.code == "SYN008").unwrap();
    assert!(d.message.starts_with("SV103 `XX` in 2400"), "{}", d.message);
    assert_eq!(d.help.as_deref(), Some("use one of: MJ, UN"));
    // The qualifier left out: the message is about the value as written, the help about
    // the component left out, filled in from the other line's SV101-1.
    assert_eq!(diags[14].len(), 1, "{:?}", diags[14]);
    assert_eq!(
        diags[14][0].message,
        "SV101-1 `96372` in 2400 is not a code the guide allows for Product or Service ID Qualifier"
    );
    assert_eq!(
        diags[14][0].help.as_deref(),
        Some(
            "SV101 reads as if SV101-1 (Product or Service ID Qualifier) was left out before \
             `96372`: the components from `96372` on stand one component early, and SV101's \
             other findings follow from that; written `HC:96372` SV101 is valid"
        )
    );
}

/// Diagnoses spread over several 837P HI segments are STR004's one finding per claim, however
/// the extra HIs begin: never SYN008 with "use BG" (a condition code) for their ABF.
#[test]
fn a_second_diagnosis_hi_is_not_a_code_error() {
    use crate::test::{P837, edit, run};
    let text = edit(P837, "HI*", "HI*ABK:M810*ABF:E119~HI*ABF:I10~HI*ABF:E785")
        .replace("SE*28*", "SE*30*");
    let codes: Vec<_> = run(&text).into_iter().map(|d| d.code).collect();
    assert_eq!(codes, ["STR004"]);
}

/// A code of another element of its segment, written where it is no code (D2: `CI`, a Claim
/// Filing Indicator Code, in SBR05): the help asks whether it was meant there and shows the
/// segment with it moved, only when one other element lists it, that one is empty, and the
/// move leaves the segment no new finding; else the list alone.
#[test]
fn a_code_of_another_element_is_proposed_there() {
    use crate::test::{P837, edit, run};
    let help = |line: &str| -> Vec<(String, Option<String>)> {
        run(&edit(P837, "SBR*", line))
            .into_iter()
            .map(|d| (d.code.to_string(), d.help))
            .collect()
    };
    assert_eq!(
        help("SBR*P*18*GRP123*SUBSCRIBERPLAN*CI"),
        [(
            "SYN008".to_string(),
            Some(
                "`CI` is a code of SBR09 (Claim Filing Indicator Code), which is empty: if it \
                 was meant for SBR09, write `SBR*P*18*GRP123*SUBSCRIBERPLAN*****CI~`; if not, \
                 use one of: 12, 13, 14, 15, 16, 41, 42, 43, 47"
                    .to_string()
            )
        )]
    );
    let list = |code: &str| {
        vec![(
            code.to_string(),
            Some("use one of: 12, 13, 14, 15, 16, 41, 42, 43, 47".to_string()),
        )]
    };
    // SBR09 holds a value: no move.
    assert_eq!(help("SBR*P*18*GRP123**CI****MB"), list("SYN008"));
    // `12` is a code of SBR05 and of SBR09: no guess which (and SBR02 is asked for here;
    // fixtures/rules/SYN008 sbr02-code-of-sbr05-and-sbr09-dependent has the 2000C). `MB` is
    // SBR09's, but SBR02 moved out is asked for (the patient is the subscriber).
    for line in ["SBR*P*12", "SBR*P*MB"] {
        let found = help(line);
        let guessed = |(_, h): &(String, Option<String>)| {
            h.as_deref().is_none_or(|h| h.contains("meant for"))
        };
        assert!(!found.iter().any(guessed), "{found:?}");
    }
    // N402 `GB` is a code of N404, but of an external list (ISO 3166), which holds most
    // two-letter values: no guess (corpus: `NA`, `ST` written for a state).
    let n4 = run(&edit(
        P837,
        "N4*SPRINGFIELD*IL*62702",
        "N4*LONDON*GB*SW1A1AA",
    ));
    assert_eq!(n4.len(), 1, "{n4:?}");
    assert!(
        n4[0]
            .help
            .as_deref()
            .is_some_and(|h| h.starts_with("use one of: ")),
        "{n4:?}"
    );
}
