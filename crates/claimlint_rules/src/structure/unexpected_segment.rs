use super::required_segment_missing::{WrittenAfter, all_written_after};
use crate::balancing::cob_payment_mismatch::{stray_adjustment, svd_left_out};
use crate::syntax::{loop_name, report_at, unknown_segment::is_known};
use crate::{Ctx, declare_rule};
use claimlint_diagnostic::{Ack999, Diagnostic};
use claimlint_ig::{ElementIssue, Placement, StructureIssue};
use claimlint_model::{Indexed, Kind, Transaction};
use claimlint_x12::envelope::{IssueKind, ScanIssue};

declare_rule! {
    /// ## What it does
    /// Reports a segment that is not allowed where it stands: a segment that fits no place of
    /// the guide's loop tree at this point (wrong loop, not used in this guide, such as the
    /// 4010 2320 DMG), one that comes after segments the guide puts after it (TR3 section
    /// 2.3: segments of a loop follow the order of the segment table), a segment between
    /// envelopes but outside any transaction set, or a service segment of the other guide
    /// (SV1 in an 837I, SV2 in an 837P; the file says one guide and is written in another).
    /// When every service line of a set is the other guide's, the set is read with the guide
    /// it is written in and the label is one error, on ST03; what that reading finds is
    /// reported as usual. When GS08 names the guide the lines are written in, ST03 alone is
    /// wrong: ENV005's "ST03 differs from GS08" is the one finding and this one is suppressed,
    /// counted (not with ENV005 ignored or lowered below its default severity). Segments no 837 defines at all are SYN001's. After a misplaced segment the walk
    /// resumes at the next segment that fits, so one stray segment is one diagnostic. A
    /// required segment written just after the opener of the loop that follows the one it
    /// belongs to (`LIN**N4*55513071001~LX*2~CTP****1*UN`: the 2410's CTP after the next
    /// line's LX) is one finding, naming where it belongs; STR002 does not also report that
    /// 2410 without its CTP. A 2310 provider loop written after the claim's 2320 loops (other
    /// subscriber), which the guide reads as the 2330 loop of the same qualifier (`NM1*82`
    /// with a name and NPI after the other payer's NM1: 2330D, which uses neither), is one
    /// finding on its NM1, not one for each value 2330D does not use and its missing REF. A
    /// required segment or loop opener written farther from its place (`NM1*85` below the
    /// subscriber's `HL*2`), which the guide finds missing there, is one finding on it, naming
    /// it with its qualifier and name and the segments its place is between; the STR002 where
    /// it is missing is suppressed, counted. Only when it is exactly what is missing there
    /// (id and qualifier), the only such segment, in the same claim and line, and nothing
    /// else missing fits it: a segment truly missing beside a stray of another kind keeps
    /// both. The same when the guide reads the moved segment where it stands as another
    /// definition (a line's `DTP*472` moved up into 2300, read as a claim date whose qualifier
    /// 2300 does not take; a 2430's `DTP*573` after the previous line's own, one repeat too
    /// many): one STR003 on it, not also SYN008 on its qualifier or STR004, only when it
    /// reads clean as the segment missing and nothing else in its claim is out of place. The
    /// help for a segment that fits nowhere names the loops its qualifier goes in
    /// (`NM1*87`: 2010AB), not every loop with its id. A loop's opener written past two or
    /// more segments of its own loop (`CLM` below its `HI` and `LX*1`, the subscriber's
    /// `NM1*IL` below the payer's `NM1*PR`, a 2320 `SBR` below its `NM1*IL`, `HL*3` below its
    /// `NM1*QC`, a 2310B `NM1*82` above its `CLM`) is one finding on the opener whose help
    /// moves it back, when the set walked again with the move made has no structure finding
    /// from there on and the claim keeps its principal diagnosis, attending and subscriber
    /// details; what the move mends (segments out of place, the loop's children missing, the
    /// opener's loop repeated, SIT002) is suppressed, counted. An HL written two to five
    /// segments from its place (`HL*1` above the header's `PER*IC` and `NM1*40`, or below its
    /// own `NM1*85` and `N3`; `HL*2` below the subscriber's `SBR`, `NM1*IL` and `N3`) is one
    /// finding on the HL whose help moves it back, not an STR003 for each segment it passed:
    /// only when exactly one place near it makes the set walked again read clean there, and
    /// the walk found nothing else wrong in that part of the set (the header, or one
    /// subscriber's loops); otherwise the findings stand. A segment of a loop written with
    /// the id of another 837 segment one letter off, right where its own belongs
    /// (`N4*100 MAIN ST` before the loop's own N4, where the N3 goes), is one finding on it
    /// naming the id to write, not an STR002 for the N3, an STR004 for the N4 read twice and
    /// SYN007 for its empty N402 and N403: only when it reads clean as that segment and the
    /// set walked again with its id put right finds nothing new and no longer the gap.
    /// A service line's `LX`, a drug loop's
    /// `LIN` or a 2430's `SVD` written on the wrong side of a line boundary (`LX*1` below
    /// its line's `SV1`, `DTP` and `LIN`; `LX*2` above line 1's `LIN` and `CTP`; a `LIN`
    /// below `LX*2`) is one finding on it, saying to move it back right before the segment
    /// named, not an STR002 and STR003 for each segment of the lines read wrong around it
    /// (nor the NDC001 of the line it cut the `LIN` from): only when putting it back is the
    /// one such move that makes the claim read clean, with no drug line left without its
    /// NDC in between; a claim with a defect of its own keeps its findings. A segment of a
    /// set written outside it, right after its SE or right before its ST (`DTP*472` after
    /// SE), is one finding on it, the set's, naming the line and segment it goes before: when
    /// it is exactly the one segment the set lacks there and its elements and date read
    /// right, or (after SE) when SE01 counts it and the set reads clean with it put back; the
    /// STR002 of its gap and the ENV003 of SE01 are suppressed, counted (the 999 still says
    /// SE01 is not the count of the set as written), and nothing else. Its content is not
    /// checked there (a CTP04 of 0, a date in the future): move it and check again. One
    /// written between two sets that both lack it, one whose elements or date are wrong, a
    /// copy of a segment the set has with its id written wrong (`BHT0019`), or one of more
    /// than 48 beside a set stays outside any set, beside the set's own findings.
    /// ## Why it matters
    /// A receiver reads the claim by the guide in GS08/ST03; a segment that guide does not
    /// expect at that point is a syntax error (999 IK3 code 2 or 8) and rejects the claim.
    /// ## Example
    /// `ST*837*0001*005010X223A2~ ... LX*1~SV1*HC:99213*120*UN*1***1~`
    /// ## Fix
    /// Name the guide the claim is written in (`005010X222A1` for SV1 lines), or write the
    /// lines as SV2 with a revenue code for an institutional claim.
    code: STR003, name: "unexpected-segment", severity: Error, snip: 2,
    // A set labelled with the other guide is coded on ST03 (`relabelled`).
    x999: PerFindingElse(Segment("2")),
    check: Transaction(unexpected_segment),
}

