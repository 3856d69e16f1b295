//! Hover: the guide's name for the segment, element or component under the cursor, the loop
//! the guide walk placed the segment in, the guide's code list for the element, and what the
//! reference data says of the value (HCPCS, modifier, ICD-10-CM, NDC: `claimlint lookup`).

use super::docs::Documents;
use super::position::Lines;
use crate::report::lookup;
use claimlint_data::Data;
use claimlint_ig::{ElementDef, Placement, SegmentDef};
use claimlint_x12::Segment;
use claimlint_x12::envelope::{self, Scan};
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Range};
use std::fmt::Write as _;

pub fn hover(docs: &Documents, data: Data, p: HoverParams) -> Option<Hover> {
    let at = p.text_document_position_params;
    let doc = docs.get(&at.text_document.uri)?;
    let lines = Lines::new(&doc.text);
    let (text, (a, b)) = describe(doc.text.as_bytes(), lines.offset(at.position), data)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(Range::new(lines.position(a), lines.position(b))),
    })
}

/// The segment at `offset` and, inside a transaction set, where the guide walk placed it.
fn locate<'a>(
    scan: &Scan<'a>,
    input: &'a [u8],
    offset: usize,
) -> Option<(Segment<'a>, Option<Placement>)> {
    let within = |s: &Segment<'_>| s.offset <= offset && offset <= s.offset + s.bytes.len();
    for (_, g, t) in scan.transactions() {
        if offset < t.start || offset > t.end {
            continue;
        }
        let segs: Vec<Segment<'a>> = envelope::segments(input, t).collect();
        let Some(k) = segs.iter().position(within) else {
            continue;
        };
        let st03 = claimlint_x12::slip::Read::st(&t.st).value(3);
        let version = Some(claimlint_model::guide_value(st03))
            .filter(|v| !v.is_empty())
            .or(g
                .gs
                .as_ref()
                .map(|s| claimlint_model::guide_value(s.value(8))));
        let guide = version.and_then(claimlint_ig::Guide::from_version);
        let placement = guide.and_then(|g| {
            let walk = claimlint_ig::walk(claimlint_ig::guide(g), &segs);
            walk.placements.get(k).copied()
        });
        return Some((segs[k], placement));
    }
    let envelopes = scan.interchanges.iter().flat_map(|ic| {
        let groups = ic
            .groups
            .iter()
            .flat_map(|g| [g.gs.as_ref(), g.ge.as_ref()]);
        [Some(&ic.isa), ic.iea.as_ref()].into_iter().chain(groups)
    });
    envelopes.flatten().find(|s| within(s)).map(|s| (*s, None))
}

const ENVELOPE: &[(&str, &str)] = &[
    ("ISA", "Interchange Control Header"),
    ("IEA", "Interchange Control Trailer"),
    ("GS", "Functional Group Header"),
    ("GE", "Functional Group Trailer"),
];

/// The hover text for `offset` and the byte range it describes.
pub fn describe(input: &[u8], offset: usize, data: Data) -> Option<(String, (usize, usize))> {
    let scan = envelope::scan(input);
    let (seg, placement) = locate(&scan, input, offset)?;
    let id = String::from_utf8_lossy(seg.id()).into_owned();
    let def = placement.as_ref().and_then(Placement::segment);
    let seg_name = def
        .map(|d| d.name)
        .or_else(|| ENVELOPE.iter().find(|(e, _)| *e == id).map(|(_, n)| *n));
    let mut out = String::new();
    let rel = offset - seg.offset;
    let n = seg.bytes[..rel.min(seg.bytes.len())]
        .iter()
        .filter(|&&b| b == seg.delims.element)
        .count();
    let mut span = (seg.offset, seg.offset + seg.bytes.len());
    if n > 0 {
        if let Some(el) = seg.element_raw(n) {
            span = element_text(&mut out, &seg, &el, offset, def, data);
        }
    } else {
        let _ = writeln!(out, "**{id}** {}\n", seg_name.unwrap_or("segment"));
    }
    match placement {
        Some(Placement::Placed { loop_def, .. }) => {
            let path = loop_def.path.join(" › ");
            let _ = write!(
                out,
                "\nsegment {id} ({}) in loop **{}** {}",
                seg_name.unwrap_or("?"),
                loop_def.id,
                loop_def.name
            );
            if !path.is_empty() {
                let _ = write!(out, " ({path})");
            }
            out.push('\n');
        }
        Some(Placement::Unexpected) => {
            let _ = writeln!(
                out,
                "\nsegment {id}: the guide has no place for it here (STR003)"
            );
        }
        None => {
            let _ = writeln!(
                out,
                "\nsegment {id} {}, position {}",
                seg_name.unwrap_or(""),
                seg.position
            );
        }
    }
    Some((out, span))
}

