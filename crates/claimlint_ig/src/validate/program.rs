//! A segment definition compiled into an element program: per element (and per component
//! of a composite) what a clean value is, as one small step (a sorted list of code keys, a
//! type class with its lengths), and the syntax rules as presence masks. [`Program::is_clean`]
//! runs it over a segment's bytes in one pass, each element scanned once by the scan its step
//! needs, nothing split, nothing looked up but the codes. It answers what [`super::is_clean`]
//! answers (the unit tests hold the two to it, element by element and on whole segments), and
//! leaves every case it has no step for to the same judgement the full check makes
//! ([`super::value_fault`]), so it is exact by construction where it is not fast.
//!
//! A definition compiles its program at first use ([`crate::SegmentDef::program`]); after that
//! it is read only.

use super::{composite_clean, typed_len, value_fault};
use crate::{CompositeDef, DataType, ElementDef, ElementKind, SyntaxKind, SyntaxRule, Usage};

/// What a byte is, for the judgements made while scanning: the bits of [`CLASS`].
const CONTROL: u8 = 1;
/// Not a letter, digit, space, point or hyphen: maybe a separator (those are the bytes no
/// separator of a segment the program reads is), so only a value with such a byte is looked
/// at again for one.
const SPECIAL: u8 = 2;
const NOT_DIGIT: u8 = 4;
/// Neither a digit nor `.`: not part of an unsigned decimal.
const NOT_DECIMAL: u8 = 8;

/// [`CONTROL`], [`SPECIAL`], [`NOT_DIGIT`] and [`NOT_DECIMAL`] of each byte.
static CLASS: [u8; 256] = classes();

const fn classes() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut class = 0;
        if b.is_ascii_control() {
            class |= CONTROL;
        }
        if !b.is_ascii_alphanumeric() && !matches!(b, b' ' | b'.' | b'-') {
            class |= SPECIAL;
        }
        if !b.is_ascii_digit() {
            class |= NOT_DIGIT;
            if b != b'.' {
                class |= NOT_DECIMAL;
            }
        }
        table[i] = class;
        i += 1;
    }
    table
}

/// Can `b` be a separator the program's scans rely on: not a letter, digit, space, point or
/// hyphen, of which codes, numbers and most text are made? (Other separators, legal but
/// never seen, go to [`super::is_clean`].)
pub(crate) fn is_special(b: u8) -> bool {
    CLASS[usize::from(b)] & SPECIAL != 0
}

/// The separators of the segment being judged.
#[derive(Clone, Copy)]
pub(crate) struct Separators {
    pub element: u8,
    pub component: u8,
    pub repetition: Option<u8>,
}

/// How a present value of one element or component is judged.
#[derive(Debug)]
enum Judge {
    /// Not Used, or no repetition allowed: any value is SYN004.
    Never,
    /// One of these [`crate::code_key`]s, sorted. Every code is at most 7 bytes, none
    /// [`SPECIAL`] (letters, digits, spaces, points, hyphens), and of the element's type, so
    /// being one of them is the whole judgement (no separator, no control character, the
    /// type and the length right).
    Code(Box<[u64]>),
    /// AN (or ID) without a list: no control character, `min..=max` bytes.
    Text,
    /// Nn without a list: `min..=max` digits (a sign goes to [`Judge::Value`]'s reading).
    Number,
    /// R without a list: `min..=max` digits with at most one point (a sign likewise).
    Decimal,
    /// Anything else (dates, times, binary, a list the steps above cannot hold): the full
    /// check's own judgement, [`value_fault`].
    Value,
    /// A composite: its components' program.
    Composite(Box<Program>),
    /// A composite too wide for a presence mask: the clean test's own reading of it.
    Components(&'static CompositeDef),
}

/// One element or component of a program.
#[derive(Debug)]
struct Step {
    judge: Judge,
    min: u16,
    max: u16,
    /// What the step was compiled from, for [`Judge::Value`] and the slower paths.
    def: &'static ElementDef,
}

/// A syntax rule over presence bits: the `mask` of its positions, the bit of its `first`.
#[derive(Debug)]
struct Rule {
    kind: SyntaxKind,
    mask: u64,
    first: u64,
    /// Every position is one a mask holds (1 to 64): "all present" can be true.
    full: bool,
}

impl Rule {
    fn of(rule: &SyntaxRule) -> Rule {
        let bit = |p: u8| match p {
            1..=64 => 1u64 << (p - 1),
            _ => 0,
        };
        Rule {
            kind: rule.kind,
            mask: rule.positions.iter().fold(0, |m, &p| m | bit(p)),
            first: rule.positions.first().map_or(0, |&p| bit(p)),
            full: rule.positions.iter().all(|&p| bit(p) != 0),
        }
    }

