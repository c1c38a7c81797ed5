//! What the integration tests share: a running emulator and an HTTPS client that trusts only
//! its test CA, and token requests as a client sends them.
#![allow(dead_code, clippy::unwrap_used)] // Each test file uses part of it; a panic is the report.

use fakecloud::{Options, Running, Scenario};
use reqwest::Client;
use serde_json::Value;

/// Starts fakecloud with `scenario`; returns it and a client that trusts its CA.
pub async fn start_with(scenario: Scenario) -> (Running, Client) {
    let running = fakecloud::start(scenario, Options::default())
        .await
        .unwrap();
    let ca = reqwest::Certificate::from_pem(running.ca_pem.as_bytes()).unwrap();
    let http = Client::builder().tls_certs_only([ca]).build().unwrap();
    (running, http)
}

/// Posts a v2 token request and returns the JSON answer, success or error.
pub async fn token_response(
    http: &Client,
    base: &str,
    tenant: &str,
    form: &[(&str, &str)],
) -> Value {
    http.post(format!("{base}/{tenant}/oauth2/v2.0/token"))
        .form(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The access token of a v2 token request that must succeed.
pub async fn access_token(
    http: &Client,
    base: &str,
    tenant: &str,
    form: &[(&str, &str)],
) -> String {
    let res = token_response(http, base, tenant, form).await;
    res["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token: {res}"))
        .to_string()
}
