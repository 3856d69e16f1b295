use crate::syntax::report_at;
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::Ack999;
use claimlint_ig::{GuideDef, Placement, SegmentDef, StructureIssue, Usage};
use claimlint_model::Transaction;

declare_rule! {
    /// ## What it does
    /// Reports a segment or loop the implementation guide marks Required that is absent from
    /// its parent loop: BHT, 1000A NM1*41, 2010AA NM1*85 with N3/N4/REF*EI, 2010BA, 2010BB,
    /// 2300 CLM, 2400 SV1/SV2, 837P 2400 DTP*472, 2330B in each 2320. Found by walking the
    /// transaction set through the guide's loop tree (TR3 section 2.3, loop and segment
    /// usage). The principal diagnosis (2300 HI) is reported by SIT002 instead. Also the
    /// 2010BA N3, N4 and DMG, which the TR3 requires when the patient is the subscriber (a
    /// claim in the 2000B itself, not under a 2000C): one finding per 2010BA. And the 2320
    /// loop of each payer before the destination payer, when the 2000B SBR01 says it is not
    /// the first (`S` secondary: one 2320; `T` tertiary: two; `A`–`H`, the fourth to eleventh
    /// payer: three to ten). The 837P TR3 (005010X222A1, 2320 SBR, Other Subscriber
    /// Information, as transcribed in a public repository) requires the loop "when other
    /// payers are known to potentially be involved in paying on this claim", and a
    /// destination payer that is secondary knows of the primary; the 837I's 2320 is the same
    /// situational loop (pyx12's 005010X223A2 map: usage S, position 2900, up to 10), its
    /// usage note not at hand. One finding per claim, on its CLM.
    ///
    /// And an 837I claim's 2310A loop (Attending Provider Name) when a line bills a service
    /// other than transportation (a revenue code outside ambulance 054x): the attending is
    /// "required when the claim contains any services other than non-scheduled
    /// transportation claims" (Stedi's Healthcare API claim model, docs.rs crate
    /// autogen-stedi 0.3.2, `src/healthcare/models/attending.rs`), the NUBC's situational
    /// rule for UB-04 form locator 76, which 2310A carries (<https://formjuicer.com/ub04/field-76>);
    /// the TR3's own note not at hand. Ambulance lines alone are left alone (scheduled or not,
    /// the lines do not say), and so is a claim with a segment the guide could not place
    /// before its first line, or an NM1 there with a finding of its own (`NM1*7l`,
    /// `NM1*77*1*SMITH*JOHN`: the attending's NM1 mistyped, that finding the one error), or
    /// an `NM1*71` written out of its place (above the CLM, among the lines: its STR003).
    /// One finding per claim, on its CLM.
    ///
    /// A loop whose opening segment is missing (`HL*2*1*22*0` deleted, so SBR follows the
    /// billing provider; an LX deleted, so a line begins at its SV1) is one finding, on the
    /// segment that begins the loop without it: the walk opens the loop there and places the
    /// segments that follow in it, so they are not each "unexpected". When the segment
    /// before stands where the opener belongs (`NM2*IL`, `LQ*2`), that segment's own finding
    /// (SYN001, STR003) is the one error.
    ///
    /// A required segment written one place out, just before the opener of its loop (`CTP`
    /// before `LIN`) or just after the opener of the loop that follows (`CTP` after `LX*2`,
    /// `REF*EI` after `HL*2`, 1000B's `NM1*40` after `HL*1`: two segments swapped), is
    /// STR003's alone, which says where it belongs. So is one written farther away, when it is
    /// exactly the segment missing here and nothing else is (`NM1*85` below `HL*2`): this
    /// finding is then suppressed and counted, STR003 naming the place.
    ///
    /// A transaction set with nothing between its ST and SE is one finding, on the SE: the set
    /// has no content, and it names every required segment and loop of the header it lacks.
    /// ## Why it matters
    /// A missing required segment rejects the transaction set (999 IK3 code 3, mandatory
    /// segment missing); a missing 2330B means the payer cannot tell which payer the COB
    /// amounts belong to.
    /// ## Example
    /// ```x12
    /// HL*1**20*1~
    /// NM1*85*2*ONCOLOGY CLINIC*****XX*1234567893~
    /// N3*100 MAIN ST~
    /// REF*EI*371234567~
    /// ```
    /// ## Fix
    /// Add the segment where the guide places it: `N4*SPRINGFIELD*IL*627011234~` after N3.
    code: STR002, name: "required-segment-missing", severity: Error, snip: 2,
    x999: PerFindingElse(Segment("3")),
    check: Transaction(required_segment_missing),
}

/// The name and start of a loop or segment, for messages: `2010AA (Billing Provider Name)`,
/// `N4 (Billing Provider City, State, ZIP Code)`; and how it begins, for the help line.
/// `NM1*85`, `DTP*434`: the id and, when the first element tells definitions apart by one
/// code, that code; where it allows several, the list (`SBR (SBR01 one of A, B, …)`). Naming
/// the first alone would be a wrong fix: SBR01's first is `A`, payer responsibility four.
fn start_of(s: &SegmentDef) -> String {
    match s
        .qualifier
        .filter(|q| q.comp == 0 && q.elem == 1)
        .map(|q| q.codes)
    {
        Some([code]) => format!("{}*{code}", s.id),
        Some([a, b]) => format!("{} ({}01 `{a}` or `{b}`)", s.id, s.id),
        Some(codes) if !codes.is_empty() => {
            format!("{} ({}01 one of {})", s.id, s.id, codes.join(", "))
        }
        _ => s.id.to_string(),
    }
}

fn describe(guide: &GuideDef, parent: &str, id: &str, is_loop: bool) -> (String, String) {
    let parent_def = guide.find_loop(parent);
    if is_loop {
        let l = parent_def.and_then(|p| p.child_loop(id));
        let name = l.map_or(String::new(), |l| format!(" ({})", l.name));
        let start = l.and_then(|l| l.starter()).map_or(String::new(), start_of);
        (format!("loop {id}{name}"), start)
    } else {
        // Of several definitions with this id (DTP*434, DTP*435...), the required one is missing.
        let s = parent_def.and_then(|p| {
            p.segments(id.as_bytes())
                .find(|s| s.usage == Usage::Required)
        });
        let name = s.map_or(String::new(), |s| format!(" ({})", s.name));
        (
            format!("segment {id}{name}"),
            s.map_or(id.to_string(), start_of),
        )
    }
}

/// Does the segment come later in the same occurrence of its loop (from segment `at` on, where
/// the walk noticed it missing)? Then it is out of order,
/// which STR003 reports; "missing" as well would be two findings for one misplaced segment.
fn comes_late(tx: &Transaction<'_>, id: &str, parent: &str, at: usize) -> bool {
    let ig = tx.ig();
    for (k, seg) in tx.segments.iter().enumerate().skip(at) {
        let Some(Placement::Placed {
            loop_def, segment, ..
        }) = ig.placement(k).copied()
        else {
            // Unplaced, inside the occurrence still open: STR003 reports it where it stands.
            if seg.id() == id.as_bytes() {
                return true;
            }
            continue;
        };
        // Every segment is inside the transaction set ("ST"); other loops by their path.
        let inside = parent == "ST" || loop_def.path.contains(&parent);
        if !inside {
            return false;
        }
        // The next occurrence of the loop: required segments are counted per occurrence, so
        // what a later occurrence has does not make up for this one (issue 14). The walk
        // reports a missing segment at the segment that closed its occurrence, which may be
        // this very starter (LX*2 after a line without DTP*472): hence `>=`.
        let restarts = loop_def.starter().is_some_and(|s| std::ptr::eq(s, segment));
        if k >= at && loop_def.id == parent && restarts {
            return false;
        }
        if loop_def.id == parent && seg.id() == id.as_bytes() {
            return true;
        }
    }
    false
}

/// Was the segment written just before the opener of the occurrence that lacks it (`CTP`
/// before `LIN`, `SV1` before `LX`, `PER` before 1000A's `NM1*41`: two segments swapped)?
/// Then it stands, unplaced, in the run of unplaced segments right before that opener, with
/// the required definition's qualifier (a stray `DTP*431` is no `DTP*472`), and STR003
/// reports it there; "missing" as well would be two findings for one misplaced segment. Not
/// when the occurrence before lacks it too: the stray then came late for that one
/// ([`comes_late`] excuses it there), and one segment stands for one occurrence.
fn came_early(tx: &Transaction<'_>, id: &str, parent: &str, at: usize) -> bool {
    let def = tx.ig().guide.find_loop(parent).and_then(|l| {
        l.segments(id.as_bytes())
            .find(|s| s.usage == Usage::Required)
    });
    written_before(tx, def, id, parent, at)
}

/// [`came_early`] for a segment of definition `def` (a required segment of `parent`, or the
/// opener of one of its loops: `NM1*85` written before the 2000A's HL).
fn written_before(
    tx: &Transaction<'_>,
    def: Option<&SegmentDef>,
    id: &str,
    parent: &str,
    at: usize,
) -> bool {
    let ig = tx.ig();
    let opens = |k: usize| {
        matches!(ig.placement(k).copied(), Some(Placement::Placed { loop_def, segment, .. })
            if loop_def.id == parent
                && loop_def.starter().is_some_and(|s| std::ptr::eq(s, segment)))
    };
    let Some(opener) = (0..at).rev().find(|&k| opens(k)) else {
        return false;
    };
    let fits = |seg: &claimlint_x12::Segment<'_>| {
        seg.id() == id.as_bytes() && def.is_none_or(|d| fits(d, seg))
    };
    let run = (0..opener).rev().take_while(|&k| !ig.is_placed(k)).count();
    let start = opener - run;
    if !(start..opener).any(|k| tx.segments.get(k).is_some_and(fits)) {
        return false;
    }
    // Before an HL, the stray stands in the block of the HL before it (if any), which a
    // broken HL displaces: its STR003 may then be held back (STR001 covers it), and the
    // missing segment would have no finding at all (helper-71). Only a stray before the
    // first HL is surely reported.
    if tx.segments.get(opener).is_some_and(|s| s.is(b"HL"))
        && tx.segments[..start].iter().any(|s| s.is(b"HL"))
    {
        return false;
    }
    // The occurrence before, from its opener to the run: does it have the segment placed?
    match (0..start).rev().find(|&k| opens(k)) {
        None => true,
        Some(prev) => {
            (prev..start).any(|k| ig.is_placed(k) && tx.segments.get(k).is_some_and(fits))
        }
    }
}

/// A required segment, or the opener of a required loop, written right after the segment that
/// opens the loop after the occurrence lacking it ([`written_after`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct WrittenAfter {
    /// The segment index of that opener (`LX*2`, `HL*2`, 1000B's `NM1*40`).
    pub opener: usize,
    /// The segment index of the one written late, unplaced: STR003 reports it.
    pub stray: usize,
    /// Its definition: the required segment, or the required loop's opener.
    pub def: &'static SegmentDef,
    /// What the walk found missing: a segment of `parent`, or its loop `id` (`is_loop`),
    /// noticed at segment `at`.
    pub id: &'static str,
    pub parent: &'static str,
    pub is_loop: bool,
    pub at: usize,
}

