//! One root cause, one error (RULES.md): when a reported finding is the root of others, the
//! others are suppressed and counted. The precedence is the table `PRECEDENCE`, applied to the
//! findings of one input after its rules have run; the result depends only on the set of
//! findings (not their order, not the thread count).

use claimlint_diagnostic::Diagnostic;

/// Where a consequence must be to follow from its root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The same segment (transaction set and position).
    Segment,
    /// The same service line (transaction set, claim, LX).
    Line,
    /// The same claim (transaction set, CLM01).
    Claim,
    /// The same transaction set (ST02).
    Transaction,
    /// The whole input: the root makes everything after it unreadable.
    File,
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
    /// Why the consequences follow from the root (for the docs).
    pub why: &'static str,
}

/// The precedence of RULES.md "One root cause, one error".
pub const PRECEDENCE: &[Precedence] = &[
    Precedence {
        root: "ENV001",
        suppresses: &["ENV004", "ENV007", "STR003", "SYN001"],
        on: Some("ISA"),
        scope: Scope::File,
        why: "an unreadable ISA (e.g. ISA11 equal to another delimiter) misreads every \
              segment after it",
    },
    Precedence {
        root: "ENV004",
        suppresses: &["STR002"],
        on: None,
        scope: Scope::Transaction,
        why: "envelope before structure: a transaction set cut short misses its SE",
    },
    Precedence {
        root: "STR001",
        suppresses: &["STR002", "STR003", "SIT002"],
        on: None,
        scope: Scope::Transaction,
        why: "structure before content: a broken HL puts loops where their segments are not \
              expected and hides what they carry",
    },
    Precedence {
        root: "NDC004",
        suppresses: &["UNT002", "UNT003"],
        on: None,
        scope: Scope::Line,
        why: "the crosswalk before units: unit advice for a code the NDC does not belong to",
    },
    Precedence {
        root: "MOD002",
        suppresses: &["MOD003"],
        on: None,
        scope: Scope::Line,
        why: "JW and JZ on one line: the conflict is the defect, not the missing JW/JZ pairing",
    },
    Precedence {
        root: "XCL001",
        suppresses: &["XCL002"],
        on: None,
        scope: Scope::Claim,
        why: "an exact duplicate is not also a repeat inside the dosing interval",
    },
];

fn same(scope: Scope, root: &Diagnostic, d: &Diagnostic) -> bool {
    let (r, c) = (&root.context, &d.context);
    let tx = r.transaction == c.transaction;
    match scope {
        Scope::Transaction => tx,
        Scope::Claim => tx && r.claim_id.is_some() && r.claim_id == c.claim_id,
        Scope::Line => {
            tx && r.claim_id.is_some()
                && r.claim_id == c.claim_id
                && r.line_number.is_some()
                && r.line_number == c.line_number
        }
        Scope::Segment => tx && root.loc.offset == d.loc.offset,
        Scope::File => true,
    }
}

/// Whether `d` follows from one of `roots` under the table.
fn follows(d: &Diagnostic, roots: &[&Diagnostic]) -> bool {
    PRECEDENCE.iter().any(|p| {
        p.suppresses.contains(&d.code)
            && roots.iter().any(|r| {
                r.code == p.root
                    && p.on.is_none_or(|id| r.loc.segment.as_str() == id)
                    && !std::ptr::eq(*r, d)
                    && same(p.scope, r, d)
            })
    })
}

/// Removes from `out` the findings that follow from a reported root; returns them.
/// A root is never itself suppressed by its own consequence (the table has no cycles), so
/// the result is independent of order.
pub fn apply(out: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
    let root_codes: Vec<&str> = PRECEDENCE.iter().map(|p| p.root).collect();
    let roots: Vec<&Diagnostic> = out
        .iter()
        .filter(|d| root_codes.contains(&d.code))
        .collect();
    if roots.is_empty() {
        return Vec::new();
    }
    let drop: Vec<bool> = out.iter().map(|d| follows(d, &roots)).collect();
    let mut kept = Vec::with_capacity(out.len());
    let mut gone = Vec::new();
    for (d, x) in std::mem::take(out).into_iter().zip(drop) {
        if x { gone.push(d) } else { kept.push(d) }
    }
    *out = kept;
    gone
}

/// The suppressions a root code makes, for `claimlint explain`.
pub fn rows_for(code: &str) -> impl Iterator<Item = &'static Precedence> + '_ {
    PRECEDENCE
        .iter()
        .filter(move |p| p.root == code || p.suppresses.contains(&code))
}
