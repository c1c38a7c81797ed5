//! `fakecloud --scenario FILE`: runs the emulator until interrupted, printing where it listens.

use clap::Parser;
use std::path::PathBuf;

/// A local emulator of Entra ID for Keyway's tests.
#[derive(Debug, Parser)]
#[command(name = "fakecloud", version, about)]
struct Args {
    /// Scenario file (TOML or JSON); the shipped Contoso scenario when absent.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Loopback address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// HTTPS port (0: any free port).
    #[arg(long, default_value_t = 0)]
    https_port: u16,
    /// HTTP port (0: any free port).
    #[arg(long, default_value_t = 0)]
    http_port: u16,
    /// Where to write the test CA certificate (PEM).
    #[arg(long)]
    ca_out: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let scenario = match &args.scenario {
        Some(path) => fakecloud::Scenario::load(path)?,
        None => fakecloud::Scenario::contoso(),
    };
    let running = fakecloud::start(
        scenario,
        fakecloud::Options {
            host: Some(args.host),
            https_port: args.https_port,
            http_port: args.http_port,
            ca_path: args.ca_out,
        },
    )
    .await?;
    // One JSON line, so a test harness can read it.
    println!(
        "{}",
        serde_json::json!({
            "https": running.https_url,
            "http": running.http_url,
            "ca": running.ca_path,
        })
    );
    tokio::signal::ctrl_c().await?;
    running.stop();
    Ok(())
}
