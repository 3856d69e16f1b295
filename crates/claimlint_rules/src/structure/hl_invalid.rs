use crate::{Ctx, declare_rule};
use claimlint_model::Transaction;
use claimlint_x12::Segment;
use rustc_hash::FxHashMap;
use std::borrow::Cow;

declare_rule! {
    /// ## What it does
    /// Checks the HL hierarchy: HL01 counts 1, 2, 3… in order; HL02 names an earlier HL; HL03
    /// is a level allowed under its parent (20 billing provider at the top, 22 subscriber under
    /// 20, 23 patient under 22); and HL04 (child code) says 1 exactly when a child HL follows.
    /// ## Why it matters
    /// The hierarchy tells the payer whose claim it is: a claim under the wrong HL is billed to
    /// the wrong subscriber, and most front-end edits reject a broken HL tree outright.
    /// ## Example
    /// ```x12
    /// HL*1**20*1~ ... HL*2*1*22*1~ ... CLM*...~
    /// ```
    /// (HL*2 says it has a child, but no HL*3 follows)
    /// ## Fix
    /// `HL*2*1*22*0~` when the patient is the subscriber.
    code: STR001, name: "hl-invalid", severity: Error, snip: 2,
    x999: ElementElseSegment("7", "8"),
    check: Transaction(hl_invalid),
}

/// The HLs whose HL02 names no earlier HL, or one of another level than theirs wants (a 23
/// under a 20): (index in `tx.hls`, the parent level it wants). Its real parent is unknown,
/// so an earlier HL of that level whose HL04 says 1 is not reported as childless as well:
/// one bad HL02, one error. Kept as the last such HL per wanted level (a few levels, so a few
/// entries): "an orphan after HL `n` wants level `l`" is then one look per HL, not a scan of
/// every orphan (a chain of broken HLs made that quadratic, issue 13).
fn orphans(readings: &[Reading<'_>]) -> Vec<(&'static [u8], usize)> {
    let mut out: Vec<(&'static [u8], usize)> = Vec::new();
    for (n, r) in readings.iter().enumerate() {
        if let Some(want) = wanted_parent(r.level)
            && r.parent_level != Some(want)
        {
            match out.iter_mut().find(|(w, _)| *w == want) {
                Some(last) => last.1 = n,
                None => out.push((want, n)),
            }
        }
    }
    out
}

/// One element of an HL left out with its separator (its values from there on stand one
/// element early) or one separator too many (they stand one late).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HlSlip {
    /// Element `k` (1-based) is left out; put back, it is the value the reading gives it.
    Dropped(usize),
    /// Element `k` as written is an empty element too many.
    Extra(usize),
    /// HL03 is another level than the one its parent and its children say (`HL*1**22*1`
    /// heading level 22 HLs: the billing provider written as a subscriber); read as that one.
    Level,
    /// Element `k` holds two values run together, the separator between them left out
    /// (`HL*21*22*0` for `HL*2*1*22*0`): its first `at` bytes are one, the rest the next.
    Split(usize, usize),
}

/// What an HL says: its elements as written or, when one slip of its elements explains every
/// defect it has, as read with that slip (`HL*1*20*1`, the billing provider's empty HL02 left
/// out, reads as `HL*1**20*1`). `key` is the number its children name it by.
struct Reading<'t> {
    key: Cow<'t, [u8]>,
    parent: Cow<'t, [u8]>,
    /// HL03: never put back (a slip that leaves it out is not read), so always as written.
    level: &'t [u8],
    child: Cow<'t, [u8]>,
    slip: Option<HlSlip>,
    /// The level of the HL its HL02 (as read) names, among those before it.
    parent_level: Option<&'t [u8]>,
    /// The HL's number when HL01 is left empty: a child that names that number names it, so
    /// the empty HL01 is one error, not also its children's. (A wrong number is not read as
    /// another: children may name the HL by it, as written.)
    alias: Option<Box<[u8]>>,
}

impl<'t> Reading<'t> {
    fn written(seg: &Segment<'t>) -> Reading<'t> {
        Reading {
            key: Cow::Borrowed(seg.value(1)),
            parent: Cow::Borrowed(seg.value(2)),
            level: seg.value(3),
            child: Cow::Borrowed(seg.value(4)),
            slip: None,
            parent_level: None,
            alias: None,
        }
    }

    /// The HL as it should have been written.
    fn text(&self, seg: &Segment<'_>) -> String {
        let sep = char::from(seg.delims.element);
        let text = [&*self.key, &*self.parent, self.level, &*self.child]
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .join(&sep.to_string());
        format!("HL{sep}{text}{}", char::from(seg.delims.segment))
    }
}

/// Each HL's reading ([`Reading`]), in order. `levels` of the readings before an HL give the
/// level its HL02 names; an HL slipped reads its left-out HL01 as the number it should have
/// and its left-out HL02 as the last HL of the level above it. `copies` ([`copies`]) are
/// not counted.
fn readings<'t>(
    tx: &'t Transaction<'t>,
    lost: &Lost<'_>,
    counted: bool,
    copies: &[bool],
) -> Vec<Reading<'t>> {
    let mut out: Vec<Reading<'t>> = Vec::with_capacity(tx.hls.len());
    let mut levels: Levels<'t> = FxHashMap::default();
    let mut children: Option<Children<'t>> = None;
    let mut copied = 0;
    for (n, hl) in tx.hls.iter().enumerate() {
        copied += usize::from(copies.get(n) == Some(&true));
        let k = n - copied;
        // The HLs the walk found lost are counted only for an HL not numbered k + 1 (reading
        // them walks the guide, which a sound hierarchy need not).
        let expected = |key: &[u8]| {
            if is_number(key, k + 1) {
                k + 1
            } else {
                k + 1 + lost.before(hl.index)
            }
        };
        let written = Reading::written(&hl.seg);
        let mut reading = if counted || sound(&written, expected(&written.key), &levels, lost) {
            written
        } else {
            let number = expected(b"");
            slipped((tx, n), number, &levels, lost, &out)
                .or_else(|| {
                    let children = children.get_or_insert_with(|| children_of(tx));
                    relevelled((tx, n), expected(&written.key), &levels, lost, children)
                })
                .unwrap_or(written)
        };
        if !counted && reading.key.is_empty() {
            let number = expected(b"").to_string().into_bytes();
            reading.alias = Some(number.into_boxed_slice());
        }
        reading.parent_level = levels.get(&*reading.parent).copied();
        levels.insert(reading.key.clone(), reading.level);
        if let Some(alias) = &reading.alias {
            levels
                .entry(Cow::Owned(alias.to_vec()))
                .or_insert(reading.level);
        }
        out.push(reading);
    }
    out
}

/// The level (HL03, a level of the 837 or not) of each HL read so far, by the number its
/// children name it by.
type Levels<'t> = FxHashMap<Cow<'t, [u8]>, &'t [u8]>;

