//! The `keyway` command: the same checks as the desktop wizard, for help desks and scripts.

mod cli;

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    cli::run(cli::Cli::parse()).await
}
