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
                .and_then(|p| p.code())
                .map(|c| c.text().into_owned())
                .unwrap_or_default();
            let units = line
                .and_then(|l| l.units())
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

/// The loop tree of an input, as data: what `claimlint tree` prints, and its JSON form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    /// The envelope scan's findings, as the rules layer words them.
    pub notes: Vec<String>,
    pub interchanges: Vec<InterchangeNode>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterchangeNode {
    /// ISA13.
    pub control_number: String,
    /// 1-based position of the ISA segment in the file.
    pub position: u32,
    /// The delimiters, described (`element *, component :, ...`).
    pub delimiters: String,
    pub groups: Vec<GroupNode>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupNode {
    /// GS06 and GS08; `None` for transaction sets outside a functional group.
    pub gs06: Option<String>,
    pub gs08: Option<String>,
    pub transactions: Vec<TransactionNode>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionNode {
    pub st02: String,
    pub st03: String,
    /// `837P`/`837I` and its guide; `None` when the set is not read (ENV005).
    pub kind: Option<(&'static str, &'static str)>,
    pub segments: usize,
    pub claims: usize,
    pub service_lines: usize,
    pub loops: Vec<LoopLine>,
}

/// One loop: its id, segment positions (1-based, ST = 1, inclusive), depth, and what
/// identifies it (HL01, NM1, CLM01, LX01...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopLine {
    pub id: &'static str,
    pub first: u32,
    pub last: u32,
    pub depth: usize,
    pub label: String,
}

/// The tree of `input`, after the envelope scan's findings as `notes` words them (the rules
/// layer, above this one, owns their codes and messages).
pub fn build_tree(input: &[u8], notes: &dyn Fn(&envelope::Scan<'_>) -> Vec<String>) -> Tree {
    let scan = envelope::scan(input);
    let mut tree = Tree {
        notes: notes(&scan),
        interchanges: Vec::new(),
    };
    for ic in &scan.interchanges {
        let mut node = InterchangeNode {
            control_number: String::from_utf8_lossy(ic.header.elements[12]).into_owned(),
            position: ic.isa.position,
            delimiters: describe_delims(ic.delims()),
            groups: Vec::new(),
        };
        for g in &ic.groups {
            let text = |s: &claimlint_x12::Segment<'_>, n| {
                String::from_utf8_lossy(s.value(n)).into_owned()
            };
            let mut group = GroupNode {
                gs06: g.gs.as_ref().map(|s| text(s, 6)),
                gs08: g.gs.as_ref().map(|s| text(s, 8)),
                transactions: Vec::new(),
            };
            for t in &g.transactions {
                let mut node = TransactionNode {
                    st02: text(&t.st, 2),
                    st03: text(&t.st, 3),
                    kind: None,
                    segments: 0,
                    claims: 0,
                    service_lines: 0,
                    loops: Vec::new(),
                };
                if let Some(kind) = classify(g.gs.as_ref(), &t.st).kind {
                    let tx = build(kind, envelope::segments(input, t).collect());
                    // The guide it is read with: its lines' when they all are the other's.
                    node.kind = Some((tx.kind.short(), tx.kind.guide()));
                    node.segments = tx.segments.len();
                    node.claims = tx.claims.len();
                    node.service_lines = tx.service_line_count();
                    node.loops = loop_lines(&tx);
                }
                group.transactions.push(node);
            }
            node.groups.push(group);
        }
        tree.interchanges.push(node);
    }
    tree
}

/// The tree of `input` as text, one line per interchange, group, transaction set and loop.
pub fn render(input: &[u8], notes: &dyn Fn(&envelope::Scan<'_>) -> Vec<String>) -> String {
    text(&build_tree(input, notes))
}

/// [`Tree`] as text: loops indented by depth up to `MAX_INDENT` levels.
pub fn text(tree: &Tree) -> String {
    let mut out = String::new();
    for note in &tree.notes {
        let _ = writeln!(out, "note: {note}");
    }
    for (n, ic) in tree.interchanges.iter().enumerate() {
        let _ = writeln!(
            out,
            "interchange {} ISA13 {} at segment {}: {}",
            n + 1,
            ic.control_number,
            ic.position,
            ic.delimiters
        );
        for g in &ic.groups {
            let gs = match (&g.gs06, &g.gs08) {
                (Some(g6), Some(g8)) => format!("GS06 {g6} GS08 {g8}"),
                _ => "(no GS)".into(),
            };
            let _ = writeln!(out, "  group {gs}");
            for t in &g.transactions {
                let Some((short, guide)) = t.kind else {
                    let _ = writeln!(out, "    ST {} ({}): not read, see ENV005", t.st02, t.st03);
                    continue;
                };
                let _ = writeln!(
                    out,
                    "    ST {} {short} {guide}: {} segments, {} claims, {} lines",
                    t.st02, t.segments, t.claims, t.service_lines
                );
                for l in &t.loops {
                    let range = format!("{}-{}", l.first, l.last);
                    let deep = if l.depth > MAX_INDENT {
                        format!(" [depth {}]", l.depth)
                    } else {
                        String::new()
                    };
                    let _ = writeln!(
                        out,
                        "{:indent$}{:<7} {:<9} {}{deep}",
                        "",
                        l.id,
                        range,
                        l.label,
                        indent = 6 + 2 * l.depth.min(MAX_INDENT)
                    );
                }
            }
        }
    }
    out
}

/// One [`LoopLine`] per loop of `tx`. A parent comes before its children, so each depth is
/// its parent's plus one, found in one pass.
fn loop_lines(tx: &Transaction<'_>) -> Vec<LoopLine> {
    let lines: Vec<&ServiceLine<'_>> = tx.claims.iter().flat_map(|c| &c.lines).collect();
    let mut depths: Vec<usize> = Vec::with_capacity(tx.loops.len());
    let mut out = Vec::with_capacity(tx.loops.len());
    for node in &tx.loops {
        let depth = node
            .parent
            .and_then(|p| depths.get(p as usize))
            .map_or(0, |d| d + 1);
        depths.push(depth);
        out.push(LoopLine {
            id: node.id,
            first: node.first + 1,
            last: node.end,
            depth,
            label: describe(tx, &lines, node.first as usize)
                .trim_end()
                .to_string(),
        });
    }
    out
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