/// The HLs naming each HL02 value, in order (their index among the set's HLs and their HL03):
/// built once, for a set with an HL that is not sound, so that reading each such HL's level
/// ([`relevelled`]) does not scan the HLs after it (a set whose every HL is broken).
type Children<'t> = FxHashMap<&'t [u8], Vec<(usize, &'t [u8])>>;

fn children_of<'t>(tx: &'t Transaction<'t>) -> Children<'t> {
    let mut map: Children<'t> = FxHashMap::default();
    for (n, h) in tx.hls.iter().enumerate() {
        map.entry(h.seg.value(2))
            .or_default()
            .push((n, h.seg.value(3)));
    }
    map
}

/// The number of the last HL of level `want` before HL `n`: read (by the number its children
/// name it by), or lost (`Lost`) after it.
fn last_of_level(
    tx: &Transaction<'_>,
    n: usize,
    want: &[u8],
    before: &[Reading<'_>],
    lost: &Lost<'_>,
) -> Option<Vec<u8>> {
    let here = tx.hls.get(n)?.index;
    let read = before
        .iter()
        .enumerate()
        .rev()
        .find(|(_, p)| p.level == want)
        .and_then(|(m, p)| {
            let number = p.alias.as_deref().unwrap_or(&p.key);
            Some((tx.hls.get(m)?.index, number.to_vec())).filter(|_| !number.is_empty())
        });
    let missing = lost
        .hls()
        .iter()
        .rev()
        .find(|&&(at, _, level)| level == want && at < here)
        .map(|&(at, number, _)| (at, number.to_string().into_bytes()));
    match (read, missing) {
        (Some(r), Some(m)) => Some(if m.0 > r.0 { m.1 } else { r.1 }),
        (r, m) => r.or(m).map(|(_, number)| number),
    }
}

/// HL03 as one of the 837's levels.
/// The level an HL of `level` belongs under: 20 for a 22, 22 for a 23; none for a 20 (or an
/// HL03 that is no level).
fn wanted_parent(level: &[u8]) -> Option<&'static [u8]> {
    match level {
        b"22" => Some(b"20"),
        b"23" => Some(b"22"),
        _ => None,
    }
}

fn known_level(level: &[u8]) -> Option<&'static [u8]> {
    [b"20", b"22", b"23"]
        .into_iter()
        .find(|l| *l == level)
        .map(|l| l.as_slice())
}

/// Does `r` have none of the defects this rule reports on an HL alone: HL01 its number, HL03 a
/// level, HL02 empty for a 20 and naming an HL of the level above for a 22 or 23, HL04 0 or 1?
fn sound(r: &Reading<'_>, expected: usize, levels: &Levels<'_>, lost: &Lost<'_>) -> bool {
    if known_level(r.level).is_none() {
        return false;
    }
    let parent_fits = match wanted_parent(r.level) {
        None => r.parent.is_empty(),
        Some(want) => {
            levels
                .get(&*r.parent)
                .copied()
                .or_else(|| lost.level_of(&r.parent))
                == Some(want)
        }
    };
    is_number(&r.key, expected) && parent_fits && matches!(&*r.child, b"0" | b"1")
}

/// The reading of an HL whose values stand one element early or late, when exactly that slip
/// makes it sound; the values past HL04 must then be empty.
fn slipped<'t>(
    (tx, n): (&'t Transaction<'t>, usize),
    expected: usize,
    levels: &Levels<'_>,
    lost: &Lost<'_>,
    before: &[Reading<'_>],
) -> Option<Reading<'t>> {
    let seg = &tx.hls.get(n)?.seg;
    let count = seg.element_count();
    let values: Vec<&'t [u8]> = (1..=count).map(|i| seg.value(i)).collect();
    let splits = (1..=values.len().min(3))
        .flat_map(|k| (1..values[k - 1].len()).map(move |at| HlSlip::Split(k, at)));
    let candidates = (1..=2)
        .filter(|&k| k <= values.len() + 1)
        .map(HlSlip::Dropped)
        .chain((1..=values.len().min(4)).map(HlSlip::Extra))
        .chain(splits);
    for slip in candidates {
        let mut read = values.clone();
        match slip {
            HlSlip::Dropped(k) => read.insert(k - 1, b""),
            HlSlip::Extra(k) if values[k - 1].is_empty() => drop(read.remove(k - 1)),
            HlSlip::Split(k, at) => {
                let (a, b) = values[k - 1].split_at(at);
                read[k - 1] = a;
                read.insert(k, b);
            }
            HlSlip::Extra(_) | HlSlip::Level => continue,
        }
        let [key, parent, level, child, rest @ ..] = read.as_slice() else {
            continue;
        };
        if rest.iter().any(|v| !v.is_empty()) {
            continue;
        }
        let mut r = Reading {
            key: Cow::Borrowed(key),
            parent: Cow::Borrowed(parent),
            level,
            child: Cow::Borrowed(child),
            slip: Some(slip),
            parent_level: None,
            alias: None,
        };
        // The element put back holds what it should: HL01 the HL's number, HL02 (of a 22 or
        // 23) the last HL of the level above. HL03 cannot be told, so it is never put back
        // (nor HL04, after it).
        match slip {
            HlSlip::Dropped(1) => r.key = Cow::Owned(expected.to_string().into_bytes()),
            HlSlip::Dropped(2) => {
                if let Some(want) = wanted_parent(r.level) {
                    let Some(parent) = last_of_level(tx, n, want, before, lost) else {
                        continue;
                    };
                    r.parent = Cow::Owned(parent);
                }
            }
            HlSlip::Dropped(_) | HlSlip::Extra(_) | HlSlip::Level | HlSlip::Split(..) => {}
        }
        if sound(&r, expected, levels, lost) {
            return Some(r);
        }
    }
    None
}

/// The level below `level`: 22 under a 20, 23 under a 22.
fn child_level(level: &[u8]) -> Option<&'static [u8]> {
    match level {
        b"20" => Some(b"22"),
        b"22" => Some(b"23"),
        _ => None,
    }
}

/// The reading of HL `n` with HL03 another level of the 837 ([`HlSlip::Level`]), when its
/// HL02 and its children agree on that one level and the HL is otherwise sound: `HL*1**22*1`
/// with no parent and level 22 HLs naming it is the billing provider (20), `HL*2*1*23*1`
/// under a 20 with level 23 HLs naming it the subscriber (22). An HL no later HL names is
/// left as written: its parent alone does not tell its level.
fn relevelled<'t>(
    (tx, n): (&'t Transaction<'t>, usize),
    expected: usize,
    levels: &Levels<'_>,
    lost: &Lost<'_>,
    children: &Children<'t>,
) -> Option<Reading<'t>> {
    let seg = &tx.hls.get(n)?.seg;
    let written = Reading::written(seg);
    known_level(written.level)?;
    // The HLs after it that name it (HL02 its HL01), by their HL03.
    let named = children.get(&*written.key).map_or(&[][..], Vec::as_slice);
    let after = &named[named.partition_point(|&(k, _)| k <= n)..];
    let &(_, first) = after.first()?;
    if after.iter().any(|&(_, c)| c != first) {
        return None;
    }
    let level = [b"20".as_slice(), b"22"]
        .into_iter()
        .find(|&l| child_level(l) == Some(first) && l != written.level)?;
    let r = Reading {
        level,
        slip: Some(HlSlip::Level),
        ..written
    };
    sound(&r, expected, levels, lost).then_some(r)
}

