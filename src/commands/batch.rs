//! The rules across inputs (XCL: duplicate claims, dose intervals) for `check` and `ack` over
//! several inputs: each input's claim facts are taken while it is checked, the batch rules run
//! once every input is, and their findings join the report of the file each is in (under
//! that file's own settings), re-rendered for the human format.

use super::check::Checked;
use crate::input::Input;
use crate::report::{self, escape::visible};
use crate::resolve::Governed;
use claimlint_rules::cross_claim::{self, ClaimRef, Member};
use std::path::Path;
use std::sync::Arc;

/// Whether the run needs the batch rules: more than one input, and one of them selected.
pub fn wanted(files: &[(String, Arc<Governed>)]) -> bool {
    files.len() > 1
        && files
            .iter()
            .any(|(_, g)| cross_claim::any_selected(&g.resolved.default))
}

/// Runs the batch rules over every checked input and adds their findings to its report.
pub fn add(
    done: &mut [Checked],
    files: &[(String, Arc<Governed>)],
    limit: u64,
    render: Option<bool>,
) {
    // Files in path order: the batch's canonical order, whatever order they were given in.
    // A path given twice is one file, not a file sent twice: its first report stands for it.
    let mut order: Vec<usize> = (0..done.len()).collect();
    order.sort_by(|&a, &b| {
        done[a]
            .report
            .path
            .cmp(&done[b].report.path)
            .then(a.cmp(&b))
    });
    order.dedup_by(|a, b| done[*a].report.path == done[*b].report.path);
    let mut members: Vec<Member<'_>> = Vec::new();
    for (rank, &i) in order.iter().enumerate() {
        let c = &done[i];
        for (n, claim) in c.facts.iter().enumerate() {
            members.push(Member {
                at: ClaimRef {
                    file: u32::try_from(rank).unwrap_or(u32::MAX),
                    claim: u32::try_from(n).unwrap_or(u32::MAX),
                },
                path: &c.report.path,
                claim,
            });
        }
    }
    let Some(first) = order.first().and_then(|&i| files.get(i)) else {
        return;
    };
    let findings = cross_claim::run(&mut members, &first.1.resolved.default);
    drop(members);
    let mut added = vec![false; done.len()];
    for f in findings {
        let Some(&i) = order.get(f.at.file as usize) else {
            continue;
        };
        let Some(severity) = files[i].1.resolved.default.severity(f.diagnostic.code) else {
            continue;
        };
        let mut d = f.diagnostic;
        d.severity = severity;
        let outcome = &mut done[i].report.outcome;
        outcome.tally.count(severity);
        outcome.diagnostics.push(d);
        added[i] = true;
    }
    for (c, _) in done.iter_mut().zip(&added).filter(|(_, a)| **a) {
        let outcome = &mut c.report.outcome;
        outcome.diagnostics.sort_by_key(|d| d.loc.offset);
        if let Some(color) = render {
            c.report.rendered = Some(rerender(&c.report.path, &outcome.diagnostics, limit, color));
        }
    }
}

/// The human rendering of a file's diagnostics, read again for the snippets (standard input
/// cannot be: its diagnostics are then listed without them).
fn rerender(
    path: &str,
    diagnostics: &[claimlint_diagnostic::Diagnostic],
    limit: u64,
    color: bool,
) -> String {
    match (path != "-")
        .then(|| Input::open(Path::new(path), limit).ok())
        .flatten()
    {
        Some(input) => report::human::render_file(path, &input, diagnostics, color),
        None => diagnostics
            .iter()
            .map(|d| format!("{}[{}]: {}\n\n", d.severity, d.code, visible(&d.message)))
            .collect(),
    }
}
