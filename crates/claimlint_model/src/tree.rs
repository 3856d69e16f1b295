//! `claimlint tree`: the loop tree as claimlint understood it, for developers debugging their
//! EDI output. One line per loop: loop id, segment positions, and what identifies it, indented
//! by depth up to `MAX_INDENT` levels; deeper loops say their depth instead of indenting
//! further, so the output grows with the number of loops, never with its square.

use super::{ServiceLine, Transaction, build, classify};
use claimlint_x12::envelope::{self, describe_delims};
use std::fmt::Write;

/// Levels of indentation shown; a loop deeper than this is printed at this indentation with
/// `[depth N]`.
const MAX_INDENT: usize = 12;

fn describe(tx: &Transaction<'_>, lines: &[&ServiceLine<'_>], first: usize) -> String {
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
            // `lines` is in segment order: a binary search, not a scan per LX.
            let line = lines
                .binary_search_by_key(&first, |l| l.index as usize)
                .ok()
                .and_then(|k| lines.get(k));
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
                render_loops(&tx, &mut out);
            }
        }
    }
    out
}

/// One line per loop of `tx`. A parent comes before its children, so each depth is its
/// parent's plus one, found in one pass.
fn render_loops(tx: &Transaction<'_>, out: &mut String) {
    let lines: Vec<&ServiceLine<'_>> = tx.claims.iter().flat_map(|c| &c.lines).collect();
    let mut depths: Vec<usize> = Vec::with_capacity(tx.loops.len());
    for node in &tx.loops {
        let depth = node
            .parent
            .and_then(|p| depths.get(p as usize))
            .map_or(0, |d| d + 1);
        depths.push(depth);
        let range = format!("{}-{}", node.first + 1, node.end);
        let deep = if depth > MAX_INDENT {
            format!(" [depth {depth}]")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{:indent$}{:<7} {:<9} {}{deep}",
            "",
            node.id,
            range,
            describe(tx, &lines, node.first as usize).trim_end(),
            indent = 6 + 2 * depth.min(MAX_INDENT)
        );
    }
}

#[cfg(test)]
mod tests {
    /// Issue 13: a 100,000-level HL chain renders one line per loop, indentation capped, each
    /// deep loop naming its depth; the old renderer wrote 10 GB here (indent ∝ depth).
    #[test]
    fn deep_hl_chain_renders_linearly() {
        let template = include_str!("../../../fixtures/templates/837p.x12");
        let n = 100_000;
        let chain: String = (3..=n).map(|k| format!("HL*{k}*{}*23*1~", k - 1)).collect();
        let input = template.replace("HL*2*1*22*0~", &format!("HL*2*1*22*1~{chain}"));
        let out = super::render(input.as_bytes(), &|_| Vec::new());
        let hl_lines: Vec<&str> = out.lines().filter(|l| l.contains(" HL01 ")).collect();
        assert_eq!(hl_lines.len(), n);
        let widest = out.lines().map(str::len).max().unwrap_or(0);
        assert!(widest < 200, "a line of {widest} bytes");
        assert!(out.len() < 120 * (n + 100), "{} bytes", out.len());
        let last = hl_lines.last().copied().unwrap_or_default();
        assert!(
            last.contains(&format!("HL01 {n} (level 23, parent {})", n - 1)),
            "{last}"
        );
        assert!(last.ends_with(&format!("[depth {n}]")), "{last}");
        // Shallow loops are indented as before, with no depth note.
        let first = hl_lines.first().copied().unwrap_or_default();
        assert!(first.starts_with("        2000A   "), "{first:?}");
        assert!(!first.contains("[depth"));
    }
}