/// The number the set's HLs are counted from when it is not 1 but they count on from it in
/// order (`HL*6*`, `HL*7*5*`…: a sender numbering on from the previous transaction set):
/// one defect, whose fix renumbers HL01 and the HL02s that name them together.
fn counted_from(tx: &Transaction<'_>, copies: &[bool]) -> Option<usize> {
    let first = tx.hls.first()?.seg.value(1);
    let base = std::str::from_utf8(first).ok()?.parse::<usize>().ok()?;
    (base != 1
        && tx
            .hls
            .iter()
            .zip(copies)
            .filter(|&(_, &copy)| !copy)
            .enumerate()
            .all(|(n, (hl, _))| {
                base.checked_add(n)
                    .is_some_and(|number| is_number(hl.seg.value(1), number))
            }))
    .then_some(base)
}

/// The HLs the walk found missing: an HL loop (2000A/B/C) it opened at a segment that begins
/// it without its HL (`StructureIssue::OpenerMissing`, STR002's finding, or the stray `HQ`
/// that stood in for it). They count: the HLs after a deleted `HL*2*1*22*1` are numbered
/// as they were, and an `HL*3*2*23*0` under it names the HL that is missing, not no HL. Read
/// only when an HL would get a finding, so a sound hierarchy does not make the walk run.
struct Lost<'t> {
    tx: &'t Transaction<'t>,
    /// (segment index, the number it would have, its level (HL03)).
    hls: std::cell::OnceCell<Vec<(u32, usize, &'static [u8])>>,
}

impl<'t> Lost<'t> {
    fn new(tx: &'t Transaction<'t>) -> Lost<'t> {
        Lost {
            tx,
            hls: std::cell::OnceCell::new(),
        }
    }

    fn hls(&self) -> &[(u32, usize, &'static [u8])] {
        self.hls.get_or_init(|| {
            let mut out = Vec::new();
            for issue in &self.tx.ig().structure {
                let claimlint_ig::StructureIssue::OpenerMissing { id, at, .. } = *issue else {
                    continue;
                };
                let Some(level) = hl_level(id).map(str::as_bytes) else {
                    continue;
                };
                // An HL the walk could not place (`HL*1*20*1`: HL03 reads `1`) before the
                // segment is the loop's opener, present: not a lost one to count.
                let unplaced_hl = at.checked_sub(1).is_some_and(|k| {
                    self.tx.segments.get(k).is_some_and(|s| s.is(b"HL"))
                        && matches!(
                            self.tx.ig().placement(k),
                            Some(claimlint_ig::Placement::Unexpected)
                        )
                });
                if unplaced_hl {
                    continue;
                }
                let at = u32::try_from(at).unwrap_or(u32::MAX);
                let before = self.tx.hls.partition_point(|h| h.index < at);
                out.push((at, before + out.len() + 1, level));
            }
            out
        })
    }

    /// How many lost HLs come before segment `index`.
    fn before(&self, index: u32) -> usize {
        self.hls().iter().filter(|&&(at, ..)| at < index).count()
    }

    /// The level of the lost HL that HL02 `parent` names, if one has that number.
    fn level_of(&self, parent: &[u8]) -> Option<&'static [u8]> {
        let hls = self.hls();
        hls.iter()
            .find(|&&(_, number, _)| is_number(parent, number))
            .map(|&(.., level)| level)
    }

    /// Is a lost HL of level `below` between segment `from` and `to`: a child of the HL there?
    fn child_between(&self, from: u32, to: u32, below: &[u8]) -> bool {
        self.hls()
            .iter()
            .any(|&(at, _, level)| at > from && at < to && level == below)
    }
}

/// STR001 once for a set counted from another number than 1 ([`counted_from`]); that number.
/// Not when HLs lost before the first account for it (`HL*1**20*1` deleted: the rest count
/// from 2 as they should).
fn report_counted_from(
    tx: &Transaction<'_>,
    cx: &mut Ctx<'_>,
    lost: &Lost<'_>,
    copies: &[bool],
) -> Option<usize> {
    let offset = counted_from(tx, copies).filter(|&base| {
        tx.hls
            .first()
            .is_none_or(|h| lost.before(h.index) + 1 != base)
    });
    if let (Some(base), Some(first)) = (offset, tx.hls.first()) {
        let count = copies.iter().filter(|&&copy| !copy).count();
        let shift = if base > 1 {
            format!("take {} from", base - 1)
        } else {
            "add 1 to".to_string()
        };
        cx.report(
            first.seg.element_loc(1),
            format!(
                "HL01 counts from {base}: the HL segments of each transaction set count 1, 2, 3…, \
                 and this set's {} are numbered {base} to {}",
                count,
                // The last HL's number, which `counted_from` found: no overflow.
                base + count.saturating_sub(1)
            ),
        )
        .help(format!(
            "number this set's HLs from 1: {shift} every HL01, and every HL02 that names one \
             (HL*{base}* becomes HL*1*)"
        ));
    }
    offset
}

/// Which HLs repeat, byte for byte, the HL right before them (`HL*2*1*22*0~HL*2*1*22*0~`):
/// the first copy is a loop of nothing but its HL, and what follows belongs to the copy. One
/// defect, reported on the copy ([`report_copy`]); the copy is not counted, so the HLs after
/// it keep their numbers.
fn copies(tx: &Transaction<'_>) -> Vec<bool> {
    let mut out = vec![false; tx.hls.len()];
    for (n, pair) in tx.hls.windows(2).enumerate() {
        let [first, copy] = pair else { continue };
        out[n + 1] = first.index + 1 == copy.index && first.seg.bytes == copy.seg.bytes;
    }
    out
}