/// The required segment `id` of loop `parent`, or the opener of its required loop `id`.
pub(super) fn required_def(
    guide: &GuideDef,
    parent: &str,
    id: &str,
    is_loop: bool,
) -> Option<&'static SegmentDef> {
    let parent = guide.find_loop(parent)?;
    if is_loop {
        parent.child_loop(id)?.starter()
    } else {
        parent
            .segments(id.as_bytes())
            .find(|s| s.usage == Usage::Required)
    }
}

/// Does `seg` have the id of `def` and, when its first-level qualifier tells definitions
/// apart, one of its codes (a stray `DTP*431` is no `DTP*472`)?
fn fits(def: &SegmentDef, seg: &claimlint_x12::Segment<'_>) -> bool {
    seg.id() == def.id.as_bytes()
        && def.qualifier.is_none_or(|q| {
            q.comp != 0
                || q.codes
                    .iter()
                    .any(|c| seg.value(usize::from(q.elem)) == c.as_bytes())
        })
}

/// Was the segment or loop the walk found missing (`id` of `parent`, noticed at segment `at`)
/// written one place too late: right after the segment that opens the loop after the
/// occurrence lacking it (`CTP` after `LX*2`, the 2410 before it lacking its CTP; `PER*IC`
/// after 1000B's `NM1*40`; `REF*EI` after `HL*2`; 1000B's `NM1*40` after `HL*1`)? Two
/// segments swapped. That opener is the first segment from `at` on that opens a loop, the
/// segments placed before it still in the occurrence; the segment written late stands,
/// unplaced, in the run of unplaced segments right after it, with the required definition's
/// qualifier. STR003 reports it there as written late; "missing" as well would be two
/// findings for one misplaced segment. ([`comes_late`] covers one written later inside the
/// occurrence. One the next occurrence of its own loop takes, `LX*3~DTP*472~SV1~DTP*472`, the
/// walk leaves unplaced when that reads what follows better: `Walker::written_late`.)
fn written_after(
    tx: &Transaction<'_>,
    (id, is_loop, parent, at): (&'static str, bool, &'static str, usize),
    stood_in: &std::collections::HashSet<usize>,
) -> Option<WrittenAfter> {
    let ig = tx.ig();
    let def = required_def(ig.guide, parent, id, is_loop)?;
    let mut opener = at;
    loop {
        if let Placement::Placed {
            loop_def, segment, ..
        } = ig.placement(opener).copied()?
        {
            if loop_def.starter().is_some_and(|s| std::ptr::eq(s, segment)) {
                break;
            }
            // A segment of an enclosing loop (SE) ends the occurrence without opening a loop.
            if parent != "ST" && !loop_def.path.contains(&parent) {
                return None;
            }
        }
        opener += 1;
    }
    // Not one that stood where the opener of the segments after it belongs (`SV1` where an
    // `LX` is lost): the walk opened that loop without it, and STR003 there names the opener.
    let stray = (opener + 1..tx.segments.len())
        .take_while(|&k| !ig.is_placed(k))
        .find(|&k| tx.segments.get(k).is_some_and(|s| fits(def, s)) && !stood_in.contains(&k))?;
    Some(WrittenAfter {
        opener,
        stray,
        def,
        id,
        parent,
        is_loop,
        at,
    })
}

/// The required segments and loops the walk found missing that were written one place too
/// late ([`written_after`]), by where the walk found them missing. One segment stands for
/// one occurrence: the first it fits.
pub(crate) fn all_written_after(tx: &Transaction<'_>) -> Vec<WrittenAfter> {
    let issues = &tx.ig().structure;
    // The segments that stood where an opener belongs, found once: a set with many such
    // issues stays linear.
    let stood_in = super::moved::stood_for_opener(tx);
    let mut out: Vec<WrittenAfter> = Vec::new();
    let mut strays = std::collections::HashSet::new();
    for issue in issues {
        if let StructureIssue::RequiredMissing {
            id,
            is_loop,
            parent,
            at,
        } = *issue
            && let Some(late) = written_after(tx, (id, is_loop, parent, at), &stood_in)
            && strays.insert(late.stray)
        {
            out.push(late);
        }
    }
    // By where the walk found it missing, for [`misplaced`]'s search (one per issue).
    out.sort_by_key(|l| l.at);
    out
}

/// The segments written late ([`all_written_after`]), sorted by where the walk found them
/// missing: [`misplaced`] asks, for each structure issue, for the ones noticed where it was,
/// and a scan of them all for each issue would cost the product of their counts (a set of
/// thousands of drug lines, each lacking its CTP).
pub(crate) struct Late {
    pub all: Vec<WrittenAfter>,
}

impl Late {
    pub(crate) fn of(tx: &Transaction<'_>) -> Late {
        let all = all_written_after(tx);
        // [`Late::noticed_at`] searches by `at`: the order [`all_written_after`] gives.
        debug_assert!(all.is_sorted_by_key(|l| l.at));
        Late { all }
    }

    /// The entries noticed at segment `at`, in their order in `all`: a binary search, as
    /// `all` is sorted by `at`.
    fn noticed_at(&self, at: usize) -> impl Iterator<Item = &WrittenAfter> {
        let from = self.all.partition_point(|l| l.at < at);
        (self.all.get(from..).unwrap_or_default().iter()).take_while(move |l| l.at == at)
    }
}

/// Is what the walk found missing (`id` of `parent`, a loop when `is_loop`, noticed at `at`)
/// there but out of place, which STR003 reports: later in the occurrence ([`comes_late`]),
/// just before its loop's opener ([`came_early`]), or just after the next loop's opener
/// (`late`, [`written_after`])? "Missing" as well would be two findings for one defect.
fn misplaced(
    tx: &Transaction<'_>,
    cx: &Ctx<'_>,
    late: &Late,
    (id, parent, is_loop, at): (&str, &str, bool, usize),
) -> bool {
    if !is_loop && (comes_late(tx, id, parent, at) || came_early(tx, id, parent, at)) {
        return true;
    }
    late.noticed_at(at)
        .any(|l| (l.id, l.parent, l.is_loop) == (id, parent, is_loop) && is_reported(tx, cx, l))
}

/// Is the STR003 on a segment written late ([`written_after`]) surely reported? Not when it
/// stands in the block of an HL whose STR001 displaces it (`suppress::Scope::Covered`) and
/// the STR002 it stands for does not: after an HL (`REF*EI` after a broken `HL*2`), the
/// missing segment would then have no finding at all. With no HL from where the STR002 would
/// be to the segment, both are in one block, and stand or fall together.
fn is_reported(tx: &Transaction<'_>, cx: &Ctx<'_>, late: &WrittenAfter) -> bool {
    let from = late.at.saturating_sub(1);
    let hl_between = tx
        .segments
        .get(from..=late.stray)
        .is_some_and(|segs| segs.iter().any(|s| s.is(b"HL")));
    !hl_between || !super::hl_invalid::displaces(tx, cx, late.stray)
}

/// Is the segment just before `at`, where the walk noticed `id` missing, that segment with
/// its id misspelled (`N5` for N4: an id no 837 has, one letter off)? SYN001 reports it, and
/// suggests this id; the finding goes on it, where SYN001 suppresses it (one typo, one error).
fn misspelled(tx: &Transaction<'_>, id: &str, at: usize) -> bool {
    let Some(prev) = at.checked_sub(1).and_then(|k| tx.segments.get(k)) else {
        return false;
    };
    let typed = prev.id();
    !crate::syntax::unknown_segment::is_known(typed)
        && crate::syntax::unknown_segment::one_off(typed, id.as_bytes())
}

/// Does segment `at` close the occurrence of `parent` that lacks a segment: does it start the
/// next occurrence, or lie outside the loop? Then the finding belongs to the segment before.
/// Not for the transaction set or an HL level (2000A/B/C): their last segment sits in a claim
/// or line of theirs, which would name the wrong one.
fn closes(tx: &Transaction<'_>, parent: &str, at: usize) -> bool {
    if parent == "ST" || parent.starts_with("2000") {
        return false;
    }
    // The last segment of a set cut short (no SE) closes nothing: the walk ended there, inside
    // the occurrence that lacks the segment.
    if at + 1 == tx.segments.len() && !tx.segments.last().is_some_and(|s| s.is(b"SE")) {
        return false;
    }
    match tx.ig().placement(at).copied() {
        Some(Placement::Placed {
            loop_def, segment, ..
        }) => {
            let restarts = loop_def.starter().is_some_and(|s| std::ptr::eq(s, segment));
            !loop_def.path.contains(&parent) || (loop_def.id == parent && restarts)
        }
        _ => false,
    }
}

/// A loop's opening segment as the help names it: `NM1*IL`, `HL (HL03 \`22\`)`.
pub(crate) fn opener(s: &SegmentDef) -> String {
    match s.qualifier {
        Some(q) if q.comp == 0 && q.elem != 1 && q.codes.len() == 1 => {
            format!("{} ({}{:02} `{}`)", s.id, s.id, q.elem, q.codes.join(""))
        }
        _ => start_of(s),
    }
}

/// Does STR002 report the opener `starter` of a loop of `parent` missing at segment `at`? Not
/// when it was written before the opener of the loop around it (`NM1*85` before the 2000A's
/// HL: the two swapped): STR003 on it is the one error.
pub(super) fn opener_reported(
    tx: &Transaction<'_>,
    starter: &SegmentDef,
    parent: &str,
    at: usize,
) -> bool {
    !written_before(tx, Some(starter), starter.id, parent, at)
}

/// Segments that belong to a loop whose opening segment is missing: one finding, on the
/// first of them (the walk opened the loop without it and placed the rest there).
fn opener_missing(
    tx: &Transaction<'_>,
    cx: &mut Ctx<'_>,
    loop_id: &'static str,
    parent: &str,
    at: usize,
    stray: Option<u32>,
) {
    let ig = tx.ig();
    let Some(l) = ig
        .guide
        .find_loop(parent)
        .and_then(|p| p.child_loop(loop_id))
    else {
        return;
    };
    let (Some(seg), Some(starter)) = (tx.segments.get(at), l.starter()) else {
        return;
    };
    if !opener_reported(tx, starter, parent, at) {
        return;
    }
    let reached = String::from_utf8_lossy(seg.id()).into_owned();
    let msg = format!(
        "`{reached}` begins loop {loop_id} ({}) without the {} that opens it",
        l.name, starter.id
    );
    // A line's LX is named with the number it would have: after the claim's lines before it.
    let line = match crate::enclosing(tx, seg.loc().position) {
        (Some(claim), _) if loop_id == "2400" => {
            let before = claim
                .lines
                .iter()
                .filter(|l| (l.index as usize) < at)
                .count();
            Some(format!("LX*{}", before + 1))
        }
        _ => None,
    };
    let help = format!(
        "add the {} segment that opens {loop_id} before {reached}",
        line.or_else(|| hl_to_add(tx, at, loop_id))
            .unwrap_or_else(|| opener(starter))
    );
    report_at(cx, at, seg.loc(), msg)
        .help(help)
        .ack(Ack999::Missing {
            segment: starter.id,
            in_loop: loop_id,
        })
        .site = stray;
}

