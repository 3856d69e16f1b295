//! Envelope segments with a separator slip (`claimlint_x12::slip`): one element separator too
//! many (`GE**1*1`), an element left out with its separator (`SE*0001`), or two values run
//! together, the separator between them left out (`SE*280001`). Each envelope rule
//! reads the segment as meant (the values where they belong); the rule of the element the
//! slip displaced first reports it, once: ENV010 on a GS, ENV003 on a trailer's count (SE01,
//! GE01, IEA01), ENV002 on a control number (SE02, GE02, IEA02, ST02), ENV005 on an ST01
//! left out (the set is skipped: its ST01 is unknown), ENV001 on the ISA. An ST or SE with one
//! separator too many, and ST01 and ST02 run together (`ST*8370001*…`), are the guide walk's,
//! as any segment of the set (SYN007 or SYN008 with the slip in its help,
//! `syntax::realigned_help`). The finding is marked as the root of the slip, so the
//! segment's other findings (SYN004 for the value pushed past the last element, SYN007 for an
//! element read empty) follow from it (`suppress::realigned`).

use super::counts::number;
use crate::Ctx;
use claimlint_diagnostic::{Diagnostic, Fix, Realigned, Safety};
use claimlint_x12::envelope::{Group, Interchange, TxFrame};
use claimlint_x12::slip::{self, Read, Slip};
use claimlint_x12::{Segment, delims::show_byte};

/// The ST of `tx` as meant.
pub(crate) fn st<'s, 'a>(tx: &'s TxFrame<'a>) -> Read<'s, 'a> {
    Read::st(&tx.st)
}

/// The SE of `tx` as meant: SE01 the number of segments, SE02 the ST02 (as meant).
pub(crate) fn se<'s, 'a>(tx: &'s TxFrame<'a>) -> Option<Read<'s, 'a>> {
    let se = tx.se.as_ref()?;
    let st02 = st(tx).value(2);
    let count = u64::from(tx.segment_count);
    let fits = |n: usize, v: &[u8]| match n {
        1 => number(v) == Some(count),
        _ => v == st02,
    };
    Some(Read {
        seg: se,
        // SE02 is the ST02, byte for byte: of SE01 and SE02 run together, one split is read.
        slip: slip::find(se, (2, &|n| (n == 2).then_some(st02.len())), &fits),
    })
}

/// The GE02 of `group` as written (what chooses between readings of a GS with a slip).
pub(crate) fn ge02<'a>(group: &Group<'a>) -> Option<&'a [u8]> {
    group.ge.as_ref().map(|ge| ge.value(2))
}

/// The GS of `group` as meant (GE02 chooses between places an element left out could be, and
/// between splits of two values run together).
pub(crate) fn gs<'s, 'a>(group: &'s Group<'a>) -> Option<Read<'s, 'a>> {
    let gs = group.gs.as_ref()?;
    Some(Read {
        seg: gs,
        slip: claimlint_model::gs::slip(gs, ge02(group)),
    })
}

/// The GE of `group` as meant: GE01 the number of sets (those whose ST is missing counted
/// too, as the sender did), GE02 the GS06 (as meant).
pub(crate) fn ge<'s, 'a>(group: &'s Group<'a>) -> Option<Read<'s, 'a>> {
    let ge = group.ge.as_ref()?;
    let gs06 = gs(group).map(|g| g.value(6));
    let counts = [group.count as u64, (group.count + group.headless) as u64];
    let fits = |n: usize, v: &[u8]| match n {
        1 => number(v).is_some_and(|c| counts.contains(&c)),
        _ => gs06 == Some(v),
    };
    Some(Read {
        seg: ge,
        // GE02 is the GS06 (no GE02 fits without one): one split of two run together.
        slip: slip::find(
            ge,
            (2, &|n| (n == 2).then_some(gs06.map_or(0, <[u8]>::len))),
            &fits,
        ),
    })
}

/// The ISA of `ic` as meant: with its separator slip (`…*ZZRECEIVER       *…`, two elements
/// run together, or one separator too many; ENV001's finding) undone, as the header reads it.
pub(crate) fn isa<'s, 'a>(ic: &'s Interchange<'a>) -> Read<'s, 'a> {
    Read {
        seg: &ic.isa,
        slip: ic.header.slip,
    }
}

