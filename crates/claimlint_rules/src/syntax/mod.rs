//! SYN: segment and element syntax (SNIP 1–2), and the helpers every
//! implementation-guide rule (SYN, STR, SIT) uses to name an element, its value and its loop.
//! The element findings themselves are computed once per transaction set by
//! `Transaction::ig()`; each rule here only picks its kind of finding and words it.

pub mod code_value;
pub mod element_length;
pub mod element_type;
pub mod invalid_character;
pub mod required_element;
pub mod syntax_rule;
pub mod too_many_elements;
pub mod trailing_separator;
pub mod unknown_segment;

use crate::Ctx;
use claimlint_diagnostic::{Diagnostic, Realigned};
use claimlint_ig::{self as ig, DataType, ElementDef, ElementIssue, ElementKind, SegmentDef};
use claimlint_model::Transaction;
use claimlint_model::realign::{Realignment, Slip};
use claimlint_x12::{Loc, Segment};
use std::collections::HashMap;

/// The guide's name for a loop id in messages: `2300`, or `header` for ST/BHT/SE.
pub(crate) fn loop_name(tx: &Transaction<'_>, index: usize) -> &'static str {
    let ig = tx.ig();
    match ig.placement(index).and_then(|p| p.path()) {
        Some([.., last]) => last,
        Some([]) => "header",
        // Unplaced: the loop the builder left the segment in, which is where it was found.
        None => match tx.loop_of(index) {
            Some("HEADER") | None => "header",
            Some(l) => l,
        },
    }
}

/// Reports at segment `index` of the transaction set with the claim (CLM01) and line (LX01)
/// that contain it as context, so transaction-wide rules read like claim and line rules.
pub(crate) fn report_at<'m>(
    cx: &'m mut Ctx<'_>,
    index: usize,
    loc: Loc,
    message: String,
) -> &'m mut Diagnostic {
    let (claim, line) = (cx.claim, cx.line);
    if let Some(tx) = cx.tx() {
        let position = u32::try_from(index).map_or(u32::MAX, |i| i.saturating_add(1));
        (cx.claim, cx.line) = crate::enclosing(tx, position);
    }
    cx.report(loc, message);
    cx.claim = claim;
    cx.line = line;
    cx.out.last_mut().expect("reported just above")
}

/// One element finding, resolved against the segment and its definition, for messages.
pub(crate) struct Found<'t, 'a> {
    pub index: usize,
    pub seg: &'t Segment<'a>,
    pub def: &'static SegmentDef,
    pub issue: &'t ElementIssue,
}

/// For a date's format qualifier (DTP02, DMG01) written as a code the guide does not allow
/// on this segment (SYN008 on it): the one code it allows that the date as written fits
/// (`DTP*472*TM*20260115`: D8; 837I `DTP*434*D8*20260115-20260115`: RD8). The qualifier is
/// then the one mistake; SYN003 does not judge the date by the code written.
pub(crate) fn date_format_meant(tx: &Transaction<'_>, index: usize) -> Option<&'static str> {
    let seg = tx.segments.get(index)?;
    let (_, v) = claimlint_model::value::qualified_date_at(seg.id())?;
    let value = seg.value(v);
    let mut fits = date_formats_allowed(tx, index)?
        .iter()
        .filter(|c| claimlint_model::value::fits_date_format(c.as_bytes(), value) == Some(true));
    let meant = fits.next()?;
    fits.next().is_none().then_some(*meant)
}

/// The format codes the guide allows for a date's format qualifier (DTP02, DMG01) on this
/// segment, when the one written is not one of them (SYN008 on it); `None` otherwise.
pub(crate) fn date_formats_allowed(
    tx: &Transaction<'_>,
    index: usize,
) -> Option<&'static [&'static str]> {
    let seg = tx.segments.get(index)?;
    let (q, _) = claimlint_model::value::qualified_date_at(seg.id())?;
    let elements = &tx.ig().elements;
    let i = u32::try_from(index).ok()?;
    let from = elements.partition_point(|(j, _)| *j < i);
    elements
        .get(from..)?
        .iter()
        .take_while(|(j, _)| *j == i)
        .find_map(|(_, e)| match *e {
            ElementIssue::CodeInvalid { elem, codes, .. } if elem == q => Some(codes),
            _ => None,
        })
}

