//! Delimiters and the fixed-width ISA header. The element separator is byte 4 of the ISA, the
//! repetition separator ISA11, the component separator ISA16 and the segment terminator the byte
//! after ISA16. Nothing else in claimlint may assume `*`, `:`, `^` or `~`.

use crate::slip::Slip;
use nom::IResult;
use nom::bytes::complete::{tag, take, take_till};

/// The four X12 delimiters of one interchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delimiters {
    pub element: u8,
    pub component: u8,
    /// ISA11 when it is a separator (5010); `None` when it is a letter such as `U` (4010's
    /// interchange control standards identifier).
    pub repetition: Option<u8>,
    pub segment: u8,
}

impl Delimiters {
    /// `*`, `:`, `^` and `~`: the delimiters most interchanges declare, and those a fragment
    /// without an ISA is read with when it shows no others (RULES.md, ENV001).
    pub const USUAL: Delimiters = Delimiters {
        element: b'*',
        component: b':',
        repetition: Some(b'^'),
        segment: b'~',
    };

    /// Whether the element, component and repetition separators are three different bytes
    /// (not so in some malformed interchanges), so that a segment splits one way only.
    #[inline]
    pub fn separators_differ(&self) -> bool {
        self.component != self.element
            && self
                .repetition
                .is_none_or(|r| r != self.element && r != self.component)
    }
}

/// Width each ISA element must have (ISA01..ISA16), from the X12 envelope standard.
pub const ISA_WIDTHS: [usize; 16] = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];

/// Length of a fixed-width ISA including its terminator.
pub const ISA_LEN: usize = 106;

/// An ISA read by splitting on its own element separator, so that ISAs which are not fixed
/// width (they exist in the wild) still yield their delimiters.
#[derive(Clone, Debug)]
pub struct IsaHeader<'a> {
    pub delims: Delimiters,
    /// ISA01..ISA16 (index 0 = ISA01).
    pub elements: [&'a [u8]; 16],
    /// Bytes from `I` to the terminator, inclusive.
    pub len: usize,
    /// One element separator slipped, read as meant in `elements`: two elements run together,
    /// the separator between them left out (`…*ZZRECEIVER       *…`, the ISA 105 bytes), or
    /// one separator too many (107 bytes) ([`isa_slipped`]). As in an envelope segment's
    /// [`Slip`], the element where it is written; `crate::slip::Read` reads the ISA so.
    pub slip: Option<Slip>,
}

/// ISA01..ISA16, the element separator and the segment terminator.
type IsaParts<'a> = ([&'a [u8]; 16], u8, u8);

fn isa_parts(input: &[u8]) -> IResult<&[u8], IsaParts<'_>> {
    let (mut rest, _) = tag(&b"ISA"[..])(input)?;
    let (r, sep) = take(1usize)(rest)?;
    rest = r;
    let sep = sep[0];
    let mut elements: [&[u8]; 16] = [&[]; 16];
    for slot in elements.iter_mut().take(15) {
        let (r, value) = take_till(|c| c == sep)(rest)?;
        let (r, _) = tag(&[sep][..])(r)?;
        *slot = value;
        rest = r;
    }
    let (r, isa16) = take(1usize)(rest)?;
    let (r, term) = take(1usize)(r)?;
    elements[15] = isa16;
    Ok((r, (elements, sep, term[0])))
}

/// The ISA at the start of `input` read at its fixed positions, when it is a fixed-width ISA
/// whose ISA11 is its element separator (`…*1200***00501*…`): splitting on the separator
/// would shift ISA12..ISA16 and misread every delimiter, where the only defect is ISA11
/// (ENV007). `None` for any other shape.
fn isa11_is_element_separator(input: &[u8]) -> Option<IsaParts<'_>> {
    let sep = *input.get(3)?;
    if input.len() < ISA_LEN || !input.starts_with(b"ISA") || sep.is_ascii_alphanumeric() {
        return None;
    }
    let mut elements: [&[u8]; 16] = [&[]; 16];
    let mut pos = 3;
    for (i, (slot, width)) in elements.iter_mut().zip(ISA_WIDTHS).enumerate() {
        let value = &input[pos + 1..pos + 1 + width];
        if input[pos] != sep || (i != 10 && value.contains(&sep)) {
            return None;
        }
        *slot = value;
        pos += 1 + width;
    }
    (elements[10] == [sep]).then_some((elements, sep, input[ISA_LEN - 1]))
}