/// The bounds of the piece of `bytes` that `rel` falls in, split on `sep`.
fn piece(bytes: &[u8], rel: usize, sep: Option<u8>) -> (usize, usize) {
    let Some(sep) = sep else {
        return (0, bytes.len());
    };
    let start = bytes[..rel]
        .iter()
        .rposition(|&b| b == sep)
        .map_or(0, |i| i + 1);
    let end = bytes[rel..]
        .iter()
        .position(|&b| b == sep)
        .map_or(bytes.len(), |i| rel + i);
    (start, end)
}

/// X12 data elements whose values `claimlint lookup` may know: product/service id (HCPCS,
/// NDC), procedure modifier, industry code (ICD-10-CM).
const LOOKED_UP: &[&str] = &["234", "1339", "1271"];

/// Describes the element (or component) of `seg` at `offset` into `out`; returns its range.
fn element_text(
    out: &mut String,
    seg: &Segment<'_>,
    el: &claimlint_x12::Element<'_>,
    offset: usize,
    def: Option<&SegmentDef>,
    data: Data,
) -> (usize, usize) {
    let d = seg.delims;
    let n = usize::from(el.index);
    let isa = seg.is(b"ISA");
    let rel = offset.saturating_sub(el.offset).min(el.bytes.len());
    let (r0, r1) = piece(el.bytes, rel, d.repetition.filter(|_| !isa));
    let rep = &el.bytes[r0..r1];
    let edef = def.and_then(|s| s.element_at(n));
    let composite = edef.and_then(ElementDef::composite);
    let split = (composite.is_some() || (edef.is_none() && !isa)).then_some(d.component);
    let (c0, c1) = piece(rep, rel.saturating_sub(r0).min(rep.len()), split);
    let c = rep[..c0].iter().filter(|&&b| b == d.component).count() + 1;
    let (shown, value) = match composite {
        Some(comp) => (comp.components.get(c - 1), &rep[c0..c1]),
        None if split.is_some() && rep.contains(&d.component) => (None, &rep[c0..c1]),
        None => (edef, rep),
    };
    let id = String::from_utf8_lossy(seg.id());
    let fallback = match split.filter(|_| rep.contains(&d.component)) {
        Some(_) => format!("{id}{n:02}-{c}"),
        None => format!("{id}{n:02}"),
    };
    let value = String::from_utf8_lossy(value).into_owned();
    element_lines(out, shown, &fallback, &value, data);
    let start = el.offset
        + if shown.is_some() && composite.is_some() || value.len() < rep.len() {
            r0 + c0
        } else {
            r0
        };
    (start, start + value.len())
}

fn element_lines(
    out: &mut String,
    def: Option<&ElementDef>,
    fallback: &str,
    value: &str,
    data: Data,
) {
    let Some(def) = def else {
        let _ = writeln!(out, "**{fallback}** `{value}`");
        return;
    };
    let usage = format!("{:?}", def.usage).to_lowercase();
    let _ = writeln!(
        out,
        "**{}** {} (data element {}, {usage})\n\nvalue `{value}`",
        def.ref_des, def.name, def.data_ele
    );
    if let Some(list) = def.codes().and_then(claimlint_ig::Codes::list) {
        let known = list.contains(&value);
        let shown = if list.len() <= 16 {
            list.join(", ")
        } else {
            format!("{} codes", list.len())
        };
        let verdict = if value.is_empty() || known {
            "the guide's codes"
        } else {
            "**not** one of the guide's codes"
        };
        let _ = writeln!(out, "\n{verdict}: {shown}");
    }
    if LOOKED_UP.contains(&def.data_ele) && !value.is_empty() {
        let (text, found) = lookup::lookup(&data, value);
        if found {
            let _ = writeln!(out, "\n```text\n{}\n```", text.trim_end());
        }
    }
}