/// The IEA of `ic` as meant: IEA01 the number of groups, IEA02 the ISA13.
pub(crate) fn iea<'s, 'a>(ic: &'s Interchange<'a>) -> Option<Read<'s, 'a>> {
    let iea = ic.iea.as_ref()?;
    let groups = ic.groups.iter().filter(|g| g.gs.is_some()).count() as u64;
    let isa13 = ic.header.elements[12];
    let fits = |n: usize, v: &[u8]| match n {
        1 => number(v) == Some(groups),
        _ => v == isa13,
    };
    Some(Read {
        seg: iea,
        // IEA02 is the ISA13: one split of two run together.
        slip: slip::find(iea, (2, &|n| (n == 2).then_some(isa13.len())), &fits),
    })
}

/// Reports the slip of `r` (when it has one) on the element it displaced first: what slipped,
/// and as help the segment as meant, with `fill` for an element left out (when it is known),
/// else where the element belongs. Marked as the root of the slip (`Realigned`). With `fix`
/// (a rule whose fixes are safe), the segment as meant replaces it when it is known whole.
pub(crate) fn report<'c>(
    cx: &'c mut Ctx<'_>,
    r: Read<'_, '_>,
    (defined, fill): (usize, Option<&[u8]>),
    fix: bool,
) -> Option<&'c mut Diagnostic> {
    let slip = r.slip?;
    let seg: &Segment<'_> = r.seg;
    let id = String::from_utf8_lossy(seg.id()).into_owned();
    let shown = |n: usize| String::from_utf8_lossy(seg.value(n)).into_owned();
    let k = slip.at();
    let message = match slip {
        Slip::Extra(_) => format!(
            "{id} has one element separator `{}` too many after `{}`: {id}{k:02} reads empty \
             and the values from `{}` on stand one element late",
            show_byte(seg.delims.element),
            if k == 1 { id.clone() } else { shown(k - 1) },
            shown(k + 1)
        ),
        Slip::LeftOut(_) => format!(
            "{id}{k:02} is left out before `{0}`: the values from `{0}` on stand one element \
             early",
            shown(k)
        ),
        Slip::Joined { .. } => joined_message(r, &id, k),
        Slip::Unsplit { .. } => unsplit_message(r, &id, k),
    };
    let meant = match (slip, fill) {
        (Slip::LeftOut(_) | Slip::Unsplit { .. }, None) => None,
        (_, fill) => Some(r.text(defined, fill.unwrap_or_default())),
    };
    // A terminator that is a line break is not shown.
    let term = Some(char::from(seg.delims.segment)).filter(char::is_ascii_graphic);
    let help = match &meant {
        None if let Slip::Unsplit { splits, .. } = slip => unsplit_help(r, &id, splits),
        None => format!(
            "write {id}{k:02} before `{}`, with its separator (read so, the other values are \
             valid)",
            shown(k)
        ),
        Some(text) => format!(
            "write `{text}{}`: read so, the segment is valid",
            term.map(String::from).unwrap_or_default()
        ),
    };
    let d = cx.report(seg.element_loc(k), message);
    d.help = Some(help);
    if let (true, Some(text)) = (fix, meant) {
        d.fix = Some(Fix::replace(&seg.loc(), text, Safety::Safe));
    }
    d.realigned = Some(match slip {
        Slip::Extra(_) => Realigned::Root,
        Slip::LeftOut(_) | Slip::Joined { .. } | Slip::Unsplit { .. } => Realigned::DroppedRoot,
    });
    Some(d)
}

/// The end of a message about two values run together: the values from `next`, the first
/// written after them, on stand one element early (nothing when none is written).
fn early(next: &[u8]) -> String {
    if next.is_empty() {
        return String::new();
    }
    format!(
        ", and the values from `{}` on stand one element early",
        String::from_utf8_lossy(next)
    )
}

/// The message of two values run together at element `k` of `r`: the two values, the
/// separator missing between them, and what stands one element early since.
fn joined_message(r: Read<'_, '_>, id: &str, k: usize) -> String {
    let show = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
    let early = early(r.value(k + 2));
    format!(
        "{id}{k:02} `{}` is {id}{k:02} `{}` and {id}{:02} `{}` run together: the element \
         separator `{}` between them is missing{early}",
        show(r.seg.value(k)),
        show(r.value(k)),
        k + 1,
        show(r.value(k + 1)),
        show_byte(r.seg.delims.element),
    )
}

