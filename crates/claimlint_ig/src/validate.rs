//! Element-level checks of one segment against its TR3 definition: length, type, code list,
//! usage, counts, trailing separators and X12 syntax rules. Knows nothing of loops.

mod program;

pub use program::Program;
pub(crate) use program::{Separators, is_special};

use super::{
    Codes, CompositeDef, DataType, ElementDef, ElementKind, LoopDef, Placement, SegmentDef,
    SegmentView, SyntaxKind, SyntaxRule, Usage,
};

/// One element-level finding. `elem` and `comp` are 1-based; `comp` is 0 for the element as a
/// whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ElementIssue {
    /// SYN002.
    Length {
        elem: usize,
        comp: usize,
        min: u16,
        max: u16,
        len: usize,
    },
    /// SYN003.
    Type {
        elem: usize,
        comp: usize,
        expected: DataType,
    },
    /// SYN004: an element or component past the last one defined.
    TooMany { elem: usize, comp: usize },
    /// SYN004: more repetitions than the element allows.
    TooManyRepeats { elem: usize, max: u16, count: usize },
    /// SYN004: a value in an element the TR3 marks Not Used.
    NotUsed { elem: usize, comp: usize },
    /// SYN007.
    RequiredMissing { elem: usize, comp: usize },
    /// SYN008, with the list for the message.
    CodeInvalid {
        elem: usize,
        comp: usize,
        codes: &'static [&'static str],
    },
    /// SYN006: the segment (comp 0) or composite ends in an empty element/component.
    TrailingSeparator { elem: usize, comp: usize },
    /// SYN009. `elem` is 0 for a segment rule, else the composite the positions are in.
    Syntax {
        kind: SyntaxKind,
        elem: usize,
        positions: &'static [u8],
    },
}

impl ElementIssue {
    /// The element and component (0 for the whole element) the finding is about; `None` for
    /// a syntax rule, which spans several.
    pub fn position(&self) -> Option<(usize, usize)> {
        match *self {
            ElementIssue::Length { elem, comp, .. }
            | ElementIssue::Type { elem, comp, .. }
            | ElementIssue::TooMany { elem, comp }
            | ElementIssue::NotUsed { elem, comp }
            | ElementIssue::RequiredMissing { elem, comp }
            | ElementIssue::CodeInvalid { elem, comp, .. }
            | ElementIssue::TrailingSeparator { elem, comp } => Some((elem, comp)),
            ElementIssue::TooManyRepeats { elem, .. } => Some((elem, 0)),
            ElementIssue::Syntax { .. } => None,
        }
    }
}

/// Checks a segment against the definition the walk placed it under. A segment is defined per
/// qualifier (837I 2300 DTP*434 takes RD8, DTP*435 D8 or DT): when its qualifier fits none of
/// the loop's definitions, the walk placed it by id alone, and only the qualifier is wrong for
/// certain. It is reported against every qualifier the loop allows, and positions the
/// definitions disagree on are not judged against an arbitrary one of them (one root cause,
/// one error).
pub fn validate_placed(
    placement: &Placement,
    seg: &(impl SegmentView + ?Sized),
    out: &mut Vec<ElementIssue>,
) {
    let Placement::Placed {
        loop_def,
        segment,
        qualified,
    } = *placement
    else {
        return;
    };
    let start = out.len();
    validate_segment(segment, seg, out);
    // The walk knows whether the qualifier fit (it asked `matches` to place the segment).
    let Some(q) = segment.qualifier.filter(|_| !qualified) else {
        return;
    };
    let qpos = (usize::from(q.elem), usize::from(q.comp));
    // A qualifier another definition of the loop takes (a segment read again with its
    // separators put right, `realign`, under the placement it had as written) is not wrong.
    let value = seg.qualifier(qpos.0, qpos.1).unwrap_or_default();
    let in_loop = q.in_loop.iter().any(|c| c.as_bytes() == value);
    let mut k = start;
    while let Some(issue) = out.get_mut(k) {
        let keep = match issue.position() {
            Some(pos) if is_qualifier_position(pos, qpos) => {
                if let ElementIssue::CodeInvalid { codes, .. } = issue {
                    *codes = q.in_loop;
                    !in_loop
                } else {
                    true
                }
            }
            Some((elem, comp)) => siblings_agree(loop_def, segment, elem, comp),
            None => true,
        };
        if keep {
            k += 1;
        } else {
            out.remove(k);
        }
    }
}