/// `f`'s segment with the value at `from` (element, component; 0 for a simple element) moved
/// into `to`, empty as written: its text (no terminator; trailing empty elements and
/// components dropped), when the segment read so, placed as written, has no finding it does
/// not have as written, and not `f`'s, and leaves out no situational element the set asks for
/// (`required_element::situational_left_out`). What a help that proposes moving a value
/// shows: a move the guide would find fault with (the value does not fit there, or `from` is
/// required) is not proposed. Not for a value with a component separator or a repeated
/// element.
pub(crate) fn moved_value(
    tx: &Transaction<'_>,
    f: &Found<'_, '_>,
    from: (usize, usize),
    to: (usize, usize),
) -> Option<String> {
    let (seg, co) = (f.seg, f.seg.delims.component);
    let value = f.value(from.0, from.1);
    if value.is_empty() || value.contains(&co) || !f.value(to.0, to.1).is_empty() {
        return None;
    }
    let written: Vec<Vec<u8>> = seg.elements().map(|e| e.bytes.to_vec()).collect();
    let repeated = |e: &Vec<u8>| seg.delims.repetition.is_some_and(|r| e.contains(&r));
    if written.iter().any(repeated) {
        return None;
    }
    let mut elems = written.clone();
    put_value(&mut elems, from, &[], co);
    put_value(&mut elems, to, value, co);
    while elems.last().is_some_and(Vec::is_empty) {
        elems.pop();
    }
    let placement = tx.ig().placement(f.index)?;
    let before = claimlint_model::realign::judge(placement, seg, &written);
    let after = claimlint_model::realign::judge(placement, seg, &elems);
    if after.contains(f.issue) || after.iter().any(|i| !before.contains(i)) {
        return None;
    }
    let mut text = seg.id().to_vec();
    for e in &elems {
        text.push(seg.delims.element);
        text.extend_from_slice(e);
    }
    let meant = Segment::new(&text, seg.offset, seg.delims, seg.position);
    if required_element::situational_left_out(tx, f.index, &meant) {
        return None;
    }
    Some(String::from_utf8_lossy(&text).into_owned())
}

/// Writes `value` at `(element, component)` of `elems` (component 0: the whole element),
/// adding empty elements or components up to it, and drops the composite's trailing empty
/// components.
fn put_value(elems: &mut Vec<Vec<u8>>, (e, c): (usize, usize), value: &[u8], co: u8) {
    if elems.len() < e {
        elems.resize(e, Vec::new());
    }
    let Some(slot) = e.checked_sub(1).and_then(|k| elems.get_mut(k)) else {
        return;
    };
    if c == 0 {
        *slot = value.to_vec();
        return;
    }
    let mut parts: Vec<&[u8]> = slot.split(|&b| b == co).collect();
    if parts.len() < c {
        parts.resize(c, &[]);
    }
    parts[c - 1] = value;
    while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    *slot = parts.join(&co);
}

/// The element findings of a transaction set that `pick` selects, with their segments.
pub(crate) fn findings<'t, 'a>(
    tx: &'t Transaction<'a>,
    pick: impl Fn(&ElementIssue) -> bool + 't,
) -> impl Iterator<Item = Found<'t, 'a>> + 't {
    let ig = tx.ig();
    ig.elements
        .iter()
        .filter(move |(_, e)| pick(e))
        .filter_map(move |(i, issue)| {
            let index = usize::try_from(*i).ok()?;
            let seg = tx.segments.get(index)?;
            let def = ig.placement(index)?.segment()?;
            Some(Found {
                index,
                seg,
                def,
                issue,
            })
        })
}