/// STR001 on an HL written twice ([`copies`]). It covers the copy, where the guide found the
/// first copy's loop without its segments (`suppress::Scope::Covered`), unless the guide found
/// something of an enclosing loop missing there too: that is a defect of its own.
fn report_copy(tx: &Transaction<'_>, cx: &mut Ctx<'_>, copy: &claimlint_model::Hl<'_>) {
    let seg = &copy.seg;
    let at = copy.index as usize;
    let id = crate::syntax::loop_name(tx, at);
    // An HL the walk could not place has no loop of its own; its level says which it meant.
    let opens = match (id, seg.value(3)) {
        ("2000A" | "2000B" | "2000C", _) => format!("a {id} loop"),
        (_, b"20") => "a 2000A loop".to_string(),
        (_, b"22") => "a 2000B loop".to_string(),
        (_, b"23") => "a 2000C loop".to_string(),
        _ => "an HL level".to_string(),
    };
    let own = !tx.ig().structure.iter().any(|s| {
        matches!(*s, claimlint_ig::StructureIssue::RequiredMissing { parent, at: here, .. }
            if here == at && parent != id)
    });
    let text = String::from_utf8_lossy(seg.bytes);
    let d = cx.report(
        seg.element_loc(1),
        format!(
            "`{text}` is written twice: the HL right before it is the same, so the first \
             opens {opens} with nothing in it and HL01 `{}` names two HLs",
            String::from_utf8_lossy(seg.value(1))
        ),
    );
    d.help = Some("delete one of the two copies".into());
    if own {
        d.covers = Some((seg.position, seg.position.saturating_add(1)));
    }
}

/// Does an STR001 of this set displace segment `index` (cover it, `suppress::Scope::Covered`)?
/// The check is run aside, its findings dropped: for a rule that would leave a defect to a
/// finding there (STR002 to the STR003 of a segment written late, after an HL).
pub(crate) fn displaces(tx: &Transaction<'_>, cx: &Ctx<'_>, index: usize) -> bool {
    let Some(position) = tx.segments.get(index).map(|s| s.loc().position) else {
        return false;
    };
    findings_aside(tx, cx)
        .iter()
        .filter_map(|d| d.covers)
        .any(|(start, end)| start <= position && position < end)
}

/// The STR001 findings of this set, run aside (not reported): for a rule whose reading
/// depends on the HLs being sound.
pub(crate) fn findings_aside(
    tx: &Transaction<'_>,
    cx: &Ctx<'_>,
) -> Vec<claimlint_diagnostic::Diagnostic> {
    let mut out = Vec::new();
    let mut aside = Ctx {
        rule: &STR001,
        severity: STR001.severity,
        out: &mut out,
        tx: Some(tx),
        claim: None,
        line: None,
        params: cx.params,
        data: cx.data,
        facts: None,
        tx_facts: None,
    };
    hl_invalid(tx, &mut aside);
    out
}

fn hl_invalid(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    let lost = Lost::new(tx);
    let copies = copies(tx);
    let offset = report_counted_from(tx, cx, &lost, &copies);
    let readings = readings(tx, &lost, offset.is_some(), &copies);
    let orphans = orphans(&readings);
    // Only slipped HLs and empty HL01s have children the model's links do not see.
    let named = readings
        .iter()
        .any(|r| r.slip.is_some() || r.alias.is_some())
        .then(|| Named::of(&readings));
    let mut copied = 0;
    for (n, (hl, r)) in tx.hls.iter().zip(&readings).enumerate() {
        let seg = &hl.seg;
        if copies[n] {
            copied += 1;
            report_copy(tx, cx, hl);
            continue;
        }
        let k = n - copied;
        // The last of its copies written right after it ([`copies`]), or itself: what the HL
        // holds and the children it names follow that one, and it is judged by them.
        let last = n + copies.iter().skip(n + 1).take_while(|&&copy| copy).count();
        // The HL's own block, from it to the next HL (positions: ST = 1): a wrong level, or a
        // parent the walk cannot read the HL under, displaces what it holds, and only that
        // (suppress::Scope::Covered).
        let next = tx
            .hls
            .get(last + 1)
            .map_or(u32::MAX, |h| h.index.saturating_add(1));
        let block = (hl.index.saturating_add(1), next);
        let (id, parent, level, child) = (&*r.key, &*r.parent, r.level, &*r.child);
        if let Some(slip) = r.slip {
            // The walk placed the HL by its HL03 as written: what the block holds is displaced.
            report_slip(cx, seg, r, slip).covers = Some(block);
        } else if offset.is_none() {
            check_number(cx, seg, id, k + 1, k + 1 + lost.before(hl.index));
        }
        let parent_level = r.parent_level.or_else(|| lost.level_of(parent));
        if known_level(level).is_none() {
            report_no_level(cx, seg, level).covers = Some(block);
            continue;
        }
        let want_parent = wanted_parent(level);
        let from = cx.out.len();
        let displaces = if parent_level.is_some_and(|l| known_level(l).is_none()) {
            // A parent whose HL03 is no level has its own finding: which level it meant is
            // not known, so neither is whether this HL belongs under it.
            false
        } else {
            match check_parent(cx, seg, (want_parent, parent, level, parent_level)) {
                Parent::Sound => false,
                Parent::Conflict => true,
                // HL02 names no HL, but the walk still reads the HL as the loop its HL03
                // names: its segments are where they belong, and what is missing there (a
                // 2010BA) is a defect of its own, not a consequence of the pointer.
                Parent::Dangling => !reads_as_its_level(tx, hl.index, level),
            }
        };
        if displaces {
            for d in cx.out.iter_mut().skip(from) {
                d.covers = Some(block);
            }
        }
        // HL04 = 1 with an orphan of this HL's children's level below: the orphan's HL02 is
        // the error (reported on it), not this HL04.
        let orphan_below = orphans.iter().any(|&(want, m)| want == level && m > last);
        if !(child == b"1" && orphan_below) {
            // A first copy's children are its last copy's (the model links a child to the
            // last HL of its number).
            let has = match readings.get(last) {
                Some(read) => has_children(tx, last, read, named.as_ref(), &lost),
                None => false,
            };
            check_children(cx, seg, child, has);
        }
    }
}

/// STR001 for an HL read with one slip of its elements ([`slipped`]): where its values start to
/// stand out of place, and the HL as it should be written.
fn report_slip<'c>(
    cx: &'c mut Ctx<'_>,
    seg: &Segment<'_>,
    r: &Reading<'_>,
    slip: HlSlip,
) -> &'c mut claimlint_diagnostic::Diagnostic {
    let count = seg.element_count();
    let written = |i: usize| String::from_utf8_lossy(seg.value(i)).into_owned();
    // The first value written at or after element `k`: the one that stands out of place.
    let from = |k: usize| {
        (k..=count)
            .map(written)
            .find(|v| !v.is_empty())
            .unwrap_or_default()
    };
    let (at, message) = match slip {
        HlSlip::Level | HlSlip::Split(..) => read_otherwise(seg, r, slip),
        HlSlip::Dropped(k) => (
            k,
            format!(
                "HL{k:02} is left out before `{}`: the values from `{}` on stand one element \
                 early",
                from(k),
                from(k)
            ),
        ),
        HlSlip::Extra(k) => (
            k,
            format!(
                "one `{}` too many {}: the values from `{}` on stand one element late",
                char::from(seg.delims.element),
                match k {
                    1 => "before HL01".to_string(),
                    _ => format!("after HL{:02}", k - 1),
                },
                from(k)
            ),
        ),
    };
    let why = match (slip, wanted_parent(r.level)) {
        (HlSlip::Dropped(2), None) => {
            " (a billing provider HL has no parent: HL02 stays empty, but its separator is \
             written)"
                .to_string()
        }
        (HlSlip::Dropped(2), Some(above)) => format!(
            " (HL02 names the HL this one belongs under: HL {}, the last level {} HL before it)",
            String::from_utf8_lossy(&r.parent),
            String::from_utf8_lossy(above)
        ),
        _ => String::new(),
    };
    cx.report(seg.element_loc(at), message)
        .help(format!("write `{}`{why}", r.text(seg)))
}

