//! What the root integration tests share: running the `keyway` binary as a person or a script
//! does, with secrets on standard input.
#![allow(dead_code, clippy::unwrap_used)] // Each test file uses part of it; a panic is the report.

pub mod setup;

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `keyway ARGS` with `env` added, feeding `stdin`; returns exit status, stdout, stderr.
pub fn keyway(
    args: &[&str],
    env: &[(&str, &std::ffi::OsStr)],
    stdin: &str,
) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keyway"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// fakecloud with the Contoso scenario, a custom cloud pointing every address at it, and an
/// HTTP client that trusts its certificate authority.
pub async fn emulator() -> (fakecloud::Running, keyway::cloud::Cloud, reqwest::Client) {
    emulator_with(fakecloud::Scenario::contoso()).await
}

/// [`emulator`] with another scenario.
pub async fn emulator_with(
    scenario: fakecloud::Scenario,
) -> (fakecloud::Running, keyway::cloud::Cloud, reqwest::Client) {
    let cloud = fakecloud::start(scenario, fakecloud::Options::default())
        .await
        .unwrap();
    let custom = keyway::cloud::Cloud::custom(keyway::cloud::CustomEndpoints {
        authority_host: cloud.https_url.clone(),
        powerbi_api: cloud.https_url.clone(),
        fabric_api: Some(format!("{}/v1", cloud.https_url)),
        ..Default::default()
    })
    .unwrap();
    let http = keyway::http::client(Some(cloud.ca_pem.as_bytes())).unwrap();
    (cloud, custom, http)
}

/// The person in the browser: opens fakecloud's sign-in page at `url`, signs in as Ada, and
/// follows the answer back to the app's loopback address.
pub async fn sign_in_in_browser(cloud: &fakecloud::Running, url: &str) {
    sign_in_in_browser_as(cloud, url, "ada@contoso.com").await;
}

/// The same, as the person `upn` (every scenario user's password is the same).
pub async fn sign_in_in_browser_as(cloud: &fakecloud::Running, url: &str, upn: &str) {
    let http = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(cloud.ca_pem.as_bytes()).unwrap()])
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(url).send().await.unwrap().text().await.unwrap();
    let request = page
        .split("name=\"request\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let res = http
        .post(format!("{}/_signin/login", cloud.https_url))
        .form(&[
            ("request", request.as_str()),
            ("login", upn),
            ("passwd", "Correct-Horse-42"),
        ])
        .send()
        .await
        .unwrap();
    let home = res.headers()["location"].to_str().unwrap().to_string();
    let _ = reqwest::Client::new().get(home).send().await;
}

/// The person on another device: approves the first device code that `codes` receives, as Ada.
pub async fn approve_device_code(
    cloud: &fakecloud::Running,
    codes: &std::sync::Mutex<Vec<String>>,
) {
    approve_device_code_as(cloud, codes, "ada@contoso.com").await;
}

/// The same, as the person `upn`.
pub async fn approve_device_code_as(
    cloud: &fakecloud::Running,
    codes: &std::sync::Mutex<Vec<String>>,
    upn: &str,
) {
    for _ in 0..100 {
        let code = codes.lock().unwrap().first().cloned();
        if let Some(code) = code {
            reqwest::Client::new()
                .post(format!("{}/_fakecloud/device/approve", cloud.http_url))
                .json(&serde_json::json!({ "user_code": code, "upn": upn }))
                .send()
                .await
                .unwrap();
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