/// A segment between envelopes, outside any transaction set, as the envelope scan found it
/// (`rules::envelope::owner`). A BHT right before an ST is that set's header segment written
/// one segment early (ST and BHT swapped): said so, in the set, naming the place it is
/// missing from (`site`, position 2: right after ST), so that the set's "BHT missing"
/// (`tie_early_bht`) follows from it.
pub(crate) fn report_outside(issue: &ScanIssue<'_>, cx: &mut Ctx<'_>) {
    let IssueKind::OutsideTransaction { id, before_st } = issue.kind else {
        return;
    };
    let id = String::from_utf8_lossy(id);
    let Some((st_at, st02)) = before_st else {
        cx.report(
            issue.loc,
            format!("{id} is outside any transaction set (between envelope segments)"),
        );
        return;
    };
    let st = issue.loc.position + 1;
    let d = cx.report(
        issue.loc,
        format!(
            "{id} (Beginning of Hierarchical Transaction) is written before ST (segment {st}), \
             outside the transaction set: it belongs right after ST, as the first segment of \
             the set's header"
        ),
    );
    d.help = Some(format!("move {id} down to just after ST (segment {st})"));
    d.context.set_at = Some(st_at);
    d.context.transaction = Some(String::from_utf8_lossy(st02).into_owned());
    d.site = Some(2);
    // The set as received has no BHT after its ST: the 999 codes this finding as that
    // missing BHT (at its site), as it would the STR002 this one stands for.
    d.ack = Some(Ack999::Missing {
        segment: "BHT",
        in_loop: "HEADER",
    });
}

/// The finding of a transaction set whose BHT is written right before its ST
/// (`TxFrame::early_bht`) that follows from that: the "BHT missing" STR002 names the BHT as
/// its site, so the BHT's STR003 (`report_outside`) suppresses it (`suppress::PRECEDENCE`,
/// `Scope::Site`). Any other missing segment stays a finding. (SE01 counts the BHT as the
/// set's: `envelope::counts`.)
pub(crate) fn tie_early_bht(
    frame: &claimlint_x12::envelope::TxFrame<'_>,
    found: &mut [Diagnostic],
) {
    let Some(bht) = frame.early_bht else {
        return;
    };
    for d in found {
        let tied = d.code == "STR002"
            && matches!(d.ack, Some(Ack999::Missing { segment: "BHT", .. }))
            && d.context.set_at == Some(frame.st.offset);
        if tied {
            d.site = Some(bht.position);
        }
    }
}

fn unexpected_segment(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    let (wrong, right) = match tx.kind {
        Kind::Professional => (Indexed::Sv2, "SV1"),
        Kind::Institutional => (Indexed::Sv1, "SV2"),
    };
    relabelled(tx, cx);
    for (_, seg) in tx.segments_of(wrong) {
        cx.report(
            seg.loc(),
            format!(
                "{} in a {} ({}) transaction set; its service lines are {right}",
                String::from_utf8_lossy(wrong.id()),
                tx.kind.short(),
                tx.kind.guide()
            ),
        )
        .help(if tx.kind == Kind::Institutional {
            "this looks like a professional claim: name 005010X222A1 in GS08 and ST03"
        } else {
            "this looks like an institutional claim: name 005010X223A2 in GS08 and ST03"
        });
    }
    let taken = relocated(tx, cx);
    hl_moves(tx, cx, &taken);
    let mut covered = provider_after_other_payers(tx, cx);
    // A line's boundary segment moved across a line boundary: its one finding, here.
    let data = cx.data();
    let mut lines =
        super::line_moved::all_line_moves(tx, |m| super::line_moved::drug_safe(tx, data, m));
    // A line's own segment (SV1, DTP*472) the pairing of strays with gaps words already
    // ("belongs in loop 2400, after SV1"): its finding stands.
    if lines.iter().any(|m| super::line_moved::is_own(tx, m)) {
        let paired = strays_sorted(&super::moved::of_set(tx, cx));
        let paired = |k: usize| paired.binary_search(&k).is_ok();
        lines.retain(|m| !(super::line_moved::is_own(tx, m) && paired(m.stray)));
    }
    for m in &lines {
        report_line_move(tx, cx, m);
        covered.push(m.stray);
    }
    // Searched once per stray: sorted, so a set with thousands of moves stays linear.
    covered.sort_unstable();
    // The set's moved segments, found once for both kinds of stray (unplaced, misread).
    let mut moved = None;
    out_of_place(tx, cx, wrong.id(), &covered, &mut moved);
    let moved = moved.unwrap_or_else(|| super::moved::of_set(tx, cx).into_owned());
    super::moved::report_misread(tx, cx, &moved);
    let mistyped = super::mistyped::of_set(tx, cx);
    super::mistyped::report_mistyped(tx, cx, &mistyped);
}

/// Where the moved segments `moved` stand, sorted: searched once per line move or relocated
/// opener, so a set with thousands of each stays linear.
fn strays_sorted(moved: &[super::moved::Moved]) -> Vec<usize> {
    let mut strays: Vec<usize> = moved.iter().map(|m| m.stray).collect();
    strays.sort_unstable();
    strays
}

/// One finding for each loop opener written out of its place, past segments of its own loop
/// ([`super::relocated::all_relocated`]): on the opener, its help the move that mends the
/// set; it covers what the move mends (`suppress::Scope::Relocated`) and names as its site
/// the segment it belongs before. Returns the spans of the moves reported.
fn relocated(tx: &Transaction<'_>, cx: &mut Ctx<'_>) -> Vec<(usize, usize)> {
    let found = super::relocated::all_relocated(tx);
    if found.is_empty() {
        return Vec::new();
    }
    let mut taken = Vec::new();
    // An opener paired with the place it is missing from (`NM1*85` below `HL*2`) is one
    // finding already ([`super::moved`]).
    let paired = strays_sorted(&super::moved::of_set(tx, cx));
    for r in found
        .iter()
        .filter(|r| paired.binary_search(&r.opener).is_err())
    {
        let (Some(seg), Some(at)) = (tx.segments.get(r.opener), tx.segments.get(r.before)) else {
            continue;
        };
        let (msg, help) = relocated_text(tx, r);
        let last = tx
            .segments
            .get(r.span.1)
            .map_or(at.position, |s| s.position);
        let first = tx
            .segments
            .get(r.span.0)
            .map_or(at.position, |s| s.position);
        let d = report_at(cx, r.opener, seg.loc(), msg).help(help);
        d.site = Some(at.position);
        d.covers = Some((first, last.saturating_add(1)));
        taken.push(r.span);
    }
    taken
}