impl Found<'_, '_> {
    /// The element (comp 0) or component definition, if the guide defines that position.
    pub fn element_def(&self, elem: usize, comp: usize) -> Option<&'static ElementDef> {
        let e = self.def.element_at(elem)?;
        if comp == 0 {
            return Some(e);
        }
        match e.composite() {
            Some(c) => c.components.get(comp - 1),
            // A simple element written with components: name the element itself.
            None => Some(e),
        }
    }

    /// `CLM05-3` as the TR3 writes it, also for positions past the definition.
    pub fn ref_des(&self, elem: usize, comp: usize) -> String {
        let base = format!("{}{elem:02}", String::from_utf8_lossy(self.seg.id()));
        match self.element_def(elem, comp) {
            Some(d) if comp == 0 || d.ref_des.contains('-') => d.ref_des.to_string(),
            _ if comp == 0 => base,
            _ => format!("{base}-{comp}"),
        }
    }

    /// The value written at the position (first repetition), empty when absent.
    pub fn value(&self, elem: usize, comp: usize) -> &[u8] {
        let v = ig::SegmentView::element(self.seg, elem).unwrap_or_default();
        if comp == 0 {
            return v;
        }
        v.split(|&b| b == self.seg.delims.component)
            .nth(comp - 1)
            .unwrap_or_default()
    }

    pub fn text(&self, elem: usize, comp: usize) -> String {
        String::from_utf8_lossy(self.value(elem, comp)).into_owned()
    }

    /// The span of the position: the component, the element, or the whole segment when the
    /// element is not written at all (still naming the element, for the 999's IK4).
    pub fn loc(&self, elem: usize, comp: usize) -> Loc {
        let Some(e) = self.seg.element_raw(elem) else {
            return self.seg.element_loc(elem);
        };
        let e = if comp == 0 {
            e
        } else {
            e.component_raw(comp).unwrap_or(e)
        };
        // Past the first repetition the offsets stay those of the element.
        e.loc()
    }

    pub fn loop_name(&self, tx: &Transaction<'_>) -> &'static str {
        loop_name(tx, self.index)
    }

    /// Reports the finding; on a segment whose findings follow from slipped separators, marks
    /// it as the one that stands for them or as one that follows (`realigned_help`).
    pub fn report<'m>(&self, cx: &'m mut Ctx<'_>, loc: Loc, message: String) -> &'m mut Diagnostic {
        // A composite's own syntax rule stands after each of its components.
        let position = match *self.issue {
            ElementIssue::Syntax { elem, .. } if elem > 0 => Some((elem, usize::MAX)),
            _ => self.issue.position(),
        };
        let realignment = cx.tx().and_then(|tx| tx.ig().realignment(self.index));
        let part = match self.issue {
            ElementIssue::TrailingSeparator { .. } => realignment
                .filter(|r| !ends_empty(self.seg, &r.text))
                .map(|_| Realigned::Follows),
            _ => realignment.and_then(|r| realigned_mark(self.seg, r, position)),
        };
        let d = report_at(cx, self.index, loc, message);
        d.realigned = part;
        d
    }
}

/// Whether a segment's text (`seg`'s separators, no terminator) has an element that ends in an
/// empty component, or ends in an empty element. A trailing separator is a defect of its own,
/// unless the segment read with its slipped separators put right has none: then its empty
/// components are not trailing but hold the place of those the slip moved into the next
/// element (`SV1*HC:97010:GP:::*LINE NOTE`, read `HC:97010:GP::::LINE NOTE`), and the
/// finding follows from the slip's.
fn ends_empty(seg: &Segment<'_>, text: &str) -> bool {
    let (el, co) = (
        char::from(seg.delims.element),
        char::from(seg.delims.component),
    );
    text.ends_with(el) || text.split(el).skip(1).any(|e| e.ends_with(co))
}

