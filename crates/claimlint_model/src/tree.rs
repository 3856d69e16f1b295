//! `claimlint tree`: the loop tree as claimlint understood it, for developers debugging their
//! EDI output. One line per loop: loop id, segment positions, and what identifies it.

use super::{Transaction, build, classify};
use claimlint_x12::envelope::{self, describe_delims};
use std::fmt::Write;

fn describe(tx: &Transaction<'_>, first: usize) -> String {
    let Some(seg) = tx.segments.get(first) else {
        return String::new();
    };
    let v = |n| {
        seg.element(n)
            .map(|e| e.text().into_owned())
            .unwrap_or_default()
    };
    match seg.id() {
        b"HL" => format!(
            "HL01 {} (level {}, parent {})",
            v(1),
            v(3),
            if v(2).is_empty() { "-".into() } else { v(2) }
        ),
        b"NM1" => format!("NM1*{} {}", v(1), [v(3), v(4)].join(" ").trim()),
        b"CLM" => format!("CLM01 {} charge {}", v(1), v(2)),
        b"LX" => {
            let line = tx
                .claims
                .iter()
                .flat_map(|c| &c.lines)
                .find(|l| l.index as usize == first);
            let code = line
                .and_then(|l| l.procedure)
                .and_then(|p| p.code)
                .map(|c| c.text().into_owned())
                .unwrap_or_default();
            let units = line
                .and_then(|l| l.units)
                .map(|u| u.text().into_owned())
                .unwrap_or_default();
            format!(
                "LX01 {} {} {}",
                v(1),
                code,
                if units.is_empty() {
                    String::new()
                } else {
                    format!("× {units}")
                }
            )
        }
        b"LIN" => format!("LIN {} {}", v(2), v(3)),
        b"SBR" => format!("SBR01 {}", v(1)),
        b"SVD" => format!("SVD01 {}", v(1)),
        _ => String::new(),
    }
}

/// The tree of `input`, after the envelope scan's findings as `notes` words them (the rules
/// layer, above this one, owns their codes and messages).
pub fn render(input: &[u8], notes: &dyn Fn(&envelope::Scan<'_>) -> Vec<String>) -> String {
    let scan = envelope::scan(input);
    let mut out = String::new();
    for note in notes(&scan) {
        let _ = writeln!(out, "note: {note}");
    }
    for (n, ic) in scan.interchanges.iter().enumerate() {
        let _ = writeln!(
            out,
            "interchange {} ISA13 {} at segment {}: {}",
            n + 1,
            String::from_utf8_lossy(ic.header.elements[12]),
            ic.isa.position,
            describe_delims(ic.delims())
        );
        for g in &ic.groups {
            let gs =
                g.gs.map(|s| {
                    format!(
                        "GS06 {} GS08 {}",
                        String::from_utf8_lossy(s.value(6)),
                        String::from_utf8_lossy(s.value(8))
                    )
                })
                .unwrap_or_else(|| "(no GS)".into());
            let _ = writeln!(out, "  group {gs}");
            for t in &g.transactions {
                let st02 = String::from_utf8_lossy(t.st.value(2)).into_owned();
                let Some(kind) = classify(g.gs.as_ref(), &t.st).kind else {
                    let _ = writeln!(
                        out,
                        "    ST {st02} ({}): not read, see ENV005",
                        String::from_utf8_lossy(t.st.value(3))
                    );
                    continue;
                };
                let tx = build(kind, envelope::segments(input, t).collect());
                let _ = writeln!(
                    out,
                    "    ST {st02} {} {}: {} segments, {} claims, {} lines",
                    kind.short(),
                    kind.guide(),
                    tx.segments.len(),
                    tx.claims.len(),
                    tx.service_line_count()
                );
                for node in &tx.loops {
                    let mut depth = 0;
                    let mut p = node.parent;
                    while let Some(i) = p {
                        depth += 1;
                        p = tx.loops.get(i as usize).and_then(|n| n.parent);
                    }
                    let range = format!("{}-{}", node.first + 1, node.end);
                    let _ = writeln!(
                        out,
                        "{:indent$}{:<7} {:<9} {}",
                        "",
                        node.id,
                        range,
                        describe(&tx, node.first as usize).trim_end(),
                        indent = 6 + 2 * depth
                    );
                }
            }
        }
    }
    out
}