/// One finding for each HL written a few segments from its place
/// ([`super::hl_moved::all_hl_moves`]) whose span meets no opener's move (`taken`): on the
/// HL, its help the move that mends the set; it covers what the move mends
/// (`suppress::Scope::Relocated`) and names as its site the segment it belongs before. Not an
/// HL above a whole loop that belongs before it, which [`opener_came_early`] words on that
/// loop's opener already; nothing in a set whose HLs are broken (STR001).
fn hl_moves(tx: &Transaction<'_>, cx: &mut Ctx<'_>, taken: &[(usize, usize)]) {
    let found = super::hl_moved::all_hl_moves(tx, taken);
    // With the HLs themselves broken (STR001) a move among them is no sure reading.
    if found.is_empty() || !super::hl_invalid::findings_aside(tx, cx).is_empty() {
        return;
    }
    let late = all_written_after(tx);
    let whole_loop =
        |hl: usize| (late.iter()).any(|l| l.opener == hl && opener_came_early(tx, l).is_some());
    for m in found.iter().filter(|m| !whole_loop(m.hl)) {
        let (Some(seg), Some(at), Some((msg, help))) = (
            tx.segments.get(m.hl),
            tx.segments.get(m.before),
            super::hl_moved::describe(tx, m),
        ) else {
            continue;
        };
        let pos = |k: usize| tx.segments.get(k).map_or(at.position, |s| s.position);
        let (first, last) = (pos(m.span.0), pos(m.span.1));
        let d = report_at(cx, m.hl, seg.loc(), msg).help(help);
        d.site = Some(at.position);
        d.covers = Some((first, last.saturating_add(1)));
    }
}

/// A segment as far as the definition loop `l` takes it with tells it (`NM1*IL`, `HL*3`,
/// `PRV`): its id and its qualifier.
fn named_in(l: &claimlint_ig::LoopDef, seg: &claimlint_x12::Segment<'_>) -> String {
    let def = l.segments(seg.id()).find(|d| d.matches(seg));
    let q = def.and_then(|d| d.qualifier.filter(|q| q.comp == 0));
    let upto = if seg.is(b"HL") {
        1
    } else {
        q.map_or(0, |q| usize::from(q.elem))
    };
    super::head(seg, upto).trim_end_matches('*').to_string()
}

/// The message and help for an opener written out of its place ([`relocated`]).
fn relocated_text(tx: &Transaction<'_>, r: &super::relocated::Relocated) -> (String, String) {
    let l = r.loop_def;
    let seg = |k: usize| tx.segments.get(k);
    let pos = |k: usize| seg(k).map_or(0, |s| s.position);
    let opener = seg(r.opener).map_or(String::new(), |s| named_in(l, s));
    let at = seg(r.before).map_or(String::new(), |s| named_in(l, s));
    let what = format!("{opener} ({}, loop {})", l.name, l.id);
    if r.came_late() {
        (
            format!(
                "{what} is written below segments of the loop it opens, from {at} (segment \
                 {}): {opener} came late, and they stand where nothing opens their loop",
                pos(r.before)
            ),
            format!("move {opener} up above {at} (segment {})", pos(r.before)),
        )
    } else {
        let next = seg(r.opener + 1).map_or(String::new(), |s| {
            String::from_utf8_lossy(s.id()).into_owned()
        });
        (
            format!(
                "{what} is written above {next} (segment {}), before its loop's place: \
                 {opener} came early, and its loop's {at} (segment {}) stands where nothing \
                 opens it",
                pos(r.opener + 1),
                pos(r.before)
            ),
            format!(
                "move {opener} down to just before {at} (segment {})",
                pos(r.before)
            ),
        )
    }
}

/// The one finding for a line's boundary segment moved across a line boundary
/// ([`super::line_moved`]), on it; it covers what the walk found wrong because of it
/// (`suppress::PRECEDENCE`, `Scope::Covered`).
fn report_line_move(tx: &Transaction<'_>, cx: &mut Ctx<'_>, m: &super::line_moved::LineMove) {
    let (Some(seg), Some((msg, help))) =
        (tx.segments.get(m.stray), super::line_moved::describe(tx, m))
    else {
        return;
    };
    // Reported in the line it goes before: the line it belongs to or opens.
    let d = report_at(cx, m.before, seg.loc(), msg).help(help);
    // The segment the move was found missing from: a LIN's NDC005 (no CTP) on it is the
    // move's, read where it stood (`Scope::Stray`).
    d.site = tx.segments.get(m.before).map(|s| s.position);
    d.covers = Some(m.covers);
}

/// A 2310 provider loop (rendering, referring, attending...) written after the claim's 2320
/// loops (other subscriber): the guide reads its NM1 as the 2330 loop with the same
/// qualifier (`NM1*82` after a 2320 is 2330D, Other Payer Rendering Provider), which carries
/// no name or identifier, so a receiver reports each of its values Not Used (SYN004), the
/// 2330 loop's required REF missing (STR002) and the loop's other segments (PRV) out of place.
/// The defect is the order: one finding on the NM1, covering what the 2330 loop finds wrong
/// with it; the segments after it that only the 2310 loop holds (its PRV) are not also out of
/// place. Only when the NM1 has values the 2330 loop does not use, reads clean as the 2310
/// loop's, and the claim has no such 2310 loop before it. Returns the segments so covered.
fn provider_after_other_payers(tx: &Transaction<'_>, cx: &mut Ctx<'_>) -> Vec<usize> {
    let ig = tx.ig();
    let mut covered = Vec::new();
    let mut not_used: Vec<usize> = (ig.elements.iter())
        .filter(|(_, e)| matches!(e, ElementIssue::NotUsed { .. }))
        .filter_map(|(i, _)| usize::try_from(*i).ok())
        .collect();
    not_used.dedup();
    for at in not_used {
        let (
            Some(seg),
            Some(Placement::Placed {
                loop_def, segment, ..
            }),
        ) = (tx.segments.get(at), ig.placement(at))
        else {
            continue;
        };
        let Some(meant) = provider_loop(ig.guide, loop_def, segment, seg) else {
            continue;
        };
        // A claim that has its 2310 loop already: the 2330 NM1 is the claim's own, written
        // with values it does not use (SYN004 each), not a second 2310 loop to move up.
        let in_loop = |k: usize| ig.loop_id(k);
        let claim_has_it = (0..at)
            .rev()
            .take_while(|&k| tx.segments.get(k).is_some_and(|s| !s.is(b"CLM")))
            .any(|k| in_loop(k) == Some(meant.id));
        if claim_has_it {
            continue;
        }
        // The loop as written: what the guide placed in the 2330 loop, and what it could not
        // place that the 2310 loop holds (its PRV).
        let end = (at + 1..tx.segments.len())
            .find(|&k| match ig.placement(k) {
                Some(Placement::Placed { loop_def: l, .. }) => l.path != loop_def.path,
                _ => tx
                    .segments
                    .get(k)
                    .is_none_or(|s| meant.segments(s.id()).next().is_none()),
            })
            .unwrap_or(tx.segments.len());
        covered.extend(at + 1..end);
        let shown = format!(
            "NM1*{}",
            String::from_utf8_lossy(seg.value(1)).trim_ascii_end()
        );
        let msg = format!(
            "{shown} ({}, loop {}) is written after the claim's 2320 loop (other subscriber): there the guide reads it as {} ({}), which carries no name or identifier",
            meant.name, meant.id, loop_def.id, loop_def.name
        );
        let help = format!(
            "move the {} loop ({shown} and the segments after it) up, before the claim's first 2320 (SBR)",
            meant.id
        );
        // The NM1 and the 2310 segments right after it the guide could not place (its PRV):
        // what the 2330 loop finds wrong with the NM1, and the REF it lacks (STR002, on the
        // last of them). A segment placed in the 2330 loop is judged there as written.
        let unplaced = (at + 1..end).take_while(|&k| !ig.is_placed(k)).count();
        let d = report_at(cx, at, seg.loc(), msg).help(help);
        let past = u32::try_from(unplaced + 1).unwrap_or(1);
        d.covers = Some((seg.position, seg.position.saturating_add(past)));
    }
    covered
}