/// How a finding at `position` (element, component) of `seg` stands to its slipped
/// separators `r`: the one that stands for them (the first they displaced), or one that
/// follows from them; for a component left out of a composite, `None` for a finding
/// elsewhere on the segment, a defect of its own.
pub(crate) fn realigned_mark(
    seg: &Segment<'_>,
    r: &Realignment,
    position: Option<(usize, usize)>,
) -> Option<Realigned> {
    if r.slips.iter().any(|s| s.left_out_component().is_some()) {
        let (e, c) = position?;
        return r.slips.iter().find_map(|s| match s {
            Slip::ComponentDropped {
                root, component, ..
            } if *root == (e, c) => Some(Realigned::ComponentRoot {
                from: u8::try_from(*component).unwrap_or(u8::MAX),
                diagnoses: left_out_diagnosis(seg, s),
            }),
            Slip::ComponentDropped {
                element, component, ..
            } if *element == e && c >= *component => Some(Realigned::Follows),
            _ => None,
        });
    }
    Some(if position != Some(r.root) {
        Realigned::Follows
    } else if reads_diagnoses(seg, r) {
        Realigned::DiagnosisRoot
    } else if r.slips.iter().any(Slip::whole_element) {
        Realigned::ElementRoot
    } else if matches!(r.slips.as_slice(), [Slip::Dropped { .. }]) {
        Realigned::DroppedRoot
    } else {
        Realigned::Root
    })
}

/// Whether the component `slip` puts back in `seg` is an HI's diagnosis qualifier: its list
/// holds ABK, BK, ABF or BF (the codes the claim's diagnosis list holds).
fn left_out_diagnosis(seg: &Segment<'_>, slip: &Slip) -> bool {
    let Slip::ComponentDropped { codes, .. } = slip else {
        return false;
    };
    seg.is(b"HI")
        && codes
            .iter()
            .any(|c| matches!(*c, "ABK" | "BK" | "ABF" | "BF"))
}

/// Whether `seg` is an HI that, read with its separators put right (`r.text`), begins with a
/// diagnosis: its HI01-1 is ABK, BK, ABF or BF (the codes the claim's diagnosis list holds).
fn reads_diagnoses(seg: &Segment<'_>, r: &Realignment) -> bool {
    if !seg.is(b"HI") {
        return false;
    }
    let first = r.text.split(char::from(seg.delims.element)).nth(1);
    let qualifier = first.and_then(|e| e.split(char::from(seg.delims.component)).next());
    matches!(qualifier, Some("ABK" | "BK" | "ABF" | "BF"))
}

/// The help for an ST read with one separator too many (`claimlint_x12::slip::st`): the slip
/// and the ST as meant, whose guide and control number the set was read with. For the finding
/// the slip causes: a value pushed past ST03 (`ST*837*0001**005010X222A1`, SYN004, `at`
/// `None`: ST03 read empty, which the guide lets pass, is not "remove ST04"), or ST02 read
/// empty where ST03 is not written (`ST*837**0001`, SYN007 on ST02, `at` 2); with ST03
/// written, one too many before it leaves findings on two elements, the guide walk's slip
/// (`realigned_help`).
pub(crate) fn st_slip(seg: &Segment<'_>, at: Option<usize>) -> Option<String> {
    use claimlint_x12::slip::{Read, Slip};
    if !seg.is(b"ST") {
        return None;
    }
    let meant = Read::st(seg);
    let Some(Slip::Extra(k)) = meant.slip else {
        return None;
    };
    if at.is_some_and(|at| at != k) {
        return None;
    }
    let sep = char::from(seg.delims.element);
    let after = String::from_utf8_lossy(if k == 1 { seg.id() } else { seg.value(k - 1) });
    let text = meant.text(3, b"");
    Some(format!(
        "one `{sep}` too many after `{after}`: written `{}{}` it is valid",
        text.trim_end_matches(sep),
        char::from(seg.delims.segment)
    ))
}