/// The 999 coding of a required segment (or loop: its opener) `id` missing from `parent`:
/// the IK3 names it, not the segment where the walk found it missing.
fn missing_ack(guide: &GuideDef, parent: &'static str, id: &'static str, is_loop: bool) -> Ack999 {
    if is_loop {
        let opener = guide
            .find_loop(parent)
            .and_then(|p| p.child_loop(id))
            .and_then(|l| l.starter());
        if let Some(s) = opener {
            return Ack999::Missing {
                segment: s.id,
                in_loop: id,
            };
        }
    }
    Ack999::Missing {
        segment: id,
        in_loop: parent,
    }
}

/// The HL a loop opened without its HL needs, written out where it stands (`HL*2*1*22*0`):
/// HL01 its place among the set's HLs (those written and those lost), HL02 the nearest HL of
/// the level above before it, HL04 1 when the next HL is of the level below.
fn hl_to_add(tx: &Transaction<'_>, at: usize, loop_id: &str) -> Option<String> {
    let level = super::hl_invalid::hl_level(loop_id)?;
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    // (segment index, HL01 as written (`None`: lost), level).
    let mut hls: Vec<(usize, Option<String>, String)> = tx
        .hls
        .iter()
        .map(|h| {
            (
                h.index as usize,
                Some(text(h.seg.value(1))),
                text(h.seg.value(3)),
            )
        })
        .collect();
    for issue in &tx.ig().structure {
        if let StructureIssue::OpenerMissing { id, at, .. } = *issue
            && let Some(l) = super::hl_invalid::hl_level(id)
        {
            hls.push((at, None, l.to_string()));
        }
    }
    hls.sort_by_key(|h| h.0);
    let n = hls.iter().position(|h| h.0 == at)?;
    let number = |k: usize| -> String {
        hls.get(k)
            .and_then(|h| h.1.clone())
            .unwrap_or_else(|| (k + 1).to_string())
    };
    let (above, below) = match level {
        "20" => (None, "22"),
        "22" => (Some("20"), "23"),
        _ => (Some("22"), ""),
    };
    let parent = above.map_or(String::new(), |want| {
        (0..n)
            .rev()
            .find(|&k| hls.get(k).is_some_and(|h| h.2 == want))
            .map_or(String::new(), number)
    });
    let child = hls.get(n + 1).is_some_and(|h| h.2 == below);
    Some(format!(
        "HL*{}*{parent}*{level}*{}",
        number(n),
        u8::from(child)
    ))
}

fn required_segment_missing(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    if empty_set(tx, cx) {
        return;
    }
    let ig = tx.ig();
    let mut late: Option<Late> = None;
    // The moves found, and the first of them for each structure issue: one look-up per issue,
    // not a search of them all (the first is what a search in order finds).
    let mut moved: Option<(
        Vec<super::moved::Moved>,
        std::collections::HashMap<usize, usize>,
    )> = None;
    // The first copies of openers written twice already reported ([`copied_opener`]).
    let mut copies = std::collections::HashSet::new();
    // The segments written with a wrong id where a required one belongs (STR003 there).
    let mut mistyped: Option<std::borrow::Cow<'_, [super::mistyped::Mistyped]>> = None;
    for (n, issue) in ig.structure.iter().enumerate() {
        // The segment written elsewhere that is this one (STR003 there is the one finding).
        let mut stray = |cx: &Ctx<'_>| {
            let (moved, first) = moved.get_or_insert_with(|| {
                let all = super::moved::of_set(tx, cx).into_owned();
                let mut first = std::collections::HashMap::new();
                for (k, m) in all.iter().enumerate() {
                    first.entry(m.want.issue).or_insert(k);
                }
                (all, first)
            });
            let m = moved.get(*first.get(&n)?)?;
            tx.segments.get(m.stray).map(|s| s.position)
        };
        match *issue {
            // After a stray, the segment that stood where the opener belongs is the one error
            // (SYN001 for `NM2`, STR003 for `NM1*IK`).
            StructureIssue::OpenerMissing {
                id,
                parent,
                at,
                after_stray: false,
            } => {
                let stray = stray(cx);
                opener_missing(tx, cx, id, parent, at, stray);
            }
            StructureIssue::RequiredMissing {
                id,
                is_loop,
                parent,
                at,
            } => {
                let stray = stray(cx).or_else(|| {
                    let all = mistyped.get_or_insert_with(|| super::mistyped::of_set(tx, cx));
                    let m = all.iter().find(|m| m.gap == Some(n))?;
                    tx.segments.get(m.at).map(|s| s.position)
                });
                let late = late.get_or_insert_with(|| Late::of(tx));
                let what = (id, is_loop, stray);
                required_missing(tx, cx, (late, &mut copies), what, parent, at);
            }
            _ => {}
        }
    }
    subscriber_is_patient(tx, cx);
    prior_payers_missing(tx, cx);
    super::attending_missing::attending_missing(tx, cx);
}

/// A transaction set with nothing between its ST and its SE (`ST*837*0001*005010X223~
/// SE*38*18434718~`, hunt C6): one finding, on the SE where the walk found them missing,
/// saying the set has no content and naming every required segment and loop of its header
/// the walk found missing, not one finding each (RULES.md, "One root cause, one error").
/// Coded in the 999 as its first (the BHT). `false`, reporting nothing, for a set with any
/// segment of its own: what it lacks is reported one by one.
fn empty_set(tx: &Transaction<'_>, cx: &mut Ctx<'_>) -> bool {
    let [st, se] = tx.segments.as_slice() else {
        return false;
    };
    if st.id() != b"ST" || se.id() != b"SE" {
        return false;
    }
    let ig = tx.ig();
    let mut missing = Vec::new();
    let mut ack = None;
    for issue in &ig.structure {
        let (id, is_loop, parent) = match *issue {
            StructureIssue::RequiredMissing {
                id,
                is_loop,
                parent,
                ..
            } => (id, is_loop, parent),
            StructureIssue::OpenerMissing { id, parent, .. } => (id, true, parent),
            _ => continue,
        };
        missing.push(describe(ig.guide, parent, id, is_loop).0);
        ack.get_or_insert_with(|| missing_ack(ig.guide, parent, id, is_loop));
    }
    let Some(ack) = ack else {
        return false;
    };
    let msg = format!(
        "the transaction set has no content: nothing stands between its ST and its SE, so {} {} missing",
        crate::syntax::and_list(&missing),
        if missing.len() == 1 { "is" } else { "are" }
    );
    let help = "write the transaction set's segments (BHT, the submitter and receiver, the \
                billing provider's HL and its claims) between ST and SE, or delete the empty set";
    report_at(cx, 1, se.loc(), msg)
        .help(help.to_string())
        .ack(ack);
    true
}

/// How many payers come before the destination payer, by its 2000B SBR01: one before a
/// secondary (`S`), two before a tertiary (`T`), three to ten before the fourth to eleventh
/// payer (`A`–`H`). `P` (primary), `U` (unknown) and codes SYN008 reports: none to ask for.
fn payers_before(sbr01: &[u8]) -> Option<usize> {
    match sbr01 {
        b"S" => Some(1),
        b"T" => Some(2),
        [c @ b'A'..=b'H'] => Some(usize::from(c - b'A') + 3),
        _ => None,
    }
}

/// STR002 for each claim of a 2000B whose SBR01 puts payers before the destination payer
/// ([`payers_before`]) with fewer 2320 loops than that. Not for a claim with a segment the
/// guide could not place before its first line: a 2320 written wrong is that segment's
/// finding (STR003, SYN001).
fn prior_payers_missing(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    let ig = tx.ig();
    // The 2320 loops of each claim, counted in one pass (claims are in segment order): a set
    // of thousands of claims is not scanned once per claim.
    let mut cob = vec![0usize; tx.claims.len()];
    for l in tx.loops.iter().filter(|l| l.id == "2320") {
        let k = tx.claims.partition_point(|c| c.index <= l.first);
        if let Some(k) = k.checked_sub(1)
            && tx.claims.get(k).is_some_and(|c| l.first < c.end)
        {
            cob[k] += 1;
        }
    }
    for (li, sub) in tx.loops.iter().enumerate() {
        if sub.id != "2000B" {
            continue;
        }
        let own = |k: u32| {
            tx.seg_loop
                .get(k as usize)
                .is_some_and(|&l| l as usize == li)
        };
        let Some(sbr) = (sub.first..sub.end)
            .filter(|&k| own(k))
            .filter_map(|k| tx.segments.get(k as usize))
            .find(|s| s.is(b"SBR"))
        else {
            continue;
        };
        let Some(before) = payers_before(sbr.value(1)) else {
            continue;
        };
        let from = tx.claims.partition_point(|c| c.index < sub.first);
        let claims = tx.claims[from..].iter().zip(&cob[from..]);
        for (claim, &written) in claims.take_while(|(c, _)| c.index < sub.end) {
            // A segment the guide could not place where the 2320 loops go (before the first
            // line) may be one written wrong: its own finding is the one error.
            let lines_from = claim.lines_start();
            if written < before && (claim.index..lines_from).all(|k| ig.is_placed(k as usize)) {
                report_prior_payers(cx, claim, sbr, before, written);
            }
        }
    }
}

fn report_prior_payers(
    cx: &mut Ctx<'_>,
    claim: &claimlint_model::Claim<'_>,
    sbr: &claimlint_x12::Segment<'_>,
    before: usize,
    written: usize,
) {
    let place = match before {
        1 => "secondary".to_owned(),
        2 => "tertiary".to_owned(),
        n => format!("payer number {}", n + 1),
    };
    let lacks = match (before, written) {
        (1, _) => "no 2320 loop (Other Subscriber Information) for the primary payer".to_owned(),
        (_, 0) => {
            format!("no 2320 loop (Other Subscriber Information) for the {before} payers before it")
        }
        _ => format!(
            "{written} 2320 loop(s) (Other Subscriber Information) for the {before} payers before it"
        ),
    };
    let msg = format!(
        "claim {} is billed to this payer as {place} (2000B SBR01 `{}`) but has {lacks}",
        claim.id_text(),
        String::from_utf8_lossy(sbr.value(1))
    );
    let index = claim.index as usize;
    report_at(cx, index, claim.clm.loc(), msg)
        .help(
            "add a 2320 loop for each payer before this one (SBR with that payer's SBR01, AMT*D \
             with what it paid, OI, 2330A NM1*IL, 2330B NM1*PR) after the claim's 2310 loops \
             and before its first LX; or, if no payer comes before this one, write the 2000B \
             SBR01 `P`",
        )
        .ack(Ack999::Missing {
            segment: "SBR",
            in_loop: "2320",
        });
}