/// The 2310 loop of the claim a 2330 loop's opener `seg` was meant for: the claim loop's
/// child whose opener has the same qualifier and reads `seg` without a finding on its values.
fn provider_loop(
    guide: &'static claimlint_ig::GuideDef,
    placed: &'static claimlint_ig::LoopDef,
    opener: &'static claimlint_ig::SegmentDef,
    seg: &claimlint_x12::Segment<'_>,
) -> Option<&'static claimlint_ig::LoopDef> {
    let in_2320 = placed.path.iter().position(|&l| l == "2320")?;
    if !placed.starter().is_some_and(|s| std::ptr::eq(s, opener)) {
        return None;
    }
    let claim = guide.loop_at(placed.path.get(..in_2320)?)?;
    claim.children.iter().find_map(|n| match n {
        claimlint_ig::Node::Loop(l) if l.id.starts_with("2310") => {
            let def = l.starter().filter(|d| d.matches(seg))?;
            let mut found = Vec::new();
            claimlint_ig::validate_segment(def, seg, &mut found);
            found.is_empty().then_some(*l)
        }
        _ => None,
    })
}

/// A set GS08/ST03 label with one guide whose service lines are all the other's: it is read
/// with the guide it is written in (`claimlint_model::written_as`), and the label is this one
/// error, on ST03, in place of one for each of its lines and for each element and segment the
/// declared guide's tables do not expect. On ST03 because the label is the set's, not a line's:
/// the 999 rejects the set with ST03's value as the invalid code (IK4 7), and the gate returns
/// every claim under the label, not the first line's claim alone.
///
/// Reported also when GS08 names the guide the lines are written in (ST03 alone is wrong):
/// then ENV005's "ST03 differs from GS08", saying what the lines are
/// ([`crate::envelope::unsupported_transaction::st03_alone`]), is the one finding and the
/// precedence suppresses this one (counted), but only while that ENV005 is reported at its
/// default severity: with ENV005 ignored or lowered, this error stands.
fn relabelled(tx: &Transaction<'_>, cx: &mut Ctx<'_>) {
    if tx.kind == tx.declared {
        return;
    }
    let Some(st) = tx.segments.first() else {
        return;
    };
    let d = cx.report(
        st.element_loc(3),
        format!(
            "ST03 names {} ({}), but {}: it is written as an {} and was checked as one ({})",
            tx.declared.guide(),
            tx.declared.short(),
            lines_written_as(tx),
            tx.kind.short(),
            tx.kind.guide(),
        ),
    );
    d.ack = Some(Ack999::Element("7"));
    d.help = Some(format!(
        "name {} in GS08 and ST03, or write the lines as {}",
        tx.kind.guide(),
        match tx.declared {
            Kind::Professional => "SV1 (837P)",
            Kind::Institutional => "SV2 with a revenue code (837I)",
        }
    ));
}

/// What a set read with the other guide than it declares is written as: `all 3 service lines
/// of the set are SV1` (the service segment of `tx.kind`).
pub(crate) fn lines_written_as(tx: &Transaction<'_>) -> String {
    let service = match tx.kind {
        Kind::Professional => Indexed::Sv1,
        Kind::Institutional => Indexed::Sv2,
    };
    let lines = tx.by_id.of(service).len();
    let which = match lines {
        1 => "the service line".to_string(),
        2 => "both service lines".to_string(),
        n => format!("all {n} service lines"),
    };
    let verb = if lines == 1 { "is" } else { "are" };
    format!(
        "{which} of the set {verb} {}",
        String::from_utf8_lossy(service.id())
    )
}

/// The positions of a list of segments written out of place, sorted by the segment each
/// stands at (then by position): the first with a given segment is found by a binary
/// search, as a scan from the start would find it, where a scan per unexpected segment would
/// cost the product of their counts (a set of thousands of lines each with its LX moved).
struct ByStray(Vec<(usize, usize)>);

impl ByStray {
    fn new(strays: impl Iterator<Item = usize>) -> ByStray {
        let mut by: Vec<(usize, usize)> = strays.enumerate().map(|(n, k)| (k, n)).collect();
        by.sort_unstable();
        ByStray(by)
    }

    /// The position of the first whose segment is `at`.
    fn first(&self, at: usize) -> Option<usize> {
        let from = self.0.partition_point(|&(k, _)| k < at);
        self.0.get(from).filter(|&&(k, _)| k == at).map(|&(_, n)| n)
    }
}

/// The first segment of the set written late ([`all_written_after`], found once) that stands
/// at `at`.
fn first_late(
    late: &mut Option<(Vec<WrittenAfter>, ByStray)>,
    tx: &Transaction<'_>,
    at: usize,
) -> Option<WrittenAfter> {
    let (all, by) = late.get_or_insert_with(|| {
        let all = all_written_after(tx);
        let by = ByStray::new(all.iter().map(|l| l.stray));
        (all, by)
    });
    all.get(by.first(at)?).copied()
}

/// The first of the set's moved segments ([`super::moved::all_moved`], found once) that
/// stands at `at`.
fn first_moved<'m>(
    (moved, by): (
        &'m mut Option<Vec<super::moved::Moved>>,
        &mut Option<ByStray>,
    ),
    tx: &Transaction<'_>,
    cx: &Ctx<'_>,
    at: usize,
) -> Option<&'m super::moved::Moved> {
    let all = moved.get_or_insert_with(|| super::moved::of_set(tx, cx).into_owned());
    let by = by.get_or_insert_with(|| ByStray::new(all.iter().map(|m| m.stray)));
    all.get(by.first(at)?)
}

