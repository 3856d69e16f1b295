use crate::{Ctx, declare_rule};
use claimlint_x12::{Loc, Segment};

declare_rule! {
    /// ## What it does
    /// Reports a byte outside the X12 character set inside a segment: a control character, a
    /// line break in the middle of a segment, or a non-ASCII byte (accented letters, smart quotes
    /// pasted from a word processor). It checks each segment of a transaction set as the
    /// segment is read, before the model is built. The interchange's own delimiters are never
    /// flagged, even when the ISA declares control characters (0x1D between elements, 0x1F
    /// between components): they belong to the interchange's character set.
    ///
    /// A file wrapped at a fixed width (every line but the last the same length, 80 say, so
    /// the line breaks cut segments and the ISA) is one finding per interchange, on its ISA,
    /// naming the line and column of the first cut, not one per segment: the file is checked
    /// with the line breaks taken out and its findings placed on the wrapped lines. The
    /// interchange is rejected with a TA1 (note code 022, invalid control structure). A
    /// wrapper that also trimmed the blanks ending each line leaves a few lines short (those
    /// whose cut fell just after a blank): their blanks are put back, and the finding says how
    /// many lines were trimmed.
    /// ## Why it matters
    /// Receivers reject the segment (999 IK4 code 6, invalid character in data element), and a
    /// line break inside a segment usually means the file was wrapped by an editor or mailer.
    /// ## Example
    /// `NM1*IL*1*MUÑOZ*JOSÉ****MI*1EG4TE5MK73~`
    /// ## Fix
    /// Use printable ASCII only: `NM1*IL*1*MUNOZ*JOSE****MI*1EG4TE5MK73~`.
    code: SYN005, name: "invalid-character", severity: Error, snip: 1,
    x999: ElementElseSegment("6", "8"),
    ta1: BySegment(&[("ISA", Code("022"))]),
    check: Segment(invalid_characters),
}

/// Reports the first byte of `seg` outside the X12 extended character set (control
/// characters, non-ASCII) that is not one of the interchange's delimiters: the character set
/// of an interchange is the graphic characters and its delimiters, which need not be graphic
/// themselves (X12 RFI 28; `*`/`:`/`~` as 0x1D/0x1F/0x1C, say).
pub fn invalid_characters(seg: &Segment<'_>, cx: &mut Ctx<'_>) {
    let d = seg.delims;
    let delims = [d.element, d.component, d.repetition.unwrap_or(d.element)];
    if let Some(i) = first_unprintable(seg.bytes, delims) {
        report_byte(seg, i, cx);
    }
}

/// The finding for the byte at `i` of `seg`: apart, so the scan every segment goes through
/// stays small.
#[cold]
#[inline(never)]
fn report_byte(seg: &Segment<'_>, i: usize, cx: &mut Ctx<'_>) {
    let b = seg.bytes[i];
    // The component separator written after the id in place of the element separator
    // (`HI:BF`) counts as the element separator it is read as.
    let slipped = seg.slipped_separator().is_some_and(|at| at < i);
    let element = seg.bytes[..i]
        .iter()
        .filter(|&&c| c == seg.delims.element)
        .count()
        + usize::from(slipped);
    let loc = Loc {
        element: u8::try_from(element).ok().filter(|&e| e > 0),
        offset: seg.offset + i,
        length: 1,
        ..seg.loc()
    };
    let what = match b {
        b'\n' | b'\r' => {
            "a line break inside the segment (was it wrapped by an editor or mailer?)".to_string()
        }
        0x00..=0x1f | 0x7f => format!("the control character 0x{b:02X}"),
        _ => format!("the byte 0x{b:02X}, outside the X12 character set (non-ASCII)"),
    };
    // An id the break cuts (`NM` line break `1`) is shown escaped, not as a broken line.
    let id = seg.seg_id().as_str().escape_debug().to_string();
    cx.report(loc, format!("{id} contains {what}"))
        .help("X12 data is limited to printable ASCII; remove or replace the character");
}

/// The first byte outside 0x20..0x7f that is not one of `delims`. Eight bytes at a time: a
/// word whose bytes are all printable is passed over whole (the usual case), the others are
/// read byte by byte. The last bytes of a segment of eight or more are read as the last eight
/// (a word overlapping the one before): all printable, the tail is; else only the tail's own
/// bytes are read one by one, so the answer is the byte scan's.
fn first_unprintable(bytes: &[u8], delims: [u8; 3]) -> Option<usize> {
    let printable = |b: u8| (0x20..0x7f).contains(&b) || delims.contains(&b);
    let (words, tail) = bytes.as_chunks::<8>();
    for (k, word) in words.iter().enumerate() {
        if !all_graphic(*word)
            && let Some(j) = word.iter().position(|&b| !printable(b))
        {
            return Some(k * 8 + j);
        }
    }
    let base = words.len() * 8;
    match bytes.last_chunk::<8>() {
        Some(_) if tail.is_empty() => None,
        Some(last) if all_graphic(*last) => None,
        _ => tail.iter().position(|&b| !printable(b)).map(|j| base + j),
    }
}