/// Where an HL read with another level ([`HlSlip::Level`]) or with two values cut apart
/// ([`HlSlip::Split`]) stands out of place, and what is wrong there.
fn read_otherwise(seg: &Segment<'_>, r: &Reading<'_>, slip: HlSlip) -> (usize, String) {
    let written = |i: usize| String::from_utf8_lossy(seg.value(i)).into_owned();
    match slip {
        HlSlip::Level => (
            3,
            format!(
                "HL03 `{}` is not the level of this HL: {}, and the HLs under it are level {}",
                written(3),
                if r.parent.is_empty() {
                    "it has no parent (HL02 empty)".to_string()
                } else {
                    format!(
                        "its parent, HL {}, is level {}",
                        written(2),
                        String::from_utf8_lossy(r.parent_level.unwrap_or_default())
                    )
                },
                String::from_utf8_lossy(child_level(r.level).unwrap_or_default())
            ),
        ),
        HlSlip::Split(k, cut) => {
            let (a, b) = seg.value(k).split_at(cut);
            (
                k,
                format!(
                    "HL{k:02} `{}` is two values run together: a `{}` is left out between `{}` \
                     and `{}`, and the values from `{}` on stand one element early",
                    written(k),
                    char::from(seg.delims.element),
                    String::from_utf8_lossy(a),
                    String::from_utf8_lossy(b),
                    String::from_utf8_lossy(b)
                ),
            )
        }
        // `report_slip` words these itself.
        HlSlip::Dropped(k) | HlSlip::Extra(k) => (k, String::new()),
    }
}

/// Each HL02 as read and the last HL that names it, of every HL and of the slipped ones: the
/// children the model's links (by the values as written) do not see.
struct Named<'r> {
    all: FxHashMap<&'r [u8], usize>,
    slipped: FxHashMap<&'r [u8], usize>,
}

impl<'r> Named<'r> {
    fn of(readings: &'r [Reading<'_>]) -> Named<'r> {
        let mut named = Named {
            all: FxHashMap::default(),
            slipped: FxHashMap::default(),
        };
        for (n, r) in readings.iter().enumerate() {
            named.all.insert(&r.parent, n);
            if r.slip.is_some() {
                named.slipped.insert(&r.parent, n);
            }
        }
        named
    }
}

/// Does a later HL name HL `n` (read as `r`) as its parent: as the model links them (by the
/// values as written); a slipped HL02 as read; the number a slipped HL or one with an empty
/// HL01 is read with, named by any HL (a number written twice is left to the model, which
/// links a child to the last HL of it); or a lost HL of the level below?
fn has_children(
    tx: &Transaction<'_>,
    n: usize,
    r: &Reading<'_>,
    named: Option<&Named<'_>>,
    lost: &Lost<'_>,
) -> bool {
    let Some(hl) = tx.hls.get(n) else {
        return false;
    };
    let later = |map: &FxHashMap<&[u8], usize>, key: &[u8]| map.get(key).is_some_and(|&m| m > n);
    let below: &[u8] = if r.level == b"20" { b"22" } else { b"23" };
    let to = tx.hls.get(n + 1).map_or(u32::MAX, |h| h.index);
    let lost_child = &*r.child == b"1" && lost.child_between(hl.index, to, below);
    // The model links children by HL01 as written, which a slipped HL's is not its number:
    // only the HLs as read say.
    if r.slip.is_some() {
        return named.is_some_and(|named| later(&named.all, &r.key)) || lost_child;
    }
    let read = named.is_some_and(|named| {
        later(&named.slipped, &r.key) || r.alias.as_deref().is_some_and(|a| later(&named.all, a))
    });
    hl.has_children || read || lost_child
}

/// STR001 for an HL03 that is no level of the 837.
fn report_no_level<'c>(
    cx: &'c mut Ctx<'_>,
    seg: &Segment<'_>,
    level: &[u8],
) -> &'c mut claimlint_diagnostic::Diagnostic {
    cx.report(
        seg.element_loc(3),
        format!(
            "HL03 `{}` is not a level of the 837 (20, 22 or 23)",
            String::from_utf8_lossy(level)
        ),
    )
    .help(
        "write HL03 as 20 (billing provider), 22 (subscriber) or 23 (patient other than the \
         subscriber)",
    )
}

/// HL01 against the HL's number: `n` counting the HLs written, `expected` counting those the
/// walk found lost too ([`Lost`]); either is right.
fn check_number(cx: &mut Ctx<'_>, seg: &Segment<'_>, id: &[u8], n: usize, expected: usize) {
    if !is_number(id, n) && !is_number(id, expected) {
        cx.report(
            seg.element_loc(1),
            format!(
                "HL01 is `{}`; HL segments count 1, 2, 3… and this is HL number {expected}",
                String::from_utf8_lossy(id)
            ),
        )
        .help(format!("write HL01 as {expected}"));
    }
}

/// The level an HL wants above it, its HL02, its HL03, and the level HL02 names.
type ParentCheck<'a> = (Option<&'a [u8]>, &'a [u8], &'a [u8], Option<&'a [u8]>);

/// What `check_parent` found, and so what the HL's block may be read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Parent {
    /// No finding.
    Sound,
    /// HL02 names no earlier HL: only the pointer is known to be wrong.
    Dangling,
    /// HL02 and HL03 disagree (a level under the wrong level, a level 20 with a parent): the
    /// block is not what one of them says, so what it holds is displaced.
    Conflict,
}

/// The HL level (HL03) of an HL loop: `2000B` → `22`.
pub(crate) fn hl_level(loop_id: &str) -> Option<&'static str> {
    match loop_id {
        "2000A" => Some("20"),
        "2000B" => Some("22"),
        "2000C" => Some("23"),
        _ => None,
    }
}

/// Does the guide's walk read the HL at segment `index` as the loop its HL03 names (20 →
/// 2000A, 22 → 2000B, 23 → 2000C, in both guides)? The walk places an HL by HL03 under the
/// loops open before it and never reads HL02; an HL it cannot place so (a 22 with no 2000A
/// before it) leaves its segments out of place.
fn reads_as_its_level(tx: &Transaction<'_>, index: u32, level: &[u8]) -> bool {
    let want = match level {
        b"20" => "2000A",
        b"22" => "2000B",
        b"23" => "2000C",
        _ => return false,
    };
    usize::try_from(index).is_ok_and(|i| tx.ig().loop_id(i) == Some(want))
}

