//! Rules: the registry (`RULES`, the one place a code meets a rule), the `declare_rule!` macro,
//! the scopes a rule can see (`Check`), `Ctx`, through which rules report, and the `engine`
//! that scans an input, builds the model and runs the rules (rayon). Rules are pure: they read
//! the model, the reference data handle and their settings (`LintSettings`), all passed in;
//! never the file system, flags or global state.
//!
//! Must not know the command line, `claimlint.toml` (the binary's config layer turns it into
//! `LintSettings`), output formats, the audit's aggregates or files.

use claimlint_data::{Data, Hcpcs, SingleDose};
use claimlint_diagnostic::{Ack999, Context, Diagnostic, Severity};
use claimlint_model::{Claim, Dec, DrugLine, ServiceLine, Transaction};
use claimlint_x12::Loc;
use claimlint_x12::envelope::{Group, Interchange, Scan};

pub use envelope::input_unreadable::report as input_unreadable;
pub use envelope::scan_notes;
pub use modifiers::jw_jz::JwJzScope;
pub use payer::Params;
pub use settings::LintSettings;
mod balancing;
#[cfg(test)]
mod cascades;
mod code_sets;
pub mod cross_claim;
pub mod drugs;
pub mod engine;
mod envelope;
pub mod folded;
mod modifiers;
mod ndc;
pub mod payer;
mod settings;
mod situational;
mod structure;
pub mod suppress;
mod syntax;
#[cfg(test)]
pub mod test;
pub mod tx_cache;
mod units;
pub mod x277;
pub use x277::X277;

/// One lint rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable public code, e.g. `NDC004`.
    pub code: &'static str,
    /// Kebab-case name, e.g. `ndc-hcpcs-mismatch`.
    pub name: &'static str,
    pub severity: Severity,
    /// WEDI/SNIP type 1..7.
    pub snip: u8,
    /// Markdown documentation, printed by `claimlint explain`.
    pub doc: &'static str,
    /// How its findings are coded in a 999 (or that a 999 does not carry them).
    pub x999: X999,
    /// How its error findings on the ISA or IEA are coded in a TA1 (or that they are not).
    pub ta1: Ta1,
    /// Whether its findings carry a fix (`Diagnostic::fix`), and how safe it is; declared with
    /// the rule (`fix:` in `declare_rule!`; `Never` when left out).
    pub fix: Fixable,
    /// How a claim its findings reject is coded in a 277CA (`x277:` in `declare_rule!`, else
    /// the family's default, [`X277::family`]).
    pub x277: X277,
    pub check: Check,
}

/// Which of a rule's findings carry a fix (`Diagnostic::fix`), declared with the rule and
/// shown by `claimlint rules`. A rule that fixes nothing declares nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fixable {
    Never,
    /// Its fixes are all `Safety::Safe`: applied by `check --fix`.
    Safe,
    /// Its fixes are all `Safety::Unsafe`: applied only with `--unsafe-fixes`.
    Unsafe,
    /// Some findings have a safe fix, others an unsafe one (the doc says which).
    SafeOrUnsafe,
}

impl Fixable {
    /// As `claimlint rules` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Fixable::Never => "",
            Fixable::Safe => "safe",
            Fixable::Unsafe => "unsafe",
            Fixable::SafeOrUnsafe => "safe/unsafe",
        }
    }
}

/// The claim and service line of `tx` that hold the segment at `position` (1-based in the
/// set, ST = 1; 0 is no segment), if any.
pub(crate) fn enclosing<'t>(
    tx: &'t Transaction<'t>,
    position: u32,
) -> (Option<&'t Claim<'t>>, Option<&'t ServiceLine<'t>>) {
    let Some(i) = position.checked_sub(1) else {
        return (None, None);
    };
    let claim = tx
        .claims
        .partition_point(|c| c.index <= i)
        .checked_sub(1)
        .and_then(|k| tx.claims.get(k))
        .filter(|c| i < c.end);
    // The model opens and closes a claim's lines in one forward pass, so they are in segment
    // order and none reaches past the next one's start: the one line holding `i`, if any, is
    // the last to start at or before it (what a scan for the first line holding `i` finds,
    // `enclosing_line_is_the_scan`), found by binary search, not a scan of every line: a
    // claim of thousands of lines with a finding on each would cost their square.
    let line = claim.and_then(|c| {
        let k = c.lines.partition_point(|l| l.index <= i).checked_sub(1)?;
        c.lines.get(k).filter(|l| i < l.end)
    });
    (claim, line)
}

/// A rule's 999 coding, declared with the rule (`x999:` in `declare_rule!`). The 999 writer
/// reads this and a finding's own `Diagnostic::ack`, never a message or a code string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum X999 {
    /// A 999 does not carry it: interchange problems (a TA1's job) and SNIP 3–7 findings
    /// (balancing, code sets, payer rules: the claim-level 277CA's).
    Never,
    /// Every finding is coded so.
    Always(Ack999),
    /// IK4 with this IK403 when the finding names an element, else IK3 with this IK304.
    ElementElseSegment(&'static str, &'static str),
    /// By the segment the finding is on (`SE`, `GE`, ...); a segment not listed is not carried,
    /// unless the rule codes that finding itself (`Diagnostic::ack`).
    BySegment(&'static [(&'static str, Ack999)]),
    /// The rule codes each finding when it reports it (`Diagnostic::ack`); a finding it
    /// leaves uncoded is not carried.
    PerFinding,
    /// As `PerFinding` for a finding the rule codes, and this for every other one: a rule
    /// whose findings are coded alike but for a few cannot leave one out of the 999.
    PerFindingElse(Ack999),
}

