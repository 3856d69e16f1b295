//! Thin: run the CLI and map the outcome to the exit status of OUTPUT.md (0 clean, 1 findings
//! at or above --fail-on, 2 claimlint itself could not run). Quiet on a closed pipe.

use claimlint::cli::{Cli, CliError, Outcome2, run};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(Outcome2::Clean) => ExitCode::SUCCESS,
        Ok(Outcome2::Findings) => ExitCode::from(1),
        Err(CliError::ClosedPipe) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            ExitCode::from(2)
        }
    }
}