/// Where STR002 reports segment or loop `id` (`is_loop`), required in `parent`, that the walk
/// found missing at segment `at`: that segment, or the one before it; `None` when it does not
/// report it (another finding is the one error). [`super::moved`] pairs a segment written
/// elsewhere with the finding at this place.
pub(super) fn missing_site(
    tx: &Transaction<'_>,
    cx: &Ctx<'_>,
    late: &Late,
    (id, is_loop): (&'static str, bool),
    parent: &'static str,
    at: usize,
) -> Option<usize> {
    let ig = tx.ig();
    // SIT002 reports a claim without its principal diagnosis, with a better message.
    if id == "HI" && parent == "2300" {
        return None;
    }
    // Envelope before structure (RULES.md, "One root cause, one error"): a transaction set
    // without its SE is ENV004's, which the envelope scan reported already.
    if id == "SE" && !tx.segments.last().is_some_and(|s| s.is(b"SE")) {
        return None;
    }
    tx.segments.get(at)?;
    if misplaced(tx, cx, late, (id, parent, is_loop, at)) {
        return None;
    }
    // A loop is misspelled in its opener: `NMQ*PR` for 2010BB's NM1.
    let starter = is_loop
        .then(|| ig.guide.find_loop(parent)?.child_loop(id))
        .flatten()
        .and_then(|l| l.starter());
    let typo = misspelled(tx, starter.map_or(id, |s| s.id), at);
    // Name the occurrence that lacks it (its claim and line), not the next one.
    // On the misspelled segment (SYN001's, which suppresses it) or the one that closed
    // the occurrence, rather than the next.
    // A 2410's CTP belongs right after its LIN: on the LIN whether the guide reached the
    // next line or a 2410 REF, where NDC005 would report the quantity it lacks (and which
    // this suppresses, suppress::PRECEDENCE).
    let after_lin = id == "CTP"
        && parent == "2410"
        && at
            .checked_sub(1)
            .and_then(|k| tx.segments.get(k))
            .is_some_and(|s| s.is(b"LIN"));
    let site = at
        .checked_sub(1)
        .filter(|_| typo || after_lin || closes(tx, parent, at))
        .filter(|&k| k < tx.segments.len())
        .unwrap_or(at);
    // STR006 reports a claim without service lines, with a better message (and only that:
    // the claim's other findings, such as a 2010BB missing before its CLM, stand).
    let position = tx.segments.get(site)?.position;
    if id == "2400"
        && crate::enclosing(tx, position)
            .0
            .is_some_and(|claim| claim.lines.is_empty())
    {
        return None;
    }
    Some(site)
}

/// Segment or loop `id` (`is_loop`), required in `parent`, that the walk found missing at
/// segment `at`.
/// `copies` holds the first copies of openers written twice already reported: the loop
/// such a copy opens lacks each of its required children, and one finding names them all.
fn required_missing(
    tx: &Transaction<'_>,
    cx: &mut Ctx<'_>,
    (late, copies): (&Late, &mut std::collections::HashSet<usize>),
    (id, is_loop, stray): (&'static str, bool, Option<u32>),
    parent: &'static str,
    at: usize,
) {
    let ig = tx.ig();
    let Some(site) = missing_site(tx, cx, late, (id, is_loop), parent, at) else {
        return;
    };
    if stray.is_none() && copied_opener(tx, site, parent) {
        if copies.insert(site) {
            report_copied_opener(tx, cx, (id, is_loop), parent, site);
        }
        return;
    }
    let (Some(reached), Some(seg)) = (tx.segments.get(at), tx.segments.get(site)) else {
        return;
    };
    let (what, start) = describe(ig.guide, parent, id, is_loop);
    let reached = String::from_utf8_lossy(reached.id()).into_owned();
    let reached_at = at;
    let at = site;
    let within = if parent == "ST" {
        "the transaction set header".to_string()
    } else {
        parent.to_string()
    };
    let msg = format!(
        "{what} is required in {within} but missing (the guide reached `{reached}` without it)"
    );
    let help = if is_loop {
        format!("add loop {id}, starting with {start}, to {within}")
    } else {
        format!("add the {start} segment to {within}")
    };
    let next_line = svd_of_next_line(tx, (id, is_loop), parent, reached_at);
    let (msg, help) = match &next_line {
        Some((msg, help, _)) => (msg.clone(), help.clone()),
        None => svd_written_twice(tx, (id, is_loop), parent, reached_at).unwrap_or((msg, help)),
    };
    let d = report_at(cx, at, seg.loc(), msg)
        .help(help)
        .ack(missing_ack(ig.guide, parent, id, is_loop));
    d.site = stray;
    d.covers = next_line.map(|(_, _, covers)| covers);
}

/// A line's SVD written at the end of the line before (moved up one line): read there, its
/// 2430 lacks the DTP*573 the walk found missing at the next line's LX (segment `at`), and
/// that line's own DTP*573 stands with no SVD before it (read as a 2400 date, SYN008, or
/// unexpected, STR003). Only when the SVD's procedure (SVD03) is the next line's, not its own
/// line's, and that DTP*573 is written as the 2430's (`D8` and a date of 8 digits): the
/// message and help that move the SVD down, and the range the finding covers (that DTP,
/// whose own finding follows from the move: suppress::PRECEDENCE).
fn svd_of_next_line(
    tx: &Transaction<'_>,
    (id, is_loop): (&str, bool),
    parent: &str,
    at: usize,
) -> Option<(String, String, (u32, u32))> {
    if id != "DTP" || is_loop || parent != "2430" {
        return None;
    }
    let (lx, svd) = (tx.segments.get(at)?, tx.segments.get(at.checked_sub(1)?)?);
    if !lx.is(b"LX") || !svd.is(b"SVD") {
        return None;
    }
    let procedure = |line: &claimlint_model::ServiceLine<'_>| {
        let sv = line.sv?;
        let e = sv.element(if sv.is(b"SV2") { 2 } else { 1 })?;
        Some(e.bytes.to_vec())
    };
    let (own, next) = (
        crate::enclosing(tx, svd.position).1?,
        crate::enclosing(tx, lx.position).1?,
    );
    let (p, ours) = (procedure(next)?, procedure(own));
    if svd.value(3) != p.as_slice() || ours.as_ref() == Some(&p) {
        return None;
    }
    let dtp = first_stranded_date(tx, next)?;
    let number = |l: &claimlint_model::ServiceLine<'_>| {
        l.number()
            .map_or_else(String::new, |n| n.text().into_owned())
    };
    let msg = format!(
        "`{}` at the end of line {} is line {}'s adjudication (its procedure {} is that \
         line's, whose DTP*573 stands without an SVD): read here, its 2430 lacks the DTP*573",
        svd.text(),
        number(own),
        number(next),
        String::from_utf8_lossy(&p)
    );
    let help = format!(
        "move this SVD down into line {}, right before its DTP*573 (segment {})",
        number(next),
        dtp.position
    );
    Some((msg, help, (dtp.position, dtp.position.saturating_add(1))))
}

/// The first DTP*573 of `line` when it is stranded (read in no 2430, no SVD or CAS before
/// it in the line: [`stranded_remittance_date`]) and written as a 2430's (`D8` and a date of
/// 8 digits).
fn first_stranded_date<'t, 'a>(
    tx: &'t Transaction<'a>,
    line: &claimlint_model::ServiceLine<'_>,
) -> Option<&'t claimlint_x12::Segment<'a>> {
    use crate::balancing::cob_payment_mismatch::stranded_remittance_date;
    let k = (line.index as usize..line.end as usize).find(|&k| {
        tx.segments
            .get(k)
            .is_some_and(|s| s.is(b"DTP") && s.value(1) == b"573")
    })?;
    let dtp = tx.segments.get(k)?;
    let date = dtp.value(3);
    let stranded = stranded_remittance_date(tx, line, k)
        && dtp.value(2) == b"D8"
        && date.len() == 8
        && date.iter().all(u8::is_ascii_digit);
    stranded.then_some(dtp)
}

/// A 2430 whose SVD is written twice in a row, word for word (`SVD*A*2300*…~SVD*A*2300*…~
/// DTP*573`): the walk reads the copy (segment `at`, where it found the DTP*573 missing) as
/// the next 2430, so the first lacks its DTP*573. The copy is the one error, and deleting it
/// mends both (the payer's balance counts its payment once, `cob_payment_mismatch::svd_copy`):
/// the message and help that say so. `None` for any other missing segment.
fn svd_written_twice(
    tx: &Transaction<'_>,
    (id, is_loop): (&str, bool),
    parent: &str,
    at: usize,
) -> Option<(String, String)> {
    use crate::balancing::cob_payment_mismatch::svd_copy;
    if id != "DTP" || is_loop || parent != "2430" || !svd_copy(tx, at) {
        return None;
    }
    let (copy, first) = (tx.segments.get(at)?, tx.segments.get(at.checked_sub(1)?)?);
    let msg = format!(
        "`{}` is written twice in a row (segments {} and {}): read as two 2430 loops, the \
         first lacks its required DTP*573 (Line Check or Remittance Date)",
        copy.text(),
        first.position,
        copy.position
    );
    let help = format!(
        "delete the second SVD (segment {}): it repeats segment {} as written; the line's \
         adjudication by that payer is one SVD, followed by its DTP*573",
        copy.position, first.position
    );
    Some((msg, help))
}

/// Whether segment `site`, where the guide found something loop `parent` requires missing,
/// is the first of a loop's opener written twice in a row, byte for byte, in a loop that may
/// repeat (`SBR*S*…~SBR*S*…~`: 2320 repeats, so STR004 has nothing to say): the first copy
/// opens a `parent` holding nothing but itself, and the copy's loop carries all the guide
/// requires (two bare copies, `NM1*DN*1~NM1*DN*1~`, are two loops lacking it, which deleting
/// one would not mend). Not when the guide found something of another loop missing there (a
/// defect of its own, [`super::only_its_own_missing`]); not an opener another rule reports
/// written twice (HL: STR001, CLM: STR006, LX: STR005, a loop one more than its repeat:
/// STR004), nor an SVD (a 2430's lines are judged by the balancing rules).
fn copied_opener(tx: &Transaction<'_>, site: usize, parent: &str) -> bool {
    let (Some(seg), Some(copy)) = (tx.segments.get(site), tx.segments.get(site + 1)) else {
        return false;
    };
    let node = |k: usize| (tx.seg_loop.get(k)).and_then(|&l| tx.loops.get(l as usize));
    let (Some(first), Some(second)) = (node(site), node(site + 1)) else {
        return false;
    };
    // What the walk found missing in the copy's loop: noticed inside it or where it ends. A
    // search of every issue of the set, so asked last, of a copy only: a set of thousands of
    // issues, none a copy, is not searched once per issue (the answer is the same: every
    // test here is pure, and `&&` stops at the first false).
    let copy_lacks = || {
        tx.ig().structure.iter().any(|i| {
            matches!(*i, StructureIssue::RequiredMissing { parent: p, at, .. }
                if p == parent && at > site + 1 && at <= second.end as usize)
                || matches!(*i, StructureIssue::RepeatExceeded { at, .. } if at == site + 1)
        })
    };
    first.id == parent
        && first.first as usize == site
        && first.end as usize == site + 1
        && second.id == parent
        && second.first as usize == site + 1
        && copy.bytes == seg.bytes
        && !([b"HL".as_slice(), b"CLM", b"LX", b"SVD"]).contains(&seg.id())
        && !copy_lacks()
        && super::only_its_own_missing(tx, site, parent)
}