/// The walker's findings: segments that fit nowhere here, and segments out of order, less the
/// `covered` ones (sorted) another finding names. The set's moved segments
/// ([`super::moved::all_moved`]) are found into `moved` when first needed.
fn out_of_place(
    tx: &Transaction<'_>,
    cx: &mut Ctx<'_>,
    wrong: &[u8],
    covered: &[usize],
    moved: &mut Option<Vec<super::moved::Moved>>,
) {
    let ig = tx.ig();
    let mut late: Option<(Vec<WrittenAfter>, ByStray)> = None;
    let mut moved_by: Option<ByStray> = None;
    let opened = OpenedAfterStray::of(tx);
    // The rest of a loop whose opener was written late because the opener of the loop after
    // it came early ([`opener_came_early`]): that one finding, on the opener written late.
    let mut rest: Vec<usize> = Vec::new();
    for issue in &ig.structure {
        let StructureIssue::Unexpected { at } = *issue else {
            continue;
        };
        let Some(seg) = tx.segments.get(at) else {
            continue;
        };
        if covered.binary_search(&at).is_ok() || rest.contains(&at) {
            continue;
        }
        let id = seg.id();
        // Reported above (other guide's service segment) or by SYN001 (unknown id).
        if id == wrong || !is_known(id) {
            continue;
        }
        let mut site = None;
        let mut covers = None;
        // The segment whose claim and line the finding is reported in.
        let mut context = at;
        // Where the walk stood: the loop of the nearest earlier segment that fit.
        let prev = (0..at).rev().find(|&k| ig.is_placed(k));
        let here = prev.map_or("header", |k| loop_name(tx, k));
        let (msg, help) = match ig.placement(at).and_then(Placement::segment) {
            // Out of order in a loop next to the one that lacks it: written in the wrong place.
            Some(def) => match moved_text(tx, cx, (moved, &mut moved_by), at) {
                Some((text, place)) => {
                    site = place;
                    text
                }
                None => out_of_order(tx, at, def),
            },
            None if let Some(late) = first_late(&mut late, tx, at) => {
                match opener_came_early(tx, &late) {
                    Some(run) => {
                        rest.extend(run.clone());
                        came_early(tx, &late, run)
                    }
                    None => written_late(tx, &late),
                }
            }
            // Written in the wrong place: missing where it belongs (STR002 there follows).
            None if let Some((text, place)) = moved_text(tx, cx, (moved, &mut moved_by), at) => {
                site = place;
                text
            }
            // A line's DTP*573 whose SVD was left out: its payer's balance lacks that payment.
            None if let Some((msg, help, amt)) = svd_left_out(tx, at) => {
                covers = Some(amt);
                (msg, help)
            }
            // A payer's claim-level CAS written after its name: the 2320 it belongs in.
            None if let Some((amt, payer, true)) = stray_adjustment(tx, at) => {
                covers = Some(amt);
                adjustment_after_payer(tx, seg, here, amt, &payer)
            }
            None => fits_nowhere(tx, (at, seg), (here, &opened), &mut context),
        };
        // A payer's claim-level CAS written before its SBR: its balance lacks it too.
        if covers.is_none() && seg.is(b"CAS") {
            covers = stray_adjustment(tx, at).map(|(amt, ..)| amt);
        }
        let d = report_at(cx, context, seg.loc(), msg).help(help);
        d.site = site.take();
        d.covers = covered_amount(tx, covers.take());
    }
}

/// The message and help of the one finding for segment `at` when it is one of the set's
/// moved segments ([`super::moved::all_moved`], found into `moved` when first needed), with
/// the position of the place it was found missing from (the STR002 there names `at`).
fn moved_text(
    tx: &Transaction<'_>,
    cx: &Ctx<'_>,
    found: (&mut Option<Vec<super::moved::Moved>>, &mut Option<ByStray>),
    at: usize,
) -> Option<((String, String), Option<u32>)> {
    let m = first_moved(found, tx, cx, at)?;
    let text = super::moved::describe(tx, m)?;
    Some((text, tx.segments.get(m.want.site).map(|s| s.position)))
}

/// The message and help for a claim-level CAS of payer `payer` written after the payer's name
/// (in 2330A or 2330B, after the loop `here`), whose amounts balance that payer's AMT*D
/// (segment index `amt`) once counted in its 2320.
fn adjustment_after_payer(
    tx: &Transaction<'_>,
    seg: &claimlint_x12::Segment<'_>,
    here: &str,
    amt: usize,
    payer: &str,
) -> (String, String) {
    let shown = super::head(seg, 1);
    let amt = tx.segments.get(amt).map_or(0, |s| s.position);
    (
        format!(
            "{shown} (Claim Level Adjustments) of payer {payer} is written after {here}; the \
             guide puts it in that payer's 2320, before its AMT*D"
        ),
        format!(
            "move {shown} up into the 2320, right before its AMT*D (segment {amt}): counted \
             there, payer {payer}'s amounts balance"
        ),
    )
}

/// The range a finding on a line's DTP*573 whose SVD was left out covers: the AMT*D (segment
/// index `amt`) whose BAL002 follows from the payment missing (suppress::PRECEDENCE).
pub(crate) fn covered_amount(tx: &Transaction<'_>, amt: Option<usize>) -> Option<(u32, u32)> {
    let position = tx.segments.get(amt?)?.position;
    Some((position, position.saturating_add(1)))
}

/// The message and help for segment `at`, which the walk placed as `def` but out of order in
/// its loop: written before segments the guide puts before it (`DMG` before `N3`, `N4`), or
/// after segments the guide puts after it.
fn out_of_order(
    tx: &Transaction<'_>,
    at: usize,
    def: &claimlint_ig::SegmentDef,
) -> (String, String) {
    let ig = tx.ig();
    let shown = tx.segments.get(at).map_or(String::new(), |s| {
        String::from_utf8_lossy(s.id()).into_owned()
    });
    let early = claimlint_ig::belongs_after(&ig.placements, at)
        .and_then(|k| Some((k, tx.segments.get(k)?)));
    if let Some((k, after)) = early {
        let after = String::from_utf8_lossy(after.id());
        return (
            format!(
                "{shown} is out of order in {}: the guide puts it after the {after} that \
                 follows it here (segment {})",
                loop_name(tx, at),
                k + 1
            ),
            format!(
                "move {shown} down below {after}, to its place in the segment order (TR3 \
                 position {})",
                def.pos
            ),
        );
    }
    (
        format!(
            "{shown} is out of order in {}: the guide puts it before the segments that precede it here",
            loop_name(tx, at)
        ),
        format!(
            "move {shown} up to its place in the segment order (TR3 position {})",
            def.pos
        ),
    )
}

