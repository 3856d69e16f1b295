//! Edits of one input's bytes, each pure (bytes and settings in, bytes or diagnostics out):
//! `fix` applies the fixes findings carry (`claimlint check --fix`, `--diff`), `fragment`
//! checks a paste that starts inside a transaction set, `redact` replaces PHI with fake
//! values. The command layer reads and writes the files; nothing here touches one.

pub mod fix;
pub mod fragment;
pub mod redact;