/// One STR002 for a loop's opener written twice ([`copied_opener`]) at `site`, naming what
/// the first copy's loop lacks (each child `parent` requires that the walk found missing
/// there), rather than one "missing" finding per child; its 999 acknowledgment is that of
/// the first missing child `first` (`is_loop`). Deleting either copy leaves one loop with
/// all of them.
fn report_copied_opener(
    tx: &Transaction<'_>,
    cx: &mut Ctx<'_>,
    (first, is_loop): (&'static str, bool),
    parent: &'static str,
    site: usize,
) {
    let ig = tx.ig();
    let Some(seg) = tx.segments.get(site) else {
        return;
    };
    let lacks: Vec<String> = (ig.structure.iter())
        .filter_map(|i| match *i {
            StructureIssue::RequiredMissing {
                id, parent: p, at, ..
            } if p == parent && (at == site || at == site + 1) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let name = (ig.guide.find_loop(parent)).map_or(String::new(), |l| format!(" ({})", l.name));
    let text = String::from_utf8_lossy(seg.bytes);
    let id = String::from_utf8_lossy(seg.id());
    let msg = format!(
        "`{text}` is written twice in a row: the first copy opens a {parent}{name} of nothing \
         but its {id}, which lacks the {} the guide requires there",
        crate::syntax::and_list(&lacks)
    );
    report_at(cx, site, seg.loc(), msg)
        .help(format!("delete one of the two copies of `{text}`"))
        .ack(missing_ack(ig.guide, parent, first, is_loop));
}

/// The 2010BA segments the TR3 requires when the patient is the subscriber: N3 and N4
/// (Subscriber Address, City/State/ZIP) and DMG (Subscriber Demographic Information), each
/// "Required when the patient is the subscriber or considered to be the subscriber" in both
/// 837 guides; the guide maps mark them Situational, so the walk cannot tell. Sources: X12
/// RFI 2281 (https://x12.org/resources/requests-for-interpretation/rfi-2281-subscriberpatient-address,
/// quoting the 005010X222A1 note for N3 and DMG), X12 RFI 1496 (2010BA N3, N4 and DMG "are
/// used only when the patient is the subscriber"), and Stedi's claim edit for 837P and 837I
/// (https://www.stedi.com/site/changelog/new-claim-edit-missing-subscriber-address-or-demographics).
const WHEN_SUBSCRIBER_IS_PATIENT: [&str; 3] = ["N3", "N4", "DMG"];

/// Whether the guide placed segment `k` in a 2010BA loop (the model opens one at any
/// `NM1*IL` of a 2000B).
fn opens_2010ba(tx: &Transaction<'_>, k: usize) -> bool {
    tx.ig().loop_id(k) == Some("2010BA")
}

/// STR002 for what [`WHEN_SUBSCRIBER_IS_PATIENT`] lists, missing from a 2010BA whose 2000B
/// holds a claim of its own ([`subscriber_gaps`]). One segment missing that is written
/// elsewhere, exactly it (`super::moved`: a subscriber's `N3` written above the `HL*2`, a
/// `DMG` below the `CLM`): the STR003 there says where it belongs, and this finding names
/// it as its site (`suppress::Scope::Site`). The same for one written there with another id
/// (`super::mistyped`: `N4` for the N3, the real N4 after it): reported naming that segment,
/// so that only its STR003, when reported, suppresses it (`--select STR002` keeps it).
fn subscriber_is_patient(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    let gaps = subscriber_gaps(tx);
    if gaps.is_empty() {
        return;
    }
    let moved = super::moved::of_set(tx, cx);
    let mistyped = super::mistyped::of_set(tx, cx);
    for (nm1, claim, mut missing, unplaced) in gaps {
        match unplaced {
            // A segment there the guide could not place, whose id the 837 does not define
            // (`NM2`), may be the one segment left out, written wrong: the gap names it, so
            // that its own finding (SYN001, or SYN005 for a control character in its id),
            // when reported, is the one error (`suppress::Scope::Unplaced`; `--ignore
            // SYN001` keeps the gap).
            Some((at, true)) if missing.len() == 1 => {
                report_subscriber_missing(tx, cx, (nm1, Some(at), true), claim, &missing);
                continue;
            }
            // Several segments missing, or a segment of the 837 that fits nowhere there (a
            // PRV, an HI): a gap beside a stray of another kind, two defects.
            Some(_) => {
                report_subscriber_missing(tx, cx, (nm1, None, false), claim, &missing);
                continue;
            }
            None => {}
        }
        let end = (tx.loops.iter())
            .find(|l| l.first as usize == nm1 && l.id == "2010BA")
            .map_or(nm1, |l| l.end as usize);
        let typed =
            |id: &str| (mistyped.iter()).find(|m| m.def.id == id && (nm1..end).contains(&m.at));
        // The ones mistyped, each its own finding naming its STR003's segment; the rest
        // (a DMG left out beside an N3 written as N4) one finding, as below.
        for id in missing.iter().copied().filter(|id| typed(id).is_some()) {
            let site = typed(id)
                .and_then(|m| tx.segments.get(m.at))
                .map(|s| s.position);
            report_subscriber_missing(tx, cx, (nm1, site, false), claim, &[id]);
        }
        missing.retain(|id| typed(id).is_none());
        if missing.is_empty() {
            continue;
        }
        let stray = (moved.iter())
            .find(|m| m.want.issue == super::moved::MODEL_GAP && m.want.site == nm1)
            .and_then(|m| tx.segments.get(m.stray))
            .map(|s| s.position);
        report_subscriber_missing(tx, cx, (nm1, stray, false), claim, &missing);
    }
}

/// The 2010BAs lacking what [`WHEN_SUBSCRIBER_IS_PATIENT`] lists, whose 2000B holds a claim
/// of its own ([`super::own_claim`]): that claim's patient is the subscriber. Each as its
/// NM1's segment index, the claim's CLM index and the ids it lacks. Looked for in the
/// 2010BA's own segments and the unplaced ones written right before its NM1 (STR003's
/// alone). The last: a segment in the 2010BA the guide could not place, its position and
/// whether the 837 does not define its id (then it may be the one it lacks, written wrong);
/// the first such one, else the first unplaced.
pub(super) fn subscriber_gaps(tx: &Transaction<'_>) -> Vec<SubscriberGap> {
    let ig = tx.ig();
    let mut out = Vec::new();
    for name in tx.loops.iter().filter(|l| l.id == "2010BA") {
        let Some(claim) = name.parent.and_then(|sub| super::own_claim(tx, sub)) else {
            continue;
        };
        // An NM1 the guide read as another loop's (`NM1*IL` for the payer's `NM1*PR`): its
        // qualifier is SYN008's one error, and no subscriber loop is short of segments.
        if !opens_2010ba(tx, name.first as usize) {
            continue;
        }
        // The 2010BA's own segments, and the unplaced ones written right before its NM1 (an
        // N3 swapped with it: STR003's, not also missing here).
        let early = (0..name.first as usize)
            .rev()
            .take_while(|&k| !ig.is_placed(k))
            .count();
        let from = name.first as usize - early;
        let segs = tx.segments.get(from..name.end as usize).unwrap_or_default();
        // A segment there the guide could not place (`NM2*12 ELM ST`, an id cut by a line
        // break) may be the one left out, written wrong.
        let unplaced = (name.first as usize..name.end as usize)
            .filter(|&k| !ig.is_placed(k))
            .filter_map(|k| tx.segments.get(k))
            .map(|s| {
                (
                    s.position,
                    !crate::syntax::unknown_segment::is_known(s.id()),
                )
            })
            .reduce(|found, next| if found.1 || !next.1 { found } else { next });
        // One written late, unplaced before the claim (a DMG after the payer's NM1): STR003's.
        let late = |id: &str| {
            (name.end..claim).any(|k| {
                !ig.is_placed(k as usize)
                    && tx
                        .segments
                        .get(k as usize)
                        .is_some_and(|s| s.is(id.as_bytes()))
            })
        };
        let missing: Vec<&'static str> = WHEN_SUBSCRIBER_IS_PATIENT
            .into_iter()
            .filter(|id| !segs.iter().any(|s| s.is(id.as_bytes())) && !late(id))
            .collect();
        if !missing.is_empty() {
            out.push((name.first as usize, claim, missing, unplaced));
        }
    }
    out
}

/// A 2010BA short of segments ([`subscriber_gaps`]): its NM1's index, its claim's CLM index,
/// the ids it lacks, and a segment in it the guide could not place (its position, and
/// whether its id is one the 837 does not define).
pub(super) type SubscriberGap = (usize, u32, Vec<&'static str>, Option<(u32, bool)>);

/// The one segment a 2010BA (its NM1 at `nm1`) lacks ([`subscriber_gaps`]) as a gap a
/// segment written elsewhere may fill (`super::moved`): its definition and where it goes,
/// before the first segment of the loop the TR3 lists after it (the loop's end when none).
pub(super) fn subscriber_want(
    tx: &Transaction<'_>,
    nm1: usize,
    id: &str,
) -> Option<super::moved::Want> {
    let ig = tx.ig();
    let def = ig
        .guide
        .find_loop("2010BA")?
        .segments(id.as_bytes())
        .next()?;
    let in_loop = |k: usize| ig.loop_id(k) == Some("2010BA");
    let end = (nm1 + 1..tx.segments.len())
        .find(|&k| !in_loop(k))
        .unwrap_or(tx.segments.len());
    let later =
        |k: usize| (ig.placement(k).and_then(Placement::segment)).is_some_and(|d| d.pos > def.pos);
    let before = (nm1 + 1..end).find(|&k| later(k)).unwrap_or(end);
    Some(super::moved::Want {
        def,
        opens: None,
        parent: "2010BA",
        before,
        site: nm1,
        issue: super::moved::MODEL_GAP,
    })
}

/// The one STR002 of a 2010BA (its NM1 at `nm1_at`) lacking the segments `missing`, the
/// subscriber being the patient of claim `claim` (a CLM index); `stray`: the position of the
/// one segment it lacks, written elsewhere (its STR003 the one finding).
fn report_subscriber_missing(
    tx: &Transaction<'_>,
    cx: &mut Ctx<'_>,
    (nm1_at, stray, unplaced): (usize, Option<u32>, bool),
    claim: u32,
    missing: &[&'static str],
) {
    let guide = tx.ig().guide;
    let Some(nm1) = tx.segments.get(nm1_at) else {
        return;
    };
    // One finding for the 2010BA, naming each segment it lacks: the subscriber's address
    // and demographics left out are one omission, however many segments it spans.
    let Some((last, rest)) = missing.split_last() else {
        return;
    };
    let named = |id: &str| {
        let def = guide
            .find_loop("2010BA")
            .and_then(|l| l.segments(id.as_bytes()).next());
        def.map_or(id.to_string(), |d| format!("{id} ({})", d.name))
    };
    let what = match rest {
        [] => format!("segment {} is", named(last)),
        _ => format!(
            "segments {} are",
            crate::syntax::and_list(&missing.iter().map(|id| named(id)).collect::<Vec<_>>())
        ),
    };
    let claim_id = tx
        .claims
        .iter()
        .find(|c| c.index == claim)
        .map_or_else(|| "?".into(), |c| c.id_text());
    let msg = format!(
        "{what} required in 2010BA when the patient is the subscriber (claim {claim_id} is \
         in this 2000B, not under a 2000C) but missing"
    );
    let first = missing.first().copied().unwrap_or("N3");
    let d = report_at(cx, nm1_at, nm1.loc(), msg);
    d.site = stray;
    d.site_unplaced = unplaced;
    d.help(format!(
        "add the subscriber's {} to this 2010BA (in TR3 order: NM1*IL, N3, N4, DMG)",
        missing.join(", ")
    ))
    .ack(Ack999::Missing {
        segment: first,
        in_loop: "2010BA",
    });
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &STR002,
        &[
            Pass(""),
            PassI(""),
            Edit("N4*SPRINGFIELD*IL*62701", "", true),
            Edit("NM1*PR", "", true),
            EditI("NM1*PR", "", true),
            Edit("BHT*", "", true),
            Edit("DTP*472", "", true), // 837P 2400 DTP*472 is required
        ],
    );
    // A DTP*472 after a later 2400 segment is out of order (STR003), not also missing.
    let late = crate::test::edit(
        &crate::test::edit(crate::test::P837, "DTP*472", ""),
        "CTP*",
        "CTP****1*UN~DTP*472*D8*20260115",
    );
    let d = crate::test::run(&late);
    assert!(d.iter().any(|d| d.code == "STR003"), "{d:#?}");
    assert!(!d.iter().any(|d| d.code == "STR002"), "{d:#?}");
    // No SE: ENV004 alone, not also STR002 for the same SE.
    let no_se = crate::test::edit(crate::test::P837, "SE*", "");
    let codes: Vec<_> = crate::test::run(&no_se).iter().map(|d| d.code).collect();
    assert_eq!(codes, ["ENV004"]);
    let d = diags[2].iter().find(|d| d.code == "STR002").unwrap();
    assert!(
        d.message.starts_with(
            "segment N4 (Billing Provider City, State, ZIP Code) is required in 2010AA"
        ),
        "{}",
        d.message
    );
    assert_eq!(d.help.as_deref(), Some("add the N4 segment to 2010AA"));
    let d = diags[3].iter().find(|d| d.code == "STR002").unwrap();
    assert_eq!(
        d.help.as_deref(),
        Some("add loop 2010BB, starting with NM1*PR, to 2000B")
    );
}

/// A missing segment whose first element allows several codes is not told to start with the
/// first of them: SBR01's first is `A`, payer responsibility four.
#[test]
fn a_missing_sbr_names_its_codes_not_the_first() {
    use crate::test::{P837, edit, run};
    let text = edit(P837, "SBR*", "").replace("SE*28*", "SE*27*");
    let found: Vec<_> = run(&text)
        .into_iter()
        .filter(|d| d.code == "STR002")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].help.as_deref(),
        Some("add the SBR (SBR01 one of A, B, C, D, E, F, G, H, P, S, T, U) segment to 2000B")
    );
}

/// Issue 14: a required segment missing from one occurrence of a repeated loop is reported
/// for that occurrence, whether a later one has it or not.
#[cfg(test)]
mod per_occurrence {
    use crate::test::{I837, P837, run};

    /// The template with its claim (CLM to the last line) written twice, the second CLM01
    /// changed; `first` and `second` edit each copy.
    fn two_claims(template: &str, first: (&str, &str), second: (&str, &str)) -> String {
        let start = template.find("CLM*").expect("template has a claim");
        let end = template.find("SE*").expect("template has SE");
        let claim = &template[start..end];
        let copy = claim.replacen("-01*", "-02*", 1);
        let text = format!(
            "{}{}{}{}",
            &template[..start],
            claim.replacen(first.0, first.1, 1),
            copy.replacen(second.0, second.1, 1),
            &template[end..]
        );
        recount(&text)
    }

    /// SE01 set to the real count, so the only defect is the one under test.
    fn recount(text: &str) -> String {
        let st = text.find("ST*").expect("ST");
        let se = text.find("SE*").expect("SE");
        let count = text[st..se].matches('~').count() + 1;
        let rest = &text[se + 3..];
        let after = rest.find('*').map_or("", |k| &rest[k..]);
        format!("{}SE*{count}{after}", &text[..se])
    }

    /// The codes of every finding, sorted, and the STR002 messages.
    fn findings(text: &str) -> (Vec<String>, Vec<String>) {
        let d = run(text);
        let mut codes: Vec<String> = d.iter().map(|d| d.code.to_string()).collect();
        codes.sort();
        let msgs = d
            .iter()
            .filter(|d| d.code == "STR002")
            .map(|d| format!("{} @{}", d.message, d.loc.position))
            .collect();
        (codes, msgs)
    }

    const NO_DRUG: &str = "LIN**N4*55513071001~\nCTP****1*UN~\n";

    #[test]
    fn service_date_missing_on_the_first_or_the_last_line() {
        let lines = P837.replace(NO_DRUG, "").replace("HC:J0897:JZ", "HC:96413");
        let first = recount(&lines.replacen("DTP*472*D8*20260115~\n", "", 1));
        let (codes, msgs) = findings(&first);
        assert_eq!(codes, ["STR002"], "{first}");
        assert_eq!(
            msgs,
            [
                "segment DTP (Date - Service Date) is required in 2400 but missing (the guide reached `LX` without it) @21"
            ]
        );
        let k = lines.rfind("DTP*472").expect("second line's date");
        let last = recount(&format!(
            "{}{}",
            &lines[..k],
            &lines[k + "DTP*472*D8*20260115~\n".len()..]
        ));
        let (codes, msgs) = findings(&last);
        assert_eq!(codes, ["STR002"], "{last}");
        assert!(
            msgs[0].ends_with("(the guide reached `SE` without it) @24"),
            "{msgs:?}"
        );
        // both lines without it: one finding each
        let both = recount(&lines.replace("DTP*472*D8*20260115~\n", ""));
        assert_eq!(findings(&both).0, ["STR002", "STR002"]);
    }

    #[test]
    fn statement_dates_missing_from_one_of_two_837i_claims() {
        let dtp = ("DTP*434*RD8*20260115-20260115~\n", "");
        for (first, second) in [(dtp, ("", "")), (("", ""), dtp)] {
            let text = two_claims(I837, first, second);
            let (codes, msgs) = findings(&text);
            assert_eq!(codes, ["STR002"], "{text}");
            assert!(msgs[0].starts_with("segment DTP (Statement Dates) is required in 2300"));
        }
    }

    #[test]
    fn service_facility_address_missing_from_one_2310c() {
        let facility = "HI*ABK:M810~\nNM1*77*2*INFUSION SUITE*****XX*1234567893~\nN3*5 OAK ST~\nN4*SPRINGFIELD*IL*627011234~\n";
        let with_2310c = P837.replacen("HI*ABK:M810~\n", facility, 1);
        let n3 = ("N3*5 OAK ST~\n", "");
        for (first, second) in [(n3, ("", "")), (("", ""), n3)] {
            let text = two_claims(&with_2310c, first, second);
            let (codes, msgs) = findings(&text);
            assert_eq!(codes, ["STR002"], "{text}");
            assert!(
                msgs[0].starts_with(
                    "segment N3 (Service Facility Location Address) is required in 2310C"
                ),
                "{msgs:?}"
            );
        }
    }

    #[test]
    fn billing_provider_city_missing_from_one_of_two_2010aa() {
        // A second billing provider (HL 3, 20) with its own subscriber (HL 4, 22).
        let start = P837.find("HL*1**20*1~").expect("2000A");
        let end = P837.find("SE*").expect("SE");
        let block = &P837[start..end];
        let second = block
            .replacen("HL*1**20*1", "HL*3**20*1", 1)
            .replacen("HL*2*1*22*0", "HL*4*3*22*0", 1)
            .replacen("PAT1001-01", "PAT1001-02", 1);
        let n4 = "N4*SPRINGFIELD*IL*627011234~\n";
        for missing_in_first in [true, false] {
            let (a, b) = if missing_in_first {
                (block.replacen(n4, "", 1), second.clone())
            } else {
                (block.to_string(), second.replacen(n4, "", 1))
            };
            let text = recount(&format!("{}{a}{b}{}", &P837[..start], &P837[end..]));
            let (codes, msgs) = findings(&text);
            assert_eq!(codes, ["STR002"], "{text}");
            assert!(
                msgs[0].starts_with(
                    "segment N4 (Billing Provider City, State, ZIP Code) is required in 2010AA"
                ),
                "{msgs:?}"
            );
        }
    }
}

/// One defect, one finding: a loop's opening segment deleted or misspelled, a segment id
/// misspelled. The walk opens the loop without its opener and places what follows there, so
/// the segments after it are not one STR003 each, nor the loop "missing" at its end; a
/// misspelled id is SYN001 alone, suggesting the id the structure expected there.
#[test]
fn a_missing_or_misspelled_opener_is_one_finding() {
    use crate::test::{I837, P837, edit, run};
    // The segment starting with `prefix`, its id written `id` (`""`: deleted).
    let change = |t: &str, prefix: &str, id: &str| {
        let seg = t.split('~').map(str::trim).find(|s| s.starts_with(prefix));
        let seg = seg.unwrap_or_else(|| panic!("no `{prefix}`"));
        let rest = seg.find('*').map_or("", |k| &seg[k..]);
        edit(
            t,
            prefix,
            &if id.is_empty() {
                String::new()
            } else {
                format!("{id}{rest}")
            },
        )
    };
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            P837,
            "HL*2*1*22",
            "",
            "STR002",
            "add the HL*2*1*22*0 segment that opens 2000B before SBR",
        ),
        (
            I837,
            "HL*2*1*22",
            "",
            "STR002",
            "add the HL*2*1*22*0 segment that opens 2000B before SBR",
        ),
        (P837, "HL*2*1*22", "HQ", "SYN001", "did you mean `HL`?"),
        (
            P837,
            "NM1*85",
            "",
            "STR002",
            "add the NM1*85 segment that opens 2010AA before N3",
        ),
        (P837, "NM1*IL", "NM2", "SYN001", "did you mean `NM1`?"),
        (P837, "NM1*PR", "NMQ", "SYN001", "did you mean `NM1`?"),
        (P837, "CLM*", "CLN", "SYN001", "did you mean `CLM`?"),
        (
            P837,
            "N4*SPRINGFIELD*IL*627011234",
            "N5",
            "SYN001",
            "did you mean `N4`?",
        ),
        (P837, "HI*", "HQ", "SYN001", "did you mean `HI`?"),
        (
            P837,
            "LX*1",
            "",
            "STR002",
            "add the LX*1 segment that opens 2400 before SV1",
        ),
        (
            I837,
            "LX*2",
            "",
            "STR002",
            "add the LX*2 segment that opens 2400 before SV2",
        ),
        (
            P837,
            "LX*1",
            "LQ",
            "STR003",
            "did you mean LX? the segments after it belong to loop 2400",
        ),
        // A lost LIN: the CTP alone fits no better read as a 2410 begun without it (the
        // next line follows): one STR003, which suppresses the line's NDC001.
        (
            P837,
            "LIN*",
            "",
            "STR003",
            "the guide places CTP in loop 2410",
        ),
        (P837, "LIN*", "LIQ", "SYN001", "did you mean `LIN`?"),
        (I837, "CTP*", "CTQ", "SYN001", "did you mean `CTP`?"),
        (P837, "DTP*472", "DPT", "SYN001", "did you mean `DTP`?"),
    ];
    for &(t, prefix, id, code, help) in cases {
        let d = run(&change(t, prefix, id));
        let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, [code], "{prefix} as `{id}`: {d:#?}");
        let said = d[0].help.as_deref().unwrap_or_default();
        assert!(said.starts_with(help), "{prefix} as `{id}`: {said}");
    }
}

