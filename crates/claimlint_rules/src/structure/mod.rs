//! STR: loops and structure (SNIP 2).

mod attending_missing;
pub mod claim_without_lines;
pub mod hl_invalid;
mod hl_moved;
pub(crate) mod line_moved;
pub mod lx_sequence;
pub(crate) mod mistyped;
pub(crate) mod moved;
pub(crate) mod outside;
mod relocated;
pub mod repeat_exceeded;
pub mod required_segment_missing;
mod trial;
pub mod unexpected_segment;

/// Whether the guide found missing, at the first copy of a loop opener written twice
/// (segment `first`, the copy right after it), nothing but what loop `id` itself requires:
/// a segment its parent lacks is reported there too, and is a defect of its own. The copy's
/// finding stands for the first copy's missing children only when this holds.
pub(crate) fn only_its_own_missing(
    tx: &claimlint_model::Transaction<'_>,
    first: usize,
    id: &str,
) -> bool {
    !tx.ig().structure.iter().any(|s| {
        matches!(*s, claimlint_ig::StructureIssue::RequiredMissing { parent, at, .. }
            if (at == first || at == first + 1) && parent != id)
    })
}

/// The segment index of the first claim (CLM) a 2000B (`tx.loops[sub]`) holds itself, not
/// under a 2000C: that claim's patient is the subscriber. None when the 2000B holds none, or
/// when a patient's name (NM1*QC) stands in it before that claim: a 2000C whose HL was lost
/// or misspelled, which the loop tree built from the HLs does not show. (A PAT alone is the
/// 2000B's own, for a subscriber patient who died or is pregnant.)
pub(crate) fn own_claim(tx: &claimlint_model::Transaction<'_>, sub: u32) -> Option<u32> {
    let node = tx.loops.get(sub as usize).filter(|l| l.id == "2000B")?;
    // Its subtree follows it in the loop list, in segment order: look there only (not the
    // whole set's loops, once per 2000B).
    let claim = tx
        .loops
        .get(sub as usize + 1..)?
        .iter()
        .take_while(|l| l.first < node.end)
        .find(|l| l.id == "2300" && l.parent == Some(sub))?
        .first;
    let patient = tx
        .segments
        .get(node.first as usize..claim as usize)?
        .iter()
        .any(|s| s.is(b"NM1") && s.value(1) == b"QC");
    (!patient).then_some(claim)
}

/// The parts of a set the walk's findings are judged in: the header (up to the first
/// subscriber's HL, the first billing provider's loops included), one subscriber's loops with
/// its patients' loops and claims (from its 2000B HL to the next 2000B or 2000A HL), or a
/// later billing provider's loops (from its 2000A HL to the next 2000B HL), as written.
pub(crate) struct Parts {
    /// The segment index where each part after the header starts.
    starts: Vec<usize>,
    /// The set's length.
    len: usize,
}

impl Parts {
    pub(crate) fn of(tx: &claimlint_model::Transaction<'_>) -> Parts {
        let mut subscribers = false;
        let starts = (tx.segments.iter().enumerate())
            .filter(|(_, s)| s.is(b"HL"))
            .filter_map(|(k, s)| match s.value(3) {
                b"22" => {
                    subscribers = true;
                    Some(k)
                }
                b"20" if subscribers => Some(k),
                _ => None,
            })
            .collect();
        Parts {
            starts,
            len: tx.segments.len(),
        }
    }

    /// The part segment `k` is in, numbered from 0 (the header).
    pub(crate) fn part(&self, k: usize) -> usize {
        self.starts.partition_point(|&s| s <= k)
    }

    /// Where the part segment `k` is in starts.
    pub(crate) fn start(&self, k: usize) -> usize {
        self.part(k)
            .checked_sub(1)
            .and_then(|p| self.starts.get(p))
            .copied()
            .unwrap_or(0)
    }

    /// Where the part segment `k` is in ends (the next part's start, or the set's end).
    pub(crate) fn end(&self, k: usize) -> usize {
        self.starts.get(self.part(k)).copied().unwrap_or(self.len)
    }
}

/// A segment as far as it tells what it is: its id and its values up to element `upto`
/// (`NM1*85`, `REF*EI`, `LX*2`; `CTP` for 0). For the messages that name a segment.
pub(crate) fn head(seg: &claimlint_x12::Segment<'_>, upto: usize) -> String {
    let mut s = String::from_utf8_lossy(seg.id()).into_owned();
    for e in 1..=upto {
        s.push('*');
        s.push_str(&String::from_utf8_lossy(seg.value(e)));
    }
    s
}