/// The qualifier sits in element `q.0`, component `q.1` (0: a simple element, read as its
/// first component too).
pub(crate) fn is_qualifier_position(pos: (usize, usize), q: (usize, usize)) -> bool {
    pos.0 == q.0 && (pos.1 == q.1 || pos.1.max(1) == q.1.max(1))
}

/// The element (comp 0) or component at a position of a definition.
fn element_at(def: &SegmentDef, elem: usize, comp: usize) -> Option<&'static ElementDef> {
    let e = def.element_at(elem)?;
    match (comp, e.composite()) {
        (0, _) | (_, None) => Some(e),
        (j, Some(c)) => c.components.get(j - 1),
    }
}

/// Do all definitions with `def`'s id in `loop_def` define this position alike (usage, type,
/// length, code list)? Only then can a finding there stand without knowing which one applies.
fn siblings_agree(loop_def: &LoopDef, def: &SegmentDef, elem: usize, comp: usize) -> bool {
    let mine = element_at(def, elem, comp);
    loop_def
        .segments(def.id.as_bytes())
        .all(|other| match (mine, element_at(other, elem, comp)) {
            (Some(a), Some(b)) => same_element(a, b),
            (None, None) => true,
            _ => false,
        })
}

/// Is this position a list that depends on the qualifier: do the definitions with `def`'s id
/// in `loop_def` give it different code lists? (DTP02 in 837I 2300; REF01 never, it is the
/// qualifier itself.)
pub fn is_qualifier_dependent(
    loop_def: &LoopDef,
    def: &SegmentDef,
    elem: usize,
    comp: usize,
) -> bool {
    let list = |d: &SegmentDef| element_at(d, elem, comp).and_then(|e| e.codes()?.list());
    let mine = list(def);
    def.qualifier.is_some()
        && !def.is_qualifier_at(elem, comp)
        && loop_def
            .segments(def.id.as_bytes())
            .any(|o| list(o) != mine)
}

fn same_element(a: &ElementDef, b: &ElementDef) -> bool {
    if std::ptr::eq(a, b) {
        return true;
    }
    a.usage == b.usage
        && a.repeat == b.repeat
        && match (simple(a), simple(b)) {
            (Some(x), Some(y)) => x == y,
            (None, None) => {
                a.composite().map(|c| c.components.len())
                    == b.composite().map(|c| c.components.len())
            }
            _ => false,
        }
}

/// A simple element's type, minimum and maximum length, and code list.
#[inline]
fn simple(e: &ElementDef) -> Option<(DataType, u16, u16, Codes)> {
    match e.kind {
        ElementKind::Simple {
            data_type,
            min_len,
            max_len,
            codes,
        } => Some((data_type, min_len, max_len, codes)),
        ElementKind::Composite(_) => None,
    }
}

fn non_empty(v: Option<&[u8]>) -> bool {
    v.is_some_and(|v| !v.is_empty())
}

/// Does element `i` hold a value: a non-empty first repetition, not only separators?
pub(crate) fn element_present(seg: &(impl SegmentView + ?Sized), i: usize) -> bool {
    let comps = seg.component_count(i);
    if comps > 1 {
        (1..=comps).any(|j| non_empty(seg.component(i, j)))
    } else {
        non_empty(seg.component(i, 1)) || non_empty(seg.element(i))
    }
}

/// Which elements of a segment hold a value, read once: bit `i - 1` for element `i` up to 64,
/// the rest (never in an 837, whose longest segment has 21) asked of the segment each time.
struct Presence<'s, S: SegmentView + ?Sized> {
    seg: &'s S,
    bits: u64,
    count: usize,
}

impl<'s, S: SegmentView + ?Sized> Presence<'s, S> {
    fn new(seg: &'s S) -> Self {
        Presence {
            seg,
            bits: seg.presence(),
            count: seg.element_count(),
        }
    }

    #[inline]
    fn has(&self, i: usize) -> bool {
        match i {
            0 => false,
            1..=64 => self.bits >> (i - 1) & 1 == 1,
            _ => i <= self.count && element_present(self.seg, i),
        }
    }
}

