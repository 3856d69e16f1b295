//! Segments whose separators are off: one element separator left out (`CLM*A*89.93**14:A:1`
//! for `CLM*A*89.93***14:A:1`), one too many, or an element separator written where the
//! component separator belongs (`HI*BK*8901` for `HI*BK:8901`). Read as written, such a segment
//! has a finding on every element after the slip; read with the slip undone, it has none.
//! [`search`] looks for the fewest such edits (at most [`MAX_EDITS`]) that make a segment with
//! findings on two or more elements valid against the definition it was placed on, so the
//! rules can report the slip once instead of each element it displaced (RULES.md, "One root
//! cause, one error"). Inside one composite the same holds for a required component left out
//! (`SV1*96372*…` for `SV1*HC:96372*…`): its components are read again with it put back.
//! A segment is only ever read again as text; nothing here reports.

use claimlint_ig::{self as ig, ElementIssue};
use claimlint_x12::Segment;
use claimlint_x12::split::SplitSegment;

/// At most this many separators are looked for: a segment that needs more is not one slip.
pub const MAX_EDITS: usize = 3;

/// Longest segment searched (elements): the guide's longest (CLM, SV1) fit well within it.
const MAX_ELEMENTS: usize = 30;

/// Longest value read as two run together ([`Slip::Split`]): codes, dates, amounts and
/// identifiers, not names and addresses, whose every cut would be judged.
const MAX_SPLIT: usize = 20;

/// One separator slip, undone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slip {
    /// An element separator left out (an empty element put back) between the values
    /// `after` (the segment id for the first element) and `before` (empty: an empty element).
    Missing { after: String, before: String },
    /// An element separator too many: the empty element after the value is taken out.
    Extra { after: String },
    /// An element separator left out between two values, which run together in one element
    /// (`SV1*HC:96372*60*UN1` for `…*UN*1`, `DTP*472D8*…` for `DTP*472*D8*…`): the element
    /// is split into `first` and `second`.
    Split { first: String, second: String },
    /// An element separator where the component separator belongs, between each two of
    /// `parts` (two or more values, one composite's components: `SV2*0636*HC*J0897*JZ` for
    /// `SV2*0636*HC:J0897:JZ`).
    Component { parts: Vec<String> },
    /// Another byte written for the component separator inside one composite (`11>B>1`,
    /// `HC-96372`, `11^B^1` with `^` the repetition separator), the others of the interchange
    /// written with ISA16's: `value` is the element as written, `written` that byte.
    Foreign { value: String, written: char },
    /// A required element left out with its separator (`NM1*85*ONCOLOGY CLINIC*…` for
    /// `NM1*85*2*ONCOLOGY CLINIC*…`): the values after it stand one element early. Put back
    /// empty, it is the segment's one finding left: `element` (1-based) is required, and
    /// `before` the value written where it belongs.
    Dropped { element: usize, before: String },
    /// A required component left out of a composite with its separator (`SV1*96372*…` for
    /// `SV1*HC:96372*…`, CLM05 `11:1` for `11:B:1`): the components after it stand one
    /// early. Put back empty, it is the composite's one finding left: `element` and
    /// `component` (1-based) are its place, `before` the value written where it belongs,
    /// `codes` the guide's list for it (empty: none), from which the help may fill it in, and
    /// `root` the position of the composite's first finding it caused, which stands for
    /// them (a segment may have several composites so read: `HI*M810*E119`).
    ComponentDropped {
        element: usize,
        component: usize,
        before: String,
        codes: &'static [&'static str],
        root: (usize, usize),
    },
}

impl Slip {
    /// Whether the slip misread a whole element (`Foreign`): then every finding on that
    /// element follows from it, not only those after it.
    pub fn whole_element(&self) -> bool {
        matches!(self, Slip::Foreign { .. })
    }

    /// The place of a component left out ([`Slip::ComponentDropped`]): (element, component).
    pub fn left_out_component(&self) -> Option<(usize, usize)> {
        match *self {
            Slip::ComponentDropped {
                element, component, ..
            } => Some((element, component)),
            _ => None,
        }
    }
}

/// A segment made valid by undoing its slips: what they were, the segment as it reads once
/// they are undone, and the position (element, component) of the first finding the slips
/// caused, which stands for all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Realignment {
    pub slips: Vec<Slip>,
    /// The segment with the slips undone, without its terminator.
    pub text: String,
    pub root: (usize, usize),
}