impl X999 {
    /// The coding of `d`, a finding of the rule that declares `self`.
    pub fn of(&self, d: &Diagnostic) -> Option<Ack999> {
        match *self {
            X999::Never => None,
            X999::Always(a) => Some(a),
            X999::ElementElseSegment(e, s) => Some(if d.loc.element.is_some() {
                Ack999::Element(e)
            } else {
                Ack999::Segment(s)
            }),
            // A finding the rule codes itself (ENV004's ST missing, on the set's first
            // segment) is carried so.
            X999::BySegment(table) => d.ack.or_else(|| {
                table
                    .iter()
                    .find(|(id, _)| *id == d.loc.segment.as_str())
                    .map(|(_, a)| *a)
            }),
            X999::PerFinding => d.ack,
            X999::PerFindingElse(a) => Some(d.ack.unwrap_or(a)),
        }
    }
}

/// A rule's TA1 coding: the interchange note code (TA105, X12 element I18) of its
/// error findings on the ISA or IEA, which reject the interchange with a TA1 instead of a
/// 999. Declared with the rule (`ta1:` in `declare_rule!`; `Never` when left out). The TA1
/// writer reads this, never a message or a code string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ta1 {
    /// A TA1 does not carry its findings.
    Never,
    /// By the segment the finding is on (`ISA`, `IEA`); a segment not listed is not carried.
    BySegment(&'static [(&'static str, Ta1Note)]),
}

/// One TA1 note code of a `Ta1` declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ta1Note {
    /// This I18 code.
    Code(&'static str),
    /// By the ISA element the finding names (`isa_element_note`); `022` (invalid control
    /// structure) when it names none.
    IsaElement,
}

impl Ta1 {
    /// The TA105 of `d`, a finding of the rule that declares `self`.
    pub fn of(&self, d: &Diagnostic) -> Option<&'static str> {
        let Ta1::BySegment(table) = *self else {
            return None;
        };
        let (_, note) = table.iter().find(|(id, _)| *id == d.loc.segment.as_str())?;
        Some(match *note {
            Ta1Note::Code(code) => code,
            Ta1Note::IsaElement => d.loc.element.map_or("022", isa_element_note),
        })
    }
}

/// TA105 for an error on ISA element `n` (I18: 010–013 authorization and security, 005–008
/// sender and receiver, 014/015 date and time, 017 version, 018 control number, 019
/// acknowledgment requested, 020 test indicator, 027 component separator). ISA11, the
/// repetition separator in 5010, has no code of its own before release 5042: 022, as X12
/// RFI 1497 answers.
pub fn isa_element_note(n: u8) -> &'static str {
    match n {
        1 => "010",
        2 => "011",
        3 => "012",
        4 => "013",
        5 => "005",
        6 => "006",
        7 => "007",
        8 => "008",
        9 => "014",
        10 => "015",
        12 => "017",
        13 => "018",
        14 => "019",
        15 => "020",
        16 => "027",
        _ => "022",
    }
}

impl Rule {
    /// First sentence of "What it does", for `claimlint rules`.
    pub fn summary(&self) -> &'static str {
        let body = self.doc.split("## What it does").nth(1).unwrap_or(self.doc);
        let body = body.trim_start();
        // `///` leaves a space before each doc line, so the next heading is `\n ##`.
        let end = [body.find("\n##"), body.find("\n ##")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(body.len());
        body[..end].trim()
    }
}