/// The message of two values run together at element `k` of `r` where the values do not tell
/// the split ([`Slip::Unsplit`]): the segment is one element short, the element that holds
/// the two, and the values that stand one element early.
fn unsplit_message(r: Read<'_, '_>, id: &str, k: usize) -> String {
    let show = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
    let early = early(r.seg.value(k + 1));
    format!(
        "{id} has one element too few: {id}{k:02} `{}` holds {id}{k:02} and {id}{:02} run \
         together, the element separator `{}` between them missing{early}",
        show(r.seg.value(k)),
        k + 1,
        show_byte(r.seg.delims.element),
    )
}

/// What GS element `n` holds, named in a help that says where two values divide.
fn what(id: &str, n: usize) -> &'static str {
    match (id, n) {
        ("GS", 2) => " (the sender's code)",
        ("GS", 3) => " (the receiver's code)",
        ("GS", 4) => " (the date)",
        ("GS", 5) => " (the time)",
        ("GS", 6) => " (the control number)",
        _ => "",
    }
}

/// The help of two values run together at `r`'s slip where the values do not tell the split
/// (`splits`, [`Slip::Unsplit`]): where the separator may go, the choices written out when
/// four or fewer, else the characters after which (counted in characters, not bytes). When
/// the two hold the control number (GS06), GE02 repeats none of its choices (it would have
/// decided the split): ENV002 says so, and the other values are not claimed valid.
fn unsplit_help(r: Read<'_, '_>, id: &str, splits: u64) -> String {
    let seg = r.seg;
    let k = r.slip.map_or(0, Slip::at);
    let value = seg.value(k);
    let show = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
    let sep = show_byte(seg.delims.element);
    let places: Vec<usize> = claimlint_model::gs::split_places(splits).collect();
    let choices = if places.len() <= 4 {
        let shown: Vec<String> = places
            .iter()
            .map(|&i| format!("`{}{sep}{}`", show(&value[..i]), show(&value[i..])))
            .collect();
        format!("one of {}", or_list(&shown))
    } else {
        // More than four splits read valid only where the two are codes of 2 to 15 characters
        // (GS02 and GS03; every other pair has a fixed or a few lengths): the splits are
        // then every length the two allow, one run of characters.
        let chars = |i: usize| show(&value[..i]).chars().count();
        let (first, last) = (places[0], places[places.len() - 1]);
        format!(
            "after any of characters {} to {}",
            chars(first),
            chars(last)
        )
    };
    let rest = if id == "GS" && (k == 6 || k + 1 == 6) {
        ""
    } else {
        "; read so, the other values are valid"
    };
    format!(
        "write the element separator `{sep}` inside `{}` where {id}{k:02}{} ends and \
         {id}{:02}{} begins: the values alone do not tell where ({choices}){rest}",
        show(value),
        what(id, k),
        k + 1,
        what(id, k + 1)
    )
}

