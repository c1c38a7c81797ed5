//! `keyway ca`: the company's certificate authority, as Settings trusts it in the window.

use super::{to_json, Failure, Outcome};
use clap::Subcommand;
use keyway::wizard::{company_ca, set_company_ca, CompanyCa};
use std::path::PathBuf;

/// What to do with the company's certificate authority.
#[derive(Debug, Subcommand)]
pub enum CaAction {
    /// Show the certificate authority trusted besides the system's, and where it comes from.
    Show {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Trust the certificate authority in this PEM file (from your IT team), for the window
    /// and the keyway command alike.
    Trust {
        /// The .pem or .crt file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Stop trusting the certificate authority trusted with `keyway ca trust` or in Settings.
    Forget {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

impl CaAction {
    /// `--json`.
    pub fn json(&self) -> bool {
        match self {
            CaAction::Show { json } | CaAction::Trust { json, .. } | CaAction::Forget { json } => {
                *json
            }
        }
    }
}

/// `keyway ca …`.
pub fn run(action: CaAction) -> Outcome {
    let json = action.json();
    let now = match action {
        CaAction::Show { .. } => company_ca()?,
        CaAction::Trust { file, .. } => {
            let pem = std::fs::read_to_string(&file).map_err(|e| {
                Failure::usage(keyway::http::ClientError::CaUnreadable {
                    path: file.display().to_string(),
                    reason: e.to_string(),
                })
            })?;
            set_company_ca(Some(&pem)).map_err(Failure::usage)?
        }
        CaAction::Forget { .. } => set_company_ca(None)?,
    };
    Ok(if json { to_json(&now) } else { text(&now) })
}

fn text(ca: &CompanyCa) -> String {
    match (&ca.source, &ca.path) {
        (Some(source), Some(path)) => format!(
            "Trusted besides this computer's authorities ({}): {}\nFile: {path}",
            serde_json::to_value(source)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            ca.names.join(", ")
        ),
        _ => "No certificate authority besides this computer's own.".into(),
    }
}