/// The scope a rule sees. The engine walks the model once and calls each rule at its scope.
#[derive(Debug)]
pub enum Check {
    /// Found by the envelope scan or the lexer: the scan returns typed issues and the rule's
    /// file turns them into diagnostics (`envelope::owner`). The file also holds the doc and
    /// cases.
    Lexer,
    /// Each segment of a transaction set as it is read, before the model is built (the bytes
    /// of a segment, e.g. characters outside the X12 set). Its findings belong to the
    /// transaction set (ST02).
    Segment(fn(&claimlint_x12::Segment<'_>, &mut Ctx<'_>)),
    /// Once per file, over all its envelopes (e.g. duplicate control numbers). Reads what the
    /// scan copied out, not the envelope segments: those of every interchange read at once
    /// would map a large input's pages back in (as much as 2 MiB each).
    File(fn(&Scan<'_>, &mut Ctx<'_>)),
    Interchange(fn(&Interchange<'_>, &mut Ctx<'_>)),
    /// Each functional group, of an interchange or of a fragment (its GS and GE).
    Group(fn(&Group<'_>, &mut Ctx<'_>)),
    /// Envelope rules with a part per transaction set (its ST and SE, with the GS of its group),
    /// run while that transaction set is checked, and a part per interchange (ISA/GS/GE/IEA)
    /// run at the end. Reading every ST and SE again at the end would page a whole
    /// memory-mapped gigabyte back in.
    Envelope(
        fn(&Interchange<'_>, &mut Ctx<'_>),
        fn(
            Option<&claimlint_x12::Segment<'_>>,
            &claimlint_x12::envelope::TxFrame<'_>,
            &mut Ctx<'_>,
        ),
    ),
    Transaction(fn(&Transaction<'_>, &mut Ctx<'_>)),
    Claim(fn(&Claim<'_>, &mut Ctx<'_>)),
    Line(fn(&ServiceLine<'_>, &mut Ctx<'_>)),
    /// Lines that carry a 2410 LIN.
    Drug(fn(&DrugLine<'_>, &mut Ctx<'_>)),
    /// Across the claims of every input at once (XCL). The engine never calls these, since it
    /// sees one file; `claimlint audit` and `claimlint check` run them over the facts of all
    /// inputs (`cross_claim::run`) once every file has been checked.
    Batch(fn(&[cross_claim::Member<'_>], &mut cross_claim::BatchCtx<'_>)),
}

/// What a rule reports through; fills in code, severity and context.
pub struct Ctx<'c> {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub out: &'c mut Vec<Diagnostic>,
    pub tx: Option<&'c Transaction<'c>>,
    pub claim: Option<&'c Claim<'c>>,
    pub line: Option<&'c ServiceLine<'c>>,
    /// The resolved profile's rule parameters (PAY001's prior-authorization list, PAY002's
    /// limits, the config file's `[single-dose]` rows): configuration reaches rules only
    /// through here, so rules stay pure.
    pub params: &'c Params,
    /// The run's reference data (embedded tables, `--data-dir` files first).
    pub data: &'c Data,
    /// What is looked up once for `claim` and each of its lines, shared by the rules that run
    /// on them.
    pub facts: Option<&'c ClaimFacts>,
    /// What the transaction rules of `tx` look up once for the set, shared by them all
    /// (`None` outside the engine's run of a set's transaction rules: each finds its own).
    pub(crate) tx_facts: Option<&'c TxFacts>,
}

/// What the transaction rules of one set find once and share: each a function of the set,
/// the params and the data (the same for every rule of the set), found by the first rule
/// that asks. The engine makes one for each set's transaction rules and drops it after them.
#[derive(Default)]
pub(crate) struct TxFacts {
    /// The set's mistyped segments (`structure::mistyped::all_mistyped`): STR002, STR003,
    /// STR004 and the subscriber-as-patient check read them.
    pub(crate) mistyped: std::cell::OnceCell<Vec<structure::mistyped::Mistyped>>,
    /// The set's segments moved across a loop boundary (`structure::moved::all_moved`):
    /// STR002, STR003 and the reading of strays outside the set read them.
    pub(crate) moved: std::cell::OnceCell<Vec<structure::moved::Moved>>,
}

/// Reference data resolved for one service line, at most once, by the first rule that asks:
/// each is a function of the line, its claim and the run's data, all fixed while the rules of
/// one claim run, so every rule sees what it would have looked up itself.
#[derive(Default)]
pub struct LineFacts {
    crosswalk: std::cell::OnceCell<Option<drugs::Crosswalked>>,
    drug_code: std::cell::OnceCell<bool>,
    billed_expected: std::cell::OnceCell<Option<Dec>>,
    /// CTP04 as a number ([`DrugLine::quantity_value`]): NDC005, NDC007 and UNT003 read it,
    /// and the billed-units fact.
    drug_quantity: std::cell::OnceCell<Option<Dec>>,
    /// The HCPCS file's row of the line's HCPCS code (`ServiceLine::hcpcs_text`).
    hcpcs_row: std::cell::OnceCell<Option<Hcpcs>>,
    /// [`modifiers::jw_jz::is_1861_s10_vaccine`] of the line's HCPCS code.
    vaccine: std::cell::OnceCell<bool>,
}

/// The last claim whose subscriber SBR `modifiers::jw_jz` looked for (its CLM's segment index)
/// and what it found (the SBR's index; `None`: an HL*22 came first).
pub(crate) type SbrMemo = std::cell::Cell<Option<(u32, Option<u32>)>>;