/// `a`, `a or b`, `a, b or c`.
pub(crate) fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use crate::test::{P837, codes, run};

    /// `P837` with its segment `from` (whole, without terminator) written `to`.
    fn with(from: &str, to: &str) -> String {
        let text = P837.replacen(&format!("{from}~"), &format!("{to}~"), 1);
        assert_ne!(text, P837, "{from}");
        text
    }

    /// One finding per envelope slip, the codes before (as written, RULES.md "One root cause,
    /// one error" broken) → after: SE01 left out (ENV002 + ENV003 + SYN007 → ENV003), one
    /// separator too many in IEA (ENV002 + ENV003 + SYN004 → ENV003), GE (ENV003 + SYN004 →
    /// ENV003), GE02 (ENV002 + SYN004 → ENV002), ST (ENV002 + ENV005 ×2, the set skipped →
    /// SYN007, the set read), and an element left out of the ST (ENV002 + ENV005 or SYN002 → one).
    #[test]
    fn an_envelope_slip_is_one_finding() {
        let cases = [
            ("SE*28*0001", "SE*0001", "ENV003", "SE*28*0001~"),
            ("SE*28*0001", "SE**28*0001", "SYN007", "SE*28*0001~"),
            ("SE*28*0001", "SE*28**0001", "SYN007", "SE*28*0001~"),
            (
                "IEA*1*000000001",
                "IEA**1*000000001",
                "ENV003",
                "IEA*1*000000001~",
            ),
            (
                "IEA*1*000000001",
                "IEA*1**000000001",
                "ENV002",
                "IEA*1*000000001~",
            ),
            // IEA01 left out: `000000001` reads as the count too, so nothing is displaced;
            // IEA02 is missing, one finding.
            ("IEA*1*000000001", "IEA*000000001", "ENV002", "`000000001`"),
            ("GE*1*1", "GE**1*1", "ENV003", "GE*1*1~"),
            ("GE*1*1", "GE*1**1", "ENV002", "GE*1*1~"),
            (
                "ST*837*0001*005010X222A1",
                "ST*837**0001*005010X222A1",
                "SYN007",
                "ST*837*0001*005010X222A1~",
            ),
            (
                "ST*837*0001*005010X222A1",
                "ST**837*0001*005010X222A1",
                "SYN007",
                "ST*837*0001*005010X222A1~",
            ),
            (
                "ST*837*0001*005010X222A1",
                "ST*837*0001**005010X222A1",
                "SYN004",
                "ST*837*0001*005010X222A1~",
            ),
            (
                "ST*837*0001*005010X222A1",
                "ST*837*005010X222A1",
                "ENV002",
                "ST*837*0001*005010X222A1~",
            ),
            (
                "ST*837*0001*005010X222A1",
                "ST*0001*005010X222A1",
                "ENV005",
                "ST*837*0001*005010X222A1~",
            ),
            // Two values run together, the separator between them left out: the count's
            // finding on a trailer (not also ENV002 for the control number read empty, nor
            // SYN007); ENV002 for ST02 and ST03 (not SYN002 for a 16-character ST02); the
            // guide walk's SYN008 for ST01 and ST02 (not ENV005, the set skipped, and ENV002).
            ("SE*28*0001", "SE*280001", "ENV003", "SE*28*0001~"),
            ("GE*1*1", "GE*11", "ENV003", "GE*1*1~"),
            (
                "IEA*1*000000001",
                "IEA*1000000001",
                "ENV003",
                "IEA*1*000000001~",
            ),
            (
                "ST*837*0001*005010X222A1",
                "ST*837*0001005010X222A1",
                "ENV002",
                "ST*837*0001*005010X222A1~",
            ),
            (
                "ST*837*0001*005010X222A1",
                "ST*8370001*005010X222A1",
                "SYN008",
                "ST*837*0001*005010X222A1~",
            ),
        ];
        for (from, to, code, meant) in cases {
            let text = with(from, to);
            let found = run(&text);
            let got: Vec<_> = found.iter().map(|d| d.code).collect();
            assert_eq!(got, [code], "{to}: {found:#?}");
            let help = found[0].help.as_deref().unwrap_or_default();
            assert!(help.contains(meant), "{to}: {help}");
        }
    }

    /// One separator too many at any place of the GS: one ENV010 on the empty element it
    /// made (not ENV002, ENV005, SYN004 and an ENV010 per value out of place), whose help
    /// writes the GS as meant; the set is read with the guide where it belongs.
    #[test]
    fn one_separator_too_many_in_the_gs() {
        let gs = "GS*HC*SENDER*RECEIVER*20260120*1200*1*X*005010X222A1";
        let elements: Vec<&str> = gs.split('*').collect();
        for k in 1..=8 {
            let mut extra = elements.clone();
            extra.insert(k, "");
            let text = with(gs, &extra.join("*"));
            let found = run(&text);
            let got: Vec<_> = found.iter().map(|d| (d.code, d.loc.element)).collect();
            assert_eq!(got, [("ENV010", Some(k as u8))], "GS{k:02}: {found:#?}");
            let help = found[0].help.as_deref().unwrap_or_default();
            assert!(help.contains(&format!("`{gs}~`")), "{help}");
            // The set is checked: a defect inside it is found beside the slip.
            let bad = text.replacen("N3*12 ELM ST~", "NM2*12 ELM ST~", 1);
            assert_eq!(codes(&bad), ["ENV010", "SYN001"], "GS{k:02}");
        }
    }

    /// Two GS values run together at any place where one split reads every value right: one
    /// ENV010 on the element that holds them (not one per value one element early, ENV002 for
    /// GS06, ENV005 for GS08), whose help writes the GS as meant; the set is read. GS02 and
    /// GS03 (two codes of 2 to 15 characters) split many ways: not read as run together.
    #[test]
    fn two_gs_values_run_together() {
        let gs = "GS*HC*SENDER*RECEIVER*20260120*1200*1*X*005010X222A1";
        let elements: Vec<&str> = gs.split('*').collect();
        for k in [1, 3, 4, 5, 6, 7] {
            let mut joined: Vec<String> = elements.iter().map(|e| e.to_string()).collect();
            let second = joined.remove(k + 1);
            joined[k].push_str(&second);
            let text = with(gs, &joined.join("*"));
            let found = run(&text);
            let got: Vec<_> = found.iter().map(|d| (d.code, d.loc.element)).collect();
            assert_eq!(got, [("ENV010", Some(k as u8))], "GS{k:02}: {found:#?}");
            assert!(
                found[0].message.contains("run together"),
                "{}",
                found[0].message
            );
            let help = found[0].help.as_deref().unwrap_or_default();
            assert!(help.contains(&format!("`{gs}~`")), "{help}");
            let bad = text.replacen("N3*12 ELM ST~", "NM2*12 ELM ST~", 1);
            assert_eq!(codes(&bad), ["ENV010", "SYN001"], "GS{k:02}");
        }
        // GE02 wrong as well: ENV002 against GS06 as meant (`1`), not the `12001` written.
        let text = with(gs, "GS*HC*SENDER*RECEIVER*20260120*12001*X*005010X222A1");
        let wrong = text.replacen("GE*1*1~", "GE*1*7~", 1);
        let found = run(&wrong);
        let env002 = found.iter().find(|d| d.code == "ENV002").expect("ENV002");
        assert_eq!(env002.message, "GE02 `7` does not match GS06 `1`");
    }

    /// The ST as meant is the set's: with one separator too many its guide is read where it
    /// belongs and its claims are checked, and SE02 is compared with its ST02.
    #[test]
    fn a_slipped_st_is_read_as_meant() {
        let text = with("ST*837*0001*005010X222A1", "ST*837**0001*005010X222A1");
        let bad = text.replacen("N3*12 ELM ST~", "NM2*12 ELM ST~", 1);
        assert_eq!(codes(&bad), ["SYN001", "SYN007"]);
        let wrong = text.replacen("SE*28*0001~", "SE*28*0002~", 1);
        let found = run(&wrong);
        let env002 = found.iter().find(|d| d.code == "ENV002").expect("ENV002");
        assert_eq!(env002.message, "SE02 `0002` does not match ST02 `0001`");
    }

    /// A trailer whose values do not read right either way is not a slip: each value is
    /// reported as written (`GE**2*1` with one set: GE01 reads `2` once the separator is out,
    /// which is not the count).
    #[test]
    fn no_slip_without_a_valid_reading() {
        assert_eq!(
            codes(&with("GE*1*1", "GE**2*1")),
            ["ENV002", "ENV003", "SYN004"]
        );
        // SE02 missing at the end: nothing displaced; as before.
        assert_eq!(codes(&with("SE*28*0001", "SE*28")), ["ENV002", "SYN007"]);
    }

    /// The slip's fix writes the segment as meant, and applying it leaves a clean file.
    #[test]
    fn the_fix_writes_the_segment_as_meant() {
        for (from, to) in [
            ("SE*28*0001", "SE*0001"),
            ("SE*28*0001", "SE*280001"),
            ("GE*1*1", "GE*11"),
            ("IEA*1*000000001", "IEA*1000000001"),
            ("GE*1*1", "GE**1*1"),
            ("IEA*1*000000001", "IEA*1**000000001"),
        ] {
            let text = with(from, to);
            let found = run(&text);
            let fix = found[0].fix.as_ref().expect("a fix");
            let fixed = format!(
                "{}{}{}",
                &text[..fix.start],
                fix.replacement,
                &text[fix.end..]
            );
            assert_eq!(fixed, P837, "{to}");
        }
    }
}