/// Positions of the elements with findings (a trailing separator is its own defect).
fn element_positions(issues: &[ElementIssue]) -> Vec<usize> {
    let mut at: Vec<usize> = issues
        .iter()
        .filter(|i| !matches!(i, ElementIssue::TrailingSeparator { .. }))
        .map(|i| match i {
            ElementIssue::Syntax { .. } => 0,
            other => other.position().map_or(0, |p| p.0),
        })
        .collect();
    at.sort_unstable();
    at.dedup();
    at
}

/// The findings that count against a reading (all but a trailing separator).
fn weight(issues: &[ElementIssue]) -> usize {
    issues
        .iter()
        .filter(|i| !matches!(i, ElementIssue::TrailingSeparator { .. }))
        .count()
}

/// The position of the first finding that counts against a reading (a syntax rule, which has
/// none, after every element): the one that stands for the slips.
fn first_finding(issues: &[ElementIssue]) -> Option<(usize, usize)> {
    issues
        .iter()
        .filter(|i| !matches!(i, ElementIssue::TrailingSeparator { .. }))
        .map(|i| i.position().unwrap_or((usize::MAX, 0)))
        .min()
}

/// The segment's elements as written (after the id, and after the component separator
/// written in its place when the segment is read so), each its raw bytes.
fn elements<'s>(seg: &Segment<'s>) -> Vec<&'s [u8]> {
    seg.elements().map(|e| e.bytes).collect()
}

/// One candidate edit of a reading, by place (0-based element indices): a slip undone,
/// rendered for judging without building the elements it leaves ([`Edit::apply`] builds them
/// for the one kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edit {
    /// An empty element put back before element `k` ([`Slip::Missing`]).
    Missing(usize),
    /// Empty element `k` taken out ([`Slip::Extra`]).
    Extra(usize),
    /// Elements `k..k + n` joined into one composite ([`Slip::Component`]).
    Run(usize, usize),
    /// Element `k` cut in two before byte `at` ([`Slip::Split`]).
    Split(usize, usize),
}

impl Edit {
    /// The elements of the reading `elems` with the edit made.
    fn apply(self, elems: &[Vec<u8>], component: u8) -> Vec<Vec<u8>> {
        let mut out = elems.to_vec();
        match self {
            Edit::Missing(k) => out.insert(k, Vec::new()),
            Edit::Extra(k) => {
                out.remove(k);
            }
            Edit::Run(k, n) => {
                let joined = elems[k..k + n].join(&component);
                out.splice(k..k + n, [joined]);
            }
            Edit::Split(k, at) => {
                let (first, second) = elems[k].split_at(at);
                out[k] = first.to_vec();
                out.insert(k + 1, second.to_vec());
            }
        }
        out
    }

    /// The segment's text read with `elems` and the edit made, into `out`: what
    /// `render(seg, &self.apply(elems, …))` gives.
    fn render_into(self, seg: &Segment<'_>, elems: &[Vec<u8>], out: &mut Vec<u8>) {
        let (sep, component) = (seg.delims.element, seg.delims.component);
        out.clear();
        out.extend_from_slice(seg.id());
        for (k, e) in elems.iter().enumerate() {
            match self {
                Edit::Missing(at) if at == k => out.push(sep),
                Edit::Extra(at) if at == k => continue,
                Edit::Run(at, n) if k > at && k < at + n => {
                    out.push(component);
                    out.extend_from_slice(e);
                    continue;
                }
                Edit::Split(at, cut) if at == k => {
                    out.push(sep);
                    out.extend_from_slice(&e[..cut]);
                    out.push(sep);
                    out.extend_from_slice(&e[cut..]);
                    continue;
                }
                _ => {}
            }
            out.push(sep);
            out.extend_from_slice(e);
        }
    }

    /// The slip the edit undoes in the reading `elems` of a segment with id `id`.
    fn slip(self, id: &[u8], elems: &[Vec<u8>]) -> Slip {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let before = |k: usize| text(k.checked_sub(1).map_or(id, |p| &elems[p]));
        match self {
            Edit::Missing(k) => Slip::Missing {
                after: before(k),
                before: text(&elems[k]),
            },
            Edit::Extra(k) => Slip::Extra { after: before(k) },
            Edit::Run(k, n) => Slip::Component {
                parts: elems[k..k + n].iter().map(|e| text(e)).collect(),
            },
            Edit::Split(k, at) => {
                let (first, second) = elems[k].split_at(at);
                Slip::Split {
                    first: text(first),
                    second: text(second),
                }
            }
        }
    }
}

