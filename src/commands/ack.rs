//! Writing acknowledgments: each 999 or TA1 into the output directory under a name no other
//! file has (`<input stem>.<ISA13>.999`, then `.2.999`...), whole or not at all, and whether
//! the run must fail: an input not read, an interchange not acknowledged, or one rejected.

use super::CliError;
use super::check::Checked;
use super::io::{create_dir, write_new};
use crate::report::escape::visible;
use std::path::Path;

/// Writes every acknowledgment of `done` into `dir`; returns a line per file written or input
/// not acknowledged, and whether any input failed.
pub fn write(dir: &Path, done: &[Checked]) -> Result<(String, bool), CliError> {
    create_dir(dir)?;
    let (mut text, mut failed) = (String::new(), false);
    for c in done {
        let path = &c.report.path;
        let stem = if path == "-" {
            "stdin".to_string()
        } else {
            Path::new(path)
                .file_stem()
                .map_or_else(|| "input".to_string(), |s| s.to_string_lossy().into_owned())
        };
        let Some(ack) = &c.ack else { continue };
        for why in &ack.not_acknowledged {
            failed = true;
            text.push_str(&format!(
                "not acknowledged: {}: {}\n",
                visible(path),
                visible(why)
            ));
        }
        for a in &ack.acks {
            let control = a.file_control();
            let written = write_new(dir, &format!("{stem}.{control}"), a.kind, a.text.as_bytes())?;
            failed |= a.rejects();
            let what = if a.kind == "ta1" {
                "interchange rejected (TA1)".to_string()
            } else {
                format!(
                    "{} accepted, {} accepted with errors, {} rejected",
                    a.accepted, a.noted, a.rejected
                )
            };
            text.push_str(&format!(
                "wrote {}: {what}\n",
                visible(&written.display().to_string())
            ));
        }
        if ack.acks.is_empty() && ack.not_acknowledged.is_empty() {
            failed = true;
            text.push_str(&format!(
                "not acknowledged: {}: nothing to acknowledge\n",
                visible(path)
            ));
        }
    }
    Ok((text, failed))
}