/// Checks every element of `seg` against `def` and appends what is wrong to `out`. Empty
/// situational elements are never flagged.
pub fn validate_segment(
    def: &SegmentDef,
    seg: &(impl SegmentView + ?Sized),
    out: &mut Vec<ElementIssue>,
) {
    let present = Presence::new(seg);
    let n = present.count;
    let from = out.len();
    let upto = n.max(def.elements.len());
    if upto <= 64 {
        // Only the elements present or required can give a finding: those bits, in order.
        let mut todo = (present.bits | def.required) & (u64::MAX >> (64 - upto.max(1)));
        while todo != 0 {
            let i = todo.trailing_zeros() as usize + 1;
            todo &= todo - 1;
            judge_element(def, seg, i, present.has(i), out);
        }
    } else {
        for i in 1..=upto {
            judge_element(def, seg, i, present.has(i), out);
        }
    }
    // A value in a Not Used element is SYN004's, and removing it is the fix: the syntax rules
    // read the segment as if it were gone (`HCP10` alone is not also "HCP10 without HCP09").
    let used = |p: usize| def.element_at(p).is_none_or(|e| e.usage != Usage::NotUsed);
    check_rules(def.syntax, 0, |p| present.has(p) && used(p), out);
    // The last element empty is a trailing separator, unless a value the guide wants is
    // missing from where the empty elements begin on: then the separators stand for it
    // (SYN007 `LX*`, `SV1*HC:99213*100*UN*1**` without SV107; SYN009 `NM1*…*XX*` without
    // NM109), and writing it mends both, as for a composite's last component.
    if n > 0 && !present.has(n) {
        let first_empty = (1..n).rev().find(|&i| present.has(i)).map_or(1, |i| i + 1);
        let wanted = out
            .get(from..)
            .unwrap_or_default()
            .iter()
            .any(|issue| match *issue {
                ElementIssue::RequiredMissing { elem, comp: 0 } => elem >= first_empty,
                // An exclusion (E) wants none of its absent elements.
                ElementIssue::Syntax {
                    kind,
                    elem: 0,
                    positions,
                } if kind != SyntaxKind::E => positions
                    .iter()
                    .any(|&p| usize::from(p) >= first_empty && !present.has(p.into())),
                _ => false,
            });
        if !wanted {
            out.insert(from, ElementIssue::TrailingSeparator { elem: n, comp: 0 });
        }
    }
}

/// Element `i` of a segment against its definition, `here` when it holds a value.
#[inline]
fn judge_element(
    def: &SegmentDef,
    seg: &(impl SegmentView + ?Sized),
    i: usize,
    here: bool,
    out: &mut Vec<ElementIssue>,
) {
    match def.element_at(i) {
        Some(ed) if !here && ed.usage == Usage::Required => {
            out.push(ElementIssue::RequiredMissing { elem: i, comp: 0 });
        }
        Some(_) if !here => {}
        Some(ed) => check_element(ed, seg, i, out),
        None if here => out.push(ElementIssue::TooMany { elem: i, comp: 0 }),
        None => {}
    }
}

/// Components of a composite's first repetition held on the stack (the 837's widest has 7);
/// a wider one is read from the segment each time.
const COMPONENTS: usize = 16;

