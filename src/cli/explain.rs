//! `keyway explain`: any error someone pastes, explained.

use super::{read_stdin_bytes, to_json, Failure, Outcome};
use clap::Args;
use keyway::diagnose::{explain_text, Context};
use std::path::PathBuf;

/// What `keyway explain` reads.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The file to read; `-` or nothing reads standard input.
    file: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `keyway explain`.
pub async fn run(args: ExplainArgs) -> Outcome {
    let unreadable = |code: &str, e: std::io::Error| {
        Failure::usage_text(code, "The error text could not be read", e.to_string())
    };
    let bytes = match &args.file {
        Some(path) if path.as_os_str() != "-" => std::fs::read(path).map_err(|e| {
            let e = std::io::Error::new(e.kind(), format!("{}: {e}", path.display()));
            unreadable("FILE_UNREADABLE", e)
        })?,
        _ => read_stdin_bytes("error text").await?.to_vec(),
    };
    let text = String::from_utf8_lossy(&bytes);
    if text.trim().is_empty() {
        return Err(Failure::usage_text(
            "NOTHING_TO_EXPLAIN",
            "Nothing to explain",
            "Nothing to explain: paste an error message, an error body or an HTTP response.",
        ));
    }
    let x = explain_text(&text, &Context::default());
    Ok(if args.json { to_json(&x) } else { x.to_text() })
}
