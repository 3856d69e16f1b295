//! The text summary of `claimlint audit`: totals, the rules with the most money at risk, the
//! paths not read and the files written. Formats only.

use super::Aggregate;
use crate::report::escape::visible;

/// The text summary: totals, the rules with the most money at risk, and what was written.
pub fn text(a: &Aggregate, written: &[String]) -> String {
    let t = &a.totals;
    let mut s = format!(
        "Audited {} files ({} unreadable): {} claims, {} service lines ({} drug), billed {}\n{} findings ({} errors, {} warnings, {} infos; {} suppressed) on {} lines; money at risk {}\n",
        t.files,
        t.unreadable_files,
        t.claims,
        t.service_lines,
        t.drug_lines,
        t.billed.display(),
        a.findings_total,
        t.errors,
        t.warnings,
        t.infos,
        t.suppressed,
        t.flagged_lines,
        t.at_risk.display()
    );
    let mut rules: Vec<_> = a.rules.iter().collect();
    rules.sort_by(|x, y| {
        y.at_risk
            .cmp(&x.at_risk)
            .then(y.count.cmp(&x.count))
            .then(x.code.cmp(y.code))
    });
    for r in rules.iter().take(10) {
        s.push_str(&format!(
            "  {:<7} {:<28} {:>8} findings {:>8} suppressed  {:>16} at risk\n",
            r.code,
            r.name,
            r.count,
            r.suppressed,
            r.at_risk.display()
        ));
    }
    for u in &a.unreadable {
        s.push_str(&format!(
            "  unreadable: {}: {}\n",
            visible(&u.path),
            visible(&u.error)
        ));
    }
    for w in written {
        s.push_str(&format!("wrote {}\n", visible(w)));
    }
    s
}