/// Checks an element known to hold a value.
fn check_element(
    ed: &ElementDef,
    seg: &(impl SegmentView + ?Sized),
    i: usize,
    out: &mut Vec<ElementIssue>,
) {
    if ed.usage == Usage::NotUsed {
        out.push(ElementIssue::NotUsed { elem: i, comp: 0 });
        return;
    }
    let (reps, comps, first) = seg.shape(i);
    if reps > usize::from(ed.repeat) {
        out.push(ElementIssue::TooManyRepeats {
            elem: i,
            max: ed.repeat,
            count: reps,
        });
    }
    match ed.kind {
        ElementKind::Simple { .. } => {
            if comps > 1 {
                // A component separator inside a simple element: the value is what precedes it.
                out.push(ElementIssue::TooMany { elem: i, comp: 2 });
            }
            let value = first;
            if value.is_empty() {
                if ed.usage == Usage::Required {
                    out.push(ElementIssue::RequiredMissing { elem: i, comp: 0 });
                }
                return;
            }
            check_value(ed, value, i, 0, out);
        }
        ElementKind::Composite(cd) => {
            let mut held: [&[u8]; COMPONENTS] = [&[]; COMPONENTS];
            seg.fill_components(i, &mut held[..comps.min(COMPONENTS)]);
            let component = |j: usize| match held.get(j.wrapping_sub(1)) {
                Some(v) if j <= comps => *v,
                Some(_) => &[],
                None => seg.component(i, j).unwrap_or_default(),
            };
            // The last component empty is a trailing separator, unless the guide requires it:
            // then it is the missing value (SYN007), which writing mends both (`HI*ABK:`).
            let required_last = cd
                .components
                .get(comps - 1)
                .is_some_and(|c| c.usage == Usage::Required);
            if comps > 1 && component(comps).is_empty() && !required_last {
                out.push(ElementIssue::TrailingSeparator {
                    elem: i,
                    comp: comps,
                });
            }
            for j in 1..=comps.max(cd.components.len()) {
                let value = component(j);
                match cd.components.get(j - 1) {
                    None if !value.is_empty() => {
                        out.push(ElementIssue::TooMany { elem: i, comp: j })
                    }
                    None => {}
                    Some(c) if value.is_empty() && c.usage == Usage::Required => {
                        out.push(ElementIssue::RequiredMissing { elem: i, comp: j });
                    }
                    Some(_) if value.is_empty() => {}
                    Some(c) if c.usage == Usage::NotUsed => {
                        out.push(ElementIssue::NotUsed { elem: i, comp: j });
                    }
                    Some(c) => check_value(c, value, i, j, out),
                }
            }
            let used = |p: usize| {
                cd.components
                    .get(p.wrapping_sub(1))
                    .is_none_or(|c| c.usage != Usage::NotUsed)
            };
            check_rules(cd.syntax, i, |p| !component(p).is_empty() && used(p), out);
        }
    }
}

fn check_value(ed: &ElementDef, v: &[u8], elem: usize, comp: usize, out: &mut Vec<ElementIssue>) {
    let Some((data_type, min_len, max_len, codes)) = simple(ed) else {
        return;
    };
    match value_fault(ed, v) {
        None => {}
        Some(ValueFault::Type) => out.push(ElementIssue::Type {
            elem,
            comp,
            expected: data_type,
        }),
        Some(ValueFault::Code) => out.push(ElementIssue::CodeInvalid {
            elem,
            comp,
            codes: codes.list().unwrap_or_default(),
        }),
        Some(ValueFault::Length(len)) => out.push(ElementIssue::Length {
            elem,
            comp,
            min: min_len,
            max: max_len,
            len,
        }),
    }
}

/// What is wrong with a non-empty value of a simple element: the one judgement of a value,
/// which [`check_value`] reports and [`is_clean`] asks only whether there is any (and a
/// help asks of a value it would move into another element).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueFault {
    Type,
    Code,
    Length(usize),
}

/// `None` for a composite: only its components are judged so.
#[inline]
pub fn value_fault(ed: &ElementDef, v: &[u8]) -> Option<ValueFault> {
    let (data_type, min_len, max_len, codes) = simple(ed)?;
    if codes.list().is_some() {
        // A value that is not of the element's type is a syntax error whatever its list
        // (999 IK403 6, not 7): SV107's pointers (DE 1328) are N0 with the list 1–12, and
        // `1.00` or `A` is no number at all. Only numbers, dates and times are read so; an
        // ID or AN value is judged by its list alone, as before.
        let typed = matches!(data_type, DataType::ID | DataType::AN | DataType::B)
            || typed_len(data_type, v, max_len).is_some();
        return if !typed {
            Some(ValueFault::Type)
        } else if !codes.contains(v) {
            // A list check says more than a length check would, so it replaces it.
            Some(ValueFault::Code)
        } else {
            None
        };
    }
    let Some(len) = typed_len(data_type, v, max_len) else {
        return Some(ValueFault::Type);
    };
    (len < usize::from(min_len) || len > usize::from(max_len)).then_some(ValueFault::Length(len))
}