/// A fixed-width ISA with one element separator slipped ([`Slip`]): two elements written run
/// together, the separator between them left out (`…*ZZRECEIVER       *…`, 105 bytes), or one
/// separator too many (`…*ZZ**RECEIVER       *…`, 107 bytes), and the next segment a GS.
/// Split on its separator, read as written, ISA16 and the terminator are bytes of the GS or
/// of ISA15 (a letter for a delimiter). Here every element read as meant has its fixed width,
/// which places the slip: the elements before it are theirs, those after it the next (or the
/// previous) ones'. The parts, the slip, and the ISA's length with its terminator.
fn isa_slipped(input: &[u8]) -> Option<(IsaParts<'_>, Slip, usize)> {
    [ISA_LEN - 1, ISA_LEN + 1].into_iter().find_map(|len| {
        let (pieces, sep, term) = isa_pieces(input, len)?;
        let (mut elements, slip) = if len < ISA_LEN {
            joined_parts(&pieces)?
        } else {
            extra_parts(&pieces)?
        };
        elements[15] = &input[len - 2..len - 1];
        Some(((elements, sep, term), slip, len))
    })
}

/// ISA01..ISA15 as written (split on the separator) of an ISA of `len` bytes whose ISA16 and
/// terminator are delimiters (distinct, not letters, digits or spaces) and which a GS follows;
/// with the separator and the terminator.
fn isa_pieces(input: &[u8], len: usize) -> Option<(Vec<&[u8]>, u8, u8)> {
    let (&sep, &isa16, &term) = (input.get(3)?, input.get(len - 2)?, input.get(len - 1)?);
    let delims_ok = [sep, isa16, term]
        .iter()
        .all(|b| !b.is_ascii_alphanumeric() && *b != b' ')
        && isa16 != sep
        && term != sep
        && term != isa16;
    let gs = [b'G', b'S', sep];
    let next = input[len..].trim_ascii_start();
    if !input.starts_with(b"ISA") || !delims_ok || input[len - 3] != sep || !next.starts_with(&gs) {
        return None;
    }
    Some((input[4..len - 3].split(|&b| b == sep).collect(), sep, term))
}

/// ISA01..ISA15 as meant from 14 pieces, one of which holds two elements at their widths.
fn joined_parts<'a>(pieces: &[&'a [u8]]) -> Option<([&'a [u8]; 16], Slip)> {
    if pieces.len() != 14 {
        return None;
    }
    let k = pieces
        .iter()
        .zip(ISA_WIDTHS)
        .position(|(p, w)| p.len() != w)?;
    let (first, second) = pieces[k].split_at_checked(ISA_WIDTHS[k])?;
    let mut meant: Vec<&[u8]> = pieces.to_vec();
    meant.splice(k..=k, [first, second]);
    let slip = Slip::Joined {
        at: k + 1,
        split: ISA_WIDTHS[k],
    };
    Some((fixed_widths(&meant)?, slip))
}

/// ISA01..ISA15 as meant from 16 pieces, one of them the empty element of a separator too
/// many: the one whose removal leaves every element its width.
fn extra_parts<'a>(pieces: &[&'a [u8]]) -> Option<([&'a [u8]; 16], Slip)> {
    if pieces.len() != 16 {
        return None;
    }
    let mut found = (0..16).filter(|&k| pieces[k].is_empty()).filter_map(|k| {
        let mut meant: Vec<&[u8]> = pieces.to_vec();
        meant.remove(k);
        Some((fixed_widths(&meant)?, Slip::Extra(k + 1)))
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// ISA01..ISA15 (`values`, 15 of them) in the ISA's elements, when each has its fixed width.
fn fixed_widths<'a>(values: &[&'a [u8]]) -> Option<[&'a [u8]; 16]> {
    let mut elements: [&[u8]; 16] = [&[]; 16];
    if values.len() != 15 || values.iter().zip(ISA_WIDTHS).any(|(v, w)| v.len() != w) {
        return None;
    }
    elements[..15].copy_from_slice(values);
    Some(elements)
}

/// One of the delimiters an ISA gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delim {
    Element,
    Component,
    Segment,
}

/// What is wrong with an ISA header, as data (ENV001's rule file words it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IsaProblem {
    /// Elements not their fixed width, in order (one or more): one defect, the ISA's padding
    /// (a file whose blanks were trimmed has all of ISA02, ISA04, ISA06 and ISA08 short).
    /// `padded`: the ISA with each of them padded to its width, when all are short and padding
    /// is how they are filled (ISA02, ISA04, ISA06, ISA08 with spaces after the value, ISA13
    /// with zeros before its digits), without its terminator.
    Widths {
        wrong: Vec<Width>,
        padded: Option<String>,
    },
    /// A delimiter is a letter or digit.
    Alphanumeric { delim: Delim, byte: u8 },
    /// Two delimiters are the same byte.
    Same { a: Delim, b: Delim, byte: u8 },
    /// Most elements are not their fixed width (`wrong` of 16): text that happens to contain
    /// `ISA` and a separator, not an ISA header.
    NotAnIsa { wrong: usize },
    /// One element separator slipped (`IsaHeader::slip`): for two elements run together their
    /// two values, for a separator too many the value before it and the one after it;
    /// `meant`, the ISA read as meant, without terminator.
    Slipped {
        slip: Slip,
        values: [String; 2],
        meant: String,
    },
}