/// The candidate edits of one reading, in the order they are preferred among equals.
fn edits(elems: &[Vec<u8>], component: u8) -> Vec<Edit> {
    let mut out = Vec::new();
    for k in 0..elems.len() {
        out.push(Edit::Missing(k));
        if elems[k].is_empty() && k > 0 {
            out.push(Edit::Extra(k));
        }
        out.extend(component_runs(elems, k));
    }
    // The first element empty (`N4**SPRINGFIELD`): tried last, so that of several empty
    // elements the one taken out is named after the value before it.
    if elems.first().is_some_and(Vec::is_empty) {
        out.push(Edit::Extra(0));
    }
    out.extend(splits(elems, component));
    out
}

/// Most components read as one composite written with element separators between them
/// ([`Slip::Component`]): the guide's composites used in claims have at most this many that
/// are filled in (`SV1*HC:J0897:JZ:JW:KX`).
const MAX_RUN: usize = 6;

/// The elements from `k` on joined into one composite, two, three and more of them (up to
/// [`MAX_RUN`], each not empty): one slip, since a composite written with element separators
/// (`HC*J0897*JZ`) is one mistake, and undoing it a component at a time would pass through
/// readings no better than the one written (`HC:J0897*JZ` puts `JZ` where an amount belongs).
fn component_runs(elems: &[Vec<u8>], k: usize) -> impl Iterator<Item = Edit> {
    let filled = elems[k..]
        .iter()
        .take(MAX_RUN)
        .take_while(|e| !e.is_empty())
        .count();
    (2..=filled).map(move |n| Edit::Run(k, n))
}

/// Whether a reading with three or more values joined into one composite
/// ([`component_runs`]) leaves that composite without findings: only a run that makes a
/// whole valid composite is one slip. A longer run that merely moves the findings into the
/// composite (`HI*BK*8901*BF*87200` read `BK:8901:BF:87200`, two components too many) is no
/// reading: there the elements are two composites, each joined from two values.
fn run_is_clean(slip: &Slip, elems: &[Vec<u8>], found: &[ElementIssue], component: u8) -> bool {
    let Slip::Component { parts } = slip else {
        return true;
    };
    if parts.len() < 3 {
        return true;
    }
    let joined = parts.join(char::from(component).encode_utf8(&mut [0; 4]));
    let Some(at) = elems.iter().position(|e| e[..] == *joined.as_bytes()) else {
        return false;
    };
    !found
        .iter()
        .any(|i| i.position().is_some_and(|(element, _)| element == at + 1))
}

/// The reading with the fewest findings (the first such, in the order of [`edits`]); of
/// values run together, only a cut no other cut reads as well: `PAT1001-012460` (CLM01 and
/// CLM02) reads as well cut after `-01` as after `-012`, so which it is cannot be told, and
/// no cut is claimed.
fn unambiguous_best(judged: &[(usize, Edit)]) -> Option<(usize, Edit)> {
    let is_split = |e: &Edit| matches!(e, Edit::Split(..));
    let least = judged.iter().map(|(w, _)| *w).min()?;
    let cuts = judged
        .iter()
        .filter(|(w, e)| *w == least && is_split(e))
        .count();
    judged
        .iter()
        .filter(|(_, e)| cuts < 2 || !is_split(e))
        .min_by_key(|(w, _)| *w)
        .copied()
}

/// Each element with two values run together split in two, at every place (`UN1`: `U`/`N1`,
/// `UN`/`1`), after every other kind of edit: of equally good readings, a separator put back
/// or taken out is preferred to a value cut. A composite is not cut (its components are
/// read by `component_dropped`) but for its last component, which the next element's value
/// may run on from (`CLM*…*11:B:1Y*A` for `…*11:B:1*Y*A`), and its first, which may run on
/// from the value before it (`SVD*PAYERA*2300HC:J0897:JZ` for `…*2300*HC:J0897:JZ`); nor is
/// a value longer than [`MAX_SPLIT`].
fn splits(elems: &[Vec<u8>], component: u8) -> Vec<Edit> {
    let mut out = Vec::new();
    for (k, value) in elems.iter().enumerate() {
        if value.len() > MAX_SPLIT {
            continue;
        }
        // In a composite, cuts inside its last component, and inside its first (a value run
        // on into the composite after it: `2300HC:J0897:JZ` for `2300*HC:J0897:JZ`).
        let from = value
            .iter()
            .rposition(|&b| b == component)
            .map_or(0, |c| c + 1);
        let first_end = value.iter().position(|&b| b == component).unwrap_or(0);
        out.extend(
            (1..first_end)
                .chain((from + 1)..value.len())
                .map(|at| Edit::Split(k, at)),
        );
    }
    out
}