/// An HL lost is one STR002 too, not also STR001s for the HLs after it: they keep their
/// numbers, and a patient HL names the lost subscriber HL as its parent (`hl_invalid::Lost`).
/// The first HL lost (2010AA's NM1*85 begins 2000A), and a subscriber with a patient under
/// it; and an other-payer REF after a misspelled NM1*PR is 2010BB's (SYN001 alone), not a
/// subscriber REF of a code 2010BA does not allow.
#[test]
fn a_lost_hl_or_payer_name_is_one_finding() {
    use crate::test::{P837, edit, run};
    let codes = |text: &str| -> Vec<&'static str> { run(text).iter().map(|d| d.code).collect() };
    assert_eq!(codes(&edit(P837, "HL*1*", "")), ["STR002"]);
    let patient = "HL*3*2*23*0~PAT*19~NM1*QC*1*DOE*JOHN~N3*12 ELM ST~\
                   N4*SPRINGFIELD*IL*627021234~DMG*D8*19700101*M~CLM*PAT1001-01*2460***11:B:1*Y*A*Y*Y";
    let with_patient = edit(&edit(P837, "HL*2*", "HL*2*1*22*1"), "CLM*", patient);
    assert!(codes(&with_patient).is_empty(), "{:?}", run(&with_patient));
    let d = run(&edit(&with_patient, "HL*2*", ""));
    assert_eq!(
        d.iter().map(|d| d.code).collect::<Vec<_>>(),
        ["STR002"],
        "{d:#?}"
    );
    // The help writes the HL out: its number, its parent, and HL04 1 for the patient below.
    let help = d[0].help.as_deref().unwrap_or_default();
    assert!(
        help.starts_with("add the HL*2*1*22*1 segment that opens 2000B before SBR"),
        "{help}"
    );
    let d = run(&edit(P837, "HL*1*", ""));
    let help = d[0].help.as_deref().unwrap_or_default();
    assert!(
        help.starts_with("add the HL*1**20*1 segment that opens 2000A before NM1"),
        "{help}"
    );
    let payer = "NM1*PR*2*MEDICARE PART B*****PI*00952~REF*G2*KA6663";
    let with_ref = edit(P837, "NM1*PR", payer);
    assert!(codes(&with_ref).is_empty());
    let typo = edit(P837, "NM1*PR", &payer.replacen("NM1", "NMQ", 1));
    assert_eq!(codes(&typo), ["SYN001"]);
}