impl IsaProblem {
    /// ISA16 left out (`…*P*~`, the ISA 105 bytes): its width alone is wrong, and it is empty.
    pub fn is_isa16_left_out(&self) -> bool {
        matches!(self, IsaProblem::Widths { wrong, .. }
            if matches!(wrong.as_slice(), [w] if w.element == 16 && w.found == 0))
    }
}

/// An ISA element that is not its fixed width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Width {
    /// 1-based: ISA02 is 2.
    pub element: usize,
    pub expected: usize,
    pub found: usize,
}

/// More elements at the wrong width than this and the "ISA" is not an ISA header: a real one
/// padded wrong gets ISA02/04/06/08/13 wrong at most, its codes (ISA01, 05, 09, 11, 12...)
/// keep their widths.
const MAX_WRONG_WIDTHS: usize = 8;

/// An ISA written without ISA16 (`…*P*~GS*…`, 105 bytes): read as written, the segment
/// terminator stands in ISA16 and the byte after it (the GS's `G`, or a line break) in the
/// terminator's place. It is so when that byte starts the GS, or is a line break after which
/// the GS line ends with the byte read as ISA16, as each segment then does (a real ISA16
/// with line breaks for terminators ends no segment). `parts` read again: ISA16 empty, that
/// byte the terminator; the byte read as the terminator is the next segment's.
fn isa16_left_out<'a>(parts: IsaParts<'a>, rest: &[u8]) -> Option<IsaParts<'a>> {
    let (mut elements, element, read_as_terminator) = parts;
    let [terminator] = *elements[15] else {
        return None;
    };
    let gs = [b'G', b'S', element];
    let starts_gs = read_as_terminator == b'G' && rest.starts_with(&gs[1..]);
    let after = rest.trim_ascii_start();
    let line_ends = matches!(read_as_terminator, b'\n' | b'\r')
        && after.starts_with(&gs)
        && after
            .split(|&b| b == read_as_terminator)
            .next()
            .is_some_and(|line| {
                // A CR left before the LF read as the terminator (`…*P*\r\n`): the CR is the
                // segment terminator, read as ISA16.
                line.ends_with(&[terminator]) || line.trim_ascii_end().ends_with(&[terminator])
            });
    if terminator.is_ascii_alphanumeric() || !(starts_gs || line_ends) {
        return None;
    }
    elements[15] = &elements[15][..0];
    Some((elements, element, terminator))
}