/// The segment's text with `elems` for elements.
fn render(seg: &Segment<'_>, elems: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = seg.id().to_vec();
    for e in elems {
        bytes.push(seg.delims.element);
        bytes.extend_from_slice(e);
    }
    bytes
}

/// The findings of `seg` read with `elems`, placed as the original was: also what a help
/// that shows a segment rewritten asks of the segment it shows.
pub fn judge(placement: &ig::Placement, seg: &Segment<'_>, elems: &[Vec<u8>]) -> Vec<ElementIssue> {
    let mut found = Vec::new();
    judge_text(placement, seg, &render(seg, elems), &mut found);
    found
}

/// The findings of `seg` read as `bytes` (its text without the terminator), placed as the
/// original was, into `found` (cleared first).
fn judge_text(
    placement: &ig::Placement,
    seg: &Segment<'_>,
    bytes: &[u8],
    found: &mut Vec<ElementIssue>,
) {
    found.clear();
    let candidate = Segment::new(bytes, seg.offset, seg.delims, seg.position);
    ig::validate_placed(placement, &SplitSegment::new(&candidate), found);
    found.extend(date_unlike(&candidate));
}

/// A date its format qualifier says is not one (DMG02 `F` after DMG01 `D8`), as a finding of
/// a reading: the guide types DTP03 and DMG02 AN, so the validator does not see it, but
/// SYN003 reports it (`value::fits_date_format`), and a date left out before another value
/// (`DMG*D8*F` for `DMG*D8*19450312*F`) shows as that and the value missing after it.
fn date_unlike(seg: &Segment<'_>) -> Option<ElementIssue> {
    let (q, v) = crate::value::qualified_date_at(seg.id())?;
    let value = seg.value(v);
    (!value.is_empty() && crate::value::fits_date_format(seg.value(q), value) == Some(false))
        .then_some(ElementIssue::Type {
            elem: v,
            comp: 0,
            expected: ig::DataType::DT,
        })
}

/// Composites written with another component separator than the interchange's: an element
/// with findings, no component separator in it, and a byte (not a letter, digit, blank or
/// `.`) that, read as the component separator there and in the segment's other elements with
/// findings, makes the segment valid.
fn foreign(
    placement: &ig::Placement,
    seg: &Segment<'_>,
    issues: &[ElementIssue],
) -> Option<Realignment> {
    let written = elements(seg);
    let d = seg.delims;
    let positions: Vec<usize> = element_positions(issues)
        .into_iter()
        .filter(|&p| p > 0)
        .collect();
    for &p in &positions {
        let value = written.get(p - 1)?;
        if value.contains(&d.component) {
            continue;
        }
        let mut tried: Vec<u8> = Vec::new();
        for &b in value.iter() {
            if b.is_ascii_alphanumeric() || b == b' ' || b == b'.' || tried.contains(&b) {
                continue;
            }
            tried.push(b);
            // In every element with findings written without the component separator: a
            // segment's composites are usually written alike (`HI*BK>4779*BF>2724`).
            let mut elems: Vec<Vec<u8>> = written.iter().map(|e| e.to_vec()).collect();
            for &q in &positions {
                let Some(e) = elems.get_mut(q - 1).filter(|e| !e.contains(&d.component)) else {
                    continue;
                };
                for x in e.iter_mut().filter(|x| **x == b) {
                    *x = d.component;
                }
            }
            if weight(&judge(placement, seg, &elems)) == 0 {
                let root = issues.iter().filter_map(ElementIssue::position).min()?;
                return Some(Realignment {
                    slips: vec![Slip::Foreign {
                        value: String::from_utf8_lossy(value).into_owned(),
                        written: char::from(b),
                    }],
                    text: String::from_utf8_lossy(&render(seg, &elems)).into_owned(),
                    root,
                });
            }
        }
    }
    None
}