/// Whether all eight bytes are in 0x20..0x7f: no byte below 0x20 (the classic "has less
/// than" test) and none with its high bit set after adding one (0x7f and above); exact.
#[inline]
fn all_graphic(word: [u8; 8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let w = u64::from_le_bytes(word);
    let below = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    let above = (w.wrapping_add(ONES) | w) & HIGH;
    below | above == 0
}

#[test]
fn first_unprintable_agrees_with_a_byte_scan() {
    let mut cases: Vec<Vec<u8>> = vec![Vec::new(), b"NM1*IL*1*DOE".to_vec()];
    for len in [1usize, 7, 8, 9, 16, 23] {
        for at in 0..len {
            for bad in [0x00u8, 0x0a, 0x1f, 0x7f, 0x80, 0xc3, 0xff] {
                let mut v = vec![b'A'; len];
                v[at] = bad;
                cases.push(v.clone());
                // Neighbours at the edges of the printable range stay printable.
                v[len - 1 - at] = if at % 2 == 0 { 0x20 } else { 0x7e };
                cases.push(v);
            }
        }
    }
    for v in cases {
        let want = v.iter().position(|&b| !(0x20..0x7f).contains(&b));
        assert_eq!(first_unprintable(&v, [b'*'; 3]), want, "{v:?}");
        // The interchange's own delimiters are not invalid, graphic or not.
        for delims in [[0x1d, 0x1f, 0x1e], [0x0a, b':', b'^'], [0x80, 0xc3, 0xc3]] {
            let want = v
                .iter()
                .position(|&b| !(0x20..0x7f).contains(&b) && !delims.contains(&b));
            assert_eq!(first_unprintable(&v, delims), want, "{v:?} {delims:?}");
        }
    }
}

#[test]
fn cases() {
    use crate::test::{Case::*, check_cases};
    check_cases(
        &SYN005,
        &[
            Pass(""),
            Trip("NM1*IL*1*MUÑOZ*JOSE****MI*1EG4TE5MK73"),
            // A control character or a line break in N301 is SYN005 alone: the SYN003 "not a
            // string" it causes on the same element is suppressed (suppress::PRECEDENCE).
            Edit("N3*12", "N3*12 ELM\u{1}ST", true),
            Edit("N3*12", "N3*12\r\nELM ST", true),
        ],
    );
}

/// SYN005 for a file wrapped at a fixed width (`claimlint_x12::folded`): one finding per
/// interchange the wrap cuts, on its ISA (so the interchange is rejected as a whole, TA1 022,
/// whichever segment the first cut falls in), in place of one on every segment it cuts; the
/// file is read with the line breaks taken out. `flat` is the unwrapped input, whose offsets
/// the findings carry (as every finding does until `folded::to_original` moves them);
/// `original` the file as it is, for the line and column the message names.
pub(crate) fn folded(
    flat: &[u8],
    original: &[u8],
    fold: &claimlint_x12::folded::Folding,
    severity: claimlint_diagnostic::Severity,
) -> Vec<claimlint_diagnostic::Diagnostic> {
    let scan = claimlint_x12::envelope::scan(flat);
    let mut out = Vec::new();
    let mut lines = claimlint_x12::loc::LineCounter::new(original);
    for (i, ic) in scan.interchanges.iter().enumerate() {
        let end = scan
            .interchanges
            .get(i + 1)
            .map_or(flat.len(), |next| next.isa.offset);
        let d = ic.delims();
        // The breaks inside a segment of this interchange.
        let inside: Vec<usize> = fold.cuts(flat, ic.isa.offset, end, d.segment).collect();
        let Some(&first) = inside.first() else {
            continue;
        };
        let cut = cut_name(flat, first, ic.isa.offset, &d);
        let (line, column) = lines.line_col(fold.original(first) - fold.line_break.len());
        let loc = Loc {
            length: 3,
            ..ic.isa.loc()
        };
        let n = inside.len();
        // A wrapper that also trimmed the blanks ending its lines left some lines short:
        // their blanks were put back, which the reader should know of.
        let (trimmed, put_back) = match fold.trimmed(ic.isa.offset, end) {
            0 => (String::new(), ""),
            t => (
                format!(
                    ", trailing blanks trimmed from {t} line{}",
                    if t == 1 { "" } else { "s" }
                ),
                " and the trimmed blanks put back",
            ),
        };
        out.push(
            claimlint_diagnostic::Diagnostic::new(
                SYN005.code,
                severity,
                loc,
                format!(
                    "the interchange is wrapped at {} characters{trimmed}: {n} line break{} ({}) fall{} inside its segments, the first at line {line}, column {column} ({cut})",
                    fold.width,
                    if n == 1 { "" } else { "s" },
                    fold.line_break_name(),
                    if n == 1 { "s" } else { "" },
                ),
            )
            .with_help(format!(
                "line breaks are not X12 data: write the interchange unwrapped, with a line break only after a segment terminator if at all; it was checked with the line breaks taken out{put_back}",
            )),
        );
    }
    out
}

/// The segment id and element (`ISA10`, `NM103`) that the break taken out before `first` of
/// `flat` cuts, in the interchange whose ISA is at `isa`. The segment is looked for from the
/// ISA on: a terminator in text before the ISA (a preamble the reader skips, ENV008) does not
/// start it.
fn cut_name(flat: &[u8], first: usize, isa: usize, d: &claimlint_x12::Delimiters) -> String {
    let seg_start = flat[isa..first]
        .iter()
        .rposition(|&b| b == d.segment)
        .map_or(isa, |j| isa + j + 1);
    let seg_start = seg_start
        + flat[seg_start..first]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    let rest = &flat[seg_start..];
    let id_len = rest
        .iter()
        .position(|&b| b == d.element || b == d.segment)
        .unwrap_or(rest.len());
    let id = String::from_utf8_lossy(&rest[..id_len]);
    let element = flat[seg_start..first]
        .iter()
        .filter(|&&b| b == d.element)
        .count();
    if element > 0 {
        format!("{id}{element:02}")
    } else {
        id.into_owned()
    }
}