impl<'a> IsaHeader<'a> {
    /// Reads the ISA at the start of `input` (which must begin with `ISA`).
    pub fn parse(input: &'a [u8]) -> Option<Self> {
        let slipped = isa_slipped(input);
        let (rest, (elements, element, segment)) =
            match (isa11_is_element_separator(input), slipped) {
                (Some(parts), _) => (&input[ISA_LEN..], parts),
                (None, Some((parts, _, len))) => (&input[len..], parts),
                (None, None) => {
                    let (rest, parts) = isa_parts(input).ok()?;
                    match isa16_left_out(parts, rest) {
                        // What follows the ISA starts at the byte read as its terminator.
                        Some(meant) => (&input[input.len() - rest.len() - 1..], meant),
                        None => (rest, parts),
                    }
                }
            };
        // ISA16 left out (`isa16_left_out`): read with `:`, unless the composites use another
        // (the envelope scan looks); its width is the ISA's finding (ENV001).
        let component = elements[15].first().copied().unwrap_or(b':');
        // An ISA11 that is also another delimiter cannot separate repetitions: splitting on it
        // would cut every composite (or element) into false repeats, one SYN error each. ENV007
        // reports it once; the interchange is read without repetitions.
        let repetition = elements[10].first().copied().filter(|c| {
            elements[10].len() == 1
                && !c.is_ascii_alphanumeric()
                && *c != b' '
                && ![element, component, segment].contains(c)
        });
        Some(IsaHeader {
            delims: Delimiters {
                element,
                component,
                repetition,
                segment,
            },
            elements,
            len: input.len() - rest.len(),
            slip: slipped.map(|(_, slip, _)| slip),
        })
    }

    /// The first problem that makes the ISA unreadable: a delimiter that is a letter or digit,
    /// two delimiters that are the same byte (nothing says where segments and elements end), or
    /// most elements at the wrong width (not an ISA at all). `None` when it can be read.
    pub fn delimiter_problem(&self) -> Option<IsaProblem> {
        let problems = self.problems();
        let wrong = problems
            .iter()
            .map(|p| match p {
                IsaProblem::Widths { wrong, .. } => wrong.len(),
                _ => 0,
            })
            .sum();
        if wrong > MAX_WRONG_WIDTHS {
            return Some(IsaProblem::NotAnIsa { wrong });
        }
        problems
            .into_iter()
            .find(|p| !matches!(p, IsaProblem::Widths { .. } | IsaProblem::Slipped { .. }))
    }

    /// The ISA with the elements `wrong` padded to their widths, when each is short and
    /// padded by rule: ISA02/ISA04 (10) and ISA06/ISA08 (15) with spaces after the value, ISA13
    /// (9 digits) with zeros before it. `None` when one is too long or another element.
    fn padded(&self, wrong: &[Width]) -> Option<String> {
        let sep = char::from(self.delims.element);
        let mut out = String::from("ISA");
        for (i, (value, width)) in self.elements.iter().zip(ISA_WIDTHS).enumerate() {
            let text = String::from_utf8_lossy(value);
            out.push(sep);
            if !wrong.iter().any(|w| w.element == i + 1) {
                out.push_str(&text);
                continue;
            }
            match i + 1 {
                _ if value.len() > width => return None,
                2 | 4 | 6 | 8 => out.push_str(&format!("{text:<width$}")),
                13 if value.iter().all(u8::is_ascii_digit) => {
                    out.push_str(&format!("{text:0>width$}"));
                }
                _ => return None,
            }
        }
        Some(out)
    }

