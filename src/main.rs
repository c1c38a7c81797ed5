//! The `keyway` command: the same checks as the desktop wizard, for help desks and scripts.

mod cli;

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    // Without a writable log folder the command still runs: the log is for support only.
    let _ = keyway::log::init();
    cli::run(cli::Cli::parse()).await
}