/// One separator too many that leaves a single finding, a required coded element read empty
/// (`CAS**CO*45*20`: CAS01 empty, `CO` in CAS02, where any reason code of up to five
/// characters fits, and each value after it fits too): with the empty element taken out, the
/// segment is valid and the value that comes into the coded element is one of its codes. A
/// code where it belongs is what tells a slip from an element left empty; without a list
/// (any value fits) nothing is claimed.
fn extra_before_code(
    placement: &ig::Placement,
    seg: &Segment<'_>,
    issues: &[ElementIssue],
    written: &[&[u8]],
) -> Option<Realignment> {
    let [ElementIssue::RequiredMissing { elem, comp: 0 }] = issues
        .iter()
        .filter(|i| !matches!(i, ElementIssue::TrailingSeparator { .. }))
        .collect::<Vec<_>>()[..]
    else {
        return None;
    };
    let k = elem.checked_sub(1)?;
    let moved = written.get(k + 1).filter(|v| !v.is_empty())?;
    let codes = placement.segment()?.element_at(*elem)?.codes()?;
    if codes.list().is_none() || !codes.contains(moved) || !written.get(k)?.is_empty() {
        return None;
    }
    let mut elems: Vec<Vec<u8>> = written.iter().map(|e| e.to_vec()).collect();
    elems.remove(k);
    if weight(&judge(placement, seg, &elems)) != 0 {
        return None;
    }
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Some(Realignment {
        slips: vec![Slip::Extra {
            after: text(k.checked_sub(1).map_or(seg.id(), |p| written[p])),
        }],
        text: text(&render(seg, &elems)),
        root: (*elem, 0),
    })
}

/// A required element left out with its separator ([`Slip::Dropped`]): an empty element put
/// back at one place leaves the segment one finding, that element required but empty, where
/// as written it has findings on two elements or more. The place is at or before the first
/// finding (a value can read right one element early: `CLM*2460*…` is a fine CLM01), the
/// nearest that works and holds a value as written; only when none does, the first
/// finding's own element, empty as written.
fn dropped(
    placement: &ig::Placement,
    seg: &Segment<'_>,
    issues: &[ElementIssue],
    written: &[&[u8]],
) -> Option<Realignment> {
    // A value must stand where it does not fit (its length, type or code, or an element not
    // used): a value emptied (`REF*EI*`) leaves findings only of what is missing, and
    // putting an empty element back before a value that fits would not explain them.
    let misplaced = issues.iter().any(|i| {
        !matches!(
            i,
            ElementIssue::RequiredMissing { .. }
                | ElementIssue::Syntax { .. }
                | ElementIssue::TrailingSeparator { .. }
        )
    });
    if !misplaced {
        return None;
    }
    let root = first_finding(issues)?;
    let last = root.0.min(written.len());
    let put_back = |k: usize, before: &[u8]| {
        let mut elems: Vec<Vec<u8>> = written.iter().map(|e| e.to_vec()).collect();
        elems.insert(k, Vec::new());
        // What is left: that element required, or a syntax rule pairing it with another
        // (SV103 with SV104: P0304; NM108 with NM109: P0809) that its absence breaks, or both.
        let wants = |i: &ElementIssue| match i {
            ElementIssue::Syntax {
                kind,
                positions,
                elem: 0,
            } => *kind != ig::SyntaxKind::E && positions.iter().any(|&p| usize::from(p) == k + 1),
            _ => false,
        };
        let all = judge(placement, seg, &elems);
        let paired = all.iter().any(wants);
        let left: Vec<&ElementIssue> = all
            .iter()
            .filter(|i| !matches!(i, ElementIssue::TrailingSeparator { .. }) && !wants(i))
            .collect();
        let explained = match left.as_slice() {
            [ElementIssue::RequiredMissing { elem, .. }] => *elem == k + 1,
            [] => paired,
            _ => false,
        };
        explained.then(|| Realignment {
            slips: vec![Slip::Dropped {
                element: k + 1,
                before: String::from_utf8_lossy(before).into_owned(),
            }],
            text: String::from_utf8_lossy(&render(seg, &elems)).into_owned(),
            root,
        })
    };
    (0..last)
        .rev()
        .find_map(|k| put_back(k, written.get(k).filter(|b| !b.is_empty())?))
        // Else at the first finding, a required element read empty where the value after it
        // belonged (SV104 left out before an empty SV105: `SV1*HC:96372*60*UN***1`).
        .or_else(|| put_back(last.checked_sub(1)?, written.get(last.checked_sub(1)?)?))
}

/// Whether finding `i` is about element `elem`'s components (a composite's own syntax rule
/// included), from component `from` on.
fn on_components(i: &ElementIssue, elem: usize, from: usize) -> bool {
    match *i {
        ElementIssue::Syntax { elem: e, .. } => e == elem,
        _ => i.position().is_some_and(|(e, c)| e == elem && c >= from),
    }
}

/// The findings of a reading that count (all but a trailing separator), but those on element
/// `elem`'s components from `from` on: what a component left out there does not touch.
fn besides(issues: &[ElementIssue], elem: usize, from: usize) -> Vec<&ElementIssue> {
    issues
        .iter()
        .filter(|i| !matches!(i, ElementIssue::TrailingSeparator { .. }))
        .filter(|i| !on_components(i, elem, from))
        .collect()
}