/// What the rules of one claim look up once: the facts of each of its lines (by their index
/// in `Claim::lines`) and of the claim itself. A function of the claim, its transaction set,
/// the settings and the data, all fixed while the claim's rules run. Kept by the engine from
/// claim to claim ([`ClaimFacts::reset`]) so its buffer is allocated once per task.
#[derive(Default)]
pub struct ClaimFacts {
    lines: Vec<LineFacts>,
    /// Whether the JW/JZ policy's payer scope takes the claim (`modifiers::jw_jz`).
    jw_jz_payer: std::cell::OnceCell<bool>,
    /// The claim's lines by code, date and JW ([`drugs::partner_index`]).
    jw_partners: std::cell::OnceCell<Vec<u32>>,
    /// The last claim whose subscriber SBR `modifiers::jw_jz` looked for, and the SBR's index
    /// (`None`: an HL*22 came first): a claim after it in the same set looks back only to it.
    /// Kept for the claims that follow, like `created`.
    pub(crate) subscriber_sbr: SbrMemo,
    /// CODE003's verdicts by code and release: not the claim's, but kept for the claims that
    /// follow (`code_sets::icd10_invalid::ValidMemo`), so not emptied by `reset`.
    pub(crate) icd10_valid: std::cell::RefCell<code_sets::icd10_invalid::ValidMemo>,
    /// The day the transaction set was created (BHT04, `situational::service_date_invalid`):
    /// the engine keeps one `ClaimFacts` for claims of one transaction set only, so this is
    /// worked out once for them all and, like `icd10_valid`, not emptied by `reset`.
    created: std::cell::OnceCell<Option<claimlint_model::Date>>,
    /// The LINs of the transaction set whose CTP the walk found written late
    /// (`ndc::drug_quantity_invalid::written_late`): one search of the set's structure issues
    /// for all its drug lines, kept, like `created`, for the claims that follow, and shared
    /// by the facts of every chunk of the set's claims ([`ClaimFacts::of_set`]), so a set run
    /// in chunks searches once too, not once per chunk (a function of the set alone).
    late_ctp: SetFacts,
    /// The MUE coverage UNT002 last asked for (`units::mue_exceeded`): the setting, the dates
    /// it holds for (`Data::coverage_span`) and the first date of the table that answers. A
    /// function of the data alone, kept for the claims that follow, so not emptied by `reset`.
    pub(crate) mue_span: std::cell::Cell<Option<units::mue_exceeded::KnownSpan>>,
}

/// What the claims of one transaction set look up once for the set, whichever chunk of its
/// claims asks first (the engine runs a large set's claims in chunks on several threads).
pub(crate) type SetFacts = std::sync::Arc<std::sync::OnceLock<Vec<usize>>>;

impl ClaimFacts {
    /// Facts for claims of the transaction set whose set-wide facts are `set`.
    pub(crate) fn of_set(set: &SetFacts) -> ClaimFacts {
        ClaimFacts {
            late_ctp: std::sync::Arc::clone(set),
            ..ClaimFacts::default()
        }
    }

    /// Empties every fact, for a claim of `lines` service lines.
    pub(crate) fn reset(&mut self, lines: usize) {
        self.lines.clear();
        self.lines.resize_with(lines, LineFacts::default);
        self.jw_jz_payer = std::cell::OnceCell::new();
        self.jw_partners = std::cell::OnceCell::new();
    }
}

impl<'c> Ctx<'c> {
    pub fn report(&mut self, loc: Loc, message: impl Into<String>) -> &mut Diagnostic {
        let mut d = Diagnostic::new(self.rule.code, self.severity, loc, message);
        // A transaction rule reports without a claim of its own: the claim and line are those
        // enclosing the segment, as OUTPUT.md defines `claim_id` and `line_number`.
        let (claim, line) = match (self.claim, self.tx) {
            (None, Some(tx)) => enclosing(tx, loc.position),
            _ => (self.claim, self.line),
        };
        d.context = Context {
            transaction: self.tx.and_then(|t| t.control_number()),
            set_at: self.tx.and_then(|t| t.segments.first()).map(|st| st.offset),
            claim_id: claim.and_then(|c| c.id()).map(|e| e.text().into_owned()),
            line_number: line.and_then(|l| l.number_value()),
            claim_at: claim.map(|c| c.clm.offset),
            line_at: line.map(|l| l.lx.offset),
            loop_id: self
                .tx
                .and_then(|t| t.loop_of((loc.position as usize).wrapping_sub(1))),
        };
        self.out.push(d);
        self.out.last_mut().expect("pushed just above")
    }

    pub fn claim(&self) -> Option<&'c Claim<'c>> {
        self.claim
    }

    /// Is the line's HCPCS code a drug code ([`drugs::is_drug_code`])? Looked up once per line
    /// of the context's claim.
    pub fn is_drug_code_line(&self, line: &ServiceLine<'_>) -> bool {
        let look = || {
            drugs::hcpcs_of(line)
                .is_some_and(|c| drugs::is_drug_code_with(c, self.data, || self.hcpcs_row(line)))
        };
        match self.facts_of(line) {
            Some(f) => *f.drug_code.get_or_init(look),
            None => look(),
        }
    }

    /// The HCPCS file's row of `line`'s HCPCS code (`data.hcpcs(line.hcpcs_text())`), looked
    /// up once per line of the context's claim.
    pub fn hcpcs_row(&self, line: &ServiceLine<'_>) -> Option<Hcpcs> {
        let look = || self.data.hcpcs(line.hcpcs_text()?);
        match self.facts_of(line) {
            Some(f) => *f.hcpcs_row.get_or_init(look),
            None => look(),
        }
    }

    /// Whether `line`'s HCPCS code is a §1861(s)(10) vaccine
    /// ([`modifiers::jw_jz::is_1861_s10_vaccine`]), worked out once per line of the context's
    /// claim; false without a code.
    pub fn is_vaccine_line(&self, line: &ServiceLine<'_>) -> bool {
        let look = || {
            drugs::hcpcs_of(line)
                .is_some_and(|c| modifiers::jw_jz::is_1861_s10_vaccine(c, || self.hcpcs_row(line)))
        };
        match self.facts_of(line) {
            Some(f) => *f.vaccine.get_or_init(look),
            None => look(),
        }
    }

