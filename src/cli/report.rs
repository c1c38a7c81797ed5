//! `keyway report`: a support report (HTML and JSON) with no secret in it.

use super::Outcome;
use clap::Args;
use keyway::profile::ProfileStore;
use keyway::report::SupportReport;
use std::path::PathBuf;

/// What `keyway report` writes.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The profile to report on.
    #[arg(long)]
    profile: String,
    /// The HTML file to write; the JSON goes next to it.
    #[arg(long)]
    out: PathBuf,
    /// Show tenant and client IDs in full (they are masked otherwise).
    #[arg(long)]
    unmask_ids: bool,
    /// Add the last lines of Keyway's log (IDs and e-mail addresses masked likewise).
    #[arg(long)]
    with_log: bool,
}

/// How many log lines `--with-log` adds.
const LOG_LINES: usize = 200;

/// `keyway report`.
pub fn run(args: ReportArgs) -> Outcome {
    let p = ProfileStore::default_location().get(&args.profile)?;
    let mut report = SupportReport::for_profile(&p, args.unmask_ids, keyway::clock::now());
    if args.with_log {
        let lines = keyway::log::last_lines(&keyway::log::dir(), LOG_LINES, args.unmask_ids);
        report = report.with_log(lines);
    }
    let json = report.write(&args.out)?;
    Ok(format!(
        "Wrote {} and {}. They hold no secret, token or password.",
        args.out.display(),
        json.display()
    ))
}