/// What is not a missing opener stays one STR003: a segment the loop already open takes,
/// come late (an HI moved below `LX*1`), and a segment of a loop that may not occur again
/// (a PER after 1000B: 1000A is used up; hccinfhir's samples).
#[test]
fn a_late_or_stray_segment_opens_no_loop() {
    use crate::test::{P837, edit, run};
    let moved = edit(&edit(P837, "HI*", ""), "LX*1", "LX*1~HI*ABK:M810");
    let stray = edit(
        P837,
        "NM1*40",
        "NM1*40*2*MEDICARE*****46*R456~PER*IC*EDI*TE*5555550000",
    );
    for text in [moved, stray] {
        let codes: Vec<&str> = run(&text).iter().map(|d| d.code).collect();
        assert_eq!(codes, ["STR003"]);
    }
}

/// helper-69's cases: the 2010BA is judged by its own segments (not the payer's address in
/// 2010BB), a segment swapped with its NM1*IL is STR003 alone, and a stray segment excuses
/// only the occurrence it belongs to, with the qualifier it needs.
#[test]
fn what_a_loop_lacks_is_judged_by_its_own_segments() {
    use crate::test::{P837, codes, edit};
    // The subscriber's N3/N4 left out, the payer's written: still missing from 2010BA.
    let payer_address = edit(
        &edit(&edit(P837, "N3*12", ""), "N4*SPRINGFIELD*IL*62702", ""),
        "NM1*PR",
        "NM1*PR*2*MEDICARE PART B*****PI*00952~N3*PO BOX 1~N4*CHICAGO*IL*606011234",
    );
    assert_eq!(codes(&payer_address), ["STR002"]);
    // N3 written before NM1*IL: STR003 alone.
    let swapped = P837.replace(
        "NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~\nN3*12 ELM ST~",
        "N3*12 ELM ST~\nNM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~",
    );
    assert_eq!(codes(&swapped), ["STR003"]);
    // Line 1's SV1 written after its 2410, line 2 without SV1: the stray is line 1's.
    let late = P837
        .replacen("SV1*HC:J0897:JZ*2400*UN*60***1~\n", "", 1)
        .replacen(
            "CTP****1*UN~\n",
            "CTP****1*UN~\nSV1*HC:J0897:JZ*2400*UN*60***1~\n",
            1,
        )
        .replacen("SV1*HC:96372*60*UN*1***1~\n", "", 1)
        .replacen("SE*28*", "SE*27*", 1);
    assert_eq!(codes(&late), ["STR002", "STR003"], "{late}");
    // A stray DTP*431 is no DTP*472: line 2's missing service date is still reported.
    let line2 = P837.rfind("DTP*472*D8*20260115~\n").unwrap();
    let other = format!("{}{}", &P837[..line2], &P837[line2 + 21..]).replacen(
        "CTP****1*UN~\n",
        "CTP****1*UN~\nDTP*431*D8*20260101~\n",
        1,
    );
    assert_eq!(codes(&other), ["STR002", "STR003"], "{other}");
}

/// A stray opener before an HL stands in the previous HL's block, which a broken HL displaces
/// (its STR003 held back): the next 2000A's missing NM1*85 is then still reported (helper-71).
#[test]
fn a_stray_in_a_broken_block_excuses_nothing() {
    use crate::test::{P837, codes};
    let second = "NM1*85*2*ONCOLOGY CLINIC*****XX*1234567893~\nHL*3**20*1~\nN3*100 MAIN ST~\n\
                  N4*SPRINGFIELD*IL*627011234~\nREF*EI*371234567~\nHL*4*3*22*0~\n";
    let claim = &P837[P837.find("SBR*").unwrap()..P837.find("SE*").unwrap()];
    let text = P837.replacen("HL*2*1*22*0~", "HL*2*1*23*0~", 1).replacen(
        "SE*28*",
        &format!(
            "{second}{}SE*50*",
            claim.replace("PAT1001-01", "PAT1001-02")
        ),
        1,
    );
    assert_eq!(codes(&text), ["STR001", "STR002"], "{text}");
}

/// One root cause, one error: a required segment or loop written one place too late, right
/// after the opener of the loop that follows the occurrence lacking it (the two swapped), is
/// one STR003 that says where it belongs, not also STR002 for that occurrence.
#[cfg(test)]
mod written_after_the_next_opener {
    use crate::test::{I837, P837, codes, run};

    /// `text` with segment `first` (the whole segment, as the template writes it) and the
    /// segment after it swapped, where that one begins with `next`.
    fn swap(text: &str, first: &str, next: &str) -> String {
        let pair = format!("{first}~\n{next}");
        let at = text.find(&pair).unwrap_or_else(|| panic!("no `{pair}`"));
        let end = at + first.len() + 2;
        let second = &text[end..end + text[end..].find('~').expect("a segment after it")];
        format!(
            "{}{second}~\n{first}~\n{}",
            &text[..at],
            &text[end + second.len() + 2..]
        )
    }

    /// The one finding of `text`: STR003, with this message and help.
    fn one_str003(text: &str, message: &str, help: &str) {
        let d = run(text);
        assert_eq!(
            d.iter().map(|d| d.code).collect::<Vec<_>>(),
            ["STR003"],
            "{text}\n{d:#?}"
        );
        assert_eq!(d[0].message, message);
        assert_eq!(d[0].help.as_deref(), Some(help));
    }

    #[test]
    fn drug_quantity_after_the_next_lx() {
        let msg = "CTP (Drug Quantity, 2410) is written after LX*2, which opens the next 2400; \
                   it belongs before it";
        let help = "move CTP up above LX*2, to its place in 2410 (TR3 position 4940)";
        one_str003(&swap(P837, "CTP****1*UN", "LX*2"), msg, help);
        one_str003(&swap(I837, "CTP****1*UN", "LX*2"), msg, help);
    }