/// Where element `i` of the HL is, for a finding (read only when there is one).
/// Is `id` exactly the decimal digits of `n` (`7`, not `07` or `+7`)?
fn is_number(id: &[u8], n: usize) -> bool {
    let canonical = id.first().is_some_and(|&b| b != b'0') || id == b"0";
    canonical
        && id.len() <= 19
        && id.iter().all(u8::is_ascii_digit)
        && id
            .iter()
            .fold(0usize, |v, &b| v * 10 + usize::from(b - b'0'))
            == n
}

/// HL02 against HL03: a level 20 HL has no parent; 22 and 23 name an earlier HL of the level
/// above.
fn check_parent(
    cx: &mut Ctx<'_>,
    seg: &Segment<'_>,
    (want_parent, parent, level, parent_level): ParentCheck<'_>,
) -> Parent {
    match (want_parent, parent.is_empty(), parent_level) {
        (None, true, _) => Parent::Sound,
        (None, false, _) => {
            cx.report(
                seg.element_loc(2),
                format!(
                    "HL02 `{}`: a billing provider HL (level 20) has no parent",
                    String::from_utf8_lossy(parent)
                ),
            )
            .help(
                "leave HL02 empty, or write HL03 as 22 or 23 if this HL is a subscriber or patient",
            );
            Parent::Conflict
        }
        (Some(want), _, None) => {
            cx.report(
                seg.element_loc(2),
                format!(
                    "HL02 `{}` names no earlier HL; a level {} HL needs a level {} parent",
                    String::from_utf8_lossy(parent),
                    String::from_utf8_lossy(level),
                    String::from_utf8_lossy(want)
                ),
            )
            .help(format!(
                "write in HL02 the HL01 of the level {} HL this one belongs under",
                String::from_utf8_lossy(want)
            ));
            Parent::Dangling
        }
        (Some(want), _, Some(got)) if got != want => {
            cx.report(
                seg.element_loc(3),
                format!(
                    "HL level {} under a level {} parent; it belongs under level {}",
                    String::from_utf8_lossy(level),
                    String::from_utf8_lossy(got),
                    String::from_utf8_lossy(want)
                ),
            )
            .help(format!(
                "point HL02 at a level {} HL, or correct HL03 if this HL is of another level",
                String::from_utf8_lossy(want)
            ));
            Parent::Conflict
        }
        _ => Parent::Sound,
    }
}

/// HL04 against what follows: 1 when a later HL names this one as its parent, else 0. A
/// billing provider's (20) can only be 1: with no subscriber under it, the missing 2000B is
/// STR002's error, and "write HL04 as 0" would be wrong advice.
fn check_children(cx: &mut Ctx<'_>, seg: &Segment<'_>, child: &[u8], has_children: bool) {
    match child {
        b"1" if !has_children && seg.value(3) != b"20" => {
            cx.report(
                seg.element_loc(4),
                "HL04 is 1 (has children) but no HL names this one as its parent",
            )
            .help("write HL04 as 0");
        }
        b"0" if has_children => {
            cx.report(
                seg.element_loc(4),
                "HL04 is 0 (no children) but a later HL names this one as its parent",
            )
            .help("write HL04 as 1");
        }
        _ => {}
    }
}

#[test]
fn is_number_reads_exact_decimals() {
    assert!(is_number(b"1", 1) && is_number(b"10", 10) && is_number(b"0", 0));
    assert!(!is_number(b"01", 1) && !is_number(b"+1", 1) && !is_number(b"", 1));
    assert!(!is_number(b"12", 1) && !is_number(b"1 ", 1));
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &STR001,
        &[
            Pass(""),
            Edit("HL*2*", "HL*3*1*22*0", true), // numbering skips
            Edit("HL*2*", "HL*2*1*22*1", true), // says it has a child, has none
            // 2000A's HL04 `0` is SYN008's (the guide allows only 1 there), which suppresses
            // STR001 on the same element (suppress::tests::syntax_before_content).
            Edit("HL*2*", "HL*2*1*23*0", true), // patient under billing provider
            Edit("HL*2*", "HL*2*7*22*0", true), // parent does not exist
        ],
    );
    // One bad HL02, one error: the billing provider's HL04 = 1 is not also "childless".
    let d = crate::test::run(&crate::test::edit(
        crate::test::P837,
        "HL*2*",
        "HL*2*9*22*0",
    ));
    let found: Vec<_> = d.iter().map(|d| (d.code, d.loc.element)).collect();
    assert_eq!(found, [("STR001", Some(2))], "{d:#?}");
    // A level 20 HL with HL04 = 0 and an orphan below: HL04 stays correct (no finding).
    let text = crate::test::edit(crate::test::P837, "HL*1*", "HL*1**20*0");
    let text = crate::test::edit(&text, "HL*2*", "HL*2*9*22*0");
    let d = crate::test::run(&text);
    assert!(
        !d.iter()
            .any(|d| d.code == "STR001" && d.loc.element == Some(4)),
        "{d:#?}"
    );
}

/// The codes `text` reports, sorted, and how many findings were suppressed.
#[cfg(test)]
fn outcome(text: &str) -> (Vec<&'static str>, u64) {
    let o = crate::engine::check(text.as_bytes(), &crate::LintSettings::default());
    let mut codes: Vec<_> = o.diagnostics.iter().map(|d| d.code).collect();
    codes.sort_unstable();
    (codes, o.tally.suppressed)
}

/// The subscriber block of the template with HL*2 as `hl` and its 2010BA (NM1*IL, N3, N4,
/// DMG) left out, as in imsweb's x12_missing_required_loop_in_one_repeat.txt.
#[cfg(test)]
fn without_2010ba(hl: &str) -> String {
    use crate::test::{P837, edit};
    let mut text = edit(P837, "HL*2*", hl);
    for prefix in ["NM1*IL", "N3*12", "N4*SPRINGFIELD*IL*62702", "DMG*"] {
        text = edit(&text, prefix, "");
    }
    text
}

/// A wrong HL02 does not hide the block's own defect: `HL*2*3*22*0` (no HL 3 before it) is
/// still read as the 2000B its HL03 names, under the one 2000A, so its missing 2010BA is
/// reported beside the STR001, as it is when HL02 is right.
#[test]
fn a_dangling_parent_displaces_nothing() {
    let (sound, _) = outcome(&without_2010ba("HL*2*1*22*0"));
    assert_eq!(sound, ["STR002"]);
    let text = without_2010ba("HL*2*3*22*0");
    assert_eq!(outcome(&text), (vec!["STR001", "STR002"], 0));
    let d = crate::test::run(&text);
    let str001 = d.iter().find(|d| d.code == "STR001").unwrap();
    assert_eq!(
        (str001.loc.element, str001.covers),
        (Some(2), None),
        "{str001:#?}"
    );
    let str002 = d.iter().find(|d| d.code == "STR002").unwrap();
    assert!(str002.message.starts_with("loop 2010BA"), "{str002:#?}");
}