    /// [`super::rule_holds`] over the positions set in `present`, its counts read from the
    /// mask (positions are distinct): all present is the mask, at most one a single bit,
    /// more than the first any other bit.
    #[inline]
    fn holds(&self, present: u64) -> bool {
        let here = present & self.mask;
        let all = self.full && here == self.mask;
        let first = here & self.first != 0;
        match self.kind {
            SyntaxKind::P => here == 0 || all,
            SyntaxKind::R => here != 0,
            SyntaxKind::E => here & here.wrapping_sub(1) == 0,
            SyntaxKind::C => !first || all,
            SyntaxKind::L => !first || here != self.first,
        }
    }
}

/// The element program of a segment definition, or the component program of a composite.
#[derive(Debug)]
pub struct Program {
    steps: Box<[Step]>,
    /// Bit `i - 1` for each required element or component `i` (up to 64).
    required: u64,
    rules: Box<[Rule]>,
}

impl Program {
    /// The program of a segment's elements (`top`) or of a composite's components, and
    /// their syntax rules.
    pub(crate) fn compile(
        elements: &'static [ElementDef],
        syntax: &'static [SyntaxRule],
        top: bool,
    ) -> Program {
        Program {
            steps: elements.iter().map(|e| Step::compile(e, top)).collect(),
            required: elements
                .iter()
                .take(64)
                .enumerate()
                .filter(|(_, e)| e.usage == Usage::Required)
                .fold(0, |m, (k, _)| m | 1 << k),
            rules: syntax.iter().map(Rule::of).collect(),
        }
    }

    #[inline]
    fn rules_hold(&self, present: u64) -> bool {
        self.rules.iter().all(|r| r.holds(present))
    }

    /// [`super::is_clean`] of a segment's elements, `body` being the bytes after the
    /// separator that follows its id, under separators that are all [`is_special`].
    pub(crate) fn is_clean(&self, body: &[u8], seps: Separators) -> bool {
        let mut present = 0u64;
        let mut pos = 0;
        // Element k + 1 begins at `pos`; past 64 elements the last one is past the mask.
        for k in 0..64 {
            let here = match body.get(pos) {
                // The last element empty: a trailing separator or a missing value.
                None => return false,
                // An empty element: nothing to judge.
                Some(&b) if b == seps.element => false,
                Some(_) => {
                    let read = match self.steps.get(k) {
                        Some(step) => step.read_element(body, pos, seps),
                        None => past_definition(body, pos, seps),
                    };
                    let Some((end, here)) = read else {
                        return false;
                    };
                    pos = end;
                    here
                }
            };
            present |= u64::from(here) << k;
            match body.get(pos) {
                Some(&b) if b == seps.element => pos += 1,
                // The last element must hold a value, as above.
                _ => {
                    return here && self.required & !present == 0 && self.rules_hold(present);
                }
            }
        }
        false
    }

    /// A segment with no element separator after its id: no element at all.
    pub(crate) fn is_clean_empty(&self) -> bool {
        self.required == 0 && self.rules_hold(0)
    }

