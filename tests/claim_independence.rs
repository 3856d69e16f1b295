//! A claim's findings depend on the claim, not on the other claims of its set. A segment
//! moved in a claim (a CLM below its first line, an LX below its drug loop, the next line's
//! LX above it, the subscriber's NM1*IL below the payer's) is read as one move by trial walks
//! of the guide (`structure::relocated`, `structure::line_moved`); those trials were counted
//! per set and judged on the whole set, so a claim deep in a batch, or beside a claim with a
//! defect of its own, got several findings where the same claim alone got one. Each case
//! here is checked alone in its set, then among many clean and defective claims: its
//! findings (codes, messages, helps, segment positions counted from the claim's subscriber)
//! are the same.

#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

use claimlint::config::Settings;
use claimlint_rules::engine;

const TEMPLATE: &str = include_str!("../fixtures/templates/837p.x12");

fn segs(text: &str) -> Vec<String> {
    (text.split('~').map(str::trim))
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// A segment moved: the segment, the segment it is written after (or, `true`, before).
type Edit = (&'static str, &'static str, bool);

/// The template's subscriber and claim (from its `HL*2` to before SE), segment `seg` taken
/// out and written again right after `after` (`before`: right before it); none: as is.
fn block(edit: Option<Edit>) -> Vec<String> {
    let mut ss = segs(TEMPLATE);
    if let Some((seg, anchor, before)) = edit {
        let at = ss.iter().position(|s| s == seg).unwrap();
        let moved = ss.remove(at);
        let to = ss.iter().position(|s| s.starts_with(anchor)).unwrap();
        ss.insert(to + usize::from(!before), moved);
    }
    let from = ss.iter().position(|s| s == "HL*2*1*22*0").unwrap();
    let to = ss.iter().position(|s| s.starts_with("SE*")).unwrap();
    ss[from..to].to_vec()
}

/// Block `b` as the `k`th subscriber of a set: its HL id, and (`other`) its claim id and
/// dates told apart from the case's, so no claim is another's duplicate.
fn numbered(b: &[String], k: usize, other: bool) -> Vec<String> {
    b.iter()
        .map(|s| {
            if s == "HL*2*1*22*0" {
                return format!("HL*{}*1*22*0", k + 2);
            }
            if !other {
                return s.clone();
            }
            s.replace("PAT1001-01", &format!("PAT9{k:03}-01"))
                .replace("20260115", &format!("202601{:02}", 1 + k % 14))
        })
        .collect()
}

/// The interchange of the template's header and `blocks`, SE counted.
fn file(blocks: &[Vec<String>]) -> String {
    let ss = segs(TEMPLATE);
    let head_end = ss.iter().position(|s| s == "HL*2*1*22*0").unwrap();
    let se = ss.iter().position(|s| s.starts_with("SE*")).unwrap();
    let mut out: Vec<String> = ss[..head_end].to_vec();
    for b in blocks {
        out.extend(b.iter().cloned());
    }
    let st = out.iter().position(|s| s.starts_with("ST*")).unwrap();
    out.push(format!("SE*{}*0001", out.len() - st + 1));
    out.extend(ss[se + 1..].iter().cloned());
    out.iter().map(|s| format!("{s}~\n")).collect()
}

/// Each "segment N" in `text` counted from `base` (the position of the claim's subscriber HL).
fn relative(text: &str, base: u32) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("segment ") {
        let (head, tail) = rest.split_at(i + "segment ".len());
        out.push_str(head);
        let digits = tail.chars().take_while(char::is_ascii_digit).count();
        let n: u32 = tail[..digits].parse().unwrap_or(0);
        if digits > 0 {
            out.push_str(&format!("{}", i64::from(n) - i64::from(base)));
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

/// The findings of the claim whose subscriber HL stands at position `base` (ST = 1), `len`
/// segments long: code, message, help and segment, counted from `base`. Cross-claim
/// findings (XCL) are about other claims, not this one's reading.
fn findings(text: &str, base: u32, len: u32) -> Vec<(String, String, String, i64)> {
    let o = engine::check(text.as_bytes(), &Settings::default());
    let mut out: Vec<_> = (o.diagnostics.iter())
        .filter(|d| !d.code.starts_with("XCL"))
        .filter(|d| (base..base + len).contains(&d.loc.position))
        .map(|d| {
            (
                d.code.to_string(),
                relative(&d.message, base),
                relative(d.help.as_deref().unwrap_or_default(), base),
                i64::from(d.loc.position) - i64::from(base),
            )
        })
        .collect();
    out.sort();
    out
}

const CLM: &str = "CLM*PAT1001-01*2460***11:B:1*Y*A*Y*Y";
const LIN: &str = "LIN**N4*55513071001";
const IL: &str = "NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73";

#[test]
fn a_claims_findings_do_not_depend_on_its_neighbours() {
    let cases: [(&str, Option<Edit>); 4] = [
        ("CLM below its first line", Some((CLM, "LX*1", false))),
        ("LX*1 below its drug loop", Some(("LX*1", LIN, false))),
        ("LX*2 above the drug loop", Some(("LX*2", LIN, true))),
        ("NM1*IL below NM1*PR", Some((IL, "NM1*PR", false))),
    ];
    let header = segs(TEMPLATE)
        .iter()
        .position(|s| s == "HL*2*1*22*0")
        .unwrap();
    let base_of = |k: usize, len: usize| u32::try_from(header + 1 + k * len).unwrap();
    for (name, edit) in cases {
        let own = block(edit);
        let len = u32::try_from(own.len()).unwrap();
        let alone = findings(
            &file(&[numbered(&own, 0, false)]),
            base_of(0, own.len()),
            len,
        );
        assert_eq!(
            alone.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
            ["STR003"],
            "{name} alone: {alone:#?}"
        );
        // Among 40 claims: clean ones and every case's defect, the case at 31.
        let mut blocks = Vec::new();
        for k in 0..40 {
            let b = match k {
                31 => numbered(&own, k, false),
                _ if k % 4 == 0 => numbered(&block(None), k, true),
                _ => numbered(&block(cases[k % 4].1), k, true),
            };
            blocks.push(b);
        }
        // Blocks differ in length by nothing (a move keeps the count), so positions are even.
        assert!(blocks.iter().all(|b| b.len() == own.len()));
        let among = findings(&file(&blocks), base_of(31, own.len()), len);
        assert_eq!(among, alone, "{name} among other claims");
    }
}

/// A claim with a second defect of its own (its HI holds no principal diagnosis) keeps its
/// findings beside the moves; the moved claims around it get one STR003 each.
#[test]
fn a_second_defect_stays_its_claims_own() {
    let bad = |b: Vec<String>| -> Vec<String> {
        b.into_iter()
            .map(|s| s.replace("HI*ABK:M810", "HI*ABF:M810"))
            .collect()
    };
    let own = bad(block(Some((CLM, "LX*1", false))));
    let len = own.len();
    let header = segs(TEMPLATE)
        .iter()
        .position(|s| s == "HL*2*1*22*0")
        .unwrap();
    let base = |k: usize| u32::try_from(header + 1 + k * len).unwrap();
    let n = u32::try_from(len).unwrap();
    let alone = findings(&file(&[numbered(&own, 0, false)]), base(0), n);
    assert!(alone.iter().any(|f| f.0 == "SIT002"), "{alone:#?}");
    let moved = block(Some((CLM, "LX*1", false)));
    let blocks: Vec<Vec<String>> = (0..6)
        .map(|k| {
            if k == 3 {
                numbered(&own, k, false)
            } else {
                numbered(&moved, k, true)
            }
        })
        .collect();
    let text = file(&blocks);
    assert_eq!(findings(&text, base(3), n), alone);
    for k in [0, 1, 2, 4, 5] {
        let found = findings(&text, base(k), n);
        let codes: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(codes, ["STR003"], "claim {k}: {found:#?}");
    }
}