/// A dangling HL02 the walk cannot read as its level still displaces its block: a patient
/// (23) with no subscriber open before it is placed nowhere, so what it holds is not also
/// "unexpected" or "missing".
#[test]
fn a_dangling_parent_out_of_place_displaces_its_block() {
    let text = crate::test::edit(crate::test::P837, "HL*2*", "HL*2*9*23*0");
    let d = crate::test::run(&text);
    let str001: Vec<_> = d.iter().filter(|d| d.code == "STR001").collect();
    assert!(
        str001
            .iter()
            .any(|d| d.loc.element == Some(2) && d.covers.is_some()),
        "{d:#?}"
    );
    assert!(
        !d.iter().any(|d| matches!(d.code, "STR002" | "STR003")),
        "{d:#?}"
    );
}

/// A level conflict keeps its block covered: the patient under the billing provider
/// (fixture STR001/trip/patient-under-provider) is one STR001, its displaced content
/// suppressed.
#[test]
fn a_level_conflict_displaces_its_block() {
    let text = crate::test::edit(crate::test::P837, "HL*2*", "HL*2*1*23*0");
    let (codes, suppressed) = outcome(&text);
    assert_eq!(codes, ["STR001"]);
    assert!(suppressed > 0);
    let d = crate::test::run(&text);
    assert!(d.iter().all(|d| d.covers.is_some()), "{d:#?}");
}

/// A billing provider HL with no subscriber under it: HL04 = 1 is the only value the guide
/// allows a 2000A, so the missing 2000B is STR002's one error, not also "write HL04 as 0".
/// And a subscriber whose patient names the wrong HL (a 23 under a 20) has its HL04 = 1
/// left alone: the patient's HL02 is the error.
#[test]
fn hl04_of_a_lone_billing_provider_and_of_a_misparented_patient() {
    let p = crate::test::P837;
    let (hl2, se) = (p.find("HL*2*").unwrap(), p.find("SE*").unwrap());
    let alone = crate::test::edit(
        &format!("{}{}", &p[..hl2], &p[se..]),
        "SE*",
        "SE*{count}*0001",
    );
    let codes: Vec<_> = crate::test::run(&alone).iter().map(|d| d.code).collect();
    assert!(codes.contains(&"STR002"), "{codes:?}");
    assert!(!codes.contains(&"STR001"), "{codes:?}");
    // HL 2 is a subscriber with a child (HL04 = 1); its patient HL 3 names HL 1, a 20.
    let clm = p[p.find("CLM*").unwrap()..].split('~').next().unwrap();
    let patient = crate::test::edit(
        &crate::test::edit(p, "HL*2*", "HL*2*1*22*1"),
        "CLM*",
        &format!("HL*3*1*23*0~PAT*19~NM1*QC*1*DOE*JOHN~DMG*D8*20100101*M~{clm}"),
    );
    let ours: Vec<_> = crate::test::run(&patient)
        .into_iter()
        .filter(|d| d.code == "STR001")
        .collect();
    assert_eq!(ours.len(), 1, "{ours:#?}");
    assert_ne!(ours[0].loc.element, Some(4), "{ours:#?}");
    assert!(
        ours[0].message.starts_with("HL level 23 under a level 20"),
        "{ours:#?}"
    );
}

/// A set whose HLs count on from the previous set's (`HL*6**20*1~HL*7*6*22*0`, as senders
/// that number across sets write them) is one STR001 on its first HL01, whose help renumbers
/// HL01 and HL02 together: one finding per HL, each saying "write HL01 as 1", led to HL02s
/// naming no HL once followed.
#[test]
fn hls_counted_from_another_number_are_one_finding() {
    use crate::test::{P837, edit, run};
    let from6 = edit(
        &edit(P837, "HL*1**20*1", "HL*6**20*1"),
        "HL*2*1*22*0",
        "HL*7*6*22*0",
    );
    let found = run(&from6);
    let codes: Vec<_> = found.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["STR001"], "{found:?}");
    assert_eq!(
        found[0].message,
        "HL01 counts from 6: the HL segments of each transaction set count 1, 2, 3…, and this \
         set's 2 are numbered 6 to 7"
    );
    assert_eq!(
        found[0].help.as_deref(),
        Some(
            "number this set's HLs from 1: take 5 from every HL01, and every HL02 that names \
             one (HL*6* becomes HL*1*)"
        )
    );
    let from0 = edit(
        &edit(P837, "HL*1**20*1", "HL*0**20*1"),
        "HL*2*1*22*0",
        "HL*1*0*22*0",
    );
    let found = run(&from0);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("add 1 to every HL01")),
        "{found:?}"
    );
    // Numbered out of order, not from another number: each HL01 is its own finding.
    let swapped = edit(
        &edit(P837, "HL*1**20*1", "HL*2**20*1"),
        "HL*2*1*22*0",
        "HL*1*2*22*0",
    );
    assert!(
        run(&swapped)
            .iter()
            .any(|d| d.message.starts_with("HL01 is `2`"))
    );
}

/// An HL whose values stand one element early or late (an element left out with its
/// separator, or one separator too many) is one STR001 where they start to, whose help
/// writes the HL as it should be; its children are judged against it as read. A slip that
/// does not make the HL sound (HL03 left out: its level cannot be told) is not guessed.
#[test]
fn an_hl_slipped_by_one_element_is_one_finding() {
    use crate::test::{P837, edit, run};
    for (from, to, element, help) in [
        (
            "HL*1**20*1",
            "HL*1*20*1",
            2,
            "write `HL*1**20*1~` (a billing provider HL has no parent: HL02 stays empty, but its separator is written)",
        ),
        ("HL*1**20*1", "HL**20*1", 1, "write `HL*1**20*1~`"),
        ("HL*1**20*1", "HL**1**20*1", 1, "write `HL*1**20*1~`"),
        (
            "HL*2*1*22*0",
            "HL*2*22*0",
            2,
            "write `HL*2*1*22*0~` (HL02 names the HL this one belongs under: HL 1, the last level 20 HL before it)",
        ),
        ("HL*2*1*22*0", "HL*2*1**22*0", 3, "write `HL*2*1*22*0~`"),
    ] {
        let found = run(&edit(P837, from, to));
        let codes: Vec<_> = found.iter().map(|d| (d.code, d.loc.element)).collect();
        assert_eq!(codes, [("STR001", Some(element))], "{to}: {found:#?}");
        assert_eq!(found[0].help.as_deref(), Some(help), "{to}");
    }
    let found = run(&edit(P837, "HL*1**20*1", "HL*1*20*1"));
    assert_eq!(
        found[0].message,
        "HL02 is left out before `20`: the values from `20` on stand one element early"
    );
    // Two HLs slipped: the second is read against the first as read (the walk's lost 2000A
    // is the first HL, present: not counted), its help writing the HL it was.
    let both = edit(
        &edit(P837, "HL*1**20*1", "HL*1*20*1"),
        "HL*2*1*22*0",
        "HL*2*22*0",
    );
    let helps: Vec<_> = run(&both).into_iter().filter_map(|d| d.help).collect();
    assert_eq!(helps.len(), 2, "{helps:?}");
    assert!(helps[1].starts_with("write `HL*2*1*22*0~`"), "{helps:?}");
    // A slipped subscriber with a second subscriber after it under the same provider: its
    // HL04 (0) is right; the later HL names the provider, not it.
    let second = P837.replace(
        "CLM*",
        "HL*3*1*22*0~SBR*P*18*******MB~NM1*IL*1*ROE*RICHARD****MI*1EG4TE5MK74~NM1*PR*2*MEDICARE \
         PART B*****PI*00952~CLM*",
    );
    let found = run(&edit(&second, "HL*2*1*22*0", "HL*1*22*0"));
    let str001: Vec<_> = found.iter().filter(|d| d.code == "STR001").collect();
    assert_eq!(str001.len(), 1, "{found:#?}");
    // HL03 left out: no level to read the HL with, so no slip; its HL03 `0` is the finding.
    let found = run(&edit(P837, "HL*2*1*22*0", "HL*2*1*0"));
    let messages: Vec<_> = found.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        ["HL03 `0` is not a level of the 837 (20, 22 or 23)"],
        "{found:#?}"
    );
}