/// Required components left out of composites with their separators, one at most in each
/// ([`Slip::ComponentDropped`]), the component analogue of [`dropped`]. As written the
/// composite has two findings or more, one of them a required component empty (the values
/// moved up one, the last required component is left without one: `SV1*96372*…` reads
/// SV101-1 `96372`, not a qualifier, and SV101-2 empty). An empty component put back before
/// a value written leaves it the composite's one finding from there on, and every other
/// finding of the segment as it was: those are defects of their own, reported as they are.
/// The place is the earliest that works, at or before the first finding: every value after
/// it then fits the component it moves to, and the more values that fit one place on, the
/// surer the reading (837I CLM05 `A:1` is CLM05-1 left out, `A` being CLM05-2's one code,
/// not CLM05-2 after a facility type `A`). But never before a code of the guide's list for
/// where it is written: that value was read right (`BE:::15.31` is the HI01-2 value code
/// left empty, not HI01-1 left out before the qualifier `BE`).
fn component_dropped(
    placement: &ig::Placement,
    seg: &Segment<'_>,
    issues: &[ElementIssue],
) -> Option<Realignment> {
    let written = elements(seg);
    let mut composites: Vec<usize> = issues
        .iter()
        .filter_map(|i| match *i {
            ElementIssue::RequiredMissing { elem, comp } if comp > 0 => Some(elem),
            _ => None,
        })
        .collect();
    composites.dedup();
    let mut elems: Vec<Vec<u8>> = written.iter().map(|e| e.to_vec()).collect();
    let mut slips = Vec::new();
    // Each composite on its own: putting one right changes no other's findings.
    for elem in composites {
        if let Some((slip, value)) = in_composite(placement, seg, issues, &written, elem) {
            *elems.get_mut(elem - 1)? = value;
            slips.push(slip);
        }
    }
    let root = slips.iter().find_map(|s| match s {
        Slip::ComponentDropped { root, .. } => Some(*root),
        _ => None,
    })?;
    Some(Realignment {
        slips,
        text: String::from_utf8_lossy(&render(seg, &elems)).into_owned(),
        root,
    })
}

/// [`component_dropped`] in element `elem` of `seg` (its elements `written`): the slip, and
/// the element with the component put back.
fn in_composite(
    placement: &ig::Placement,
    seg: &Segment<'_>,
    issues: &[ElementIssue],
    written: &[&[u8]],
    elem: usize,
) -> Option<(Slip, Vec<u8>)> {
    let on_it: Vec<&ElementIssue> = issues
        .iter()
        .filter(|i| on_components(i, elem, 1))
        .collect();
    let components = placement
        .segment()?
        .element_at(elem)?
        .composite()?
        .components;
    let value = *written.get(elem - 1)?;
    if on_it.len() < 2
        || seg.delims.repetition.is_some_and(|r| value.contains(&r))
        || completes_previous(placement, seg, issues, written, elem)
    {
        return None;
    }
    let first = on_it.iter().filter_map(|i| i.position()).min()?;
    let parts: Vec<&[u8]> = value.split(|&b| b == seg.delims.component).collect();
    let end = first.1.min(parts.len());
    let listed = |j: &usize| {
        let codes = components.get(*j).and_then(|c| c.codes());
        codes.is_some_and(|c| c.list().is_some() && c.contains(parts[*j]))
    };
    let start = (0..end).rev().find(listed).map_or(0, |j| j + 1);
    (start..end).find_map(|k| {
        let (put, read) = put_back_component(placement, seg, written, elem, &parts, k)?;
        let root = on_it
            .iter()
            .filter_map(|i| i.position())
            .filter(|p| p.1 > k)
            .min()?;
        let slip = Slip::ComponentDropped {
            element: elem,
            component: k + 1,
            before: String::from_utf8_lossy(parts[k]).into_owned(),
            codes: components
                .get(k)
                .and_then(|c| c.codes())
                .and_then(|c| c.list())
                .unwrap_or_default(),
            root,
        };
        (besides(&read, elem, k + 1) == besides(issues, elem, k + 1)).then_some((slip, put))
    })
}