/// The help of the finding that stands for a segment's slipped separators: what slipped, and
/// the segment as it reads once they are put right.
pub(crate) fn realigned_help(seg: &Segment<'_>, r: &Realignment) -> String {
    let sep = char::from(seg.delims.element);
    let comp = char::from(seg.delims.component);
    let slips: Vec<String> = r
        .slips
        .iter()
        .map(|s| match s {
            Slip::Missing { after, before } if before.is_empty() => {
                format!("an element separator `{sep}` is missing after `{after}`")
            }
            Slip::Missing { before, .. } => {
                format!("an element separator `{sep}` is missing before `{before}`")
            }
            // After an empty element (`CTP*****1`) there is no value to name.
            Slip::Extra { after } if after.is_empty() => format!("one `{sep}` too many"),
            Slip::Extra { after } => format!("one `{sep}` too many after `{after}`"),
            Slip::Split { first, second } => format!(
                "`{first}{second}` is two values run together: an element separator `{sep}` is \
                 missing between `{first}` and `{second}`"
            ),
            Slip::Component { parts } => {
                let quoted: Vec<String> = parts.iter().map(|p| format!("`{p}`")).collect();
                format!(
                    "`{sep}` between {} stands where the component separator `{comp}` belongs",
                    and_list(&quoted)
                )
            }
            Slip::Foreign { value, written } => format!(
                "`{written}` in `{value}` stands where the component separator `{comp}` belongs"
            ),
            Slip::Dropped { element, before } if before.is_empty() => format!(
                "{} is left out: the values after it stand one element early",
                designator(seg, *element)
            ),
            Slip::Dropped { element, before } => format!(
                "{} is left out before `{before}`: the values from `{before}` on stand one \
                 element early",
                designator(seg, *element)
            ),
            // Worded by `component_help`; here only as one slip among others.
            Slip::ComponentDropped {
                element,
                component,
                before,
                ..
            } => format!(
                "{}-{component} is left out before `{before}`",
                designator(seg, *element)
            ),
        })
        .collect();
    // A dropped element is put back empty: the text is valid once it is filled in.
    let (from, filled) = match r.slips.as_slice() {
        [Slip::Dropped { element, .. }] => (
            "it",
            format!(" with {} filled in,", designator(seg, *element)),
        ),
        [_] => ("this", String::new()),
        _ => ("these", String::new()),
    };
    format!(
        "{}; the segment's other findings follow from {from}: written `{}{}`{filled} it is valid",
        slips.join("; "),
        r.text,
        char::from(seg.delims.segment)
    )
}

/// Items listed in prose: "a", "a and b", "a, b and c".
pub(crate) fn and_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.concat(),
    }
}

/// An element's reference designator: `NM102`.
fn designator(seg: &Segment<'_>, element: usize) -> String {
    format!("{}{element:02}", String::from_utf8_lossy(seg.id()))
}

/// Gives each finding that stands for slipped separators (among `out`) its help.
pub(crate) fn explain_realigned(tx: &Transaction<'_>, out: &mut [Diagnostic]) {
    // Only the SYN rules mark roots, and they walk the guide; without them nothing to do.
    if !tx.ig_checked() {
        return;
    }
    let ig = tx.ig();
    if ig.realigned.is_empty() {
        return;
    }
    let mut fills = HashMap::new();
    for d in out
        .iter_mut()
        .filter(|d| d.realigned.is_some_and(Realigned::is_root))
    {
        let index = (d.loc.position as usize).saturating_sub(1);
        if let (Some(r), Some(seg)) = (ig.realignment(index), tx.segments.get(index)) {
            let at = d.loc.element.map(usize::from);
            d.help = component_help(tx, index, r, at, &mut fills)
                .or_else(|| Some(realigned_help(seg, r)));
        }
    }
}

