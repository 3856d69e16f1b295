//! claimlint: a linter for X12 837 health-care claims (837P 005010X222A1, 837I 005010X223A2).
//!
//! This is the top of the workspace: the commands (`cli`), input reading (`input`), settings
//! resolution (`config`: `claimlint.toml`, profiles, flags → `claimlint_rules::LintSettings`),
//! output formats (`report`) and the batch audit (`audit`). It owns I/O, the reference data
//! handle's construction (`--data-dir`) and exit status. The layers below it, each depending
//! only on those after it (docs/architecture.md, checked by tests/layering.rs):
//! `claimlint_rules` (rules and the engine) → `claimlint_data` → `claimlint_model` →
//! `claimlint_ig` → `claimlint_x12` → `claimlint_diagnostic`.

pub mod audit;
pub mod cli;
pub mod config;
pub mod input;
pub mod report;