/// Whether element `elem`'s value completes the composite before it, short of its later
/// components (`HI*BK*8901`: `*` written where `:` belongs, [`Slip::Component`]): that
/// composite's findings are all required components empty, and it has none read with the
/// value joined to it. Then the value is not the start of a composite missing a component.
fn completes_previous(
    placement: &ig::Placement,
    seg: &Segment<'_>,
    issues: &[ElementIssue],
    written: &[&[u8]],
    elem: usize,
) -> bool {
    let Some(prev) = elem.checked_sub(1).filter(|&p| p > 0) else {
        return false;
    };
    let composite = placement
        .segment()
        .and_then(|d| d.element_at(prev))
        .is_some_and(|d| d.is_composite());
    let short = issues
        .iter()
        .filter(|i| on_components(i, prev, 1))
        .all(|i| matches!(i, ElementIssue::RequiredMissing { .. }));
    if !composite || !short || written.get(prev - 1).is_none_or(|v| v.is_empty()) {
        return false;
    }
    let mut elems: Vec<Vec<u8>> = written.iter().map(|e| e.to_vec()).collect();
    elems[prev - 1].push(seg.delims.component);
    elems[prev - 1].extend_from_slice(written[elem - 1]);
    !judge(placement, seg, &elems)
        .iter()
        .any(|i| on_components(i, prev, 1))
}

/// `seg` read with an empty component put back in element `elem` (its components `parts`)
/// before component `k` (0-based), written: that element and the reading's findings, when
/// that component holds a value as written and the reading leaves the composite one finding
/// from there on, the component put back required but empty.
fn put_back_component(
    placement: &ig::Placement,
    seg: &Segment<'_>,
    written: &[&[u8]],
    elem: usize,
    parts: &[&[u8]],
    k: usize,
) -> Option<(Vec<u8>, Vec<ElementIssue>)> {
    if parts.get(k)?.is_empty() {
        return None;
    }
    let mut put = parts.to_vec();
    put.insert(k, b"");
    let value = put.join(&seg.delims.component);
    let mut elems: Vec<Vec<u8>> = written.iter().map(|e| e.to_vec()).collect();
    *elems.get_mut(elem - 1)? = value.clone();
    let read = judge(placement, seg, &elems);
    let left: Vec<&ElementIssue> = read
        .iter()
        .filter(|i| !matches!(i, ElementIssue::TrailingSeparator { .. }))
        .filter(|i| on_components(i, elem, k + 1))
        .collect();
    let one = matches!(left.as_slice(),
        [ElementIssue::RequiredMissing { elem: e, comp }] if *e == elem && *comp == k + 1);
    one.then_some((value, read))
}

/// Most candidate readings one segment's greedy steps judge (each step judges every edit of
/// the reading it starts from): when a step would pass it, nothing is claimed and the
/// segment keeps its findings as read. Well above what a segment that has slips needs (the
/// corpus, the fixtures and the single-mutation sweep judge at most 111 in one segment, a
/// 9-element one), it bounds what a long segment of short values costs: fuzzing found an
/// `NM1*IL*…` run on into an ISA's sixteen elements, 25 elements and 130 bytes whose three
/// steps judged 486 readings, and a 1 MB file of such segments stalled a check.
pub const MAX_JUDGED: usize = 256;

/// Each step undoes the slip that leaves the fewest findings (the first such, in the order
/// of [`edits`]), while that is fewer than before, at most `steps` of them, starting from the
/// reading `written` with `left` findings: the slips, the reading they leave and its findings.
/// `None` when a step has no edit to judge, or would judge past [`MAX_JUDGED`] readings
/// (counted in `judged`).
fn undo_slips(
    placement: &ig::Placement,
    seg: &Segment<'_>,
    written: &[&[u8]],
    mut left: usize,
    steps: usize,
    judged: &mut usize,
) -> Option<(Vec<Slip>, Vec<Vec<u8>>, usize)> {
    let component = seg.delims.component;
    let mut elems: Vec<Vec<u8>> = written.iter().map(|e| e.to_vec()).collect();
    let mut slips = Vec::new();
    let (mut text, mut found) = (Vec::new(), Vec::new());
    while left > 0 && slips.len() < steps {
        let candidates = edits(&elems, component);
        if *judged + candidates.len() > MAX_JUDGED {
            return None;
        }
        *judged += candidates.len();
        let mut weighed = Vec::with_capacity(candidates.len());
        for edit in candidates {
            edit.render_into(seg, &elems, &mut text);
            judge_text(placement, seg, &text, &mut found);
            // Only a run of three or more is judged by where its composite lands.
            let clean = !matches!(edit, Edit::Run(_, n) if n >= 3) || {
                let slip = edit.slip(seg.id(), &elems);
                run_is_clean(&slip, &edit.apply(&elems, component), &found, component)
            };
            if clean {
                weighed.push((weight(&found), edit));
            }
        }
        let (least, edit) = unambiguous_best(&weighed)?;
        if least >= left {
            break;
        }
        left = least;
        slips.push(edit.slip(seg.id(), &elems));
        elems = edit.apply(&elems, component);
    }
    Some((slips, elems, left))
}