    /// The components of a composite from `pos`: where the element ends, and whether it holds
    /// a value (`None`: not clean), as [`composite_clean`] and the clean test judge them.
    fn read_components(&self, body: &[u8], pos: usize, seps: Separators) -> Option<(usize, bool)> {
        let stop = |b: u8| b == seps.element || b == seps.component;
        let mut present = 0u64;
        let mut count = 0;
        let mut pos = pos;
        let (end, last_here) = loop {
            let (end, here) = match self.steps.get(count) {
                Some(step) => step.read_component(body, pos, seps)?,
                // Past the definition only an empty component is clean.
                None => {
                    let end = scan_class(body, pos, stop).0;
                    (end == pos).then_some((end, false))?
                }
            };
            if here {
                // A value past the definition is a fault, and the definition has at most
                // 64 components (`fits_mask`): `count` < 64.
                present |= 1 << count;
            }
            count += 1;
            match body.get(end) {
                Some(&b) if b == seps.component => pos = end + 1,
                _ => break (end, here),
            }
        };
        if present == 0 {
            return Some((end, false)); // only component separators: no value
        }
        let clean =
            (count == 1 || last_here) && self.required & !present == 0 && self.rules_hold(present);
        clean.then_some((end, true))
    }
}

impl Step {
    fn compile(e: &'static ElementDef, top: bool) -> Step {
        let step = |judge, min, max| Step {
            judge,
            min,
            max,
            def: e,
        };
        if e.usage == Usage::NotUsed || (top && e.repeat == 0) {
            return step(Judge::Never, 0, 0);
        }
        match e.kind {
            ElementKind::Composite(cd) if top && fits_mask(cd) => step(
                Judge::Composite(Box::new(Program::compile(cd.components, cd.syntax, false))),
                0,
                0,
            ),
            ElementKind::Composite(cd) if top => step(Judge::Components(cd), 0, 0),
            // A composite inside a composite is no X12 the full check reads.
            ElementKind::Composite(_) => step(Judge::Never, 0, 0),
            ElementKind::Simple {
                data_type,
                min_len,
                max_len,
                codes,
            } => {
                let judge = match (codes.list(), data_type) {
                    (Some(list), _) => code_keys(list, data_type, max_len)
                        .map_or(Judge::Value, |keys| Judge::Code(keys.into())),
                    (None, DataType::AN | DataType::ID) => Judge::Text,
                    (None, DataType::N(_)) => Judge::Number,
                    (None, DataType::R) => Judge::Decimal,
                    (None, _) => Judge::Value,
                };
                step(judge, min_len, max_len)
            }
        }
    }

    /// A top-level element from `pos`: where it ends and whether it holds a value, `None`
    /// when it is not clean. A value of only component separators is none, as an empty one.
    #[inline]
    fn read_element(&self, body: &[u8], pos: usize, seps: Separators) -> Option<(usize, bool)> {
        let at_element = |b: u8| b == seps.element;
        let (end, clean) = match &self.judge {
            Judge::Composite(program) => return program.read_components(body, pos, seps),
            Judge::Code(keys) => {
                let (end, key) = scan_code::<false>(body, pos, seps);
                (end, key.is_some_and(|k| is_code(keys, k)))
            }
            Judge::Components(cd) => {
                let (end, class) = scan_class(body, pos, at_element);
                let v = body.get(pos..end)?;
                let repeated =
                    class & SPECIAL != 0 && seps.repetition.is_some_and(|r| v.contains(&r));
                (end, !repeated && composite_clean(cd, v, seps.component))
            }
            _ => {
                let (end, class) = scan_class(body, pos, at_element);
                (end, self.value_clean(body.get(pos..end)?, class, seps))
            }
        };
        if clean {
            Some((end, true))
        } else {
            only_components(body.get(pos..end)?, seps).then_some((end, false))
        }
    }

    /// A component of a composite from `pos`, judged (a code by its key, anything else by
    /// the classes of its bytes): where it ends and whether it holds a value, `None` when it
    /// is not clean.
    #[inline]
    fn read_component(&self, body: &[u8], pos: usize, seps: Separators) -> Option<(usize, bool)> {
        let (end, clean) = match &self.judge {
            Judge::Code(keys) => {
                let (end, key) = scan_code::<true>(body, pos, seps);
                (end, key.is_some_and(|k| is_code(keys, k)))
            }
            _ => {
                let stop = |b: u8| b == seps.element || b == seps.component;
                let (end, class) = scan_class(body, pos, stop);
                let v = body.get(pos..end).unwrap_or_default();
                (end, !v.is_empty() && self.value_clean(v, class, seps))
            }
        };
        if end == pos {
            Some((end, false))
        } else {
            clean.then_some((end, true))
        }
    }

