//! Thin: parse the command line, run the command and map the outcome to the exit status of
//! OUTPUT.md (0 clean, 1 findings or an input not read, 2 claimlint itself could not run or
//! write its output). A closed standard output is exit 2 without a message.

use claimlint::cli::Cli;
use claimlint::commands::{CliError, Status, run};
use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            // --help or --version to a closed or full standard output is not a success.
            return match (e.print(), code) {
                (Err(_), 0) => ExitCode::from(2),
                _ => ExitCode::from(code),
            };
        }
    };
    match run(cli) {
        Ok(Status::Clean) => ExitCode::SUCCESS,
        Ok(Status::Findings) => ExitCode::from(1),
        Err(CliError::ClosedPipe) => ExitCode::from(2),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{:?}", miette::Report::new(e));
            ExitCode::from(2)
        }
    }
}