/// An HL written twice is one STR001, on the copy: not also the first copy's loop without its
/// segments (STR002, suppressed), nor the HLs after it numbered one too low. What an enclosing
/// loop lacks before it (the 2000A's 2010AA) is a defect of its own and stays.
#[test]
fn an_hl_written_twice_is_one_finding() {
    use crate::test::{P837, edit};
    let twice = edit(P837, "HL*2*", "HL*2*1*22*0~HL*2*1*22*0");
    assert_eq!(outcome(&twice), (vec!["STR001"], 4));
    let top = edit(P837, "HL*1*", "HL*1**20*1~HL*1**20*1");
    assert_eq!(outcome(&top), (vec!["STR001"], 2));
    let mut bare = twice.clone();
    for prefix in ["NM1*85", "N3*100", "N4*SPRINGFIELD*IL*62701", "REF*EI"] {
        bare = edit(&bare, prefix, "");
    }
    assert_eq!(outcome(&bare), (vec!["STR001", "STR002"], 4));
}

/// A copy of an HL with a defect of its own keeps that defect, judged as the HL would be
/// without the copy, beside the copy's finding (helper-68's cases): a broken level's block
/// runs to the next HL after the copy, so what it displaces stays suppressed; HL04 is judged
/// by the copy's children; a set counted from 0 is one finding; the loop named is the one
/// HL03 names.
#[test]
fn a_copied_hl_keeps_its_own_defect() {
    use crate::test::{P837, edit, run};
    let twice = |hl: &str| edit(P837, "HL*2*", &format!("{hl}~{hl}"));
    let messages = |text: &str| {
        let mut m: Vec<_> = run(text)
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        m.sort();
        m
    };
    let starts = |text: &str, want: &[&str]| {
        let m = messages(text);
        assert_eq!(m.len(), want.len(), "{m:#?}");
        for (m, w) in m.iter().zip(want) {
            assert!(m.starts_with(w), "{m} / {w}");
        }
    };
    let copy = "STR001 `HL*2*";
    starts(
        &twice("HL*2*1*20*0"),
        &["STR001 HL02 `1`: a billing provider HL", copy],
    );
    starts(&twice("HL*2*1*22*1"), &["STR001 HL04 is 1", copy]);
    let child = edit(
        &twice("HL*2*1*22*0"),
        "CLM*",
        "PAT*19~NM1*QC*1*DOE*JOHN~HL*3*2*23*0~PAT*19~NM1*QC*1*DOE*JOHN~CLM*PAT1001-01*2460***11:B:1*Y*A*Y*Y",
    );
    assert!(
        messages(&child)
            .iter()
            .any(|m| m.starts_with("STR001 HL04 is 0")),
        "{:#?}",
        messages(&child)
    );
    let from0 = edit(
        &edit(P837, "HL*1*", "HL*0**20*1"),
        "HL*2*",
        "HL*1*0*22*0~HL*1*0*22*0",
    );
    starts(&from0, &["STR001 HL01 counts from 0", "STR001 `HL*1*"]);
    let unknown = messages(&twice("HL*2*1*99*0"));
    assert!(
        unknown.iter().any(|m| m.contains("opens an HL level")),
        "{unknown:#?}"
    );
}

#[test]
fn an_hl_of_another_level_or_run_together_is_one_finding() {
    use crate::test::{P837, edit, run};
    let dependent = P837.replace("HL*2*1*22*0", "HL*2*1*22*1").replace(
        "CLM*",
        "HL*3*2*23*0~PAT*19~NM1*QC*1*DOE*JOHN~N3*12 ELM ST~N4*SPRINGFIELD*IL*627021234~\
             DMG*D8*20100101*M~CLM*",
    );
    for (text, from, to, element, help) in [
        // HL03: its parent (none) and its children (level 22) say 20.
        (P837, "HL*1**20*1", "HL*1**22*1", 3, "write `HL*1**20*1~`"),
        (P837, "HL*1**20*1", "HL*1**23*1", 3, "write `HL*1**20*1~`"),
        // Its parent (20) and its child (23) say 22.
        (
            dependent.as_str(),
            "HL*2*1*22*1",
            "HL*2*1*23*1",
            3,
            "write `HL*2*1*22*1~`",
        ),
        (
            dependent.as_str(),
            "HL*2*1*22*1",
            "HL*2*1*20*1",
            3,
            "write `HL*2*1*22*1~`",
        ),
        // Two values run together.
        (P837, "HL*2*1*22*0", "HL*21*22*0", 1, "write `HL*2*1*22*0~`"),
        (
            dependent.as_str(),
            "HL*3*2*23*0",
            "HL*3*223*0",
            2,
            "write `HL*3*2*23*0~`",
        ),
    ] {
        let found: Vec<_> = run(&edit(text, from, to))
            .into_iter()
            .filter(|d| d.severity == claimlint_diagnostic::Severity::Error)
            .collect();
        let codes: Vec<_> = found.iter().map(|d| (d.code, d.loc.element)).collect();
        assert_eq!(codes, [("STR001", Some(element))], "{to}: {found:#?}");
        assert_eq!(found[0].help.as_deref(), Some(help), "{to}");
    }
    // No HL names it: its parent alone does not tell its level (a patient written as level
    // 20), so it is not read as another; the hierarchy's own finding stands.
    let found = run(&edit(&dependent, "HL*3*2*23*0", "HL*3*2*20*0"));
    assert!(found.iter().any(|d| d.code == "STR001"), "{found:#?}");
    assert!(
        !found
            .iter()
            .any(|d| d.message.contains("is not the level of this HL")),
        "{found:#?}"
    );
}