/// The length of a value that counts toward its element's min/max (digits of a number), or
/// None if the value is not of the type.
fn typed_len(data_type: DataType, v: &[u8], max_len: u16) -> Option<usize> {
    match data_type {
        DataType::N(_) => numeric_len(v),
        DataType::R => decimal_len(v),
        DataType::DT if is_date(v, max_len) => Some(v.len()),
        DataType::TM if is_time(v) => Some(v.len()),
        DataType::DT | DataType::TM => None,
        DataType::AN | DataType::ID => v.iter().all(|b| !b.is_ascii_control()).then_some(v.len()),
        DataType::B => Some(v.len()),
    }
}

/// Digits of an Nn value (sign excluded), or None if it is not one.
fn numeric_len(v: &[u8]) -> Option<usize> {
    let digits = v.strip_prefix(b"-").unwrap_or(v);
    (!digits.is_empty() && digits.iter().all(u8::is_ascii_digit)).then_some(digits.len())
}

/// Is `v` of type Nn: digits with an optional leading minus (no `+`, no point)? The one
/// reading of a number's type: what fails it is SYN003's, so a rule that judges a number's
/// value (SIT001's SV107 pointers) leaves exactly those alone.
pub fn is_numeric(v: &[u8]) -> bool {
    numeric_len(v).is_some()
}

/// Digits of an R value (sign and point excluded), or None if it is not one.
fn decimal_len(v: &[u8]) -> Option<usize> {
    let body = v.strip_prefix(b"-").unwrap_or(v);
    let mut points = 0usize;
    let mut digits = 0usize;
    for b in body {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => points += 1,
            _ => return None,
        }
    }
    (digits > 0 && points <= 1).then_some(digits)
}

fn num(v: &[u8]) -> Option<u32> {
    if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    v.iter().try_fold(0u32, |acc, b| {
        acc.checked_mul(10)?.checked_add(u32::from(b - b'0'))
    })
}

fn is_date(v: &[u8], max_len: u16) -> bool {
    let (year, rest) = match v.len() {
        8 => (v.get(..4).and_then(num), v.get(4..)),
        // YYMMDD only where the element allows no more than 6 (X12 5010 dates are CCYYMMDD).
        6 if max_len == 6 => (v.get(..2).and_then(num).map(|y| 2000 + y), v.get(2..)),
        _ => return false,
    };
    let (Some(year), Some(rest)) = (year, rest) else {
        return false;
    };
    let (Some(month), Some(day)) = (rest.get(..2).and_then(num), rest.get(2..4).and_then(num))
    else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Is `v` an X12 time (type TM): HHMM, HHMMSS, HHMMSSd or HHMMSSdd on the 24-hour clock? The
/// one reading of a time: element types, GS05 and the qualified dates' times ask it.
pub fn is_time(v: &[u8]) -> bool {
    if !matches!(v.len(), 4 | 6 | 7 | 8) {
        return false;
    }
    let hh = v.get(..2).and_then(num);
    let mm = v.get(2..4).and_then(num);
    let rest_ok = match v.get(4..6) {
        None => true,
        Some(ss) => {
            num(ss).is_some_and(|s| s < 60)
                && v.get(6..).is_none_or(|d| d.is_empty() || num(d).is_some())
        }
    };
    hh.is_some_and(|h| h < 24) && mm.is_some_and(|m| m < 60) && rest_ok
}

fn check_rules(
    rules: &'static [SyntaxRule],
    elem: usize,
    present: impl Fn(usize) -> bool,
    out: &mut Vec<ElementIssue>,
) {
    for rule in rules {
        if !rule_holds(rule, &present) {
            out.push(ElementIssue::Syntax {
                kind: rule.kind,
                elem,
                positions: rule.positions,
            });
        }
    }
}

/// Does a syntax rule hold over the positions `present` says hold a value?
#[inline]
fn rule_holds(rule: &SyntaxRule, present: impl Fn(usize) -> bool) -> bool {
    let count = rule
        .positions
        .iter()
        .filter(|&&p| present(p.into()))
        .count();
    let first = rule.positions.first().is_some_and(|&p| present(p.into()));
    let total = rule.positions.len();
    match rule.kind {
        SyntaxKind::P => count == 0 || count == total,
        SyntaxKind::R => count > 0,
        SyntaxKind::E => count <= 1,
        SyntaxKind::C => !first || count == total,
        SyntaxKind::L => !first || count > 1,
    }
}

/// Does [`validate_segment`] find nothing wrong with a segment under `def`? The segment is
/// given as its elements' bytes (all repetitions, after the id) and its component and
/// repetition separators, read in one pass with nothing split or allocated. Most segments of
/// a file are clean, and this is what the guide check asks first: only a segment it says
/// `false` of is split and validated to find out what is wrong.
///
/// Exact where it says `true`: it answers with the same judgements the full check makes
/// ([`value_fault`], [`rule_holds`], the definition's `required` bits), and where reading a
/// segment the way the full check does would take more than that (a repetition separator,
/// more than 64 elements) it says `false` and leaves
/// the segment to the full check. (`false` alone is never a finding.)
pub fn is_clean<'v>(
    def: &SegmentDef,
    elements: impl Iterator<Item = &'v [u8]>,
    component: u8,
    repetition: Option<u8>,
) -> bool {
    let mut present = 0u64;
    let mut n = 0usize;
    for (k, e) in elements.enumerate() {
        n = k + 1;
        if e.is_empty() {
            continue; // not present: wanted only if required (below)
        }
        // Past the definition is SYN004 (and past 64, more than a mask holds).
        let ed = def.elements.get(k).filter(|_| k < 64);
        if !ed.is_some_and(|ed| element_clean(ed, e, component, repetition)) {
            if e.iter().all(|&b| b == component) {
                continue; // only separators: no value, as an empty element
            }
            return false;
        }
        present |= 1 << k;
    }
    // The last element empty is a trailing separator or stands for a missing value: a
    // finding either way. With every present element defined and used, "present and used"
    // is "present" for the syntax rules.
    let bit = |p: usize| holds(present, p);
    (n == 0 || bit(n))
        && def.required & !present == 0
        && def.syntax.iter().all(|r| rule_holds(r, bit))
}