    /// `work()`, the day the context's transaction set was created, once for the claims of a
    /// task (`ClaimFacts::created`); without facts, `work()` each time.
    pub(crate) fn created(
        &self,
        work: impl FnOnce() -> Option<claimlint_model::Date>,
    ) -> Option<claimlint_model::Date> {
        match self.facts {
            Some(f) => *f.created.get_or_init(work),
            None => work(),
        }
    }

    /// The LINs whose CTP is written late in the transaction set (`work()`), worked out once
    /// for its claims (`ClaimFacts`).
    pub(crate) fn late_ctp<T>(
        &self,
        work: impl FnOnce() -> Vec<usize>,
        ask: impl FnOnce(&[usize]) -> T,
    ) -> T {
        match self.facts {
            Some(f) => ask(f.late_ctp.get_or_init(work)),
            None => ask(&work()),
        }
    }

    /// `work()` for `claim`, once per claim when it is the context's own (`ClaimFacts`).
    pub(crate) fn jw_jz_payer(&self, claim: &Claim<'_>, work: impl FnOnce() -> bool) -> bool {
        match self
            .facts
            .filter(|_| self.claim.is_some_and(|c| std::ptr::eq(c, claim)))
        {
            Some(f) => *f.jw_jz_payer.get_or_init(work),
            None => work(),
        }
    }

    /// [`drugs::partner_with`]: for a claim of many lines that is the context's own, from the
    /// claim's [`drugs::partner_index`], built once (the same answer); for a claim of a few
    /// lines, the scan, cheaper than sorting them.
    pub(crate) fn jw_partner(
        &self,
        claim: &Claim<'_>,
        line: &ServiceLine<'_>,
        code: &str,
        jw: bool,
    ) -> bool {
        /// From this many lines a claim's partners are looked up in its index.
        const INDEX_FROM: usize = 64;
        match self.facts.filter(|_| {
            claim.lines.len() >= INDEX_FROM && self.claim.is_some_and(|c| std::ptr::eq(c, claim))
        }) {
            Some(f) => {
                let index = f.jw_partners.get_or_init(|| drugs::partner_index(claim));
                drugs::has_partner(index, claim, line, code, jw)
            }
            None => drugs::partner_with(claim, line, code, jw),
        }
    }

    /// The memo of `modifiers::jw_jz`'s search for a claim's subscriber SBR, when the context
    /// keeps facts.
    pub(crate) fn subscriber_sbr_memo(&self) -> Option<&'c SbrMemo> {
        self.facts.map(|f| &f.subscriber_sbr)
    }

    /// The billing units `line`'s own drug quantity is worth under the crosswalk row of the
    /// code it bills ([`drugs::expected_units`], exact): `None` without a billed row, a
    /// positive quantity, a unit, or a conversion. Worked out once per line of the context's
    /// claim.
    pub fn billed_expected_units(&self, line: &ServiceLine<'_>) -> Option<Dec> {
        let work = || {
            let row = self.crosswalked(line)?.billed?;
            let drug = line.drug.as_ref()?;
            let qty = self.drug_quantity(line).filter(|q| q.is_positive())?;
            drugs::expected_units(row, qty, drug.unit()?.bytes)
        };
        match self.facts_of(line) {
            Some(f) => *f.billed_expected.get_or_init(work),
            None => work(),
        }
    }

    /// The drug quantity of `line`: CTP04 as a number ([`DrugLine::quantity_value`]; `None`
    /// without a drug, a quantity or a number), read once per line of the context's claim.
    pub fn drug_quantity(&self, line: &ServiceLine<'_>) -> Option<Dec> {
        let work = || line.drug.as_ref()?.quantity_value();
        match self.facts_of(line) {
            Some(f) => *f.drug_quantity.get_or_init(work),
            None => work(),
        }
    }

    /// [`Ctx::drug_quantity`] of `drug` when it is the 2410 loop of the context's line (a drug
    /// rule's), else read from `drug`: the same number either way.
    pub fn drug_quantity_of(&self, drug: &DrugLine<'_>) -> Option<Dec> {
        let own = |l: &&ServiceLine<'_>| l.drug.as_deref().is_some_and(|d| std::ptr::eq(d, drug));
        match self.line.filter(own) {
            Some(line) => self.drug_quantity(line),
            None => drug.quantity_value(),
        }
    }

    /// [`is_drug_line`] with the drug-code lookup shared by the rules of `line`.
    pub fn is_drug_line(&self, line: &ServiceLine<'_>) -> bool {
        drug_line_by(line, || self.is_drug_code_line(line))
    }

    /// The shared lookups of `line`, when it is one of the lines of the context's claim: found
    /// by its address in `Claim::lines` (and checked to be that element), not by a search.
    fn facts_of(&self, line: &ServiceLine<'_>) -> Option<&'c LineFacts> {
        let (claim, facts) = (self.claim?, self.facts?);
        let size = std::mem::size_of::<ServiceLine<'_>>();
        let from =
            (line as *const ServiceLine<'_> as usize).checked_sub(claim.lines.as_ptr() as usize)?;
        let i = from / size.max(1);
        let own = claim.lines.get(i)?;
        std::ptr::eq(own, line)
            .then(|| facts.lines.get(i))
            .flatten()
    }

    /// [`drugs::crosswalked`] for `line` and this context's claim, looked up once per line
    /// of the context's claim.
    pub fn crosswalked(&self, line: &ServiceLine<'_>) -> Option<drugs::Crosswalked> {
        match self.facts_of(line) {
            Some(f) => *f
                .crosswalk
                .get_or_init(|| drugs::crosswalked(self.data, line, self.claim)),
            None => drugs::crosswalked(self.data, line, self.claim),
        }
    }

    pub fn line(&self) -> Option<&'c ServiceLine<'c>> {
        self.line
    }

    pub fn tx(&self) -> Option<&'c Transaction<'c>> {
        self.tx
    }

    pub fn params(&self) -> &'c Params {
        self.params
    }

    pub fn data(&self) -> &'c Data {
        self.data
    }

    /// Single-dose or not: the config file's `[single-dose]` rows first, then the data.
    pub fn single_dose(&self, hcpcs: &str, ndc11: Option<&str>) -> Option<SingleDose> {
        self.data
            .single_dose(&self.params.single_dose, hcpcs, ndc11)
    }
}