    /// Fixed-width and distinct-delimiter checks.
    pub fn problems(&self) -> Vec<IsaProblem> {
        let mut out = Vec::new();
        if let Some(slip) = self.slip {
            let sep = char::from(self.delims.element);
            let mut meant = String::from("ISA");
            for value in self.elements {
                meant.push(sep);
                meant.push_str(&String::from_utf8_lossy(value));
            }
            let text = |i: usize| String::from_utf8_lossy(self.elements[i]).into_owned();
            // 0-based: the first of the two run together, or the element after the empty one.
            let k = slip.at() - 1;
            let values = match slip {
                Slip::Extra(_) if k == 0 => [String::new(), text(k)],
                Slip::Extra(_) => [text(k - 1), text(k)],
                _ => [text(k), text(k + 1)],
            };
            out.push(IsaProblem::Slipped {
                slip,
                values,
                meant,
            });
        }
        let widths: Vec<Width> = self
            .elements
            .iter()
            .zip(ISA_WIDTHS)
            .enumerate()
            .filter(|(_, (value, width))| value.len() != *width)
            .map(|(i, (value, width))| Width {
                element: i + 1,
                expected: width,
                found: value.len(),
            })
            .collect();
        if !widths.is_empty() {
            let padded = self.padded(&widths);
            out.push(IsaProblem::Widths {
                wrong: widths,
                padded,
            });
        }
        let d = self.delims;
        // ISA11 clashing with another delimiter is ENV007's finding, so it is not named here.
        let named = [
            (Delim::Element, d.element),
            (Delim::Component, d.component),
            (Delim::Segment, d.segment),
        ];
        for (i, &(delim, a)) in named.iter().enumerate() {
            if a.is_ascii_alphanumeric() {
                out.push(IsaProblem::Alphanumeric { delim, byte: a });
            }
            for &(other, b) in named.iter().skip(i + 1) {
                if a == b {
                    out.push(IsaProblem::Same {
                        a: delim,
                        b: other,
                        byte: a,
                    });
                }
            }
        }
        out
    }
}