/// A present element (non-empty bytes, all repetitions) that [`check_element`] would find
/// nothing wrong with, read without a repetition separator.
#[inline]
fn element_clean(ed: &ElementDef, e: &[u8], component: u8, repetition: Option<u8>) -> bool {
    // A Not Used element with a value is SYN004; so is a repetition past `repeat` (one
    // repetition here, as there is no separator).
    if ed.usage == Usage::NotUsed || ed.repeat == 0 {
        return false;
    }
    match ed.kind {
        ElementKind::Simple { .. } => {
            !e.iter().any(|&b| b == component || Some(b) == repetition)
                && value_fault(ed, e).is_none()
        }
        ElementKind::Composite(cd) => {
            !repetition.is_some_and(|r| e.contains(&r)) && composite_clean(cd, e, component)
        }
    }
}

/// The components of a present composite, as [`check_element`] judges them.
fn composite_clean(cd: &CompositeDef, e: &[u8], component: u8) -> bool {
    let mut present = 0u64;
    let mut count = 0usize;
    let mut last_empty = false;
    for (j, v) in e.split(|&b| b == component).enumerate() {
        count = j + 1;
        last_empty = v.is_empty();
        let ok = match cd.components.get(j) {
            None => v.is_empty(),
            Some(c) if v.is_empty() => c.usage != Usage::Required,
            Some(c) => j < 64 && c.usage != Usage::NotUsed && value_fault(c, v).is_none(),
        };
        if !ok {
            return false;
        }
        if !v.is_empty() {
            present |= 1 << j;
        }
    }
    // The last component empty: a trailing separator, or a required one missing.
    let bit = |p: usize| holds(present, p);
    !(count > 1 && last_empty)
        && cd
            .components
            .get(count..)
            .unwrap_or_default()
            .iter()
            .all(|c| c.usage != Usage::Required)
        && cd.syntax.iter().all(|r| rule_holds(r, bit))
}

/// Whether position `p` (1-based, at most 64) is set in the mask `present`.
#[inline]
fn holds(present: u64, p: usize) -> bool {
    (1..=64).contains(&p) && present >> (p - 1) & 1 == 1
}