/// Declares a rule as a `pub static` named after its code. The `///` lines become its doc.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        code: $code:ident, name: $name:literal, severity: $sev:ident, snip: $snip:literal,
        x999: $x999:expr,
        $(ta1: $ta1:expr,)?
        $(fix: $fix:ident,)?
        $(x277: $x277:expr,)?
        check: $kind:ident $(($($f:path),+))? $(,)?
    ) => {
        pub static $code: $crate::Rule = $crate::Rule {
            code: stringify!($code),
            name: $name,
            severity: ::claimlint_diagnostic::Severity::$sev,
            snip: $snip,
            doc: concat!($($doc, "\n"),*),
            x999: {
                #[allow(unused_imports)]
                use $crate::X999::*;
                #[allow(unused_imports)]
                use ::claimlint_diagnostic::Ack999::*;
                $x999
            },
            ta1: $crate::declare_rule!(@ta1 $($ta1)?),
            fix: $crate::declare_rule!(@fix $($fix)?),
            x277: $crate::declare_rule!(@x277 stringify!($code) $(, $x277)?),
            check: $crate::Check::$kind $(($($f),+))?,
        };
    };
    (@x277 $code:expr) => { $crate::X277::family($code) };
    (@x277 $code:expr, $x277:expr) => {{
        #[allow(unused_imports)]
        use $crate::x277::*;
        $x277
    }};
    (@ta1) => { $crate::Ta1::Never };
    (@fix) => { $crate::Fixable::Never };
    (@fix $fix:ident) => { $crate::Fixable::$fix };
    (@ta1 $ta1:expr) => {{
        #[allow(unused_imports)]
        use $crate::Ta1::*;
        #[allow(unused_imports)]
        use $crate::Ta1Note::*;
        $ta1
    }};
}
pub(crate) use declare_rule;

/// Every rule, sorted by code.
pub static RULES: &[&Rule] = &[
    &balancing::claim_charge_mismatch::BAL001,
    &balancing::cob_payment_mismatch::BAL002,
    &code_sets::hcpcs_unknown::CODE001,
    &code_sets::hcpcs_not_effective::CODE002,
    &code_sets::icd10_invalid::CODE003,
    &code_sets::modifier_unknown::CODE004,
    &code_sets::place_of_service::CODE005,
    &code_sets::revenue_code::CODE006,
    &code_sets::npi_invalid::CODE007,
    &code_sets::icd_version_mismatch::CODE008,
    &drugs::unlisted_drug_detail::DRG001,
    &drugs::drug_revenue_code_without_hcpcs::DRG002,
    &drugs::drug_code_has_specific_code::DRG003,
    &envelope::isa_malformed::ENV001,
    &envelope::control_numbers::ENV002,
    &envelope::counts::ENV003,
    &envelope::unbalanced::ENV004,
    &envelope::unsupported_transaction::ENV005,
    &envelope::duplicate_control_number::ENV006,
    &envelope::isa_values::ENV007,
    &envelope::data_before_isa::ENV008,
    &envelope::input_unreadable::ENV009,
    &envelope::gs_values::ENV010,
    &envelope::final_terminator_missing::ENV011,
    &modifiers::jw_jz::MOD001,
    &modifiers::jw_jz::MOD002,
    &modifiers::jw_jz::MOD003,
    &modifiers::modifier_malformed::MOD004,
    &modifiers::modifier_not_applicable::MOD005,
    &modifiers::jw_jz_on_multi_dose::MOD006,
    &ndc::ndc_missing::NDC001,
    &ndc::ndc_format::NDC002,
    &ndc::ndc_unknown::NDC003,
    &ndc::ndc_hcpcs_mismatch::NDC004,
    &ndc::drug_quantity_invalid::NDC005,
    &ndc::lin_qualifier::NDC006,
    &ndc::units_inconsistent::NDC007,
    &payer::prior_auth_missing::PAY001,
    &payer::quantity_limit::PAY002,
    &situational::diagnosis_pointer_invalid::SIT001,
    &situational::principal_diagnosis_missing::SIT002,
    &situational::replacement_without_original::SIT003,
    &situational::service_date_invalid::SIT004,
    &situational::billing_provider_zip9::SIT005,
    &structure::hl_invalid::STR001,
    &structure::required_segment_missing::STR002,
    &structure::unexpected_segment::STR003,
    &structure::repeat_exceeded::STR004,
    &structure::lx_sequence::STR005,
    &structure::claim_without_lines::STR006,
    &syntax::unknown_segment::SYN001,
    &syntax::element_length::SYN002,
    &syntax::element_type::SYN003,
    &syntax::too_many_elements::SYN004,
    &syntax::invalid_character::SYN005,
    &syntax::trailing_separator::SYN006,
    &syntax::required_element::SYN007,
    &syntax::code_value::SYN008,
    &syntax::syntax_rule::SYN009,
    &units::units_invalid::UNT001,
    &units::mue_exceeded::UNT002,
    &units::units_dose_confusion::UNT003,
    &cross_claim::duplicate_claim::XCL001,
    &cross_claim::dose_interval::XCL002,
];

