//! First token with 100 ms added to every answer: Keyway against MSAL for Python, same grant
//! (client secret), same emulator, same run. Prints medians and the ratio (target <= 0.5:
//! Keyway makes one round trip where MSAL makes two, discovery then token).
//!
//!   cargo bench --bench first_token        (needs .venv from scripts/setup.sh)

use keyway::auth::SignIn;
use keyway::secret::ClientSecret;
use keyway::validate::TenantUse;
use std::time::{Duration, Instant};

const RUNS: usize = 9;
const CLIENT: &str = "11111111-1111-4111-8111-111111111111";
const SECRET: &str = "Emb8Q~current.secret-value_0123456789abcdef";

mod support;
use support::median;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (cloud, custom) = support::emulator().await?;
    support::set_latency(&cloud, 100).await?;

    let mut keyway = vec![];
    for _ in 0..RUNS {
        // A new client each run, built as the app builds it once at start-up; its first request
        // still opens a new connection, so the TLS handshake is in the timing.
        let http = keyway::http::client(Some(cloud.ca_pem.as_bytes()))?;
        let start = Instant::now();
        let signin = SignIn::new(
            &http,
            &custom,
            "contoso.onmicrosoft.com",
            CLIENT,
            TenantUse::App,
        )?;
        signin.client_secret(&ClientSecret::new(SECRET)).await?;
        keyway.push(start.elapsed().as_secs_f64() * 1000.0);
    }

    let python = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/msal_first_token.py");
    let authority = format!("{}/contoso.onmicrosoft.com", cloud.https_url);
    let out = tokio::process::Command::new(&python)
        .args([
            script.to_str().unwrap_or_default(),
            &authority,
            cloud.ca_path.to_str().unwrap_or_default(),
            CLIENT,
            SECRET,
            &RUNS.to_string(),
        ])
        .output()
        .await?;
    if !out.status.success() {
        return Err(format!("MSAL run failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let msal: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let msal: Vec<f64> = msal["ms"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
        .unwrap_or_default();

    let (k, m) = (median(keyway), median(msal));
    println!("first token, client secret, 100 ms latency per request, median of {RUNS}:");
    println!("  Keyway:      {k:7.1} ms");
    println!("  MSAL Python: {m:7.1} ms");
    println!("  ratio Keyway/MSAL: {:.2} (target <= 0.50)", k / m);
    cloud.stop();
    tokio::time::sleep(Duration::from_millis(10)).await;
    Ok(())
}