    #[test]
    fn header_and_billing_provider_segments_after_the_next_opener() {
        for t in [P837, I837] {
            one_str003(
                &swap(t, "PER*IC*BILLING OFFICE*TE*5555551212", "NM1*40"),
                "PER*IC (Submitter EDI Contact Information, 1000A) is written after NM1*40, \
                 which opens 1000B; it belongs before it",
                "move PER*IC up above NM1*40, to its place in 1000A (TR3 position 450)",
            );
            one_str003(
                &swap(t, "REF*EI*371234567", "HL*2"),
                "REF*EI (Billing Provider Tax Identification, 2010AA) is written after HL*2, \
                 which opens 2000B; it belongs before it",
                "move REF*EI up above HL*2, to its place in 2010AA (TR3 position 350)",
            );
        }
        // A required loop: its opener after the next loop's.
        for (t, pos) in [(P837, 200), (I837, 500)] {
            one_str003(
                &swap(t, "NM1*40*2*MEDICARE*****46*R456", "HL*1"),
                "NM1*40 (Receiver Name, loop 1000B) is written after HL*1, which opens 2000A; \
                 it belongs before it",
                &format!(
                    "move NM1*40 up above HL*1, where loop 1000B belongs (TR3 position {pos})"
                ),
            );
        }
        let payer = "NM1*PR*2*MEDICARE PART A*****PI*00952";
        let d = run(&swap(I837, payer, "CLM*"));
        assert_eq!(d.iter().map(|d| d.code).collect::<Vec<_>>(), ["STR003"]);
        assert!(d[0].message.starts_with(
            "NM1*PR (Payer Name, loop 2010BB) is written after CLM*PAT2001-01, which opens 2300"
        ));
    }

    /// A 2300 segment after the first line's LX (837I, its attending provider left out so
    /// that the HI ends the claim's own segments). The HI is one STR003; the attending left
    /// out is a second defect of its own (STR002 on the CLM: a 2310A is required on a claim
    /// billing more than transportation).
    #[test]
    fn principal_diagnosis_after_the_first_lx() {
        let text = swap(
            &crate::test::edit(I837, "NM1*71", ""),
            "HI*ABK:M810",
            "LX*1",
        );
        let d = run(&text);
        let codes: Vec<_> = d.iter().map(|d| (d.code, d.loc.segment.as_str())).collect();
        assert_eq!(codes, [("STR002", "CLM"), ("STR003", "HI")], "{d:#?}");
        assert!(d[0].message.contains("no 2310A loop"), "{}", d[0].message);
        assert_eq!(
            d[1].message,
            "HI (Principal Diagnosis, 2300) is written after LX*1, which opens 2400; it belongs \
             before it"
        );
        assert_eq!(
            d[1].help.as_deref(),
            Some("move HI up above LX*1, to its place in 2300 (TR3 position 2310)")
        );
    }

    /// 837P's DTP*472 after the next HL (the sample's first subscriber's last line), and after
    /// the next LX, where the next line would take it (its own SV1 then late, its own DTP*472
    /// once too often): the walk reads it as a stray.
    #[test]
    fn service_date_after_the_next_hl_or_lx() {
        let sample = include_str!("../../../../fixtures/samples/clinic-day1.837");
        let text = swap(sample, "DTP*472*D8*20260115", "HL*3*1*22*0");
        let mut want = codes(sample);
        want.push("STR003");
        want.sort_unstable();
        assert_eq!(codes(&text), want, "{text}");
        let d = run(&text);
        let late = d.iter().find(|d| d.code == "STR003").expect("STR003");
        assert!(
            late.message.starts_with(
                "DTP*472 (Date - Service Date, 2400) is written after HL*3, which opens the next \
                 2000B"
            ),
            "{}",
            late.message
        );
        let no_drug = P837
            .replace("LIN**N4*55513071001~\nCTP****1*UN~\n", "")
            .replace("HC:J0897:JZ", "HC:96413")
            .replace("SE*28*", "SE*26*");
        assert!(codes(&no_drug).is_empty(), "{no_drug}");
        one_str003(
            &swap(&no_drug, "DTP*472*D8*20260115", "LX*2"),
            "DTP*472 (Date - Service Date, 2400) is written after LX*2, which opens the next \
             2400; it belongs before it",
            "move DTP*472 up above LX*2, to its place in 2400 (TR3 position 4550)",
        );
    }

    /// What is a defect of its own is still reported: a segment truly missing (STR002), a
    /// second one missing beside the one written late (both), a stray that no occurrence
    /// lacks (STR003 alone, as before), one written late for one occurrence of two that lack
    /// it, and one after an HL whose STR001 displaces it (its STR003 held back: STR002 stays).
    #[test]
    fn other_defects_keep_their_findings() {
        let late = swap(P837, "CTP****1*UN", "LX*2");
        assert_eq!(codes(&crate::test::edit(P837, "CTP*", "")), ["STR002"]);
        let no_ref = crate::test::edit(&late, "REF*EI", "");
        assert_eq!(codes(&no_ref), ["STR002", "STR003"]);
        let stray = P837.replacen("LX*2~\n", "LX*2~\nCTP****1*UN~\n", 1);
        let stray = stray.replace("SE*28*", "SE*29*");
        let d = run(&stray);
        assert_eq!(d.iter().map(|d| d.code).collect::<Vec<_>>(), ["STR003"]);
        assert!(
            d[0].message.starts_with("CTP does not fit"),
            "{}",
            d[0].message
        );
        // Line 2 a drug line too (one unit of J0897), without its CTP: the CTP after LX*2 is
        // line 1's.
        let two = late.replacen(
            "SV1*HC:96372*60*UN*1***1~\nDTP*472*D8*20260115~\n",
            "SV1*HC:J0897:JZ*60*UN*1***1~\nDTP*472*D8*20260115~\nLIN**N4*55513071001~\n",
            1,
        );
        let two = two.replace("SE*28*", "SE*29*");
        assert_eq!(codes(&two), ["STR002", "STR003"], "{two}");
        let broken = swap(P837, "REF*EI*371234567", "HL*2").replace("HL*2*1*22*0", "HL*2*1*20*0");
        assert_eq!(codes(&broken), ["STR001", "STR002"], "{broken}");
    }
}

/// The payers a 2000B SBR01 puts before the destination payer; each claim short of that many
/// 2320 loops is one STR002 on its CLM, and a claim whose 2320 is written is not.
#[test]
fn payers_before_the_destination_need_their_2320() {
    use crate::test::{P837, edit, run};
    assert_eq!(payers_before(b"P"), None);
    assert_eq!(payers_before(b"U"), None);
    assert_eq!(payers_before(b"S"), Some(1));
    assert_eq!(payers_before(b"T"), Some(2));
    assert_eq!(payers_before(b"A"), Some(3));
    assert_eq!(payers_before(b"H"), Some(10));
    assert_eq!(payers_before(b"X"), None);
    let codes = |text: &str| {
        let mut c: Vec<_> = run(text)
            .iter()
            .map(|d| (d.code, d.loc.segment.as_str().to_owned()))
            .collect();
        c.sort_unstable();
        c
    };
    let secondary = edit(P837, "SBR*", "SBR*S*18*******MB");
    assert_eq!(codes(&secondary), [("STR002", "CLM".to_owned())]);
    let with_primary = edit(
        &secondary,
        "HI*",
        "HI*ABK:M810~SBR*P*18*******CI~OI***Y***Y~NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~\
         NM1*PR*2*PAYER A*****PI*PAYERA",
    );
    assert_eq!(codes(&with_primary), []);
    // The 2320's SBR misspelled: that segment's own finding, not also a 2320 missing.
    let misspelled = with_primary.replace("SBR*P*18*******CI", "SRB*P*18*******CI");
    assert!(codes(&misspelled).iter().all(|(c, _)| *c != "STR002"));
    // A typo on a service line is another defect: the 2320 is still missing.
    let typo = secondary.replace("DTP*472*D8*20260115", "DTX*472*D8*20260115");
    assert!(
        codes(&typo).iter().any(|(c, _)| *c == "STR002"),
        "{:?}",
        codes(&typo)
    );
}

/// A 2320's SBR written twice in a row: one STR002 on the first copy naming what its bare 2320
/// lacks, whose help (delete a copy) gives a clean file; not one STR002 per child. A copy whose
/// own 2320 lacks its OI keeps that finding too. Two different SBRs in a row are two 2320s,
/// the first truly bare: its findings stay as they are.
#[test]
fn a_2320_sbr_written_twice_is_one_finding() {
    use crate::test::{P837, edit, run};
    let other = "SBR*P*18*******CI~OI***Y***Y~NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~\
                 NM1*PR*2*PAYER A*****PI*PAYERA";
    let with = |cob: &str| {
        let secondary = edit(P837, "SBR*", "SBR*S*18*******MB");
        edit(&secondary, "HI*", &format!("HI*ABK:M810~{cob}"))
    };
    assert!(run(&with(other)).is_empty(), "the sound 2320");
    let twice = run(&with(&format!("SBR*P*18*******CI~{other}")));
    assert_eq!(twice.len(), 1, "{twice:#?}");
    assert_eq!(
        twice[0].message,
        "`SBR*P*18*******CI` is written twice in a row: the first copy opens a 2320 (Other \
         Subscriber Information) of nothing but its SBR, which lacks the OI, 2330A and 2330B \
         the guide requires there"
    );
    assert_eq!(
        twice[0].help.as_deref(),
        Some("delete one of the two copies of `SBR*P*18*******CI`")
    );
    let no_oi = other.replace("OI***Y***Y~", "");
    let codes: Vec<_> = run(&with(&format!("SBR*P*18*******CI~{no_oi}")))
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, ["STR002"; 4], "a copy that lacks its OI too");
    let differ = run(&with(&format!("SBR*P*18*******MB~{other}")));
    assert_eq!(differ.len(), 3, "{differ:#?}");
}

/// A set with nothing between ST and SE (hunt C6): one STR002 naming all its header lacks,
/// coded in the 999 as its BHT missing; SE01 counting other segments is ENV003's own finding.
/// A set with any segment of its own reports what it lacks one by one.
#[test]
fn an_empty_set_is_one_finding() {
    use crate::test::{P837, codes, run};
    let (st, se) = (P837.find("ST*").unwrap(), P837.find("GE*").unwrap());
    let empty = format!(
        "{}ST*837*0001*005010X222A1~SE*2*0001~{}",
        &P837[..st],
        &P837[se..]
    );
    let found = run(&empty);
    assert_eq!(codes(&empty), ["STR002"], "{found:#?}");
    assert_eq!(
        found[0].message,
        "the transaction set has no content: nothing stands between its ST and its SE, so \
         segment BHT (Beginning of Hierarchical Transaction), loop 1000A (Submitter Name), \
         loop 1000B (Receiver Name) and loop 2000A (Billing Provider Hierarchical Level) are \
         missing"
    );
    assert_eq!(
        found[0].ack,
        Some(Ack999::Missing {
            segment: "BHT",
            in_loop: "ST"
        })
    );
    let miscounted = empty.replace("SE*2*0001", "SE*38*0001");
    assert_eq!(codes(&miscounted), ["ENV003", "STR002"]);
    let bht = &P837[P837.find("BHT*").unwrap()..P837.find("NM1*41").unwrap()];
    let header = empty.replace("SE*2*0001", &format!("{bht}SE*3*0001"));
    assert_eq!(codes(&header), ["STR002", "STR002", "STR002"]);
}