/// A byte as a user should read it in a message.
pub fn show_byte(b: u8) -> String {
    match b {
        b'\n' => "\\n".into(),
        b'\r' => "\\r".into(),
        b'\t' => "\\t".into(),
        0x20..=0x7e => (b as char).to_string(),
        _ => format!("\\x{b:02X}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISA: &[u8] = b"ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260105*1200*^*00501*000000001*0*P*:~";

    #[test]
    fn reads_fixed_width_isa() {
        assert_eq!(ISA.len(), ISA_LEN);
        let h = IsaHeader::parse(ISA).unwrap();
        assert_eq!(h.delims, Delimiters::USUAL);
        assert_eq!(h.len, ISA_LEN);
        assert!(h.problems().is_empty());
    }

    #[test]
    fn isa16_left_out() {
        let isa = &ISA[..ISA_LEN - 2];
        for (input, next) in [
            ([isa, b"~GS*HC*S*R~"].concat(), &b"GS*HC*S*R~"[..]),
            ([isa, b"~\nGS*HC*S*R~\n"].concat(), &b"\nGS*HC*S*R~\n"[..]),
            (
                [isa, b"\r\nGS*HC*S*R\r\n"].concat(),
                &b"\nGS*HC*S*R\r\n"[..],
            ),
        ] {
            let h = IsaHeader::parse(&input).unwrap();
            let terminator = if input.contains(&b'~') { b'~' } else { b'\r' };
            assert_eq!((h.delims.segment, h.delims.component), (terminator, b':'));
            assert_eq!(h.elements[15], b"");
            assert_eq!(&input[h.len..], next);
            let wrong = vec![Width {
                element: 16,
                expected: 1,
                found: 0,
            }];
            assert_eq!(
                h.problems(),
                [IsaProblem::Widths {
                    wrong,
                    padded: None
                }]
            );
        }
        // Line breaks for terminators, with ISA16: read as written.
        let lines = [&ISA[..ISA_LEN - 1], b"\nGS*HC*S*R\n"].concat();
        let h = IsaHeader::parse(&lines).unwrap();
        assert_eq!((h.delims.segment, h.delims.component), (b'\n', b':'));
        assert_eq!(h.len, ISA_LEN);
    }

    #[test]
    fn isa_elements_run_together() {
        // ISA07 and ISA08 run together (`*ZZRECEIVER       *`), the GS after it.
        let isa = String::from_utf8_lossy(ISA).replacen("*ZZ*RECEIVER", "*ZZRECEIVER", 1);
        for next in ["GS*HC*S*R~", "\nGS*HC*S*R~\n"] {
            let input = format!("{isa}{next}");
            let h = IsaHeader::parse(input.as_bytes()).unwrap();
            assert_eq!(h.delims, Delimiters::USUAL);
            assert_eq!(h.slip, Some(Slip::Joined { at: 7, split: 2 }));
            assert_eq!(h.len, ISA_LEN - 1);
            assert_eq!(
                (h.elements[6], h.elements[7]),
                (&b"ZZ"[..], &b"RECEIVER       "[..])
            );
            assert_eq!(h.elements[12], b"000000001");
            let meant = String::from_utf8_lossy(&ISA[..ISA_LEN - 1]).into_owned();
            assert!(matches!(
                h.problems().as_slice(),
                [IsaProblem::Slipped { meant: m, .. }] if *m == meant
            ));
            assert_eq!(h.delimiter_problem(), None);
        }
        // A whole ISA, or one without ISA16, is no such thing.
        assert_eq!(IsaHeader::parse(ISA).unwrap().slip, None);
        let no_isa16 = [&ISA[..ISA_LEN - 2], b"~GS*HC*S*R~"].concat();
        assert_eq!(IsaHeader::parse(&no_isa16).unwrap().slip, None);
        // Not followed by a GS: not read so.
        let input = format!("{isa}XX*HC~");
        assert_eq!(IsaHeader::parse(input.as_bytes()).unwrap().slip, None);
        // One separator too many (107 bytes): the empty element is taken out.
        let text = String::from_utf8_lossy(ISA);
        for (from, to, at) in [
            ("*ZZ*RECEIVER", "*ZZ**RECEIVER", 8),
            ("ISA*00", "ISA**00", 1),
        ] {
            let input = format!("{}GS*HC*S*R~", text.replacen(from, to, 1));
            let h = IsaHeader::parse(input.as_bytes()).unwrap();
            assert_eq!(h.slip, Some(Slip::Extra(at)), "{to}");
            assert_eq!(h.len, ISA_LEN + 1);
            assert_eq!(h.delims, Delimiters::USUAL);
            assert_eq!(h.elements[7], b"RECEIVER       ");
            assert_eq!(h.delimiter_problem(), None);
        }
    }

    #[test]
    fn other_delimiters_and_4010_isa11() {
        let isa = ISA
            .iter()
            .map(|&c| match c {
                b'*' => b'|',
                b':' => b'>',
                b'~' => b'\n',
                b'^' => b'U',
                c => c,
            })
            .collect::<Vec<_>>();
        let h = IsaHeader::parse(&isa).unwrap();
        assert_eq!(
            h.delims,
            Delimiters {
                element: b'|',
                component: b'>',
                repetition: None,
                segment: b'\n'
            }
        );
    }

    #[test]
    fn short_isa_reports_widths_but_still_parses() {
        let h = IsaHeader::parse(b"ISA*00*X*00*X*ZZ*A*ZZ*B*260105*1200*^*00501*1*0*P*:~").unwrap();
        assert_eq!(h.delims.segment, b'~');
        // Every short element in one problem: ISA02, ISA04, ISA06, ISA08 and ISA13.
        let problems = h.problems();
        let [IsaProblem::Widths { wrong: w, padded }] = problems.as_slice() else {
            panic!("{problems:?}");
        };
        assert_eq!(
            padded.as_deref(),
            Some(
                "ISA*00*X         *00*X         *ZZ*A              *ZZ*B              *260105*1200*^*00501*000000001*0*P*:"
            )
        );
        assert_eq!(
            w[0],
            Width {
                element: 2,
                expected: 10,
                found: 1
            }
        );
        let at: Vec<usize> = w.iter().map(|w| w.element).collect();
        assert_eq!(at, [2, 4, 6, 8, 13]);
    }

    #[test]
    fn same_delimiter_twice_is_a_problem() {
        let h = IsaHeader::parse(b"ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260105*1200*^*00501*000000001*0*P*~~").unwrap();
        assert!(
            h.problems()
                .iter()
                .any(|p| matches!(p, IsaProblem::Same { .. }))
        );
    }

    #[test]
    fn isa11_equal_to_another_delimiter_is_no_repetition_separator() {
        let h = IsaHeader::parse(b"ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260105*1200*:*00501*000000001*0*P*:~").unwrap();
        assert_eq!(h.delims.repetition, None);
        assert_eq!(h.elements[10], b":");
    }

    #[test]
    fn truncated_isa_is_none() {
        assert!(IsaHeader::parse(b"ISA*00*  ").is_none());
        assert!(IsaHeader::parse(b"").is_none());
    }
}
