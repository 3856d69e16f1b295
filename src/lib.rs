//! claimlint: a linter for X12 837 health-care claims (837P 005010X222A1, 837I 005010X223A2).
//!
//! Layers, each depending only on those after it: `engine` → `rules` → `model` → `x12`.
//! `diagnostic` is shared by all; `report` only formats.

pub mod audit;
pub mod cli;
pub mod config;
pub mod data;
pub mod diagnostic;
pub mod engine;
pub mod ig;
pub mod input;
pub mod model;
pub mod report;
pub mod rules;
pub mod short;
pub mod x12;
