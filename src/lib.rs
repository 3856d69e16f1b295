//! claimlint: a linter for X12 837 health-care claims (837P 005010X222A1, 837I 005010X223A2).
//!
//! This is the top of the workspace: the commands, their flags, input reading, settings
//! resolution (`claimlint.toml`, profiles, flags → `claimlint_rules::LintSettings`), output
//! formats and the batch audit. It owns I/O, the reference data handle's construction
//! (`--data-dir`) and exit status. The crates below it, each depending only on those after it
//! (docs/architecture.md, checked by tests/layering.rs): `claimlint_rules` (rules and the
//! engine) → `claimlint_data` → `claimlint_model` → `claimlint_ig` → `claimlint_x12` →
//! `claimlint_diagnostic`.
//!
//! Its own modules import one way too, each only those after it (tests/layers.rs checks it):
//! `commands` (stdout, files, exit status) → `cli` (flags) → `audit` → `report` (formats
//! only) → `edit` (fixes, fragments, redaction: bytes in, bytes out) → `resolve` (inputs
//! and their settings, for every command) → `config` → `input` (the walk and the bytes of
//! one input).

pub mod audit;
pub mod cli;
pub mod commands;
pub mod config;
pub mod edit;
pub mod input;
pub mod report;
pub mod resolve;