/// The codes found to fill a component left out with, per composite (`C003`), component and
/// list (HI01-1 and HI02-1 are both C022's first, with other lists).
type Fills = HashMap<(&'static str, usize, &'static [&'static str]), Option<&'static str>>;

/// The help of the finding on element `at` that stands for a component left out of it
/// (segment `index` read again as `r`): which, before what, and the composite as it reads
/// with it put back, filled in when its code is known (`fill_code`).
fn component_help(
    tx: &Transaction<'_>,
    index: usize,
    r: &Realignment,
    at: Option<usize>,
    fills: &mut Fills,
) -> Option<String> {
    let (element, component, before, codes) = r.slips.iter().find_map(|s| match s {
        Slip::ComponentDropped {
            element,
            component,
            before,
            codes,
            ..
        } if Some(*element) == at => Some((element, component, before, codes)),
        _ => None,
    })?;
    let seg = tx.segments.get(index)?;
    let def = tx.ig().placement(index)?.segment()?.element_at(*element)?;
    let composite = def.composite()?;
    let left_out = composite.components.get(component - 1)?;
    let fill = *fills
        .entry((composite.data_ele, *component, *codes))
        .or_insert_with(|| fill_code(tx, composite.data_ele, *component, codes));
    let sep = char::from(seg.delims.component);
    let mut parts: Vec<String> = r
        .text
        .split(char::from(seg.delims.element))
        .nth(*element)?
        .split(sep)
        .map(str::to_string)
        .collect();
    let (e, c) = (def.ref_des, left_out.ref_des);
    let filled = match fill {
        Some(code) => {
            *parts.get_mut(component - 1)? = code.to_string();
            String::new()
        }
        None if codes.is_empty() => format!(" with {c} filled in,"),
        None => format!(" with {c} filled in (one of: {}),", code_list(codes)),
    };
    // A trailing separator as written (`96372:`) is a defect of its own: not shown as valid.
    while parts.len() > 1 && parts.last().is_some_and(String::is_empty) {
        parts.pop();
    }
    Some(format!(
        "{e} reads as if {c} ({}) was left out before `{before}`: the components from \
         `{before}` on stand one component early, and {e}'s other findings follow from that; \
         written `{}`{filled} {e} is valid",
        left_out.name,
        parts.join(&sep.to_string())
    ))
}

/// The code to fill component `component` of a composite `composite` (`C003`) left out with:
/// the one code of its list `codes`, or the one code of the list that the set's composites of
/// that kind without findings write there (SV101-1, SV202-1 and SVD03-1 are all C003's first
/// component: `HC` on the other lines is `HC` here; HI02-1 `ABF` fills HI03-1), when they
/// write one.
fn fill_code(
    tx: &Transaction<'_>,
    composite: &str,
    component: usize,
    codes: &[&'static str],
) -> Option<&'static str> {
    if let [one] = codes {
        return Some(one);
    }
    let ig = tx.ig();
    let mut seen: Option<&'static str> = None;
    for (i, seg) in tx.segments.iter().enumerate() {
        let Some(def) = ig.placement(i).and_then(|p| p.segment()) else {
            continue;
        };
        let at = u32::try_from(i).unwrap_or(u32::MAX);
        let first = ig.elements.partition_point(|(s, _)| *s < at);
        let issues = ig.elements.get(first..).unwrap_or_default();
        let issues = &issues[..issues.partition_point(|(s, _)| *s == at)];
        for (k, e) in def.elements.iter().enumerate() {
            let found = |(_, i): &(u32, ElementIssue)| match *i {
                ElementIssue::Syntax { elem, .. } => elem == k + 1,
                _ => i.position().is_some_and(|(elem, _)| elem == k + 1),
            };
            if e.composite().is_none_or(|c| c.data_ele != composite) || issues.iter().any(found) {
                continue;
            }
            let value = seg
                .element_raw(k + 1)
                .and_then(|e| e.component_raw(component));
            let Some(code) = value.and_then(|v| codes.iter().find(|c| c.as_bytes() == v.bytes))
            else {
                continue;
            };
            match seen {
                Some(s) if s != *code => return None,
                _ => seen = Some(code),
            }
        }
    }
    seen
}

/// What an X12 type means, for messages.
pub(crate) fn type_name(t: DataType) -> String {
    match t {
        DataType::AN => "a string".into(),
        DataType::ID => "a code".into(),
        DataType::DT => "a date (CCYYMMDD)".into(),
        DataType::TM => "a time (HHMM, HHMMSS)".into(),
        DataType::R => "a decimal number".into(),
        DataType::B => "binary data".into(),
        DataType::N(0) => "a whole number".into(),
        DataType::N(n) => format!("a number with {n} implied decimal places"),
    }
}

/// The codes of a list for a help line: all of a short list, the first few of a long one.
pub(crate) fn code_list(codes: &[&str]) -> String {
    const SHOWN: usize = 12;
    let head = codes
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if codes.len() > SHOWN {
        format!("{head} … ({} codes)", codes.len())
    } else {
        head
    }
}

/// The element's type and length bounds, when it is simple.
pub(crate) fn simple(def: &ElementDef) -> Option<(DataType, u16, u16)> {
    match def.kind {
        ElementKind::Simple {
            data_type,
            min_len,
            max_len,
            ..
        } => Some((data_type, min_len, max_len)),
        ElementKind::Composite(_) => None,
    }
}