    #[inline]
    fn in_range(&self, len: usize) -> bool {
        usize::from(self.min) <= len && len <= usize::from(self.max)
    }

    /// Is a non-empty simple value clean: no separator in it (SYN004), and [`value_fault`]
    /// says nothing, read from the class bits of its bytes where the step allows.
    #[inline(always)]
    fn value_clean(&self, v: &[u8], class: u8, seps: Separators) -> bool {
        if class & SPECIAL != 0
            && v.iter()
                .any(|&b| b == seps.component || Some(b) == seps.repetition)
        {
            return false;
        }
        match self.judge {
            Judge::Text => class & CONTROL == 0 && self.in_range(v.len()),
            Judge::Number if class & NOT_DIGIT == 0 => self.in_range(v.len()),
            Judge::Decimal if class & NOT_DECIMAL == 0 => {
                let points = if class & NOT_DIGIT == 0 {
                    0
                } else {
                    v.iter().filter(|&&b| b == b'.').count()
                };
                points <= 1 && v.len() > points && self.in_range(v.len() - points)
            }
            Judge::Never | Judge::Composite(_) | Judge::Components(_) => false,
            Judge::Number | Judge::Decimal | Judge::Value | Judge::Code(_) => {
                value_fault(self.def, v).is_none()
            }
        }
    }
}

/// An element past the definition: clean only when empty (or only component separators).
fn past_definition(body: &[u8], pos: usize, seps: Separators) -> Option<(usize, bool)> {
    let (end, _) = scan_class(body, pos, |b| b == seps.element);
    let v = body.get(pos..end)?;
    (v.is_empty() || only_components(v, seps)).then_some((end, false))
}

/// A value of only component separators: no value, as an empty element.
fn only_components(v: &[u8], seps: Separators) -> bool {
    v.iter().all(|&b| b == seps.component)
}

/// Can a composite's components be judged with presence masks: at most 64, none composite?
fn fits_mask(cd: &CompositeDef) -> bool {
    cd.components.len() <= 64 && cd.components.iter().all(|c| !c.is_composite())
}

/// The sorted keys of a code list whose every code is at most 7 bytes, none [`SPECIAL`], of
/// the element's type (so that being one of them is the whole judgement, as
/// [`value_fault`] makes it); `None` for any other list.
fn code_keys(list: &[&str], data_type: DataType, max_len: u16) -> Option<Vec<u64>> {
    let typed = |c: &[u8]| {
        matches!(data_type, DataType::ID | DataType::AN | DataType::B)
            || typed_len(data_type, c, max_len).is_some()
    };
    let mut keys = list
        .iter()
        .map(|c| c.as_bytes())
        .map(|c| {
            let plain = !c.is_empty() && c.iter().all(|&b| CLASS[usize::from(b)] & SPECIAL == 0);
            (plain && typed(c)).then(|| crate::code_key(c)).flatten()
        })
        .collect::<Option<Vec<u64>>>()?;
    keys.sort_unstable();
    Some(keys)
}

/// Is `key` one of the sorted `keys`: a plain look along a short list, a binary search of a
/// long one.
#[inline]
fn is_code(keys: &[u64], key: u64) -> bool {
    if keys.len() <= 8 {
        keys.contains(&key)
    } else {
        keys.binary_search(&key).is_ok()
    }
}

/// Scans from `pos` to the first byte `stop` takes (or the end): where it stopped and the
/// union of the [`CLASS`] bits of the bytes before it.
#[inline]
fn scan_class(body: &[u8], pos: usize, stop: impl Fn(u8) -> bool) -> (usize, u8) {
    let mut class = 0;
    let mut end = pos;
    while let Some(&b) = body.get(end) {
        if stop(b) {
            break;
        }
        class |= CLASS[usize::from(b)];
        end += 1;
    }
    (end, class)
}

const LOW: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` below `n` (at most 0x80). Exact up to the lowest such
/// byte (a borrow can mark bytes above it), which is all a scan reads of it: the first stop,
/// and whether anything is marked before it.
#[inline]
fn below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(LOW * u64::from(n)) & !w & HIGH
}

/// The high bit of each byte of `w` that is `b`, exact up to the lowest as for [`below`].
#[inline]
fn equal(w: u64, b: u8) -> u64 {
    below(w ^ (LOW * u64::from(b)), 1)
}

/// A value read for its code key from `pos`, to the element separator (or in a composite
/// the component separator too): where it ends, and its [`crate::code_key`] when it is 1 to 7
/// bytes long. Eight bytes at once where the body has them: the first stop among them is the
/// length, and the bytes before it, byte-swapped, the key.
#[inline]
fn scan_code<const C: bool>(body: &[u8], pos: usize, seps: Separators) -> (usize, Option<u64>) {
    let stop = |b: u8| b == seps.element || (C && b == seps.component);
    let Some(word) = body.get(pos..).and_then(|rest| rest.first_chunk::<8>()) else {
        return scan_key(body, pos, stop);
    };
    let w = u64::from_le_bytes(*word);
    let stops = equal(w, seps.element) | if C { equal(w, seps.component) } else { 0 };
    if stops == 0 {
        let (end, _) = scan_class(body, pos + 8, stop);
        return (end, None); // eight bytes or more: no code
    }
    let len = stops.trailing_zeros() / 8; // 0..=7, exact for the lowest stop
    // The bytes big-endian, zero-padded, then the length, as `code_key` makes it.
    let key = (len > 0).then(|| w.swap_bytes() & !0u64 << (64 - 8 * len) | u64::from(len));
    (pos + len as usize, key)
}

/// [`scan_code`] byte by byte, near the end of the body.
#[inline]
fn scan_key(body: &[u8], pos: usize, stop: impl Fn(u8) -> bool) -> (usize, Option<u64>) {
    let mut bytes = 0u64;
    let mut end = pos;
    while let Some(&b) = body.get(end) {
        if stop(b) {
            break;
        }
        bytes = bytes << 8 | u64::from(b);
        end += 1;
    }
    let len = end - pos;
    let key = (1..=7)
        .contains(&len)
        .then(|| bytes << (8 * (8 - len)) | len as u64);
    (end, key)
}

#[cfg(test)]
mod tests {
    use super::super::{element_clean, holds, rule_holds};
    use super::*;
    use crate::tests::all_segment_defs;

    const SEPS: Separators = Separators {
        element: b'*',
        component: b':',
        repetition: Some(b'^'),
    };

    /// Values to judge an element or component by: its own codes and near misses, numbers,
    /// decimals, dates, times and text at and around its lengths, and wrong bytes of every
    /// kind (controls, separators, signs, points).
    fn values(e: &ElementDef) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = [
            "", "X", "x", "1", "0", "-1", "-1.5", "1.5", "1.", ".5", ".", "1.2.3", "+1", "A B",
            "20240101", "20240231", "240101", "1200", "2500", "120000", "1200001", "HC", "D8",
            "\u{1}A", "A\u{7f}", "\u{e9}", "A:B", ":", "::", "A:", ":A", "^", "A^B", "ABCDEFG",
            "ABCDEFGH", "1234567", "12345678",
        ]
        .iter()
        .map(|v| v.as_bytes().to_vec())
        .collect();
        if let ElementKind::Simple {
            min_len,
            max_len,
            codes,
            ..
        } = e.kind
        {
            for c in codes.list().unwrap_or_default() {
                let c = c.as_bytes();
                out.push(c.to_vec());
                out.push(c.to_ascii_lowercase());
                out.push([c, b"X"].concat());
                out.push([c, b":"].concat());
                out.push(c.get(1..).unwrap_or_default().to_vec());
            }
            for len in min_len.saturating_sub(1)..=max_len.saturating_add(1).min(90) {
                let len = usize::from(len);
                for b in [b'7', b'A', b' '] {
                    out.push(vec![b; len]);
                }
                out.push([&b"-"[..], &vec![b'1'; len]].concat());
                if len > 1 {
                    out.push([&vec![b'2'; len - 1], &b"."[..]].concat());
                    out.push([&b"3."[..], &vec![b'4'; len - 1]].concat());
                }
            }
        }
        out
    }

    /// What the clean test (`is_clean`, by `element_clean`) says of one element's bytes:
    /// `Some(here)` when it is clean (`here`: it holds a value), `None` when not.
    fn slow(e: &ElementDef, v: &[u8]) -> Option<bool> {
        if v.is_empty() {
            Some(false)
        } else if element_clean(e, v, SEPS.component, SEPS.repetition) {
            Some(true)
        } else {
            v.iter().all(|&b| b == SEPS.component).then_some(false)
        }
    }

    /// A clean-looking value for a component, to judge the others beside.
    fn filler(e: &'static ElementDef) -> Vec<u8> {
        values(e)
            .into_iter()
            .find(|v| {
                !v.is_empty()
                    && Step::compile(e, false)
                        .read_component(v, 0, SEPS)
                        .is_some_and(|(_, here)| here)
            })
            .unwrap_or_default()
    }

    /// The texts a composite is judged on: each component set to each of its values beside
    /// clean ones, and the list cut short or run on.
    fn composite_texts(cd: &'static CompositeDef) -> Vec<Vec<u8>> {
        let base: Vec<Vec<u8>> = cd.components.iter().map(filler).collect();
        let mut out = vec![base.join(&b':'), [base.join(&b':'), b":".to_vec()].concat()];
        for k in 0..=base.len() {
            out.push(base[..k].join(&b':'));
        }
        for (j, c) in cd.components.iter().enumerate() {
            for v in values(c) {
                let mut e = base.clone();
                e[j] = v;
                out.push(e.join(&b':'));
                out.push(e[..=j].join(&b':'));
            }
        }
        out
    }

    /// Every element of every segment definition of both guides, and every component of its
    /// composites, judged by its compiled step as the clean test judges it by the definition:
    /// alone, and followed by another element (where it must stop).
    #[test]
    fn every_step_agrees_with_the_definition() {
        let mut judged = 0usize;
        for def in all_segment_defs() {
            let program = def.program();
            assert_eq!(program.steps.len(), def.elements.len(), "{}", def.name);
            for (step, e) in program.steps.iter().zip(def.elements) {
                let texts = match e.composite() {
                    Some(cd) => composite_texts(cd),
                    None => values(e),
                };
                for v in texts {
                    let want = slow(e, &v);
                    for body in [v.clone(), [&v[..], b"*X"].concat()] {
                        let fast = step.read_element(&body, 0, SEPS);
                        assert_eq!(
                            fast.map(|f| f.1),
                            want,
                            "{} {:?}",
                            e.ref_des,
                            String::from_utf8_lossy(&v)
                        );
                        if let Some((end, _)) = fast {
                            assert_eq!(
                                end,
                                v.len(),
                                "{} {:?}",
                                e.ref_des,
                                String::from_utf8_lossy(&v)
                            );
                        }
                        judged += 1;
                    }
                }
            }
        }
        assert!(judged > 500_000, "{judged}");
    }

    /// Each syntax rule's masks hold exactly where the rule holds, for every set of its
    /// positions present; positions are distinct (the masks count each once) and each
    /// program's required bits are the definition's.
    #[test]
    fn rule_masks_agree_with_the_rules() {
        let mut rules: Vec<&SyntaxRule> = Vec::new();
        for def in all_segment_defs() {
            assert_eq!(def.program().required, def.required, "{}", def.name);
            rules.extend(def.syntax);
            for e in def.elements {
                rules.extend(e.composite().map_or(&[][..], |c| c.syntax));
            }
        }
        assert!(rules.len() > 100);
        for rule in rules {
            let mut seen = rule.positions.to_vec();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), rule.positions.len(), "{rule:?}");
            let compiled = Rule::of(rule);
            let n = rule.positions.len();
            for subset in 0u32..1 << n {
                let mut present = 0x8000_0000_0000_0000u64; // a position no rule names
                for (k, &p) in rule.positions.iter().enumerate() {
                    if subset >> k & 1 == 1 {
                        present |= 1 << (p - 1);
                    }
                }
                let want = rule_holds(rule, |p| holds(present, p));
                assert_eq!(compiled.holds(present), want, "{rule:?} {present:#x}");
            }
        }
    }
}
