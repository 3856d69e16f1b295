//! The outline: interchange → group → transaction set → the guide's loops as `claimlint tree`
//! builds them (2000A → 2010AA, 2000B → 2300 CLM01 → 2400 LX …), each with its byte range.

use super::docs::Documents;
use super::position::Lines;
use claimlint_model::tree::{LoopLine, TransactionNode, build_tree};
use claimlint_x12::Segment;
use claimlint_x12::envelope::{self, TxFrame};
use lsp_types::{DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, Range, SymbolKind};

pub fn symbols(docs: &Documents, p: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let doc = docs.get(&p.text_document.uri)?;
    Some(DocumentSymbolResponse::Nested(outline(&doc.text)))
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written
fn sym(
    name: String,
    detail: String,
    kind: SymbolKind,
    range: Range,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: if name.trim().is_empty() {
            "?".into()
        } else {
            name
        },
        detail: (!detail.is_empty()).then_some(detail),
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: range,
        children: (!children.is_empty()).then_some(children),
    }
}

fn end(seg: &Segment<'_>) -> usize {
    seg.offset + seg.bytes.len()
}

/// The outline of one document.
pub fn outline(text: &str) -> Vec<DocumentSymbol> {
    let input = text.as_bytes();
    let lines = Lines::new(text);
    let range = |a: usize, b: usize| Range::new(lines.position(a), lines.position(b.max(a)));
    let scan = envelope::scan(input);
    let tree = build_tree(input, &|_| Vec::new());
    let mut nodes = tree
        .interchanges
        .iter()
        .flat_map(|i| i.groups.iter().flat_map(|g| g.transactions.iter()));
    let mut out = Vec::new();
    for ic in &scan.interchanges {
        let mut groups = Vec::new();
        for g in &ic.groups {
            let txs: Vec<DocumentSymbol> = g
                .transactions
                .iter()
                .map(|t| transaction(input, &lines, t, nodes.next()))
                .collect();
            let start = g.gs.as_ref().map_or(ic.isa.offset, |s| s.offset);
            let stop =
                g.ge.as_ref()
                    .map(end)
                    .or(g.transactions.last().map(|t| t.end));
            let name = match &g.gs {
                Some(gs) => format!("GS {}", String::from_utf8_lossy(gs.value(6))),
                None => "(no GS)".into(),
            };
            let r = range(start, stop.unwrap_or(start));
            groups.push(sym(name, String::new(), SymbolKind::NAMESPACE, r, txs));
        }
        let stop = ic.iea.as_ref().map_or(input.len(), end);
        let name = format!("ISA {}", String::from_utf8_lossy(ic.header.elements[12]));
        let r = range(ic.isa.offset, stop);
        out.push(sym(
            name,
            "interchange".into(),
            SymbolKind::PACKAGE,
            r,
            groups,
        ));
    }
    out
}

fn transaction(
    input: &[u8],
    lines: &Lines<'_>,
    t: &TxFrame<'_>,
    node: Option<&TransactionNode>,
) -> DocumentSymbol {
    let spans: Vec<(usize, usize)> = envelope::segments(input, t)
        .map(|s| (s.offset, end(&s)))
        .collect();
    let range = |a: usize, b: usize| Range::new(lines.position(a), lines.position(b.max(a)));
    let name = format!("ST {}", String::from_utf8_lossy(t.meant_st02()));
    let detail = node
        .and_then(|n| n.kind)
        .map(|(short, guide)| format!("{short} {guide}"))
        .unwrap_or_default();
    let guide = node
        .and_then(|n| n.kind)
        .and_then(|(_, g)| claimlint_ig::Guide::from_version(g.as_bytes()))
        .map(claimlint_ig::guide);
    let mut items = Vec::new();
    for l in node.map_or(&[][..], |n| &n.loops[..]) {
        let at = |p: u32| spans.get((p as usize).wrapping_sub(1)).copied();
        let (Some((a, _)), Some((_, b))) = (at(l.first), at(l.last)) else {
            continue;
        };
        let loop_name = guide
            .and_then(|g| g.find_loop(l.id))
            .map(|d| d.name.to_string())
            .unwrap_or_default();
        let name = format!("{} {}", l.id, l.label).trim().to_string();
        items.push((
            l.depth,
            sym(name, loop_name, kind(l), range(a, b), Vec::new()),
        ));
    }
    let stop = t.end.max(t.start);
    let r = range(t.start, stop);
    sym(name, detail, SymbolKind::MODULE, r, nest(items))
}

fn kind(l: &LoopLine) -> SymbolKind {
    match l.id {
        "2300" => SymbolKind::OBJECT,
        "2400" => SymbolKind::FIELD,
        _ => SymbolKind::STRUCT,
    }
}

/// Loops in document order with their depths, as a tree.
fn nest(items: Vec<(usize, DocumentSymbol)>) -> Vec<DocumentSymbol> {
    fn pop(stack: &mut Vec<(usize, DocumentSymbol)>, roots: &mut Vec<DocumentSymbol>) {
        let Some((_, s)) = stack.pop() else { return };
        match stack.last_mut() {
            Some((_, parent)) => parent.children.get_or_insert_with(Vec::new).push(s),
            None => roots.push(s),
        }
    }
    let mut stack: Vec<(usize, DocumentSymbol)> = Vec::new();
    let mut roots = Vec::new();
    for (depth, s) in items {
        while stack.last().is_some_and(|(d, _)| *d >= depth) {
            pop(&mut stack, &mut roots);
        }
        stack.push((depth, s));
    }
    while !stack.is_empty() {
        pop(&mut stack, &mut roots);
    }
    roots
}
