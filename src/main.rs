//! The `keyway` command: the same checks as the desktop wizard, for help desks and scripts.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Set up and verify Power BI REST API credentials.
#[derive(Debug, Parser)]
#[command(name = "keyway", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show Keyway's version and everything the wizard offers (goals, methods, clouds).
    Info {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the Microsoft clouds Keyway knows, with their sign-in and Power BI addresses.
    Clouds {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// List the goals Keyway can check credentials for.
    Goals {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let info = keyway::app_info();
    let out = match cli.command {
        Command::Info { json: true } => to_json(&info),
        Command::Info { json: false } => format!(
            "Keyway {} on {}\ngoals:   {}\nmethods: {}\nclouds:  {}",
            info.version,
            info.os,
            info.goals
                .iter()
                .map(|g| g.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            info.methods
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            info.clouds
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Command::Clouds { json: true } => to_json(&info.clouds),
        Command::Clouds { json: false } => info
            .clouds
            .iter()
            .map(|c| {
                format!(
                    "{:<8} {:<26} {}  {}",
                    c.id, c.name, c.authority_host, c.powerbi_api
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Command::Goals { json: true } => to_json(&info.goals),
        Command::Goals { json: false } => info
            .goals
            .iter()
            .map(|g| format!("{:<10} {}", g.id.as_str(), g.title))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    println!("{out}");
    ExitCode::SUCCESS
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