/// The slips that make `seg` (placed by `placement`, with findings `issues`) valid, when it
/// has findings on two or more elements and undoing fewer slips than that clears every one;
/// or the one composite written with another component separator ([`foreign`]); or, when
/// no slip of separators alone explains them, a required element left out ([`dropped`]);
/// or else a required component left out of a composite ([`component_dropped`]).
/// Each step undoes the slip that leaves the fewest findings (the first such, in element
/// order), while that is fewer than before ([`undo_slips`], at most [`MAX_JUDGED`] readings).
pub fn search(
    placement: &ig::Placement,
    seg: &Segment<'_>,
    issues: &[ElementIssue],
) -> Option<Realignment> {
    search_counting(placement, seg, issues, &mut 0)
}

/// [`search`], adding to `judged` the candidate readings its greedy steps judged (at most
/// [`MAX_JUDGED`]): the bound on its work, for the tests.
pub fn search_counting(
    placement: &ig::Placement,
    seg: &Segment<'_>,
    issues: &[ElementIssue],
    judged: &mut usize,
) -> Option<Realignment> {
    let with_date: Vec<ElementIssue>;
    let issues = match date_unlike(seg) {
        Some(d) => {
            with_date = issues.iter().cloned().chain([d]).collect();
            &with_date[..]
        }
        None => issues,
    };
    if let Some(r) = foreign(placement, seg, issues) {
        return Some(r);
    }
    let positions = element_positions(issues);
    let written = elements(seg);
    if written.len() > MAX_ELEMENTS {
        return None;
    }
    if positions.len() < 2 {
        return extra_before_code(placement, seg, issues, &written)
            .or_else(|| component_dropped(placement, seg, issues));
    }
    let steps = MAX_EDITS.min(positions.len() - 1);
    let (slips, elems, left) = undo_slips(placement, seg, &written, weight(issues), steps, judged)?;
    if left > 0 {
        return dropped(placement, seg, issues, &written)
            .or_else(|| component_dropped(placement, seg, issues));
    }
    let root = first_finding(issues)?;
    Some(Realignment {
        slips,
        text: String::from_utf8_lossy(&render(seg, &elems)).into_owned(),
        root,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cuts `splits` tries in one value: (first, second).
    fn cuts(value: &[u8]) -> Vec<(String, String)> {
        let elems = [value.to_vec()];
        splits(&elems, b':')
            .into_iter()
            .filter_map(|e| match e.slip(b"X", &elems) {
                Slip::Split { first, second } => Some((first, second)),
                _ => None,
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn a_composite_is_cut_in_its_first_and_last_components_only() {
        assert_eq!(cuts(b"11:B:1Y"), pairs(&[("1", "1:B:1Y"), ("11:B:1", "Y")]));
        // A value run on into a composite's first component is cut there too.
        assert_eq!(
            cuts(b"60HC:96372"),
            pairs(&[
                ("6", "0HC:96372"),
                ("60", "HC:96372"),
                ("60H", "C:96372"),
                ("60HC:9", "6372"),
                ("60HC:96", "372"),
                ("60HC:963", "72"),
                ("60HC:9637", "2"),
            ])
        );
        // A simple value is cut anywhere.
        assert_eq!(splits(&[b"UN1".to_vec()], b':').len(), 2);
    }

    #[test]
    fn components_written_with_element_separators_are_one_run() {
        let elems: Vec<Vec<u8>> = [&b"0636"[..], b"HC", b"J0897", b"JZ", b"", b"60"]
            .iter()
            .map(|e| e.to_vec())
            .collect();
        let runs: Vec<Vec<String>> = component_runs(&elems, 1)
            .map(|e| match e.slip(b"SV2", &elems) {
                Slip::Component { parts } => parts,
                other => panic!("{other:?}"),
            })
            .collect();
        // Stops at the empty element: HC:J0897 and HC:J0897:JZ.
        assert_eq!(runs, [vec!["HC", "J0897"], vec!["HC", "J0897", "JZ"]]);
        let joined = Edit::Run(1, 3).apply(&elems, b':');
        assert_eq!(joined[1], b"HC:J0897:JZ");
        assert_eq!(joined.len(), 4);
    }
}