/// The message and help for segment `seg` (index `at`), which fits no place of the loop
/// structure after the loop `here`: the loop it belongs in, when the opener of that loop
/// follows it ([`written_early`]: then `context` becomes the opener's index, whose claim the
/// segment is); what it stood in for; or the loops its qualifier goes in.
fn fits_nowhere(
    tx: &Transaction<'_>,
    (at, seg): (usize, &claimlint_x12::Segment<'_>),
    (here, opened): (&str, &OpenedAfterStray),
    context: &mut usize,
) -> (String, String) {
    if let Some((opener, text)) = written_early(tx, at, seg) {
        *context = opener;
        return text;
    }
    let shown = String::from_utf8_lossy(seg.id());
    let (homes, named) = loops_with(tx.ig().guide, seg);
    let help = if let Some(help) = stood_in_for_opener(tx, (at, seg.id()), opened) {
        help
    } else if homes.is_empty() {
        format!("{shown} is not used in {}; remove it", tx.kind.guide())
    } else {
        format!(
            "the guide places {named} in loop {}; move it there or remove it",
            homes.join(", ")
        )
    };
    (
        format!(
            "{shown} does not fit the {} loop structure here (after {here})",
            tx.kind.short()
        ),
        help,
    )
}

/// A segment written right before the opener of the loop it belongs in (`HI` before the
/// `CLM` that opens its 2300, the two swapped): by its id and qualifier a segment of that
/// loop itself, not of a loop under it. The opener's index, and the message and help: where
/// it belongs and how to move it there. Its finding is then the claim's, so that what the
/// claim lacks for it (SIT002: no HI) is tied to it.
fn written_early(
    tx: &Transaction<'_>,
    at: usize,
    seg: &claimlint_x12::Segment<'_>,
) -> Option<(usize, (String, String))> {
    let ig = tx.ig();
    let opener = at + 1;
    let Some(Placement::Placed {
        loop_def, segment, ..
    }) = ig.placement(opener).copied()
    else {
        return None;
    };
    // The opener is its loop's first child, and the stray is one of the loop's own segments.
    let def = loop_def.segments(seg.id()).find(|d| d.matches(seg))?;
    if !is_opener(loop_def, segment)
        || std::ptr::eq(def, segment)
        || !surely_the_next(tx, at, loop_def, def)
    {
        return None;
    }
    let next = tx.segments.get(opener)?;
    let q = def
        .qualifier
        .filter(|q| q.comp == 0)
        .map_or(0, |q| usize::from(q.elem));
    let stray = super::head(seg, q).trim_end_matches('*').to_string();
    let opens = String::from_utf8_lossy(next.id());
    let (id, pos) = (loop_def.id, next.position);
    Some((
        opener,
        (
            format!(
                "{stray} ({}) is written before {opens} (segment {pos}), which opens loop {id}; \
                 it belongs after it, in loop {id}",
                def.name
            ),
            format!(
                "move {stray} down below {opens} (segment {pos}), to its place in loop {id} (TR3 \
                 position {})",
                def.pos
            ),
        ),
    ))
}

/// Whether `segment` is the definition that opens loop `l` (its first child).
pub(super) fn is_opener(l: &claimlint_ig::LoopDef, segment: &claimlint_ig::SegmentDef) -> bool {
    matches!(l.children.first(), Some(claimlint_ig::Node::Segment(s)) if std::ptr::eq(*s, segment))
}

/// Whether stray `at` (by id and qualifier `def`, a segment of loop `l`), written right before
/// the opener of an occurrence of `l`, is surely that occurrence's: the occurrence has no
/// segment of `def` of its own (else moving it there would write it twice), and no occurrence
/// of `l` ends right before it that lacks one (claim 1's HI written after its lines, before
/// claim 2's CLM, is claim 1's as much as claim 2's: which cannot be told).
fn surely_the_next(
    tx: &Transaction<'_>,
    at: usize,
    l: &'static claimlint_ig::LoopDef,
    def: &'static claimlint_ig::SegmentDef,
) -> bool {
    let ig = tx.ig();
    let depth = l.path.len().saturating_sub(1);
    // Placed in an occurrence of `l` or a loop under it; `None`: not placed.
    let inside = |k: usize| {
        ig.placement(k)
            .and_then(|p| p.path())
            .map(|p| p.get(depth) == Some(&l.id))
    };
    let is_def = |k: usize| {
        ig.placement(k)
            .and_then(Placement::segment)
            .is_some_and(|d| std::ptr::eq(d, def))
    };
    let opens = |k: usize| {
        matches!(ig.placement(k), Some(Placement::Placed { loop_def, segment, .. })
            if std::ptr::eq(*loop_def, l) && is_opener(l, segment))
    };
    // The occurrence its opener (`at + 1`) begins, to the next opener of `l` or the first
    // segment placed outside it.
    let next_has = ((at + 2)..tx.segments.len())
        .filter(|&k| inside(k).is_some())
        .take_while(|&k| inside(k) == Some(true) && !opens(k))
        .any(is_def);
    // The occurrence that ends right before it, if one does: its placed segments, back to
    // its opener.
    let (mut prev, mut prev_has) = (false, false);
    for k in (0..at).rev().filter(|&k| inside(k).is_some()) {
        if inside(k) != Some(true) {
            break;
        }
        prev = true;
        prev_has |= is_def(k);
        if opens(k) {
            break;
        }
    }
    !next_has && (!prev || prev_has)
}

/// The message and help for a required segment, or a required loop's opener, written right
/// after the opener of the loop that follows the occurrence lacking it (`CTP` after `LX*2`):
/// the one finding for it, naming where it belongs (STR002 leaves it out).
fn written_late(tx: &Transaction<'_>, late: &WrittenAfter) -> (String, String) {
    let ig = tx.ig();
    // A segment as far as it tells what it is: `CTP`, `REF*EI`, `LX*2`, `HL*1`.
    let named = |k: usize, upto: usize| {
        let seg = tx.segments.get(k)?;
        Some(super::head(seg, upto).trim_end_matches('*').to_string())
    };
    let q = late
        .def
        .qualifier
        .filter(|q| q.comp == 0)
        .map_or(0, |q| usize::from(q.elem));
    let stray = named(late.stray, q).unwrap_or_default();
    let opener = named(late.opener, 1).unwrap_or_default();
    let (what, home, pos) = match ig.guide.find_loop(late.parent) {
        Some(p) if late.is_loop => {
            let l = p.child_loop(late.id);
            let name = l.map_or("", |l| l.name);
            (
                format!("{stray} ({name}, loop {})", late.id),
                format!("where loop {} belongs", late.id),
                l.map_or(0, |l| l.pos),
            )
        }
        _ => {
            let (short, within) = match late.parent {
                "ST" => ("header", "the transaction set header"),
                parent => (parent, parent),
            };
            (
                format!("{stray} ({}, {short})", late.def.name),
                format!("to its place in {within}"),
                late.def.pos,
            )
        }
    };
    // The loop the opener opens; "the next" when an occurrence of it came before.
    let opened = match ig.placement(late.opener).copied() {
        Some(Placement::Placed { loop_def, .. }) => {
            let again = (0..late.opener).any(|k| {
                matches!(ig.placement(k), Some(Placement::Placed { loop_def: l, .. }) if std::ptr::eq(*l, loop_def))
            });
            format!("{}{}", if again { "the next " } else { "" }, loop_def.id)
        }
        _ => String::new(),
    };
    (
        format!("{what} is written after {opener}, which opens {opened}; it belongs before it"),
        format!("move {stray} up above {opener}, {home} (TR3 position {pos})"),
    )
}

/// When the opener of a required loop written late ([`WrittenAfter`], `NM1*85` after `HL*2`)
/// is the first of its whole loop written after the opener of the loop that follows it
/// (`HL*2~NM1*85~N3~N4~REF*EI~SBR`: the HL moved up above the 2010AA, not the NM1*85 down
/// below the HL), the segments of the rest of that loop, after it: each fits nowhere where it
/// stands, reads clean as a segment of the loop, in the guide's order, and with them the loop
/// has every segment it requires; the segment after them is placed (the opener's loop goes
/// on). Moving the opener that came early down below them then gives a clean file, and it is
/// the one finding, not also an STR003 for each of them. None for a loop with a required loop
/// of its own, or when the stray does not stand right after the opener.
fn opener_came_early(tx: &Transaction<'_>, late: &WrittenAfter) -> Option<std::ops::Range<usize>> {
    use claimlint_ig::Node;
    let ig = tx.ig();
    let l = ig.guide.find_loop(late.parent)?.child_loop(late.id)?;
    if !late.is_loop || late.stray != late.opener + 1 {
        return None;
    }
    let stray = tx.segments.get(late.stray)?;
    let end = (late.stray + 1..tx.segments.len()).find(|&k| ig.is_placed(k))?;
    let run = late.stray + 1..end;
    if run.is_empty() || !clean_as(late.def, stray) {
        return None;
    }
    // Each segment of the run as the loop's child (its index), in the guide's order.
    let mut seen = vec![0];
    for k in run.clone() {
        let seg = tx.segments.get(k)?;
        let from = seen.last().copied().unwrap_or(0);
        let child = (l.children.iter().enumerate()).find_map(|(n, c)| {
            matches!(c, Node::Segment(d) if n >= from && clean_as(d, seg)).then_some(n)
        })?;
        // A child written more times than the guide allows is a defect of its own.
        let count = seen.iter().filter(|&&n| n == child).count() + 1;
        let allowed = match l.children.get(child) {
            Some(Node::Segment(d)) => d.max_use.allows(u32::try_from(count).unwrap_or(u32::MAX)),
            _ => false,
        };
        if !allowed {
            return None;
        }
        seen.push(child);
    }
    let has_all = l.required.iter().all(|&r| {
        let r = usize::from(r);
        matches!(l.children.get(r), Some(Node::Segment(_))) && seen.contains(&r)
    });
    has_all.then_some(run)
}

/// Whether `seg` is of definition `def` (its id and qualifier) and reads clean as it.
pub(super) fn clean_as(def: &claimlint_ig::SegmentDef, seg: &claimlint_x12::Segment<'_>) -> bool {
    let mut issues = Vec::new();
    claimlint_ig::validate_segment(def, seg, &mut issues);
    def.matches(seg) && issues.is_empty()
}

/// The message and help for an opener that came early ([`opener_came_early`]): the loop
/// `late` names was written whole after it, its opener first and `run` the rest.
fn came_early(
    tx: &Transaction<'_>,
    late: &WrittenAfter,
    run: std::ops::Range<usize>,
) -> (String, String) {
    // A segment as far as its definition in the loop tells it (`NM1*85`, `REF*EI`, `N4`).
    let l = (tx.ig().guide.find_loop(late.parent)).and_then(|p| p.child_loop(late.id));
    let named = |k: usize| {
        let seg = tx.segments.get(k)?;
        let def = l.and_then(|l| l.segments(seg.id()).find(|d| d.matches(seg)));
        let q = def.and_then(|d| d.qualifier.filter(|q| q.comp == 0));
        let upto = q.map_or(0, |q| usize::from(q.elem));
        Some(super::head(seg, upto).trim_end_matches('*').to_string())
    };
    let opener = tx.segments.get(late.opener).map_or(String::new(), |s| {
        super::head(s, 1).trim_end_matches('*').to_string()
    });
    let last = run.end - 1;
    let pos = |k: usize| tx.segments.get(k).map_or(0, |s| s.position);
    let name = l.map_or("", |l| l.name);
    let (first, end) = (
        named(late.stray).unwrap_or_default(),
        named(last).unwrap_or_default(),
    );
    (
        format!(
            "{first} ({name}, loop {id}) and the rest of its loop, to {end} (segment {}), are \
             written after {opener} (segment {}), which opens {opened}; {opener} came early: loop \
             {id} belongs before it",
            pos(last),
            pos(late.opener),
            id = late.id,
            opened = crate::syntax::loop_name(tx, late.opener),
        ),
        format!(
            "move {opener} down below {end} (segment {}), after the end of loop {}",
            pos(last),
            late.id
        ),
    )
}

/// The loops the walk opened without their opener after a segment that stood where it
/// belongs (`StructureIssue::OpenerMissing` with `after_stray`): the segment that begins
/// each, its place among the set's issues, the loop and its parent; sorted, so the first
/// that begins at a segment is a binary search, where a scan of the set's issues per
/// unexpected segment would cost the product of their counts (thousands of LXs moved).
struct OpenedAfterStray(Vec<(usize, usize, &'static str, &'static str)>);

impl OpenedAfterStray {
    fn of(tx: &Transaction<'_>) -> OpenedAfterStray {
        let mut all: Vec<_> = (tx.ig().structure.iter().enumerate())
            .filter_map(|(n, issue)| match *issue {
                StructureIssue::OpenerMissing {
                    id,
                    parent,
                    at,
                    after_stray: true,
                } => Some((at, n, id, parent)),
                _ => None,
            })
            .collect();
        all.sort_unstable_by_key(|&(at, n, ..)| (at, n));
        OpenedAfterStray(all)
    }

    /// The loop and its parent of the first (in the walk's order) that begins at `at`.
    fn first_at(&self, at: usize) -> Option<(&'static str, &'static str)> {
        let from = self.0.partition_point(|&(k, ..)| k < at);
        (self.0.get(from))
            .filter(|&&(k, ..)| k == at)
            .map(|&(_, _, id, parent)| (id, parent))
    }
}

/// The help for a segment that stands where the opener of the next segments' loop belongs
/// (the walk opened that loop without it, `StructureIssue::OpenerMissing` with `after_stray`):
/// `LQ*2` for `LX*2`, `NM1*IK` for `NM1*IL`. It is what that opener was meant to be.
fn stood_in_for_opener(
    tx: &Transaction<'_>,
    (at, id): (usize, &[u8]),
    opened: &OpenedAfterStray,
) -> Option<String> {
    let ig = tx.ig();
    let (loop_id, parent) = opened.first_at(at + 1)?;
    let l = ig.guide.find_loop(parent)?.child_loop(loop_id)?;
    let starter = l.starter()?;
    let opener = super::required_segment_missing::opener(starter);
    let belong = format!(
        "the segments after it belong to loop {loop_id} ({}), which {opener} opens",
        l.name
    );
    Some(
        if id == starter.id.as_bytes()
            || crate::syntax::unknown_segment::one_off(id, starter.id.as_bytes())
        {
            format!("did you mean {opener}? {belong}")
        } else {
            format!("{belong}: write {opener} in its place")
        },
    )
}

/// Loops of the guide that define segment `seg` (`header` for ST/BHT/SE), deduplicated, and
/// the segment as they take it. Where its qualifier tells their definitions apart, only the
/// loops whose definition takes that qualifier (`NM1*85`: 2010AA alone, not every loop with
/// an NM1): naming the others would send the user to a loop that rejects it. A qualifier no
/// definition takes names every loop with the id.
fn loops_with(
    guide: &claimlint_ig::GuideDef,
    seg: &claimlint_x12::Segment<'_>,
) -> (Vec<&'static str>, String) {
    let id = seg.id();
    let mut all: Vec<&'static str> = Vec::new();
    let mut taking: Vec<&'static str> = Vec::new();
    let mut qualifier = None;
    for l in guide.loops() {
        let name = if l.path.is_empty() { "header" } else { l.id };
        for def in l.segments(id) {
            if !all.contains(&name) {
                all.push(name);
            }
            if def.matches(seg) && !taking.contains(&name) {
                taking.push(name);
                qualifier = qualifier.or(def.qualifier.filter(|q| q.comp == 0));
            }
        }
    }
    let id = String::from_utf8_lossy(id).into_owned();
    match qualifier {
        // Told apart by the qualifier: name the segment with it (`NM1*85`, `DTP*472`).
        Some(q) if taking.len() < all.len() => (taking, super::head(seg, usize::from(q.elem))),
        _ if !taking.is_empty() => (taking, id),
        _ => (all, id),
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    let diags = check_cases(
        &STR003,
        &[
            Pass(""),
            PassI(""),
            // An 837P service line (SV1) after the SV2 of an 837I line.
            EditI(
                "SV2*0510",
                "SV2*0510*HC:96372*60*UN*1~SV1*HC:96372*60*UN*1***1",
                true,
            ),
            Edit("GE*", "REF*XX*1~GE*1*1", true),
            Edit("HI*", "HI*ABK:M810~CL1*1*1*01", true), // an 837I segment in an 837P
            EditI("HI*", "HI*ABK:M810~CTP****1*UN", true), // a 2410 segment in 2300
            Edit("DMG*", "DMG*D8*19450312*F~N3*13 ELM ST", true), // a second N3 after DMG
            Edit("HI*", "HI*ABK:M810~BHT*0019*00*X*20260120*1200*CH", true),
            // An 837P labelled 837I in GS08 and ST03, and the other way round: read with the
            // guide the lines are written in, the label is the one error.
            Whole(
                &relabel(crate::test::P837, "005010X222A1", "005010X223A2"),
                true,
            ),
            Whole(
                &relabel(crate::test::I837, "005010X223A2", "005010X222A1"),
                true,
            ),
            // Outside any set, a lower-case id is named as written: it is read as nothing.
            Edit("GE*", "ref*XX*1~GE*1*1", true),
        ],
    );
    // One stray segment is one diagnostic: the walk resumes at the next segment that fits.
    for (case, d) in diags.iter().enumerate().skip(4) {
        assert_eq!(d.len(), 1, "case {case}: {d:#?}");
    }
    assert_eq!(
        diags[5][0].help.as_deref(),
        Some("the guide places CTP in loop 2410; move it there or remove it")
    );
    let [professional, institutional] = [&diags[8][0], &diags[9][0]];
    assert_eq!(
        professional.message,
        "ST03 names 005010X223A2 (837I), but both service lines of the set are SV1: it is written as an 837P and was checked as one (005010X222A1)"
    );
    assert_eq!(
        (professional.loc.segment.as_str(), professional.loc.element),
        ("ST", Some(3))
    );
    assert_eq!(
        professional.ack,
        Some(claimlint_diagnostic::Ack999::Element("7"))
    );
    assert_eq!(
        diags[10][0].message,
        "ref is outside any transaction set (between envelope segments)"
    );
    assert_eq!(
        institutional.help.as_deref(),
        Some("name 005010X223A2 in GS08 and ST03, or write the lines as SV1 (837P)")
    );
}

#[cfg(test)]
fn relabel(template: &str, from: &str, to: &str) -> String {
    assert!(template.contains(from));
    template.replace(from, to)
}

/// ST and BHT swapped: one STR003 on the BHT, in the set, saying to move it after ST; the
/// set's "BHT missing" is suppressed and counted, and SE01 counts the BHT. A wrong SE01 and
/// another missing segment stay findings of their own.
#[test]
fn bht_before_st_is_one_finding() {
    let swapped = |t: &str| {
        let bht = "BHT*0019*00*BATCH1*20260120*1200*CH~\n";
        t.replacen(bht, "", 1)
            .replacen("ST*837*", &format!("{bht}ST*837*"), 1)
    };
    let text = swapped(crate::test::P837);
    let out = crate::engine::check(text.as_bytes(), &crate::LintSettings::default());
    let codes: Vec<_> = out.diagnostics.iter().map(|d| d.code).collect();
    let suppressed: Vec<_> = out.suppressed_by_rule.into_iter().collect();
    assert_eq!(
        (codes.as_slice(), suppressed.as_slice()),
        (&["STR003"][..], &[("STR002", 1)][..])
    );
    let d = &out.diagnostics[0];
    assert_eq!(
        d.help.as_deref(),
        Some("move BHT down to just after ST (segment 4)")
    );
    assert_eq!(d.context.transaction.as_deref(), Some("0001"));
    let wrong = text.replacen("SE*28*", "SE*30*", 1);
    assert_eq!(crate::test::codes(&wrong), ["ENV003", "STR003"]);
    let receiver = text.replacen("NM1*40*2*MEDICARE*****46*R456~\n", "", 1);
    assert_eq!(
        crate::test::codes(&receiver.replacen("SE*28*", "SE*27*", 1)),
        ["STR002", "STR003"]
    );
    // The BHT's STR003 stands outside the set, at a file position (3) that is also the set's
    // PER: a wrong PER01 there is a finding of its own, not the moved BHT's reading.
    let per = text.replacen("PER*IC*", "PER*XX*", 1);
    assert_eq!(crate::test::codes(&per), ["STR003", "SYN008"]);
}

/// An opener written one loop too early, above the whole loop before it: one STR003 on the
/// jumped loop's first segment whose help moves the opener down below the loop's last, which
/// done leaves the file clean; not an STR003 for each of the loop's segments. A jumped loop
/// that also lacks a segment it requires keeps its segments' findings (the move would not
/// give the segment back).
#[test]
fn an_opener_written_above_the_loop_before_it_is_one_finding() {
    use crate::test::{P837, run};
    let hl = "HL*2*1*22*0~";
    let nm1 = "NM1*85*2*ONCOLOGY CLINIC*****XX*1234567893~";
    let early = P837.replace(hl, "").replacen(nm1, &format!("{hl}{nm1}"), 1);
    let found = run(&early);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code, "STR003");
    assert!(
        found[0].message.starts_with(
            "NM1*85 (Billing Provider Name, loop 2010AA) and the rest of its loop, to REF*EI \
             (segment 11), are written after HL*2 (segment 7), which opens 2000B"
        ),
        "{}",
        found[0].message
    );
    assert_eq!(
        found[0].help.as_deref(),
        Some("move HL*2 down below REF*EI (segment 11), after the end of loop 2010AA")
    );
    assert!(run(P837).is_empty(), "the help's fix is the template");
    let without_n4 = crate::test::edit(&early, "N4*SPRINGFIELD*IL*627011234", "");
    let codes: Vec<_> = run(&without_n4).iter().map(|d| d.code).collect();
    assert_eq!(codes, ["STR003", "STR003", "STR003"]);
}