/// Finds a rule by code (`NDC004`) or name (`ndc-hcpcs-mismatch`), case-insensitively.
pub fn find(key: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

/// RULES.md, NDC family: a drug HCPCS code (in the crosswalk, a J code, an injectable Q
/// code, an unclassified drug code), an 837I drug revenue code (0634–0636), or a 2410 LIN.
pub fn is_drug_line(data: &Data, line: &ServiceLine<'_>) -> bool {
    drug_line_by(line, || {
        drugs::hcpcs_of(line).is_some_and(|c| drugs::is_drug_code(data, c))
    })
}

/// [`is_drug_line`] with the drug-code answer for the line's HCPCS code from `drug_code`,
/// asked only when the line has no 2410 and no drug revenue code.
fn drug_line_by(line: &ServiceLine<'_>, drug_code: impl FnOnce() -> bool) -> bool {
    line.drug.is_some()
        || line
            .revenue_code()
            .is_some_and(|r| drugs::is_drug_revenue_code(r.bytes))
        || drug_code()
}

#[cfg(test)]
mod registry_tests {
    use super::*;

    /// `enclosing`'s line by binary search is the first line holding the position, as a scan
    /// finds it, at every position of every set of the defect fixtures (lines missing their
    /// LX, lines moved, claims cut short), and every claim's line of the partner index is
    /// what the line scan of `drugs::partner_with` answers.
    #[test]
    fn enclosing_line_is_the_scan() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/differential/");
        for name in [
            "p-defects.837",
            "i-defects.837",
            "p-dense.837",
            "mixed-defects.837",
        ] {
            let input = std::fs::read(format!("{root}{name}")).expect("fixture");
            let seen = crate::engine::models(&input, &mut |tx| {
                for p in 0..=u32::try_from(tx.segments.len()).unwrap_or(0) + 1 {
                    let (claim, line) = enclosing(tx, p);
                    let scan = claim
                        .zip(p.checked_sub(1))
                        .and_then(|(c, i)| c.lines.iter().find(|l| l.index <= i && i < l.end));
                    assert!(line.map(std::ptr::from_ref) == scan.map(std::ptr::from_ref));
                }
                for c in &tx.claims {
                    let index = drugs::partner_index(c);
                    for l in &c.lines {
                        let Some(code) = drugs::hcpcs_of(l) else {
                            continue;
                        };
                        for jw in [false, true] {
                            assert_eq!(
                                drugs::has_partner(&index, c, l, code, jw),
                                drugs::partner_with(c, l, code, jw)
                            );
                        }
                    }
                }
                tx.claims.len()
            });
            assert!(seen.iter().sum::<usize>() > 0, "{name} has claims");
        }
    }

    /// SNIP 1–2 findings are what a 999 reports; each such rule declares its coding, and the
    /// ones a 999 does not carry are listed here with the reason.
    const NOT_IN_999: &[(&str, &str)] = &[
        (
            "ENV001",
            "an unreadable ISA: the interchange is answered by a TA1",
        ),
        ("ENV007", "ISA values: interchange level, a TA1's"),
        ("ENV008", "data before the ISA: outside every interchange"),
        (
            "ENV009",
            "the input could not be read: there is nothing to acknowledge",
        ),
        (
            "ENV011",
            "a missing final terminator: a warning, the interchange is read",
        ),
        (
            "MOD004",
            "modifier form: a claim-level finding for the 277CA",
        ),
        (
            "NDC005",
            "drug quantity: a claim-level finding for the 277CA",
        ),
        (
            "NDC006",
            "LIN qualifier: a claim-level finding for the 277CA",
        ),
    ];

    #[test]
    fn syntax_rules_declare_their_999_coding() {
        for r in RULES.iter().filter(|r| r.snip <= 2) {
            let listed = NOT_IN_999.iter().any(|(c, _)| *c == r.code);
            assert_eq!(
                r.x999 == X999::Never,
                listed,
                "{}: a SNIP 1–2 rule declares its 999 coding, or is listed in NOT_IN_999 with why",
                r.code
            );
        }
    }

    /// The coding is read from the declaration and the finding's own `ack`, never from the
    /// message: rewording a message cannot change a 999.
    #[test]
    fn a_999_coding_does_not_depend_on_the_message() {
        let loc = claimlint_x12::Loc {
            segment: claimlint_diagnostic::SegId::default(),
            position: 3,
            element: Some(2),
            component: None,
            offset: 0,
            length: 1,
            terminator: b'~',
        };
        for r in RULES {
            let mut d = Diagnostic::new(r.code, r.severity, loc, "loop syntax rule E shorten");
            d.ack = Some(Ack999::Element("10"));
            let before = r.x999.of(&d);
            d.message = "reworded".into();
            d.help = Some("reworded".into());
            assert_eq!(r.x999.of(&d), before, "{}", r.code);
        }
    }

    fn on(segment: &[u8], element: Option<u8>, code: &'static str) -> Diagnostic {
        let loc = claimlint_x12::Loc {
            segment: claimlint_diagnostic::SegId::new(segment),
            position: 1,
            element,
            component: None,
            offset: 0,
            length: 1,
            terminator: b'~',
        };
        Diagnostic::new(code, Severity::Error, loc, "loop syntax rule E shorten")
    }

    /// The rules whose findings on the ISA or IEA reject an interchange with a TA1 declare
    /// their note code (TA105); the coding does not depend on the message, and no other rule
    /// is carried by a TA1.
    #[test]
    fn ta1_codings_are_declared_and_ignore_the_message() {
        let carried: Vec<&str> = RULES
            .iter()
            .filter(|r| r.ta1 != Ta1::Never)
            .map(|r| r.code)
            .collect();
        assert_eq!(
            carried,
            [
                "ENV001", "ENV002", "ENV003", "ENV004", "ENV006", "ENV007", "ENV011", "SYN001",
                "SYN005"
            ]
        );
        for (segment, element, code, want) in [
            (&b"ISA"[..], Some(12), "ENV007", Some("017")),
            (b"ISA", Some(11), "ENV007", Some("022")),
            (b"ISA", Some(6), "ENV001", Some("006")),
            (b"ISA", None, "ENV001", Some("022")),
            (b"ISA", Some(13), "ENV006", Some("025")),
            (b"GS", Some(6), "ENV006", None),
            (b"ISA", None, "ENV004", Some("023")),
            (b"IEA", None, "ENV004", Some("022")),
            (b"IEA", Some(2), "ENV002", Some("001")),
            (b"IEA", Some(1), "ENV003", Some("021")),
            (b"SE", Some(1), "ENV003", None),
            (b"IEA", None, "ENV011", Some("022")),
            // `iea`: read as the IEA, but a receiver reading ids as written finds none.
            (b"IEA", None, "SYN001", Some("023")),
            // `gs`: no functional group header where a receiver reads ids as written.
            (b"GS", None, "SYN001", Some("024")),
            (b"ISA", Some(2), "SYN003", None),
            // A file wrapped at a width under 106 is cut inside its ISA (`folded`).
            (b"ISA", Some(10), "SYN005", Some("022")),
            (b"NM1", Some(3), "SYN005", None),
        ] {
            let rule = find(code).expect("a rule");
            let mut d = on(segment, element, code);
            assert_eq!(rule.ta1.of(&d), want, "{code} on {segment:?} {element:?}");
            d.message = "reworded".into();
            d.help = Some("reworded".into());
            assert_eq!(rule.ta1.of(&d), want, "{code}, reworded");
        }
    }

    /// The engine runs rules by their `Check` kind only: a rule that reads raw segments is
    /// declared `Check::Segment`, not called by name.
    #[test]
    fn segment_rules_are_declared_as_such() {
        let segment: Vec<&str> = RULES
            .iter()
            .filter(|r| matches!(r.check, Check::Segment(_)))
            .map(|r| r.code)
            .collect();
        assert_eq!(segment, ["SYN005"]);
    }

    #[test]
    fn codes_are_unique_sorted_and_well_formed() {
        for pair in RULES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for r in RULES {
            let (letters, digits) = r.code.split_at(r.code.len() - 3);
            assert!(
                (3..=4).contains(&letters.len()) && letters.bytes().all(|b| b.is_ascii_uppercase()),
                "{}",
                r.code
            );
            assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{}", r.code);
            assert!(
                !r.name.is_empty()
                    && r.name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                r.name
            );
            assert!((1..=7).contains(&r.snip), "{}", r.code);
        }
        let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len(), "rule names must be unique");
    }

    #[test]
    fn every_doc_has_the_four_headings() {
        for r in RULES {
            for h in [
                "## What it does",
                "## Why it matters",
                "## Example",
                "## Fix",
            ] {
                assert!(r.doc.contains(h), "{} lacks {h}", r.code);
            }
            assert!(!r.summary().is_empty(), "{}", r.code);
        }
    }

    #[test]
    fn every_rule_has_fixtures() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rules");
        // ENV009 is about files that cannot be read, which a fixture cannot be; tests/cli.rs
        // checks it with a missing path.
        for r in RULES.iter().filter(|r| r.code != "ENV009") {
            for kind in ["trip", "pass"] {
                let dir = root.join(r.code).join(kind);
                let n = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
                assert!(
                    n > 0,
                    "{} has no {kind} fixture in {}",
                    r.code,
                    dir.display()
                );
            }
        }
    }

    #[test]
    fn find_by_code_or_name() {
        assert_eq!(find("env002").map(|r| r.code), Some("ENV002"));
        assert_eq!(
            find("control-number-mismatch").map(|r| r.code),
            Some("ENV002")
        );
        assert!(find("XYZ999").is_none());
    }
}
